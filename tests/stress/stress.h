/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Helpers of the stress tests, on top of qpt.h: wall-clock budgets, hot plug, the memzone census,
 * and the counters of a port summed over its queues, with the balance law of a cable.
 */
#ifndef STRESS_H
#define STRESS_H

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_memzone.h>

#include "qpt.h"

/* Frames one st_send()/st_recv() call moves per burst. */
#define ST_BURST 32u

/* Prefix of the names of the driver's queue memzones: qpring_p<port>_<r|t>q<q>. */
#define ST_MZ_PREFIX "qpring_p"

static inline uint64_t
st_deadline(unsigned int ms)
{
	return rte_get_timer_cycles() + rte_get_timer_hz() * ms / 1000u;
}

static inline int
st_expired(uint64_t deadline)
{
	return rte_get_timer_cycles() > deadline;
}

struct st_mz_census {
	const char *prefix;
	unsigned int n;
};

static inline void
st_mz_count_cb(const struct rte_memzone *mz, void *arg)
{
	struct st_mz_census *c = arg;

	if (strncmp(mz->name, c->prefix, strlen(c->prefix)) == 0)
		c->n++;
}

/* Memzones whose name starts with @prefix. */
static inline unsigned int
st_mz_count(const char *prefix)
{
	struct st_mz_census c = { .prefix = prefix, .n = 0 };

	rte_memzone_walk(st_mz_count_cb, &c);
	return c.n;
}

/* Memzones of the queues of port @port ("qpring_p<port>_"). */
static inline unsigned int
st_mz_of_port(uint16_t port)
{
	char prefix[RTE_MEMZONE_NAMESIZE];

	snprintf(prefix, sizeof(prefix), ST_MZ_PREFIX "%u_", port);
	return st_mz_count(prefix);
}

/* Port of the ethdev named @name, or -ENODEV. */
static inline int
st_port(const char *name)
{
	uint16_t port;

	return rte_eth_dev_get_port_by_name(name, &port) == 0 ? port : -ENODEV;
}

/* Hot-plug @devargs ("name,key=value,...") and return the port of @name or -errno. */
static inline int
st_hotplug_add(const char *devargs, const char *name)
{
	int ret = rte_dev_probe(devargs);

	return ret != 0 ? ret : st_port(name);
}

/* Hot-unplug the device of port @port (whatever state the port is in). */
static inline int
st_hotplug_remove(uint16_t port)
{
	struct rte_eth_dev_info info;
	int ret = rte_eth_dev_info_get(port, &info);

	if (ret != 0)
		return ret;
	if (info.device == NULL)
		return -ENODEV;
	return rte_dev_remove(info.device);
}

/* Link status of @port as rte_eth_link_get_nowait() reports it (-1 on error). */
static inline int
st_link(uint16_t port)
{
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(port, &link) != 0)
		return -1;
	return link.link_status;
}

/* Numbered frames on queue @q of @port: qpt_send()/qpt_recv() (qpt.h). */
static inline unsigned int
st_send(uint16_t port, uint16_t q, struct rte_mempool *mp, unsigned int n, uint32_t len,
	uint32_t seq0)
{
	return qpt_send(port, q, mp, n, len, NULL, seq0);
}

#define st_recv qpt_recv

/*
 * The counters of one port, summed over its queues. Ethdev's view first,
 * then the driver's own (xstats), which tell where a frame went when the
 * ethdev counters do not balance.
 */
struct st_ctr {
	/* rte_eth_stats_get() */
	uint64_t ipackets, imissed, ierrors, opackets, oerrors;
	/* send queues: tx_q<N>_<name> */
	uint64_t posted;      /* wqes_posted: frames the driver put on the ring */
	uint64_t refused;     /* bad_frame_drops: frames the driver refused */
	uint64_t serviced;    /* adapter_serviced */
	uint64_t no_link;     /* no_link_drops */
	uint64_t flushed;     /* flushed_wqes: discarded unserviced at stop */
	uint64_t tx_pending;  /* reg_pending: posted, not yet serviced */
	/* receive queues: rx_q<N>_<name> */
	uint64_t placed;      /* adapter_completions: frames put into posted buffers */
	uint64_t reaped;      /* completions_reaped: frames handed to the application */
	uint64_t rx_errors;   /* error_completions */
	uint64_t no_buffer;   /* no_buffer_drops */
	uint64_t filtered;    /* mac_filter_drops */
	uint64_t oversize;    /* oversize_drops */
	/* rte_eth_rx_queue_count() summed: frames waiting to be received */
	uint64_t in_ring;
};

