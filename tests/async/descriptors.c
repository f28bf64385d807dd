/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Descriptor-level operations read from the completion indicators, exact at
 * every step of a manual adapter: rx_queue_count, rx/tx_descriptor_status,
 * tx_done_cleanup; offsets beyond the ring are refused.
 */
#include "async.h"

#define NB_MBUFS 4096u
#define RING     64u

static struct rte_mempool *pool;

/* Expected status of every offset: DONE for offsets in [lo, hi), else the other. */
static void
check_tx_status(uint16_t port, uint32_t lo, uint32_t hi, uint32_t ring, const char *when)
{
	uint32_t o, bad = 0;

	for (o = 0; o < ring; o++) {
		int want = o >= lo && o < hi ? RTE_ETH_TX_DESC_DONE : RTE_ETH_TX_DESC_FULL;
		int st = rte_eth_tx_descriptor_status(port, 0, (uint16_t)o);

		if (st != want && bad++ < 4)
			printf("  %s: tx offset %u: status %d, want %d\n", when, o, st, want);
	}
	CHECK(bad == 0, "%s: %u tx offsets with a wrong status", when, bad);
}

/* rx: DONE for offsets below @done, AVAIL above; rx_queue_count == @done. */
static void
check_rx_status(uint16_t port, uint32_t done, uint32_t ring, const char *when)
{
	uint32_t o, bad = 0;

	for (o = 0; o < ring; o++) {
		int want = o < done ? RTE_ETH_RX_DESC_DONE : RTE_ETH_RX_DESC_AVAIL;
		int st = rte_eth_rx_descriptor_status(port, 0, (uint16_t)o);

		if (st != want && bad++ < 4)
			printf("  %s: rx offset %u: status %d, want %d\n", when, o, st, want);
	}
	CHECK(bad == 0, "%s: %u rx offsets with a wrong status", when, bad);
	CHECK(rte_eth_rx_queue_count(port, 0) == (int)done, "%s: rx_queue_count %d, want %u",
	      when, rte_eth_rx_queue_count(port, 0), done);
}

/* Send frames k0..k0+n-1 of flow 0 on queue 0; all must be taken. */
static void
post(uint16_t port, uint32_t k0, uint32_t n)
{
	uint32_t done = 0;

	while (done < n) {
		unsigned int took = as_send(port, 0, pool, 0, k0 + done, RTE_MIN(n - done, 64u));

		CHECK_EQ(took, RTE_MIN(n - done, 64u));
		if (took == 0)
			return;
		done += took;
	}
}

/* Receive @n frames (no more), the flow's next ones in order. */
static void
harvest(uint16_t port, struct as_flow *fl, uint32_t n)
{
	struct rte_mbuf *m[RING];
	unsigned int got = qpt_rx_all(port, 0, m, n, 4);

	CHECK_EQ(got, n);
	as_flow_take(fl, m, got);
	CHECK_EQ(fl->bad, 0);
}

/*
 * One loopback port, adapter=manual: every WQE waits for
 * rte_pmd_qpring_adapter_poll(), so each state can be looked at. Offsets
 * of a send queue count from the next slot the driver writes, those of a
 * receive queue from the next slot it harvests.
 */
