/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The slot (qp_slot.h): its shared layout, and the helpers that hand a slot
 * between driver and adapter: reset, post, complete, is_done.
 */
#include "unit.h"

static void
test_layout(void)
{
	static const struct {
		const char *field;
		size_t off, expect;
	} fields[] = {
		{ "addr", offsetof(struct qp_slot, addr), 0 },
		{ "cookie", offsetof(struct qp_slot, cookie), 8 },
		{ "len", offsetof(struct qp_slot, len), 16 },
		{ "flags", offsetof(struct qp_slot, flags), 20 },
		{ "nb_segs", offsetof(struct qp_slot, nb_segs), 22 },
		{ "res_len", offsetof(struct qp_slot, res_len), 24 },
		{ "res_status", offsetof(struct qp_slot, res_status), 28 },
		{ "indicator", offsetof(struct qp_slot, indicator), 30 },
	};
	struct qp_hwq *q;
	unsigned int i;

	UNIT_CASE("layout");
	CHECK_EQ(sizeof(struct qp_slot), 32);
	CHECK_EQ(QP_SLOT_SIZE, 32);
	for (i = 0; i < RTE_DIM(fields); i++)
		CHECK(fields[i].off == fields[i].expect, "%s at %zu, expected %zu",
		      fields[i].field, fields[i].off, fields[i].expect);
	/* Indicator values are distinct, POSTED is the zero a cleared ring holds. */
	CHECK_EQ(QP_IND_POSTED, 0);
	CHECK(QP_IND_DONE != QP_IND_POSTED, "DONE must differ from POSTED");
	/* In a queue's ring every slot is 32-byte aligned: the doorbell relies on
	 * its low five bits being zero.
	 */
	q = unit_hwq_new(16);
	for (i = 0; i < 16; i++)
		CHECK_EQ((uintptr_t)&q->slots[i] & 0x1f, 0);
	CHECK_EQ((uintptr_t)q->slots % RTE_CACHE_LINE_SIZE, 0);
	free(q);
}

static void
test_reset(void)
{
	struct qp_slot s;

	UNIT_CASE("reset gives an empty slot the driver owns");
	memset(&s, 0xa5, sizeof(s));
	qp_slot_reset(&s);
	CHECK_EQ(s.addr, 0);
	CHECK_EQ(s.cookie, 0);
	CHECK_EQ(s.len, 0);
	CHECK_EQ(s.flags, 0);
	CHECK_EQ(s.nb_segs, 0);
	CHECK_EQ(s.res_len, 0);
	CHECK_EQ(s.res_status, QP_ST_OK);
	CHECK_EQ(s.indicator, QP_IND_DONE);
	CHECK(qp_slot_is_done(&s), "a reset slot is DONE");
}

static void
test_post(void)
{
	static const struct {
		const char *name;
		uint64_t addr, cookie;
		uint32_t len;
		uint16_t flags, nb_segs;
	} cases[] = {
		{ "send, one buffer", 0x7f0000001000ull, 0x7f0000000f80ull, 60, QP_WQE_F_SEND, 1 },
		{ "send, three buffers", 0x7f0000002080ull, 0x7f0000002000ull, 9000,
		  QP_WQE_F_SEND, 3 },
		{ "receive buffer", 0x55550000ull, 0x55540000ull, 2048, QP_WQE_F_RECV, 1 },
		{ "wide values", UINT64_MAX - 63, UINT64_MAX, UINT32_MAX, 0xffff, 0xffff },
	};
	unsigned int i;

	UNIT_CASE("post fills the WQE and gives the slot to the adapter");
	for (i = 0; i < RTE_DIM(cases); i++) {
		struct qp_slot s;

		qp_slot_reset(&s);
		qp_slot_post(&s, cases[i].addr, cases[i].len, cases[i].cookie, cases[i].flags,
			     cases[i].nb_segs);
		CHECK(s.addr == cases[i].addr, "%s: addr", cases[i].name);
		CHECK(s.cookie == cases[i].cookie, "%s: cookie", cases[i].name);
		CHECK(s.len == cases[i].len, "%s: len", cases[i].name);
		CHECK(s.flags == cases[i].flags, "%s: flags", cases[i].name);
		CHECK(s.nb_segs == cases[i].nb_segs, "%s: nb_segs", cases[i].name);
		CHECK(s.indicator == QP_IND_POSTED, "%s: indicator %#x", cases[i].name,
		      s.indicator);
		CHECK(!qp_slot_is_done(&s), "%s: a posted slot is not DONE", cases[i].name);
	}
}

static void
test_complete(void)
{
	static const struct {
		uint32_t res_len;
		uint16_t status;
	} cases[] = {
		{ 60, QP_ST_OK },
		{ 1514, QP_ST_NO_LINK },
		{ 9001, QP_ST_TOO_BIG },
		{ 0, QP_ST_ERROR },
		{ 0, QP_ST_FLUSHED },
		{ UINT32_MAX, QP_ST_OK },
	};
	unsigned int i;

	UNIT_CASE("complete writes the result, then DONE, and keeps the WQE");
	for (i = 0; i < RTE_DIM(cases); i++) {
		struct qp_slot s;

		qp_slot_reset(&s);
		qp_slot_post(&s, 0x1000, 128, 0x2000, QP_WQE_F_SEND, 1);
		/* Stale result from an earlier use must be overwritten. */
		s.res_len = 0xdeadbeef;
		s.res_status = 0xbeef;
		qp_slot_complete(&s, cases[i].res_len, cases[i].status);
		CHECK(s.res_len == cases[i].res_len, "case %u: res_len %u", i, s.res_len);
		CHECK(s.res_status == cases[i].status, "case %u: status %u", i, s.res_status);
		CHECK(s.indicator == QP_IND_DONE, "case %u: indicator %#x", i, s.indicator);
		CHECK(qp_slot_is_done(&s), "case %u: is_done", i);
		/* The driver reclaims the mbuf named by the cookie: it must survive. */
		CHECK(s.addr == 0x1000 && s.cookie == 0x2000 && s.len == 128 &&
		      s.flags == QP_WQE_F_SEND && s.nb_segs == 1, "case %u: WQE kept", i);
	}
}

static void
test_is_done(void)
{
	static const struct {
		uint16_t indicator;
		int done;
	} cases[] = {
		{ QP_IND_DONE, 1 },
		{ QP_IND_POSTED, 0 },
		/* Anything but the exact DONE value leaves the slot with the adapter. */
		{ 0x00d0, 0 },
		{ 0x01d1, 0 },
		{ 0xd100, 0 },
		{ 0xffff, 0 },
		{ 0x0001, 0 },
	};
	unsigned int i;

	UNIT_CASE("is_done is true for DONE only");
	for (i = 0; i < RTE_DIM(cases); i++) {
		struct qp_slot s;

		qp_slot_reset(&s);
		s.indicator = cases[i].indicator;
		CHECK(!!qp_slot_is_done(&s) == cases[i].done, "indicator %#x: is_done %d",
		      cases[i].indicator, qp_slot_is_done(&s));
	}
}

int
main(void)
{
	test_layout();
	test_reset();
	test_post();
	test_complete();
	test_is_done();
	return unit_finish();
}
