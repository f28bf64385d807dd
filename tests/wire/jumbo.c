/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Jumbo frames and segments between two cabled ports: MTU 9000 with Rx scatter over 2 KB
 * buffers, multi-segment sends in copy and zero-copy mode, the 32/64 segment limits, oversize.
 */
#include "wire.h"

#define NB_TX    4096u
#define NB_BIG   128u
#define NB_RX    2048u
#define NB_TINY  512u
#define RING     64u
#define BIG_ROOM (9216u + RTE_PKTMBUF_HEADROOM)
#define ROOM_2K  2048u
#define TINY     144u /* 9216 / 64: the smallest buffer a scattered frame allows */

static struct rte_mempool *tx_mp; /* 2 KB buffers the senders build frames in */
static struct rte_mempool *big;   /* one 9216-byte frame per buffer */
static struct rte_mempool *rx_mp; /* 2 KB buffers every Rx queue posts */
static struct rte_mempool *tiny;  /* TINY-byte buffers */

/* A cable: sender s (queue pair 0) to receiver r. */
struct cable {
	const char *s_name, *r_name;
	uint16_t s, r;
};

/*
 * Configure @port with one queue pair of @ring slots posting @pool
 * buffers, Rx scatter if @scatter, then set @mtu (if non-zero) and start.
 * Returns 0 or the first failing call's value.
 */
static int
port_up(uint16_t port, struct rte_mempool *pool, uint16_t ring, int scatter, uint16_t mtu)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	if (scatter)
		conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_SCATTER;
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, ring, rte_socket_id(), NULL, pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, ring, rte_socket_id(), NULL);
	if (ret == 0 && mtu != 0)
		ret = rte_eth_dev_set_mtu(port, mtu);
	return ret != 0 ? ret : rte_eth_dev_start(port);
}

/*
 * Probe receiver then sender (the sender names the receiver as peer),
 * both with @copy; the sender at MTU 9000 with scatter over rx_mp; the
 * receiver as asked.
 */
static void
cable_up(struct cable *c, unsigned int copy, struct rte_mempool *r_pool, uint16_t r_ring,
	 int r_scatter, uint16_t r_mtu, uint16_t s_mtu)
{
	char args[128];
	int r, s;

	wire_fmt(args, sizeof(args), "copy=%u", copy);
	r = qpt_vdev(c->r_name, args);
	REQUIRE(r >= 0, "probe %s: %d", c->r_name, r);
	wire_fmt(args, sizeof(args), "copy=%u,peer=%s", copy, c->r_name);
	s = qpt_vdev(c->s_name, args);
	REQUIRE(s >= 0, "probe %s: %d", c->s_name, s);
	c->r = (uint16_t)r;
	c->s = (uint16_t)s;
	REQUIRE(port_up(c->r, r_pool, r_ring, r_scatter, r_mtu) == 0, "start %s", c->r_name);
	REQUIRE(port_up(c->s, rx_mp, RING, 1, s_mtu) == 0, "start %s", c->s_name);
}

/* A frame to send and what must arrive. */
struct jcase {
	uint32_t len;
	uint16_t tx_segs;   /* 0: one flat buffer of the big pool (len 0: empty mbuf) */
	uint16_t rx_segs;   /* segments it must arrive in; 0: must not arrive */
};

/*
 * Send the frames of @cases (numbered from @seq0) in one burst on cable
 * @c and receive exactly those with rx_segs != 0, in order, byte-exact,
 * each in rx_segs segments; every segment but the last full (@room
 * bytes) in copy mode. Frees everything; returns the frames received.
 */
