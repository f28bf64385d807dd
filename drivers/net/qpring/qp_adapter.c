/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The adapter model: services send WQEs in order, carries each frame over
 * the wire into the next posted receive slot of the cabled queue, and sets
 * the indicators of both. No locks, no allocation, no logging: this runs in
 * the caller's lcore (inline adapter) or on the lcore that runs the adapter.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf_core.h>
#include <rte_memcpy.h>

#include "qp_adapter.h"

void
qp_hwq_init(struct qp_hwq *q, uint32_t nb_slots)
{
	uint32_t i;

	memset(q, 0, sizeof(*q));
	q->regs.size = nb_slots;
	q->regs.ring_va = (uint64_t)(uintptr_t)q->slots;
	q->ad.mask = nb_slots - 1;
	q->ad.rx_filter = QP_RXF_PROMISC;
	q->ad.rng = 0x9e3779b97f4a7c15ull;
	for (i = 0; i < nb_slots; i++)
		qp_slot_reset(&q->slots[i]);
}

/* Does the receive filter of @rad accept the frame of send slot @ss? */
static inline int
qp_rx_accepts(const struct qp_adapter_q *rad, uint32_t filter, const struct qp_slot *ss)
{
	const struct rte_ether_addr *dst = (const struct rte_ether_addr *)(uintptr_t)ss->addr;

	if (filter & QP_RXF_PROMISC)
		return 1;
	if (ss->len < RTE_ETHER_HDR_LEN)
		return 0;
	if (rte_is_multicast_ether_addr(dst))
		return (filter & QP_RXF_ALLMULTI) || rte_is_broadcast_ether_addr(dst);
	return qp_mac_word(dst) == __atomic_load_n(&rad->mac, __ATOMIC_RELAXED);
}

/* What the adapter knows of the receive queue for one service call. */
struct qp_rx_view {
	struct qp_hwq *rq;
	uint64_t db;
	uint32_t avail;     /* posted buffers seen (PENDING, A0) */
	uint32_t head;
	uint32_t filter;
	uint32_t max_len;   /* longer frames are dropped (oversize) */
	uint32_t delivered; /* frames placed during this call */
};

static inline void
qp_rx_view_open(struct qp_rx_view *v, struct qp_hwq *rq)
{
	v->rq = rq;
	v->delivered = 0;
	v->db = 0;
	v->avail = 0;
	v->head = 0;
	v->filter = QP_RXF_PROMISC;
	v->max_len = UINT32_MAX;
	if (rq == NULL)
		return;
	v->avail = qp_regs_pending(&rq->regs); /* A0 on the receive queue */
	v->db = qp_regs_doorbell(&rq->regs);
	v->head = rq->ad.head;
	v->filter = __atomic_load_n(&rq->ad.rx_filter, __ATOMIC_RELAXED);
	/* Relaxed: a setting, like the filter; a change applies from the next call. */
	v->max_len = __atomic_load_n(&rq->ad.rx_max_len, __ATOMIC_RELAXED);
	if (v->max_len == 0)
		v->max_len = UINT32_MAX;
}

/* Out of posted buffers in the view: look again (A0), and take the doorbell
 * with it, since the buffers just seen may include the one it names.
 */
static inline uint32_t
qp_rx_view_refresh(struct qp_rx_view *v)
{
	v->avail = qp_regs_pending(&v->rq->regs);
	v->db = qp_regs_doorbell(&v->rq->regs);
	return v->avail;
}

static inline void
qp_rx_view_close(struct qp_rx_view *v)
{
	if (v->delivered == 0)
		return;
	v->rq->ad.head = v->head + v->delivered;
	v->rq->ad.serviced += v->delivered;
	qp_regs_retire(&v->rq->regs, v->delivered);
}

/* Where a frame's bytes come from: one flat buffer, or an mbuf chain. */
struct qp_src {
	const uint8_t *flat;         /* flat buffer, or NULL */
	const struct rte_mbuf *seg;  /* current segment of a chain */
	uint32_t off;                /* offset into the current segment */
};

