/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/* The register file, driven by hand (adapter=manual): doorbell, pending and in-service after
 * every step, as regs_get, xstats and the ethdev dump report them; ring-full backpressure.
 */
#include "qpt.h"

#define SQ_RING    64u
#define RQ_RING    256u
#define LEN        128u
#define POLL_BOUND 8u
#define REGS_PER_Q 8u

static struct rte_mempool *pool;

/*
 * The three views of the registers agree: for every queue of the port,
 * the xstats reg_* and the ethdev dump (SQ block then RQ block per queue
 * pair, eight 64-bit registers each) say what rte_pmd_qpring_regs_get() says.
 */
static void
check_views(uint16_t port, uint16_t nb_qp)
{
	uint64_t data[4 * 2 * REGS_PER_Q];
	struct rte_dev_reg_info info;
	uint16_t q;
	int d;

	REQUIRE(nb_qp <= 4, "at most 4 queue pairs here");
	memset(&info, 0, sizeof(info));
	CHECK_EQ(rte_eth_dev_get_reg_info(port, &info), 0);
	CHECK_EQ(info.length, nb_qp * 2u * REGS_PER_Q);
	CHECK_EQ(info.width, sizeof(uint64_t));
	CHECK_EQ(info.version, 1);
	memset(data, 0xa5, sizeof(data));
	info.data = data;
	CHECK_EQ(rte_eth_dev_get_reg_info(port, &info), 0);
	CHECK_EQ(info.length, nb_qp * 2u * REGS_PER_Q);
	/* Past the dump, nothing was written. */
	if (nb_qp < 4)
		CHECK_EQ(data[nb_qp * 2u * REGS_PER_Q], 0xa5a5a5a5a5a5a5a5ull);

	for (q = 0; q < nb_qp; q++) {
		for (d = RTE_PMD_QPRING_SQ; d <= RTE_PMD_QPRING_RQ; d++) {
			struct rte_pmd_qpring_regs r = qpt_regs(port, q, d);
			const uint64_t *b = &data[(q * 2u + (unsigned int)d) * REGS_PER_Q];
			const char *dir = d == RTE_PMD_QPRING_SQ ? "tx" : "rx";

			CHECK_EQ(r.doorbell_va, r.doorbell & RTE_PMD_QPRING_DB_VA_MASK);
			CHECK_EQ(r.in_service, r.doorbell & RTE_PMD_QPRING_DB_IN_SERVICE);
			CHECK_EQ(b[0], r.doorbell);
			CHECK_EQ(b[1], r.pending);
			CHECK_EQ(b[2], r.in_service);
			CHECK_EQ(b[3], r.size);
			CHECK_EQ(b[4], r.ring_va);
			CHECK_EQ(b[5], r.driver_index);
			CHECK_EQ(b[6], r.adapter_index);
			CHECK_EQ(b[7], r.done_slots);
			CHECK_EQ(qpt_qxstat(port, dir, q, "reg_doorbell"), r.doorbell_va);
			CHECK_EQ(qpt_qxstat(port, dir, q, "reg_pending"), r.pending);
			CHECK_EQ(qpt_qxstat(port, dir, q, "reg_in_service"), r.in_service);
		}
	}
}

/* Expected state of one queue; UINT64_MAX: do not check. */
struct want {
	uint64_t doorbell_slot; /* slot the doorbell names (index, mod size) */
	uint64_t pending;
	uint64_t in_service;
	uint64_t driver_index;
	uint64_t adapter_index;
	uint64_t done_slots;
};

static void
expect(uint16_t port, uint16_t q, enum rte_pmd_qpring_dir d, const struct want *w)
{
	struct rte_pmd_qpring_regs r = qpt_regs(port, q, d);

	if (w->doorbell_slot != UINT64_MAX)
		CHECK(r.doorbell_va == qpt_slot_va(&r, (uint32_t)w->doorbell_slot),
		      "%s %u: doorbell names slot %" PRId64 ", want slot %" PRIu64,
		      d == RTE_PMD_QPRING_SQ ? "SQ" : "RQ", q,
		      (int64_t)(r.doorbell_va - r.ring_va) / 32,
		      w->doorbell_slot & (r.size - 1u));
	CHECK_EQ(r.pending, w->pending);
	CHECK_EQ(r.in_service, w->in_service);
	CHECK_EQ(r.driver_index, w->driver_index);
	CHECK_EQ(r.adapter_index, w->adapter_index);
	CHECK_EQ(r.done_slots, w->done_slots);
}

