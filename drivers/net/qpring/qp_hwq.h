/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * One queue's "hardware": its register file (qp_regs.h), the state only the
 * adapter writes, its fault settings and its ring of slots (qp_slot.h), in
 * one block of memory the driver allocates per queue (claims 7, 8). The
 * control-path operations on that memory live here too: set-up, flush of
 * unserviced work at stop, and parking a queue that is not running.
 */
#ifndef QP_HWQ_H
#define QP_HWQ_H

#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "qp_slot.h"
#include "qp_regs.h"

/* Widest out-of-order completion window the adapter honours. */
#define QP_OOO_MAX 64u

/* Ring size limits (slots per queue); sizes are powers of two. */
#define QP_RING_MIN 16u
#define QP_RING_MAX 32768u

/* Receive filter of an RQ, written by the control path of the receiving
 * port, read by whoever delivers into the RQ.
 */
#define QP_RXF_PROMISC  0x1u
#define QP_RXF_ALLMULTI 0x2u

/*
 * State written by the adapter. For a send queue, only whoever holds its
 * adapter lock (busy, below) writes it. For a receive queue, every sending
 * adapter that delivers into it: the claim index (head) and the counters
 * marked "receive" are updated with atomic read-modify-writes (qp_deliver.h).
 * On its own cache line(s), away from the register line and from the
 * driver's queue struct.
 */
struct qp_adapter_q {
	uint32_t head;        /* next slot the adapter serves (monotonic) */
	uint32_t mask;        /* size - 1 */
	uint32_t busy;        /* adapter lock: 1 while an lcore runs this queue's
			       * adapter (qpring_adapter_trylock()); also the wire
			       * guard the control path waits on */
	uint32_t intr_on;     /* receive queue: Rx interrupts installed (the
			       * eventfd is per process, see qpring_intr.c) */
	uint32_t intr_armed;  /* receive queue: the application waits for the
			       * next completion (rte_eth_dev_rx_intr_enable()) */
	/* counters, monotonic; readers snapshot them */
	uint64_t serviced;    /* WQEs completed */
	uint64_t polls;       /* service calls */
	uint64_t idle_polls;  /* service calls that found nothing pending */
	uint64_t no_link;     /* send: frames discarded, no receiver */
	uint64_t no_buffer;   /* receive: frames dropped, no posted buffer */
	uint64_t too_big;     /* receive: frames longer than the posted buffer */
	uint64_t filtered;    /* receive: frames rejected by the MAC filter */
	uint64_t medium_errors; /* pcap/interface wire: frames the medium refused or lost */
	uint64_t failed;      /* send: WQEs completed with a failure status */
	uint64_t tx_errors;   /* send: ... of them with an error (QP_ST_ERROR) */
	uint64_t fail_bytes;  /* send: their bytes */
	uint64_t sent;        /* send: WQEs serviced with success (frames on the wire) */
	uint64_t sent_bytes;  /* send: their bytes */
	uint64_t kept;        /* send: WQEs completed still holding their buffer
			       * (zero copy: not handed over), for the driver's
			       * reclaim shortcut */
	uint64_t txo_errors;  /* send: offloads asked with header lengths that do
			       * not describe the frame (sent without them) */
	/* fault injection (send queues); see struct qp_faults */
	uint64_t f_delayed;   /* batches whose completion was held back */
	uint64_t f_reordered; /* WQEs completed ahead of an older one */
	uint64_t f_errors;    /* send WQEs completed with QP_ST_ERROR */
	uint64_t f_rx_errors; /* frames placed with QP_ST_ERROR (on the receiver) */
	uint64_t f_drops;     /* frames lost on the wire */
	uint64_t rng;         /* xorshift state, from the seed */
	uint32_t done_head;   /* faults: next slot to complete (<= head) */
	uint32_t held_since;  /* faults: poll count when the held batch was serviced */
	uint32_t faults_on;   /* control path: any fault configured */
	uint64_t held_tsc;    /* faults: TSC when the held batch was serviced */
	uint64_t early;       /* faults: held WQEs completed out of order, bit i =
			       * done_head + i (the adapter's own record) */
} __rte_cache_aligned;

