/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/* The data path through ethdev, counted exactly (stats, per-queue stats, xstats), with payload,
 * order and QP isolation checked end to end: loopback and cabled, copy=1 and copy=0.
 *
 * The receiving port picks the receive queue. Flows that check queue pairs apart (send
 * queue i -> receive queue i) give the receiving port rxq_map=same; the flows without it
 * check the default: every send queue delivers into receive queue 0, each sender's frames
 * in order, interleaved with the other senders'.
 */
#include "qpt.h"

#define NB_MBUFS   8192u
#define RX_BURST   32u
#define POLL_BOUND 8u

/* Frame k of a flow has size frame_sizes[k % 4] (MTU 1500: 1518 is the largest). */
static const uint32_t frame_sizes[] = { 60, 64, 1500, 1518 };
#define NB_SIZES RTE_DIM(frame_sizes)

static struct rte_mempool *pool;

static uint32_t
size_of(uint32_t k)
{
	return frame_sizes[k % NB_SIZES];
}

/* Bytes of frames 0..n-1 of a flow. */
static uint64_t
bytes_of(uint32_t n)
{
	uint64_t b = 0;
	uint32_t k;

	for (k = 0; k < n; k++)
		b += size_of(k);
	return b;
}

/* Sequence number of frame k of queue pair q in direction dir: unique per flow. */
static uint32_t
flow_seq(unsigned int dir, uint16_t q, uint32_t k)
{
	return (uint32_t)dir << 24 | (uint32_t)q << 16 | k;
}

static int
make_port(const char *name, const char *args, uint16_t nb_qp, uint16_t ring,
	  struct rte_mempool *rx_mp)
{
	int port = qpt_vdev(name, args);

	REQUIRE(port >= 0, "probe %s \"%s\": %d", name, args, port);
	REQUIRE(qpt_setup((uint16_t)port, nb_qp, ring, rx_mp) == 0, "setup %s", name);
	return port;
}

static void
start_port(int port)
{
	REQUIRE(rte_eth_dev_start((uint16_t)port) == 0, "start port %d", port);
}

/*
 * Default mapping: receive everything waiting on receive queue 0 of @port,
 * frames of the flows (dir, 0..nb_qp-1) interleaved: each flow's frames
 * got[q].. in order and intact. Counts the rx calls that returned frames.
 */
static void
drain_mixed(uint16_t port, uint16_t nb_qp, unsigned int dir, uint32_t *got, uint32_t *calls,
	    uint32_t limit)
{
	struct rte_mbuf *rx[RX_BURST];
	unsigned int polls = 0;

	while (polls < POLL_BOUND) {
		uint16_t n = rte_eth_rx_burst(port, 0, rx, RX_BURST), i;

		if (n == 0) {
			polls++;
			continue;
		}
		(*calls)++;
		for (i = 0; i < n; i++) {
			uint32_t seq = ~0u, q, k;

			/* Any length: the sequence number says which flow, then
			 * the length and the position in that flow are checked.
			 */
			if (qpt_frame_check(rx[i], rx[i]->pkt_len, &seq) != 0 ||
			    seq >> 24 != dir || (seq >> 16 & 0xff) >= nb_qp) {
				CHECK(0, "port %u rq 0: frame of len %u, seq %#x: not one of the"
				      " flows of dir %u", port, rx[i]->pkt_len, seq, dir);
				continue;
			}
			q = seq >> 16 & 0xff;
			k = seq & 0xffff;
			CHECK(k == got[q] && k < limit && rx[i]->pkt_len == size_of(k),
			      "port %u rq 0: flow %u frame %u (len %u) after %u of that flow",
			      port, q, k, rx[i]->pkt_len, got[q]);
			CHECK_EQ(rx[i]->port, port);
			got[q] = k + 1;
		}
		qpt_free_all(rx, n);
	}
	/* The other receive queues get nothing. */
	for (uint16_t q = 1; q < nb_qp; q++) {
		uint16_t n = rte_eth_rx_burst(port, q, rx, RX_BURST);

		CHECK(n == 0, "port %u rq %u: %u frames, want all on rq 0", port, q, n);
		qpt_free_all(rx, n);
	}
}

/*
 * Receive everything waiting on (port, q), expecting frames *got.. of flow
 * (dir, q) in order and intact. Counts the rx calls that returned frames
 * (each rings one receive doorbell).
 */
static void
drain_flow(uint16_t port, uint16_t q, unsigned int dir, uint32_t *got, uint32_t *calls,
	   uint32_t limit)
{
	struct rte_mbuf *rx[RX_BURST];
	unsigned int polls = 0;

	while (polls < POLL_BOUND) {
		uint16_t n = rte_eth_rx_burst(port, q, rx, RX_BURST), i;

		if (n == 0) {
			polls++;
			continue;
		}
		(*calls)++;
		for (i = 0; i < n; i++) {
			uint32_t seq = ~0u, want = flow_seq(dir, q, *got);

			CHECK(*got < limit, "port %u rq %u: frame beyond the %u sent", port, q,
			      limit);
			CHECK(qpt_frame_check(rx[i], size_of(*got), &seq) == 0 && seq == want,
			      "port %u rq %u frame %u: len %u seq %#x, want len %u seq %#x", port,
			      q, *got, rx[i]->pkt_len, seq, size_of(*got), want);
			CHECK_EQ(rx[i]->port, port);
			(*got)++;
		}
		qpt_free_all(rx, n);
	}
}

/* ---------------------------------------------------------------- flows */

struct flow_case {
	const char *name;
	uint8_t copy;
	uint8_t same;       /* receiving ports have rxq_map=same: QP i -> QP i */
	uint8_t cabled;     /* 0: one port in loopback; 1: two ports, both directions */
	uint8_t interleave; /* receive after every round of sends (frames may exceed ring) */
	uint16_t nb_qp;
	uint16_t ring;
	uint16_t frames;    /* per queue pair and direction */
	uint16_t burst;
};

