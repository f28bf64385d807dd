/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * xproc_port: one end of a cross-process cable for the tests (xproc.py).
 * One port (the first ethdev port, usually --vdev net_qpring0,xproc=...),
 * public ethdev API only, at most two lcores, every loop under a deadline.
 *
 *   --mode echo   send back every frame received (all receive queues, send
 *                 queue 0) until a STOP frame, SIGTERM or --duration
 *   --mode send   send --count frames (sequence numbers) with at most
 *                 --window unanswered, receive their echoes, count them
 *                 exactly (lost, duplicated, corrupt); --cycles C repeats
 *                 it C times with a stop and start of the port in between;
 *                 then STOP to the echo side
 *   --mode soak   send and receive (window) while the link is up, through
 *                 any number of link downs (a peer killed and restarted),
 *                 until SIGTERM or --duration; prints a line at each link
 *                 change and when traffic flows after each link up
 *   --mode idle   bring the port up and poll it (receive and drop)
 *
 * At the end every mode stops the port and checks that every mempool of
 * the process is whole (all mbufs back: the application's and the driver's
 * receive pools), then closes it. Output: "KEY k=v ..." lines on stdout,
 * flushed at once (the harness reads them while the program runs).
 * Exit: 0 ok, 1 a check failed or a deadline passed, 2 bad usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_udp.h>

#define MAGIC      0x58505431u /* "XPT1" */
#define T_DATA     1u
#define T_STOP     2u
#define HDR_LEN    (RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr))
#define BURST      32u
#define MAX_RXQ    8u

struct payload {
	rte_be32_t magic;
	uint8_t type;
	uint8_t pad[3];
	uint64_t seq;
	uint32_t len;
} __rte_packed;

static volatile sig_atomic_t stop_req;
static const char *mode = "echo";
static uint64_t count = 100000, window = 256;
static uint32_t frame_size = 64, cycles = 1, nb_rxq = 1, desc = 512;
static double duration = 30, link_timeout = 15, rate;
static int rss, scatter;
static uint64_t reta_after; /* echo: after this many frames, RETA to the last queue */
static struct rte_mempool *pool, *rx_pool;
static uint16_t port;

static void
on_signal(int sig)
{
	(void)sig;
	stop_req = 1;
}

static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static double
now_s(void)
{
	return (double)rte_get_timer_cycles() / (double)rte_get_timer_hz();
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own fd */
}

/* Mappings of qpring's receive regions (ours and the peer's). */
static int
count_region_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, "memfd:qpring-") != NULL;
	fclose(f);
	return n;
}

static int
link_up(void)
{
	struct rte_eth_link l;

	if (rte_eth_link_get_nowait(port, &l) != 0)
		return 0;
	return l.link_status == RTE_ETH_LINK_UP;
}

static int
wait_link(double limit)
{
	double end = now_s() + limit;

	while (!link_up()) {
		if (now_s() > end || stop_req)
			return -1;
		rte_delay_ms(1);
	}
	return 0;
}

/* A frame: IPv4/UDP (the source port varies with the sequence number, so
 * RSS spreads them), then the payload.
 */
static struct rte_mbuf *
build(uint8_t type, uint64_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	struct payload *pl;
	uint8_t *p;
	uint32_t i;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)frame_size);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	eh = (struct rte_ether_hdr *)p;
	memset(&eh->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	memset(&eh->src_addr, 0x02, RTE_ETHER_ADDR_LEN);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eh + 1);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(frame_size - RTE_ETHER_HDR_LEN));
	ip->src_addr = rte_cpu_to_be_32(0x0a000001);
	ip->dst_addr = rte_cpu_to_be_32(0x0a000002 + (uint32_t)(seq % 7));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->src_port = rte_cpu_to_be_16((uint16_t)(1024 + seq % 4093));
	udp->dst_port = rte_cpu_to_be_16(9);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(frame_size - RTE_ETHER_HDR_LEN -
						     sizeof(*ip)));
	udp->dgram_cksum = 0;
	pl = (struct payload *)(udp + 1);
	pl->magic = rte_cpu_to_be_32(MAGIC);
	pl->type = type;
	memset(pl->pad, 0, sizeof(pl->pad));
	pl->seq = seq;
	pl->len = frame_size;
	for (i = HDR_LEN + sizeof(*pl); i < frame_size; i++)
		p[i] = (uint8_t)(seq + i);
	return m;
}

