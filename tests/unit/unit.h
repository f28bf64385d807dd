/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * unit: the tiny harness of the hardware-model tests (no EAL). The CHECK
 * macros of tests/common/check.h, fake mbufs in memory the test owns, and
 * the driver's two moves (post a WQE, ring the doorbell) without mempools.
 */
#ifndef QP_UNIT_H
#define QP_UNIT_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_mbuf_core.h>

#include "../common/check.h"
#include "qp_adapter.h"

/* UNIT_CASE, CHECK, CHECK_EQ, REQUIRE: tests/common/check.h. */
#define UNIT_CASE(name) CHECK_CASE(name)

static inline int
unit_finish(void)
{
	return check_finish();
}

/* A queue's hardware in plain aligned memory, as the tests need no memzone. */
static inline struct qp_hwq *
unit_hwq_new(uint32_t nb_slots)
{
	size_t sz = RTE_ALIGN_CEIL(qp_hwq_size(nb_slots), RTE_CACHE_LINE_SIZE);
	struct qp_hwq *q = aligned_alloc(RTE_CACHE_LINE_SIZE, sz);

	REQUIRE(q != NULL, "aligned_alloc(%zu)", sz);
	/* Garbage first: qp_hwq_init() must not rely on zeroed memory. */
	memset(q, 0x5a, sz);
	qp_hwq_init(q, nb_slots);
	return q;
}

/*
 * A fake mbuf: only the fields the adapter and the driver's post read.
 * @buf is the buffer, @headroom the data offset, @len the data length.
 */
static inline void
unit_mbuf(struct rte_mbuf *m, void *buf, uint16_t buf_len, uint16_t headroom, uint16_t len)
{
	memset(m, 0, sizeof(*m));
	m->buf_addr = buf;
	m->buf_len = buf_len;
	m->data_off = headroom;
	m->data_len = len;
	m->pkt_len = len;
	m->nb_segs = 1;
	m->next = NULL;
}

static inline uint8_t *
unit_mtod(const struct rte_mbuf *m)
{
	return (uint8_t *)m->buf_addr + m->data_off;
}

/* Driver, send: a WQE for frame @m in @s, as qpring_tx_common() writes it. */
static inline void
unit_post_send(struct qp_slot *s, struct rte_mbuf *m)
{
	qp_slot_post(s, (uint64_t)(uintptr_t)unit_mtod(m), m->pkt_len, (uint64_t)(uintptr_t)m,
		     QP_WQE_F_SEND, m->nb_segs);
}

/* Driver, receive: post the empty buffer of @m in @s, as qpring_rx_common() does. */
static inline void
unit_post_recv(struct qp_slot *s, struct rte_mbuf *m)
{
	qp_slot_post(s, (uint64_t)(uintptr_t)unit_mtod(m), (uint32_t)(m->buf_len - m->data_off),
		     (uint64_t)(uintptr_t)m, QP_WQE_F_RECV, 1);
}

/* A receiving port of one receive queue @rq (NULL: none), published as the
 * driver does at queue start: posted buffers hold @buf_cap bytes (0:
 * credits, zero copy).
 */
static inline void
unit_rxport(struct qp_rxport *rp, struct qp_hwq *rq, uint32_t buf_cap, int scatter)
{
	qp_rxport_init(rp);
	rp->nb_rq = 1;
	if (rq != NULL)
		qp_rxport_publish(rp, 0, rq, buf_cap, scatter);
}

/* Payload byte @i of frame @seq: checkable end to end. */
static inline uint8_t
unit_byte(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 131u + i * 7u + (i >> 8) + 1u);
}

#endif /* QP_UNIT_H */
