/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Helpers shared by the asynchronous-adapter tests, on top of qpt.h: EAL with
 * a service lcore, wall-clock bounds, numbered flows checked end to end, the
 * conservation law of a cable, and a mempool check that catches double frees.
 */
#ifndef ASYNC_H
#define ASYNC_H

#include <rte_cycles.h>
#include <rte_log.h>
#include <rte_service.h>

#include "qpt.h"

/* The one service lcore of these tests (EAL -l 0,1 -S 1); lcore 0 drives. */
#define AS_SERVICE_LCORE 1u

/* Wall-clock cap of any wait of these tests: fail, never hang. */
#define AS_WAIT_MS 5000u

/*
 * Start EAL for test @name. @service: lcores 0 and 1, lcore 1 a service
 * lcore (skipped, exit 77, on a machine with one CPU); otherwise lcore 0.
 */
static inline void
as_eal_init(const char *name, unsigned int mem_mb, int service)
{
	static const char *const svc_args[] = { "-S", "1", NULL };

	/* Line-buffered: a test killed by its timeout still shows how far it got. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (service && sysconf(_SC_NPROCESSORS_ONLN) < 2)
		qpt_skip("needs 2 CPUs: lcore 0 drives, lcore 1 runs the adapter service");
	REQUIRE(setenv("QPT_LCORES", service ? "0,1" : "0", 1) == 0, "setenv");
	qpt_eal_init(name, mem_mb, service ? svc_args : NULL);
	if (service)
		REQUIRE(rte_service_lcore_count() == 1 &&
			rte_lcore_has_role(AS_SERVICE_LCORE, ROLE_SERVICE),
			"EAL -S 1 gave %d service lcores", rte_service_lcore_count());
}

static inline uint64_t
as_deadline(unsigned int ms)
{
	return rte_get_timer_cycles() + rte_get_timer_hz() * ms / 1000u;
}

static inline int
as_expired(uint64_t deadline)
{
	return rte_get_timer_cycles() > deadline;
}

/* The same xstat summed over queues 0..@nb_qp-1. */
static inline uint64_t
as_xs_sum(uint16_t port, const char *dir, uint16_t nb_qp, const char *what)
{
	uint64_t sum = 0;
	uint16_t q;

	for (q = 0; q < nb_qp; q++)
		sum += qpt_qxstat(port, dir, q, what);
	return sum;
}

/* Everything serviced and completed on the send queues 0..@nb_qp-1 of @port? */
static inline int
as_sender_idle(uint16_t port, uint16_t nb_qp)
{
	uint16_t q;

	for (q = 0; q < nb_qp; q++) {
		struct rte_pmd_qpring_regs r = qpt_regs(port, q, RTE_PMD_QPRING_SQ);

		if (r.pending != 0 || r.done_slots != r.size)
			return 0;
	}
	return 1;
}

/*
 * Probe vdev @name with @args and set up @nb_qp queue pairs of @ring slots
 * receiving into @mp, with @conf (NULL: all zero). Not started.
 */
static inline uint16_t
as_port(const char *name, const char *args, uint16_t nb_qp, uint16_t ring,
	struct rte_mempool *mp, const struct rte_eth_conf *conf)
{
	struct rte_eth_conf zero;
	int port = qpt_vdev(name, args);
	uint16_t q;

	REQUIRE(port >= 0, "probe %s \"%s\": %d", name, args, port);
	memset(&zero, 0, sizeof(zero));
	REQUIRE(rte_eth_dev_configure((uint16_t)port, nb_qp, nb_qp, conf ? conf : &zero) == 0,
		"configure %s", name);
	for (q = 0; q < nb_qp; q++) {
		REQUIRE(rte_eth_rx_queue_setup((uint16_t)port, q, ring, rte_socket_id(), NULL,
					       mp) == 0, "%s rxq %u", name, q);
		REQUIRE(rte_eth_tx_queue_setup((uint16_t)port, q, ring, rte_socket_id(),
					       NULL) == 0, "%s txq %u", name, q);
	}
	return (uint16_t)port;
}

static inline void
as_start(uint16_t port)
{
	int ret = rte_eth_dev_start(port);

	REQUIRE(ret == 0, "start port %u: %d", port, ret);
}

/* Stop and close vdev @name's port, then remove the vdev. */
static inline void
as_destroy(const char *name)
{
	uint16_t port;

	if (rte_eth_dev_get_port_by_name(name, &port) == 0) {
		CHECK_EQ(rte_eth_dev_stop(port), 0);
		CHECK_EQ(rte_eth_dev_close(port), 0);
	}
	CHECK_EQ(rte_vdev_uninit(name), 0);
}

/* ------------------------------------------------------------ flows */

/* Frame k of every flow has size as_len(k). */
static inline uint32_t
as_len(uint32_t k)
{
	static const uint32_t lens[] = { 60, 64, 128, 1000, 1518, 200, 61 };

	return lens[k % RTE_DIM(lens)];
}

/* Sequence number of frame k of queue pair q, flow f: unique per flow. */
static inline uint32_t
as_seq(unsigned int f, uint16_t q, uint32_t k)
{
	return (uint32_t)f << 28 | (uint32_t)q << 20 | (k & 0xfffffu);
}

/*
 * The receive side of one numbered flow (flow f, queue pair q): what came,
 * checked as it comes. @exact: frames must arrive as 0, 1, 2, ...; otherwise
 * frames may be missing (faults) but never out of order, twice or damaged.
 */
struct as_flow {
	unsigned int f;
	uint16_t q;
	uint8_t exact;
	uint32_t got;      /* frames received */
	uint32_t next;     /* lowest frame number still acceptable */
	uint64_t bytes;
	uint32_t bad;      /* damaged, foreign, repeated or out of order */
	uint64_t digest;   /* of the numbers received, to compare runs */
};

static inline void
as_flow_init(struct as_flow *fl, unsigned int f, uint16_t q, uint8_t exact)
{
	memset(fl, 0, sizeof(*fl));
	fl->f = f;
	fl->q = q;
	fl->exact = exact;
}

/* Check and free @n received frames. */
static inline void
as_flow_take(struct as_flow *fl, struct rte_mbuf **m, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint32_t seq = ~0u, k;
		const void *p;
		int ok;

		/* The frame number is part of the sequence number and the
		 * length follows from it: read the number first.
		 */
		p = rte_pktmbuf_read(m[i], sizeof(struct rte_ether_hdr), sizeof(seq), &seq);
		if (p != NULL && p != (const void *)&seq)
			memcpy(&seq, p, sizeof(seq));
		k = seq & 0xfffffu;
		ok = seq == as_seq(fl->f, fl->q, k) && k >= fl->next &&
		     (!fl->exact || k == fl->next) &&
		     qpt_frame_check(m[i], as_len(k), NULL) == 0;
		if (!ok) {
			if (fl->bad < 5)
				printf("  flow %u q%u: bad frame: seq %#x len %u, expected frame "
				       ">= %u\n", fl->f, fl->q, seq, m[i]->pkt_len, fl->next);
			fl->bad++;
		} else {
			fl->next = k + 1;
			fl->digest = fl->digest * 1000003u + k;
		}
		fl->got++;
		fl->bytes += m[i]->pkt_len;
		rte_pktmbuf_free(m[i]);
	}
}

