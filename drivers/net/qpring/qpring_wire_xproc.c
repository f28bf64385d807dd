/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The cross-process wire: this port and a net_qpring port of another DPDK
 * process, cabled through a Unix socket (xproc=<path>, one side
 * xproc_role=server, the other client) that carries the control protocol
 * of qpring_xproc_proto.h. Each side shares its receive region (memfd);
 * each side's adapters copy frames straight into the buffers the other
 * side posted there, through a private view of the other side's receiving
 * side (struct qp_rxport with address translation) built from its RXPORT.
 *
 * The connection runs on EAL's interrupt thread (socket callbacks, and one
 * alarm every XP_TICK_MS for connects, time limits and settings), and on
 * the control paths (start, stop, queue set-up and release, close), all
 * under the control lock. The interrupt thread never waits for that lock:
 * it tries it, and comes back later if another path holds it, so a
 * control path may wait for the interrupt thread's callbacks to end.
 *
 * Life of a connection:
 *   connect/accept -> both send HELLO -> (HELLO checked) both send REGION
 *   -> when a side is started and its receive queues are ready: RXPORT, UP
 *   -> the other side maps, checks, builds its view and delivers;
 *   a side that stops (or releases a receive queue) sends DOWN and waits
 *   for DOWN_ACK before its buffers are its own again; BYE at close.
 *   A socket that closes without BYE is a peer gone: the view is dropped
 *   (adapters quiesced first), the peer's region unmapped, and the rings
 *   the peer may have left half-claimed are recovered by their own lcores
 *   (qpring_xproc_rx.c) before the next peer may deliver.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_alarm.h>
#include <rte_cycles.h>
#include <rte_interrupts.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "qpring.h"
#include "qpring_wire.h"
#include "qpring_xproc.h"

#define XP_TICK_MS       10u    /* the control alarm's period */
#define XP_RETRY_MS      100u   /* client: next connect when no server listens */
#define XP_RETRY_SLOW_MS 1000u  /* client: after a refusal or a configuration error */
#define XP_HELLO_MS      5000u  /* a connection's HELLO must come by then */
#define XP_ACK_MS        1500u  /* DOWN_ACK must come by then (the peer may
				 * wait up to QPRING_QUIESCE_MS for its adapters) */
#define XP_WHY_LEN       256u

static void xp_tick(void *arg);
static void xp_fd_cb(void *arg);

static uint64_t
xp_ms_tsc(uint32_t ms)
{
	return rte_get_timer_hz() * ms / 1000;
}

static const char *
xp_role_str(uint8_t role)
{
	return role == QP_XPROC_ROLE_SERVER ? "server" : "client";
}

/*
 * What both processes must agree on to share a ring: the offsets of every
 * field one side writes and the other reads. A build of the driver with
 * another layout has another id (HELLO; refused as a layout mismatch).
 */
static uint32_t
xp_layout_id(void)
{
	const uint32_t f[] = {
		sizeof(struct qp_regs), sizeof(struct qp_adapter_q), sizeof(struct qp_hwq),
		offsetof(struct qp_hwq, ad), offsetof(struct qp_adapter_q, head),
		offsetof(struct qp_adapter_q, serviced), offsetof(struct qp_adapter_q, no_buffer),
		offsetof(struct qp_adapter_q, too_big), offsetof(struct qp_adapter_q, filtered),
		offsetof(struct qp_regs, pending), offsetof(struct qp_slot, res_len),
		offsetof(struct qp_slot, indicator), QP_IND_DONE, QP_ST_F_MORE, QP_ST_F_WB,
		QP_WB_RSS | QP_WB_PTYPE << 4 | QP_WB_VLAN << 8,
	};
	uint32_t h = 2166136261u, i; /* FNV-1a */

	for (i = 0; i < RTE_DIM(f); i++) {
		h ^= f[i];
		h *= 16777619u;
	}
	return h;
}

/* ------------------------------------------------------------ fd sources */

/* EAL's removal callback of a source (its lock held): the fd is ours. */
static void
xp_src_free_cb(struct rte_intr_handle *ih, void *arg)
{
	struct xp_fdsrc *src = arg;

	RTE_SET_USED(ih);
	if (src->fd >= 0)
		close(src->fd);
	rte_intr_instance_free(src->ih);
	free(src);
}

