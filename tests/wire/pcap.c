/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Capture-file wires: what a tx_pcap port sends is in the file, byte for byte, with nanosecond
 * timestamps; an rx_pcap port receives exactly the frames of a file; damage and bad devargs.
 */
#include <limits.h>

#include "wire.h"

#define NB_MBUF  2048u
#define NB_BIG   256u
#define RING     64u
#define MAX_EXP  64u
#define BIG_ROOM (9216u + RTE_PKTMBUF_HEADROOM)

/* A frame to send: @segs mbufs (1: flat), or a frame the driver must refuse. */
struct fspec {
	uint32_t len;
	uint16_t segs;
	uint8_t bad; /* zero length or over the MTU: dropped and counted */
};

/* A frame that must arrive: its seq, length and, if non-zero, its segments. */
struct fexp {
	uint32_t seq;
	uint32_t len;
	uint16_t segs;
};

static const char *dir;
static struct rte_mempool *mp;  /* 2 KB buffers */
static struct rte_mempool *big; /* buffers for a 9216-byte frame */

static void
path_of(char *out, size_t size, const char *file)
{
	wire_fmt(out, size, "%s/%s", dir, file);
}

/*
 * Configure and start @port: @nb_qp queue pairs of RING slots over @pool,
 * Rx scatter if @scatter, MTU @mtu if non-zero (set before the start).
 * Returns 0 or the first failing call's value.
 */
static int
port_up(uint16_t port, uint16_t nb_qp, struct rte_mempool *pool, int scatter, uint16_t mtu)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	if (scatter)
		conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_SCATTER;
	ret = rte_eth_dev_configure(port, nb_qp, nb_qp, &conf);
	for (q = 0; ret == 0 && q < nb_qp; q++) {
		ret = rte_eth_rx_queue_setup(port, q, RING, rte_socket_id(), NULL, pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, RING, rte_socket_id(), NULL);
	}
	if (ret == 0 && mtu != 0)
		ret = rte_eth_dev_set_mtu(port, mtu);
	return ret != 0 ? ret : rte_eth_dev_start(port);
}

/* Probe vdev @name with @args and bring it up; REQUIREs success. */
static uint16_t
port_new(const char *name, const char *args, uint16_t nb_qp, struct rte_mempool *pool,
	 int scatter, uint16_t mtu)
{
	int port = qpt_vdev(name, args);
	int ret;

	REQUIRE(port >= 0, "probe %s \"%s\": %d", name, args, port);
	ret = port_up((uint16_t)port, nb_qp, pool, scatter, mtu);
	REQUIRE(ret == 0, "start %s: %d", name, ret);
	return (uint16_t)port;
}

/*
 * Send the frames of @specs on queue @q of @port in one burst, numbered
 * from @seq0, from @pool; the good ones are appended to @exp (*nb_exp).
 * Every frame must be taken (bad ones are consumed and counted).
 */
static void
send_specs(uint16_t port, uint16_t q, struct rte_mempool *pool, const struct fspec *specs,
	   unsigned int n, uint32_t seq0, struct fexp *exp, unsigned int *nb_exp)
{
	struct rte_mbuf *b[32];
	unsigned int i;
	uint16_t sent;

	REQUIRE(n <= RTE_DIM(b), "too many frames in one burst");
	for (i = 0; i < n; i++) {
		if (specs[i].len == 0)
			b[i] = rte_pktmbuf_alloc(pool);
		else
			b[i] = wire_chain(pool, seq0 + i, specs[i].len, specs[i].segs);
		REQUIRE(b[i] != NULL, "frame %u (%u bytes, %u segs)", i, specs[i].len,
			specs[i].segs);
		if (!specs[i].bad) {
			REQUIRE(*nb_exp < MAX_EXP, "too many expected frames");
			exp[*nb_exp].seq = seq0 + i;
			exp[*nb_exp].len = specs[i].len;
			exp[*nb_exp].segs = 0;
			(*nb_exp)++;
		}
	}
	sent = rte_eth_tx_burst(port, q, b, (uint16_t)n);
	CHECK_EQ(sent, n);
	qpt_free_all(b + sent, n - sent);
}

