/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Issue 10, items 10 and 11 and the ring sizes:
 * 10. The MAC filter reads a frame's destination wherever its six bytes
 *     are: a chained frame whose first segment holds only 4 bytes is
 *     delivered when it is to the port's address and filtered when it is to
 *     another unicast address. (The filter read 6 bytes from the first
 *     segment, past its data: the two bytes beyond it decided.)
 * 11. An MTU raised by rte_eth_dev_configure() after the receive queues were
 *     set up with buffers too small for it makes rte_eth_dev_start() fail
 *     with a message that names the sizes (it started, and the frames in
 *     between became oversize drops).
 * 5.  Zero copy hands the sender's buffers over: a chained frame sent to a
 *     receive queue without RTE_ETH_RX_OFFLOAD_SCATTER arrives in one
 *     buffer of the receiver's pool, the same bytes. (The receiver got
 *     nb_segs = 3.)
 * Ring sizes: any descriptor count in dev_info's range is accepted and
 *     rounded up to a power of two, which queue info reports (--rxd=100
 *     was refused).
 */
#include "fixes.h"

#define NB_MBUFS 2048u
#define RING     256u

static struct rte_mempool *pool;     /* 2 KB buffers */
static struct rte_mempool *big_pool; /* 4 KB buffers */
static char log_buf[16384];

static uint16_t
loopback(const char *args, uint16_t nb_desc)
{
	uint16_t port = qpt_probe("net_qpring0", args);
	int ret = qpt_start(port, 1, nb_desc, pool);

	REQUIRE(ret == 0, "start net_qpring0,%s: %d", args, ret);
	return port;
}

/*
 * A 60-byte frame to @dst over two mbufs: the first holds 4 bytes (the
 * first four of the address), the rest follows in the second. The bytes
 * of the first buffer just past its data are @junk, where a filter that
 * reads 6 bytes from the first segment would find the address's last two.
 */
static struct rte_mbuf *
short_first_segment_frame(const struct rte_ether_addr *dst, uint32_t seq, const uint8_t junk[2])
{
	struct rte_mbuf *flat = qpt_frame(pool, seq, 60, dst);
	struct rte_mbuf *a = rte_pktmbuf_alloc(pool), *b = rte_pktmbuf_alloc(pool);
	char *pa = a != NULL ? rte_pktmbuf_append(a, 4) : NULL;
	char *pb = b != NULL ? rte_pktmbuf_append(b, 56) : NULL;

	REQUIRE(flat != NULL && pa != NULL && pb != NULL, "out of mbufs");
	memcpy(pa, rte_pktmbuf_mtod(flat, const char *), 4);
	memcpy(pa + 4, junk, 2); /* beyond data_len, inside the buffer */
	memcpy(pb, rte_pktmbuf_mtod_offset(flat, const char *, 4), 56);
	rte_pktmbuf_free(flat);
	REQUIRE(rte_pktmbuf_chain(a, b) == 0, "chain");
	return a;
}

