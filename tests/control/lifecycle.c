/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Port life cycle: start/stop cycles with exact counts, the link following both ends of a
 * cable, buffers and memzones all returned on stop, close and reset, and traffic after each.
 */
#include "ctl.h"

#define RING   64u
#define LEN    128u
#define CYCLES 100u
#define BURST  32u

static struct rte_mempool *mp;

/*
 * Ethdev's definitions: opackets counts frames transmitted, oerrors frames
 * that failed; every frame a Tx burst took is one or the other, never both.
 */
static void
check_tx_accounting(uint16_t port, uint64_t taken, uint64_t failed, const char *what)
{
	struct rte_eth_stats st = qpt_stats(port);

	CHECK(st.oerrors == failed, "%s: oerrors %" PRIu64 ", want %" PRIu64, what, st.oerrors,
	      failed);
	CHECK(st.opackets == taken - failed, "%s: opackets %" PRIu64 ", want %" PRIu64
	      " (%" PRIu64 " taken, %" PRIu64 " failed)", what, st.opackets, taken - failed,
	      taken, failed);
}

/* One port on the loopback wire, stopped and started CYCLES times. */
static void
test_loopback_cycles(void)
{
	uint16_t port = qpt_probe("net_qpring_l0", "");
	struct rte_eth_stats st;
	unsigned int i, bad;
	uint32_t n;

	QPT_CASE("loopback: 100 start/stop cycles, a burst each, exact counts");
	REQUIRE(qpt_setup(port, 1, RING, mp) == 0, "setup");
	CHECK_EQ(qpt_in_use(mp), 0);
	for (i = 0; i < CYCLES; i++) {
		CHECK(rte_eth_dev_start(port) == 0, "start %u", i);
		CHECK(qpt_in_use(mp) == RING, "cycle %u: %u mbufs in use after start, want %u "
		      "(the posted receive ring)", i, qpt_in_use(mp), RING);
		CHECK(ctl_link(port) == RTE_ETH_LINK_UP, "cycle %u: link not up", i);
		n = qpt_send(port, 0, mp, BURST, LEN, NULL, i * BURST);
		CHECK(n == BURST, "cycle %u: sent %u", i, n);
		n = qpt_recv(port, 0, BURST * 2, LEN, i * BURST, &bad);
		CHECK(n == BURST && bad == 0, "cycle %u: received %u, %u bad", i, n, bad);
		st = qpt_stats(port);
		CHECK(st.opackets == (i + 1) * BURST && st.ipackets == (i + 1) * BURST,
		      "cycle %u: opackets %" PRIu64 " ipackets %" PRIu64, i, st.opackets,
		      st.ipackets);
		CHECK(st.obytes == (uint64_t)(i + 1) * BURST * LEN &&
		      st.ibytes == (uint64_t)(i + 1) * BURST * LEN,
		      "cycle %u: obytes %" PRIu64 " ibytes %" PRIu64, i, st.obytes, st.ibytes);
		CHECK(st.oerrors == 0 && st.ierrors == 0 && st.imissed == 0 && st.rx_nombuf == 0,
		      "cycle %u: errors", i);
		CHECK(rte_eth_dev_stop(port) == 0, "stop %u", i);
		CHECK(ctl_link(port) == RTE_ETH_LINK_DOWN, "cycle %u: link up after stop", i);
		CHECK(qpt_in_use(mp) == 0, "cycle %u: %u mbufs in use after stop", i,
		      qpt_in_use(mp));
	}
	CHECK_EQ(qpt_xstat(port, "tx_q0_doorbells"), CYCLES);
	CHECK_EQ(qpt_xstat(port, "tx_q0_flushed_wqes"), 0);
	CHECK_EQ(qpt_xstat(port, "rx_q0_completions_reaped"), CYCLES * BURST);

	QPT_CASE("stopped port: stop again is harmless, stats still readable");
	CHECK(rte_eth_dev_stop(port) == 0, "second stop");
	st = qpt_stats(port);
	CHECK_EQ(st.opackets, CYCLES * BURST);
	CHECK_EQ(st.ipackets, CYCLES * BURST);
	CHECK(rte_eth_stats_reset(port) == 0, "stats_reset");
	st = qpt_stats(port);
	CHECK(st.opackets == 0 && st.ipackets == 0 && st.obytes == 0 && st.ibytes == 0,
	      "stats not zero after reset");
	CHECK(rte_eth_dev_start(port) == 0, "start after reset of stats");
	n = qpt_send(port, 0, mp, 5, LEN, NULL, 0);
	CHECK_EQ(n, 5);
	n = qpt_recv(port, 0, 64, LEN, 0, &bad);
	CHECK(n == 5 && bad == 0, "received %u, %u bad", n, bad);
	st = qpt_stats(port);
	CHECK(st.opackets == 5 && st.ipackets == 5, "opackets %" PRIu64 " ipackets %" PRIu64,
	      st.opackets, st.ipackets);
	CHECK(rte_eth_dev_stop(port) == 0, "stop");
	CHECK(rte_eth_dev_close(port) == 0, "close");
	CHECK_EQ(qpt_in_use(mp), 0);
}

