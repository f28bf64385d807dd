/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qpring-perf: shared declarations. The tool's parts are the options
 * (options.c), the ports (port.c), the fast path: senders, receivers,
 * pinger, reflector (traffic.c), the client/server protocol (session.c),
 * the results (report.c) and the program (main.c).
 */
#ifndef QPERF_PERF_H
#define QPERF_PERF_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "frame.h"

#define PERF_NAME "qpring-perf"
#define MAX_BURST 512
#define MIN_SIZE 64u
#define MAX_SIZE 9000u
#define LAT_BUCKETS 64	/* log2 buckets of the round trip in ns */

/* Exit statuses (also in --help and the README). */
#define EXIT_RUN_FAILED 1 /* a port, the peer or the run failed or timed out */
#define EXIT_USAGE 2	  /* bad option or impossible configuration */
/* Interrupted by a signal: 128 + the signal's number, after a clean stop. */

enum perf_mode { MODE_BW = 1, MODE_LAT = 2 };
enum perf_role { ROLE_LOCAL, ROLE_SERVER, ROLE_CLIENT };

struct perf_opts {
	enum perf_mode mode;
	enum perf_role role;
	uint16_t port[2];
	unsigned int nports;	  /* port ids given or defaulted: 1 or 2 */
	uint32_t size;		  /* frame bytes, no FCS */
	uint64_t count;		  /* measured frames; 0: run for duration */
	double duration;	  /* s, when count is 0 */
	double warmup;		  /* s */
	uint16_t burst;
	uint64_t rate;		  /* frames/s; 0: unlimited (lat: one in flight) */
	bool bidir;
	bool verify;
	bool csv;
	uint32_t window;	  /* local bw: frames in flight per direction; 0: off */
	uint16_t desc;
	double progress;	  /* s between progress lines; 0: none */
	double link_timeout;	  /* s */
	double idle_timeout;	  /* s */
	double reply_timeout_ms;
	double timeout;		  /* s; 0: derived from the run (see options.c) */
};

/*
 * Counters of one direction at one end. Single writer: only the lcore that
 * owns the queue stores them (CNT_ADD/CNT_SET); any lcore may read them at
 * any time (CNT_READ), e.g. for progress lines or the --window check.
 * Relaxed is enough: a reader wants some recent value of one word and
 * nothing ordered with it; final values are read after rte_eal_wait_lcore(),
 * which synchronises with everything the worker did. On x86-64 these are
 * plain loads and stores.
 */
struct dir_counts {
	uint64_t frames;    /* measured */
	uint64_t bytes;
	uint64_t warmup;    /* warm-up frames */
	uint64_t all;	    /* every DATA / PING frame, warm-up included */
	uint64_t reordered;
	uint64_t corrupt;
	uint64_t first_tsc; /* send: start of measuring; receive: first frame */
	uint64_t last_tsc;  /* send: end of sending; receive: last frame */
};
#define CNT_READ(c) __atomic_load_n(&(c), __ATOMIC_RELAXED)
#define CNT_SET(c, v) __atomic_store_n(&(c), (v), __ATOMIC_RELAXED)
#define CNT_ADD(c, v) CNT_SET(c, (c) + (v))

/* One ethdev port of the run, queue 0 in each direction. */
struct endpoint {
	uint16_t port;
	bool configured;
	bool started;
	char name[64];		  /* the device name, e.g. net_qpring0 */
	struct rte_ether_addr mac;  /* this port's address */
	struct rte_ether_addr dst;  /* where DATA and PING frames go */
	uint32_t max_frame;	  /* largest frame the port was set up for */
	struct rte_mempool *pool;
};

/*
 * A sender of DATA frames (bw). Runs on one lcore; `tx` and `finished`
 * are the only fields other lcores read.
 */
struct gen {
	/* set before the run */
	struct endpoint *ep;
	uint32_t session;
	uint32_t frame_len;
	uint16_t burst;
	bool pattern;
	uint64_t count;
	uint64_t duration_cyc;
	uint64_t warmup_cyc;
	double frames_per_cyc;	/* 0: unlimited */
	uint32_t window;	/* 0: off */
	const uint64_t *window_rx; /* the receiver's DATA count (local only) */
	/* owner lcore's state */
	bool begun;
	bool measuring;
	uint64_t t_begin, warm_end, measure_end;
	uint64_t seq;
	struct rte_mbuf *pend[MAX_BURST]; /* built, not yet accepted by the port */
	uint16_t npend, pend_off;
	bool pend_warm;
	uint64_t full_events;	  /* tx_burst took fewer than offered */
	uint64_t alloc_failures;
	/* published */
	struct dir_counts tx __rte_cache_aligned;
	uint32_t finished; /* release-stored once, see gen_finish() */
} __rte_cache_aligned;

/* Round-trip samples of the latency run. */
struct lat_rec {
	uint64_t *samples;	/* cycles, first `cap` measured samples */
	uint64_t cap;
	uint64_t n;		/* measured samples (all counted below) */
	uint64_t min, max, sum;	/* cycles */
	uint64_t hist[LAT_BUCKETS];
	double ns_per_cyc;
	uint64_t warm_received;
	uint64_t late;		/* PONGs that came after their ping's timeout */
	bool one_in_flight;
	bool waiting;		/* one in flight: a ping is outstanding */
	uint64_t wait_seq;
};

struct sink;
/* Control frames (HELLO, READY, DONE, REPORT) go to the role's handler. */
typedef void (*ctl_fn)(struct sink *s, struct rte_mbuf *m, const struct qpf_hdr *h,
		       uint64_t now);

