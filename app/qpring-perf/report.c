/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qpring-perf's results: per-direction bandwidth figures, latency
 * percentiles and histogram, printed as a table (stdout) or as CSV (one
 * header line, then one row per direction or one row per latency run).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include "perf.h"

#define L1_OVERHEAD 24 /* bytes per frame on a physical link: 8 preamble+SFD, 12 IFG, 4 CRC */

/* One direction of a bandwidth run, as far as it is known. */
struct dir_view {
	char label[200]; /* for people */
	char key[40];	 /* for CSV */
	bool tx_known, rx_known;
	uint64_t sent, sent_bytes, sent_warm, tx_ns;
	uint64_t recv, recv_bytes, recv_warm, reordered, corrupt, rx_ns;
};

static uint64_t
cyc_ns(uint64_t cyc)
{
	return (uint64_t)((double)cyc * 1e9 / (double)ctx.hz);
}

static void
view_tx(struct dir_view *v, const struct dir_counts *d)
{
	v->tx_known = true;
	v->sent = d->frames;
	v->sent_bytes = d->bytes;
	v->sent_warm = d->warmup;
	v->tx_ns = d->last_tsc > d->first_tsc ? cyc_ns(d->last_tsc - d->first_tsc) : 0;
}

static void
view_rx(struct dir_view *v, const struct dir_counts *d)
{
	v->rx_known = true;
	v->recv = d->frames;
	v->recv_bytes = d->bytes;
	v->recv_warm = d->warmup;
	v->reordered = d->reordered;
	v->corrupt = d->corrupt;
	v->rx_ns = d->last_tsc > d->first_tsc ? cyc_ns(d->last_tsc - d->first_tsc) : 0;
}

static void
view_tx_wire(struct dir_view *v, const struct qpf_counts *w)
{
	v->tx_known = true;
	v->sent = rte_be_to_cpu_64(w->frames);
	v->sent_bytes = rte_be_to_cpu_64(w->bytes);
	v->sent_warm = rte_be_to_cpu_64(w->warmup);
	v->tx_ns = rte_be_to_cpu_64(w->span_ns);
}

static void
view_rx_wire(struct dir_view *v, const struct qpf_counts *w)
{
	v->rx_known = true;
	v->recv = rte_be_to_cpu_64(w->frames);
	v->recv_bytes = rte_be_to_cpu_64(w->bytes);
	v->recv_warm = rte_be_to_cpu_64(w->warmup);
	v->reordered = rte_be_to_cpu_64(w->reordered);
	v->corrupt = rte_be_to_cpu_64(w->corrupt);
	v->rx_ns = rte_be_to_cpu_64(w->span_ns);
}

static void
port_label(char *buf, size_t len, const struct endpoint *ep)
{
	snprintf(buf, len, "port %u (%s)", ep->port, ep->name);
}

