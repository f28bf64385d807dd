/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Queue pairs on request: more and fewer QPs by reconfiguration, queue set-up while the port
 * runs, deferred start, ring sizes, the maximum, and every queue's memzone freed on release.
 *
 * Every port here is its own receiver (loopback) and is probed with rxq_map=same: the
 * receiving port then delivers what send queue i sends into its receive queue i, so each
 * queue pair's traffic (and a stopped receive queue's effect on its own send queue) is
 * checked apart. The default mapping (all into queue 0) is tests/ethdev/traffic.c's.
 */
#include "ctl.h"

#define RING 64u
#define LEN  80u
#define N    8u

static struct rte_mempool *mp;

/* Ring size of queue @q in direction @dir as its register file reports it; 0 if none. */
static uint32_t
ring_size(uint16_t port, uint16_t q, enum rte_pmd_qpring_dir dir)
{
	struct rte_pmd_qpring_regs r;

	if (rte_pmd_qpring_regs_get(port, q, dir, &r) != 0)
		return 0;
	return r.size;
}

/* Queue state from ethdev's queue info (RTE_ETH_QUEUE_STATE_*), or -errno. */
static int
queue_state(uint16_t port, uint16_t q, int rx, uint16_t *nb_desc)
{
	struct rte_eth_rxq_info ri;
	struct rte_eth_txq_info ti;
	int ret;

	if (rx) {
		ret = rte_eth_rx_queue_info_get(port, q, &ri);
		if (ret == 0 && nb_desc != NULL)
			*nb_desc = ri.nb_desc;
		return ret != 0 ? ret : ri.queue_state;
	}
	ret = rte_eth_tx_queue_info_get(port, q, &ti);
	if (ret == 0 && nb_desc != NULL)
		*nb_desc = ti.nb_desc;
	return ret != 0 ? ret : ti.queue_state;
}

/* Ethdev reports queue @q (rx if @rx) of @port in state @want. */
static void
check_state(uint16_t port, uint16_t q, int rx, int want)
{
	int st = queue_state(port, q, rx, NULL);

	CHECK(st == want, "%s queue %u: state %d (%s), want %d", rx ? "rx" : "tx", q, st,
	      st < 0 ? rte_strerror(-st) : "", want);
}

/* Nothing is waiting on any of the first @n receive queues of @port. */
static void
check_all_empty(uint16_t port, uint16_t n, const char *what)
{
	unsigned int bad;
	uint16_t q;

	for (q = 0; q < n; q++) {
		unsigned int got = qpt_recv(port, q, 64, LEN, 0, &bad);

		CHECK(got == 0, "%s: %u stray frames on rx queue %u", what, got, q);
	}
}

/*
 * Reconfigure the stopped loopback @port to @n QPs, start it, and check
 * every QP carries its own traffic, and only the memzones of QPs 0..n-1
 * exist (up to @upto).
 */
