/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qpring-perf's fast path: the sender of DATA frames (gen), the receiver
 * that counts DATA, reflects PINGs and records PONGs (sink), the latency
 * prober (pinger), and the loop that runs them on an lcore. Each runs on
 * exactly one lcore; what other lcores read is published as single-writer
 * counters (perf.h) and `finished` flags with release/acquire.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "perf.h"

static inline struct qpf_hdr *
frame_hdr(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct qpf_hdr *, QPF_HDR_OFF);
}

/* Payload byte at frame offset o is (seq + o) & 0xff; the frame is one segment. */
static void
pattern_fill(struct rte_mbuf *m, uint64_t seq, uint32_t len)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t o;

	for (o = QPF_BODY_OFF; o < len; o++)
		p[o] = (uint8_t)(seq + o);
}

/* The same check over however many segments the receiver made of it. */
static bool
pattern_ok(const struct rte_mbuf *m, uint64_t seq)
{
	uint32_t off = 0;

	for (; m != NULL; m = m->next) {
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
		uint32_t i;

		for (i = 0; i < m->data_len; i++, off++)
			if (off >= QPF_BODY_OFF && p[i] != (uint8_t)(seq + off))
				return false;
	}
	return true;
}

/* Build a frame of `len` bytes into a fresh single-segment mbuf. */
void
frame_fill(struct rte_mbuf *m, const struct endpoint *ep, uint8_t type, uint16_t flags,
	   uint32_t session, uint32_t len, uint64_t seq)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct qpf_hdr *h = frame_hdr(m);

	rte_ether_addr_copy(&ep->dst, &eth->dst_addr);
	rte_ether_addr_copy(&ep->mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(QPF_ETHERTYPE);
	h->magic = rte_cpu_to_be_32(QPF_MAGIC);
	h->version = QPF_VERSION;
	h->type = type;
	h->flags = rte_cpu_to_be_16(flags);
	h->session = rte_cpu_to_be_32(session);
	h->frame_len = rte_cpu_to_be_32(len);
	h->seq = rte_cpu_to_be_64(seq);
	h->tstamp = 0;
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	if (flags & QPF_F_PATTERN)
		pattern_fill(m, seq, len);
}

/* The header of a frame of ours, or NULL; nothing else is trusted yet. */
const struct qpf_hdr *
frame_check(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct qpf_hdr *h;

	if (m->data_len < QPF_BODY_OFF ||
	    eth->ether_type != rte_cpu_to_be_16(QPF_ETHERTYPE))
		return NULL;
	h = rte_pktmbuf_mtod_offset(m, const struct qpf_hdr *, QPF_HDR_OFF);
	if (h->magic != rte_cpu_to_be_32(QPF_MAGIC) || h->version != QPF_VERSION)
		return NULL;
	return h;
}

/*
 * Send one control frame. A full queue is retried a bounded number of
 * times; the protocol repeats HELLO and DONE, and their answers with them,
 * so a frame given up here is not fatal.
 */
int
ctl_send(struct endpoint *ep, const struct rte_ether_addr *to, uint8_t type,
	 uint32_t session, uint64_t seq, const void *body, uint32_t body_len)
{
	uint32_t len = RTE_MAX(QPF_MIN_FRAME, QPF_BODY_OFF + body_len);
	struct rte_mbuf *m = rte_pktmbuf_alloc(ep->pool);
	unsigned int tries;

	if (m == NULL)
		return -ENOMEM;
	memset(rte_pktmbuf_mtod(m, void *), 0, len);
	frame_fill(m, ep, type, 0, session, len, seq);
	if (to != NULL)
		rte_ether_addr_copy(to, &rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->dst_addr);
	if (body_len > 0)
		memcpy(rte_pktmbuf_mtod_offset(m, void *, QPF_BODY_OFF), body, body_len);
	for (tries = 0; tries < 1000; tries++)
		if (rte_eth_tx_burst(ep->port, 0, &m, 1) == 1)
			return 0;
	rte_pktmbuf_free(m);
	return -EAGAIN;
}

/* Latency: histogram bucket k holds round trips of [2^k, 2^(k+1)) ns. */
static void
lat_add(struct lat_rec *l, uint64_t cyc)
{
	uint64_t ns = (uint64_t)((double)cyc * l->ns_per_cyc);
	unsigned int b = ns == 0 ? 0 : 63 - (unsigned int)__builtin_clzll(ns);

	if (l->n < l->cap)
		l->samples[l->n] = cyc;
	l->n++;
	l->sum += cyc;
	if (cyc < l->min)
		l->min = cyc;
	if (cyc > l->max)
		l->max = cyc;
	l->hist[b]++;
}