/* A loopback port; @same: rxq_map=same (send queue i -> receive queue i). */
static int
make_port(const char *name, uint8_t copy, uint16_t nb_qp, int same)
{
	char args[64];
	uint16_t q;
	struct rte_eth_conf conf;
	int port;

	snprintf(args, sizeof(args), "adapter=manual,copy=%u%s", copy,
		 same ? ",rxq_map=same" : "");
	port = qpt_vdev(name, args);
	REQUIRE(port >= 0, "probe %s: %d", name, port);
	memset(&conf, 0, sizeof(conf));
	REQUIRE(rte_eth_dev_configure((uint16_t)port, nb_qp, nb_qp, &conf) == 0, "configure");
	for (q = 0; q < nb_qp; q++) {
		REQUIRE(rte_eth_rx_queue_setup((uint16_t)port, q, RQ_RING, rte_socket_id(), NULL,
					       pool) == 0, "rxq %u", q);
		REQUIRE(rte_eth_tx_queue_setup((uint16_t)port, q, SQ_RING, rte_socket_id(),
					       NULL) == 0, "txq %u", q);
	}
	REQUIRE(rte_eth_dev_start((uint16_t)port) == 0, "start");
	return port;
}

/* Send frames seq, seq+1, ... (n of them) on queue q; returns the burst's result. */
static uint16_t
tx_frames(uint16_t port, uint16_t q, uint32_t seq, uint16_t n)
{
	struct rte_mbuf *tx[128];
	uint16_t i, ok;

	REQUIRE(n <= RTE_DIM(tx), "burst too large");
	for (i = 0; i < n; i++) {
		tx[i] = qpt_frame(pool, seq + i, LEN, NULL);
		REQUIRE(tx[i] != NULL, "out of mbufs");
	}
	ok = rte_eth_tx_burst(port, q, tx, n);
	qpt_free_all(tx + ok, (unsigned int)(n - ok));
	return ok;
}

/* Receive exactly n frames seq, seq+1, ... on queue q, in one rx burst. */
static void
rx_exact(uint16_t port, uint16_t q, uint32_t seq, uint16_t n)
{
	struct rte_mbuf *rx[128];
	uint16_t got, i;

	REQUIRE(n < RTE_DIM(rx), "burst too large");
	got = rte_eth_rx_burst(port, q, rx, (uint16_t)(n + 1u));
	CHECK_EQ(got, n);
	for (i = 0; i < got; i++) {
		uint32_t s = ~0u;

		CHECK(qpt_frame_check(rx[i], LEN, &s) == 0 && s == seq + i,
		      "frame %u: seq %u, want %u", i, s, seq + i);
	}
	qpt_free_all(rx, got);
}

/* ------------------------------------------------------- one queue pair */

