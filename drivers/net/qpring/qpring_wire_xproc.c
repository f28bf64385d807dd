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
 *
 * This file: the sockets as EAL interrupt sources, the link, the view of
 * the peer's receiving side, the interrupt thread's entries and the wire
 * ops. The messages and the connection's steps are qpring_xproc_conn.c's.
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

static void xp_tick(void *arg);
static void xp_fd_cb(void *arg);

static const char *
xp_role_str(uint8_t role)
{
	return role == QP_XPROC_ROLE_SERVER ? "server" : "client";
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

/* ------------------------------------------------------------ link */

static int
xp_link(const struct xp_port *x)
{
	/* Up when frames can go both ways: we deliver into the peer (its UP,
	 * our view) and it into us (our UP, and its UP_ACK, sent once its view
	 * of our rings is in place; before that, what it sends back would be
	 * dropped for lack of a link).
	 */
	return x->state == XP_OPEN && x->our_up && x->up_acked && x->peer.up &&
	       __atomic_load_n(&x->view, __ATOMIC_RELAXED) != NULL;
}

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