/* Add xstat @name = @v of a qpring port to @c (names it does not sum are ignored). */
static inline void
st_ctr_xstat(struct st_ctr *c, const char *name, uint64_t v)
{
	static const struct {
		const char *dir, *what;
		size_t off;
	} map[] = {
		{ "tx", "wqes_posted", offsetof(struct st_ctr, posted) },
		{ "tx", "bad_frame_drops", offsetof(struct st_ctr, refused) },
		{ "tx", "adapter_serviced", offsetof(struct st_ctr, serviced) },
		{ "tx", "no_link_drops", offsetof(struct st_ctr, no_link) },
		{ "tx", "flushed_wqes", offsetof(struct st_ctr, flushed) },
		{ "tx", "reg_pending", offsetof(struct st_ctr, tx_pending) },
		{ "rx", "adapter_completions", offsetof(struct st_ctr, placed) },
		{ "rx", "completions_reaped", offsetof(struct st_ctr, reaped) },
		{ "rx", "error_completions", offsetof(struct st_ctr, rx_errors) },
		{ "rx", "no_buffer_drops", offsetof(struct st_ctr, no_buffer) },
		{ "rx", "mac_filter_drops", offsetof(struct st_ctr, filtered) },
		{ "rx", "oversize_drops", offsetof(struct st_ctr, oversize) },
	};
	const char *rest;
	char *end;
	unsigned int i;

	/* "<dir>_q<N>_<what>" */
	if (strncmp(name + 2, "_q", 2) != 0 || name[4] < '0' || name[4] > '9')
		return;
	strtoul(name + 4, &end, 10);
	if (*end != '_')
		return;
	rest = end + 1;
	for (i = 0; i < RTE_DIM(map); i++)
		if (strncmp(name, map[i].dir, 2) == 0 && strcmp(rest, map[i].what) == 0)
			*(uint64_t *)(void *)((char *)c + map[i].off) += v; /* a uint64_t field */
}

/*
 * Read the counters of @port into @c (zeroed first). @with_ring: also count
 * the frames waiting in its receive rings (port started, queues started).
 * Returns 0 or -1 (something could not be read; reported by the caller).
 */
static inline int
st_ctr_read(uint16_t port, int with_ring, struct st_ctr *c)
{
	struct rte_eth_xstat_name *names = NULL;
	struct rte_eth_xstat *xs = NULL;
	struct rte_eth_dev_info info;
	struct rte_eth_stats st;
	int n, i, ret = -1;
	uint16_t q;

	memset(c, 0, sizeof(*c));
	if (rte_eth_stats_get(port, &st) != 0)
		return -1;
	c->ipackets = st.ipackets;
	c->imissed = st.imissed;
	c->ierrors = st.ierrors;
	c->opackets = st.opackets;
	c->oerrors = st.oerrors;
	n = rte_eth_xstats_get_names(port, NULL, 0);
	if (n <= 0)
		return -1;
	names = calloc((size_t)n, sizeof(*names));
	xs = calloc((size_t)n, sizeof(*xs));
	if (names == NULL || xs == NULL || rte_eth_xstats_get_names(port, names, n) != n ||
	    rte_eth_xstats_get(port, xs, n) != n)
		goto out;
	for (i = 0; i < n; i++)
		st_ctr_xstat(c, names[xs[i].id].name, xs[i].value);
	if (with_ring) {
		if (rte_eth_dev_info_get(port, &info) != 0)
			goto out;
		for (q = 0; q < info.nb_rx_queues; q++) {
			int k = rte_eth_rx_queue_count(port, q);

			if (k < 0)
				goto out;
			c->in_ring += (uint64_t)k;
		}
	}
	ret = 0;
out:
	free(names);
	free(xs);
	return ret;
}

/* @acc += @c, field by field. */
static inline void
st_ctr_add(struct st_ctr *acc, const struct st_ctr *c)
{
	uint64_t *a = (uint64_t *)acc;
	const uint64_t *b = (const uint64_t *)c;
	size_t i;

	for (i = 0; i < sizeof(*acc) / sizeof(uint64_t); i++)
		a[i] += b[i];
}