static unsigned int
jumbo_round(const struct cable *c, const struct jcase *cases, unsigned int n, uint32_t seq0,
	    uint32_t room, int zero_copy, const char *what)
{
	struct rte_mbuf *b[32], *r[40];
	unsigned int i, want = 0, got, bad = 0, segs = 0, fill = 0, pool = 0, k = 0;
	uint16_t sent;

	REQUIRE(n <= RTE_DIM(b), "too many cases");
	for (i = 0; i < n; i++) {
		if (cases[i].len == 0)
			b[i] = rte_pktmbuf_alloc(tx_mp);
		else if (cases[i].tx_segs == 0)
			b[i] = wire_chain(big, seq0 + i, cases[i].len, 1);
		else
			b[i] = wire_chain(tx_mp, seq0 + i, cases[i].len, cases[i].tx_segs);
		REQUIRE(b[i] != NULL, "frame of %u bytes in %u segments", cases[i].len,
			cases[i].tx_segs);
		want += cases[i].rx_segs != 0;
	}
	sent = rte_eth_tx_burst(c->s, 0, b, (uint16_t)n);
	CHECK(sent == n, "%s: the sender took %u of %u frames", what, sent, n);
	qpt_free_all(b + sent, n - sent);
	got = qpt_rx_all(c->r, 0, r, RTE_DIM(r), 4);
	for (i = 0; i < n && k < got; i++) {
		const struct rte_mbuf *m = r[k], *sg;

		if (cases[i].rx_segs == 0)
			continue;
		if (wire_check(m, cases[i].len, seq0 + i) != 0) {
			bad++;
			printf("  %s: frame %u (%u bytes): got %u bytes, not the frame sent\n",
			       what, i, cases[i].len, m->pkt_len);
		}
		if (m->nb_segs != cases[i].rx_segs) {
			segs++;
			printf("  %s: frame %u (%u bytes) in %u segments, want %u\n", what, i,
			       cases[i].len, m->nb_segs, cases[i].rx_segs);
		}
		for (sg = m; !zero_copy && sg != NULL && sg->next != NULL; sg = sg->next)
			fill += sg->data_len != room;
		/* Zero copy hands over the sender's own buffers. */
		if (zero_copy)
			pool += m->pool != (cases[i].tx_segs == 0 ? big : tx_mp);
		k++;
	}
	qpt_free_all(r, got);
	CHECK(got == want && bad == 0 && segs == 0 && fill == 0 && pool == 0,
	      "%s: received %u of %u (%u not byte-exact, %u wrong segment count, %u short "
	      "inner segments, %u from the wrong pool)", what, got, want, bad, segs, fill, pool);
	return got;
}

/* Sender buffers reclaimed: the frame pools are empty again, every Rx
 * pool holds exactly what the rings have posted (copy=0 rings post
 * credits: none).
 */
static void
check_pools(const struct cable *c, unsigned int rx_posted, unsigned int tiny_posted,
	    const char *what)
{
	int freed = rte_eth_tx_done_cleanup(c->s, 0, 0);

	CHECK(freed >= 0, "%s: tx_done_cleanup: %d", what, freed);
	CHECK(qpt_in_use(tx_mp) == 0 && qpt_in_use(big) == 0 &&
	      qpt_in_use(rx_mp) == rx_posted && qpt_in_use(tiny) == tiny_posted,
	      "%s: in use: tx %u (want 0), big %u (want 0), rx %u (want %u), tiny %u (want %u)",
	      what, qpt_in_use(tx_mp), qpt_in_use(big), qpt_in_use(rx_mp), rx_posted,
	      qpt_in_use(tiny), tiny_posted);
}

static void
destroy(const struct cable *c)
{
	CHECK_EQ(qpt_vdev_destroy(c->s_name), 0);
	CHECK_EQ(qpt_vdev_destroy(c->r_name), 0);
}

