/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The adapter's delivery steps, shared by the in-order engine (qp_adapter.c)
 * and fault injection (qp_faults.c). A send queue's adapter delivers a
 * chunk of frames into the receiving port (qp_rxport.h) in three steps:
 *
 *   plan   for each frame: the receive queue the receiving port picks, the
 *          receive filter, the frame limit, and how many posted slots it
 *          needs; frames refused here are counted on that queue;
 *   claim  for each receive queue in the chunk: the slots for all its
 *          frames at once (qp_rq_claim(): several senders share a receive
 *          queue, each claims a run of posted slots with one atomic);
 *   place  copy each frame (or hand its buffer over) into its claimed
 *          slots, do the receive offloads, complete the slots.
 *
 * Every slot claimed is completed, with an error status if the frame
 * could not go in, so the driver's harvest in ring order never stalls on
 * a slot no one will complete. Private to the adapter model.
 */
#ifndef QP_DELIVER_H
#define QP_DELIVER_H

#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_vect.h>

#include "qp_adapter.h"
#include "qp_offload.h"
#include "qp_rxport.h"

/* Frames one delivery step plans at once. */
#define QP_CHUNK 64u

/* Plan markers (destination queues are below QP_MAX_RQ). */
#define QP_DQ_DONE   0xffffu /* placed, or refused and counted */
#define QP_DQ_NOLINK 0xfffeu /* no receiving queue: the send fails */

/* ------------------------------------------------------------ send side */

/* Take the pending WQEs of @sq (A0), at most @budget. */
static __rte_always_inline uint32_t
qp_sq_take(struct qp_hwq *sq, uint32_t budget, uint64_t *db)
{
	struct qp_adapter_q *ad = &sq->ad;
	uint32_t n;

	qp_ctr_add(&ad->polls, 1);
	n = qp_regs_pending(&sq->regs); /* A0: pairs with R1 of the send queue */
	if (n == 0) {
		qp_ctr_add(&ad->idle_polls, 1);
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
		qp_ctr_add(&ad->failed, 1);
		qp_ctr_add(&ad->fail_bytes, ss->len);
		qp_ctr_add(&ad->tx_errors, st == QP_ST_ERROR);
	} else {
		qp_ctr_add(&ad->sent, 1);
		qp_ctr_add(&ad->sent_bytes, ss->len);
	}
}

static __rte_always_inline void
qp_sq_complete(struct qp_hwq *sq, struct qp_slot *ss, uint64_t db, uint16_t st)
{
	qp_sq_account(&sq->ad, ss, st);
	qp_ctr_add(&sq->ad.kept, ss->cookie != 0);
	/* In-service bit first, indicator last (qp_regs_clear_in_service()). */
	if ((uintptr_t)ss == (db & QP_DB_VA_MASK))
		qp_regs_clear_in_service(&sq->regs, db);
	qp_slot_complete(ss, ss->len, st); /* A1 */
}

static __rte_always_inline void
qp_sq_retire(struct qp_hwq *sq, uint32_t n)
{
	__atomic_store_n(&sq->ad.head, sq->ad.head + n, __ATOMIC_RELAXED);
	__atomic_store_n(&sq->ad.done_head, sq->ad.head, __ATOMIC_RELAXED);
	qp_ctr_add(&sq->ad.serviced, n);
	qp_regs_retire(&sq->regs, n);
}

/* ------------------------------------------------------- receive claim */

/*
 * Claim up to @want posted slots of receive queue @rq for one sender: take
 * them from PENDING with a compare-and-swap (never below zero), then the
 * ring positions with a fetch-and-add on the adapter index. Several senders
 * may claim at once; each gets a run of its own. Returns the slots got,
 * from monotonic index *base.
 *
 * Ordering. The CAS acquires: it reads PENDING in the release sequence of
 * the driver's doorbells (R1), so every WQE posted up to the count it saw
 * is visible. Claims never exceed what was posted, and the driver posts in
 * ring order, so every index below the total claimed is a posted slot. The
 * position is relaxed: which run a sender gets does not matter, only that
 * runs do not overlap, which the atomic add guarantees. A sender never
 * waits for another: it completes its own slots (A1), and the driver
 * harvests in ring order, stopping at the first slot not done yet.
 */
