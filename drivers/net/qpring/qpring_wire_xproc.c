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
 * This file: the link, the alarm and the wire ops. The sockets as EAL
 * interrupt sources, the messages and the connection's steps are
 * qpring_xproc_conn.c's; the view of the peer's receiving side is
 * qpring_xproc_view.c's.
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

static const char *
xp_role_str(uint8_t role)
{
	return role == QP_XPROC_ROLE_SERVER ? "server" : "client";
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
