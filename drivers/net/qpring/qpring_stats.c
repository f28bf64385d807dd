/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * What a port tells about itself: basic statistics, extended statistics
 * (per queue, the driver's, the adapter's and the registers), the register
 * dump (rte_eth_dev_get_reg_info()) and the telemetry command
 * /qpring/regs. Readers on any lcore; counters are snapshotted relaxed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_telemetry.h>

#include "qpring.h"
#include "rte_pmd_qpring.h"

/* Version of the register dump layout (rte_eth_dev_get_reg_info()). */
#define QPRING_REGS_VERSION 1u
#define QPRING_REGS_PER_QUEUE 8u

static inline uint64_t
qpring_load(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* Adapter counters, by offset into struct qp_adapter_q. */
#define QP_AD(f) offsetof(struct qp_adapter_q, f)

static inline uint64_t
qpring_ad(const struct qp_hwq *hw, const struct qp_adapter_q *base, size_t off)
{
	return qpring_load((const uint64_t *)(const void *)((const char *)&hw->ad + off)) -
	       *(const uint64_t *)(const void *)((const char *)base + off);
}

#define QP_TX(q, i) (qpring_load(&(q)->c[i]) - (q)->base[i])
#define QP_RX(q, i) (qpring_load(&(q)->c[i]) - (q)->base[i])

int
qpring_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	uint16_t q;

	memset(st, 0, sizeof(*st));
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct qpring_rxq *rxq = dev->data->rx_queues[q];
		uint64_t pk, by, er, ms;

		if (rxq == NULL)
			continue;
		pk = QP_RX(rxq, QP_RXC_PKTS);
		by = QP_RX(rxq, QP_RXC_BYTES);
		er = QP_RX(rxq, QP_RXC_ERRORS) + QP_RX(rxq, QP_RXC_OVERSIZE) +
		     qpring_ad(rxq->hw, &rxq->ad_base, QP_AD(too_big)) +
		     qpring_ad(rxq->hw, &rxq->ad_base, QP_AD(medium_errors));
		ms = qpring_ad(rxq->hw, &rxq->ad_base, QP_AD(no_buffer)) +
		     QP_RX(rxq, QP_RXC_FLUSHED);
		st->ipackets += pk;
		st->ibytes += by;
		st->ierrors += er;
		st->imissed += ms;
		st->rx_nombuf += QP_RX(rxq, QP_RXC_NOMBUF);
		if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_ipackets[q] = pk;
			st->q_ibytes[q] = by;
			st->q_errors[q] = er;
		}
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct qpring_txq *txq = dev->data->tx_queues[q];
		uint64_t pk, by, failed;

		if (txq == NULL)
			continue;
		/* Sent: what the adapter put on the wire, a counter of its own
		 * (so it never goes back). What completed with a failure (no
		 * link, error, medium error, flushed at stop) is in oerrors,
		 * with the frames the driver refused.
		 */
		failed = qpring_ad(txq->hw, &txq->ad_base, QP_AD(failed));
		pk = qpring_ad(txq->hw, &txq->ad_base, QP_AD(sent));
		by = qpring_ad(txq->hw, &txq->ad_base, QP_AD(sent_bytes));
		st->opackets += pk;
		st->obytes += by;
		st->oerrors += QP_TX(txq, QP_TXC_BAD_FRAME) + failed;
		if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_opackets[q] = pk;
			st->q_obytes[q] = by;
		}
	}
	return 0;
}

static void
qpring_ad_snapshot(const struct qp_hwq *hw, struct qp_adapter_q *base)
{
	static const size_t offs[] = {
		QP_AD(serviced), QP_AD(polls), QP_AD(idle_polls), QP_AD(no_link),
		QP_AD(no_buffer), QP_AD(too_big), QP_AD(filtered), QP_AD(medium_errors),
		QP_AD(failed), QP_AD(fail_bytes), QP_AD(sent), QP_AD(sent_bytes),
		QP_AD(tx_errors), QP_AD(txo_errors),
		QP_AD(f_delayed),
		QP_AD(f_reordered), QP_AD(f_errors), QP_AD(f_rx_errors), QP_AD(f_drops),
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(offs); i++)
		*(uint64_t *)(void *)((char *)base + offs[i]) =
			qpring_load((const uint64_t *)(const void *)((const char *)&hw->ad + offs[i]));
}