void
lat_init_hist(struct lat_rec *l)
{
	memset(l->hist, 0, sizeof(l->hist));
	l->n = 0;
	l->sum = 0;
	l->min = UINT64_MAX;
	l->max = 0;
}

static void
lat_record(struct lat_rec *l, const struct qpf_hdr *h, uint64_t now)
{
	uint64_t seq = rte_be_to_cpu_64(h->seq);
	uint64_t stamp = rte_be_to_cpu_64(h->tstamp);

	if (l->one_in_flight) {
		if (!l->waiting || seq != l->wait_seq) {
			l->late++; /* its ping timed out already */
			return;
		}
		l->waiting = false;
	}
	if (rte_be_to_cpu_16(h->flags) & QPF_F_WARMUP) {
		l->warm_received++;
		return;
	}
	lat_add(l, now >= stamp ? now - stamp : 0);
}

/* Send reflected frames back; a port that stays full drops them (counted). */
static void
reflect_send(struct sink *s, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t sent = 0;
	unsigned int tries;

	for (tries = 0; sent < n && tries < 64; tries++)
		sent += rte_eth_tx_burst(s->ep->port, 0, pkts + sent, n - sent);
	if (sent < n) {
		s->reflect_drops += n - sent;
		rte_pktmbuf_free_bulk(pkts + sent, n - sent);
	}
	CNT_ADD(s->pongs, sent);
}

/* A PING becomes its PONG in place: back to its sender, from this port. */
static void
make_pong(struct sink *s, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&s->ep->mac, &eth->src_addr);
	frame_hdr(m)->type = QPF_PONG;
}

/* Receive one burst and handle every frame of it. Returns frames received. */
uint16_t
sink_poll(struct sink *s)
{
	struct rte_mbuf *pkts[MAX_BURST], *back[MAX_BURST], *drop[MAX_BURST];
	struct dir_counts d = { 0 };
	uint16_t nb, i, nback = 0, ndrop = 0;
	uint64_t foreign = 0, now;

	nb = rte_eth_rx_burst(s->ep->port, 0, pkts, s->burst);
	if (nb == 0)
		return 0;
	now = rte_rdtsc();
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct qpf_hdr *h;
		uint32_t session;

		if (i + 1 < nb)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
		h = frame_check(m);
		if (unlikely(h == NULL)) {
			foreign++;
			drop[ndrop++] = m;
			continue;
		}
		session = rte_be_to_cpu_32(h->session);
		if (h->type >= QPF_HELLO && h->type <= QPF_BYE &&
		    (h->type == QPF_HELLO || (session != 0 && session == s->session))) {
			if (s->on_ctl != NULL)
				s->on_ctl(s, m, h, now);
			else
				foreign++;
			drop[ndrop++] = m;
			continue;
		}
		if (unlikely(session == 0 || session != s->session)) {
			foreign++;
			drop[ndrop++] = m;
			continue;
		}
		s->last_rx_tsc = now;
		switch (h->type) {
		case QPF_DATA: {
			uint16_t flags = rte_be_to_cpu_16(h->flags);
			uint64_t seq = rte_be_to_cpu_64(h->seq);

			d.all++;
			if (flags & QPF_F_WARMUP) {
				d.warmup++;
			} else {
				d.frames++;
				d.bytes += m->pkt_len;
			}
			if (s->have_seq && seq <= s->max_seq) {
				d.reordered++;
			} else {
				s->max_seq = seq;
				s->have_seq = true;
			}
			if (rte_be_to_cpu_32(h->frame_len) != m->pkt_len ||
			    ((flags & QPF_F_PATTERN) && !pattern_ok(m, seq)))
				d.corrupt++;
			drop[ndrop++] = m;
			break;
		}
		case QPF_PING:
			if (s->reflect) {
				make_pong(s, m);
				back[nback++] = m;
			} else {
				foreign++;
				drop[ndrop++] = m;
			}
			break;
		case QPF_PONG:
			if (s->lat != NULL)
				lat_record(s->lat, h, now);
			else
				foreign++;
			drop[ndrop++] = m;
			break;
		default:
			foreign++;
			drop[ndrop++] = m;
			break;
		}
	}
	if (d.all != 0) {
		if (d.frames != 0) {
			if (s->rx.first_tsc == 0)
				CNT_SET(s->rx.first_tsc, now);
			CNT_SET(s->rx.last_tsc, now);
			CNT_ADD(s->rx.frames, d.frames);
			CNT_ADD(s->rx.bytes, d.bytes);
		}
		CNT_ADD(s->rx.warmup, d.warmup);
		CNT_ADD(s->rx.reordered, d.reordered);
		CNT_ADD(s->rx.corrupt, d.corrupt);
		/* last: the --window check of the sender reads this one */
		CNT_ADD(s->rx.all, d.all);
	}
	if (foreign != 0)
		CNT_ADD(s->foreign, foreign);
	if (nback != 0)
		reflect_send(s, back, nback);
	if (ndrop != 0)
		rte_pktmbuf_free_bulk(drop, ndrop);
	return nb;
}