static const struct flow_case flow_cases[] = {
	{ "loopback copy=1 1 QP",                      1, 0, 0, 0, 1, 256, 200, 32 },
	{ "loopback copy=0 1 QP",                      0, 0, 0, 0, 1, 256, 200, 32 },
	{ "loopback copy=1 4 QPs, rxq_map=same",       1, 1, 0, 0, 4, 128, 100, 16 },
	{ "loopback copy=0 4 QPs, rxq_map=same",       0, 1, 0, 0, 4, 128, 100, 16 },
	{ "loopback copy=1 wraps the ring, rxq_map=same", 1, 1, 0, 1, 2, 16, 300, 5 },
	{ "loopback copy=0 wraps the ring, rxq_map=same", 0, 1, 0, 1, 2, 16, 300, 5 },
	{ "cabled copy=1 4 QPs, rxq_map=same",         1, 1, 1, 0, 4, 128, 100, 32 },
	{ "cabled copy=0 4 QPs, rxq_map=same",         0, 1, 1, 0, 4, 128, 100, 7 },
	{ "cabled copy=1 wraps the ring, rxq_map=same", 1, 1, 1, 1, 4, 32, 250, 9 },
	{ "cabled copy=0 wraps the ring, rxq_map=same", 0, 1, 1, 1, 4, 32, 250, 9 },
	/* Default mapping: 4 send queues into receive queue 0 (RSS off). */
	{ "loopback copy=1 4 send queues into rq 0",   1, 0, 0, 1, 4, 128, 100, 16 },
	{ "loopback copy=0 4 send queues into rq 0",   0, 0, 0, 1, 4, 128, 100, 16 },
	{ "loopback copy=1 2 send queues into rq 0, wraps", 1, 0, 0, 1, 2, 16, 300, 5 },
	{ "cabled copy=1 4 send queues into rq 0, wraps", 1, 0, 1, 1, 4, 32, 250, 7 },
	{ "cabled copy=0 4 send queues into rq 0, wraps", 0, 0, 1, 1, 4, 32, 250, 7 },
	{ "cabled copy=0 4 send queues into rq 0, all at once", 0, 0, 1, 0, 4, 128, 30, 7 },
};

/* The send side of a flow, exactly: stats, per-queue stats, xstats, registers. */
static void
check_sender(uint16_t port, const struct flow_case *c, const uint32_t *tx_calls)
{
	struct rte_eth_stats st;
	uint16_t q;

	REQUIRE(rte_eth_stats_get(port, &st) == 0, "stats");
	CHECK_EQ(st.opackets, (uint64_t)c->nb_qp * c->frames);
	CHECK_EQ(st.obytes, (uint64_t)c->nb_qp * bytes_of(c->frames));
	CHECK_EQ(st.oerrors, 0);
	for (q = 0; q < c->nb_qp; q++) {
		struct rte_pmd_qpring_regs r = qpt_regs(port, q, RTE_PMD_QPRING_SQ);

		CHECK_EQ(st.q_opackets[q], c->frames);
		CHECK_EQ(st.q_obytes[q], bytes_of(c->frames));
		CHECK_EQ(qpt_qxstat(port, "tx", q, "doorbells"), tx_calls[q]);
		CHECK_EQ(qpt_qxstat(port, "tx", q, "wqes_posted"), c->frames);
		/* The inline adapter completes a burst before it returns, and
		 * the driver takes the buffers back at once: all of them.
		 */
		CHECK_EQ(qpt_qxstat(port, "tx", q, "completions_reaped"), c->frames);
		CHECK_EQ(qpt_qxstat(port, "tx", q, "ring_full_stalls"), 0);
		CHECK_EQ(qpt_qxstat(port, "tx", q, "bad_frame_drops"), 0);
		CHECK_EQ(qpt_qxstat(port, "tx", q, "error_completions"), 0);
		CHECK_EQ(qpt_qxstat(port, "tx", q, "flushed_wqes"), 0);
		CHECK_EQ(qpt_qxstat(port, "tx", q, "no_link_drops"), 0);
		CHECK_EQ(qpt_qxstat(port, "tx", q, "adapter_serviced"), c->frames);
		CHECK_EQ(qpt_qxstat(port, "tx", q, "adapter_polls"), tx_calls[q]);
		CHECK_EQ(qpt_qxstat(port, "tx", q, "adapter_idle_polls"), 0);
		/* Inline adapter: everything serviced, the newest WQE too. */
		CHECK_EQ(qpt_qxstat(port, "tx", q, "reg_pending"), 0);
		CHECK_EQ(qpt_qxstat(port, "tx", q, "reg_in_service"), 0);
		CHECK_EQ(qpt_qxstat(port, "tx", q, "reg_doorbell"), qpt_slot_va(&r, c->frames - 1u));
		CHECK_EQ(r.pending, 0);
		CHECK_EQ(r.driver_index, c->frames);
		CHECK_EQ(r.adapter_index, c->frames);
		CHECK_EQ(r.done_slots, c->ring);
	}
}

/* The receive side of a flow, every frame harvested: with rxq_map=same,
 * c->frames on each queue; by default, all of them on queue 0, none on the
 * others.
 */
