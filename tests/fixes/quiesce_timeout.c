/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Issue 10, item 9: when an adapter does not leave a queue (a descheduled
 * service lcore, a dead process), stop and close wait for it, give up with
 * an error, and keep the queue's memory instead of freeing memory the
 * adapter may still write into. A kept queue refuses to start until it is
 * set up again; set up again, it works.
 *
 * White box: the test plays the stuck adapter by holding a send queue's
 * adapter lock (ad.busy in its hardware block, qp_hwq.h), found from the
 * ring address rte_pmd_qpring_regs_get() reports.
 */
#include <stddef.h>

#include "fixes.h"
#include "qp_hwq.h"

#define NB_MBUFS 2048u
#define RING     256u

static struct rte_mempool *pool;
static char log_buf[32768];

/* The hardware block of a queue, from its ring address (slot 0). */
static struct qp_hwq *
hwq_of(uint16_t port, uint16_t q, enum rte_pmd_qpring_dir d)
{
	struct rte_pmd_qpring_regs r = qpt_regs(port, q, d);
	struct qp_hwq *hw = (struct qp_hwq *)(uintptr_t)(r.ring_va -
							   offsetof(struct qp_hwq, slots));

	REQUIRE(hw->regs.ring_va == r.ring_va && hw->regs.size == r.size,
		"port %u %s %u: no queue hardware before its ring", port,
		d == RTE_PMD_QPRING_SQ ? "sq" : "rq", q);
	return hw;
}

static void
roundtrip(uint16_t port, uint32_t seq0, const char *when)
{
	unsigned int sent = qpt_send(port, 0, pool, 16, 100, NULL, seq0), bad = 0, got;

	got = qpt_recv(port, 0, 32, 100, seq0, &bad);
	CHECK(sent == 16 && got == 16 && bad == 0, "%s: sent %u, received %u of 16, %u bad",
	      when, sent, got, bad);
}

/* Log the driver's lines of @log_buf and count those with @a (and @b). */
static unsigned int
logged(const char *a, const char *b)
{
	return qpt_log_lines(log_buf, a, b);
}

/* What a port that kept its queues leaves behind. */
struct kept {
	struct rte_pmd_qpring_regs tr, rr;       /* registers before the stop */
	const struct rte_memzone *mz_t, *mz_r;   /* the queues' memzones */
	struct qp_hwq *hw;                       /* the send queue's hardware */
};

/*
 * Start @port (vdev @name) with one queue pair, make the send queue's
 * adapter "stuck" inside it, stop and close the port, let the adapter
 * leave and remove the vdev. What the driver logged is in log_buf.
 */
static void
close_with_stuck_adapter(const char *name, uint16_t port, struct kept *k)
{
	REQUIRE(qpt_start(port, 1, RING, pool) == 0, "start");
	roundtrip(port, 0, "before");
	k->tr = qpt_regs(port, 0, RTE_PMD_QPRING_SQ);
	k->rr = qpt_regs(port, 0, RTE_PMD_QPRING_RQ);
	k->mz_t = fx_mz_holding(k->tr.ring_va);
	k->mz_r = fx_mz_holding(k->rr.ring_va);
	REQUIRE(k->mz_t != NULL && k->mz_r != NULL, "the queues' memzones");
	k->hw = hwq_of(port, 0, RTE_PMD_QPRING_SQ);
	__atomic_store_n(&k->hw->ad.busy, 1, __ATOMIC_SEQ_CST); /* an adapter "inside" */

	qpt_log_begin();
	CHECK_EQ(rte_eth_dev_stop(port), 0);
	CHECK_EQ(rte_eth_dev_close(port), 0);
	qpt_log_end(log_buf, sizeof(log_buf));
	fputs(log_buf, stdout);
	/* The "adapter" leaves, writing into what must still be there. */
	if (fx_mz_holding(k->tr.ring_va) == k->mz_t)
		__atomic_store_n(&k->hw->ad.busy, 0, __ATOMIC_RELEASE);
	CHECK_EQ(rte_vdev_uninit(name), 0);
}

