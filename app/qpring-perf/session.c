/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qpring-perf across two processes: the in-band protocol between a client
 * and a server, one port each.
 *
 *   client                              server
 *   HELLO (parameters)  -- every 100 ms -->  adopts the session
 *                       <-- READY (status)
 *   DATA or PING ...    ---------------->  counts DATA, reflects PING
 *                       <--------------  PONG ... (bidir: DATA ...)
 *   DONE (its counts)   -- every 100 ms -->  (once its own sending is over)
 *                       <-- REPORT (its counts)
 *   BYE                 ---------------->  stops polling and closes its port
 *   waits (not polling) for the link to drop, at most 0.3 s, then closes
 *
 * The server leaves first, and the client does not touch its port while
 * the server's departure reaches it: some drivers (net_memif) tear a port
 * down in EAL's interrupt thread when the peer goes away, which races a
 * receive burst or a stop on the same port. Without BYE (lost), the server
 * answers repeated DONEs for 0.5 s and then leaves.
 *
 * Every wait is bounded: the client gives up on a server silent for
 * --idle-timeout, the server exits when no client frame came for as long,
 * and a session cannot outlive the time its parameters need (plus that).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "perf.h"

#define CTL_INTERVAL_S 0.1  /* HELLO and DONE are repeated this often */
#define SERVER_LINGER_S 0.5 /* the server answers repeated DONEs this long */
#define DRAIN_S 0.2	    /* a receiver is finished after this much quiet */
#define BYE_WAIT_S 0.3	    /* the client waits this long for the server to leave */

static inline const void *
ctl_body(const struct rte_mbuf *m, uint32_t len)
{
	if (m->data_len < QPF_BODY_OFF + len)
		return NULL; /* too short for its type: not trusted */
	return rte_pktmbuf_mtod_offset(m, const void *, QPF_BODY_OFF);
}

void
counts_to_wire(struct qpf_counts *w, const struct dir_counts *d, uint64_t span_cyc)
{
	w->frames = rte_cpu_to_be_64(d->frames);
	w->bytes = rte_cpu_to_be_64(d->bytes);
	w->span_ns = rte_cpu_to_be_64((uint64_t)((double)span_cyc * 1e9 / (double)ctx.hz));
	w->warmup = rte_cpu_to_be_64(d->warmup);
	w->reordered = rte_cpu_to_be_64(d->reordered);
	w->corrupt = rte_cpu_to_be_64(d->corrupt);
}

static uint64_t
span(const struct dir_counts *d)
{
	return d->last_tsc > d->first_tsc ? d->last_tsc - d->first_tsc : 0;
}

/* ------------------------------------------------------------------ client */

static struct {
	bool ready;
	uint32_t status;
	uint32_t server_max;
	struct rte_ether_addr server_mac;
} cs;

static void
client_ctl(struct sink *s, struct rte_mbuf *m, const struct qpf_hdr *h, uint64_t now)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	RTE_SET_USED(now);
	switch (h->type) {
	case QPF_READY: {
		const struct qpf_ready *r = ctl_body(m, sizeof(*r));

		if (r == NULL || cs.ready)
			break; /* a repeated READY changes nothing */
		cs.ready = true;
		cs.status = rte_be_to_cpu_32(r->status);
		cs.server_max = rte_be_to_cpu_32(r->max_frame);
		rte_ether_addr_copy(&eth->src_addr, &cs.server_mac);
		return;
	}
	case QPF_REPORT: {
		const struct qpf_report *r = ctl_body(m, sizeof(*r));

		if (r == NULL)
			break;
		memcpy(&ctx.report, r, sizeof(*r));
		ctx.have_report = true;
		return;
	}
	default:
		break;
	}
	CNT_ADD(s->foreign, 1);
}

void
client_sink_init(struct sink *s)
{
	s->on_ctl = client_ctl;
	memset(&cs, 0, sizeof(cs));
}

static const char *
refusal(uint32_t status)
{
	switch (status) {
	case EMSGSIZE:
		return "frame size too large for the server's port (start the server with "
		       "a larger --size)";
	case EBUSY:
		return "the server is busy with another client";
	case EINVAL:
		return "the server does not accept these parameters";
	default:
		return "unknown reason";
	}
}

