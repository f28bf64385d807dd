/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * adapter=service: the adapters run on service lcore 1 while lcore 0 sends and
 * receives. Every frame arrives once and in order; with no service lcore (or
 * the service paused) WQEs wait in PENDING, lost by nobody; stop flushes them.
 *
 * The flows here are per queue pair: the receiving ports have rxq_map=same, so what
 * send queue q sends arrives on receive queue q (the receiving port picks the queue).
 */
#include <rte_pause.h>

#include "async.h"
#include "qpring.h" /* QPRING_SERVICE_BUDGET: WQEs per send queue per service call */

#define NB_MBUFS 16384u

static struct rte_mempool *pool;

static uint32_t
service_of(uint16_t port)
{
	uint32_t id = UINT32_MAX;
	int ret = rte_pmd_qpring_service_id_get(port, &id);

	REQUIRE(ret == 0, "service_id_get(%u) = %d", port, ret);
	return id;
}

/* Wait (bounded) until no lcore is inside service @id. */
static int
wait_inactive(uint32_t id)
{
	uint64_t dl = as_deadline(AS_WAIT_MS);

	while (rte_service_may_be_active(id) != 0) {
		if (as_expired(dl))
			return -1;
		rte_pause();
	}
	return 0;
}

/* Stop service @id running anywhere, and unmap it from the service lcore. */
static void
service_take_away(uint32_t id)
{
	CHECK_EQ(rte_service_runstate_set(id, 0), 0);
	CHECK(wait_inactive(id) == 0, "service %u still active after %u ms", id, AS_WAIT_MS);
	CHECK_EQ(rte_service_map_lcore_set(id, AS_SERVICE_LCORE, 0), 0);
	CHECK_EQ(rte_service_map_lcore_get(id, AS_SERVICE_LCORE), 0);
}

static void
service_give_back(uint32_t id)
{
	CHECK_EQ(rte_service_map_lcore_set(id, AS_SERVICE_LCORE, 1), 0);
	CHECK_EQ(rte_service_runstate_set(id, 1), 0);
}

/* Receive flow @fl on @port until it holds @want frames or @ms pass. */
static void
rx_until(uint16_t port, struct as_flow *fl, uint32_t want, unsigned int ms)
{
	uint64_t dl = as_deadline(ms);

	while (fl->got < want && !as_expired(dl))
		as_flow_rx(port, fl);
}

/* Poll @port's queues of @fl for @ms and expect nothing. */
static void
rx_nothing(uint16_t port, struct as_flow *fl, uint16_t nb_qp, unsigned int ms)
{
	uint64_t dl = as_deadline(ms);
	unsigned int got = 0;
	uint16_t q;

	while (!as_expired(dl))
		for (q = 0; q < nb_qp; q++)
			got += as_flow_rx(port, &fl[q]);
	CHECK(got == 0, "port %u: %u frames arrived, expected none", port, got);
}

/* Wait (bounded) until every send queue of @port has serviced all it was given. */
static void
wait_serviced(uint16_t port, uint16_t nb_qp)
{
	uint64_t dl = as_deadline(AS_WAIT_MS);
	uint16_t q;

	for (q = 0; q < nb_qp; q++)
		while (qpt_regs(port, q, RTE_PMD_QPRING_SQ).pending != 0 && !as_expired(dl))
			rte_pause();
}

/* Send frames k0..k0+n-1 of flow (f, q), all of which must fit the ring. */
static void
send_all(uint16_t port, uint16_t q, unsigned int f, uint32_t k0, uint32_t n)
{
	uint32_t done = 0;

	while (done < n) {
		unsigned int took = as_send(port, q, pool, f, k0 + done, RTE_MIN(n - done, 64u));

		CHECK(took > 0, "port %u q%u: ring full after %u of %u", port, q, done, n);
		if (took == 0)
			return;
		done += took;
	}
}

/* ------------------------------------------------------ no service lcore */

/*
 * No service lcore at all: start warns, WQEs wait in PENDING and nothing is
 * delivered. The application runs the service on its own lcore (at most
 * QPRING_SERVICE_BUDGET WQEs per queue per call), then adds a service lcore,
 * which delivers the rest.
 */
