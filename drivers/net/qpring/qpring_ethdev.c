/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * net_qpring ethdev glue: the dev_ops that configure, start and stop a
 * port and answer for it (the queue ops, statistics and interrupts are in
 * files of their own, see qpring.h), probe and remove, and the driver's
 * registration, which refuses to happen twice in one process.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr(), dl_iterate_phdr() */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>

#include "qpring.h"
#include "qpring_tx.h"
#include "qpring_wire.h"
#include "rte_pmd_qpring.h"

static int
qpring_dev_configure(struct rte_eth_dev *dev)
{
	const struct rte_eth_conf *conf = &dev->data->dev_conf;

	if (conf->txmode.mq_mode != RTE_ETH_MQ_TX_NONE) {
		QPRING_LOG(ERR, "port %u: tx mq_mode %d not supported", dev->data->port_id,
			   conf->txmode.mq_mode);
		return -ENOTSUP;
	}
	/* The receive side: RSS (or not), the receive offloads. */
	return qpring_rss_configure(dev);
}

/* Control lock held. */
static void
qpring_stop_locked(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_port *q = NULL;
	uint16_t i;

	p->started = 0;
	qpring_service_stop(p);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		qpring_rxq_stop_locked(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		qpring_txq_stop_locked(dev, i);
	/* The link of every port whose wire reaches this one may change. */
	while ((q = qpring_registry_next(q)) != NULL)
		qpring_link_refresh(q);
}

/*
 * Frames up to the MTU must fit the receive buffers (or scatter be on):
 * checked where the MTU and the queues meet, so a configure or an MTU
 * change may come before the queues are set up again with larger buffers.
 */
static int
qpring_check_rx_buffers(struct rte_eth_dev *dev, uint16_t mtu)
{
	uint32_t frame = (uint32_t)mtu + QPRING_FRAME_OVERHEAD;
	uint16_t q;

	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq == NULL || rxq->scatter || qpring_rx_buf_room(rxq->mp) >= frame)
			continue;
		QPRING_LOG(ERR, "port %u: MTU %u needs %u-byte frames, but rx queue %u buffers "
			   "(mempool %s) hold %u: set the queue up again from a pool with "
			   "larger buffers, or enable RTE_ETH_RX_OFFLOAD_SCATTER",
			   dev->data->port_id, mtu, frame, q, rxq->mp->name,
			   qpring_rx_buf_room(rxq->mp));
		return -EINVAL;
	}
	return 0;
}

static int
qpring_dev_start(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	const struct qpring_wire_ops *w = qpring_wire_of(p);
	struct qpring_port *q = NULL;
	uint16_t i;
	int ret;

	p->max_frame = dev->data->mtu + QPRING_FRAME_OVERHEAD;
	ret = qpring_check_rx_buffers(dev, dev->data->mtu);
	if (ret != 0)
		return ret;
	if (dev->data->dev_conf.rxmode.offloads & RTE_ETH_RX_OFFLOAD_SCATTER)
		p->scatter = 1;
	/* The receiving side, before any queue is published on it. */
	__atomic_store_n(&p->rx.max_len, p->max_frame, __ATOMIC_RELAXED);
	qpring_rx_offloads_update(dev);
	qpring_burst_select(dev);
	ret = w->open(dev);
	if (ret != 0)
		return ret;
	if (dev->data->dev_conf.intr_conf.rxq) {
		ret = qpring_intr_install(dev);
		if (ret != 0)
			goto err_close;
	}
	qpring_lock();
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct qpring_txq *txq = dev->data->tx_queues[i];

		if (txq == NULL || txq->deferred_start)
			continue;
		ret = qpring_txq_start_locked(dev, i);
		if (ret != 0)
			goto err_rxq;
	}
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[i];

		if (rxq == NULL || rxq->deferred_start)
			continue;
		ret = qpring_rxq_start_locked(dev, i);
		if (ret != 0)
			goto err_rxq;
	}
	p->started = 1;
	if (p->adapter_mode == QPRING_ADAPTER_SERVICE)
		qpring_service_start(p);
	while ((q = qpring_registry_next(q)) != NULL)
		qpring_link_refresh(q);
	qpring_unlock();
	return 0;

err_rxq:
	qpring_stop_locked(dev);
	qpring_unlock();
	qpring_intr_uninstall(dev);
err_close:
	w->close(dev);
	return ret;
}