static void
reconfigure(uint16_t port, uint16_t n, uint16_t upto)
{
	struct rte_eth_dev_info info;
	struct rte_eth_stats st;
	char what[64];
	uint16_t q;

	snprintf(what, sizeof(what), "%u queue pairs", n);
	QPT_CASE(what);
	REQUIRE(qpt_start(port, n, RING, mp) == 0, "reconfigure to %u QPs", n);
	CHECK(rte_eth_dev_info_get(port, &info) == 0, "info");
	CHECK(info.nb_rx_queues == n && info.nb_tx_queues == n, "info says %u/%u queues",
	      info.nb_rx_queues, info.nb_tx_queues);
	CHECK_EQ(qpt_in_use(mp), (uint32_t)n * RING);
	CHECK(rte_eth_stats_reset(port) == 0, "stats reset");
	for (q = 0; q < upto; q++) {
		int want = q < n;

		CHECK(ctl_mz_exists(port, 't', q) == want && ctl_mz_exists(port, 'r', q) == want,
		      "%u QPs: memzones of QP %u %s", n, q, want ? "missing" : "left behind");
		CHECK(ring_size(port, q, RTE_PMD_QPRING_SQ) == (want ? RING : 0) &&
		      ring_size(port, q, RTE_PMD_QPRING_RQ) == (want ? RING : 0),
		      "%u QPs: register file of QP %u", n, q);
	}
	/* Each send queue i delivers into receive queue i, and nowhere else. */
	for (q = 0; q < n; q++)
		CHECK_EQ(qpt_send(port, q, mp, N + q, LEN, NULL, 1000u * q), N + q);
	for (q = 0; q < n; q++) {
		unsigned int bad, got = qpt_recv(port, q, 64, LEN, 1000u * q, &bad);

		CHECK(got == N + q && bad == 0, "%u QPs: rx queue %u got %u of %u, %u bad", n, q,
		      got, N + q, bad);
	}
	st = (struct rte_eth_stats){ 0 };
	CHECK(rte_eth_stats_get(port, &st) == 0, "stats");
	for (q = 0; q < n && q < RTE_ETHDEV_QUEUE_STAT_CNTRS; q++)
		CHECK(st.q_opackets[q] == N + q && st.q_ipackets[q] == N + q,
		      "%u QPs: queue %u stats %" PRIu64 "/%" PRIu64, n, q, st.q_opackets[q],
		      st.q_ipackets[q]);
	CHECK_EQ(st.opackets, (uint64_t)n * N + (uint64_t)n * (n - 1) / 2);
	CHECK_EQ(st.ipackets, st.opackets);
	CHECK(rte_eth_dev_stop(port) == 0, "stop");
	CHECK_EQ(qpt_in_use(mp), 0);
}

static void
test_more_qps(void)
{
	static const uint16_t steps[] = { 1, 4, 2, 8, 1 };
	uint16_t port = qpt_probe("net_qpring_qp", "rxq_map=same");
	unsigned int i;
	uint16_t q;

	for (i = 0; i < RTE_DIM(steps); i++)
		reconfigure(port, steps[i], 8);
	QPT_CASE("close frees every memzone");
	CHECK(rte_eth_dev_close(port) == 0, "close");
	for (q = 0; q < 8; q++)
		CHECK(!ctl_mz_exists(port, 't', q) && !ctl_mz_exists(port, 'r', q),
		      "memzone of QP %u after close", q);
}