static void
doorbells(uint8_t copy)
{
	const char *name = "net_qpring_rg";
	unsigned int in_use = qpt_in_use(pool);
	struct rte_eth_stats st;
	char title[64];
	uint16_t p;
	int port;

	snprintf(title, sizeof(title), "registers after start, copy=%u", copy);
	QPT_CASE(title);
	port = make_port(name, copy, 1, 0);
	p = (uint16_t)port;
	/* Every receive slot posted, one doorbell naming the last one. */
	expect(p, 0, RTE_PMD_QPRING_RQ, &(struct want){ RQ_RING - 1, RQ_RING, 1, 0, 0, 0 });
	/* Nothing sent: no doorbell yet, every send slot the driver's. */
	expect(p, 0, RTE_PMD_QPRING_SQ, &(struct want){ UINT64_MAX, 0, 0, 0, 0, SQ_RING });
	CHECK_EQ(qpt_regs(p, 0, RTE_PMD_QPRING_SQ).doorbell, 0);
	CHECK_EQ(qpt_regs(p, 0, RTE_PMD_QPRING_SQ).size, SQ_RING);
	CHECK_EQ(qpt_regs(p, 0, RTE_PMD_QPRING_RQ).size, RQ_RING);
	check_views(p, 1);

	snprintf(title, sizeof(title), "tx burst rings the doorbell, copy=%u", copy);
	QPT_CASE(title);
	CHECK_EQ(tx_frames(p, 0, 0, 10), 10);
	/* doorbell == slot (tail + n - 1) mod size, pending += n, in service. */
	expect(p, 0, RTE_PMD_QPRING_SQ, &(struct want){ 9, 10, 1, 10, 0, SQ_RING - 10 });
	{
		struct rte_pmd_qpring_regs r = qpt_regs(p, 0, RTE_PMD_QPRING_SQ);

		/* The raw register: the WQE's address with the in-service bit. */
		CHECK_EQ(r.doorbell, qpt_slot_va(&r, 9) | RTE_PMD_QPRING_DB_IN_SERVICE);
	}
	/* Manual adapter: nothing moved to the receive side. */
	expect(p, 0, RTE_PMD_QPRING_RQ, &(struct want){ RQ_RING - 1, RQ_RING, 1, 0, 0, 0 });
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "doorbells"), 1);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "wqes_posted"), 10);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "adapter_serviced"), 0);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "adapter_polls"), 0);
	check_views(p, 1);

	CHECK_EQ(tx_frames(p, 0, 10, 7), 7);
	expect(p, 0, RTE_PMD_QPRING_SQ, &(struct want){ 16, 17, 1, 17, 0, SQ_RING - 17 });
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "doorbells"), 2);
	check_views(p, 1);

	snprintf(title, sizeof(title), "adapter poll services and clears, copy=%u", copy);
	QPT_CASE(title);
	/* Part of the work: the newest WQE is still waiting, its bit stays. */
	CHECK_EQ(rte_pmd_qpring_adapter_poll(p, 10), 10);
	expect(p, 0, RTE_PMD_QPRING_SQ, &(struct want){ 16, 7, 1, 17, 10, SQ_RING - 7 });
	expect(p, 0, RTE_PMD_QPRING_RQ, &(struct want){ RQ_RING - 1, RQ_RING - 10, 1, 0, 10, 10 });
	check_views(p, 1);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(p, 1000), 7);
	expect(p, 0, RTE_PMD_QPRING_SQ, &(struct want){ 16, 0, 0, 17, 17, SQ_RING });
	expect(p, 0, RTE_PMD_QPRING_RQ, &(struct want){ RQ_RING - 1, RQ_RING - 17, 1, 0, 17, 17 });
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "adapter_serviced"), 17);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "adapter_polls"), 2);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "adapter_idle_polls"), 0);
	CHECK_EQ(qpt_qxstat(p, "rx", 0, "adapter_completions"), 17);
	check_views(p, 1);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(p, 1000), 0);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "adapter_polls"), 3);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "adapter_idle_polls"), 1);

	snprintf(title, sizeof(title), "rx burst re-posts and rings, copy=%u", copy);
	QPT_CASE(title);
	rx_exact(p, 0, 0, 17);
	/* The RQ doorbell names the last re-posted slot, which is in service. */
	expect(p, 0, RTE_PMD_QPRING_RQ, &(struct want){ 16, RQ_RING, 1, 17, 17, 0 });
	CHECK_EQ(qpt_qxstat(p, "rx", 0, "doorbells"), 2);
	CHECK_EQ(qpt_qxstat(p, "rx", 0, "wqes_posted"), RQ_RING + 17);
	check_views(p, 1);

	snprintf(title, sizeof(title), "ring-full backpressure, copy=%u", copy);
	QPT_CASE(title);
	/* A burst larger than the ring takes exactly the ring's worth. */
	CHECK_EQ(tx_frames(p, 0, 17, 100), SQ_RING);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "ring_full_stalls"), 1);
	expect(p, 0, RTE_PMD_QPRING_SQ,
	       &(struct want){ 17 + SQ_RING - 1, SQ_RING, 1, 17 + SQ_RING, 17, 0 });
	check_views(p, 1);
	/* Nothing completed: the next burst takes nothing and rings nothing. */
	CHECK_EQ(tx_frames(p, 0, 17 + SQ_RING, 36), 0);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "ring_full_stalls"), 2);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "doorbells"), 3);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(p, 1000), SQ_RING);
	expect(p, 0, RTE_PMD_QPRING_SQ,
	       &(struct want){ 17 + SQ_RING - 1, 0, 0, 17 + SQ_RING, 17 + SQ_RING, SQ_RING });
	expect(p, 0, RTE_PMD_QPRING_RQ,
	       &(struct want){ 16, RQ_RING - SQ_RING, 1, 17, 17 + SQ_RING, SQ_RING });
	/* After the poll the burst goes through. */
	CHECK_EQ(tx_frames(p, 0, 17 + SQ_RING, 36), 36);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "ring_full_stalls"), 2);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "doorbells"), 4);
	/* The burst needed room and reclaimed every completed slot first (the
	 * 17 and the ring's worth before it): their mbufs reaped, once.
	 */
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "completions_reaped"), 17 + SQ_RING);
	expect(p, 0, RTE_PMD_QPRING_SQ,
	       &(struct want){ 17 + SQ_RING + 35, 36, 1, 117, 17 + SQ_RING, SQ_RING - 36 });
	check_views(p, 1);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(p, 1000), 36);
	expect(p, 0, RTE_PMD_QPRING_SQ, &(struct want){ 116, 0, 0, 117, 117, SQ_RING });
	expect(p, 0, RTE_PMD_QPRING_RQ,
	       &(struct want){ 16, RQ_RING - 100, 1, 17, 117, 100 });
	rx_exact(p, 0, 17, 100);
	expect(p, 0, RTE_PMD_QPRING_RQ, &(struct want){ 116, RQ_RING, 1, 117, 117, 0 });
	check_views(p, 1);

	snprintf(title, sizeof(title), "filling the RQ clears its in-service bit, copy=%u", copy);
	QPT_CASE(title);
	/* The RQ doorbell names slot 116; the adapter fills 117.. upward and
	 * reaches 116 after RQ_RING frames, and only then clears the bit.
	 */
	{
		uint32_t seq = 117, left = RQ_RING - 1;

		while (left != 0) {
			uint16_t n = (uint16_t)RTE_MIN(left, SQ_RING);

			CHECK_EQ(tx_frames(p, 0, seq, n), n);
			CHECK_EQ(rte_pmd_qpring_adapter_poll(p, 1000), n);
			seq += n;
			left -= n;
		}
		expect(p, 0, RTE_PMD_QPRING_RQ,
		       &(struct want){ 116, 1, 1, 117, 117 + RQ_RING - 1, RQ_RING - 1 });
		CHECK_EQ(tx_frames(p, 0, seq, 1), 1);
		CHECK_EQ(rte_pmd_qpring_adapter_poll(p, 1000), 1);
		expect(p, 0, RTE_PMD_QPRING_RQ,
		       &(struct want){ 116, 0, 0, 117, 117 + RQ_RING, RQ_RING });
		check_views(p, 1);
	}
	rte_eth_stats_get(p, &st);
	CHECK_EQ(st.opackets, 117 + RQ_RING);
	CHECK_EQ(st.oerrors, 0);
	CHECK_EQ(st.imissed, 0);

	snprintf(title, sizeof(title), "stop flushes pending WQEs, copy=%u", copy);
	QPT_CASE(title);
	/* The RQ is full: harvest it, then leave 5 WQEs unserviced and stop. */
	{
		struct rte_mbuf *rx[64];
		unsigned int got = 0, n;

		while ((n = qpt_rx_all(p, 0, rx, 64, POLL_BOUND)) != 0) {
			qpt_free_all(rx, n);
			got += n;
			if (got > RQ_RING)
				break;
		}
		CHECK_EQ(got, RQ_RING);
	}
	CHECK_EQ(tx_frames(p, 0, 0, 5), 5);
	expect(p, 0, RTE_PMD_QPRING_SQ, &(struct want){ 117 + RQ_RING + 4, 5, 1,
		117 + RQ_RING + 5, 117 + RQ_RING, SQ_RING - 5 });
	CHECK_EQ(rte_eth_dev_stop(p), 0);
	CHECK_EQ(qpt_qxstat(p, "tx", 0, "flushed_wqes"), 5);
	rte_eth_stats_get(p, &st);
	CHECK_EQ(st.oerrors, 5);
	/* Flushed WQEs never left: errors, not sent frames. */
	CHECK_EQ(st.opackets, 117 + RQ_RING);
	CHECK_EQ(st.ipackets, 117 + RQ_RING);
	/* A stopped queue is parked: every slot reads adapter-owned, so a
	 * stray burst on it finds nothing to use.
	 */
	expect(p, 0, RTE_PMD_QPRING_SQ, &(struct want){ UINT64_MAX, 0, 0, 0, 0, 0 });
	CHECK_EQ(qpt_vdev_destroy(name), 0);
	CHECK_EQ(qpt_in_use(pool), in_use);
}

