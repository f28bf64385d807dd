/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Life cycle under traffic: lcore 1 sends and receives on one end of a cable while lcore 0 stops,
 * starts, reconfigures, closes and re-probes the other; each scenario ends balanced, mbufs home.
 *
 * Queue pairs are checked apart (frame_ok()): both ends receive, so both are probed with
 * rxq_map=same (the receiving port picks the queue; with it, send queue q -> receive queue q).
 */
#include <rte_launch.h>
#include <rte_pause.h>
#include <rte_service.h>

#include "stress.h"

#define TRAFFIC_LCORE 1u
#define RING          256u
#define LEN           96u
#define MAX_QP        4u
#define NB_MBUF       8192u     /* per pool: rings of 4 queue pairs on both ends, twice over */
#define BAD_EVERY     16u       /* queue 0 of every 16th round leads with an empty frame */
#define POLL_EVERY    4u        /* adapter=manual: the traffic lcore runs its adapter so often */
#define ROUNDS_MAX    50000000u /* the traffic lcore's count cap */
#define TRAFFIC_MS    15000u    /* and its wall-clock cap */
#define SCENARIO_MS   5000u     /* the main lcore's budget for one scenario's cycles */
#define TEST_MS       25000u    /* and for all of them */
#define WAIT_MS       5000u     /* any wait for the other lcore */

/* Direction bit of a frame's sequence number, then 7 bits of queue, 24 of count. */
#define DIR_AB 0u /* sent by the traffic lcore's port (a), received on the other (b) */
#define DIR_BA 1u

static uint32_t
seq_of(uint32_t dir, uint16_t q, uint32_t k)
{
	return dir << 31 | (uint32_t)q << 24 | (k & 0xffffffu);
}

#define NO_SEQ UINT32_MAX

/*
 * Is @m an intact frame of direction @dir, sent on queue @q (queue pairs are
 * isolated), numbered after the last one seen on this queue (*last; frames
 * can be lost, never reordered or repeated)? Updates *last.
 */
static int
frame_ok(const struct rte_mbuf *m, uint32_t dir, uint16_t q, uint32_t *last)
{
	uint32_t seq, k, ahead;

	if (qpt_frame_check(m, LEN, &seq) != 0 || seq >> 31 != dir || ((seq >> 24) & 0x7fu) != q)
		return 0;
	k = seq & 0xffffffu;
	ahead = (k - *last) & 0xffffffu;
	if (*last != NO_SEQ && (ahead == 0 || ahead >= 0x800000u))
		return 0;
	*last = k;
	return 1;
}

/* The traffic lcore: sends and receives on every queue of port @port. */
struct traffic {
	/* set by the main lcore before the launch */
	uint16_t port;
	uint16_t nb_q;
	uint8_t poll; /* adapter=manual: run the port's adapter every POLL_EVERY rounds */
	struct rte_mempool *mp;
	uint64_t deadline;
	/* main -> traffic: leave the loop */
	uint32_t stop;
	/* traffic -> main: the loop is running */
	uint32_t running;
	/* results, read by the main lcore after rte_eal_wait_lcore() */
	uint64_t rounds, sent, refused, got, bad, poll_errors;
	int capped;
	/* numbering, kept across launches */
	uint32_t tx_next[MAX_QP];
	uint32_t rx_last[MAX_QP];
};

