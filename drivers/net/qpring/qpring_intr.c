/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Receive interrupts (rte_eth_dev_rx_intr_enable() and friends: one eventfd
 * per receive queue, signalled by the adapter that completes a receive WQE
 * while the queue is armed) and PMD power management (the address of the
 * indicator to wait on).
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_interrupts.h>
#include <rte_power_intrinsics.h>

#include "qpring.h"

/*
 * Cold path of the adapter: wake an application sleeping on the receive
 * queue's eventfd. The eventfds belong to the process that installed them
 * (dev->intr_handle is per process): an adapter running in another process
 * leaves the queue armed, and the next one in the owning process signals.
 */
void
qpring_rx_intr_signal(uint16_t port_id, uint16_t qid, struct qp_hwq *hw)
{
	const struct rte_intr_handle *h = rte_eth_devices[port_id].intr_handle;
	uint64_t one = 1;
	int fd;

	if (h == NULL)
		return; /* not this process's interrupts */
	fd = rte_intr_efds_index_get(h, qid);
	if (fd < 0)
		return;
	/* One interrupt per arming: whoever disarms writes. */
	if (__atomic_exchange_n(&hw->ad.intr_armed, 0, __ATOMIC_RELAXED) == 0)
		return;
	/* EAGAIN means the counter is saturated: it is readable anyway. */
	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		QPRING_LOG(ERR, "port %u rxq %u: eventfd write: %s", port_id, qid,
			   strerror(errno));
}

void
qpring_intr_uninstall(struct rte_eth_dev *dev)
{
	struct rte_intr_handle *h = dev->intr_handle;
	uint16_t q;
	int i, n;

	__atomic_store_n(&((struct qpring_port *)dev->data->dev_private)->intr_any, 0,
			 __ATOMIC_RELAXED);
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq != NULL) {
			__atomic_store_n(&rxq->hw->ad.intr_on, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&rxq->hw->ad.intr_armed, 0, __ATOMIC_RELAXED);
		}
	}
	if (h == NULL)
		return;
	n = rte_intr_nb_efd_get(h);
	for (i = 0; i < n; i++) {
		int fd = rte_intr_efds_index_get(h, i);

		if (fd >= 0)
			close(fd);
	}
	rte_intr_vec_list_free(h);
	rte_intr_instance_free(h);
	dev->intr_handle = NULL;
}

/* One eventfd per receive queue, signalled by the adapter (Rx interrupts). */
int
qpring_intr_install(struct rte_eth_dev *dev)
{
	uint16_t n = dev->data->nb_rx_queues, q;
	struct rte_intr_handle *h;

	h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (h == NULL)
		goto err_nomem;
	dev->intr_handle = h;
	if (rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV) != 0 ||
	    rte_intr_efd_counter_size_set(h, sizeof(uint64_t)) != 0 ||
	    rte_intr_vec_list_alloc(h, NULL, n) != 0)
		goto err_nomem;
	for (q = 0; q < n; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];
		int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

		if (fd < 0) {
			QPRING_LOG(ERR, "port %u: eventfd: %s", dev->data->port_id,
				   strerror(errno));
			goto err;
		}
		if (rte_intr_efds_index_set(h, q, fd) != 0 ||
		    rte_intr_nb_efd_set(h, q + 1) != 0) {
			close(fd);
			goto err;
		}
		rte_intr_vec_list_index_set(h, q, RTE_INTR_VEC_RXTX_OFFSET + q);
		if (rxq != NULL)
			__atomic_store_n(&rxq->hw->ad.intr_on, 1, __ATOMIC_RELAXED);
	}
	rte_intr_max_intr_set(h, n + 1);
	__atomic_store_n(&((struct qpring_port *)dev->data->dev_private)->intr_any, 1,
			 __ATOMIC_RELAXED);
	return 0;

err_nomem:
	QPRING_LOG(ERR, "port %u: cannot set up Rx interrupts", dev->data->port_id);
err:
	qpring_intr_uninstall(dev);
	return -ENOMEM;
}

int
qpring_rx_queue_intr_enable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL || !rxq->hw->ad.intr_on || dev->intr_handle == NULL) {
		QPRING_LOG(ERR, "port %u rxq %u: Rx interrupts need intr_conf.rxq = 1 and a "
			   "started port", dev->data->port_id, qid);
		return -EINVAL;
	}
	__atomic_store_n(&rxq->hw->ad.intr_armed, 1, __ATOMIC_RELAXED);
	/* I2: arm, then look: pairs with I1 in qpring_wire_service(). */
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (rxq->started && qp_slot_is_done(&rxq->hw->slots[rxq->head & rxq->mask]))
		qpring_rx_intr_signal(rxq->port_id, qid, rxq->hw);
	return 0;
}

int
qpring_rx_queue_intr_disable(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL)
		return -EINVAL;
	__atomic_store_n(&rxq->hw->ad.intr_armed, 0, __ATOMIC_RELAXED);
	return 0;
}

/* Abort the sleep if the indicator already reads "completed". */
static int
qpring_monitor_cb(const uint64_t val, const uint64_t opaque[RTE_POWER_MONITOR_OPAQUE_SZ])
{
	return QP_RES_IND(val) == opaque[0] ? -1 : 0;
}

/* PMD power management waits on the very word the adapter writes: the
 * indicator of the next receive slot the driver will harvest.
 */
int
qpring_get_monitor_addr(void *q, struct rte_power_monitor_cond *pmc)
{
	struct qpring_rxq *rxq = q;

	pmc->addr = &rxq->hw->slots[rxq->head & rxq->mask].res;
	pmc->size = sizeof(uint64_t);
	pmc->fn = qpring_monitor_cb;
	pmc->opaque[0] = QP_IND_DONE;
	return 0;
}
