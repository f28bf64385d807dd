/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qpring-perf: a perftest-style measurement tool for any DPDK ethdev.
 * This file is the program: EAL, signals, the three roles (local, server,
 * client), which task runs on which lcore, and the clean shutdown.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_random.h>

#include "perf.h"

#define MAX_SAMPLES (UINT64_C(1) << 24) /* 128 MB of round trips at most */
#define DEFAULT_SAMPLES (UINT64_C(1) << 22)

static void
usage_hook(const char *prgname)
{
	RTE_SET_USED(prgname);
	printf("\n");
	options_usage(stdout);
}

static void
task_add(struct lcore_plan *p, bool (*step)(void *, uint64_t), void *arg)
{
	RTE_VERIFY(p->n < MAX_TASKS);
	p->t[p->n].step = step;
	p->t[p->n].arg = arg;
	p->t[p->n].done = false;
	p->n++;
}

/* Run the main plan here and the worker plan on the worker lcore (or here too). */
static void
run_plans(struct lcore_plan *pm, struct lcore_plan *pw)
{
	bool launched = false;
	unsigned int i;

	ctx.t_start = rte_rdtsc();
	ctx.deadline = ctx.t_start + sec_to_cyc(options_timeout(&ctx.o));
	ctx.next_progress = ctx.t_start + sec_to_cyc(ctx.o.progress);
	pm->main = true;
	if (pw->n != 0 && ctx.lcores == 2) {
		if (rte_eal_remote_launch(lcore_loop, pw, ctx.worker) == 0)
			launched = true;
		else
			pinfo("cannot launch on lcore %u; running everything on lcore %u",
			      ctx.worker, rte_lcore_id());
	}
	if (!launched)
		for (i = 0; i < pw->n; i++)
			task_add(pm, pw->t[i].step, pw->t[i].arg);
	lcore_loop(pm);
	if (launched)
		rte_eal_wait_lcore(ctx.worker);
	/* A run cut short (deadline) may leave built frames unsent. */
	for (i = 0; i < ctx.ngen; i++)
		if (ctx.gen[i].npend != 0) {
			rte_pktmbuf_free_bulk(ctx.gen[i].pend + ctx.gen[i].pend_off,
					      ctx.gen[i].npend);
			ctx.gen[i].npend = 0;
		}
}

static void
gen_init(struct gen *g, struct endpoint *ep)
{
	const struct perf_opts *o = &ctx.o;

	memset(g, 0, sizeof(*g));
	g->ep = ep;
	g->session = ctx.session;
	g->frame_len = o->size;
	g->burst = o->burst;
	g->pattern = o->verify;
	g->count = o->count;
	g->duration_cyc = sec_to_cyc(o->duration);
	g->warmup_cyc = sec_to_cyc(o->warmup);
	g->frames_per_cyc = o->rate ? (double)o->rate / (double)ctx.hz : 0;
}

static void
sink_init(struct sink *s, struct endpoint *ep)
{
	memset(s, 0, sizeof(*s));
	s->ep = ep;
	s->session = ctx.session;
	s->burst = ctx.o.burst;
	s->drain_cyc = sink_drain_cyc();
}

static int
lat_init(struct sink *s, struct endpoint *ep)
{
	const struct perf_opts *o = &ctx.o;
	struct lat_rec *l = &ctx.lat;
	struct pinger *p = &ctx.pinger;
	uint64_t cap;

	if (o->count != 0)
		cap = o->count;
	else if (o->rate != 0)
		cap = (uint64_t)((double)o->rate * o->duration * 1.1) + 1024;
	else
		cap = DEFAULT_SAMPLES;
	cap = RTE_MIN(cap, MAX_SAMPLES);
	memset(l, 0, sizeof(*l));
	l->samples = malloc(cap * sizeof(l->samples[0]));
	if (l->samples == NULL) {
		perr("cannot allocate %" PRIu64 " MB for the latency samples",
		     cap * sizeof(l->samples[0]) >> 20);
		return -ENOMEM;
	}
	l->cap = cap;
	l->ns_per_cyc = 1e9 / (double)ctx.hz;
	l->one_in_flight = o->rate == 0;
	lat_init_hist(l);
	s->lat = l;

	memset(p, 0, sizeof(*p));
	p->ep = ep;
	p->sink = s;
	p->session = ctx.session;
	p->frame_len = o->size;
	p->burst = o->burst;
	p->pattern = o->verify;
	p->count = o->count;
	p->duration_cyc = sec_to_cyc(o->duration);
	p->warmup_cyc = sec_to_cyc(o->warmup);
	p->frames_per_cyc = o->rate ? (double)o->rate / (double)ctx.hz : 0;
	p->reply_cyc = sec_to_cyc(o->reply_timeout_ms / 1e3);
	ctx.have_pinger = true;
	return 0;
}