static int
traffic_main(void *arg)
{
	struct traffic *t = arg;
	struct rte_mbuf *b[ST_BURST], *rx[ST_BURST];
	uint16_t q, i, n, k;
	int first = 1;

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		if (t->rounds >= ROUNDS_MAX || st_expired(t->deadline)) {
			t->capped = 1;
			break;
		}
		for (q = 0; q < t->nb_q; q++) {
			uint16_t lead = 0, taken_bad;

			n = 0;
			if (q == 0 && t->rounds % BAD_EVERY == 0) {
				b[0] = rte_pktmbuf_alloc(t->mp); /* empty: the driver refuses it */
				lead = b[0] != NULL;
				n = lead;
			}
			for (; n < ST_BURST; n++) {
				b[n] = qpt_frame(t->mp, seq_of(DIR_AB, q, t->tx_next[q] + n - lead),
						 LEN, NULL);
				if (b[n] == NULL)
					break;
			}
			k = rte_eth_tx_burst(t->port, q, b, n);
			taken_bad = lead && k > 0;
			t->refused += taken_bad;
			t->sent += (uint64_t)(k - taken_bad);
			t->tx_next[q] += (uint32_t)(k - taken_bad);
			qpt_free_all(b + k, (unsigned int)(n - k));

			n = rte_eth_rx_burst(t->port, q, rx, ST_BURST);
			for (i = 0; i < n; i++) {
				t->bad += !frame_ok(rx[i], DIR_BA, q, &t->rx_last[q]);
				rte_pktmbuf_free(rx[i]);
			}
			t->got += n;
		}
		if (t->poll && t->rounds % POLL_EVERY == 0)
			t->poll_errors += rte_pmd_qpring_adapter_poll(t->port, UINT32_MAX) < 0;
		t->rounds++;
		if (first) {
			__atomic_store_n(&t->running, 1, __ATOMIC_RELEASE);
			first = 0;
		}
	}
	return 0;
}

/* What the main lcore does on the other end (b). */
struct side {
	uint64_t sent, got, bad;
	uint32_t tx_next[MAX_QP];
	uint32_t rx_last[MAX_QP];
	uint8_t rxq_on[MAX_QP], txq_on[MAX_QP];
};

/* A cable: a (the traffic lcore's) and b (the main lcore's). */
struct cable {
	const char *a_name, *a_args, *b_name, *b_args;
	uint16_t a, b;
	uint16_t nq_a, nq_b;
	int manual;           /* adapter=manual at both ends */
	int idle;             /* adapter=service and no service lcore: nothing is serviced */
	struct rte_mempool *mp_a, *mp_b;
	struct st_ctr gone_a, gone_b; /* counters of queues and ports already released */
};

static struct traffic tr;
static struct side sd;
static uint64_t test_deadline;

/* The main lcore's wall clock for the cycles of one scenario, within the test's. */
static uint64_t
scenario_deadline(void)
{
	return RTE_MIN(st_deadline(SCENARIO_MS), test_deadline);
}

static void
traffic_launch(struct cable *c)
{
	uint64_t dl = st_deadline(WAIT_MS);

	tr.port = c->a;
	tr.nb_q = c->nq_a;
	tr.poll = (uint8_t)c->manual;
	tr.mp = c->mp_a;
	tr.deadline = st_deadline(TRAFFIC_MS);
	tr.capped = 0;
	__atomic_store_n(&tr.stop, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&tr.running, 0, __ATOMIC_RELAXED);
	REQUIRE(rte_eal_remote_launch(traffic_main, &tr, TRAFFIC_LCORE) == 0, "launch");
	/* A bounded spin on a flag, not a sleep: the loop has begun. */
	while (!__atomic_load_n(&tr.running, __ATOMIC_ACQUIRE) && !st_expired(dl))
		rte_pause();
	REQUIRE(__atomic_load_n(&tr.running, __ATOMIC_ACQUIRE), "traffic lcore did not start "
		"within %u ms", WAIT_MS);
}

static void
traffic_join(void)
{
	__atomic_store_n(&tr.stop, 1, __ATOMIC_RELEASE);
	CHECK(rte_eal_wait_lcore(TRAFFIC_LCORE) == 0, "traffic lcore returned an error");
	CHECK(!tr.capped, "the traffic lcore hit its cap (%u rounds or %u ms) before the main "
	      "lcore was done", ROUNDS_MAX, TRAFFIC_MS);
	CHECK(tr.poll_errors == 0, "%" PRIu64 " adapter polls failed", tr.poll_errors);
}