/* The payload of a frame of this tool, or NULL. */
static const struct payload *
parse(struct rte_mbuf *m)
{
	const struct payload *pl;

	if (m->pkt_len < HDR_LEN + sizeof(*pl) || m->data_len < HDR_LEN + sizeof(*pl))
		return NULL;
	pl = rte_pktmbuf_mtod_offset(m, const struct payload *, HDR_LEN);
	if (pl->magic != rte_cpu_to_be_32(MAGIC))
		return NULL;
	return pl;
}

/* Payload bytes as build() wrote them (first segment). */
static int
intact(struct rte_mbuf *m, const struct payload *pl)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t i, n = RTE_MIN((uint32_t)m->data_len, frame_size);

	if (m->pkt_len != pl->len)
		return 0;
	for (i = HDR_LEN + sizeof(*pl); i < n; i++)
		if (p[i] != (uint8_t)(pl->seq + i))
			return 0;
	return 1;
}

static int
port_setup(void)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_info_get(port, &info) != 0)
		return -1;
	if (rss) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_IPV4;
		conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_RSS_HASH;
	}
	if (frame_size > RTE_ETHER_MAX_LEN)
		conf.rxmode.mtu = (uint16_t)(frame_size - RTE_ETHER_HDR_LEN);
	if (scatter)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	ret = rte_eth_dev_configure(port, (uint16_t)nb_rxq, 1, &conf);
	if (ret != 0) {
		say("ERROR configure %d", ret);
		return -1;
	}
	for (q = 0; q < nb_rxq; q++) {
		ret = rte_eth_rx_queue_setup(port, q, (uint16_t)desc, rte_socket_id(), NULL,
					     rx_pool);
		if (ret != 0) {
			say("ERROR rx queue setup %u: %d", q, ret);
			return -1;
		}
	}
	ret = rte_eth_tx_queue_setup(port, 0, (uint16_t)desc, rte_socket_id(), NULL);
	if (ret != 0) {
		say("ERROR tx queue setup: %d", ret);
		return -1;
	}
	/* No packet types wanted (as dpdk-testpmd asks by default). */
	(void)rte_eth_dev_set_ptypes(port, RTE_PTYPE_UNKNOWN, NULL, 0);
	return 0;
}

/* Every mempool of the process with all its objects back? */
struct pool_walk {
	int bad;
	int pools;
};

static void
pool_check(struct rte_mempool *mp, void *arg)
{
	struct pool_walk *w = arg;
	unsigned int avail = rte_mempool_avail_count(mp);

	w->pools++;
	if (avail != mp->size) {
		w->bad++;
		say("POOL name=%s avail=%u size=%u", mp->name, avail, mp->size);
	}
}

static int
finish(int rc)
{
	struct pool_walk w = { 0, 0 };
	struct rte_eth_stats st;

	if (rte_eth_stats_get(port, &st) == 0)
		say("STATS ipackets=%" PRIu64 " ierrors=%" PRIu64 " imissed=%" PRIu64
		    " opackets=%" PRIu64 " oerrors=%" PRIu64 " nombuf=%" PRIu64, st.ipackets, st.ierrors, st.imissed,
		    st.opackets, st.oerrors, st.rx_nombuf);
	rte_eth_dev_stop(port);
	rte_mempool_walk(pool_check, &w);
	say("POOLS checked=%d incomplete=%d fds=%d maps=%d", w.pools, w.bad, count_fds(),
	    count_region_maps());
	if (w.bad != 0)
		rc = 1;
	rte_eth_dev_close(port);
	say("END rc=%d", rc);
	return rc;
}

