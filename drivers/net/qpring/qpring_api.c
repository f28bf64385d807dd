/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The PMD-specific API (rte_pmd_qpring.h): what ethdev has no call for.
 * Every call checks that the port is a qpring port and its arguments.
 */
#include <errno.h>
#include <stdint.h>

#include <ethdev_driver.h>

#include "qpring.h"
#include "qpring_wire.h"
#include "rte_pmd_qpring.h"


/* The PMD API's common check: a qpring port, and a non-NULL argument. */
static struct rte_eth_dev *
qpring_api_dev(uint16_t port_id, const void *arg, int *err)
{
	struct rte_eth_dev *dev = qpring_dev_of(port_id, err);

	if (dev != NULL && arg == NULL) {
		*err = -EINVAL;
		return NULL;
	}
	return dev;
}

int
rte_pmd_qpring_regs_get(uint16_t port_id, uint16_t queue_id, enum rte_pmd_qpring_dir dir,
			struct rte_pmd_qpring_regs *regs)
{
	const struct qp_hwq *hw;
	struct rte_eth_dev *dev;
	uint32_t di = 0, nb = 0;
	int err = 0;

	dev = qpring_api_dev(port_id, regs, &err);
	if (dev == NULL)
		return err;
	if (dir != RTE_PMD_QPRING_SQ && dir != RTE_PMD_QPRING_RQ)
		return -EINVAL;
	hw = qpring_queue_hw(dev, queue_id, (int)dir, &di, &nb);
	if (hw == NULL)
		return -EINVAL;
	qpring_regs_fill(hw, di, nb, regs);
	return 0;
}

int
rte_pmd_qpring_adapter_poll(uint16_t port_id, unsigned int budget)
{
	struct rte_eth_dev *dev;
	uint32_t n = 0;
	uint16_t q;
	int err = 0;

	dev = qpring_dev_of(port_id, &err);
	if (dev == NULL)
		return err;
	/* inline: the sending lcores run the adapters; service: the service
	 * lcore does. Only adapter=manual leaves them to this call.
	 */
	if (((struct qpring_port *)dev->data->dev_private)->adapter_mode !=
	    QPRING_ADAPTER_MANUAL)
		return -EBUSY;
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq != NULL && __atomic_load_n(&txq->started, __ATOMIC_ACQUIRE))
			n += qpring_adapter_run_txq(txq, budget);
	}
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq != NULL && __atomic_load_n(&rxq->started, __ATOMIC_ACQUIRE))
			n += qpring_adapter_run_rxq(rxq, budget);
	}
	return (int)RTE_MIN(n, (uint32_t)INT32_MAX);
}

static int
qpring_faults_check(const struct rte_pmd_qpring_faults *f)
{
	if (f->delay_polls > QPRING_MAX_DELAY_POLLS || f->delay_ns > QPRING_MAX_DELAY_NS ||
	    f->ooo_window > QP_RING_MAX ||
	    f->error_ppm > QPRING_PPM || f->drop_ppm > QPRING_PPM)
		return -EINVAL;
	return 0;
}

int
rte_pmd_qpring_faults_get(uint16_t port_id, struct rte_pmd_qpring_faults *f)
{
	struct rte_eth_dev *dev;
	const struct qpring_port *p;
	int err = 0;

	dev = qpring_api_dev(port_id, f, &err);
	if (dev == NULL)
		return err;
	p = dev->data->dev_private;
	f->delay_polls = p->faults.delay_polls;
	f->ooo_window = p->faults.ooo_window;
	f->error_ppm = p->faults.error_ppm;
	f->drop_ppm = p->faults.drop_ppm;
	f->delay_ns = p->faults.delay_ns;
	return 0;
}

int
rte_pmd_qpring_faults_set(uint16_t port_id, const struct rte_pmd_qpring_faults *f)
{
	struct rte_eth_dev *dev;
	struct qpring_port *p;
	uint16_t q;
	int err = 0;

	dev = qpring_api_dev(port_id, f, &err);
	if (dev == NULL)
		return err;
	if (qpring_faults_check(f) != 0)
		return -EINVAL;
	p = dev->data->dev_private;
	p->faults.delay_polls = f->delay_polls;
	p->faults.ooo_window = f->ooo_window;
	p->faults.error_ppm = f->error_ppm;
	p->faults.drop_ppm = f->drop_ppm;
	p->faults.delay_ns = f->delay_ns;
	qpring_faults_derive(&p->faults);
	__atomic_store_n(&p->faults_on, f->delay_polls != 0 || f->delay_ns != 0 ||
			 f->ooo_window != 0 || f->error_ppm != 0 || f->drop_ppm != 0,
			 __ATOMIC_RELAXED);
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq != NULL)
			qp_hwq_set_faults(txq->hw, &p->faults, 0);
	}
	return 0;
}

int
rte_pmd_qpring_service_id_get(uint16_t port_id, uint32_t *service_id)
{
	struct rte_eth_dev *dev;
	const struct qpring_port *p;
	int err = 0;

	dev = qpring_api_dev(port_id, service_id, &err);
	if (dev == NULL)
		return err;
	p = dev->data->dev_private;
	if (!p->service_registered)
		return -ENOTSUP;
	*service_id = p->service_id;
	return 0;
}