static void
check_receiver(uint16_t port, const struct flow_case *c, const uint32_t *rx_calls)
{
	struct rte_eth_stats st;
	uint16_t q;

	REQUIRE(rte_eth_stats_get(port, &st) == 0, "stats");
	CHECK_EQ(st.ipackets, (uint64_t)c->nb_qp * c->frames);
	CHECK_EQ(st.ibytes, (uint64_t)c->nb_qp * bytes_of(c->frames));
	CHECK_EQ(st.imissed, 0);
	CHECK_EQ(st.ierrors, 0);
	CHECK_EQ(st.rx_nombuf, 0);
	for (q = 0; q < c->nb_qp; q++) {
		struct rte_pmd_qpring_regs r = qpt_regs(port, q, RTE_PMD_QPRING_RQ);
		/* Frames this receive queue took. */
		const uint32_t flows = c->same ? 1 : q == 0 ? c->nb_qp : 0;
		const uint32_t frames = flows * c->frames;

		CHECK_EQ(st.q_ipackets[q], frames);
		CHECK_EQ(st.q_ibytes[q], flows * bytes_of(c->frames));
		CHECK_EQ(st.q_errors[q], 0);
		/* One doorbell for the initial fill, one per harvesting burst. */
		CHECK_EQ(qpt_qxstat(port, "rx", q, "doorbells"), 1u + rx_calls[q]);
		CHECK_EQ(qpt_qxstat(port, "rx", q, "wqes_posted"), (uint64_t)c->ring + frames);
		CHECK_EQ(qpt_qxstat(port, "rx", q, "completions_reaped"), frames);
		CHECK_EQ(qpt_qxstat(port, "rx", q, "mbuf_alloc_failures"), 0);
		CHECK_EQ(qpt_qxstat(port, "rx", q, "error_completions"), 0);
		CHECK_EQ(qpt_qxstat(port, "rx", q, "no_buffer_drops"), 0);
		CHECK_EQ(qpt_qxstat(port, "rx", q, "oversize_drops"), 0);
		CHECK_EQ(qpt_qxstat(port, "rx", q, "mac_filter_drops"), 0);
		CHECK_EQ(qpt_qxstat(port, "rx", q, "adapter_completions"), frames);
		/* All re-posted; the doorbell names the last re-posted slot, not
		 * yet filled again (a queue that took nothing: the last slot of
		 * the initial fill).
		 */
		CHECK_EQ(qpt_qxstat(port, "rx", q, "reg_pending"), c->ring);
		CHECK_EQ(qpt_qxstat(port, "rx", q, "reg_in_service"), 1);
		CHECK_EQ(qpt_qxstat(port, "rx", q, "reg_doorbell"),
			 qpt_slot_va(&r, (frames != 0 ? frames : c->ring) - 1u));
		CHECK_EQ(r.pending, c->ring);
		CHECK_EQ(r.done_slots, 0);
		CHECK_EQ(r.driver_index, frames);
		CHECK_EQ(r.adapter_index, frames);
	}
}

static void
flow(const struct flow_case *c)
{
	static const char *const names[2] = { "net_qpring_ta", "net_qpring_tb" };
	uint32_t tx_calls[2][8] = { { 0 } }, rx_calls[2][8] = { { 0 } }, got[2][8] = { { 0 } };
	char args[96];
	unsigned int in_use = qpt_in_use(pool), dir, ndir = c->cabled ? 2 : 1;
	int port[2];
	uint16_t q;

	QPT_CASE(c->name);
	REQUIRE(c->nb_qp <= 8, "table: at most 8 queue pairs");
	REQUIRE(c->interleave || c->frames * (c->same ? 1u : c->nb_qp) <= c->ring,
		"table: frames must fit the ring");
	REQUIRE(!c->interleave || c->burst * (c->same ? 1u : c->nb_qp) <= c->ring,
		"table: a round must fit the ring");
	/* Both ports receive (cabled: one direction each): both pick queues. */
	if (c->cabled) {
		snprintf(args, sizeof(args), "copy=%u%s", c->copy, c->same ? ",rxq_map=same" : "");
		port[1] = make_port(names[1], args, c->nb_qp, c->ring, pool);
		snprintf(args, sizeof(args), "peer=%s,copy=%u%s", names[1], c->copy,
			 c->same ? ",rxq_map=same" : "");
		port[0] = make_port(names[0], args, c->nb_qp, c->ring, pool);
		start_port(port[1]);
	} else {
		snprintf(args, sizeof(args), "copy=%u%s", c->copy, c->same ? ",rxq_map=same" : "");
		port[0] = make_port(names[0], args, c->nb_qp, c->ring, pool);
		port[1] = port[0];
	}
	start_port(port[0]);

	for (dir = 0; dir < ndir; dir++) {
		uint16_t src = (uint16_t)port[dir], dst = (uint16_t)port[c->cabled ? !dir : 0];
		uint32_t sent[8] = { 0 };
		int more = 1;

		/* Round robin over the queue pairs, one burst each, so that the
		 * flows of different QPs are in flight at the same time.
		 */
		while (more) {
			more = 0;
			for (q = 0; q < c->nb_qp; q++) {
				struct rte_mbuf *tx[64];
				uint32_t n = RTE_MIN((uint32_t)c->burst, c->frames - sent[q]), k;
				uint16_t ok;

				if (n == 0)
					continue;
				for (k = 0; k < n; k++) {
					tx[k] = qpt_frame(pool, flow_seq(dir, q, sent[q] + k),
							  size_of(sent[q] + k), NULL);
					REQUIRE(tx[k] != NULL, "out of mbufs");
				}
				ok = rte_eth_tx_burst(src, q, tx, (uint16_t)n);
				CHECK_EQ(ok, n);
				qpt_free_all(tx + ok, n - ok);
				sent[q] += n;
				tx_calls[dir][q]++;
				more |= sent[q] < c->frames;
			}
			if (c->interleave && !c->same)
				drain_mixed(dst, c->nb_qp, dir, got[dir], &rx_calls[dir][0],
					    c->frames);
			else if (c->interleave)
				for (q = 0; q < c->nb_qp; q++)
					drain_flow(dst, q, dir, &got[dir][q], &rx_calls[dir][q],
						   c->frames);
		}
		if (c->cabled) {
			/* Nothing looped back to the sender: its receive queues
			 * hold only what the other direction already brought.
			 */
			for (q = 0; q < c->nb_qp; q++) {
				uint64_t before = dir == 0 ? 0 :
					c->same ? c->frames : q == 0 ? c->nb_qp * c->frames : 0;

				CHECK_EQ(qpt_qxstat(src, "rx", q, "adapter_completions"), before);
			}
		}
		if (!c->same)
			drain_mixed(dst, c->nb_qp, dir, got[dir], &rx_calls[dir][0], c->frames);
		for (q = 0; q < c->nb_qp; q++) {
			if (c->same)
				drain_flow(dst, q, dir, &got[dir][q], &rx_calls[dir][q],
					   c->frames);
			CHECK(got[dir][q] == c->frames, "dir %u QP %u: received %u of %u", dir, q,
			      got[dir][q], c->frames);
		}
	}

	for (dir = 0; dir < ndir; dir++) {
		check_sender((uint16_t)port[dir], c, tx_calls[dir]);
		check_receiver((uint16_t)port[c->cabled ? !dir : 0], c, rx_calls[dir]);
	}

	if (c->cabled)
		CHECK_EQ(qpt_vdev_destroy(names[1]), 0);
	CHECK_EQ(qpt_vdev_destroy(names[0]), 0);
	CHECK_EQ(qpt_in_use(pool), in_use);
}