/* The rare case of qp_src_copy(): the frame is an mbuf chain. */
static __rte_noinline void
qp_src_copy_chain(struct qp_src *src, uint8_t *dst, uint32_t n)
{
	while (n > 0 && src->seg != NULL) {
		uint32_t l = RTE_MIN((uint32_t)src->seg->data_len - src->off, n);

		rte_memcpy(dst, (const uint8_t *)src->seg->buf_addr + src->seg->data_off +
			   src->off, l);
		dst += l;
		n -= l;
		src->off += l;
		if (src->off == src->seg->data_len) {
			src->seg = src->seg->next;
			src->off = 0;
		}
	}
}

/* Copy @n bytes from @src to @dst, advancing @src. */
static __rte_always_inline void
qp_src_copy(struct qp_src *src, uint8_t *dst, uint32_t n)
{
	if (likely(src->flat != NULL)) {
		rte_memcpy(dst, src->flat + src->off, n);
		src->off += n;
		return;
	}
	qp_src_copy_chain(src, dst, n);
}

/*
 * Copy a frame of @len bytes into the next posted slot(s) of the receive
 * view and complete them with @rx_status. Without scatter the frame must fit
 * one buffer; with scatter it may span several posted slots, completed last
 * part first. Returns 0, or -1 (too big: nothing placed, counted).
 */
static __rte_always_inline int
qp_place(struct qp_rx_view *v, struct qp_src *src, uint32_t len, uint16_t rx_status)
{
	struct qp_hwq *rq = v->rq;
	const uint32_t mask = rq->ad.mask;
	struct qp_slot *first = &rq->slots[(v->head + v->delivered) & mask];
	uint32_t parts, left, i, cap;

	if (likely(len <= first->len)) {
		qp_src_copy(src, (uint8_t *)(uintptr_t)first->addr, len);
		if ((uintptr_t)first == (v->db & QP_DB_VA_MASK))
			qp_regs_clear_in_service(&rq->regs, v->db);
		qp_slot_complete(first, len, rx_status); /* A1 */
		v->delivered++;
		return 0;
	}
	if (!__atomic_load_n(&rq->ad.rx_scatter, __ATOMIC_RELAXED) || first->len == 0) {
		rq->ad.too_big++;
		return -1;
	}
	qp_rx_view_refresh(v);
	/* Enough posted slots for every part? (same buffer size assumed no
	 * smaller than the first part's; checked part by part below)
	 */
	for (parts = 0, left = len;
	     left > 0 && parts < v->avail - v->delivered && parts < QP_MAX_RX_PARTS; parts++) {
		cap = rq->slots[(v->head + v->delivered + parts) & mask].len;
		if (cap == 0)
			break;
		left -= RTE_MIN(cap, left);
	}
	if (left > 0) {
		if (parts < v->avail - v->delivered || parts == QP_MAX_RX_PARTS)
			rq->ad.too_big++;
		else
			rq->ad.no_buffer++;
		return -1;
	}
	for (i = 0, left = len; i < parts; i++) {
		struct qp_slot *rs = &rq->slots[(v->head + v->delivered + i) & mask];
		uint32_t l = RTE_MIN(rs->len, left);

		qp_src_copy(src, (uint8_t *)(uintptr_t)rs->addr, l);
		rs->res_len = l;
		rs->res_status = i + 1 < parts ? (uint16_t)(rx_status | QP_ST_F_MORE) : rx_status;
		left -= l;
		if ((uintptr_t)rs == (v->db & QP_DB_VA_MASK))
			qp_regs_clear_in_service(&rq->regs, v->db);
	}
	/* Last part first: the first part's indicator publishes the frame. */
	for (i = parts; i-- > 0;) {
		struct qp_slot *rs = &rq->slots[(v->head + v->delivered + i) & mask];

		qp_slot_complete(rs, rs->res_len, rs->res_status); /* A1 */
	}
	v->delivered += parts;
	return 0;
}

/*
 * Carry the frame of send slot @ss over the wire into the next posted slot
 * of the receive queue (the receiving adapter's half of the job), completing
 * that receive slot with @rx_status. Returns the send status.
 */
