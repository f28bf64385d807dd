/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Fault injection (delayed, reordered, failed and lost completions) over a
 * cable, inline and on a service lcore: every frame accounted for, none
 * damaged, repeated or reordered, no mbuf leaked or freed twice, and the same
 * seed giving the same counters. Manual-adapter cases check each step exactly.
 *
 * The flows are per queue pair: the receiving port b has rxq_map=same, so what a sends on
 * queue q arrives on b's queue q (the receiving port picks the queue).
 */
#include <rte_pause.h>

#include "async.h"

#define NB_MBUFS 16384u
#define NB_QP    2u
#define RING     64u
#define FRAMES   3000u /* per queue pair */
#define MAX_POLLS 100000u
#define STUCK_MS  2000u
#define STUCK_ROUNDS 1000u

static struct rte_mempool *pool;

static struct rte_pmd_qpring_faults
faults_of(uint16_t port)
{
	struct rte_pmd_qpring_faults f;

	memset(&f, 0xff, sizeof(f));
	REQUIRE(rte_pmd_qpring_faults_get(port, &f) == 0, "faults_get(%u)", port);
	return f;
}

static int
faults_eq(const struct rte_pmd_qpring_faults *x, const struct rte_pmd_qpring_faults *y)
{
	return x->delay_polls == y->delay_polls && x->ooo_window == y->ooo_window &&
	       x->error_ppm == y->error_ppm && x->drop_ppm == y->drop_ppm &&
	       x->delay_ns == y->delay_ns;
}

/* ------------------------------------------------------ the fault table */

struct fault_case {
	const char *name;
	const char *mode;   /* adapter= of both ports */
	uint8_t copy;
	uint8_t runtime;    /* 1: set with faults_set() after start, not devargs */
	uint64_t seed;
	struct rte_pmd_qpring_faults f; /* delay_polls, ooo_window, error_ppm, drop_ppm */
};

static const struct fault_case fault_cases[] = {
	{ "no faults",              "inline",  1, 0, 1,  { 0, 0, 0, 0 } },
	{ "delay 3",                "inline",  1, 0, 2,  { 3, 0, 0, 0 } },
	{ "ooo 8",                  "inline",  1, 0, 3,  { 0, 8, 0, 0 } },
	{ "error 5%",               "inline",  1, 0, 4,  { 0, 0, 50000, 0 } },
	{ "drop 5%",                "inline",  1, 0, 5,  { 0, 0, 0, 50000 } },
	{ "all",                    "inline",  1, 0, 6,  { 2, 8, 20000, 20000 } },
	{ "all, copy=0",            "inline",  0, 0, 7,  { 2, 8, 20000, 20000 } },
	{ "all, set at run time",   "inline",  1, 1, 8,  { 1, 4, 30000, 10000 } },
	{ "no faults",              "service", 1, 0, 1,  { 0, 0, 0, 0 } },
	{ "delay 3",                "service", 1, 0, 2,  { 3, 0, 0, 0 } },
	{ "ooo 8",                  "service", 1, 0, 3,  { 0, 8, 0, 0 } },
	{ "error 5%",               "service", 1, 0, 4,  { 0, 0, 50000, 0 } },
	{ "drop 5%",                "service", 1, 0, 5,  { 0, 0, 0, 50000 } },
	{ "error and drop, delay",  "service", 1, 0, 9,  { 2, 0, 20000, 20000 } },
	{ "all",                    "service", 1, 0, 6,  { 2, 8, 20000, 20000 } },
	{ "all, copy=0",            "service", 0, 0, 7,  { 2, 8, 20000, 20000 } },
	{ "all, set at run time",   "service", 1, 1, 8,  { 1, 4, 30000, 10000 } },
};

/* What one run produced; two runs of the same seed must agree. */
struct run_result {
	uint64_t f_errors, f_drops, f_rx_errors, f_reordered, f_delayed;
	uint64_t ipackets, imissed, stalls, polls;
	uint64_t digest;
};

/* Per-mille band around @expect: a rate that is plainly not the one asked for fails. */
static void
check_rate(const char *what, uint64_t got, double expect)
{
	CHECK(got >= (uint64_t)(expect / 2) && got <= (uint64_t)(expect * 2 + 1),
	      "%s: %" PRIu64 ", expected about %.0f", what, got, expect);
}

