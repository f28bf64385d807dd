/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The receive side's fast path (qpring_rx.c): its burst variants, and the
 * posting helpers the burst and the control path's ring fill share
 * (qpring_queue.c).
 */
#ifndef QPRING_RX_H
#define QPRING_RX_H

#include <rte_mbuf.h>

#include "qpring.h"

/* The receive-burst variants. */
enum qpring_rx_variant {
	QPRING_RX_COPY,       /* harvest buffers the adapter copied into */
	QPRING_RX_COPY_OL,    /* ... with receive offloads written back */
	QPRING_RX_ZC,         /* harvest the sender's buffers (copy=0) */
	QPRING_RX_ZC_OL,      /* ... with receive offloads written back */
	QPRING_RX_SCATTER,    /* frames may span several slots (offloads too) */
	QPRING_RX_WIRE,       /* inline adapter fills from the wire first (pcap) */
	QPRING_RX_REFUSED,
	QPRING_RX_NR
};

/* Their burst functions (qpring_burst_select() picks one per port). */
uint16_t qpring_rx_copy(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_rx_copy_ol(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_rx_zc(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_rx_zc_ol(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_rx_scatter(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_rx_wire(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);

/* Descriptor operations (rte_eth_rx_queue_count(), ..._descriptor_status()). */
uint32_t qpring_rx_queue_count(void *rxq);
int qpring_rx_descriptor_status(void *rxq, uint16_t offset);

/* Post an empty buffer (raw from the pool) into a receive slot. */
static __rte_always_inline void
qpring_rx_post(const struct qpring_rxq *rxq, struct qp_slot *s, struct rte_mbuf *nm)
{
	/* An ordinary pktmbuf pool keeps each buffer right behind its mbuf
	 * (and private area): the address is known without loading the
	 * mbuf's header, which is cold here.
	 */
	if (likely(rxq->flat_pool))
		qp_slot_post(s, (uintptr_t)nm + rxq->buf_off, rxq->buf_cap, (uintptr_t)nm,
			     QP_WQE_F_RECV, 1);
	else
		qp_slot_post(s, (uintptr_t)nm->buf_addr + rxq->headroom,
			     (uint32_t)(nm->buf_len - rxq->headroom), (uintptr_t)nm,
			     QP_WQE_F_RECV, 1);
}

/* Post a credit (zero copy): no buffer, the right to one frame. The
 * cookie is cleared: the adapter puts the sender's mbuf there.
 */
static __rte_always_inline void
qpring_rx_post_credit(struct qp_slot *s)
{
	s->cookie = 0;
	s->len = 0;
	s->flags = QP_WQE_F_RECV;
	s->nb_segs = 1;
	/* Relaxed: published by the doorbell's release (R1). */
	__atomic_store_n(&s->res, QP_RES(0, 0, QP_IND_POSTED), __ATOMIC_RELAXED);
}

/*
 * End of a receive burst: one doorbell for every slot re-posted (the newest
 * is @last), the harvest point moved to @head, and the burst's counters.
 */
static __rte_always_inline void
qpring_rx_publish(struct qpring_rxq *rxq, const struct qp_slot *last, uint32_t head,
		  uint32_t posted, uint16_t out, uint64_t bytes, uint32_t errors)
{
	if (posted == 0)
		return;
	qp_doorbell_ring(&rxq->hw->regs, last, posted); /* R1 */
	rxq->head = head;
	rxq->c[QP_RXC_DOORBELLS]++;
	rxq->c[QP_RXC_POSTED] += posted;
	rxq->c[QP_RXC_PKTS] += out;
	rxq->c[QP_RXC_BYTES] += bytes;
	rxq->c[QP_RXC_ERRORS] += errors;
}

/* A completed receive slot's write-back, read before the slot is re-posted. */
struct qpring_wb {
	uint32_t hash;
	uint32_t ptype;
	uint16_t vlan;
	uint16_t ol;
	uint16_t off;
};

/*
 * The adapter's receive offloads into mbuf @m: hash, packet type, the
 * stripped tag; returns the ol_flags to add, checksum flags among them
 * (UNKNOWN where the adapter could not check: neither GOOD nor BAD). Where
 * the frame starts (a strip moved it) is the caller's: it depends on whose
 * buffer holds the frame.
 */
uint64_t qpring_wb_offloads(const struct qpring_rxq *rxq, struct rte_mbuf *m,
			    const struct qpring_wb *w);

#endif /* QPRING_RX_H */
