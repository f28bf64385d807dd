/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Hot plug of one end of a cable, 200 times, the other end staying up, then either end in turn:
 * exact traffic both ways each time, and nothing outlives a removed port (mbufs, memzones, cable).
 */
#include "stress.h"

#define RING       64u
#define LEN        128u
#define N_AB       32u    /* frames from net_qpring0 to net_qpring1 per cycle */
#define N_BA       24u    /* and back */
#define N_NOLINK   8u     /* frames sent while the other end is absent or stopped */
#define CYCLES     200u   /* probe, traffic, remove of the end that names its peer */
#define ALT_CYCLES 100u   /* remove and re-probe either end in turn */
#define BUDGET_MS  20000u /* wall clock of each phase */
#define NB_MBUF    2048u

#define A_NAME "net_qpring0"
#define A_ARGS A_NAME
#define B_NAME "net_qpring1"
#define B_ARGS B_NAME ",peer=" A_NAME
#define L_NAME "net_qpring_by"
#define N_NAME "net_qpring_nc" /* a newcomer, probed where a removed port was */

/* The same with the sender's buffers handed over instead of copied (copy=0 at both ends). */
#define ZA_NAME "net_qpring_z0"
#define ZA_ARGS ZA_NAME ",copy=0"
#define ZB_NAME "net_qpring_z1"
#define ZB_ARGS ZB_NAME ",peer=" ZA_NAME ",copy=0"

static struct rte_mempool *mp;
static uint16_t bystander; /* a loopback port no frame of the cable may reach */

/* Hot-plug @args; the port of @name, or -1 with the failure recorded. */
static int
plug(const char *args, const char *name)
{
	int port = st_hotplug_add(args, name);

	CHECK(port >= 0, "rte_dev_probe(\"%s\"): %d", args, port);
	return port;
}

/* Hot-unplug port @port of @name: the port, its memzones and its name are gone. */
static void
unplug(uint16_t port, const char *name)
{
	CHECK(st_hotplug_remove(port) == 0, "rte_dev_remove of %s (port %u)", name, port);
	CHECK(st_port(name) == -ENODEV, "%s still has a port after rte_dev_remove", name);
	CHECK(!rte_eth_dev_is_valid_port(port), "port %u still valid after its removal", port);
	CHECK(st_mz_of_port(port) == 0, "%u memzones of removed port %u (%s) left",
	      st_mz_of_port(port), port, name);
}

static int
up(uint16_t port)
{
	int ret = qpt_start(port, 1, RING, mp);

	CHECK(ret == 0, "configure and start port %u: %d", port, ret);
	return ret;
}

/*
 * With @nb started ports given in @ports, of which @nb_zc copy=0 ones (a
 * copy=1 port posts a ring of receive buffers, a copy=0 port credits): free
 * what the send slots still hold, then every other mbuf must be back in the
 * pool, and exactly the memzones of @nb_mz ports must exist.
 */
static void
at_home(const uint16_t *ports, unsigned int nb, unsigned int nb_zc, unsigned int nb_mz,
	const char *what)
{
	unsigned int i;

	for (i = 0; i < nb; i++)
		CHECK(rte_eth_tx_done_cleanup(ports[i], 0, 0) >= 0, "tx_done_cleanup %u",
		      ports[i]);
	st_pool_home(mp, (nb - nb_zc) * RING, what);
	CHECK(st_mz_count(ST_MZ_PREFIX) == 2 * nb_mz, "%s: %u qpring memzones, want %u", what,
	      st_mz_count(ST_MZ_PREFIX), 2 * nb_mz);
}

/* @port has no live cable: link down, what it sends fails as no-link, nothing comes back. */
static void
no_link(uint16_t port, const char *what)
{
	struct st_ctr c0, c1;
	unsigned int n, bad;

	CHECK(st_link(port) == RTE_ETH_LINK_DOWN, "%s: port %u link %d, want down", what, port,
	      st_link(port));
	CHECK(st_ctr_read(port, 0, &c0) == 0, "counters of %u", port);
	n = st_send(port, 0, mp, N_NOLINK, LEN, 0);
	CHECK(n == N_NOLINK, "%s: port %u took %u of %u", what, port, n, N_NOLINK);
	CHECK(st_ctr_read(port, 0, &c1) == 0, "counters of %u", port);
	CHECK(c1.no_link - c0.no_link == N_NOLINK && c1.oerrors - c0.oerrors == N_NOLINK &&
	      c1.opackets == c0.opackets,
	      "%s: port %u: no_link_drops +%" PRIu64 ", oerrors +%" PRIu64 ", opackets +%" PRIu64
	      ", want +%u, +%u, +0", what, port, c1.no_link - c0.no_link, c1.oerrors - c0.oerrors,
	      c1.opackets - c0.opackets, N_NOLINK, N_NOLINK);
	n = st_recv(port, 0, 64, LEN, 0, &bad);
	CHECK(n == 0, "%s: port %u received %u of its own frames", what, port, n);
}

