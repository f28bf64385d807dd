/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Driver and adapter on two threads (pthreads, no EAL): every frame arrives
 * once, in order, intact, in copy and zero-copy mode; and the in-service bit
 * stays true to the WQE its doorbell names while a doorbell races a service call.
 */
#define _GNU_SOURCE /* CPU affinity */
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <rte_pause.h>

#include "unit.h"

#define NB        64u      /* slots per queue */
#define FRAMES    200000u  /* per mode */
#define BURST     32u
#define CAP_SEC   20.0     /* wall-clock cap per phase: fail, never hang */
#define ELEM_BUF  512u
#define HEADROOM  64u
#define RX_CAP    (ELEM_BUF - HEADROOM)
#define POOL      (2 * NB + 8) /* every slot of both rings holds one, plus spares
				* (zero copy: receive slots hold credits, no mbuf)
				*/
#define NO_ELEM   UINT32_MAX

/* A fake mbuf with room for a two-segment frame; the pool is a plain stack. */
struct elem {
	struct rte_mbuf m[2];
	uint8_t buf[2][ELEM_BUF];
};

static struct elem elems[POOL];
static uint32_t free_stack[POOL];
static uint32_t nb_free;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
pool_init(void)
{
	uint32_t i;

	for (i = 0; i < POOL; i++)
		free_stack[i] = POOL - 1 - i;
	nb_free = POOL;
}

static struct elem *
pool_get(void)
{
	REQUIRE(nb_free != 0, "fake mbuf pool empty: an mbuf leaked");
	return &elems[free_stack[--nb_free]];
}

static struct elem *
elem_of(uint64_t cookie)
{
	uintptr_t p = (uintptr_t)cookie, base = (uintptr_t)elems;

	if (p < base || p >= base + sizeof(elems) || (p - base) % sizeof(struct elem) != 0)
		return NULL;
	return (struct elem *)p;
}

static void
pool_put(uint64_t cookie)
{
	struct elem *e = elem_of(cookie);

	REQUIRE(e != NULL, "cookie %#" PRIx64 " is not one of our mbufs", cookie);
	REQUIRE(nb_free < POOL, "more mbufs freed than exist: %#" PRIx64, cookie);
	free_stack[nb_free++] = (uint32_t)(e - elems);
}

/* Frame @seq: its length, and every byte (the sequence number leads). */
static uint32_t
frame_len(uint32_t seq)
{
	return 16 + seq * 7919u % (RX_CAP - 15);
}

static uint8_t
frame_byte(uint32_t seq, uint32_t i)
{
	return i < 4 ? (uint8_t)(seq >> (8 * i)) : unit_byte(seq, i);
}

/* Build frame @seq in @e: one segment, or two for every fifth frame. */
static void
frame_build(struct elem *e, uint32_t seq)
{
	uint32_t len = frame_len(seq), l0 = seq % 5 == 0 ? len / 2 : len, i;

	unit_mbuf(&e->m[0], e->buf[0], ELEM_BUF, HEADROOM, (uint16_t)l0);
	e->m[0].pkt_len = len;
	for (i = 0; i < l0; i++)
		e->buf[0][HEADROOM + i] = frame_byte(seq, i);
	if (l0 == len)
		return;
	unit_mbuf(&e->m[1], e->buf[1], ELEM_BUF, 0, (uint16_t)(len - l0));
	for (i = l0; i < len; i++)
		e->buf[1][i - l0] = frame_byte(seq, i);
	e->m[0].next = &e->m[1];
	e->m[0].nb_segs = 2;
}

/* Is the chain at @m, @len bytes in all, exactly frame @seq? */
static int
frame_check(const struct rte_mbuf *m, uint32_t len, uint32_t seq)
{
	uint32_t i = 0;

	if (len != frame_len(seq))
		return 0;
	for (; m != NULL; m = m->next) {
		const uint8_t *p = (const uint8_t *)m->buf_addr + m->data_off;
		uint32_t j;

		for (j = 0; j < m->data_len && i < len; j++, i++)
			if (p[j] != frame_byte(seq, i))
				return 0;
	}
	return i == len;
}