/* ---------------------------------------------------- multi-segment frames */

/*
 * Chains of 3 segments: copy=1 gathers a chain into one posted buffer;
 * copy=0 hands the sender's chain over, which a receive queue with
 * RTE_ETH_RX_OFFLOAD_SCATTER takes as it is and one without it gets
 * linearised into one buffer of its pool.
 */
static void
multiseg(uint8_t copy, uint8_t scatter)
{
	static const uint32_t lens[] = { 60, 64, 1500, 1518, 999 };
	struct rte_mbuf *tx[RTE_DIM(lens)], *rx[RTE_DIM(lens)];
	struct rte_eth_stats st;
	char args[32], name[64];
	unsigned int in_use = qpt_in_use(pool), i, got;
	uint64_t bytes = 0;
	int port;

	snprintf(name, sizeof(name), "multi-segment frames, copy=%u%s", copy,
		 scatter ? ", Rx scatter" : "");
	QPT_CASE(name);
	snprintf(args, sizeof(args), "copy=%u", copy);
	port = make_port("net_qpring_tm", args, 1, 64, pool);
	if (scatter) {
		struct rte_eth_conf conf;

		memset(&conf, 0, sizeof(conf));
		conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_SCATTER;
		conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
		REQUIRE(rte_eth_dev_configure((uint16_t)port, 1, 1, &conf) == 0, "configure");
		REQUIRE(rte_eth_rx_queue_setup((uint16_t)port, 0, 64, rte_socket_id(), NULL,
					       pool) == 0, "rx setup");
		REQUIRE(rte_eth_tx_queue_setup((uint16_t)port, 0, 64, rte_socket_id(), NULL) == 0,
			"tx setup");
	}
	start_port(port);
	for (i = 0; i < RTE_DIM(lens); i++) {
		tx[i] = qpt_frame_segs(pool, 500 + i, lens[i], 3, NULL);
		REQUIRE(tx[i] != NULL && tx[i]->nb_segs == 3, "frame %u", i);
		bytes += lens[i];
	}
	CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, RTE_DIM(lens)), RTE_DIM(lens));
	got = qpt_rx_all((uint16_t)port, 0, rx, RTE_DIM(lens), POLL_BOUND);
	CHECK_EQ(got, RTE_DIM(lens));
	for (i = 0; i < got; i++) {
		uint32_t seq = ~0u;

		CHECK(qpt_frame_check(rx[i], lens[i], &seq) == 0 && seq == 500 + i,
		      "frame %u: len %u seq %u", i, rx[i]->pkt_len, seq);
		CHECK_EQ(rx[i]->nb_segs, !copy && scatter ? 3 : 1);
	}
	qpt_free_all(rx, got);
	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.opackets, RTE_DIM(lens));
	CHECK_EQ(st.obytes, bytes);
	CHECK_EQ(st.ipackets, RTE_DIM(lens));
	CHECK_EQ(st.ibytes, bytes);
	CHECK_EQ(st.oerrors, 0);
	CHECK_EQ(st.ierrors, 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_tm"), 0);
	CHECK_EQ(qpt_in_use(pool), in_use);
}

/* ------------------------------------------------- MBUF_FAST_FREE offload */

/*
 * RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE on a loopback port whose send buffers
 * come from their own pool: with the inline adapter a send burst hands every
 * buffer back before it returns, so the send pool is whole again after each
 * burst: single-segment frames, chains of 3 and a mix in one burst. With
 * copy=0 the send buffers are handed over to the receiver (none comes back
 * to the sender): they wait in the receive slots until received, and go
 * back to their own pool when the application frees them, which the
 * in-use counts of both pools show. Every frame arrives intact.
 */
static void
fast_free(uint8_t copy)
{
	static const uint16_t segs[][8] = {
		{ 1, 1, 1, 1, 1, 1, 1, 1 },
		{ 3, 3, 3, 3, 3, 3, 3, 3 },
		{ 1, 3, 1, 1, 2, 1, 1, 1 },
	};
	enum { N = 8 };
	struct rte_mempool *txp = qpt_pool(copy ? "ff_tx1" : "ff_tx0", 256,
					   RTE_MBUF_DEFAULT_BUF_SIZE);
	struct rte_mbuf *tx[N], *rx[N];
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_stats st;
	unsigned int rx_base = qpt_in_use(pool), r, i, got, total = 0;
	char args[32], name[64];
	int port;

	snprintf(name, sizeof(name), "MBUF_FAST_FREE, copy=%u", copy);
	QPT_CASE(name);
	REQUIRE(txp != NULL, "send pool");
	snprintf(args, sizeof(args), "copy=%u", copy);
	port = make_port("net_qpring_tf", args, 1, 64, pool);
	REQUIRE(rte_eth_dev_info_get((uint16_t)port, &info) == 0, "info");
	CHECK(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE, "not advertised");
	/* make_port() configured it plainly: again, with the offload. */
	memset(&conf, 0, sizeof(conf));
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE |
			       RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	REQUIRE(rte_eth_dev_configure((uint16_t)port, 1, 1, &conf) == 0, "configure");
	REQUIRE(rte_eth_rx_queue_setup((uint16_t)port, 0, 64, rte_socket_id(), NULL, pool) == 0,
		"rx setup");
	REQUIRE(rte_eth_tx_queue_setup((uint16_t)port, 0, 64, rte_socket_id(), NULL) == 0,
		"tx setup");
	start_port(port);
	for (r = 0; r < 3 * RTE_DIM(segs); r++) {
		const uint16_t *sg = segs[r % RTE_DIM(segs)];

		for (i = 0; i < N; i++) {
			tx[i] = qpt_frame_segs(txp, 700 + total + i, 200 + 100 * i, sg[i], NULL);
			REQUIRE(tx[i] != NULL, "frame %u of round %u", i, r);
		}
		CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, N), N);
		if (copy) {
			/* Every send buffer is back in its pool already. */
			CHECK(qpt_in_use(txp) == 0, "round %u: %u send buffers still out", r,
			      qpt_in_use(txp));
		} else {
			/* Every frame's buffers (chains too) wait in receive slots. */
			unsigned int nsegs = 0;

			for (i = 0; i < N; i++)
				nsegs += sg[i];
			CHECK(qpt_in_use(txp) == nsegs, "round %u: %u send buffers out, want %u",
			      r, qpt_in_use(txp), nsegs);
		}
		got = qpt_rx_all((uint16_t)port, 0, rx, N, POLL_BOUND);
		CHECK_EQ(got, N);
		for (i = 0; i < got; i++) {
			uint32_t seq = ~0u;

			CHECK(qpt_frame_check(rx[i], 200 + 100 * i, &seq) == 0 &&
			      seq == 700 + total + i, "round %u frame %u: len %u seq %u", r, i,
			      rx[i]->pkt_len, seq);
			/* copy=0: the sender's own mbuf (a chain linearised into one
			 * of the receive pool's).
			 */
			if (!copy)
				CHECK(rx[i]->pool == (sg[i] == 1 ? txp : pool),
				      "round %u frame %u: pool %s", r, i, rx[i]->pool->name);
		}
		qpt_free_all(rx, got);
		total += N;
	}
	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.opackets, total);
	CHECK_EQ(st.ipackets, total);
	CHECK_EQ(st.oerrors, 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_tf"), 0);
	/* Each buffer went back to the pool it came from, exactly once. */
	CHECK_EQ(qpt_in_use(txp), 0);
	CHECK_EQ(qpt_in_use(pool), rx_base);
	CHECK_EQ(rte_mempool_avail_count(txp), 256);
	rte_mempool_free(txp);
}