static void
mac_filter_short_first_segment(void)
{
	struct rte_ether_addr own, other;
	struct rte_eth_dev_info info;
	struct rte_mbuf *m, *rx[4];
	unsigned int got;
	uint32_t seq = ~0u;
	uint16_t port;
	uint8_t junk[2];

	port = loopback("", RING);
	REQUIRE(rte_eth_dev_info_get(port, &info) == 0, "dev_info");
	REQUIRE(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS, "multi-segment sends");
	CHECK_EQ(rte_eth_promiscuous_disable(port), 0);
	CHECK_EQ(rte_eth_allmulticast_disable(port), 0);
	REQUIRE(rte_eth_macaddr_get(port, &own) == 0, "macaddr_get");
	/* Another unicast address with the same first four bytes. */
	other = own;
	other.addr_bytes[4] ^= 0x5a;
	other.addr_bytes[5] ^= 0xa5;

	QPT_CASE("mac_filter_short_first_segment_to_own_mac_delivered");
	/* Past the 4 bytes: the other address's last two, not the port's. */
	junk[0] = other.addr_bytes[4];
	junk[1] = other.addr_bytes[5];
	m = short_first_segment_frame(&own, 1, junk);
	CHECK_EQ(rte_eth_tx_burst(port, 0, &m, 1), 1);
	got = qpt_rx_all(port, 0, rx, RTE_DIM(rx), 2);
	CHECK(got == 1 && qpt_frame_check(rx[0], 60, &seq) == 0 && seq == 1 &&
	      rte_is_same_ether_addr(rte_pktmbuf_mtod(rx[0], const struct rte_ether_addr *), &own),
	      "frame to the port's own MAC (first segment 4 bytes): %u received", got);
	qpt_free_all(rx, got);
	CHECK_EQ(qpt_qxstat(port, "rx", 0, "mac_filter_drops"), 0);

	QPT_CASE("mac_filter_short_first_segment_to_other_unicast_filtered");
	/* Past the 4 bytes: the port's own last two. */
	junk[0] = own.addr_bytes[4];
	junk[1] = own.addr_bytes[5];
	m = short_first_segment_frame(&other, 2, junk);
	CHECK_EQ(rte_eth_tx_burst(port, 0, &m, 1), 1);
	got = qpt_rx_all(port, 0, rx, RTE_DIM(rx), 2);
	CHECK(got == 0, "frame to another unicast MAC (first segment 4 bytes): %u received",
	      got);
	qpt_free_all(rx, got);
	CHECK_EQ(qpt_qxstat(port, "rx", 0, "mac_filter_drops"), 1);

	CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
	CHECK(qpt_in_use(pool) == 0, "%u mbufs not back in the pool", qpt_in_use(pool));
}

/*
 * Receive queue set up with 2 KB buffers (no scatter) at MTU 1500, then a
 * configure with rxmode.mtu 3000: start fails, saying what the frames need
 * and what the buffers hold. Set up again from 4 KB buffers, the port
 * starts and a 3018-byte frame makes the round trip.
 */
static void
mtu_raised_by_configure_fails_start_naming_sizes(void)
{
	struct rte_eth_conf conf;
	struct rte_mbuf *rx[4];
	char frame_sz[16], room_sz[16];
	unsigned int got, lines;
	uint16_t port;
	int ret;

	QPT_CASE("mtu_raised_by_configure_fails_start_naming_sizes");
	port = qpt_probe("net_qpring0", "");
	REQUIRE(qpt_setup(port, 1, RING, pool) == 0, "set-up at MTU 1500");
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = 3000;
	CHECK_EQ(rte_eth_dev_configure(port, 1, 1, &conf), 0);
	CHECK_EQ(qpt_regs(port, 0, RTE_PMD_QPRING_RQ).size, RING); /* the queue kept */

	qpt_log_begin();
	ret = rte_eth_dev_start(port);
	qpt_log_end(log_buf, sizeof(log_buf));
	fputs(log_buf, stdout);
	CHECK(ret == -EINVAL, "start with MTU 3000 over 2048-byte buffers: %d, expected -EINVAL",
	      ret);
	snprintf(frame_sz, sizeof(frame_sz), "%u", 3000u + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN);
	snprintf(room_sz, sizeof(room_sz), "%u", RTE_MBUF_DEFAULT_DATAROOM);
	lines = qpt_log_lines(log_buf, frame_sz, room_sz);
	CHECK(lines >= 1, "no log line names the frame size %s and the buffer size %s",
	      frame_sz, room_sz);
	if (ret == 0) {
		/* Started anyway: say what became of a frame the MTU allows. */
		unsigned int sent = qpt_send(port, 0, big_pool, 1, 2100, NULL, 9);

		got = qpt_rx_all(port, 0, rx, RTE_DIM(rx), 2);
		printf("  started anyway: a 2100-byte frame sent %u, received %u, "
		       "rx_q0_oversize_drops %" PRIu64 "\n", sent, got,
		       qpt_qxstat(port, "rx", 0, "oversize_drops"));
		qpt_free_all(rx, got);
		CHECK_EQ(rte_eth_dev_stop(port), 0);
	}

	/* The remedy the message gives: buffers that hold the frames. */
	CHECK_EQ(rte_eth_rx_queue_setup(port, 0, RING, rte_socket_id(), NULL, big_pool), 0);
	ret = rte_eth_dev_start(port);
	CHECK(ret == 0, "start with 4 KB buffers: %d", ret);
	if (ret == 0) {
		CHECK_EQ(qpt_send(port, 0, big_pool, 1, 3018, NULL, 7), 1);
		got = qpt_rx_all(port, 0, rx, RTE_DIM(rx), 2);
		CHECK(got == 1 && qpt_frame_check(rx[0], 3018, NULL) == 0,
		      "3018-byte frame at MTU 3000: %u received", got);
		qpt_free_all(rx, got);
	}
	CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
	CHECK(qpt_in_use(pool) == 0 && qpt_in_use(big_pool) == 0,
	      "mbufs not back in the pools: %u, %u", qpt_in_use(pool), qpt_in_use(big_pool));
}