static uint32_t
frame_seq(const struct rte_mbuf *m)
{
	const uint8_t *p = (const uint8_t *)m->buf_addr + m->data_off;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Shared between the two threads: the queues, the mode, the stop flag. */
static struct {
	struct qp_hwq *sq, *rq;
	struct qp_rxport rp;   /* the receiving port around rq */
	int zero_copy;
	uint32_t stop;         /* either thread: a deadline passed */
	double deadline;
	uint64_t adapter_calls; /* adapter thread's, read after join */
	uint64_t adapter_idle;
} sh;

static int
past_deadline(void)
{
	if (__atomic_load_n(&sh.stop, __ATOMIC_RELAXED))
		return 1;
	if (now() < sh.deadline)
		return 0;
	__atomic_store_n(&sh.stop, 1, __ATOMIC_RELAXED);
	return 1;
}

/*
 * Put the driver and the adapter on different CPUs when two are allowed:
 * left to the scheduler on a loaded two-core machine, both threads can end
 * up on one CPU and then only take turns, which tests no race at all.
 */
static int cpus[2];
static unsigned int nb_cpus;

static void
pick_cpus(void)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return;
	for (i = 0; i < CPU_SETSIZE && nb_cpus < 2; i++)
		if (CPU_ISSET(i, &set))
			cpus[nb_cpus++] = i;
}