/*
 * A receiver is finished when the senders it waits for are finished and
 * either everything they sent arrived, the expected count arrived, or
 * nothing came for drain_cyc (the rest was lost).
 */
static bool
sink_finished(struct sink *s, uint64_t now)
{
	uint64_t sent_all = 0, ref;
	unsigned int i;

	for (i = 0; i < s->nfeeders; i++) {
		/* A1: pairs with R1 in gen_finish(): once `finished` reads 1,
		 * the sender's final tx.all is visible. */
		if (!__atomic_load_n(&s->feeders[i]->finished, __ATOMIC_ACQUIRE))
			return false;
		sent_all += s->feeders[i]->tx.all;
	}
	/* A2: pairs with R1 (gen) or R2 (pinger_finish): the task we wait for
	 * has stopped sending. */
	if (s->wait_flag != NULL && !__atomic_load_n(s->wait_flag, __ATOMIC_ACQUIRE))
		return false;
	if (s->nfeeders > 0 && s->rx.all >= sent_all)
		return true;
	if (s->expect != 0 && s->rx.frames >= s->expect)
		return true;
	if (s->all_done_tsc == 0)
		s->all_done_tsc = now;
	ref = RTE_MAX(s->all_done_tsc, s->last_rx_tsc);
	return now > ref && now - ref >= s->drain_cyc;
}

bool
sink_step(void *arg, uint64_t now)
{
	struct sink *s = arg;

	if (sink_poll(s) != 0)
		return false;
	return sink_finished(s, now);
}

static bool
gen_finish(struct gen *g, uint64_t now)
{
	if (g->npend != 0) {
		rte_pktmbuf_free_bulk(g->pend + g->pend_off, g->npend);
		g->npend = 0;
	}
	if (!g->measuring)
		CNT_SET(g->tx.first_tsc, now);
	CNT_SET(g->tx.last_tsc, now);
	/* R1: pairs with A1/A2 in sink_finished(): the counters above are
	 * final before `finished` reads 1. */
	__atomic_store_n(&g->finished, 1, __ATOMIC_RELEASE);
	return true;
}

/* How many frames the sender may build now: burst, count, rate, window. */
static uint16_t
gen_quota(struct gen *g, uint64_t now)
{
	uint64_t n = g->burst;

	if (g->measuring && g->count != 0)
		n = RTE_MIN(n, g->count - g->tx.frames);
	if (g->frames_per_cyc > 0) {
		uint64_t due = (uint64_t)((double)(now - g->t_begin) * g->frames_per_cyc) + 1;

		if (due <= g->tx.all)
			return 0;
		n = RTE_MIN(n, due - g->tx.all);
	}
	if (g->window != 0) {
		uint64_t rx = CNT_READ(*g->window_rx);
		uint64_t in_flight = g->tx.all > rx ? g->tx.all - rx : 0;

		if (in_flight >= g->window)
			return 0;
		n = RTE_MIN(n, g->window - in_flight);
	}
	return (uint16_t)n;
}

bool
gen_step(void *arg, uint64_t now)
{
	struct gen *g = arg;
	uint16_t n, sent, i;

	if (unlikely(!g->begun)) {
		g->begun = true;
		g->t_begin = now;
		g->warm_end = now + g->warmup_cyc;
	}
	if (unlikely(stop_requested()))
		return gen_finish(g, now);
	if (unlikely(!g->measuring) && now >= g->warm_end) {
		g->measuring = true;
		g->measure_end = now + g->duration_cyc;
		CNT_SET(g->tx.first_tsc, now);
	}
	if (g->measuring && g->count == 0 && now >= g->measure_end)
		return gen_finish(g, now);
	if (g->npend == 0) {
		uint16_t flags;

		if (g->measuring && g->count != 0 && g->tx.frames >= g->count)
			return gen_finish(g, now);
		n = gen_quota(g, now);
		if (n == 0)
			return false;
		if (rte_pktmbuf_alloc_bulk(g->ep->pool, g->pend, n) != 0) {
			g->alloc_failures++;
			return false;
		}
		flags = (g->measuring ? 0 : QPF_F_WARMUP) | (g->pattern ? QPF_F_PATTERN : 0);
		for (i = 0; i < n; i++)
			frame_fill(g->pend[i], g->ep, QPF_DATA, flags, g->session, g->frame_len,
				   g->seq++);
		g->npend = n;
		g->pend_off = 0;
		g->pend_warm = !g->measuring;
	}
	sent = rte_eth_tx_burst(g->ep->port, 0, g->pend + g->pend_off, g->npend);
	if (sent < g->npend)
		g->full_events++;
	if (sent != 0) {
		if (g->pend_warm) {
			CNT_ADD(g->tx.warmup, sent);
		} else {
			CNT_ADD(g->tx.frames, sent);
			CNT_ADD(g->tx.bytes, (uint64_t)sent * g->frame_len);
		}
		CNT_ADD(g->tx.all, sent);
		g->pend_off += sent;
		g->npend -= sent;
	}
	return false;
}