static __rte_always_inline uint32_t
qp_rq_claim(struct qp_hwq *rq, uint32_t want, uint32_t *base)
{
	uint32_t avail = __atomic_load_n(&rq->regs.pending, __ATOMIC_ACQUIRE); /* A0 */
	uint32_t take, tries = 0;

	do {
		take = RTE_MIN(avail, want);
		if (take == 0)
			return 0;
		/* Bounded: a peer process could keep changing the word. */
		if (unlikely(++tries > 1024u))
			return 0;
	} while (!__atomic_compare_exchange_n(&rq->regs.pending, &avail, avail - take, 1,
					      __ATOMIC_ACQUIRE, __ATOMIC_ACQUIRE));
	*base = __atomic_fetch_add(&rq->ad.head, take, __ATOMIC_RELAXED);
	return take;
}

/* A counter of a receive queue that several senders may bump at once. */
static __rte_always_inline void
qp_rq_count(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

/* -------------------------------------------------------- frame bytes */

/* Where a frame's bytes come from: one flat buffer, or an mbuf chain; and
 * a VLAN tag to insert after the addresses (send offload).
 */
struct qp_src {
	const uint8_t *flat;         /* flat buffer, or NULL */
	const struct rte_mbuf *seg;  /* current segment of a chain */
	uint32_t off;                /* offset into the current segment */
	uint32_t pos;                /* bytes produced so far */
	uint32_t tag_at;             /* insert the tag when pos reaches it, or UINT32_MAX */
	uint8_t tag[4];
};

static inline void
qp_src_init(struct qp_src *src, const struct qp_slot *ss, uint16_t wflags,
	    const struct qp_txo *txo)
{
	src->flat = NULL;
	src->seg = NULL;
	src->off = 0;
	src->pos = 0;
	src->tag_at = UINT32_MAX;
	if (ss->nb_segs <= 1)
		src->flat = (const uint8_t *)(uintptr_t)ss->addr;
	else
		src->seg = (const struct rte_mbuf *)(uintptr_t)ss->cookie;
	if (unlikely(wflags & QP_WQE_F_VLAN)) {
		src->tag_at = 2 * RTE_ETHER_ADDR_LEN;
		src->tag[0] = RTE_ETHER_TYPE_VLAN >> 8;
		src->tag[1] = RTE_ETHER_TYPE_VLAN & 0xff;
		src->tag[2] = (uint8_t)(txo->tci >> 8);
		src->tag[3] = (uint8_t)txo->tci;
	}
}

/*
 * Copy a frame's bytes. rte_memcpy() is inline and quick for small frames
 * but built for corei7 here (16-byte moves); the C library's memcpy() picks
 * the widest moves the CPU has at run time (AVX2, ERMS), which pays off
 * from a few hundred bytes.
 */
#define QP_COPY_INLINE_MAX 256u

/* Up to 64 bytes, the size of most frames of a forwarding benchmark and
 * of many real ones: two overlapping moves of the largest power of two
 * that fits, no test of the alignment (unaligned moves cost the same).
 */
static __rte_always_inline void
qp_copy_small(uint8_t *dst, const uint8_t *src, uint32_t n)
{
#ifdef RTE_ARCH_X86
	if (n >= 32) {
		const __m128i a = _mm_loadu_si128((const __m128i *)(const void *)src);
		const __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(src + 16));
		const __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(src + n - 32));
		const __m128i d = _mm_loadu_si128((const __m128i *)(const void *)(src + n - 16));

		_mm_storeu_si128((__m128i *)(void *)dst, a);
		_mm_storeu_si128((__m128i *)(void *)(dst + 16), b);
		_mm_storeu_si128((__m128i *)(void *)(dst + n - 32), c);
		_mm_storeu_si128((__m128i *)(void *)(dst + n - 16), d);
		return;
	}
#endif
	rte_memcpy(dst, src, n);
}

/* Larger frames: the copy chosen at start-up for this CPU (qp_copy.c). */
typedef void (*qp_copy_fn)(uint8_t *dst, const uint8_t *src, uint32_t n);
extern qp_copy_fn qp_copy_large;

static __rte_always_inline void
qp_copy(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	if (likely(n <= 64))
		qp_copy_small(dst, src, n);
	else if (n <= QP_COPY_INLINE_MAX)
		rte_memcpy(dst, src, n);
	else
		qp_copy_large(dst, src, n);
}

/* Copy @n bytes of the frame itself (no tag) to @dst. */
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

