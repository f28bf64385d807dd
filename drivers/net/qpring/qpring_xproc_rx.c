/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The receiving side of a cross-process port: its receive region (one
 * sealed memfd the peer maps) holding the receive rings and the data
 * buffers of a pool of pinned external buffers per queue, and the receive
 * bursts. The peer's adapter copies each frame straight into a buffer this
 * port posted (one copy); the peer can write anything anywhere in the
 * region, so nothing read back from it is trusted: the mbuf of each slot
 * is kept here (xp_rxq.shadow), lengths and statuses are checked, and the
 * ring's own size and registers are never taken from the ring.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>

#include "qpring.h"
#include "qpring_wire.h"
#include "qpring_rx.h"
#include "qpring_xproc.h"

/* Receive slots harvested per inner round (one bulk allocation each). */
#define XP_RX_CHUNK 64u
/* Buffers of a queue's pool beyond two rings' worth, by default: what the
 * application holds (bursts in hand, other ports' send rings, lcore
 * caches). Set with xproc_bufs=.
 */
#define XP_POOL_SPARE 1024u
#define XP_POOL_CACHE 256u

/* --------------------------------------------------------------- region */

int
xp_region_create(struct xp_region *r, const char *name, uint64_t size)
{
	char why[256] = "";
	void *base;
	int ret;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->free = calloc(XP_REGION_EXTENTS, sizeof(*r->free));
	if (r->free == NULL)
		return -ENOMEM;
	ret = qp_xproc_memfd_create(name, size, &r->fd, why, sizeof(why));
	if (ret != 0) {
		QPRING_LOG(ERR, "%s: receive region: %s", name, why);
		goto err_free;
	}
	base = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (base == MAP_FAILED) {
		ret = -errno;
		QPRING_LOG(ERR, "%s: receive region: mmap of %" PRIu64 " bytes: %s", name, size,
			   strerror(errno));
		goto err_close;
	}
	r->base = base;
	r->size = size;
	r->free[0].off = 0;
	r->free[0].len = size;
	r->nb_free = 1;
	return 0;

err_close:
	close(r->fd);
	r->fd = -1;
err_free:
	free(r->free);
	r->free = NULL;
	return ret;
}