/*
 * 100 descriptors (what testpmd's --rxd=100 asks): accepted, rounded up to
 * 128 slots, which queue info and the registers report; the queue carries
 * more than 100 frames in flight. Counts outside dev_info's range are
 * still refused.
 */
static void
ring_of_100_descriptors_rounded_up_to_128(void)
{
	struct rte_eth_dev_info info;
	struct rte_eth_rxq_info rqi;
	struct rte_eth_txq_info tqi;
	struct rte_eth_conf conf;
	unsigned int bad = 0, got;
	uint16_t port;
	int ret;

	QPT_CASE("ring_of_100_descriptors_rounded_up_to_128");
	port = qpt_probe("net_qpring0", "");
	REQUIRE(rte_eth_dev_info_get(port, &info) == 0, "dev_info");
	CHECK(info.rx_desc_lim.nb_min <= 100 && info.rx_desc_lim.nb_max >= 100 &&
	      100 % RTE_MAX(info.rx_desc_lim.nb_align, 1) == 0,
	      "dev_info: rx rings of %u to %u, align %u: 100 should be in range",
	      info.rx_desc_lim.nb_min, info.rx_desc_lim.nb_max, info.rx_desc_lim.nb_align);
	memset(&conf, 0, sizeof(conf));
	REQUIRE(rte_eth_dev_configure(port, 1, 1, &conf) == 0, "configure");
	ret = rte_eth_rx_queue_setup(port, 0, 100, rte_socket_id(), NULL, pool);
	CHECK(ret == 0, "rx_queue_setup(100 descriptors) = %d", ret);
	ret = rte_eth_tx_queue_setup(port, 0, 100, rte_socket_id(), NULL);
	CHECK(ret == 0, "tx_queue_setup(100 descriptors) = %d", ret);
	if (ret != 0 || rte_eth_rx_queue_info_get(port, 0, &rqi) != 0) {
		CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
		return;
	}
	CHECK_EQ(rqi.nb_desc, 128);
	CHECK_EQ(rte_eth_tx_queue_info_get(port, 0, &tqi), 0);
	CHECK_EQ(tqi.nb_desc, 128);
	CHECK_EQ(qpt_regs(port, 0, RTE_PMD_QPRING_RQ).size, 128);
	CHECK_EQ(qpt_regs(port, 0, RTE_PMD_QPRING_SQ).size, 128);
	CHECK_EQ(rte_eth_dev_start(port), 0);
	/* 120 frames waiting in the receive ring: more than 100 slots. */
	CHECK_EQ(qpt_send(port, 0, pool, 120, 64, NULL, 0), 120);
	CHECK_EQ(rte_eth_rx_queue_count(port, 0), 120);
	got = qpt_recv(port, 0, 128, 64, 0, &bad);
	CHECK(got == 120 && bad == 0, "received %u of 120, %u bad", got, bad);
	CHECK_EQ(rte_eth_dev_stop(port), 0);
	/* Still refused: below the minimum, above the maximum. */
	CHECK(rte_eth_rx_queue_setup(port, 0, (uint16_t)(info.rx_desc_lim.nb_min - 1),
				     rte_socket_id(), NULL, pool) != 0,
	      "%u descriptors accepted", info.rx_desc_lim.nb_min - 1u);
	if (info.rx_desc_lim.nb_max < UINT16_MAX)
		CHECK(rte_eth_rx_queue_setup(port, 0, (uint16_t)(info.rx_desc_lim.nb_max + 1),
					     rte_socket_id(), NULL, pool) != 0,
		      "%u descriptors accepted", info.rx_desc_lim.nb_max + 1u);
	CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
	CHECK(qpt_in_use(pool) == 0, "%u mbufs not back in the pool", qpt_in_use(pool));
}

