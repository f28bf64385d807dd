/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Helpers of the regression tests of issue 10 (tests/fixes/), on top of
 * qpt.h: a watchdog that turns a hang inside the driver into a failure,
 * the memzone that holds an address, and snapshots of every counter a port
 * reports, to compare over time.
 */
#ifndef FIXES_H
#define FIXES_H

#include <signal.h>

#include <rte_memzone.h>

#include "qpt.h"

/* Run case @name? All cases, unless the command line names some. */
static inline int
fx_selected(int argc, char **argv, const char *name)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return argc <= 1;
}

/* ------------------------------------------------------------ watchdog */

static const char *fx_watchdog_what = "";
/* Optional: says how far the test got (into @buf, no allocation, no locks). */
static void (*fx_watchdog_progress)(char *buf, size_t size);

static void
fx_watchdog_fire(int sig)
{
	char msg[512], progress[256] = "";
	int n;

	RTE_SET_USED(sig);
	/* No stdio, no locks: the driver may hold any lock. snprintf of
	 * integers and strings allocates nothing.
	 */
	if (fx_watchdog_progress != NULL)
		fx_watchdog_progress(progress, sizeof(progress));
	n = snprintf(msg, sizeof(msg), "FAIL [%s]: still running after the watchdog's bound: "
		     "%s%s%s\n", check_case, fx_watchdog_what, progress[0] ? "; " : "", progress);
	if (n > 0)
		(void)!write(STDOUT_FILENO, msg, (size_t)RTE_MIN(n, (int)sizeof(msg) - 1));
	_exit(1);
}

/*
 * Fail the test (exit 1, with @what) if it is still running @seconds from
 * now: a call into the driver that never returns is a failure of this test,
 * reported before meson's own timeout. fx_watchdog_off() disarms it.
 */
static inline void
fx_watchdog(unsigned int seconds, const char *what)
{
	fx_watchdog_what = what;
	signal(SIGALRM, fx_watchdog_fire);
	alarm(seconds);
}

static inline void
fx_watchdog_off(void)
{
	alarm(0);
}

/* ------------------------------------------------------------ memzones */

struct fx_mz_find {
	uintptr_t addr;
	const struct rte_memzone *mz;
};

static inline void
fx_mz_match(const struct rte_memzone *mz, void *arg)
{
	struct fx_mz_find *f = arg;
	uintptr_t base = (uintptr_t)mz->addr;

	if (f->addr >= base && f->addr < base + mz->len)
		f->mz = mz;
}

/* The reserved memzone that holds @addr, or NULL. */
static inline const struct rte_memzone *
fx_mz_holding(uint64_t addr)
{
	struct fx_mz_find f = { .addr = (uintptr_t)addr, .mz = NULL };

	rte_memzone_walk(fx_mz_match, &f);
	return f.mz;
}

/* ------------------------------------------------------------ counters */

#define FX_MAX_COUNTERS 1024u

/*
 * Every counter of a port at one moment: the basic stats (under the names
 * "stats.<field>") and every extended statistic except the register
 * values (*_reg_*), which are state, not counters.
 */
struct fx_counters {
	unsigned int n;
	char name[FX_MAX_COUNTERS][RTE_ETH_XSTATS_NAME_SIZE];
	uint64_t value[FX_MAX_COUNTERS];
};

static inline void
fx_counter_add(struct fx_counters *c, const char *name, uint64_t v)
{
	REQUIRE(c->n < FX_MAX_COUNTERS, "more than %u counters", FX_MAX_COUNTERS);
	snprintf(c->name[c->n], sizeof(c->name[c->n]), "%s", name);
	c->value[c->n++] = v;
}

static inline void
fx_counters_get(uint16_t port, struct fx_counters *c)
{
	struct rte_eth_xstat_name *names;
	struct rte_eth_xstat *xs;
	struct rte_eth_stats st = qpt_stats(port);
	int n, i;

	c->n = 0;
	fx_counter_add(c, "stats.ipackets", st.ipackets);
	fx_counter_add(c, "stats.opackets", st.opackets);
	fx_counter_add(c, "stats.ibytes", st.ibytes);
	fx_counter_add(c, "stats.obytes", st.obytes);
	fx_counter_add(c, "stats.imissed", st.imissed);
	fx_counter_add(c, "stats.ierrors", st.ierrors);
	fx_counter_add(c, "stats.oerrors", st.oerrors);
	fx_counter_add(c, "stats.rx_nombuf", st.rx_nombuf);
	n = rte_eth_xstats_get_names(port, NULL, 0);
	REQUIRE(n > 0, "xstats count of port %u: %d", port, n);
	names = calloc((size_t)n, sizeof(*names));
	xs = calloc((size_t)n, sizeof(*xs));
	REQUIRE(names != NULL && xs != NULL, "calloc");
	REQUIRE(rte_eth_xstats_get_names(port, names, (unsigned int)n) == n, "xstats names");
	REQUIRE(rte_eth_xstats_get(port, xs, (unsigned int)n) == n, "xstats values");
	for (i = 0; i < n; i++)
		if (strstr(names[xs[i].id].name, "_reg_") == NULL)
			fx_counter_add(c, names[xs[i].id].name, xs[i].value);
	free(names);
	free(xs);
}

static inline uint64_t
fx_counter(const struct fx_counters *c, const char *name)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->name[i], name) == 0)
			return c->value[i];
	return UINT64_MAX;
}

/*
 * Check that no counter of @now is smaller than in @before (same port, no
 * reset in between); @when names the moment. Returns the counters that went
 * back.
 */
static inline unsigned int
fx_counters_monotonic(const struct fx_counters *before, const struct fx_counters *now,
		      const char *when)
{
	unsigned int i, back = 0;

	for (i = 0; i < now->n; i++) {
		uint64_t was = fx_counter(before, now->name[i]), is = now->value[i];

		if (was == UINT64_MAX)
			continue; /* a counter that was not there before */
		back += is < was;
		CHECK(is >= was, "%s: %s went back from %" PRIu64 " to %" PRIu64, when,
		      now->name[i], was, is);
	}
	return back;
}

#endif /* FIXES_H */