/*
 * Receive on queue @q of @port exactly the frames of @exp, in order and
 * byte-exact (and with exp[i].segs segments where that is non-zero), then
 * nothing more over 16 further polls. The frames are freed.
 */
static void
recv_exact(uint16_t port, uint16_t q, const struct fexp *exp, unsigned int n, const char *what)
{
	struct rte_mbuf *b[MAX_EXP + 8];
	unsigned int got, bad = 0, segs = 0, i, more;

	got = qpt_rx_all(port, q, b, n, 64);
	for (i = 0; i < got; i++) {
		if (wire_check(b[i], exp[i].len, exp[i].seq) != 0) {
			bad++;
			printf("  %s q%u frame %u: want seq %u len %u, got len %u\n", what, q, i,
			       exp[i].seq, exp[i].len, b[i]->pkt_len);
		}
		if (exp[i].segs != 0 && b[i]->nb_segs != exp[i].segs) {
			segs++;
			printf("  %s q%u frame %u (%u bytes): %u segments, want %u\n", what, q, i,
			       exp[i].len, b[i]->nb_segs, exp[i].segs);
		}
	}
	qpt_free_all(b, got);
	more = qpt_rx_all(port, q, b, RTE_DIM(b), 16);
	qpt_free_all(b, more);
	CHECK(got == n && bad == 0 && segs == 0 && more == 0,
	      "%s q%u: received %u of %u (%u not byte-exact, %u wrong segment count), then %u more",
	      what, q, got, n, bad, segs, more);
}

/*
 * The capture file @path holds exactly the frames of @exp, in order and
 * byte for byte: nanosecond magic, version 2.4, Ethernet link type, no
 * partial record; timestamps from this run, non-decreasing, a fraction
 * below 1e9 and (where the clock has the resolution) not all whole
 * microseconds.
 */
static void
check_file(const char *path, const struct fexp *exp, unsigned int n)
{
	static struct wire_pcap f;
	struct timespec now, res;
	unsigned int i, bad = 0, ts_bad = 0, sub_us = 0;
	uint64_t prev = 0;

	REQUIRE(wire_pcap_read(path, &f) == 0, "cannot read %s", path);
	clock_gettime(CLOCK_REALTIME, &now);
	clock_getres(CLOCK_REALTIME, &res);
	CHECK(f.magic == WIRE_PCAP_MAGIC_NS, "%s: magic %#x, want %#x (nanosecond pcap)", path,
	      f.magic, WIRE_PCAP_MAGIC_NS);
	CHECK(f.major == 2 && f.minor == 4, "%s: version %u.%u", path, f.major, f.minor);
	CHECK(f.linktype == 1, "%s: link type %u, want 1 (Ethernet)", path, f.linktype);
	CHECK(f.snaplen >= 9216, "%s: snap length %u cuts jumbo frames", path, f.snaplen);
	CHECK(f.nb_rec == n && f.tail_bytes == 0, "%s: %u records (+%d stray bytes), want %u",
	      path, f.nb_rec, f.tail_bytes, n);
	for (i = 0; i < f.nb_rec && i < n; i++) {
		uint64_t t = (uint64_t)f.rec[i].sec * 1000000000u + f.rec[i].frac;
		uint32_t seq = ~0u;

		if (f.rec[i].caplen != exp[i].len || f.rec[i].len != exp[i].len ||
		    wire_flat_check(wire_pcap_rec_data(&f, i), f.rec[i].caplen, &seq) != 0 ||
		    seq != exp[i].seq) {
			bad++;
			printf("  %s record %u: caplen %u len %u seq %u, want %u bytes seq %u\n",
			       path, i, f.rec[i].caplen, f.rec[i].len, seq, exp[i].len,
			       exp[i].seq);
		}
		if (f.rec[i].frac >= 1000000000u || t < prev ||
		    f.rec[i].sec + 600u < (uint64_t)now.tv_sec ||
		    f.rec[i].sec > (uint64_t)now.tv_sec + 5u) {
			ts_bad++;
			printf("  %s record %u: timestamp %u.%09u (now %ld)\n", path, i,
			       f.rec[i].sec, f.rec[i].frac, (long)now.tv_sec);
		}
		sub_us += f.rec[i].frac % 1000u != 0;
		prev = t;
	}
	CHECK(bad == 0, "%s: %u records differ from the frames sent", path, bad);
	CHECK(ts_bad == 0, "%s: %u records with an impossible timestamp", path, ts_bad);
	if (res.tv_sec == 0 && res.tv_nsec == 1 && n >= 4)
		CHECK(sub_us > 0, "%s: all %u fractions are whole microseconds: not nanoseconds",
		      path, n);
	wire_pcap_free(&f);
}