/* Set up a stopped queue again while the rest of the port runs. */
static void
test_runtime_setup(void)
{
	uint16_t port = qpt_probe("net_qpring_rt", "rxq_map=same");
	struct rte_eth_dev_info info;
	unsigned int in_use;
	unsigned int bad;

	QPT_CASE("runtime queue setup: capability advertised");
	CHECK(rte_eth_dev_info_get(port, &info) == 0, "info");
	CHECK((info.dev_capa & RTE_ETH_DEV_CAPA_RUNTIME_RX_QUEUE_SETUP) &&
	      (info.dev_capa & RTE_ETH_DEV_CAPA_RUNTIME_TX_QUEUE_SETUP), "dev_capa 0x%" PRIx64,
	      info.dev_capa);
	REQUIRE(qpt_start(port, 2, RING, mp) == 0, "start");
	ctl_roundtrip(port, port, 0, mp, N, LEN, 0, "q0");
	ctl_roundtrip(port, port, 1, mp, N, LEN, 0, "q1");

	QPT_CASE("runtime rx queue setup: stop, set up with another ring, start");
	in_use = qpt_in_use(mp);
	CHECK(rte_eth_rx_queue_setup(port, 1, 128, rte_socket_id(), NULL, mp) == -EBUSY,
	      "setup of a started rx queue accepted");
	CHECK(rte_eth_dev_rx_queue_stop(port, 1) == 0, "rx queue stop");
	CHECK(qpt_in_use(mp) == in_use - RING, "%u mbufs in use, want %u (ring returned)",
	      qpt_in_use(mp), in_use - RING);
	check_state(port, 1, 1, RTE_ETH_QUEUE_STATE_STOPPED);
	/* Send queue 1 still runs: with no receive queue behind it, frames fail. */
	CHECK_EQ(qpt_send(port, 1, mp, N, LEN, NULL, 0), N);
	CHECK_EQ(qpt_xstat(port, "tx_q1_no_link_drops"), N);
	ctl_roundtrip(port, port, 0, mp, N, LEN, 100, "q0 while rx q1 is stopped");
	CHECK(rte_eth_rx_queue_setup(port, 1, 128, rte_socket_id(), NULL, mp) == 0,
	      "runtime rx queue setup");
	CHECK_EQ(ring_size(port, 1, RTE_PMD_QPRING_RQ), 128);
	CHECK(ctl_mz_exists(port, 'r', 1), "memzone of the new rx queue");
	in_use = qpt_in_use(mp);
	CHECK(rte_eth_dev_rx_queue_start(port, 1) == 0, "rx queue start");
	CHECK(qpt_in_use(mp) == in_use + 128, "%u mbufs in use, want %u (128 posted)",
	      qpt_in_use(mp), in_use + 128);
	check_state(port, 1, 1, RTE_ETH_QUEUE_STATE_STARTED);
	CHECK_EQ(qpt_recv(port, 1, 64, LEN, 0, &bad), 0);
	ctl_roundtrip(port, port, 1, mp, N, LEN, 200, "q1 after rx setup");
	ctl_roundtrip(port, port, 0, mp, N, LEN, 300, "q0 after rx setup");

	QPT_CASE("runtime tx queue setup: stop, set up with another ring, start");
	CHECK(rte_eth_tx_queue_setup(port, 1, 256, rte_socket_id(), NULL) == -EBUSY,
	      "setup of a started tx queue accepted");
	CHECK(rte_eth_dev_tx_queue_stop(port, 1) == 0, "tx queue stop");
	check_state(port, 1, 0, RTE_ETH_QUEUE_STATE_STOPPED);
	CHECK(rte_eth_tx_queue_setup(port, 1, 256, rte_socket_id(), NULL) == 0,
	      "runtime tx queue setup");
	CHECK_EQ(ring_size(port, 1, RTE_PMD_QPRING_SQ), 256);
	CHECK(rte_eth_dev_tx_queue_start(port, 1) == 0, "tx queue start");
	check_state(port, 1, 0, RTE_ETH_QUEUE_STATE_STARTED);
	ctl_roundtrip(port, port, 1, mp, N, LEN, 400, "q1 after tx setup");
	ctl_roundtrip(port, port, 0, mp, N, LEN, 500, "q0 after tx setup");
	check_all_empty(port, 2, "after runtime setup");

	CHECK(rte_eth_dev_stop(port) == 0, "stop");
	CHECK_EQ(qpt_in_use(mp), 0);
	CHECK(rte_eth_dev_close(port) == 0, "close");
}