int
qpring_stats_reset(struct rte_eth_dev *dev)
{
	uint16_t q;
	unsigned int i;

	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		struct qpring_rxq *rxq = dev->data->rx_queues[q];

		if (rxq == NULL)
			continue;
		for (i = 0; i < QP_RXC_NR; i++)
			rxq->base[i] = qpring_load(&rxq->c[i]);
		qpring_ad_snapshot(rxq->hw, &rxq->ad_base);
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		struct qpring_txq *txq = dev->data->tx_queues[q];

		if (txq == NULL)
			continue;
		for (i = 0; i < QP_TXC_NR; i++)
			txq->base[i] = qpring_load(&txq->c[i]);
		qpring_ad_snapshot(txq->hw, &txq->ad_base);
	}
	return 0;
}

/* Where an xstat's value comes from. */
enum qpring_xsrc { XS_DRV, XS_AD, XS_REG };
enum qpring_xreg { XR_DOORBELL_VA, XR_PENDING, XR_IN_SERVICE };

struct qpring_xstat_def {
	const char *name; /* after "rx_q<N>_" / "tx_q<N>_" */
	uint8_t src;
	size_t idx;       /* counter index, adapter offset, or register */
};

static const struct qpring_xstat_def qpring_tx_xstats[] = {
	{ "doorbells",           XS_DRV, QP_TXC_DOORBELLS },
	{ "wqes_posted",         XS_DRV, QP_TXC_PKTS },
	{ "completions_reaped",  XS_DRV, QP_TXC_REAPED },
	{ "ring_full_stalls",    XS_DRV, QP_TXC_RING_FULL },
	{ "bad_frame_drops",     XS_DRV, QP_TXC_BAD_FRAME },
	{ "error_completions",   XS_AD,  QP_AD(tx_errors) },
	{ "flushed_wqes",        XS_DRV, QP_TXC_FLUSHED },
	{ "no_link_drops",       XS_AD,  QP_AD(no_link) },
	{ "adapter_serviced",    XS_AD,  QP_AD(serviced) },
	{ "adapter_polls",       XS_AD,  QP_AD(polls) },
	{ "adapter_idle_polls",  XS_AD,  QP_AD(idle_polls) },
	{ "fault_delayed_batches", XS_AD, QP_AD(f_delayed) },
	{ "fault_reordered_completions", XS_AD, QP_AD(f_reordered) },
	{ "fault_error_completions", XS_AD, QP_AD(f_errors) },
	{ "fault_rx_error_completions", XS_AD, QP_AD(f_rx_errors) },
	{ "fault_wire_drops",    XS_AD,  QP_AD(f_drops) },
	{ "medium_errors",       XS_AD,  QP_AD(medium_errors) },
	{ "offload_errors",      XS_AD,  QP_AD(txo_errors) },
	{ "reg_doorbell",        XS_REG, XR_DOORBELL_VA },
	{ "reg_pending",         XS_REG, XR_PENDING },
	{ "reg_in_service",      XS_REG, XR_IN_SERVICE },
};

static const struct qpring_xstat_def qpring_rx_xstats[] = {
	{ "doorbells",           XS_DRV, QP_RXC_DOORBELLS },
	{ "wqes_posted",         XS_DRV, QP_RXC_POSTED },
	{ "completions_reaped",  XS_DRV, QP_RXC_PKTS },
	{ "mbuf_alloc_failures", XS_DRV, QP_RXC_NOMBUF },
	{ "error_completions",   XS_DRV, QP_RXC_ERRORS },
	{ "flushed_frames",      XS_DRV, QP_RXC_FLUSHED },
	{ "chain_drops",         XS_DRV, QP_RXC_OVERSIZE },
	{ "no_buffer_drops",     XS_AD,  QP_AD(no_buffer) },
	{ "oversize_drops",      XS_AD,  QP_AD(too_big) },
	{ "mac_filter_drops",    XS_AD,  QP_AD(filtered) },
	{ "medium_errors",       XS_AD,  QP_AD(medium_errors) },
	{ "adapter_completions", XS_AD,  QP_AD(serviced) },
	{ "reg_doorbell",        XS_REG, XR_DOORBELL_VA },
	{ "reg_pending",         XS_REG, XR_PENDING },
	{ "reg_in_service",      XS_REG, XR_IN_SERVICE },
};

#define QPRING_NB_TX_XSTATS RTE_DIM(qpring_tx_xstats)
#define QPRING_NB_RX_XSTATS RTE_DIM(qpring_rx_xstats)

static unsigned int
qpring_xstats_count(const struct rte_eth_dev *dev)
{
	return dev->data->nb_rx_queues * QPRING_NB_RX_XSTATS +
	       dev->data->nb_tx_queues * QPRING_NB_TX_XSTATS;
}

