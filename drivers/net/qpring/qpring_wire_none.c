/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Stand-in for the pcap wire when libpcap was not found at build time: any
 * rx_pcap/tx_pcap/iface devarg is refused with the reason, so no port is
 * ever on this wire; its ops only keep the wire table whole.
 */
#include <errno.h>
#include <stdio.h>

#include "qpring.h"
#include "qpring_wire.h"

int
qpring_medium_check(const struct qpring_medium_conf *c, char *err, size_t errlen)
{
	RTE_SET_USED(c);
	snprintf(err, errlen, "net_qpring was built without libpcap (install libpcap-dev "
		 "and rebuild)");
	return -ENOTSUP;
}

static int
qpring_none_attach(struct rte_eth_dev *dev, const struct qpring_args *a)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(a);
	return -ENOTSUP;
}

static void
qpring_none_dev(struct rte_eth_dev *dev)
{
	RTE_SET_USED(dev);
}

static int
qpring_none_open(struct rte_eth_dev *dev)
{
	RTE_SET_USED(dev);
	return -ENOTSUP;
}

static void
qpring_none_rxq_publish(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(qid);
}

static void
qpring_none_txq(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(qid);
}

static int
qpring_none_rxq_unpublish(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(qid);
	return 0;
}

static uint32_t
qpring_none_tx(struct qpring_txq *txq, uint32_t budget)
{
	return qp_adapter_service_sq(txq->hw, NULL, txq->queue_id, 0, budget); /* no link */
}

static int
qpring_none_link_up(const struct qpring_port *p)
{
	RTE_SET_USED(p);
	return 0;
}

const struct qpring_wire_ops qpring_wire_pcap = {
	.name = "pcap (not built)",
	.attach = qpring_none_attach,
	.detach = qpring_none_dev,
	.open = qpring_none_open,
	.close = qpring_none_dev,
	.rxq_publish = qpring_none_rxq_publish,
	.rxq_unpublish = qpring_none_rxq_unpublish,
	.txq_unpublish = qpring_none_txq,
	.faults_changed = qpring_none_dev,
	.tx = qpring_none_tx,
	.rx = NULL,
	.link_up = qpring_none_link_up,
};