static struct xp_fdsrc *
xp_src_new(struct xp_port *x, int fd, uint8_t listener)
{
	struct xp_fdsrc *src = calloc(1, sizeof(*src));
	int ret;

	if (src == NULL)
		return NULL;
	src->fd = fd;
	src->x = x;
	src->listener = listener;
	src->ih = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (src->ih == NULL)
		goto err_free;
	if (rte_intr_fd_set(src->ih, fd) != 0 || rte_intr_type_set(src->ih, RTE_INTR_HANDLE_EXT))
		goto err_ih;
	ret = rte_intr_callback_register(src->ih, xp_fd_cb, src);
	if (ret != 0) {
		QPRING_LOG(ERR, "%s: cannot watch fd %d on the interrupt thread: %s",
			   x->p->name, fd, rte_strerror(-ret));
		goto err_ih;
	}
	return src;

err_ih:
	rte_intr_instance_free(src->ih);
err_free:
	free(src);
	return NULL;
}

/*
 * Control lock held: stop watching @src and close its fd. Its callback may
 * be running on the interrupt thread: if that is this thread, it is the
 * caller's callback (removed when it returns); if another thread runs it,
 * that callback is waiting for the control lock and, once it has it,
 * finds the source orphaned and removes it itself (the shutdown keeps the
 * fd readable so that it does come back).
 */
static void
xp_src_drop(struct xp_fdsrc *src)
{
	int ret;

	if (src == NULL)
		return;
	src->x = NULL;
	ret = rte_intr_callback_unregister(src->ih, xp_fd_cb, src);
	if (ret >= 0) {
		xp_src_free_cb(src->ih, src);
		return;
	}
	if (rte_thread_is_intr()) {
		ret = rte_intr_callback_unregister_pending(src->ih, xp_fd_cb, src, xp_src_free_cb);
		if (ret >= 0)
			return;
	}
	shutdown(src->fd, SHUT_RDWR);
}

/* ------------------------------------------------------------ link */

static int
xp_link(const struct xp_port *x)
{
	return x->state == XP_OPEN && x->our_up && x->peer.up &&
	       __atomic_load_n(&x->view, __ATOMIC_RELAXED) != NULL;
}

static void
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
static void
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
static int
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

/* ------------------------------------------------------- messages out */

static int
xp_send(struct xp_port *x, struct qp_xproc_msg *m)
{
	char why[XP_WHY_LEN] = "";
	int ret = qp_xproc_send(&x->ch, m, why, sizeof(why));

	if (ret != 0)
		QPRING_LOG(ERR, "%s: %s", x->p->name, why);
	return ret;
}

static int
xp_send_state(struct xp_port *x, uint16_t type, uint32_t epoch)
{
	struct qp_xproc_msg m;

	qp_xproc_msg_init(&m, type);
	m.u.state.epoch = epoch;
	return xp_send(x, &m);
}

static void
xp_hello_fill(const struct xp_port *x, struct qp_xproc_hello *h)
{
	memset(h, 0, sizeof(*h));
	h->role = x->conf.role;
	h->pid = (uint32_t)getpid();
	h->features = QP_XPROC_F_NONE;
	h->layout_id = xp_layout_id();
	h->slot_size = sizeof(struct qp_slot);
	h->ring_hdr_size = (uint32_t)sizeof(struct qp_hwq);
	strlcpy(h->name, x->p->name, sizeof(h->name));
}

/*
 * This port's receiving side as an RXPORT. -EAGAIN while a receive queue
 * is not set up (a run-time set-up in progress).
 */