/* Main lcore: a burst on every started send queue of b. */
static void
side_send(const struct cable *c)
{
	struct rte_mbuf *b[ST_BURST];
	uint16_t q, n, k;

	for (q = 0; q < c->nq_b; q++) {
		if (!sd.txq_on[q])
			continue;
		for (n = 0; n < ST_BURST; n++) {
			b[n] = qpt_frame(c->mp_b, seq_of(DIR_BA, q, sd.tx_next[q] + n), LEN, NULL);
			if (b[n] == NULL)
				break;
		}
		k = rte_eth_tx_burst(c->b, q, b, n);
		sd.sent += k;
		sd.tx_next[q] += k;
		qpt_free_all(b + k, (unsigned int)(n - k));
	}
	if (c->manual)
		CHECK(rte_pmd_qpring_adapter_poll(c->b, UINT32_MAX) >= 0, "poll of b");
}

/* Main lcore: receive what the started receive queues of @port hold (bounded). */
static void
drain(uint16_t port, uint16_t nq, const uint8_t *on, uint32_t dir, uint32_t *last,
      uint64_t *got, uint64_t *bad)
{
	struct rte_mbuf *rx[ST_BURST];
	uint16_t q, i, n;
	unsigned int polls;

	for (q = 0; q < nq; q++) {
		if (on != NULL && !on[q])
			continue;
		for (polls = 0; polls < 4u * RING / ST_BURST; polls++) {
			n = rte_eth_rx_burst(port, q, rx, ST_BURST);
			for (i = 0; i < n; i++) {
				*bad += !frame_ok(rx[i], dir, q, &last[q]);
				rte_pktmbuf_free(rx[i]);
			}
			*got += n;
			if (n == 0)
				break;
		}
	}
}

static void
side_drain(const struct cable *c)
{
	drain(c->b, c->nq_b, sd.rxq_on, DIR_AB, sd.rx_last, &sd.got, &sd.bad);
}

/* Counters of @port about to be released join @gone (port stopped: they are still). */
static void
retire(uint16_t port, struct st_ctr *gone)
{
	struct st_ctr c;

	CHECK(st_ctr_read(port, 0, &c) == 0, "counters of port %u", port);
	st_ctr_add(gone, &c);
}

static void
b_queues_all_on(struct cable *c, int on)
{
	memset(sd.rxq_on, 0, sizeof(sd.rxq_on));
	memset(sd.txq_on, 0, sizeof(sd.txq_on));
	if (on) {
		memset(sd.rxq_on, 1, c->nq_b);
		memset(sd.txq_on, 1, c->nq_b);
	}
}

static int
probe(const char *name, const char *args)
{
	int port = qpt_vdev(name, args);

	CHECK(port >= 0, "probe %s,%s: %d", name, args, port);
	return port;
}

/* Probe both ends and set up their queues (stopped). */
static void
cable_create(struct cable *c)
{
	int a = probe(c->a_name, c->a_args), b = probe(c->b_name, c->b_args);

	REQUIRE(a >= 0 && b >= 0, "cable %s <-> %s", c->a_name, c->b_name);
	c->a = (uint16_t)a;
	c->b = (uint16_t)b;
	REQUIRE(qpt_setup(c->a, c->nq_a, RING, c->mp_a) == 0 &&
		qpt_setup(c->b, c->nq_b, RING, c->mp_b) == 0, "queues of %s <-> %s", c->a_name,
		c->b_name);
}

/* Start both ends, zero every counter and launch the traffic lcore. */
static void
scenario_begin(struct cable *c, const char *name)
{
	QPT_CASE(name);
	REQUIRE(rte_eth_dev_start(c->a) == 0 && rte_eth_dev_start(c->b) == 0, "start");
	CHECK(rte_eth_stats_reset(c->a) == 0 && rte_eth_stats_reset(c->b) == 0, "stats reset");
	memset(&c->gone_a, 0, sizeof(c->gone_a));
	memset(&c->gone_b, 0, sizeof(c->gone_b));
	tr.rounds = tr.sent = tr.refused = tr.got = tr.bad = tr.poll_errors = 0;
	sd.sent = sd.got = sd.bad = 0;
	b_queues_all_on(c, 1);
	traffic_launch(c);
}

