/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The receiving side of a port as the adapters that deliver into it see
 * it: the receive queues that accept frames, the receive filter and frame
 * limit, the receive offloads the adapter carries out, and receive-side
 * queue selection (queue 0, the sender's queue index, or RSS: a Toeplitz
 * hash through a redirection table). The receiving port picks the queue,
 * as a NIC does; frames from any send queue of the sending port reach it.
 *
 * Written by the receiving port's control path; read by any number of
 * sending adapters at once, on any lcore (or, for a cable between
 * processes, a copy of it in the sending process, see qpring_wire.h).
 */
#ifndef QP_RXPORT_H
#define QP_RXPORT_H

#include <stdint.h>

#include <rte_common.h>

#include "qp_hwq.h"

#define QP_MAX_RQ      256u  /* receive queues per port */
#define QP_RETA_SIZE   128u  /* redirection table entries */
#define QP_RSS_KEY_LEN 40u   /* Toeplitz key bytes */

/* How the receiving port picks a frame's receive queue. */
enum qp_rxsel {
	QP_RXSEL_FIRST = 0, /* queue 0 (RSS off) */
	QP_RXSEL_SAME,      /* the queue of the sending queue's index (rxq_map=same) */
	QP_RXSEL_RSS,       /* hash of the frame's fields, through the RETA */
};

/* Receive offloads the adapter carries out (qp_rxport.offloads). */
#define QP_RXO_RSS_HASH   0x1u /* write the RSS hash back */
#define QP_RXO_PTYPE      0x2u /* parse the frame, write its packet type back */
#define QP_RXO_CKSUM      0x4u /* check IPv4 and TCP/UDP checksums */
#define QP_RXO_VLAN_STRIP 0x8u /* take the outer VLAN tag off, write it back */

/* One RSS configuration. */
struct qp_rss {
	uint64_t hf;                          /* RTE_ETH_RSS_* types hashed */
	uint8_t key[QP_RSS_KEY_LEN];          /* the key as the application gave it */
	uint32_t key_be[QP_RSS_KEY_LEN / 4];  /* rte_convert_rss_key() of it */
	uint16_t reta[QP_RETA_SIZE];          /* queue for hash % QP_RETA_SIZE */
};

/* One receive queue as the senders see it. */
struct qp_rxq_ref {
	struct qp_hwq *hw;  /* NULL: not accepting frames (published last) */
	uint32_t mask;      /* ring size - 1 (the sender's own copy) */
	uint32_t buf_cap;   /* bytes a posted buffer holds; 0: credits (zero copy) */
	uint32_t scatter;   /* a frame may span several posted buffers */
	uint32_t rsvd;
};

struct qp_rxport {
	uint32_t nb_rq;     /* receive queues configured */
	uint32_t select;    /* enum qp_rxsel */
	uint32_t filter;    /* QP_RXF_* */
	uint32_t max_len;   /* longest frame accepted (MTU + L2 overhead) */
	uint64_t mac;       /* unicast address accepted (qp_mac_word()) */
	uint32_t offloads;  /* QP_RXO_* */
	uint32_t rss_cur;   /* which rss[] is current */
	/* Address translation for a receiver in another process: a receive
	 * WQE's buffer address is the receiver's; the sender adds va_delta
	 * after checking it lies in [va_lo, va_hi). xlate 0: same process.
	 */
	uint32_t xlate;
	uint32_t rsvd;
	int64_t va_delta;
	uint64_t va_lo, va_hi;
	struct qp_rss rss[2];                 /* double-buffered (qp_rxport_set_rss()) */
	struct qp_rxq_ref rq[QP_MAX_RQ];
} __rte_cache_aligned;

/* Sender: the receive queue @q of @rp, NULL if it does not accept frames.
 * Sequentially consistent: it is one of the loads the wire guard orders
 * after the adapter lock (qpring_adapter_trylock()); it also acquires, so
 * the fields published before it (and the queue's set-up) are visible.
 */
static __rte_always_inline struct qp_hwq *
qp_rxport_rq(const struct qp_rxport *rp, uint32_t q)
{
	return __atomic_load_n(&rp->rq[q].hw, __ATOMIC_SEQ_CST);
}

/* Control path of the receiving port. */
void qp_rxport_init(struct qp_rxport *rp);
/* Publish receive queue @q (P1: release, after its fields). */
void qp_rxport_publish(struct qp_rxport *rp, uint32_t q, struct qp_hwq *hw, uint32_t buf_cap,
		       int scatter);
/* Unpublish it; the caller then waits for the senders (wire guard). */
void qp_rxport_unpublish(struct qp_rxport *rp, uint32_t q);
/* Install an RSS configuration: the unused copy is written, then made
 * current with a release store, so a sender sees one whole configuration
 * (a second change while a sender still reads the first could mix them
 * for that one frame: it then goes to some valid queue).
 */
void qp_rxport_set_rss(struct qp_rxport *rp, uint64_t hf, const uint8_t *key,
		       const uint16_t *reta);

#endif /* QP_RXPORT_H */
