/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Issue 10, item 3: a queue set up again while its port runs (runtime queue
 * set-up) on a capture-file port keeps its place on the wire. With
 * tx_pcap=<dir>/tx%u.pcap, send queue 1 stopped, set up again and started
 * writes what it sends into tx1.pcap; with rx_pcap=<dir>/rx%u.pcap, receive
 * queue 1 set up again receives the frames of rx1.pcap.
 *
 * usage: fixes_pcap_runtime_setup <directory for the capture files>
 */
#include "fixes.h"
#include "wire.h" /* pcap files by hand */

#define NB_MBUFS 2048u
#define RING     128u
#define TX_FRAMES 8u
#define LEN(k)   (60u + 37u * (k)) /* frame k's length */

static struct rte_mempool *pool;
static const char *dir;

/* Numbered frames of the qpt_frame() pattern for receive queue @q. */
static uint32_t
rx_seq(uint16_t q, uint32_t k)
{
	return (uint32_t)q << 16 | k;
}

/* Write a capture file of @n broadcast frames rx_seq(@q, 0..n-1). */
static void
write_rx_file(const char *path, uint16_t q, uint32_t n)
{
	size_t size = WIRE_PCAP_HDR, off;
	uint8_t *buf;
	uint32_t k, i;

	for (k = 0; k < n; k++)
		size += WIRE_PCAP_REC_HDR + LEN(k);
	buf = calloc(1, size);
	REQUIRE(buf != NULL, "calloc");
	wire_pcap_header(buf, WIRE_PCAP_MAGIC_US, 1 /* Ethernet */);
	off = WIRE_PCAP_HDR;
	for (k = 0; k < n; k++) {
		const uint32_t rec[4] = { 1700000000u + k, k, LEN(k), LEN(k) };

		for (i = 0; i < 16; i++)
			buf[off + i] = (uint8_t)(rec[i / 4] >> (8 * (i % 4)));
		off += WIRE_PCAP_REC_HDR;
		for (i = 0; i < LEN(k); i++)
			buf[off + i] = wire_byte(rx_seq(q, k), i);
		off += LEN(k);
	}
	REQUIRE(wire_write_file(path, buf, size) == 0, "write %s: %s", path, strerror(errno));
	free(buf);
}

static uint16_t
probe_pcap(const char *name, const char *args)
{
	int port;

	if (!FIXES_HAVE_PCAP)
		qpt_skip("net_qpring was built without libpcap: no capture-file wire");
	port = qpt_vdev(name, args);
	REQUIRE(port >= 0, "probe %s,%s: %d", name, args, port);
	return (uint16_t)port;
}

static void
configure(uint16_t port, uint16_t nb_rxq, uint16_t nb_txq)
{
	struct rte_eth_conf conf;
	uint16_t q;

	memset(&conf, 0, sizeof(conf));
	REQUIRE(rte_eth_dev_configure(port, nb_rxq, nb_txq, &conf) == 0, "configure");
	for (q = 0; q < nb_rxq; q++)
		REQUIRE(rte_eth_rx_queue_setup(port, q, RING, rte_socket_id(), NULL, pool) == 0,
			"rxq %u", q);
	for (q = 0; q < nb_txq; q++)
		REQUIRE(rte_eth_tx_queue_setup(port, q, RING, rte_socket_id(), NULL) == 0,
			"txq %u", q);
}

/*
 * Send queue 1 of a tx_pcap=tx%u.pcap port, set up again at run time,
 * writes its 8 frames into tx1.pcap: opackets 8, no "no link" drops, the
 * file holds 8 whole records and they are the frames sent.
 */