/* The directions of this run, from whichever side knows each figure. */
static unsigned int
bw_views(struct dir_view *v)
{
	char a[80], b[80];
	unsigned int n = 0, i;

	memset(v, 0, 2 * sizeof(*v));
	switch (ctx.o.role) {
	case ROLE_LOCAL:
		for (i = 0; i < ctx.ngen; i++, n++) {
			port_label(a, sizeof(a), ctx.gen[i].ep);
			port_label(b, sizeof(b), ctx.sink[i].ep);
			snprintf(v[n].label, sizeof(v[n].label), "%s -> %s", a, b);
			snprintf(v[n].key, sizeof(v[n].key), "%u->%u", ctx.gen[i].ep->port,
				 ctx.sink[i].ep->port);
			view_tx(&v[n], &ctx.gen[i].tx);
			view_rx(&v[n], &ctx.sink[i].rx);
		}
		break;
	case ROLE_CLIENT:
		port_label(a, sizeof(a), &ctx.ep[0]);
		snprintf(v[0].label, sizeof(v[0].label), "client %s -> server", a);
		snprintf(v[0].key, sizeof(v[0].key), "client->server");
		view_tx(&v[0], &ctx.gen[0].tx);
		if (ctx.have_report)
			view_rx_wire(&v[0], &ctx.report.rx);
		n = 1;
		if (ctx.o.bidir) {
			snprintf(v[1].label, sizeof(v[1].label), "server -> client %s", a);
			snprintf(v[1].key, sizeof(v[1].key), "server->client");
			if (ctx.have_report)
				view_tx_wire(&v[1], &ctx.report.tx);
			view_rx(&v[1], &ctx.sink[0].rx);
			n = 2;
		}
		break;
	case ROLE_SERVER:
		port_label(a, sizeof(a), &ctx.ep[0]);
		snprintf(v[0].label, sizeof(v[0].label), "client -> server %s", a);
		snprintf(v[0].key, sizeof(v[0].key), "client->server");
		if (ctx.have_done)
			view_tx_wire(&v[0], &ctx.done.tx);
		view_rx(&v[0], &ctx.sink[0].rx);
		n = 1;
		if (ctx.o.bidir) {
			snprintf(v[1].label, sizeof(v[1].label), "server %s -> client", a);
			snprintf(v[1].key, sizeof(v[1].key), "server->client");
			view_tx(&v[1], &ctx.gen[0].tx);
			if (ctx.have_done)
				view_rx_wire(&v[1], &ctx.done.rx);
			n = 2;
		}
		break;
	}
	return n;
}

static double
mpps(uint64_t frames, uint64_t ns)
{
	return ns ? (double)frames / ((double)ns / 1e9) / 1e6 : 0;
}

static double
gbps(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes * 8 / ((double)ns / 1e9) / 1e9 : 0;
}

static void
print_rate_row(const char *what, uint64_t frames, uint64_t bytes, uint64_t ns)
{
	if (ns == 0) {
		printf("  %-9s %14" PRIu64 "  %10s %10s %10s %10s\n", what, frames, "-", "-", "-",
		       "-");
		return;
	}
	printf("  %-9s %14" PRIu64 "  %10.3f %10.3f %10.3f %10.4f\n", what, frames,
	       mpps(frames, ns), gbps(bytes, ns), gbps(bytes + L1_OVERHEAD * frames, ns),
	       (double)ns / 1e9);
}

static const char *
role_name(void)
{
	return ctx.o.role == ROLE_LOCAL ? "local" :
	       ctx.o.role == ROLE_SERVER ? "server" : "client";
}

static void
rate_text(char *buf, size_t len)
{
	if (ctx.o.rate != 0)
		snprintf(buf, len, "%" PRIu64 " frames/s offered", ctx.o.rate);
	else if (ctx.o.mode == MODE_LAT)
		snprintf(buf, len, "one ping in flight");
	else
		snprintf(buf, len, "as fast as the port takes them");
}