static void
pin_self(unsigned int which)
{
	cpu_set_t set;

	if (nb_cpus < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpus[which], &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
		printf("note: cannot pin a thread to CPU %d, running unpinned\n", cpus[which]);
}

/* Wait a little; yield often: two cores, shared with other work. */
static void
idle_wait(uint64_t idle)
{
	if (idle % 16 == 0)
		sched_yield();
	else
		rte_pause();
}

/* The adapter: service the send queue until FRAMES are done or time is up. */
static void *
adapter_main(void *arg)
{
	uint64_t done = 0, calls = 0, idle = 0;

	RTE_SET_USED(arg);
	pin_self(1);
	while (done < FRAMES) {
		/* Budgets of 1..BURST: the adapter stops in the middle of bursts. */
		uint32_t n = qp_adapter_service_sq(sh.sq, &sh.rp, 0, sh.zero_copy,
						   1 + (uint32_t)(calls * 7 % BURST));

		calls++;
		done += n;
		if (n == 0)
			idle_wait(++idle);
		if (calls % 1024 == 0 && past_deadline())
			break;
	}
	sh.adapter_calls = calls;
	sh.adapter_idle = idle;
	return NULL;
}

/* The driver's view of each slot: which element it posted there. */
static uint32_t tx_posted_elem[NB];
static uint32_t rx_posted_elem[NB];

/* Copy: an empty mbuf; zero copy: a credit (no buffer), as the driver posts. */
static void
rx_post_one(struct qp_slot *s, uint32_t k)
{
	struct elem *e;

	if (sh.zero_copy) {
		rx_posted_elem[k] = NO_ELEM;
		qp_slot_post(s, 0, 0, 0, QP_WQE_F_RECV, 1);
		return;
	}
	e = pool_get();

	unit_mbuf(&e->m[0], e->buf[0], ELEM_BUF, HEADROOM, 0);
	rx_posted_elem[k] = (uint32_t)(e - elems);
	unit_post_recv(s, &e->m[0]);
}

struct drv {
	uint32_t sent, received, rx_head, tx_tail;
	uint64_t bad, doorbells_tx, doorbells_rx;
	uint64_t skipped; /* receive slots the adapter gave back unused (QP_ST_SKIP) */
};

/* Driver, receive: harvest DONE slots in order, check, re-post exactly those. */
static uint32_t
drv_rx(struct drv *d)
{
	struct qp_slot *last = NULL;
	uint32_t n = 0, max = 1 + (uint32_t)(d->doorbells_rx * 5 % BURST);

	while (n < max) {
		uint32_t k = d->rx_head & (NB - 1);
		struct qp_slot *s = &sh.rq->slots[k];
		struct elem *e;
		uint32_t seq = d->received;

		if (!qp_slot_is_done(s)) /* D1 */
			break;
		if ((s->res_status & QP_ST_MASK) == QP_ST_SKIP) {
			/* Claimed and given back unused: no frame, the slot is
			 * posted again (what it held goes back first).
			 */
			if (s->cookie != 0)
				pool_put(s->cookie);
			rx_post_one(s, k);
			last = s;
			d->rx_head++;
			d->skipped++;
			n++;
			continue;
		}
		e = elem_of(s->cookie);
		if (e != NULL && !sh.zero_copy && s->res_len <= RX_CAP) {
			/* Copy mode: the driver gives the posted mbuf the length. */
			e->m[0].data_len = (uint16_t)s->res_len;
			e->m[0].pkt_len = s->res_len;
		}
		if (s->res_status != QP_ST_OK || e == NULL ||
		    (!sh.zero_copy && e != &elems[rx_posted_elem[k]]) ||
		    !frame_check(&e->m[0], s->res_len, seq)) {
			if (d->bad++ < 10)
				printf("FAIL frame %u in rx slot %u: status %u len %u (want %u),"
				       " carries seq %u\n", seq, k, s->res_status, s->res_len,
				       frame_len(seq),
				       e != NULL ? frame_seq(&e->m[0]) : UINT32_MAX);
		}
		/* Zero-copy: the sender's mbuf arrived in place of a credit; copy:
		 * the posted mbuf holds the bytes. Either way the application
		 * consumes what arrived.
		 */
		pool_put(s->cookie);
		rx_post_one(s, k);
		last = s;
		d->rx_head++;
		d->received++;
		n++;
	}
	if (n != 0) {
		qp_doorbell_ring(&sh.rq->regs, last, n); /* R1 */
		d->doorbells_rx++;
	}
	return n;
}

/* Driver, send: post into DONE slots only, reclaiming what each one held. */
static uint32_t
drv_tx(struct drv *d)
{
	struct qp_slot *last = NULL;
	uint32_t n = 0, max = 1 + (uint32_t)(d->doorbells_tx * 13 % BURST);

	/* A frame goes only with a receive buffer for it: nothing is dropped. */
	while (n < max && d->sent < FRAMES && d->sent - d->received < NB) {
		uint32_t k = d->tx_tail & (NB - 1);
		struct qp_slot *s = &sh.sq->slots[k];
		struct elem *e;

		if (!qp_slot_is_done(s)) /* D1: the adapter still owns it */
			break;
		if (d->tx_tail >= NB) {
			/* The previous WQE of this slot, completed. Copy: the slot
			 * still holds its mbuf, the driver frees it; zero copy: the
			 * mbuf went to the receiver, the slot holds none.
			 */
			uint32_t want = frame_len(d->sent - NB);

			if (s->res_status != QP_ST_OK || s->res_len != want ||
			    (sh.zero_copy ? s->cookie != 0 :
			     elem_of(s->cookie) != &elems[tx_posted_elem[k]]))
				if (d->bad++ < 10)
					printf("FAIL send slot %u reused: status %u len %u"
					       " want %u, cookie %#" PRIx64 "\n", k, s->res_status,
					       s->res_len, want, s->cookie);
			if (s->cookie != 0)
				pool_put(s->cookie);
		}
		e = pool_get();
		frame_build(e, d->sent);
		tx_posted_elem[k] = (uint32_t)(e - elems);
		unit_post_send(s, &e->m[0]);
		last = s;
		d->tx_tail++;
		d->sent++;
		n++;
	}
	if (n != 0) {
		qp_doorbell_ring(&sh.sq->regs, last, n); /* R1 */
		d->doorbells_tx++;
	}
	return n;
}

/* Count the elements the slots of @q hold, marking each in @seen. */
static uint32_t
held_by(const struct qp_hwq *q, uint8_t *seen)
{
	uint32_t i, n = 0;

	for (i = 0; i < NB; i++) {
		struct elem *e = elem_of(q->slots[i].cookie);

		if (q->slots[i].cookie == 0)
			continue;
		CHECK(e != NULL, "slot %u holds a foreign cookie", i);
		if (e == NULL)
			continue;
		CHECK(!seen[e - elems], "mbuf %u in two places", (unsigned int)(e - elems));
		seen[e - elems] = 1;
		n++;
	}
	return n;
}

static void
test_stream(int zero_copy)
{
	uint8_t seen[POOL];
	struct drv d;
	pthread_t th;
	uint32_t i, held;
	uint64_t idle = 0, iter = 0;
	double t0;

	UNIT_CASE(zero_copy ? "two threads, zero-copy: every frame once, in order" :
		  "two threads, copy: every frame once, in order");
	memset(&d, 0, sizeof(d));
	memset(&sh, 0, sizeof(sh));
	sh.sq = unit_hwq_new(NB);
	sh.rq = unit_hwq_new(NB);
	unit_rxport(&sh.rp, sh.rq, zero_copy ? 0 : RX_CAP, 0);
	sh.zero_copy = zero_copy;
	pool_init();
	for (i = 0; i < NB; i++)
		rx_post_one(&sh.rq->slots[i], i);
	qp_doorbell_ring(&sh.rq->regs, &sh.rq->slots[NB - 1], NB); /* R1 */

	t0 = now();
	sh.deadline = t0 + CAP_SEC;
	REQUIRE(pthread_create(&th, NULL, adapter_main, NULL) == 0, "pthread_create");
	while (d.received < FRAMES) {
		uint32_t r = drv_rx(&d), t = drv_tx(&d);

		if (r + t == 0)
			idle_wait(++idle);
		if (++iter % 1024 == 0 && past_deadline())
			break;
	}
	/* Stop the adapter if the driver gave up first. */
	__atomic_store_n(&sh.stop, d.received < FRAMES, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	printf("%u frames in %.2f s: %" PRIu64 " tx and %" PRIu64 " rx doorbells, %" PRIu64
	       " adapter calls (%" PRIu64 " idle), %" PRIu64 " receive slots skipped\n",
	       d.received, now() - t0, d.doorbells_tx, d.doorbells_rx, sh.adapter_calls,
	       sh.adapter_idle, d.skipped);

	CHECK(d.received == FRAMES && d.sent == FRAMES, "timed out after %.0f s: sent %u,"
	      " received %u", CAP_SEC, d.sent, d.received);
	CHECK_EQ(d.bad, 0);
	CHECK_EQ(sh.sq->ad.serviced, FRAMES);
	/* Every frame had a posted buffer: none dropped. */
	CHECK_EQ(sh.rq->ad.serviced, FRAMES + d.skipped);
	CHECK_EQ(sh.rq->ad.no_buffer + sh.rq->ad.too_big + sh.rq->ad.filtered, 0);
	CHECK_EQ(sh.sq->ad.no_link, 0);
	/* Quiescent end state: every send serviced, every buffer re-posted. */
	CHECK_EQ(qp_regs_pending(&sh.sq->regs), 0);
	CHECK_EQ(qp_regs_in_service(&sh.sq->regs), 0);
	CHECK_EQ(qp_hwq_count_done(sh.sq), NB);
	CHECK_EQ(qp_regs_pending(&sh.rq->regs), NB);
	CHECK_EQ(qp_regs_in_service(&sh.rq->regs), 1);
	CHECK_EQ(qp_hwq_count_done(sh.rq), 0);
	/* No mbuf lost or duplicated: pool + send slots + receive slots.
	 * Zero copy: the receive slots hold credits and the send slots
	 * handed every mbuf over, so all of them are back in the pool.
	 */
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < nb_free; i++)
		seen[free_stack[i]] = 1;
	held = held_by(sh.rq, seen);
	CHECK_EQ(nb_free + held_by(sh.sq, seen) + held, POOL);
	if (zero_copy)
		CHECK_EQ(nb_free, POOL);
	else
		CHECK_EQ(held, NB);
	free(sh.sq);
	free(sh.rq);
}

/*
 * The in-service race. Episode: one receive buffer posted (slot 0), two
 * frames pending, the first one large. While the adapter is copying it, the
 * driver posts a second buffer (slot 1) and rings the receive doorbell. The
 * adapter serves one frame per call (an adapter claims the receive slots
 * of all the frames of one call at once), so its second call finds the
 * second frame has a buffer after all (it looks at PENDING again) and
 * fills slot 1, or drops the frame if it looked too early.
 * Either way, afterwards the doorbell names slot 1 and its in-service bit
 * must say whether slot 1 was serviced.
 */
#define EPISODES 300u
#define BIG      (256u * 1024u)
#define SMALL    64u

static uint8_t big_src[BIG], big_dst[BIG], small_src[SMALL], small_dst[2048];
static uint32_t go, finished;

static void *
race_adapter(void *arg)
{
	uint32_t ep, spins = 0;

	RTE_SET_USED(arg);
	pin_self(1);
	for (ep = 1; ep <= EPISODES; ep++) {
		while (__atomic_load_n(&go, __ATOMIC_ACQUIRE) != ep) {
			idle_wait(++spins);
			if (spins % 1024 == 0 && past_deadline())
				return NULL;
		}
		/* Two frames pending: two calls of budget 1 serve them. */
		qp_adapter_service_sq(sh.sq, &sh.rp, 0, 0, 1);
		qp_adapter_service_sq(sh.sq, &sh.rp, 0, 0, 1);
		__atomic_store_n(&finished, ep, __ATOMIC_RELEASE);
	}
	return NULL;
}

static int
wait_finished(uint32_t ep)
{
	uint64_t spins = 0;

	while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) != ep) {
		idle_wait(++spins);
		if (spins % 1024 == 0 && past_deadline())
			return 0;
	}
	return 1;
}

