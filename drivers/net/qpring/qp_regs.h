/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The per-queue register file of the emulated adapter (claims 2-6): the
 * doorbell register (virtual address of the newest WQE plus the in-service
 * bit) and the pending-WQE register. Inline helpers for the doorbell write
 * (driver) and for reading and retiring pending work (adapter).
 */
#ifndef QP_REGS_H
#define QP_REGS_H

#include <stdint.h>

#include <rte_common.h>

#include "qp_slot.h"

/*
 * DOORBELL register, 64 bits:
 *
 *   63                                   5 4     1   0
 *  +--------------------------------------+-------+----+
 *  |  VA of the newest WQE (bits 63..5)   |  0    | IS |
 *  +--------------------------------------+-------+----+
 *
 * Slots are 32-byte aligned, so the low five bits of a WQE's address are
 * free; bit 0 is the in-service bit IS: 1 while the WQE named by the address
 * is posted and not yet serviced, 0 once the adapter has serviced it.
 *
 * PENDING register, 32 bits: WQEs posted to the queue and not yet serviced.
 * The driver adds the burst's WQE count when it rings the doorbell; the
 * adapter subtracts what it services.
 */
#define QP_DB_IN_SERVICE 0x1ull
#define QP_DB_VA_MASK    (~0x1full)

/*
 * The register file shares one cache line between its two writers on
 * purpose: it is the doorbell the driver rings and the adapter clears, the
 * emulation of an MMIO register block. Everything either side writes at a
 * higher rate lives elsewhere (driver: its queue struct; adapter: struct
 * qp_adapter_q), so this line moves once per burst, not once per frame.
 */
struct qp_regs {
	uint64_t doorbell; /* driver writes (ring), adapter clears IS */
	uint32_t pending;  /* driver adds, adapter subtracts */
	uint32_t size;     /* ring size in slots, read-only after set-up */
	uint64_t ring_va;  /* VA of slot 0, read-only after set-up */
} __rte_cache_aligned;

_Static_assert(sizeof(struct qp_regs) == RTE_CACHE_LINE_SIZE, "one line");

/*
 * Driver: notify the adapter that the WQEs of this burst, the newest at
 * @last, are posted. One call per burst.
 */
static __rte_always_inline void
qp_doorbell_ring(struct qp_regs *r, const struct qp_slot *last, uint32_t n)
{
	/* The address is written first, relaxed: R1 below publishes it with
	 * the WQEs.
	 */
	__atomic_store_n(&r->doorbell, (uint64_t)(uintptr_t)last | QP_DB_IN_SERVICE,
			 __ATOMIC_RELAXED);
	/* R1: release increment of PENDING. Pairs with A0 in
	 * qp_regs_pending(): an adapter that sees the new count sees every
	 * WQE (and indicator) of the burst and the doorbell address.
	 */
	__atomic_fetch_add(&r->pending, n, __ATOMIC_RELEASE);
}

/* A0: adapter's acquire load of PENDING; pairs with R1 in qp_doorbell_ring(). */
static __rte_always_inline uint32_t
qp_regs_pending(const struct qp_regs *r)
{
	return __atomic_load_n(&r->pending, __ATOMIC_ACQUIRE);
}

/* Adapter: the doorbell value to compare serviced slots against. Read after
 * A0, so it is at least as new as the WQEs that load made visible.
 */
static __rte_always_inline uint64_t
qp_regs_doorbell(const struct qp_regs *r)
{
	return __atomic_load_n(&r->doorbell, __ATOMIC_RELAXED);
}

/*
 * Adapter: @s, the WQE named by the doorbell value @db, has been serviced:
 * clear the in-service bit, unless the driver rang a newer doorbell
 * meanwhile (then the compare fails and the newer WQE keeps its bit).
 * Must run before @s is completed: until its indicator reads DONE the driver
 * cannot reuse @s and ring the same address again, so the compare cannot
 * mistake a new WQE for the old one. Relaxed: the bit is status, nothing is
 * published through it.
 */
static __rte_always_inline void
qp_regs_clear_in_service(struct qp_regs *r, uint64_t db)
{
	__atomic_compare_exchange_n(&r->doorbell, &db, db & ~QP_DB_IN_SERVICE, 0,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* Adapter: @n WQEs serviced. Relaxed: the driver never learns of completion
 * through PENDING (only through indicators, D1), so nothing is published.
 */
static __rte_always_inline void
qp_regs_retire(struct qp_regs *r, uint32_t n)
{
	__atomic_fetch_sub(&r->pending, n, __ATOMIC_RELAXED);
}

/* Readers for dumps and statistics (any lcore, any time). */
static inline uint64_t
qp_regs_doorbell_va(const struct qp_regs *r)
{
	return __atomic_load_n(&r->doorbell, __ATOMIC_RELAXED) & QP_DB_VA_MASK;
}

static inline unsigned int
qp_regs_in_service(const struct qp_regs *r)
{
	return (unsigned int)(__atomic_load_n(&r->doorbell, __ATOMIC_RELAXED) &
			      QP_DB_IN_SERVICE);
}

static inline uint32_t
qp_regs_pending_peek(const struct qp_regs *r)
{
	return __atomic_load_n(&r->pending, __ATOMIC_RELAXED);
}

#endif /* QP_REGS_H */