/* Send what the window allows, keeping unsent frames for the next call. */
static uint64_t
send_some(uint64_t *next, uint64_t limit, uint64_t inflight_cap, uint64_t inflight)
{
	struct rte_mbuf *b[BURST];
	uint64_t n = 0, i, k;
	uint16_t sent;

	if (inflight >= inflight_cap || *next >= limit)
		return 0;
	k = RTE_MIN((uint64_t)BURST, limit - *next);
	k = RTE_MIN(k, inflight_cap - inflight);
	for (i = 0; i < k; i++) {
		b[i] = build(T_DATA, *next + i);
		if (b[i] == NULL)
			break;
	}
	k = i;
	sent = rte_eth_tx_burst(port, 0, b, (uint16_t)k);
	for (i = sent; i < k; i++)
		rte_pktmbuf_free(b[i]);
	n = sent;
	*next += n;
	return n;
}

static __rte_noinline int
run_echo(void)
{
	struct rte_mbuf *b[BURST];
	uint64_t echoed = 0, rx = 0, foreign = 0, hashed = 0, perq[MAX_RXQ] = { 0 };
	uint64_t tx_drop = 0, chained = 0, late[MAX_RXQ] = { 0 };
	double end = now_s() + duration, changed = 0;
	int stop = 0, was_up = 0;
	uint16_t q;

	while (!stop && !stop_req && now_s() < end) {
		int up = link_up();

		if (reta_after != 0 && changed == 0 && rx >= reta_after) {
			/* New receive settings while running: every RETA entry
			 * names the last queue. The peer has them within 10 ms;
			 * frames from 100 ms on must all land there.
			 */
			struct rte_eth_rss_reta_entry64 r[2];
			unsigned int i;

			memset(r, 0, sizeof(r));
			for (i = 0; i < 128; i++) {
				r[i / 64].mask |= 1ull << (i % 64);
				r[i / 64].reta[i % 64] = (uint16_t)(nb_rxq - 1);
			}
			if (rte_eth_dev_rss_reta_update(port, r, 128) != 0)
				say("ERROR reta update");
			changed = now_s();
			say("RETA all to queue %u at rx=%" PRIu64, nb_rxq - 1, rx);
		}

		if (up != was_up)
			say("%s t=%.3f", up ? "UP" : "DOWN", now_s());
		was_up = up;
		for (q = 0; q < nb_rxq; q++) {
			uint16_t n = rte_eth_rx_burst(port, q, b, BURST), i, k = 0, s;

			rx += n;
			perq[q] += n;
			if (changed != 0 && now_s() > changed + 0.1)
				late[q] += n;
			for (i = 0; i < n; i++) {
				const struct payload *pl = parse(b[i]);

				if (b[i]->ol_flags & RTE_MBUF_F_RX_RSS_HASH)
					hashed++;
				chained += b[i]->nb_segs > 1;
				if (pl != NULL && pl->type == T_STOP) {
					stop = 1;
					rte_pktmbuf_free(b[i]);
					continue;
				}
				if (pl == NULL)
					foreign++;
				b[k++] = b[i];
			}
			s = rte_eth_tx_burst(port, 0, b, k);
			/* The window keeps the send queue from filling: a frame
			 * it does not take is dropped and counted.
			 */
			for (i = s; i < k; i++)
				rte_pktmbuf_free(b[i]);
			tx_drop += k - s;
			echoed += s;
		}
	}
	say("ECHO rx=%" PRIu64 " echoed=%" PRIu64 " tx_drop=%" PRIu64 " foreign=%" PRIu64
	    " hashed=%" PRIu64 " chained=%" PRIu64 " stopped=%d", rx, echoed, tx_drop, foreign,
	    hashed, chained, stop);
	for (q = 0; q < nb_rxq; q++)
		say("QUEUE q=%u rx=%" PRIu64 " late=%" PRIu64, q, perq[q], late[q]);
	return 0;
}