static int
qpring_dev_stop(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;

	qpring_lock();
	qpring_stop_locked(dev);
	qpring_unlock();
	qpring_intr_uninstall(dev);
	qpring_wire_of(p)->close(dev);
	dev->data->dev_started = 0;
	return 0;
}

static int
qpring_set_link(struct rte_eth_dev *dev, int up)
{
	RTE_SET_USED(up);
	QPRING_LOG(ERR, "port %u: the link follows the wire; start or stop a port instead",
		   dev->data->port_id);
	return -ENOTSUP;
}

static int
qpring_set_link_up(struct rte_eth_dev *dev)
{
	return qpring_set_link(dev, 1);
}

static int
qpring_set_link_down(struct rte_eth_dev *dev)
{
	return qpring_set_link(dev, 0);
}

static int
qpring_dev_close(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;

	if (rte_eal_process_type() == RTE_PROC_PRIMARY) {
		qpring_lock();
		if (p->started)
			qpring_stop_locked(dev);
		qpring_unlock();
		qpring_release_queues(dev);
		qpring_lock();
		qpring_wire_of(p)->detach(dev);
		qpring_unlock();
		qpring_intr_uninstall(dev);
		qpring_service_unregister(p);
	}
	/* This process's own state of the port (ethdev does not free it). */
	if (dev->process_private != NULL) {
		qpring_wire_of(p)->close(dev);
		free(dev->process_private);
		dev->process_private = NULL;
	}
	return 0;
}

static int
qpring_dev_reset(struct rte_eth_dev *dev)
{
	/* ethdev stopped the port; back to the state after probe: no queues. */
	qpring_release_queues(dev);
	return 0;
}

static int
qpring_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	struct rte_eth_link before = dev->data->dev_link;

	RTE_SET_USED(wait_to_complete);
	qpring_lock();
	qpring_link_refresh(dev->data->dev_private);
	qpring_unlock();
	return before.link_status == dev->data->dev_link.link_status ? -1 : 0;
}

static int
qpring_promiscuous_enable(struct rte_eth_dev *dev)
{
	dev->data->promiscuous = 1;
	qpring_rx_filter_update(dev);
	return 0;
}

static int
qpring_promiscuous_disable(struct rte_eth_dev *dev)
{
	dev->data->promiscuous = 0;
	qpring_rx_filter_update(dev);
	return 0;
}

static int
qpring_allmulticast_enable(struct rte_eth_dev *dev)
{
	dev->data->all_multicast = 1;
	qpring_rx_filter_update(dev);
	return 0;
}

static int
qpring_allmulticast_disable(struct rte_eth_dev *dev)
{
	dev->data->all_multicast = 0;
	qpring_rx_filter_update(dev);
	return 0;
}

static int
qpring_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct qpring_port *p = dev->data->dev_private;

	if (!rte_is_unicast_ether_addr(addr) || rte_is_zero_ether_addr(addr)) {
		QPRING_LOG(ERR, "port %u: MAC address must be unicast and non-zero",
			   dev->data->port_id);
		return -EINVAL;
	}
	rte_ether_addr_copy(addr, &p->mac);
	rte_ether_addr_copy(addr, &dev->data->mac_addrs[0]);
	qpring_rx_filter_update(dev);
	return 0;
}

static int
qpring_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct qpring_port *p = dev->data->dev_private;
	uint32_t frame = (uint32_t)mtu + QPRING_FRAME_OVERHEAD;
	uint16_t q;

	if (mtu < QPRING_MIN_MTU || mtu > QPRING_MAX_MTU) {
		QPRING_LOG(ERR, "port %u: MTU %u outside %u..%u", dev->data->port_id, mtu,
			   QPRING_MIN_MTU, QPRING_MAX_MTU);
		return -EINVAL;
	}
	/* A running port must take the new MTU with the buffers it has; a
	 * stopped one is checked at start, after the application had its
	 * chance to set the receive queues up again with larger buffers.
	 */
	if (dev->data->dev_started && qpring_check_rx_buffers(dev, mtu) != 0)
		return -EINVAL;
	p->max_frame = frame;
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq != NULL)
			__atomic_store_n(&txq->max_frame, frame, __ATOMIC_RELAXED);
	}
	/* Relaxed: the adapters pick the new limit up at their next call. */
	__atomic_store_n(&p->rx.max_len, frame, __ATOMIC_RELAXED);
	return 0;
}

