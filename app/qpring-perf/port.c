/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qpring-perf's ports: one mbuf pool, one receive and one send queue per
 * port, promiscuous mode, a bounded wait for the link, and the teardown.
 * Only public ethdev calls, so any driver works.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "perf.h"

#define POOL_CACHE 256

/* One pool for every port: enough for all rings, bursts in hand and caches. */
int
pool_create(struct perf_ctx *c, uint32_t max_frame)
{
	/* Drivers size receive buffers for MTU + header + CRC (+ VLAN tags):
	 * leave room for those beyond the largest frame. */
	uint32_t room = RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_BUF_SIZE,
				max_frame + RTE_ETHER_CRC_LEN + 2 * RTE_VLAN_HLEN +
				RTE_PKTMBUF_HEADROOM);
	/* rings of every port, bursts in hand, two lcores' caches, control frames */
	uint32_t n = c->nep * 2u * c->o.desc + 4u * MAX_BURST + 4u * POOL_CACHE + 1024u;

	c->pool = rte_pktmbuf_pool_create("qpperf_pool", n, POOL_CACHE, 0, (uint16_t)room,
					  (int)rte_socket_id());
	if (c->pool == NULL) {
		perr("cannot create a pool of %u mbufs of %u bytes (%.1f MB): %s; "
		     "give EAL more memory (-m) or use a smaller --desc or --size",
		     n, room, (double)n * (room + 256) / 1e6, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	return 0;
}

int
port_setup(struct endpoint *ep, uint16_t port, const struct perf_opts *o,
	   struct rte_mempool *pool, uint32_t max_frame)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	uint16_t nb_rxd = o->desc, nb_txd = o->desc;
	int socket, rc;

	memset(ep, 0, sizeof(*ep));
	ep->port = port;
	ep->pool = pool;
	ep->max_frame = max_frame;
	if (!rte_eth_dev_is_valid_port(port)) {
		perr("port %u does not exist: this process has %u ethdev port(s) "
		     "(create them with --vdev, e.g. --vdev net_qpring0 with -d <plugin>)",
		     port, rte_eth_dev_count_avail());
		return -ENODEV;
	}
	if (rte_eth_dev_get_name_by_port(port, ep->name) != 0)
		snprintf(ep->name, sizeof(ep->name), "port%u", port);
	rc = rte_eth_dev_info_get(port, &info);
	if (rc != 0) {
		perr("port %u (%s): cannot get device info: %s", port, ep->name,
		     rte_strerror(-rc));
		return rc;
	}
	if (max_frame > info.max_rx_pktlen) {
		perr("port %u (%s, driver %s) takes frames of at most %u bytes; "
		     "--size %u is too large for it", port, ep->name, info.driver_name,
		     info.max_rx_pktlen, max_frame);
		return -EINVAL;
	}

	memset(&conf, 0, sizeof(conf));
	if (max_frame > RTE_ETHER_MAX_LEN - RTE_ETHER_CRC_LEN) {
		uint32_t mtu = max_frame - RTE_ETHER_HDR_LEN;

		if (mtu > info.max_mtu) {
			perr("port %u (%s, driver %s): --size %u needs an MTU of %u, the "
			     "driver allows at most %u", port, ep->name, info.driver_name,
			     max_frame, mtu, info.max_mtu);
			return -EINVAL;
		}
		conf.rxmode.mtu = mtu;
	}
	/* All mbufs come from one pool with a reference count of 1. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;

	rc = rte_eth_dev_configure(port, 1, 1, &conf);
	if (rc != 0) {
		perr("port %u (%s): rte_eth_dev_configure (1 rx, 1 tx queue, MTU %u): %s",
		     port, ep->name, conf.rxmode.mtu ? conf.rxmode.mtu : RTE_ETHER_MTU,
		     rte_strerror(-rc));
		return rc;
	}
	ep->configured = true;
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (rc != 0) {
		perr("port %u (%s): cannot use %u descriptors: %s", port, ep->name, o->desc,
		     rte_strerror(-rc));
		return rc;
	}
	socket = rte_eth_dev_socket_id(port);
	if (socket < 0)
		socket = (int)rte_socket_id();
	rc = rte_eth_rx_queue_setup(port, 0, nb_rxd, (unsigned int)socket, NULL, pool);
	if (rc != 0) {
		perr("port %u (%s): rx queue setup (%u descriptors): %s", port, ep->name,
		     nb_rxd, rte_strerror(-rc));
		return rc;
	}
	rc = rte_eth_tx_queue_setup(port, 0, nb_txd, (unsigned int)socket, NULL);
	if (rc != 0) {
		perr("port %u (%s): tx queue setup (%u descriptors): %s", port, ep->name,
		     nb_txd, rte_strerror(-rc));
		return rc;
	}
	/* The peer's address is not always known (two processes): take all. */
	rc = rte_eth_promiscuous_enable(port);
	if (rc != 0 && rc != -ENOTSUP)
		pinfo("port %u (%s): promiscuous mode not enabled (%s); frames go to its "
		      "own MAC address", port, ep->name, rte_strerror(-rc));
	rc = rte_eth_dev_start(port);
	if (rc != 0) {
		perr("port %u (%s): start failed: %s%s", port, ep->name, rte_strerror(-rc),
		     o->role == ROLE_CLIENT ? " (a client port of a two-process run: is the "
		     "server process running, on the same socket or wire?)" : "");
		return rc;
	}
	ep->started = true;
	rc = rte_eth_macaddr_get(port, &ep->mac);
	if (rc != 0)
		memset(&ep->mac, 0, sizeof(ep->mac));
	return 0;
}

