/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Bad input at every entry point, one table: devargs, ethdev calls in every port state, the
 * PMD-specific API. Each row returns its documented error and leaves nothing behind.
 */
#include <rte_malloc.h>

#include "stress.h"

#define RING    64u
#define NB_MBUF 1024u
#define LEN     100u

/* The ports the rows aim at. */
enum target {
	T_NONE,     /* no port: the row probes a device */
	T_UNCONF,   /* probed, never configured */
	T_CONF,     /* configured with 1 queue pair, no queue set up */
	T_STOPPED,  /* configured, queues set up, stopped (loopback) */
	T_STARTED,  /* started (loopback) */
	T_SERVICE,  /* adapter=service, configured, stopped */
	T_CLOSED,   /* the id of a port that was closed */
	T_ABSENT,   /* an id never given to a port */
	T_OTHER,    /* a port of another driver (net_null) */
	T_NR
};

enum op {
	OP_PROBE,         /* rte_vdev_init(s1, s2) */
	OP_CONFIGURE,     /* rte_eth_dev_configure(a, a); c: enum conf_bad */
	OP_RXQ_SETUP,     /* rte_eth_rx_queue_setup(a, b desc); c: pool (enum pool) */
	OP_TXQ_SETUP,     /* rte_eth_tx_queue_setup(a, b desc) */
	OP_MTU,           /* rte_eth_dev_set_mtu(a) */
	OP_MAC,           /* rte_eth_dev_default_mac_addr_set(); a: 0 NULL, 1 multicast, 2 zero */
	OP_START,         /* rte_eth_dev_start() */
	OP_CLOSE,         /* rte_eth_dev_close() */
	OP_LINK_DOWN,     /* rte_eth_dev_set_link_down() */
	OP_RXQ_START,     /* rte_eth_dev_rx_queue_start(a) */
	OP_TXQ_START,     /* rte_eth_dev_tx_queue_start(a) */
	OP_RXQ_STOP,      /* rte_eth_dev_rx_queue_stop(a) */
	OP_RXQ_INFO,      /* rte_eth_rx_queue_info_get(a) */
	OP_INTR_ENABLE,   /* rte_eth_dev_rx_intr_enable(a) */
	OP_STATS,         /* rte_eth_stats_get(); a: 1 NULL */
	OP_REG_INFO,      /* rte_eth_dev_get_reg_info(); a: 0 NULL, 1 length - 1, 2 offset 1 */
	OP_PMD_REGS,      /* rte_pmd_qpring_regs_get(a, b dir); c: 1 NULL */
	OP_PMD_POLL,      /* rte_pmd_qpring_adapter_poll(32) */
	OP_PMD_FAULTS_GET, /* rte_pmd_qpring_faults_get(); c: 1 NULL */
	OP_PMD_FAULTS_SET, /* rte_pmd_qpring_faults_set(); c: enum bad_fault */
	OP_PMD_SERVICE,   /* rte_pmd_qpring_service_id_get(); c: 1 NULL */
};

enum pool { POOL_OK, POOL_SMALL, POOL_TINY, POOL_NULL };
/* What OP_CONFIGURE puts in the rte_eth_conf. */
enum conf_bad {
	CF_NONE,
	CF_RSS_OFF,     /* mq_mode RSS, rss_hf 0: RSS off (accepted) */
	CF_MTU67,       /* rxmode.mtu 67 */
	CF_RSS_KEY39,   /* mq_mode RSS with a 39-byte key (the key is 40) */
	CF_RSS_L2,      /* mq_mode RSS, rss_hf L2 payload (not hashed) */
	CF_DCB,         /* mq_mode DCB */
};
enum bad_fault { BF_NONE, BF_NULL, BF_DELAY, BF_OOO, BF_ERROR, BF_DROP };

struct row {
	const char *what;  /* the call and what is wrong with it */
	enum op op;
	enum target tgt;
	uint32_t a, b, c;
	const char *s1, *s2;
	int want;          /* the documented return */
	const char *by;    /* who returns it, and why (DPDK 22.11 ethdev, or the driver) */
};

