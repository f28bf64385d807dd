/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Receive filters and frame size: promiscuous and all-multicast, the MAC address changed at
 * run time, the MTU (limits, frames over it dropped and counted) and buffers too small for it.
 */
#include "ctl.h"

#define RING 64u
#define LEN  100u
#define K    4u    /* frames per destination */

/* Destinations of the filter table. */
enum dst { D_OWN, D_OTHER, D_BCAST, D_MCAST4, D_MCAST6, D_NR };

static const char *const dst_name[D_NR] = { "own", "other unicast", "broadcast",
					     "multicast 01:00:5e", "multicast 33:33" };

static struct rte_mempool *mp;

static struct rte_ether_addr
mac(const char *s)
{
	struct rte_ether_addr m;

	if (rte_ether_unformat_addr(s, &m) != 0)
		REQUIRE(0, "bad test MAC %s", s);
	return m;
}

static uint64_t
ipackets(uint16_t port)
{
	struct rte_eth_stats st;

	memset(&st, 0, sizeof(st));
	CHECK(rte_eth_stats_get(port, &st) == 0, "stats");
	return st.ipackets;
}

/*
 * Send K frames to @to from @a on queue @q and check @b receives all of them
 * (@accept) or none, with the drops counted in rx_q<q>_mac_filter_drops.
 */
static void
check_dst(uint16_t a, uint16_t b, uint16_t q, const struct rte_ether_addr *to, int accept,
	  const char *what)
{
	char xs[64];
	uint64_t drops0, drops1, in0 = ipackets(b);
	unsigned int got, bad;
	static uint32_t seq;

	snprintf(xs, sizeof(xs), "rx_q%u_mac_filter_drops", q);
	drops0 = qpt_xstat(b, xs);
	CHECK_EQ(qpt_send(a, q, mp, K, LEN, to, seq), K);
	got = qpt_recv(b, q, 64, LEN, seq, &bad);
	seq += K;
	drops1 = qpt_xstat(b, xs);
	CHECK(got == (accept ? K : 0) && bad == 0, "%s: %u frames received, want %u (%u bad)",
	      what, got, accept ? K : 0, bad);
	CHECK(drops1 - drops0 == (accept ? 0 : K), "%s: %s went up by %" PRIu64 ", want %u",
	      what, xs, drops1 - drops0, accept ? 0 : K);
	CHECK(ipackets(b) - in0 == (accept ? K : 0), "%s: ipackets", what);
}

static void
set_modes(uint16_t port, int promisc, int allmulti)
{
	CHECK((promisc ? rte_eth_promiscuous_enable(port) : rte_eth_promiscuous_disable(port)) ==
	      0, "promiscuous %d", promisc);
	CHECK((allmulti ? rte_eth_allmulticast_enable(port) :
			  rte_eth_allmulticast_disable(port)) == 0, "all-multicast %d", allmulti);
	CHECK_EQ(rte_eth_promiscuous_get(port), promisc);
	CHECK_EQ(rte_eth_allmulticast_get(port), allmulti);
}