/* Poll the links every 10 ms until all are up, the time is over or a signal. */
int
ports_wait_link(struct endpoint *eps, unsigned int n, double timeout_s,
		const char *what_if_down)
{
	uint64_t end = rte_get_tsc_cycles() + sec_to_cyc(timeout_s);
	struct rte_eth_link link;
	unsigned int i;

	for (;;) {
		for (i = 0; i < n; i++) {
			memset(&link, 0, sizeof(link));
			if (rte_eth_link_get_nowait(eps[i].port, &link) != 0 ||
			    link.link_status != RTE_ETH_LINK_UP)
				break;
		}
		if (i == n)
			return 0;
		if (stop_requested())
			return -EINTR;
		if (rte_get_tsc_cycles() >= end) {
			perr("port %u (%s): link still down after %g s%s", eps[i].port,
			     eps[i].name, timeout_s, what_if_down);
			return -ETIMEDOUT;
		}
		usleep(10000);
	}
}

/*
 * Wait (polling link status only, never a queue) until no link of eps is up
 * or `timeout_s` passed, then 20 ms more. Used after a port stops and after
 * a peer was told to leave: some drivers (net_memif) tear a port down in
 * EAL's interrupt thread when its peer disconnects, and a receive burst,
 * stop or close of that port racing with it frees or touches the same
 * memory twice ("EAL: Error: Invalid memory", or a crash). The link drops
 * as that teardown starts; the 20 ms let it finish.
 */
void
ports_wait_down(struct endpoint *eps, unsigned int n, double timeout_s)
{
	uint64_t end = rte_get_tsc_cycles() + (uint64_t)(timeout_s * (double)rte_get_tsc_hz());
	struct rte_eth_link link;
	unsigned int i;

	while (rte_get_tsc_cycles() < end) {
		for (i = 0; i < n; i++) {
			memset(&link, 0, sizeof(link));
			if (eps[i].configured &&
			    rte_eth_link_get_nowait(eps[i].port, &link) == 0 &&
			    link.link_status == RTE_ETH_LINK_UP)
				break;
		}
		if (i == n)
			break;
		usleep(1000);
	}
	usleep(20000);
}

/*
 * Stop every port, then close them (their queues give back their mbufs),
 * then free the pool. Each stop is followed by ports_wait_down(): two ports
 * of one process can be each other's peer (net_memif server and client).
 */
void
ports_close(struct perf_ctx *c)
{
	unsigned int i;
	int rc;

	for (i = 0; i < c->nep; i++) {
		struct endpoint *ep = &c->ep[i];

		if (!ep->started)
			continue;
		rc = rte_eth_dev_stop(ep->port);
		if (rc != 0)
			pinfo("port %u (%s): stop: %s", ep->port, ep->name, rte_strerror(-rc));
		ep->started = false;
		ports_wait_down(c->ep, c->nep, 0.2);
	}
	for (i = 0; i < c->nep; i++) {
		struct endpoint *ep = &c->ep[i];

		if (!ep->configured)
			continue;
		rc = rte_eth_dev_close(ep->port);
		if (rc != 0)
			pinfo("port %u (%s): close: %s", ep->port, ep->name, rte_strerror(-rc));
		ep->configured = false;
	}
	rte_mempool_free(c->pool);
	c->pool = NULL;
}
