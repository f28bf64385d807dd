/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * nic: helpers of the tests that check a port behaves like a NIC on the
 * wire (RSS, offloads, queue layouts, reconfiguration). Frames are built
 * from a small description (struct nic_pkt) with correct headers and
 * checksums, carry a 32-bit id in their last four bytes, and are turned
 * into mbufs flat or chained. What a test expects (the RSS hash, the packet
 * type, the checksums) it computes here from the description, with DPDK's
 * own helpers (rte_softrss(), rte_ipv4_cksum(), rte_ipv4_udptcp_cksum()),
 * never by asking the driver.
 */
#ifndef NIC_H
#define NIC_H

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf_ptype.h>
#include <rte_tcp.h>
#include <rte_thash.h>
#include <rte_udp.h>

#include "qpt.h"

#define NIC_MAX_FRAME 9216u
#define NIC_ETHERTYPE_TEST 0x88b5u /* local experimental: the non-IP frames */

/* The RSS types of plain IPv4 and IPv6 traffic. */
#define NIC_RSS_TYPES (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_TCP | \
		       RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_NONFRAG_IPV4_OTHER | \
		       RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_FRAG_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_TCP | \
		       RTE_ETH_RSS_NONFRAG_IPV6_UDP | RTE_ETH_RSS_NONFRAG_IPV6_OTHER)

/* The Toeplitz key of the RSS specification (the usual default of NICs). */
static const uint8_t nic_rss_spec_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* A xorshift32 step of *@state (not 0): the tests' reproducible choices. */
static inline uint32_t
nic_rnd(uint32_t *state)
{
	uint32_t x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* One test frame, described by data. */
struct nic_pkt {
	uint8_t l3;        /* 0: not IP (ethertype NIC_ETHERTYPE_TEST), 4 or 6 */
	uint8_t l4;        /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP(V6) or another number */
	uint8_t frag;      /* 0: whole; 1: first fragment (MF, offset 0); 2: a later one */
	uint8_t vlan;      /* an 802.1Q tag (tci) in the frame's bytes */
	uint8_t opt;       /* IPv4: option bytes (multiple of 4); IPv6: a hop-by-hop header */
	uint16_t tci;
	uint32_t src4, dst4;     /* host order */
	uint8_t src6[16], dst6[16];
	uint16_t sport, dport;   /* host order */
	uint16_t payload;        /* bytes after the L4 header (>= 4: the id is the last 4) */
	uint32_t id;
};

/* A built frame and where its headers are. */
struct nic_frame {
	uint8_t b[NIC_MAX_FRAME];
	uint32_t len;
	uint16_t l3_off;   /* IP header (0: none) */
	uint16_t l3_len;   /* IP header with IPv4 options / IPv6 extension headers */
	uint16_t l4_off;   /* L4 header (0: none: not IP, or a later fragment) */
	uint16_t l4_len;   /* bytes from the L4 header to the end of the IP packet */
};

static inline void
nic_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t
nic_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void
nic_wr32(uint8_t *p, uint32_t v)
{
	nic_wr16(p, (uint16_t)(v >> 16));
	nic_wr16(p + 2, (uint16_t)v);
}

/* The L4 header length the builder writes for @p (0: none). */
static inline uint16_t
nic_l4_hdr_len(const struct nic_pkt *p)
{
	if (p->l3 == 0 || p->frag == 2)
		return 0;
	return p->l4 == IPPROTO_TCP ? 20 : p->l4 == IPPROTO_UDP ? 8 : 8;
}

/* The IPv6 upper-layer checksum over a frame whose extension headers make
 * payload_len differ from the L4 length: rte_ipv6_udptcp_cksum() on a copy
 * of the fixed header that names the L4 protocol and length.
 */
static inline uint16_t
nic_ipv6_l4_cksum(const struct nic_frame *f, uint8_t proto)
{
	struct rte_ipv6_hdr h;

	memcpy(&h, f->b + f->l3_off, sizeof(h));
	h.payload_len = rte_cpu_to_be_16(f->l4_len);
	h.proto = proto;
	return rte_ipv6_udptcp_cksum(&h, f->b + f->l4_off);
}

/* Offset of the L4 checksum field of @f built from @p (0: none). */
static inline uint16_t
nic_l4_ck_off(const struct nic_pkt *p, const struct nic_frame *f)
{
	if (f->l4_off == 0)
		return 0;
	if (p->l4 == IPPROTO_TCP)
		return (uint16_t)(f->l4_off + offsetof(struct rte_tcp_hdr, cksum));
	if (p->l4 == IPPROTO_UDP)
		return (uint16_t)(f->l4_off + offsetof(struct rte_udp_hdr, dgram_cksum));
	return 0;
}

/* The correct L4 checksum of @f (its field's current value ignored), as
 * DPDK's helpers compute it; network order in the returned value's bytes
 * as rte_*_udptcp_cksum() give it.
 */
static inline uint16_t
nic_l4_cksum(const struct nic_pkt *p, struct nic_frame *f)
{
	uint16_t off = nic_l4_ck_off(p, f), save, ck;

	memcpy(&save, f->b + off, 2);
	memset(f->b + off, 0, 2);
	if (p->l3 == 4)
		ck = rte_ipv4_udptcp_cksum((const struct rte_ipv4_hdr *)(const void *)
					   (f->b + f->l3_off), f->b + f->l4_off);
	else
		ck = nic_ipv6_l4_cksum(f, p->l4);
	memcpy(f->b + off, &save, 2);
	return ck;
}

/* The correct IPv4 header checksum of @f (field ignored). */
static inline uint16_t
nic_ip_cksum(struct nic_frame *f)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(void *)(f->b + f->l3_off);
	uint16_t save = ip->hdr_checksum, ck;

	ip->hdr_checksum = 0;
	ck = rte_ipv4_cksum(ip); /* options included (rte_ipv4_hdr_len()) */
	ip->hdr_checksum = save;
	return ck;
}