static void
test_filters(void)
{
	static const struct {
		int promisc, allmulti;
		int accept[D_NR];
	} t[] = {
		{ 1, 1, { 1, 1, 1, 1, 1 } },
		{ 0, 1, { 1, 0, 1, 1, 1 } },
		{ 0, 0, { 1, 0, 1, 0, 0 } },
		{ 1, 0, { 1, 1, 1, 1, 1 } },
		{ 0, 0, { 1, 0, 1, 0, 0 } },
		{ 0, 1, { 1, 0, 1, 1, 1 } },
		{ 1, 1, { 1, 1, 1, 1, 1 } },
	};
	/* The receiver b picks the queue: rxq_map=same keeps the frames sent on
	 * queue q on its queue q, so each queue's filter drops are counted apart.
	 */
	uint16_t a = qpt_probe("net_qpring_fa", "");
	uint16_t b = qpt_probe("net_qpring_fb",
			       "peer=net_qpring_fa,mac=02:00:00:00:0b:01,rxq_map=same");
	struct rte_ether_addr d[D_NR], old, now;
	unsigned int i, k;
	char what[128];

	d[D_OWN] = mac("02:00:00:00:0b:01");
	d[D_OTHER] = mac("02:00:00:00:0c:01");
	d[D_BCAST] = mac("ff:ff:ff:ff:ff:ff");
	d[D_MCAST4] = mac("01:00:5e:00:00:fb");
	d[D_MCAST6] = mac("33:33:00:00:00:01");

	QPT_CASE("after probe: promiscuous and all-multicast on");
	CHECK_EQ(rte_eth_promiscuous_get(b), 1);
	CHECK_EQ(rte_eth_allmulticast_get(b), 1);
	REQUIRE(qpt_start(a, 2, RING, mp) == 0 && qpt_start(b, 2, RING, mp) == 0, "start");

	for (i = 0; i < RTE_DIM(t); i++) {
		snprintf(what, sizeof(what), "filter: promiscuous %s, all-multicast %s",
			 t[i].promisc ? "on" : "off", t[i].allmulti ? "on" : "off");
		QPT_CASE(what);
		set_modes(b, t[i].promisc, t[i].allmulti);
		for (k = 0; k < D_NR; k++) {
			snprintf(what, sizeof(what), "row %u, to %s, queue %u", i, dst_name[k],
				 k & 1);
			check_dst(a, b, (uint16_t)(k & 1), &d[k], t[i].accept[k], what);
		}
	}

	QPT_CASE("filter: modes set while stopped apply to queues set up later");
	CHECK(rte_eth_dev_stop(b) == 0, "stop");
	set_modes(b, 0, 0);
	REQUIRE(qpt_start(b, 2, RING, mp) == 0, "reconfigure and start");
	for (k = 0; k < D_NR; k++)
		check_dst(a, b, 1, &d[k], t[2].accept[k], dst_name[k]);

	QPT_CASE("MAC change at run time (promiscuous off)");
	old = d[D_OWN];
	now = mac("02:00:00:00:0b:02");
	CHECK(rte_eth_dev_default_mac_addr_set(b, &now) == 0, "mac set");
	CHECK(rte_eth_macaddr_get(b, &d[D_OWN]) == 0 && rte_is_same_ether_addr(&d[D_OWN], &now),
	      "macaddr_get does not return the new MAC");
	check_dst(a, b, 0, &now, 1, "to the new MAC, q0");
	check_dst(a, b, 1, &now, 1, "to the new MAC, q1");
	check_dst(a, b, 0, &old, 0, "to the old MAC, q0");
	check_dst(a, b, 1, &old, 0, "to the old MAC, q1");

	QPT_CASE("MAC change: multicast and zero addresses refused, MAC kept");
	{
		struct rte_ether_addr m = mac("01:00:5e:00:00:01"), z = mac("00:00:00:00:00:00");
		struct rte_ether_addr cur;

		CHECK(rte_eth_dev_default_mac_addr_set(b, &m) == -EINVAL, "multicast accepted");
		CHECK(rte_eth_dev_default_mac_addr_set(b, &z) == -EINVAL, "zero accepted");
		CHECK(rte_eth_macaddr_get(b, &cur) == 0 && rte_is_same_ether_addr(&cur, &now),
		      "MAC changed by a refused set");
		check_dst(a, b, 0, &now, 1, "still the new MAC");
	}

	QPT_CASE("MAC change while stopped holds after start");
	CHECK(rte_eth_dev_stop(b) == 0, "stop");
	CHECK(rte_eth_dev_default_mac_addr_set(b, &old) == 0, "mac set");
	CHECK(rte_eth_dev_start(b) == 0, "start");
	check_dst(a, b, 0, &old, 1, "to the restored MAC");
	check_dst(a, b, 0, &now, 0, "to the MAC given up");

	QPT_CASE("filter: promiscuous back on takes everything");
	set_modes(b, 1, 0);
	check_dst(a, b, 0, &now, 1, "to the MAC given up, promiscuous");
	check_dst(a, b, 1, &d[D_MCAST4], 1, "multicast, promiscuous");

	CHECK(rte_eth_dev_stop(a) == 0 && rte_eth_dev_stop(b) == 0, "stop");
	CHECK(rte_eth_dev_close(a) == 0 && rte_eth_dev_close(b) == 0, "close");
}

/*
 * Send one frame of each length in @lens from @a and check @b receives the
 * ones within @mtu + 18 bytes intact, and @a drops and counts the others.
 */