static uint64_t
qpring_xstat_value(const struct qpring_xstat_def *d, const struct qp_hwq *hw,
		   const uint64_t *c, const uint64_t *base, const struct qp_adapter_q *ad_base)
{
	if (hw == NULL)
		return 0;
	switch (d->src) {
	case XS_DRV:
		return qpring_load(&c[d->idx]) - base[d->idx];
	case XS_AD:
		return qpring_ad(hw, ad_base, d->idx);
	default:
		if (d->idx == XR_DOORBELL_VA)
			return qp_regs_doorbell_va(&hw->regs);
		if (d->idx == XR_PENDING)
			return qp_regs_pending_peek(&hw->regs);
		return qp_regs_in_service(&hw->regs);
	}
}

int
qpring_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int n)
{
	unsigned int total = qpring_xstats_count(dev), k = 0, i;
	uint16_t q;

	if (xs == NULL || n < total)
		return (int)total;
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		const struct qpring_rxq *rxq = dev->data->rx_queues[q];

		for (i = 0; i < QPRING_NB_RX_XSTATS; i++, k++) {
			xs[k].id = k;
			xs[k].value = rxq == NULL ? 0 :
				qpring_xstat_value(&qpring_rx_xstats[i], rxq->hw, rxq->c,
						   rxq->base, &rxq->ad_base);
		}
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		const struct qpring_txq *txq = dev->data->tx_queues[q];

		for (i = 0; i < QPRING_NB_TX_XSTATS; i++, k++) {
			xs[k].id = k;
			xs[k].value = txq == NULL ? 0 :
				qpring_xstat_value(&qpring_tx_xstats[i], txq->hw, txq->c,
						   txq->base, &txq->ad_base);
		}
	}
	return (int)k;
}

int
qpring_xstats_get_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			unsigned int size)
{
	unsigned int total = qpring_xstats_count(dev), k = 0, i;
	uint16_t q;

	if (names == NULL || size < total)
		return (int)total;
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		for (i = 0; i < QPRING_NB_RX_XSTATS; i++, k++)
			snprintf(names[k].name, sizeof(names[k].name), "rx_q%u_%s", q,
				 qpring_rx_xstats[i].name);
	for (q = 0; q < dev->data->nb_tx_queues; q++)
		for (i = 0; i < QPRING_NB_TX_XSTATS; i++, k++)
			snprintf(names[k].name, sizeof(names[k].name), "tx_q%u_%s", q,
				 qpring_tx_xstats[i].name);
	return (int)k;
}

int
qpring_xstats_reset(struct rte_eth_dev *dev)
{
	return qpring_stats_reset(dev);
}

/* --------------------------------------------------------- register dump */

/* A queue's hardware and the driver's index into it, for dumps. */
const struct qp_hwq *
qpring_queue_hw(const struct rte_eth_dev *dev, uint16_t qid, int dir, uint32_t *driver_index,
		uint32_t *nb_slots)
{
	if (dir == RTE_PMD_QPRING_SQ) {
		const struct qpring_txq *txq;

		if (qid >= dev->data->nb_tx_queues || dev->data->tx_queues[qid] == NULL)
			return NULL;
		txq = dev->data->tx_queues[qid];
		*driver_index = txq->tail;
		*nb_slots = txq->nb_desc;
		return txq->hw;
	} else {
		const struct qpring_rxq *rxq;

		if (qid >= dev->data->nb_rx_queues || dev->data->rx_queues[qid] == NULL)
			return NULL;
		rxq = dev->data->rx_queues[qid];
		*driver_index = rxq->head;
		*nb_slots = rxq->nb_desc;
		return rxq->hw;
	}
}

/* @nb_slots: the driver's own count: a ring another process writes into
 * (cross-process wire) may hold any size in its registers.
 */
void
qpring_regs_fill(const struct qp_hwq *hw, uint32_t driver_index, uint32_t nb_slots,
		 struct rte_pmd_qpring_regs *r)
{
	uint32_t i;

	memset(r, 0, sizeof(*r));
	if (hw == NULL)
		return;
	r->doorbell = __atomic_load_n(&hw->regs.doorbell, __ATOMIC_RELAXED);
	r->doorbell_va = r->doorbell & QP_DB_VA_MASK;
	r->in_service = (uint32_t)(r->doorbell & QP_DB_IN_SERVICE);
	r->pending = qp_regs_pending_peek(&hw->regs);
	r->size = nb_slots;
	r->ring_va = hw->regs.ring_va;
	r->driver_index = driver_index;
	r->adapter_index = __atomic_load_n(&hw->ad.head, __ATOMIC_RELAXED);
	for (i = 0; i < nb_slots; i++)
		r->done_slots += qp_slot_is_done(&hw->slots[i]);
}

