/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The cross-process wire's view of the peer's receiving side: a struct
 * qp_rxport built from the peer's RXPORT (its rings through our mapping of
 * its region, address translation), published to this port's adapters and
 * taken away with the adapters quiesced, and the link refresh that follows
 * a change. Control lock held; never on a data path.
 */
#include <errno.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_malloc.h>

#include "qpring.h"
#include "qpring_wire.h"
#include "qpring_xproc.h"

void
xp_link_refresh(struct xp_port *x)
{
	qpring_link_refresh(x->p);
}

/* ------------------------------------------------------------ the view */

/*
 * G2 for the whole port: wait until no adapter of this port's send queues
 * is delivering. The caller has just changed the view pointer. 0, or
 * -ETIMEDOUT (an lcore that never leaves: the old view must not be freed).
 */
static int
xp_quiesce(struct xp_port *x)
{
	struct rte_eth_dev *dev = x->dev;
	uint16_t q;
	int ret = 0;

	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq != NULL && qpring_adapter_quiesce(txq->hw, "txq", x->p->port_id, q) != 0)
			ret = -ETIMEDOUT;
	}
	return ret;
}

/* The receiving port's settings as the adapter's receive offload bits. */
static uint32_t
xp_rxo(const struct qp_xproc_rxport *r)
{
	uint32_t rxo = 0;

	if (r->rx_offloads & RTE_ETH_RX_OFFLOAD_RSS_HASH)
		rxo |= QP_RXO_RSS_HASH;
	if (r->rx_offloads & (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
			      RTE_ETH_RX_OFFLOAD_TCP_CKSUM))
		rxo |= QP_RXO_CKSUM;
	if (r->rx_offloads & RTE_ETH_RX_OFFLOAD_VLAN_STRIP)
		rxo |= QP_RXO_VLAN_STRIP;
	if (r->flags & QP_XPROC_RXF_PTYPE)
		rxo |= QP_RXO_PTYPE;
	return rxo;
}

/*
 * The peer's receiving side as this process's adapters see it: its rings
 * through our mapping of its region (every ring inside it, checked when its
 * RXPORT came), the sizes it gave (the adapter masks every index with
 * them), and the translation of the addresses its slots carry.
 */
static void
xp_view_build(const struct xp_port *x, struct qp_rxport *v)
{
	const struct qp_xproc_rxport *r = &x->peer.rx;
	const struct qp_xproc_map *m = &x->peer.map;
	uint32_t q;

	qp_rxport_init(v);
	v->nb_rq = r->nb_rq;
	v->select = r->select == QP_XPROC_SELECT_RSS ? QP_RXSEL_RSS :
		    r->select == QP_XPROC_SELECT_SAME ? QP_RXSEL_SAME : QP_RXSEL_FIRST;
	v->filter = r->filter & (QP_RXF_PROMISC | QP_RXF_ALLMULTI);
	v->max_len = r->max_frame_len;
	v->mac = qp_mac_word(r->mac);
	v->offloads = xp_rxo(r);
	if (r->rss_key_len == QP_RSS_KEY_LEN) {
		uint16_t reta[QP_RETA_SIZE];

		RTE_BUILD_BUG_ON(QP_XPROC_RETA_SIZE != QP_RETA_SIZE);
		memcpy(reta, r->reta, sizeof(reta));
		qp_rxport_set_rss(v, r->rss_hf, r->rss_key, reta);
	}
	v->xlate = 1;
	v->va_lo = m->owner_va;
	v->va_hi = m->owner_va + m->size;
	v->va_delta = (int64_t)((uint64_t)(uintptr_t)m->base - m->owner_va);
	for (q = 0; q < r->nb_rq && q < QP_MAX_RQ; q++) {
		v->rq[q].mask = r->rq[q].nb_slots - 1;
		v->rq[q].buf_cap = r->rq[q].buf_size;
		v->rq[q].scatter = !!(r->rq[q].flags & QP_XPROC_RQ_F_SCATTER);
		v->rq[q].hw = (struct qp_hwq *)(void *)(m->base + r->rq[q].offset);
	}
}

/*
 * An adapter did not leave in time (a descheduled or dead lcore): the
 * views it may still read are never written again; a fresh pair is used
 * from now on (the old one is given up, as a stuck queue's memory is).
 */
static void
xp_views_abandon(struct xp_port *x)
{
	struct qp_rxport *nv = rte_zmalloc("qpring_xp_views", 2 * sizeof(*nv),
					   RTE_CACHE_LINE_SIZE);

	QPRING_LOG(ERR, "%s: an adapter still reads the view of the peer after %u ms: that "
		   "memory is given up", x->p->name, QPRING_QUIESCE_MS);
	if (nv == NULL)
		return; /* keep using the pair: nothing better to do */
	x->views = nv;
	x->view_next = 0;
}

/* Publish a fresh view of the peer (its UP, or a new RXPORT while up).
 * P1: sequentially consistent, then the adapters that may still read the
 * old one are waited for before it is written again.
 */
void
xp_view_publish(struct xp_port *x)
{
	struct qp_rxport *v = &x->views[x->view_next];

	xp_view_build(x, v);
	__atomic_store_n(&x->view, v, __ATOMIC_SEQ_CST);
	if (xp_quiesce(x) == 0)
		x->view_next ^= 1;
	else
		xp_views_abandon(x);
}

/* Take the view away; 0 once no adapter can use it (the peer's region may
 * then be unmapped).
 */
int
xp_view_unpublish(struct xp_port *x)
{
	if (__atomic_load_n(&x->view, __ATOMIC_RELAXED) == NULL)
		return 0;
	__atomic_store_n(&x->view, NULL, __ATOMIC_SEQ_CST);
	if (xp_quiesce(x) == 0)
		return 0;
	xp_views_abandon(x);
	return -ETIMEDOUT;
}