/* Both directions balanced, frames intact, nothing in flight. Both ends started. */
static void
scenario_balance(struct cable *c, int with_ring)
{
	struct st_ctr a, b;

	CHECK(st_ctr_read(c->a, with_ring, &a) == 0 && st_ctr_read(c->b, with_ring, &b) == 0,
	      "counters");
	st_ctr_add(&a, &c->gone_a);
	st_ctr_add(&b, &c->gone_b);
	printf("    a->b: %" PRIu64 " sent (%" PRIu64 " rounds), %" PRIu64 " received, %" PRIu64
	       " missed, %" PRIu64 " no-link, %" PRIu64 " flushed, %" PRIu64 " in rings\n",
	       tr.sent, tr.rounds, sd.got, b.imissed, a.no_link, a.flushed, b.in_ring);
	printf("    b->a: %" PRIu64 " sent, %" PRIu64 " received, %" PRIu64 " missed, %" PRIu64
	       " no-link, %" PRIu64 " flushed, %" PRIu64 " in rings\n", sd.sent, tr.got,
	       a.imissed, b.no_link, b.flushed, a.in_ring);
	st_balance("a->b", tr.sent, tr.refused, sd.got, &a, &b);
	st_balance("b->a", sd.sent, 0, tr.got, &b, &a);
	CHECK(tr.bad == 0, "a received %" PRIu64 " frames damaged, misrouted or out of order",
	      tr.bad);
	CHECK(sd.bad == 0, "b received %" PRIu64 " frames damaged, misrouted or out of order",
	      sd.bad);
}

/* Stop both ends: every mbuf of both pools back, and the pools sound. */
static void
cable_stop_home(struct cable *c, const char *what)
{
	CHECK(rte_eth_dev_stop(c->a) == 0 && rte_eth_dev_stop(c->b) == 0, "%s: stop", what);
	st_pool_home(c->mp_a, 0, what);
	st_pool_home(c->mp_b, 0, what);
}

/*
 * End of an inline scenario: park the traffic lcore; with nothing in flight
 * both directions balance, frames in rings included; then both ends stop.
 */
static void
scenario_end(struct cable *c, unsigned int done, unsigned int want)
{
	CHECK(done == want, "%u of %u cycles within %u ms", done, want, SCENARIO_MS);
	traffic_join();
	scenario_balance(c, 1);
	cable_stop_home(c, "end of scenario");
}

/* Restart b and check the cable's link at both ends. */
static void
b_start(struct cable *c, const char *what)
{
	CHECK(rte_eth_dev_start(c->b) == 0, "%s: start b", what);
	b_queues_all_on(c, 1);
	CHECK(st_link(c->a) == RTE_ETH_LINK_UP && st_link(c->b) == RTE_ETH_LINK_UP,
	      "%s: links a %d b %d after b started", what, st_link(c->a), st_link(c->b));
}

static void
b_stop(struct cable *c, const char *what)
{
	CHECK(rte_eth_dev_stop(c->b) == 0, "%s: stop b", what);
	b_queues_all_on(c, 0);
	CHECK(st_link(c->a) == RTE_ETH_LINK_DOWN, "%s: a's link up while b is stopped", what);
}

/*
 * The one-lcore form of what the scenarios do many times: frames wait in b's
 * receive ring when b stops. Ethdev's balance needs them counted somewhere
 * (imissed or ierrors), or kept and received after the restart.
 */