static int
xp_rxport_build(const struct xp_port *x, struct qp_xproc_rxport *r)
{
	const struct rte_eth_dev *dev = x->dev;
	const struct qpring_port *p = x->p;
	const struct qp_rss *rss;
	uint32_t q, sel;

	memset(r, 0, sizeof(*r));
	if (dev->data->nb_rx_queues > QP_XPROC_RQ_MAX)
		return -EINVAL;
	memcpy(r->mac, &p->mac, sizeof(r->mac));
	r->nb_rq = dev->data->nb_rx_queues;
	r->filter = __atomic_load_n(&p->rx.filter, __ATOMIC_RELAXED) & QP_XPROC_FILTER_ALL;
	r->max_frame_len = RTE_MIN(RTE_MAX(__atomic_load_n(&p->rx.max_len, __ATOMIC_RELAXED),
					   QP_XPROC_FRAME_MIN), QP_XPROC_FRAME_MAX);
	r->rx_offloads = dev->data->dev_conf.rxmode.offloads;
	if (__atomic_load_n(&p->rx.offloads, __ATOMIC_RELAXED) & QP_RXO_PTYPE)
		r->flags |= QP_XPROC_RXF_PTYPE;
	sel = __atomic_load_n(&p->rx.select, __ATOMIC_RELAXED);
	if (r->nb_rq != 0) {
		rss = &p->rx.rss[__atomic_load_n(&p->rx.rss_cur, __ATOMIC_ACQUIRE) & 1u];
		r->rss_hf = rss->hf;
		r->rss_key_len = QP_XPROC_RSS_KEY_LEN;
		r->reta_size = QP_XPROC_RETA_SIZE;
		memcpy(r->rss_key, rss->key, sizeof(r->rss_key));
		for (q = 0; q < QP_XPROC_RETA_SIZE; q++)
			r->reta[q] = rss->reta[q] < r->nb_rq ? rss->reta[q] : 0;
		r->select = sel == QP_RXSEL_RSS ? QP_XPROC_SELECT_RSS :
			    sel == QP_RXSEL_SAME ? QP_XPROC_SELECT_SAME : QP_XPROC_SELECT_FIRST;
	}
	for (q = 0; q < r->nb_rq; q++) {
		const struct qpring_rxq *rxq = dev->data->rx_queues[q];
		const struct xp_rxq *xq;

		if (rxq == NULL || rxq->wire_q == NULL)
			return -EAGAIN;
		xq = rxq->wire_q;
		r->rq[q].offset = xq->ring_off;
		r->rq[q].region_id = 0;
		r->rq[q].nb_slots = rxq->nb_desc;
		r->rq[q].buf_size = xq->cap;
		r->rq[q].flags = xq->scatter ? QP_XPROC_RQ_F_SCATTER : 0;
	}
	return 0;
}

/* --------------------------------------------------------- connection */

/* Every started receive queue must be recovered by its lcore before a new
 * peer delivers (the old one may have left slots claimed, not completed).
 */
static void
xp_request_resets(struct xp_port *x)
{
	struct rte_eth_dev *dev = x->dev;
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];
		struct xp_rxq *xq;

		if (rxq == NULL || !rxq->started || rxq->wire_q == NULL)
			continue;
		xq = rxq->wire_q;
		/* Release: pairs with the acquire in xp_rx_reset(). */
		__atomic_store_n(&xq->reset_req, xq->reset_req + 1, __ATOMIC_RELEASE);
	}
}

/* Are the receive queues ready for a peer: all set up, none waiting for
 * its recovery?
 */
static int
xp_rx_ready(const struct xp_port *x)
{
	const struct rte_eth_dev *dev = x->dev;
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct qpring_rxq *rxq = dev->data->rx_queues[q];
		const struct xp_rxq *xq;

		if (rxq == NULL || rxq->wire_q == NULL)
			return 0;
		xq = rxq->wire_q;
		/* Acquire: pairs with R-D's release in xp_rx_reset(). */
		if (__atomic_load_n(&xq->reset_done, __ATOMIC_ACQUIRE) !=
		    __atomic_load_n(&xq->reset_req, __ATOMIC_RELAXED))
			return 0;
	}
	return 1;
}

/*
 * The connection ends (whatever the reason, logged by the caller): the
 * peer's view goes (adapters quiesced before its region is unmapped), our
 * rings are to be recovered if the peer could deliver into them, and the
 * link goes down. A client connects again later; a server accepts the next.
 */
static void
xp_conn_drop(struct xp_port *x, uint32_t retry_ms)
{
	if (x->csrc == NULL)
		return;
	xp_src_drop(x->csrc);
	x->csrc = NULL;
	x->ch.fd = -1;
	x->state = XP_IDLE;
	x->drops++;
	if (xp_view_unpublish(x) == 0) {
		qp_xproc_unmap_region(&x->peer.map);
	} else {
		QPRING_LOG(ERR, "%s: an adapter did not leave the peer's memory: its mapping is "
			   "kept until the port closes", x->p->name);
		memset(&x->peer.map, 0, sizeof(x->peer.map)); /* leaked on purpose */
	}
	if (x->our_up)
		xp_request_resets(x);
	x->our_up = 0;
	memset(&x->peer, 0, sizeof(x->peer));
	x->retry_at = rte_get_timer_cycles() + xp_ms_tsc(retry_ms);
	xp_link_refresh(x);
}

/* Refuse the peer with @reason (it is told why), then drop. */
static void
xp_refuse(struct xp_port *x, uint32_t reason, const char *why)
{
	QPRING_LOG(ERR, "%s: refusing peer %s: %s (%s)", x->p->name,
		   x->peer.hello.name[0] ? x->peer.hello.name : "(unnamed)", why,
		   qp_xproc_refuse_str(reason));
	(void)qp_xproc_send_refuse(&x->ch, reason, why);
	x->refusals++;
	xp_conn_drop(x, XP_RETRY_SLOW_MS);
}

