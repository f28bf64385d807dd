/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Driver-side structures of net_qpring: the port, its send (Tx) and receive
 * (Rx) queues and their counters, what each process keeps of a port for
 * itself, the adapter lock, and the declarations the files of the driver
 * share. Which file holds what: README.md, "Layout of the source".
 */
#ifndef QPRING_H
#define QPRING_H

#include <limits.h>
#include <net/if.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/un.h>

#include <ethdev_driver.h>
#include <rte_common.h>
#include <rte_dev.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_memzone.h>
#include <rte_power_intrinsics.h>

#include "qp_adapter.h"
#include "qp_rxport.h"

extern int qpring_logtype;
#define RTE_LOGTYPE_QPRING qpring_logtype

/* The one log macro of the driver; never used on the fast path. */
#define QPRING_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, qpring_logtype, "qpring: %s(): " fmt "\n", __func__, \
		##__VA_ARGS__)

#define QPRING_MAX_QPS         256u  /* queue pairs per port */
#define QPRING_DEFAULT_RING    512u  /* slots, when the application asks 0 */
/* Receive buffers posted at once in copy mode: the whole ring by default,
 * as a NIC does (the ring's size is what it can buffer); the devarg
 * rx_window posts fewer, so that a buffer comes back into use sooner and
 * is still in the cache when the adapter copies into it, at the cost of
 * buffering (doc/bench/ measures both).
 */
#define QPRING_DEFAULT_RX_WINDOW 0u
#define QPRING_MIN_MTU         68u
#define QPRING_MAX_FRAME       9216u /* bytes, without CRC */
#define QPRING_FRAME_OVERHEAD  (RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)
#define QPRING_MAX_MTU         (QPRING_MAX_FRAME - QPRING_FRAME_OVERHEAD)
#define QPRING_TX_BURST_FREE   64u   /* mbufs freed in one bulk call */

/* Fault injection ranges (devargs and rte_pmd_qpring_faults_set()). */
#define QPRING_MAX_DELAY_POLLS 1000000u
#define QPRING_MAX_DELAY_NS    1000000000u /* 1 s */
#define QPRING_PPM             1000000u

/* How long a control path waits for an adapter to leave a queue. */
#define QPRING_QUIESCE_MS 1000u

enum qpring_adapter_mode {
	QPRING_ADAPTER_INLINE = 0, /* serviced in the burst that rang the doorbell */
	QPRING_ADAPTER_MANUAL,     /* serviced by rte_pmd_qpring_adapter_poll() */
	QPRING_ADAPTER_SERVICE,    /* serviced by an rte_service on a service lcore */
	QPRING_ADAPTER_NR
};

/* Which wire a port is on (qpring_wire.h; one file each). */
enum qpring_wire_kind {
	QPRING_WIRE_CABLE = 0, /* loopback, or a cable to another port of this process */
	QPRING_WIRE_PCAP,      /* capture files or a live interface (libpcap) */
	QPRING_WIRE_XPROC,     /* a port of another process (Unix socket + shared memory) */
	QPRING_WIRE_NR
};

/* WQEs one adapter call services per send queue before moving on. */
#define QPRING_SERVICE_BUDGET 256u

/* Driver-owned counters of a send queue (written only by its lcore). */
enum qpring_txc {
	QP_TXC_PKTS,       /* frames posted */
	QP_TXC_BYTES,
	QP_TXC_BAD_FRAME,  /* dropped by the driver: empty or over the MTU */
	QP_TXC_DOORBELLS,
	QP_TXC_REAPED,     /* completed slots reclaimed */
	QP_TXC_RING_FULL,  /* bursts cut short: next slot not yet completed */
	QP_TXC_FLUSHED,    /* WQEs discarded unserviced at queue stop */
	QP_TXC_NR
};

/* Driver-owned counters of a receive queue (written only by its lcore). */
enum qpring_rxc {
	QP_RXC_PKTS,       /* frames harvested and returned */
	QP_RXC_BYTES,
	QP_RXC_DOORBELLS,
	QP_RXC_POSTED,     /* receive WQEs posted (buffers) */
	QP_RXC_NOMBUF,     /* buffers that could not be allocated */
	QP_RXC_ERRORS,     /* completions with an error status */
	QP_RXC_FLUSHED,    /* frames placed but not yet harvested, dropped at stop */
	QP_RXC_OVERSIZE,   /* chained frames (zero copy) no buffer of the pool holds */
	QP_RXC_NR
};