/* A frame of @len bytes (sequence @seq) as @nsegs chained buffers. */
static struct rte_mbuf *
chained_frame(uint32_t seq, uint32_t len, unsigned int nsegs)
{
	struct rte_mbuf *flat = qpt_frame(pool, seq, len, NULL), *head = NULL;
	uint32_t off = 0, i;

	REQUIRE(flat != NULL && rte_pktmbuf_is_contiguous(flat), "flat frame");
	for (i = 0; i < nsegs; i++) {
		uint32_t l = i + 1 < nsegs ? len / nsegs : len - off;
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		char *p = m != NULL ? rte_pktmbuf_append(m, (uint16_t)l) : NULL;

		REQUIRE(p != NULL, "out of mbufs");
		memcpy(p, rte_pktmbuf_mtod_offset(flat, const char *, off), l);
		off += l;
		if (head == NULL)
			head = m;
		else
			REQUIRE(rte_pktmbuf_chain(head, m) == 0, "chain");
	}
	rte_pktmbuf_free(flat);
	return head;
}

static void
zero_copy_chain_to_non_scatter_receiver(void)
{
	struct rte_mbuf *m, *rx[4];
	struct rte_eth_stats st;
	uint32_t seq = 0;
	uint16_t port, n;

	QPT_CASE("zero_copy_chain_to_non_scatter_receiver_arrives_in_one_buffer");
	port = loopback("copy=0", RING);
	m = chained_frame(7, 1000, 3);
	CHECK_EQ(m->nb_segs, 3);
	CHECK_EQ(rte_eth_tx_burst(port, 0, &m, 1), 1);
	n = qpt_rx_all(port, 0, rx, RTE_DIM(rx), 4);
	CHECK_EQ(n, 1);
	if (n == 1) {
		CHECK_EQ(rx[0]->nb_segs, 1);
		CHECK_EQ(rx[0]->pkt_len, 1000);
		CHECK_EQ(rx[0]->data_len, 1000);
		CHECK(qpt_frame_check(rx[0], 1000, &seq) == 0 && seq == 7,
		      "the same bytes: seq %u", seq);
		CHECK(rx[0]->pool == pool, "in a buffer of the receiver's pool");
		rte_pktmbuf_free(rx[0]);
	}

	/* Nothing counted as dropped: a frame the receiver's MTU allows fits
	 * its buffers (the start checks it), so a chain always linearises.
	 */
	CHECK_EQ(qpt_qxstat(port, "rx", 0, "chain_drops"), 0);
	CHECK(rte_eth_stats_get(port, &st) == 0 && st.ierrors == 0, "ierrors %" PRIu64,
	      st.ierrors);
	CHECK_EQ(rte_eth_dev_stop(port), 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
	CHECK(qpt_in_use(pool) == 0, "%u mbufs not back in the pool", qpt_in_use(pool));
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("fixes_control", 256, NULL);
	pool = qpt_pool("fx_ctl", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);
	big_pool = qpt_pool("fx_ctl_big", 1024, 4096 + RTE_PKTMBUF_HEADROOM);

	if (fx_selected(argc, argv, "mac_filter_short_first_segment_to_own_mac_delivered") ||
	    fx_selected(argc, argv, "mac_filter_short_first_segment_to_other_unicast_filtered"))
		mac_filter_short_first_segment();
	if (fx_selected(argc, argv, "mtu_raised_by_configure_fails_start_naming_sizes"))
		mtu_raised_by_configure_fails_start_naming_sizes();
	if (fx_selected(argc, argv, "ring_of_100_descriptors_rounded_up_to_128"))
		ring_of_100_descriptors_rounded_up_to_128();
	if (fx_selected(argc, argv, "zero_copy_chain_to_non_scatter_receiver_arrives_in_one_buffer"))
		zero_copy_chain_to_non_scatter_receiver();

	rte_mempool_free(pool);
	rte_mempool_free(big_pool);
	qpt_eal_done();
	return qpt_finish();
}