/* One batch of --count frames: exact accounting of the echoes. */
static int
send_batch(uint32_t cycle, uint8_t *seen)
{
	struct rte_mbuf *b[BURST];
	uint64_t next = 0, received = 0, dup = 0, corrupt = 0, foreign = 0;
	double t0, end = now_s() + duration;
	uint16_t n, i;

	memset(seen, 0, count);
	t0 = now_s();
	while (received < count && !stop_req && now_s() < end) {
		send_some(&next, count, window, next - received);
		n = rte_eth_rx_burst(port, 0, b, BURST);
		for (i = 0; i < n; i++) {
			const struct payload *pl = parse(b[i]);

			if (pl == NULL || pl->type != T_DATA || pl->seq >= count)
				foreign++;
			else if (seen[pl->seq])
				dup++;
			else if (!intact(b[i], pl))
				corrupt++;
			else {
				seen[pl->seq] = 1;
				received++;
			}
			rte_pktmbuf_free(b[i]);
		}
	}
	say("SEND cycle=%u sent=%" PRIu64 " received=%" PRIu64 " lost=%" PRIu64 " dup=%" PRIu64
	    " corrupt=%" PRIu64 " foreign=%" PRIu64 " mpps=%.3f", cycle, next, received,
	    next - received, dup, corrupt, foreign, (double)received / (now_s() - t0) / 1e6);
	return received == count && next == count && dup == 0 && corrupt == 0 ? 0 : 1;
}

static __rte_noinline int
run_send(void)
{
	uint8_t *seen = calloc(count, 1);
	uint32_t c;
	int rc = 0, i;

	if (seen == NULL)
		return 1;
	for (c = 0; c < cycles && rc == 0; c++) {
		if (c > 0) {
			/* A stop and start of this port between batches:
			 * DOWN/DOWN_ACK, then UP again.
			 */
			if (rte_eth_dev_stop(port) != 0 || rte_eth_dev_start(port) != 0) {
				say("ERROR restart");
				rc = 1;
				break;
			}
		}
		if (wait_link(link_timeout) != 0) {
			say("ERROR link not up within %.0f s (cycle %u)", link_timeout, c);
			rc = 1;
			break;
		}
		say("UP cycle=%u t=%.3f", c, now_s());
		rc = send_batch(c, seen);
	}
	free(seen);
	/* Tell the echo side to finish (a few times: it may be slow to poll). */
	for (i = 0; i < 3 && link_up(); i++) {
		struct rte_mbuf *m = build(T_STOP, 0);

		if (m != NULL && rte_eth_tx_burst(port, 0, &m, 1) != 1)
			rte_pktmbuf_free(m);
		rte_delay_ms(20);
	}
	return rc;
}

static __rte_noinline int
run_soak(void)
{
	struct rte_mbuf *b[BURST];
	uint64_t next = 0, got = 0, total = 0, ups = 0, flowing = 0;
	double end = now_s() + duration;
	int was_up = 0;
	uint16_t n, i, q;

	while (!stop_req && now_s() < end) {
		int up = link_up();

		if (up && !was_up) {
			ups++;
			next = 0;
			got = 0;
			flowing = 0;
			say("UP n=%" PRIu64 " t=%.3f fds=%d maps=%d", ups, now_s(), count_fds(),
			    count_region_maps());
		} else if (!up && was_up) {
			say("DOWN n=%" PRIu64 " t=%.3f rx=%" PRIu64, ups, now_s(), got);
		}
		was_up = up;
		if (up)
			send_some(&next, UINT64_MAX, window, next - got);
		for (q = 0; q < nb_rxq; q++) {
			n = rte_eth_rx_burst(port, q, b, BURST);
			for (i = 0; i < n; i++)
				rte_pktmbuf_free(b[i]);
			got += n;
			total += n;
		}
		if (up && !flowing && got >= 2000) {
			flowing = 1;
			say("FLOW n=%" PRIu64 " t=%.3f", ups, now_s());
		}
		/* What the link took away with it cannot come back: the window
		 * starts over while frames are missing for a while.
		 */
		if (up && next - got >= window) {
			static double stall_since;

			if (stall_since == 0)
				stall_since = now_s();
			else if (now_s() - stall_since > 0.2) {
				got = next;
				stall_since = 0;
			}
		}
	}
	say("SOAK ups=%" PRIu64 " rx=%" PRIu64, ups, total);
	return 0;
}