static __rte_always_inline void
qp_src_copy_raw(struct qp_src *src, uint8_t *dst, uint32_t n)
{
	if (likely(src->flat != NULL)) {
		qp_copy(dst, src->flat + src->off, n);
		src->off += n;
		return;
	}
	qp_src_copy_chain(src, dst, n);
}

/* The rare case of qp_src_copy(): a tag goes in somewhere in these bytes. */
static __rte_noinline void
qp_src_copy_tagged(struct qp_src *src, uint8_t *dst, uint32_t n)
{
	while (n > 0) {
		if (src->pos < src->tag_at) {
			uint32_t l = RTE_MIN(n, src->tag_at - src->pos);

			qp_src_copy_raw(src, dst, l);
			src->pos += l;
			dst += l;
			n -= l;
		} else if (src->pos < src->tag_at + 4) {
			uint32_t k = src->pos - src->tag_at;
			uint32_t l = RTE_MIN(n, 4 - k);

			memcpy(dst, &src->tag[k], l);
			src->pos += l;
			dst += l;
			n -= l;
		} else {
			qp_src_copy_raw(src, dst, n);
			src->pos += n;
			n = 0;
		}
	}
}

/* Copy the next @n bytes of the frame as it goes on the wire to @dst. */
static __rte_always_inline void
qp_src_copy(struct qp_src *src, uint8_t *dst, uint32_t n)
{
	if (likely(src->tag_at == UINT32_MAX)) {
		qp_src_copy_raw(src, dst, n);
		return;
	}
	qp_src_copy_tagged(src, dst, n);
}

/* The first contiguous bytes of a send frame (for the filter, the parser). */
static __rte_always_inline const uint8_t *
qp_frame_head(const struct qp_slot *ss, uint32_t *len)
{
	if (likely(ss->nb_segs <= 1)) {
		*len = ss->len;
		return (const uint8_t *)(uintptr_t)ss->addr;
	}
	*len = RTE_MIN((uint32_t)((const struct rte_mbuf *)(uintptr_t)ss->cookie)->data_len,
		       ss->len);
	return (const uint8_t *)(uintptr_t)ss->addr;
}

/* The destination address of the frame in send slot @ss, wherever its
 * first six bytes are: a chained frame may have a first buffer shorter
 * than an address.
 */
static inline const struct rte_ether_addr *
qp_frame_dst(const struct qp_slot *ss, struct rte_ether_addr *tmp)
{
	const struct rte_mbuf *seg;
	uint32_t got = 0, first;

	(void)qp_frame_head(ss, &first);
	if (likely(first >= RTE_ETHER_ADDR_LEN))
		return (const struct rte_ether_addr *)(uintptr_t)ss->addr;
	if (ss->nb_segs <= 1)
		return NULL;
	for (seg = (const struct rte_mbuf *)(uintptr_t)ss->cookie;
	     seg != NULL && got < RTE_ETHER_ADDR_LEN; seg = seg->next) {
		uint32_t l = RTE_MIN((uint32_t)seg->data_len, RTE_ETHER_ADDR_LEN - got);

		memcpy(&tmp->addr_bytes[got], (const uint8_t *)seg->buf_addr + seg->data_off, l);
		got += l;
	}
	return got == RTE_ETHER_ADDR_LEN ? tmp : NULL;
}

/* Does a receive filter (@filter, @mac) accept the frame of send slot @ss? */
static inline int
qp_rx_accepts(uint32_t filter, uint64_t mac, const struct qp_slot *ss)
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
	return qp_mac_word(dst) == mac;
}

/* -------------------------------------------------------------- delivery */

/* What one service call knows of the receiving port: read once. */
struct qp_dctx {
	const struct qp_rxport *rp;  /* NULL: no receiver (no link) */
	const struct qp_rss *rss;    /* RSS configuration, when selecting by it */
	uint64_t mac;
	uint32_t select;
	uint32_t filter;
	uint32_t max_len;
	uint32_t offloads;
	uint32_t parse;              /* frames must be parsed (RSS, offloads) */
	uint16_t sq_qid;
	uint8_t zc;
};

