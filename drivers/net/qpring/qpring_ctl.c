/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The control path's common ground: the control lock and the registry of
 * this process's ports, link state and its events, waiting for an adapter
 * to leave a queue, and the table of wires.
 */
#include <errno.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_spinlock.h>

#include "qpring.h"
#include "qpring_wire.h"

const struct qpring_wire_ops *const qpring_wires[QPRING_WIRE_NR] = {
	[QPRING_WIRE_CABLE] = &qpring_wire_cable,
	[QPRING_WIRE_PCAP] = &qpring_wire_pcap,
	[QPRING_WIRE_XPROC] = &qpring_wire_xproc,
};

/*
 * The registry of this process's qpring ports, used to cable peers and to
 * deliver link events. Taken by the control path only (probe, close,
 * start, stop, queue set-up and release), never by the fast path.
 */
/* This copy's dev_ops: what marks a port as one of ours (qpring_dev_of()). */
static const struct eth_dev_ops *qpring_dev_ops;

void
qpring_ctl_init(const struct eth_dev_ops *ops)
{
	qpring_dev_ops = ops;
}

static TAILQ_HEAD(, qpring_port) qpring_ports = TAILQ_HEAD_INITIALIZER(qpring_ports);
static rte_spinlock_t qpring_ctl_lock = RTE_SPINLOCK_INITIALIZER;

void
qpring_lock(void)
{
	rte_spinlock_lock(&qpring_ctl_lock);
}

int
qpring_trylock(void)
{
	return rte_spinlock_trylock(&qpring_ctl_lock);
}

/*
 * Release the control lock, then deliver the link-state-change events noted
 * under it. Callbacks run unlocked: an application callback may call back
 * into the driver (rte_eth_link_get() takes the lock).
 */
void
qpring_unlock(void)
{
	uint16_t ids[RTE_MAX_ETHPORTS];
	struct qpring_port *p;
	unsigned int n = 0, i;

	TAILQ_FOREACH(p, &qpring_ports, next) {
		if (!p->lsc_pending)
			continue;
		p->lsc_pending = 0;
		if (qpring_port_dev(p)->data->dev_conf.intr_conf.lsc && n < RTE_DIM(ids))
			ids[n++] = p->port_id;
	}
	rte_spinlock_unlock(&qpring_ctl_lock);
	for (i = 0; i < n; i++)
		rte_eth_dev_callback_process(&rte_eth_devices[ids[i]], RTE_ETH_EVENT_INTR_LSC,
					     NULL);
}

void
qpring_registry_add(struct qpring_port *p)
{
	TAILQ_INSERT_TAIL(&qpring_ports, p, next);
}

void
qpring_registry_remove(struct qpring_port *p)
{
	TAILQ_REMOVE(&qpring_ports, p, next);
}

struct qpring_port *
qpring_registry_find(const char *name)
{
	struct qpring_port *p;

	TAILQ_FOREACH(p, &qpring_ports, next)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

struct qpring_port *
qpring_registry_next(struct qpring_port *p)
{
	return p == NULL ? TAILQ_FIRST(&qpring_ports) : TAILQ_NEXT(p, next);
}

/* Control lock held: recompute @p's link from its wire, note a change. */
void
qpring_link_refresh(struct qpring_port *p)
{
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_100G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
	};

	link.link_status = p->started && qpring_wire_of(p)->link_up(p) ?
		RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN;
	/* 0 means the status changed (-1: unchanged). */
	if (rte_eth_linkstatus_set(qpring_port_dev(p), &link) == 0)
		p->lsc_pending = 1;
}

/*
 * G2: wait until no lcore holds the adapter of @hw. The caller has just
 * unpublished something that adapter may reach (a destination, a queue),
 * or stopped the queue. Pairs with G1/G3 (qpring_adapter_trylock() and
 * _unlock()). Returns 0, or -ETIMEDOUT after QPRING_QUIESCE_MS with the
 * reason logged: the caller must then not free what the adapter may touch.
 */
int
qpring_adapter_quiesce(struct qp_hwq *hw, const char *what, uint16_t port, uint16_t qid)
{
	uint64_t limit = rte_get_timer_cycles() + rte_get_timer_hz() * QPRING_QUIESCE_MS / 1000;

	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* Acquire: pairs with G3, the adapter's release on leaving. */
	while (__atomic_load_n(&hw->ad.busy, __ATOMIC_ACQUIRE) != 0) {
		if (rte_get_timer_cycles() > limit) {
			QPRING_LOG(ERR, "port %u %s %u: an adapter still runs on it after %u ms "
				   "(a descheduled or dead lcore or process); its memory is "
				   "kept, not freed", port, what, qid, QPRING_QUIESCE_MS);
			return -ETIMEDOUT;
		}
		rte_pause();
	}
	return 0;
}

/* The port @port_id if it is a qpring port; else NULL and *err = -ENODEV
 * (no such port) or -ENOTSUP (another driver's).
 */
struct rte_eth_dev *
qpring_dev_of(uint16_t port_id, int *err)
{
	struct rte_eth_dev *dev;

	if (!rte_eth_dev_is_valid_port(port_id)) {
		*err = -ENODEV;
		return NULL;
	}
	dev = &rte_eth_devices[port_id];
	if (qpring_dev_ops == NULL || dev->dev_ops != qpring_dev_ops) {
		*err = -ENOTSUP;
		return NULL;
	}
	return dev;
}
