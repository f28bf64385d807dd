/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The receive side of the queue pairs: the receive burst variants (chosen
 * by qpring_burst_select(), qpring_rxtx.c) and the receive descriptor
 * operations.
 * Fast path: no locks, no logging, no allocation beyond the mbufs it posts.
 */
#include <string.h>

#include <ethdev_driver.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>

#include "qpring.h"
#include "qpring_rx.h"
#include "qpring_wire.h"

/* Receive slots harvested per inner round (one bulk allocation each). */
#define QPRING_RX_CHUNK 64u

/* The rearm word: data_off, refcnt, nb_segs and port, 8 contiguous bytes. */
#define QPRING_REARM_OFF offsetof(struct rte_mbuf, data_off)
_Static_assert(offsetof(struct rte_mbuf, port) + sizeof(uint16_t) - QPRING_REARM_OFF ==
	       sizeof(uint64_t), "rearm fields are one 64-bit word");

/*
 * A buffer back with @len bytes of frame: the mbuf fields a fresh one
 * would have, set in its first cache line only (next is already NULL).
 */
static __rte_always_inline void
qpring_rx_rearm(const struct qpring_rxq *rxq, struct rte_mbuf *m, uint32_t len)
{
	/* packet_type, pkt_len, data_len and vlan_tci are 12 contiguous
	 * bytes: two stores, as the rearm word and ol_flags are two more.
	 */
	const uint64_t type_len = (uint64_t)len << 32; /* packet_type 0 */
	const uint32_t dlen_tci = len & 0xffffu;      /* vlan_tci 0 */

	memcpy((uint8_t *)m + QPRING_REARM_OFF, &rxq->rearm, sizeof(rxq->rearm));
	m->ol_flags = rxq->ol_init; /* a store, not a read of a cold line */
	memcpy(&m->packet_type, &type_len, sizeof(type_len));
	memcpy(&m->data_len, &dlen_tci, sizeof(dlen_tci));
}

_Static_assert(offsetof(struct rte_mbuf, pkt_len) == offsetof(struct rte_mbuf, packet_type) + 4,
	       "pkt_len follows packet_type");
_Static_assert(offsetof(struct rte_mbuf, data_len) == offsetof(struct rte_mbuf, pkt_len) + 4 &&
	       offsetof(struct rte_mbuf, vlan_tci) == offsetof(struct rte_mbuf, data_len) + 2,
	       "data_len and vlan_tci follow pkt_len");

static __rte_always_inline void
qpring_wb_read(const struct qp_slot *s, struct qpring_wb *w)
{
	w->hash = s->wb_hash;
	w->ptype = s->wb_ptype;
	w->vlan = s->wb_vlan;
	w->ol = s->wb_ol;
	w->off = s->wb_off;
}