static void
test_stop_with_frames_in_ring(struct cable *c)
{
	unsigned int n;

	QPT_CASE("one lcore: b stops with frames waiting in its receive ring");
	REQUIRE(rte_eth_dev_start(c->a) == 0 && rte_eth_dev_start(c->b) == 0, "start");
	CHECK(rte_eth_stats_reset(c->a) == 0 && rte_eth_stats_reset(c->b) == 0, "stats reset");
	memset(&c->gone_a, 0, sizeof(c->gone_a));
	memset(&c->gone_b, 0, sizeof(c->gone_b));
	tr.rounds = tr.sent = tr.refused = tr.got = tr.bad = 0;
	sd.sent = sd.got = sd.bad = 0;
	n = st_send(c->a, 0, c->mp_a, 10, LEN, seq_of(DIR_AB, 0, tr.tx_next[0]));
	CHECK_EQ(n, 10);
	tr.sent += n;
	tr.tx_next[0] += n;
	CHECK(rte_eth_dev_stop(c->b) == 0 && rte_eth_dev_start(c->b) == 0, "restart b");
	b_queues_all_on(c, 1);
	side_drain(c);
	scenario_balance(c, 1);
	cable_stop_home(c, "after the restart");
}

/* b stops and starts while a sends to it. */
static void
test_peer_stop_start(struct cable *c, unsigned int cycles)
{
	uint64_t dl = scenario_deadline();
	char what[64];
	unsigned int i;

	scenario_begin(c, "b stops and starts while a sends into it");
	for (i = 0; i < cycles && !st_expired(dl); i++) {
		snprintf(what, sizeof(what), "cycle %u", i);
		side_drain(c);
		side_send(c);
		b_stop(c, what);
		b_start(c, what);
	}
	scenario_end(c, i, cycles);
}

/* b's receive and send queues stop and start, one at a time and all together. */
static void
test_queue_stop_start(struct cable *c, unsigned int cycles)
{
	uint64_t dl = scenario_deadline();
	unsigned int i;
	uint16_t q;

	scenario_begin(c, "b's queues stop and start while a sends into them");
	for (i = 0; i < cycles && !st_expired(dl); i++) {
		uint16_t lo = (uint16_t)(i % c->nq_b), hi = lo;

		if (i % 8 == 7) { /* now and then every queue at once */
			lo = 0;
			hi = (uint16_t)(c->nq_b - 1);
		}
		for (q = lo; q <= hi; q++) {
			CHECK(rte_eth_dev_rx_queue_stop(c->b, q) == 0, "cycle %u: rxq %u stop", i,
			      q);
			sd.rxq_on[q] = 0;
			if (i & 1) {
				CHECK(rte_eth_dev_tx_queue_stop(c->b, q) == 0,
				      "cycle %u: txq %u stop", i, q);
				sd.txq_on[q] = 0;
			}
		}
		side_send(c); /* on the queues still running */
		side_drain(c);
		for (q = lo; q <= hi; q++) {
			if (!sd.txq_on[q])
				CHECK(rte_eth_dev_tx_queue_start(c->b, q) == 0,
				      "cycle %u: txq %u start", i, q);
			CHECK(rte_eth_dev_rx_queue_start(c->b, q) == 0, "cycle %u: rxq %u start",
			      i, q);
			sd.rxq_on[q] = sd.txq_on[q] = 1;
		}
		side_send(c);
	}
	scenario_end(c, i, cycles);
}

/* Reconfigure @port (stopped) to @nq queue pairs and start it. */
static void
reconfigure(uint16_t port, uint16_t nq, struct rte_mempool *mp, struct st_ctr *gone,
	    const char *what)
{
	retire(port, gone); /* queue set-up releases the old queues and their counters */
	CHECK(qpt_setup(port, nq, RING, mp) == 0, "%s: %u queue pairs", what, nq);
	CHECK(rte_eth_dev_start(port) == 0, "%s: start", what);
}

/*
 * More or fewer queue pairs: b while a sends (b's own traffic is the main
 * lcore's), a with the traffic lcore parked first, as ethdev requires.
 */