/* In-use count of every pool must be back to zero once the ports are gone. */
static void
check_pools(const char *what)
{
	CHECK(qpt_in_use(mp) == 0 && qpt_in_use(big) == 0,
	      "%s: %u small and %u big mbufs still in use", what, qpt_in_use(mp),
	      qpt_in_use(big));
}

/* Frames of the per-queue case; two of queue 0's are refused by the driver. */
static const struct fspec q0_specs[] = {
	{ 60, 1, 0 }, { 64, 1, 0 }, { 65, 1, 0 }, { 128, 1, 0 }, { 1000, 3, 0 },
	{ 0, 1, 1 }, { 1514, 1, 0 }, { 1518, 1, 0 }, { 1519, 1, 1 }, { 1518, 5, 0 },
	{ 200, 2, 0 },
};
static const struct fspec q1_specs[] = {
	{ 1400, 1, 0 }, { 60, 2, 0 }, { 777, 1, 0 }, { 1518, 1, 0 }, { 100, 4, 0 },
};

static void
test_per_queue(void)
{
	struct fexp exp[2][MAX_EXP];
	unsigned int nb[2] = { 0, 0 };
	char args[PATH_MAX + 16], path[PATH_MAX], log[16384], name[64];
	struct rte_eth_stats st;
	uint16_t a, b, q;

	QPT_CASE("per-queue files: tx_pcap=..._%u.pcap -> rx_pcap=..._%u.pcap, 2 QPs");
	for (q = 0; q < 2; q++) {
		wire_fmt(name, sizeof(name), "wire_pq_%u.pcap", q);
		path_of(path, sizeof(path), name);
		unlink(path);
	}
	path_of(path, sizeof(path), "wire_pq_%u.pcap");
	wire_fmt(args, sizeof(args), "tx_pcap=%s", path);
	a = port_new("net_qpring_pqa", args, 2, mp, 0, 0);
	send_specs(a, 0, mp, q0_specs, RTE_DIM(q0_specs), 1000, exp[0], &nb[0]);
	send_specs(a, 1, mp, q1_specs, RTE_DIM(q1_specs), 2000, exp[1], &nb[1]);
	REQUIRE(rte_eth_stats_get(a, &st) == 0, "stats");
	CHECK_EQ(st.opackets, nb[0] + nb[1]);
	CHECK_EQ(st.oerrors, 2);
	CHECK_EQ(qpt_xstat(a, "tx_q0_bad_frame_drops"), 2);
	CHECK_EQ(qpt_xstat(a, "tx_q1_bad_frame_drops"), 0);
	CHECK_EQ(qpt_xstat(a, "tx_q0_medium_errors"), 0);
	CHECK_EQ(qpt_xstat(a, "tx_q0_adapter_serviced"), nb[0]);
	CHECK_EQ(qpt_xstat(a, "tx_q1_adapter_serviced"), nb[1]);
	/* Stopping the port flushes and closes the files. */
	CHECK_EQ(rte_eth_dev_stop(a), 0);
	for (q = 0; q < 2; q++) {
		wire_fmt(name, sizeof(name), "wire_pq_%u.pcap", q);
		path_of(path, sizeof(path), name);
		check_file(path, exp[q], nb[q]);
	}

	/* The receiving port reads each queue's own file; EOF is logged once. */
	path_of(path, sizeof(path), "wire_pq_%u.pcap");
	wire_fmt(args, sizeof(args), "rx_pcap=%s", path);
	rte_log_set_level_pattern("pmd.net.qpring", RTE_LOG_INFO);
	qpt_log_begin();
	b = port_new("net_qpring_pqb", args, 2, mp, 0, 0);
	for (q = 0; q < 2; q++)
		recv_exact(b, q, exp[q], nb[q], "per-queue");
	wire_log_end(log, sizeof(log));
	rte_log_set_level_pattern("pmd.net.qpring", RTE_LOG_NOTICE);
	for (q = 0; q < 2; q++) {
		char what[64];

		wire_fmt(name, sizeof(name), "wire_pq_%u.pcap", q);
		wire_fmt(what, sizeof(what), "end of capture after %u frames", nb[q]);
		CHECK(qpt_log_lines(log, name, what) == 1, "\"%s: %s\" logged %u times, want 1",
		      name, what, qpt_log_lines(log, name, what));
	}
	REQUIRE(rte_eth_stats_get(b, &st) == 0, "stats");
	CHECK_EQ(st.ipackets, nb[0] + nb[1]);
	CHECK_EQ(st.ierrors, 0);
	CHECK_EQ(qpt_xstat(b, "rx_q0_medium_errors"), 0);
	CHECK_EQ(qpt_xstat(b, "rx_q1_medium_errors"), 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_pqa"), 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_pqb"), 0);
	check_pools("per-queue");
}

