/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * MTU and receive buffers, in the order applications reconfigure: stop,
 * configure, set the MTU, set the receive queues up again from a pool of
 * larger buffers, start. Jumbo frames then cross the cable whole. What
 * cannot work is refused at the step that makes it impossible, with the
 * numbers named: the start of a port whose receive buffers cannot hold
 * MTU + 18 bytes (the MTU change itself, on a stopped port, is accepted),
 * a receive queue set up with such buffers after the MTU, and an MTU a
 * running port's buffers cannot hold. Receive scatter lifts the limit.
 */
#include "nic.h"

#define MTU_JUMBO  9000u
#define FRAME_MAX  (MTU_JUMBO + 18u)   /* Ethernet header, a VLAN tag */
#define BIG_ROOM   (FRAME_MAX + 2u)    /* data room of the large buffers */
#define SMALL_ROOM 2048u
#define RING       256u
#define NB_FRAMES  64u

static struct rte_mempool *small_pool, *big_pool;
static uint16_t port_a, port_b;

static const char *const na = "net_qpring_mtu_a", *const nb = "net_qpring_mtu_b";

/* Set up @port's single queue pair with receive buffers from @mp. */
static int
queues_setup(uint16_t port, struct rte_mempool *mp, uint64_t rx_ol)
{
	struct rte_eth_rxconf rxc;
	int ret;

	memset(&rxc, 0, sizeof(rxc));
	rxc.offloads = rx_ol;
	ret = rte_eth_rx_queue_setup(port, 0, RING, rte_socket_id(), &rxc, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, RING, rte_socket_id(), NULL);
	return ret;
}

static int
configure(uint16_t port, uint64_t rx_ol)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.offloads = rx_ol;
	return rte_eth_dev_configure(port, 1, 1, &conf);
}

/*
 * Send @n frames of @len bytes from A to B (built in the large pool, so a
 * jumbo frame is one buffer) and receive them: the number that arrived
 * whole, in order, with @segs buffers each (0: any).
 */
static unsigned int
jumbo_round(const char *what, uint32_t len, unsigned int n, uint16_t segs)
{
	struct rte_mbuf *b[NB_FRAMES + 8];
	unsigned int sent, got, k, whole = 0;
	uint32_t seq;

	REQUIRE(n <= NB_FRAMES, "too many");
	for (k = 0; k < n; k++) {
		b[k] = qpt_frame(big_pool, k, len, NULL);
		REQUIRE(b[k] != NULL, "big pool empty");
	}
	sent = nic_send(port_a, 0, b, n);
	got = nic_recv(port_b, 0, b, RTE_DIM(b));
	for (k = 0; k < got; k++) {
		if (qpt_frame_check(b[k], len, &seq) == 0 && seq == whole &&
		    (segs == 0 || b[k]->nb_segs == segs))
			whole++;
		else if (k == whole)
			printf("  %s: frame %u: %u bytes in %u buffers\n", what, k, b[k]->pkt_len,
			       b[k]->nb_segs);
		rte_pktmbuf_free(b[k]);
	}
	CHECK(sent == n, "%s: %u of %u frames of %u bytes sent", what, sent, n, len);
	return whole;
}

/* A fresh cabled pair, configured, not set up. */
static void
pair_create(void)
{
	char args[64];

	port_a = qpt_probe(na, "");
	snprintf(args, sizeof(args), "peer=%s", na);
	port_b = qpt_probe(nb, args);
}

static void
pair_destroy(void)
{
	CHECK_EQ(qpt_vdev_destroy(nb), 0);
	CHECK_EQ(qpt_vdev_destroy(na), 0);
}

static void
start_both(const char *what)
{
	int ra = rte_eth_dev_start(port_a), rb = rte_eth_dev_start(port_b);

	REQUIRE(ra == 0 && rb == 0, "%s: start %d %d", what, ra, rb);
}