static int
qpring_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	RTE_SET_USED(dev);
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = QPRING_MAX_FRAME;
	info->min_rx_bufsize = RTE_ETHER_MIN_LEN;
	info->min_mtu = QPRING_MIN_MTU;
	info->max_mtu = QPRING_MAX_MTU;
	info->max_rx_queues = QPRING_MAX_QPS;
	info->max_tx_queues = QPRING_MAX_QPS;
	/* The adapter checks checksums, strips tags and hashes on receive,
	 * fills checksums and inserts tags on send (qp_offload.c).
	 */
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER | QPRING_RX_OFFLOAD_WB;
	info->rx_queue_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER; /* per queue too */
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS | RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE |
				QPRING_TX_OFFLOAD_HW;
	info->tx_queue_offload_capa = RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	info->flow_type_rss_offloads = QPRING_RSS_HF;
	info->reta_size = QP_RETA_SIZE;
	info->hash_key_size = QP_RSS_KEY_LEN;
	/* Any count in range: rounded up to a power of two at set-up. */
	info->rx_desc_lim = (struct rte_eth_desc_lim){
		.nb_max = QP_RING_MAX, .nb_min = QP_RING_MIN, .nb_align = 1,
		.nb_seg_max = QP_MAX_RX_PARTS, .nb_mtu_seg_max = QP_MAX_RX_PARTS,
	};
	info->tx_desc_lim = (struct rte_eth_desc_lim){
		.nb_max = QP_RING_MAX, .nb_min = QP_RING_MIN, .nb_align = 1,
		.nb_seg_max = QP_MAX_SEGS, .nb_mtu_seg_max = QP_MAX_SEGS,
	};
	info->default_rxportconf.ring_size = QPRING_DEFAULT_RING;
	info->default_txportconf.ring_size = QPRING_DEFAULT_RING;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	info->speed_capa = RTE_ETH_LINK_SPEED_100G | RTE_ETH_LINK_SPEED_FIXED;
	info->dev_capa = RTE_ETH_DEV_CAPA_RUNTIME_RX_QUEUE_SETUP |
			 RTE_ETH_DEV_CAPA_RUNTIME_TX_QUEUE_SETUP;
	return 0;
}

static const struct eth_dev_ops qpring_ops = {
	.dev_configure = qpring_dev_configure,
	.dev_start = qpring_dev_start,
	.dev_stop = qpring_dev_stop,
	.dev_set_link_up = qpring_set_link_up,
	.dev_set_link_down = qpring_set_link_down,
	.dev_close = qpring_dev_close,
	.dev_reset = qpring_dev_reset,
	.link_update = qpring_link_update,
	.promiscuous_enable = qpring_promiscuous_enable,
	.promiscuous_disable = qpring_promiscuous_disable,
	.allmulticast_enable = qpring_allmulticast_enable,
	.allmulticast_disable = qpring_allmulticast_disable,
	.mac_addr_set = qpring_mac_addr_set,
	.mtu_set = qpring_mtu_set,
	.stats_get = qpring_stats_get,
	.stats_reset = qpring_stats_reset,
	.xstats_get = qpring_xstats_get,
	.xstats_reset = qpring_xstats_reset,
	.xstats_get_names = qpring_xstats_get_names,
	.dev_infos_get = qpring_dev_infos_get,
	.rxq_info_get = qpring_rxq_info_get,
	.txq_info_get = qpring_txq_info_get,
	.rx_queue_start = qpring_rx_queue_start,
	.rx_queue_stop = qpring_rx_queue_stop,
	.tx_queue_start = qpring_tx_queue_start,
	.tx_queue_stop = qpring_tx_queue_stop,
	.rx_queue_setup = qpring_rx_queue_setup,
	.rx_queue_release = qpring_rx_queue_release,
	.rx_queue_intr_enable = qpring_rx_queue_intr_enable,
	.rx_queue_intr_disable = qpring_rx_queue_intr_disable,
	.tx_queue_setup = qpring_tx_queue_setup,
	.tx_queue_release = qpring_tx_queue_release,
	.tx_done_cleanup = qpring_tx_done_cleanup,
	.dev_supported_ptypes_get = qpring_ptypes_get,
	.reta_update = qpring_reta_update,
	.reta_query = qpring_reta_query,
	.rss_hash_update = qpring_rss_hash_update,
	.rss_hash_conf_get = qpring_rss_hash_conf_get,
	.get_reg = qpring_get_reg,
	.get_monitor_addr = qpring_get_monitor_addr,
	.dev_ptypes_set = qpring_ptypes_set,
	.eth_rx_descriptor_dump = qpring_rx_descriptor_dump,
	.eth_tx_descriptor_dump = qpring_tx_descriptor_dump,
};