static __rte_always_inline void
qp_dctx_open(struct qp_dctx *c, const struct qp_rxport *rp, uint16_t sq_qid, int zc)
{
	c->rp = rp;
	c->sq_qid = sq_qid;
	c->zc = (uint8_t)zc;
	c->rss = NULL;
	c->mac = 0;
	c->select = QP_RXSEL_FIRST;
	c->filter = QP_RXF_PROMISC;
	c->max_len = UINT32_MAX;
	c->offloads = 0;
	c->parse = 0;
	if (rp == NULL)
		return;
	/* Relaxed: settings; a change applies from the next call. */
	c->select = __atomic_load_n(&rp->select, __ATOMIC_RELAXED);
	c->filter = __atomic_load_n(&rp->filter, __ATOMIC_RELAXED);
	c->mac = __atomic_load_n(&rp->mac, __ATOMIC_RELAXED);
	c->max_len = __atomic_load_n(&rp->max_len, __ATOMIC_RELAXED);
	if (c->max_len == 0)
		c->max_len = UINT32_MAX;
	c->offloads = __atomic_load_n(&rp->offloads, __ATOMIC_RELAXED);
	if (c->select == QP_RXSEL_RSS || (c->offloads & QP_RXO_RSS_HASH))
		/* Acquire: pairs with the release in qp_rxport_set_rss(). */
		c->rss = &rp->rss[__atomic_load_n(&rp->rss_cur, __ATOMIC_ACQUIRE) & 1u];
	c->parse = c->rss != NULL || c->offloads != 0;
}

/* A buffer address of the receiver, as this process reaches it; NULL if
 * @n bytes from it are not all inside the receiver's registered memory.
 */
static __rte_always_inline uint8_t *
qp_rx_addr(const struct qp_rxport *rp, uint64_t addr, uint32_t n)
{
	if (likely(!rp->xlate))
		return (uint8_t *)(uintptr_t)addr;
	if (addr < rp->va_lo || addr > rp->va_hi || rp->va_hi - addr < n)
		return NULL;
	return (uint8_t *)(uintptr_t)(addr + (uint64_t)rp->va_delta);
}

/* The doorbell value of receive queue @rq as an address of this process. */
static __rte_always_inline uintptr_t
qp_rx_db_local(const struct qp_rxport *rp, uint64_t db)
{
	return (uintptr_t)((db & QP_DB_VA_MASK) + (rp->xlate ? (uint64_t)rp->va_delta : 0));
}

/* Per frame of a chunk: the plan. */
struct qp_plan {
	struct qp_hwq *rq;     /* destination queue's hardware */
	uint32_t wlen;         /* bytes on the wire */
	uint32_t hash;
	uint16_t dq;           /* destination queue, or QP_DQ_* */
	uint8_t parts;         /* posted slots it needs */
	uint8_t hashed;        /* hash valid */
	uint16_t wflags;       /* the WQE's flags, read once */
	struct qp_txo txo;     /* send offloads, when the WQE asks */
	struct qp_hdrs h;      /* parse, when c->parse */
};

/* Bytes of a chained or tagged frame the adapter gathers to parse it. */
#define QP_HDR_VIEW 256u

/* The parse (and RSS hash) of the frame as the receiver will see it. A
 * frame in one buffer is parsed where it lies; one in several buffers, or
 * one the adapter inserts a tag into, through a gathered view of its first
 * QP_HDR_VIEW bytes as they go on the wire (headers may span buffers).
 */
static inline void
qp_plan_parse(const struct qp_dctx *c, const struct qp_slot *ss, struct qp_plan *pl)
{
	uint8_t view[QP_HDR_VIEW];
	uint32_t cap;
	const uint8_t *p = qp_frame_head(ss, &cap);

	if (unlikely((pl->wflags & QP_WQE_F_VLAN) || cap < pl->wlen)) {
		struct qp_src src;

		cap = RTE_MIN(pl->wlen, QP_HDR_VIEW);
		qp_src_init(&src, ss, pl->wflags, &pl->txo);
		qp_src_copy(&src, view, cap);
		p = view;
	}
	qp_parse(p, cap, pl->wlen, &pl->h);
	if (c->rss != NULL)
		pl->hashed = (uint8_t)qp_rss_hash(c->rss, p, &pl->h, &pl->hash);
}

/*
 * Plan the frame of send slot @ss. Returns the send status for a frame
 * that goes no further (QP_ST_NO_LINK), else QP_ST_OK with pl->dq set to
 * its queue or QP_DQ_DONE (refused by the receiver and counted there: the
 * frame was sent, the receiver dropped it).
 */