static const struct fspec shared_specs[3][4] = {
	{ { 60, 1, 0 }, { 1518, 2, 0 }, { 300, 1, 0 }, { 1024, 4, 0 } },
	{ { 90, 1, 0 }, { 1500, 1, 0 }, { 64, 1, 0 }, { 0, 0, 0 } },
	{ { 1200, 3, 0 }, { 61, 1, 0 }, { 0, 0, 0 }, { 0, 0, 0 } },
};
static const unsigned int shared_n[3] = { 4, 3, 2 };

/* The shared file's frames, in the order they left (filled by test_shared()). */
static struct fexp shared_exp[MAX_EXP];
static unsigned int shared_nb;

static void
test_shared(void)
{
	char args[PATH_MAX + 16], path[PATH_MAX];
	struct rte_mbuf *x[8];
	struct rte_eth_stats st;
	uint16_t a, b, got;
	unsigned int i;

	QPT_CASE("shared file: every queue writes one tx_pcap, only queue 0 reads it");
	path_of(path, sizeof(path), "wire_shared.pcap");
	unlink(path);
	wire_fmt(args, sizeof(args), "tx_pcap=%s", path);
	a = port_new("net_qpring_sha", args, 2, mp, 0, 0);
	/* q0, then q1, then q0 again: the file holds them in that order. */
	for (i = 0; i < 3; i++)
		send_specs(a, (uint16_t)(i & 1), mp, shared_specs[i], shared_n[i], 3000 + 100 * i,
			   shared_exp, &shared_nb);
	CHECK_EQ(shared_nb, 9);
	CHECK_EQ(rte_eth_dev_stop(a), 0);
	check_file(path, shared_exp, shared_nb);

	wire_fmt(args, sizeof(args), "rx_pcap=%s", path);
	b = port_new("net_qpring_shb", args, 2, mp, 0, 0);
	recv_exact(b, 0, shared_exp, shared_nb, "shared");
	got = (uint16_t)qpt_rx_all(b, 1, x, RTE_DIM(x), 16);
	qpt_free_all(x, got);
	CHECK(got == 0, "queue 1 of a shared rx_pcap received %u frames", got);
	REQUIRE(rte_eth_stats_get(b, &st) == 0, "stats");
	CHECK_EQ(st.ipackets, shared_nb);
	CHECK_EQ(st.ierrors, 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_sha"), 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_shb"), 0);
	check_pools("shared");
}