/* ------------------------------------------------------ several queue pairs */

/*
 * The dump's layout with several queue pairs: traffic on send queue 1 moves
 * SQ 1's block and the block of the receive queue the port picks, and
 * nothing else: with rxq_map=same RQ 1 (QP 1's own), by default RQ 0.
 */
static void
layout(int same)
{
	unsigned int in_use = qpt_in_use(pool);
	struct rte_pmd_qpring_regs sq[3], rq[3];
	uint64_t data[3 * 2 * REGS_PER_Q];
	struct rte_dev_reg_info info;
	const uint16_t dq = same ? 1 : 0; /* the receive queue SQ 1's frames go to */
	uint16_t p, q;
	int port;

	QPT_CASE(same ? "dump layout, 3 queue pairs, rxq_map=same: QP 1 moves QP 1's blocks" :
		 "dump layout, 3 queue pairs, default map: SQ 1 moves SQ 1's and RQ 0's blocks");
	port = make_port("net_qpring_rl", 1, 3, same);
	p = (uint16_t)port;
	CHECK_EQ(tx_frames(p, 1, 0, 12), 12);
	for (q = 0; q < 3; q++) {
		sq[q] = qpt_regs(p, q, RTE_PMD_QPRING_SQ);
		rq[q] = qpt_regs(p, q, RTE_PMD_QPRING_RQ);
	}
	memset(&info, 0, sizeof(info));
	info.data = data;
	CHECK_EQ(rte_eth_dev_get_reg_info(p, &info), 0);
	CHECK_EQ(info.length, 3 * 2 * REGS_PER_Q);
	for (q = 0; q < 3; q++) {
		const uint64_t *s = &data[q * 2u * REGS_PER_Q], *r = s + REGS_PER_Q;

		CHECK_EQ(s[0], sq[q].doorbell);
		CHECK_EQ(s[1], q == 1 ? 12 : 0);
		CHECK_EQ(s[2], q == 1 ? 1 : 0);
		CHECK_EQ(s[3], SQ_RING);
		CHECK_EQ(s[4], sq[q].ring_va);
		CHECK_EQ(s[5], q == 1 ? 12 : 0);
		CHECK_EQ(r[1], RQ_RING);
		CHECK_EQ(r[3], RQ_RING);
		CHECK_EQ(r[4], rq[q].ring_va);
	}
	CHECK(sq[0].ring_va != sq[1].ring_va && sq[1].ring_va != sq[2].ring_va &&
	      rq[1].ring_va != sq[1].ring_va, "each queue has its own ring");
	CHECK_EQ(data[1 * 2 * REGS_PER_Q], qpt_slot_va(&sq[1], 11) | RTE_PMD_QPRING_DB_IN_SERVICE);

	CHECK_EQ(rte_pmd_qpring_adapter_poll(p, 1000), 12);
	check_views(p, 3);
	expect(p, 1, RTE_PMD_QPRING_SQ, &(struct want){ 11, 0, 0, 12, 12, SQ_RING });
	for (q = 0; q < 3; q++) {
		if (q == dq)
			expect(p, q, RTE_PMD_QPRING_RQ,
			       &(struct want){ RQ_RING - 1, RQ_RING - 12, 1, 0, 12, 12 });
		else
			expect(p, q, RTE_PMD_QPRING_RQ,
			       &(struct want){ RQ_RING - 1, RQ_RING, 1, 0, 0, 0 });
		if (q != 1)
			expect(p, q, RTE_PMD_QPRING_SQ,
			       &(struct want){ UINT64_MAX, 0, 0, 0, 0, SQ_RING });
	}
	for (q = 0; q < 3; q++)
		rx_exact(p, q, 0, q == dq ? 12 : 0);
	check_views(p, 3);

	/* Whole dumps only; bad arguments refused. */
	info.length = 5;
	CHECK_EQ(rte_eth_dev_get_reg_info(p, &info), -ENOTSUP);
	info.length = 3 * 2 * REGS_PER_Q;
	info.offset = 8;
	CHECK_EQ(rte_eth_dev_get_reg_info(p, &info), -ENOTSUP);
	CHECK_EQ(rte_pmd_qpring_regs_get(p, 3, RTE_PMD_QPRING_SQ, &sq[0]), -EINVAL);
	CHECK_EQ(rte_pmd_qpring_regs_get(p, 0, RTE_PMD_QPRING_RQ, NULL), -EINVAL);
	CHECK_EQ(rte_pmd_qpring_regs_get(RTE_MAX_ETHPORTS - 1, 0, RTE_PMD_QPRING_SQ, &sq[0]),
		 -ENODEV);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(RTE_MAX_ETHPORTS - 1, 1), -ENODEV);

	CHECK_EQ(qpt_vdev_destroy("net_qpring_rl"), 0);
	CHECK_EQ(qpt_in_use(pool), in_use);
}

int
main(void)
{
	qpt_eal_init("ethdev_registers", 256, NULL);
	pool = qpt_pool("registers", 4096, RTE_MBUF_DEFAULT_BUF_SIZE);

	doorbells(1);
	doorbells(0);
	layout(1);
	layout(0);

	QPT_CASE("teardown");
	CHECK_EQ(qpt_in_use(pool), 0);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
