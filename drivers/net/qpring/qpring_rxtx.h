/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Fast-path helpers the receive burst and the control path's ring fill
 * share (qpring_rxtx.c, qpring_queue.c).
 */
#ifndef QPRING_RXTX_H
#define QPRING_RXTX_H

#include <rte_mbuf.h>

#include "qpring.h"

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

#endif /* QPRING_RXTX_H */