#define RX RTE_PMD_QPRING_RQ
#define TX RTE_PMD_QPRING_SQ

static const struct row rows[] = {
	/* ---- devargs: the probe fails, no port is left (rte_vdev_init() returns it) */
	{ "probe: unknown key", OP_PROBE, T_NONE, 0, 0, 0, "net_qpring_b1", "speed=100",
	  -EINVAL, "driver: rte_kvargs_parse() against valid_arguments[]" },
	{ "probe: key without value", OP_PROBE, T_NONE, 0, 0, 0, "net_qpring_b2", "mac",
	  -EINVAL, "driver: handler called with value NULL" },
	{ "probe: multicast MAC", OP_PROBE, T_NONE, 0, 0, 0, "net_qpring_b3",
	  "mac=01:00:5e:00:00:01", -EINVAL, "driver: MAC must be unicast" },
	{ "probe: copy=2", OP_PROBE, T_NONE, 0, 0, 0, "net_qpring_b4", "copy=2", -EINVAL,
	  "driver: copy is 0 or 1" },
	{ "probe: a key twice", OP_PROBE, T_NONE, 0, 0, 0, "net_qpring_b5", "copy=1,copy=1",
	  -EINVAL, "driver: each key at most once" },
	{ "probe: fault_drop over a million", OP_PROBE, T_NONE, 0, 0, 0, "net_qpring_b6",
	  "fault_drop=1000001", -EINVAL, "driver: rates are parts per million" },
	{ "probe: seed=0", OP_PROBE, T_NONE, 0, 0, 0, "net_qpring_b7", "seed=0", -EINVAL,
	  "driver: seed from 1" },
	{ "probe: peer is itself", OP_PROBE, T_NONE, 0, 0, 0, "net_qpring_b8",
	  "peer=net_qpring_b8", -EINVAL, "driver: omit peer for loopback" },
	{ "probe: peer does not exist", OP_PROBE, T_NONE, 0, 0, 0, "net_qpring_b9",
	  "peer=net_qpring_nosuch", -ENODEV, "driver: no such net_qpring device" },
	{ "probe: peer already cabled", OP_PROBE, T_NONE, 0, 0, 0, "net_qpring_b10",
	  "peer=net_qpring_ca", -EBUSY, "driver: a cable joins two ports" },
	{ "probe: peer is another driver's port", OP_PROBE, T_NONE, 0, 0, 0, "net_qpring_b11",
	  "peer=net_null0", -ENODEV, "driver: peer must be a net_qpring device" },

	/* ---- configuration of the port */
	{ "configure: 257 queue pairs", OP_CONFIGURE, T_UNCONF, 257, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: nb_rx_q > dev_info.max_rx_queues (256)" },
	{ "configure: 1025 queue pairs", OP_CONFIGURE, T_UNCONF, 1025, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: nb_rx_q > RTE_MAX_QUEUES_PER_PORT" },
	/* RSS is supported: asked for with rss_hf 0 it is accepted and off (queue 0);
	 * on a configured port, so nothing is allocated.
	 */
	{ "configure: rx mq_mode RSS, rss_hf 0 (RSS off): accepted", OP_CONFIGURE, T_CONF, 1, 0,
	  CF_RSS_OFF, NULL, NULL, 0, "driver: RSS supported; rss_hf 0 is RSS off" },
	{ "configure: RSS key of 39 bytes", OP_CONFIGURE, T_UNCONF, 1, 0, CF_RSS_KEY39, NULL,
	  NULL, -EINVAL, "driver: the key is dev_info.hash_key_size (40) bytes" },
	{ "configure: RSS over L2 payload", OP_CONFIGURE, T_UNCONF, 1, 0, CF_RSS_L2, NULL, NULL,
	  -EINVAL, "ethdev: rss_hf not in dev_info.flow_type_rss_offloads" },
	{ "configure: rx mq_mode DCB", OP_CONFIGURE, T_UNCONF, 1, 0, CF_DCB, NULL, NULL,
	  -ENOTSUP, "driver: only RSS (or none), not DCB or VMDq" },
	{ "configure: rxmode.mtu 67", OP_CONFIGURE, T_UNCONF, 1, 0, CF_MTU67, NULL, NULL, -EINVAL,
	  "ethdev: MTU < dev_info.min_mtu (68)" },
	{ "configure: a started port", OP_CONFIGURE, T_STARTED, 1, 0, 0, NULL, NULL, -EBUSY,
	  "ethdev: port must be stopped" },
	{ "configure: a closed port", OP_CONFIGURE, T_CLOSED, 1, 0, 0, NULL, NULL, -ENODEV,
	  "ethdev: invalid port id" },

	/* ---- queue set-up (on a configured port with no queue, so nothing is released) */
	{ "rx setup: 8 descriptors", OP_RXQ_SETUP, T_CONF, 0, 8, POOL_OK, NULL, NULL,
	  -EINVAL, "ethdev: below nb_min 16 (other counts in range are rounded up)" },
	{ "rx setup: 8 descriptors", OP_RXQ_SETUP, T_CONF, 0, 8, POOL_OK, NULL, NULL, -EINVAL,
	  "ethdev: nb_rx_desc < rx_desc_lim.nb_min (16)" },
	{ "rx setup: 65535 descriptors", OP_RXQ_SETUP, T_CONF, 0, 65535, POOL_OK, NULL, NULL,
	  -EINVAL, "ethdev: nb_rx_desc > rx_desc_lim.nb_max (32768)" },
	{ "rx setup: queue 1 of 1", OP_RXQ_SETUP, T_CONF, 1, RING, POOL_OK, NULL, NULL, -EINVAL,
	  "ethdev: rx_queue_id >= nb_rx_queues" },
	{ "rx setup: buffers smaller than the MTU", OP_RXQ_SETUP, T_CONF, 0, RING, POOL_SMALL,
	  NULL, NULL, -EINVAL, "driver: 512-byte buffers cannot hold 1518-byte frames" },
	{ "rx setup: buffers under min_rx_bufsize", OP_RXQ_SETUP, T_CONF, 0, RING, POOL_TINY,
	  NULL, NULL, -EINVAL, "ethdev: rte_eth_check_rx_mempool(): data room < 128 + 64" },
	{ "rx setup: no mempool", OP_RXQ_SETUP, T_CONF, 0, RING, POOL_NULL, NULL, NULL, -EINVAL,
	  "ethdev: one and only one source of Rx buffers" },
	{ "rx setup: a started queue", OP_RXQ_SETUP, T_STARTED, 0, RING, POOL_OK, NULL, NULL,
	  -EBUSY, "ethdev: runtime set-up needs the queue stopped" },
	{ "tx setup: 40000 descriptors", OP_TXQ_SETUP, T_CONF, 0, 40000, 0, NULL, NULL, -EINVAL,
	  "ethdev: above nb_max 32768" },
	{ "tx setup: 8 descriptors", OP_TXQ_SETUP, T_CONF, 0, 8, 0, NULL, NULL, -EINVAL,
	  "ethdev: nb_tx_desc < tx_desc_lim.nb_min (16)" },
	{ "tx setup: 65535 descriptors", OP_TXQ_SETUP, T_CONF, 0, 65535, 0, NULL, NULL, -EINVAL,
	  "ethdev: nb_tx_desc > tx_desc_lim.nb_max (32768)" },
	{ "tx setup: queue 1 of 1", OP_TXQ_SETUP, T_CONF, 1, RING, 0, NULL, NULL, -EINVAL,
	  "ethdev: tx_queue_id >= nb_tx_queues" },

	/* ---- MTU and MAC address */
	{ "mtu 67", OP_MTU, T_STOPPED, 67, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: MTU < dev_info.min_mtu (68)" },
	{ "mtu 9199", OP_MTU, T_STOPPED, 9199, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: MTU > dev_info.max_mtu (9198)" },
	{ "mtu 9000 over 2048-byte buffers, running", OP_MTU, T_STARTED, 9000, 0, 0, NULL, NULL,
	  -EINVAL, "driver: receive buffers cannot hold the frames (a stopped port is "
	  "checked at start)" },
	{ "mtu on an unconfigured port", OP_MTU, T_UNCONF, 1500, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: port must be configured before MTU set" },
	{ "mac NULL", OP_MAC, T_STOPPED, 0, 0, 0, NULL, NULL, -EINVAL, "ethdev: NULL address" },
	{ "mac multicast", OP_MAC, T_STOPPED, 1, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: rte_is_valid_assigned_ether_addr()" },
	{ "mac zero", OP_MAC, T_STOPPED, 2, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: rte_is_valid_assigned_ether_addr()" },

	/* ---- port and queue state */
	{ "start an unconfigured port", OP_START, T_UNCONF, 0, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: dev_configured == 0" },
	{ "start a closed port", OP_START, T_CLOSED, 0, 0, 0, NULL, NULL, -ENODEV,
	  "ethdev: invalid port id" },
	{ "close a started port", OP_CLOSE, T_STARTED, 0, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: cannot close a started device" },
	{ "set_link_down", OP_LINK_DOWN, T_STARTED, 0, 0, 0, NULL, NULL, -ENOTSUP,
	  "driver: the link follows the cable" },
	{ "rx queue start on a stopped port", OP_RXQ_START, T_STOPPED, 0, 0, 0, NULL, NULL,
	  -EINVAL, "ethdev: port must be started before a queue" },
	{ "tx queue start on a stopped port", OP_TXQ_START, T_STOPPED, 0, 0, 0, NULL, NULL,
	  -EINVAL, "ethdev: port must be started before a queue" },
	{ "rx queue start: queue 5 of 1", OP_RXQ_START, T_STARTED, 5, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: invalid queue id" },
	{ "rx queue stop: queue 5 of 1", OP_RXQ_STOP, T_STARTED, 5, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: invalid queue id" },
	{ "rx queue info: queue 5 of 1", OP_RXQ_INFO, T_STARTED, 5, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: invalid queue id" },
	{ "rx interrupt without intr_conf.rxq", OP_INTR_ENABLE, T_STARTED, 0, 0, 0, NULL, NULL,
	  -EINVAL, "driver: Rx interrupts need intr_conf.rxq = 1" },
	{ "stats of a closed port", OP_STATS, T_CLOSED, 0, 0, 0, NULL, NULL, -ENODEV,
	  "ethdev: invalid port id" },
	{ "stats into NULL", OP_STATS, T_STOPPED, 1, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: NULL stats" },

	/* ---- register dump */
	{ "reg info NULL", OP_REG_INFO, T_STARTED, 0, 0, 0, NULL, NULL, -EINVAL,
	  "ethdev: NULL info" },
	{ "reg dump, length one short", OP_REG_INFO, T_STARTED, 1, 0, 0, NULL, NULL, -ENOTSUP,
	  "driver: only whole dumps" },
	{ "reg dump from offset 1", OP_REG_INFO, T_STARTED, 2, 0, 0, NULL, NULL, -ENOTSUP,
	  "driver: only whole dumps" },

	/* ---- PMD-specific API: no port, not a qpring port, bad arguments */
	{ "regs_get: absent port", OP_PMD_REGS, T_ABSENT, 0, TX, 0, NULL, NULL, -ENODEV,
	  "driver: rte_eth_dev_is_valid_port()" },
	{ "regs_get: closed port", OP_PMD_REGS, T_CLOSED, 0, TX, 0, NULL, NULL, -ENODEV,
	  "driver: rte_eth_dev_is_valid_port()" },
	{ "regs_get: net_null port", OP_PMD_REGS, T_OTHER, 0, TX, 0, NULL, NULL, -ENOTSUP,
	  "driver: dev_ops is not qpring's" },
	{ "regs_get: NULL", OP_PMD_REGS, T_STOPPED, 0, TX, 1, NULL, NULL, -EINVAL,
	  "driver: regs NULL" },
	{ "regs_get: direction 7", OP_PMD_REGS, T_STOPPED, 0, 7, 0, NULL, NULL, -EINVAL,
	  "driver: neither SQ nor RQ" },
	{ "regs_get: send queue 1 of 1", OP_PMD_REGS, T_STOPPED, 1, TX, 0, NULL, NULL, -EINVAL,
	  "driver: queue not set up" },
	{ "regs_get: receive queue 300", OP_PMD_REGS, T_STOPPED, 300, RX, 0, NULL, NULL, -EINVAL,
	  "driver: queue not set up" },
	{ "regs_get: queue of a port with none", OP_PMD_REGS, T_CONF, 0, RX, 0, NULL, NULL,
	  -EINVAL, "driver: queue not set up" },
	{ "adapter_poll: absent port", OP_PMD_POLL, T_ABSENT, 0, 0, 0, NULL, NULL, -ENODEV,
	  "driver: no such port" },
	{ "adapter_poll: closed port", OP_PMD_POLL, T_CLOSED, 0, 0, 0, NULL, NULL, -ENODEV,
	  "driver: no such port" },
	{ "adapter_poll: net_null port", OP_PMD_POLL, T_OTHER, 0, 0, 0, NULL, NULL, -ENOTSUP,
	  "driver: not a qpring port" },
	{ "adapter_poll: adapter=service", OP_PMD_POLL, T_SERVICE, 0, 0, 0, NULL, NULL, -EBUSY,
	  "driver: the service lcore owns the adapters" },
	{ "faults_get: absent port", OP_PMD_FAULTS_GET, T_ABSENT, 0, 0, 0, NULL, NULL, -ENODEV,
	  "driver: no such port" },
	{ "faults_get: net_null port", OP_PMD_FAULTS_GET, T_OTHER, 0, 0, 0, NULL, NULL, -ENOTSUP,
	  "driver: not a qpring port" },
	{ "faults_get: NULL", OP_PMD_FAULTS_GET, T_STOPPED, 0, 0, 1, NULL, NULL, -EINVAL,
	  "driver: f NULL" },
	{ "faults_set: closed port", OP_PMD_FAULTS_SET, T_CLOSED, 0, 0, BF_NONE, NULL, NULL,
	  -ENODEV, "driver: no such port" },
	{ "faults_set: net_null port", OP_PMD_FAULTS_SET, T_OTHER, 0, 0, BF_NONE, NULL, NULL,
	  -ENOTSUP, "driver: not a qpring port" },
	{ "faults_set: NULL", OP_PMD_FAULTS_SET, T_STOPPED, 0, 0, BF_NULL, NULL, NULL, -EINVAL,
	  "driver: f NULL" },
	{ "faults_set: delay_polls 1000001", OP_PMD_FAULTS_SET, T_STOPPED, 0, 0, BF_DELAY, NULL,
	  NULL, -EINVAL, "driver: delay_polls <= 1000000" },
	{ "faults_set: ooo_window 32769", OP_PMD_FAULTS_SET, T_STOPPED, 0, 0, BF_OOO, NULL, NULL,
	  -EINVAL, "driver: ooo_window <= 32768" },
	{ "faults_set: error_ppm 1000001", OP_PMD_FAULTS_SET, T_STOPPED, 0, 0, BF_ERROR, NULL,
	  NULL, -EINVAL, "driver: rates <= 1000000" },
	{ "faults_set: drop_ppm 1000001", OP_PMD_FAULTS_SET, T_STOPPED, 0, 0, BF_DROP, NULL,
	  NULL, -EINVAL, "driver: rates <= 1000000" },
	{ "service_id_get: absent port", OP_PMD_SERVICE, T_ABSENT, 0, 0, 0, NULL, NULL, -ENODEV,
	  "driver: no such port" },
	{ "service_id_get: net_null port", OP_PMD_SERVICE, T_OTHER, 0, 0, 0, NULL, NULL,
	  -ENOTSUP, "driver: not a qpring port" },
	{ "service_id_get: adapter=inline", OP_PMD_SERVICE, T_STOPPED, 0, 0, 0, NULL, NULL,
	  -ENOTSUP, "driver: no service in this adapter mode" },
	{ "service_id_get: NULL", OP_PMD_SERVICE, T_SERVICE, 0, 0, 1, NULL, NULL, -EINVAL,
	  "driver: service_id NULL" },
};

static struct rte_mempool *mp, *mp_small, *mp_tiny;
static int ports[T_NR];

/* What a row must leave as it found it. */
struct snapshot {
	unsigned int in_use, in_use_small, memzones, qpring_memzones, ports;
	size_t heap;
};

static struct snapshot
snapshot(void)
{
	struct rte_malloc_socket_stats ms;
	struct snapshot s;

	memset(&ms, 0, sizeof(ms));
	rte_malloc_get_socket_stats((int)rte_socket_id(), &ms);
	s.in_use = qpt_in_use(mp);
	s.in_use_small = qpt_in_use(mp_small) + qpt_in_use(mp_tiny);
	s.memzones = st_mz_count("");
	s.qpring_memzones = st_mz_count(ST_MZ_PREFIX);
	s.ports = rte_eth_dev_count_avail();
	s.heap = ms.heap_allocsz_bytes;
	return s;
}

static int
run(const struct row *r, uint16_t port)
{
	struct rte_eth_conf conf;
	struct rte_pmd_qpring_regs regs;
	struct rte_pmd_qpring_faults f;
	struct rte_dev_reg_info info;
	struct rte_eth_rxq_info qi;
	struct rte_eth_stats st;
	struct rte_ether_addr mac;
	struct rte_mempool *pool = r->c == POOL_OK ? mp : r->c == POOL_SMALL ? mp_small :
				   r->c == POOL_TINY ? mp_tiny : NULL;
	uint64_t regs_buf[4096];
	uint8_t rss_key[40] = { 0x6d, 0x5a };
	uint32_t id;
	int ret;

	memset(&conf, 0, sizeof(conf));
	switch (r->op) {
	case OP_PROBE:
		ret = rte_vdev_init(r->s1, r->s2);
		if (ret == 0) /* accepted after all: take it away again */
			qpt_vdev_destroy(r->s1);
		return ret;
	case OP_CONFIGURE:
		if (r->c == CF_RSS_OFF || r->c == CF_RSS_KEY39 || r->c == CF_RSS_L2)
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		if (r->c == CF_RSS_KEY39) {
			conf.rx_adv_conf.rss_conf.rss_key = rss_key;
			conf.rx_adv_conf.rss_conf.rss_key_len = 39;
			conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IPV4;
		}
		if (r->c == CF_RSS_L2)
			conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_L2_PAYLOAD;
		if (r->c == CF_DCB)
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_DCB;
		if (r->c == CF_MTU67)
			conf.rxmode.mtu = 67;
		return rte_eth_dev_configure(port, (uint16_t)r->a, (uint16_t)r->a, &conf);
	case OP_RXQ_SETUP:
		return rte_eth_rx_queue_setup(port, (uint16_t)r->a, (uint16_t)r->b, rte_socket_id(),
					      NULL, pool);
	case OP_TXQ_SETUP:
		return rte_eth_tx_queue_setup(port, (uint16_t)r->a, (uint16_t)r->b, rte_socket_id(),
					      NULL);
	case OP_MTU:
		return rte_eth_dev_set_mtu(port, (uint16_t)r->a);
	case OP_MAC:
		memset(&mac, 0, sizeof(mac));
		if (r->a == 1)
			mac.addr_bytes[0] = 0x01;
		return rte_eth_dev_default_mac_addr_set(port, r->a == 0 ? NULL : &mac);
	case OP_START:
		return rte_eth_dev_start(port);
	case OP_CLOSE:
		return rte_eth_dev_close(port);
	case OP_LINK_DOWN:
		return rte_eth_dev_set_link_down(port);
	case OP_RXQ_START:
		return rte_eth_dev_rx_queue_start(port, (uint16_t)r->a);
	case OP_TXQ_START:
		return rte_eth_dev_tx_queue_start(port, (uint16_t)r->a);
	case OP_RXQ_STOP:
		return rte_eth_dev_rx_queue_stop(port, (uint16_t)r->a);
	case OP_RXQ_INFO:
		return rte_eth_rx_queue_info_get(port, (uint16_t)r->a, &qi);
	case OP_INTR_ENABLE:
		return rte_eth_dev_rx_intr_enable(port, (uint16_t)r->a);
	case OP_STATS:
		return rte_eth_stats_get(port, r->a == 1 ? NULL : &st);
	case OP_REG_INFO:
		if (r->a == 0)
			return rte_eth_dev_get_reg_info(port, NULL);
		memset(&info, 0, sizeof(info));
		ret = rte_eth_dev_get_reg_info(port, &info); /* the size of a whole dump */
		if (ret != 0 || info.length == 0 || info.length > RTE_DIM(regs_buf))
			return ret != 0 ? ret : -ERANGE;
		info.data = regs_buf;
		if (r->a == 1)
			info.length--;
		else
			info.offset = 1;
		return rte_eth_dev_get_reg_info(port, &info);
	case OP_PMD_REGS:
		return rte_pmd_qpring_regs_get(port, (uint16_t)r->a, (enum rte_pmd_qpring_dir)r->b,
					       r->c == 1 ? NULL : &regs);
	case OP_PMD_POLL:
		return rte_pmd_qpring_adapter_poll(port, 32);
	case OP_PMD_FAULTS_GET:
		return rte_pmd_qpring_faults_get(port, r->c == 1 ? NULL : &f);
	case OP_PMD_FAULTS_SET:
		memset(&f, 0, sizeof(f));
		f.delay_polls = r->c == BF_DELAY ? 1000001u : 0;
		f.ooo_window = r->c == BF_OOO ? 32769u : 0;
		f.error_ppm = r->c == BF_ERROR ? 1000001u : 0;
		f.drop_ppm = r->c == BF_DROP ? 1000001u : 0;
		return rte_pmd_qpring_faults_set(port, r->c == BF_NULL ? NULL : &f);
	case OP_PMD_SERVICE:
		return rte_pmd_qpring_service_id_get(port, r->c == 1 ? NULL : &id);
	}
	return -ENOSYS;
}

static void
run_row(const struct row *r)
{
	struct snapshot s0, s1;
	char name[160];
	int ret;

	snprintf(name, sizeof(name), "%s -> %s (%s)", r->what, rte_strerror(-r->want), r->by);
	QPT_CASE(name);
	if (r->tgt != T_NONE && ports[r->tgt] < 0) {
		printf("note: no %s port here; row not run\n", r->tgt == T_OTHER ? "net_null" :
		       "such");
		return;
	}
	s0 = snapshot();
	ret = run(r, r->tgt == T_NONE ? 0 : (uint16_t)ports[r->tgt]);
	s1 = snapshot();
	CHECK(ret == r->want, "returned %d (%s), want %d", ret, rte_strerror(ret < 0 ? -ret : ret),
	      r->want);
	CHECK(s1.in_use == s0.in_use && s1.in_use_small == s0.in_use_small,
	      "mbufs in use %u -> %u (small pools %u -> %u)", s0.in_use, s1.in_use,
	      s0.in_use_small, s1.in_use_small);
	CHECK(s1.memzones == s0.memzones && s1.qpring_memzones == s0.qpring_memzones,
	      "memzones %u -> %u (qpring %u -> %u)", s0.memzones, s1.memzones, s0.qpring_memzones,
	      s1.qpring_memzones);
	CHECK(s1.ports == s0.ports, "ports %u -> %u", s0.ports, s1.ports);
	CHECK(s1.heap == s0.heap, "rte_malloc heap %zu -> %zu bytes", s0.heap, s1.heap);
}

/* The ports the rows aim at, each in its state. */
static void
fixtures(void)
{
	int closed, ca, cb;

	ports[T_NONE] = 0;
	ports[T_ABSENT] = RTE_MAX_ETHPORTS - 1;
	ports[T_UNCONF] = qpt_vdev("net_qpring_bu", "");
	ports[T_CONF] = qpt_vdev("net_qpring_bc", "");
	ports[T_STOPPED] = qpt_vdev("net_qpring_bs", "");
	ports[T_STARTED] = qpt_vdev("net_qpring_bl", "");
	ports[T_SERVICE] = qpt_vdev("net_qpring_bv", "adapter=service");
	ca = qpt_vdev("net_qpring_ca", "");
	cb = qpt_vdev("net_qpring_cb", "peer=net_qpring_ca");
	REQUIRE(ports[T_UNCONF] >= 0 && ports[T_CONF] >= 0 && ports[T_STOPPED] >= 0 &&
		ports[T_STARTED] >= 0 && ports[T_SERVICE] >= 0 && ca >= 0 && cb >= 0, "ports");
	REQUIRE(rte_eth_dev_configure((uint16_t)ports[T_CONF], 1, 1,
				      &(struct rte_eth_conf){ .link_speeds = 0 }) == 0,
		"configure");
	REQUIRE(qpt_setup((uint16_t)ports[T_STOPPED], 1, RING, mp) == 0 &&
		qpt_start((uint16_t)ports[T_STARTED], 1, RING, mp) == 0 &&
		qpt_setup((uint16_t)ports[T_SERVICE], 1, RING, mp) == 0, "queues");
	/* net_null comes from Debian's PMD directory, which EAL loads; not everywhere. */
	ports[T_OTHER] = qpt_vdev("net_null0", "");
	if (ports[T_OTHER] < 0)
		printf("note: net_null not available: its rows are not run\n");
	closed = qpt_vdev("net_qpring_bx", "");
	REQUIRE(closed >= 0 && rte_eth_dev_close((uint16_t)closed) == 0, "closed port");
	ports[T_CLOSED] = closed;
	REQUIRE(!rte_eth_dev_is_valid_port(RTE_MAX_ETHPORTS - 1), "port %u in use",
		RTE_MAX_ETHPORTS - 1);
}

int
main(void)
{
	struct rte_eth_dev_info di;
	unsigned int i, n, bad;
	uint16_t p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("st_badinput", 256, NULL);
	mp = qpt_pool("bad_ok", NB_MBUF, RTE_MBUF_DEFAULT_BUF_SIZE);
	mp_small = qpt_pool("bad_small", 256, RTE_PKTMBUF_HEADROOM + 512);
	mp_tiny = qpt_pool("bad_tiny", 256, RTE_PKTMBUF_HEADROOM + 32);
	fixtures();

	QPT_CASE("the limits the rows rely on");
	REQUIRE(rte_eth_dev_info_get((uint16_t)ports[T_STOPPED], &di) == 0, "dev_info");
	CHECK(di.max_rx_queues == 256 && di.max_tx_queues == 256, "max queues %u/%u",
	      di.max_rx_queues, di.max_tx_queues);
	CHECK(di.min_mtu == 68 && di.max_mtu == 9198, "MTU %u..%u", di.min_mtu, di.max_mtu);
	CHECK(di.rx_desc_lim.nb_min == 16 && di.rx_desc_lim.nb_max == 32768 &&
	      di.rx_desc_lim.nb_align == 1, "rx desc lim");

	for (i = 0; i < RTE_DIM(rows); i++)
		run_row(&rows[i]);

	QPT_CASE("after all that: the ports still work");
	p = (uint16_t)ports[T_STOPPED];
	CHECK(rte_eth_dev_start(p) == 0, "start");
	n = st_send(p, 0, mp, 20, LEN, 5);
	CHECK_EQ(n, 20);
	n = st_recv(p, 0, 64, LEN, 5, &bad);
	CHECK(n == 20 && bad == 0, "looped back %u, %u bad", n, bad);
	p = (uint16_t)ports[T_CONF];
	CHECK(qpt_setup(p, 1, RING, mp) == 0 && rte_eth_dev_start(p) == 0,
	      "the port that had no queue");
	CHECK(rte_eth_dev_stop(p) == 0, "stop");
	p = (uint16_t)ports[T_UNCONF];
	CHECK(qpt_start(p, 1, RING, mp) == 0, "the unconfigured port");

	RTE_ETH_FOREACH_DEV(p) {
		rte_eth_dev_stop(p);
		CHECK(rte_eth_dev_close(p) == 0, "close %u", p);
	}
	CHECK_EQ(qpt_in_use(mp), 0);
	CHECK(st_mz_count(ST_MZ_PREFIX) == 0, "qpring memzones left");
	qpt_eal_done();
	return qpt_finish();
}
