/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * What every part of qpring-perf shares: the run's context, the stop
 * request that signals raise, messages on stderr, time in TSC cycles.
 * Kept apart from main.c so that the parts depend on this file, not on
 * the program's main file (and main.c on them): no loop between files.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "perf.h"

struct perf_ctx ctx;

/* Set by the first SIGINT/SIGTERM; read by every loop (stop_requested()). */
static volatile sig_atomic_t got_signal;
static uint32_t stop_flag;

static void
on_signal(int sig)
{
	if (got_signal != 0)
		_exit(128 + sig); /* second signal: the user insists */
	got_signal = sig;
	/* Relaxed: a lock-free store is async-signal-safe, and the loops only
	 * need to see it eventually; nothing else is published with it. */
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELAXED);
}

void
signals_catch(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
}

int
caught_signal(void)
{
	return got_signal;
}

bool
stop_requested(void)
{
	return __atomic_load_n(&stop_flag, __ATOMIC_RELAXED) != 0;
}

static void
pmsg(const char *fmt, va_list ap)
{
	fputs(PERF_NAME ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
perr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pmsg(fmt, ap);
	va_end(ap);
}

/* As perr(), flushed at once (progress a user watches). */
void
pinfo(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pmsg(fmt, ap);
	va_end(ap);
	fflush(stderr);
}

uint64_t
sec_to_cyc(double s)
{
	return (uint64_t)(s * (double)ctx.hz);
}