/* A new connection (accepted or connected): say HELLO. */
static void
xp_conn_open(struct xp_port *x, int fd)
{
	struct qp_xproc_msg m;

	x->csrc = xp_src_new(x, fd, 0);
	if (x->csrc == NULL) {
		close(fd);
		return;
	}
	qp_xproc_chan_init(&x->ch, fd);
	x->state = XP_HELLO;
	x->deadline = rte_get_timer_cycles() + xp_ms_tsc(XP_HELLO_MS);
	x->connects++;
	memset(&x->peer, 0, sizeof(x->peer));
	x->peer.pid = qp_xproc_peer_pid(fd);
	qp_xproc_msg_init(&m, QP_XPROC_HELLO);
	xp_hello_fill(x, &m.u.hello);
	if (xp_send(x, &m) != 0)
		xp_conn_drop(x, XP_RETRY_MS);
}

/* Client: try to connect now. */
static void
xp_connect(struct xp_port *x)
{
	char why[XP_WHY_LEN] = "";
	int fd = -1, ret;

	ret = qp_xproc_connect(x->conf.path, &fd, why, sizeof(why));
	if (ret == 0) {
		x->logged_retry = 0;
		xp_conn_open(x, fd);
		return;
	}
	if (ret == -EAGAIN) {
		x->retry_at = rte_get_timer_cycles() + xp_ms_tsc(XP_RETRY_MS);
		return;
	}
	if (!x->logged_retry)
		QPRING_LOG(ERR, "%s: %s (trying again every %u ms)", x->p->name, why,
			   XP_RETRY_SLOW_MS);
	x->logged_retry = 1;
	x->retry_at = rte_get_timer_cycles() + xp_ms_tsc(XP_RETRY_SLOW_MS);
}

/* Server: a client knocks. One peer at a time: another is refused busy. */
static void
xp_accept(struct xp_port *x)
{
	char why[XP_WHY_LEN] = "", text[2 * RTE_DEV_NAME_MAX_LEN + 64];
	int fd = -1, ret;

	if (x->csrc != NULL) {
		snprintf(text, sizeof(text), "busy: %s already has a peer (%s, pid %d)",
			 x->p->name, x->peer.hello.name[0] ? x->peer.hello.name : "connecting",
			 x->peer.pid);
		if (qp_xproc_accept_refuse(&x->lis, QP_XPROC_REFUSE_BUSY, text) > 0) {
			QPRING_LOG(WARNING, "%s: a second client on %s refused: %s", x->p->name,
				   x->conf.path, text);
			x->refusals++;
		}
		return;
	}
	ret = qp_xproc_accept(&x->lis, &fd, why, sizeof(why));
	if (ret == -EAGAIN)
		return;
	if (ret != 0) {
		QPRING_LOG(ERR, "%s: %s", x->p->name, why);
		return;
	}
	xp_conn_open(x, fd);
}

/* Send our REGION (after HELLO): the peer maps our receive region. */
static int
xp_send_region(struct xp_port *x)
{
	struct qp_xproc_msg m;

	qp_xproc_msg_init(&m, QP_XPROC_REGION);
	m.u.region.id = 0;
	m.u.region.size = x->reg.size;
	m.u.region.owner_va = (uint64_t)(uintptr_t)x->reg.base;
	m.fd = x->reg.fd; /* stays ours: sendmsg passes a copy */
	return xp_send(x, &m);
}