/*
 * A cable, CYCLES times: both ends start, traffic both ways, both ends stop
 * (in alternating order). @args_b makes the second end (copy= of both).
 */
static void
test_cable_cycles(const char *an, const char *a_args, const char *bn, const char *b_args)
{
	uint16_t a = qpt_probe(an, a_args), b = qpt_probe(bn, b_args);
	struct rte_eth_stats sa, sb;
	unsigned int i, bad;
	uint32_t n;

	REQUIRE(qpt_setup(a, 1, RING, mp) == 0 && qpt_setup(b, 1, RING, mp) == 0, "setup");
	for (i = 0; i < CYCLES; i++) {
		uint16_t first = i & 1 ? b : a, second = i & 1 ? a : b;

		CHECK(rte_eth_dev_start(first) == 0 && rte_eth_dev_start(second) == 0,
		      "start %u", i);
		n = qpt_send(a, 0, mp, BURST, LEN, NULL, i * BURST);
		CHECK(n == BURST, "cycle %u: a sent %u", i, n);
		n = qpt_recv(b, 0, BURST * 2, LEN, i * BURST, &bad);
		CHECK(n == BURST && bad == 0, "cycle %u: b received %u, %u bad", i, n, bad);
		n = qpt_send(b, 0, mp, BURST / 2, LEN, NULL, 10000 + i);
		CHECK(n == BURST / 2, "cycle %u: b sent %u", i, n);
		n = qpt_recv(a, 0, BURST * 2, LEN, 10000 + i, &bad);
		CHECK(n == BURST / 2 && bad == 0, "cycle %u: a received %u, %u bad", i, n, bad);
		CHECK(rte_eth_dev_stop(first) == 0 && rte_eth_dev_stop(second) == 0, "stop %u",
		      i);
		CHECK(qpt_in_use(mp) == 0, "cycle %u: %u mbufs in use after stop", i,
		      qpt_in_use(mp));
	}
	sa = qpt_stats(a);
	sb = qpt_stats(b);
	CHECK(sa.opackets == CYCLES * BURST && sb.ipackets == CYCLES * BURST,
	      "a->b: opackets %" PRIu64 " ipackets %" PRIu64, sa.opackets, sb.ipackets);
	CHECK(sb.opackets == CYCLES * BURST / 2 && sa.ipackets == CYCLES * BURST / 2,
	      "b->a: opackets %" PRIu64 " ipackets %" PRIu64, sb.opackets, sa.ipackets);
	CHECK(sa.oerrors + sb.oerrors + sa.ierrors + sb.ierrors + sa.imissed + sb.imissed == 0,
	      "errors on a clean cable");
	CHECK(rte_eth_dev_close(a) == 0 && rte_eth_dev_close(b) == 0, "close");
	CHECK_EQ(qpt_in_use(mp), 0);
}

