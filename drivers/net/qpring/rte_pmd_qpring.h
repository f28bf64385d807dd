/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/**
 * @file
 * net_qpring PMD-specific API: what ethdev has no call for. Read a queue's
 * register file, drive the adapter by hand (adapter=manual), change fault
 * injection at run time, find the adapter's service (adapter=service).
 *
 * @warning
 * @b EXPERIMENTAL: this API may change without prior notice. Define
 * ALLOW_EXPERIMENTAL_API to use it, as for DPDK's own experimental API.
 */
#ifndef RTE_PMD_QPRING_H
#define RTE_PMD_QPRING_H

#include <stdint.h>

#include <rte_compat.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Which queue of a queue pair. */
enum rte_pmd_qpring_dir {
	RTE_PMD_QPRING_SQ = 0, /**< send queue = ethdev Tx queue */
	RTE_PMD_QPRING_RQ = 1, /**< receive queue = ethdev Rx queue */
};

/** Bit 0 of the raw doorbell register: the in-service bit. */
#define RTE_PMD_QPRING_DB_IN_SERVICE 0x1ull
/** Bits 63..5 of the raw doorbell register: VA of the newest WQE. */
#define RTE_PMD_QPRING_DB_VA_MASK (~0x1full)

/** A snapshot of one queue's register file and indexes. */
struct rte_pmd_qpring_regs {
	uint64_t doorbell;      /**< raw DOORBELL register (VA | in-service bit) */
	uint64_t doorbell_va;   /**< VA of the newest WQE the driver announced */
	uint64_t ring_va;       /**< VA of slot 0; slot i is at ring_va + 32 * i */
	uint32_t pending;       /**< PENDING register: WQEs posted, not serviced */
	uint32_t in_service;    /**< 1: the WQE at doorbell_va is not yet serviced */
	uint32_t size;          /**< slots in the ring */
	uint32_t driver_index;  /**< next slot the driver writes/harvests (mod 2^32) */
	uint32_t adapter_index; /**< next slot the adapter serves (mod 2^32) */
	uint32_t done_slots;    /**< slots whose indicator reads "completed" */
};

/**
 * Read the register file of one queue. Any lcore, any time after queue
 * set-up; the fields are read one by one, not as an atomic snapshot.
 *
 * @param port_id
 *   A qpring port.
 * @param queue_id
 *   The queue (Tx queue for RTE_PMD_QPRING_SQ, Rx queue for RTE_PMD_QPRING_RQ).
 * @param dir
 *   Which queue of the queue pair.
 * @param regs
 *   Where the snapshot goes.
 * @return
 *   0; -ENODEV (no such port), -ENOTSUP (not a qpring port),
 *   -EINVAL (queue not set up, bad @p dir, or @p regs NULL).
 */
__rte_experimental
int rte_pmd_qpring_regs_get(uint16_t port_id, uint16_t queue_id,
			    enum rte_pmd_qpring_dir dir, struct rte_pmd_qpring_regs *regs);

/**
 * Run the adapters of a port with adapter=manual once: every started send
 * queue, at most @p budget WQEs each, and, on a port wired to a capture file
 * or interface, every started receive queue (at most @p budget frames
 * each). This is how WQEs are serviced with adapter=manual. Any lcore; a
 * queue whose adapter another lcore is running at that moment is skipped.
 * Not while the port is being stopped.
 *
 * @param port_id
 *   A qpring port with adapter=manual.
 * @param budget
 *   Most WQEs (frames) serviced per queue.
 * @return
 *   WQEs and frames serviced (>= 0); -ENODEV, -ENOTSUP (not a qpring port),
 *   -EBUSY (adapter=inline: the sending lcores run the adapters, so a
 *   completion a fault holds back arrives with any later tx burst or
 *   rte_eth_tx_done_cleanup(); adapter=service: the service lcore does).
 */
__rte_experimental
int rte_pmd_qpring_adapter_poll(uint16_t port_id, unsigned int budget);

/** Fault injection settings of a port's adapters (all its send queues). */
struct rte_pmd_qpring_faults {
	uint32_t delay_polls; /**< complete a serviced batch this many adapter calls later */
	uint32_t ooo_window;  /**< 0: in order; W > 1: complete at random among the oldest W */
	uint32_t error_ppm;   /**< per million: send WQE completes with an error (not sent),
			       *   and independently a frame is received with an error */
	uint32_t drop_ppm;    /**< per million: frame lost on the wire */
	uint32_t delay_ns;    /**< complete a serviced batch only this many nanoseconds
			       *   after it was serviced (and after delay_polls calls) */
};

/**
 * Read the fault settings of a port.
 *
 * @param port_id
 *   A qpring port.
 * @param f
 *   Where the settings go.
 * @return
 *   0; -ENODEV, -ENOTSUP (not qpring), -EINVAL (@p f NULL).
 */
__rte_experimental
int rte_pmd_qpring_faults_get(uint16_t port_id, struct rte_pmd_qpring_faults *f);

/**
 * Change the fault settings of a port at run time (any lcore; adapters pick
 * them up at their next call). A batch held by both delays completes when
 * both have passed.
 *
 * @param port_id
 *   A qpring port.
 * @param f
 *   The settings. Ranges: delay_polls <= 1000000, delay_ns <= 1000000000
 *   (1 s), ooo_window <= 32768, rates <= 1000000.
 * @return
 *   0; -ENODEV, -ENOTSUP (not qpring), -EINVAL (NULL or out of range).
 */
__rte_experimental
int rte_pmd_qpring_faults_set(uint16_t port_id, const struct rte_pmd_qpring_faults *f);

/**
 * The rte_service id that runs the adapters of a port (adapter=service), for
 * applications that map service lcores themselves.
 *
 * @param port_id
 *   A qpring port with adapter=service.
 * @param service_id
 *   Where the id goes.
 * @return
 *   0; -ENODEV, -ENOTSUP (not qpring, or another adapter mode), -EINVAL
 *   (@p service_id NULL).
 */
__rte_experimental
int rte_pmd_qpring_service_id_get(uint16_t port_id, uint32_t *service_id);

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_QPRING_H */