/* A queue's in-service bit against the slot its doorbell names. */
static int
in_service_true(const struct qp_hwq *q)
{
	const struct qp_slot *named =
		(const struct qp_slot *)(uintptr_t)qp_regs_doorbell_va(&q->regs);

	return qp_regs_in_service(&q->regs) == !qp_slot_is_done(named);
}

static void
test_in_service_race(void)
{
	uint32_t ep, late = 0, dropped = 0, bad = 0;
	pthread_t th;
	double t0 = now();

	UNIT_CASE("in-service bit under a receive doorbell racing the adapter");
	memset(&sh, 0, sizeof(sh));
	sh.sq = unit_hwq_new(16);
	sh.rq = unit_hwq_new(16);
	unit_rxport(&sh.rp, sh.rq, sizeof(big_dst), 0);
	sh.deadline = t0 + CAP_SEC;
	go = finished = 0;
	memset(big_src, 0xab, sizeof(big_src));
	memset(small_src, 0xcd, sizeof(small_src));
	REQUIRE(pthread_create(&th, NULL, race_adapter, NULL) == 0, "pthread_create");
	for (ep = 1; ep <= EPISODES; ep++) {
		struct qp_slot *rs0, *rs1, *ss0, *ss1;
		uint64_t spins = 0;

		qp_hwq_init(sh.sq, 16);
		qp_hwq_init(sh.rq, 16);
		rs0 = &sh.rq->slots[0];
		rs1 = &sh.rq->slots[1];
		ss0 = &sh.sq->slots[0];
		ss1 = &sh.sq->slots[1];
		big_dst[0] = 0;
		qp_slot_post(rs0, (uintptr_t)big_dst, BIG, 0, QP_WQE_F_RECV, 1);
		qp_doorbell_ring(&sh.rq->regs, rs0, 1);
		qp_slot_post(ss0, (uintptr_t)big_src, BIG, 0, QP_WQE_F_SEND, 1);
		qp_slot_post(ss1, (uintptr_t)small_src, SMALL, 0, QP_WQE_F_SEND, 1);
		qp_doorbell_ring(&sh.sq->regs, ss1, 2);
		__atomic_store_n(&go, ep, __ATOMIC_RELEASE);

		/* Ring while the first frame is being copied, if we catch it. */
		while (__atomic_load_n(&big_dst[0], __ATOMIC_RELAXED) == 0 &&
		       __atomic_load_n(&finished, __ATOMIC_ACQUIRE) != ep &&
		       (++spins % 1024 != 0 || !past_deadline()))
			rte_pause();
		qp_slot_post(rs1, (uintptr_t)small_dst, sizeof(small_dst), 0, QP_WQE_F_RECV, 1);
		qp_doorbell_ring(&sh.rq->regs, rs1, 1); /* R1 */
		if (!wait_finished(ep))
			break;

		if (qp_slot_is_done(rs1))
			late++;
		else
			dropped++;
		if (!in_service_true(sh.rq) || !in_service_true(sh.sq) ||
		    qp_regs_pending(&sh.rq->regs) != 16 - qp_hwq_count_done(sh.rq)) {
			if (bad++ < 5)
				printf("FAIL episode %u: rq doorbell names slot %s (%s), in-service"
				       " %u, pending %u; sq in-service %u\n", ep,
				       qp_regs_doorbell_va(&sh.rq->regs) == (uintptr_t)rs1 ? "1" :
				       "?", qp_slot_is_done(rs1) ? "serviced" : "posted",
				       qp_regs_in_service(&sh.rq->regs),
				       qp_regs_pending(&sh.rq->regs),
				       qp_regs_in_service(&sh.sq->regs));
		}
	}
	__atomic_store_n(&sh.stop, ep <= EPISODES, __ATOMIC_RELAXED);
	pthread_join(th, NULL);
	printf("%u episodes in %.2f s: second frame placed in the late buffer %u times,"
	       " dropped %u times\n", ep - 1, now() - t0, late, dropped);
	CHECK(ep > EPISODES, "timed out after %.0f s at episode %u", CAP_SEC, ep);
	CHECK(bad == 0, "%u of %u episodes left an in-service bit that lies", bad, ep - 1);
	free(sh.sq);
	free(sh.rq);
}

int
main(void)
{
	pick_cpus();
	pin_self(0);
	printf("driver on CPU %d, adapter on CPU %d%s\n", cpus[0], cpus[1],
	       nb_cpus < 2 ? " (one CPU allowed: not pinned)" : "");
	test_stream(0);
	test_stream(1);
	test_in_service_race();
	return unit_finish();
}
