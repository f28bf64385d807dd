/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Queue memory: set-up, flush and parking of one queue's hardware. Control
 * path only: no adapter runs on the queue while these are called.
 */
#include <string.h>

#include "qp_hwq.h"

void
qp_hwq_init(struct qp_hwq *q, uint32_t nb_slots)
{
	uint32_t i;

	memset(q, 0, sizeof(*q));
	q->regs.size = nb_slots;
	q->regs.ring_va = (uint64_t)(uintptr_t)q->slots;
	q->ad.mask = nb_slots - 1;
	q->ad.rng = 0x9e3779b97f4a7c15ull;
	for (i = 0; i < nb_slots; i++)
		qp_slot_reset(&q->slots[i]);
}

uint32_t
qp_hwq_flush(struct qp_hwq *q)
{
	uint32_t n, i;

	/* Serviced but held back by a fault: complete with their result. At
	 * most a ring's worth; a signed distance, so a reset head cannot make
	 * this walk round the index space.
	 */
	for (i = 0; (int32_t)(q->ad.head - q->ad.done_head) > 0 && i <= q->ad.mask; i++) {
		struct qp_slot *s = &q->slots[q->ad.done_head & q->ad.mask];

		if (i >= QP_OOO_MAX || !(q->ad.early & (1ull << i)))
			qp_slot_complete(s, s->res_len, s->res_status);
		/* Relaxed: qp_adapter_has_work() reads it on other lcores. */
		__atomic_store_n(&q->ad.done_head, q->ad.done_head + 1, __ATOMIC_RELAXED);
	}
	q->ad.early = 0;
	n = qp_regs_pending(&q->regs); /* A0 */
	if (n > q->ad.mask + 1)
		n = q->ad.mask + 1; /* never more than the ring holds */

	for (i = 0; i < n; i++) {
		struct qp_slot *s = &q->slots[(q->ad.head + i) & q->ad.mask];

		qp_ctr_add(&q->ad.failed, 1);
		qp_ctr_add(&q->ad.fail_bytes, s->len);
		qp_slot_complete(s, 0, QP_ST_FLUSHED);
	}
	__atomic_store_n(&q->ad.head, q->ad.head + n, __ATOMIC_RELAXED);
	__atomic_store_n(&q->ad.done_head, q->ad.head, __ATOMIC_RELAXED);
	qp_regs_retire(&q->regs, n);
	q->regs.doorbell &= ~QP_DB_IN_SERVICE;
	return n;
}

void
qp_hwq_park(struct qp_hwq *q)
{
	uint32_t i;

	for (i = 0; i <= q->ad.mask; i++)
		__atomic_store_n(&q->slots[i].res, QP_RES(0, 0, QP_IND_POSTED), __ATOMIC_RELAXED);
}

void
qp_hwq_unpark(struct qp_hwq *q)
{
	uint32_t i;

	for (i = 0; i <= q->ad.mask; i++)
		qp_slot_reset(&q->slots[i]);
}

uint32_t
qp_hwq_count_done(const struct qp_hwq *q)
{
	uint32_t i, n = 0;

	for (i = 0; i <= q->ad.mask; i++)
		n += qp_slot_is_done(&q->slots[i]);
	return n;
}

uint32_t
qp_hwq_count_frames(const struct qp_hwq *q, uint32_t head, uint32_t nb_slots)
{
	uint32_t i, n = 0;

	/* In ring order from the harvest point: the adapter completes a
	 * frame's parts last to first, so a done first part means a whole
	 * frame. Stop at the first slot the adapter still owns.
	 */
	for (i = 0; i < nb_slots && i <= q->ad.mask; i++) {
		const struct qp_slot *s = &q->slots[(head + i) & q->ad.mask];

		if (!qp_slot_is_done(s)) /* D1 */
			break;
		if (i == 0 || !(q->slots[(head + i - 1) & q->ad.mask].res_status & QP_ST_F_MORE))
			n++;
	}
	return n;
}