/* The link of each end is up exactly while both ends are started. */
static void
test_link(void)
{
	static const struct {
		int a_started, b_started;
	} steps[] = {
		{ 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 }, { 1, 1 }, { 1, 0 }, { 0, 0 }, { 0, 1 },
		{ 0, 0 },
	};
	uint16_t a = qpt_probe("net_qpring_la", ""), b = qpt_probe("net_qpring_lb", "peer=net_qpring_la");
	int as = 0, bs = 0;
	unsigned int i;

	QPT_CASE("link follows both ends of a cable");
	REQUIRE(qpt_setup(a, 1, RING, mp) == 0 && qpt_setup(b, 1, RING, mp) == 0, "setup");
	for (i = 0; i < RTE_DIM(steps); i++) {
		int up = steps[i].a_started && steps[i].b_started;

		if (steps[i].a_started != as)
			CHECK((as ? rte_eth_dev_stop(a) : rte_eth_dev_start(a)) == 0, "a %d", !as);
		if (steps[i].b_started != bs)
			CHECK((bs ? rte_eth_dev_stop(b) : rte_eth_dev_start(b)) == 0, "b %d", !bs);
		as = steps[i].a_started;
		bs = steps[i].b_started;
		CHECK(ctl_link(a) == up && ctl_link(b) == up,
		      "step %u (a %s, b %s): links a %d b %d, want %d", i,
		      as ? "started" : "stopped", bs ? "started" : "stopped", ctl_link(a),
		      ctl_link(b), up);
	}

	QPT_CASE("link: set_link_down cannot pull a cable");
	CHECK(rte_eth_dev_start(a) == 0 && rte_eth_dev_start(b) == 0, "start");
	CHECK(rte_eth_dev_set_link_down(a) != 0, "set_link_down succeeded");
	CHECK(ctl_link(a) == RTE_ETH_LINK_UP && ctl_link(b) == RTE_ETH_LINK_UP, "links");

	QPT_CASE("link: frames sent while the peer is stopped fail, and are counted");
	{
		unsigned int bad;
		uint32_t n;

		CHECK(rte_eth_stats_reset(a) == 0 && rte_eth_stats_reset(b) == 0, "stats reset");
		CHECK(rte_eth_dev_stop(b) == 0, "stop b");
		CHECK_EQ(ctl_link(a), RTE_ETH_LINK_DOWN);
		n = qpt_send(a, 0, mp, 16, LEN, NULL, 0);
		CHECK_EQ(n, 16);
		CHECK_EQ(qpt_xstat(a, "tx_q0_no_link_drops"), 16);
		check_tx_accounting(a, 16, 16, "peer stopped");
		CHECK(rte_eth_dev_start(b) == 0, "start b");
		CHECK_EQ(ctl_link(a), RTE_ETH_LINK_UP);
		n = qpt_recv(b, 0, 64, LEN, 0, &bad);
		CHECK(n == 0, "b received %u frames sent while it was stopped", n);
		CHECK_EQ(qpt_stats(b).ipackets, 0);
		/* and traffic is back */
		n = qpt_send(a, 0, mp, 16, LEN, NULL, 100);
		CHECK_EQ(n, 16);
		n = qpt_recv(b, 0, 64, LEN, 100, &bad);
		CHECK(n == 16 && bad == 0, "b received %u, %u bad", n, bad);
		check_tx_accounting(a, 32, 16, "peer back");
		CHECK_EQ(qpt_stats(b).ipackets, 16);
	}

	QPT_CASE("link: the peer closes, then comes back");
	{
		unsigned int bad;
		uint32_t n;

		CHECK(rte_eth_dev_stop(b) == 0, "stop b");
		CHECK(rte_eth_dev_close(b) == 0, "close b");
		CHECK_EQ(ctl_link(a), RTE_ETH_LINK_DOWN);
		n = qpt_send(a, 0, mp, 8, LEN, NULL, 200);
		CHECK_EQ(n, 8);
		CHECK_EQ(qpt_xstat(a, "tx_q0_no_link_drops"), 24);
		CHECK(rte_vdev_uninit("net_qpring_lb") == 0, "uninit lb");
		b = qpt_probe("net_qpring_lb", "peer=net_qpring_la");
		REQUIRE(qpt_start(b, 1, RING, mp) == 0, "start new b");
		CHECK(ctl_link(a) == RTE_ETH_LINK_UP && ctl_link(b) == RTE_ETH_LINK_UP,
		      "links after re-cabling: a %d b %d", ctl_link(a), ctl_link(b));
		n = qpt_send(a, 0, mp, 8, LEN, NULL, 300);
		CHECK_EQ(n, 8);
		n = qpt_recv(b, 0, 64, LEN, 300, &bad);
		CHECK(n == 8 && bad == 0, "new b received %u, %u bad", n, bad);
		n = qpt_send(b, 0, mp, 8, LEN, NULL, 400);
		CHECK_EQ(n, 8);
		n = qpt_recv(a, 0, 64, LEN, 400, &bad);
		CHECK(n == 8 && bad == 0, "a received %u, %u bad", n, bad);
	}

	QPT_CASE("loopback link: up while started");
	{
		uint16_t l = qpt_probe("net_qpring_ll", "");

		REQUIRE(qpt_setup(l, 1, RING, mp) == 0, "setup");
		CHECK_EQ(ctl_link(l), RTE_ETH_LINK_DOWN);
		CHECK(rte_eth_dev_start(l) == 0, "start");
		CHECK_EQ(ctl_link(l), RTE_ETH_LINK_UP);
		CHECK(rte_eth_dev_stop(l) == 0, "stop");
		CHECK_EQ(ctl_link(l), RTE_ETH_LINK_DOWN);
		CHECK(rte_eth_dev_close(l) == 0, "close");
	}
	CHECK(rte_eth_dev_stop(a) == 0 && rte_eth_dev_stop(b) == 0, "stop");
	CHECK(rte_eth_dev_close(a) == 0 && rte_eth_dev_close(b) == 0, "close");
	CHECK_EQ(qpt_in_use(mp), 0);
}