/* ------------------------------------------- receiver not polling: imissed */

/*
 * The receiver does not poll: its ring of 64 fills and the remaining 36 of
 * 100 frames are dropped and counted on the receiver, never on the sender.
 * The 64 that fit are the first 64, in order; the queue works on afterwards.
 */
static void
missed(uint8_t copy, uint8_t cabled)
{
	enum { RING = 64, SENT = 100, MORE = 10, LEN = 128 };
	static const char *const names[2] = { "net_qpring_ia", "net_qpring_ib" };
	struct rte_mbuf *tx[32], *rx[RING + MORE];
	struct rte_eth_stats st;
	char args[96], name[64];
	unsigned int in_use = qpt_in_use(pool), i, got;
	uint32_t seq = 0;
	int a, b;

	snprintf(name, sizeof(name), "imissed, %s, copy=%u", cabled ? "cabled" : "loopback",
		 copy);
	QPT_CASE(name);
	if (cabled) {
		snprintf(args, sizeof(args), "copy=%u", copy);
		b = make_port(names[1], args, 1, RING, pool);
		snprintf(args, sizeof(args), "peer=%s,copy=%u", names[1], copy);
		a = make_port(names[0], args, 1, RING, pool);
		start_port(b);
	} else {
		snprintf(args, sizeof(args), "copy=%u", copy);
		a = b = make_port(names[0], args, 1, RING, pool);
	}
	start_port(a);

	while (seq < SENT) {
		unsigned int n = RTE_MIN(32u, SENT - seq);

		for (i = 0; i < n; i++)
			tx[i] = qpt_frame(pool, seq + i, LEN, NULL);
		CHECK_EQ(rte_eth_tx_burst((uint16_t)a, 0, tx, (uint16_t)n), n);
		seq += n;
	}
	rte_eth_stats_get((uint16_t)b, &st);
	CHECK_EQ(st.imissed, SENT - RING);
	CHECK_EQ(st.ipackets, 0);
	CHECK_EQ(st.ierrors, 0);
	CHECK_EQ(qpt_qxstat((uint16_t)b, "rx", 0, "no_buffer_drops"), SENT - RING);
	CHECK_EQ(qpt_qxstat((uint16_t)b, "rx", 0, "adapter_completions"), RING);
	CHECK_EQ(qpt_qxstat((uint16_t)b, "rx", 0, "reg_pending"), 0);
	rte_eth_stats_get((uint16_t)a, &st);
	CHECK_EQ(st.opackets, SENT);
	CHECK_EQ(st.obytes, SENT * LEN);
	CHECK_EQ(st.oerrors, 0);
	CHECK_EQ(qpt_qxstat((uint16_t)a, "tx", 0, "adapter_serviced"), SENT);
	/* Inline adapter: every burst's buffers are taken back at once. */
	CHECK_EQ(qpt_qxstat((uint16_t)a, "tx", 0, "completions_reaped"), SENT);
	if (cabled) {
		CHECK_EQ(st.imissed, 0);
		CHECK_EQ(st.ipackets, 0);
	}

	got = qpt_rx_all((uint16_t)b, 0, rx, RING + 1, POLL_BOUND);
	CHECK_EQ(got, RING);
	for (i = 0; i < got; i++) {
		uint32_t s = ~0u;

		CHECK(qpt_frame_check(rx[i], LEN, &s) == 0 && s == i, "frame %u: seq %u", i, s);
	}
	qpt_free_all(rx, got);

	/* Polling again, the queue takes frames again. */
	for (i = 0; i < MORE; i++)
		tx[i] = qpt_frame(pool, SENT + i, LEN, NULL);
	CHECK_EQ(rte_eth_tx_burst((uint16_t)a, 0, tx, MORE), MORE);
	got = qpt_rx_all((uint16_t)b, 0, rx, MORE + 1, POLL_BOUND);
	CHECK_EQ(got, MORE);
	for (i = 0; i < got; i++) {
		uint32_t s = ~0u;

		CHECK(qpt_frame_check(rx[i], LEN, &s) == 0 && s == SENT + i, "frame %u: seq %u",
		      i, s);
	}
	qpt_free_all(rx, got);
	rte_eth_stats_get((uint16_t)b, &st);
	CHECK_EQ(st.imissed, SENT - RING);
	CHECK_EQ(st.ipackets, RING + MORE);
	CHECK_EQ(st.ibytes, (RING + MORE) * LEN);

	if (cabled)
		CHECK_EQ(qpt_vdev_destroy(names[1]), 0);
	CHECK_EQ(qpt_vdev_destroy(names[0]), 0);
	CHECK_EQ(qpt_in_use(pool), in_use);
}

/* ------------------------------------------------------------ bad frames */

