/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The adapter's delivery steps, shared by the in-order engine (qp_adapter.c)
 * and fault injection (qp_faults.c): the receive filter, the view of the
 * receive queue for one service call, placing a frame into posted receive
 * slots (copy or buffer exchange), and the take/complete/retire steps of a
 * send queue. Private to the adapter model; always inlined.
 */
#ifndef QP_DELIVER_H
#define QP_DELIVER_H

#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_mbuf_core.h>
#include <rte_memcpy.h>

#include "qp_adapter.h"

/* The destination address of the frame in send slot @ss, wherever its
 * first six bytes are: a chained frame may have a first buffer shorter
 * than an address.
 */
static inline const struct rte_ether_addr *
qp_frame_dst(const struct qp_slot *ss, struct rte_ether_addr *tmp)
{
	const struct rte_mbuf *seg;
	uint32_t got = 0;

	if (likely(ss->nb_segs <= 1))
		return (const struct rte_ether_addr *)(uintptr_t)ss->addr;
	seg = (const struct rte_mbuf *)(uintptr_t)ss->cookie;
	if (seg->data_len >= RTE_ETHER_ADDR_LEN)
		return (const struct rte_ether_addr *)(uintptr_t)ss->addr;
	for (; seg != NULL && got < RTE_ETHER_ADDR_LEN; seg = seg->next) {
		uint32_t l = RTE_MIN((uint32_t)seg->data_len, RTE_ETHER_ADDR_LEN - got);

		memcpy(&tmp->addr_bytes[got], (const uint8_t *)seg->buf_addr + seg->data_off, l);
		got += l;
	}
	return got == RTE_ETHER_ADDR_LEN ? tmp : NULL;
}

/* Does the receive filter of @rad accept the frame of send slot @ss? */
static inline int
qp_rx_accepts(const struct qp_adapter_q *rad, uint32_t filter, const struct qp_slot *ss)
{
	struct rte_ether_addr tmp;
	const struct rte_ether_addr *dst;

	if (filter & QP_RXF_PROMISC)
		return 1;
	if (ss->len < RTE_ETHER_HDR_LEN)
		return 0;
	dst = qp_frame_dst(ss, &tmp);
	if (dst == NULL)
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

/* The outcome of one send WQE in the adapter's counters. */
static __rte_always_inline void
qp_sq_account(struct qp_adapter_q *ad, const struct qp_slot *ss, uint16_t st)
{
	if (unlikely(st != QP_ST_OK)) {
		ad->failed++;
		ad->fail_bytes += ss->len;
	} else {
		ad->sent++;
		ad->sent_bytes += ss->len;
	}
}

static __rte_always_inline void
qp_sq_complete(struct qp_hwq *sq, struct qp_slot *ss, uint64_t db, uint16_t st)
{
	qp_sq_account(&sq->ad, ss, st);
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

#endif /* QP_DELIVER_H */