/* adapter=manual: WQEs not serviced by the stop are flushed, counted, freed. */
static void
test_flush_at_stop(void)
{
	uint16_t m = qpt_probe("net_qpring_lm", "adapter=manual");
	unsigned int bad;
	uint32_t n;

	QPT_CASE("stop flushes unserviced WQEs; start brings traffic back");
	REQUIRE(qpt_start(m, 1, RING, mp) == 0, "start");
	n = qpt_send(m, 0, mp, 10, LEN, NULL, 0);
	CHECK_EQ(n, 10);
	CHECK_EQ(qpt_in_use(mp), RING + 10);
	CHECK(rte_eth_dev_stop(m) == 0, "stop");
	CHECK_EQ(qpt_in_use(mp), 0);
	CHECK_EQ(qpt_xstat(m, "tx_q0_flushed_wqes"), 10);
	CHECK_EQ(qpt_stats(m).ipackets, 0);
	check_tx_accounting(m, 10, 10, "flushed");
	CHECK(rte_eth_dev_start(m) == 0, "start again");
	n = qpt_send(m, 0, mp, 10, LEN, NULL, 50);
	CHECK_EQ(n, 10);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(m, UINT32_MAX), 10);
	n = qpt_recv(m, 0, 64, LEN, 50, &bad);
	CHECK(n == 10 && bad == 0, "received %u, %u bad", n, bad);
	CHECK_EQ(qpt_stats(m).ipackets, 10);
	check_tx_accounting(m, 20, 10, "after restart");
	CHECK(rte_eth_dev_stop(m) == 0, "stop");
	CHECK(rte_eth_dev_close(m) == 0, "close");
	CHECK_EQ(qpt_in_use(mp), 0);
}

/*
 * Close with frames still in the rings, on a copying and a zero-copy cable
 * (zero copy: the frames waiting in receive slots are the senders' mbufs):
 * every mbuf returns to its pool and every memzone is freed.
 */
static void
test_close_in_flight(const char *an, const char *bn, const char *b_args, int zero_copy)
{
	struct rte_mempool *pool = qpt_pool(zero_copy ? "close_zc" : "close_cp", 1024,
					    RTE_MBUF_DEFAULT_BUF_SIZE);
	uint16_t a = qpt_probe(an, zero_copy ? "copy=0" : ""), b = qpt_probe(bn, b_args);
	struct rte_mbuf *rx[8];
	unsigned int got;
	uint32_t n;

	QPT_CASE(zero_copy ? "close with frames in flight (copy=0)" :
			     "close with frames in flight (copy=1)");
	REQUIRE(qpt_start(a, 1, RING, pool) == 0 && qpt_start(b, 1, RING, pool) == 0, "start");
	n = qpt_send(a, 0, pool, 40, LEN, NULL, 0);
	CHECK_EQ(n, 40);
	n = qpt_send(b, 0, pool, 20, LEN, NULL, 0);
	CHECK_EQ(n, 20);
	got = qpt_rx_all(b, 0, rx, 8, 4);
	CHECK_EQ(got, 8);
	qpt_free_all(rx, got);
	CHECK(qpt_in_use(pool) > 0, "nothing in flight");
	CHECK(rte_eth_dev_stop(a) == 0 && rte_eth_dev_stop(b) == 0, "stop");
	CHECK(rte_eth_dev_close(a) == 0 && rte_eth_dev_close(b) == 0, "close");
	CHECK(qpt_in_use(pool) == 0, "%u mbufs not returned after close", qpt_in_use(pool));
	CHECK(!ctl_mz_exists(a, 't', 0) && !ctl_mz_exists(a, 'r', 0) &&
	      !ctl_mz_exists(b, 't', 0) && !ctl_mz_exists(b, 'r', 0), "memzones left");
	rte_mempool_free(pool);
}

