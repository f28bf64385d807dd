/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/**
 * @file
 * net_qpring PMD-specific API: what ethdev has no call for. Read a queue's
 * register file, drive the adapter by hand (adapter=manual), change fault
 * injection at run time, find the adapter's service (adapter=service).
 */
#ifndef RTE_PMD_QPRING_H
#define RTE_PMD_QPRING_H

#include <stdint.h>

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
 * Read the register file of queue @p queue_id, direction @p dir, of qpring
 * port @p port_id into @p regs. Any lcore, any time after queue set-up; the
 * fields are read one by one, not as an atomic snapshot.
 *
 * @return 0; -ENODEV (no such port), -ENOTSUP (not a qpring port),
 *   -EINVAL (queue not set up, or @p regs NULL).
 */
int rte_pmd_qpring_regs_get(uint16_t port_id, uint16_t queue_id,
			    enum rte_pmd_qpring_dir dir, struct rte_pmd_qpring_regs *regs);

/**
 * Run the adapter of @p port_id once: every started send queue, at most
 * @p budget WQEs each, and, on a port wired to a capture file or interface,
 * every started receive queue (at most @p budget frames each). This is how
 * WQEs are serviced with adapter=manual; with adapter=inline it finds nothing
 * pending (fault-delayed completions excepted). Call it from one lcore at a
 * time, and not while the port is being stopped.
 *
 * @return WQEs and frames serviced (>= 0); -ENODEV, -ENOTSUP (not a qpring
 *   port), -EBUSY (adapter=service: the service lcore owns the adapters).
 */
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
 * Read the fault settings of @p port_id.
 * @return 0; -ENODEV, -ENOTSUP (not qpring), -EINVAL (@p f NULL).
 */
int rte_pmd_qpring_faults_get(uint16_t port_id, struct rte_pmd_qpring_faults *f);

/**
 * Change the fault settings of @p port_id at run time (any lcore; adapters
 * pick them up at their next call). Ranges: delay_polls <= 1000000,
 * delay_ns <= 1000000000 (1 s), ooo_window <= 32768, rates <= 1000000.
 * A batch held by both delays completes when both have passed.
 * @return 0; -ENODEV, -ENOTSUP (not qpring), -EINVAL (NULL or out of range).
 */
int rte_pmd_qpring_faults_set(uint16_t port_id, const struct rte_pmd_qpring_faults *f);

/**
 * The rte_service id that runs the adapters of @p port_id (adapter=service),
 * for applications that map service lcores themselves.
 * @return 0; -ENODEV, -ENOTSUP (not qpring, or another adapter mode), -EINVAL.
 */
int rte_pmd_qpring_service_id_get(uint16_t port_id, uint32_t *service_id);

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_QPRING_H */
