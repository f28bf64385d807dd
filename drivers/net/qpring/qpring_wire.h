/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The wire interface: where a port's adapters send frames and where the
 * frames its receive queues get come from. One ops table per wire, one
 * file each:
 *   qpring_wire_cable.c  loopback, and cables between ports of this process
 *   qpring_wire_pcap.c   capture files and live interfaces (libpcap), or
 *   qpring_wire_none.c   its stand-in when the build has no libpcap
 *   qpring_wire_xproc.c  a port of another process (qpring_xproc_rx.c: its
 *                        receive memory, which that process writes into)
 * Adding a wire is adding a file, an enum qpring_wire_kind value and an
 * entry in qpring_wires[] (qpring_ctl.c).
 *
 * Who calls what:
 *   attach/detach  probe and close, primary process, control lock held;
 *   open/close     port start and stop in this process, and the attach of a
 *                  secondary process: per-process state (handles, fds) goes
 *                  into struct qpring_proc's wire field, never into memory a
 *                  secondary maps;
 *   rxq_publish/rxq_unpublish  a receive queue has started / is stopping
 *                  (published in, or just taken out of, the port's
 *                  receiving side, struct qp_rxport), control lock held;
 *                  unpublish returns 0 once no adapter can still deliver
 *                  into the queue, or -ETIMEDOUT (then the queue's memory
 *                  must not be freed);
 *   txq_unpublish, faults_changed  the same for a send queue, and a change
 *                  of the fault settings;
 *   tx, rx         the adapter's work, by the lcore that holds the queue's
 *                  adapter lock (qpring_adapter_trylock()); no locks, no
 *                  logging on the common path;
 *   link_up        whether frames can flow (link state), control lock held.
 */
#ifndef QPRING_WIRE_H
#define QPRING_WIRE_H

#include "qpring.h"

/*
 * Receive memory of a wire whose receive rings and buffers another party
 * writes into that is not trusted (another process): the wire sets the
 * queue up in memory it shares, posts buffers of its own pool, keeps the
 * mbuf of each slot private, and harvests with its own burst, which
 * validates what it reads back. NULL in qpring_wire_ops: the driver's
 * memzone ring, the application's pool and the slot's cookie.
 */
struct qpring_rxmem_ops {
	/* Queue set-up: @rxq is filled in but for its ring and pool; set
	 * rxq->hw and rxq->mp (the buffers' size comes from the application's
	 * pool @mp). 0, or -errno with the reason logged. Control lock not held.
	 */
	int (*setup)(struct rte_eth_dev *dev, struct qpring_rxq *rxq, struct rte_mempool *mp);
	/* The queue is freed: its ring, pool and state (after drain). */
	void (*release)(struct qpring_rxq *rxq);
	/* Post a buffer into every slot of the stopped queue; 0 or -errno. */
	int (*fill)(struct qpring_rxq *rxq);
	/* Nothing delivers into the queue any more (unpublished): take every
	 * buffer back, count what was not harvested, park the ring.
	 */
	void (*drain)(struct qpring_rxq *rxq);
	/* The receive burst of the port's queues. */
	eth_rx_burst_t burst;
};

struct qpring_wire_ops {
	const char *name;
	/* Receive memory of its own, or NULL (see above). */
	const struct qpring_rxmem_ops *rxmem;
	/* Probe: check the configuration and join the wire; 0 or -errno with
	 * the reason logged.
	 */
	int (*attach)(struct rte_eth_dev *dev, const struct qpring_args *a);
	void (*detach)(struct rte_eth_dev *dev);
	int (*open)(struct rte_eth_dev *dev);
	void (*close)(struct rte_eth_dev *dev);
	void (*rxq_publish)(struct rte_eth_dev *dev, uint16_t qid);
	int (*rxq_unpublish)(struct rte_eth_dev *dev, uint16_t qid);
	/* A send queue was taken out of the port's tx_live[] (stop): wait
	 * for whoever may still reach it through there.
	 */
	void (*txq_unpublish)(struct rte_eth_dev *dev, uint16_t qid);
	/* The port's fault settings changed (rte_pmd_qpring_faults_set()). */
	void (*faults_changed)(struct rte_eth_dev *dev);
	/* Deliver up to @budget of the send queue's posted WQEs. */
	uint32_t (*tx)(struct qpring_txq *txq, uint32_t budget);
	/* Fill the receive queue's posted buffers from the wire; NULL where
	 * the sending side's adapter fills them.
	 */
	uint32_t (*rx)(struct qpring_rxq *rxq, uint32_t budget);
	int (*link_up)(const struct qpring_port *p);
};

extern const struct qpring_wire_ops qpring_wire_cable;
extern const struct qpring_wire_ops qpring_wire_pcap;
extern const struct qpring_wire_ops qpring_wire_xproc;
extern const struct qpring_wire_ops *const qpring_wires[QPRING_WIRE_NR];

static inline const struct qpring_wire_ops *
qpring_wire_of(const struct qpring_port *p)
{
	return qpring_wires[p->wire];
}

/* Run the adapter of one send queue once, if no other lcore holds it. */
static inline uint32_t
qpring_adapter_run_txq(struct qpring_txq *txq, uint32_t budget)
{
	uint32_t n;

	if (!qpring_adapter_trylock(txq->hw))
		return 0;
	n = qpring_wire_of(txq->port)->tx(txq, budget);
	qpring_adapter_unlock(txq->hw);
	return n;
}

/* Run the receiving adapter of a queue its wire fills (pcap). */
static inline uint32_t
qpring_adapter_run_rxq(struct qpring_rxq *rxq, uint32_t budget)
{
	const struct qpring_wire_ops *w = qpring_wire_of(rxq->port);
	uint32_t n;

	if (w->rx == NULL || !qpring_adapter_trylock(rxq->hw))
		return 0;
	n = w->rx(rxq, budget);
	qpring_adapter_unlock(rxq->hw);
	return n;
}

/* The cable wire's delivery, called by the inline send bursts directly
 * (qpring_wire_cable.c); the caller holds the adapter lock of @txq.
 */
uint32_t qpring_cable_deliver(struct qpring_txq *txq, int zero_copy, uint32_t budget);
/* Receive bursts of @p move held fault completions of its sender along. */
void qpring_cable_kick(struct qpring_port *p);

/* This process's state of a port (dev->process_private). */
static inline struct qpring_proc *
qpring_proc_of(uint16_t port_id)
{
	return rte_eth_devices[port_id].process_private;
}

/* Pcap wire helpers used by devargs (qpring_wire_pcap.c / _none.c). */
static inline int
qpring_medium_configured(const struct qpring_medium_conf *c)
{
	return c->rx_pcap[0] != '\0' || c->tx_pcap[0] != '\0' || c->iface[0] != '\0';
}

int qpring_medium_check(const struct qpring_medium_conf *c, char *err, size_t errlen);

#endif /* QPRING_WIRE_H */