/* Exact traffic both ways over the cable a <-> b; numbering from @seq. */
static void
traffic(uint16_t a, uint16_t b, uint32_t seq, const char *what)
{
	struct st_ctr a0, b0, a1, b1;
	unsigned int n, bad;

	CHECK(st_link(a) == RTE_ETH_LINK_UP && st_link(b) == RTE_ETH_LINK_UP,
	      "%s: links a %d b %d, want up", what, st_link(a), st_link(b));
	CHECK(st_ctr_read(a, 0, &a0) == 0 && st_ctr_read(b, 0, &b0) == 0, "counters");
	n = st_send(a, 0, mp, N_AB, LEN, seq);
	CHECK(n == N_AB, "%s: a took %u of %u", what, n, N_AB);
	n = st_recv(b, 0, N_AB + ST_BURST, LEN, seq, &bad);
	CHECK(n == N_AB && bad == 0, "%s: b received %u of %u, %u bad", what, n, N_AB, bad);
	n = st_send(b, 0, mp, N_BA, LEN, seq + N_AB);
	CHECK(n == N_BA, "%s: b took %u of %u", what, n, N_BA);
	n = st_recv(a, 0, N_BA + ST_BURST, LEN, seq + N_AB, &bad);
	CHECK(n == N_BA && bad == 0, "%s: a received %u of %u, %u bad", what, n, N_BA, bad);
	CHECK(st_ctr_read(a, 0, &a1) == 0 && st_ctr_read(b, 0, &b1) == 0, "counters");
	CHECK(a1.opackets - a0.opackets == N_AB && b1.ipackets - b0.ipackets == N_AB &&
	      b1.opackets - b0.opackets == N_BA && a1.ipackets - a0.ipackets == N_BA,
	      "%s: a opackets +%" PRIu64 " ipackets +%" PRIu64 ", b opackets +%" PRIu64
	      " ipackets +%" PRIu64 ", want +%u +%u, +%u +%u", what, a1.opackets - a0.opackets,
	      a1.ipackets - a0.ipackets, b1.opackets - b0.opackets, b1.ipackets - b0.ipackets,
	      N_AB, N_BA, N_BA, N_AB);
	CHECK(a1.oerrors == a0.oerrors && a1.ierrors == a0.ierrors && a1.imissed == a0.imissed &&
	      b1.oerrors == b0.oerrors && b1.ierrors == b0.ierrors && b1.imissed == b0.imissed,
	      "%s: errors on a clean cable", what);
}

/* The bystander saw nothing of the cable. */
static void
bystander_quiet(const char *what)
{
	struct rte_eth_stats st;

	CHECK(rte_eth_stats_get(bystander, &st) == 0 && st.ipackets == 0 && st.imissed == 0 &&
	      st.ierrors == 0 && rte_eth_rx_queue_count(bystander, 0) == 0,
	      "%s: the loopback bystander received frames of the cable", what);
}

/*
 * A loopback port probed right after a removal is likely to get the memory
 * the removed port had: a stale cable to that would now reach it. @a's
 * frames must still fail as no-link, and the newcomer must receive none.
 */
static void
newcomer(uint16_t a, const char *what)
{
	int n = plug(N_NAME, N_NAME);
	unsigned int got, bad;

	if (n < 0 || up((uint16_t)n) != 0)
		return;
	no_link(a, what);
	got = st_recv((uint16_t)n, 0, 64, LEN, 0, &bad);
	CHECK(got == 0, "%s: a newcomer received %u frames of a removed port's peer", what, got);
	unplug((uint16_t)n, N_NAME);
}

/* Probe (@b_args), traffic, remove of the end @b_name that names its peer; port @a (with
 * copy=0 if @zero_copy) stays up.
 */
static void
test_naming_side_cycles(uint16_t a, const char *b_name, const char *b_args, int zero_copy)
{
	uint64_t dl = st_deadline(BUDGET_MS);
	const uint16_t home[] = { a, bystander };
	char what[64];
	unsigned int i;

	for (i = 0; i < CYCLES && !st_expired(dl); i++) {
		int fails = check_failures, b;

		snprintf(what, sizeof(what), "cycle %u", i);
		b = plug(b_args, b_name);
		if (b < 0)
			break;
		/* Cabled, not started: the cable is there but nobody receives. */
		no_link(a, what);
		if (up((uint16_t)b) != 0)
			break;
		traffic(a, (uint16_t)b, i * 1000u, what);
		/* A new port counts from zero: only this cycle's frames. */
		{
			struct st_ctr c;

			CHECK(st_ctr_read((uint16_t)b, 0, &c) == 0, "counters");
			CHECK(c.opackets == N_BA && c.ipackets == N_AB && c.oerrors == 0 &&
			      c.no_link == 0, "%s: new port %d counts opackets %" PRIu64
			      " ipackets %" PRIu64 " oerrors %" PRIu64, what, b, c.opackets,
			      c.ipackets, c.oerrors);
		}
		unplug((uint16_t)b, b_name);
		/* No stale cable: the staying end is alone. */
		no_link(a, what);
		newcomer(a, what);
		at_home(home, RTE_DIM(home), zero_copy ? 1 : 0, 2, what);
		bystander_quiet(what);
		if (check_failures != fails)
			break; /* one broken cycle says it; the next ones would repeat it */
	}
	CHECK(i == CYCLES, "%u of %u cycles done within %u ms", i, CYCLES, BUDGET_MS);
}

