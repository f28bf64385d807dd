/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The register file (qp_regs.h): doorbell = VA of the newest WQE | in-service
 * bit, pending count added by the driver and retired by the adapter.
 */
#include "unit.h"

#define NB 16u

static uint64_t
va_of(const struct qp_hwq *q, unsigned int i)
{
	return (uint64_t)(uintptr_t)&q->slots[i];
}

static void
test_layout(void)
{
	UNIT_CASE("layout");
	CHECK_EQ(sizeof(struct qp_regs), RTE_CACHE_LINE_SIZE);
	CHECK_EQ(offsetof(struct qp_regs, doorbell), 0);
	CHECK_EQ(offsetof(struct qp_regs, pending), 8);
	CHECK_EQ(offsetof(struct qp_regs, size), 12);
	CHECK_EQ(offsetof(struct qp_regs, ring_va), 16);
	CHECK_EQ(QP_DB_IN_SERVICE, 1);
	CHECK_EQ(QP_DB_VA_MASK, ~0x1full);
	/* The register line and the adapter's line are separate lines. */
	CHECK_EQ(offsetof(struct qp_hwq, regs), 0);
	CHECK_EQ(offsetof(struct qp_hwq, ad) % RTE_CACHE_LINE_SIZE, 0);
	CHECK(offsetof(struct qp_hwq, ad) >= RTE_CACHE_LINE_SIZE, "ad shares the regs line");
}

static void
test_ring(void)
{
	/* A sequence of bursts: the newest WQE of each and its WQE count. */
	static const struct {
		unsigned int last;
		uint32_t n;
	} rings[] = {
		{ 3, 4 }, { 5, 2 }, { 6, 1 }, { 15, 9 }, { 0, 1 }, { 7, 7 },
	};
	struct qp_hwq *q = unit_hwq_new(NB);
	uint32_t pending = 0;
	unsigned int i;

	UNIT_CASE("doorbell ring: VA | in-service, pending += n");
	CHECK_EQ(q->regs.doorbell, 0);
	CHECK_EQ(qp_regs_in_service(&q->regs), 0);
	CHECK_EQ(qp_regs_pending(&q->regs), 0);
	for (i = 0; i < RTE_DIM(rings); i++) {
		uint64_t va = va_of(q, rings[i].last);

		qp_doorbell_ring(&q->regs, &q->slots[rings[i].last], rings[i].n);
		pending += rings[i].n;
		CHECK(q->regs.doorbell == (va | QP_DB_IN_SERVICE), "ring %u: doorbell %#" PRIx64
		      " for slot %u", i, q->regs.doorbell, rings[i].last);
		CHECK(qp_regs_doorbell(&q->regs) == (va | QP_DB_IN_SERVICE), "ring %u: raw", i);
		CHECK(qp_regs_doorbell_va(&q->regs) == va, "ring %u: doorbell_va", i);
		CHECK(qp_regs_in_service(&q->regs) == 1, "ring %u: in_service", i);
		CHECK(qp_regs_pending(&q->regs) == pending, "ring %u: pending %u expected %u", i,
		      qp_regs_pending(&q->regs), pending);
		CHECK(qp_regs_pending_peek(&q->regs) == pending, "ring %u: peek", i);
		/* Read-only registers stay as set up. */
		CHECK(q->regs.size == NB && q->regs.ring_va == va_of(q, 0), "ring %u: ro", i);
	}
	free(q);
}

static void
test_retire(void)
{
	struct qp_hwq *q = unit_hwq_new(NB);
	uint64_t db;

	UNIT_CASE("retire subtracts from pending only");
	qp_doorbell_ring(&q->regs, &q->slots[9], 10);
	db = q->regs.doorbell;
	qp_regs_retire(&q->regs, 3);
	CHECK_EQ(qp_regs_pending(&q->regs), 7);
	qp_regs_retire(&q->regs, 1);
	CHECK_EQ(qp_regs_pending(&q->regs), 6);
	qp_regs_retire(&q->regs, 6);
	CHECK_EQ(qp_regs_pending(&q->regs), 0);
	CHECK_EQ(q->regs.doorbell, db);
	CHECK_EQ(qp_regs_in_service(&q->regs), 1);
	/* A ring after a full retire counts from zero again. */
	qp_doorbell_ring(&q->regs, &q->slots[10], 1);
	CHECK_EQ(qp_regs_pending(&q->regs), 1);
	free(q);
}

