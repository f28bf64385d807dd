/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The cross-process wire's connection (qpring_wire_xproc.c has the life
 * of a connection): the messages this side sends (HELLO, REGION, RXPORT,
 * the states), the handshake, the handling of each message received, and
 * the control steps that tell the peer to deliver or to stop (advertise,
 * withdraw), and the sockets as EAL interrupt sources with their callback.
 * Runs under the control lock, on EAL's interrupt thread or a control
 * path, never on a data path.
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

#define XP_RETRY_MS      100u   /* client: next connect when no server listens */
#define XP_RETRY_SLOW_MS 1000u  /* client: after a refusal or a configuration error */
#define XP_HELLO_MS      5000u  /* a connection's HELLO must come by then */
#define XP_ACK_MS        1500u  /* DOWN_ACK must come by then (the peer may
				 * wait up to QPRING_QUIESCE_MS for its adapters) */

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
void
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
	x->up_acked = 0;
	memset(&x->peer, 0, sizeof(x->peer));
	x->retry_at = rte_get_timer_cycles() + xp_ms_tsc(retry_ms);
	xp_link_refresh(x);
}

/* Refuse the peer with @reason (it is told why), then drop. */
void
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
void
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
void
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
void
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
		/* Our adapters now deliver into the peer: say so. */
		if (xp_send_state(x, QP_XPROC_UP_ACK, m->u.state.epoch) != 0)
			xp_conn_drop(x, XP_RETRY_MS);
		return;
	case QP_XPROC_UP_ACK:
		if (x->our_up && m->u.state.epoch == x->epoch) {
			x->up_acked = 1;
			xp_link_refresh(x);
		}
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
			x->up_acked = 0;
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
void
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

/* ------------------------------------------------------------ fd sources */

static void xp_fd_cb(void *arg);

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

struct xp_fdsrc *
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
void
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

/* The interrupt thread's entry for a socket (listening or connected). */
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

/* ------------------------------------------------------ control steps */

/* Control lock held: tell the peer it may deliver (RXPORT, UP) once this
 * port is started and its receive queues are ready; tell it new receive
 * settings while up.
 */
void
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
	x->up_acked = 0; /* up once the peer's UP_ACK of this epoch comes */
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
	x->up_acked = 0; /* the link goes down now: nothing more is sent */
	xp_link_refresh(x);
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
	x->up_acked = 0;
}

/* The interrupt thread's entry for a socket. */