/* One run writes a fresh file; a restarted rx_pcap port reads its file again. */
static void
test_restart(void)
{
	static const struct fspec first[] = { { 100, 1, 0 }, { 200, 2, 0 }, { 300, 1, 0 } };
	static const struct fspec second[] = { { 400, 1, 0 }, { 1518, 3, 0 } };
	struct fexp e1[MAX_EXP], e2[MAX_EXP];
	unsigned int n1 = 0, n2 = 0, round;
	char args[PATH_MAX + 16], path[PATH_MAX];
	uint16_t a, b;

	QPT_CASE("restart: each start of a tx_pcap port writes a new file; rx_pcap reads it again");
	path_of(path, sizeof(path), "wire_restart.pcap");
	unlink(path);
	wire_fmt(args, sizeof(args), "tx_pcap=%s", path);
	a = port_new("net_qpring_rsa", args, 1, mp, 0, 0);
	send_specs(a, 0, mp, first, RTE_DIM(first), 4000, e1, &n1);
	CHECK_EQ(rte_eth_dev_stop(a), 0);
	check_file(path, e1, n1);
	CHECK_EQ(rte_eth_dev_start(a), 0);
	send_specs(a, 0, mp, second, RTE_DIM(second), 4100, e2, &n2);
	CHECK_EQ(rte_eth_dev_stop(a), 0);
	check_file(path, e2, n2);

	wire_fmt(args, sizeof(args), "rx_pcap=%s", path);
	b = port_new("net_qpring_rsb", args, 1, mp, 0, 0);
	for (round = 0; round < 3; round++) {
		recv_exact(b, 0, e2, n2, "restart");
		CHECK_EQ(rte_eth_dev_stop(b), 0);
		CHECK_EQ(rte_eth_dev_start(b), 0);
	}
	CHECK_EQ(qpt_vdev_destroy("net_qpring_rsa"), 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_rsb"), 0);
	check_pools("restart");
}

/* Jumbo frames through a file: one port writes them at MTU 9000, a port
 * with Rx scatter and 2 KB buffers reads them as chains, one without
 * scatter counts them as oversize.
 */
static void
test_jumbo_file(void)
{
	static const struct fspec specs[] = {
		{ 9018, 1, 0 }, { 4000, 3, 0 }, { 1500, 1, 0 }, { 9019, 1, 1 }, { 9018, 5, 0 },
		{ 2048, 1, 0 }, { 2049, 2, 0 },
	};
	/* Segments of each good frame over 2 KB buffers. */
	static const uint16_t segs[] = { 5, 2, 1, 5, 1, 2 };
	struct fexp exp[MAX_EXP], fit[2];
	unsigned int n = 0, i;
	char args[PATH_MAX + 16], path[PATH_MAX];
	struct rte_eth_stats st;
	uint16_t a, b, c;

	QPT_CASE("jumbo frames through a file: MTU 9000 writer, scatter reader, plain reader");
	path_of(path, sizeof(path), "wire_jumbo.pcap");
	unlink(path);
	wire_fmt(args, sizeof(args), "tx_pcap=%s", path);
	a = port_new("net_qpring_jfa", args, 1, big, 0, 9000);
	send_specs(a, 0, big, specs, RTE_DIM(specs), 5000, exp, &n);
	REQUIRE(n == RTE_DIM(segs), "expected frames");
	CHECK_EQ(qpt_xstat(a, "tx_q0_bad_frame_drops"), 1);
	CHECK_EQ(rte_eth_dev_stop(a), 0);
	check_file(path, exp, n);

	for (i = 0; i < n; i++)
		exp[i].segs = segs[i];
	wire_fmt(args, sizeof(args), "rx_pcap=%s", path);
	b = port_new("net_qpring_jfb", args, 1, mp, 1, 9000);
	recv_exact(b, 0, exp, n, "scatter reader");
	REQUIRE(rte_eth_stats_get(b, &st) == 0, "stats");
	CHECK_EQ(st.ipackets, n);
	CHECK_EQ(st.ierrors, 0);

	/* Without scatter only the frames that fit one 2 KB buffer arrive
	 * (MTU 2030: frames up to 2048 bytes).
	 */
	fit[0] = exp[2];
	fit[1] = exp[4];
	c = port_new("net_qpring_jfc", args, 1, mp, 0, 2030);
	recv_exact(c, 0, fit, RTE_DIM(fit), "plain reader");
	CHECK_EQ(qpt_xstat(c, "rx_q0_oversize_drops"), 4);
	REQUIRE(rte_eth_stats_get(c, &st) == 0, "stats");
	CHECK_EQ(st.ipackets, 2);
	CHECK_EQ(st.ierrors, 4);

	/* The MTU limits frames from the medium too: at the default 1500, a
	 * 2048-byte frame that would fit the buffer is oversize.
	 */
	CHECK_EQ(qpt_vdev_destroy("net_qpring_jfc"), 0);
	c = port_new("net_qpring_jfc", args, 1, mp, 0, 0);
	recv_exact(c, 0, fit, 1, "plain reader, MTU 1500");
	CHECK_EQ(qpt_xstat(c, "rx_q0_oversize_drops"), 5);
	REQUIRE(rte_eth_stats_get(c, &st) == 0, "stats");
	CHECK_EQ(st.ipackets, 1);
	CHECK_EQ(st.ierrors, 5);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_jfa"), 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_jfb"), 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_jfc"), 0);
	check_pools("jumbo file");
}