static int
need_ports(unsigned int n)
{
	unsigned int have = rte_eth_dev_count_avail();

	if (have == 0) {
		perr("no ethdev port in this process: create %s with --vdev before '--' "
		     "(e.g. --vdev net_qpring0 with -d <path of librte_net_qpring.so>, or "
		     "--vdev net_memif0,role=server)", n == 1 ? "one" : "them");
		return -ENODEV;
	}
	return 0;
}

static const char *
status_of(int rc)
{
	if (caught_signal() != 0)
		return "interrupted";
	if (__atomic_load_n(&ctx.timed_out, __ATOMIC_RELAXED))
		return "timeout";
	return rc == 0 ? "ok" : "incomplete";
}

/* Both ends in this process: port A sends (or pings), port B receives (or reflects). */
static int
run_local(void)
{
	const struct perf_opts *o = &ctx.o;
	struct lcore_plan pm = { .n = 0 }, pw = { .n = 0 };
	bool looped = o->port[0] == o->port[1];
	struct endpoint *a, *b;
	unsigned int i;
	int rc;

	rc = need_ports(2);
	if (rc != 0)
		return rc;
	ctx.nep = looped ? 1 : 2;
	rc = pool_create(&ctx, o->size);
	if (rc != 0)
		return rc;
	for (i = 0; i < ctx.nep; i++) {
		rc = port_setup(&ctx.ep[i], o->port[i], o, ctx.pool, o->size);
		if (rc != 0)
			return rc;
	}
	a = &ctx.ep[0];
	b = looped ? a : &ctx.ep[1];
	a->dst = b->mac;
	b->dst = a->mac;
	rc = ports_wait_link(ctx.ep, ctx.nep, o->link_timeout, "");
	if (rc != 0)
		return rc;

	if (o->mode == MODE_BW) {
		/* senders on the main lcore, receivers on the worker */
		struct endpoint *from[2] = { a, b }, *to[2] = { b, a };
		unsigned int ndir = o->bidir ? 2 : 1;

		ctx.ngen = ctx.nsink = ndir;
		for (i = 0; i < ndir; i++) {
			gen_init(&ctx.gen[i], from[i]);
			sink_init(&ctx.sink[i], to[i]);
			ctx.sink[i].feeders[0] = &ctx.gen[i];
			ctx.sink[i].nfeeders = 1;
			ctx.gen[i].window = o->window;
			ctx.gen[i].window_rx = &ctx.sink[i].rx.all;
			task_add(&pm, gen_step, &ctx.gen[i]);
			task_add(&pw, sink_step, &ctx.sink[i]);
		}
	} else {
		/* the pinger (A's send and receive) on main, the reflector (B) on the worker */
		sink_init(&ctx.sink[0], a);
		ctx.sink[0].reflect = looped;
		ctx.nsink = 1;
		rc = lat_init(&ctx.sink[0], a);
		if (rc != 0)
			return rc;
		task_add(&pm, pinger_step, &ctx.pinger);
		if (!looped) {
			sink_init(&ctx.sink[1], b);
			ctx.sink[1].reflect = true;
			ctx.sink[1].wait_flag = &ctx.pinger.finished;
			ctx.sink[1].drain_cyc = 0;
			ctx.nsink = 2;
			task_add(&pw, sink_step, &ctx.sink[1]);
		}
	}
	run_plans(&pm, &pw);
	return ctx.timed_out ? -ETIMEDOUT : 0;
}

/* One port; the server at the other end learns the run from HELLO. */
static int
run_client(void)
{
	const struct perf_opts *o = &ctx.o;
	struct lcore_plan pm = { .n = 0 }, pw = { .n = 0 };
	struct endpoint *ep = &ctx.ep[0];
	int rc;

	rc = need_ports(1);
	if (rc != 0)
		return rc;
	ctx.nep = 1;
	rc = pool_create(&ctx, RTE_MAX(o->size, QPF_CTL_MAX_FRAME));
	if (rc != 0)
		return rc;
	rc = port_setup(ep, o->port[0], o, ctx.pool, RTE_MAX(o->size, QPF_CTL_MAX_FRAME));
	if (rc != 0)
		return rc;
	rc = ports_wait_link(ep, 1, o->link_timeout,
			     ": is the server process running, with its port up?");
	if (rc != 0)
		return rc;
	sink_init(&ctx.sink[0], ep);
	client_sink_init(&ctx.sink[0]);
	ctx.nsink = 1;
	rc = client_handshake();
	if (rc != 0)
		return rc;
	pinfo("client: session %08x with the server at %02x:%02x:%02x:%02x:%02x:%02x",
	      ctx.session, ep->dst.addr_bytes[0], ep->dst.addr_bytes[1],
	      ep->dst.addr_bytes[2], ep->dst.addr_bytes[3], ep->dst.addr_bytes[4],
	      ep->dst.addr_bytes[5]);

	if (o->mode == MODE_BW) {
		gen_init(&ctx.gen[0], ep);
		ctx.ngen = 1;
		task_add(&pm, gen_step, &ctx.gen[0]);
		if (o->bidir) {
			/* receive the server's DATA until ours is sent and its has stopped */
			ctx.sink[0].wait_flag = &ctx.gen[0].finished;
			ctx.sink[0].expect = o->count;
			task_add(&pw, sink_step, &ctx.sink[0]);
		}
	} else {
		rc = lat_init(&ctx.sink[0], ep);
		if (rc != 0)
			return rc;
		task_add(&pm, pinger_step, &ctx.pinger);
	}
	run_plans(&pm, &pw);
	rc = client_finish();
	if (rc == 0 && ctx.timed_out)
		rc = -ETIMEDOUT;
	return rc;
}