/* Queues set up with deferred start stay stopped until started one by one. */
static void
test_deferred(void)
{
	uint16_t port = qpt_probe("net_qpring_df", "rxq_map=same");
	struct rte_eth_rxconf rxc;
	struct rte_eth_txconf txc;
	struct rte_eth_conf conf;
	unsigned int bad, in_use;
	uint16_t q, nb_desc = 0;

	QPT_CASE("deferred start: rx queue 1 and tx queue 2");
	memset(&conf, 0, sizeof(conf));
	REQUIRE(rte_eth_dev_configure(port, 3, 3, &conf) == 0, "configure");
	for (q = 0; q < 3; q++) {
		memset(&rxc, 0, sizeof(rxc));
		memset(&txc, 0, sizeof(txc));
		rxc.rx_deferred_start = q == 1;
		txc.tx_deferred_start = q == 2;
		REQUIRE(rte_eth_rx_queue_setup(port, q, RING, rte_socket_id(), &rxc, mp) == 0,
			"rx setup %u", q);
		REQUIRE(rte_eth_tx_queue_setup(port, q, RING, rte_socket_id(), &txc) == 0,
			"tx setup %u", q);
	}
	REQUIRE(rte_eth_dev_start(port) == 0, "start");
	/* Only the receive queues started have their buffers posted. */
	CHECK_EQ(qpt_in_use(mp), 2 * RING);
	CHECK_EQ(qpt_xstat(port, "rx_q1_wqes_posted"), 0);
	CHECK_EQ(qpt_xstat(port, "rx_q0_wqes_posted"), RING);
	for (q = 0; q < 3; q++) {
		int rs = queue_state(port, q, 1, &nb_desc), ts = queue_state(port, q, 0, NULL);

		CHECK(rs == (q == 1 ? RTE_ETH_QUEUE_STATE_STOPPED : RTE_ETH_QUEUE_STATE_STARTED),
		      "rx queue %u state %d (%s)", q, rs, rs < 0 ? rte_strerror(-rs) : "");
		CHECK(ts == (q == 2 ? RTE_ETH_QUEUE_STATE_STOPPED : RTE_ETH_QUEUE_STATE_STARTED),
		      "tx queue %u state %d (%s)", q, ts, ts < 0 ? rte_strerror(-ts) : "");
		CHECK(rs < 0 || nb_desc == RING, "rx queue %u: info nb_desc %u", q, nb_desc);
	}
	ctl_roundtrip(port, port, 0, mp, N, LEN, 0, "q0");
	/* tx q1 runs, rx q1 does not: its frames find no receive queue. */
	CHECK_EQ(qpt_send(port, 1, mp, N, LEN, NULL, 0), N);
	CHECK_EQ(qpt_xstat(port, "tx_q1_no_link_drops"), N);
	in_use = qpt_in_use(mp);
	CHECK(rte_eth_dev_rx_queue_start(port, 1) == 0, "start rx q1");
	CHECK_EQ(qpt_in_use(mp), in_use + RING);
	CHECK_EQ(qpt_xstat(port, "rx_q1_wqes_posted"), RING);
	CHECK_EQ(qpt_recv(port, 1, 64, LEN, 0, &bad), 0);
	ctl_roundtrip(port, port, 1, mp, N, LEN, 100, "q1 after its rx start");
	CHECK(rte_eth_dev_tx_queue_start(port, 2) == 0, "start tx q2");
	check_state(port, 2, 0, RTE_ETH_QUEUE_STATE_STARTED);
	ctl_roundtrip(port, port, 2, mp, N, LEN, 200, "q2 after its tx start");

	QPT_CASE("deferred start: honoured again at the next start");
	CHECK(rte_eth_dev_stop(port) == 0, "stop");
	CHECK_EQ(qpt_in_use(mp), 0);
	CHECK(rte_eth_dev_start(port) == 0, "start");
	CHECK_EQ(qpt_in_use(mp), 2 * RING);
	check_state(port, 1, 1, RTE_ETH_QUEUE_STATE_STOPPED);
	check_state(port, 2, 0, RTE_ETH_QUEUE_STATE_STOPPED);
	CHECK(rte_eth_dev_stop(port) == 0, "stop");
	CHECK(rte_eth_dev_close(port) == 0, "close");
	CHECK_EQ(qpt_in_use(mp), 0);
}

