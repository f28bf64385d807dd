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

/* Clear the in-service bit of @q if the doorbell @db names a slot among
 * the @n from monotonic index @from (before any of them completes: see
 * qp_regs_clear_in_service()).
 */
static __rte_always_inline void
qp_in_service_range(struct qp_hwq *q, uint64_t db, uintptr_t db_local, uint32_t from, uint32_t n,
		    uint32_t mask)
{
	const uintptr_t first = (uintptr_t)q->slots;
	uint32_t k;

	if (db_local < first || db_local >= first + ((uintptr_t)mask + 1) * QP_SLOT_SIZE)
		return;
	k = (uint32_t)((db_local - first) / QP_SLOT_SIZE);
	if (((k - from) & mask) < n)
		qp_regs_clear_in_service(&q->regs, db);
}

/* A simple send WQE: one buffer, no offload. Its WQE word is then
 * len | SEND << 32 | 1 << 48, so one subtraction and one comparison test
 * "simple and no longer than @max_len".
 */
#define QP_WQE_SIMPLE ((uint64_t)1 << 48 | (uint64_t)QP_WQE_F_SEND << 32)

/*
 * Move @n simple frames (qp_fast_scan() found them) from consecutive send
 * slots @ss to consecutive receive slots @rs (neither run wraps); *bytes:
 * what they carry. A posted buffer shorter than its queue's, or outside
 * the receiver's memory, completes empty with QP_ST_TOO_BIG (counted in
 * *short_bufs), as qp_place() does: every slot is completed.
 */
static __rte_always_inline void
qp_fast_move(struct qp_slot *ss, struct qp_slot *rs, uint32_t n, const struct qp_rxport *rp,
	     int zero_copy, uint64_t *bytes, uint32_t *short_bufs)
{
	const int xlate = rp->xlate;
	struct qp_slot *const end = ss + n;
	/* The receive slot at the same distance: one pointer walks both. */
	const intptr_t d = (intptr_t)rs - (intptr_t)ss;
	uint64_t b = 0;

	for (; ss != end; ss++) {
		const uint32_t len = (uint32_t)ss->wqe_word;
		uint32_t rlen = len;
		uint16_t rst = QP_ST_OK;

		rs = (struct qp_slot *)(uintptr_t)((intptr_t)ss + d);
		if (zero_copy) {
			/* Hand the frame's mbuf over: the send slot lets go. */
			rs->cookie = ss->cookie;
			ss->cookie = 0;
		} else {
			uint8_t *dst = (uint8_t *)(uintptr_t)rs->addr;

			if (unlikely(xlate))
				dst = qp_rx_addr(rp, rs->addr, len);
			if (likely(dst != NULL && rs->len >= len)) {
				qp_copy(dst, (const uint8_t *)(uintptr_t)ss->addr, len);
			} else {
				(*short_bufs)++;
				rlen = 0;
				rst = QP_ST_TOO_BIG;
			}
		}
		qp_slot_complete(rs, rlen, rst); /* A1: the receiver's */
		qp_slot_complete(ss, len, QP_ST_OK); /* A1: the sender's */
		b += len;
	}
	*bytes += b;
}

/*
 * qp_fast_move() over a run, with the send queue's in-service bit cleared
 * just before the WQE the doorbell names (if it is in the run) completes:
 * the run is moved in two parts around it, so no frame pays a test.
 */
static __rte_always_inline void
qp_fast_run(struct qp_hwq *sq, struct qp_slot *ss, struct qp_slot *rs, uint32_t n,
	    const struct qp_rxport *rp, uint64_t db, int zero_copy, uint64_t *bytes,
	    uint32_t *short_bufs)
{
	const uintptr_t dbs = (uintptr_t)(db & QP_DB_VA_MASK);
	uint32_t before = n;

	if (dbs >= (uintptr_t)ss && dbs < (uintptr_t)(ss + n))
		before = (uint32_t)((dbs - (uintptr_t)ss) / QP_SLOT_SIZE);
	qp_fast_move(ss, rs, before, rp, zero_copy, bytes, short_bufs);
	if (before == n)
		return;
	qp_regs_clear_in_service(&sq->regs, db);
	qp_fast_move(ss + before, rs + before, n - before, rp, zero_copy, bytes, short_bufs);
}

/*
 * How many of the @n WQEs at @s are simple and no longer than @lim. A
 * simple WQE's word is QP_WQE_SIMPLE with the length in its low half, so
 * its exclusive or with QP_WQE_SIMPLE is its length, and any other WQE's is
 * at least 2^32. Four at a time: the or of the four is at least the largest
 * of them, so within @lim means all four are; over it, they are looked at
 * one by one (lengths can or to more than each is).
 */
static __rte_always_inline uint32_t
qp_fast_scan_run(const struct qp_slot *s, uint32_t n, uint64_t lim)
{
	const struct qp_slot *p = s, *const e4 = s + (n & ~3u), *const e = s + n;

	for (; p != e4; p += 4)
		if (unlikely(((p[0].wqe_word ^ QP_WQE_SIMPLE) | (p[1].wqe_word ^ QP_WQE_SIMPLE) |
			      (p[2].wqe_word ^ QP_WQE_SIMPLE) |
			      (p[3].wqe_word ^ QP_WQE_SIMPLE)) > lim))
			break;
	for (; p != e; p++)
		if (unlikely((p->wqe_word ^ QP_WQE_SIMPLE) > lim))
			break;
	return (uint32_t)(p - s);
}