static bool
pinger_finish(struct pinger *p, uint64_t now)
{
	if (!p->measuring)
		CNT_SET(p->tx.first_tsc, now);
	CNT_SET(p->tx.last_tsc, now);
	/* R2: pairs with A2 in sink_finished() (the local reflector). */
	__atomic_store_n(&p->finished, 1, __ATOMIC_RELEASE);
	return true;
}

/* Send n PINGs stamped with one TSC read taken just before the send. */
static void
pinger_send(struct pinger *p, struct lat_rec *l, uint16_t n)
{
	struct rte_mbuf *m[MAX_BURST];
	uint16_t flags = (p->measuring ? 0 : QPF_F_WARMUP) | (p->pattern ? QPF_F_PATTERN : 0);
	uint64_t stamp;
	uint16_t i, sent;

	if (rte_pktmbuf_alloc_bulk(p->ep->pool, m, n) != 0) {
		p->alloc_failures++;
		return;
	}
	for (i = 0; i < n; i++)
		frame_fill(m[i], p->ep, QPF_PING, flags, p->session, p->frame_len, p->seq + i);
	stamp = rte_rdtsc();
	for (i = 0; i < n; i++)
		frame_hdr(m[i])->tstamp = rte_cpu_to_be_64(stamp);
	sent = rte_eth_tx_burst(p->ep->port, 0, m, n);
	if (sent < n) {
		/* not sent: their sequence numbers are used again */
		p->full_events++;
		rte_pktmbuf_free_bulk(m + sent, n - sent);
	}
	if (sent == 0)
		return;
	p->seq += sent;
	p->last_send_tsc = stamp;
	if (l->one_in_flight) {
		l->waiting = true;
		l->wait_seq = p->seq - 1;
		p->deadline = stamp + p->reply_cyc;
	}
	if (p->measuring)
		CNT_ADD(p->tx.frames, sent);
	else
		CNT_ADD(p->tx.warmup, sent);
	CNT_ADD(p->tx.all, sent);
}

/*
 * The pinger polls its own port's receiver first (PONGs), then sends:
 * one PING whenever none is outstanding (default), or at --rate.
 */
bool
pinger_step(void *arg, uint64_t now)
{
	struct pinger *p = arg;
	struct lat_rec *l = p->sink->lat;
	uint64_t n;

	if (sink_poll(p->sink) != 0)
		now = rte_rdtsc();
	if (unlikely(!p->begun)) {
		p->begun = true;
		p->t_begin = now;
		p->warm_end = now + p->warmup_cyc;
	}
	if (!p->sending_over) {
		if (stop_requested()) {
			p->sending_over = true;
		} else {
			if (!p->measuring && now >= p->warm_end) {
				p->measuring = true;
				p->measure_end = now + p->duration_cyc;
				CNT_SET(p->tx.first_tsc, now);
			}
			if (p->measuring && (p->count != 0 ? p->tx.frames >= p->count :
						 now >= p->measure_end))
				p->sending_over = true;
		}
	}
	if (p->sending_over) {
		/* wait for the replies still due, at most --reply-timeout */
		if (l->one_in_flight) {
			if (!l->waiting)
				return pinger_finish(p, now);
			if (now >= p->deadline) {
				p->timeouts++;
				l->waiting = false;
				return pinger_finish(p, now);
			}
			return false;
		}
		if (l->n + l->warm_received >= p->tx.all ||
		    now >= p->last_send_tsc + p->reply_cyc)
			return pinger_finish(p, now);
		return false;
	}
	if (l->one_in_flight) {
		if (l->waiting) {
			if (now < p->deadline)
				return false;
			p->timeouts++;
			l->waiting = false;
		}
		pinger_send(p, l, 1);
		return false;
	}
	n = p->burst;
	if (p->measuring && p->count != 0)
		n = RTE_MIN(n, p->count - p->tx.frames);
	{
		uint64_t due = (uint64_t)((double)(now - p->t_begin) * p->frames_per_cyc) + 1;

		if (due <= p->tx.all)
			return false;
		n = RTE_MIN(n, due - p->tx.all);
	}
	if (n != 0)
		pinger_send(p, l, (uint16_t)n);
	return false;
}