static void
no_service_lcore(void)
{
	enum { NB_QP = 2, RING = 512, FIRST = 300, MORE = 100 };
	struct as_flow fl[NB_QP];
	struct rte_eth_stats st;
	unsigned int base = qpt_in_use(pool);
	uint32_t ida, idb;
	uint16_t a, b, q;

	QPT_CASE("no service lcore: WQEs wait in PENDING until the service runs");
	REQUIRE(FIRST > QPRING_SERVICE_BUDGET && FIRST <= RING, "table");
	CHECK_EQ(rte_service_lcore_stop(AS_SERVICE_LCORE), 0);
	CHECK_EQ(rte_service_lcore_del(AS_SERVICE_LCORE), 0);
	CHECK_EQ(rte_service_lcore_count(), 0);

	b = as_port("net_qpring_nb", "adapter=service,rxq_map=same", NB_QP, RING, pool, NULL);
	a = as_port("net_qpring_na", "peer=net_qpring_nb,adapter=service", NB_QP, RING, pool,
		    NULL);
	ida = service_of(a);
	idb = service_of(b);
	CHECK(ida != idb, "one service per port");
	as_log_begin();
	as_start(b);
	as_start(a);
	CHECK_EQ(as_log_end("no service lcore runs service"), 2);
	/* Runstate set, but EAL reports a service no lcore is mapped to as
	 * not running.
	 */
	CHECK_EQ(rte_service_runstate_get(ida), 0);
	CHECK_EQ(rte_service_map_lcore_get(ida, AS_SERVICE_LCORE), -EINVAL);

	for (q = 0; q < NB_QP; q++) {
		struct rte_pmd_qpring_regs r;

		as_flow_init(&fl[q], 0, q, 1);
		send_all(a, q, 0, 0, FIRST);
		r = qpt_regs(a, q, RTE_PMD_QPRING_SQ);
		CHECK_EQ(r.pending, FIRST);
		CHECK_EQ(r.in_service, 1);
		CHECK_EQ(r.doorbell_va, qpt_slot_va(&r, FIRST - 1));
		CHECK_EQ(r.driver_index, FIRST);
		CHECK_EQ(r.adapter_index, 0);
		CHECK_EQ(r.done_slots, RING - FIRST);
		CHECK_EQ(qpt_qxstat(a, "tx", q, "adapter_polls"), 0);
		CHECK_EQ(qpt_qxstat(a, "tx", q, "adapter_serviced"), 0);
	}
	rx_nothing(b, fl, NB_QP, 20);
	for (q = 0; q < NB_QP; q++) {
		CHECK_EQ(rte_eth_rx_queue_count(b, q), 0);
		CHECK_EQ(qpt_qxstat(b, "rx", q, "adapter_completions"), 0);
	}
	/* Posted is not sent: opackets counts what the adapter put on the
	 * wire (none yet), so it can never go back when a stop flushes.
	 */
	st = qpt_stats(a);
	CHECK_EQ(st.opackets, 0);
	CHECK_EQ(st.oerrors, 0);

	/* The application runs the service on lcore 0, one call at a time. */
	CHECK_EQ(rte_service_run_iter_on_app_lcore(ida, 1), 0);
	for (q = 0; q < NB_QP; q++) {
		CHECK_EQ(qpt_regs(a, q, RTE_PMD_QPRING_SQ).pending, FIRST - QPRING_SERVICE_BUDGET);
		CHECK_EQ(qpt_qxstat(a, "tx", q, "adapter_serviced"), QPRING_SERVICE_BUDGET);
		CHECK_EQ(qpt_qxstat(a, "tx", q, "adapter_polls"), 1);
		CHECK_EQ(rte_eth_rx_queue_count(b, q), QPRING_SERVICE_BUDGET);
	}
	CHECK_EQ(rte_service_run_iter_on_app_lcore(ida, 1), 0);
	for (q = 0; q < NB_QP; q++) {
		struct rte_pmd_qpring_regs r = qpt_regs(a, q, RTE_PMD_QPRING_SQ);

		CHECK_EQ(r.pending, 0);
		CHECK_EQ(r.in_service, 0);
		CHECK_EQ(r.adapter_index, FIRST);
		CHECK_EQ(r.done_slots, RING);
		CHECK_EQ(qpt_qxstat(a, "tx", q, "adapter_serviced"), FIRST);
		CHECK_EQ(qpt_qxstat(a, "tx", q, "adapter_polls"), 2);
		CHECK_EQ(rte_eth_rx_queue_count(b, q), FIRST);
		rx_until(b, &fl[q], FIRST, AS_WAIT_MS);
		CHECK_EQ(fl[q].got, FIRST);
		/* More, for the service lcore to come. */
		send_all(a, q, 0, FIRST, MORE);
		CHECK_EQ(qpt_regs(a, q, RTE_PMD_QPRING_SQ).pending, MORE);
	}

	/* A service lcore appears; the application maps the services to it. */
	CHECK_EQ(rte_service_lcore_add(AS_SERVICE_LCORE), 0);
	CHECK_EQ(rte_service_map_lcore_set(ida, AS_SERVICE_LCORE, 1), 0);
	CHECK_EQ(rte_service_map_lcore_set(idb, AS_SERVICE_LCORE, 1), 0);
	CHECK_EQ(rte_service_lcore_start(AS_SERVICE_LCORE), 0);
	for (q = 0; q < NB_QP; q++) {
		rx_until(b, &fl[q], FIRST + MORE, AS_WAIT_MS);
		CHECK(fl[q].got == FIRST + MORE && fl[q].bad == 0, "q%u: %u received, %u bad", q,
		      fl[q].got, fl[q].bad);
	}
	wait_serviced(a, NB_QP);
	st = qpt_stats(a);
	CHECK_EQ(st.opackets, NB_QP * (FIRST + MORE));
	CHECK_EQ(st.obytes, NB_QP * as_bytes(FIRST + MORE));
	CHECK_EQ(st.oerrors, 0);
	st = qpt_stats(b);
	CHECK_EQ(st.ipackets, NB_QP * (FIRST + MORE));
	CHECK_EQ(st.ibytes, NB_QP * as_bytes(FIRST + MORE));
	CHECK_EQ(st.imissed, 0);
	CHECK_EQ(st.ierrors, 0);
	for (q = 0; q < NB_QP; q++)
		CHECK_EQ(qpt_qxstat(a, "tx", q, "adapter_serviced"), FIRST + MORE);

	as_destroy("net_qpring_na");
	as_destroy("net_qpring_nb");
	CHECK_EQ(qpt_in_use(pool), base);
}