static void
test_reconfigure(struct cable *c, unsigned int cycles)
{
	static const uint16_t nq_seq[] = { 1, 4, 3, 2 };
	uint64_t dl = scenario_deadline();
	char what[64];
	unsigned int i;

	scenario_begin(c, "b and a reconfigured to more or fewer queue pairs under traffic");
	for (i = 0; i < cycles && !st_expired(dl); i++) {
		snprintf(what, sizeof(what), "cycle %u", i);
		side_drain(c);
		side_send(c);
		b_stop(c, what);
		c->nq_b = nq_seq[i % RTE_DIM(nq_seq)];
		reconfigure(c->b, c->nq_b, c->mp_b, &c->gone_b, what);
		b_queues_all_on(c, 1);
		side_send(c);
		if (i % 3 == 2) {
			traffic_join();
			/* a's receive rings are dropped with its queues: receive them first */
			drain(c->a, c->nq_a, NULL, DIR_BA, tr.rx_last, &tr.got, &tr.bad);
			CHECK(rte_eth_dev_stop(c->a) == 0, "%s: stop a", what);
			c->nq_a = nq_seq[(i / 3 + 2) % RTE_DIM(nq_seq)];
			reconfigure(c->a, c->nq_a, c->mp_a, &c->gone_a, what);
			traffic_launch(c);
		}
	}
	scenario_end(c, i, cycles);
}

/* b is closed while a sends to it, then probed again (it names a: it re-cables). */
static void
test_peer_close_reprobe(struct cable *c, unsigned int cycles)
{
	uint64_t dl = scenario_deadline();
	char what[64];
	unsigned int i;
	int b;

	scenario_begin(c, "b is closed while a sends into it, then probed again");
	for (i = 0; i < cycles && !st_expired(dl); i++) {
		uint16_t old = c->b;

		snprintf(what, sizeof(what), "cycle %u", i);
		side_drain(c);
		side_send(c);
		b_stop(c, what);
		retire(c->b, &c->gone_b);
		CHECK(rte_eth_dev_close(c->b) == 0, "%s: close b", what);
		CHECK(st_link(c->a) == RTE_ETH_LINK_DOWN, "%s: a's link up, b closed", what);
		CHECK(st_mz_of_port(old) == 0, "%s: %u memzones of closed port %u", what,
		      st_mz_of_port(old), old);
		CHECK(rte_vdev_uninit(c->b_name) == 0, "%s: remove b", what);
		if (strstr(c->b_args, "copy=0") == NULL)
			/* copied frames: only b's own rings held b's buffers */
			CHECK(qpt_in_use(c->mp_b) == 0, "%s: %u mbufs of b's pool in use, b closed",
			      what, qpt_in_use(c->mp_b));
		b = probe(c->b_name, c->b_args);
		if (b < 0)
			break;
		c->b = (uint16_t)b;
		CHECK(st_link(c->a) == RTE_ETH_LINK_DOWN, "%s: a's link up, b not started", what);
		CHECK(qpt_setup(c->b, c->nq_b, RING, c->mp_b) == 0, "%s: set up b", what);
		b_start(c, what);
	}
	scenario_end(c, i, cycles);
}

/*
 * Send a few frames on every queue of b and, with @and_a (the traffic lcore
 * parked), of a, and run no adapter: the WQEs stay pending (adapter=manual,
 * or service with no service lcore).
 */
static void
post_pending(struct cable *c, int and_a)
{
	uint16_t q;
	unsigned int n;

	for (q = 0; and_a && q < c->nq_a; q++) {
		n = st_send(c->a, q, c->mp_a, 8, LEN, seq_of(DIR_AB, q, tr.tx_next[q]));
		tr.sent += n;
		tr.tx_next[q] += n;
	}
	for (q = 0; q < c->nq_b; q++) {
		n = st_send(c->b, q, c->mp_b, 8, LEN, seq_of(DIR_BA, q, sd.tx_next[q]));
		sd.sent += n;
		sd.tx_next[q] += n;
	}
}

/*
 * Deferred adapters (@c->manual or @c->idle): b stops with its own WQEs
 * pending and is closed and re-probed while a's WQEs are pending; at the end
 * both ends stop with WQEs pending (flushed, counted), and finally both are
 * hot-unplugged started, with WQEs pending: every mbuf comes home.
 */