/*
 * Build the frame @p describes into @f: Ethernet to broadcast from
 * 02:00:00:00:00:01, an optional tag, the IP header (IPv4 options, or an
 * IPv6 hop-by-hop or fragment header), the L4 header, then the payload:
 * a byte pattern ending in the 32-bit id. Checksums are correct.
 */
static inline void
nic_build(const struct nic_pkt *p, struct nic_frame *f)
{
	uint8_t *b = f->b;
	uint32_t off = 12, i, l4h = nic_l4_hdr_len(p), ip_len;

	memset(f, 0, offsetof(struct nic_frame, len));
	memset(b, 0xff, 6);
	memset(b + 6, 0, 6);
	b[6] = 0x02;
	b[11] = 0x01;
	if (p->vlan) {
		nic_wr16(b + off, RTE_ETHER_TYPE_VLAN);
		nic_wr16(b + off + 2, p->tci);
		off += 4;
	}
	nic_wr16(b + off, p->l3 == 4 ? RTE_ETHER_TYPE_IPV4 :
			  p->l3 == 6 ? RTE_ETHER_TYPE_IPV6 : NIC_ETHERTYPE_TEST);
	off += 2;
	f->len = 0;
	f->l3_off = 0;
	f->l4_off = 0;
	if (p->l3 == 4) {
		uint32_t hl = 20u + p->opt;

		f->l3_off = (uint16_t)off;
		f->l3_len = (uint16_t)hl;
		ip_len = hl + l4h + p->payload;
		b[off] = (uint8_t)(0x40 | (hl / 4));
		b[off + 1] = 0;
		nic_wr16(b + off + 2, (uint16_t)ip_len);
		nic_wr16(b + off + 4, (uint16_t)(p->id & 0xffff));
		nic_wr16(b + off + 6, p->frag == 1 ? 0x2000 : p->frag == 2 ? 185 : 0x4000);
		b[off + 8] = 64;
		b[off + 9] = p->l4;
		nic_wr16(b + off + 10, 0);
		nic_wr32(b + off + 12, p->src4);
		nic_wr32(b + off + 16, p->dst4);
		for (i = 0; i < p->opt; i++)
			b[off + 20 + i] = 1; /* NOP options */
		off += hl;
	} else if (p->l3 == 6) {
		uint32_t ext = (p->opt ? 8u : 0u) + (p->frag ? 8u : 0u);
		uint32_t h = off + 40;
		uint8_t *nh = b + off + 6;

		f->l3_off = (uint16_t)off;
		f->l3_len = (uint16_t)(40 + ext);
		ip_len = 40 + ext + l4h + p->payload;
		nic_wr32(b + off, 0x60000000u);
		nic_wr16(b + off + 4, (uint16_t)(ip_len - 40));
		b[off + 7] = 64;
		memcpy(b + off + 8, p->src6, 16);
		memcpy(b + off + 24, p->dst6, 16);
		if (p->opt) {
			*nh = IPPROTO_HOPOPTS;
			nh = b + h;
			b[h + 1] = 0;   /* 8 bytes */
			b[h + 2] = 1;   /* PadN over the 6 bytes left */
			b[h + 3] = 4;
			memset(b + h + 4, 0, 4);
			h += 8;
		}
		if (p->frag) {
			*nh = IPPROTO_FRAGMENT;
			nh = b + h;
			b[h + 1] = 0;
			nic_wr16(b + h + 2, p->frag == 1 ? 0x0001 : (uint16_t)(100u << 3));
			nic_wr32(b + h + 4, p->id);
			h += 8;
		}
		*nh = p->l4;
		off = h;
	} else {
		ip_len = p->payload;
	}
	if (l4h != 0) {
		f->l4_off = (uint16_t)off;
		f->l4_len = (uint16_t)(l4h + p->payload);
		if (p->l4 == IPPROTO_TCP) {
			nic_wr16(b + off, p->sport);
			nic_wr16(b + off + 2, p->dport);
			nic_wr32(b + off + 4, p->id * 1000u);
			nic_wr32(b + off + 8, 1);
			b[off + 12] = 5 << 4;
			b[off + 13] = 0x18; /* PSH ACK */
			nic_wr16(b + off + 14, 8192);
			nic_wr16(b + off + 16, 0);
			nic_wr16(b + off + 18, 0);
		} else if (p->l4 == IPPROTO_UDP) {
			nic_wr16(b + off, p->sport);
			nic_wr16(b + off + 2, p->dport);
			nic_wr16(b + off + 4, (uint16_t)(8 + p->payload));
			nic_wr16(b + off + 6, 0);
		} else {
			b[off] = 8; /* ICMP echo request or another protocol: 8 bytes */
			memset(b + off + 1, 0, 7);
		}
		off += l4h;
	} else if (p->l3 != 0) {
		f->l4_len = 0;
	}
	for (i = 0; i + 4 < p->payload; i++)
		b[off + i] = (uint8_t)(p->id * 7u + i * 13u);
	off += p->payload - 4;
	nic_wr32(b + off, p->id);
	off += 4;
	f->len = off;
	RTE_SET_USED(ip_len);
	if (p->l3 == 4) {
		uint16_t ck = nic_ip_cksum(f);

		memcpy(b + f->l3_off + 10, &ck, 2);
	}
	if (nic_l4_ck_off(p, f) != 0) {
		uint16_t ck = nic_l4_cksum(p, f);

		memcpy(b + nic_l4_ck_off(p, f), &ck, 2);
	}
}