/*
 * The queue structs live in memory every process of the application maps
 * (rte_zmalloc): nothing in them is a per-process handle, file descriptor or
 * function pointer. Counters are monotonic and written by exactly one
 * lcore; a reset records the current values as a base instead of writing
 * into a counter another lcore owns.
 */
struct qpring_txq {
	struct qp_hwq *hw;            /* slots and registers (memzone) */
	uint32_t tail;                /* next slot the driver writes (monotonic) */
	uint32_t clean;               /* next slot to reclaim (monotonic, <= tail) */
	uint32_t multi_until;         /* slots before it may hold chained buffers */
	uint64_t kept_seen;           /* ad.kept at the last reclaim that reached tail */
	uint32_t mask;
	uint32_t max_frame;           /* bytes; longer frames are dropped */
	uint8_t fast_free;            /* RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE */
	uint8_t tx_ol;                /* some of QPRING_TX_OFFLOAD_HW enabled */
	uint64_t offloads;            /* RTE_ETH_TX_OFFLOAD_* of the queue */
	uint16_t queue_id;
	uint16_t port_id;
	struct qpring_port *port;
	uint64_t c[QP_TXC_NR];
	/* cold */
	uint64_t base[QP_TXC_NR];
	struct qp_adapter_q ad_base;  /* adapter counters at the last reset */
	const struct rte_memzone *mz;
	uint32_t nb_desc;
	uint8_t started;
	uint8_t deferred_start;
	uint8_t stuck;                /* an adapter did not leave: never free */
} __rte_cache_aligned;

struct qpring_rxq {
	struct qp_hwq *hw;
	uint32_t head;                /* next slot the driver harvests (monotonic) */
	uint32_t mask;
	uint16_t queue_id;
	uint16_t port_id;
	struct rte_mempool *mp;
	uint64_t rearm;               /* rearm_data of a harvested mbuf: data_off,
				       * refcnt 1, nb_segs 1, port */
	uint16_t headroom;            /* where frames start in a posted buffer */
	uint8_t flat_pool;            /* buffer at a fixed offset from its mbuf */
	uint32_t buf_off;             /* flat_pool: mbuf address to frame start */
	uint32_t buf_cap;             /* flat_pool: bytes a posted buffer holds */
	uint64_t ol_init;             /* ol_flags of a harvested buffer */
	uint8_t scatter;              /* frames may span several slots */
	uint8_t kick;                 /* the sender's inline adapter may hold work
				       * a fault delays: move it along (10.2) */
	uint8_t zero_copy;            /* receive WQEs are credits (copy=0) */
	uint32_t window;              /* buffers posted at once: slots [head, head +
				       * window) hold WQEs; the driver re-posts a
				       * harvested buffer window slots ahead */
	uint64_t offloads;            /* RTE_ETH_RX_OFFLOAD_* the port enabled */
	void *wire_q;                 /* the wire's own state of the queue (its
				       * receive memory, qpring_rxmem_ops), or NULL */
	uint64_t c[QP_RXC_NR];
	/* cold */
	uint64_t base[QP_RXC_NR];
	struct qp_adapter_q ad_base;
	const struct rte_memzone *mz;
	struct qpring_port *port;
	uint32_t nb_desc;
	uint8_t started;
	uint8_t deferred_start;
	uint8_t stuck;                /* an adapter did not leave: never free */
} __rte_cache_aligned;

/* What devargs configure on a port (qpring_devargs.c). */
struct qpring_medium_conf {
	char rx_pcap[PATH_MAX];  /* capture file to receive from; "%u" = per queue */
	char tx_pcap[PATH_MAX];  /* capture file to send into; "%u" = per queue */
	char iface[IF_NAMESIZE]; /* live interface to send and receive on */
};