void
xp_region_destroy(struct xp_region *r)
{
	if (r->base != NULL)
		munmap(r->base, r->size);
	if (r->fd >= 0)
		close(r->fd);
	free(r->free);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

int
xp_region_alloc(struct xp_region *r, uint64_t len, uint64_t *off)
{
	uint32_t i;

	len = RTE_ALIGN_CEIL(len, XP_REGION_ALIGN);
	for (i = 0; i < r->nb_free; i++) {
		struct xp_extent *e = &r->free[i];

		if (e->len < len)
			continue;
		*off = e->off;
		e->off += len;
		e->len -= len;
		if (e->len == 0) {
			memmove(e, e + 1, (r->nb_free - i - 1) * sizeof(*e));
			r->nb_free--;
		}
		return 0;
	}
	return -ENOMEM;
}

void
xp_region_free(struct xp_region *r, uint64_t off, uint64_t len)
{
	uint32_t i;

	len = RTE_ALIGN_CEIL(len, XP_REGION_ALIGN);
	for (i = 0; i < r->nb_free && r->free[i].off < off; i++)
		;
	/* Merge with the extent before, the one after, or both. */
	if (i > 0 && r->free[i - 1].off + r->free[i - 1].len == off) {
		r->free[i - 1].len += len;
		if (i < r->nb_free && off + len == r->free[i].off) {
			r->free[i - 1].len += r->free[i].len;
			memmove(&r->free[i], &r->free[i + 1], (r->nb_free - i - 1) * sizeof(r->free[0]));
			r->nb_free--;
		}
		return;
	}
	if (i < r->nb_free && off + len == r->free[i].off) {
		r->free[i].off = off;
		r->free[i].len += len;
		return;
	}
	if (r->nb_free == XP_REGION_EXTENTS) {
		/* Too fragmented to remember: the extent stays used. */
		QPRING_LOG(WARNING, "receive region: %" PRIu64 " bytes at %" PRIu64 " not reused "
			   "(more than %u free extents)", len, off, XP_REGION_EXTENTS);
		return;
	}
	memmove(&r->free[i + 1], &r->free[i], (r->nb_free - i) * sizeof(r->free[0]));
	r->free[i].off = off;
	r->free[i].len = len;
	r->nb_free++;
}

/* ------------------------------------------------------------ the ring */

/*
 * Control path: the ring's registers and indexes as a freshly set up queue
 * has them (its counters stay: statistics are differences), every slot
 * empty and parked (POSTED: a burst on the stopped queue finds nothing, the
 * peer finds nothing posted). From the driver's own size: whatever the
 * peer wrote into the ring's registers is overwritten.
 */
static void
xp_ring_park(struct qp_hwq *hw, uint32_t nb)
{
	uint32_t i;

	hw->regs.doorbell = 0;
	__atomic_store_n(&hw->regs.pending, 0, __ATOMIC_RELAXED);
	hw->regs.size = nb;
	hw->regs.ring_va = (uint64_t)(uintptr_t)hw->slots;
	__atomic_store_n(&hw->ad.head, 0, __ATOMIC_RELAXED);
	hw->ad.mask = nb - 1;
	hw->ad.busy = 0;
	hw->ad.intr_on = 0;
	hw->ad.intr_armed = 0;
	hw->ad.done_head = 0;
	for (i = 0; i < nb; i++) {
		struct qp_slot *s = &hw->slots[i];

		s->addr = 0;
		s->cookie = 0;
		s->wqe_word = 0;
		__atomic_store_n(&s->res, QP_RES(0, QP_ST_OK, QP_IND_POSTED), __ATOMIC_RELAXED);
	}
}

/* Post @m's buffer into slot @s: no cookie, the mbuf is remembered here. */
static __rte_always_inline void
xp_post(const struct xp_rxq *xq, struct qp_slot *s, struct rte_mbuf *m)
{
	qp_slot_post(s, (uintptr_t)m->buf_addr + xq->headroom, xq->cap, 0, QP_WQE_F_RECV, 1);
}

/* ---------------------------------------------------------- set-up */

static uint32_t xp_pool_gen;

static int
xp_rxq_setup(struct rte_eth_dev *dev, struct qpring_rxq *rxq, struct rte_mempool *app_mp)
{
	struct xp_port *x = xp_port_of(dev->data->port_id);
	const uint16_t room = rte_pktmbuf_data_room_size(app_mp);
	struct rte_pktmbuf_extmem ext;
	struct xp_rxq *xq;
	char name[RTE_MEMPOOL_NAMESIZE];
	uint32_t nb = rxq->nb_desc, n, elt, cache;
	uint64_t ring_off = 0, pool_off = 0, ring_len, pool_len;
	int socket = dev->device->numa_node, ret;

	if (x == NULL) {
		QPRING_LOG(ERR, "port %u: a cross-process port's queues are set up by the "
			   "process that created it", dev->data->port_id);
		return -ENOTSUP;
	}
	if (room < rxq->headroom || (uint32_t)(room - rxq->headroom) < QP_XPROC_BUF_MIN) {
		QPRING_LOG(ERR, "port %u rx queue %u: buffers of mempool %s hold %u bytes after "
			   "%u of headroom; the cross-process wire needs at least %u",
			   dev->data->port_id, rxq->queue_id, app_mp->name,
			   room < rxq->headroom ? 0 : room - rxq->headroom, rxq->headroom,
			   QP_XPROC_BUF_MIN);
		return -EINVAL;
	}
	n = x->conf.bufs != 0 ? x->conf.bufs : 2 * nb + XP_POOL_SPARE;
	if (n < nb + XP_RX_CHUNK) {
		QPRING_LOG(ERR, "port %u rx queue %u: xproc_bufs=%u; a ring of %u slots needs at "
			   "least %u (a buffer in every slot and a burst's worth to replace them)",
			   dev->data->port_id, rxq->queue_id, n, nb, nb + XP_RX_CHUNK);
		return -EINVAL;
	}
	elt = RTE_ALIGN_CEIL((uint32_t)room, XP_REGION_ALIGN);
	ring_len = qp_hwq_size(nb);
	pool_len = (uint64_t)n * elt;
	xq = rte_zmalloc_socket("qpring_xp_rxq", sizeof(*xq), RTE_CACHE_LINE_SIZE, socket);
	if (xq == NULL)
		return -ENOMEM;
	xq->shadow = rte_zmalloc_socket("qpring_xp_shadow", sizeof(struct rte_mbuf *) * nb,
					RTE_CACHE_LINE_SIZE, socket);
	if (xq->shadow == NULL) {
		ret = -ENOMEM;
		goto err_free;
	}
	qpring_lock();
	ret = xp_region_alloc(&x->reg, ring_len, &ring_off);
	if (ret == 0) {
		ret = xp_region_alloc(&x->reg, pool_len, &pool_off);
		if (ret != 0)
			xp_region_free(&x->reg, ring_off, ring_len);
	}
	qpring_unlock();
	if (ret != 0) {
		QPRING_LOG(ERR, "port %u rx queue %u: the receive region (xproc_mem=%" PRIu64
			   " MiB) has no room left for a ring of %u slots and %u buffers of %u "
			   "bytes (%" PRIu64 " KiB): give a larger xproc_mem, or fewer xproc_bufs",
			   dev->data->port_id, rxq->queue_id, x->reg.size >> 20, nb, n, elt,
			   (ring_len + pool_len) >> 10);
		goto err_free;
	}
	memset(&ext, 0, sizeof(ext));
	ext.buf_ptr = x->reg.base + pool_off;
	ext.buf_iova = RTE_BAD_IOVA; /* no device DMA: the peer's adapter is a CPU */
	ext.buf_len = pool_len;
	ext.elt_size = (uint16_t)elt;
	cache = RTE_MIN(XP_POOL_CACHE, n / 4);
	snprintf(name, sizeof(name), "qpx%u_%u_%u", dev->data->port_id, rxq->queue_id,
		 __atomic_fetch_add(&xp_pool_gen, 1, __ATOMIC_RELAXED));
	xq->mp = rte_pktmbuf_pool_create_extbuf(name, n, cache, 0, room, socket, &ext, 1);
	if (xq->mp == NULL) {
		ret = -rte_errno;
		QPRING_LOG(ERR, "port %u rx queue %u: cannot create the pool %s of %u buffers in "
			   "the receive region: %s", dev->data->port_id, rxq->queue_id, name, n,
			   rte_strerror(rte_errno));
		goto err_region;
	}
	xq->x = x;
	xq->cap = room - rxq->headroom;
	xq->headroom = rxq->headroom;
	xq->scatter = rxq->scatter;
	xq->ring_off = ring_off;
	xq->ring_len = ring_len;
	xq->pool_off = pool_off;
	xq->pool_len = pool_len;
	xq->nb_bufs = n;
	rxq->hw = (struct qp_hwq *)(void *)(x->reg.base + ring_off);
	memset(rxq->hw, 0, sizeof(*rxq->hw)); /* the extent may have been used before */
	xp_ring_park(rxq->hw, nb);
	/* The queue's buffers come from the driver's pool from now on: they
	 * are pinned external buffers (data in the region, headers here).
	 */
	rxq->mp = xq->mp;
	rxq->flat_pool = 0;
	rxq->buf_cap = xq->cap;
	rxq->ol_init = RTE_MBUF_F_EXTERNAL;
	rxq->wire_q = xq;
	QPRING_LOG(INFO, "port %u rx queue %u: ring of %u slots and pool %s of %u buffers of %u "
		   "bytes in the receive region (%" PRIu64 " KiB at offset %" PRIu64 ")",
		   dev->data->port_id, rxq->queue_id, nb, name, n, xq->cap,
		   (ring_len + pool_len) >> 10, ring_off);
	return 0;

err_region:
	qpring_lock();
	xp_region_free(&x->reg, pool_off, pool_len);
	xp_region_free(&x->reg, ring_off, ring_len);
	qpring_unlock();
err_free:
	rte_free(xq->shadow);
	rte_free(xq);
	return ret;
}

/* Control lock held; the queue is drained. */
static void
xp_rxq_release(struct qpring_rxq *rxq)
{
	struct xp_rxq *xq = rxq->wire_q;
	struct xp_port *x;
	unsigned int avail;

	if (xq == NULL)
		return;
	x = xq->x;
	/* The peer's view may still hold the ring (a stopped queue is in it,
	 * parked): it must let go before the memory is reused.
	 */
	xp_withdraw(x, "a receive queue is released");
	avail = rte_mempool_avail_count(xq->mp);
	if (avail != xq->mp->size) {
		/* Freeing the pool now would leave the application with mbufs
		 * of freed memory: the pool and its buffers stay.
		 */
		QPRING_LOG(ERR, "port %u rx queue %u: %u buffers of pool %s are still held by the "
			   "application; the pool and its %" PRIu64 " KiB of the receive region "
			   "are kept", rxq->port_id, rxq->queue_id, xq->mp->size - avail,
			   xq->mp->name, xq->pool_len >> 10);
		xp_region_free(&x->reg, xq->ring_off, xq->ring_len);
		x->pools_kept++;
	} else {
		rte_mempool_free(xq->mp);
		xp_region_free(&x->reg, xq->pool_off, xq->pool_len);
		xp_region_free(&x->reg, xq->ring_off, xq->ring_len);
	}
	rte_free(xq->shadow);
	rte_free(xq);
	rxq->wire_q = NULL;
	rxq->hw = NULL;
}

/* Control path, queue stopped: a buffer of the driver's pool in every slot. */
static int
xp_rxq_fill(struct qpring_rxq *rxq)
{
	struct xp_rxq *xq = rxq->wire_q;
	struct qp_hwq *hw = rxq->hw;
	uint32_t i, n = rxq->nb_desc;

	if (rte_pktmbuf_alloc_bulk(xq->mp, xq->shadow, n) != 0) {
		QPRING_LOG(ERR, "port %u rxq %u: pool %s cannot supply %u buffers to post (%u "
			   "available)", rxq->port_id, rxq->queue_id, xq->mp->name, n,
			   rte_mempool_avail_count(xq->mp));
		memset(xq->shadow, 0, sizeof(struct rte_mbuf *) * n);
		return -ENOMEM;
	}
	/* The registers as the driver means them, whatever the ring held. */
	xp_ring_park(hw, n);
	for (i = 0; i < n; i++)
		xp_post(xq, &hw->slots[i], xq->shadow[i]);
	rxq->head = 0;
	qp_doorbell_ring(&hw->regs, &hw->slots[n - 1], n); /* R1 */
	rxq->c[QP_RXC_DOORBELLS]++;
	rxq->c[QP_RXC_POSTED] += n;
	/* A stopped queue has nothing left to recover. */
	xq->reset_done = __atomic_load_n(&xq->reset_req, __ATOMIC_RELAXED);
	return 0;
}

/*
 * Frames completed and not harvested, in ring order from @head over the
 * driver's own ring size (a frame over several slots counts once).
 */
static uint32_t
xp_count_frames(const struct qp_hwq *hw, uint32_t head, uint32_t mask)
{
	uint32_t i, n = 0;
	uint16_t prev = 0;

	for (i = 0; i <= mask; i++) {
		const uint64_t w = qp_slot_result(&hw->slots[(head + i) & mask]); /* D1 */

		if (QP_RES_IND(w) != QP_IND_DONE)
			break;
		if (i == 0 || !(prev & QP_ST_F_MORE))
			n++;
		prev = QP_RES_STATUS(w);
	}
	return n;
}

/* Control path: the peer no longer delivers into the queue (withdrawn, or
 * gone): every buffer back to the pool, the ring parked.
 */
static void
xp_rxq_drain(struct qpring_rxq *rxq)
{
	struct xp_rxq *xq = rxq->wire_q;
	uint32_t i, n = rxq->nb_desc;

	if (xq == NULL || rxq->hw == NULL)
		return;
	rxq->c[QP_RXC_FLUSHED] += xp_count_frames(rxq->hw, rxq->head, rxq->mask);
	for (i = 0; i < n; i++) {
		if (xq->shadow[i] != NULL)
			rte_pktmbuf_free(xq->shadow[i]);
		xq->shadow[i] = NULL;
	}
	xp_ring_park(rxq->hw, n);
	rxq->head = 0;
	xq->reset_done = __atomic_load_n(&xq->reset_req, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------- recovery */

/*
 * R-D: the data path's half of a recovery. A peer that vanished (killed,
 * or dropped as misbehaving) may have claimed slots and never completed
 * them: the harvest, in ring order, would wait for them forever. The
 * control path asks (reset_req) and waits for the answer (reset_done)
 * before a new peer may deliver; the queue's own lcore, which may be in a
 * burst at any moment, does the work: every slot is posted again with the
 * buffer it holds (no mbuf moves), the registers start over, and what was
 * completed or claimed and not harvested is counted as flushed.
 */
static __rte_noinline void
xp_rx_reset(struct qpring_rxq *rxq, struct xp_rxq *xq)
{
	/* Acquire: pairs with the control path's release of the request. */
	const uint32_t req = __atomic_load_n(&xq->reset_req, __ATOMIC_ACQUIRE);
	struct qp_hwq *hw = rxq->hw;
	const uint32_t mask = rxq->mask, head = rxq->head;
	uint32_t i, done, claimed;

	done = xp_count_frames(hw, head, mask);
	claimed = __atomic_load_n(&hw->ad.head, __ATOMIC_RELAXED) - head;
	if (claimed > mask + 1)
		claimed = mask + 1; /* the peer's word, bounded */
	for (i = 0; i <= mask; i++) {
		const uint32_t k = (head + i) & mask;

		xp_post(xq, &hw->slots[k], xq->shadow[k]);
	}
	/* The registers as the driver means them: the claim index at the
	 * harvest point, everything posted.
	 */
	hw->regs.size = mask + 1;
	hw->ad.mask = mask;
	__atomic_store_n(&hw->ad.head, head, __ATOMIC_RELAXED);
	/* Relaxed, as qp_hwq_flush() stores it: a peer's adapter may be
	 * loading it (qp_adapter_has_work()) at this moment.
	 */
	__atomic_store_n(&hw->ad.done_head, head, __ATOMIC_RELAXED);
	__atomic_store_n(&hw->regs.pending, 0, __ATOMIC_RELAXED);
	qp_doorbell_ring(&hw->regs, &hw->slots[(head + mask) & mask], mask + 1); /* R1 */
	rxq->c[QP_RXC_FLUSHED] += RTE_MAX(done, claimed);
	rxq->c[QP_RXC_DOORBELLS]++;
	xq->recovered += claimed > done ? claimed - done : 0;
	/* Release: the ring above is written before the control path, which
	 * acquires reset_done, tells a new peer it may deliver.
	 */
	__atomic_store_n(&xq->reset_done, req, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------- harvest */

/* The rearm word: data_off, refcnt, nb_segs and port, 8 contiguous bytes. */
#define XP_REARM_OFF offsetof(struct rte_mbuf, data_off)

static __rte_always_inline void
xp_rearm(const struct qpring_rxq *rxq, struct rte_mbuf *m, uint32_t len)
{
	memcpy((uint8_t *)m + XP_REARM_OFF, &rxq->rearm, sizeof(rxq->rearm));
	m->ol_flags = rxq->ol_init;
	m->packet_type = 0;
	m->vlan_tci = 0;
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
}

/* A completed slot's write-back, read once (the peer may change it). */
static __rte_always_inline void
xp_wb_read(const struct qp_slot *s, struct qpring_wb *w)
{
	w->hash = __atomic_load_n(&s->wb_hash, __ATOMIC_RELAXED);
	w->ptype = __atomic_load_n(&s->wb_ptype, __ATOMIC_RELAXED);
	w->vlan = __atomic_load_n(&s->wb_vlan, __ATOMIC_RELAXED);
	w->ol = __atomic_load_n(&s->wb_ol, __ATOMIC_RELAXED);
	w->off = __atomic_load_n(&s->wb_off, __ATOMIC_RELAXED);
}

/* The write-back into the mbuf. The adapter already gave the length
 * without a stripped tag (res_len); the frame start moves by the tag, and
 * only if the frame stays inside its buffer, whatever the peer wrote.
 */
static __rte_noinline void
xp_wb_apply(const struct qpring_rxq *rxq, struct rte_mbuf *m, const struct qpring_wb *w)
{
	uint64_t ol = qpring_wb_offloads(rxq, m, w);

	if (w->off != 0 && (uint32_t)w->off + m->data_len <= rxq->buf_cap)
		m->data_off = (uint16_t)(m->data_off + w->off);
	m->ol_flags |= ol;
}

/*
 * Receive burst. Harvests slots whose indicator reads DONE, in ring order,
 * and re-posts a fresh buffer of the driver's pool into exactly those
 * slots, then rings the doorbell once. The frame's mbuf is the one this
 * side posted in the slot (shadow), its length the slot's result only if
 * it fits the buffer; a bad status or length is a receive error (counted;
 * the buffer goes back to the pool). @wb: receive offloads written back.
 */
static __rte_always_inline uint16_t
xp_rx_common(struct qpring_rxq *rxq, struct rte_mbuf **pkts, uint16_t nb_pkts, int wb)
{
	struct xp_rxq *xq = rxq->wire_q;
	struct qp_slot *slots = rxq->hw->slots;
	struct rte_mbuf **shadow = xq->shadow;
	struct rte_mbuf *fresh[XP_RX_CHUNK], *back[XP_RX_CHUNK];
	uint64_t res[XP_RX_CHUNK];
	struct qp_slot *last = NULL;
	const uint32_t mask = rxq->mask, cap = xq->cap;
	uint32_t head, posted = 0, errors = 0, nb_back;
	uint64_t bytes = 0;
	uint16_t out = 0, scanned = 0;

	/* Relaxed: a hint; xp_rx_reset() acquires. */
	if (unlikely(__atomic_load_n(&xq->reset_req, __ATOMIC_RELAXED) != xq->reset_done))
		xp_rx_reset(rxq, xq);
	head = rxq->head;
	while (scanned < nb_pkts) {
		/* Never more than the ring: a scan that wrapped would see the
		 * same completed slots twice.
		 */
		uint32_t want = RTE_MIN(RTE_MIN((uint32_t)(nb_pkts - scanned), XP_RX_CHUNK),
					mask + 1);
		uint32_t k, j;

		for (k = 0; k < want; k++) {
			/* The result word: indicator, length and status in one
			 * load (the peer may change the slot at any moment; this
			 * one reading is what counts).
			 */
			res[k] = qp_slot_result(&slots[(head + k) & mask]); /* D1 */
			if (QP_RES_IND(res[k]) != QP_IND_DONE)
				break;
			rte_prefetch0(shadow[(head + k) & mask]);
		}
		if (k == 0)
			break;
		if (unlikely(rte_mempool_get_bulk(xq->mp, (void **)fresh, k) != 0)) {
			rxq->c[QP_RXC_NOMBUF] += k;
			break;
		}
		nb_back = 0;
		for (j = 0; j < k; j++) {
			const uint32_t idx = (head + j) & mask;
			struct qp_slot *s = &slots[idx];
			struct rte_mbuf *m = shadow[idx];
			const uint32_t len = QP_RES_LEN(res[j]);
			const uint16_t st = QP_RES_STATUS(res[j]);
			struct qpring_wb w;

			if (wb && (st & QP_ST_F_WB))
				xp_wb_read(s, &w); /* before the WQE overwrites it */
			xp_post(xq, s, fresh[j]);
			shadow[idx] = fresh[j];
			last = s;
			if (unlikely((st & QP_ST_MASK) != QP_ST_OK || len == 0 || len > cap)) {
				/* An error, a slot given back unused (skip), or a
				 * result that does not describe the buffer.
				 */
				errors += (st & QP_ST_MASK) != QP_ST_SKIP || len != 0;
				back[nb_back++] = m;
				continue;
			}
			xp_rearm(rxq, m, len);
			if (wb && (st & QP_ST_F_WB))
				xp_wb_apply(rxq, m, &w);
			bytes += len;
			pkts[out++] = m;
		}
		if (nb_back != 0)
			rte_mempool_put_bulk(xq->mp, (void **)back, nb_back);
		head += k;
		posted += k;
		scanned = (uint16_t)(scanned + k);
		if (k < want)
			break;
	}
	qpring_rx_publish(rxq, last, head, posted, out, bytes, errors);
	return out;
}

static uint16_t
xp_rx_burst(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct qpring_rxq *rxq = q;

	/* One copy of the loop per write-back setting: no per-frame test. */
	if (rxq->offloads & QPRING_RX_OFFLOAD_WB || rxq->port->ptypes)
		return xp_rx_common(rxq, pkts, nb_pkts, 1);
	return xp_rx_common(rxq, pkts, nb_pkts, 0);
}

/*
 * Receive burst with RTE_ETH_RX_OFFLOAD_SCATTER: a frame may span several
 * slots (QP_ST_F_MORE on every part but the last; the peer completes the
 * parts last to first, so a done first part means a whole frame). Every
 * part must be done and fit its buffer, else the frame is an error. At
 * most QP_MAX_RX_PARTS parts; returned as an mbuf chain.
 */
static uint16_t
xp_rx_scatter(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct qpring_rxq *rxq = q;
	struct xp_rxq *xq = rxq->wire_q;
	struct qp_slot *slots = rxq->hw->slots;
	struct rte_mbuf *fresh[QP_MAX_RX_PARTS];
	uint64_t res[QP_MAX_RX_PARTS];
	struct qp_slot *last = NULL;
	const uint32_t mask = rxq->mask, cap = xq->cap;
	uint32_t head, posted = 0, errors = 0;
	uint64_t bytes = 0;
	uint16_t out = 0;

	if (unlikely(__atomic_load_n(&xq->reset_req, __ATOMIC_RELAXED) != xq->reset_done))
		xp_rx_reset(rxq, xq);
	head = rxq->head;
	while (out < nb_pkts) {
		struct rte_mbuf *first = NULL, *prev = NULL;
		uint32_t parts = 1, total = 0, j;
		uint16_t wst, st;
		int bad = 0, waiting;
		struct qpring_wb w;

		res[0] = qp_slot_result(&slots[head & mask]); /* D1 */
		if (QP_RES_IND(res[0]) != QP_IND_DONE)
			break;
		/* The parts: "more" on all but the last, each one done (an
		 * honest peer completes the later parts first; a peer that says
		 * "more" of a slot it has not completed is waited for).
		 */
		waiting = 0;
		while ((QP_RES_STATUS(res[parts - 1]) & QP_ST_F_MORE) && parts < QP_MAX_RX_PARTS &&
		       parts <= mask) {
			res[parts] = qp_slot_result(&slots[(head + parts) & mask]); /* D1 */
			if (QP_RES_IND(res[parts]) != QP_IND_DONE) {
				waiting = 1;
				break;
			}
			parts++;
		}
		if (waiting)
			break; /* the next part is not done yet */
		if (unlikely(rte_mempool_get_bulk(xq->mp, (void **)fresh, parts) != 0)) {
			rxq->c[QP_RXC_NOMBUF] += parts;
			break;
		}
		wst = QP_RES_STATUS(res[0]);
		st = wst & QP_ST_MASK;
		if (wst & QP_ST_F_WB)
			xp_wb_read(&slots[head & mask], &w);
		for (j = 0; j < parts; j++) {
			const uint32_t idx = (head + j) & mask;
			struct qp_slot *ps = &slots[idx];
			struct rte_mbuf *m = xq->shadow[idx];
			uint32_t len = QP_RES_LEN(res[j]);

			if (len > cap) {
				bad = 1;
				len = 0;
			}
			xp_rearm(rxq, m, len);
			m->next = NULL;
			total += len;
			if (first == NULL)
				first = m;
			else
				prev->next = m;
			prev = m;
			xp_post(xq, ps, fresh[j]);
			xq->shadow[idx] = fresh[j];
			last = ps;
		}
		first->nb_segs = (uint16_t)parts;
		first->pkt_len = total;
		head += parts;
		posted += parts;
		if (unlikely(st != QP_ST_OK || bad || total == 0)) {
			rte_pktmbuf_free(first);
			errors += st != QP_ST_SKIP || bad || total != 0;
			continue;
		}
		if (wst & QP_ST_F_WB)
			xp_wb_apply(rxq, first, &w);
		bytes += total;
		pkts[out++] = first;
	}
	qpring_rx_publish(rxq, last, head, posted, out, bytes, errors);
	return out;
}

/* The port's bursts: scatter if any queue may receive a frame in parts.
 * An empty ring (the common poll) costs a few loads: the slot at the
 * harvest point, and whether a recovery is asked for.
 */
static uint16_t
xp_rx_any(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	const struct qpring_rxq *rxq = q;
	const struct xp_rxq *xq = rxq->wire_q;

	if (QP_RES_IND(qp_slot_result(&rxq->hw->slots[rxq->head & rxq->mask])) != QP_IND_DONE &&
	    likely(__atomic_load_n(&xq->reset_req, __ATOMIC_RELAXED) == xq->reset_done))
		return 0; /* D1: nothing completed yet */
	if (xq->scatter)
		return xp_rx_scatter(q, pkts, nb_pkts);
	return xp_rx_burst(q, pkts, nb_pkts);
}

const struct qpring_rxmem_ops qpring_xproc_rxmem = {
	.setup = xp_rxq_setup,
	.release = xp_rxq_release,
	.fill = xp_rxq_fill,
	.drain = xp_rxq_drain,
	.burst = xp_rx_any,
};
