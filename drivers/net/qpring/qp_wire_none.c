/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Stand-in for the pcap wires when libpcap was not found at build time:
 * any rx_pcap/tx_pcap/iface devarg is refused with the reason.
 */
#include <errno.h>
#include <stdio.h>

#include "qp_wire.h"

int
qp_medium_check(const struct qp_medium_conf *c, char *err, size_t errlen)
{
	(void)c;
	snprintf(err, errlen, "net_qpring was built without libpcap (install libpcap-dev "
		 "and rebuild)");
	return -ENOTSUP;
}

int
qp_medium_open(struct qp_medium **out, const struct qp_medium_conf *c, const char *port,
	       uint16_t nb_rxq, uint16_t nb_txq)
{
	(void)c;
	(void)port;
	(void)nb_rxq;
	(void)nb_txq;
	*out = NULL;
	return -ENOTSUP;
}

void
qp_medium_close(struct qp_medium *m)
{
	(void)m;
}

void *
qp_medium_tx_ctx(struct qp_medium *m, uint16_t qid)
{
	(void)m;
	(void)qid;
	return NULL;
}

void *
qp_medium_rx_ctx(struct qp_medium *m, uint16_t qid)
{
	(void)m;
	(void)qid;
	return NULL;
}

uint16_t
qp_medium_sink(void *ctx, const struct qp_slot *ss)
{
	(void)ctx;
	(void)ss;
	return QP_ST_NO_LINK;
}

int
qp_medium_source(void *ctx, const uint8_t **data, uint32_t *len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return 0;
}

uint32_t
qp_medium_rx_drops(void *ctx)
{
	(void)ctx;
	return 0;
}
