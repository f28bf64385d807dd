/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Queue layouts applications use: frames from any send queue reach the
 * receiving port, which picks the queue. 1 receive queue fed by 4 send
 * queues (cable and loopback) loses nothing; 4 receive queues without RSS
 * take everything on queue 0; the explicit devarg rxq_map=same keeps send
 * queue i -> receive queue i, and counts frames for a receive queue the
 * port does not have as no_link drops. Copy and zero-copy ports.
 */
#include "nic.h"

#define NB_MBUFS 16384u
#define RING     2048u  /* holds every frame of a case: received after all are sent */
#define PER_Q    300u   /* frames per send queue: more than a burst, less than a ring */

static struct rte_mempool *pool;

/* Frame code: send queue in the top byte, number in the rest; its length
 * follows from it, so a frame placed in the wrong slot or torn shows.
 */
static uint32_t
code_of(uint16_t q, uint32_t i)
{
	return (uint32_t)q << 24 | i;
}

static uint32_t
len_of(uint32_t code)
{
	return 60u + (code * 37u) % 400u;
}

/* Send PER_Q frames on each of send queues 0..@nb_txq-1 of @tx, the queues
 * taking turns burst by burst. Returns the frames the port took.
 */
static unsigned int
send_all(uint16_t tx, uint16_t nb_txq)
{
	unsigned int done[8] = { 0 }, total = 0, round;
	uint16_t q;

	for (round = 0; round * QPT_BURST < PER_Q; round++) {
		for (q = 0; q < nb_txq; q++) {
			struct rte_mbuf *b[QPT_BURST];
			unsigned int k, n = RTE_MIN(QPT_BURST, PER_Q - done[q]);

			for (k = 0; k < n; k++) {
				uint32_t c = code_of(q, done[q] + k);

				b[k] = qpt_frame(pool, c, len_of(c), NULL);
				REQUIRE(b[k] != NULL, "pool empty");
			}
			k = nic_send(tx, q, b, n);
			done[q] += k;
			total += k;
		}
	}
	return total;
}

/*
 * Receive on queue @rq of @rx: every frame must be whole; *per[q] counts
 * those from send queue q, which must come in order. Returns the number.
 */
static unsigned int
recv_check(const char *what, uint16_t rx, uint16_t rq, unsigned int *per, unsigned int nb_per)
{
	struct rte_mbuf *b[QPT_BURST];
	unsigned int got = 0, empty = 0, bad = 0, order = 0, k;

	while (empty < 2) {
		uint16_t n = rte_eth_rx_burst(rx, rq, b, QPT_BURST);

		empty = n == 0 ? empty + 1 : 0;
		for (k = 0; k < n; k++) {
			uint32_t code = 0, len = b[k]->pkt_len, q;

			/* The length the frame has tells the code to check against. */
			if (qpt_frame_check(b[k], len, &code) != 0 || len != len_of(code) ||
			    (q = code >> 24) >= nb_per) {
				bad++;
			} else {
				order += (code & 0xffffff) != per[q];
				per[q] = (code & 0xffffff) + 1;
			}
			rte_pktmbuf_free(b[k]);
		}
		got += n;
	}
	CHECK(bad == 0, "%s: rx queue %u: %u damaged or unknown frames", what, rq, bad);
	CHECK(order == 0, "%s: rx queue %u: %u frames out of order", what, rq, order);
	return got;
}

/* Sum of a per-queue xstat over queues 0..@n-1. */
static uint64_t
xs_sum(uint16_t port, const char *dir, uint16_t n, const char *what)
{
	uint64_t s = 0;
	uint16_t q;

	for (q = 0; q < n; q++)
		s += qpt_qxstat(port, dir, q, what);
	return s;
}

/* Counters of a port pair after a layout run: nothing lost anywhere. */
static void
check_no_loss(const char *what, uint16_t tx, uint16_t nb_txq, uint16_t rx, uint16_t nb_rxq,
	      uint64_t want)
{
	struct rte_eth_stats st = qpt_stats(tx), sr = qpt_stats(rx);
	uint16_t q;

	for (q = 0; q < nb_txq; q++) {
		CHECK_EQ(qpt_qxstat(tx, "tx", q, "no_link_drops"), 0);
		CHECK_EQ(qpt_qxstat(tx, "tx", q, "adapter_serviced"), PER_Q);
	}
	CHECK(st.opackets == want, "%s: opackets %" PRIu64 ", want %" PRIu64, what,
	      st.opackets, want);
	CHECK(sr.ipackets == want, "%s: ipackets %" PRIu64 ", want %" PRIu64, what,
	      sr.ipackets, want);
	CHECK_EQ(st.oerrors, 0);
	CHECK_EQ(sr.ierrors, 0);
	CHECK_EQ(sr.imissed, 0);
	CHECK_EQ(xs_sum(rx, "rx", nb_rxq, "no_buffer_drops"), 0);
}

/* Stop, close and remove the vdevs, newest first. */
static void
destroy(const char *const *names, unsigned int n)
{
	while (n-- > 0)
		CHECK_EQ(qpt_vdev_destroy(names[n]), 0);
}

/* 1 receive queue, 4 send queues on the other end of a cable (or on the
 * port itself: loopback). Every frame arrives on receive queue 0.
 */