static void
fault_run(const struct fault_case *c, struct run_result *res)
{
	const int service = strcmp(c->mode, "service") == 0;
	const struct rte_pmd_qpring_faults *f = &c->f;
	struct as_flow fl[NB_QP];
	struct as_balance x;
	struct rte_eth_stats sa, sb;
	char args[256];
	uint32_t sent[NB_QP] = { 0 };
	unsigned int base = qpt_in_use(pool), polls = 0, idle_rounds = 0;
	uint64_t dl, progress, got = 0, bytes = 0, errs = 0;
	uint16_t a, b, q;
	int done = 0;

	snprintf(args, sizeof(args), "adapter=%s,copy=%u,rxq_map=same", c->mode, c->copy);
	b = as_port("net_qpring_fb", args, NB_QP, RING, pool, NULL);
	if (c->runtime)
		snprintf(args, sizeof(args), "peer=net_qpring_fb,adapter=%s,copy=%u,seed=%" PRIu64,
			 c->mode, c->copy, c->seed);
	else
		snprintf(args, sizeof(args), "peer=net_qpring_fb,adapter=%s,copy=%u,seed=%" PRIu64
			 ",fault_delay=%u,fault_ooo=%u,fault_error=%u,fault_drop=%u", c->mode,
			 c->copy, c->seed, f->delay_polls, f->ooo_window, f->error_ppm,
			 f->drop_ppm);
	a = as_port("net_qpring_fa", args, NB_QP, RING, pool, NULL);
	as_start(b);
	as_start(a);
	if (c->runtime) {
		struct rte_pmd_qpring_faults none = { 0, 0, 0, 0 }, now = faults_of(a);

		CHECK(faults_eq(&now, &none), "faults before faults_set");
		CHECK_EQ(rte_pmd_qpring_faults_set(a, f), 0);
	}
	{
		struct rte_pmd_qpring_faults now = faults_of(a);

		CHECK(faults_eq(&now, f), "faults_get: %u %u %u %u", now.delay_polls,
		      now.ooo_window, now.error_ppm, now.drop_ppm);
	}
	for (q = 0; q < NB_QP; q++)
		as_flow_init(&fl[q], 0, q, 0);

	/*
	 * Send everything, receiving as we go, as an application does: tx and
	 * rx bursts only. Whatever the faults, the queue must keep moving. A
	 * sender without progress is reported (inline: for STUCK_ROUNDS
	 * rounds, a deterministic bound; service: for STUCK_MS), then the
	 * drain below, which also polls the adapter, finishes the run.
	 */
	dl = as_deadline(8000);
	progress = as_deadline(STUCK_MS);
	while (!done && !as_expired(dl)) {
		unsigned int moved = 0;

		done = 1;
		for (q = 0; q < NB_QP; q++) {
			if (sent[q] < FRAMES) {
				unsigned int n = as_send(a, q, pool, 0, sent[q],
							 RTE_MIN(FRAMES - sent[q], 32u));

				moved += n;
				sent[q] += n;
				done = 0;
			}
			as_flow_rx(b, &fl[q]);
		}
		if (moved > 0) {
			idle_rounds = 0;
			progress = as_deadline(STUCK_MS);
		} else if (service ? as_expired(progress) : ++idle_rounds > STUCK_ROUNDS) {
			CHECK(0, "sender stuck: %u and %u of %u frames sent, then no progress",
			      sent[0], sent[1], FRAMES);
			break;
		}
	}
	CHECK(sent[0] == FRAMES && sent[1] == FRAMES, "%u and %u of %u frames sent", sent[0],
	      sent[1], FRAMES);
	/* Drain: the inline adapter is driven by hand to finish held
	 * completions (at most MAX_POLLS calls); the service finishes them by
	 * itself, so there only the deadline bounds the wait: a loop count
	 * would run out early while the service lcore is descheduled.
	 */
	dl = as_deadline(AS_WAIT_MS);
	while ((service || polls < MAX_POLLS) && !as_expired(dl)) {
		int idle = as_sender_idle(a, NB_QP);

		for (q = 0; q < NB_QP; q++)
			while (as_flow_rx(b, &fl[q]) > 0)
				;
		if (idle)
			break;
		if (strcmp(c->mode, "manual") == 0)
			CHECK(rte_pmd_qpring_adapter_poll(a, UINT32_MAX) >= 0, "adapter_poll");
		else if (!service)
			/* inline: an empty burst moves held completions along */
			for (q = 0; q < NB_QP; q++)
				CHECK_EQ(rte_eth_tx_burst(a, q, NULL, 0), 0);
		polls++;
	}
	CHECK(as_sender_idle(a, NB_QP), "sender still busy after %u polls (%s adapter)", polls,
	      c->mode);
	for (q = 0; q < NB_QP; q++) {
		CHECK_EQ(rte_eth_rx_queue_count(b, q), 0);
		CHECK_EQ(fl[q].bad, 0);
		got += fl[q].got;
		bytes += fl[q].bytes;
		res->digest = res->digest * 31u + fl[q].digest;
	}

	/* Every frame accounted for. */
	x = as_balance_get(a, b, NB_QP, 1);
	as_balance_check(&x, c->name);
	sa = qpt_stats(a);
	sb = qpt_stats(b);
	CHECK_EQ(x.posted, sent[0] + sent[1]);
	if (x.f_errors == 0)
		CHECK_EQ(sa.obytes, as_bytes(sent[0]) + as_bytes(sent[1]));
	else
		CHECK(sa.obytes < as_bytes(sent[0]) + as_bytes(sent[1]), "obytes %" PRIu64
		      " with %" PRIu64 " failed sends", sa.obytes, x.f_errors);
	CHECK_EQ(x.pending, 0);
	CHECK_EQ(x.waiting, 0);
	CHECK_EQ(x.no_link, 0);
	CHECK_EQ(x.filtered, 0);
	CHECK_EQ(x.flushed, 0);
	CHECK_EQ(sb.ipackets, got);
	CHECK_EQ(sb.ibytes, bytes);
	/* Receive errors are the injected ones, each counted once. */
	CHECK_EQ(x.f_rx_errors, x.rx_error_completions);
	CHECK_EQ(sb.ierrors, x.f_rx_errors);
	if (!service)
		CHECK_EQ(sb.imissed, 0);

	/* Each fault shows in its counter, and only when asked for (rates
	 * only over a full run).
	 */
	if (f->error_ppm == 0) {
		CHECK_EQ(x.f_errors, 0);
		CHECK_EQ(x.f_rx_errors, 0);
	} else if (sent[0] + sent[1] == NB_QP * FRAMES) {
		double w = (double)(sent[0] + sent[1]) * f->error_ppm / 1e6;

		check_rate("fault_error_completions", x.f_errors, w);
		w = (double)(sent[0] + sent[1] - x.f_errors - x.f_drops) * f->error_ppm / 1e6;
		check_rate("fault_rx_error_completions", x.f_rx_errors, w);
	}
	if (f->drop_ppm == 0)
		CHECK_EQ(x.f_drops, 0);
	else if (sent[0] + sent[1] == NB_QP * FRAMES)
		check_rate("fault_wire_drops", x.f_drops,
			   (double)(sent[0] + sent[1] - x.f_errors) * f->drop_ppm / 1e6);
	res->f_errors = x.f_errors;
	res->f_drops = x.f_drops;
	res->f_rx_errors = x.f_rx_errors;
	res->f_reordered = as_xs_sum(a, "tx", NB_QP, "fault_reordered_completions");
	res->f_delayed = as_xs_sum(a, "tx", NB_QP, "fault_delayed_batches");
	res->ipackets = sb.ipackets;
	res->imissed = sb.imissed;
	res->stalls = as_xs_sum(a, "tx", NB_QP, "ring_full_stalls");
	res->polls = as_xs_sum(a, "tx", NB_QP, "adapter_polls");
	CHECK(f->ooo_window > 1 ? res->f_reordered > 0 : res->f_reordered == 0,
	      "fault_reordered_completions %" PRIu64 " with ooo %u", res->f_reordered,
	      f->ooo_window);
	CHECK(f->delay_polls > 0 ? res->f_delayed > 0 : res->f_delayed == 0,
	      "fault_delayed_batches %" PRIu64 " with delay %u", res->f_delayed, f->delay_polls);

	/* Every send slot completed: cleanup frees exactly what the bursts
	 * have not reclaimed yet (a burst reclaims every completed slot when
	 * it needs room, the inline adapter's after each run: at most a ring
	 * is left), and then every posted frame has been freed exactly once,
	 * its error status counted once. What is left in use: the receive
	 * buffers both ports posted (copy=0: none, its receive WQEs are credits).
	 */
	for (q = 0; q < NB_QP; q++) {
		uint64_t reaped = qpt_qxstat(a, "tx", q, "completions_reaped");
		int freed = rte_eth_tx_done_cleanup(a, q, 0);

		CHECK(reaped + RING >= sent[q] && freed == (int)(sent[q] - reaped),
		      "q%u: cleanup freed %d, %" PRIu64 " of %u reaped before", q, freed, reaped,
		      sent[q]);
		CHECK_EQ(rte_eth_tx_done_cleanup(a, q, 0), 0);
	}
	CHECK_EQ(as_xs_sum(a, "tx", NB_QP, "completions_reaped"), sent[0] + sent[1]);
	errs = as_xs_sum(a, "tx", NB_QP, "error_completions");
	CHECK_EQ(errs, x.f_errors);
	CHECK_EQ(qpt_in_use(pool), base + (c->copy ? 2u * NB_QP * RING : 0u));

	as_destroy("net_qpring_fa");
	as_destroy("net_qpring_fb");
	CHECK_EQ(qpt_in_use(pool), base);
}

