/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qp_primary: a DPDK primary process with qpring ports, driven line by line
 * on stdin, for the tests that attach DPDK's tools to it (dpdk-proc-info and
 * dpdk-dumpcap as secondaries, the telemetry socket).
 *
 * Usage: qp_primary <EAL arguments> [-- --queues N --desc N]
 * Every port EAL created (--vdev net_qpring...) is configured with N queue
 * pairs and started; pdump is initialised so dpdk-dumpcap can attach.
 * Replies are single lines starting with "QP> " (EAL logs on stdout too):
 *   ready ports=P queues=N           after set-up
 *   send PORT QUEUE COUNT LEN        -> sent S received R
 *       sends COUNT frames of LEN bytes on PORT's queue QUEUE, then receives
 *       on queue QUEUE of every port until R == S (or a bounded poll count)
 *   stats PORT                       -> stats port=.. ipackets=.. opackets=..
 *   regs PORT QUEUE                  -> regs sq: k=v.. rq: k=v..
 *   quit                             -> bye
 * Anything else -> error <why>. EOF on stdin is quit.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_pdump.h>

#include "rte_pmd_qpring.h"

#define MAX_BURST 32
#define MAX_EMPTY_POLLS 100000u

static uint16_t nb_queues = 2;
static uint16_t nb_desc = 512;
static struct rte_mempool *pool;

static void
reply(const char *fmt, ...) __rte_format_printf(1, 2);

static void
reply(const char *fmt, ...)
{
	va_list ap;

	fputs("QP> ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static int
parse_app_args(int argc, char **argv)
{
	int i;

	for (i = 0; i + 1 < argc; i += 2) {
		unsigned long v = strtoul(argv[i + 1], NULL, 0);

		if (strcmp(argv[i], "--queues") == 0 && v >= 1 && v <= 16)
			nb_queues = (uint16_t)v;
		else if (strcmp(argv[i], "--desc") == 0 && v >= 32 && v <= 4096)
			nb_desc = (uint16_t)v;
		else
			return -EINVAL;
	}
	return i == argc ? 0 : -EINVAL;
}

static int
port_init(uint16_t port)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, nb_queues, nb_queues, &conf);
	for (q = 0; ret == 0 && q < nb_queues; q++) {
		ret = rte_eth_rx_queue_setup(port, q, nb_desc, rte_eth_dev_socket_id(port),
					     NULL, pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, nb_desc,
						     rte_eth_dev_socket_id(port), NULL);
	}
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	return ret;
}

/* A frame to broadcast, ethertype 0x88b5 (local experimental), then @seq. */
static struct rte_mbuf *
make_frame(uint32_t seq, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eh;
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0x5a, len);
	eh = (struct rte_ether_hdr *)(void *)p; /* mbuf data: 2-byte aligned */
	memset(&eh->dst_addr, 0xff, sizeof(eh->dst_addr));
	memset(&eh->src_addr, 0, sizeof(eh->src_addr));
	eh->src_addr.addr_bytes[0] = 0x02;
	eh->ether_type = rte_cpu_to_be_16(0x88b5);
	memcpy(p + sizeof(*eh), &seq, sizeof(seq));
	return m;
}

static unsigned int
receive_all(uint16_t queue)
{
	struct rte_mbuf *pkts[MAX_BURST];
	unsigned int got = 0;
	uint16_t port, n;

	RTE_ETH_FOREACH_DEV(port) {
		do {
			n = rte_eth_rx_burst(port, queue, pkts, MAX_BURST);
			got += n;
			rte_pktmbuf_free_bulk(pkts, n);
		} while (n > 0);
	}
	return got;
}

static void
cmd_send(uint16_t port, uint16_t queue, uint32_t count, uint16_t len)
{
	struct rte_mbuf *pkts[MAX_BURST];
	uint32_t sent = 0, received = 0, seq = 0, empty = 0;

	while ((sent < count || received < sent) && empty < MAX_EMPTY_POLLS) {
		uint16_t n = 0, k;
		unsigned int r;

		while (sent + n < count && n < MAX_BURST) {
			pkts[n] = make_frame(seq + n, len);
			if (pkts[n] == NULL)
				break;
			n++;
		}
		k = n > 0 ? rte_eth_tx_burst(port, queue, pkts, n) : 0;
		if (k < n)
			rte_pktmbuf_free_bulk(&pkts[k], n - k);
		sent += k;
		seq += k;
		r = receive_all(queue);
		received += r;
		empty = (k == 0 && r == 0) ? empty + 1 : 0;
	}
	reply("sent %" PRIu32 " received %" PRIu32, sent, received);
}