/* ------------------------------------------------------------ auto map */

static void
auto_map(void)
{
	char name[RTE_SERVICE_NAME_MAX];
	uint32_t ida, id = UINT32_MAX;
	uint16_t a, b, c, m;

	QPT_CASE("dev_start maps the adapter service to the service lcore and runs it");
	b = as_port("net_qpring_mb", "adapter=service", 1, 64, pool, NULL);
	a = as_port("net_qpring_ma", "peer=net_qpring_mb,adapter=service", 1, 64, pool, NULL);
	c = as_port("net_qpring_mc", "adapter=inline", 1, 64, pool, NULL);
	m = as_port("net_qpring_mm", "adapter=manual", 1, 64, pool, NULL);
	ida = service_of(a);
	snprintf(name, sizeof(name), "qpring_adapter_p%u", a);
	CHECK_EQ(rte_service_get_by_name(name, &id), 0);
	CHECK_EQ(id, ida);
	CHECK_EQ(rte_service_map_lcore_get(ida, AS_SERVICE_LCORE), 0);
	CHECK_EQ(rte_service_runstate_get(ida), 0);
	CHECK_EQ(rte_pmd_qpring_service_id_get(c, &id), -ENOTSUP);
	CHECK_EQ(rte_pmd_qpring_service_id_get(m, &id), -ENOTSUP);
	CHECK_EQ(rte_pmd_qpring_service_id_get(a, NULL), -EINVAL);
	/* The service lcore owns the adapters: no polling by hand. */
	CHECK_EQ(rte_pmd_qpring_adapter_poll(a, 1), -EBUSY);
	/* The inline adapter is the sending lcores': refused too. */
	CHECK_EQ(rte_pmd_qpring_adapter_poll(c, 1), -EBUSY);
	CHECK(rte_pmd_qpring_adapter_poll(m, 1) >= 0, "manual adapter polled by hand");
	as_start(b);
	as_start(a);
	CHECK_EQ(rte_service_map_lcore_get(ida, AS_SERVICE_LCORE), 1);
	CHECK_EQ(rte_service_runstate_get(ida), 1);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(a, 1), -EBUSY);
	as_destroy("net_qpring_ma");
	CHECK_EQ(rte_service_get_by_name(name, &id), -ENODEV);
	as_destroy("net_qpring_mb");
	as_destroy("net_qpring_mc");
	as_destroy("net_qpring_mm");
}

