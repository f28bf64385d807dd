/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qp_pingpong: request/response over the queue pairs of two cabled qpring
 * ports, with a latency histogram and the queues' register files at the end.
 *
 * Port "ping" sends requests on queue pair i, each carrying the TSC at send
 * time; port "pong", cabled to it (peer=), answers every request on the same
 * queue pair i. The receiving port picks the receive queue; both ports are
 * created with rxq_map=same, so a frame sent on QP i's send queue lands in
 * QP i's receive queue of the other port and each QP is an independent
 * channel: the example checks that every answer comes back on the QP its
 * request left from. (Without rxq_map=same, and without RSS, every frame
 * would land in receive queue 0.)
 *
 * Usage: qp_pingpong [EAL options] -- [--qps N] [--count N] [--burst N]
 *                                     [--desc N] [--len BYTES]
 * With two lcores (-l 0,1) pong answers on the worker lcore; with one, the
 * main lcore plays both sides in turn. Exit status 0: every request answered
 * on its own QP; 1: not.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <rte_pmd_qpring.h>

#define PING_NAME "net_qpring_ping"
#define PONG_NAME "net_qpring_pong"
#define ETHERTYPE_PINGPONG 0x88b5 /* IEEE local experimental */
#define MSG_MAGIC 0x71707070u     /* "qppp" */
#define MAX_QPS 16
#define MAX_BURST 32
#define HIST_BUCKETS 12           /* < 2^(7+b) ns; the last one is open */
#define STALL_SECONDS 2           /* no progress this long: give up */

enum msg_kind { MSG_REQUEST = 1, MSG_RESPONSE = 2 };

/* The payload after the Ethernet header. */
struct pp_msg {
	uint32_t magic;
	uint16_t kind;     /* enum msg_kind */
	uint16_t qp;       /* QP the request was sent on */
	uint32_t seq;      /* per QP */
	uint32_t pad;
	uint64_t tsc;      /* requester's TSC when the request was built */
} __rte_packed;

struct qp_state {
	uint32_t sent;      /* requests sent */
	uint32_t answered;  /* responses received */
	uint32_t wrong_qp;  /* responses that came back on another QP */
	uint32_t served;    /* requests pong answered on this QP */
};

static struct {
	uint16_t qps;
	uint32_t count;     /* requests in total, spread over the QPs */
	uint16_t burst;
	uint16_t desc;
	uint16_t len;
} cfg = { .qps = 4, .count = 10000, .burst = 8, .desc = 256, .len = 64 };

static uint16_t ping_port, pong_port;
static struct rte_mempool *pool;
static struct qp_state qs[MAX_QPS];
static uint32_t *lat_ns;    /* one sample per answered request */
static uint32_t nb_lat;
static volatile bool pong_stop;

/* ------------------------------------------------------------ set-up */

static void
usage(const char *prog)
{
	printf("usage: %s [EAL options] -- [--qps 1..%d] [--count N] [--burst 1..%d]"
	       " [--desc N] [--len 60..1514]\n", prog, MAX_QPS, MAX_BURST);
}

static int
parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "qps", required_argument, NULL, 'q' },
		{ "count", required_argument, NULL, 'c' },
		{ "burst", required_argument, NULL, 'b' },
		{ "desc", required_argument, NULL, 'd' },
		{ "len", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		unsigned long v = 0;

		if (o != 'h') {
			errno = 0;
			v = strtoul(optarg, &end, 0);
			if (errno != 0 || end == optarg || *end != '\0')
				return -EINVAL;
		}
		switch (o) {
		case 'q':
			if (v < 1 || v > MAX_QPS)
				return -EINVAL;
			cfg.qps = (uint16_t)v;
			break;
		case 'c':
			if (v < 1 || v > 100000000)
				return -EINVAL;
			cfg.count = (uint32_t)v;
			break;
		case 'b':
			if (v < 1 || v > MAX_BURST)
				return -EINVAL;
			cfg.burst = (uint16_t)v;
			break;
		case 'd':
			if (v < 64 || v > 4096)
				return -EINVAL;
			cfg.desc = (uint16_t)v;
			break;
		case 'l':
			if (v < sizeof(struct rte_ether_hdr) + sizeof(struct pp_msg) ||
			    v > RTE_ETHER_MAX_LEN - RTE_ETHER_CRC_LEN)
				return -EINVAL;
			cfg.len = (uint16_t)v;
			break;
		default:
			return -EINVAL;
		}
	}
	return optind == argc ? 0 : -EINVAL;
}