/*
 * A copy of the shared capture cut at @cut bytes: the port receives the
 * @frames whole frames before the cut, then counts @errors medium errors
 * (logged as often), however often it is polled afterwards.
 */
static void
trunc_case(const char *what, const char *file, size_t cut, unsigned int frames,
	   unsigned int errors)
{
	static struct wire_pcap f;
	char args[PATH_MAX + 16], path[PATH_MAX], src[PATH_MAX], log[8192], name[64];
	struct rte_mbuf *x[8];
	struct rte_eth_stats st;
	unsigned int polls, extra = 0;
	uint16_t p;

	QPT_CASE(what);
	path_of(src, sizeof(src), "wire_shared.pcap");
	REQUIRE(wire_pcap_read(src, &f) == 0 && f.size >= cut, "shared capture");
	path_of(path, sizeof(path), file);
	REQUIRE(wire_write_file(path, f.data, cut) == 0, "write %s", path);
	wire_pcap_free(&f);
	wire_fmt(args, sizeof(args), "rx_pcap=%s", path);
	wire_fmt(name, sizeof(name), "net_qpring_%.8s", file + 5);
	qpt_log_begin();
	p = port_new(name, args, 1, mp, 0, 0);
	recv_exact(p, 0, shared_exp, frames, what);
	for (polls = 0; polls < 64; polls++) {
		uint16_t k = rte_eth_rx_burst(p, 0, x, RTE_DIM(x));

		qpt_free_all(x, k);
		extra += k;
	}
	wire_log_end(log, sizeof(log));
	CHECK_EQ(extra, 0);
	CHECK_EQ(qpt_xstat(p, "rx_q0_medium_errors"), errors);
	REQUIRE(rte_eth_stats_get(p, &st) == 0, "stats");
	CHECK_EQ(st.ipackets, frames);
	CHECK_EQ(st.ierrors, errors);
	CHECK(qpt_log_lines(log, file, "receive failed") == errors,
	      "%u \"receive failed\" lines, want %u", qpt_log_lines(log, file, "receive failed"),
	      errors);
	CHECK_EQ(qpt_vdev_destroy(name), 0);
	check_pools(what);
}

