/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * External wires of the adapter: capture files and live interfaces through
 * libpcap. A medium is opened at port start and closed at stop; it belongs
 * to the process that runs the data path (the primary).
 */
#ifndef QP_WIRE_H
#define QP_WIRE_H

#include <limits.h>
#include <net/if.h>
#include <stdint.h>

#include "qp_slot.h"

struct qp_medium;

struct qp_medium_conf {
	char rx_pcap[PATH_MAX]; /* capture file to receive from; "%u" = per queue */
	char tx_pcap[PATH_MAX]; /* capture file to send into; "%u" = per queue */
	char iface[IF_NAMESIZE]; /* live interface to send and receive on */
};

static inline int
qp_medium_configured(const struct qp_medium_conf *c)
{
	return c->rx_pcap[0] != '\0' || c->tx_pcap[0] != '\0' || c->iface[0] != '\0';
}

/* Probe time: is the configuration usable? 0, or -errno with @err set. */
int qp_medium_check(const struct qp_medium_conf *c, char *err, size_t errlen);

/* Port start: open files/handles for @nb_rxq/@nb_txq queues. */
int qp_medium_open(struct qp_medium **out, const struct qp_medium_conf *c, const char *port,
		   uint16_t nb_rxq, uint16_t nb_txq);

/* Port stop: flush capture files, close everything. NULL is fine. */
void qp_medium_close(struct qp_medium *m);

/* Per-queue contexts for the adapter callbacks; NULL: the queue has no
 * medium in that direction (sends are discarded as no-link; nothing arrives).
 */
void *qp_medium_tx_ctx(struct qp_medium *m, uint16_t qid);
void *qp_medium_rx_ctx(struct qp_medium *m, uint16_t qid);

/* qp_sink_fn / qp_source_fn (qp_adapter.h) over a medium queue context. */
uint16_t qp_medium_sink(void *ctx, const struct qp_slot *ss);
int qp_medium_source(void *ctx, const uint8_t **data, uint32_t *len);

/* Live receive: frames the kernel dropped since the last call (its ring was
 * full because the adapter had no posted buffer to take them into). Cheap:
 * reads the statistics on one idle poll in QP_LIVE_STATS_EVERY. Files: 0.
 */
uint32_t qp_medium_rx_drops(void *ctx);

#endif /* QP_WIRE_H */