/* Create qpring port @name with @args; its port id in *port. */
static int
create_port(const char *name, const char *args, uint16_t *port)
{
	int ret = rte_vdev_init(name, args);

	if (ret != 0)
		return ret;
	return rte_eth_dev_get_port_by_name(name, port);
}

static int
start_port(uint16_t port)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, cfg.qps, cfg.qps, &conf);
	for (q = 0; ret == 0 && q < cfg.qps; q++) {
		ret = rte_eth_rx_queue_setup(port, q, cfg.desc, rte_eth_dev_socket_id(port),
					     NULL, pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, cfg.desc,
						     rte_eth_dev_socket_id(port), NULL);
	}
	return ret != 0 ? ret : rte_eth_dev_start(port);
}

/* -------------------------------------------------------- the frames */

static struct pp_msg *
msg_of(struct rte_mbuf *m)
{
	if (m->data_len < sizeof(struct rte_ether_hdr) + sizeof(struct pp_msg))
		return NULL;
	return rte_pktmbuf_mtod_offset(m, struct pp_msg *, sizeof(struct rte_ether_hdr));
}

static int
is_pingpong(struct rte_mbuf *m, enum msg_kind kind)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct pp_msg *msg = msg_of(m);

	return msg != NULL && eh->ether_type == rte_cpu_to_be_16(ETHERTYPE_PINGPONG) &&
	       msg->magic == MSG_MAGIC && msg->kind == kind;
}

static struct rte_mbuf *
make_request(uint16_t qp, uint32_t seq, const struct rte_ether_addr *src,
	     const struct rte_ether_addr *dst)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eh;
	struct pp_msg *msg;
	char *p;

	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_append(m, cfg.len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, cfg.len);
	eh = (struct rte_ether_hdr *)(void *)p; /* mbuf data: 2-byte aligned */
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(src, &eh->src_addr);
	eh->ether_type = rte_cpu_to_be_16(ETHERTYPE_PINGPONG);
	msg = (struct pp_msg *)(eh + 1);
	msg->magic = MSG_MAGIC;
	msg->kind = MSG_REQUEST;
	msg->qp = qp;
	msg->seq = seq;
	msg->tsc = rte_rdtsc();
	return m;
}

/* ---------------------------------------------------------- the pong */

/* Answer what arrived on every QP of pong, on the same QP. Returns frames. */
static unsigned int
pong_poll(void)
{
	struct rte_mbuf *pkts[MAX_BURST];
	unsigned int work = 0;
	uint16_t q, i, n, k;

	for (q = 0; q < cfg.qps; q++) {
		n = rte_eth_rx_burst(pong_port, q, pkts, MAX_BURST);
		for (i = 0, k = 0; i < n; i++) {
			struct rte_ether_hdr *eh =
				rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);
			struct rte_ether_addr tmp;

			if (!is_pingpong(pkts[i], MSG_REQUEST)) {
				rte_pktmbuf_free(pkts[i]);
				continue;
			}
			/* The request in place becomes the answer: swap the
			 * addresses, keep the QP, seq and TSC.
			 */
			rte_ether_addr_copy(&eh->src_addr, &tmp);
			rte_ether_addr_copy(&eh->dst_addr, &eh->src_addr);
			rte_ether_addr_copy(&tmp, &eh->dst_addr);
			msg_of(pkts[i])->kind = MSG_RESPONSE;
			pkts[k++] = pkts[i];
		}
		qs[q].served += k;
		i = 0;
		/* Retry while the send queue is full: an answer is never
		 * dropped here, so the requester can count on it.
		 */
		while (i < k && !pong_stop)
			i += rte_eth_tx_burst(pong_port, q, pkts + i, k - i);
		if (i < k)
			rte_pktmbuf_free_bulk(pkts + i, k - i);
		work += n;
	}
	return work;
}

static int
pong_lcore(void *arg)
{
	RTE_SET_USED(arg);
	while (!pong_stop)
		pong_poll();
	return 0;
}

/* ---------------------------------------------------------- the ping */