static void
test_truncated(void)
{
	static struct wire_pcap f;
	char src[PATH_MAX];
	size_t rec5;

	path_of(src, sizeof(src), "wire_shared.pcap");
	REQUIRE(wire_pcap_read(src, &f) == 0 && f.nb_rec == 9, "shared capture");
	rec5 = f.rec[5].hdr_off;
	trunc_case("truncated capture: cut inside record 5's data", "wire_cutdata.pcap",
		   rec5 + WIRE_PCAP_REC_HDR + f.rec[5].caplen / 2, 5, 1);
	trunc_case("truncated capture: cut inside record 5's header", "wire_cuthdr.pcap",
		   rec5 + 8, 5, 1);
	trunc_case("capture cut at a record boundary: a clean end, no error", "wire_cutrec.pcap",
		   rec5, 5, 0);
	wire_pcap_free(&f);
}

/* A devargs string that must fail the probe with one log line saying @needle. */
struct pcase {
	const char *args;   /* "%s" is replaced by the capture directory */
	const char *needle;
};

static const struct pcase probe_cases[] = {
	{ "peer=net_qpring_zz,tx_pcap=%s/wire_e.pcap", "different wires" },
	{ "copy=0,tx_pcap=%s/wire_e.pcap", "copy=0" },
	{ "iface=lo,rx_pcap=%s/wire_shared.pcap", "iface and rx_pcap/tx_pcap" },
	{ "iface=lo,tx_pcap=%s/wire_e.pcap", "iface and rx_pcap/tx_pcap" },
	{ "iface=qpwnosuch0", "iface=qpwnosuch0: no such interface" },
	{ "rx_pcap=%s/wire_missing.pcap", "wire_missing.pcap" },
	{ "rx_pcap=%s/wire_garbage.pcap", "wire_garbage.pcap" },
	{ "rx_pcap=%s/wire_dlt101.pcap", "not Ethernet" },
	{ "tx_pcap=%s/wire_%d.pcap", "%u" },
	{ "tx_pcap=%s/wire_%u_%u.pcap", "%u" },
	{ "rx_pcap=%s/wire_%", "%u" },
	{ "tx_pcap=", "tx_pcap" },
	{ "rx_pcap", "rx_pcap" },
};

static void
test_probe_errors(void)
{
	static const char garbage[] = "this is not a capture file, only some text\n";
	uint8_t hdr[WIRE_PCAP_HDR];
	char path[PATH_MAX], args[PATH_MAX + 64], log[8192], name[32], what[PATH_MAX + 128];
	unsigned int i;
	uint16_t port;

	path_of(path, sizeof(path), "wire_missing.pcap");
	unlink(path);
	path_of(path, sizeof(path), "wire_garbage.pcap");
	REQUIRE(wire_write_file(path, garbage, sizeof(garbage) - 1) == 0, "write %s", path);
	path_of(path, sizeof(path), "wire_dlt101.pcap");
	wire_pcap_header(hdr, WIRE_PCAP_MAGIC_US, 101); /* LINKTYPE_RAW: bare IP */
	REQUIRE(wire_write_file(path, hdr, sizeof(hdr)) == 0, "write %s", path);

	for (i = 0; i < RTE_DIM(probe_cases); i++) {
		const struct pcase *c = &probe_cases[i];
		int ret;

		wire_fmt(name, sizeof(name), "net_qpring_e%u", i);
		/* Only the first "%s" is the directory; a "%u" or "%d" stays. */
		{
			const char *s = strstr(c->args, "%s");

			if (s == NULL)
				wire_fmt(args, sizeof(args), "%s", c->args);
			else
				wire_fmt(args, sizeof(args), "%.*s%s%s", (int)(s - c->args),
					 c->args, dir, s + 2);
		}
		wire_fmt(what, sizeof(what), "probe refused: %s", args);
		QPT_CASE(what);
		qpt_log_begin();
		ret = rte_vdev_init(name, args);
		wire_log_end(log, sizeof(log));
		CHECK(ret < 0, "rte_vdev_init returned %d", ret);
		CHECK(rte_eth_dev_get_port_by_name(name, &port) != 0, "a port was left behind");
		CHECK(qpt_log_lines(log, WIRE_DRV_LINE, NULL) == 1,
		      "%u driver log lines, want exactly 1",
		      qpt_log_lines(log, WIRE_DRV_LINE, NULL));
		CHECK(qpt_log_lines(log, WIRE_DRV_LINE, c->needle) == 1,
		      "the driver's line does not say \"%s\"", c->needle);
		if (ret == 0)
			qpt_vdev_destroy(name);
	}
}

