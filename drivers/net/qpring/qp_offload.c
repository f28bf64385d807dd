/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Header work of the adapter: parsing, the RSS hash (DPDK's Toeplitz
 * helpers, rte_thash.h), checksums (rte_ip.h) and VLAN tags. Every read is
 * bounded by the frame's length; what cannot be parsed is left as it is.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h> /* RTE_ETH_RSS_*: the hash types an application names */
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mbuf_ptype.h>
#include <rte_tcp.h>
#include <rte_thash.h>
#include <rte_udp.h>

#include "qp_offload.h"

#define QP_IPV6_HLEN 40u
#define QP_IPV4_MAX_HLEN 60u
#define QP_MAX_EXT_HDRS 4u

static inline uint16_t
qp_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* IPv6 extension headers this parser steps over. */
static inline int
qp_ipv6_ext(uint8_t nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING || nh == IPPROTO_DSTOPTS ||
	       nh == IPPROTO_FRAGMENT;
}

static uint32_t
qp_l4_ptype(uint8_t proto, int frag)
{
	if (frag)
		return RTE_PTYPE_L4_FRAG;
	switch (proto) {
	case IPPROTO_TCP:
		return RTE_PTYPE_L4_TCP;
	case IPPROTO_UDP:
		return RTE_PTYPE_L4_UDP;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return RTE_PTYPE_L4_ICMP;
	default:
		return RTE_PTYPE_L4_NONFRAG;
	}
}

/* Is there room for the fixed part of the L4 header inside the IP packet? */
static inline int
qp_l4_fits(const struct qp_hdrs *h, uint32_t l4_start, uint32_t cap)
{
	uint32_t need = h->l4 == IPPROTO_TCP ? sizeof(struct rte_tcp_hdr) :
			h->l4 == IPPROTO_UDP ? sizeof(struct rte_udp_hdr) : 0;

	return l4_start + need <= h->l3_end && l4_start + need <= cap;
}

static void
qp_parse_ipv4(const uint8_t *p, uint32_t cap, uint32_t len, struct qp_hdrs *h)
{
	const uint8_t *ip = p + h->l2_len;
	uint32_t ihl, tot;

	if (h->l2_len + sizeof(struct rte_ipv4_hdr) > cap || (ip[0] >> 4) != 4)
		return;
	ihl = (ip[0] & 0xfu) * 4u;
	tot = qp_rd16(ip + 2);
	if (ihl < sizeof(struct rte_ipv4_hdr) || tot < ihl || h->l2_len + tot > len)
		return; /* malformed: L2 only */
	h->l3 = 4;
	h->l3_len = (uint16_t)ihl;
	h->l3_end = (uint16_t)(h->l2_len + tot);
	h->ptype |= ihl == sizeof(struct rte_ipv4_hdr) ? RTE_PTYPE_L3_IPV4 : RTE_PTYPE_L3_IPV4_EXT;
	/* More fragments, or an offset: a fragment. */
	h->frag = (qp_rd16(ip + 6) & 0x3fffu) != 0;
	h->l4 = ip[9];
	if (!h->frag && !qp_l4_fits(h, h->l2_len + ihl, cap))
		h->l4 = 0; /* truncated L4 header, or beyond what the adapter reads */
	h->ptype |= qp_l4_ptype(h->l4, h->frag);
}

