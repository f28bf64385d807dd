/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The adapter's work on a frame's headers, as a NIC's hardware does it:
 * parsing (packet type), the RSS hash, receive checksum checks and VLAN
 * strip, send checksums and VLAN insert. On the bytes of a frame, never
 * beyond the length given; a frame it cannot parse is left alone and
 * reported as unknown.
 */
#ifndef QP_OFFLOAD_H
#define QP_OFFLOAD_H

#include <stdint.h>

#include "qp_rxport.h"

struct rte_mbuf;

/* What the parser found in a frame. */
struct qp_hdrs {
	uint32_t ptype;     /* RTE_PTYPE_* (L2, L3, L4 parts) */
	uint16_t l2_len;    /* Ethernet header and VLAN tags */
	uint16_t l3_len;    /* IP header (IPv6: with the extension headers skipped) */
	uint16_t l3_end;    /* l2_len + IP total length (within the frame) */
	uint16_t vlan_tci;  /* outer tag, if vlan */
	uint8_t vlan;       /* VLAN tags seen (0..2) */
	uint8_t l3;         /* 4, 6 or 0 */
	uint8_t l4;         /* IPPROTO_TCP, IPPROTO_UDP, ... or 0 */
	uint8_t frag;       /* an IP fragment */
};

/*
 * Parse the headers of a frame of @len bytes whose first @cap bytes are at
 * @p (one contiguous view). Headers are read within @cap only; lengths the
 * headers state are checked against @len.
 */
void qp_parse(const uint8_t *p, uint32_t cap, uint32_t len, struct qp_hdrs *h);

/*
 * The RSS hash of the parsed frame at @p under @rss: 1 with *hash set when
 * @rss->hf covers the frame's type, 0 otherwise (the frame then goes to
 * queue 0, with no hash).
 */
int qp_rss_hash(const struct qp_rss *rss, const uint8_t *p, const struct qp_hdrs *h,
		uint32_t *hash);

/*
 * Receive offloads on a frame placed in one contiguous buffer @p of @len
 * bytes: checksum checks, VLAN strip (the tag is taken out: the bytes
 * before it move up by four, *start grows by 4 and *len shrinks by 4).
 * Returns QP_WB_* flags; *vlan gets the stripped tag.
 */
uint16_t qp_rx_offload(uint32_t offloads, uint8_t *p, uint32_t *len, uint32_t *start,
		       const struct qp_hdrs *h, uint16_t *vlan);

/*
 * Receive checksum checks of a frame that stays a chain of mbufs (zero copy
 * to a receiver that scatters): the QP_WB_* checksum flags, 0 for a frame
 * the adapter cannot check.
 */
uint16_t qp_rx_cksum_chain(const struct rte_mbuf *m, const struct qp_hdrs *h);

/* Length of the frame of send WQE @flags (@len bytes) on the wire. */
static inline uint32_t
qp_tx_wire_len(uint16_t flags, uint32_t len)
{
	return (flags & QP_WQE_F_VLAN) ? len + 4u : len;
}

/* Send offloads of one frame, worked out from its mbuf before it is placed:
 * the checksum values and where they go.
 */
struct qp_txo {
	uint16_t ip_off;     /* offset of the IPv4 checksum field, or 0: none */
	uint16_t l4_off;     /* offset of the TCP/UDP checksum field, or 0: none */
	uint16_t ip_ck;      /* values, in host order as rte_raw_cksum() sums */
	uint16_t l4_ck;
	uint16_t hdr_end;    /* the fields lie before this offset */
	uint16_t tci;        /* tag to insert (QP_WQE_F_VLAN) */
};

/*
 * Work out the send offloads @flags asks for frame @m (any chain, left
 * unchanged): offsets are in the frame as it goes on the wire, after the
 * inserted tag. Returns 0, or -1 when the mbuf's header lengths do not
 * describe the frame, or the headers are not in its first buffer (the
 * frame then goes without them, counted).
 */
int qp_tx_offload_prepare(uint16_t flags, const struct rte_mbuf *m, struct qp_txo *t);

/* Write the worked-out checksums into the first @len bytes at @p of the
 * frame as it goes on the wire (the fields must lie within them).
 */
void qp_tx_offload_patch(const struct qp_txo *t, uint8_t *p, uint32_t len);

#endif /* QP_OFFLOAD_H */