/* Receive on (@port, @fl->q) once; returns the frames received. */
static inline unsigned int
as_flow_rx(uint16_t port, struct as_flow *fl)
{
	struct rte_mbuf *m[32];
	uint16_t n = rte_eth_rx_burst(port, fl->q, m, RTE_DIM(m));

	as_flow_take(fl, m, n);
	return n;
}

/*
 * Send frames @k0.. of flow (@f, @q) on @port, at most @n of them in one
 * burst (<= 64). Returns how many the port took; the rest are freed.
 */
static inline unsigned int
as_send(uint16_t port, uint16_t q, struct rte_mempool *mp, unsigned int f, uint32_t k0,
	unsigned int n)
{
	struct rte_mbuf *m[64];
	unsigned int i;
	uint16_t took;

	n = RTE_MIN(n, RTE_DIM(m));
	for (i = 0; i < n; i++) {
		m[i] = qpt_frame(mp, as_seq(f, q, k0 + i), as_len(k0 + i), NULL);
		if (m[i] == NULL)
			REQUIRE(0, "pool %s: out of mbufs", mp->name);
	}
	took = rte_eth_tx_burst(port, q, m, (uint16_t)n);
	qpt_free_all(m + took, n - took);
	return took;
}

/* Bytes of frames 0..n-1 of a flow. */
static inline uint64_t
as_bytes(uint32_t n)
{
	uint64_t b = 0;
	uint32_t k;

	for (k = 0; k < n; k++)
		b += as_len(k);
	return b;
}