static void
qp_parse_ipv6(const uint8_t *p, uint32_t cap, uint32_t len, struct qp_hdrs *h)
{
	const uint8_t *ip = p + h->l2_len;
	uint32_t plen, hl = QP_IPV6_HLEN, n;
	uint8_t nh;

	if (h->l2_len + QP_IPV6_HLEN > cap || (ip[0] >> 4) != 6)
		return;
	plen = qp_rd16(ip + 4);
	if (h->l2_len + QP_IPV6_HLEN + plen > len)
		return;
	h->l3 = 6;
	h->l3_end = (uint16_t)(h->l2_len + QP_IPV6_HLEN + plen);
	nh = ip[6];
	for (n = 0; qp_ipv6_ext(nh) && n < QP_MAX_EXT_HDRS; n++) {
		uint32_t elen;

		if (h->l2_len + hl + 8 > h->l3_end || h->l2_len + hl + 8 > cap)
			return; /* truncated extension header: L3 unknown */
		if (nh == IPPROTO_FRAGMENT) {
			h->frag |= (qp_rd16(ip + hl + 2) & 0xfff9u) != 0; /* offset or M */
			elen = 8;
		} else {
			elen = ((uint32_t)ip[hl + 1] + 1u) * 8u;
		}
		nh = ip[hl];
		hl += elen;
	}
	if (qp_ipv6_ext(nh) || h->l2_len + hl > h->l3_end) {
		h->l3 = 0;
		return;
	}
	h->l3_len = (uint16_t)hl;
	h->ptype |= hl == QP_IPV6_HLEN ? RTE_PTYPE_L3_IPV6 : RTE_PTYPE_L3_IPV6_EXT;
	h->l4 = nh;
	if (!h->frag && !qp_l4_fits(h, h->l2_len + hl, cap))
		h->l4 = 0;
	h->ptype |= qp_l4_ptype(h->l4, h->frag);
}

void
qp_parse(const uint8_t *p, uint32_t cap, uint32_t len, struct qp_hdrs *h)
{
	uint32_t off = RTE_ETHER_HDR_LEN;
	uint16_t et;

	memset(h, 0, sizeof(*h));
	if (cap > len)
		cap = len;
	if (cap < RTE_ETHER_HDR_LEN) {
		h->ptype = RTE_PTYPE_UNKNOWN;
		return;
	}
	et = qp_rd16(p + 12);
	while ((et == RTE_ETHER_TYPE_VLAN || et == RTE_ETHER_TYPE_QINQ) && h->vlan < 2) {
		if (off + 4 > cap)
			break;
		if (h->vlan == 0)
			h->vlan_tci = qp_rd16(p + off);
		et = qp_rd16(p + off + 2);
		off += 4;
		h->vlan++;
	}
	h->ptype = h->vlan == 0 ? RTE_PTYPE_L2_ETHER :
		   h->vlan == 1 ? RTE_PTYPE_L2_ETHER_VLAN : RTE_PTYPE_L2_ETHER_QINQ;
	h->l2_len = (uint16_t)off;
	if (et == RTE_ETHER_TYPE_IPV4)
		qp_parse_ipv4(p, cap, len, h);
	else if (et == RTE_ETHER_TYPE_IPV6)
		qp_parse_ipv6(p, cap, len, h);
}

int
qp_rss_hash(const struct qp_rss *rss, const uint8_t *p, const struct qp_hdrs *h,
	    uint32_t *hash)
{
	union rte_thash_tuple t;
	const uint8_t *l4;
	uint64_t hf = rss->hf, l4_type, frag_type, other_type, l3_type;
	int tcp_udp = !h->frag && (h->l4 == IPPROTO_TCP || h->l4 == IPPROTO_UDP);
	uint32_t words;

	if (h->l3 == 4) {
		l3_type = RTE_ETH_RSS_IPV4;
		frag_type = RTE_ETH_RSS_FRAG_IPV4;
		other_type = RTE_ETH_RSS_NONFRAG_IPV4_OTHER;
		l4_type = h->l4 == IPPROTO_TCP ? RTE_ETH_RSS_NONFRAG_IPV4_TCP :
			  RTE_ETH_RSS_NONFRAG_IPV4_UDP;
	} else if (h->l3 == 6) {
		l3_type = RTE_ETH_RSS_IPV6;
		frag_type = RTE_ETH_RSS_FRAG_IPV6;
		other_type = RTE_ETH_RSS_NONFRAG_IPV6_OTHER;
		l4_type = h->l4 == IPPROTO_TCP ? RTE_ETH_RSS_NONFRAG_IPV6_TCP :
			  RTE_ETH_RSS_NONFRAG_IPV6_UDP;
	} else {
		return 0;
	}
	/* The most specific type the configuration hashes: addresses and
	 * ports for TCP/UDP when asked, else the addresses.
	 */
	if (tcp_udp && (hf & l4_type)) {
		words = h->l3 == 4 ? RTE_THASH_V4_L4_LEN : RTE_THASH_V6_L4_LEN;
	} else if ((hf & l3_type) || (h->frag && (hf & frag_type)) ||
		   (!h->frag && !tcp_udp && (hf & other_type))) {
		words = h->l3 == 4 ? RTE_THASH_V4_L3_LEN : RTE_THASH_V6_L3_LEN;
		tcp_udp = 0;
	} else {
		return 0;
	}
	memset(&t, 0, sizeof(t));
	l4 = p + h->l2_len + h->l3_len;
	if (h->l3 == 4) {
		const struct rte_ipv4_hdr *ip = (const void *)(p + h->l2_len);

		/* Host order, as rte_softrss() wants its tuple. */
		t.v4.src_addr = rte_be_to_cpu_32(ip->src_addr);
		t.v4.dst_addr = rte_be_to_cpu_32(ip->dst_addr);
		if (tcp_udp) {
			t.v4.sport = qp_rd16(l4);
			t.v4.dport = qp_rd16(l4 + 2);
		}
	} else {
		rte_thash_load_v6_addrs((const void *)(p + h->l2_len), &t);
		if (tcp_udp) {
			t.v6.sport = qp_rd16(l4);
			t.v6.dport = qp_rd16(l4 + 2);
		}
	}
	*hash = rte_softrss_be((uint32_t *)&t, words, (const uint8_t *)rss->key_be);
	return 1;
}