static void
fault_case_run(const struct fault_case *c)
{
	struct run_result r1, r2;
	char name[128];

	snprintf(name, sizeof(name), "faults: %s, adapter=%s", c->name, c->mode);
	QPT_CASE(name);
	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	fault_run(c, &r1);
	printf("  errors %" PRIu64 " drops %" PRIu64 " rx errors %" PRIu64 " reordered %" PRIu64
	       " delayed %" PRIu64 " received %" PRIu64 " missed %" PRIu64 " stalls %" PRIu64
	       "\n", r1.f_errors, r1.f_drops, r1.f_rx_errors, r1.f_reordered, r1.f_delayed,
	       r1.ipackets, r1.imissed, r1.stalls);
	/* The same seed again. Error and drop decisions are drawn per WQE in
	 * posting order, so they repeat on a service lcore too, unless
	 * fault_ooo draws from the same stream at times set by timing. (How
	 * many receive errors are delivered there depends on what is missed.)
	 */
	fault_run(c, &r2);
	if (strcmp(c->mode, "inline") == 0 || c->f.ooo_window <= 1) {
		CHECK_EQ(r2.f_errors, r1.f_errors);
		CHECK_EQ(r2.f_drops, r1.f_drops);
	}
	if (strcmp(c->mode, "inline") == 0) {
		CHECK_EQ(r2.f_rx_errors, r1.f_rx_errors);
		/* One lcore: everything is a function of the seed. */
		CHECK_EQ(r2.f_reordered, r1.f_reordered);
		CHECK_EQ(r2.f_delayed, r1.f_delayed);
		CHECK_EQ(r2.ipackets, r1.ipackets);
		CHECK_EQ(r2.stalls, r1.stalls);
		CHECK_EQ(r2.polls, r1.polls);
		CHECK_EQ(r2.digest, r1.digest);
	}
}