static void
test_close_pending(struct cable *c, unsigned int cycles, const char *name)
{
	uint64_t dl = scenario_deadline();
	struct st_ctr a, b;
	char what[64];
	unsigned int i;
	int port;

	scenario_begin(c, name);
	for (i = 0; i < cycles && !st_expired(dl); i++) {
		snprintf(what, sizeof(what), "cycle %u", i);
		side_drain(c);
		side_send(c); /* serviced at once (manual: polled), or pending (idle) */
		post_pending(c, 0);
		if (i % 4 != 3) {
			b_stop(c, what);
			b_start(c, what);
			continue;
		}
		b_stop(c, what);
		retire(c->b, &c->gone_b);
		CHECK(rte_eth_dev_close(c->b) == 0 && rte_vdev_uninit(c->b_name) == 0,
		      "%s: close and remove b", what);
		port = probe(c->b_name, c->b_args);
		if (port < 0)
			break;
		c->b = (uint16_t)port;
		CHECK(qpt_setup(c->b, c->nq_b, RING, c->mp_b) == 0, "%s: set up b", what);
		b_start(c, what);
	}
	CHECK(i == cycles, "%u of %u cycles within %u ms", i, cycles, SCENARIO_MS);
	traffic_join();
	/* Receive what arrived, so that the stop drops no received frame. */
	if (c->manual) {
		CHECK(rte_pmd_qpring_adapter_poll(c->a, UINT32_MAX) >= 0 &&
		      rte_pmd_qpring_adapter_poll(c->b, UINT32_MAX) >= 0, "polls");
		drain(c->a, c->nq_a, NULL, DIR_BA, tr.rx_last, &tr.got, &tr.bad);
		side_drain(c);
	}
	post_pending(c, 1);
	CHECK(st_ctr_read(c->a, 0, &a) == 0 && st_ctr_read(c->b, 0, &b) == 0, "counters");
	CHECK(a.tx_pending >= c->nq_a * 8u && b.tx_pending >= c->nq_b * 8u,
	      "WQEs pending before the stop: a %" PRIu64 ", b %" PRIu64, a.tx_pending,
	      b.tx_pending);
	CHECK(rte_eth_dev_stop(c->a) == 0 && rte_eth_dev_stop(c->b) == 0, "stop with WQEs pending");
	scenario_balance(c, 0);
	CHECK(st_ctr_read(c->a, 0, &a) == 0 && st_ctr_read(c->b, 0, &b) == 0, "counters");
	CHECK(a.tx_pending == 0 && b.tx_pending == 0 && a.flushed > 0 && b.flushed > 0,
	      "after the stop: pending a %" PRIu64 " b %" PRIu64 ", flushed a %" PRIu64
	      " b %" PRIu64, a.tx_pending, b.tx_pending, a.flushed, b.flushed);
	st_pool_home(c->mp_a, 0, "stopped with WQEs pending");
	st_pool_home(c->mp_b, 0, "stopped with WQEs pending");

	QPT_CASE("hot-unplug of both started ends with WQEs pending");
	REQUIRE(rte_eth_dev_start(c->a) == 0 && rte_eth_dev_start(c->b) == 0, "start");
	post_pending(c, 1);
	CHECK(st_ctr_read(c->a, 0, &a) == 0 && a.tx_pending >= c->nq_a * 8u,
	      "a: %" PRIu64 " WQEs pending", a.tx_pending);
	CHECK(st_hotplug_remove(c->b) == 0 && st_hotplug_remove(c->a) == 0, "rte_dev_remove");
	CHECK(st_mz_of_port(c->a) == 0 && st_mz_of_port(c->b) == 0, "memzones left");
	st_pool_home(c->mp_a, 0, "removed with WQEs pending");
	st_pool_home(c->mp_b, 0, "removed with WQEs pending");
}

