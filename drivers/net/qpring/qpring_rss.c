/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * What the receiving side of a port does, as a NIC's receive logic: which
 * receive queue a frame goes to (RSS: a Toeplitz hash over the fields the
 * configuration names, through a redirection table of QP_RETA_SIZE
 * entries; or queue 0; or, with the devarg rxq_map=same, the sending
 * queue's index), the receive offloads and the packet types. The settings
 * live in the port's struct qp_rxport, which the senders' adapters read.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_mbuf_ptype.h>

#include "qpring.h"

/* The Toeplitz key of the RSS specification, the usual default of NICs. */
static const uint8_t qpring_rss_default_key[QP_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* The current configuration (control path: a copy to change). */
static void
qpring_rss_current(const struct qpring_port *p, struct qp_rss *r)
{
	*r = p->rx.rss[__atomic_load_n(&p->rx.rss_cur, __ATOMIC_ACQUIRE) & 1u];
}

/* How frames pick their queue, from the configuration and the devarg. */
static void
qpring_rx_select_update(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	const struct rte_eth_conf *conf = &dev->data->dev_conf;
	struct qp_rss r;
	uint32_t sel = QP_RXSEL_FIRST;

	qpring_rss_current(p, &r);
	if (p->rxq_map == QP_RXSEL_SAME)
		sel = QP_RXSEL_SAME;
	else if ((conf->rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) && r.hf != 0)
		sel = QP_RXSEL_RSS;
	/* Relaxed: a setting; senders pick it up at their next call. */
	__atomic_store_n(&p->rx.select, sel, __ATOMIC_RELAXED);
}

int
qpring_rss_configure(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	const struct rte_eth_conf *conf = &dev->data->dev_conf;
	const struct rte_eth_rss_conf *rc = &conf->rx_adv_conf.rss_conf;
	uint16_t reta[QP_RETA_SIZE];
	uint64_t hf = 0;
	unsigned int i;

	if (conf->rxmode.mq_mode & ~RTE_ETH_MQ_RX_RSS_FLAG) {
		QPRING_LOG(ERR, "port %u: rx mq_mode %d: only RSS (or none) is supported, not "
			   "DCB or VMDq", dev->data->port_id, conf->rxmode.mq_mode);
		return -ENOTSUP;
	}
	if (conf->rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) {
		if (rc->rss_key != NULL && rc->rss_key_len != QP_RSS_KEY_LEN) {
			QPRING_LOG(ERR, "port %u: RSS key of %u bytes; the key is %u bytes",
				   dev->data->port_id, rc->rss_key_len, QP_RSS_KEY_LEN);
			return -EINVAL;
		}
		/* rss_hf 0 is RSS off (rte_ethdev.h): frames go to queue 0. */
		hf = rc->rss_hf & QPRING_RSS_HF;
	}
	for (i = 0; i < QP_RETA_SIZE; i++)
		reta[i] = (uint16_t)(i % RTE_MAX(dev->data->nb_rx_queues, 1));
	qp_rxport_set_rss(&p->rx, hf,
			  (conf->rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) && rc->rss_key != NULL ?
			  rc->rss_key : qpring_rss_default_key, reta);
	__atomic_store_n(&p->rx.nb_rq, dev->data->nb_rx_queues, __ATOMIC_RELAXED);
	qpring_rx_select_update(dev);
	return 0;
}

int
qpring_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *rc)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qp_rss r;

	if (rc->rss_key != NULL && rc->rss_key_len != QP_RSS_KEY_LEN) {
		QPRING_LOG(ERR, "port %u: RSS key of %u bytes; the key is %u bytes",
			   dev->data->port_id, rc->rss_key_len, QP_RSS_KEY_LEN);
		return -EINVAL;
	}
	if (rc->rss_hf & ~QPRING_RSS_HF) {
		QPRING_LOG(ERR, "port %u: RSS types %#" PRIx64 " not supported (supported: %#"
			   PRIx64 ")", dev->data->port_id, rc->rss_hf & ~QPRING_RSS_HF,
			   (uint64_t)QPRING_RSS_HF);
		return -EINVAL;
	}
	qpring_lock();
	qpring_rss_current(p, &r);
	qp_rxport_set_rss(&p->rx, rc->rss_hf, rc->rss_key != NULL ? rc->rss_key : r.key,
			  r.reta);
	qpring_rx_select_update(dev);
	qpring_unlock();
	return 0;
}

int
qpring_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *rc)
{
	struct qp_rss r;

	qpring_rss_current(dev->data->dev_private, &r);
	rc->rss_hf = r.hf;
	if (rc->rss_key != NULL) {
		if (rc->rss_key_len < QP_RSS_KEY_LEN)
			return -EINVAL;
		memcpy(rc->rss_key, r.key, QP_RSS_KEY_LEN);
	}
	rc->rss_key_len = QP_RSS_KEY_LEN;
	return 0;
}