/*
 * The send queue's adapter never leaves: stop and close the port. The
 * driver says it keeps the queues' memory (the send queue, and the receive
 * queue that adapter delivers into) and both memzones stay reserved.
 */
static void
stuck_adapter_queue_memory_kept_not_freed(uint16_t port)
{
	struct kept k;

	QPT_CASE("stuck_adapter_queue_memory_kept_not_freed");
	close_with_stuck_adapter("net_qpring0", port, &k);
	CHECK(logged("txq 0", "rather than freed") == 1,
	      "no \"txq 0 ... kept ... rather than freed\" error at close");
	CHECK(logged("rxq 0", "rather than freed") == 1,
	      "no \"rxq 0 ... kept ... rather than freed\" error at close (its sender never "
	      "left)");
	CHECK(fx_mz_holding(k.tr.ring_va) == k.mz_t, "send queue memzone freed under the adapter");
	CHECK(fx_mz_holding(k.rr.ring_va) == k.mz_r,
	      "receive queue memzone freed under the adapter");
}

/*
 * The same, stopped but not closed; then the adapter leaves. The kept
 * queues refuse to start (-EBUSY, with a message) until they are set up
 * again; set up again they carry traffic, and the old memory stays kept.
 */
static void
stuck_queue_refuses_start_until_set_up_again(uint16_t port)
{
	struct rte_pmd_qpring_regs tr, rr;
	const struct rte_memzone *mz_t, *mz_r;
	struct rte_eth_txq_info tqi;
	struct qp_hwq *hw;
	int ret;

	QPT_CASE("stuck_queue_refuses_start_until_set_up_again");
	ret = qpt_start(port, 1, RING, pool);
	REQUIRE(ret == 0, "start: %d", ret);
	roundtrip(port, 100, "before");
	tr = qpt_regs(port, 0, RTE_PMD_QPRING_SQ);
	rr = qpt_regs(port, 0, RTE_PMD_QPRING_RQ);
	mz_t = fx_mz_holding(tr.ring_va);
	mz_r = fx_mz_holding(rr.ring_va);
	hw = hwq_of(port, 0, RTE_PMD_QPRING_SQ);
	__atomic_store_n(&hw->ad.busy, 1, __ATOMIC_SEQ_CST);

	qpt_log_begin();
	CHECK_EQ(rte_eth_dev_stop(port), 0);
	qpt_log_end(log_buf, sizeof(log_buf));
	fputs(log_buf, stdout);
	CHECK(logged("txq 0", "still runs") >= 1, "no error at stop: \"txq 0 ... still runs\"");
	/* The adapter leaves; the stop kept (never frees) the memory. */
	REQUIRE(fx_mz_holding(tr.ring_va) == mz_t, "send queue memzone freed at stop");
	__atomic_store_n(&hw->ad.busy, 0, __ATOMIC_RELEASE);

	/* Kept queues: the port does not start (the send queue, started
	 * first, says so).
	 */
	qpt_log_begin();
	ret = rte_eth_dev_start(port);
	qpt_log_end(log_buf, sizeof(log_buf));
	fputs(log_buf, stdout);
	CHECK(ret == -EBUSY, "start with kept queues: %d, expected -EBUSY", ret);
	CHECK(logged("q 0", "set it up again") >= 1, "no message: \"[rt]xq 0 ... set it up again\"");
	if (ret == 0)
		CHECK_EQ(rte_eth_dev_stop(port), 0);

	qpt_log_begin();
	CHECK_EQ(rte_eth_rx_queue_setup(port, 0, RING, rte_socket_id(), NULL, pool), 0);
	qpt_log_end(log_buf, sizeof(log_buf));
	fputs(log_buf, stdout);
	CHECK(logged("rxq 0", "rather than freed") == 1, "old rxq 0 not reported as kept");
	CHECK(fx_mz_holding(rr.ring_va) == mz_r, "old receive queue memzone freed");

	/* Send queue: the port starts, the queue does not. */
	ret = rte_eth_dev_start(port);
	CHECK(ret == 0 || ret == -EBUSY, "start with a kept send queue: %d", ret);
	if (ret == 0) {
		CHECK_EQ(rte_eth_tx_queue_info_get(port, 0, &tqi), 0);
		CHECK(tqi.queue_state == RTE_ETH_QUEUE_STATE_STOPPED,
		      "kept send queue reads as started");
		qpt_log_begin();
		ret = rte_eth_dev_tx_queue_start(port, 0);
		qpt_log_end(log_buf, sizeof(log_buf));
		fputs(log_buf, stdout);
		CHECK(ret == -EBUSY, "tx_queue_start of a kept queue: %d, expected -EBUSY", ret);
		CHECK(logged("txq 0", "set it up again") == 1,
		      "no message: \"txq 0 ... set it up again\"");
		CHECK_EQ(rte_eth_dev_stop(port), 0);
	}
	qpt_log_begin();
	CHECK_EQ(rte_eth_tx_queue_setup(port, 0, RING, rte_socket_id(), NULL), 0);
	qpt_log_end(log_buf, sizeof(log_buf));
	fputs(log_buf, stdout);
	CHECK(logged("txq 0", "rather than freed") == 1, "old txq 0 not reported as kept");
	CHECK(fx_mz_holding(tr.ring_va) == mz_t, "old send queue memzone freed");

	/* Both set up again: the port works, on new memory. */
	ret = rte_eth_dev_start(port);
	CHECK(ret == 0, "start after both queues were set up again: %d", ret);
	if (ret == 0) {
		roundtrip(port, 200, "set up again");
		CHECK(qpt_regs(port, 0, RTE_PMD_QPRING_SQ).ring_va != tr.ring_va,
		      "the send queue was set up again on its kept memory");
	}
	CHECK_EQ(qpt_vdev_destroy("net_qpring1"), 0);
}