/* The driver's bursts behind calls of their own, so that a profiler
 * (callgrind --toggle-collect=rx_once) can count the driver's work alone.
 */
static __rte_noinline uint16_t
rx_once(uint16_t q, struct rte_mbuf **b)
{
	return rte_eth_rx_burst(port, q, b, BURST);
}

static __rte_noinline uint16_t
tx_once(struct rte_mbuf **b, uint16_t n)
{
	return rte_eth_tx_burst(port, 0, b, n);
}

/* Send as fast as the port takes them (or at --rate frames/s) for
 * --duration seconds once the link is up; count what the port took.
 */
/* Not inlined: callgrind's --toggle-collect=run_blast measures it alone. */
static __rte_noinline int
run_blast(void)
{
	struct rte_mbuf *b[BURST];
	uint64_t next = 0, sent = 0, hz = rte_get_timer_hz(), t0, now, due = 0;
	double end;
	uint16_t n, i;

	if (wait_link(link_timeout) != 0) {
		say("ERROR link not up");
		return 1;
	}
	end = now_s() + duration;
	t0 = rte_get_timer_cycles();
	while (!stop_req && now_s() < end) {
		now = rte_get_timer_cycles();
		if (rate != 0) {
			due = (uint64_t)((double)(now - t0) * rate / (double)hz);
			if (sent >= due)
				continue;
		}
		for (i = 0; i < BURST; i++) {
			b[i] = build(T_DATA, next + i);
			if (b[i] == NULL)
				break;
		}
		n = tx_once(b, i);
		rte_pktmbuf_free_bulk(&b[n], i - n);
		next += n;
		sent += n;
		n = rte_eth_rx_burst(port, 0, b, BURST);
		rte_pktmbuf_free_bulk(b, n);
	}
	say("BLAST sent=%" PRIu64 " mpps=%.3f", sent, (double)sent / duration / 1e6);
	return 0;
}

/* Receive and count until SIGTERM or --duration; the rate over the time
 * between the first and the last frame.
 */
/* Not inlined: callgrind's --toggle-collect=run_sink measures it alone. */
static __rte_noinline int
run_sink(void)
{
	struct rte_mbuf *b[BURST];
	uint64_t rx = 0, first = 0, last = 0, polls = 0, hits = 0;
	double end = now_s() + duration;
	uint16_t n, q;

	while (!stop_req && now_s() < end) {
		for (q = 0; q < nb_rxq; q++) {
			n = rx_once(q, b);
			polls++;
			if (n == 0)
				continue;
			hits++;
			last = rte_get_timer_cycles();
			if (rx == 0)
				first = last;
			rx += n;
			rte_pktmbuf_free_bulk(b, n);
		}
	}
	say("SINK rx=%" PRIu64 " polls=%" PRIu64 " hits=%" PRIu64 " mpps=%.3f", rx, polls, hits,
	    last > first ? (double)rx /
	    ((double)(last - first) / (double)rte_get_timer_hz()) / 1e6 : 0.0);
	return 0;
}

static __rte_noinline int
run_idle(void)
{
	struct rte_mbuf *b[BURST];
	double end = now_s() + duration;
	int was_up = 0;
	uint64_t rx = 0;
	uint16_t n, q;

	while (!stop_req && now_s() < end) {
		int up = link_up();

		if (up != was_up)
			say("%s t=%.3f", up ? "UP" : "DOWN", now_s());
		was_up = up;
		for (q = 0; q < nb_rxq; q++) {
			n = rte_eth_rx_burst(port, q, b, BURST);
			rx += n;
			rte_pktmbuf_free_bulk(b, n);
		}
		rte_delay_us_sleep(100);
	}
	say("IDLE rx=%" PRIu64, rx);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: xproc_port [EAL options] -- --mode echo|send|soak|idle|blast|sink "
		"[--count N] [--window N] [--size BYTES] [--duration S] [--cycles C] [--rxq N] "
		"[--rss] [--scatter] [--reta-after N] [--desc N] [--link-timeout S] [--rate PPS]\n");
}