static void
check_sizes(uint16_t a, uint16_t b, struct rte_mempool *txp, uint16_t mtu, const uint32_t *lens,
	    unsigned int n, const char *what)
{
	uint64_t drops0 = qpt_xstat(a, "tx_q0_bad_frame_drops"), drops1;
	struct rte_eth_stats st0, st1;
	unsigned int i, want_drops = 0;

	CHECK(rte_eth_stats_get(a, &st0) == 0, "stats");
	for (i = 0; i < n; i++) {
		int fits = lens[i] <= (uint32_t)mtu + 18u;
		unsigned int bad, got;

		CHECK(qpt_send(a, 0, txp, 1, lens[i], NULL, lens[i]) == 1, "%s: %u bytes not taken",
		      what, lens[i]);
		got = qpt_recv(b, 0, 8, lens[i], lens[i], &bad);
		CHECK(got == (unsigned int)fits && bad == 0,
		      "%s: MTU %u, a frame of %u bytes: %u received (%u bad), want %d", what, mtu,
		      lens[i], got, bad, fits);
		want_drops += !fits;
	}
	drops1 = qpt_xstat(a, "tx_q0_bad_frame_drops");
	CHECK(drops1 - drops0 == want_drops, "%s: bad_frame_drops went up by %" PRIu64
	      ", want %u", what, drops1 - drops0, want_drops);
	CHECK(rte_eth_stats_get(a, &st1) == 0, "stats");
	CHECK(st1.oerrors - st0.oerrors == want_drops, "%s: oerrors went up by %" PRIu64
	      ", want %u", what, st1.oerrors - st0.oerrors, want_drops);
	CHECK(st1.opackets - st0.opackets == n - want_drops, "%s: opackets went up by %" PRIu64
	      ", want %u", what, st1.opackets - st0.opackets, n - want_drops);
}