/* Run an lcore's tasks until all are finished or the deadline passes. */
int
lcore_loop(void *arg)
{
	struct lcore_plan *p = arg;
	unsigned int left = p->n, i;
	uint64_t progress_cyc = sec_to_cyc(ctx.o.progress);

	while (left > 0) {
		uint64_t now = rte_rdtsc();

		for (i = 0; i < p->n; i++) {
			struct task *t = &p->t[i];

			if (!t->done && t->step(t->arg, now)) {
				t->done = true;
				left--;
			}
		}
		if (unlikely(now >= ctx.deadline)) {
			__atomic_store_n(&ctx.timed_out, 1, __ATOMIC_RELAXED);
			break;
		}
		if (p->main && progress_cyc != 0 && now >= ctx.next_progress) {
			progress_line(now);
			ctx.next_progress += progress_cyc;
		}
	}
	return 0;
}

static double
rate_since(uint64_t frames, uint64_t first, uint64_t now)
{
	if (first == 0 || now <= first)
		return 0;
	return (double)frames / ((double)(now - first) / (double)ctx.hz) / 1e6;
}

/* Append an item to a progress line; items are separated by ';'. */
static void
line_add(char *line, size_t size, size_t *len, const char *item)
{
	int n;

	if (*len + 2 >= size)
		return;
	if (*len != 0 && line[*len - 1] != ']')
		line[(*len)++] = ';';
	n = snprintf(line + *len, size - *len, "%s", item);
	if (n > 0)
		*len = RTE_MIN(*len + (size_t)n, size - 1);
}

/* One progress line on stderr: elapsed time and the rates so far. */
void
progress_line(uint64_t now)
{
	char line[512], item[128];
	size_t len = 0;
	unsigned int i;

	line[0] = '\0';
	snprintf(item, sizeof(item), "[%7.1f s]", (double)(now - ctx.t_start) / (double)ctx.hz);
	line_add(line, sizeof(line), &len, item);
	for (i = 0; i < ctx.ngen; i++) {
		const struct gen *g = &ctx.gen[i];
		uint64_t f = CNT_READ(g->tx.frames);

		/* A3: pairs with R1 in gen_finish(): once finished, last_tsc is
		 * final and the rate ends where the sending did. */
		uint64_t end = __atomic_load_n(&g->finished, __ATOMIC_ACQUIRE) ?
				       CNT_READ(g->tx.last_tsc) : now;

		snprintf(item, sizeof(item), " port %u sent %" PRIu64 " (%.3f Mpps)",
			 g->ep->port, f, rate_since(f, CNT_READ(g->tx.first_tsc), end));
		line_add(line, sizeof(line), &len, item);
	}
	for (i = 0; i < ctx.nsink; i++) {
		const struct sink *s = &ctx.sink[i];
		uint64_t f = CNT_READ(s->rx.frames);

		if (s->lat != NULL)
			continue; /* the pinger's own port: below */
		if (ctx.o.mode == MODE_BW) {
			snprintf(item, sizeof(item), " port %u received %" PRIu64 " (%.3f Mpps)",
				 s->ep->port, f, rate_since(f, CNT_READ(s->rx.first_tsc), now));
			line_add(line, sizeof(line), &len, item);
		}
		if (s->reflect && (ctx.o.mode == MODE_LAT || CNT_READ(s->pongs) != 0)) {
			snprintf(item, sizeof(item), " port %u reflected %" PRIu64, s->ep->port,
				 CNT_READ(s->pongs));
			line_add(line, sizeof(line), &len, item);
		}
	}
	if (ctx.have_pinger) {
		const struct lat_rec *l = &ctx.lat;

		snprintf(item, sizeof(item), " pings %" PRIu64 ", answered %" PRIu64 ", mean %.3f us",
			 ctx.pinger.tx.frames, l->n,
			 l->n ? (double)l->sum / (double)l->n * l->ns_per_cyc / 1e3 : 0.0);
		line_add(line, sizeof(line), &len, item);
	}
	fprintf(stderr, "%s\n", line);
}