static void
tx_queue_set_up_again_at_run_time_writes_its_file(void)
{
	static struct wire_pcap f;
	char args[PATH_MAX + 32], path[PATH_MAX];
	struct rte_eth_stats st;
	unsigned int k, sent = 0;
	uint16_t port;
	int ok;

	QPT_CASE("tx_queue_set_up_again_at_run_time_writes_its_file");
	wire_fmt(path, sizeof(path), "%s/fx_tx1.pcap", dir);
	(void)unlink(path);
	wire_fmt(args, sizeof(args), "tx_pcap=%s/fx_tx%%u.pcap", dir);
	port = probe_pcap("net_qpring0", args);
	configure(port, 1, 2);
	REQUIRE(rte_eth_dev_start(port) == 0, "start");

	CHECK_EQ(rte_eth_dev_tx_queue_stop(port, 1), 0);
	CHECK_EQ(rte_eth_tx_queue_setup(port, 1, RING, rte_socket_id(), NULL), 0);
	CHECK_EQ(rte_eth_dev_tx_queue_start(port, 1), 0);
	for (k = 0; k < TX_FRAMES; k++)
		sent += qpt_send(port, 1, pool, 1, LEN(k), NULL, k);
	CHECK_EQ(sent, TX_FRAMES);

	st = qpt_stats(port);
	CHECK(st.opackets == TX_FRAMES && st.q_opackets[1] == TX_FRAMES,
	      "opackets %" PRIu64 " (queue 1: %" PRIu64 "), expected %u", st.opackets,
	      st.q_opackets[1], TX_FRAMES);
	CHECK(qpt_qxstat(port, "tx", 1, "no_link_drops") == 0,
	      "tx_q1_no_link_drops = %" PRIu64 ": the queue lost its file",
	      qpt_qxstat(port, "tx", 1, "no_link_drops"));
	CHECK_EQ(rte_eth_dev_stop(port), 0); /* closes the files */

	ok = wire_pcap_read(path, &f) == 0;
	CHECK(ok, "%s is not a capture file", path);
	if (!ok) {
		wire_pcap_free(&f);
		CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
		return;
	}
	CHECK(f.nb_rec == TX_FRAMES && f.tail_bytes == 0,
	      "%s: %u records (%d bytes after the last whole one), expected %u", path, f.nb_rec,
	      f.tail_bytes, TX_FRAMES);
	for (k = 0; k < f.nb_rec && k < TX_FRAMES; k++) {
		uint32_t seq = ~0u;

		CHECK(f.rec[k].caplen == LEN(k) &&
		      wire_flat_check(wire_pcap_rec_data(&f, k), f.rec[k].caplen, &seq) == 0 &&
		      seq == k, "%s record %u: %u bytes, seq %u; expected frame %u of %u bytes",
		      path, k, f.rec[k].caplen, seq, k, LEN(k));
	}
	wire_pcap_free(&f);
	CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
	CHECK(qpt_in_use(pool) == 0, "%u mbufs not back in the pool", qpt_in_use(pool));
}

/*
 * Receive queue 1 of an rx_pcap=rx%u.pcap port, set up again at run time,
 * receives the frames of rx1.pcap, in order and intact (and queue 0 those
 * of rx0.pcap).
 */
static void
rx_queue_set_up_again_at_run_time_reads_its_file(void)
{
	static const uint32_t nb[2] = { 5, 7 }; /* frames in rx0.pcap, rx1.pcap */
	char args[PATH_MAX + 32], path[PATH_MAX];
	struct rte_mbuf *m[32];
	uint16_t port, q;

	QPT_CASE("rx_queue_set_up_again_at_run_time_reads_its_file");
	for (q = 0; q < 2; q++) {
		wire_fmt(path, sizeof(path), "%s/fx_rx%u.pcap", dir, q);
		write_rx_file(path, q, nb[q]);
	}
	wire_fmt(args, sizeof(args), "rx_pcap=%s/fx_rx%%u.pcap", dir);
	port = probe_pcap("net_qpring1", args);
	configure(port, 2, 1);
	REQUIRE(rte_eth_dev_start(port) == 0, "start");

	CHECK_EQ(rte_eth_dev_rx_queue_stop(port, 1), 0);
	CHECK_EQ(rte_eth_rx_queue_setup(port, 1, RING, rte_socket_id(), NULL, pool), 0);
	CHECK_EQ(rte_eth_dev_rx_queue_start(port, 1), 0);

	for (q = 0; q < 2; q++) {
		/* The file's frames and then nothing, however often one asks. */
		unsigned int got = qpt_rx_all(port, q, m, RTE_DIM(m), 200), k, bad = 0;

		for (k = 0; k < got; k++) {
			bad += k >= nb[q] || wire_check(m[k], LEN(k), rx_seq(q, k)) != 0;
			rte_pktmbuf_free(m[k]);
		}
		CHECK(got == nb[q] && bad == 0,
		      "rx queue %u%s: %u frames, %u of them not the file's; rx%u.pcap holds %u",
		      q, q == 1 ? " (set up again at run time)" : "", got, bad, q, nb[q]);
	}
	CHECK_EQ(qpt_vdev_destroy("net_qpring1"), 0);
	CHECK(qpt_in_use(pool) == 0, "%u mbufs not back in the pool", qpt_in_use(pool));
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	REQUIRE(argc >= 2, "usage: %s <directory for capture files> [case...]", argv[0]);
	dir = argv[1];
	qpt_eal_init("fixes_pcap_runtime_setup", 256, NULL);
	pool = qpt_pool("fx_prs", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);

	if (fx_selected(argc - 1, argv + 1, "tx_queue_set_up_again_at_run_time_writes_its_file"))
		tx_queue_set_up_again_at_run_time_writes_its_file();
	if (fx_selected(argc - 1, argv + 1, "rx_queue_set_up_again_at_run_time_reads_its_file"))
		rx_queue_set_up_again_at_run_time_reads_its_file();

	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