/* Ring sizes: powers of two from 16 to 32768; 0 asks for the default (512). */
static void
test_ring_sizes(void)
{
	static const struct {
		uint16_t nb_desc;
		int ret;
		uint32_t size;
	} t[] = {
		/* In the advertised range (nb_align 1), any count: rounded up
		 * to a power of two, and queue info reports the real size.
		 */
		{ 0, 0, 512 }, { 1, -EINVAL, 0 }, { 8, -EINVAL, 0 }, { 15, -EINVAL, 0 },
		{ 16, 0, 16 }, { 17, 0, 32 }, { 24, 0, 32 }, { 32, 0, 32 },
		{ 100, 0, 128 }, { 128, 0, 128 }, { 1000, 0, 1024 }, { 1024, 0, 1024 },
		{ 4096, 0, 4096 }, { 16384, 0, 16384 }, { 20000, 0, 32768 },
		{ 32767, 0, 32768 }, { 32768, 0, 32768 }, { 32769, -EINVAL, 0 },
		{ 65535, -EINVAL, 0 },
	};
	uint16_t port = qpt_probe("net_qpring_rs", "");
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	unsigned int i, bad, ok;
	int ret;

	QPT_CASE("ring sizes: limits advertised");
	CHECK(rte_eth_dev_info_get(port, &info) == 0, "info");
	CHECK(info.rx_desc_lim.nb_min == 16 && info.rx_desc_lim.nb_max == 32768 &&
	      info.tx_desc_lim.nb_min == 16 && info.tx_desc_lim.nb_max == 32768,
	      "desc limits rx %u..%u tx %u..%u", info.rx_desc_lim.nb_min, info.rx_desc_lim.nb_max,
	      info.tx_desc_lim.nb_min, info.tx_desc_lim.nb_max);
	memset(&conf, 0, sizeof(conf));
	REQUIRE(rte_eth_dev_configure(port, 1, 1, &conf) == 0, "configure");
	for (i = 0; i < RTE_DIM(t); i++) {
		char what[64];

		snprintf(what, sizeof(what), "ring of %u descriptors", t[i].nb_desc);
		QPT_CASE(what);
		ret = rte_eth_rx_queue_setup(port, 0, t[i].nb_desc, rte_socket_id(), NULL, mp);
		CHECK(ret == t[i].ret, "rx setup returned %d, want %d", ret, t[i].ret);
		ret = rte_eth_tx_queue_setup(port, 0, t[i].nb_desc, rte_socket_id(), NULL);
		CHECK(ret == t[i].ret, "tx setup returned %d, want %d", ret, t[i].ret);
		if (t[i].ret != 0)
			continue;
		CHECK_EQ(ring_size(port, 0, RTE_PMD_QPRING_RQ), t[i].size);
		CHECK_EQ(ring_size(port, 0, RTE_PMD_QPRING_SQ), t[i].size);
		{
			struct rte_eth_rxq_info ri;
			struct rte_eth_txq_info ti;

			CHECK(rte_eth_rx_queue_info_get(port, 0, &ri) == 0 &&
			      ri.nb_desc == t[i].size, "rx queue info: %u slots", ri.nb_desc);
			CHECK(rte_eth_tx_queue_info_get(port, 0, &ti) == 0 &&
			      ti.nb_desc == t[i].size, "tx queue info: %u slots", ti.nb_desc);
		}
		CHECK(ctl_mz_exists(port, 't', 0) && ctl_mz_exists(port, 'r', 0), "memzones");
	}

	QPT_CASE("ring of 16: a full receive ring drops, and counts, the rest");
	REQUIRE(qpt_start(port, 1, 16, mp) == 0, "start with 16 slots");
	CHECK_EQ(qpt_in_use(mp), 16);
	CHECK_EQ(qpt_send(port, 0, mp, 16, LEN, NULL, 0), 16);
	CHECK_EQ(qpt_send(port, 0, mp, 4, LEN, NULL, 16), 4);
	CHECK_EQ(qpt_recv(port, 0, 64, LEN, 0, &bad), 16);
	CHECK_EQ(bad, 0);
	CHECK_EQ(qpt_xstat(port, "rx_q0_no_buffer_drops"), 4);
	{
		struct rte_eth_stats st;

		CHECK(rte_eth_stats_get(port, &st) == 0, "stats");
		CHECK_EQ(st.imissed, 4);
		CHECK_EQ(st.ipackets, 16);
	}
	/* A full ring, drained by bursts larger than the ring, many times over. */
	for (i = 0, ok = 0; i < 50; i++) {
		unsigned int sent = qpt_send(port, 0, mp, 16, LEN, NULL, 100 + 16 * i);
		unsigned int got = qpt_recv(port, 0, 64, LEN, 100 + 16 * i, &bad);

		if (sent == 16 && got == 16 && bad == 0)
			ok++;
		else if (i - ok < 3)
			printf("round %u: sent %u, received %u, %u bad\n", i, sent, got, bad);
	}
	CHECK(ok == 50, "%u of 50 rounds of 16 frames through a ring of 16 exact", ok);
	CHECK(rte_eth_dev_stop(port) == 0, "stop");

	QPT_CASE("ring of 32768: the whole ring posted and used");
	{
		struct rte_mempool *big = qpt_pool("rings_big", 32768 + 1024,
						   RTE_MBUF_DEFAULT_BUF_SIZE);

		REQUIRE(qpt_start(port, 1, 32768, big) == 0, "start with 32768 slots");
		CHECK_EQ(qpt_in_use(big), 32768);
		CHECK_EQ(qpt_send(port, 0, big, 512, LEN, NULL, 0), 512);
		CHECK_EQ(qpt_recv(port, 0, 1024, LEN, 0, &bad), 512);
		CHECK_EQ(bad, 0);
		CHECK(rte_eth_dev_stop(port) == 0, "stop");
		CHECK_EQ(qpt_in_use(big), 0);
		CHECK(rte_eth_dev_close(port) == 0, "close");
		CHECK(!ctl_mz_exists(port, 't', 0) && !ctl_mz_exists(port, 'r', 0), "memzones");
		rte_mempool_free(big);
	}
}