static __rte_always_inline uint16_t
qp_plan(const struct qp_dctx *c, struct qp_adapter_q *sad, struct qp_slot *ss,
	struct qp_plan *pl)
{
	const struct qp_rxq_ref *ref;
	uint32_t q = 0, cap;

	if (unlikely(c->rp == NULL)) {
		qp_ctr_add(&sad->no_link, 1);
		pl->dq = QP_DQ_NOLINK;
		return QP_ST_NO_LINK;
	}
	pl->wlen = ss->len;
	pl->hashed = 0;
	pl->wflags = ss->flags;
	pl->txo.tci = 0; /* set below when the WQE asks for offloads (a tag among them) */
	if (unlikely(pl->wflags & QP_WQE_F_TXO)) {
		pl->wlen = qp_tx_wire_len(pl->wflags, ss->len);
		if (qp_tx_offload_prepare(pl->wflags,
					  (const struct rte_mbuf *)(uintptr_t)ss->cookie,
					  &pl->txo) != 0) {
			qp_ctr_add(&sad->txo_errors, 1); /* sent as it is */
			pl->txo.ip_off = 0;
			pl->txo.l4_off = 0;
		}
	}
	if (unlikely(c->parse)) {
		qp_plan_parse(c, ss, pl);
	}
	if (c->select == QP_RXSEL_SAME)
		q = c->sq_qid;
	else if (c->select == QP_RXSEL_RSS && pl->hashed)
		q = c->rss->reta[pl->hash % QP_RETA_SIZE];
	if (unlikely(q >= QP_MAX_RQ) || (pl->rq = qp_rxport_rq(c->rp, q)) == NULL) {
		qp_ctr_add(&sad->no_link, 1);
		pl->dq = QP_DQ_NOLINK;
		return QP_ST_NO_LINK;
	}
	pl->dq = (uint16_t)q;
	if (unlikely(!qp_rx_accepts(c->filter, c->mac, ss))) {
		qp_rq_count(&pl->rq->ad.filtered, 1);
		pl->dq = QP_DQ_DONE;
		return QP_ST_OK;
	}
	if (unlikely(pl->wlen > c->max_len)) {
		/* Longer than the receiver's MTU allows: sent, not received. */
		qp_rq_count(&pl->rq->ad.too_big, 1);
		pl->dq = QP_DQ_DONE;
		return QP_ST_OK;
	}
	ref = &c->rp->rq[q];
	cap = ref->buf_cap;
	if (likely(cap == 0 || pl->wlen <= cap)) {
		pl->parts = 1;
	} else if (ref->scatter && (pl->wlen + cap - 1) / cap <= QP_MAX_RX_PARTS) {
		pl->parts = (uint8_t)((pl->wlen + cap - 1) / cap);
	} else {
		qp_rq_count(&pl->rq->ad.too_big, 1);
		pl->dq = QP_DQ_DONE;
	}
	return QP_ST_OK;
}

/*
 * Receive offloads @offloads (the receiver's, less the checksums where the
 * frame is not in one piece at @dst) and the write-back of a frame whose
 * first (or only) buffer is @dst; @wb: write-back flags already known.
 */
static inline void
qp_place_offloads(uint32_t offloads, struct qp_plan *pl, struct qp_slot *rs,
		  uint8_t *dst, uint32_t *len, uint32_t *start, uint16_t wb)
{
	uint16_t vlan = 0;

	if (offloads & (QP_RXO_CKSUM | QP_RXO_VLAN_STRIP))
		wb |= qp_rx_offload(offloads, dst, len, start, &pl->h, &vlan);
	rs->wb_hash = pl->hash;
	rs->wb_ptype = pl->h.ptype;
	if (wb & QP_WB_VLAN)
		/* The receiver sees the frame without its outer tag. */
		rs->wb_ptype = (pl->h.ptype & ~RTE_PTYPE_L2_MASK) |
			       (pl->h.vlan > 1 ? RTE_PTYPE_L2_ETHER_VLAN : RTE_PTYPE_L2_ETHER);
	wb |= (pl->hashed && (offloads & QP_RXO_RSS_HASH)) ? QP_WB_RSS : 0;
	wb |= (offloads & QP_RXO_PTYPE) ? QP_WB_PTYPE : 0;
	rs->wb_vlan = vlan;
	rs->wb_ol = wb;
	rs->wb_off = (uint16_t)*start;
	rs->wb_rsvd = 0;
}