/* What to do with one message from the peer (control lock held). */
static void
xp_handle(struct xp_port *x, struct qp_xproc_msg *m)
{
	char why[XP_WHY_LEN] = "";
	uint32_t reason = 0;
	struct qp_xproc_hello ours;

	if (m->hdr.type == QP_XPROC_REFUSE) {
		QPRING_LOG(ERR, "%s: refused by the peer on %s: %s (reason %u, %s)", x->p->name,
			   x->conf.path, m->u.refuse.text, m->u.refuse.reason,
			   qp_xproc_refuse_str(m->u.refuse.reason));
		x->refusals++;
		xp_conn_drop(x, XP_RETRY_SLOW_MS);
		return;
	}
	if (x->state == XP_HELLO && m->hdr.type != QP_XPROC_HELLO) {
		snprintf(why, sizeof(why), "%s before HELLO", qp_xproc_type_str(m->hdr.type));
		xp_refuse(x, QP_XPROC_REFUSE_STATE, why);
		return;
	}
	switch (m->hdr.type) {
	case QP_XPROC_HELLO:
		if (x->state != XP_HELLO) {
			xp_refuse(x, QP_XPROC_REFUSE_STATE, "a second HELLO");
			return;
		}
		x->peer.hello = m->u.hello;
		xp_hello_fill(x, &ours);
		if (qp_xproc_hello_check(&ours, &m->u.hello, &reason, why, sizeof(why)) != 0) {
			xp_refuse(x, reason, why);
			return;
		}
		x->state = XP_OPEN;
		QPRING_LOG(INFO, "%s: connected to %s (pid %d) on %s", x->p->name,
			   m->u.hello.name, x->peer.pid, x->conf.path);
		if (xp_send_region(x) != 0)
			xp_conn_drop(x, XP_RETRY_MS);
		return;
	case QP_XPROC_REGION:
		if (m->u.region.id != 0 || x->peer.map.base != NULL) {
			xp_refuse(x, QP_XPROC_REFUSE_STATE, "one REGION (id 0) per connection");
			return;
		}
		if (qp_xproc_map_region(&m->u.region, m->fd, &x->peer.map, why,
					sizeof(why)) != 0) {
			xp_refuse(x, QP_XPROC_REFUSE_REGION, why);
			return;
		}
		return;
	case QP_XPROC_RXPORT:
		if (x->peer.map.base == NULL) {
			xp_refuse(x, QP_XPROC_REFUSE_STATE, "RXPORT before REGION");
			return;
		}
		if (qp_xproc_rxport_check(&m->u.rxport, &x->peer.map, 1, sizeof(struct qp_hwq),
					  sizeof(struct qp_slot), why, sizeof(why)) != 0) {
			xp_refuse(x, QP_XPROC_REFUSE_REGION, why);
			return;
		}
		x->peer.rx = m->u.rxport;
		x->peer.has_rx = 1;
		if (x->peer.up)
			xp_view_publish(x); /* new settings while up */
		return;
	case QP_XPROC_UP:
		if (!x->peer.has_rx) {
			xp_refuse(x, QP_XPROC_REFUSE_STATE, "UP before RXPORT");
			return;
		}
		x->peer.up = 1;
		x->peer.epoch = m->u.state.epoch;
		xp_view_publish(x);
		xp_link_refresh(x);
		return;
	case QP_XPROC_DOWN:
		x->peer.up = 0;
		if (xp_view_unpublish(x) != 0) {
			/* Saying DOWN_ACK would let the peer reuse buffers an
			 * adapter here may still write: the connection goes.
			 */
			xp_refuse(x, QP_XPROC_REFUSE_INTERNAL, "an adapter did not stop in time");
			return;
		}
		xp_link_refresh(x);
		if (xp_send_state(x, QP_XPROC_DOWN_ACK, m->u.state.epoch) != 0)
			xp_conn_drop(x, XP_RETRY_MS);
		return;
	case QP_XPROC_DOWN_ACK:
		if (x->our_up && m->u.state.epoch == x->epoch) {
			x->our_up = 0;
			xp_link_refresh(x);
		}
		return;
	case QP_XPROC_BYE:
		QPRING_LOG(INFO, "%s: peer %s closed its port", x->p->name, x->peer.hello.name);
		xp_conn_drop(x, XP_RETRY_MS);
		return;
	default:
		xp_refuse(x, QP_XPROC_REFUSE_STATE, "unexpected message");
		return;
	}
}

/* Read and handle what the peer sent, at most @max messages. */
static void
xp_pump(struct xp_port *x, unsigned int max)
{
	struct qp_xproc_msg m;
	char why[XP_WHY_LEN];
	unsigned int i;
	int ret;

	for (i = 0; i < max && x->csrc != NULL; i++) {
		why[0] = '\0';
		ret = qp_xproc_recv(&x->ch, &m, why, sizeof(why));
		if (ret == 0)
			return;
		if (ret < 0) {
			if (ret == -ECONNRESET && x->state == XP_HELLO) {
				/* A socket probe, or a peer that left at once. */
				QPRING_LOG(DEBUG, "%s: a connection closed before HELLO",
					   x->p->name);
				xp_conn_drop(x, XP_RETRY_MS);
			} else if (ret == -ECONNRESET) {
				QPRING_LOG(WARNING, "%s: peer %s (pid %d) is gone%s", x->p->name,
					   x->peer.hello.name[0] ? x->peer.hello.name : "(unnamed)",
					   x->peer.pid, x->our_up || x->peer.up ?
					   " without a goodbye: link down, rings recovered" : "");
				xp_conn_drop(x, XP_RETRY_MS);
			} else {
				xp_refuse(x, qp_xproc_refuse_reason(ret), why);
			}
			return;
		}
		xp_handle(x, &m);
		qp_xproc_msg_clear(&m);
	}
}