static int
parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "count", required_argument, NULL, 'n' },
		{ "window", required_argument, NULL, 'w' },
		{ "size", required_argument, NULL, 's' },
		{ "duration", required_argument, NULL, 'd' },
		{ "cycles", required_argument, NULL, 'c' },
		{ "rxq", required_argument, NULL, 'q' },
		{ "rss", no_argument, NULL, 'r' },
		{ "scatter", no_argument, NULL, 'S' },
		{ "reta-after", required_argument, NULL, 'T' },
		{ "desc", required_argument, NULL, 'D' },
		{ "link-timeout", required_argument, NULL, 'l' },
		{ "rate", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm': mode = optarg; break;
		case 'n': count = strtoull(optarg, NULL, 10); break;
		case 'w': window = strtoull(optarg, NULL, 10); break;
		case 's': frame_size = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'd': duration = strtod(optarg, NULL); break;
		case 'c': cycles = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'q': nb_rxq = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'r': rss = 1; break;
		case 'S': scatter = 1; break;
		case 'T': reta_after = strtoull(optarg, NULL, 10); break;
		case 'D': desc = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'l': link_timeout = strtod(optarg, NULL); break;
		case 'R': rate = strtod(optarg, NULL); break;
		default: usage(); return -1;
		}
	}
	if (count == 0 || window == 0 || frame_size < HDR_LEN + sizeof(struct payload) ||
	    frame_size > 9000 || nb_rxq == 0 || nb_rxq > MAX_RXQ || cycles == 0 ||
	    (strcmp(mode, "echo") && strcmp(mode, "send") && strcmp(mode, "soak") &&
	     strcmp(mode, "idle") && strcmp(mode, "blast") && strcmp(mode, "sink"))) {
		usage();
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int ret, rc;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		say("ERROR EAL init failed");
		return 1;
	}
	argc -= ret;
	argv += ret;
	if (parse_args(argc, argv) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (rte_eth_dev_count_avail() < 1) {
		say("ERROR no port");
		rte_eal_cleanup();
		return 1;
	}
	port = 0;
	pool = rte_pktmbuf_pool_create("xpt_pool", 8191, 256, 0,
				       (uint16_t)RTE_MAX((uint32_t)RTE_MBUF_DEFAULT_BUF_SIZE,
							 frame_size + 128 + RTE_PKTMBUF_HEADROOM),
				       rte_socket_id());
	/* --scatter: receive buffers of 512 bytes, frames in several of them. */
	rx_pool = !scatter ? pool :
		rte_pktmbuf_pool_create("xpt_rx_pool", 8191, 256, 0, 512 + RTE_PKTMBUF_HEADROOM,
					rte_socket_id());
	if (pool == NULL || rx_pool == NULL || port_setup() != 0 ||
	    rte_eth_dev_start(port) != 0) {
		say("ERROR port set-up");
		rte_eal_cleanup();
		return 1;
	}
	say("READY pid=%d fds=%d maps=%d", getpid(), count_fds(), count_region_maps());
	if (strcmp(mode, "echo") == 0)
		rc = run_echo();
	else if (strcmp(mode, "send") == 0)
		rc = run_send();
	else if (strcmp(mode, "soak") == 0)
		rc = run_soak();
	else if (strcmp(mode, "blast") == 0)
		rc = run_blast();
	else if (strcmp(mode, "sink") == 0)
		rc = run_sink();
	else
		rc = run_idle();
	rc = finish(rc);
	if (rx_pool != pool)
		rte_mempool_free(rx_pool);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return rc;
}
