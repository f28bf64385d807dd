/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Bounded stress: lcore 0 drives two cabled ports both ways on 4 queue pairs
 * while service lcore 1 runs their adapters with every fault on. At the end
 * every frame is accounted for exactly, none damaged, and every mbuf is home.
 * The flows are per queue pair: both ports receive, both have rxq_map=same (the
 * receiving port picks the queue), so what send queue q sends arrives on receive queue q.
 */
#include <rte_pause.h>

#include "async.h"

#define NB_MBUFS  32768u
#define NB_QP     4u
#define RING      512u
#define MAX_FRAMES 2000000u /* both directions together */
#define RUN_MS    10000u

static struct rte_mempool *pool;

int
main(void)
{
	static const char *const names[2] = { "net_qpring_xa", "net_qpring_xb" };
	static const char *const args[2] = {
		"peer=net_qpring_xb,adapter=service,seed=101,fault_delay=1,fault_ooo=4,"
		"fault_error=1000,fault_drop=1000,rxq_map=same",
		"adapter=service,seed=202,fault_delay=2,fault_ooo=8,fault_error=2000,"
		"fault_drop=500,rxq_map=same",
	};
	struct as_flow fl[2][NB_QP];
	uint32_t sent[2][NB_QP];
	uint64_t total = 0, received = 0, start, dl, hz;
	unsigned int base, d;
	uint16_t port[2], q;
	double secs;

	as_eal_init("async_stress", 512, 1);
	hz = rte_get_timer_hz();
	pool = qpt_pool("stress_pool", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);
	base = qpt_in_use(pool);

	QPT_CASE("stress: 2 ports, 4 QPs both ways, service lcore 1, all faults");
	port[1] = as_port(names[1], args[1], NB_QP, RING, pool, NULL);
	port[0] = as_port(names[0], args[0], NB_QP, RING, pool, NULL);
	as_start(port[1]);
	as_start(port[0]);
	memset(sent, 0, sizeof(sent));
	for (d = 0; d < 2; d++)
		for (q = 0; q < NB_QP; q++)
			as_flow_init(&fl[d][q], d, q, 0);

	start = rte_get_timer_cycles();
	dl = as_deadline(RUN_MS);
	while (total < MAX_FRAMES && !as_expired(dl)) {
		/* Frame numbers have 20 bits per flow: a flow stops short of that. */
		for (d = 0; d < 2; d++) {
			for (q = 0; q < NB_QP; q++) {
				unsigned int n = 0;

				if (sent[d][q] < (1u << 20) - 32)
					n = as_send(port[d], q, pool, d, sent[d][q], 32);
				sent[d][q] += n;
				total += n;
				while (as_flow_rx(port[!d], &fl[d][q]) == 32)
					;
			}
		}
	}
	secs = (double)(rte_get_timer_cycles() - start) / (double)hz;

	/* Drain: the service completes what is held; we harvest. */
	dl = as_deadline(AS_WAIT_MS);
	while (!as_expired(dl)) {
		int idle = as_sender_idle(port[0], NB_QP) && as_sender_idle(port[1], NB_QP);

		for (d = 0; d < 2; d++)
			for (q = 0; q < NB_QP; q++)
				while (as_flow_rx(port[!d], &fl[d][q]) > 0)
					;
		if (idle)
			break;
	}
	CHECK(as_sender_idle(port[0], NB_QP) && as_sender_idle(port[1], NB_QP),
	      "adapters still busy after drain");

	for (d = 0; d < 2; d++) {
		struct as_balance x;
		uint64_t got = 0, bytes = 0, posted = 0;
		char what[32];

		for (q = 0; q < NB_QP; q++) {
			struct as_flow *f = &fl[d][q];

			CHECK(f->bad == 0, "flow %u q%u: %u bad frames of %u", d, q, f->bad,
			      f->got);
			CHECK_EQ(rte_eth_rx_queue_count(port[!d], q), 0);
			got += f->got;
			bytes += f->bytes;
			posted += sent[d][q];
		}
		received += got;
		snprintf(what, sizeof(what), "direction %u", d);
		x = as_balance_get(port[d], port[!d], NB_QP, 1);
		as_balance_check(&x, what);
		CHECK_EQ(x.posted, posted);
		CHECK_EQ(x.ipackets, got);
		CHECK_EQ(qpt_stats(port[!d]).ibytes, bytes);
		CHECK_EQ(x.pending, 0);
		CHECK_EQ(x.waiting, 0);
		CHECK_EQ(x.no_link, 0);
		CHECK_EQ(x.flushed, 0);
		CHECK_EQ(x.ierrors, x.rx_error_completions);
		CHECK(x.f_errors > 0 && x.f_drops > 0 && x.rx_error_completions > 0,
		      "%s: faults did not happen: errors %" PRIu64 " drops %" PRIu64
		      " rx errors %" PRIu64, what, x.f_errors, x.f_drops, x.rx_error_completions);
		CHECK(as_xs_sum(port[d], "tx", NB_QP, "fault_reordered_completions") > 0,
		      "%s: no reordered completion", what);
		printf("  %s: posted %" PRIu64 ", received %" PRIu64 ", rx errors %" PRIu64
		       ", missed %" PRIu64 ", send errors %" PRIu64 ", wire drops %" PRIu64 "\n",
		       what, x.posted, x.ipackets, x.ierrors, x.imissed, x.f_errors, x.f_drops);
		/* Cleanup frees exactly what the bursts have not reclaimed (they
		 * reclaim every completed slot when they need room): at most a ring.
		 */
		for (q = 0; q < NB_QP; q++) {
			uint64_t reaped = qpt_qxstat(port[d], "tx", q, "completions_reaped");
			int freed = rte_eth_tx_done_cleanup(port[d], q, 0);

			CHECK(reaped + RING >= sent[d][q] && freed == (int)(sent[d][q] - reaped),
			      "%s q%u: cleanup freed %d, %" PRIu64 " of %u reaped before", what, q,
			      freed, reaped, sent[d][q]);
			CHECK_EQ(rte_eth_tx_done_cleanup(port[d], q, 0), 0);
		}
		CHECK_EQ(as_xs_sum(port[d], "tx", NB_QP, "completions_reaped"), posted);
		CHECK_EQ(as_xs_sum(port[d], "tx", NB_QP, "error_completions"), x.f_errors);
	}
	printf("  %" PRIu64 " frames sent, %" PRIu64 " received in %.2f s: %.2f Mpps sent\n",
	       total, received, secs, (double)total / secs / 1e6);
	CHECK(total >= 100000, "only %" PRIu64 " frames in %.1f s", total, secs);
	CHECK_EQ(qpt_in_use(pool), base + 2u * NB_QP * RING);

	as_destroy(names[0]);
	as_destroy(names[1]);
	CHECK_EQ(qpt_in_use(pool), base);
	QPT_CASE("pool");
	as_pool_check(pool, NB_MBUFS);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