static void
bw_print(const char *status)
{
	struct dir_view v[2];
	unsigned int n = bw_views(v), i;
	char rate[64];

	rate_text(rate, sizeof(rate));
	if (ctx.o.csv) {
		printf("mode,role,direction,frame_bytes,burst,rate_pps,sent,received,lost,"
		       "loss_pct,reordered,corrupt,tx_seconds,rx_seconds,tx_mpps,rx_mpps,"
		       "tx_gbps,rx_gbps,tx_gbps_l1,rx_gbps_l1,warmup_sent,warmup_received,"
		       "status\n");
		for (i = 0; i < n; i++) {
			const struct dir_view *d = &v[i];

			printf("bw,%s,%s,%u,%u,%" PRIu64 ",", role_name(), d->key, ctx.o.size,
			       ctx.o.burst, ctx.o.rate);
			if (d->tx_known)
				printf("%" PRIu64, d->sent);
			printf(",");
			if (d->rx_known)
				printf("%" PRIu64, d->recv);
			printf(",");
			if (d->tx_known && d->rx_known)
				printf("%" PRId64 ",%.4f", (int64_t)(d->sent - d->recv),
				       d->sent ? 100.0 * ((double)d->sent - (double)d->recv) /
							 (double)d->sent : 0.0);
			else
				printf(",");
			if (d->rx_known)
				printf(",%" PRIu64 ",%" PRIu64, d->reordered, d->corrupt);
			else
				printf(",,");
			if (d->tx_known)
				printf(",%.6f", (double)d->tx_ns / 1e9);
			else
				printf(",");
			if (d->rx_known)
				printf(",%.6f", (double)d->rx_ns / 1e9);
			else
				printf(",");
			if (d->tx_known)
				printf(",%.4f", mpps(d->sent, d->tx_ns));
			else
				printf(",");
			if (d->rx_known)
				printf(",%.4f", mpps(d->recv, d->rx_ns));
			else
				printf(",");
			if (d->tx_known)
				printf(",%.4f", gbps(d->sent_bytes, d->tx_ns));
			else
				printf(",");
			if (d->rx_known)
				printf(",%.4f", gbps(d->recv_bytes, d->rx_ns));
			else
				printf(",");
			if (d->tx_known)
				printf(",%.4f",
				       gbps(d->sent_bytes + L1_OVERHEAD * d->sent, d->tx_ns));
			else
				printf(",");
			if (d->rx_known)
				printf(",%.4f",
				       gbps(d->recv_bytes + L1_OVERHEAD * d->recv, d->rx_ns));
			else
				printf(",");
			printf(",");
			if (d->tx_known)
				printf("%" PRIu64, d->sent_warm);
			printf(",");
			if (d->rx_known)
				printf("%" PRIu64, d->recv_warm);
			printf(",%s\n", status);
		}
		return;
	}
	printf("\n" PERF_NAME ": bandwidth, role %s, %u-byte frames, burst %u, %s, "
	       "%u lcore(s): %s\n", role_name(), ctx.o.size, ctx.o.burst, rate, ctx.lcores,
	       status);
	printf("Gbit/s counts frame bytes (Ethernet header + payload; no preamble, IFG or "
	       "CRC); L1 adds %u bytes per frame.\n", L1_OVERHEAD);
	for (i = 0; i < n; i++) {
		const struct dir_view *d = &v[i];

		printf("\n%s\n", d->label);
		printf("  %-9s %14s  %10s %10s %10s %10s\n", "", "frames", "Mpps", "Gbit/s",
		       "L1 Gbit/s", "seconds");
		if (d->tx_known)
			print_rate_row("sent", d->sent, d->sent_bytes, d->tx_ns);
		else
			printf("  %-9s %14s\n", "sent", "unknown (no count from the peer)");
		if (d->rx_known)
			print_rate_row("received", d->recv, d->recv_bytes, d->rx_ns);
		else
			printf("  %-9s %14s\n", "received",
			       "unknown (no REPORT from the server)");
		if (d->tx_known && d->rx_known)
			printf("  %-9s %14" PRId64 "  (%.4f %%)  reordered %" PRIu64
			       ", corrupt %" PRIu64 "\n", "lost", (int64_t)(d->sent - d->recv),
			       d->sent ? 100.0 * ((double)d->sent - (double)d->recv) /
						 (double)d->sent : 0.0,
			       d->reordered, d->corrupt);
		if (ctx.o.warmup > 0 && d->tx_known && d->rx_known)
			printf("  warm-up frames: %" PRIu64 " sent, %" PRIu64 " received "
			       "(not in the figures above)\n", d->sent_warm, d->recv_warm);
	}
	if (ctx.o.role == ROLE_LOCAL || ctx.o.role == ROLE_CLIENT) {
		for (i = 0; i < ctx.ngen; i++)
			if (ctx.gen[i].full_events != 0 || ctx.gen[i].alloc_failures != 0)
				printf("port %u: the send queue was full %" PRIu64
				       " times (frames retried), %" PRIu64 " mbuf allocation "
				       "failures\n", ctx.gen[i].ep->port, ctx.gen[i].full_events,
				       ctx.gen[i].alloc_failures);
	}
	for (i = 0; i < ctx.nsink; i++)
		if (ctx.sink[i].foreign != 0)
			printf("port %u: %" PRIu64 " frames not of this run ignored\n",
			       ctx.sink[i].ep->port, ctx.sink[i].foreign);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with at least p per mille at or below it. */
static uint64_t
percentile(const uint64_t *sorted, uint64_t n, uint64_t per_mille)
{
	uint64_t rank = (n * per_mille + 999) / 1000; /* ceil(n * p) */

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

static void
fmt_ns(char *buf, size_t len, double ns)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.3g us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.3g ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3g s", ns / 1e9);
}

static void
hist_print(const struct lat_rec *l)
{
	uint64_t top = 0;
	int first = -1, last = -1, k;

	for (k = 0; k < LAT_BUCKETS; k++) {
		if (l->hist[k] == 0)
			continue;
		if (first < 0)
			first = k;
		last = k;
		if (l->hist[k] > top)
			top = l->hist[k];
	}
	if (first < 0)
		return;
	printf("\nhistogram of the round trip (log2 buckets: [from, to), count, share)\n");
	for (k = first; k <= last; k++) {
		char lo[24], hi[24], bar[41];
		unsigned int w = (unsigned int)((double)l->hist[k] * 40 / (double)top);

		if (w == 0 && l->hist[k] != 0)
			w = 1;
		memset(bar, '#', w);
		bar[w] = '\0';
		fmt_ns(lo, sizeof(lo), k == 0 ? 0 : (double)(UINT64_C(1) << k));
		fmt_ns(hi, sizeof(hi), 2.0 * (double)(UINT64_C(1) << k));
		printf("  [%9s, %9s) %12" PRIu64 " %7.3f %%  %s\n", lo, hi, l->hist[k],
		       100.0 * (double)l->hist[k] / (double)l->n, bar);
	}
}

static void
lat_print(const char *status)
{
	const struct lat_rec *l = &ctx.lat;
	uint64_t stored = RTE_MIN(l->n, l->cap);
	uint64_t sent = ctx.pinger.tx.frames;
	double v[6] = { 0 }; /* min, median, p99, p99.9, max, mean: ns */
	char rate[64];
	unsigned int i;

	if (stored != 0) {
		qsort(l->samples, stored, sizeof(l->samples[0]), cmp_u64);
		v[0] = (double)l->min * l->ns_per_cyc;
		v[1] = (double)percentile(l->samples, stored, 500) * l->ns_per_cyc;
		v[2] = (double)percentile(l->samples, stored, 990) * l->ns_per_cyc;
		v[3] = (double)percentile(l->samples, stored, 999) * l->ns_per_cyc;
		v[4] = (double)l->max * l->ns_per_cyc;
		v[5] = (double)l->sum / (double)l->n * l->ns_per_cyc;
	}
	rate_text(rate, sizeof(rate));
	if (ctx.o.csv) {
		printf("mode,role,frame_bytes,rate_pps,sent,received,lost,late,"
		       "percentile_samples,min_ns,median_ns,p99_ns,p999_ns,max_ns,mean_ns,"
		       "status\n");
		printf("lat,%s,%u,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRId64 ",%" PRIu64
		       ",%" PRIu64, role_name(), ctx.o.size, ctx.o.rate, sent, l->n,
		       (int64_t)(sent - l->n), l->late, stored);
		for (i = 0; i < 6; i++)
			if (stored != 0)
				printf(",%.0f", v[i]);
			else
				printf(",");
		printf(",%s\n", status);
		return;
	}
	printf("\n" PERF_NAME ": latency, role %s, %u-byte frames, %s, %u lcore(s): %s\n",
	       role_name(), ctx.o.size, rate, ctx.lcores, status);
	if (ctx.o.role == ROLE_LOCAL && ctx.nep == 2)
		printf("round trip port %u (%s) -> port %u (%s) -> back\n", ctx.ep[0].port,
		       ctx.ep[0].name, ctx.ep[1].port, ctx.ep[1].name);
	else if (ctx.o.role == ROLE_LOCAL)
		printf("round trip port %u (%s) -> itself (looped back) -> back\n",
		       ctx.ep[0].port, ctx.ep[0].name);
	else
		printf("round trip port %u (%s) -> server -> back\n", ctx.ep[0].port,
		       ctx.ep[0].name);
	printf("timestamps: TSC (rte_rdtsc) of the pinging lcore, %.3f GHz "
	       "(rte_get_tsc_hz)\n", (double)ctx.hz / 1e9);
	printf("  pings sent %" PRIu64 ", answered %" PRIu64 ", lost %" PRId64
	       ", late %" PRIu64, sent, l->n, (int64_t)(sent - l->n), l->late);
	if (ctx.o.role == ROLE_CLIENT && ctx.have_report)
		printf(", reflected by the server %" PRIu64,
		       rte_be_to_cpu_64(ctx.report.pongs));
	printf("\n");
	if (stored == 0) {
		printf("  no round trip measured\n");
		return;
	}
	printf("  %10s %10s %10s %10s %10s %10s  (microseconds)\n", "min", "median", "p99",
	       "p99.9", "max", "mean");
	printf("  %10.3f %10.3f %10.3f %10.3f %10.3f %10.3f\n", v[0] / 1e3, v[1] / 1e3,
	       v[2] / 1e3, v[3] / 1e3, v[4] / 1e3, v[5] / 1e3);
	if (stored < l->n)
		printf("  percentiles over the first %" PRIu64 " of %" PRIu64
		       " samples (min, max and mean over all)\n", stored, l->n);
	hist_print(l);
}

/* The server of a latency run knows what it reflected and the client's counts. */
static void
server_lat_print(const char *status)
{
	uint64_t pongs = ctx.sink[0].pongs;
	uint64_t pings = ctx.have_done ? rte_be_to_cpu_64(ctx.done.tx.frames) +
						 rte_be_to_cpu_64(ctx.done.tx.warmup) : 0;
	uint64_t answered = ctx.have_done ? rte_be_to_cpu_64(ctx.done.rx.frames) : 0;

	if (ctx.o.csv) {
		printf("mode,role,frame_bytes,reflected,client_pings_sent,client_answered,"
		       "foreign,status\n");
		printf("lat,server,%u,%" PRIu64 ",", ctx.o.size, pongs);
		if (ctx.have_done)
			printf("%" PRIu64 ",%" PRIu64, pings, answered);
		else
			printf(",");
		printf(",%" PRIu64 ",%s\n", ctx.sink[0].foreign, status);
		return;
	}
	printf("\n" PERF_NAME ": latency, role server, port %u (%s): %s\n", ctx.ep[0].port,
	       ctx.ep[0].name, status);
	printf("  reflected %" PRIu64 " pings (warm-up included)", pongs);
	if (ctx.have_done)
		printf("; the client sent %" PRIu64 " and got %" PRIu64 " answers (measured)",
		       pings, answered);
	printf("\n");
	if (ctx.sink[0].reflect_drops != 0)
		printf("  %" PRIu64 " pongs dropped: the send queue stayed full\n",
		       ctx.sink[0].reflect_drops);
}

void
report_print(const char *status)
{
	if (ctx.o.role == ROLE_SERVER && ctx.o.mode == MODE_LAT)
		server_lat_print(status);
	else if (ctx.o.mode == MODE_LAT)
		lat_print(status);
	else
		bw_print(status);
	fflush(stdout);
}