/* Send HELLO every 100 ms until the server answers READY. */
int
client_handshake(void)
{
	const struct perf_opts *o = &ctx.o;
	struct endpoint *ep = &ctx.ep[0];
	struct qpf_hello hello;
	uint64_t start = rte_rdtsc(), next = start, end = start + sec_to_cyc(o->idle_timeout);
	uint64_t tries = 0;

	memset(&hello, 0, sizeof(hello));
	hello.mode = (uint8_t)o->mode;
	hello.flags = (o->bidir ? QPF_HELLO_BIDIR : 0) | (o->verify ? QPF_HELLO_VERIFY : 0);
	hello.burst = rte_cpu_to_be_16(o->burst);
	hello.frame_len = rte_cpu_to_be_32(o->size);
	hello.count = rte_cpu_to_be_64(o->count);
	hello.duration_ns = rte_cpu_to_be_64((uint64_t)(o->duration * 1e9));
	hello.rate_pps = rte_cpu_to_be_64(o->rate);
	hello.warmup_ns = rte_cpu_to_be_64((uint64_t)(o->warmup * 1e9));
	memset(&ep->dst, 0xff, sizeof(ep->dst)); /* the server's address is not known yet */

	while (!cs.ready) {
		uint64_t now = rte_rdtsc();

		if (stop_requested())
			return -EINTR;
		if (now >= end) {
			perr("no READY from a server on port %u (%s) within %g s (%" PRIu64
			     " HELLO frames sent; --idle-timeout): is '" PERF_NAME
			     " --role server' running at the other end?", ep->port, ep->name,
			     o->idle_timeout, tries);
			return -ETIMEDOUT;
		}
		if (now >= next) {
			if (ctl_send(ep, NULL, QPF_HELLO, ctx.session, tries, &hello, sizeof(hello)) == 0)
				tries++;
			next = now + sec_to_cyc(CTL_INTERVAL_S);
		}
		sink_poll(&ctx.sink[0]);
	}
	if (cs.status != 0) {
		perr("the server refused the run: %s (status %u; its largest frame is %u bytes)",
		     refusal(cs.status), cs.status, cs.server_max);
		return -(int)cs.status;
	}
	rte_ether_addr_copy(&cs.server_mac, &ep->dst);
	return 0;
}

/* Tell the server we are done (with our counts) and get its REPORT. */
int
client_finish(void)
{
	const struct perf_opts *o = &ctx.o;
	struct endpoint *ep = &ctx.ep[0];
	struct qpf_done done;
	double limit = o->idle_timeout;
	uint64_t start = rte_rdtsc(), next = start, end;
	uint64_t n = 0;

	if (stop_requested() && limit > 2)
		limit = 2; /* interrupted: do not keep the user waiting */
	end = start + sec_to_cyc(limit);
	memset(&done, 0, sizeof(done));
	if (ctx.have_pinger) {
		counts_to_wire(&done.tx, &ctx.pinger.tx, span(&ctx.pinger.tx));
		done.rx.frames = rte_cpu_to_be_64(ctx.lat.n);
		done.rx.warmup = rte_cpu_to_be_64(ctx.lat.warm_received);
	} else {
		counts_to_wire(&done.tx, &ctx.gen[0].tx, span(&ctx.gen[0].tx));
		counts_to_wire(&done.rx, &ctx.sink[0].rx, span(&ctx.sink[0].rx));
	}
	while (!ctx.have_report) {
		uint64_t now = rte_rdtsc();

		if (now >= end) {
			perr("no REPORT from the server within %g s of the first DONE (%" PRIu64
			     " sent): its side of the run is unknown", limit, n);
			return -ETIMEDOUT;
		}
		if (now >= next) {
			if (ctl_send(ep, NULL, QPF_DONE, ctx.session, n, &done, sizeof(done)) == 0)
				n++;
			next = now + sec_to_cyc(CTL_INTERVAL_S);
		}
		sink_poll(&ctx.sink[0]);
	}
	/* The server leaves on BYE; from here on this port is not polled. */
	ctl_send(ep, NULL, QPF_BYE, ctx.session, 0, NULL, 0);
	ports_wait_down(ep, 1, BYE_WAIT_S);
	return 0;
}

/* ------------------------------------------------------------------ server */

static struct {
	bool active;
	bool bidir;
	bool report_owed;
	bool closing;
	bool bye;
	uint64_t close_at;
	uint64_t last_activity;
	uint64_t reports;
	struct perf_opts params; /* the client's, from HELLO */
} ss;