/* --------------------------------------------------- manual, step by step */

/* Status of every offset of send queue 0: a bitmap of the DONE ones. */
static uint64_t
tx_done_map(uint16_t port, uint32_t ring)
{
	uint64_t map = 0;
	uint32_t o;

	for (o = 0; o < ring; o++) {
		int st = rte_eth_tx_descriptor_status(port, 0, (uint16_t)o);

		CHECK(st == RTE_ETH_TX_DESC_DONE || st == RTE_ETH_TX_DESC_FULL, "offset %u: %d",
		      o, st);
		map |= (uint64_t)(st == RTE_ETH_TX_DESC_DONE) << o;
	}
	return map;
}

static void
post(uint16_t port, uint32_t *k, uint32_t n)
{
	CHECK_EQ(as_send(port, 0, pool, 0, *k, n), n);
	*k += n;
}

/*
 * fault_delay=3 (manual adapter, loopback): a serviced batch is delivered at
 * once but its send slots stay the adapter's for 3 more adapter calls; WQEs
 * posted meanwhile wait until the held batch has completed.
 */
static void
manual_delay(void)
{
	enum { SMALL = 16 };
	static const struct {
		uint32_t post;      /* frames posted before this poll */
		int ret;            /* adapter_poll() */
		uint32_t delivered; /* frames waiting on the receive queue after it */
		uint32_t done;      /* leading offsets DONE after it (from the tail) */
		uint32_t pending;   /* PENDING register after it */
	} steps[] = {
		{ 5, 5, 5, SMALL - 5, 0 }, /* serviced and delivered, held */
		{ 3, 0, 5, SMALL - 8, 3 }, /* 3 more posted: they wait */
		{ 0, 0, 5, SMALL - 8, 3 },
		{ 0, 0, 5, SMALL - 3, 3 }, /* 3 calls later: the first 5 complete */
		{ 0, 3, 8, SMALL - 3, 0 }, /* now the 3 are serviced, held */
		{ 0, 0, 8, SMALL - 3, 0 },
		{ 0, 0, 8, SMALL - 3, 0 },
		{ 0, 0, 8, SMALL, 0 },     /* and complete */
		{ 0, 0, 8, SMALL, 0 },     /* nothing left */
	};
	struct as_flow fl;
	struct rte_mbuf *m[SMALL];
	unsigned int base = qpt_in_use(pool), i;
	uint32_t k = 0;
	uint16_t port;

	QPT_CASE("fault_delay=3, manual adapter, call by call");
	port = as_port("net_qpring_fd", "adapter=manual,fault_delay=3", 1, SMALL, pool, NULL);
	as_start(port);
	as_flow_init(&fl, 0, 0, 1);
	for (i = 0; i < RTE_DIM(steps); i++) {
		uint64_t map;
		uint32_t lead = 0;

		if (steps[i].post != 0)
			post(port, &k, steps[i].post);
		CHECK(rte_pmd_qpring_adapter_poll(port, UINT32_MAX) == steps[i].ret,
		      "step %u: adapter_poll", i);
		CHECK(rte_eth_rx_queue_count(port, 0) == (int)steps[i].delivered,
		      "step %u: %d frames waiting, want %u", i, rte_eth_rx_queue_count(port, 0),
		      steps[i].delivered);
		map = tx_done_map(port, SMALL);
		while (lead < SMALL && (map >> lead & 1))
			lead++;
		CHECK(lead == steps[i].done && map >> lead == 0,
		      "step %u: done map %#" PRIx64 ", want %u leading", i, map, steps[i].done);
		CHECK_EQ(qpt_regs(port, 0, RTE_PMD_QPRING_SQ).pending, steps[i].pending);
		if (i == 0) {
			/* Held slots are not the driver's: nothing to clean. */
			CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 0), 0);
		}
	}
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "fault_delayed_batches"), 2);
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "adapter_serviced"), 8);
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 0), 8);
	CHECK_EQ(qpt_rx_all(port, 0, m, SMALL, 4), 8);
	as_flow_take(&fl, m, 8);
	CHECK_EQ(fl.bad, 0);
	as_destroy("net_qpring_fd");
	CHECK_EQ(qpt_in_use(pool), base);
}