/* The cross-process wire's devargs (qpring_wire_xproc.c). */
struct qpring_xproc_conf {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* socket; "" = not this wire */
	uint8_t role;      /* QP_XPROC_ROLE_SERVER or _CLIENT (qpring_xproc_proto.h) */
	uint32_t mem_mb;   /* receive region, MiB */
	uint32_t bufs;     /* buffers of each receive queue's pool; 0: from the ring */
};

struct qpring_args {
	struct rte_ether_addr mac;
	int mac_given;
	char peer[RTE_DEV_NAME_MAX_LEN];
	uint8_t copy;
	uint8_t adapter_mode;
	uint8_t rxq_map;                /* enum qp_rxsel: QP_RXSEL_FIRST (the port
					 * decides: RSS or queue 0) or _SAME */
	uint32_t rx_window;             /* receive buffers posted at once (copy) */
	uint8_t xproc_role;             /* devarg xproc_role: QPRING_XP_SERVER (0, the
					 * default) or _CLIENT; sets xproc.role */
	struct qp_faults faults;
	uint64_t seed;
	struct qpring_medium_conf medium;
	struct qpring_xproc_conf xproc;
};

/* Port state, in dev_private (shared memory, visible to secondaries). */
struct qpring_port {
	TAILQ_ENTRY(qpring_port) next;  /* registry of this process's ports (primary) */
	/*
	 * Cable wire: where this port's send queues deliver: this port
	 * (loopback), the cabled peer, or NULL (peer named but absent). Read
	 * by the adapter under its adapter lock; changed by the control
	 * path, which then waits for the lock (qpring_cable_quiesce()).
	 */
	struct qpring_port *wire_dst;
	/* Send queues running, by queue id, for the lcores that move held
	 * fault completions along (qpring_cable_kick()); same protocol.
	 */
	struct qpring_txq *tx_live[QPRING_MAX_QPS];
	uint32_t kick_busy;             /* lcores inside qpring_cable_kick() on this port */
	struct qpring_port *peer;       /* cabled peer, NULL if none */
	char name[RTE_DEV_NAME_MAX_LEN];
	char peer_name[RTE_DEV_NAME_MAX_LEN];
	struct rte_ether_addr mac;
	uint16_t port_id;
	uint8_t wire;                   /* enum qpring_wire_kind */
	uint8_t copy;                   /* 1: frames are copied; 0: buffers exchanged */
	uint8_t adapter_mode;           /* enum qpring_adapter_mode */
	uint8_t rxq_map;                /* devarg rxq_map: QP_RXSEL_FIRST or _SAME */
	uint32_t rx_window;             /* devarg rx_window */
	uint8_t intr_any;               /* Rx interrupts installed on some queue */
	uint8_t ptypes;                 /* the adapter reports packet types */
	uint8_t started;
	uint8_t scatter;                /* RTE_ETH_RX_OFFLOAD_SCATTER on */
	uint8_t lsc_pending;            /* link changed; event not yet delivered */
	uint32_t max_frame;             /* from the MTU */
	struct qp_faults faults;        /* applied to every send queue */
	uint32_t faults_on;             /* any fault configured (kicks, rxtx) */
	uint64_t seed;                  /* fault random streams */
	/* adapter=service: the rte_service that runs this port's adapters */
	uint32_t service_id;
	uint8_t service_registered;
	uint32_t svc_run;               /* control path: adapters may run */
	uint32_t svc_busy __rte_cache_aligned; /* service callback inside */
	struct qpring_medium_conf medium; /* pcap/interface wire, if configured */
	/* The receiving side as the adapters that deliver into this port
	 * see it: its receive queues, filter, RSS and receive offloads.
	 */
	struct qp_rxport rx;
};

/* What one process keeps of a port for itself: dev->process_private. */
struct qpring_proc {
	void *wire;                     /* the wire's per-process state, or NULL */
	int refused;                    /* this process may not use the data path */
};

static inline struct rte_eth_dev *
qpring_port_dev(const struct qpring_port *p)
{
	return &rte_eth_devices[p->port_id];
}