/*
 * How many of the @n send WQEs from @head are simple and no longer than
 * @lim: the run the fast path takes. Found before any receive slot is
 * claimed, so each claimed slot gets a frame.
 */
static __rte_always_inline uint32_t
qp_fast_scan(const struct qp_slot *slots, uint32_t head, uint32_t mask, uint32_t n, uint32_t lim)
{
	const uint32_t first = RTE_MIN(n, mask + 1 - (head & mask));
	const uint32_t k = qp_fast_scan_run(&slots[head & mask], first, lim);

	if (k < first || first == n)
		return k;
	return first + qp_fast_scan_run(slots, n - first, lim);
}

/*
 * The adapter's fast path: what a NIC's send engine does most of the time.
 * Frames that need nothing but moving (no offload, one buffer in copy mode,
 * within the receiver's frame limit and buffer size) into one receive
 * queue that takes everything (promiscuous, no parsing): one claim for the
 * run, one copy (or hand-over) per frame, each completion a single store
 * of the result word. It finds the run of such frames from the queue's
 * head first (the WQEs alone say), then claims exactly that many posted
 * slots: none goes back unused. Frames of the run beyond the slots it got
 * are sent and dropped by the receiver (no_buffer). Returns how many WQEs
 * it serviced; the caller takes the rest the general way.
 *
 * The receive queue's in-service bit is cleared before the first of the
 * claimed slots completes (every one of them completes in this call); the
 * send queue's just before the WQE it names completes.
 */
static __rte_always_inline uint32_t
qp_service_fast(struct qp_hwq *sq, const struct qp_dctx *c, struct qp_hwq *rq, uint32_t rmask,
		uint32_t cap, uint64_t db, uint32_t n, int zero_copy)
{
	struct qp_adapter_q *ad = &sq->ad;
	struct qp_slot *const sslots = sq->slots, *const rslots = rq->slots;
	const uint32_t head = ad->head, mask = ad->mask;
	const uint32_t lim = zero_copy ? c->max_len : RTE_MIN(c->max_len, cap);
	uint32_t m, got, base = 0, k = 0, short_bufs = 0;
	uint64_t bytes = 0, rdb;

	m = qp_fast_scan(sslots, head, mask, n, lim);
	if (m == 0)
		return 0;
	got = qp_rq_claim(rq, m, &base);
	if (got != 0) {
		/* After the claim's acquire: as new as the WQEs it covers. */
		rdb = qp_regs_doorbell(&rq->regs);
		qp_in_service_range(rq, rdb, qp_rx_db_local(c->rp, rdb), base, got, rmask);
	}
	/* Runs that wrap neither ring: at most three. */
	while (k < got) {
		const uint32_t si = (head + k) & mask, ri = (base + k) & rmask;
		const uint32_t room = RTE_MIN(mask + 1 - si, rmask + 1 - ri);
		const uint32_t run = RTE_MIN(got - k, room);

		qp_fast_run(sq, &sslots[si], &rslots[ri], run, c->rp, db, zero_copy, &bytes,
			    &short_bufs);
		k += run;
	}
	if (got < m) {
		/* No posted buffer for the rest of the run: sent, dropped by
		 * the receiver.
		 */
		qp_in_service_range(sq, db, (uintptr_t)(db & QP_DB_VA_MASK), head + got, m - got,
				    mask);
		for (; k < m; k++) {
			struct qp_slot *ss = &sslots[(head + k) & mask];
			const uint32_t len = (uint32_t)ss->wqe_word;

			bytes += len;
			qp_slot_complete(ss, len, QP_ST_OK); /* A1 */
		}
		qp_rq_count(&rq->ad.no_buffer, m - got);
	}
	if (got != 0)
		qp_rq_count(&rq->ad.serviced, got);
	if (unlikely(short_bufs != 0))
		qp_rq_count(&rq->ad.too_big, short_bufs);
	qp_ctr_add(&ad->sent, m);
	qp_ctr_add(&ad->sent_bytes, bytes);
	/* Zero copy: the frames handed over left their send slots. */
	qp_ctr_add(&ad->kept, zero_copy ? m - got : m);
	return m;
}

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
	done = 0;
	if (likely(rp != NULL && !c.parse && c.select != QP_RXSEL_RSS &&
		   (c.filter & QP_RXF_PROMISC))) {
		const uint32_t q = c.select == QP_RXSEL_SAME ? sq_qid : 0;
		struct qp_hwq *rq = q < QP_MAX_RQ ? qp_rxport_rq(rp, q) : NULL;

		if (likely(rq != NULL))
			done = qp_service_fast(sq, &c, rq, rp->rq[q].mask, rp->rq[q].buf_cap, db,
					       n, zero_copy);
	}
	/* What the fast path left: the general way, a chunk at a time. */
	for (; done < n; done += k) {
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
			qp_ctr_add(&ad->medium_errors, 1);
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
	qp_ctr_add(&ad->polls, 1);
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
			qp_ctr_add(&ad->medium_errors, 1);
			break;
		}
		taken++;
		if (unlikely(len < RTE_ETHER_HDR_LEN)) {
			qp_ctr_add(&ad->medium_errors, 1); /* a runt from the medium: not a frame */
			continue;
		}
		memset(&ss, 0, sizeof(ss));
		ss.addr = (uint64_t)(uintptr_t)data;
		ss.len = len;
		ss.nb_segs = 1;
		qp_deliver_chunk(&c, ad, &ps, 1, NULL, &st, NULL);
	}
	if (taken == 0)
		qp_ctr_add(&ad->idle_polls, 1);
	return taken;
}