static unsigned int
ping_receive(uint64_t ns_per_kcycle)
{
	struct rte_mbuf *pkts[MAX_BURST];
	unsigned int got = 0;
	uint16_t q, i, n;

	for (q = 0; q < cfg.qps; q++) {
		n = rte_eth_rx_burst(ping_port, q, pkts, MAX_BURST);
		for (i = 0; i < n; i++) {
			const struct pp_msg *msg = msg_of(pkts[i]);
			uint64_t now = rte_rdtsc();

			if (!is_pingpong(pkts[i], MSG_RESPONSE))
				continue;
			if (msg->qp != q || msg->qp >= cfg.qps) {
				qs[RTE_MIN(msg->qp, cfg.qps - 1)].wrong_qp++;
				got++;
				continue;
			}
			qs[q].answered++;
			if (nb_lat < cfg.count)
				lat_ns[nb_lat++] =
					(uint32_t)RTE_MIN((now - msg->tsc) * ns_per_kcycle / 1000,
							  (uint64_t)UINT32_MAX);
			got++;
		}
		rte_pktmbuf_free_bulk(pkts, n);
	}
	return got;
}

/* Send up to a burst of requests on @q, at most cfg.burst outstanding. */
static unsigned int
ping_send(uint16_t q, uint32_t quota, const struct rte_ether_addr *src,
	  const struct rte_ether_addr *dst)
{
	struct rte_mbuf *pkts[MAX_BURST];
	uint32_t outstanding = qs[q].sent - qs[q].answered - qs[q].wrong_qp;
	uint16_t n = 0, k;

	while (n < cfg.burst && qs[q].sent + n < quota && outstanding + n < cfg.burst) {
		pkts[n] = make_request(q, qs[q].sent + n, src, dst);
		if (pkts[n] == NULL)
			break;
		n++;
	}
	if (n == 0)
		return 0;
	k = rte_eth_tx_burst(ping_port, q, pkts, n);
	if (k < n)
		rte_pktmbuf_free_bulk(pkts + k, n - k);
	qs[q].sent += k;
	return k;
}