/*
 * A receiver: polls one port's receive queue, counts DATA, reflects PING
 * (reflect), records PONG (lat) and hands control frames to `on_ctl`.
 */
struct sink {
	struct endpoint *ep;
	uint32_t session;	/* 0: none yet (a server before HELLO) */
	uint16_t burst;
	bool reflect;
	struct lat_rec *lat;
	ctl_fn on_ctl;
	void *ctl_arg;
	/* when this receiver is finished (see sink_step()) */
	const struct gen *feeders[2]; /* local senders whose frames come here */
	unsigned int nfeeders;
	const uint32_t *wait_flag;    /* another task's `finished` */
	uint64_t expect;	      /* measured frames expected, 0: unknown */
	uint64_t drain_cyc;	      /* quiet time that ends the run */
	uint64_t all_done_tsc;
	/* owner lcore's state */
	uint64_t last_rx_tsc;	      /* last frame of the session */
	uint64_t max_seq;
	bool have_seq;
	uint64_t reflect_drops;
	/* published */
	struct dir_counts rx __rte_cache_aligned;
	uint64_t pongs;		/* PINGs reflected */
	uint64_t foreign;	/* frames not ours or not of the session */
} __rte_cache_aligned;

/* The latency prober: sends PINGs and receives PONGs on one port. */
struct pinger {
	struct endpoint *ep;
	struct sink *sink; /* this port's receiver, polled by the pinger */
	uint32_t session;
	uint32_t frame_len;
	uint16_t burst;
	bool pattern;
	uint64_t count;
	uint64_t duration_cyc;
	uint64_t warmup_cyc;
	double frames_per_cyc;	/* 0: one in flight */
	uint64_t reply_cyc;
	/* owner lcore's state */
	bool begun;
	bool measuring;
	bool sending_over;
	uint64_t t_begin, warm_end, measure_end, last_send_tsc, deadline;
	uint64_t seq;
	uint64_t full_events;
	uint64_t alloc_failures;
	uint64_t timeouts;
	/* published */
	struct dir_counts tx __rte_cache_aligned; /* frames = measured pings */
	uint32_t finished;
} __rte_cache_aligned;

/* One unit of work on an lcore: step() returns true once it is finished. */
struct task {
	bool (*step)(void *arg, uint64_t now);
	void *arg;
	bool done;
};

#define MAX_TASKS 6
struct lcore_plan {
	struct task t[MAX_TASKS];
	unsigned int n;
	bool main; /* prints progress */
};

/* Everything of one run. */
struct perf_ctx {
	struct perf_opts o;
	uint64_t hz;
	uint32_t session;
	struct rte_mempool *pool;
	struct endpoint ep[2];
	unsigned int nep;
	struct gen gen[2];
	struct sink sink[2];
	struct pinger pinger;
	struct lat_rec lat;
	unsigned int ngen, nsink;
	bool have_pinger;
	unsigned int lcores;	 /* lcores used: 1 or 2 */
	unsigned int worker;	 /* the worker lcore's id when lcores == 2 */
	uint64_t deadline;	 /* TSC: hard end of the measurement */
	uint64_t t_start;	 /* TSC: start of the measurement */
	uint32_t timed_out;	 /* set by whichever lcore hits the deadline */
	uint64_t next_progress;
	/* the peer's view (client: from REPORT; server: from DONE) */
	bool have_report;
	struct qpf_report report;
	bool have_done;
	struct qpf_done done;
};

/* common.c */
extern struct perf_ctx ctx;
bool stop_requested(void);
void signals_catch(void);   /* SIGINT and SIGTERM ask the run to stop */
int caught_signal(void);    /* the first of them, or 0 */
void perr(const char *fmt, ...) __rte_format_printf(1, 2);
void pinfo(const char *fmt, ...) __rte_format_printf(1, 2);
uint64_t sec_to_cyc(double s);

/* options.c */
int options_parse(int argc, char **argv, struct perf_opts *o);
void options_usage(FILE *f);
double options_timeout(const struct perf_opts *o);

/* port.c */
int pool_create(struct perf_ctx *c, uint32_t max_frame);
int port_setup(struct endpoint *ep, uint16_t port, const struct perf_opts *o,
	       struct rte_mempool *pool, uint32_t max_frame);
int ports_wait_link(struct endpoint *eps, unsigned int n, double timeout_s,
		    const char *what_if_down);
void ports_wait_down(struct endpoint *eps, unsigned int n, double timeout_s);
void ports_close(struct perf_ctx *c);

/* traffic.c */
void frame_fill(struct rte_mbuf *m, const struct endpoint *ep, uint8_t type,
		uint16_t flags, uint32_t session, uint32_t len, uint64_t seq);
const struct qpf_hdr *frame_check(const struct rte_mbuf *m);
int ctl_send(struct endpoint *ep, const struct rte_ether_addr *to, uint8_t type,
	     uint32_t session, uint64_t seq, const void *body, uint32_t body_len);
uint16_t sink_poll(struct sink *s);
bool sink_step(void *arg, uint64_t now);
bool gen_step(void *arg, uint64_t now);
bool pinger_step(void *arg, uint64_t now);
void lat_init_hist(struct lat_rec *l);
int lcore_loop(void *arg);
void progress_line(uint64_t now);

/* session.c */
void counts_to_wire(struct qpf_counts *w, const struct dir_counts *d, uint64_t span_cyc);
void client_sink_init(struct sink *s);
int client_handshake(void);
int client_finish(void);
void server_sink_init(struct sink *s);
int server_loop(void);
bool server_had_session(void);
uint64_t sink_drain_cyc(void);

/* report.c */
void report_print(const char *status_word);

#endif /* QPERF_PERF_H */