/* ------------------------------------------------------ control steps */

/* Control lock held: tell the peer it may deliver (RXPORT, UP) once this
 * port is started and its receive queues are ready; tell it new receive
 * settings while up.
 */
static void
xp_advertise(struct xp_port *x)
{
	uint8_t enc[QP_XPROC_MSG_MAX];
	struct qp_xproc_msg m;

	if (x->state != XP_OPEN || !x->p->started)
		return;
	if (x->our_up) {
		/* New settings: the message differs from the last one sent. */
		qp_xproc_msg_init(&m, QP_XPROC_RXPORT);
		m.hdr.seq = x->ch.tx_seq;
		if (xp_rxport_build(x, &m.u.rxport) != 0 ||
		    qp_xproc_encode(&m, enc, sizeof(enc), NULL, 0) != x->sent_len ||
		    memcmp(enc + QP_XPROC_HDR_LEN, x->sent + QP_XPROC_HDR_LEN,
			   (size_t)x->sent_len - QP_XPROC_HDR_LEN) == 0)
			return;
		if (xp_send(x, &m) != 0) {
			xp_conn_drop(x, XP_RETRY_MS);
			return;
		}
		memcpy(x->sent, enc, sizeof(enc));
		return;
	}
	if (!xp_rx_ready(x))
		return;
	qp_xproc_msg_init(&m, QP_XPROC_RXPORT);
	if (xp_rxport_build(x, &m.u.rxport) != 0)
		return;
	m.hdr.seq = x->ch.tx_seq;
	x->sent_len = qp_xproc_encode(&m, x->sent, sizeof(x->sent), NULL, 0);
	if (xp_send(x, &m) != 0 || xp_send_state(x, QP_XPROC_UP, x->epoch) != 0) {
		xp_conn_drop(x, XP_RETRY_MS);
		return;
	}
	x->our_up = 1;
	xp_link_refresh(x);
}

/*
 * Control lock held: after this, the peer no longer delivers into our
 * rings. DOWN, then the peer's DOWN_ACK (its adapters have left our
 * memory); meanwhile its other messages are handled here. A peer that
 * does not answer in XP_ACK_MS is dropped: nothing it writes into our
 * region afterwards is trusted anyway.
 */
void
xp_withdraw(struct xp_port *x, const char *why)
{
	uint64_t start, limit;

	if (x == NULL || !x->our_up)
		return;
	if (x->csrc == NULL) {
		x->our_up = 0;
		return;
	}
	if (xp_send_state(x, QP_XPROC_DOWN, x->epoch) != 0) {
		xp_conn_drop(x, XP_RETRY_MS);
		return;
	}
	start = rte_get_timer_cycles();
	limit = start + xp_ms_tsc(XP_ACK_MS);
	while (x->our_up && x->csrc != NULL) {
		struct pollfd pfd = { .fd = x->ch.fd, .events = POLLIN };
		uint64_t now = rte_get_timer_cycles();

		if (now >= limit) {
			QPRING_LOG(ERR, "%s: peer %s did not answer DOWN within %u ms: dropped",
				   x->p->name, x->peer.hello.name, XP_ACK_MS);
			xp_conn_drop(x, XP_RETRY_MS);
			break;
		}
		(void)poll(&pfd, 1, (int)((limit - now) * 1000 / rte_get_timer_hz()) + 1);
		xp_pump(x, 16);
	}
	if (x->csrc != NULL)
		QPRING_LOG(INFO, "%s: %s: the peer let go of our rings (DOWN_ACK after %.3f ms)",
			   x->p->name, why, (double)(rte_get_timer_cycles() - start) * 1e3 /
			   (double)rte_get_timer_hz());
	x->our_up = 0;
}

/* The interrupt thread's entry for a socket. */
static void
xp_fd_cb(void *arg)
{
	struct xp_fdsrc *src = arg;
	struct xp_port *x;

	if (!qpring_trylock()) {
		/* A control path holds the lock (and may be reading this very
		 * socket): come back shortly, the fd is still readable.
		 */
		rte_delay_us_sleep(100);
		return;
	}
	x = src->x;
	if (x == NULL) {
		/* Orphaned by xp_src_drop() while this callback waited. */
		(void)rte_intr_callback_unregister_pending(src->ih, xp_fd_cb, src, xp_src_free_cb);
	} else if (src->listener) {
		xp_accept(x);
	} else {
		xp_pump(x, 64);
	}
	qpring_unlock(); /* delivers link events: nothing of x is used after it */
}