static int
run_server(void)
{
	const struct perf_opts *o = &ctx.o;
	struct endpoint *ep = &ctx.ep[0];
	uint32_t max_frame = RTE_MAX(o->size, QPF_CTL_MAX_FRAME);
	int rc;

	rc = need_ports(1);
	if (rc != 0)
		return rc;
	ctx.nep = 1;
	ctx.lcores = 1; /* the server polls everything on its main lcore */
	rc = pool_create(&ctx, max_frame);
	if (rc != 0)
		return rc;
	rc = port_setup(ep, o->port[0], o, ctx.pool, max_frame);
	if (rc != 0)
		return rc;
	ep->max_frame = o->size;
	sink_init(&ctx.sink[0], ep);
	server_sink_init(&ctx.sink[0]);
	ctx.nsink = 1;
	pinfo("server: port %u (%s) started, frames up to %u bytes; waiting up to %g s "
	      "for a client", ep->port, ep->name, o->size, o->idle_timeout);
	rc = ports_wait_link(ep, 1, o->idle_timeout,
			     ": no client connected (--idle-timeout)");
	if (rc != 0)
		return rc;
	return server_loop();
}

int
main(int argc, char **argv)
{
	static const char *const role_names[] = { "local", "server", "client" };
	char **targv;
	int dd, targc, rc, ret, i;
	const char *status;

	/* Our options follow "--"; parse them first so a mistake costs no EAL. */
	for (dd = 1; dd < argc; dd++)
		if (strcmp(argv[dd], "--") == 0)
			break;
	targc = dd < argc ? argc - dd : 1;
	targv = calloc((size_t)targc + 1, sizeof(*targv));
	if (targv == NULL)
		return EXIT_RUN_FAILED;
	targv[0] = argv[0];
	for (i = 1; i < targc; i++)
		targv[i] = argv[dd + i];
	rc = options_parse(targc, targv, &ctx.o);
	free(targv);
	if (rc > 0)
		return 0;
	if (rc < 0)
		return EXIT_USAGE;

	/* Logs on stderr: stdout carries the results (and only CSV with --csv). */
	rte_openlog_stream(stderr);
	rte_set_application_usage_hook(usage_hook);
	ret = rte_eal_init(dd, argv);
	if (ret < 0) {
		perr("EAL initialisation failed: %s", rte_strerror(rte_errno));
		return rte_errno == EINVAL ? EXIT_USAGE : EXIT_RUN_FAILED;
	}
	signals_catch();

	ctx.hz = rte_get_tsc_hz();
	if (ctx.o.role != ROLE_SERVER)
		do
			ctx.session = (uint32_t)rte_rand();
		while (ctx.session == 0);
	ctx.lcores = rte_lcore_count() >= 2 ? 2 : 1;
	if (ctx.lcores == 2)
		ctx.worker = rte_get_next_lcore(-1, 1, 0);
	if (rte_lcore_count() > 2)
		pinfo("%u lcores given: using 2 (main %u, worker %u)", rte_lcore_count(),
		      rte_get_main_lcore(), ctx.worker);

	switch (ctx.o.role) {
	case ROLE_LOCAL:
		rc = run_local();
		break;
	case ROLE_CLIENT:
		rc = run_client();
		break;
	default:
		rc = run_server();
		break;
	}
	status = status_of(rc);
	/* Print whatever was measured, unless nothing ran at all. */
	if (ctx.t_start != 0 && (ctx.o.role != ROLE_SERVER || server_had_session()))
		report_print(status);
	if (ctx.timed_out && ctx.o.role != ROLE_SERVER)
		perr("the run did not finish within %g s (--timeout): results are partial",
		     options_timeout(&ctx.o));
	if (caught_signal() != 0)
		pinfo("%s: stopped by signal %d; results so far are above",
		      role_names[ctx.o.role], caught_signal());

	ports_close(&ctx);
	free(ctx.lat.samples);
	rte_eal_cleanup();
	if (caught_signal() != 0)
		return 128 + caught_signal();
	return rc == 0 ? 0 : EXIT_RUN_FAILED;
}