/*
 * A port probed after another one kept its queues and was closed gets the
 * closed port's id again; it sets up and runs its queues: kept memory must
 * not block the names of new queues.
 */
static void
new_port_after_kept_queues_sets_up(uint16_t old_port)
{
	struct kept k;
	uint16_t port;
	int ret;

	QPT_CASE("new_port_after_kept_queues_sets_up");
	close_with_stuck_adapter("net_qpring0", old_port, &k);
	REQUIRE(fx_mz_holding(k.tr.ring_va) == k.mz_t, "the closed port's queues not kept");
	port = qpt_probe("net_qpring2", "");
	CHECK(port == old_port, "the new port got id %u, not the closed port's %u", port,
	      old_port);
	ret = qpt_start(port, 1, RING, pool);
	CHECK(ret == 0, "port %u after a port %u that kept its queues: start %d", port,
	      old_port, ret);
	if (ret == 0)
		roundtrip(port, 300, "new port");
	CHECK_EQ(qpt_vdev_destroy("net_qpring2"), 0);
}

int
main(int argc, char **argv)
{
	uint16_t port0, port1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("fixes_quiesce_timeout", 256, NULL);
	pool = qpt_pool("fx_qt", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);

	/* Run alone (its own meson test): it needs a port id no other case
	 * has used.
	 */
	if (argc == 2 && strcmp(argv[1], "new_port_after_kept_queues_sets_up") == 0) {
		new_port_after_kept_queues_sets_up(qpt_probe("net_qpring0", ""));
		qpt_eal_done();
		return qpt_finish();
	}
	/* Two ports from the start: each case has a port id of its own (kept
	 * memzones are named after the port id).
	 */
	port0 = qpt_probe("net_qpring0", "");
	port1 = qpt_probe("net_qpring1", "");
	if (fx_selected(argc, argv, "stuck_adapter_queue_memory_kept_not_freed"))
		stuck_adapter_queue_memory_kept_not_freed(port0);
	else
		CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
	if (fx_selected(argc, argv, "stuck_queue_refuses_start_until_set_up_again"))
		stuck_queue_refuses_start_until_set_up_again(port1);
	else
		CHECK_EQ(qpt_vdev_destroy("net_qpring1"), 0);

	/* Buffers posted in kept receive queues stay there: no pool check. */
	qpt_eal_done();
	return qpt_finish();
}