static void
cmd_stats(uint16_t port)
{
	struct rte_eth_stats s;

	if (rte_eth_stats_get(port, &s) != 0) {
		reply("error stats port %u", port);
		return;
	}
	reply("stats port=%u ipackets=%" PRIu64 " opackets=%" PRIu64 " ibytes=%" PRIu64
	      " obytes=%" PRIu64 " imissed=%" PRIu64 " oerrors=%" PRIu64,
	      port, s.ipackets, s.opackets, s.ibytes, s.obytes, s.imissed, s.oerrors);
}

static void
regs_str(char *buf, size_t sz, const struct rte_pmd_qpring_regs *r)
{
	snprintf(buf, sz,
		 "doorbell=%" PRIu64 " doorbell_va=%" PRIu64 " in_service=%u pending=%u"
		 " size=%u ring_va=%" PRIu64 " driver_index=%u adapter_index=%u done_slots=%u",
		 r->doorbell, r->doorbell_va, r->in_service, r->pending, r->size, r->ring_va,
		 r->driver_index, r->adapter_index, r->done_slots);
}

static void
cmd_regs(uint16_t port, uint16_t queue)
{
	struct rte_pmd_qpring_regs sq, rq;
	char a[256], b[256];

	if (rte_pmd_qpring_regs_get(port, queue, RTE_PMD_QPRING_SQ, &sq) != 0 ||
	    rte_pmd_qpring_regs_get(port, queue, RTE_PMD_QPRING_RQ, &rq) != 0) {
		reply("error regs port %u queue %u", port, queue);
		return;
	}
	regs_str(a, sizeof(a), &sq);
	regs_str(b, sizeof(b), &rq);
	reply("regs sq: %s rq: %s", a, b);
}

static int
command(char *line)
{
	unsigned int port, queue, count, len;

	if (strncmp(line, "quit", 4) == 0)
		return 1;
	if (sscanf(line, "send %u %u %u %u", &port, &queue, &count, &len) == 4) {
		if (!rte_eth_dev_is_valid_port((uint16_t)port) || queue >= nb_queues ||
		    len < 64 || len > RTE_ETHER_MAX_LEN - RTE_ETHER_CRC_LEN)
			reply("error send: bad port, queue or length");
		else
			cmd_send((uint16_t)port, (uint16_t)queue, count, (uint16_t)len);
	} else if (sscanf(line, "stats %u", &port) == 1) {
		cmd_stats((uint16_t)port);
	} else if (sscanf(line, "regs %u %u", &port, &queue) == 2) {
		cmd_regs((uint16_t)port, (uint16_t)queue);
	} else {
		reply("error unknown command");
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char line[256];
	uint16_t port, nb_ports;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "qp_primary: rte_eal_init: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (parse_app_args(argc - ret - 1 > 0 ? argc - ret - 1 : 0, argv + ret + 1) != 0) {
		fprintf(stderr, "qp_primary: app arguments: [--queues 1..16] [--desc 32..4096]\n");
		rte_eal_cleanup();
		return 1;
	}
	nb_ports = rte_eth_dev_count_avail();
	if (nb_ports == 0) {
		fprintf(stderr, "qp_primary: no ports (give --vdev net_qpringN)\n");
		rte_eal_cleanup();
		return 1;
	}
	pool = rte_pktmbuf_pool_create("qp_primary", 4095, 64, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       (int)rte_socket_id());
	if (pool == NULL) {
		fprintf(stderr, "qp_primary: mbuf pool: %s\n", rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	RTE_ETH_FOREACH_DEV(port) {
		ret = port_init(port);
		if (ret != 0) {
			fprintf(stderr, "qp_primary: port %u: %s\n", port, rte_strerror(-ret));
			rte_eal_cleanup();
			return 1;
		}
	}
	/* Lets dpdk-dumpcap install its capture callbacks in this process. */
	ret = rte_pdump_init();
	if (ret != 0)
		fprintf(stderr, "qp_primary: rte_pdump_init: %s (no capture)\n",
			rte_strerror(rte_errno));

	reply("ready ports=%u queues=%u", nb_ports, nb_queues);
	while (fgets(line, sizeof(line), stdin) != NULL)
		if (command(line) != 0)
			break;

	rte_pdump_uninit();
	RTE_ETH_FOREACH_DEV(port) {
		rte_eth_dev_stop(port);
		rte_eth_dev_close(port);
	}
	rte_mempool_free(pool);
	reply("bye");
	rte_eal_cleanup();
	return 0;
}
