/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Driver-side structures of net_qpring: the port, its send (Tx) and receive
 * (Rx) queues, their counters, and the wire guard through which an adapter
 * reaches the receive queues of the port it is cabled to.
 */
#ifndef QPRING_H
#define QPRING_H

#include <stdint.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_dev.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_memzone.h>

#include "qp_adapter.h"
#include "qp_wire.h"

extern int qpring_logtype;
#define RTE_LOGTYPE_QPRING qpring_logtype

/* The one log macro of the driver; never used on the fast path. */
#define QPRING_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, qpring_logtype, "qpring: %s(): " fmt "\n", __func__, \
		##__VA_ARGS__)

#define QPRING_MAX_QPS         256u  /* queue pairs per port */
#define QPRING_DEFAULT_RING    512u  /* slots, when the application asks 0 */
#define QPRING_MIN_MTU         68u
#define QPRING_MAX_FRAME       9216u /* bytes, without CRC */
#define QPRING_FRAME_OVERHEAD  (RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN)
#define QPRING_MAX_MTU         (QPRING_MAX_FRAME - QPRING_FRAME_OVERHEAD)
#define QPRING_TX_BURST_FREE   64u   /* mbufs freed in one bulk call */

enum qpring_adapter_mode {
	QPRING_ADAPTER_INLINE = 0, /* serviced in the burst that rang the doorbell */
	QPRING_ADAPTER_MANUAL,     /* serviced by rte_pmd_qpring_adapter_poll() */
	QPRING_ADAPTER_SERVICE,    /* serviced by an rte_service on a service lcore */
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
	QP_TXC_ERRORS,     /* completions with an error status */
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
	QP_RXC_NR
};

/*
 * Counters are monotonic and written by exactly one lcore; a reset records
 * the current values as a base instead of writing into a counter another
 * lcore owns.
 */
struct qpring_txq {
	struct qp_hwq *hw;            /* slots and registers (memzone) */
	uint32_t tail;                /* next slot the driver writes (monotonic) */
	uint32_t mask;
	uint32_t max_frame;           /* bytes; longer frames are dropped */
	uint8_t fast_free;            /* RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE */
	uint16_t queue_id;
	uint16_t port_id;
	struct qpring_port *port;
	void *medium_ctx;             /* pcap/interface wire, primary only */
	uint64_t c[QP_TXC_NR];
	/* cold */
	uint64_t base[QP_TXC_NR];
	struct qp_adapter_q ad_base;  /* adapter counters at the last reset */
	const struct rte_memzone *mz;
	uint32_t nb_desc;
	uint8_t started;
	uint8_t deferred_start;
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
	void *medium_ctx;             /* pcap/interface wire, primary only */
	uint64_t c[QP_RXC_NR];
	/* cold */
	uint64_t base[QP_RXC_NR];
	struct qp_adapter_q ad_base;
	const struct rte_memzone *mz;
	struct qpring_port *port;
	uint32_t nb_desc;
	uint8_t started;
	uint8_t deferred_start;
	/* Rx interrupt (primary process only): eventfd, and whether the
	 * application armed it (rte_eth_dev_rx_intr_enable()).
	 */
	int intr_fd;
	uint32_t intr_armed;
} __rte_cache_aligned;

/* Port state, in dev_private (shared memory, visible to secondaries). */
struct qpring_port {
	TAILQ_ENTRY(qpring_port) next;  /* registry of cabled ports (primary) */
	/*
	 * Where this port's send queues deliver: this port (loopback), the
	 * cabled peer, or NULL (peer named but absent). Read by the adapter
	 * inside the wire guard; changed by the control path, which then
	 * waits for the guard (qpring_wire_quiesce()).
	 */
	struct qpring_port *wire_dst;
	/* Receive queues accepting frames, by queue id; same protocol. */
	struct qpring_rxq *rx_live[QPRING_MAX_QPS];
	struct qpring_port *peer;       /* cabled peer, NULL if none */
	char name[RTE_DEV_NAME_MAX_LEN];
	char peer_name[RTE_DEV_NAME_MAX_LEN];
	struct rte_ether_addr mac;
	uint16_t port_id;
	uint8_t copy;                   /* 1: frames are copied; 0: buffers exchanged */
	uint8_t adapter_mode;           /* enum qpring_adapter_mode */
	uint8_t started;
	uint32_t max_frame;             /* from the MTU */
	struct qp_faults faults;        /* applied to every send queue */
	uint64_t seed;                  /* fault random streams */
	/* adapter=service: the rte_service that runs this port's adapters */
	uint32_t service_id;
	uint8_t service_registered;
	uint8_t lsc_pending;            /* link changed; event not yet delivered */
	uint32_t svc_run;               /* control path: adapters may run */
	uint32_t svc_busy __rte_cache_aligned; /* service callback inside */
	struct qp_medium_conf medium;   /* pcap/interface wire, if configured */
	uint8_t has_medium;
	uint8_t scatter;                /* RTE_ETH_RX_OFFLOAD_SCATTER on */
};

/* Burst functions (qpring_rxtx.c). */
uint16_t qpring_rx_burst(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_rx_burst_zc(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_tx_burst_inline(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_tx_burst_inline_zc(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_tx_burst_deferred(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_rx_burst_scatter(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_rx_burst_medium(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_tx_burst_medium(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);

/* Run the adapter of one send queue (wire guard, or its medium). */
uint32_t qpring_adapter_run_txq(struct qpring_txq *txq, uint32_t budget);
/* Run the receiving adapter of a queue fed by a medium. */
uint32_t qpring_adapter_run_rxq(struct qpring_rxq *rxq, uint32_t budget);

/* Cold path of the adapter: wake an application sleeping on the RQ's eventfd. */
void qpring_rx_intr_signal(struct qpring_rxq *rxq);

/* Descriptor-level operations (qpring_rxtx.c). */
uint32_t qpring_rx_queue_count(void *rxq);
int qpring_rx_descriptor_status(void *rxq, uint16_t offset);
int qpring_tx_descriptor_status(void *txq, uint16_t offset);
int qpring_tx_done_cleanup_q(struct qpring_txq *txq, uint32_t free_cnt);

/* Control path helpers for queues (qpring_rxtx.c). */
int qpring_rxq_fill(struct qpring_rxq *rxq);
void qpring_rxq_drain(struct qpring_rxq *rxq);
void qpring_txq_drain(struct qpring_txq *txq);

#endif /* QPRING_H */
