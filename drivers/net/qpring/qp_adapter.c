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

/* Copy the frame of send slot @ss into the buffer posted in receive slot @rs. */
static inline uint16_t
qp_place_copy(struct qp_slot *rs, const struct qp_slot *ss)
{
	const struct rte_mbuf *m;
	uint8_t *dst = (uint8_t *)(uintptr_t)rs->addr;
	uint32_t left = ss->len;

	if (unlikely(left > rs->len))
		return QP_ST_TOO_BIG;
	if (likely(ss->nb_segs <= 1)) {
		rte_memcpy(dst, (const void *)(uintptr_t)ss->addr, left);
		return QP_ST_OK;
	}
	/* A multi-buffer frame: the first buffer is (addr, len-of-segment),
	 * the rest follow the chain the WQE's cookie names.
	 */
	for (m = (const struct rte_mbuf *)(uintptr_t)ss->cookie; m != NULL && left > 0;
	     m = m->next) {
		uint32_t l = RTE_MIN((uint32_t)m->data_len, left);

		rte_memcpy(dst, (const uint8_t *)m->buf_addr + m->data_off, l);
		dst += l;
		left -= l;
	}
	return QP_ST_OK;
}

uint32_t
qp_adapter_service_sq(struct qp_hwq *sq, struct qp_hwq *rq, int zero_copy, uint32_t budget)
{
	struct qp_adapter_q *ad = &sq->ad;
	uint32_t n, i, head, rq_avail = 0, rq_head = 0, rq_mask = 0, filter = QP_RXF_PROMISC;
	uint32_t delivered = 0;
	uint64_t db, rq_db = 0;

	ad->polls++;
	n = qp_regs_pending(&sq->regs); /* A0: pairs with R1 of the send queue */
	if (n == 0) {
		ad->idle_polls++;
		return 0;
	}
	if (n > budget)
		n = budget;
	db = qp_regs_doorbell(&sq->regs);
	if (rq != NULL) {
		/* A0 on the receive queue: its posted buffers are visible. */
		rq_avail = qp_regs_pending(&rq->regs);
		rq_db = qp_regs_doorbell(&rq->regs);
		rq_head = rq->ad.head;
		rq_mask = rq->ad.mask;
		filter = __atomic_load_n(&rq->ad.rx_filter, __ATOMIC_RELAXED);
	}

	head = ad->head;
	for (i = 0; i < n; i++) {
		struct qp_slot *ss = &sq->slots[(head + i) & ad->mask];
		uint16_t st = QP_ST_OK;

		if (unlikely(rq == NULL)) {
			ad->no_link++;
			st = QP_ST_NO_LINK;
		} else if (unlikely(!qp_rx_accepts(&rq->ad, filter, ss))) {
			rq->ad.filtered++;
		} else if (unlikely(delivered == rq_avail &&
				    (rq_avail = qp_regs_pending(&rq->regs)) == delivered)) {
			/* Nothing posted even after a fresh look (A0 again). */
			rq->ad.no_buffer++;
		} else {
			struct qp_slot *rs = &rq->slots[(rq_head + delivered) & rq_mask];
			uint16_t rst = QP_ST_OK;

			if (zero_copy) {
				/* Exchange buffers: the frame's mbuf goes to
				 * the receiver, the posted one back to the
				 * sender, who frees it when it reuses the slot.
				 */
				uint64_t posted = rs->cookie;

				rs->cookie = ss->cookie;
				ss->cookie = posted;
			} else {
				rst = qp_place_copy(rs, ss);
			}
			if (unlikely(rst == QP_ST_TOO_BIG)) {
				rq->ad.too_big++;
			} else {
				if ((uintptr_t)rs == (rq_db & QP_DB_VA_MASK))
					qp_regs_clear_in_service(&rq->regs, rq_db);
				qp_slot_complete(rs, ss->len, rst); /* A1 */
				delivered++;
			}
		}
		if ((uintptr_t)ss == (db & QP_DB_VA_MASK))
			qp_regs_clear_in_service(&sq->regs, db);
		qp_slot_complete(ss, ss->len, st); /* A1 */
	}
	ad->head = head + n;
	ad->serviced += n;
	qp_regs_retire(&sq->regs, n);
	if (delivered != 0) {
		rq->ad.head = rq_head + delivered;
		rq->ad.serviced += delivered;
		qp_regs_retire(&rq->regs, delivered);
	}
	return n;
}

uint32_t
qp_hwq_flush(struct qp_hwq *q)
{
	uint32_t n = qp_regs_pending(&q->regs); /* A0 */
	uint32_t i;

	for (i = 0; i < n; i++)
		qp_slot_complete(&q->slots[(q->ad.head + i) & q->ad.mask], 0, QP_ST_FLUSHED);
	q->ad.head += n;
	qp_regs_retire(&q->regs, n);
	q->regs.doorbell &= ~QP_DB_IN_SERVICE;
	return n;
}

uint32_t
qp_hwq_count_done(const struct qp_hwq *q)
{
	uint32_t i, n = 0;

	for (i = 0; i <= q->ad.mask; i++)
		n += qp_slot_is_done(&q->slots[i]);
	return n;
}