/* -------------------------------------------------------- conservation */

/*
 * Every frame a cable's sender @a posted, and where it went, read from the
 * counters of @a and of the receiver @b (queue pairs 0..@nb_qp-1).
 */
struct as_balance {
	/* sender */
	uint64_t posted;   /* send WQEs posted (wqes_posted) */
	uint64_t opackets, oerrors;
	uint64_t bad_frames, flushed, no_link, medium, f_errors, f_drops, f_rx_errors;
	uint64_t pending;  /* posted, not yet serviced (PENDING registers) */
	/* receiver */
	uint64_t ipackets, ierrors, imissed, filtered;
	uint64_t rx_error_completions;
	uint64_t waiting;  /* delivered, not yet harvested (rx_queue_count) */
};

/* @b_started: 0 once @b is stopped (its rings are then empty). */
static inline struct as_balance
as_balance_get(uint16_t a, uint16_t b, uint16_t nb_qp, int b_started)
{
	struct rte_eth_stats sa = qpt_stats(a), sb = qpt_stats(b);
	struct as_balance x;
	uint16_t q;

	memset(&x, 0, sizeof(x));
	x.posted = as_xs_sum(a, "tx", nb_qp, "wqes_posted");
	x.opackets = sa.opackets;
	x.oerrors = sa.oerrors;
	x.medium = as_xs_sum(a, "tx", nb_qp, "medium_errors");
	x.bad_frames = as_xs_sum(a, "tx", nb_qp, "bad_frame_drops");
	x.flushed = as_xs_sum(a, "tx", nb_qp, "flushed_wqes");
	x.no_link = as_xs_sum(a, "tx", nb_qp, "no_link_drops");
	x.f_errors = as_xs_sum(a, "tx", nb_qp, "fault_error_completions");
	x.f_drops = as_xs_sum(a, "tx", nb_qp, "fault_wire_drops");
	x.f_rx_errors = as_xs_sum(a, "tx", nb_qp, "fault_rx_error_completions");
	x.ipackets = sb.ipackets;
	x.ierrors = sb.ierrors;
	x.imissed = sb.imissed;
	x.filtered = as_xs_sum(b, "rx", nb_qp, "mac_filter_drops");
	x.rx_error_completions = as_xs_sum(b, "rx", nb_qp, "error_completions");
	for (q = 0; q < nb_qp; q++) {
		x.pending += qpt_regs(a, q, RTE_PMD_QPRING_SQ).pending;
		if (b_started) {
			int n = rte_eth_rx_queue_count(b, q);

			CHECK(n >= 0, "rx_queue_count(%u, %u) = %d", b, q, n);
			x.waiting += n > 0 ? (uint64_t)n : 0;
		}
	}
	return x;
}

/*
 * The conservation law of a cable: every WQE the sender posted was received,
 * received with an error, missed, filtered, failed at the sender (error, no
 * link, medium, flushed), lost on the wire, or is still on its way (pending
 * at the sender, waiting at the receiver). And the make-up of the sender's
 * basic stats: opackets = posted - failed sends, oerrors = refused frames +
 * failed sends (a frame lost on the wire left the queue: it counts as sent).
 */