/*
 * Both ends present; remove and re-probe one end, alternately the one that
 * names its peer (net_qpring1) and the one that is named (net_qpring0): the
 * re-probed end re-cables whichever it is.
 */
static void
test_alternate_cycles(void)
{
	uint64_t dl = st_deadline(BUDGET_MS);
	int a = st_port(A_NAME), b;
	char what[64];
	unsigned int j;

	QPT_CASE("100 x remove and re-probe either end of the cable, alternately");
	b = plug(B_ARGS, B_NAME);
	REQUIRE(a >= 0 && b >= 0 && up((uint16_t)b) == 0, "both ends");
	traffic((uint16_t)a, (uint16_t)b, 0, "before");
	for (j = 0; j < ALT_CYCLES && !st_expired(dl); j++) {
		int named = j & 1; /* 1: remove net_qpring0, the end the other names */
		int *x = named ? &a : &b, y = named ? b : a;
		const char *xname = named ? A_NAME : B_NAME, *xargs = named ? A_ARGS : B_ARGS;
		uint16_t home[2];
		int fails = check_failures;

		snprintf(what, sizeof(what), "cycle %u (%s removed)", j, xname);
		home[0] = (uint16_t)y;
		home[1] = bystander;
		unplug((uint16_t)*x, xname);
		no_link((uint16_t)y, what);
		newcomer((uint16_t)y, what);
		at_home(home, 2, 0, 2, what);
		*x = plug(xargs, xname);
		if (*x < 0)
			break;
		no_link((uint16_t)y, what); /* back, but not started */
		if (up((uint16_t)*x) != 0)
			break;
		traffic((uint16_t)a, (uint16_t)b, 500000u + j * 1000u, what);
		bystander_quiet(what);
		if (check_failures != fails)
			break;
	}
	CHECK(j == ALT_CYCLES, "%u of %u cycles done within %u ms", j, ALT_CYCLES, BUDGET_MS);
	if (b >= 0)
		unplug((uint16_t)b, B_NAME);
	if (a >= 0)
		unplug((uint16_t)a, A_NAME);
}

int
main(void)
{
	unsigned int mz0, n, bad;
	int a, l;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("st_hotplug", 256, NULL);
	mp = qpt_pool("hotplug", NB_MBUF, RTE_MBUF_DEFAULT_BUF_SIZE);
	mz0 = st_mz_count(ST_MZ_PREFIX);
	REQUIRE(mz0 == 0, "%u qpring memzones before any port", mz0);

	l = plug(L_NAME, L_NAME);
	a = plug(A_ARGS, A_NAME);
	REQUIRE(l >= 0 && a >= 0 && up((uint16_t)l) == 0 && up((uint16_t)a) == 0, "first ports");
	bystander = (uint16_t)l;

	QPT_CASE("200 x probe net_qpring1,peer=net_qpring0 / traffic / remove; net_qpring0 stays");
	test_naming_side_cycles((uint16_t)a, B_NAME, B_ARGS, 0);
	test_alternate_cycles();

	QPT_CASE("copy=0: 200 x probe / traffic / remove of the end that names its peer");
	a = plug(ZA_ARGS, ZA_NAME);
	REQUIRE(a >= 0 && up((uint16_t)a) == 0, "copy=0 end");
	test_naming_side_cycles((uint16_t)a, ZB_NAME, ZB_ARGS, 1);
	unplug((uint16_t)a, ZA_NAME);

	QPT_CASE("end: the bystander still loops back; nothing of the cable is left");
	{
		const uint16_t home[] = { bystander };

		at_home(home, 1, 0, 1, "after the cable is gone");
		bystander_quiet("end");
		n = st_send(bystander, 0, mp, 16, LEN, 77);
		CHECK(n == 16, "bystander took %u", n);
		n = st_recv(bystander, 0, 64, LEN, 77, &bad);
		CHECK(n == 16 && bad == 0, "bystander looped back %u, %u bad", n, bad);
	}
	unplug(bystander, L_NAME);
	st_pool_home(mp, 0, "all ports removed");
	CHECK(st_mz_count(ST_MZ_PREFIX) == mz0, "%u qpring memzones left", st_mz_count("qpring"));
	CHECK_EQ(rte_eth_dev_count_avail(), 0);
	rte_mempool_free(mp);
	qpt_eal_done();
	return qpt_finish();
}
