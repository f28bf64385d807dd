/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The in-order adapter engine: services send WQEs in order, carries each
 * frame over the wire into the next posted receive slot of the cabled
 * queue, and sets the indicators of both; and the same for external media
 * (a sink for sent frames, a source of arriving ones). No locks, no
 * allocation, no logging: this runs on whichever lcore holds the queue's
 * adapter.
 */
#include <rte_branch_prediction.h>

#include "qp_adapter.h"
#include "qp_deliver.h"
#include "qp_faults.h"

/* The fault-free adapter: in order, every pending WQE completed at once. */
static __rte_always_inline uint32_t
qp_service_plain(struct qp_hwq *sq, struct qp_hwq *rq, int zero_copy, uint32_t budget)
{
	struct qp_adapter_q *ad = &sq->ad;
	struct qp_rx_view v;
	uint32_t n, i, head, mask;
	uint64_t db = 0;

	n = qp_sq_take(sq, budget, &db);
	if (n == 0)
		return 0;
	qp_rx_view_open(&v, rq);
	head = ad->head; /* locals: the slot stores below could alias ad */
	mask = ad->mask;
	for (i = 0; i < n; i++) {
		struct qp_slot *ss = &sq->slots[(head + i) & mask];

		qp_sq_complete(sq, ss, db, qp_carry(ad, ss, &v, zero_copy, QP_ST_OK));
	}
	qp_sq_retire(sq, n);
	qp_rx_view_close(&v);
	return n;
}

uint32_t
qp_adapter_service_sq(struct qp_hwq *sq, struct qp_hwq *rq, int zero_copy, uint32_t budget)
{
	if (unlikely(__atomic_load_n(&sq->ad.faults_on, __ATOMIC_RELAXED) ||
		     sq->ad.done_head != sq->ad.head))
		return qp_service_faulty(sq, rq, zero_copy, budget);
	/* One copy of the loop per mode: no per-frame test of the mode. */
	if (zero_copy)
		return qp_service_plain(sq, rq, 1, budget);
	return qp_service_plain(sq, rq, 0, budget);
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
qp_adapter_service_rq_source(struct qp_hwq *rq, qp_source_fn source, void *ctx,
			     uint32_t budget)
{
	struct qp_adapter_q *ad = &rq->ad;
	struct qp_rx_view v;
	uint32_t taken = 0;

	ad->polls++;
	qp_rx_view_open(&v, rq);
	while (taken < budget && (v.delivered < v.avail || qp_rx_view_refresh(&v) > v.delivered)) {
		struct qp_slot ss; /* the arriving frame, as a send slot would carry it */
		const uint8_t *data;
		uint32_t len;
		int r = source(ctx, &data, &len);

		if (r == 0)
			break;
		if (r < 0) {
			ad->medium_errors++;
			break;
		}
		taken++;
		ss.addr = (uint64_t)(uintptr_t)data;
		ss.len = len;
		ss.nb_segs = 1;
		ss.cookie = 0;
		if (unlikely(len < RTE_ETHER_HDR_LEN)) {
			ad->medium_errors++; /* a runt from the medium: not a frame */
		} else if (unlikely(len > v.max_len)) {
			ad->too_big++; /* longer than the port's MTU allows */
		} else if (!qp_rx_accepts(ad, v.filter, &ss)) {
			ad->filtered++;
		} else {
			struct qp_src src = { .flat = data, .seg = NULL, .off = 0 };

			qp_place(&v, &src, len, QP_ST_OK);
		}
	}
	if (taken == 0)
		ad->idle_polls++;
	qp_rx_view_close(&v);
	return taken;
}