/* The alarm: connects, time limits, advertising. */
static void
xp_tick(void *arg)
{
	struct xp_port *x = arg;

	if (!qpring_trylock()) {
		rte_eal_alarm_set(1000, xp_tick, x);
		return;
	}
	if (x->conf.role == QP_XPROC_ROLE_CLIENT && x->state == XP_IDLE &&
	    rte_get_timer_cycles() >= x->retry_at)
		xp_connect(x);
	if (x->state == XP_HELLO && rte_get_timer_cycles() > x->deadline)
		xp_refuse(x, QP_XPROC_REFUSE_STATE, "no HELLO in time");
	xp_advertise(x);
	/* Re-armed before the unlock: a close from a link event callback
	 * (delivered by the unlock) cancels it.
	 */
	rte_eal_alarm_set(XP_TICK_MS * 1000, xp_tick, x);
	qpring_unlock();
}

/* ------------------------------------------------------------ wire ops */

/* Probe, control lock held. */
static int
xp_attach(struct rte_eth_dev *dev, const struct qpring_args *a)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_proc *pp = dev->process_private;
	char why[XP_WHY_LEN] = "", name[RTE_DEV_NAME_MAX_LEN + 8];
	struct xp_port *x;
	int fd = -1, ret;

	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return -ENOMEM;
	x->dev = dev;
	x->p = p;
	x->conf = a->xproc;
	x->ch.fd = -1;
	x->lis.fd = -1;
	x->views = rte_zmalloc("qpring_xp_views", 2 * sizeof(*x->views), RTE_CACHE_LINE_SIZE);
	if (x->views == NULL) {
		ret = -ENOMEM;
		goto err_free;
	}
	snprintf(name, sizeof(name), "qpring-%s", p->name);
	ret = xp_region_create(&x->reg, name, (uint64_t)x->conf.mem_mb << 20);
	if (ret != 0)
		goto err_views;
	if (x->conf.role == QP_XPROC_ROLE_SERVER) {
		ret = qp_xproc_listen(&x->lis, x->conf.path, why, sizeof(why));
		if (ret != 0) {
			QPRING_LOG(ERR, "%s: xproc=%s: %s", p->name, x->conf.path, why);
			goto err_region;
		}
		x->lsrc = xp_src_new(x, x->lis.fd, 1);
		if (x->lsrc == NULL) {
			ret = -ENOMEM;
			goto err_listen;
		}
	} else {
		ret = qp_xproc_connect(x->conf.path, &fd, why, sizeof(why));
		if (ret != 0 && ret != -EAGAIN) {
			QPRING_LOG(ERR, "%s: xproc=%s: %s", p->name, x->conf.path, why);
			goto err_region;
		}
	}
	pp->wire = x;
	qpring_registry_add(p);
	if (fd >= 0)
		xp_conn_open(x, fd);
	ret = rte_eal_alarm_set(XP_TICK_MS * 1000, xp_tick, x);
	if (ret != 0) {
		QPRING_LOG(ERR, "%s: cannot set the control alarm: %s", p->name,
			   rte_strerror(-ret));
		xp_conn_drop(x, 0);
		qpring_registry_remove(p);
		pp->wire = NULL;
		goto err_lsrc;
	}
	QPRING_LOG(INFO, "%s: cross-process %s on %s (receive region %u MiB)", p->name,
		   xp_role_str(x->conf.role), x->conf.path, x->conf.mem_mb);
	return 0;

err_lsrc:
	if (x->lsrc != NULL) {
		xp_src_drop(x->lsrc);
		x->lis.fd = -1; /* closed with its source */
	}
err_listen:
	if (x->lis.fd >= 0)
		qp_xproc_unlisten(&x->lis);
err_region:
	xp_region_destroy(&x->reg);
err_views:
	rte_free(x->views);
err_free:
	free(x);
	return ret;
}

/* The listening socket's file goes now (a new server may bind at once);
 * the socket itself goes with its source.
 */
static void
xp_unlisten(struct xp_port *x)
{
	struct stat st;

	if (x->lsrc == NULL)
		return;
	if (x->lis.path[0] != '\0' && x->lis.path[0] != '@' && stat(x->lis.path, &st) == 0 &&
	    st.st_dev == x->lis.dev && st.st_ino == x->lis.ino)
		unlink(x->lis.path);
	xp_src_drop(x->lsrc);
	x->lsrc = NULL;
	x->lis.fd = -1;
}