/*
 * Fault injection settings of a send queue's adapter. Written by the
 * control path (relaxed stores, any time), read by the adapter per call.
 *   delay_polls: a serviced batch is completed only after this many more
 *                service calls (its WQEs stay adapter-owned meanwhile);
 *   delay_ns:    ... and only once this much time has passed since it was
 *                serviced; delay_tsc is the same in TSC cycles, which the
 *                control path derives from delay_ns (the adapter reads it);
 *   ooo_window:  completions are selected at random among the oldest W
 *                serviced WQEs (W at most QP_OOO_MAX), so a WQE can complete
 *                before older ones (frames still leave in posting order);
 *   error_ppm:   per million send WQEs completed with QP_ST_ERROR (frame not
 *                sent), and independently per million frames placed into
 *                the receiver's slot with QP_ST_ERROR;
 *   drop_ppm:    per million frames lost on the wire (sent, never placed).
 */
struct qp_faults {
	uint32_t delay_polls;
	uint32_t ooo_window;
	uint32_t error_ppm;
	uint32_t drop_ppm;
	uint32_t delay_ns;
	uint32_t rsvd;
	uint64_t delay_tsc;
};

/* One queue's hardware: register file, adapter state, slots. */
struct qp_hwq {
	struct qp_regs regs;
	struct qp_adapter_q ad;
	struct qp_faults faults __rte_cache_aligned;
	struct qp_slot slots[] __rte_cache_aligned;
};

/*
 * Add @n to counter @c of a send queue's adapter state. One writer (the
 * holder of the queue's adapter lock), so a load and a relaxed store, no
 * locked instruction; the store is atomic because statistics, xstats and
 * register dumps load the counter on other lcores at the same time.
 * (Receive-queue counters have many writers: qp_rq_count().)
 */
static __rte_always_inline void
qp_ctr_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

/* The six bytes of a MAC address as one comparable word. */
static inline uint64_t
qp_mac_word(const void *mac)
{
	uint64_t w = 0;

	memcpy(&w, mac, RTE_ETHER_ADDR_LEN);
	return w;
}

static inline size_t
qp_hwq_size(uint32_t nb_slots)
{
	return sizeof(struct qp_hwq) + (size_t)nb_slots * sizeof(struct qp_slot);
}

/* Control path: zero a queue's hardware and give every slot to the driver. */
void qp_hwq_init(struct qp_hwq *q, uint32_t nb_slots);

/*
 * Control path, queue stopped and no adapter running: complete every posted
 * WQE with QP_ST_FLUSHED and return how many there were. Their buffers stay
 * in the slots for the driver to free.
 */
uint32_t qp_hwq_flush(struct qp_hwq *q);

/*
 * Control path: park a queue that is not running. Every indicator reads
 * POSTED, so a burst called on a stopped queue finds no slot it may use and
 * returns 0 (nothing harvested, nothing posted). qp_hwq_unpark() gives every
 * slot back to the driver, empty, when a send queue starts.
 */
void qp_hwq_park(struct qp_hwq *q);
void qp_hwq_unpark(struct qp_hwq *q);

/* Number of slots the driver owns (indicator DONE), by scanning indicators. */
uint32_t qp_hwq_count_done(const struct qp_hwq *q);

/*
 * Frames (not slots) completed and not yet harvested in a receive queue,
 * among the @nb_slots slots from the driver's harvest point @head: a frame
 * spread over several slots (receive scatter, QP_ST_F_MORE on all parts but
 * the last) counts once. Stops at the first slot the adapter still owns.
 */
uint32_t qp_hwq_count_frames(const struct qp_hwq *q, uint32_t head, uint32_t nb_slots);

#endif /* QP_HWQ_H */