/*
 * fault_delay=50ms (manual adapter, loopback): a serviced batch is delivered
 * at once, but its send slots complete only at the first adapter call at
 * least 50 ms (TSC) after it was serviced, however many calls come first.
 * Then the time form through the API: out of range refused, 0 turns it off.
 */
static void
time_delay(void)
{
	enum { SMALL = 16, N = 4 };
	const uint64_t hz = rte_get_tsc_hz();
	const uint64_t want = hz / 20; /* 50 ms */
	const uint64_t bound = 5 * hz; /* the loop gives up after 5 s */
	struct rte_pmd_qpring_faults f;
	struct as_flow fl;
	struct rte_mbuf *m[SMALL];
	unsigned int base = qpt_in_use(pool);
	uint64_t t0, t_done = 0, calls = 0;
	uint32_t k = 0;
	int freed = 0;
	uint16_t port;

	QPT_CASE("fault_delay=50ms, manual adapter: completion waits for the time");
	port = as_port("net_qpring_ft", "adapter=manual,fault_delay=50ms", 1, SMALL, pool,
		       NULL);
	f = faults_of(port);
	CHECK_EQ(f.delay_ns, 50000000);
	CHECK_EQ(f.delay_polls, 0);
	as_start(port);
	as_flow_init(&fl, 0, 0, 1);
	post(port, &k, N);
	t0 = rte_get_tsc_cycles();
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), N);
	CHECK_EQ(rte_eth_rx_queue_count(port, 0), N); /* delivered at service */
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 0), 0); /* held: not the driver's */
	while (rte_get_tsc_cycles() - t0 < bound) {
		CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), 0);
		calls++;
		freed = rte_eth_tx_done_cleanup(port, 0, 0);
		if (freed != 0) {
			t_done = rte_get_tsc_cycles();
			break;
		}
	}
	CHECK(freed == N, "%d send slots completed within 5 s, want %d", freed, N);
	CHECK(t_done - t0 >= want, "completed after %" PRIu64 " cycles, before the %" PRIu64
	      " of 50 ms", t_done - t0, want);
	CHECK(calls > 1, "held for %" PRIu64 " adapter calls", calls);
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "fault_delayed_batches"), 1);
	CHECK_EQ(qpt_rx_all(port, 0, m, SMALL, 4), N);
	as_flow_take(&fl, m, N);
	CHECK_EQ(fl.bad, 0);

	/* The API: at most 1 s; a refused call changes nothing. */
	f.delay_ns = 1000000001;
	CHECK_EQ(rte_pmd_qpring_faults_set(port, &f), -EINVAL);
	CHECK_EQ(faults_of(port).delay_ns, 50000000);
	f.delay_ns = 1000000000;
	CHECK_EQ(rte_pmd_qpring_faults_set(port, &f), 0);
	CHECK_EQ(faults_of(port).delay_ns, 1000000000);
	/* Off again: a batch completes at the call that services it. */
	f.delay_ns = 0;
	CHECK_EQ(rte_pmd_qpring_faults_set(port, &f), 0);
	post(port, &k, N);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), N);
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 0), N);
	CHECK_EQ(qpt_rx_all(port, 0, m, SMALL, 4), N);
	as_flow_take(&fl, m, N);
	CHECK_EQ(fl.bad, 0);
	as_destroy("net_qpring_ft");
	CHECK_EQ(qpt_in_use(pool), base);

	/* The other units. */
	QPT_CASE("fault_delay=7us and =3ms: the time in ns; a count has no unit");
	port = as_port("net_qpring_ft", "adapter=manual,fault_delay=7us", 1, SMALL, pool, NULL);
	CHECK_EQ(faults_of(port).delay_ns, 7000);
	as_destroy("net_qpring_ft");
	port = as_port("net_qpring_ft", "adapter=manual,fault_delay=3ms", 1, SMALL, pool, NULL);
	CHECK_EQ(faults_of(port).delay_ns, 3000000);
	as_destroy("net_qpring_ft");
	port = as_port("net_qpring_ft", "adapter=manual,fault_delay=7", 1, SMALL, pool, NULL);
	f = faults_of(port);
	CHECK(f.delay_polls == 7 && f.delay_ns == 0, "fault_delay=7: %u calls, %u ns",
	      f.delay_polls, f.delay_ns);
	as_destroy("net_qpring_ft");
	CHECK_EQ(qpt_in_use(pool), base);
}

