/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The one place that chooses a port's burst functions (qpring_tx.c,
 * qpring_rx.c) from its adapter mode, wire, copy mode, receive scatter and
 * offloads.
 */
#include <ethdev_driver.h>

#include <rte_mbuf.h>

#include "qpring.h"
#include "qpring_rx.h"
#include "qpring_tx.h"
#include "qpring_wire.h"

/* Either burst of a process that may not use the port (see
 * qpring_burst_refuse()): takes and gives nothing.
 */
static uint16_t
qpring_burst_refused(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	RTE_SET_USED(q);
	RTE_SET_USED(pkts);
	RTE_SET_USED(nb_pkts);
	return 0;
}

static const eth_tx_burst_t qpring_tx_bursts[QPRING_TX_NR] = {
	[QPRING_TX_CABLE_COPY] = qpring_tx_cable_copy,
	[QPRING_TX_CABLE_ZC] = qpring_tx_cable_zc,
	[QPRING_TX_WIRE] = qpring_tx_wire,
	[QPRING_TX_POST] = qpring_tx_post,
	[QPRING_TX_REFUSED] = qpring_burst_refused,
};

static const eth_rx_burst_t qpring_rx_bursts[QPRING_RX_NR] = {
	[QPRING_RX_COPY] = qpring_rx_copy,
	[QPRING_RX_COPY_OL] = qpring_rx_copy_ol,
	[QPRING_RX_ZC] = qpring_rx_zc,
	[QPRING_RX_ZC_OL] = qpring_rx_zc_ol,
	[QPRING_RX_SCATTER] = qpring_rx_scatter,
	[QPRING_RX_WIRE] = qpring_rx_wire,
	[QPRING_RX_REFUSED] = qpring_burst_refused,
};

/*
 * The one place that chooses a port's burst functions, from its adapter
 * mode, wire, copy mode and receive scatter. Called at probe, attach of a
 * secondary and port start.
 */
void
qpring_burst_select(struct rte_eth_dev *dev)
{
	const struct qpring_port *p = dev->data->dev_private;
	const struct qpring_proc *pp = dev->process_private;
	/* Receive offloads the adapter writes back (qpring_rx_offloads_wb()). */
	const int ol = qpring_rx_offloads_wb(dev->data->dev_conf.rxmode.offloads) || p->ptypes;
	enum qpring_tx_variant tv;
	enum qpring_rx_variant rv;

	if (!p->copy)
		rv = ol ? QPRING_RX_ZC_OL : QPRING_RX_ZC;
	else if (p->scatter)
		rv = QPRING_RX_SCATTER;
	else
		rv = ol ? QPRING_RX_COPY_OL : QPRING_RX_COPY;
	if (pp != NULL && pp->refused) {
		tv = QPRING_TX_REFUSED;
		rv = QPRING_RX_REFUSED;
	} else if (p->adapter_mode != QPRING_ADAPTER_INLINE) {
		tv = QPRING_TX_POST;
	} else if (p->wire != QPRING_WIRE_CABLE) {
		tv = QPRING_TX_WIRE;
		rv = QPRING_RX_WIRE;
	} else {
		tv = p->copy ? QPRING_TX_CABLE_COPY : QPRING_TX_CABLE_ZC;
	}
	dev->tx_pkt_burst = qpring_tx_bursts[tv];
	dev->rx_pkt_burst = qpring_rx_bursts[rv];
	/* A wire with receive memory of its own harvests with its own burst. */
	if (rv != QPRING_RX_REFUSED && qpring_wire_of(p)->rxmem != NULL)
		dev->rx_pkt_burst = qpring_wire_of(p)->rxmem->burst;
	dev->rx_queue_count = qpring_rx_queue_count;
	dev->rx_descriptor_status = qpring_rx_descriptor_status;
	dev->tx_descriptor_status = qpring_tx_descriptor_status;
}