static __rte_always_inline uint16_t
qp_carry(struct qp_adapter_q *ad, struct qp_slot *ss, struct qp_rx_view *v, int zero_copy,
	 uint16_t rx_status)
{
	struct qp_hwq *rq = v->rq;
	struct qp_slot *rs;
	uint16_t rst = rx_status;

	if (unlikely(rq == NULL)) {
		ad->no_link++;
		return QP_ST_NO_LINK;
	}
	if (unlikely(!qp_rx_accepts(&rq->ad, v->filter, ss))) {
		rq->ad.filtered++;
		return QP_ST_OK;
	}
	if (unlikely(ss->len > v->max_len)) {
		/* Longer than the receiver's MTU allows: sent, not received. */
		rq->ad.too_big++;
		return QP_ST_OK;
	}
	if (unlikely(v->delivered == v->avail && qp_rx_view_refresh(v) == v->delivered)) {
		/* Nothing posted even after a fresh look (A0 again). */
		rq->ad.no_buffer++;
		return QP_ST_OK;
	}
	if (zero_copy) {
		/* Exchange buffers: the frame's mbuf (chain and all) goes to
		 * the receiver, the posted one back to the sender, who frees
		 * it when it reuses the slot.
		 */
		uint64_t posted;

		rs = &rq->slots[(v->head + v->delivered) & rq->ad.mask];
		posted = rs->cookie;
		rs->cookie = ss->cookie;
		ss->cookie = posted;
		if ((uintptr_t)rs == (v->db & QP_DB_VA_MASK))
			qp_regs_clear_in_service(&rq->regs, v->db);
		qp_slot_complete(rs, ss->len, rst); /* A1 */
		v->delivered++;
	} else {
		struct qp_src src = { .flat = NULL, .seg = NULL, .off = 0 };

		if (ss->nb_segs <= 1)
			src.flat = (const uint8_t *)(uintptr_t)ss->addr;
		else
			src.seg = (const struct rte_mbuf *)(uintptr_t)ss->cookie;
		qp_place(v, &src, ss->len, rst);
	}
	return QP_ST_OK;
}

/*
 * The in-order adapter of a send queue, in three steps shared by the wire
 * (qp_service_plain()) and the media (qp_adapter_service_sq_sink()):
 * take the pending WQEs (A0), complete each with its status, retire them.
 */
static __rte_always_inline uint32_t
qp_sq_take(struct qp_hwq *sq, uint32_t budget, uint64_t *db)
{
	struct qp_adapter_q *ad = &sq->ad;
	uint32_t n;

	ad->polls++;
	n = qp_regs_pending(&sq->regs); /* A0: pairs with R1 of the send queue */
	if (n == 0) {
		ad->idle_polls++;
		return 0;
	}
	*db = qp_regs_doorbell(&sq->regs);
	return RTE_MIN(n, budget);
}

static __rte_always_inline void
qp_sq_complete(struct qp_hwq *sq, struct qp_slot *ss, uint64_t db, uint16_t st)
{
	if (unlikely(st != QP_ST_OK)) {
		sq->ad.failed++;
		sq->ad.fail_bytes += ss->len;
	}
	/* In-service bit first, indicator last (qp_regs_clear_in_service()). */
	if ((uintptr_t)ss == (db & QP_DB_VA_MASK))
		qp_regs_clear_in_service(&sq->regs, db);
	qp_slot_complete(ss, ss->len, st); /* A1 */
}

static __rte_always_inline void
qp_sq_retire(struct qp_hwq *sq, uint32_t n)
{
	sq->ad.head += n;
	sq->ad.done_head = sq->ad.head;
	sq->ad.serviced += n;
	qp_regs_retire(&sq->regs, n);
}

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

/*
 * The adapter with faults. Two stages: servicing a batch (the frames leave,
 * in posting order; results go into the slots, indicators untouched) and
 * completing it (indicators set), possibly later (delay_polls) and in a
 * different order (ooo_window). WQEs in [done_head, head) are serviced and
 * not yet completed: still adapter-owned, so the driver cannot reuse them.
 */