/*
 * The balance of one direction of a cable, X sends, Y receives, nothing in
 * flight. @sent: valid frames the application handed to X's Tx bursts;
 * @refused: frames it handed over that the driver must refuse; @got: frames
 * the application took from Y's Rx bursts. Receivers are promiscuous (no
 * MAC filter drops, which ethdev counts nowhere). Ethdev's law:
 *   sent = Y.ipackets + Y.imissed + Y.ierrors + (X.oerrors - X.refused) + Y.in_ring
 * and the driver's own, frame by frame through the adapter:
 *   X.posted = X.serviced + X.flushed + X.tx_pending
 *   X.serviced = X.no_link + Y.placed + Y.no_buffer + Y.filtered + Y.oversize
 * A shortfall of the first law shows as "unaccounted": frames that Y's
 * adapter placed into receive buffers that no counter reports and no ring
 * holds (placed - reaped - rx_errors - in_ring).
 */
static inline void
st_balance(const char *what, uint64_t sent, uint64_t refused, uint64_t got,
	   const struct st_ctr *x, const struct st_ctr *y)
{
	uint64_t counted = y->ipackets + y->imissed + y->ierrors + (x->oerrors - x->refused) +
			   y->in_ring;
	int64_t unaccounted = (int64_t)(y->placed - y->reaped - y->rx_errors - y->in_ring);

	CHECK(sent == counted,
	      "%s: sent %" PRIu64 " != ipackets %" PRIu64 " + imissed %" PRIu64
	      " + ierrors %" PRIu64 " + (oerrors %" PRIu64 " - refused %" PRIu64 ") + in rings %"
	      PRIu64 " = %" PRIu64 "; the receiver's adapter placed %" PRIu64
	      " frames of which %" PRId64 " were neither received, counted nor left in a ring",
	      what, sent, y->ipackets, y->imissed, y->ierrors, x->oerrors, x->refused, y->in_ring,
	      counted, y->placed, unaccounted);
	CHECK(x->refused == refused, "%s: driver refused %" PRIu64 " frames, %" PRIu64
	      " were bad", what, x->refused, refused);
	CHECK(y->ipackets == got, "%s: ipackets %" PRIu64 ", the application received %" PRIu64,
	      what, y->ipackets, got);
	CHECK(x->posted == sent, "%s: wqes_posted %" PRIu64 ", sent %" PRIu64, what, x->posted,
	      sent);
	CHECK(x->posted == x->serviced + x->flushed + x->tx_pending,
	      "%s: posted %" PRIu64 " != serviced %" PRIu64 " + flushed %" PRIu64
	      " + pending %" PRIu64, what, x->posted, x->serviced, x->flushed, x->tx_pending);
	CHECK(x->serviced == x->no_link + y->placed + y->no_buffer + y->filtered + y->oversize,
	      "%s: serviced %" PRIu64 " != no_link %" PRIu64 " + placed %" PRIu64
	      " + no_buffer %" PRIu64 " + filtered %" PRIu64 " + oversize %" PRIu64, what,
	      x->serviced, x->no_link, y->placed, y->no_buffer, y->filtered, y->oversize);
	CHECK(x->oerrors - x->refused == x->no_link + x->flushed,
	      "%s: oerrors %" PRIu64 " - refused %" PRIu64 " != no_link %" PRIu64
	      " + flushed %" PRIu64, what, x->oerrors, x->refused, x->no_link, x->flushed);
	/* imissed may also count frames a stopping queue dropped from its ring */
	CHECK(y->imissed >= y->no_buffer, "%s: imissed %" PRIu64 " < no_buffer_drops %" PRIu64,
	      what, y->imissed, y->no_buffer);
}

/* Every mbuf of @mp back in it, and the pool consistent. */
static inline void
st_pool_home(struct rte_mempool *mp, unsigned int want_in_use, const char *what)
{
	CHECK(qpt_in_use(mp) == want_in_use, "%s: %u mbufs of %s in use, want %u", what,
	      qpt_in_use(mp), mp->name, want_in_use);
	rte_mempool_audit(mp);
}

#endif /* STRESS_H */