/* Check a HELLO's parameters against this server: 0 or a positive errno. */
static uint32_t
hello_check(const struct qpf_hello *h, struct perf_opts *p)
{
	memset(p, 0, sizeof(*p));
	p->mode = (enum perf_mode)h->mode;
	p->bidir = (h->flags & QPF_HELLO_BIDIR) != 0;
	p->verify = (h->flags & QPF_HELLO_VERIFY) != 0;
	p->burst = rte_be_to_cpu_16(h->burst);
	p->size = rte_be_to_cpu_32(h->frame_len);
	p->count = rte_be_to_cpu_64(h->count);
	p->duration = (double)rte_be_to_cpu_64(h->duration_ns) / 1e9;
	p->rate = rte_be_to_cpu_64(h->rate_pps);
	p->warmup = (double)rte_be_to_cpu_64(h->warmup_ns) / 1e9;
	if (p->mode != MODE_BW && p->mode != MODE_LAT)
		return EINVAL;
	if (p->size < MIN_SIZE || p->size > MAX_SIZE || p->size > ctx.ep[0].max_frame)
		return EMSGSIZE;
	if (p->burst < 1 || p->burst > MAX_BURST || p->count > (UINT64_C(1) << 48) ||
	    (p->count == 0 && (p->duration <= 0 || p->duration > 86400)) ||
	    p->rate > UINT64_C(10000000000) || p->warmup > 3600 ||
	    (p->bidir && p->mode != MODE_BW))
		return EINVAL;
	return 0;
}

static void
server_ready(struct endpoint *ep, const struct rte_ether_addr *to, uint32_t session,
	     uint32_t status)
{
	struct qpf_ready r = {
		.status = rte_cpu_to_be_32(status),
		.max_frame = rte_cpu_to_be_32(ep->max_frame),
	};

	ctl_send(ep, to, QPF_READY, session, 0, &r, sizeof(r));
}

static void
server_start_gen(const struct perf_opts *p, uint64_t now)
{
	struct gen *g = &ctx.gen[0];

	memset(g, 0, sizeof(*g));
	g->ep = &ctx.ep[0];
	g->session = ctx.session;
	g->frame_len = p->size;
	g->burst = p->burst;
	g->pattern = p->verify;
	g->count = p->count;
	g->duration_cyc = sec_to_cyc(p->duration);
	g->warmup_cyc = sec_to_cyc(p->warmup);
	g->frames_per_cyc = p->rate ? (double)p->rate / (double)ctx.hz : 0;
	ctx.ngen = 1;
	RTE_SET_USED(now);
}

static void
server_ctl(struct sink *s, struct rte_mbuf *m, const struct qpf_hdr *h, uint64_t now)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint32_t session = rte_be_to_cpu_32(h->session);
	struct endpoint *ep = s->ep;

	switch (h->type) {
	case QPF_HELLO: {
		const struct qpf_hello *b = ctl_body(m, sizeof(*b));
		struct perf_opts p;
		uint32_t status;

		if (b == NULL || session == 0)
			break;
		if (ss.active) {
			if (session == ctx.session) {
				server_ready(ep, &eth->src_addr, session, 0); /* READY lost */
				ss.last_activity = now;
			} else {
				server_ready(ep, &eth->src_addr, session, EBUSY);
			}
			return;
		}
		status = hello_check(b, &p);
		if (status != 0) {
			pinfo("server: refused a client's HELLO: %s", strerror((int)status));
			server_ready(ep, &eth->src_addr, session, status);
			return;
		}
		/* the client's address: where DATA (bidir), READY and REPORT go */
		rte_ether_addr_copy(&eth->src_addr, &ep->dst);
		ss.active = true;
		ss.params = p;
		ss.bidir = p.bidir;
		ss.last_activity = now;
		ctx.session = session;
		s->session = session;
		ctx.o.mode = p.mode;
		ctx.o.size = p.size;
		ctx.o.burst = p.burst;
		ctx.o.rate = p.rate;
		ctx.o.bidir = p.bidir;
		ctx.o.count = p.count;
		ctx.o.duration = p.duration;
		ctx.o.warmup = p.warmup;
		ctx.t_start = now;
		ctx.next_progress = now + sec_to_cyc(ctx.o.progress);
		p.timeout = ctx.o.timeout; /* the server's own --timeout, if given */
		ctx.deadline = now + sec_to_cyc(options_timeout(&p) + ctx.o.idle_timeout);
		if (p.bidir)
			server_start_gen(&p, now);
		pinfo("server: client %02x:%02x:%02x:%02x:%02x:%02x, session %08x: %s, "
		      "%u-byte frames, %s%s", eth->src_addr.addr_bytes[0],
		      eth->src_addr.addr_bytes[1], eth->src_addr.addr_bytes[2],
		      eth->src_addr.addr_bytes[3], eth->src_addr.addr_bytes[4],
		      eth->src_addr.addr_bytes[5], session,
		      p.mode == MODE_BW ? "bandwidth" : "latency", p.size,
		      p.count ? "by count" : "by time", p.bidir ? ", both directions" : "");
		server_ready(ep, NULL, session, 0);
		return;
	}
	case QPF_BYE:
		if (!ss.closing)
			break; /* BYE before any REPORT: not a protocol step */
		ss.bye = true;
		return;
	case QPF_DONE: {
		const struct qpf_done *b = ctl_body(m, sizeof(*b));

		if (b == NULL || !ss.active)
			break;
		memcpy(&ctx.done, b, sizeof(*b));
		ctx.have_done = true;
		ss.report_owed = true;
		ss.last_activity = now;
		return;
	}
	default:
		break;
	}
	CNT_ADD(s->foreign, 1);
}