/* The receive status of a slot, with the write-back flag when the
 * receiver's offloads asked for one.
 */
static __rte_always_inline uint16_t
qp_rx_status(const struct qp_dctx *c, uint16_t rx_st)
{
	return unlikely(c->parse) && rx_st == QP_ST_OK ? (uint16_t)(rx_st | QP_ST_F_WB) : rx_st;
}

/*
 * Place the frame of send slot @ss into the @pl->parts claimed slots of
 * @rq from monotonic index @pos, and complete them with @rx_st (A1). Copy
 * mode copies (one copy, as a NIC's DMA); zero copy hands the sender's
 * buffer over through the cookie. @dbl: the receive queue's doorbell as a
 * local address, @db its raw value (in-service bit).
 */
static __rte_always_inline void
qp_place(const struct qp_dctx *c, struct qp_slot *ss, struct qp_plan *pl, uint32_t mask,
	 uint32_t pos, uint64_t db, uintptr_t dbl, uint16_t rx_st)
{
	struct qp_hwq *rq = pl->rq;
	struct qp_slot *rs = &rq->slots[pos & mask];
	uint32_t len = pl->wlen, start = 0, i, left;
	struct qp_src src;

	if (c->zc) {
		struct rte_mbuf *m = (struct rte_mbuf *)(uintptr_t)ss->cookie;

		if (unlikely(pl->wflags & QP_WQE_F_TXO)) {
			/* In place: the buffer is handed over anyway. */
			if ((pl->wflags & QP_WQE_F_VLAN) && rte_vlan_insert(&m) != 0) {
				qp_rq_count(&rq->ad.too_big, 1);
				rx_st = QP_ST_ERROR; /* no room for the tag: not delivered */
			} else {
				qp_tx_offload_patch(&pl->txo, rte_pktmbuf_mtod(m, uint8_t *),
						    m->data_len);
			}
			len = m->pkt_len;
		}
		if (unlikely(c->parse) && rx_st == QP_ST_OK) {
			if (likely(m->nb_segs == 1))
				qp_place_offloads(c->offloads, pl, rs, rte_pktmbuf_mtod(m, uint8_t *),
						  &len, &start, 0);
			else
				/* A chain (to a scattering receiver): the
				 * checksums are checked over its buffers, before
				 * a strip moves the addresses.
				 */
				qp_place_offloads(c->offloads & ~QP_RXO_CKSUM, pl, rs,
						  rte_pktmbuf_mtod(m, uint8_t *), &len, &start,
						  (c->offloads & QP_RXO_CKSUM) ?
						  qp_rx_cksum_chain(m, &pl->h) : 0);
		}
		/* The frame's mbuf, chain and all, goes to the receiver: the
		 * send slot no longer holds it.
		 */
		rs->cookie = (uint64_t)(uintptr_t)m;
		ss->cookie = 0;
		if ((uintptr_t)rs == dbl)
			qp_regs_clear_in_service(&rq->regs, db);
		qp_slot_complete(rs, len, qp_rx_status(c, rx_st)); /* A1 */
		return;
	}
	qp_src_init(&src, ss, pl->wflags, &pl->txo);
	if (likely(pl->parts == 1)) {
		uint8_t *dst = qp_rx_addr(c->rp, rs->addr, len);

		if (unlikely(dst == NULL || rs->len < len)) {
			/* A buffer smaller than its queue's (or outside the
			 * receiver's memory): the slot completes, empty.
			 */
			qp_rq_count(&rq->ad.too_big, 1);
			len = 0;
			rx_st = QP_ST_TOO_BIG;
		} else {
			qp_src_copy(&src, dst, len);
			if (unlikely(pl->wflags & QP_WQE_F_TXO))
				qp_tx_offload_patch(&pl->txo, dst, len);
			if (unlikely(c->parse))
				qp_place_offloads(c->offloads, pl, rs, dst, &len, &start, 0);
		}
		if ((uintptr_t)rs == dbl)
			qp_regs_clear_in_service(&rq->regs, db);
		qp_slot_complete(rs, len, qp_rx_status(c, rx_st)); /* A1 */
		return;
	}
	/* Receive scatter: the frame over several posted slots. */
	for (i = 0, left = len; i < pl->parts; i++) {
		struct qp_slot *ps = &rq->slots[(pos + i) & mask];
		const uint32_t take = RTE_MIN(ps->len, left);
		uint32_t l = take;
		uint8_t *dst = qp_rx_addr(c->rp, ps->addr, l);

		if (unlikely(dst == NULL || (l == 0 && left != 0))) {
			rx_st = QP_ST_TOO_BIG;
			l = 0;
		} else {
			qp_src_copy(&src, dst, l);
			if (i == 0 && unlikely(pl->wflags & QP_WQE_F_TXO))
				qp_tx_offload_patch(&pl->txo, dst, l);
			if (i == 0 && unlikely(c->parse)) {
				/* Checksums need the frame in one piece: only the
				 * header work (type, hash, tag) is done here.
				 */
				qp_place_offloads(c->offloads & ~QP_RXO_CKSUM, pl, ps, dst, &l,
						  &start, 0);
			}
		}
		qp_slot_stage(ps, l, 0);
		left -= take;
		if ((uintptr_t)ps == dbl)
			qp_regs_clear_in_service(&rq->regs, db);
	}
	if (rx_st == QP_ST_TOO_BIG)
		qp_rq_count(&rq->ad.too_big, 1);
	/* Last part first: the first part's indicator publishes the frame. */
	for (i = pl->parts; i-- > 0;) {
		struct qp_slot *ps = &rq->slots[(pos + i) & mask];

		uint16_t pst = i == 0 ? qp_rx_status(c, rx_st) : rx_st;

		if (i + 1 < pl->parts)
			pst |= QP_ST_F_MORE;
		qp_slot_complete(ps, ps->res_len, pst); /* A1 */
	}
}