static int
qpring_reta_check(struct rte_eth_dev *dev, uint16_t size)
{
	if (size != QP_RETA_SIZE) {
		QPRING_LOG(ERR, "port %u: RETA of %u entries; it has %u", dev->data->port_id, size,
			   QP_RETA_SIZE);
		return -EINVAL;
	}
	return 0;
}

int
qpring_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		   uint16_t size)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qp_rss r;
	unsigned int i;
	int ret = qpring_reta_check(dev, size);

	if (ret != 0)
		return ret;
	qpring_lock();
	qpring_rss_current(p, &r);
	for (i = 0; i < QP_RETA_SIZE; i++) {
		const struct rte_eth_rss_reta_entry64 *e = &conf[i / RTE_ETH_RETA_GROUP_SIZE];
		unsigned int b = i % RTE_ETH_RETA_GROUP_SIZE;

		if (!(e->mask & (1ull << b)))
			continue;
		if (e->reta[b] >= RTE_MAX(dev->data->nb_rx_queues, 1)) {
			QPRING_LOG(ERR, "port %u: RETA entry %u names queue %u of %u",
				   dev->data->port_id, i, e->reta[b], dev->data->nb_rx_queues);
			qpring_unlock();
			return -EINVAL;
		}
		r.reta[i] = e->reta[b];
	}
	qp_rxport_set_rss(&p->rx, r.hf, r.key, r.reta);
	qpring_unlock();
	return 0;
}

int
qpring_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		  uint16_t size)
{
	struct qp_rss r;
	unsigned int i;
	int ret = qpring_reta_check(dev, size);

	if (ret != 0)
		return ret;
	qpring_rss_current(dev->data->dev_private, &r);
	for (i = 0; i < QP_RETA_SIZE; i++) {
		struct rte_eth_rss_reta_entry64 *e = &conf[i / RTE_ETH_RETA_GROUP_SIZE];
		unsigned int b = i % RTE_ETH_RETA_GROUP_SIZE;

		if (e->mask & (1ull << b))
			e->reta[b] = r.reta[i];
	}
	return 0;
}

/* ------------------------------------------------------- receive offloads */

/* The packet types the adapter's parser reports (qp_offload.c). */
static const uint32_t qpring_ptypes[] = {
	RTE_PTYPE_L2_ETHER,
	RTE_PTYPE_L2_ETHER_VLAN,
	RTE_PTYPE_L2_ETHER_QINQ,
	RTE_PTYPE_L3_IPV4,
	RTE_PTYPE_L3_IPV4_EXT,
	RTE_PTYPE_L3_IPV6,
	RTE_PTYPE_L3_IPV6_EXT,
	RTE_PTYPE_L4_TCP,
	RTE_PTYPE_L4_UDP,
	RTE_PTYPE_L4_ICMP,
	RTE_PTYPE_L4_FRAG,
	RTE_PTYPE_L4_NONFRAG,
	RTE_PTYPE_UNKNOWN,
};

const uint32_t *
qpring_ptypes_get(struct rte_eth_dev *dev)
{
	RTE_SET_USED(dev);
	return qpring_ptypes;
}

/* rte_eth_dev_set_ptypes(): RTE_PTYPE_UNKNOWN turns the parsing off (as
 * dpdk-testpmd asks by default); any other mask turns it on.
 */
int
qpring_ptypes_set(struct rte_eth_dev *dev, uint32_t ptype_mask)
{
	struct qpring_port *p = dev->data->dev_private;

	p->ptypes = ptype_mask != RTE_PTYPE_UNKNOWN;
	qpring_rx_offloads_update(dev);
	qpring_burst_select(dev);
	return 0;
}

/* What the adapter does on receive for this port, from its offloads. */
void
qpring_rx_offloads_update(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	const uint64_t ol = dev->data->dev_conf.rxmode.offloads;
	uint32_t rxo = 0;

	if (ol & RTE_ETH_RX_OFFLOAD_RSS_HASH)
		rxo |= QP_RXO_RSS_HASH;
	if (ol & (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
		  RTE_ETH_RX_OFFLOAD_TCP_CKSUM))
		rxo |= QP_RXO_CKSUM;
	if (ol & RTE_ETH_RX_OFFLOAD_VLAN_STRIP)
		rxo |= QP_RXO_VLAN_STRIP;
	if (p->ptypes)
		rxo |= QP_RXO_PTYPE;
	/* Relaxed: a setting; senders pick it up at their next call. */
	__atomic_store_n(&p->rx.offloads, rxo, __ATOMIC_RELAXED);
}