static uint16_t
qpring_nb_qps(const struct rte_eth_dev *dev)
{
	return RTE_MAX(dev->data->nb_rx_queues, dev->data->nb_tx_queues);
}

/*
 * Register dump: 64-bit registers, QPRING_REGS_PER_QUEUE per queue, for
 * each queue pair i the send queue's block and then the receive queue's:
 *   0 DOORBELL (raw)  1 PENDING  2 IN_SERVICE  3 SIZE
 *   4 RING_VA  5 DRIVER_INDEX  6 ADAPTER_INDEX  7 DONE_SLOTS
 * A queue not set up reads as zeros. Only whole dumps are supported.
 */
int
qpring_get_reg(struct rte_eth_dev *dev, struct rte_dev_reg_info *info)
{
	uint32_t nregs = (uint32_t)qpring_nb_qps(dev) * 2u * QPRING_REGS_PER_QUEUE;
	uint64_t *out = info->data;
	uint16_t q;
	int d;

	if (out == NULL) {
		info->length = nregs;
		info->width = sizeof(uint64_t);
		info->version = QPRING_REGS_VERSION;
		return 0;
	}
	if ((info->length != 0 && info->length != nregs) || info->offset != 0) {
		QPRING_LOG(ERR, "port %u: only a whole register dump (%u registers) is supported",
			   dev->data->port_id, nregs);
		return -ENOTSUP;
	}
	for (q = 0; q < qpring_nb_qps(dev); q++) {
		for (d = RTE_PMD_QPRING_SQ; d <= RTE_PMD_QPRING_RQ; d++) {
			struct rte_pmd_qpring_regs r;
			const struct qp_hwq *hw;
			uint32_t di = 0, nb = 0;

			hw = qpring_queue_hw(dev, q, d, &di, &nb); /* sets di, nb: own statement */
			qpring_regs_fill(hw, di, nb, &r);
			*out++ = r.doorbell;
			*out++ = r.pending;
			*out++ = r.in_service;
			*out++ = r.size;
			*out++ = r.ring_va;
			*out++ = r.driver_index;
			*out++ = r.adapter_index;
			*out++ = r.done_slots;
		}
	}
	info->length = nregs;
	info->width = sizeof(uint64_t);
	info->version = QPRING_REGS_VERSION;
	return 0;
}

/* ---------------------------------------------------------- telemetry */

static void
qpring_tel_queue(struct rte_tel_data *d, const char *name, const struct qp_hwq *hw,
		 uint32_t driver_index, uint32_t nb_slots)
{
	struct rte_tel_data *q = rte_tel_data_alloc();
	struct rte_pmd_qpring_regs r;

	if (q == NULL)
		return;
	qpring_regs_fill(hw, driver_index, nb_slots, &r);
	rte_tel_data_start_dict(q);
	rte_tel_data_add_dict_u64(q, "doorbell", r.doorbell);
	rte_tel_data_add_dict_u64(q, "doorbell_va", r.doorbell_va);
	rte_tel_data_add_dict_u64(q, "in_service", r.in_service);
	rte_tel_data_add_dict_u64(q, "pending", r.pending);
	rte_tel_data_add_dict_u64(q, "size", r.size);
	rte_tel_data_add_dict_u64(q, "ring_va", r.ring_va);
	rte_tel_data_add_dict_u64(q, "driver_index", r.driver_index);
	rte_tel_data_add_dict_u64(q, "adapter_index", r.adapter_index);
	rte_tel_data_add_dict_u64(q, "done_slots", r.done_slots);
	rte_tel_data_add_dict_container(d, name, q, 0);
}