/* Close, control lock held; the port is stopped, its queues released. */
static void
xp_detach(struct rte_eth_dev *dev)
{
	struct qpring_proc *pp = dev->process_private;
	struct xp_port *x = pp != NULL ? pp->wire : NULL;
	struct qp_xproc_msg m;

	if (x == NULL)
		return;
	x->closing = 1;
	xp_withdraw(x, "port closed");
	if (x->csrc != NULL) {
		qp_xproc_msg_init(&m, QP_XPROC_BYE);
		(void)qp_xproc_send(&x->ch, &m, NULL, 0);
		xp_conn_drop(x, 0);
	}
	xp_unlisten(x);
	/* A tick waiting for the lock re-arms itself and returns: the cancel
	 * waits for it, then removes what it armed.
	 */
	rte_eal_alarm_cancel(xp_tick, x);
	qpring_registry_remove(x->p);
	if (x->pools_kept == 0)
		xp_region_destroy(&x->reg);
	else
		QPRING_LOG(ERR, "%s: the receive region stays mapped: the application still "
			   "holds buffers of %u pools", x->p->name, x->pools_kept);
	rte_free(x->views);
	pp->wire = NULL;
	free(x);
}

/* Start, this process. */
static int
xp_open(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	struct xp_port *x = xp_port_of(dev->data->port_id);

	if (x == NULL) {
		QPRING_LOG(ERR, "%s: a cross-process port works in the process that created it "
			   "only", p->name);
		return -ENOTSUP;
	}
	if (dev->data->dev_conf.intr_conf.rxq) {
		QPRING_LOG(ERR, "%s: Rx interrupts are not available on a cross-process port "
			   "(the sending adapter runs in the other process)", p->name);
		return -ENOTSUP;
	}
	qpring_lock();
	x->epoch++;
	qpring_unlock();
	return 0;
}

/* Stop: the peer must let go of our rings (no receive queue did it). */
static void
xp_close(struct rte_eth_dev *dev)
{
	struct xp_port *x = xp_port_of(dev->data->port_id);

	if (x == NULL)
		return;
	qpring_lock();
	xp_withdraw(x, "port stopped");
	xp_link_refresh(x);
	qpring_unlock();
}

static void
xp_rxq_publish(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(qid);
	/* The peer's view holds every ring; a started one has buffers. */
}

/* A receive queue stops: the peer lets go of our rings first; a running
 * port advertises again (the tick) once the queue is drained.
 */
static int
xp_rxq_unpublish(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(qid);
	xp_withdraw(xp_port_of(dev->data->port_id), "a receive queue stops");
	return 0;
}

static void
xp_txq_unpublish(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(qid);
	/* The caller waits for the queue's adapter lock: nothing else reaches it. */
}

static void
xp_faults_changed(struct rte_eth_dev *dev)
{
	RTE_SET_USED(dev);
	/* Faults apply to this port's send queues, as on any wire. */
}

/*
 * The adapter's work: deliver the posted WQEs of @txq into the peer's
 * receiving side, through the view. Caller holds the adapter lock (G1);
 * the view load is sequentially consistent after it, pairing with the
 * publication (xp_view_publish()) and with the quiesce that follows an
 * unpublication.
 */
static uint32_t
xp_tx(struct qpring_txq *txq, uint32_t budget)
{
	const struct xp_port *x = xp_port_of(txq->port_id);
	const struct qp_rxport *v = x != NULL ? __atomic_load_n(&x->view, __ATOMIC_SEQ_CST) : NULL;

	return qp_adapter_service_sq(txq->hw, v, txq->queue_id, 0, budget);
}

static int
xp_link_up(const struct qpring_port *p)
{
	const struct xp_port *x = xp_port_of(p->port_id);

	if (x == NULL) /* another process asks: what the owner says */
		return qpring_port_dev(p)->data->dev_link.link_status;
	return xp_link(x);
}

const struct qpring_wire_ops qpring_wire_xproc = {
	.name = "xproc",
	.rxmem = &qpring_xproc_rxmem,
	.attach = xp_attach,
	.detach = xp_detach,
	.open = xp_open,
	.close = xp_close,
	.rxq_publish = xp_rxq_publish,
	.rxq_unpublish = xp_rxq_unpublish,
	.txq_unpublish = xp_txq_unpublish,
	.faults_changed = xp_faults_changed,
	.tx = xp_tx,
	.rx = NULL,
	.link_up = xp_link_up,
};