/*
 * fault_ooo=4 (manual adapter, loopback, ring full): after each adapter call
 * the send slots that read DONE may have holes. The driver reuses slots in
 * ring order only: a burst takes exactly the leading DONE slots and counts a
 * stall when it stops at a hole. Frames still arrive in posting order.
 * The reorder counter counts completions made while an older WQE was still
 * the adapter's.
 */
static void
manual_ooo(void)
{
	enum { SMALL = 16, ROUNDS = 60 };
	struct as_flow fl;
	struct rte_mbuf *m[SMALL];
	unsigned int base = qpt_in_use(pool), round, holes = 0;
	uint64_t reordered = 0, stalls = 0, prev;
	uint32_t k = 0;
	uint16_t port;

	QPT_CASE("fault_ooo=4, manual adapter: holes, ring-order reuse, reorder count");
	port = as_port("net_qpring_fo", "adapter=manual,fault_ooo=4,seed=42", 1, SMALL, pool,
		       NULL);
	as_start(port);
	as_flow_init(&fl, 0, 0, 1);
	post(port, &k, SMALL);
	prev = tx_done_map(port, SMALL);
	CHECK_EQ(prev, 0);
	for (round = 0; round < ROUNDS; round++) {
		uint64_t map, fresh;
		uint32_t lead = 0, o, n;
		unsigned int took;

		CHECK(rte_pmd_qpring_adapter_poll(port, UINT32_MAX) >= 0, "adapter_poll");
		map = tx_done_map(port, SMALL);
		fresh = map & ~prev;
		for (o = 0; o < SMALL; o++) {
			/* Completed now while an older one (lower offset: the
			 * tail is the oldest slot of a full ring) is not.
			 */
			if ((fresh >> o & 1) && (~map & ((1ull << o) - 1)) != 0)
				reordered++;
		}
		while (lead < SMALL && (map >> lead & 1))
			lead++;
		holes += (map >> lead) != 0;
		n = rte_eth_rx_queue_count(port, 0);
		CHECK_EQ(qpt_rx_all(port, 0, m, n, 4), n);
		as_flow_take(&fl, m, n);
		/* Refill: exactly the leading DONE slots are taken. */
		took = as_send(port, 0, pool, 0, k, SMALL);
		CHECK(took == lead, "round %u: burst took %u, %u leading slots done (map %#" PRIx64
		      ")", round, took, lead, map);
		k += took;
		stalls += took < SMALL;
		CHECK_EQ(qpt_qxstat(port, "tx", 0, "ring_full_stalls"), stalls);
		/* Slots just written are the adapter's; the rest as they were. */
		prev = lead == SMALL ? 0 : map >> lead;
		CHECK_EQ(tx_done_map(port, SMALL), prev);
	}
	CHECK(holes > 0, "seed 42 made no hole in %u rounds", ROUNDS);
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "fault_reordered_completions"), reordered);
	CHECK_EQ(fl.bad, 0);
	printf("  %u rounds: %u with holes, %" PRIu64 " completions ahead of an older one\n",
	       ROUNDS, holes, reordered);
	as_destroy("net_qpring_fo");
	CHECK_EQ(qpt_in_use(pool), base);
}