int
main(void)
{
	char log[8192], want[96];
	uint16_t mtu = 0;
	unsigned int base_s, base_b;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("nic_mtu", 256, NULL);
	small_pool = qpt_pool("nic_mtu_small", 4096, SMALL_ROOM + RTE_PKTMBUF_HEADROOM);
	big_pool = qpt_pool("nic_mtu_big", 1024, BIG_ROOM + RTE_PKTMBUF_HEADROOM);
	base_s = qpt_in_use(small_pool);
	base_b = qpt_in_use(big_pool);

	QPT_CASE("configure, MTU 9000, receive queues from a pool of large buffers, start");
	pair_create();
	CHECK_EQ(configure(port_a, 0), 0);
	CHECK_EQ(configure(port_b, 0), 0);
	CHECK_EQ(rte_eth_dev_set_mtu(port_a, MTU_JUMBO), 0);
	CHECK_EQ(rte_eth_dev_set_mtu(port_b, MTU_JUMBO), 0);
	CHECK_EQ(queues_setup(port_a, big_pool, 0), 0);
	CHECK_EQ(queues_setup(port_b, big_pool, 0), 0);
	start_both("fresh");
	CHECK(rte_eth_dev_get_mtu(port_b, &mtu) == 0 && mtu == MTU_JUMBO, "MTU %u", mtu);
	CHECK_EQ(jumbo_round("9014-byte frames", MTU_JUMBO + 14, 32, 1), 32);
	CHECK_EQ(jumbo_round("9018-byte frames", FRAME_MAX, 32, 1), 32);
	/* One byte more than the MTU allows: the sender refuses it (counted). */
	CHECK_EQ(jumbo_round("9019-byte frames", FRAME_MAX + 1, 4, 1), 0);
	CHECK_EQ(qpt_qxstat(port_a, "tx", 0, "bad_frame_drops"), 4);
	pair_destroy();

	QPT_CASE("reconfigure a running 1500-byte pair: stop, configure, MTU, new pool, start");
	pair_create();
	CHECK_EQ(configure(port_a, 0), 0);
	CHECK_EQ(configure(port_b, 0), 0);
	CHECK_EQ(queues_setup(port_a, small_pool, 0), 0);
	CHECK_EQ(queues_setup(port_b, small_pool, 0), 0);
	start_both("1500");
	CHECK_EQ(jumbo_round("1514-byte frames at MTU 1500", 1514, 16, 1), 16);
	CHECK_EQ(jumbo_round("9014-byte frames at MTU 1500", MTU_JUMBO + 14, 4, 1), 0);
	CHECK_EQ(rte_eth_dev_stop(port_a), 0);
	CHECK_EQ(rte_eth_dev_stop(port_b), 0);
	CHECK_EQ(configure(port_a, 0), 0);
	CHECK_EQ(configure(port_b, 0), 0);
	/* Accepted on the stopped port although its queues hold 2 KB buffers. */
	CHECK_EQ(rte_eth_dev_set_mtu(port_a, MTU_JUMBO), 0);
	CHECK_EQ(rte_eth_dev_set_mtu(port_b, MTU_JUMBO), 0);
	CHECK_EQ(queues_setup(port_a, big_pool, 0), 0);
	CHECK_EQ(queues_setup(port_b, big_pool, 0), 0);
	start_both("reconfigured");
	CHECK_EQ(jumbo_round("9014-byte frames after reconfiguration", MTU_JUMBO + 14, 32, 1),
		 32);
	CHECK_EQ(qpt_stats(port_b).ierrors, 0);

	QPT_CASE("start refused while the receive buffers cannot hold MTU + 18");
	CHECK_EQ(rte_eth_dev_stop(port_a), 0);
	CHECK_EQ(rte_eth_dev_stop(port_b), 0);
	/* Back to small buffers at MTU 9000: the MTU stays, the queue changes. */
	qpt_log_begin();
	ret = queues_setup(port_b, small_pool, 0);
	qpt_log_end(log, sizeof(log));
	/* Set-up after the MTU is the step that makes it impossible. */
	CHECK(ret == -EINVAL, "rx queue set-up with 2 KB buffers at MTU 9000: %d", ret);
	snprintf(want, sizeof(want), "%u", FRAME_MAX);
	CHECK(qpt_log_lines(log, want, "2048") >= 1,
	      "the set-up refusal names the sizes (%s and 2048): %s", want, log);
	/* The MTU lowered, queues set up small, then the MTU raised again. */
	CHECK_EQ(rte_eth_dev_set_mtu(port_b, 1500), 0);
	CHECK_EQ(queues_setup(port_b, small_pool, 0), 0);
	CHECK_EQ(rte_eth_dev_set_mtu(port_b, MTU_JUMBO), 0);
	qpt_log_begin();
	ret = rte_eth_dev_start(port_b);
	qpt_log_end(log, sizeof(log));
	CHECK(ret == -EINVAL, "start with 2 KB buffers at MTU 9000: %d", ret);
	CHECK(qpt_log_lines(log, "9000", want) >= 1 && qpt_log_lines(log, "2048", NULL) >= 1,
	      "the start refusal names MTU 9000, %s-byte frames and 2048-byte buffers: %s", want,
	      log);
	printf("  start refused: %s", log);
	{
		struct rte_eth_link link;

		CHECK(rte_eth_link_get_nowait(port_b, &link) == 0 &&
		      link.link_status == RTE_ETH_LINK_DOWN, "a refused port's link is up");
	}
	/* The queues set up again from the large pool: it starts. */
	CHECK_EQ(queues_setup(port_b, big_pool, 0), 0);
	start_both("after the refusal");
	CHECK_EQ(jumbo_round("9014-byte frames after the refusal", MTU_JUMBO + 14, 32, 1), 32);

	QPT_CASE("a running port refuses an MTU its buffers cannot hold");
	CHECK_EQ(rte_eth_dev_stop(port_b), 0);
	CHECK_EQ(rte_eth_dev_set_mtu(port_b, 1500), 0);
	CHECK_EQ(queues_setup(port_b, small_pool, 0), 0);
	start_both("small again");
	qpt_log_begin();
	ret = rte_eth_dev_set_mtu(port_b, MTU_JUMBO);
	qpt_log_end(log, sizeof(log));
	CHECK(ret == -EINVAL, "set_mtu 9000 on a running port with 2 KB buffers: %d", ret);
	CHECK(qpt_log_lines(log, want, "2048") >= 1, "the refusal names the sizes: %s", log);
	CHECK(rte_eth_dev_get_mtu(port_b, &mtu) == 0 && mtu == 1500, "MTU now %u", mtu);
	/* One the buffers hold is taken at run time. */
	CHECK_EQ(rte_eth_dev_set_mtu(port_b, 2000), 0);
	CHECK_EQ(jumbo_round("2014-byte frames at run-time MTU 2000", 2014, 16, 1), 16);
	CHECK_EQ(jumbo_round("2500-byte frames at MTU 2000", 2500, 4, 1), 0);
	CHECK_EQ(qpt_qxstat(port_b, "rx", 0, "oversize_drops"), 4);

	QPT_CASE("receive scatter: MTU 9000 on 2 KB buffers, frames in 5 buffers");
	CHECK_EQ(rte_eth_dev_stop(port_b), 0);
	CHECK_EQ(configure(port_b, RTE_ETH_RX_OFFLOAD_SCATTER), 0);
	CHECK_EQ(rte_eth_dev_set_mtu(port_b, MTU_JUMBO), 0);
	CHECK_EQ(queues_setup(port_b, small_pool, RTE_ETH_RX_OFFLOAD_SCATTER), 0);
	start_both("scatter");
	CHECK_EQ(jumbo_round("9014-byte frames, scattered", MTU_JUMBO + 14, 32,
			     (MTU_JUMBO + 14 + SMALL_ROOM - 1) / SMALL_ROOM), 32);
	pair_destroy();

	QPT_CASE("pools");
	CHECK_EQ(qpt_in_use(small_pool), base_s);
	CHECK_EQ(qpt_in_use(big_pool), base_b);
	rte_mempool_free(small_pool);
	rte_mempool_free(big_pool);
	qpt_eal_done();
	return qpt_finish();
}