/* --------------------------------------------------- 4 QPs, both directions */

/*
 * Two cabled ports, 4 queue pairs, both directions at once: lcore 0 sends
 * and receives, lcore 1 runs both ports' adapters. At most RING frames of a
 * flow are in flight, so no receive ring overflows: every frame arrives
 * exactly once, in order, intact, and every counter is exact.
 */
static void
four_qps(void)
{
	enum { NB_QP = 4, RING = 256, N = 4000 };
	static const char *const names[2] = { "net_qpring_sa", "net_qpring_sb" };
	struct as_flow fl[2][NB_QP];
	uint32_t sent[2][NB_QP], tx_calls[2][NB_QP], rx_calls[2][NB_QP];
	unsigned int base = qpt_in_use(pool), d;
	uint16_t port[2], q;
	uint64_t dl;
	int done = 0;

	QPT_CASE("service: 4 QPs both ways, every frame once and in order");
	port[1] = as_port(names[1], "adapter=service,rxq_map=same", NB_QP, RING, pool, NULL);
	port[0] = as_port(names[0], "peer=net_qpring_sb,adapter=service,rxq_map=same", NB_QP,
			  RING, pool, NULL);
	as_start(port[1]);
	as_start(port[0]);
	memset(sent, 0, sizeof(sent));
	memset(tx_calls, 0, sizeof(tx_calls));
	memset(rx_calls, 0, sizeof(rx_calls));
	for (d = 0; d < 2; d++)
		for (q = 0; q < NB_QP; q++)
			as_flow_init(&fl[d][q], d, q, 1);

	dl = as_deadline(10000);
	while (!done && !as_expired(dl)) {
		done = 1;
		for (d = 0; d < 2; d++) {
			for (q = 0; q < NB_QP; q++) {
				struct as_flow *f = &fl[d][q];
				uint32_t room = RING - (sent[d][q] - f->got);
				unsigned int n = RTE_MIN(room, N - sent[d][q]);

				n = RTE_MIN(n, 32u);

				if (n > 0) {
					n = as_send(port[d], q, pool, d, sent[d][q], n);
					sent[d][q] += n;
					tx_calls[d][q] += n > 0;
				}
				rx_calls[d][q] += as_flow_rx(port[!d], f) > 0;
				done &= f->got >= N;
			}
		}
	}
	CHECK(done, "not all frames arrived within 10 s");
	for (d = 0; d < 2; d++) {
		struct rte_eth_stats so, si;

		wait_serviced(port[d], NB_QP);
		so = qpt_stats(port[d]);
		si = qpt_stats(port[!d]);
		CHECK_EQ(so.opackets, NB_QP * N);
		CHECK_EQ(so.obytes, NB_QP * as_bytes(N));
		CHECK_EQ(so.oerrors, 0);
		CHECK_EQ(si.ipackets, NB_QP * N);
		CHECK_EQ(si.ibytes, NB_QP * as_bytes(N));
		CHECK_EQ(si.imissed, 0);
		CHECK_EQ(si.ierrors, 0);
		CHECK_EQ(si.rx_nombuf, 0);
		for (q = 0; q < NB_QP; q++) {
			struct rte_pmd_qpring_regs r = qpt_regs(port[d], q, RTE_PMD_QPRING_SQ);
			struct as_flow *f = &fl[d][q];
			uint64_t reaped;

			CHECK(f->got == N && f->bad == 0, "flow %u q%u: %u received, %u bad", d, q,
			      f->got, f->bad);
			CHECK_EQ(f->bytes, as_bytes(N));
			CHECK_EQ(so.q_opackets[q], N);
			CHECK_EQ(si.q_ipackets[q], N);
			CHECK_EQ(qpt_qxstat(port[d], "tx", q, "wqes_posted"), N);
			CHECK_EQ(qpt_qxstat(port[d], "tx", q, "doorbells"), tx_calls[d][q]);
			CHECK_EQ(qpt_qxstat(port[d], "tx", q, "adapter_serviced"), N);
			/* Reclaimed by the bursts as they needed room (when depends on
			 * the service): at least every slot that was used again.
			 */
			reaped = qpt_qxstat(port[d], "tx", q, "completions_reaped");
			CHECK(reaped >= N - RING && reaped <= N, "flow %u q%u: %" PRIu64
			      " completions reaped, want %u..%u", d, q, reaped, N - RING, N);
			CHECK_EQ(qpt_qxstat(port[d], "tx", q, "error_completions"), 0);
			CHECK_EQ(qpt_qxstat(port[d], "tx", q, "no_link_drops"), 0);
			CHECK_EQ(r.pending, 0);
			CHECK_EQ(r.in_service, 0);
			CHECK_EQ(r.driver_index, N);
			CHECK_EQ(r.adapter_index, N);
			CHECK_EQ(r.doorbell_va, qpt_slot_va(&r, N - 1));
			CHECK_EQ(r.done_slots, RING);
			r = qpt_regs(port[!d], q, RTE_PMD_QPRING_RQ);
			CHECK_EQ(qpt_qxstat(port[!d], "rx", q, "adapter_completions"), N);
			CHECK_EQ(qpt_qxstat(port[!d], "rx", q, "completions_reaped"), N);
			CHECK_EQ(qpt_qxstat(port[!d], "rx", q, "doorbells"), 1 + rx_calls[d][q]);
			CHECK_EQ(qpt_qxstat(port[!d], "rx", q, "wqes_posted"), RING + N);
			CHECK_EQ(qpt_qxstat(port[!d], "rx", q, "no_buffer_drops"), 0);
			CHECK_EQ(r.pending, RING);
			CHECK_EQ(r.done_slots, 0);
			CHECK_EQ(r.driver_index, N);
			CHECK_EQ(r.adapter_index, N);
			/* Every send slot completed: cleanup frees the frames the
			 * bursts did not reclaim, and then every frame was reaped once.
			 */
			CHECK_EQ(rte_eth_tx_done_cleanup(port[d], q, 0), (int)(N - reaped));
			CHECK_EQ(rte_eth_tx_done_cleanup(port[d], q, 0), 0);
			CHECK_EQ(qpt_qxstat(port[d], "tx", q, "completions_reaped"), N);
		}
	}
	/* Only the posted receive buffers are out of the pool. */
	CHECK_EQ(qpt_in_use(pool), base + 2u * NB_QP * RING);
	as_destroy(names[0]);
	as_destroy(names[1]);
	CHECK_EQ(qpt_in_use(pool), base);
}