/*
 * Rates of 100%: every send WQE fails (not delivered), then every frame is
 * lost on the wire; back to zero, everything arrives. Settings are checked
 * and kept when out of range.
 */
static void
runtime_set(void)
{
	enum { SMALL = 32, K = 6 };
	struct rte_pmd_qpring_faults all_err = { 0, 0, 1000000, 0 };
	struct rte_pmd_qpring_faults all_drop = { 0, 0, 0, 1000000 };
	struct rte_pmd_qpring_faults none = { 0, 0, 0, 0 }, bad, now;
	struct rte_mbuf *m[SMALL];
	struct as_flow fl;
	struct rte_eth_stats st;
	unsigned int base = qpt_in_use(pool);
	uint32_t k = 0;
	uint16_t port;

	QPT_CASE("faults_set at run time: 100% errors, 100% drops, limits");
	port = as_port("net_qpring_fr", "adapter=manual", 1, SMALL, pool, NULL);
	as_start(port);
	as_flow_init(&fl, 0, 0, 0);
	now = faults_of(port);
	CHECK(faults_eq(&now, &none), "defaults");

	CHECK_EQ(rte_pmd_qpring_faults_set(port, &all_err), 0);
	now = faults_of(port);
	CHECK(faults_eq(&now, &all_err), "faults_get after set");
	post(port, &k, K);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), K);
	CHECK_EQ(rte_eth_rx_queue_count(port, 0), 0);
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "fault_error_completions"), K);
	CHECK_EQ(rte_eth_tx_done_cleanup(port, 0, 0), K);
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "error_completions"), K);
	st = qpt_stats(port);
	CHECK_EQ(st.oerrors, K);
	CHECK_EQ(st.opackets, 0);
	CHECK_EQ(st.obytes, 0);

	CHECK_EQ(rte_pmd_qpring_faults_set(port, &all_drop), 0);
	post(port, &k, K);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), K);
	CHECK_EQ(rte_eth_rx_queue_count(port, 0), 0);
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "fault_wire_drops"), K);
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "fault_error_completions"), K);
	st = qpt_stats(port);
	/* Lost on the wire: sent, not an output error. */
	CHECK_EQ(st.oerrors, K);
	CHECK_EQ(st.opackets, K);
	CHECK_EQ(st.ipackets, 0);

	CHECK_EQ(rte_pmd_qpring_faults_set(port, &none), 0);
	post(port, &k, K);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), K);
	CHECK_EQ(rte_eth_rx_queue_count(port, 0), K);
	CHECK_EQ(qpt_rx_all(port, 0, m, K, 4), K);
	as_flow_take(&fl, m, K);
	CHECK_EQ(fl.bad, 0);
	CHECK_EQ(fl.next, 3 * K); /* the last K, frames 2K..3K-1 */
	st = qpt_stats(port);
	CHECK_EQ(st.opackets, 2 * K);
	CHECK_EQ(st.ipackets, K);
	CHECK_EQ(st.oerrors, K);

	/* Out of range: refused, nothing changed. */
	CHECK_EQ(rte_pmd_qpring_faults_set(port, &all_err), 0);
	bad = all_err;
	bad.delay_polls = 1000001;
	CHECK_EQ(rte_pmd_qpring_faults_set(port, &bad), -EINVAL);
	bad = all_err;
	bad.ooo_window = 32769;
	CHECK_EQ(rte_pmd_qpring_faults_set(port, &bad), -EINVAL);
	bad = all_err;
	bad.error_ppm = 1000001;
	CHECK_EQ(rte_pmd_qpring_faults_set(port, &bad), -EINVAL);
	bad = all_err;
	bad.drop_ppm = 1000001;
	CHECK_EQ(rte_pmd_qpring_faults_set(port, &bad), -EINVAL);
	CHECK_EQ(rte_pmd_qpring_faults_set(port, NULL), -EINVAL);
	CHECK_EQ(rte_pmd_qpring_faults_get(port, NULL), -EINVAL);
	CHECK_EQ(rte_pmd_qpring_faults_set(RTE_MAX_ETHPORTS - 1, &none), -ENODEV);
	now = faults_of(port);
	CHECK(faults_eq(&now, &all_err), "settings changed by a refused call");
	bad.delay_polls = 1000000;
	bad.ooo_window = 32768;
	bad.error_ppm = 1000000;
	bad.drop_ppm = 1000000;
	CHECK_EQ(rte_pmd_qpring_faults_set(port, &bad), 0);

	as_destroy("net_qpring_fr");
	CHECK_EQ(qpt_in_use(pool), base);
}