uint16_t
qp_rx_offload(uint32_t offloads, uint8_t *p, uint32_t *len, uint32_t *start,
	      const struct qp_hdrs *h, uint16_t *vlan)
{
	uint16_t wb = 0;

	if ((offloads & QP_RXO_CKSUM) && h->l3 == 4) {
		const struct rte_ipv4_hdr *ip = (const void *)(p + h->l2_len);

		wb |= rte_raw_cksum(ip, h->l3_len) == 0xffff ? QP_WB_IP_GOOD : QP_WB_IP_BAD;
		if (!h->frag && (h->l4 == IPPROTO_TCP || h->l4 == IPPROTO_UDP)) {
			const uint8_t *l4 = (const uint8_t *)ip + h->l3_len;

			/* UDP over IPv4 may carry no checksum (0): nothing to check. */
			if (h->l4 == IPPROTO_UDP &&
			    ((const struct rte_udp_hdr *)(const void *)l4)->dgram_cksum == 0)
				wb |= QP_WB_L4_GOOD;
			else
				wb |= rte_ipv4_udptcp_cksum_verify(ip, l4) == 0 ? QP_WB_L4_GOOD :
										  QP_WB_L4_BAD;
		}
	} else if ((offloads & QP_RXO_CKSUM) && h->l3 == 6 && h->l3_len == QP_IPV6_HLEN &&
		   !h->frag && (h->l4 == IPPROTO_TCP || h->l4 == IPPROTO_UDP)) {
		/* rte_ipv6_udptcp_cksum_verify() takes the payload as the L4
		 * length: only without extension headers. UDP must carry a
		 * checksum over IPv6.
		 */
		const struct rte_ipv6_hdr *ip = (const void *)(p + h->l2_len);

		wb |= rte_ipv6_udptcp_cksum_verify(ip, (const uint8_t *)ip + QP_IPV6_HLEN) == 0 ?
			QP_WB_L4_GOOD : QP_WB_L4_BAD;
	}
	if ((offloads & QP_RXO_VLAN_STRIP) && h->vlan != 0) {
		/* Take the outer tag out: the addresses move up by four. */
		*vlan = h->vlan_tci;
		memmove(p + 4, p, 2 * RTE_ETHER_ADDR_LEN);
		*start += 4;
		*len -= 4;
		wb |= QP_WB_VLAN;
	}
	return wb;
}

/*
 * Ones' complement sum of @n bytes of @m from @off (any chain). Not
 * rte_raw_cksum_mbuf(): DPDK 22.11's truncates a segment's unreduced sum
 * before swapping it when the segment starts at an odd byte of the range.
 * Each piece is reduced first; a piece that starts at an odd byte is summed
 * in the other byte lane, so its (reduced) sum is swapped.
 */