/* Run the exchange; 0 when every request was answered. */
static int
run(bool pong_on_worker)
{
	struct rte_ether_addr ping_mac, pong_mac;
	uint64_t hz = rte_get_tsc_hz();
	uint64_t ns_per_kcycle = 1000000000000ull / hz;
	uint64_t last_progress = rte_rdtsc();
	uint32_t done = 0, quota[MAX_QPS];
	uint16_t q;

	rte_eth_macaddr_get(ping_port, &ping_mac);
	rte_eth_macaddr_get(pong_port, &pong_mac);
	for (q = 0; q < cfg.qps; q++)
		quota[q] = cfg.count / cfg.qps + (q < cfg.count % cfg.qps ? 1 : 0);

	/* Done when every request has come back, on its QP or (counted as
	 * an error) on another one.
	 */
	while (done < cfg.count) {
		unsigned int work = 0, got;
		uint64_t now;

		for (q = 0; q < cfg.qps; q++)
			work += ping_send(q, quota[q], &ping_mac, &pong_mac);
		if (!pong_on_worker)
			work += pong_poll();
		got = ping_receive(ns_per_kcycle);
		done += got;
		now = rte_rdtsc();
		if (work + got != 0) {
			last_progress = now;
		} else if (now - last_progress > STALL_SECONDS * hz) {
			printf("no progress for %d s: stopping\n", STALL_SECONDS);
			return -ETIMEDOUT;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ report */

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void
print_histogram(void)
{
	uint64_t hist[HIST_BUCKETS] = { 0 }, sum = 0, top = 0;
	uint32_t i;
	int b;

	if (nb_lat == 0) {
		printf("no answers: no latency\n");
		return;
	}
	for (i = 0; i < nb_lat; i++) {
		uint32_t v = lat_ns[i] >> 7;

		b = 0;
		while (v != 0 && b < HIST_BUCKETS - 1) {
			v >>= 1;
			b++;
		}
		hist[b]++;
		sum += lat_ns[i];
	}
	qsort(lat_ns, nb_lat, sizeof(*lat_ns), cmp_u32);
	for (b = 0; b < HIST_BUCKETS; b++)
		top = RTE_MAX(top, hist[b]);
	printf("round-trip latency, %u samples (ns): min %u  avg %" PRIu64
	       "  p50 %u  p99 %u  max %u\n", nb_lat, lat_ns[0], sum / nb_lat,
	       lat_ns[nb_lat / 2], lat_ns[(uint64_t)nb_lat * 99 / 100], lat_ns[nb_lat - 1]);
	for (b = 0; b < HIST_BUCKETS; b++) {
		char bar[41];
		int w = (int)(hist[b] * 40 / top);

		memset(bar, '#', (size_t)w);
		bar[w] = '\0';
		if (b < HIST_BUCKETS - 1)
			printf("  < %7u ns %9" PRIu64 " %s\n", 128u << b, hist[b], bar);
		else
			printf("  >=%7u ns %9" PRIu64 " %s\n", 128u << (b - 1), hist[b], bar);
	}
}

static void
print_regs(const char *side, uint16_t port)
{
	static const char *const dir_name[] = { "SQ", "RQ" };
	uint16_t q;
	int d;

	for (q = 0; q < cfg.qps; q++) {
		for (d = RTE_PMD_QPRING_SQ; d <= RTE_PMD_QPRING_RQ; d++) {
			struct rte_pmd_qpring_regs r;
			int ret = rte_pmd_qpring_regs_get(port, q, (enum rte_pmd_qpring_dir)d, &r);

			if (ret != 0) {
				printf("  %s qp%u %s: %s\n", side, q, dir_name[d],
				       rte_strerror(-ret));
				continue;
			}
			printf("  %s qp%-2u %s doorbell_va=0x%" PRIx64 " (slot %" PRIu64 ")"
			       " in_service=%u pending=%u driver_index=%u adapter_index=%u"
			       " done=%u/%u\n",
			       side, q, dir_name[d], r.doorbell_va,
			       r.doorbell_va >= r.ring_va ? (r.doorbell_va - r.ring_va) / 32 : 0,
			       r.in_service, r.pending, r.driver_index, r.adapter_index,
			       r.done_slots, r.size);
		}
	}
}

static int
report(void)
{
	uint32_t sent = 0, answered = 0, wrong = 0;
	uint16_t q;

	printf("qp  requests  answered  served-by-pong  wrong-qp\n");
	for (q = 0; q < cfg.qps; q++) {
		printf("%-3u %8u  %8u  %14u  %8u\n", q, qs[q].sent, qs[q].answered,
		       qs[q].served, qs[q].wrong_qp);
		sent += qs[q].sent;
		answered += qs[q].answered;
		wrong += qs[q].wrong_qp;
	}
	print_histogram();
	printf("queue registers (rte_pmd_qpring_regs_get):\n");
	print_regs("ping", ping_port);
	print_regs("pong", pong_port);
	printf("answered %u of %u requests on their own QP, %u on another\n", answered,
	       cfg.count, wrong);
	fflush(stdout); /* the report is out even if tearing down takes long */
	return answered == cfg.count && sent == cfg.count && wrong == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	unsigned int worker = RTE_MAX_LCORE;
	int ret, status = 1;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "qp_pingpong: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (parse_args(argc - ret, argv + ret) != 0) {
		usage(argv[0]);
		goto out_eal;
	}
	lat_ns = calloc(cfg.count, sizeof(*lat_ns));
	if (lat_ns == NULL)
		goto out_eal;
	/* Both ports' rings full of buffers, plus requests in flight. */
	pool = rte_pktmbuf_pool_create("qp_pingpong", 4u * cfg.qps * cfg.desc + 2048, 128, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (pool == NULL) {
		fprintf(stderr, "qp_pingpong: mbuf pool: %s\n", rte_strerror(rte_errno));
		goto out_lat;
	}
	ret = create_port(PING_NAME, "rxq_map=same", &ping_port);
	if (ret == 0)
		ret = create_port(PONG_NAME, "peer=" PING_NAME ",rxq_map=same", &pong_port);
	if (ret == 0)
		ret = start_port(ping_port);
	if (ret == 0)
		ret = start_port(pong_port);
	if (ret != 0) {
		fprintf(stderr, "qp_pingpong: ports: %s\n", rte_strerror(-ret));
		goto out_ports;
	}
	worker = rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
	printf("qp_pingpong: %u requests over %u queue pairs, burst %u, %u-byte frames;"
	       " %s answers on %s\n", cfg.count, cfg.qps, cfg.burst, cfg.len, PONG_NAME,
	       worker < RTE_MAX_LCORE ? "a worker lcore" : "the main lcore, in turn");
	if (worker < RTE_MAX_LCORE)
		rte_eal_remote_launch(pong_lcore, NULL, worker);
	run(worker < RTE_MAX_LCORE);
	pong_stop = true;
	if (worker < RTE_MAX_LCORE)
		rte_eal_wait_lcore(worker);
	status = report();

out_ports:
	rte_vdev_uninit(PONG_NAME);
	rte_vdev_uninit(PING_NAME);
	rte_mempool_free(pool);
out_lat:
	free(lat_ns);
out_eal:
	rte_eal_cleanup();
	return status;
}