/* Setting the MTU: 9000 needs scatter or buffers that hold 9018 bytes. */
static void
test_mtu(void)
{
	struct rte_eth_rxconf rxc;
	struct rte_eth_conf conf;
	uint16_t mtu = 0, p;
	char log[4096];
	int port, ret;

	QPT_CASE("MTU 9000 needs Rx scatter or 9018-byte buffers; limits 68..9198");
	port = qpt_vdev("net_qpring_mtu", "");
	REQUIRE(port >= 0, "probe");
	p = (uint16_t)port;
	memset(&conf, 0, sizeof(conf));
	memset(&rxc, 0, sizeof(rxc));
	REQUIRE(rte_eth_dev_configure(p, 1, 1, &conf) == 0, "configure");
	REQUIRE(rte_eth_rx_queue_setup(p, 0, RING, rte_socket_id(), NULL, rx_mp) == 0, "rx setup");
	REQUIRE(rte_eth_tx_queue_setup(p, 0, RING, rte_socket_id(), NULL) == 0, "tx setup");
	/* A stopped port takes the MTU (the application may set its receive
	 * queues up again with larger buffers next); the start refuses it
	 * while the buffers cannot hold its frames.
	 */
	CHECK_EQ(rte_eth_dev_set_mtu(p, 9000), 0);
	CHECK(rte_eth_dev_get_mtu(p, &mtu) == 0 && mtu == 9000, "MTU %u after the change", mtu);
	qpt_log_begin();
	CHECK_EQ(rte_eth_dev_start(p), -EINVAL);
	qpt_log_end(log, sizeof(log));
	CHECK_EQ(qpt_log_lines(log, "MTU 9000 needs 9018-byte frames", "rx queue 0 buffers"), 1);
	CHECK_EQ(rte_eth_dev_set_mtu(p, ROOM_2K - 18), 0);
	CHECK_EQ(rte_eth_dev_start(p), 0);
	/* Started: the buffers it has decide. */
	CHECK(rte_eth_dev_set_mtu(p, ROOM_2K - 17) == -EINVAL,
	      "MTU %u accepted on a running port: its frames do not fit 2 KB buffers",
	      ROOM_2K - 17);
	CHECK(rte_eth_dev_get_mtu(p, &mtu) == 0 && mtu == ROOM_2K - 18,
	      "MTU %u after a refused change", mtu);
	CHECK_EQ(rte_eth_dev_stop(p), 0);

	/* Scatter asked for on the queue alone (the port's rxmode has none). */
	QPT_CASE("RTE_ETH_RX_OFFLOAD_SCATTER in the queue's conf allows MTU 9000");
	rxc.offloads = RTE_ETH_RX_OFFLOAD_SCATTER;
	ret = rte_eth_rx_queue_setup(p, 0, RING, rte_socket_id(), &rxc, rx_mp);
	CHECK(ret == 0, "rx queue setup with per-queue scatter: %d", ret);
	if (ret == 0)
		CHECK_EQ(rte_eth_dev_set_mtu(p, 9000), 0);

	/* Scatter on the port: any MTU up to 9198. */
	QPT_CASE("RTE_ETH_RX_OFFLOAD_SCATTER in rxmode allows MTU up to 9198");
	conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_SCATTER;
	REQUIRE(rte_eth_dev_configure(p, 1, 1, &conf) == 0, "configure with scatter");
	REQUIRE(rte_eth_rx_queue_setup(p, 0, RING, rte_socket_id(), NULL, rx_mp) == 0, "rx setup");
	CHECK_EQ(rte_eth_dev_set_mtu(p, 9000), 0);
	CHECK_EQ(rte_eth_dev_set_mtu(p, 9198), 0);
	CHECK(rte_eth_dev_set_mtu(p, 9199) < 0, "MTU 9199 accepted");
	CHECK(rte_eth_dev_set_mtu(p, 67) < 0, "MTU 67 accepted");
	CHECK(rte_eth_dev_get_mtu(p, &mtu) == 0 && mtu == 9198, "MTU %u", mtu);
	/* Scatter still needs buffers big enough for 64 parts of a 9216-byte frame. */
	{
		struct rte_mempool *p143 = qpt_pool("wire_jumbo_143", 256,
						    TINY - 1 + RTE_PKTMBUF_HEADROOM);

		CHECK(rte_eth_rx_queue_setup(p, 0, RING, rte_socket_id(), NULL, p143) < 0,
		      "143-byte buffers accepted for scatter");
		rte_mempool_free(p143);
	}

	/* Buffers that hold a whole 9018-byte frame need no scatter. */
	QPT_CASE("9018-byte buffers allow MTU 9000 without scatter");
	conf.rxmode.offloads = 0;
	REQUIRE(rte_eth_dev_configure(p, 1, 1, &conf) == 0, "configure");
	REQUIRE(rte_eth_rx_queue_setup(p, 0, RING, rte_socket_id(), NULL, big) == 0,
		"rx setup, big buffers");
	CHECK_EQ(rte_eth_dev_set_mtu(p, 9000), 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_mtu"), 0);

	/* The MTU given to rte_eth_dev_configure() is held to the same rule. */
	QPT_CASE("rxmode.mtu 9000 at configure with 2 KB buffers and no scatter is refused");
	port = qpt_vdev("net_qpring_mtu2", "");
	REQUIRE(port >= 0, "probe");
	p = (uint16_t)port;
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = 9000;
	ret = rte_eth_dev_configure(p, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(p, 0, RING, rte_socket_id(), NULL, rx_mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(p, 0, RING, rte_socket_id(), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(p);
	CHECK(ret < 0, "a port at MTU 9000 with 2 KB buffers and no scatter started; "
	      "its 9018-byte frames could never be received");
	CHECK_EQ(qpt_vdev_destroy("net_qpring_mtu2"), 0);
	CHECK_EQ(qpt_in_use(rx_mp) + qpt_in_use(big), 0);
}

static void
test_scatter(void)
{
	static const struct jcase cases[] = {
		{ 1500, 0, 1 }, { 4000, 0, 2 }, { 9018, 0, 5 }, { 60, 0, 1 }, { 2048, 0, 1 },
		{ 2049, 0, 2 }, { 6144, 0, 3 }, { 9019, 0, 0 }, { 8192, 0, 4 }, { 0, 1, 0 },
	};
	struct cable c = { "net_qpring_js0", "net_qpring_js1", 0, 0 };
	struct rte_eth_stats st;
	uint64_t bytes = 0;
	unsigned int i, round;

	QPT_CASE("scatter: MTU 9000, 2 KB buffers: 1500/4000/9018-byte frames arrive as chains");
	cable_up(&c, 1, rx_mp, RING, 1, 9000, 9000);
	/* Twice round a 64-slot ring: parts wrap past its end. */
	for (round = 0; round < 8; round++)
		jumbo_round(&c, cases, RTE_DIM(cases), 100 * round, ROOM_2K, 0, "scatter");
	for (i = 0; i < RTE_DIM(cases); i++)
		bytes += cases[i].rx_segs != 0 ? cases[i].len : 0;
	REQUIRE(rte_eth_stats_get(c.r, &st) == 0, "stats");
	CHECK_EQ(st.ipackets, 8 * 8);
	CHECK_EQ(st.ibytes, 8 * bytes);
	CHECK_EQ(st.ierrors, 0);
	CHECK_EQ(qpt_xstat(c.r, "rx_q0_oversize_drops"), 0);
	/* 9019 bytes is over MTU + 18, and an empty frame is no frame. */
	CHECK_EQ(qpt_xstat(c.s, "tx_q0_bad_frame_drops"), 8 * 2);
	REQUIRE(rte_eth_stats_get(c.s, &st) == 0, "stats");
	CHECK_EQ(st.oerrors, 8 * 2);
	CHECK_EQ(st.opackets, 8 * 8);
	check_pools(&c, 2 * RING, 0, "scatter");
	destroy(&c);
}

/* Multi-segment sends: 3, 8 and 32 segments arrive intact; 33 are refused. */
static void
test_multiseg(unsigned int copy)
{
	/* Copy mode re-segments into 2 KB receive buffers; zero copy hands the chain over. */
	static const struct jcase cases[2][8] = {
		{ { 3000, 3, 3 }, { 9000, 8, 8 }, { 9018, 32, 32 }, { 64, 32, 32 }, { 3300, 33, 0 },
		  { 0, 1, 0 }, { 9018, 0, 1 }, { 9019, 32, 0 } },
		{ { 3000, 3, 2 }, { 9000, 8, 5 }, { 9018, 32, 5 }, { 64, 32, 1 }, { 3300, 33, 0 },
		  { 0, 1, 0 }, { 9018, 0, 5 }, { 9019, 32, 0 } },
	};
	struct cable c = { copy ? "net_qpring_jm0" : "net_qpring_jz0",
			   copy ? "net_qpring_jm1" : "net_qpring_jz1", 0, 0 };
	struct rte_eth_stats st;
	char what[96];
	unsigned int round;

	wire_fmt(what, sizeof(what),
		 "multi-segment send, copy=%u: 3/8/32 segments pass, 33 refused", copy);
	QPT_CASE(what);
	cable_up(&c, copy, rx_mp, RING, 1, 9000, 9000);
	for (round = 0; round < 4; round++)
		jumbo_round(&c, cases[copy], RTE_DIM(cases[copy]), 1000 * round, ROOM_2K, !copy,
			    what);
	CHECK_EQ(qpt_xstat(c.s, "tx_q0_bad_frame_drops"), 4 * 3);
	REQUIRE(rte_eth_stats_get(c.s, &st) == 0, "stats");
	CHECK_EQ(st.opackets, 4 * 5);
	CHECK_EQ(st.oerrors, 4 * 3);
	REQUIRE(rte_eth_stats_get(c.r, &st) == 0, "stats");
	CHECK_EQ(st.ipackets, 4 * 5);
	CHECK_EQ(st.ierrors, 0);
	check_pools(&c, copy ? 2 * RING : 0, 0, what);
	destroy(&c);
}

/* Without scatter a frame longer than one posted buffer is dropped and counted. */
static void
test_no_scatter(void)
{
	static const struct jcase cases[] = {
		{ 4000, 0, 0 }, { 1000, 0, 1 }, { 4000, 2, 0 }, { 1518, 3, 1 }, { 9018, 0, 0 },
	};
	struct cable c = { "net_qpring_jn0", "net_qpring_jn1", 0, 0 };
	struct rte_eth_stats st;

	QPT_CASE("no scatter, 2 KB buffers: 4000-byte frames are oversize drops");
	cable_up(&c, 1, rx_mp, RING, 0, 0, 9000);
	jumbo_round(&c, cases, RTE_DIM(cases), 7000, ROOM_2K, 0, "no scatter");
	CHECK_EQ(qpt_xstat(c.r, "rx_q0_oversize_drops"), 3);
	REQUIRE(rte_eth_stats_get(c.r, &st) == 0, "stats");
	CHECK_EQ(st.ipackets, 2);
	CHECK_EQ(st.ierrors, 3);
	CHECK_EQ(st.imissed, 0);
	REQUIRE(rte_eth_stats_get(c.s, &st) == 0, "stats");
	CHECK_EQ(st.opackets, 5);
	CHECK_EQ(st.oerrors, 0);
	check_pools(&c, 2 * RING, 0, "no scatter");
	destroy(&c);
}

/* The largest frame over the smallest buffers scatter allows: exactly 64 parts. */
static void
test_64_parts(void)
{
	static const struct jcase cases[] = {
		{ 9216, 0, 64 }, { 144, 0, 1 }, { 145, 0, 2 }, { 9072, 0, 63 }, { 9217, 5, 0 },
		{ 9216, 0, 64 },
	};
	struct cable c = { "net_qpring_jt0", "net_qpring_jt1", 0, 0 };
	struct rte_eth_stats st;
	unsigned int round;

	QPT_CASE("scatter limit: a 9216-byte frame over 144-byte buffers arrives in 64 parts");
	cable_up(&c, 1, tiny, 256, 1, 9198, 9198);
	for (round = 0; round < 3; round++)
		jumbo_round(&c, cases, RTE_DIM(cases), 8000 + 10 * round, TINY, 0, "64 parts");
	REQUIRE(rte_eth_stats_get(c.r, &st) == 0, "stats");
	CHECK_EQ(st.ipackets, 3 * 5);
	CHECK_EQ(st.ierrors, 0);
	CHECK_EQ(qpt_xstat(c.s, "tx_q0_bad_frame_drops"), 3);
	check_pools(&c, RING, 256, "64 parts");
	destroy(&c);
}

int
main(void)
{
	qpt_eal_init("wire_jumbo", 256, NULL);
	tx_mp = qpt_pool("wire_jumbo_tx", NB_TX, RTE_MBUF_DEFAULT_BUF_SIZE);
	big = qpt_pool("wire_jumbo_big", NB_BIG, BIG_ROOM);
	rx_mp = qpt_pool("wire_jumbo_rx", NB_RX, RTE_MBUF_DEFAULT_BUF_SIZE);
	tiny = qpt_pool("wire_jumbo_tiny", NB_TINY, TINY + RTE_PKTMBUF_HEADROOM);

	test_mtu();
	test_scatter();
	test_multiseg(1);
	test_multiseg(0);
	test_no_scatter();
	test_64_parts();

	CHECK(qpt_in_use(tx_mp) + qpt_in_use(big) + qpt_in_use(rx_mp) + qpt_in_use(tiny) == 0,
	      "mbufs still in use with every port gone: tx %u big %u rx %u tiny %u",
	      qpt_in_use(tx_mp), qpt_in_use(big), qpt_in_use(rx_mp), qpt_in_use(tiny));
	qpt_eal_done();
	return qpt_finish();
}
