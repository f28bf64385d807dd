/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Fault injection in the adapter: a serviced batch is completed later
 * (delay in adapter calls or in time), in another order (a window of the
 * oldest held WQEs), with an error, or its frames are lost on the wire or
 * received with an error. Deterministic: one xorshift stream per queue,
 * seeded by the control path.
 */
#include <rte_branch_prediction.h>
#include <rte_cycles.h>

#include "qp_adapter.h"
#include "qp_deliver.h"
#include "qp_faults.h"

/* xorshift64*: a small deterministic stream per queue. */
static inline uint64_t
qp_rand(struct qp_adapter_q *ad)
{
	uint64_t x = ad->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	ad->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* True with probability ppm / 1e6. */
static inline int
qp_chance(struct qp_adapter_q *ad, uint32_t ppm)
{
	return ppm != 0 && (uint32_t)((qp_rand(ad) >> 32) % 1000000u) < ppm;
}

/* Stage 1: service a batch. Frames leave in posting order; results go into
 * the slots, indicators stay untouched (the WQEs remain adapter-owned until
 * stage 2 completes them).
 */
static uint32_t
qp_faulty_service(struct qp_hwq *sq, const struct qp_rxport *rp, uint16_t sq_qid, int zero_copy,
		  uint32_t budget, uint32_t err, uint32_t drop)
{
	struct qp_adapter_q *ad = &sq->ad;
	struct qp_slot *all[QP_CHUNK], *go[QP_CHUNK];
	uint16_t st[QP_CHUNK], rx_st[QP_CHUNK], go_st[QP_CHUNK];
	uint32_t go_idx[QP_CHUNK];
	uint8_t placed[QP_CHUNK];
	struct qp_dctx c;
	uint32_t n, i, k, g, done;
	uint64_t db;

	n = qp_regs_pending(&sq->regs); /* A0 */
	if (n > budget)
		n = budget;
	if (n == 0) {
		qp_ctr_add(&ad->idle_polls, 1);
		return 0;
	}
	db = qp_regs_doorbell(&sq->regs);
	qp_dctx_open(&c, rp, sq_qid, zero_copy);
	for (done = 0; done < n; done += k) {
		k = RTE_MIN(n - done, QP_CHUNK);
		/* Which frames fail to send, which are lost on the wire, which
		 * arrive with an error: decided in posting order.
		 */
		for (i = 0, g = 0; i < k; i++) {
			all[i] = &sq->slots[(ad->head + done + i) & ad->mask];
			if (qp_chance(ad, err)) {
				qp_ctr_add(&ad->f_errors, 1);
				st[i] = QP_ST_ERROR;
			} else if (qp_chance(ad, drop)) {
				qp_ctr_add(&ad->f_drops, 1);
				st[i] = QP_ST_OK;
			} else {
				rx_st[g] = qp_chance(ad, err) ? QP_ST_ERROR : QP_ST_OK;
				go[g] = all[i];
				go_idx[g++] = i;
			}
		}
		if (g != 0) {
			qp_deliver_chunk(&c, ad, go, g, rx_st, go_st, placed);
			for (i = 0; i < g; i++) {
				st[go_idx[i]] = go_st[i];
				/* An injected receive error counts only on a
				 * frame that was placed: it completes a receive
				 * slot with it.
				 */
				qp_ctr_add(&ad->f_rx_errors, placed[i] && rx_st[i] != QP_ST_OK);
			}
		}
		for (i = 0; i < k; i++) {
			struct qp_slot *ss = all[i];

			qp_slot_stage(ss, ss->len, st[i]);
			qp_sq_account(ad, ss, st[i]);
			qp_ctr_add(&ad->kept, ss->cookie != 0);
			if ((uintptr_t)ss == (db & QP_DB_VA_MASK))
				qp_regs_clear_in_service(&sq->regs, db);
		}
	}
	__atomic_store_n(&ad->head, ad->head + n, __ATOMIC_RELAXED);
	ad->held_since = (uint32_t)ad->polls;
	qp_ctr_add(&ad->serviced, n);
	qp_regs_retire(&sq->regs, n);
	return n;
}

/* Stage 2, out of order: complete some of the oldest W held WQEs. */
static void
qp_faulty_complete_ooo(struct qp_hwq *sq, uint32_t window, uint32_t held)
{
	struct qp_adapter_q *ad = &sq->ad;
	uint32_t i, scan, skipped, oldest_done;

	/*
	 * Which of them were completed early is the adapter's own record
	 * (ad->early, bit i = slot done_head + i), never read back from the
	 * indicators: a completed slot is the driver's, which may already
	 * have reused it. Bit 0 is never set between calls (done_head moves
	 * past it).
	 */
	scan = RTE_MIN(window, held);
	if (scan > QP_OOO_MAX)
		scan = QP_OOO_MAX;
	for (i = 0, skipped = 0, oldest_done = 0; i < scan; i++) {
		struct qp_slot *s = &sq->slots[(ad->done_head + i) & ad->mask];

		if (ad->early & (1ull << i))
			continue; /* completed by an earlier call */
		if (i != 0 && (qp_rand(ad) & 1)) {
			skipped = 1; /* selected later */
			continue;
		}
		/* Ahead of an older WQE: the oldest is not done yet, or one was
		 * passed over in this pass.
		 */
		if (i != 0 && (skipped || !oldest_done))
			qp_ctr_add(&ad->f_reordered, 1);
		oldest_done |= i == 0;
		ad->early |= 1ull << i;
		qp_slot_complete(s, s->res_len, s->res_status); /* A1 */
		if (qp_rand(ad) & 1)
			break; /* the oldest may wait for a later call */
	}
	while (ad->early & 1) {
		ad->early >>= 1;
		__atomic_store_n(&ad->done_head, ad->done_head + 1, __ATOMIC_RELAXED);
	}
}

/*
 * The adapter with faults. Two stages: servicing a batch and completing it
 * (indicators set), possibly later (delay_polls, delay_tsc) and in a
 * different order (ooo_window). WQEs in [done_head, head) are serviced and
 * not yet completed: still adapter-owned, so the driver cannot reuse them.
 * A new batch is serviced only once the held one is fully completed.
 */
uint32_t
qp_service_faulty(struct qp_hwq *sq, const struct qp_rxport *rp, uint16_t sq_qid, int zero_copy,
		  uint32_t budget)
{
	struct qp_adapter_q *ad = &sq->ad;
	const uint32_t delay = __atomic_load_n(&sq->faults.delay_polls, __ATOMIC_RELAXED);
	const uint64_t delay_tsc = __atomic_load_n(&sq->faults.delay_tsc, __ATOMIC_RELAXED);
	const uint32_t window = __atomic_load_n(&sq->faults.ooo_window, __ATOMIC_RELAXED);
	const uint32_t err = __atomic_load_n(&sq->faults.error_ppm, __ATOMIC_RELAXED);
	const uint32_t drop = __atomic_load_n(&sq->faults.drop_ppm, __ATOMIC_RELAXED);
	uint32_t n = 0, i, held;

	qp_ctr_add(&ad->polls, 1);
	if (ad->done_head == ad->head) {
		n = qp_faulty_service(sq, rp, sq_qid, zero_copy, budget, err, drop);
		if (n == 0)
			return 0;
		if (delay_tsc != 0)
			ad->held_tsc = rte_get_tsc_cycles();
		if (delay != 0 || delay_tsc != 0)
			qp_ctr_add(&ad->f_delayed, 1);
	}

	held = ad->head - ad->done_head;
	if (held == 0 || (uint32_t)ad->polls - ad->held_since < delay)
		return n;
	if (delay_tsc != 0 && rte_get_tsc_cycles() - ad->held_tsc < delay_tsc)
		return n;
	if (window <= 1) {
		/* In order: complete every held WQE. */
		for (i = 0; i < held; i++) {
			struct qp_slot *s = &sq->slots[(ad->done_head + i) & ad->mask];

			qp_slot_complete(s, s->res_len, s->res_status); /* A1 */
		}
		__atomic_store_n(&ad->done_head, ad->head, __ATOMIC_RELAXED);
		ad->early = 0;
		return n;
	}
	qp_faulty_complete_ooo(sq, window, held);
	return n;
}

void
qp_hwq_set_faults(struct qp_hwq *q, const struct qp_faults *f, uint64_t seed)
{
	__atomic_store_n(&q->faults.delay_polls, f->delay_polls, __ATOMIC_RELAXED);
	__atomic_store_n(&q->faults.ooo_window, f->ooo_window, __ATOMIC_RELAXED);
	__atomic_store_n(&q->faults.error_ppm, f->error_ppm, __ATOMIC_RELAXED);
	__atomic_store_n(&q->faults.drop_ppm, f->drop_ppm, __ATOMIC_RELAXED);
	__atomic_store_n(&q->faults.delay_tsc, f->delay_tsc, __ATOMIC_RELAXED);
	if (seed != 0)
		q->ad.rng = seed;
	__atomic_store_n(&q->ad.faults_on,
			 (f->delay_polls | f->ooo_window | f->error_ppm | f->drop_ppm) != 0 ||
			 f->delay_tsc != 0,
			 __ATOMIC_RELAXED);
}