/*
 * The adapter lock of a queue (ad.busy in its hardware). Whoever runs a
 * queue's adapter holds it: the sending lcore (inline), the service lcore,
 * the application (manual), or a burst that moves a held fault completion
 * along. Taking it is also the wire guard's announcement (G1): the
 * exchange is sequentially consistent, and so are the loads the adapter
 * then makes of what it delivers into (wire_dst, rx_live[]), so a control
 * path that unpublishes one of them and then fences and reads busy (G2 in
 * qpring_adapter_quiesce()) either sees the lock held and waits, or the
 * adapter sees the destination gone. Returns 1 if taken.
 */
static __rte_always_inline int
qpring_adapter_trylock(struct qp_hwq *hw)
{
	if (__atomic_load_n(&hw->ad.busy, __ATOMIC_RELAXED) != 0)
		return 0; /* held: no need to bounce the line with a write */
	return __atomic_exchange_n(&hw->ad.busy, 1, __ATOMIC_SEQ_CST) == 0;
}

/* G3: leave. Release: every write the adapter made (slots, registers, the
 * queue it delivered into) happens before the next holder's exchange or the
 * quiescer's acquire load of 0.
 */
static __rte_always_inline void
qpring_adapter_unlock(struct qp_hwq *hw)
{
	__atomic_store_n(&hw->ad.busy, 0, __ATOMIC_RELEASE);
}

/* Frame bytes a buffer of @mp holds behind the default headroom. */
static inline uint32_t
qpring_rx_buf_room(const struct rte_mempool *mp)
{
	return rte_pktmbuf_data_room_size((struct rte_mempool *)(uintptr_t)mp) -
	       RTE_PKTMBUF_HEADROOM;
}

/* ------------------------------------------------ shared by the files */

/* qpring_ctl.c: the control lock, the registry of this process's ports,
 * link state and its events.
 */
void qpring_ctl_init(const struct eth_dev_ops *ops);
void qpring_lock(void);
int qpring_trylock(void); /* 1 if taken (EAL's interrupt thread never blocks on it) */
void qpring_unlock(void); /* delivers the link events noted under the lock */
void qpring_registry_add(struct qpring_port *p);
void qpring_registry_remove(struct qpring_port *p);
struct qpring_port *qpring_registry_find(const char *name);
struct qpring_port *qpring_registry_next(struct qpring_port *p); /* NULL: first */
void qpring_link_refresh(struct qpring_port *p);
int qpring_adapter_quiesce(struct qp_hwq *hw, const char *what, uint16_t port, uint16_t qid);
struct rte_eth_dev *qpring_dev_of(uint16_t port_id, int *err);

/* qpring_devargs.c */
int qpring_parse_args(const char *name, const char *params, struct qpring_args *a);
void qpring_faults_derive(struct qp_faults *f);

/* Receive offloads the adapter does and writes back into the slot. */
#define QPRING_RX_OFFLOAD_WB (RTE_ETH_RX_OFFLOAD_RSS_HASH | RTE_ETH_RX_OFFLOAD_VLAN_STRIP | \
			      RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM | \
			      RTE_ETH_RX_OFFLOAD_TCP_CKSUM)

/* Does the port need the write-back path of the receive bursts? Packet
 * types are always written back when an application asked for them
 * (rte_eth_dev_set_ptypes()), see qpring_ethdev.c.
 */
static inline int
qpring_rx_offloads_wb(uint64_t offloads)
{
	return (offloads & QPRING_RX_OFFLOAD_WB) != 0;
}

/* RSS types the adapter hashes (qp_rss_hash()). */
#define QPRING_RSS_HF (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 | \
		       RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV4_UDP | \
		       RTE_ETH_RSS_NONFRAG_IPV4_OTHER | RTE_ETH_RSS_IPV6 | \
		       RTE_ETH_RSS_FRAG_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_TCP | \
		       RTE_ETH_RSS_NONFRAG_IPV6_UDP | RTE_ETH_RSS_NONFRAG_IPV6_OTHER)

/* Send offloads the adapter carries out. */
#define QPRING_TX_OFFLOAD_HW (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM | \
			      RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_VLAN_INSERT)