static void
test_mtu(void)
{
	static const struct {
		uint16_t mtu;
		int ret;
	} t[] = {
		{ 0, -EINVAL }, { 67, -EINVAL }, { 68, 0 }, { 1500, 0 }, { 9000, 0 },
		{ 9198, 0 }, { 9199, -EINVAL }, { 9216, -EINVAL }, { 65535, -EINVAL },
		{ 1500, 0 },
	};
	/* Jumbo buffers: 9216 bytes of room after the headroom. */
	struct rte_mempool *jumbo = qpt_pool("jumbo", 1024, RTE_PKTMBUF_HEADROOM + 9216);
	struct rte_mempool *txp = qpt_pool("jumbo_tx", 256, RTE_PKTMBUF_HEADROOM + 10240);
	uint16_t a = qpt_probe("net_qpring_ma", ""), b = qpt_probe("net_qpring_mb", "peer=net_qpring_ma");
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint16_t mtu = 0, last = 1500;
	unsigned int i;
	int ret;

	QPT_CASE("MTU limits advertised");
	CHECK(rte_eth_dev_info_get(a, &info) == 0, "info");
	CHECK_EQ(info.min_mtu, 68);
	CHECK_EQ(info.max_mtu, 9198);
	CHECK_EQ(info.max_rx_pktlen, 9216);

	REQUIRE(qpt_start(a, 1, RING, jumbo) == 0 && qpt_start(b, 1, RING, jumbo) == 0, "start");
	for (i = 0; i < RTE_DIM(t); i++) {
		char what[64];

		snprintf(what, sizeof(what), "MTU set %u", t[i].mtu);
		QPT_CASE(what);
		ret = rte_eth_dev_set_mtu(a, t[i].mtu);
		CHECK(ret == t[i].ret, "returned %d, want %d", ret, t[i].ret);
		if (ret == 0)
			last = t[i].mtu;
		CHECK(rte_eth_dev_get_mtu(a, &mtu) == 0 && mtu == last, "MTU reads %u, want %u",
		      mtu, last);
	}

	QPT_CASE("frames over the MTU are dropped and counted (MTU changed while running)");
	{
		static const uint32_t l1000[] = { 60, 1014, 1018, 1019, 1500, 1018 };
		static const uint32_t l9198[] = { 1519, 9000, 9216, 9217, 10000, 9216 };
		static const uint32_t l68[] = { 60, 86, 87, 1518 };
		static const uint32_t l1500[] = { 1518, 1519, 1522 };

		CHECK(rte_eth_dev_set_mtu(a, 1000) == 0, "MTU 1000");
		check_sizes(a, b, txp, 1000, l1000, RTE_DIM(l1000), "MTU 1000");
		/* The receiver's MTU limits what it takes, too (below). */
		CHECK(rte_eth_dev_set_mtu(b, 9198) == 0, "receiver MTU 9198");
		CHECK(rte_eth_dev_set_mtu(a, 9198) == 0, "MTU 9198");
		check_sizes(a, b, txp, 9198, l9198, RTE_DIM(l9198), "MTU 9198");

		QPT_CASE("a frame within the sender's MTU but over the receiver's: "
			 "sent, then dropped as oversize by the receiver");
		{
			static const uint32_t lens[] = { 1518, 1519, 9000, 1500 };
			uint64_t over0 = qpt_xstat(b, "rx_q0_oversize_drops");
			struct rte_eth_stats sa0, sa1, sb0, sb1;
			unsigned int bad, got, k;

			CHECK(rte_eth_dev_set_mtu(b, 1500) == 0, "receiver MTU 1500");
			CHECK(rte_eth_stats_get(a, &sa0) == 0 && rte_eth_stats_get(b, &sb0) == 0,
			      "stats");
			for (k = 0; k < RTE_DIM(lens); k++) {
				int fits = lens[k] <= 1518u;

				CHECK(qpt_send(a, 0, txp, 1, lens[k], NULL, lens[k]) == 1,
				      "%u bytes not taken", lens[k]);
				got = qpt_recv(b, 0, 8, lens[k], lens[k], &bad);
				CHECK(got == (unsigned int)fits && bad == 0,
				      "receiver MTU 1500, a frame of %u bytes: %u received "
				      "(%u bad), want %d", lens[k], got, bad, fits);
			}
			CHECK(rte_eth_stats_get(a, &sa1) == 0 && rte_eth_stats_get(b, &sb1) == 0,
			      "stats");
			CHECK_EQ(sa1.opackets - sa0.opackets, RTE_DIM(lens));
			CHECK_EQ(sa1.oerrors - sa0.oerrors, 0);
			CHECK_EQ(qpt_xstat(b, "rx_q0_oversize_drops") - over0, 2);
			CHECK_EQ(sb1.ierrors - sb0.ierrors, 2);
			CHECK_EQ(sb1.ipackets - sb0.ipackets, 2);
			CHECK(rte_eth_dev_set_mtu(b, 9198) == 0, "receiver MTU 9198 again");
		}
		CHECK(rte_eth_dev_set_mtu(a, 68) == 0, "MTU 68");
		check_sizes(a, b, txp, 68, l68, RTE_DIM(l68), "MTU 68");

		QPT_CASE("the MTU holds across stop and start");
		CHECK(rte_eth_dev_stop(a) == 0 && rte_eth_dev_start(a) == 0, "restart");
		check_sizes(a, b, txp, 68, l68, RTE_DIM(l68), "MTU 68 after restart");

		QPT_CASE("the MTU given to configure holds");
		CHECK(rte_eth_dev_stop(a) == 0, "stop");
		memset(&conf, 0, sizeof(conf));
		REQUIRE(rte_eth_dev_configure(a, 1, 1, &conf) == 0, "configure");
		CHECK(rte_eth_dev_get_mtu(a, &mtu) == 0 && mtu == 1500, "MTU %u after configure",
		      mtu);
		CHECK(rte_eth_rx_queue_setup(a, 0, RING, rte_socket_id(), NULL, jumbo) == 0 &&
		      rte_eth_tx_queue_setup(a, 0, RING, rte_socket_id(), NULL) == 0, "setup");
		CHECK(rte_eth_dev_start(a) == 0, "start");
		check_sizes(a, b, txp, 1500, l1500, RTE_DIM(l1500), "MTU 1500 from configure");
	}
	CHECK(rte_eth_dev_stop(a) == 0 && rte_eth_dev_stop(b) == 0, "stop");
	CHECK(rte_eth_dev_close(a) == 0 && rte_eth_dev_close(b) == 0, "close");
	CHECK_EQ(qpt_in_use(jumbo), 0);
	CHECK_EQ(qpt_in_use(txp), 0);
	rte_mempool_free(jumbo);
	rte_mempool_free(txp);
}

