/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The in-order adapter engine: services send WQEs in order, delivers each
 * frame into the receive queue the receiving port picks (qp_deliver.h),
 * and sets the indicators of both; and the same for external media (a sink
 * for sent frames, a source of arriving ones). No locks, no allocation, no
 * logging: this runs on whichever lcore holds the queue's adapter.
 */
#include <rte_branch_prediction.h>

#include "qp_adapter.h"
#include "qp_deliver.h"
#include "qp_faults.h"

/* The fault-free adapter: in order, every pending WQE completed at once. */
static __rte_always_inline uint32_t
qp_service_plain(struct qp_hwq *sq, const struct qp_rxport *rp, uint16_t sq_qid, int zero_copy,
		 uint32_t budget)
{
	struct qp_adapter_q *ad = &sq->ad;
	struct qp_slot *ss[QP_CHUNK];
	uint16_t st[QP_CHUNK];
	struct qp_dctx c;
	uint32_t n, i, k, done, head, mask;
	uint64_t db = 0;

	n = qp_sq_take(sq, budget, &db);
	if (n == 0)
		return 0;
	qp_dctx_open(&c, rp, sq_qid, zero_copy);
	head = ad->head; /* locals: the slot stores below could alias ad */
	mask = ad->mask;
	for (done = 0; done < n; done += k) {
		k = RTE_MIN(n - done, QP_CHUNK);
		for (i = 0; i < k; i++)
			ss[i] = &sq->slots[(head + done + i) & mask];
		qp_deliver_chunk(&c, ad, ss, k, NULL, st, NULL);
		for (i = 0; i < k; i++)
			qp_sq_complete(sq, ss[i], db, st[i]);
	}
	qp_sq_retire(sq, n);
	return n;
}

uint32_t
qp_adapter_service_sq(struct qp_hwq *sq, const struct qp_rxport *rp, uint16_t sq_qid,
		      int zero_copy, uint32_t budget)
{
	if (unlikely(__atomic_load_n(&sq->ad.faults_on, __ATOMIC_RELAXED) ||
		     sq->ad.done_head != sq->ad.head))
		return qp_service_faulty(sq, rp, sq_qid, zero_copy, budget);
	/* One copy of the loop per mode: no per-frame test of the mode. */
	if (zero_copy)
		return qp_service_plain(sq, rp, sq_qid, 1, budget);
	return qp_service_plain(sq, rp, sq_qid, 0, budget);
}

uint32_t
qp_adapter_service_sq_sink(struct qp_hwq *sq, qp_sink_fn sink, void *ctx, uint32_t budget)
{
	struct qp_adapter_q *ad = &sq->ad;
	uint32_t n, i;
	uint64_t db = 0;

	n = qp_sq_take(sq, budget, &db);
	for (i = 0; i < n; i++) {
		struct qp_slot *ss = &sq->slots[(ad->head + i) & ad->mask];
		uint16_t st = sink(ctx, ss);

		if (st != QP_ST_OK)
			ad->medium_errors++;
		qp_sq_complete(sq, ss, db, st);
	}
	if (n != 0)
		qp_sq_retire(sq, n);
	return n;
}

uint32_t
qp_adapter_service_rq_source(const struct qp_rxport *rp, uint16_t qid, qp_source_fn source,
			     void *ctx, uint32_t budget)
{
	struct qp_hwq *rq = qp_rxport_rq(rp, qid);
	struct qp_adapter_q *ad;
	struct qp_dctx c;
	uint32_t taken = 0;

	if (rq == NULL)
		return 0;
	ad = &rq->ad;
	ad->polls++;
	/* The frames arrive for this queue: its own index selects it. */
	qp_dctx_open(&c, rp, qid, 0);
	c.select = QP_RXSEL_SAME;
	/* Stop while nothing is posted: frames wait in the medium. */
	while (taken < budget && qp_regs_pending_peek(&rq->regs) != 0) {
		struct qp_slot ss; /* the arriving frame, as a send slot would carry it */
		struct qp_slot *ps = &ss;
		const uint8_t *data;
		uint16_t st;
		uint32_t len;
		int r = source(ctx, &data, &len);

		if (r == 0)
			break;
		if (r < 0) {
			ad->medium_errors++;
			break;
		}
		taken++;
		if (unlikely(len < RTE_ETHER_HDR_LEN)) {
			ad->medium_errors++; /* a runt from the medium: not a frame */
			continue;
		}
		memset(&ss, 0, sizeof(ss));
		ss.addr = (uint64_t)(uintptr_t)data;
		ss.len = len;
		ss.nb_segs = 1;
		qp_deliver_chunk(&c, ad, &ps, 1, NULL, &st, NULL);
	}
	if (taken == 0)
		ad->idle_polls++;
	return taken;
}