static uint32_t
qp_service_faulty(struct qp_hwq *sq, struct qp_hwq *rq, int zero_copy, uint32_t budget)
{
	struct qp_adapter_q *ad = &sq->ad;
	const uint32_t delay = __atomic_load_n(&sq->faults.delay_polls, __ATOMIC_RELAXED);
	const uint64_t delay_tsc = __atomic_load_n(&sq->faults.delay_tsc, __ATOMIC_RELAXED);
	const uint32_t window = __atomic_load_n(&sq->faults.ooo_window, __ATOMIC_RELAXED);
	const uint32_t err = __atomic_load_n(&sq->faults.error_ppm, __ATOMIC_RELAXED);
	const uint32_t drop = __atomic_load_n(&sq->faults.drop_ppm, __ATOMIC_RELAXED);
	uint32_t n = 0, i, held, scan, skipped, oldest_done;

	ad->polls++;
	if (ad->done_head == ad->head) {
		struct qp_rx_view v;
		uint64_t db;

		n = qp_regs_pending(&sq->regs); /* A0 */
		if (n > budget)
			n = budget;
		if (n == 0) {
			ad->idle_polls++;
			return 0;
		}
		db = qp_regs_doorbell(&sq->regs);
		qp_rx_view_open(&v, rq);
		for (i = 0; i < n; i++) {
			struct qp_slot *ss = &sq->slots[(ad->head + i) & ad->mask];
			uint16_t st;

			if (qp_chance(ad, err)) {
				ad->f_errors++;
				st = QP_ST_ERROR;
			} else if (qp_chance(ad, drop)) {
				ad->f_drops++;
				st = QP_ST_OK;
			} else {
				uint16_t rx_st = QP_ST_OK;
				uint32_t before = v.delivered;

				if (qp_chance(ad, err))
					rx_st = QP_ST_ERROR;
				st = qp_carry(ad, ss, &v, zero_copy, rx_st);
				/* Counted only if the frame was placed. */
				if (rx_st != QP_ST_OK && v.delivered != before)
					ad->f_rx_errors++;
			}
			ss->res_len = ss->len;
			ss->res_status = st;
			if (st != QP_ST_OK) {
				ad->failed++;
				ad->fail_bytes += ss->len;
			}
			if ((uintptr_t)ss == (db & QP_DB_VA_MASK))
				qp_regs_clear_in_service(&sq->regs, db);
		}
		ad->head += n;
		ad->held_since = (uint32_t)ad->polls;
		if (delay_tsc != 0)
			ad->held_tsc = rte_get_tsc_cycles();
		ad->serviced += n;
		qp_regs_retire(&sq->regs, n);
		qp_rx_view_close(&v);
		if (delay != 0 || delay_tsc != 0)
			ad->f_delayed++;
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
		ad->done_head = ad->head;
		ad->early = 0;
		return n;
	}
	/*
	 * Out of order, among the oldest W held WQEs (W at most 64). Which of
	 * them were completed early is the adapter's own record (ad->early,
	 * bit i = slot done_head + i), never read back from the indicators: a
	 * completed slot is the driver's, which may already have reused it.
	 * Bit 0 is never set between calls (done_head moves past it).
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
			ad->f_reordered++;
		oldest_done |= i == 0;
		ad->early |= 1ull << i;
		qp_slot_complete(s, s->res_len, s->res_status); /* A1 */
		if (qp_rand(ad) & 1)
			break; /* the oldest may wait for a later call */
	}
	while (ad->early & 1) {
		ad->early >>= 1;
		ad->done_head++;
	}
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

uint32_t
qp_hwq_flush(struct qp_hwq *q)
{
	uint32_t n, i;

	/* Serviced but held back by a fault: complete with their result. At
	 * most a ring's worth; a signed distance, so a reset head cannot make
	 * this walk round the index space.
	 */
	for (i = 0; (int32_t)(q->ad.head - q->ad.done_head) > 0 && i <= q->ad.mask;
	     i++, q->ad.done_head++) {
		struct qp_slot *s = &q->slots[q->ad.done_head & q->ad.mask];

		if (i >= QP_OOO_MAX || !(q->ad.early & (1ull << i)))
			qp_slot_complete(s, s->res_len, s->res_status);
	}
	q->ad.early = 0;
	n = qp_regs_pending(&q->regs); /* A0 */

	for (i = 0; i < n; i++) {
		struct qp_slot *s = &q->slots[(q->ad.head + i) & q->ad.mask];

		q->ad.failed++;
		q->ad.fail_bytes += s->len;
		qp_slot_complete(s, 0, QP_ST_FLUSHED);
	}
	q->ad.head += n;
	q->ad.done_head = q->ad.head;
	qp_regs_retire(&q->regs, n);
	q->regs.doorbell &= ~QP_DB_IN_SERVICE;
	return n;
}

void
qp_hwq_park(struct qp_hwq *q)
{
	uint32_t i;

	for (i = 0; i <= q->ad.mask; i++)
		__atomic_store_n(&q->slots[i].indicator, QP_IND_POSTED, __ATOMIC_RELAXED);
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