/* 256 queue pairs work; 257 are refused. */
static void
test_max_qps(void)
{
	uint16_t port = qpt_probe("net_qpring_mx", "rxq_map=same");
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	struct rte_eth_stats st;
	unsigned int bad, ok = 0, freed = 0;
	uint16_t q;

	QPT_CASE("maximum queue pairs advertised");
	CHECK(rte_eth_dev_info_get(port, &info) == 0, "info");
	CHECK_EQ(info.max_rx_queues, 256);
	CHECK_EQ(info.max_tx_queues, 256);

	QPT_CASE("more queue pairs than the maximum are refused");
	memset(&conf, 0, sizeof(conf));
	CHECK(rte_eth_dev_configure(port, 257, 257, &conf) == -EINVAL, "257 QPs accepted");
	CHECK(rte_eth_dev_configure(port, 256, 257, &conf) == -EINVAL, "257 tx queues accepted");
	CHECK(rte_eth_dev_configure(port, 257, 256, &conf) == -EINVAL, "257 rx queues accepted");
	CHECK(rte_eth_dev_configure(port, 1024, 1024, &conf) != 0, "1024 QPs accepted");

	QPT_CASE("256 queue pairs, traffic on every one");
	REQUIRE(qpt_start(port, 256, 16, mp) == 0, "start with 256 QPs");
	CHECK_EQ(qpt_in_use(mp), 256 * 16);
	for (q = 0; q < 256; q++)
		CHECK_EQ(qpt_send(port, q, mp, 2, LEN, NULL, 10u * q), 2);
	for (q = 0; q < 256; q++)
		ok += qpt_recv(port, q, 16, LEN, 10u * q, &bad) == 2 && bad == 0;
	CHECK(ok == 256, "%u of 256 queue pairs carried their frames", ok);
	CHECK(rte_eth_stats_get(port, &st) == 0, "stats");
	CHECK_EQ(st.opackets, 512);
	CHECK_EQ(st.ipackets, 512);
	CHECK(rte_eth_dev_stop(port) == 0, "stop");
	CHECK_EQ(qpt_in_use(mp), 0);

	QPT_CASE("back to 1 QP: memzones of QPs 1..255 freed");
	REQUIRE(qpt_start(port, 1, RING, mp) == 0, "1 QP");
	for (q = 1; q < 256; q++)
		freed += !ctl_mz_exists(port, 't', q) && !ctl_mz_exists(port, 'r', q);
	CHECK(freed == 255, "%u of 255 queue pairs freed", freed);
	ctl_roundtrip(port, port, 0, mp, N, LEN, 0, "q0");
	CHECK(rte_eth_dev_stop(port) == 0, "stop");
	CHECK(rte_eth_dev_close(port) == 0, "close");
	CHECK(!ctl_mz_exists(port, 't', 0) && !ctl_mz_exists(port, 'r', 0), "memzones");
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("ctl_reconfig", 256, NULL);
	mp = qpt_pool("reconfig", 8192, RTE_MBUF_DEFAULT_BUF_SIZE);

	test_more_qps();
	test_runtime_setup();
	test_deferred();
	test_ring_sizes();
	test_max_qps();

	CHECK_EQ(qpt_in_use(mp), 0);
	CHECK_EQ(rte_eth_dev_count_avail(), 0);
	qpt_eal_done();
	return qpt_finish();
}