static void
step_by_step(uint8_t copy)
{
	enum { K = 10, J = 4 };
	struct as_flow fl;
	char args[64], name[80];
	unsigned int base = qpt_in_use(pool);
	/* Mbufs a started receive queue holds: copy=1 a buffer per slot;
	 * copy=0 none (its WQEs are credits, the frames are the sender's).
	 */
	const unsigned int posted = copy ? RING : 0;
	struct rte_pmd_qpring_regs r;
	uint16_t port;

	snprintf(name, sizeof(name), "manual adapter, step by step, copy=%u", copy);
	QPT_CASE(name);
	snprintf(args, sizeof(args), "adapter=manual,copy=%u", copy);
	port = as_port("net_qpring_d", args, 1, RING, pool, NULL);
	as_start(port);
	as_flow_init(&fl, 0, 0, 1);

	/* Fresh: every send slot the driver's, every receive slot posted. */
	check_tx_status(port, 0, RING, RING, "fresh");
	check_rx_status(port, 0, RING, "fresh");
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 0), 0);
	CHECK_EQ(rte_eth_tx_descriptor_status(port, 0, RING), -EINVAL);
	CHECK_EQ(rte_eth_tx_descriptor_status(port, 0, UINT16_MAX), -EINVAL);
	CHECK_EQ(rte_eth_rx_descriptor_status(port, 0, RING), -EINVAL);
	CHECK_EQ(rte_eth_rx_descriptor_status(port, 0, UINT16_MAX), -EINVAL);
	CHECK_EQ(qpt_in_use(pool), base + posted);

	/* K posted into slots 0..K-1: offsets RING-K.. (slots 0..) are FULL. */
	post(port, 0, K);
	check_tx_status(port, 0, RING - K, RING, "posted");
	check_rx_status(port, 0, RING, "posted");
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 0), 0);
	r = qpt_regs(port, 0, RTE_PMD_QPRING_SQ);
	CHECK_EQ(r.pending, K);
	CHECK_EQ(r.done_slots, RING - K);
	CHECK_EQ(qpt_in_use(pool), base + posted + K);

	/* A zero budget services nothing. */
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, 0), 0);
	check_tx_status(port, 0, RING - K, RING, "budget 0");
	check_rx_status(port, 0, RING, "budget 0");

	/* J serviced: slots 0..J-1 done on both sides. */
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, J), J);
	check_tx_status(port, 0, RING - K + J, RING, "J serviced");
	check_rx_status(port, J, RING, "J serviced");
	CHECK_EQ(qpt_regs(port, 0, RTE_PMD_QPRING_SQ).pending, K - J);

	/* Cleanup frees the oldest completed frames, at most free_cnt. */
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 1), 1);
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 2), 2);
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 0), J - 3);
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 0), 0);
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "completions_reaped"), J);
	/* copy=1: the frames' mbufs went back. copy=0: the J frames' mbufs were
	 * handed over and wait in receive slots: nothing to free.
	 */
	CHECK_EQ(qpt_in_use(pool), base + posted + K - (copy ? J : 0));
	/* Freeing does not hand the slots back early or late. */
	check_tx_status(port, 0, RING - K + J, RING, "after cleanup");

	/* The rest serviced, three harvested: offsets count from the harvest point. */
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), K - J);
	check_tx_status(port, 0, RING, RING, "all serviced");
	check_rx_status(port, K, RING, "all serviced");
	harvest(port, &fl, 3);
	check_rx_status(port, K - 3, RING, "3 harvested");
	CHECK_EQ(qpt_regs(port, 0, RTE_PMD_QPRING_RQ).driver_index, 3);
	harvest(port, &fl, K - 3);
	check_rx_status(port, 0, RING, "all harvested");

	/* Around the ring: RING-K+5 more end in slot 4; tail is slot 5. */
	post(port, K, RING - K + 5);
	check_tx_status(port, 0, 5, RING, "wrapped");
	/* A burst that needs more slots than are free reclaims every completed
	 * one first: J..K-1 (0..J-1 were cleaned up already).
	 */
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "completions_reaped"), K);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), RING - K + 5);
	check_tx_status(port, 0, RING, RING, "wrapped, serviced");
	check_rx_status(port, RING - K + 5, RING, "wrapped, serviced");
	harvest(port, &fl, RING - K + 5);
	CHECK_EQ(fl.got, RING + 5);

	/* A receive ring full of frames: count and status say so, the next
	 * frames are missed.
	 */
	post(port, RING + 5, RING);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), RING);
	check_rx_status(port, RING, RING, "receive ring full");
	post(port, 2 * RING + 5, 3);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), 3);
	check_rx_status(port, RING, RING, "receive ring full, 3 missed");
	CHECK_EQ(qpt_stats(port).imissed, 3);
	harvest(port, &fl, RING);
	check_rx_status(port, 0, RING, "receive ring emptied");

	/* The bursts of RING and of 3 each needed the room and reclaimed every
	 * completed slot before them: cleanup frees the last 3 (copy=0: their
	 * mbufs went to the receiver and were harvested already), and then
	 * every frame posted has been reaped exactly once.
	 */
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 0), 3);
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 0), 0);
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "completions_reaped"), 2 * RING + 8);
	CHECK_EQ(qpt_in_use(pool), base + posted);
	CHECK_EQ(fl.got, 2 * RING + 5);

	/* After a restart the queues start again from slot 0. */
	CHECK_EQ(rte_eth_dev_stop(port), 0);
	CHECK_EQ(qpt_in_use(pool), base);
	as_start(port);
	check_tx_status(port, 0, RING, RING, "restarted");
	check_rx_status(port, 0, RING, "restarted");
	as_flow_init(&fl, 0, 0, 1);
	post(port, 0, K);
	check_tx_status(port, 0, RING - K, RING, "restarted, posted");
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), K);
	check_tx_status(port, 0, RING, RING, "restarted, serviced");
	check_rx_status(port, K, RING, "restarted, serviced");
	harvest(port, &fl, K);
	CHECK_EQ(qpt_stats(port).oerrors, 0);

	as_destroy("net_qpring_d");
	CHECK_EQ(qpt_in_use(pool), base);
}