static void
one_rxq_four_txq(int copy, int loopback)
{
	char what[96], a_args[64], b_args[64];
	const char *names[2] = { "net_qpring_lay_a", "net_qpring_lay_b" };
	struct rte_eth_conf conf;
	unsigned int per[4] = { 0 }, got, q;
	uint16_t a, b;

	snprintf(what, sizeof(what), "copy=%d %s: 1 rx queue, 4 tx queues", copy,
		 loopback ? "loopback" : "cable");
	QPT_CASE(what);
	memset(&conf, 0, sizeof(conf));
	snprintf(a_args, sizeof(a_args), "copy=%d", copy);
	a = qpt_probe(names[0], a_args);
	if (loopback) {
		b = a;
	} else {
		snprintf(b_args, sizeof(b_args), "peer=%s,copy=%d", names[0], copy);
		b = qpt_probe(names[1], b_args);
		REQUIRE(nic_setup(b, 1, 4, RING, &conf, pool) == 0, "set-up b");
	}
	REQUIRE(nic_setup(a, 1, 4, RING, &conf, pool) == 0, "set-up a");
	REQUIRE(rte_eth_dev_start(a) == 0 && (loopback || rte_eth_dev_start(b) == 0), "start");
	CHECK_EQ(send_all(a, 4), 4 * PER_Q);
	got = recv_check(what, b, 0, per, 4);
	CHECK(got == 4 * PER_Q, "%s: %u frames received, %u sent", what, got, 4 * PER_Q);
	for (q = 0; q < 4; q++)
		CHECK(per[q] == PER_Q, "%s: %u frames from tx queue %u, want %u", what, per[q], q,
		      PER_Q);
	check_no_loss(what, a, 4, b, 1, 4 * PER_Q);
	destroy(names, loopback ? 1 : 2);
}

/*
 * 4 receive queues, 1 send queue at the other end. Without RSS every frame
 * goes to queue 0; with rxq_map=same send queue i feeds receive queue i,
 * and a receiving port with fewer receive queues than the sender's queue
 * index drops those frames as no_link.
 */
static void
four_rxq(int copy, int same)
{
	char what[96], a_args[64], b_args[96];
	const char *names[2] = { "net_qpring_lay_c", "net_qpring_lay_d" };
	struct rte_eth_conf conf;
	unsigned int per[4], got, q;
	uint16_t a, b;

	snprintf(what, sizeof(what), "copy=%d: 4 rx queues, %s", copy,
		 same ? "rxq_map=same, 4 tx queues" : "no RSS, 1 tx queue");
	QPT_CASE(what);
	memset(&conf, 0, sizeof(conf));
	snprintf(a_args, sizeof(a_args), "copy=%d", copy);
	snprintf(b_args, sizeof(b_args), "peer=%s,copy=%d%s", names[0], copy,
		 same ? ",rxq_map=same" : "");
	a = qpt_probe(names[0], a_args);
	b = qpt_probe(names[1], b_args);
	REQUIRE(nic_setup(a, 1, same ? 4 : 1, RING, &conf, pool) == 0, "set-up a");
	REQUIRE(nic_setup(b, 4, 1, RING, &conf, pool) == 0, "set-up b");
	REQUIRE(rte_eth_dev_start(a) == 0 && rte_eth_dev_start(b) == 0, "start");
	CHECK_EQ(send_all(a, same ? 4 : 1), (same ? 4 : 1) * PER_Q);
	for (q = 0; q < 4; q++) {
		memset(per, 0, sizeof(per));
		got = recv_check(what, b, (uint16_t)q, per, 4);
		if (same) {
			CHECK(got == PER_Q && per[q] == PER_Q,
			      "%s: rx queue %u: %u frames, %u of them from tx queue %u", what, q,
			      got, per[q], q);
		} else {
			CHECK(got == (q == 0 ? PER_Q : 0), "%s: rx queue %u: %u frames", what, q,
			      got);
		}
	}
	check_no_loss(what, a, same ? 4 : 1, b, 4, (same ? 4 : 1) * PER_Q);
	destroy(names, 2);

	if (!same)
		return;
	/* rxq_map=same with 1 receive queue: what send queues 1..3 carry has
	 * no receive queue to go to.
	 */
	snprintf(what, sizeof(what), "copy=%d: rxq_map=same, 1 rx queue, 4 tx queues", copy);
	QPT_CASE(what);
	a = qpt_probe(names[0], a_args);
	b = qpt_probe(names[1], b_args);
	REQUIRE(nic_setup(a, 1, 4, RING, &conf, pool) == 0, "set-up a");
	REQUIRE(nic_setup(b, 1, 1, RING, &conf, pool) == 0, "set-up b");
	REQUIRE(rte_eth_dev_start(a) == 0 && rte_eth_dev_start(b) == 0, "start");
	CHECK_EQ(send_all(a, 4), 4 * PER_Q);
	memset(per, 0, sizeof(per));
	got = recv_check(what, b, 0, per, 4);
	CHECK(got == PER_Q && per[0] == PER_Q, "%s: %u frames, %u from tx queue 0", what, got,
	      per[0]);
	CHECK_EQ(qpt_qxstat(a, "tx", 0, "no_link_drops"), 0);
	for (q = 1; q < 4; q++)
		CHECK_EQ(qpt_qxstat(a, "tx", (uint16_t)q, "no_link_drops"), PER_Q);
	destroy(names, 2);
}

int
main(void)
{
	unsigned int base;
	int copy;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("nic_layout", 256, NULL);
	pool = qpt_pool("nic_layout_pool", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);
	base = qpt_in_use(pool);
	for (copy = 1; copy >= 0; copy--) {
		one_rxq_four_txq(copy, 0);
		one_rxq_four_txq(copy, 1);
		four_rxq(copy, 0);
		four_rxq(copy, 1);
	}
	QPT_CASE("pool");
	CHECK_EQ(qpt_in_use(pool), base);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