static void
test_clear_in_service(void)
{
	/* doorbell before the clear, the value the adapter compares with, after. */
	enum { A = 2, B = 3 };
	static const struct {
		const char *name;
		unsigned int db_slot;
		uint64_t db_bit;
		unsigned int cmp_slot;
		uint64_t cmp_bit;
		uint64_t after_bit; /* VA after is always db_slot's */
	} cases[] = {
		{ "doorbell unchanged: bit cleared", A, 1, A, 1, 0 },
		{ "already clear: stays clear", A, 0, A, 0, 0 },
		{ "newer doorbell on another WQE keeps its bit", B, 1, A, 1, 1 },
		{ "same WQE rung again after a clear keeps its bit", A, 1, A, 0, 1 },
		{ "newer doorbell already clear stays clear", B, 0, A, 1, 0 },
	};
	unsigned int i;

	UNIT_CASE("clear_in_service only when the doorbell still holds the compared value");
	for (i = 0; i < RTE_DIM(cases); i++) {
		struct qp_hwq *q = unit_hwq_new(NB);
		uint64_t db = va_of(q, cases[i].db_slot) | cases[i].db_bit;
		uint64_t cmp = va_of(q, cases[i].cmp_slot) | cases[i].cmp_bit;

		q->regs.doorbell = db;
		q->regs.pending = 5;
		qp_regs_clear_in_service(&q->regs, cmp);
		CHECK(q->regs.doorbell == (va_of(q, cases[i].db_slot) | cases[i].after_bit),
		      "%s: doorbell %#" PRIx64, cases[i].name, q->regs.doorbell);
		CHECK(qp_regs_in_service(&q->regs) == cases[i].after_bit, "%s: in_service",
		      cases[i].name);
		CHECK(qp_regs_doorbell_va(&q->regs) == va_of(q, cases[i].db_slot), "%s: VA",
		      cases[i].name);
		CHECK(qp_regs_pending(&q->regs) == 5, "%s: pending untouched", cases[i].name);
		free(q);
	}
}

static void
test_accessors(void)
{
	static const struct {
		uint64_t doorbell, va;
		unsigned int in_service;
	} cases[] = {
		{ 0, 0, 0 },
		{ 0x1, 0, 1 },
		{ 0x7f12345678a0ull, 0x7f12345678a0ull, 0 },
		{ 0x7f12345678a1ull, 0x7f12345678a0ull, 1 },
		/* Bits 4..1 are not part of the VA, whatever they hold. */
		{ 0x7f123456789full, 0x7f1234567880ull, 1 },
		{ UINT64_MAX, ~0x1full, 1 },
	};
	struct qp_regs r;
	unsigned int i;

	UNIT_CASE("doorbell_va and in_service read the two parts of the doorbell");
	memset(&r, 0, sizeof(r));
	for (i = 0; i < RTE_DIM(cases); i++) {
		r.doorbell = cases[i].doorbell;
		CHECK(qp_regs_doorbell_va(&r) == cases[i].va, "%#" PRIx64 ": va %#" PRIx64,
		      cases[i].doorbell, qp_regs_doorbell_va(&r));
		CHECK(qp_regs_in_service(&r) == cases[i].in_service, "%#" PRIx64 ": is %u",
		      cases[i].doorbell, qp_regs_in_service(&r));
		CHECK(qp_regs_doorbell(&r) == cases[i].doorbell, "%#" PRIx64 ": raw",
		      cases[i].doorbell);
	}
}

int
main(void)
{
	test_layout();
	test_ring();
	test_retire();
	test_clear_in_service();
	test_accessors();
	return unit_finish();
}