/* qpring_rss.c: receive-side queue selection, receive offloads, ptypes. */
int qpring_rss_configure(struct rte_eth_dev *dev);
int qpring_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *rc);
int qpring_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *rc);
int qpring_reta_update(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		       uint16_t size);
int qpring_reta_query(struct rte_eth_dev *dev, struct rte_eth_rss_reta_entry64 *conf,
		      uint16_t size);
const uint32_t *qpring_ptypes_get(struct rte_eth_dev *dev);
int qpring_ptypes_set(struct rte_eth_dev *dev, uint32_t ptype_mask);
void qpring_rx_offloads_update(struct rte_eth_dev *dev);

/* qpring_rxtx.c: burst functions (qpring_rx.c, qpring_tx.c), chosen in
 * one place.
 */
void qpring_burst_select(struct rte_eth_dev *dev);

/* qpring_queue.c: queue set-up, start, stop, release. */
int qpring_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			  unsigned int socket, const struct rte_eth_rxconf *conf,
			  struct rte_mempool *mp);
int qpring_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
			  unsigned int socket, const struct rte_eth_txconf *conf);
void qpring_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
void qpring_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
int qpring_rx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int qpring_rx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);
int qpring_tx_queue_start(struct rte_eth_dev *dev, uint16_t qid);
int qpring_tx_queue_stop(struct rte_eth_dev *dev, uint16_t qid);
int qpring_rxq_start_locked(struct rte_eth_dev *dev, uint16_t qid);
void qpring_rxq_stop_locked(struct rte_eth_dev *dev, uint16_t qid);
int qpring_txq_start_locked(struct rte_eth_dev *dev, uint16_t qid);
void qpring_txq_stop_locked(struct rte_eth_dev *dev, uint16_t qid);
void qpring_release_queues(struct rte_eth_dev *dev);
void qpring_rx_filter_update(struct rte_eth_dev *dev);
void qpring_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_rxq_info *qi);
void qpring_txq_info_get(struct rte_eth_dev *dev, uint16_t qid, struct rte_eth_txq_info *qi);

/* qpring_service.c: adapter=service. */
int qpring_service_register(struct qpring_port *p, int socket);
void qpring_service_unregister(struct qpring_port *p);
void qpring_service_start(struct qpring_port *p);
void qpring_service_stop(struct qpring_port *p);
void qpring_service_quiesce(struct qpring_port *p);

/* qpring_intr.c: Rx interrupts and PMD power management. */
int qpring_intr_install(struct rte_eth_dev *dev);
void qpring_intr_uninstall(struct rte_eth_dev *dev);
int qpring_rx_queue_intr_enable(struct rte_eth_dev *dev, uint16_t qid);
int qpring_rx_queue_intr_disable(struct rte_eth_dev *dev, uint16_t qid);
void qpring_rx_intr_signal(uint16_t port_id, uint16_t qid, struct qp_hwq *hw);
int qpring_get_monitor_addr(void *q, struct rte_power_monitor_cond *pmc);

/* qpring_stats.c: stats, xstats, register dump, telemetry. */
int qpring_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st);
int qpring_stats_reset(struct rte_eth_dev *dev);
int qpring_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int n);
int qpring_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			    unsigned int size);
int qpring_xstats_reset(struct rte_eth_dev *dev);
int qpring_get_reg(struct rte_eth_dev *dev, struct rte_dev_reg_info *info);
const struct qp_hwq *qpring_queue_hw(const struct rte_eth_dev *dev, uint16_t qid, int dir,
				     uint32_t *driver_index, uint32_t *nb_slots);
struct rte_pmd_qpring_regs;
void qpring_regs_fill(const struct qp_hwq *hw, uint32_t driver_index, uint32_t nb_slots,
		      struct rte_pmd_qpring_regs *r);
void qpring_telemetry_register(void);
int qpring_rx_descriptor_dump(const struct rte_eth_dev *dev, uint16_t qid, uint16_t offset,
			      uint16_t num, FILE *f);
int qpring_tx_descriptor_dump(const struct rte_eth_dev *dev, uint16_t qid, uint16_t offset,
			      uint16_t num, FILE *f);

#endif /* QPRING_H */