static int
qp_sum_mbuf(const struct rte_mbuf *m, uint32_t off, uint32_t n, uint16_t *sum)
{
	uint32_t acc = 0, done = 0, l;
	uint16_t s;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	for (; m != NULL && done < n; m = m->next, off = 0) {
		l = RTE_MIN((uint32_t)m->data_len - off, n - done);
		s = rte_raw_cksum(rte_pktmbuf_mtod_offset(m, const uint8_t *, off), l);
		acc += (done & 1) ? rte_bswap16(s) : s;
		done += l;
	}
	if (done != n)
		return -1;
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	*sum = (uint16_t)acc;
	return 0;
}

uint16_t
qp_rx_cksum_chain(const struct rte_mbuf *m, const struct qp_hdrs *h)
{
	uint8_t buf[QP_IPV4_MAX_HLEN];
	const void *ip;
	uint32_t l4_off = (uint32_t)h->l2_len + h->l3_len, l4_len, acc;
	uint16_t sum, phdr, wb = 0, u;
	int l4 = !h->frag && (h->l4 == IPPROTO_TCP || h->l4 == IPPROTO_UDP);

	if (h->l3 == 4) {
		ip = rte_pktmbuf_read(m, h->l2_len, h->l3_len, buf);
		if (ip == NULL)
			return 0;
		wb |= rte_raw_cksum(ip, h->l3_len) == 0xffff ? QP_WB_IP_GOOD : QP_WB_IP_BAD;
		l4_len = (uint32_t)h->l3_end - l4_off;
		phdr = rte_ipv4_phdr_cksum(ip, 0);
		/* UDP over IPv4 may carry no checksum (0): nothing to check. */
		if (l4 && h->l4 == IPPROTO_UDP &&
		    qp_sum_mbuf(m, l4_off + offsetof(struct rte_udp_hdr, dgram_cksum), 2, &u) == 0 &&
		    u == 0)
			return wb | QP_WB_L4_GOOD;
	} else if (h->l3 == 6 && h->l3_len == QP_IPV6_HLEN) {
		ip = rte_pktmbuf_read(m, h->l2_len, QP_IPV6_HLEN, buf);
		if (ip == NULL)
			return 0;
		l4_len = rte_be_to_cpu_16(((const struct rte_ipv6_hdr *)ip)->payload_len);
		phdr = rte_ipv6_phdr_cksum(ip, 0);
	} else {
		return 0;
	}
	if (!l4 || qp_sum_mbuf(m, l4_off, l4_len, &sum) != 0)
		return wb;
	acc = (uint32_t)sum + phdr;
	acc = (acc & 0xffff) + (acc >> 16);
	return wb | ((uint16_t)acc == 0xffff ? QP_WB_L4_GOOD : QP_WB_L4_BAD);
}