/* dev_reset drops the queues; the application configures again and traffic flows. */
static void
test_reset(void)
{
	/* rxq_map=same: the loopback port (its own receiver) keeps frames sent
	 * on queue 1 on its receive queue 1, so both queue pairs carry traffic.
	 */
	uint16_t l = qpt_probe("net_qpring_rl", "rxq_map=same"), a = qpt_probe("net_qpring_ra", "");
	uint16_t b = qpt_probe("net_qpring_rb", "peer=net_qpring_ra");
	unsigned int bad;
	uint32_t n;

	QPT_CASE("reset of a loopback port, then reconfigure");
	REQUIRE(qpt_start(l, 2, RING, mp) == 0, "start");
	ctl_roundtrip(l, l, 1, mp, 8, LEN, 0, "before reset");
	CHECK(rte_eth_dev_reset(l) == 0, "reset");
	CHECK_EQ(ctl_link(l), RTE_ETH_LINK_DOWN);
	CHECK_EQ(qpt_in_use(mp), 0);
	CHECK(!ctl_mz_exists(l, 't', 0) && !ctl_mz_exists(l, 'r', 0) &&
	      !ctl_mz_exists(l, 't', 1) && !ctl_mz_exists(l, 'r', 1), "memzones after reset");
	REQUIRE(qpt_start(l, 1, RING, mp) == 0, "reconfigure and start");
	CHECK(rte_eth_stats_reset(l) == 0, "stats reset");
	ctl_roundtrip(l, l, 0, mp, 8, LEN, 500, "after reset");
	CHECK_EQ(qpt_stats(l).opackets, 8);
	CHECK_EQ(qpt_stats(l).ipackets, 8);
	CHECK(rte_eth_dev_stop(l) == 0 && rte_eth_dev_close(l) == 0, "close");

	QPT_CASE("reset of one end of a cable keeps the cable");
	REQUIRE(qpt_start(a, 1, RING, mp) == 0 && qpt_start(b, 1, RING, mp) == 0, "start");
	ctl_roundtrip(a, b, 0, mp, 8, LEN, 0, "a->b before reset");
	CHECK(rte_eth_dev_reset(a) == 0, "reset a");
	CHECK(ctl_link(a) == RTE_ETH_LINK_DOWN && ctl_link(b) == RTE_ETH_LINK_DOWN,
	      "links after reset");
	/* b still runs; what it sends now finds no receiver */
	n = qpt_send(b, 0, mp, 4, LEN, NULL, 0);
	CHECK_EQ(n, 4);
	REQUIRE(qpt_start(a, 1, RING, mp) == 0, "reconfigure a");
	CHECK(ctl_link(a) == RTE_ETH_LINK_UP && ctl_link(b) == RTE_ETH_LINK_UP, "links");
	n = qpt_recv(a, 0, 64, LEN, 0, &bad);
	CHECK(n == 0, "a received %u frames sent while it was reset", n);
	ctl_roundtrip(a, b, 0, mp, 8, LEN, 600, "a->b after reset");
	ctl_roundtrip(b, a, 0, mp, 8, LEN, 700, "b->a after reset");
	CHECK(rte_eth_dev_stop(a) == 0 && rte_eth_dev_stop(b) == 0, "stop");
	CHECK(rte_eth_dev_close(a) == 0 && rte_eth_dev_close(b) == 0, "close");
	CHECK_EQ(qpt_in_use(mp), 0);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("ctl_lifecycle", 256, NULL);
	mp = qpt_pool("lifecycle", 4096, RTE_MBUF_DEFAULT_BUF_SIZE);

	test_loopback_cycles();
	QPT_CASE("cable: 100 start/stop cycles, traffic both ways (copy=1)");
	test_cable_cycles("net_qpring_ca", "", "net_qpring_cb", "peer=net_qpring_ca");
	QPT_CASE("cable: 100 start/stop cycles, traffic both ways (copy=0)");
	test_cable_cycles("net_qpring_za", "copy=0", "net_qpring_zb", "peer=net_qpring_za,copy=0");
	test_link();
	test_flush_at_stop();
	test_close_in_flight("net_qpring_fa", "net_qpring_fb", "peer=net_qpring_fa", 0);
	test_close_in_flight("net_qpring_ga", "net_qpring_gb", "peer=net_qpring_ga,copy=0", 1);
	test_reset();

	CHECK_EQ(rte_eth_dev_count_avail(), 0);
	qpt_eal_done();
	return qpt_finish();
}