/*
 * An mbuf (chain) of @mp holding the @len bytes at @data. @cuts lists where
 * a new segment begins (ascending, 0 < cut < len), @nb_cuts of them; none
 * gives one segment. NULL if the pool is empty or a piece does not fit.
 */
static inline struct rte_mbuf *
nic_mbuf(struct rte_mempool *mp, const uint8_t *data, uint32_t len, const uint32_t *cuts,
	 unsigned int nb_cuts)
{
	struct rte_mbuf *head = NULL;
	uint32_t start = 0;
	unsigned int k;

	for (k = 0; k <= nb_cuts; k++) {
		uint32_t end = k < nb_cuts ? cuts[k] : len;
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		char *d = m != NULL && end > start ? rte_pktmbuf_append(m, (uint16_t)(end - start))
						   : NULL;

		if (d == NULL || (head != NULL && rte_pktmbuf_chain(head, m) != 0)) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(head);
			return NULL;
		}
		memcpy(d, data + start, end - start);
		if (head == NULL)
			head = m;
		start = end;
	}
	return head;
}

/* The id in the last four bytes of a received frame (any chain). */
static inline uint32_t
nic_frame_id(const struct rte_mbuf *m)
{
	uint8_t tmp[4];
	const uint8_t *p;

	if (m->pkt_len < 4)
		return UINT32_MAX;
	p = rte_pktmbuf_read(m, m->pkt_len - 4, 4, tmp);
	return p == NULL ? UINT32_MAX : (uint32_t)nic_rd16(p) << 16 | nic_rd16(p + 2);
}