void
server_sink_init(struct sink *s)
{
	s->on_ctl = server_ctl;
	s->reflect = true;
	memset(&ss, 0, sizeof(ss));
}

static void
server_report(void)
{
	struct qpf_report r;
	const struct sink *s = &ctx.sink[0];

	memset(&r, 0, sizeof(r));
	counts_to_wire(&r.rx, &s->rx, span(&s->rx));
	if (ctx.ngen != 0)
		counts_to_wire(&r.tx, &ctx.gen[0].tx, span(&ctx.gen[0].tx));
	r.pongs = rte_cpu_to_be_64(s->pongs);
	r.foreign = rte_cpu_to_be_64(s->foreign);
	memcpy(&ctx.report, &r, sizeof(r));
	ctx.have_report = true;
	if (ctl_send(&ctx.ep[0], NULL, QPF_REPORT, ctx.session, ss.reports, &r, sizeof(r)) == 0)
		ss.reports++;
}

/*
 * The server's loop, on the main lcore: receive (count, reflect, control),
 * send DATA in a bidir run, answer DONE once its own sending is over, and
 * leave after the linger time, the idle timeout, the deadline or a signal.
 * Returns 0 after a completed session, -ETIMEDOUT, -EINTR.
 */
int
server_loop(void)
{
	const struct perf_opts *o = &ctx.o;
	struct sink *s = &ctx.sink[0];
	uint64_t idle_cyc = sec_to_cyc(o->idle_timeout);
	uint64_t progress_cyc = sec_to_cyc(o->progress);

	ss.last_activity = rte_rdtsc();
	ctx.deadline = UINT64_MAX;
	for (;;) {
		uint64_t now;

		sink_poll(s);
		now = rte_rdtsc();
		if (ss.bidir && !ctx.gen[0].finished)
			gen_step(&ctx.gen[0], now);
		if (s->last_rx_tsc > ss.last_activity)
			ss.last_activity = s->last_rx_tsc;
		if (ss.report_owed && (!ss.bidir || ctx.gen[0].finished)) {
			server_report();
			ss.report_owed = false;
			ss.closing = true;
			ss.close_at = now + sec_to_cyc(SERVER_LINGER_S);
		}
		if (ss.closing && (ss.bye || now >= ss.close_at))
			return 0;
		if (stop_requested())
			return -EINTR;
		if (now > ss.last_activity && now - ss.last_activity >= idle_cyc) {
			if (ss.active)
				perr("server: the client went silent for %g s (--idle-timeout) "
				     "before its DONE; ending the session", o->idle_timeout);
			else
				perr("server: no client in %g s (--idle-timeout); exiting",
				     o->idle_timeout);
			return -ETIMEDOUT;
		}
		if (now >= ctx.deadline) {
			__atomic_store_n(&ctx.timed_out, 1, __ATOMIC_RELAXED);
			perr("server: the session went on longer than its parameters allow; "
			     "ending it");
			return -ETIMEDOUT;
		}
		if (ss.active && progress_cyc != 0 && now >= ctx.next_progress) {
			progress_line(now);
			ctx.next_progress += progress_cyc;
		}
	}
}

bool
server_had_session(void)
{
	return ss.active;
}

uint64_t
sink_drain_cyc(void)
{
	return sec_to_cyc(DRAIN_S);
}
