/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The send side's fast path (qpring_tx.c): its burst variants and
 * descriptor operations.
 */
#ifndef QPRING_TX_H
#define QPRING_TX_H

#include <rte_mbuf.h>

/* The send-burst variants. */
enum qpring_tx_variant {
	QPRING_TX_CABLE_COPY, /* inline adapter, cable wire, frames copied */
	QPRING_TX_CABLE_ZC,   /* inline adapter, cable wire, buffers exchanged */
	QPRING_TX_WIRE,       /* inline adapter, through the wire's ops (pcap) */
	QPRING_TX_POST,       /* adapter elsewhere (service, manual): post and ring */
	QPRING_TX_REFUSED,    /* this process may not use the port's data path */
	QPRING_TX_NR
};

/* Their burst functions (qpring_burst_select() picks one per port). */
uint16_t qpring_tx_cable_copy(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_tx_cable_zc(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_tx_wire(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);
uint16_t qpring_tx_post(void *q, struct rte_mbuf **pkts, uint16_t nb_pkts);

/* Descriptor operations (rte_eth_tx_descriptor_status(), tx_done_cleanup). */
int qpring_tx_descriptor_status(void *txq, uint16_t offset);
int qpring_tx_done_cleanup(void *txq, uint32_t free_cnt);

#endif /* QPRING_TX_H */
