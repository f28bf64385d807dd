/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Issue 10, items 6 and 7: counters.
 *  6. Basic and extended counters never decrease except across an explicit
 *     reset: not at a port stop that flushes WQEs nobody serviced (opackets
 *     went from 10 to 0 with adapter=service and no service lcore), nor over
 *     stop/start cycles with send errors injected.
 *  7. With receive scatter, frames flushed at stop are counted as frames,
 *     not slots: one 1,400-byte frame over 6 buffers is 1 flushed frame and
 *     1 missed packet (it was 6 and 6).
 */
#include <rte_service.h>

#include "fixes.h"

#define NB_MBUFS 4096u
#define RING     256u

static struct rte_mempool *pool;       /* 2 KB buffers */
static struct rte_mempool *small_pool; /* 256-byte buffers (scatter) */
static struct fx_counters before, after;

static uint16_t
port_up(const char *args, const struct rte_eth_conf *conf, struct rte_mempool *rx_pool)
{
	uint16_t port = qpt_probe("net_qpring0", args);

	REQUIRE(rte_eth_dev_configure(port, 1, 1, conf) == 0, "configure");
	REQUIRE(rte_eth_rx_queue_setup(port, 0, RING, rte_socket_id(), NULL, rx_pool) == 0,
		"rxq");
	REQUIRE(rte_eth_tx_queue_setup(port, 0, RING, rte_socket_id(), NULL) == 0, "txq");
	REQUIRE(rte_eth_dev_start(port) == 0, "start net_qpring0,%s", args);
	return port;
}

/*
 * adapter=service and no service lcore at all: 10 frames wait in PENDING;
 * the stop flushes them. opackets (and every other counter) must not go
 * back; the 10 are counted as flushed and as send errors.
 */
static void
opackets_never_decreases_at_stop_without_service_lcore(void)
{
	struct rte_eth_conf conf;
	uint64_t o_before, o_after;
	uint16_t port;

	QPT_CASE("opackets_never_decreases_at_stop_without_service_lcore");
	REQUIRE(rte_service_lcore_count() == 0, "this case needs no service lcore");
	memset(&conf, 0, sizeof(conf));
	port = port_up("adapter=service", &conf, pool);
	CHECK_EQ(qpt_send(port, 0, pool, 10, 64, NULL, 0), 10);
	CHECK_EQ(qpt_regs(port, 0, RTE_PMD_QPRING_SQ).pending, 10);
	fx_counters_get(port, &before);
	CHECK_EQ(rte_eth_dev_stop(port), 0);
	fx_counters_get(port, &after);
	o_before = fx_counter(&before, "stats.opackets");
	o_after = fx_counter(&after, "stats.opackets");
	CHECK(o_after >= o_before, "opackets %" PRIu64 " before the stop, %" PRIu64 " after",
	      o_before, o_after);
	fx_counters_monotonic(&before, &after, "across the stop");
	CHECK_EQ(fx_counter(&after, "tx_q0_flushed_wqes"), 10);
	CHECK_EQ(fx_counter(&after, "stats.opackets") + fx_counter(&after, "stats.oerrors"), 10);
	CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
	CHECK(qpt_in_use(pool) == 0, "%u mbufs not back in the pool", qpt_in_use(pool));
}

/* Take at most @max frames from receive queue 0 and free them. */
static unsigned int
rx_some(uint16_t port, unsigned int max)
{
	struct rte_mbuf *m[QPT_BURST];
	unsigned int got = qpt_rx_all(port, 0, m, RTE_MIN(max, QPT_BURST), 2);

	qpt_free_all(m, got);
	return got;
}

/*
 * adapter=manual with fault_error: each cycle sends 64 frames, services only
 * 40 of them (the rest are flushed at stop), harvests 16 of what arrived
 * (the rest are flushed too), and stops. Every counter is sampled after the
 * traffic and after the stop, and must never be smaller than at the sample
 * before, except across stats_reset/xstats_reset (after which the counters
 * start again from 0).
 */