/* ------------------------------------------------------------------ RSS */

/*
 * The Toeplitz input a receiver hashing @hf must take from frame @p: 0 no
 * hash (the frame goes to queue 0 unhashed), 2 the addresses, 4 addresses
 * and ports. Per RTE_ETH_RSS_*: the TCP/UDP type of an unfragmented TCP or
 * UDP packet takes the ports; otherwise the addresses, where the plain
 * IPv4/IPv6 type, or the fragment type for fragments, or the "other" type
 * for unfragmented packets that are not TCP/UDP, is on.
 */
static inline int
nic_rss_input(const struct nic_pkt *p, uint64_t hf)
{
	const int v4 = p->l3 == 4;
	const int tcp_udp = !p->frag && (p->l4 == IPPROTO_TCP || p->l4 == IPPROTO_UDP);

	if (p->l3 != 4 && p->l3 != 6)
		return 0;
	if (tcp_udp) {
		uint64_t t = p->l4 == IPPROTO_TCP ?
			(v4 ? RTE_ETH_RSS_NONFRAG_IPV4_TCP : RTE_ETH_RSS_NONFRAG_IPV6_TCP) :
			(v4 ? RTE_ETH_RSS_NONFRAG_IPV4_UDP : RTE_ETH_RSS_NONFRAG_IPV6_UDP);

		if (hf & t)
			return 4;
	}
	if (hf & (v4 ? RTE_ETH_RSS_IPV4 : RTE_ETH_RSS_IPV6))
		return 2;
	if (p->frag && (hf & (v4 ? RTE_ETH_RSS_FRAG_IPV4 : RTE_ETH_RSS_FRAG_IPV6)))
		return 2;
	if (!p->frag && !tcp_udp &&
	    (hf & (v4 ? RTE_ETH_RSS_NONFRAG_IPV4_OTHER : RTE_ETH_RSS_NONFRAG_IPV6_OTHER)))
		return 2;
	return 0;
}

/* Big-endian 32-bit word @i of a 16-byte address. */
static inline uint32_t
nic_v6_word(const uint8_t *a, unsigned int i)
{
	return (uint32_t)a[4 * i] << 24 | (uint32_t)a[4 * i + 1] << 16 |
	       (uint32_t)a[4 * i + 2] << 8 | a[4 * i + 3];
}

/*
 * rte_softrss() of frame @p's fields under @hf with the 40-byte @key, the
 * tuple built from the description (host-order words: source address,
 * destination address, then source port in the high and destination port
 * in the low half). Returns 1 with *hash set, or 0 (not hashed).
 */
static inline int
nic_rss_hash(const struct nic_pkt *p, uint64_t hf, const uint8_t *key, uint32_t *hash)
{
	uint32_t t[9], n = 0, i;
	int in = nic_rss_input(p, hf);

	if (in == 0)
		return 0;
	if (p->l3 == 4) {
		t[n++] = p->src4;
		t[n++] = p->dst4;
	} else {
		for (i = 0; i < 4; i++)
			t[n++] = nic_v6_word(p->src6, i);
		for (i = 0; i < 4; i++)
			t[n++] = nic_v6_word(p->dst6, i);
	}
	if (in == 4)
		t[n++] = (uint32_t)p->sport << 16 | p->dport;
	*hash = rte_softrss(t, n, key);
	return 1;
}