/* Devargs the probe cannot judge, refused by rte_eth_dev_start() with one line. */
static void
start_error(const char *name, const char *args, const char *needle)
{
	char log[8192], what[PATH_MAX + 64];
	int port, ret, round;

	wire_fmt(what, sizeof(what), "start refused: %s", args);
	QPT_CASE(what);
	port = qpt_vdev(name, args);
	REQUIRE(port >= 0, "probe %s: %d", name, port);
	REQUIRE(qpt_setup((uint16_t)port, 2, RING, mp) == 0, "setup");
	for (round = 0; round < 2; round++) {
		qpt_log_begin();
		ret = rte_eth_dev_start((uint16_t)port);
		wire_log_end(log, sizeof(log));
		CHECK(ret < 0, "rte_eth_dev_start returned %d", ret);
		CHECK(qpt_log_lines(log, WIRE_DRV_LINE, NULL) == 1,
		      "%u driver log lines, want exactly 1",
		      qpt_log_lines(log, WIRE_DRV_LINE, NULL));
		CHECK(qpt_log_lines(log, "cannot open the wire", needle) == 1,
		      "no \"cannot open the wire\" line naming %s", needle);
	}
	CHECK_EQ(qpt_vdev_destroy(name), 0);
	check_pools(what);
}

static void
test_start_errors(void)
{
	char path[PATH_MAX], args[PATH_MAX + 16];

	path_of(path, sizeof(path), "wire_no_such_dir/out.pcap");
	wire_fmt(args, sizeof(args), "tx_pcap=%s", path);
	start_error("net_qpring_s0", args, path);
	path_of(path, sizeof(path), "wire_no_such_dir/out_%u.pcap");
	wire_fmt(args, sizeof(args), "tx_pcap=%s", path);
	path_of(path, sizeof(path), "wire_no_such_dir/out_0.pcap");
	start_error("net_qpring_s1", args, path);
	/* Per-queue rx files are opened at start: queue 1's is missing. */
	path_of(path, sizeof(path), "wire_pq_%u.pcap");
	wire_fmt(args, sizeof(args), "rx_pcap=%s", path);
	path_of(path, sizeof(path), "wire_pq_1.pcap");
	unlink(path);
	start_error("net_qpring_s2", args, path);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: %s <directory for capture files>\n", argv[0]);
		return 1;
	}
	dir = argv[1];
	if (!WIRE_HAVE_PCAP)
		qpt_skip("net_qpring was built without libpcap: no capture-file wires");
	qpt_eal_init("wire_pcap", 256, NULL);
	mp = qpt_pool("wire_pcap_mp", NB_MBUF, RTE_MBUF_DEFAULT_BUF_SIZE);
	big = qpt_pool("wire_pcap_big", NB_BIG, BIG_ROOM);

	test_per_queue();
	test_shared();
	test_restart();
	test_jumbo_file();
	test_truncated();
	test_probe_errors();
	test_start_errors();

	qpt_eal_done();
	return qpt_finish();
}