uint64_t
qpring_wb_offloads(const struct qpring_rxq *rxq, struct rte_mbuf *m, const struct qpring_wb *w)
{
	uint64_t ol = 0;

	if (w->ol & QP_WB_RSS) {
		m->hash.rss = w->hash;
		ol |= RTE_MBUF_F_RX_RSS_HASH;
	}
	if (w->ol & QP_WB_PTYPE)
		m->packet_type = w->ptype;
	if (w->ol & QP_WB_VLAN) {
		m->vlan_tci = w->vlan;
		ol |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
	}
	if (rxq->offloads & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		ol |= (w->ol & QP_WB_IP_GOOD) ? RTE_MBUF_F_RX_IP_CKSUM_GOOD :
		      (w->ol & QP_WB_IP_BAD) ? RTE_MBUF_F_RX_IP_CKSUM_BAD :
		      RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN;
	if (rxq->offloads & (RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM))
		ol |= (w->ol & QP_WB_L4_GOOD) ? RTE_MBUF_F_RX_L4_CKSUM_GOOD :
		      (w->ol & QP_WB_L4_BAD) ? RTE_MBUF_F_RX_L4_CKSUM_BAD :
		      RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN;
	return ol;
}

/* The write-back into the mbuf: qpring_wb_offloads(), and a frame start
 * the strip moved.
 */
static __rte_noinline void
qpring_wb_apply(const struct qpring_rxq *rxq, struct rte_mbuf *m, const struct qpring_wb *w)
{
	uint64_t ol = qpring_wb_offloads(rxq, m, w);

	if (w->off != 0 && w->off <= m->data_len) {
		/* The stripped tag moved the frame's start. Copy mode set the
		 * lengths from the slot's result already; zero copy hands over
		 * the sender's mbuf, whose lengths still count the tag.
		 */
		m->data_off = (uint16_t)(m->data_off + w->off);
		if (rxq->zero_copy) {
			m->data_len = (uint16_t)(m->data_len - w->off);
			m->pkt_len -= w->off;
		}
	}
	m->ol_flags |= ol;
}

/*
 * Receive burst, copy mode. Harvests slots whose indicator reads DONE, in
 * ring order, and re-posts a fresh buffer into exactly those slots, then
 * rings the doorbell once. Replacement buffers are allocated before
 * anything is harvested: if the pool is empty the frames stay in their
 * slots (counted as rx_nombuf) and are returned by a later call, so no
 * slot is lost. @wb: the port asked for receive offloads (write-back).
 */
static __rte_always_inline uint16_t
qpring_rx_copy_common(struct qpring_rxq *rxq, struct rte_mbuf **restrict pkts, uint16_t nb_pkts,
		      int wb)
{
	struct qp_slot *restrict const slots = rxq->hw->slots;
	struct rte_mbuf *fresh[QPRING_RX_CHUNK];
	uint64_t res[QPRING_RX_CHUNK];
	struct qp_slot *last = NULL;
	const uint32_t mask = rxq->mask, win = rxq->window;
	const struct qp_slot *const end = slots + mask + 1;
	/* An ordinary pktmbuf pool keeps each buffer right behind its mbuf:
	 * a posted buffer's address and capacity are known without loading
	 * the mbuf's header, which is cold here.
	 */
	const int flat = rxq->flat_pool;
	const uint32_t buf_off = rxq->buf_off;
	const uint64_t wqe_word = (uint64_t)rxq->buf_cap | (uint64_t)QP_WQE_F_RECV << 32 |
				  (uint64_t)1 << 48;
	uint32_t head = rxq->head;
	uint32_t posted = 0, errors = 0;
	uint64_t bytes = 0;
	uint16_t out = 0, scanned = 0;

	if (unlikely(rxq->kick))
		qpring_cable_kick(rxq->port);
	while (scanned < nb_pkts) {
		/* Never more than the window: the slots beyond it hold no WQE. */
		const uint32_t want = RTE_MIN(RTE_MIN((uint32_t)(nb_pkts - scanned),
						      QPRING_RX_CHUNK), win);
		struct qp_slot *s = &slots[head & mask];
		uint32_t k, j;

		for (k = 0; k < want; k++, s = unlikely(s + 1 == end) ? slots : s + 1) {
			res[k] = qp_slot_result(s); /* D1: length, status, indicator */
			if (QP_RES_IND(res[k]) != QP_IND_DONE)
				break;
			/* The buffer's mbuf header was last touched a ring ago:
			 * start loading it while the rest of the ring is scanned.
			 */
			rte_prefetch0((const void *)(uintptr_t)s->cookie);
		}
		if (k == 0)
			break;
		/* Raw: pool mbufs are refcnt 1, nb_segs 1, next NULL; the
		 * rest is set when the buffer comes back with a frame.
		 */
		if (unlikely(rte_mempool_get_bulk(rxq->mp, (void **)fresh, k) != 0)) {
			rxq->c[QP_RXC_NOMBUF] += k;
			break;
		}
		s = &slots[head & mask];
		for (j = 0; j < k; j++, s = unlikely(s + 1 == end) ? slots : s + 1) {
			/* The fresh buffer goes a window ahead. */
			struct qp_slot *ps = &slots[(head + j + win) & mask];
			struct rte_mbuf *m = (struct rte_mbuf *)(uintptr_t)s->cookie;
			struct rte_mbuf *nm = fresh[j];
			const uint32_t len = QP_RES_LEN(res[j]);
			const uint16_t st = QP_RES_STATUS(res[j]);
			struct qpring_wb w;

			if (wb && (st & QP_ST_F_WB))
				qpring_wb_read(s, &w); /* before the WQE overwrites it */
			/* The fresh buffer into the slot (the WQE), then the
			 * indicator, published by the doorbell (R1).
			 */
			if (likely(flat)) {
				ps->addr = (uintptr_t)nm + buf_off;
				ps->cookie = (uintptr_t)nm;
				ps->wqe_word = wqe_word;
				__atomic_store_n(&ps->res, QP_RES(0, 0, QP_IND_POSTED),
						 __ATOMIC_RELAXED);
			} else {
				qpring_rx_post(rxq, ps, nm);
			}
			last = ps;
			if (unlikely((st & QP_ST_MASK) != QP_ST_OK)) {
				/* An error, or a slot given back unused (skip). */
				rte_pktmbuf_free(m);
				errors += (st & QP_ST_MASK) != QP_ST_SKIP;
				continue;
			}
			qpring_rx_rearm(rxq, m, len);
			if (wb && (st & QP_ST_F_WB))
				qpring_wb_apply(rxq, m, &w);
			bytes += len;
			pkts[out++] = m;
		}
		head += k;
		posted += k;
		scanned = (uint16_t)(scanned + k);
		if (k < want)
			break;
	}

	qpring_rx_publish(rxq, last, head, posted, out, bytes, errors);
	return out;
}

/*
 * The common receive burst, copy mode: a run of completions that are done,
 * OK and carry no write-back, over slots that do not wrap. Each buffer goes
 * out with its frame, and a fresh one from @fresh takes its slot (with
 * @flat, at a fixed offset from its mbuf). Returns how many.
 */
static __rte_always_inline uint32_t
qpring_rx_copy_run(const struct qpring_rxq *rxq, struct qp_slot *restrict s,
		   struct qp_slot *restrict ps, struct rte_mbuf **restrict pkts,
		   struct rte_mbuf *const *restrict fresh, uint32_t n, uint64_t *bytes)
{
	const uint32_t buf_off = rxq->buf_off;
	const uint64_t wqe_word = (uint64_t)rxq->buf_cap | (uint64_t)QP_WQE_F_RECV << 32 |
				  (uint64_t)1 << 48;
	struct rte_mbuf **restrict p = pkts;
	struct rte_mbuf **const pend = pkts + n;
	struct rte_mbuf *const *restrict f = fresh;
	uint64_t b = 0;

	for (; p != pend; p++, f++, s++, ps++) {
		const uint64_t r = qp_slot_result(s); /* D1 */
		struct rte_mbuf *m, *nm;

		if (unlikely(r >> 32 != (uint64_t)QP_IND_DONE << 16))
			break;
		m = (struct rte_mbuf *)(uintptr_t)s->cookie;
		nm = *f;
		/* The fresh buffer goes a window ahead (the slot there is the
		 * driver's: harvested a lap ago).
		 */
		ps->addr = (uintptr_t)nm + buf_off;
		ps->cookie = (uintptr_t)nm;
		ps->wqe_word = wqe_word;
		/* Relaxed: published by the doorbell's release (R1). */
		__atomic_store_n(&ps->res, QP_RES(0, 0, QP_IND_POSTED), __ATOMIC_RELAXED);
		qpring_rx_rearm(rxq, m, QP_RES_LEN(r));
		*p = m;
		b += QP_RES_LEN(r);
	}
	*bytes += b;
	return (uint32_t)(p - pkts);
}

uint16_t
qpring_rx_copy(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct qpring_rxq *rxq = q;
	struct qp_slot *const slots = rxq->hw->slots;
	struct rte_mbuf *fresh[QPRING_RX_CHUNK];
	const uint32_t mask = rxq->mask, head = rxq->head, win = rxq->window;
	const uint32_t want = RTE_MIN(RTE_MIN((uint32_t)nb_pkts, QPRING_RX_CHUNK), win);
	uint32_t n = 0, k;
	uint64_t bytes = 0;

	if (unlikely(rxq->kick))
		qpring_cable_kick(rxq->port);
	/* Nothing waiting: no allocation. */
	if (!qp_slot_is_done(&slots[head & mask])) /* D1 */
		return 0;
	/* The rarer cases take the general burst: buffers not at a fixed
	 * offset, more than one chunk, or a pool short of a chunk.
	 */
	if (unlikely(!rxq->flat_pool || want < nb_pkts ||
		     rte_mempool_get_bulk(rxq->mp, (void **)fresh, want) != 0))
		return qpring_rx_copy_common(rxq, pkts, nb_pkts, 0);
	while (n < want) {
		const uint32_t idx = (head + n) & mask, pidx = (head + n + win) & mask;
		const uint32_t room = RTE_MIN(mask + 1 - idx, mask + 1 - pidx);
		const uint32_t run = RTE_MIN(want - n, room);

		k = qpring_rx_copy_run(rxq, &slots[idx], &slots[pidx], &pkts[n], &fresh[n], run,
				       &bytes);
		n += k;
		if (k != run)
			break;
	}
	if (n != want)
		rte_mempool_put_bulk(rxq->mp, (void **)&fresh[n], want - n);
	if (n != 0)
		qpring_rx_publish(rxq, &slots[(head + n - 1 + win) & mask], head + n, n,
				  (uint16_t)n, bytes, 0);
	/* A slot that stopped the run with something other than a fresh
	 * frame (an error, a skip) is for the general burst, next call or
	 * now if there is room.
	 */
	if (n < nb_pkts && qp_slot_is_done(&slots[(head + n) & mask]))
		n += qpring_rx_copy_common(rxq, pkts + n, (uint16_t)(nb_pkts - n), 0);
	return (uint16_t)n;
}

uint16_t
qpring_rx_copy_ol(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_rx_copy_common(q, pkts, nb_pkts, 1);
}

/*
 * A chained frame for a receive queue without RTE_ETH_RX_OFFLOAD_SCATTER
 * (zero copy hands over the sender's chain): linearised into one buffer of
 * the queue's pool, or dropped and counted when no buffer holds it.
 */
static __rte_noinline struct rte_mbuf *
qpring_rx_linearize(struct qpring_rxq *rxq, struct rte_mbuf *m)
{
	struct rte_mbuf *nm;
	uint32_t len = m->pkt_len;

	if (len > qpring_rx_buf_room(rxq->mp)) {
		rxq->c[QP_RXC_OVERSIZE]++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	nm = rte_pktmbuf_alloc(rxq->mp);
	if (nm == NULL) {
		rxq->c[QP_RXC_NOMBUF]++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	if (rte_pktmbuf_read(m, 0, len, rte_pktmbuf_mtod(nm, void *)) !=
	    rte_pktmbuf_mtod(nm, void *))
		memcpy(rte_pktmbuf_mtod(nm, void *), rte_pktmbuf_read(m, 0, len, NULL), len);
	nm->data_len = (uint16_t)len;
	nm->pkt_len = len;
	nm->port = m->port;
	nm->ol_flags |= m->ol_flags & ~(RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT);
	nm->packet_type = m->packet_type;
	nm->vlan_tci = m->vlan_tci;
	nm->hash = m->hash;
	rte_pktmbuf_free(m);
	return nm;
}

/* Linearise the chained frames among @pkts[0..n) (or drop and count
 * them, their bytes taken off *bytes); returns how many frames are left,
 * in order.
 */
static __rte_noinline uint16_t
qpring_rx_unchain(struct qpring_rxq *rxq, struct rte_mbuf **pkts, uint16_t n, uint64_t *bytes)
{
	uint16_t i, out = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (m->nb_segs != 1) {
			const uint32_t len = m->pkt_len;

			m = qpring_rx_linearize(rxq, m);
			if (m == NULL)
				*bytes -= len;
		}
		if (m != NULL)
			pkts[out++] = m;
	}
	return out;
}

/*
 * Receive burst, zero copy. A receive WQE is a credit: no buffer, only the
 * right to receive one frame; the adapter hands the sender's mbuf over
 * through the slot. Harvest the completed slots in ring order, take their
 * mbufs, and post fresh credits into exactly those slots: no mempool
 * operation at all.
 */
/* The rarer completions of a zero-copy receive slot: an error, a slot
 * given back unused, or a write-back to apply. Re-posts the credit; returns
 * the frame's mbuf or NULL (freed and counted in *errors).
 */
static __rte_noinline struct rte_mbuf *
qpring_rx_zc_slow(struct qpring_rxq *rxq, struct qp_slot *s, uint64_t r, uint32_t *errors)
{
	struct rte_mbuf *m = (struct rte_mbuf *)(uintptr_t)s->cookie;
	const uint16_t st = QP_RES_STATUS(r);
	struct qpring_wb w;

	if (st & QP_ST_F_WB)
		qpring_wb_read(s, &w); /* before the WQE overwrites it */
	qpring_rx_post_credit(s);
	if ((st & QP_ST_MASK) != QP_ST_OK) {
		if (m != NULL)
			rte_pktmbuf_free(m);
		*errors += (st & QP_ST_MASK) != QP_ST_SKIP;
		return NULL;
	}
	m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
	m->packet_type = 0;
	m->port = rxq->port_id;
	if (st & QP_ST_F_WB)
		qpring_wb_apply(rxq, m, &w);
	return m;
}

/*
 * Harvest the common zero-copy completions (done, status OK, nothing
 * written back) of at most @n consecutive slots from @s: take each frame's
 * mbuf, post a fresh credit (the cookie cleared, for the adapter puts the
 * next frame's mbuf there, and the indicator; the WQE's other fields are
 * the credit's already). Stops at the first other slot. Returns how many.
 */
static __rte_always_inline uint32_t
qpring_rx_zc_run(struct qp_slot *restrict s, struct rte_mbuf **restrict pkts, uint32_t n,
		 uint16_t port_id, uint64_t *bytes, uint16_t *segs)
{
	struct rte_mbuf **restrict p = pkts;
	struct rte_mbuf **const pend = pkts + n;
	uint64_t b = 0;
	uint16_t sg = 0;

	for (; p != pend; p++, s++) {
		const uint64_t r = qp_slot_result(s); /* D1 */
		struct rte_mbuf *m;

		if (unlikely(r >> 32 != (uint64_t)QP_IND_DONE << 16))
			break;
		m = (struct rte_mbuf *)(uintptr_t)s->cookie;
		s->cookie = 0;
		__atomic_store_n(&s->res, QP_RES(0, 0, QP_IND_POSTED), __ATOMIC_RELAXED);
		/* The sender's mbuf, chain and lengths intact; a chain goes
		 * back to the caller to check (receive scatter).
		 */
		m->ol_flags &= RTE_MBUF_F_EXTERNAL | RTE_MBUF_F_INDIRECT;
		m->packet_type = 0;
		m->port = port_id;
		sg |= m->nb_segs;
		*p = m;
		b += QP_RES_LEN(r);
	}
	*bytes += b;
	*segs |= sg;
	return (uint32_t)(p - pkts);
}

static __rte_always_inline uint16_t
qpring_rx_zc_common(struct qpring_rxq *rxq, struct rte_mbuf **restrict pkts, uint16_t nb_pkts)
{
	struct qp_slot *restrict const slots = rxq->hw->slots;
	const uint32_t mask = rxq->mask, head = rxq->head;
	const uint32_t lim = RTE_MIN((uint32_t)nb_pkts, mask + 1);
	uint32_t n = 0, errors = 0;
	uint64_t bytes = 0;
	uint16_t out = 0, segs = 0;

	if (unlikely(rxq->kick))
		qpring_cable_kick(rxq->port);
	while (n < lim) {
		const uint32_t idx = (head + n) & mask;
		const uint32_t run = RTE_MIN(lim - n, mask + 1 - idx);
		const uint32_t k = qpring_rx_zc_run(&slots[idx], &pkts[out], run, rxq->port_id,
						    &bytes, &segs);
		struct qp_slot *s;
		struct rte_mbuf *m;
		uint64_t r;

		n += k;
		out = (uint16_t)(out + k);
		if (k == run)
			continue;
		/* The slot that stopped it: not done yet, or a rarer one. */
		s = &slots[(head + n) & mask];
		r = qp_slot_result(s); /* D1 */
		if (QP_RES_IND(r) != QP_IND_DONE)
			break;
		n++;
		m = qpring_rx_zc_slow(rxq, s, r, &errors);
		if (m != NULL) {
			bytes += QP_RES_LEN(r);
			segs |= m->nb_segs;
			pkts[out++] = m;
		}
	}
	/* Chained frames for a queue without receive scatter: linearised
	 * (rare; a chain has nb_segs > 1, so some bit above bit 0 is set).
	 */
	if (unlikely(segs > 1) && !rxq->scatter)
		out = qpring_rx_unchain(rxq, pkts, out, &bytes);
	if (n != 0)
		qpring_rx_publish(rxq, &slots[(head + n - 1) & mask], head + n, n, out, bytes,
				  errors);
	return out;
}

uint16_t
qpring_rx_zc(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return qpring_rx_zc_common(q, pkts, nb_pkts);
}

uint16_t
qpring_rx_zc_ol(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	/* The write-back flag sends each slot the slow way. */
	return qpring_rx_zc_common(q, pkts, nb_pkts);
}

/*
 * Receive burst with RTE_ETH_RX_OFFLOAD_SCATTER: a frame may span several
 * slots (QP_ST_F_MORE on every part but the last). The adapter completes
 * the parts last to first, so the first part's indicator (D1) covers them
 * all. Returned as an mbuf chain; every slot consumed is re-posted.
 */
uint16_t
qpring_rx_scatter(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct qpring_rxq *rxq = q;
	struct qp_slot *slots = rxq->hw->slots;
	struct rte_mbuf *fresh[QP_MAX_RX_PARTS];
	struct qp_slot *last = NULL;
	const uint32_t mask = rxq->mask;
	uint32_t head = rxq->head, posted = 0, errors = 0;
	uint64_t bytes = 0;
	uint16_t out = 0;

	if (unlikely(rxq->kick))
		qpring_cable_kick(rxq->port);
	while (out < nb_pkts) {
		struct qp_slot *s = &slots[head & mask];
		struct rte_mbuf *first = NULL, *prev = NULL;
		uint32_t parts = 1, total = 0, j;
		uint16_t st, wst;
		struct qpring_wb w;

		if (!qp_slot_is_done(s)) /* D1 */
			break;
		while ((slots[(head + parts - 1) & mask].res_status & QP_ST_F_MORE) &&
		       parts < QP_MAX_RX_PARTS && parts < rxq->window)
			parts++;
		if (unlikely(rte_mempool_get_bulk(rxq->mp, (void **)fresh, parts) != 0)) {
			rxq->c[QP_RXC_NOMBUF] += parts;
			break;
		}
		wst = s->res_status;
		st = wst & QP_ST_MASK;
		if (wst & QP_ST_F_WB)
			qpring_wb_read(s, &w); /* before the WQE overwrites it */
		for (j = 0; j < parts; j++) {
			struct qp_slot *ps = &slots[(head + j) & mask];
			struct rte_mbuf *m = (struct rte_mbuf *)(uintptr_t)ps->cookie;
			struct rte_mbuf *nm = fresh[j];

			qpring_rx_rearm(rxq, m, ps->res_len);
			m->next = NULL;
			total += ps->res_len;
			if (first == NULL)
				first = m;
			else
				prev->next = m;
			prev = m;
			/* The fresh buffer goes a window ahead. */
			last = &slots[(head + j + rxq->window) & mask];
			qpring_rx_post(rxq, last, nm);
		}
		first->nb_segs = (uint16_t)parts;
		first->pkt_len = total;
		head += parts;
		posted += parts;
		if (unlikely(st != QP_ST_OK)) {
			/* An error, or a slot given back unused (skip). */
			rte_pktmbuf_free(first);
			errors += st != QP_ST_SKIP;
			continue;
		}
		if (wst & QP_ST_F_WB)
			qpring_wb_apply(rxq, first, &w);
		bytes += total;
		pkts[out++] = first;
	}
	qpring_rx_publish(rxq, last, head, posted, out, bytes, errors);
	return out;
}

/* Inline adapter of a port fed by its wire (capture file, interface): the
 * receiving adapter fills posted buffers from the wire, then the driver
 * harvests as usual.
 */
uint16_t
qpring_rx_wire(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct qpring_rxq *rxq = q;

	qpring_adapter_run_rxq(rxq, nb_pkts);
	if (rxq->scatter)
		return qpring_rx_scatter(q, pkts, nb_pkts);
	return qpring_rx_copy_common(rxq, pkts, nb_pkts, 1);
}

/* Receive slots whose indicator reads DONE: frames waiting to be harvested.
 * Every receive slot is either posted (adapter) or done (driver).
 */
uint32_t
qpring_rx_queue_count(void *q)
{
	const struct qpring_rxq *rxq = q;
	uint32_t n = 0;

	while (n < rxq->window &&
	       qp_slot_is_done(&rxq->hw->slots[(rxq->head + n) & rxq->mask]))
		n++;
	return n;
}

int
qpring_rx_descriptor_status(void *q, uint16_t offset)
{
	const struct qpring_rxq *rxq = q;

	if (offset > rxq->mask)
		return -EINVAL;
	if (offset >= rxq->window)
		return RTE_ETH_RX_DESC_UNAVAIL; /* beyond the posted window */
	return qp_slot_is_done(&rxq->hw->slots[(rxq->head + offset) & rxq->mask]) ?
		RTE_ETH_RX_DESC_DONE : RTE_ETH_RX_DESC_AVAIL;
}