/* -------------------------------------------------------- probe/remove */

static const char *
qpring_adapter_name(uint8_t mode)
{
	return mode == QPRING_ADAPTER_INLINE ? "inline" :
	       mode == QPRING_ADAPTER_SERVICE ? "service" : "manual";
}

static int
qpring_create(struct rte_vdev_device *vdev, const struct qpring_args *a)
{
	const char *name = rte_vdev_device_name(vdev);
	struct rte_eth_dev *dev;
	struct qpring_port *p;
	int ret;

	if (vdev->device.numa_node == SOCKET_ID_ANY)
		vdev->device.numa_node = (int)rte_socket_id();
	dev = rte_eth_vdev_allocate(vdev, sizeof(*p));
	if (dev == NULL) {
		QPRING_LOG(ERR, "%s: cannot allocate an ethdev port", name);
		return -ENOMEM;
	}
	p = dev->data->dev_private;
	strlcpy(p->name, name, sizeof(p->name));
	p->port_id = dev->data->port_id;
	p->wire = a->xproc.path[0] != '\0' ? QPRING_WIRE_XPROC :
		  qpring_medium_configured(&a->medium) ? QPRING_WIRE_PCAP : QPRING_WIRE_CABLE;
	p->copy = a->copy;
	p->adapter_mode = a->adapter_mode;
	p->rxq_map = a->rxq_map;
	p->rx_window = a->rx_window;
	p->ptypes = 1; /* as a NIC parses; rte_eth_dev_set_ptypes() turns it off */
	qp_rxport_init(&p->rx);
	p->faults = a->faults;
	qpring_faults_derive(&p->faults);
	p->faults_on = (p->faults.delay_polls | p->faults.ooo_window | p->faults.error_ppm |
			p->faults.drop_ppm) != 0 || p->faults.delay_ns != 0;
	p->seed = a->seed;
	p->medium = a->medium;
	p->max_frame = RTE_ETHER_MTU + QPRING_FRAME_OVERHEAD;
	if (a->mac_given) {
		p->mac = a->mac;
	} else {
		/* Locally administered, "qpr" and the port id. */
		const struct rte_ether_addr mac = {
			.addr_bytes = { 0x02, 0x71, 0x70, 0x72,
					(uint8_t)(p->port_id >> 8), (uint8_t)p->port_id },
		};
		p->mac = mac;
	}
	dev->process_private = calloc(1, sizeof(struct qpring_proc));
	dev->data->mac_addrs = rte_zmalloc_socket(name, sizeof(struct rte_ether_addr), 0,
						  vdev->device.numa_node);
	if (dev->data->mac_addrs == NULL || dev->process_private == NULL) {
		QPRING_LOG(ERR, "%s: out of memory", name);
		ret = -ENOMEM;
		goto err_release;
	}
	rte_ether_addr_copy(&p->mac, &dev->data->mac_addrs[0]);
	dev->data->promiscuous = 1;
	dev->data->all_multicast = 1;
	dev->data->dev_flags |= RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS | RTE_ETH_DEV_INTR_LSC;
	dev->dev_ops = &qpring_ops;
	qpring_rx_filter_update(dev);
	qpring_burst_select(dev);

	if (p->adapter_mode == QPRING_ADAPTER_SERVICE) {
		ret = qpring_service_register(p, vdev->device.numa_node);
		if (ret != 0)
			goto err_release;
	}
	qpring_lock();
	ret = qpring_wire_of(p)->attach(dev, a);
	if (ret == 0)
		qpring_link_refresh(p);
	qpring_unlock();
	if (ret != 0)
		goto err_service;

	rte_eth_dev_probing_finish(dev);
	QPRING_LOG(INFO, "%s: port %u, %s wire%s%s, copy=%u, adapter=%s", name, p->port_id,
		   qpring_wire_of(p)->name, p->peer_name[0] ? " to " : "", p->peer_name, p->copy,
		   qpring_adapter_name(p->adapter_mode));
	return 0;

err_service:
	qpring_service_unregister(p);
err_release:
	free(dev->process_private);
	dev->process_private = NULL;
	rte_eth_dev_release_port(dev); /* frees dev_private and mac_addrs */
	return ret;
}