int
qp_tx_offload_prepare(uint16_t flags, const struct rte_mbuf *m, struct qp_txo *t)
{
	const uint32_t l2 = m->l2_len, l3 = m->l3_len;
	const uint32_t shift = (flags & QP_WQE_F_VLAN) ? 4u : 0u;
	const uint8_t *ip;
	uint32_t l4_len, end, field;
	uint16_t sum, phdr, cur;
	uint32_t acc;

	memset(t, 0, sizeof(*t));
	t->tci = m->vlan_tci;
	if (!(flags & (QP_WQE_F_CSUM_IP4 | QP_WQE_F_CSUM_TCP | QP_WQE_F_CSUM_UDP)))
		return 0;
	/* The headers must lie in the first buffer and inside the frame. */
	end = l2 + l3 + ((flags & QP_WQE_F_CSUM_TCP) ? sizeof(struct rte_tcp_hdr) :
			 (flags & QP_WQE_F_CSUM_UDP) ? sizeof(struct rte_udp_hdr) : 0);
	if (l3 < sizeof(struct rte_ipv4_hdr) || end > m->data_len || end > m->pkt_len)
		return -1;
	ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, l2);
	if ((ip[0] >> 4) == 4) {
		const struct rte_ipv4_hdr *h4 = (const void *)ip;
		uint32_t tot = rte_be_to_cpu_16(h4->total_length);

		if (rte_ipv4_hdr_len(h4) != l3 || tot < l3 || l2 + tot > m->pkt_len)
			return -1;
		if (flags & QP_WQE_F_CSUM_IP4) {
			struct rte_ipv4_hdr copy = *h4;
			uint8_t opt[40];

			/* The header with its checksum field zeroed. */
			copy.hdr_checksum = 0;
			sum = rte_raw_cksum(&copy, sizeof(copy));
			if (l3 > sizeof(copy)) {
				memcpy(opt, ip + sizeof(copy), l3 - sizeof(copy));
				acc = (uint32_t)sum + rte_raw_cksum(opt, l3 - sizeof(copy));
				sum = (uint16_t)((acc & 0xffff) + (acc >> 16));
			}
			t->ip_ck = (uint16_t)~sum;
			if (t->ip_ck == 0)
				t->ip_ck = 0xffff;
			t->ip_off = (uint16_t)(shift + l2 + offsetof(struct rte_ipv4_hdr,
								 hdr_checksum));
		}
		l4_len = tot - l3;
		phdr = rte_ipv4_phdr_cksum(h4, 0);
	} else if ((ip[0] >> 4) == 6 && !(flags & QP_WQE_F_CSUM_IP4)) {
		const struct rte_ipv6_hdr *h6 = (const void *)ip;
		uint32_t plen = rte_be_to_cpu_16(h6->payload_len);

		if (l3 < QP_IPV6_HLEN || QP_IPV6_HLEN + plen < l3 ||
		    l2 + QP_IPV6_HLEN + plen > m->pkt_len)
			return -1;
		l4_len = QP_IPV6_HLEN + plen - l3; /* extension headers excluded */
		{
			/* The pseudo header with the upper-layer length. */
			struct rte_ipv6_hdr copy = *h6;

			copy.payload_len = rte_cpu_to_be_16((uint16_t)l4_len);
			copy.proto = (flags & QP_WQE_F_CSUM_TCP) ? IPPROTO_TCP : IPPROTO_UDP;
			phdr = rte_ipv6_phdr_cksum(&copy, 0);
		}
	} else {
		return -1;
	}
	if (!(flags & (QP_WQE_F_CSUM_TCP | QP_WQE_F_CSUM_UDP))) {
		t->hdr_end = (uint16_t)(shift + end);
		return 0;
	}
	field = l2 + l3 + ((flags & QP_WQE_F_CSUM_TCP) ? offsetof(struct rte_tcp_hdr, cksum) :
			   offsetof(struct rte_udp_hdr, dgram_cksum));
	if (l4_len < end - l2 - l3 || qp_sum_mbuf(m, l2 + l3, l4_len, &sum) != 0)
		return -1;
	/* The sum with the field as zero: take its present value out. */
	memcpy(&cur, rte_pktmbuf_mtod_offset(m, const uint8_t *, field), sizeof(cur));
	acc = (uint32_t)sum + (uint16_t)~cur;
	acc += phdr;
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	t->l4_ck = (uint16_t)~acc;
	if (t->l4_ck == 0 && (flags & QP_WQE_F_CSUM_UDP))
		t->l4_ck = 0xffff; /* 0 means "no checksum" in UDP */
	t->l4_off = (uint16_t)(shift + field);
	t->hdr_end = (uint16_t)(shift + end);
	return 0;
}

void
qp_tx_offload_patch(const struct qp_txo *t, uint8_t *p, uint32_t len)
{
	if (t->hdr_end > len)
		return;
	/* Stored as summed: rte_raw_cksum() adds the frame's 16-bit words in
	 * host order, so its complement goes back in host order.
	 */
	if (t->ip_off != 0)
		memcpy(p + t->ip_off, &t->ip_ck, sizeof(t->ip_ck));
	if (t->l4_off != 0)
		memcpy(p + t->l4_off, &t->l4_ck, sizeof(t->l4_ck));
}