/* ------------------------------------------------ paused service, stop */

/*
 * The service taken off its lcore: WQEs wait in PENDING, nothing arrives;
 * given back, everything arrives. Taken off again, a stop flushes the
 * pending WQEs (counted, mbufs freed); the next start maps the service again
 * and traffic flows.
 */
static void
paused(void)
{
	enum { NB_QP = 2, RING = 128, K = 100 };
	struct as_flow fl[NB_QP], fl2[NB_QP];
	struct as_balance x;
	struct rte_eth_stats st;
	unsigned int base = qpt_in_use(pool);
	uint64_t polls[NB_QP];
	uint32_t ida;
	uint16_t a, b, q;

	QPT_CASE("service paused: WQEs wait; stop flushes them; restart maps it again");
	REQUIRE(K <= RING && 2 * K > RING, "table");
	b = as_port("net_qpring_pb", "adapter=service,rxq_map=same", NB_QP, RING, pool, NULL);
	a = as_port("net_qpring_pa", "peer=net_qpring_pb,adapter=service", NB_QP, RING, pool,
		    NULL);
	ida = service_of(a);
	as_start(b);
	as_start(a);
	service_take_away(ida);

	for (q = 0; q < NB_QP; q++) {
		struct rte_pmd_qpring_regs r;

		as_flow_init(&fl[q], 0, q, 1);
		polls[q] = qpt_qxstat(a, "tx", q, "adapter_polls");
		send_all(a, q, 0, 0, K);
		r = qpt_regs(a, q, RTE_PMD_QPRING_SQ);
		CHECK_EQ(r.pending, K);
		CHECK_EQ(r.in_service, 1);
		CHECK_EQ(r.doorbell_va, qpt_slot_va(&r, K - 1));
		CHECK_EQ(r.adapter_index, 0);
		CHECK_EQ(r.done_slots, RING - K);
	}
	rx_nothing(b, fl, NB_QP, 20);
	for (q = 0; q < NB_QP; q++) {
		CHECK_EQ(qpt_qxstat(a, "tx", q, "adapter_polls"), polls[q]);
		CHECK_EQ(qpt_regs(a, q, RTE_PMD_QPRING_SQ).pending, K);
	}

	service_give_back(ida);
	for (q = 0; q < NB_QP; q++) {
		rx_until(b, &fl[q], K, AS_WAIT_MS);
		CHECK(fl[q].got == K && fl[q].bad == 0, "q%u: %u received, %u bad", q, fl[q].got,
		      fl[q].bad);
	}
	wait_serviced(a, NB_QP);
	for (q = 0; q < NB_QP; q++)
		CHECK_EQ(qpt_regs(a, q, RTE_PMD_QPRING_SQ).pending, 0);

	/* Off again, K more each, and stop the sender with them pending. */
	service_take_away(ida);
	for (q = 0; q < NB_QP; q++)
		send_all(a, q, 0, K, K);
	/* Posted receive buffers of both ports, and the K frames of each send
	 * queue of a: its first burst needed more room than was free and
	 * reclaimed the K completed frames before them (2K > RING).
	 */
	CHECK_EQ(qpt_in_use(pool), base + 2u * NB_QP * RING + NB_QP * K);
	CHECK_EQ(rte_eth_dev_stop(a), 0);
	for (q = 0; q < NB_QP; q++) {
		struct rte_pmd_qpring_regs r = qpt_regs(a, q, RTE_PMD_QPRING_SQ);

		CHECK_EQ(qpt_qxstat(a, "tx", q, "flushed_wqes"), K);
		CHECK_EQ(r.pending, 0);
		CHECK_EQ(r.done_slots, 0); /* stopped: parked, no slot usable */
	}
	st = qpt_stats(a);
	/* Flushed WQEs never left: oerrors, not opackets. */
	CHECK_EQ(st.opackets, NB_QP * K);
	CHECK_EQ(st.oerrors, NB_QP * K);
	x = as_balance_get(a, b, NB_QP, 1);
	CHECK_EQ(x.ipackets, NB_QP * K);
	CHECK_EQ(x.waiting, 0);
	as_balance_check(&x, "after stop");
	/* The sender's slots and receive rings are empty: only b's buffers. */
	CHECK_EQ(qpt_in_use(pool), base + NB_QP * RING);

	/* Start maps the service again (it was unmapped) and runs it. */
	CHECK_EQ(rte_service_map_lcore_get(ida, AS_SERVICE_LCORE), 0);
	as_start(a);
	CHECK_EQ(rte_service_map_lcore_get(ida, AS_SERVICE_LCORE), 1);
	CHECK_EQ(rte_service_runstate_get(ida), 1);
	for (q = 0; q < NB_QP; q++) {
		as_flow_init(&fl2[q], 1, q, 1);
		send_all(a, q, 1, 0, K);
		rx_until(b, &fl2[q], K, AS_WAIT_MS);
		CHECK(fl2[q].got == K && fl2[q].bad == 0, "after restart q%u: %u received, %u bad",
		      q, fl2[q].got, fl2[q].bad);
	}
	wait_serviced(a, NB_QP);
	st = qpt_stats(b);
	CHECK_EQ(st.ipackets, NB_QP * 2u * K);
	CHECK_EQ(st.imissed, 0);
	CHECK_EQ(st.ierrors, 0);
	x = as_balance_get(a, b, NB_QP, 1);
	CHECK_EQ(x.posted, NB_QP * 3u * K);
	CHECK_EQ(x.opackets, NB_QP * 2u * K);
	as_balance_check(&x, "after restart");

	as_destroy("net_qpring_pa");
	as_destroy("net_qpring_pb");
	CHECK_EQ(qpt_in_use(pool), base);
}

int
main(void)
{
	as_eal_init("async_service", 256, 1);
	pool = qpt_pool("svc_pool", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);

	no_service_lcore();
	auto_map();
	four_qps();
	paused();

	QPT_CASE("pool");
	as_pool_check(pool, NB_MBUFS);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