/* ------------------------------------------------------------ packet type */

/* The packet type the adapter's parser should report for @p as received
 * (@stripped: its tag taken off by the receiver).
 */
static inline uint32_t
nic_ptype(const struct nic_pkt *p, int stripped)
{
	uint32_t t = p->vlan && !stripped ? RTE_PTYPE_L2_ETHER_VLAN : RTE_PTYPE_L2_ETHER;

	if (p->l3 == 4)
		t |= p->opt ? RTE_PTYPE_L3_IPV4_EXT : RTE_PTYPE_L3_IPV4;
	else if (p->l3 == 6)
		t |= (p->opt || p->frag) ? RTE_PTYPE_L3_IPV6_EXT : RTE_PTYPE_L3_IPV6;
	else
		return t;
	if (p->frag)
		return t | RTE_PTYPE_L4_FRAG;
	switch (p->l4) {
	case IPPROTO_TCP:
		return t | RTE_PTYPE_L4_TCP;
	case IPPROTO_UDP:
		return t | RTE_PTYPE_L4_UDP;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return t | RTE_PTYPE_L4_ICMP;
	default:
		return t | RTE_PTYPE_L4_NONFRAG;
	}
}

/* ------------------------------------------------------------------ ports */

/*
 * Configure @port with @nb_rx receive and @nb_tx send queues of @nb_desc
 * slots under @conf, receive buffers from @mp; per-queue offloads from
 * @conf. Returns 0 or the first failing call's value.
 */
static inline int
nic_setup(uint16_t port, uint16_t nb_rx, uint16_t nb_tx, uint16_t nb_desc,
	  const struct rte_eth_conf *conf, struct rte_mempool *mp)
{
	struct rte_eth_rxconf rxc;
	struct rte_eth_txconf txc;
	uint16_t q;
	int ret;

	ret = rte_eth_dev_configure(port, nb_rx, nb_tx, conf);
	if (ret != 0)
		return ret;
	memset(&rxc, 0, sizeof(rxc));
	memset(&txc, 0, sizeof(txc));
	rxc.offloads = conf->rxmode.offloads;
	txc.offloads = conf->txmode.offloads;
	for (q = 0; q < nb_rx; q++) {
		ret = rte_eth_rx_queue_setup(port, q, nb_desc, rte_socket_id(), &rxc, mp);
		if (ret != 0)
			return ret;
	}
	for (q = 0; q < nb_tx; q++) {
		ret = rte_eth_tx_queue_setup(port, q, nb_desc, rte_socket_id(), &txc);
		if (ret != 0)
			return ret;
	}
	return 0;
}

/* Send every mbuf of @m on queue @q of @port (bounded retries); returns
 * how many the port took. Those it did not take are freed.
 */
static inline unsigned int
nic_send(uint16_t port, uint16_t q, struct rte_mbuf **m, unsigned int n)
{
	unsigned int done = 0, tries = 0;

	while (done < n && tries < 1000) {
		uint16_t k = rte_eth_tx_burst(port, q, m + done,
					      (uint16_t)RTE_MIN(n - done, QPT_BURST));

		done += k;
		tries += k == 0;
	}
	qpt_free_all(m + done, n - done);
	return done;
}

/* Receive everything queue @q of @port holds (two empty polls end it), at
 * most @max frames into @out; returns the number.
 */
static inline unsigned int
nic_recv(uint16_t port, uint16_t q, struct rte_mbuf **out, unsigned int max)
{
	unsigned int got = 0, empty = 0;

	while (got < max && empty < 2) {
		uint16_t n = rte_eth_rx_burst(port, q, out + got,
					      (uint16_t)RTE_MIN(max - got, QPT_BURST));

		got += n;
		empty = n == 0 ? empty + 1 : 0;
	}
	return got;
}

#endif /* NIC_H */
