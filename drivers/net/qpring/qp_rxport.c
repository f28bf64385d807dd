/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The receiving side of a port: control-path updates. Senders read it with
 * no lock; each update is published so that a sender sees either the old
 * or the new value of each setting, never a queue that is not set up.
 */
#include <string.h>

#include <rte_thash.h>

#include "qp_rxport.h"

void
qp_rxport_init(struct qp_rxport *rp)
{
	memset(rp, 0, sizeof(*rp));
	rp->select = QP_RXSEL_FIRST;
	rp->filter = QP_RXF_PROMISC;
}

void
qp_rxport_publish(struct qp_rxport *rp, uint32_t q, struct qp_hwq *hw, uint32_t buf_cap,
		  int scatter)
{
	struct qp_rxq_ref *r = &rp->rq[q];

	r->mask = hw->ad.mask;
	r->buf_cap = buf_cap;
	r->scatter = (uint32_t)scatter;
	/* P1: release; pairs with the senders' load in qp_rxport_rq(). */
	__atomic_store_n(&r->hw, hw, __ATOMIC_RELEASE);
}

void
qp_rxport_unpublish(struct qp_rxport *rp, uint32_t q)
{
	/* Sequentially consistent, then the caller fences and waits for the
	 * senders' adapter locks (G2).
	 */
	__atomic_store_n(&rp->rq[q].hw, NULL, __ATOMIC_SEQ_CST);
}

void
qp_rxport_set_rss(struct qp_rxport *rp, uint64_t hf, const uint8_t *key, const uint16_t *reta)
{
	uint32_t next = __atomic_load_n(&rp->rss_cur, __ATOMIC_RELAXED) ^ 1u;
	struct qp_rss *r = &rp->rss[next];
	uint32_t key_words[QP_RSS_KEY_LEN / 4];

	r->hf = hf;
	memcpy(r->key, key, QP_RSS_KEY_LEN);
	memcpy(key_words, key, QP_RSS_KEY_LEN);
	rte_convert_rss_key(key_words, r->key_be, QP_RSS_KEY_LEN);
	memcpy(r->reta, reta, sizeof(r->reta));
	/* Release: a sender that loads the new index (acquire) sees the whole
	 * configuration written above.
	 */
	__atomic_store_n(&rp->rss_cur, next, __ATOMIC_RELEASE);
}