/*
 * Rx and Tx rings of different sizes: each status call accepts exactly the
 * offsets of its own ring. (ethdev checks queue ids only in debug builds,
 * so an unknown queue is not asked about here.)
 */
static void
bounds(void)
{
	struct rte_eth_conf conf;
	int port;

	QPT_CASE("offset bounds follow each ring's size");
	memset(&conf, 0, sizeof(conf));
	port = qpt_vdev("net_qpring_db", "adapter=manual");
	REQUIRE(port >= 0, "probe");
	REQUIRE(rte_eth_dev_configure((uint16_t)port, 2, 2, &conf) == 0, "configure");
	REQUIRE(rte_eth_rx_queue_setup((uint16_t)port, 0, 32, rte_socket_id(), NULL, pool) == 0,
		"rxq");
	REQUIRE(rte_eth_tx_queue_setup((uint16_t)port, 0, 128, rte_socket_id(), NULL) == 0,
		"txq");
	REQUIRE(rte_eth_rx_queue_setup((uint16_t)port, 1, 16, rte_socket_id(), NULL, pool) == 0,
		"rxq 1");
	REQUIRE(rte_eth_tx_queue_setup((uint16_t)port, 1, 16, rte_socket_id(), NULL) == 0,
		"txq 1");
	as_start((uint16_t)port);
	CHECK_EQ(rte_eth_rx_descriptor_status((uint16_t)port, 0, 31), RTE_ETH_RX_DESC_AVAIL);
	CHECK_EQ(rte_eth_rx_descriptor_status((uint16_t)port, 0, 32), -EINVAL);
	CHECK_EQ(rte_eth_tx_descriptor_status((uint16_t)port, 0, 127), RTE_ETH_TX_DESC_DONE);
	CHECK_EQ(rte_eth_tx_descriptor_status((uint16_t)port, 0, 128), -EINVAL);
	CHECK_EQ(rte_eth_rx_descriptor_status((uint16_t)port, 1, 15), RTE_ETH_RX_DESC_AVAIL);
	CHECK_EQ(rte_eth_rx_descriptor_status((uint16_t)port, 1, 16), -EINVAL);
	CHECK_EQ(rte_eth_tx_descriptor_status((uint16_t)port, 1, 16), -EINVAL);
	CHECK_EQ(rte_eth_rx_queue_count((uint16_t)port, 0), 0);
	CHECK_EQ(rte_eth_tx_done_cleanup((uint16_t)port, 1, 0), 0);
	as_destroy("net_qpring_db");
}

int
main(void)
{
	as_eal_init("async_descriptors", 128, 0);
	pool = qpt_pool("desc_pool", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);

	step_by_step(1);
	step_by_step(0);
	bounds();

	QPT_CASE("pool");
	as_pool_check(pool, NB_MBUFS);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