/*
 * Empty frames and frames over MTU + 18 are consumed by the tx burst, freed
 * at once, counted (oerrors, bad_frame_drops) and never delivered; the good
 * frames around them go through. A separate tx pool shows the frees.
 */
static void
bad_frames(uint8_t copy)
{
	struct rte_mempool *txp;
	struct rte_mbuf *tx[8], *rx[8];
	struct rte_eth_stats st;
	char args[32], name[64];
	unsigned int in_use = qpt_in_use(pool), i, got;
	const uint64_t good_bytes = 60 + 1518 + 64;
	int port;

	snprintf(name, sizeof(name), "bad frames, copy=%u", copy);
	QPT_CASE(name);
	txp = qpt_pool(copy ? "bad_tx1" : "bad_tx0", 64, RTE_MBUF_DEFAULT_BUF_SIZE);
	snprintf(args, sizeof(args), "copy=%u", copy);
	port = make_port("net_qpring_tbad", args, 1, 64, pool);
	start_port(port);

	tx[0] = qpt_frame(txp, 0, 60, NULL);
	tx[1] = rte_pktmbuf_alloc(txp);                /* zero length */
	tx[2] = qpt_frame(txp, 1, 1518, NULL);         /* MTU 1500 + 18: largest allowed */
	tx[3] = qpt_frame(txp, 90, 1519, NULL);        /* one byte over */
	tx[4] = qpt_frame(txp, 91, 2000, NULL);
	tx[5] = qpt_frame_segs(txp, 92, 1519, 3, NULL); /* over, in three segments */
	tx[6] = qpt_frame(txp, 2, 64, NULL);
	for (i = 0; i < 7; i++)
		REQUIRE(tx[i] != NULL, "frame %u", i);
	CHECK_EQ(tx[1]->pkt_len, 0);
	CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, 7), 7);
	/* The bad frames were freed. The three good ones: with copy=1 their
	 * data was copied and the inline adapter's burst gave the mbufs back
	 * at once; with copy=0 the mbufs themselves wait in receive slots.
	 */
	CHECK_EQ(qpt_in_use(txp), copy ? 0 : 3);

	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.opackets, 3);
	CHECK_EQ(st.obytes, good_bytes);
	CHECK_EQ(st.oerrors, 4);
	CHECK_EQ(st.q_opackets[0], 3);
	CHECK_EQ(st.q_obytes[0], good_bytes);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "tx", 0, "bad_frame_drops"), 4);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "tx", 0, "wqes_posted"), 3);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "tx", 0, "doorbells"), 1);

	got = qpt_rx_all((uint16_t)port, 0, rx, 8, POLL_BOUND);
	CHECK_EQ(got, 3);
	for (i = 0; i < got; i++) {
		static const uint32_t lens[] = { 60, 1518, 64 };
		uint32_t s = ~0u;

		CHECK(qpt_frame_check(rx[i], lens[i], &s) == 0 && s == i, "frame %u: len %u seq %u",
		      i, rx[i]->pkt_len, s);
	}
	qpt_free_all(rx, got);

	/* A burst of nothing but a bad frame: consumed, counted, no doorbell. */
	tx[0] = rte_pktmbuf_alloc(txp);
	REQUIRE(tx[0] != NULL, "mbuf");
	CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, 1), 1);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "tx", 0, "doorbells"), 1);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "tx", 0, "bad_frame_drops"), 5);
	CHECK_EQ(qpt_rx_all((uint16_t)port, 0, rx, 1, POLL_BOUND), 0);

	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.oerrors, 5);
	CHECK_EQ(st.opackets, 3);
	CHECK_EQ(st.ipackets, 3);
	CHECK_EQ(st.ibytes, good_bytes);
	CHECK_EQ(st.ierrors, 0);
	CHECK_EQ(st.imissed, 0);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_tbad"), 0);
	CHECK_EQ(qpt_in_use(txp), 0);
	CHECK_EQ(qpt_in_use(pool), in_use);
	rte_mempool_free(txp);
}

/* ------------------------------------------------------------- rx_nombuf */

/*
 * copy=1. The receive pool runs dry: rx bursts return nothing and count
 * rx_nombuf for every completed slot they could not refill, but keep the
 * frames in their slots; once mbufs are back, the same frames come out, in
 * order.
 */
static void
nombuf_copy(void)
{
	enum { RING = 16, SPARE = 32, FRAMES = 12, LEN = 300 };
	struct rte_mbuf *held[SPARE + 1], *tx[FRAMES], *rx[FRAMES + 1];
	struct rte_pmd_qpring_regs r;
	struct rte_mempool *rxp;
	struct rte_eth_stats st;
	unsigned int in_use = qpt_in_use(pool), i, nheld = 0, got;
	int port;

	QPT_CASE("rx_nombuf, copy=1");
	rxp = qpt_pool("nombuf_rx1", RING + SPARE, RTE_MBUF_DEFAULT_BUF_SIZE);
	port = make_port("net_qpring_tnb", "copy=1", 1, RING, rxp);
	start_port(port);
	CHECK_EQ(qpt_in_use(rxp), RING);
	while (nheld <= SPARE && (held[nheld] = rte_pktmbuf_alloc(rxp)) != NULL)
		nheld++;
	CHECK_EQ(nheld, SPARE);

	for (i = 0; i < FRAMES; i++)
		tx[i] = qpt_frame(pool, i, LEN, NULL);
	CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, FRAMES), FRAMES);
	/* Copy: the sender's buffers went back to their pool, not this one. */
	CHECK(rte_pktmbuf_alloc(rxp) == NULL, "receive pool no longer dry");

	CHECK_EQ(rte_eth_rx_burst((uint16_t)port, 0, rx, RX_BURST), 0);
	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.rx_nombuf, FRAMES);
	CHECK_EQ(st.ipackets, 0);
	CHECK_EQ(st.imissed, 0);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "rx", 0, "mbuf_alloc_failures"), FRAMES);
	CHECK_EQ(rte_eth_rx_burst((uint16_t)port, 0, rx, RX_BURST), 0);
	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.rx_nombuf, 2 * FRAMES);
	/* The frames are still in their slots, the driver's to harvest. */
	REQUIRE(rte_pmd_qpring_regs_get((uint16_t)port, 0, RTE_PMD_QPRING_RQ, &r) == 0, "regs");
	CHECK_EQ(r.done_slots, FRAMES);
	CHECK_EQ(r.pending, RING - FRAMES);
	CHECK_EQ(r.driver_index, 0);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "rx", 0, "doorbells"), 1);

	qpt_free_all(held, nheld);
	got = qpt_rx_all((uint16_t)port, 0, rx, FRAMES + 1, POLL_BOUND);
	CHECK_EQ(got, FRAMES);
	for (i = 0; i < got; i++) {
		uint32_t s = ~0u;

		CHECK(qpt_frame_check(rx[i], LEN, &s) == 0 && s == i, "frame %u: seq %u", i, s);
	}
	qpt_free_all(rx, got);
	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.ipackets, FRAMES);
	CHECK_EQ(st.ibytes, FRAMES * LEN);
	CHECK_EQ(st.rx_nombuf, 2 * FRAMES);
	CHECK_EQ(st.imissed, 0);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "rx", 0, "doorbells"), 2);
	REQUIRE(rte_pmd_qpring_regs_get((uint16_t)port, 0, RTE_PMD_QPRING_RQ, &r) == 0, "regs");
	CHECK_EQ(r.pending, RING);
	CHECK_EQ(r.done_slots, 0);

	CHECK_EQ(qpt_vdev_destroy("net_qpring_tnb"), 0);
	CHECK_EQ(qpt_in_use(rxp), 0);
	CHECK_EQ(qpt_in_use(pool), in_use);
	rte_mempool_free(rxp);
}