static void
counters_never_decrease_with_fault_error_over_restarts(void)
{
	struct rte_eth_conf conf;
	unsigned int cycle, samples = 0;
	uint16_t port;

	QPT_CASE("counters_never_decrease_with_fault_error_over_restarts");
	memset(&conf, 0, sizeof(conf));
	port = port_up("adapter=manual,fault_error=200000,seed=7", &conf, pool);
	fx_counters_get(port, &before);
	for (cycle = 0; cycle < 10; cycle++) {
		char when[64];

		if (cycle == 6) {
			/* An explicit reset: from here on, counted from 0. */
			CHECK_EQ(rte_eth_stats_reset(port), 0);
			CHECK_EQ(rte_eth_xstats_reset(port), 0);
			fx_counters_get(port, &before);
			CHECK(fx_counter(&before, "stats.opackets") == 0 &&
			      fx_counter(&before, "tx_q0_wqes_posted") == 0,
			      "after reset: opackets %" PRIu64 ", tx_q0_wqes_posted %" PRIu64,
			      fx_counter(&before, "stats.opackets"),
			      fx_counter(&before, "tx_q0_wqes_posted"));
		}
		if (cycle > 0)
			CHECK_EQ(rte_eth_dev_start(port), 0);
		CHECK_EQ(qpt_send(port, 0, pool, 64, 100, NULL, cycle * 64u), 64);
		snprintf(when, sizeof(when), "cycle %u, after sending", cycle);
		fx_counters_get(port, &after);
		fx_counters_monotonic(&before, &after, when);
		before = after;

		CHECK(rte_pmd_qpring_adapter_poll(port, 40) == 40, "cycle %u: adapter_poll", cycle);
		rx_some(port, 16);
		snprintf(when, sizeof(when), "cycle %u, after servicing 40", cycle);
		fx_counters_get(port, &after);
		fx_counters_monotonic(&before, &after, when);
		before = after;

		CHECK_EQ(rte_eth_dev_stop(port), 0);
		snprintf(when, sizeof(when), "cycle %u, across the stop", cycle);
		fx_counters_get(port, &after);
		fx_counters_monotonic(&before, &after, when);
		before = after;
		samples += 3;
	}
	/* The faults did what the case needs: send errors, flushed WQEs. */
	CHECK(fx_counter(&before, "tx_q0_fault_error_completions") > 0 &&
	      fx_counter(&before, "tx_q0_flushed_wqes") > 0 &&
	      fx_counter(&before, "rx_q0_flushed_frames") > 0,
	      "fault errors %" PRIu64 ", flushed WQEs %" PRIu64 ", flushed frames %" PRIu64,
	      fx_counter(&before, "tx_q0_fault_error_completions"),
	      fx_counter(&before, "tx_q0_flushed_wqes"),
	      fx_counter(&before, "rx_q0_flushed_frames"));
	printf("  %u samples of %u counters\n", samples, before.n);
	CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
	CHECK(qpt_in_use(pool) == 0, "%u mbufs not back in the pool", qpt_in_use(pool));
}

/*
 * Receive scatter with 256-byte buffers: frames of @nb lengths @len, never
 * harvested, then a stop. flushed_frames and imissed count the frames,
 * however many slots each spans (@slots in all).
 */
static void
scatter_flush_counts_frames(const char *name, const uint32_t *len, unsigned int nb,
			    int slots)
{
	struct rte_eth_conf conf;
	struct rte_eth_stats st;
	unsigned int i;
	uint16_t port;

	QPT_CASE(name);
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_SCATTER;
	port = port_up("", &conf, small_pool);
	for (i = 0; i < nb; i++)
		CHECK_EQ(qpt_send(port, 0, pool, 1, len[i], NULL, i), 1);
	/* The frames are there, over that many slots. */
	CHECK_EQ(rte_eth_rx_queue_count(port, 0), slots);
	CHECK_EQ(rte_eth_dev_stop(port), 0);
	st = qpt_stats(port);
	CHECK(qpt_qxstat(port, "rx", 0, "flushed_frames") == nb && st.imissed == nb,
	      "%u frames over %d slots flushed: rx_q0_flushed_frames %" PRIu64 ", imissed %"
	      PRIu64 ", expected %u and %u", nb, slots,
	      qpt_qxstat(port, "rx", 0, "flushed_frames"), st.imissed, nb, nb);
	CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
	CHECK(qpt_in_use(pool) == 0 && qpt_in_use(small_pool) == 0,
	      "mbufs not back in the pools: %u, %u", qpt_in_use(pool), qpt_in_use(small_pool));
}

int
main(int argc, char **argv)
{
	static const uint32_t one[] = { 1400 };            /* 6 slots of 256 bytes */
	static const uint32_t three[] = { 1400, 100, 600 }; /* 6 + 1 + 3 slots */

	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("fixes_counters", 256, NULL);
	pool = qpt_pool("fx_cnt", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);
	small_pool = qpt_pool("fx_cnt_small", NB_MBUFS, 256 + RTE_PKTMBUF_HEADROOM);

	if (fx_selected(argc, argv, "opackets_never_decreases_at_stop_without_service_lcore"))
		opackets_never_decreases_at_stop_without_service_lcore();
	if (fx_selected(argc, argv, "counters_never_decrease_with_fault_error_over_restarts"))
		counters_never_decrease_with_fault_error_over_restarts();
	if (fx_selected(argc, argv, "scatter_flush_counts_one_frame_over_six_slots"))
		scatter_flush_counts_frames("scatter_flush_counts_one_frame_over_six_slots", one,
					    RTE_DIM(one), 6);
	if (fx_selected(argc, argv, "scatter_flush_counts_three_frames_over_ten_slots"))
		scatter_flush_counts_frames("scatter_flush_counts_three_frames_over_ten_slots",
					    three, RTE_DIM(three), 10);

	rte_mempool_free(pool);
	rte_mempool_free(small_pool);
	qpt_eal_done();
	return qpt_finish();
}