/* A secondary process attaches to the primary's port and sets up its own
 * per-process state: burst functions (their addresses differ per process)
 * and the wire's handles.
 */
static int
qpring_attach_secondary(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct qpring_proc *pp;
	struct rte_eth_dev *dev;
	struct qpring_port *p;

	dev = rte_eth_dev_attach_secondary(name);
	if (dev == NULL) {
		QPRING_LOG(ERR, "%s: cannot attach to the primary's port", name);
		return -ENODEV;
	}
	pp = calloc(1, sizeof(*pp));
	if (pp == NULL) {
		QPRING_LOG(ERR, "%s: out of memory", name);
		rte_eth_dev_release_port(dev);
		return -ENOMEM;
	}
	dev->process_private = pp;
	dev->dev_ops = &qpring_ops;
	dev->device = &vdev->device;
	p = dev->data->dev_private;
	/* A wire this process cannot open leaves the port's statistics and
	 * registers readable, and its bursts refuse to move frames.
	 */
	if (qpring_wire_of(p)->open(dev) != 0)
		pp->refused = 1;
	qpring_burst_select(dev);
	rte_eth_dev_probing_finish(dev);
	return 0;
}

static int
qpring_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct qpring_args a = { .copy = 1, .adapter_mode = QPRING_ADAPTER_INLINE, .seed = 1,
				 .rx_window = QPRING_DEFAULT_RX_WINDOW };
	int ret;

	if (rte_eal_process_type() == RTE_PROC_SECONDARY)
		return qpring_attach_secondary(vdev);
	ret = qpring_parse_args(name, rte_vdev_device_args(vdev), &a);
	if (ret != 0)
		return ret;
	return qpring_create(vdev, &a);
}

static int
qpring_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0; /* already closed and released */
	if (rte_eal_process_type() == RTE_PROC_PRIMARY && dev->data->dev_started)
		rte_eth_dev_stop(dev->data->port_id);
	qpring_dev_close(dev);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver qpring_vdev_driver = {
	.probe = qpring_probe,
	.remove = qpring_remove,
};

/* ------------------------------------------------------- registration */

struct qpring_copy_search {
	const void *self_base;  /* where this copy of the driver is mapped */
	char other[PATH_MAX];   /* another loaded copy, if any */
};

/* dl_iterate_phdr() callback: is @info another object that carries the
 * driver (exports its API)?
 */
static int
qpring_find_other_copy(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct qpring_copy_search *s = arg;
	void *h;
	int found = 0;

	RTE_SET_USED(size);
	if (info->dlpi_name == NULL || info->dlpi_name[0] == '\0' ||
	    (const void *)info->dlpi_addr == s->self_base)
		return 0;
	h = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
	if (h == NULL)
		return 0;
	if (dlsym(h, "rte_pmd_qpring_regs_get") != NULL) {
		strlcpy(s->other, info->dlpi_name, sizeof(s->other));
		found = 1;
	}
	dlclose(h);
	return found;
}

/*
 * The driver registers itself (the vdev driver net_qpring, the telemetry
 * command) once per process. A second copy, say the installed plugin that
 * EAL loads from its directory plus the build tree's given with -d, finds
 * the first one among the loaded objects, says so and stays inactive, so
 * the first keeps working.
 */
RTE_INIT(qpring_init)
{
	struct qpring_copy_search s = { .self_base = NULL, .other = "" };
	Dl_info self;

	qpring_ctl_init(&qpring_ops);
	if (dladdr((const void *)&qpring_ops, &self) != 0) {
		s.self_base = self.dli_fbase;
		dl_iterate_phdr(qpring_find_other_copy, &s);
	}
	if (s.other[0] != '\0') {
		QPRING_LOG(WARNING, "%s is a second copy of the driver: %s is loaded already "
			   "and provides net_qpring; this copy stays inactive (load the driver "
			   "once: without -d when it is installed, or uninstall it)",
			   self.dli_fname != NULL ? self.dli_fname : "this library", s.other);
		return;
	}
	qpring_vdev_driver.driver.name = "net_qpring";
	rte_vdev_register(&qpring_vdev_driver);
	qpring_telemetry_register();
}
RTE_PMD_EXPORT_NAME(net_qpring, 0);
RTE_LOG_REGISTER_DEFAULT(qpring_logtype, NOTICE);