/*
 * copy=0. Receive WQEs are credits: a started queue holds no mbuf of its
 * pool, so a dry pool does not stop reception (the frames are the sender's
 * mbufs, handed over). Only a chained frame for a receive queue without
 * scatter needs one of the pool (it is linearised): with the pool dry it is
 * dropped and counted as rx_nombuf, and the frames around it come out.
 */
static void
nombuf_zc(void)
{
	enum { RING = 16, SPARE = 32, FRAMES = 12, LEN = 300 };
	struct rte_mbuf *held[RING + SPARE + 1], *tx[FRAMES], *rx[FRAMES + 1];
	struct rte_pmd_qpring_regs r;
	struct rte_mempool *rxp;
	struct rte_eth_stats st;
	unsigned int in_use = qpt_in_use(pool), i, nheld = 0, got, k;
	int port;

	QPT_CASE("rx_nombuf, copy=0: credits need no mbufs; a chain to linearise does");
	rxp = qpt_pool("nombuf_rx0", RING + SPARE, RTE_MBUF_DEFAULT_BUF_SIZE);
	port = make_port("net_qpring_tnb", "copy=0", 1, RING, rxp);
	start_port(port);
	CHECK_EQ(qpt_in_use(rxp), 0);
	r = qpt_regs((uint16_t)port, 0, RTE_PMD_QPRING_RQ);
	CHECK_EQ(r.pending, RING);
	/* Take the whole receive pool: dry. */
	while (nheld < RTE_DIM(held) && (held[nheld] = rte_pktmbuf_alloc(rxp)) != NULL)
		nheld++;
	CHECK_EQ(nheld, RING + SPARE);

	for (i = 0; i < FRAMES; i++) {
		/* Frame 5 is a chain of 3 segments. */
		tx[i] = i == 5 ? qpt_frame_segs(pool, i, LEN, 3, NULL) :
				 qpt_frame(pool, i, LEN, NULL);
		REQUIRE(tx[i] != NULL, "frame %u", i);
	}
	CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, FRAMES), FRAMES);
	got = qpt_rx_all((uint16_t)port, 0, rx, FRAMES + 1, POLL_BOUND);
	CHECK_EQ(got, FRAMES - 1);
	for (i = 0, k = 0; i < got; i++, k++) {
		uint32_t s = ~0u;

		k += k == 5;
		CHECK(qpt_frame_check(rx[i], LEN, &s) == 0 && s == k, "frame %u: seq %u want %u",
		      i, s, k);
		/* The sender's own mbuf. */
		CHECK(rx[i]->pool == pool, "frame %u: from pool %s", i, rx[i]->pool->name);
	}
	qpt_free_all(rx, got);
	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.ipackets, FRAMES - 1);
	CHECK_EQ(st.ibytes, (FRAMES - 1) * LEN);
	CHECK_EQ(st.rx_nombuf, 1);
	CHECK_EQ(st.imissed, 0);
	CHECK_EQ(st.ierrors, 0);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "rx", 0, "mbuf_alloc_failures"), 1);
	/* Every credit harvested was re-posted at once. */
	r = qpt_regs((uint16_t)port, 0, RTE_PMD_QPRING_RQ);
	CHECK_EQ(r.pending, RING);
	CHECK_EQ(r.done_slots, 0);
	CHECK_EQ(r.driver_index, FRAMES);

	/* With mbufs back, a chain is linearised and delivered. */
	qpt_free_all(held, nheld);
	tx[0] = qpt_frame_segs(pool, 100, LEN, 3, NULL);
	REQUIRE(tx[0] != NULL, "chain");
	CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, 1), 1);
	got = qpt_rx_all((uint16_t)port, 0, rx, 2, POLL_BOUND);
	CHECK_EQ(got, 1);
	if (got == 1) {
		uint32_t s = ~0u;

		CHECK(qpt_frame_check(rx[0], LEN, &s) == 0 && s == 100, "chain: seq %u", s);
		CHECK_EQ(rx[0]->nb_segs, 1);
		CHECK(rx[0]->pool == rxp, "linearised into the receive pool's mbuf");
	}
	qpt_free_all(rx, got);
	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.rx_nombuf, 1);
	CHECK_EQ(st.ipackets, FRAMES);

	CHECK_EQ(qpt_vdev_destroy("net_qpring_tnb"), 0);
	CHECK_EQ(qpt_in_use(rxp), 0);
	CHECK_EQ(qpt_in_use(pool), in_use);
	rte_mempool_free(rxp);
}

/* ---------------------------------------------------------- stop, start */

/*
 * Stop and start again: the rings come back empty and in order (indexes at
 * zero, every receive slot posted), the counters go on, and the first burst
 * after the restart is delivered at once, in order.
 */
