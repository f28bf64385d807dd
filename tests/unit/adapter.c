/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The adapter model (qp_adapter.c) driven the way the driver drives it, with
 * fake mbufs: delivery, buffers, statuses, registers, filter, budget, flush.
 */
#include "unit.h"

#define NB       16u     /* slots per queue: the smallest ring */
#define BUF_LEN  2048u   /* fake mbuf buffer */
#define HEADROOM 128u
#define CAP      (BUF_LEN - HEADROOM) /* receive capacity of a posted buffer */
#define GUARD    0xee    /* receive buffers start as this; untouched bytes keep it */
#define MAX_SEGS 4

static uint8_t own_mac[RTE_ETHER_ADDR_LEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t other_mac[RTE_ETHER_ADDR_LEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x03 };
static const uint8_t other_first[RTE_ETHER_ADDR_LEN] = { 0x06, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t bcast_mac[RTE_ETHER_ADDR_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast_mac[RTE_ETHER_ADDR_LEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

/*
 * A send queue cabled to a receive queue, with the driver's two indexes and
 * one fake mbuf (and buffer) per slot on each side, indexed by slot.
 */
struct fx {
	struct qp_hwq *sq, *rq;
	struct qp_rxport rp; /* the receiving port around rq */
	int zc;           /* zero copy: receive WQEs are credits (fx_zero_copy()) */
	uint32_t tx_tail; /* driver: next send slot to post */
	uint32_t rx_post; /* driver: next receive slot to post */
	uint32_t rx_head; /* driver: next receive slot to harvest */
	uint32_t seq;     /* next frame's sequence number */
	uint32_t seq_of[NB];
	uint32_t len_of[NB];
};

static struct rte_mbuf tx_m[NB][MAX_SEGS];
static struct rte_mbuf rx_m[NB];
static uint8_t tx_b[NB][MAX_SEGS][BUF_LEN];
static uint8_t rx_b[NB][BUF_LEN];

static void
fx_open(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	f->sq = unit_hwq_new(NB);
	f->rq = unit_hwq_new(NB);
	unit_rxport(&f->rp, f->rq, BUF_LEN - HEADROOM, 0);
	memset(tx_b, 0, sizeof(tx_b));
	memset(rx_b, GUARD, sizeof(rx_b));
}

/* The receiving port takes frames of at most @cap bytes per posted buffer
 * (as a queue set up from a pool of that data room).
 */
static void
fx_rx_cap(struct fx *f, uint32_t cap)
{
	unit_rxport(&f->rp, f->rq, cap, 0);
}

/* Zero copy: the receive queue posts credits (no buffer), and the adapter
 * hands the sender's mbuf over, as the driver sets it up for copy=0.
 */
static void
fx_zero_copy(struct fx *f)
{
	f->zc = 1;
	unit_rxport(&f->rp, f->rq, 0, 0);
}

static void
fx_close(struct fx *f)
{
	free(f->sq);
	free(f->rq);
}

/* Driver, receive: post @n empty buffers of capacity @cap (zero copy:
 * @n credits, as qpring_rx_zc_common() posts them), ring once.
 */
static void
rx_post(struct fx *f, uint32_t n, uint32_t cap)
{
	struct qp_slot *last = NULL;
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint32_t k = f->rx_post++ & (NB - 1);
		struct qp_slot *s = &f->rq->slots[k];

		CHECK(qp_slot_is_done(s), "receive slot %u posted while not DONE", k);
		memset(rx_b[k], GUARD, BUF_LEN);
		last = s;
		if (f->zc) {
			qp_slot_post(s, 0, 0, 0, QP_WQE_F_RECV, 1);
			continue;
		}
		unit_mbuf(&rx_m[k], rx_b[k], (uint16_t)(HEADROOM + cap), HEADROOM, 0);
		unit_post_recv(s, &rx_m[k]);
	}
	if (n != 0)
		qp_doorbell_ring(&f->rq->regs, last, n); /* R1 */
}

/* Fill a frame: the pattern of @seq, and @dst as destination when given. */
static void
fill(uint8_t *p, uint32_t len, uint32_t seq, const uint8_t *dst)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = unit_byte(seq, i);
	if (dst != NULL)
		memcpy(p, dst, RTE_MIN(len, (uint32_t)RTE_ETHER_ADDR_LEN));
}

/*
 * Driver, send: a frame of @nsegs buffers with @seg_len[] bytes each (data
 * offsets vary per segment), posted into the next send slot. No doorbell.
 */
static struct qp_slot *
tx_post_segs(struct fx *f, const uint16_t *seg_len, unsigned int nsegs, const uint8_t *dst)
{
	uint32_t k = f->tx_tail++ & (NB - 1);
	struct qp_slot *s = &f->sq->slots[k];
	uint8_t frame[MAX_SEGS * BUF_LEN];
	uint32_t total = 0, off = 0;
	unsigned int j;

	CHECK(qp_slot_is_done(s), "send slot %u posted while not DONE", k);
	for (j = 0; j < nsegs; j++)
		total += seg_len[j];
	fill(frame, total, f->seq, dst);
	for (j = 0; j < nsegs; j++) {
		uint16_t hr = (uint16_t)(j * 64 % HEADROOM);

		unit_mbuf(&tx_m[k][j], tx_b[k][j], BUF_LEN, hr, seg_len[j]);
		memcpy(unit_mtod(&tx_m[k][j]), frame + off, seg_len[j]);
		off += seg_len[j];
		if (j != 0)
			tx_m[k][j - 1].next = &tx_m[k][j];
	}
	tx_m[k][0].pkt_len = total;
	tx_m[k][0].nb_segs = (uint16_t)nsegs;
	unit_post_send(s, &tx_m[k][0]);
	f->seq_of[k] = f->seq++;
	f->len_of[k] = total;
	return s;
}

static struct qp_slot *
tx_post(struct fx *f, uint16_t len, const uint8_t *dst)
{
	return tx_post_segs(f, &len, 1, dst);
}

/* Driver, send: @n frames of @len[i] bytes, one doorbell for the burst. */
static void
tx_burst(struct fx *f, const uint16_t *len, uint32_t n)
{
	struct qp_slot *last = NULL;
	uint32_t i;

	for (i = 0; i < n; i++)
		last = tx_post(f, len[i], NULL);
	if (n != 0)
		qp_doorbell_ring(&f->sq->regs, last, n); /* R1 */
}

static uint32_t
service(struct fx *f, int zero_copy, uint32_t budget)
{
	return qp_adapter_service_sq(f->sq, &f->rp, 0, zero_copy, budget);
}

/* Does receive slot @k hold, byte for byte, frame @seq of @len bytes to @dst? */
static int
rx_holds_to(uint32_t k, uint32_t seq, uint32_t len, const uint8_t *dst)
{
	uint8_t want[BUF_LEN];

	fill(want, len, seq, dst);
	return memcmp(rx_b[k] + HEADROOM, want, len) == 0;
}

static int
rx_holds(uint32_t k, uint32_t seq, uint32_t len)
{
	return rx_holds_to(k, seq, len, NULL);
}

/* Bytes of the receive buffer outside [HEADROOM, HEADROOM + len) untouched? */
static int
rx_guard_ok(uint32_t k, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < BUF_LEN; i++)
		if ((i < HEADROOM || i >= HEADROOM + len) && rx_b[k][i] != GUARD)
			return 0;
	return 1;
}

/* Register state of a queue after a call: pending, in-service bit. */
#define CHECK_REGS(q, pend, is) \
	do { \
		CHECK_EQ(qp_regs_pending(&(q)->regs), (pend)); \
		CHECK_EQ(qp_regs_in_service(&(q)->regs), (is)); \
	} while (0)

static void
test_init(void)
{
	static struct qp_rxport rp;
	struct qp_hwq *q;
	uint32_t i;

	UNIT_CASE("init: empty registers, every slot DONE, promiscuous");
	q = unit_hwq_new(NB); /* over 0x5a garbage */
	CHECK_EQ(q->regs.size, NB);
	CHECK_EQ(q->regs.ring_va, (uintptr_t)q->slots);
	CHECK_EQ(q->regs.doorbell, 0);
	CHECK_EQ(q->regs.pending, 0);
	CHECK_EQ(q->ad.head, 0);
	CHECK_EQ(q->ad.mask, NB - 1);
	CHECK_EQ(q->ad.busy, 0);
	CHECK_EQ(q->ad.serviced, 0);
	CHECK_EQ(q->ad.polls, 0);
	CHECK_EQ(q->ad.no_buffer + q->ad.no_link + q->ad.too_big + q->ad.filtered, 0);
	for (i = 0; i < NB; i++) {
		CHECK(qp_slot_is_done(&q->slots[i]), "slot %u", i);
		CHECK(q->slots[i].cookie == 0, "slot %u cookie", i);
	}
	CHECK_EQ(qp_hwq_count_done(q), NB);
	free(q);
	/* The receive filter lives in the receiving port: promiscuous, queue 0. */
	memset(&rp, 0x5a, sizeof(rp));
	qp_rxport_init(&rp);
	CHECK_EQ(rp.filter, QP_RXF_PROMISC);
	CHECK_EQ(rp.select, QP_RXSEL_FIRST);
	CHECK_EQ(rp.offloads, 0);
	for (i = 0; i < QP_MAX_RQ; i++)
		CHECK(qp_rxport_rq(&rp, i) == NULL, "receive queue %u published", i);
}

static void
test_idle(void)
{
	struct fx f;

	UNIT_CASE("a call with nothing pending is an idle poll and changes nothing");
	fx_open(&f);
	rx_post(&f, 4, CAP);
	CHECK_EQ(service(&f, 0, UINT32_MAX), 0);
	CHECK_EQ(f.sq->ad.polls, 1);
	CHECK_EQ(f.sq->ad.idle_polls, 1);
	CHECK_EQ(f.sq->ad.head, 0);
	CHECK_EQ(f.sq->ad.serviced, 0);
	CHECK_REGS(f.rq, 4, 1);
	CHECK_EQ(f.rq->ad.head, 0);
	CHECK_EQ(qp_hwq_count_done(f.rq), NB - 4);
	fx_close(&f);
}

static void
test_copy_single(void)
{
	static const struct {
		const char *name;
		uint32_t nb;
		uint16_t len[5];
		uint32_t rx_posted;
	} cases[] = {
		{ "one 60-byte frame, one buffer", 1, { 60 }, 1 },
		{ "lengths 1..full, buffers to spare", 5, { 1, 64, 1514, CAP - 1, CAP }, 8 },
		{ "three frames, exactly three buffers", 3, { 100, 60, 1000 }, 3 },
		{ "a buffer posted in every slot", 5, { 17, 33, 65, 129, 257 }, NB },
	};
	unsigned int c;

	for (c = 0; c < RTE_DIM(cases); c++) {
		struct fx f;
		uint32_t k, nb = cases[c].nb;

		UNIT_CASE(cases[c].name);
		fx_open(&f);
		rx_post(&f, cases[c].rx_posted, CAP);
		tx_burst(&f, cases[c].len, nb);
		CHECK_EQ(qp_regs_pending(&f.sq->regs), nb);
		CHECK_EQ(qp_regs_in_service(&f.sq->regs), 1);

		CHECK_EQ(service(&f, 0, UINT32_MAX), nb);
		for (k = 0; k < nb; k++) {
			const struct qp_slot *ss = &f.sq->slots[k], *rs = &f.rq->slots[k];
			uint32_t len = cases[c].len[k];

			CHECK(qp_slot_is_done(rs), "frame %u: receive slot DONE", k);
			CHECK(rs->res_len == len, "frame %u: res_len %u want %u", k, rs->res_len,
			      len);
			CHECK(rs->res_status == QP_ST_OK, "frame %u: rx status %u", k,
			      rs->res_status);
			CHECK(rx_holds(k, f.seq_of[k], len), "frame %u: bytes differ", k);
			CHECK(rx_guard_ok(k, len), "frame %u: wrote outside the frame", k);
			/* Copy mode: every mbuf stays where its owner put it. */
			CHECK(rs->cookie == (uintptr_t)&rx_m[k], "frame %u: rx cookie moved", k);
			CHECK(ss->cookie == (uintptr_t)&tx_m[k][0], "frame %u: tx cookie moved", k);
			CHECK(qp_slot_is_done(ss), "frame %u: send slot DONE", k);
			CHECK(ss->res_len == len, "frame %u: send res_len %u", k, ss->res_len);
			CHECK(ss->res_status == QP_ST_OK, "frame %u: send status %u", k,
			      ss->res_status);
		}
		/* Buffers beyond the frames stay posted and untouched. */
		for (k = nb; k < cases[c].rx_posted; k++) {
			CHECK(!qp_slot_is_done(&f.rq->slots[k]), "rx slot %u completed", k);
			CHECK(rx_guard_ok(k, 0), "rx slot %u written", k);
		}
		CHECK_REGS(f.sq, 0, 0);
		CHECK_EQ(qp_regs_doorbell_va(&f.sq->regs), (uintptr_t)&f.sq->slots[nb - 1]);
		/* The receive doorbell names the last posted buffer: serviced or not. */
		CHECK_REGS(f.rq, cases[c].rx_posted - nb, cases[c].rx_posted > nb);
		CHECK_EQ(f.sq->ad.head, nb);
		CHECK_EQ(f.sq->ad.serviced, nb);
		CHECK_EQ(f.sq->ad.polls, 1);
		CHECK_EQ(f.sq->ad.idle_polls, 0);
		CHECK_EQ(f.rq->ad.head, nb);
		CHECK_EQ(f.rq->ad.serviced, nb);
		CHECK_EQ(f.rq->ad.no_buffer + f.rq->ad.too_big + f.rq->ad.filtered, 0);
		CHECK_EQ(f.sq->ad.no_link, 0);
		CHECK_EQ(qp_hwq_count_done(f.sq), NB);
		CHECK_EQ(qp_hwq_count_done(f.rq), NB - (cases[c].rx_posted - nb));
		fx_close(&f);
	}
}

static void
test_copy_multiseg(void)
{
	static const struct {
		const char *name;
		unsigned int nsegs;
		uint16_t seg[MAX_SEGS];
	} cases[] = {
		{ "two segments", 2, { 100, 200 } },
		{ "three one-byte segments", 3, { 1, 1, 1 } },
		{ "header alone, then payload", 2, { 14, 1500 } },
		{ "an empty segment in the middle", 3, { 60, 0, 40 } },
		{ "four segments filling the buffer", 4, { 1000, 500, 400, CAP - 1900 } },
	};
	unsigned int c;

	for (c = 0; c < RTE_DIM(cases); c++) {
		struct fx f;
		const struct qp_slot *rs, *ss;
		uint32_t total = 0;
		unsigned int j;

		UNIT_CASE(cases[c].name);
		for (j = 0; j < cases[c].nsegs; j++)
			total += cases[c].seg[j];
		fx_open(&f);
		rx_post(&f, 2, CAP);
		ss = tx_post_segs(&f, cases[c].seg, cases[c].nsegs, NULL);
		qp_doorbell_ring(&f.sq->regs, ss, 1);
		CHECK_EQ(ss->nb_segs, cases[c].nsegs);
		CHECK_EQ(service(&f, 0, UINT32_MAX), 1);
		rs = &f.rq->slots[0];
		CHECK(qp_slot_is_done(rs), "receive slot DONE");
		CHECK_EQ(rs->res_len, total);
		CHECK_EQ(rs->res_status, QP_ST_OK);
		CHECK(rx_holds(0, f.seq_of[0], total), "segments not placed in order");
		CHECK(rx_guard_ok(0, total), "wrote outside the frame");
		CHECK(!qp_slot_is_done(&f.rq->slots[1]), "second buffer used");
		CHECK(qp_slot_is_done(ss) && ss->res_status == QP_ST_OK, "send slot");
		CHECK_EQ(ss->res_len, total);
		CHECK_REGS(f.sq, 0, 0);
		CHECK_REGS(f.rq, 1, 1);
		fx_close(&f);
	}
}

static void
test_too_big(void)
{
	static const struct {
		const char *name;
		uint16_t seg[2];
		unsigned int nsegs;
		uint32_t cap;
		int fits;
	} cases[] = {
		{ "frame exactly the buffer's size fits", { 100 }, 1, 100, 1 },
		{ "one byte over is too big", { 101 }, 1, 100, 0 },
		{ "a full-size frame into a small buffer", { 1514 }, 1, 64, 0 },
		{ "chain exactly the buffer's size fits", { 50, 50 }, 2, 100, 1 },
		{ "chain one byte over is too big", { 50, 51 }, 2, 100, 0 },
	};
	static const uint16_t small = 40;
	unsigned int c;

	for (c = 0; c < RTE_DIM(cases); c++) {
		struct fx f;
		uint32_t len = cases[c].seg[0] + (cases[c].nsegs > 1 ? cases[c].seg[1] : 0u);
		struct qp_slot *ss, *s2;

		UNIT_CASE(cases[c].name);
		fx_open(&f);
		/* The queue's buffers hold @cap bytes: the receiving port knows it
		 * (its frame limit), so a longer frame claims no slot.
		 */
		fx_rx_cap(&f, cases[c].cap);
		rx_post(&f, 1, cases[c].cap);
		ss = tx_post_segs(&f, cases[c].seg, cases[c].nsegs, NULL);
		qp_doorbell_ring(&f.sq->regs, ss, 1);
		CHECK_EQ(service(&f, 0, UINT32_MAX), 1);
		CHECK(qp_slot_is_done(ss), "send completes either way");
		CHECK_EQ(ss->res_status, QP_ST_OK);
		CHECK_REGS(f.sq, 0, 0);
		if (cases[c].fits) {
			CHECK(qp_slot_is_done(&f.rq->slots[0]), "delivered");
			CHECK(rx_holds(0, f.seq_of[0], len), "bytes");
			CHECK_EQ(f.rq->ad.too_big, 0);
			CHECK_REGS(f.rq, 0, 0);
			fx_close(&f);
			continue;
		}
		/* Too big: counted, nothing written, the buffer stays posted... */
		CHECK_EQ(f.rq->ad.too_big, 1);
		CHECK(!qp_slot_is_done(&f.rq->slots[0]), "receive slot must stay posted");
		CHECK(rx_guard_ok(0, 0), "buffer written");
		CHECK_EQ(f.rq->ad.head, 0);
		CHECK_EQ(f.rq->ad.serviced, 0);
		CHECK_REGS(f.rq, 1, 1);
		/* ...and the next frame that fits lands in it. */
		s2 = tx_post(&f, small, NULL);
		qp_doorbell_ring(&f.sq->regs, s2, 1);
		CHECK_EQ(service(&f, 0, UINT32_MAX), 1);
		CHECK(qp_slot_is_done(&f.rq->slots[0]), "next frame delivered");
		CHECK_EQ(f.rq->slots[0].res_len, small);
		CHECK(rx_holds(0, f.seq_of[1], small), "next frame's bytes");
		CHECK_EQ(f.rq->ad.head, 1);
		CHECK_REGS(f.rq, 0, 0);
		CHECK_REGS(f.sq, 0, 0);
		fx_close(&f);
	}
}

/*
 * A posted buffer shorter than the queue's buffers (the port cannot know
 * before it claims the slot): the slot is completed anyway, empty, with
 * status TOO_BIG, so the driver's in-order harvest never stalls; the frame
 * is counted, and the next frame goes to the next posted buffer.
 */
static void
test_short_buffer(void)
{
	static const uint16_t segs[2][2] = { { 101 }, { 50, 51 } };
	static const uint16_t small = 40;
	unsigned int c;

	for (c = 0; c < RTE_DIM(segs); c++) {
		struct qp_slot *ss, *s2;
		struct fx f;

		UNIT_CASE(c == 0 ? "a buffer shorter than its queue's: slot completes TOO_BIG" :
			  "a buffer shorter than its queue's, chained frame: TOO_BIG");
		fx_open(&f); /* the queue's buffers hold CAP bytes */
		rx_post(&f, 1, 100);
		rx_post(&f, 1, CAP);
		ss = tx_post_segs(&f, segs[c], c + 1, NULL);
		qp_doorbell_ring(&f.sq->regs, ss, 1);
		CHECK_EQ(service(&f, 0, UINT32_MAX), 1);
		CHECK(qp_slot_is_done(ss) && ss->res_status == QP_ST_OK, "send completes");
		CHECK_EQ(ss->res_len, 101);
		CHECK(qp_slot_is_done(&f.rq->slots[0]), "short buffer's slot completed");
		CHECK_EQ(f.rq->slots[0].res_status, QP_ST_TOO_BIG);
		CHECK_EQ(f.rq->slots[0].res_len, 0);
		CHECK(rx_guard_ok(0, 0), "short buffer written");
		CHECK(!qp_slot_is_done(&f.rq->slots[1]), "second buffer used");
		CHECK_EQ(f.rq->ad.too_big, 1);
		CHECK_EQ(f.rq->ad.head, 1);
		CHECK_EQ(f.rq->ad.serviced, 1);
		CHECK_REGS(f.rq, 1, 1);
		/* The next frame lands in the next buffer. */
		s2 = tx_post(&f, small, NULL);
		qp_doorbell_ring(&f.sq->regs, s2, 1);
		CHECK_EQ(service(&f, 0, UINT32_MAX), 1);
		CHECK(qp_slot_is_done(&f.rq->slots[1]), "next frame delivered");
		CHECK_EQ(f.rq->slots[1].res_status, QP_ST_OK);
		CHECK_EQ(f.rq->slots[1].res_len, small);
		CHECK(rx_holds(1, f.seq_of[1], small), "next frame's bytes");
		CHECK_EQ(f.rq->ad.too_big, 1);
		CHECK_REGS(f.rq, 0, 0);
		CHECK_REGS(f.sq, 0, 0);
		fx_close(&f);
	}
}

static void
test_zero_copy(void)
{
	static const uint16_t lens[3] = { 60, 1514, 2000 };
	static const uint16_t chain[3] = { 14, 100, 7 };
	struct qp_slot *last;
	struct fx f;
	uint32_t k;

	UNIT_CASE("zero-copy hands the sender's mbuf over, copies nothing");
	fx_open(&f);
	fx_zero_copy(&f);
	rx_post(&f, 4, 0); /* credits: the sender's mbuf moves, any length */
	tx_post(&f, lens[0], NULL);
	tx_post(&f, lens[1], NULL);
	tx_post_segs(&f, chain, 3, NULL);
	last = tx_post(&f, lens[2], NULL);
	qp_doorbell_ring(&f.sq->regs, last, 4);
	CHECK_EQ(service(&f, 1, UINT32_MAX), 4);
	for (k = 0; k < 4; k++) {
		const struct qp_slot *ss = &f.sq->slots[k], *rs = &f.rq->slots[k];

		CHECK(qp_slot_is_done(rs) && qp_slot_is_done(ss), "frame %u: both DONE", k);
		/* The receiver gets the sender's mbuf (head of its chain)... */
		CHECK(rs->cookie == (uintptr_t)&tx_m[k][0], "frame %u: rx cookie %#" PRIx64, k,
		      rs->cookie);
		/* ...and the send slot no longer holds it: nothing to free on reuse. */
		CHECK(ss->cookie == 0, "frame %u: tx cookie %#" PRIx64, k, ss->cookie);
		CHECK(rs->res_len == f.len_of[k], "frame %u: res_len %u", k, rs->res_len);
		CHECK_EQ(rs->res_status, QP_ST_OK);
		CHECK_EQ(ss->res_len, f.len_of[k]);
		CHECK_EQ(ss->res_status, QP_ST_OK);
		CHECK(rx_guard_ok(k, 0), "frame %u: bytes copied in zero-copy mode", k);
		CHECK(unit_mtod(&tx_m[k][0])[0] == unit_byte(f.seq_of[k], 0),
		      "frame %u: sender's bytes changed", k);
	}
	/* The chain travels intact with its head. */
	CHECK(tx_m[2][0].next == &tx_m[2][1] && tx_m[2][1].next == &tx_m[2][2], "chain");
	CHECK_EQ(f.rq->ad.too_big, 0);
	CHECK_REGS(f.sq, 0, 0);
	CHECK_REGS(f.rq, 0, 0);
	CHECK_EQ(f.rq->ad.head, 4);
	CHECK_EQ(f.rq->ad.serviced, 4);
	fx_close(&f);
}

/*
 * One burst mixing frames the adapter merely moves with one it must
 * gather (a chain), and exactly as many posted buffers (credits) as
 * frames: every frame lands, in order, in the next posted slot; no posted
 * slot is given back unused (QP_ST_SKIP) and none is missing for a frame.
 */
static void
test_mixed_burst(void)
{
	static const uint16_t chain[3] = { 14, 100, 7 };
	int zc;

	for (zc = 0; zc <= 1; zc++) {
		struct qp_slot *last;
		struct fx f;
		uint32_t k;

		UNIT_CASE(zc ? "simple frames and a chain, a credit each (zero-copy): all land" :
			  "simple frames and a chain, a buffer each (copy): all land");
		fx_open(&f);
		if (zc)
			fx_zero_copy(&f);
		rx_post(&f, 4, CAP);
		tx_post(&f, 60, NULL);
		tx_post(&f, 70, NULL);
		tx_post_segs(&f, chain, 3, NULL);
		last = tx_post(&f, 80, NULL);
		qp_doorbell_ring(&f.sq->regs, last, 4);
		CHECK_EQ(service(&f, zc, UINT32_MAX), 4);
		for (k = 0; k < 4; k++) {
			const struct qp_slot *rs = &f.rq->slots[k], *ss = &f.sq->slots[k];

			CHECK(qp_slot_is_done(rs), "zc=%d frame %u: receive slot DONE", zc, k);
			CHECK(rs->res_status == QP_ST_OK && rs->res_len == f.len_of[k],
			      "zc=%d frame %u: receive slot %u status %u len %u, want 0 and %u", zc,
			      k, k, rs->res_status, rs->res_len, f.len_of[k]);
			if (zc)
				CHECK(rs->cookie == (uintptr_t)&tx_m[k][0], "frame %u: cookie", k);
			else
				CHECK(rx_holds(k, f.seq_of[k], f.len_of[k]), "frame %u: bytes", k);
			CHECK(qp_slot_is_done(ss) && ss->res_status == QP_ST_OK, "send slot %u", k);
		}
		CHECK_EQ(f.rq->ad.no_buffer + f.rq->ad.too_big, 0);
		CHECK_EQ(f.rq->ad.head, 4);
		CHECK_EQ(f.rq->ad.serviced, 4);
		CHECK_REGS(f.rq, 0, 0);
		CHECK_REGS(f.sq, 0, 0);
		fx_close(&f);
	}
}

static void
test_no_buffer(void)
{
	static const struct {
		const char *name;
		int zero_copy;
		uint32_t rx_posted, frames;
	} cases[] = {
		{ "no buffer posted (copy)", 0, 0, 2 },
		{ "no buffer posted (zero-copy)", 1, 0, 2 },
		{ "one buffer for three frames (copy)", 0, 1, 3 },
		{ "one buffer for three frames (zero-copy)", 1, 1, 3 },
	};
	static const uint16_t lens[3] = { 60, 70, 80 };
	unsigned int c;

	for (c = 0; c < RTE_DIM(cases); c++) {
		const uint32_t posted = cases[c].rx_posted, nb = cases[c].frames;
		struct fx f;
		uint32_t k;

		UNIT_CASE(cases[c].name);
		fx_open(&f);
		if (cases[c].zero_copy)
			fx_zero_copy(&f);
		rx_post(&f, posted, CAP);
		tx_burst(&f, lens, nb);
		CHECK_EQ(service(&f, cases[c].zero_copy, UINT32_MAX), nb);
		CHECK_EQ(f.rq->ad.no_buffer, nb - posted);
		for (k = 0; k < nb; k++) {
			const struct qp_slot *ss = &f.sq->slots[k];
			uintptr_t want = k < posted && cases[c].zero_copy ?
				0 : (uintptr_t)&tx_m[k][0];

			CHECK(qp_slot_is_done(ss), "frame %u: send still completes", k);
			CHECK_EQ(ss->res_status, QP_ST_OK);
			CHECK_EQ(ss->res_len, lens[k]);
			/* A dropped frame's mbuf stays with the sender, to be freed;
			 * zero copy hands a delivered one over.
			 */
			CHECK(ss->cookie == want, "frame %u: send cookie %#" PRIx64, k, ss->cookie);
		}
		for (k = 0; k < posted; k++) {
			const struct qp_slot *rs = &f.rq->slots[k];

			CHECK(qp_slot_is_done(rs), "buffer %u filled", k);
			CHECK(rs->cookie == (cases[c].zero_copy ? (uintptr_t)&tx_m[k][0] :
					     (uintptr_t)&rx_m[k]), "buffer %u: cookie", k);
		}
		CHECK_EQ(qp_hwq_count_done(f.rq), NB);
		CHECK_REGS(f.sq, 0, 0);
		CHECK_REGS(f.rq, 0, 0);
		CHECK_EQ(f.rq->ad.head, posted);
		CHECK_EQ(f.rq->ad.serviced, posted);
		CHECK_EQ(f.sq->ad.serviced, nb);
		fx_close(&f);
	}
}

static void
test_no_link(void)
{
	static const uint16_t lens[3] = { 60, 1514, 1 };
	int zc;

	for (zc = 0; zc <= 1; zc++) {
		struct fx f;
		uint32_t k;

		UNIT_CASE(zc ? "no receiver (zero-copy): NO_LINK" : "no receiver (copy): NO_LINK");
		fx_open(&f);
		if (zc)
			fx_zero_copy(&f);
		rx_post(&f, 4, CAP);
		tx_burst(&f, lens, 3);
		CHECK_EQ(qp_adapter_service_sq(f.sq, NULL, 0, zc, UINT32_MAX), 3);
		CHECK_EQ(f.sq->ad.no_link, 3);
		for (k = 0; k < 3; k++) {
			const struct qp_slot *ss = &f.sq->slots[k];

			CHECK(qp_slot_is_done(ss), "frame %u: DONE", k);
			CHECK(ss->res_status == QP_ST_NO_LINK, "frame %u: status %u", k,
			      ss->res_status);
			CHECK(ss->cookie == (uintptr_t)&tx_m[k][0], "frame %u: cookie", k);
		}
		CHECK_REGS(f.sq, 0, 0);
		CHECK_EQ(f.sq->ad.head, 3);
		CHECK_EQ(f.sq->ad.serviced, 3);
		/* The receive queue was not ours to touch. */
		CHECK_REGS(f.rq, 4, 1);
		CHECK_EQ(f.rq->ad.head, 0);
		CHECK_EQ(f.rq->ad.no_buffer + f.rq->ad.filtered, 0);
		fx_close(&f);
	}
}

static void
test_filter(void)
{
	static const struct {
		const char *name;
		uint32_t filter;
		const uint8_t *dst;
		uint16_t len;
		int accept;
	} cases[] = {
		{ "promisc: other unicast", QP_RXF_PROMISC, other_mac, 60, 1 },
		{ "promisc: multicast", QP_RXF_PROMISC, mcast_mac, 60, 1 },
		{ "promisc: runt frame", QP_RXF_PROMISC, other_mac, 10, 1 },
		{ "promisc+allmulti: other unicast", QP_RXF_PROMISC | QP_RXF_ALLMULTI, other_mac,
		  60, 1 },
		{ "unicast: own address", 0, own_mac, 60, 1 },
		{ "unicast: other, last byte", 0, other_mac, 60, 0 },
		{ "unicast: other, first byte", 0, other_first, 60, 0 },
		{ "unicast: broadcast", 0, bcast_mac, 60, 1 },
		{ "unicast: multicast", 0, mcast_mac, 60, 0 },
		{ "unicast: own address, header exactly", 0, own_mac, RTE_ETHER_HDR_LEN, 1 },
		{ "unicast: own address, shorter than a header", 0, own_mac,
		  RTE_ETHER_HDR_LEN - 1, 0 },
		{ "unicast: broadcast, shorter than a header", 0, bcast_mac, 6, 0 },
		{ "allmulti: multicast", QP_RXF_ALLMULTI, mcast_mac, 60, 1 },
		{ "allmulti: broadcast", QP_RXF_ALLMULTI, bcast_mac, 60, 1 },
		{ "allmulti: own address", QP_RXF_ALLMULTI, own_mac, 60, 1 },
		{ "allmulti: other unicast", QP_RXF_ALLMULTI, other_mac, 60, 0 },
	};
	unsigned int c;
	int zc;

	for (zc = 0; zc <= 1; zc++) {
		for (c = 0; c < RTE_DIM(cases); c++) {
			struct fx f;
			struct qp_slot *ss;
			const struct qp_slot *rs;
			uintptr_t want;

			UNIT_CASE(cases[c].name);
			fx_open(&f);
			if (zc)
				fx_zero_copy(&f);
			f.rp.filter = cases[c].filter;
			f.rp.mac = qp_mac_word(own_mac);
			rx_post(&f, 1, CAP);
			ss = tx_post(&f, cases[c].len, cases[c].dst);
			qp_doorbell_ring(&f.sq->regs, ss, 1);
			CHECK_EQ(service(&f, zc, UINT32_MAX), 1);
			rs = &f.rq->slots[0];
			CHECK(qp_slot_is_done(ss) && ss->res_status == QP_ST_OK,
			      "zc=%d: send completes", zc);
			CHECK_REGS(f.sq, 0, 0);
			CHECK(!!qp_slot_is_done(rs) == cases[c].accept, "zc=%d: delivered %d", zc,
			      qp_slot_is_done(rs));
			CHECK(f.rq->ad.filtered == (uint64_t)!cases[c].accept, "zc=%d: filtered %"
			      PRIu64, zc, f.rq->ad.filtered);
			CHECK_REGS(f.rq, !cases[c].accept, !cases[c].accept);
			if (cases[c].accept && !zc)
				CHECK(rs->res_len == cases[c].len &&
				      rx_holds_to(0, f.seq_of[0], cases[c].len, cases[c].dst),
				      "bytes");
			if (!cases[c].accept)
				CHECK(rx_guard_ok(0, 0), "zc=%d: rejected frame written", zc);
			/* A rejected frame's mbuf stays with the sender; zero copy
			 * hands an accepted one over to the receive slot.
			 */
			want = cases[c].accept && zc ? 0 : (uintptr_t)&tx_m[0][0];
			CHECK(ss->cookie == want, "zc=%d: send cookie", zc);
			if (cases[c].accept && zc)
				CHECK(rs->cookie == (uintptr_t)&tx_m[0][0], "zc=1: receive cookie");
			fx_close(&f);
		}
	}
}

static void
test_filter_mixed(void)
{
	static const struct {
		const uint8_t *dst;
		int accept;
	} burst[] = {
		{ other_mac, 0 }, { own_mac, 1 }, { mcast_mac, 0 }, { bcast_mac, 1 },
		{ other_first, 0 }, { own_mac, 1 },
	};
	struct qp_slot *last = NULL;
	struct fx f;
	uint32_t k, r = 0;

	UNIT_CASE("rejected frames consume no receive buffer");
	fx_open(&f);
	f.rp.filter = 0;
	f.rp.mac = qp_mac_word(own_mac);
	rx_post(&f, 4, CAP);
	for (k = 0; k < RTE_DIM(burst); k++)
		last = tx_post(&f, (uint16_t)(60 + k), burst[k].dst);
	qp_doorbell_ring(&f.sq->regs, last, RTE_DIM(burst));
	CHECK_EQ(service(&f, 0, UINT32_MAX), RTE_DIM(burst));
	CHECK_EQ(f.rq->ad.filtered, 3);
	for (k = 0; k < RTE_DIM(burst); k++) {
		if (!burst[k].accept)
			continue;
		CHECK(qp_slot_is_done(&f.rq->slots[r]), "buffer %u", r);
		CHECK(f.rq->slots[r].res_len == 60 + k, "buffer %u holds frame %u", r, k);
		CHECK(rx_holds_to(r, f.seq_of[k], 60 + k, burst[k].dst), "buffer %u: bytes", r);
		r++;
	}
	CHECK(!qp_slot_is_done(&f.rq->slots[3]), "fourth buffer used");
	CHECK_EQ(f.rq->ad.head, 3);
	CHECK_REGS(f.rq, 1, 1);
	CHECK_REGS(f.sq, 0, 0);
	fx_close(&f);
}

static void
test_budget(void)
{
	/* Ten WQEs pending; each step: budget, expected return, head after. */
	static const struct {
		uint32_t budget, ret, head;
	} steps[] = {
		{ 4, 4, 4 }, { 0, 0, 4 }, { 1, 1, 5 }, { 3, 3, 8 }, { 100, 2, 10 }, { 5, 0, 10 },
	};
	static const uint16_t lens[10] = { 60, 61, 62, 63, 64, 65, 66, 67, 68, 69 };
	struct fx f;
	unsigned int i;

	UNIT_CASE("budget bounds the WQEs serviced per call");
	fx_open(&f);
	rx_post(&f, NB, CAP);
	tx_burst(&f, lens, 10);
	for (i = 0; i < RTE_DIM(steps); i++) {
		uint32_t k, head = steps[i].head;

		CHECK(service(&f, 0, steps[i].budget) == steps[i].ret, "step %u: returned", i);
		CHECK(f.sq->ad.head == head, "step %u: head %u", i, f.sq->ad.head);
		CHECK(f.sq->ad.serviced == head, "step %u: serviced", i);
		CHECK(qp_regs_pending(&f.sq->regs) == 10 - head, "step %u: pending", i);
		/* The doorbell names WQE 9: in service until it is serviced. */
		CHECK(qp_regs_in_service(&f.sq->regs) == (head < 10), "step %u: in-service", i);
		for (k = 0; k < 10; k++) {
			CHECK(!!qp_slot_is_done(&f.sq->slots[k]) == (k < head),
			      "step %u: send slot %u", i, k);
			CHECK(!!qp_slot_is_done(&f.rq->slots[k]) == (k < head),
			      "step %u: receive slot %u", i, k);
		}
		CHECK(qp_hwq_count_done(f.sq) == NB - (10 - head), "step %u: count_done", i);
		CHECK(f.rq->ad.head == head, "step %u: rx head", i);
		CHECK(qp_regs_pending(&f.rq->regs) == NB - head, "step %u: rx pending", i);
	}
	for (i = 0; i < 10; i++)
		CHECK(rx_holds(i, f.seq_of[i], lens[i]), "frame %u", i);
	CHECK_EQ(f.sq->ad.polls, RTE_DIM(steps));
	fx_close(&f);
}

static void
test_rx_in_service(void)
{
	static const uint16_t two[2] = { 60, 60 };
	struct fx f;

	UNIT_CASE("receive in-service bit follows the WQE its doorbell names");
	fx_open(&f);
	rx_post(&f, 4, CAP);  /* doorbell names receive slot 3 */
	rx_post(&f, 2, CAP);  /* now slot 5 */
	CHECK_EQ(qp_regs_doorbell_va(&f.rq->regs), (uintptr_t)&f.rq->slots[5]);
	tx_burst(&f, two, 2);
	tx_burst(&f, two, 2);
	CHECK_EQ(service(&f, 0, UINT32_MAX), 4);
	CHECK_REGS(f.rq, 2, 1); /* slot 3 serviced, but the doorbell names 5 */
	tx_burst(&f, two, 1);
	CHECK_EQ(service(&f, 0, UINT32_MAX), 1);
	CHECK_REGS(f.rq, 1, 1);
	tx_burst(&f, two, 1);
	CHECK_EQ(service(&f, 0, UINT32_MAX), 1);
	CHECK_REGS(f.rq, 0, 0);
	/* A new post sets it again; the next delivery clears it. */
	rx_post(&f, 1, CAP);
	CHECK_REGS(f.rq, 1, 1);
	tx_burst(&f, two, 1);
	CHECK_EQ(service(&f, 0, UINT32_MAX), 1);
	CHECK_REGS(f.rq, 0, 0);
	CHECK_REGS(f.sq, 0, 0);
	fx_close(&f);
}

/*
 * Driver, receive: harvest every DONE receive slot in order, checking it
 * holds the next expected frame, and re-post exactly those slots.
 */
static uint32_t
rx_harvest(struct fx *f, uint32_t *expect_seq, const uint32_t *len_of_seq)
{
	uint32_t n = 0;

	while (n < NB && qp_slot_is_done(&f->rq->slots[f->rx_head & (NB - 1)])) {
		uint32_t k = f->rx_head & (NB - 1);
		const struct qp_slot *rs = &f->rq->slots[k];
		uint32_t len = len_of_seq[*expect_seq];

		CHECK(rs->res_status == QP_ST_OK, "seq %u: status %u", *expect_seq,
		      rs->res_status);
		CHECK(rs->res_len == len, "seq %u: len %u want %u", *expect_seq, rs->res_len, len);
		CHECK(rx_holds(k, *expect_seq, len), "seq %u: bytes in slot %u", *expect_seq, k);
		(*expect_seq)++;
		f->rx_head++;
		n++;
	}
	rx_post(f, n, CAP);
	return n;
}

static void
test_wrap(void)
{
	static const uint32_t starts[] = { 0, 5, 11 };
	static const uint32_t bursts[] = { 7, 13, 16, 3, 16, 1, 9, 15, 16, 11, 2, 16 };
	static const uint16_t warm[NB] = { 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60 };
	static uint32_t len_of_seq[256];
	unsigned int s;

	for (s = 0; s < RTE_DIM(starts); s++) {
		uint32_t total = 0, r, start = starts[s], expect;
		char name[96];
		struct fx f;

		snprintf(name, sizeof(name), "wrap-around, 16 slots, from slot %u", start);
		UNIT_CASE(name);
		fx_open(&f);
		/* Move both rings to @start with real traffic: no poking at state. */
		rx_post(&f, start, CAP);
		tx_burst(&f, warm, start);
		CHECK_EQ(service(&f, 0, UINT32_MAX), start);
		f.rx_head = start;
		expect = f.seq;
		rx_post(&f, NB, CAP);
		for (r = 0; r < RTE_DIM(bursts); r++) {
			uint16_t lens[NB];
			uint32_t i, n = bursts[r];

			for (i = 0; i < n; i++) {
				lens[i] = (uint16_t)(1 + (f.seq + i) * 37 % CAP);
				len_of_seq[f.seq + i] = lens[i];
			}
			tx_burst(&f, lens, n);
			CHECK(service(&f, 0, UINT32_MAX) == n, "round %u", r);
			total += n;
			CHECK(qp_regs_pending(&f.sq->regs) == 0, "round %u: sq pending", r);
			CHECK(qp_regs_in_service(&f.sq->regs) == 0, "round %u: sq in-service", r);
			CHECK(qp_hwq_count_done(f.sq) == NB, "round %u: sq all DONE", r);
			CHECK(qp_regs_pending(&f.rq->regs) == NB - n, "round %u: rq pending", r);
			CHECK(rx_harvest(&f, &expect, len_of_seq) == n, "round %u: harvested", r);
			CHECK(qp_regs_pending(&f.rq->regs) == NB, "round %u: reposted", r);
			CHECK(qp_regs_in_service(&f.rq->regs) == 1, "round %u: rq in-service", r);
		}
		CHECK_EQ(expect, f.seq);
		CHECK_EQ(f.sq->ad.head, start + total);
		CHECK_EQ(f.rq->ad.head, start + total);
		CHECK_EQ(f.sq->ad.serviced, start + total);
		CHECK_EQ(f.rq->ad.serviced, start + total);
		CHECK_EQ(f.rq->ad.no_buffer + f.rq->ad.too_big, 0);
		fx_close(&f);
	}
}

static void
test_flush(void)
{
	static const uint16_t lens[5] = { 60, 61, 62, 63, 64 };
	struct qp_slot *s;
	struct fx f;
	uint32_t k;

	UNIT_CASE("flush completes pending WQEs as FLUSHED and keeps their buffers");
	fx_open(&f);
	CHECK_EQ(qp_hwq_flush(f.sq), 0);
	CHECK_EQ(qp_hwq_count_done(f.sq), NB);
	rx_post(&f, NB, CAP);
	tx_burst(&f, lens, 5);
	CHECK_EQ(service(&f, 0, 2), 2);
	CHECK_EQ(qp_hwq_count_done(f.sq), NB - 3);
	CHECK_EQ(qp_hwq_flush(f.sq), 3);
	for (k = 0; k < 5; k++) {
		const struct qp_slot *ss = &f.sq->slots[k];

		CHECK(qp_slot_is_done(ss), "send slot %u DONE", k);
		CHECK(ss->res_status == (k < 2 ? QP_ST_OK : QP_ST_FLUSHED), "slot %u: status %u",
		      k, ss->res_status);
		CHECK(ss->res_len == (k < 2 ? lens[k] : 0u), "slot %u: res_len %u", k,
		      ss->res_len);
		CHECK(ss->cookie == (uintptr_t)&tx_m[k][0], "slot %u: buffer kept", k);
	}
	CHECK_EQ(qp_hwq_count_done(f.sq), NB);
	CHECK_REGS(f.sq, 0, 0);
	CHECK_EQ(f.sq->ad.head, 5);
	CHECK_EQ(qp_hwq_flush(f.sq), 0);

	/* The receive queue: 14 buffers still posted. */
	CHECK_EQ(qp_hwq_count_done(f.rq), 2);
	CHECK_EQ(qp_hwq_flush(f.rq), NB - 2);
	for (k = 2; k < NB; k++) {
		CHECK(f.rq->slots[k].res_status == QP_ST_FLUSHED, "rx slot %u: status", k);
		CHECK(f.rq->slots[k].cookie == (uintptr_t)&rx_m[k], "rx slot %u: buffer kept", k);
		CHECK(rx_guard_ok(k, 0), "rx slot %u written", k);
	}
	CHECK_EQ(qp_hwq_count_done(f.rq), NB);
	CHECK_REGS(f.rq, 0, 0);
	CHECK_EQ(f.rq->ad.head, NB);

	/* Both rings carry on from where the flush left them. */
	f.rx_head = f.rx_post = NB;
	rx_post(&f, 1, CAP);
	s = tx_post(&f, 99, NULL);
	qp_doorbell_ring(&f.sq->regs, s, 1);
	CHECK_EQ(service(&f, 0, UINT32_MAX), 1);
	CHECK(qp_slot_is_done(&f.rq->slots[0]) && f.rq->slots[0].res_len == 99, "after flush");
	CHECK(rx_holds(0, f.seq_of[5], 99), "bytes after flush");
	CHECK(qp_slot_is_done(s) && s->res_status == QP_ST_OK, "send after flush");
	CHECK_REGS(f.sq, 0, 0);
	CHECK_REGS(f.rq, 0, 0);
	fx_close(&f);
}

static void
test_count_done(void)
{
	static const uint32_t posted[] = { 0, 1, 7, NB - 1, NB };
	unsigned int c;

	UNIT_CASE("count_done counts the slots whose indicator reads DONE");
	for (c = 0; c < RTE_DIM(posted); c++) {
		struct fx f;

		fx_open(&f);
		rx_post(&f, posted[c], CAP);
		CHECK(qp_hwq_count_done(f.rq) == NB - posted[c], "%u posted", posted[c]);
		/* A stray indicator value is not DONE. */
		if (posted[c] == 0) {
			f.rq->slots[3].indicator = 0x1234;
			CHECK(qp_hwq_count_done(f.rq) == NB - 1, "stray value counted");
		}
		fx_close(&f);
	}
}

int
main(void)
{
	test_init();
	test_idle();
	test_copy_single();
	test_copy_multiseg();
	test_too_big();
	test_short_buffer();
	test_zero_copy();
	test_mixed_burst();
	test_no_buffer();
	test_no_link();
	test_filter();
	test_filter_mixed();
	test_budget();
	test_rx_in_service();
	test_wrap();
	test_flush();
	test_count_done();
	return unit_finish();
}