static inline void
as_balance_check(const struct as_balance *x, const char *when)
{
	uint64_t failed = x->no_link + x->f_errors + x->medium + x->flushed;
	uint64_t gone = x->ipackets + x->ierrors + x->imissed + x->filtered + failed +
			x->f_drops + x->pending + x->waiting;

	CHECK(x->posted == gone,
	      "%s: posted %" PRIu64 " != ipackets %" PRIu64 " + ierrors %" PRIu64
	      " + imissed %" PRIu64 " + filtered %" PRIu64 " + fault errors %" PRIu64
	      " + wire drops %" PRIu64 " + no link %" PRIu64 " + medium %" PRIu64
	      " + flushed %" PRIu64 " + pending %" PRIu64 " + waiting %" PRIu64, when, x->posted,
	      x->ipackets, x->ierrors, x->imissed, x->filtered, x->f_errors, x->f_drops,
	      x->no_link, x->medium, x->flushed, x->pending, x->waiting);
	CHECK(x->opackets == x->posted - failed,
	      "%s: opackets %" PRIu64 " != posted %" PRIu64 " - failed sends %" PRIu64, when,
	      x->opackets, x->posted, failed);
	CHECK(x->oerrors == x->bad_frames + failed,
	      "%s: oerrors %" PRIu64 " != bad %" PRIu64 " + no link %" PRIu64 " + fault errors %"
	      PRIu64 " + medium %" PRIu64 " + flushed %" PRIu64, when, x->oerrors, x->bad_frames,
	      x->no_link, x->f_errors, x->medium, x->flushed);
}

/* ------------------------------------------------------------ mempool */

static int
as_ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Audit @mp, then take every object it will give: there must be exactly
 * @expect_free of them and none twice (an mbuf freed twice sits in the pool
 * twice). Everything is put back.
 */
static inline void
as_pool_check(struct rte_mempool *mp, unsigned int expect_free)
{
	unsigned int n = 0, i, dup = 0;
	void **objs = calloc(mp->size + 2u, sizeof(*objs));

	REQUIRE(objs != NULL, "calloc");
	rte_mempool_audit(mp);
	while (n < mp->size + 2u && rte_mempool_get(mp, &objs[n]) == 0)
		n++;
	qsort(objs, n, sizeof(*objs), as_ptr_cmp);
	for (i = 1; i < n; i++)
		dup += objs[i] == objs[i - 1];
	CHECK(n == expect_free, "pool %s: %u objects free, expected %u", mp->name, n,
	      expect_free);
	CHECK(dup == 0, "pool %s: %u objects handed out twice (freed twice)", mp->name, dup);
	for (i = 0; i < n; i++)
		if (i == 0 || objs[i] != objs[i - 1])
			rte_mempool_put(mp, objs[i]);
	free(objs);
}

/* ----------------------------------------------------------- log capture */

static FILE *as_log_file;

static inline void
as_log_begin(void)
{
	as_log_file = tmpfile();
	REQUIRE(as_log_file != NULL, "tmpfile: %s", strerror(errno));
	REQUIRE(rte_openlog_stream(as_log_file) == 0, "rte_openlog_stream");
}

/* Lines logged since as_log_begin() that contain @needle. */
static inline unsigned int
as_log_end(const char *needle)
{
	char line[512];
	unsigned int n = 0;

	rte_openlog_stream(NULL);
	if (as_log_file == NULL)
		return 0;
	fflush(as_log_file);
	rewind(as_log_file);
	while (fgets(line, sizeof(line), as_log_file) != NULL) {
		fputs(line, stdout);
		n += strstr(line, needle) != NULL;
	}
	fclose(as_log_file);
	as_log_file = NULL;
	return n;
}

#endif /* ASYNC_H */