static void
restart(uint8_t copy)
{
	enum { RING = 64, N = 40, LEN = 256 };
	struct rte_mbuf *tx[N], *rx[N + 1];
	struct rte_pmd_qpring_regs r;
	struct rte_eth_stats st;
	char args[32], name[64];
	unsigned int in_use = qpt_in_use(pool), i, round, got;
	int port;

	snprintf(name, sizeof(name), "stop and start, copy=%u", copy);
	QPT_CASE(name);
	snprintf(args, sizeof(args), "copy=%u", copy);
	port = make_port("net_qpring_trs", args, 1, RING, pool);
	for (round = 0; round < 2; round++) {
		start_port(port);
		r = qpt_regs((uint16_t)port, 0, RTE_PMD_QPRING_SQ);
		CHECK_EQ(r.driver_index, 0);
		CHECK_EQ(r.adapter_index, 0);
		CHECK_EQ(r.pending, 0);
		CHECK_EQ(r.done_slots, RING);
		r = qpt_regs((uint16_t)port, 0, RTE_PMD_QPRING_RQ);
		CHECK_EQ(r.driver_index, 0);
		CHECK_EQ(r.adapter_index, 0);
		CHECK_EQ(r.pending, RING);
		CHECK_EQ(r.doorbell_va, qpt_slot_va(&r, RING - 1));
		for (i = 0; i < N; i++)
			tx[i] = qpt_frame(pool, round * N + i, LEN, NULL);
		CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, N), N);
		r = qpt_regs((uint16_t)port, 0, RTE_PMD_QPRING_SQ);
		CHECK_EQ(r.pending, 0);
		CHECK_EQ(r.adapter_index, N);
		got = qpt_rx_all((uint16_t)port, 0, rx, N + 1, POLL_BOUND);
		CHECK(got == N, "round %u: received %u of %u", round, got, N);
		for (i = 0; i < got; i++) {
			uint32_t s = ~0u;

			CHECK(qpt_frame_check(rx[i], LEN, &s) == 0 && s == round * N + i,
			      "round %u frame %u: seq %u", round, i, s);
		}
		qpt_free_all(rx, got);
		CHECK_EQ(rte_eth_dev_stop((uint16_t)port), 0);
	}
	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.opackets, 2 * N);
	CHECK_EQ(st.obytes, 2 * N * LEN);
	CHECK_EQ(st.ipackets, 2 * N);
	CHECK_EQ(st.ibytes, 2 * N * LEN);
	CHECK_EQ(st.oerrors, 0);
	CHECK_EQ(st.imissed, 0);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "tx", 0, "adapter_serviced"), 2 * N);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "tx", 0, "flushed_wqes"), 0);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "rx", 0, "adapter_completions"), 2 * N);
	/* Each start posts the whole ring; each harvest re-posts. */
	CHECK_EQ(qpt_qxstat((uint16_t)port, "rx", 0, "wqes_posted"), 2 * (RING + N));
	CHECK_EQ(qpt_vdev_destroy("net_qpring_trs"), 0);
	CHECK_EQ(qpt_in_use(pool), in_use);
}

/* ------------------------------------------------------------ stats reset */

/* A reset zeroes the counters (not the registers) and counting goes on exactly. */
static void
reset(void)
{
	struct rte_mbuf *tx[10], *rx[11];
	struct rte_eth_stats st;
	unsigned int i, got, in_use = qpt_in_use(pool);
	int port;

	QPT_CASE("stats reset");
	port = make_port("net_qpring_trst", "", 1, 64, pool);
	start_port(port);
	for (i = 0; i < 10; i++)
		tx[i] = qpt_frame(pool, i, 100, NULL);
	CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, 10), 10);
	got = qpt_rx_all((uint16_t)port, 0, rx, 10, POLL_BOUND);
	CHECK_EQ(got, 10);
	qpt_free_all(rx, got);

	CHECK_EQ(rte_eth_stats_reset((uint16_t)port), 0);
	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.opackets + st.ipackets + st.obytes + st.ibytes, 0);
	CHECK_EQ(st.q_opackets[0] + st.q_ipackets[0], 0);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "tx", 0, "wqes_posted"), 0);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "tx", 0, "adapter_serviced"), 0);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "rx", 0, "adapter_completions"), 0);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "rx", 0, "wqes_posted"), 0);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "rx", 0, "reg_pending"), 64);

	for (i = 0; i < 7; i++)
		tx[i] = qpt_frame(pool, 10 + i, 200, NULL);
	CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, 7), 7);
	got = qpt_rx_all((uint16_t)port, 0, rx, 11, POLL_BOUND);
	CHECK_EQ(got, 7);
	for (i = 0; i < got; i++) {
		uint32_t s = ~0u;

		CHECK(qpt_frame_check(rx[i], 200, &s) == 0 && s == 10 + i, "frame %u", i);
	}
	qpt_free_all(rx, got);
	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.opackets, 7);
	CHECK_EQ(st.obytes, 7 * 200);
	CHECK_EQ(st.ipackets, 7);
	CHECK_EQ(st.ibytes, 7 * 200);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "tx", 0, "wqes_posted"), 7);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "rx", 0, "wqes_posted"), 7);
	CHECK_EQ(qpt_qxstat((uint16_t)port, "rx", 0, "doorbells"), 1);
	CHECK_EQ(qpt_vdev_destroy("net_qpring_trst"), 0);
	CHECK_EQ(qpt_in_use(pool), in_use);
}

int
main(void)
{
	unsigned int i;

	qpt_eal_init("ethdev_traffic", 256, NULL);
	pool = qpt_pool("traffic", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);

	for (i = 0; i < RTE_DIM(flow_cases); i++)
		flow(&flow_cases[i]);
	for (i = 0; i <= 1; i++) {
		multiseg((uint8_t)i, 0);
		multiseg((uint8_t)i, 1);
		fast_free((uint8_t)i);
		missed((uint8_t)i, 0);
		missed((uint8_t)i, 1);
		bad_frames((uint8_t)i);
		if (i == 0)
			nombuf_zc();
		else
			nombuf_copy();
		restart((uint8_t)i);
	}
	reset();

	QPT_CASE("teardown");
	CHECK_EQ(qpt_in_use(pool), 0);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