/* Receive buffers must hold a frame of MTU + 18 bytes. */
static void
test_mbuf_size(void)
{
	/* 1000 bytes of room: frames up to an MTU of 982. */
	struct rte_mempool *small = qpt_pool("small", 512, RTE_PKTMBUF_HEADROOM + 1000);
	struct rte_mempool *big = qpt_pool("big", 512, RTE_PKTMBUF_HEADROOM + 9216);
	uint16_t c = qpt_probe("net_qpring_mc", "");
	struct rte_eth_conf conf;
	uint16_t mtu = 0;
	int ret;

	memset(&conf, 0, sizeof(conf));
	QPT_CASE("buffers of 1000 bytes, MTU 1500: rx queue setup refused");
	REQUIRE(rte_eth_dev_configure(c, 1, 1, &conf) == 0, "configure");
	ret = rte_eth_rx_queue_setup(c, 0, RING, rte_socket_id(), NULL, small);
	CHECK(ret == -EINVAL, "returned %d", ret);

	QPT_CASE("buffers of 1000 bytes, MTU 982 from configure: accepted");
	conf.rxmode.mtu = 982;
	REQUIRE(rte_eth_dev_configure(c, 1, 1, &conf) == 0, "configure MTU 982");
	ret = rte_eth_rx_queue_setup(c, 0, RING, rte_socket_id(), NULL, small);
	CHECK(ret == 0, "returned %d", ret);

	QPT_CASE("buffers of 1000 bytes, MTU 983 from configure: refused");
	conf.rxmode.mtu = 983;
	REQUIRE(rte_eth_dev_configure(c, 1, 1, &conf) == 0, "configure MTU 983");
	ret = rte_eth_rx_queue_setup(c, 0, RING, rte_socket_id(), NULL, small);
	CHECK(ret == -EINVAL, "returned %d", ret);

	QPT_CASE("buffers of 1000 bytes, MTU 982 by mtu_set: accepted");
	conf.rxmode.mtu = 0;
	REQUIRE(rte_eth_dev_configure(c, 1, 1, &conf) == 0, "configure");
	CHECK(rte_eth_dev_set_mtu(c, 982) == 0, "MTU 982");
	ret = rte_eth_rx_queue_setup(c, 0, RING, rte_socket_id(), NULL, small);
	CHECK(ret == 0, "returned %d", ret);
	REQUIRE(ret == 0 && rte_eth_tx_queue_setup(c, 0, RING, rte_socket_id(), NULL) == 0,
		"setup");

	QPT_CASE("mtu_set too big for the rx buffers: a stopped port takes it, start refuses");
	CHECK(rte_eth_dev_set_mtu(c, 983) == 0, "MTU 983 on a stopped port");
	CHECK_EQ(rte_eth_dev_start(c), -EINVAL);
	CHECK(rte_eth_dev_set_mtu(c, 900) == 0, "MTU 900");
	CHECK_EQ(rte_eth_dev_start(c), 0);
	QPT_CASE("mtu_set too big for the rx buffers of a running port: refused, MTU kept");
	CHECK(rte_eth_dev_set_mtu(c, 983) == -EINVAL, "MTU 983 accepted");
	CHECK(rte_eth_dev_set_mtu(c, 1500) == -EINVAL, "MTU 1500 accepted");
	CHECK(rte_eth_dev_get_mtu(c, &mtu) == 0 && mtu == 900, "MTU %u", mtu);
	CHECK(rte_eth_dev_set_mtu(c, 982) == 0, "MTU 982 on the running port");
	CHECK_EQ(rte_eth_dev_stop(c), 0);

	QPT_CASE("frames up to the buffer size loop back at MTU 982");
	{
		static const uint32_t lens[] = { 1000, 1001, 999 };

		REQUIRE(rte_eth_dev_start(c) == 0, "start");
		check_sizes(c, c, big, 982, lens, RTE_DIM(lens), "MTU 982");
		CHECK(rte_eth_dev_stop(c) == 0, "stop");
	}

	QPT_CASE("MTU 9000 then a configure without MTU: 2 KB buffers fit again");
	REQUIRE(rte_eth_dev_configure(c, 1, 1, &conf) == 0, "configure");
	CHECK(rte_eth_rx_queue_setup(c, 0, RING, rte_socket_id(), NULL, big) == 0, "big setup");
	CHECK(rte_eth_dev_set_mtu(c, 9000) == 0, "MTU 9000");
	REQUIRE(rte_eth_dev_configure(c, 1, 1, &conf) == 0, "configure again");
	CHECK(rte_eth_dev_get_mtu(c, &mtu) == 0 && mtu == 1500, "MTU %u", mtu);
	ret = rte_eth_rx_queue_setup(c, 0, RING, rte_socket_id(), NULL, mp);
	CHECK(ret == 0, "2 KB buffers at MTU 1500: returned %d", ret);

	CHECK(rte_eth_dev_close(c) == 0, "close");
	CHECK_EQ(qpt_in_use(small), 0);
	CHECK_EQ(qpt_in_use(big), 0);
	rte_mempool_free(small);
	rte_mempool_free(big);
}

int
main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("ctl_filters", 256, NULL);
	mp = qpt_pool("filters", 4096, RTE_MBUF_DEFAULT_BUF_SIZE);

	test_filters();
	test_mtu();
	test_mbuf_size();

	CHECK_EQ(qpt_in_use(mp), 0);
	CHECK_EQ(rte_eth_dev_count_avail(), 0);
	qpt_eal_done();
	return qpt_finish();
}