/* The inline scenarios on one cable, then it is taken apart. */
static void
run_inline(struct cable *c, unsigned int cycles)
{
	cable_create(c);
	test_stop_with_frames_in_ring(c);
	test_peer_stop_start(c, cycles);
	test_queue_stop_start(c, cycles);
	test_reconfigure(c, cycles / 8);
	test_peer_close_reprobe(c, cycles / 4);
	CHECK(rte_eth_dev_close(c->b) == 0 && rte_eth_dev_close(c->a) == 0, "close");
	CHECK(rte_vdev_uninit(c->b_name) == 0 && rte_vdev_uninit(c->a_name) == 0, "remove");
	st_pool_home(c->mp_a, 0, "cable removed");
	st_pool_home(c->mp_b, 0, "cable removed");
}

int
main(void)
{
	struct rte_mempool *mp_a, *mp_b;
	struct cable copy = {
		.a_name = "net_qpring_sa", .a_args = "rxq_map=same",
		.b_name = "net_qpring_sb", .b_args = "peer=net_qpring_sa,rxq_map=same",
		.nq_a = 2, .nq_b = 2,
	};
	struct cable zc = {
		.a_name = "net_qpring_za", .a_args = "copy=0,rxq_map=same",
		.b_name = "net_qpring_zb", .b_args = "peer=net_qpring_za,copy=0,rxq_map=same",
		.nq_a = 2, .nq_b = 2,
	};
	struct cable manual = {
		.a_name = "net_qpring_ma", .a_args = "adapter=manual,rxq_map=same",
		.b_name = "net_qpring_mb", .b_args =
			"peer=net_qpring_ma,adapter=manual,rxq_map=same",
		.nq_a = 2, .nq_b = 2, .manual = 1,
	};
	struct cable idle = {
		.a_name = "net_qpring_va", .a_args = "adapter=service,rxq_map=same",
		.b_name = "net_qpring_vb", .b_args =
			"peer=net_qpring_va,adapter=service,rxq_map=same",
		.nq_a = 2, .nq_b = 1, .idle = 1,
	};
	unsigned int q;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		qpt_skip("needs 2 CPUs: lcore 1 sends while lcore 0 changes the cable");
	REQUIRE(setenv("QPT_LCORES", "0,1", 1) == 0, "setenv");
	qpt_eal_init("st_lifecycle", 256, NULL);
	REQUIRE(rte_lcore_count() == 2 && rte_lcore_is_enabled(TRAFFIC_LCORE), "lcores 0 and 1");
	REQUIRE(rte_service_lcore_count() == 0, "no service lcore expected");
	test_deadline = st_deadline(TEST_MS);
	mp_a = qpt_pool("stress_a", NB_MBUF, RTE_MBUF_DEFAULT_BUF_SIZE);
	mp_b = qpt_pool("stress_b", NB_MBUF, RTE_MBUF_DEFAULT_BUF_SIZE);
	for (q = 0; q < MAX_QP; q++)
		tr.rx_last[q] = sd.rx_last[q] = NO_SEQ;
	copy.mp_a = zc.mp_a = manual.mp_a = idle.mp_a = mp_a;
	copy.mp_b = zc.mp_b = manual.mp_b = idle.mp_b = mp_b;

	printf("=== copy=1, inline adapter\n");
	run_inline(&copy, 1024);
	printf("=== copy=0, inline adapter\n");
	run_inline(&zc, 512);

	printf("=== adapter=manual\n");
	cable_create(&manual);
	test_close_pending(&manual, 256, "adapter=manual: b stopped and closed with WQEs pending");
	printf("=== adapter=service, no service lcore\n");
	/* Every start warns that no service lcore runs the adapter: true, and meant here. */
	rte_log_set_level_pattern("pmd.net.qpring", RTE_LOG_ERR);
	cable_create(&idle);
	test_close_pending(&idle, 64, "adapter=service, no service lcore: nothing is serviced");
	rte_log_set_level_pattern("pmd.net.qpring", RTE_LOG_NOTICE);

	CHECK_EQ(rte_eth_dev_count_avail(), 0);
	CHECK(st_mz_count(ST_MZ_PREFIX) == 0, "%u qpring memzones left", st_mz_count(ST_MZ_PREFIX));
	rte_mempool_free(mp_a);
	rte_mempool_free(mp_b);
	qpt_eal_done();
	return qpt_finish();
}