static int
qpring_tel_regs(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_eth_dev *dev;
	char *end = NULL;
	unsigned long port;
	uint16_t q;
	int err = 0;

	RTE_SET_USED(cmd);
	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	port = strtoul(params, &end, 10);
	if (end == params || *end != '\0' || port >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	dev = qpring_dev_of((uint16_t)port, &err);
	if (dev == NULL)
		return err;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_u64(d, "port_id", port);
	rte_tel_data_add_dict_u64(d, "queue_pairs", qpring_nb_qps(dev));
	for (q = 0; q < qpring_nb_qps(dev); q++) {
		char name[32];
		uint32_t di = 0, nb = 0;
		const struct qp_hwq *hw;

		hw = qpring_queue_hw(dev, q, RTE_PMD_QPRING_SQ, &di, &nb);
		snprintf(name, sizeof(name), "sq%u", q);
		qpring_tel_queue(d, name, hw, di, nb);
		hw = qpring_queue_hw(dev, q, RTE_PMD_QPRING_RQ, &di, &nb);
		snprintf(name, sizeof(name), "rq%u", q);
		qpring_tel_queue(d, name, hw, di, nb);
	}
	return 0;
}

/* Called once per process by the driver's constructor (qpring_ethdev.c). */
void
qpring_telemetry_register(void)
{
	rte_telemetry_register_cmd("/qpring/regs", qpring_tel_regs,
		"Register file of every queue of a qpring port. Parameters: int port_id");
}

/* ---------------------------------------------------- descriptor dumps */

static const char *
qpring_status_name(uint16_t st)
{
	static const char *const names[] = {
		[QP_ST_OK] = "ok", [QP_ST_NO_LINK] = "no-link", [QP_ST_TOO_BIG] = "too-big",
		[QP_ST_ERROR] = "error", [QP_ST_FLUSHED] = "flushed", [QP_ST_SKIP] = "skip",
	};

	st &= QP_ST_MASK;
	return st <= QP_ST_MAX ? names[st] : "?";
}

/*
 * One queue's slots for rte_eth_rx/tx_descriptor_dump() (dpdk-proc-info
 * --show-rx-descriptor): the register file, then @num slots from the
 * driver's index + @offset, each with its WQE, its result and its
 * indicator. A slot the adapter owns is shown as it stands: the values may
 * be changing.
 */
static int
qpring_desc_dump(const struct qp_hwq *hw, uint32_t driver_index, uint32_t nb_slots,
		 const char *what, uint16_t port, uint16_t qid, uint16_t offset, uint16_t num,
		 FILE *f)
{
	struct rte_pmd_qpring_regs r;
	uint32_t i, mask = nb_slots - 1;

	qpring_regs_fill(hw, driver_index, nb_slots, &r);
	fprintf(f, "qpring port %u %s %u: %u slots at %#" PRIx64 ", doorbell %#" PRIx64
		" (in service %u), pending %u, driver index %u, adapter index %u\n", port, what,
		qid, r.size, r.ring_va, r.doorbell_va, r.in_service, r.pending, r.driver_index,
		r.adapter_index);
	fprintf(f, "  %-6s %-6s %-18s %-8s %-6s %-4s %-18s %-8s %-8s %s\n", "offset", "slot",
		"addr", "len", "flags", "segs", "cookie", "res_len", "status", "indicator");
	for (i = 0; i < num && i <= mask; i++) {
		uint32_t k = (driver_index + offset + i) & mask;
		const struct qp_slot *s = &hw->slots[k];
		uint64_t res = qp_slot_result(s);
		uint16_t ind = QP_RES_IND(res);
		uint16_t st = QP_RES_STATUS(res);

		fprintf(f, "  %-6u %-6u %#-18" PRIx64 " %-8u %#-6x %-4u %#-18" PRIx64
			" %-8u %s%s%s %s\n", offset + i, k, s->addr, s->len, s->flags,
			s->nb_segs, s->cookie, QP_RES_LEN(res), qpring_status_name(st),
			(st & QP_ST_F_MORE) ? "+more" : "", (st & QP_ST_F_WB) ? "+wb" : "",
			ind == QP_IND_DONE ? "DONE (driver)" :
			ind == QP_IND_POSTED ? "POSTED (adapter)" : "?");
	}
	return 0;
}

int
qpring_rx_descriptor_dump(const struct rte_eth_dev *dev, uint16_t qid, uint16_t offset,
			  uint16_t num, FILE *f)
{
	const struct qpring_rxq *rxq;

	if (qid >= dev->data->nb_rx_queues || dev->data->rx_queues[qid] == NULL)
		return -EINVAL;
	rxq = dev->data->rx_queues[qid];
	return qpring_desc_dump(rxq->hw, rxq->head, rxq->nb_desc, "rx queue", dev->data->port_id,
				qid, offset, num, f);
}

int
qpring_tx_descriptor_dump(const struct rte_eth_dev *dev, uint16_t qid, uint16_t offset,
			  uint16_t num, FILE *f)
{
	const struct qpring_txq *txq;

	if (qid >= dev->data->nb_tx_queues || dev->data->tx_queues[qid] == NULL)
		return -EINVAL;
	txq = dev->data->tx_queues[qid];
	return qpring_desc_dump(txq->hw, txq->tail, txq->nb_desc, "tx queue", dev->data->port_id,
				qid, offset, num, f);
}
