/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * adapter=service: the adapter runs asynchronously, as hardware would, in an
 * rte_service on a service lcore. One service per port runs the adapters of
 * all its send queues (and of the receive queues its wire fills) in turn,
 * each under its queue's adapter lock.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_cycles.h>
#include <rte_pause.h>
#include <rte_service.h>
#include <rte_service_component.h>

#include "qpring.h"
#include "qpring_wire.h"

/*
 * adapter=service: one rte_service per port runs the adapters of all its
 * send queues in turn, on whatever service lcore the application (or EAL's
 * -s default mapping, or qpring_service_start()) gives it.
 */
static int32_t
qpring_service_run(void *arg)
{
	struct qpring_port *p = arg;
	struct rte_eth_dev *dev = qpring_port_dev(p);
	uint16_t q;

	/* S1: announce, then look at svc_run: a store followed by a load
	 * needs a full fence. Pairs with S2 in qpring_service_quiesce().
	 */
	__atomic_store_n(&p->svc_busy, 1, __ATOMIC_RELAXED);
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* Acquire: pairs with the release store in qpring_service_start(),
	 * so the queues it started are visible.
	 */
	if (__atomic_load_n(&p->svc_run, __ATOMIC_ACQUIRE)) {
		for (q = 0; q < dev->data->nb_tx_queues; q++) {
			struct qpring_txq *txq = __atomic_load_n(
				(struct qpring_txq **)&dev->data->tx_queues[q], __ATOMIC_ACQUIRE);

			if (txq != NULL && __atomic_load_n(&txq->started, __ATOMIC_RELAXED))
				qpring_adapter_run_txq(txq, QPRING_SERVICE_BUDGET);
		}
		for (q = 0; qpring_wire_of(p)->rx != NULL && q < dev->data->nb_rx_queues; q++) {
			struct qpring_rxq *rxq = __atomic_load_n(
				(struct qpring_rxq **)&dev->data->rx_queues[q], __ATOMIC_ACQUIRE);

			if (rxq != NULL && __atomic_load_n(&rxq->started, __ATOMIC_RELAXED))
				qpring_adapter_run_rxq(rxq, QPRING_SERVICE_BUDGET);
		}
	}
	/* S3: leave. Release: our queue accesses happen before the
	 * quiescer's acquire load of 0.
	 */
	__atomic_store_n(&p->svc_busy, 0, __ATOMIC_RELEASE);
	return 0;
}

/* S2: wait until the service callback is not inside (after the caller
 * cleared svc_run or unpublished a queue). Pairs with S1/S3. A timeout is
 * logged; the caller's queue quiesce (qpring_adapter_quiesce()) is what
 * decides whether memory may be freed.
 */
void
qpring_service_quiesce(struct qpring_port *p)
{
	uint64_t limit = rte_get_timer_cycles() + rte_get_timer_hz() * QPRING_QUIESCE_MS / 1000;

	if (!p->service_registered)
		return;
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (__atomic_load_n(&p->svc_busy, __ATOMIC_ACQUIRE) != 0) {
		if (rte_get_timer_cycles() > limit) {
			QPRING_LOG(ERR, "%s: adapter service still running after %u ms", p->name,
				   QPRING_QUIESCE_MS);
			break;
		}
		rte_pause();
	}
}

int
qpring_service_register(struct qpring_port *p, int socket)
{
	struct rte_service_spec spec;
	int ret;

	memset(&spec, 0, sizeof(spec));
	snprintf(spec.name, sizeof(spec.name), "qpring_adapter_p%u", p->port_id);
	spec.callback = qpring_service_run;
	spec.callback_userdata = p;
	spec.socket_id = socket;
	ret = rte_service_component_register(&spec, &p->service_id);
	if (ret != 0) {
		QPRING_LOG(ERR, "%s: cannot register the adapter service: %s", p->name,
			   rte_strerror(-ret));
		return ret;
	}
	rte_service_component_runstate_set(p->service_id, 1);
	p->service_registered = 1;
	return 0;
}

void
qpring_service_unregister(struct qpring_port *p)
{
	uint32_t ids[RTE_MAX_LCORE];
	uint64_t limit = rte_get_timer_cycles() + rte_get_timer_hz() * QPRING_QUIESCE_MS / 1000;
	int n, i;

	if (!p->service_registered)
		return;
	rte_service_runstate_set(p->service_id, 0);
	rte_service_component_runstate_set(p->service_id, 0);
	while (rte_service_may_be_active(p->service_id) == 1 &&
	       rte_get_timer_cycles() < limit)
		rte_pause();
	n = rte_service_lcore_list(ids, RTE_DIM(ids));
	for (i = 0; i < n; i++)
		rte_service_map_lcore_set(p->service_id, ids[i], 0);
	rte_service_component_unregister(p->service_id);
	p->service_registered = 0;
}

/* Port start, adapter=service: make sure a service lcore runs the adapter. */
void
qpring_service_start(struct qpring_port *p)
{
	uint32_t ids[RTE_MAX_LCORE];
	int n, i, mapped = 0;

	n = rte_service_lcore_list(ids, RTE_DIM(ids));
	for (i = 0; i < n; i++)
		mapped |= rte_service_map_lcore_get(p->service_id, ids[i]) == 1;
	if (!mapped && n > 0 && rte_service_map_lcore_set(p->service_id, ids[0], 1) == 0) {
		mapped = 1;
		QPRING_LOG(INFO, "%s: adapter service mapped to service lcore %u", p->name,
			   ids[0]);
	}
	rte_service_runstate_set(p->service_id, 1);
	__atomic_store_n(&p->svc_run, 1, __ATOMIC_RELEASE);
	if (!mapped)
		QPRING_LOG(WARNING, "%s: adapter=service but no service lcore runs service %u "
			   "(EAL -s <mask> or rte_service_map_lcore_set()); WQEs stay pending "
			   "until one does", p->name, p->service_id);
}

void
qpring_service_stop(struct qpring_port *p)
{
	__atomic_store_n(&p->svc_run, 0, __ATOMIC_RELAXED);
	qpring_service_quiesce(p);
}