/*
 * Deliver the frames of send slots @ss[0..k) (k <= QP_CHUNK) into the
 * receiving port, each with receive status @rx_st[i] (NULL: all OK). Sets
 * @st[i], the send status of each, and, if @placed is not NULL, @placed[i]
 * to whether the frame went into a receive slot. Caller holds the sending
 * queue's adapter lock; @sad is its adapter state (counters).
 */
static __rte_always_inline void
qp_deliver_chunk(const struct qp_dctx *c, struct qp_adapter_q *sad, struct qp_slot **ss,
		 uint32_t k, const uint16_t *rx_st, uint16_t *st, uint8_t *placed)
{
	struct qp_plan pl[QP_CHUNK];
	uint32_t i, j;

	for (i = 0; i < k; i++) {
		st[i] = qp_plan(c, sad, ss[i], &pl[i]);
		if (placed != NULL)
			placed[i] = 0;
	}
	for (i = 0; i < k; i++) {
		const uint32_t q = pl[i].dq;
		struct qp_hwq *rq;
		uint32_t need = 0, got, base = 0, pos, mask;
		uint64_t db;
		uintptr_t dbl;

		if (q >= QP_MAX_RQ)
			continue;
		rq = pl[i].rq;
		for (j = i; j < k; j++)
			if (pl[j].dq == q)
				need += pl[j].parts;
		got = qp_rq_claim(rq, need, &base);
		mask = c->rp->rq[q].mask;
		/* After the acquire in the claim: as new as the WQEs it covers. */
		db = qp_regs_doorbell(&rq->regs);
		dbl = qp_rx_db_local(c->rp, db);
		for (j = i, pos = base; j < k; j++) {
			if (pl[j].dq != q)
				continue;
			pl[j].dq = QP_DQ_DONE;
			if (pl[j].parts > got - (pos - base)) {
				/* No posted buffer left for it: dropped, counted. */
				qp_rq_count(&rq->ad.no_buffer, 1);
				continue;
			}
			qp_place(c, ss[j], &pl[j], mask, pos, db, dbl,
				 rx_st != NULL ? rx_st[j] : QP_ST_OK);
			pos += pl[j].parts;
			if (placed != NULL)
				placed[j] = 1;
		}
		/* Slots claimed for frames that did not fit after all go back
		 * empty: every claimed slot is completed.
		 */
		for (; pos != base + got; pos++) {
			struct qp_slot *rs = &rq->slots[pos & mask];

			if ((uintptr_t)rs == dbl)
				qp_regs_clear_in_service(&rq->regs, db);
			qp_slot_complete(rs, 0, QP_ST_SKIP); /* A1 */
		}
		if (got != 0)
			qp_rq_count(&rq->ad.serviced, got);
	}
}

#endif /* QP_DELIVER_H */