/*
 * adapter=inline, fault_delay=1: the application only calls tx and rx
 * bursts. A held batch must still complete ("in later Tx bursts"), so a
 * sender whose ring is full of held WQEs keeps moving: 10 rings' worth of
 * frames go through within 100 tx bursts.
 */
static void
inline_delay_progress(void)
{
	enum { SMALL = 16, TOTAL = 10 * SMALL, CALLS = 100 };
	struct as_flow fl;
	struct rte_mbuf *m[SMALL];
	unsigned int base = qpt_in_use(pool), calls = 0;
	uint32_t k = 0;
	uint16_t port;

	QPT_CASE("fault_delay=1, inline adapter: held completions finish in later tx bursts");
	port = as_port("net_qpring_fi", "fault_delay=1", 1, SMALL, pool, NULL);
	as_start(port);
	as_flow_init(&fl, 0, 0, 1);
	while (k < TOTAL && calls < CALLS) {
		uint16_t n;

		k += as_send(port, 0, pool, 0, k, RTE_MIN(TOTAL - k, (uint32_t)SMALL));
		calls++;
		n = rte_eth_rx_burst(port, 0, m, SMALL);
		as_flow_take(&fl, m, n);
	}
	CHECK(k == TOTAL, "%u of %u frames sent in %u tx bursts (ring_full_stalls %" PRIu64 ")",
	      k, TOTAL, calls, qpt_qxstat(port, "tx", 0, "ring_full_stalls"));
	/* The inline adapter is the sending lcore's: adapter_poll() is
	 * refused. Empty bursts finish whatever is still held, then
	 * everything is back.
	 */
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), -EBUSY);
	CHECK_EQ(rte_eth_tx_burst(port, 0, NULL, 0), 0);
	CHECK_EQ(rte_eth_tx_burst(port, 0, NULL, 0), 0);
	CHECK_EQ(qpt_rx_all(port, 0, m, SMALL, 4) + fl.got, k);
	as_destroy("net_qpring_fi");
	CHECK_EQ(qpt_in_use(pool), base);
}

/*
 * fault_rx_error_completions counts frames delivered with an injected
 * receive error. A frame that finds no posted buffer is missed, not
 * delivered: with the receive ring full, a batch at fault_error=50% may
 * fail sends and miss frames, but delivers no receive error.
 */
static void
rx_error_not_delivered(void)
{
	enum { SMALL = 16 };
	struct rte_pmd_qpring_faults half = { 0, 0, 500000, 0 };
	struct as_flow fl;
	struct rte_mbuf *m[SMALL];
	struct rte_eth_stats st;
	unsigned int base = qpt_in_use(pool);
	uint64_t ferr;
	uint32_t k = 0;
	uint16_t port;

	QPT_CASE("an injected receive error on a frame that is missed is not counted");
	port = as_port("net_qpring_fx", "adapter=manual,seed=3", 1, SMALL, pool, NULL);
	as_start(port);
	as_flow_init(&fl, 0, 0, 0);
	post(port, &k, SMALL);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), SMALL);
	CHECK_EQ(rte_eth_rx_queue_count(port, 0), SMALL);
	/* Receive ring full; now half of the sends fail. */
	CHECK_EQ(rte_pmd_qpring_faults_set(port, &half), 0);
	post(port, &k, SMALL);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), SMALL);
	ferr = qpt_qxstat(port, "tx", 0, "fault_error_completions");
	st = qpt_stats(port);
	CHECK_EQ(st.imissed, SMALL - ferr);
	CHECK_EQ(qpt_qxstat(port, "tx", 0, "fault_rx_error_completions"), 0);
	CHECK_EQ(qpt_rx_all(port, 0, m, SMALL, 4), SMALL);
	as_flow_take(&fl, m, SMALL);
	CHECK_EQ(fl.bad, 0);
	st = qpt_stats(port);
	CHECK_EQ(st.ierrors, 0);
	CHECK_EQ(qpt_qxstat(port, "rx", 0, "error_completions"), 0);
	as_destroy("net_qpring_fx");
	CHECK_EQ(qpt_in_use(pool), base);
}

int
main(void)
{
	unsigned int i;

	as_eal_init("async_faults", 256, 1);
	pool = qpt_pool("fault_pool", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);

	manual_delay();
	time_delay();
	manual_ooo();
	runtime_set();
	inline_delay_progress();
	rx_error_not_delivered();
	for (i = 0; i < RTE_DIM(fault_cases); i++)
		fault_case_run(&fault_cases[i]);

	QPT_CASE("pool");
	as_pool_check(pool, NB_MBUFS);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
