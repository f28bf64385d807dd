/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Checksum and VLAN offloads through the wire. Frames with correct and
 * deliberately wrong IPv4 header, TCP and UDP checksums (IPv4 and IPv6),
 * fragments, other protocols and non-IP frames cross a cable:
 *   - Tx offloads off: the bytes arrive as sent, the receiver's flags say
 *     GOOD or BAD as the bytes are, UNKNOWN where nothing can be checked;
 *   - Tx offloads asked per frame: the adapter writes the values that
 *     rte_ipv4_cksum() / rte_ipv4_udptcp_cksum() / rte_ipv6_udptcp_cksum()
 *     give (whatever the field held), only those asked for;
 *   - Rx checksum offload off: no checksum flags;
 *   - VLAN insert (the tag on the wire, checksums still right), VLAN strip
 *     (bytes without the tag, the tag in vlan_tci, packet type after the
 *     strip), both together;
 *   - chained frames with the offloads, into a plain receiver and into a
 *     scattering one of small buffers.
 * Copy and zero-copy ports. Every frame's bytes, flags and packet type are
 * checked against what the test computes from its description.
 */
#include "nic.h"

#define RING     512u
#define NB_MBUFS 8192u
#define MAX_FRAMES 256u

/* Corruptions in the bytes sent. */
#define BAD_IP   0x1u  /* IPv4 header checksum wrong */
#define BAD_L4   0x2u  /* TCP/UDP checksum wrong */
#define ZERO_UDP 0x4u  /* IPv4 UDP without a checksum (0) */

/* Offloads the mbuf asks for. */
#define REQ_IP   0x1u
#define REQ_L4   0x2u

#define RX_CKSUM (RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM | \
		  RTE_ETH_RX_OFFLOAD_TCP_CKSUM)
#define TX_CKSUM (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM | \
		  RTE_ETH_TX_OFFLOAD_TCP_CKSUM)

/* The kinds of frame, as nic_pkt fields. */
struct kind {
	const char *name;
	uint8_t l3, l4, frag, opt;
};

static const struct kind kinds[] = {
	{ "ipv4 tcp", 4, IPPROTO_TCP, 0, 0 },
	{ "ipv4 udp", 4, IPPROTO_UDP, 0, 0 },
	{ "ipv6 tcp", 6, IPPROTO_TCP, 0, 0 },
	{ "ipv6 udp", 6, IPPROTO_UDP, 0, 0 },
	{ "ipv4 tcp options", 4, IPPROTO_TCP, 0, 8 },
	{ "ipv6 tcp hop-by-hop", 6, IPPROTO_TCP, 0, 8 },
	{ "ipv4 tcp first fragment", 4, IPPROTO_TCP, 1, 0 },
	{ "ipv4 udp later fragment", 4, IPPROTO_UDP, 2, 0 },
	{ "ipv6 udp first fragment", 6, IPPROTO_UDP, 1, 0 },
	{ "ipv4 icmp", 4, IPPROTO_ICMP, 0, 0 },
	{ "non-ip", 0, 0, 0, 0 },
};

/* One frame of a phase. */
struct ck_frame {
	const struct kind *k;
	struct nic_pkt p;
	uint8_t bad;     /* BAD_*, ZERO_UDP */
	uint8_t req;     /* REQ_* */
	uint8_t insert;  /* VLAN insert asked (tag tci_insert) */
	uint8_t segs;    /* 0: flat; n >= 2: headers in a first buffer, the rest in n - 1 */
};

/* One configuration of the two ports and the frames sent through it. */
struct phase {
	const char *name;
	uint64_t tx_ol;     /* send queue offloads */
	uint64_t rx_ol;     /* receiving port offloads */
	uint8_t reqs;       /* 0: no request; else every REQ_* combination */
	uint8_t insert;     /* frames ask for VLAN insert */
	uint8_t tagged;     /* frames carry a tag in their bytes (and untagged ones too) */
	uint8_t segs;       /* frames chained so */
	uint16_t small_rx;  /* receive buffers of this room, scatter on (0: 2 KB, no scatter) */
	uint16_t payload;   /* payload bytes (0: 40..540) */
};

static const struct phase phases[] = {
	{ "tx offloads off, rx checksum on", 0, RX_CKSUM, 0, 0, 0, 0, 0, 0 },
	{ "tx checksum offloads asked per frame, rx checksum on", TX_CKSUM, RX_CKSUM, 1, 0, 0,
	  0, 0, 0 },
	{ "rx checksum offload off", 0, 0, 0, 0, 0, 0, 0, 0 },
	{ "vlan insert with tx checksums, rx checksum on",
	  TX_CKSUM | RTE_ETH_TX_OFFLOAD_VLAN_INSERT, RX_CKSUM, 1, 1, 0, 0, 0, 0 },
	{ "vlan strip, rx checksum on", 0, RX_CKSUM | RTE_ETH_RX_OFFLOAD_VLAN_STRIP, 0, 0, 1, 0,
	  0, 0 },
	{ "vlan insert and strip", TX_CKSUM | RTE_ETH_TX_OFFLOAD_VLAN_INSERT,
	  RX_CKSUM | RTE_ETH_RX_OFFLOAD_VLAN_STRIP, 1, 1, 0, 0, 0, 0 },
	{ "chained frames (3 buffers), tx checksums, rx checksum on", TX_CKSUM, RX_CKSUM, 1, 0,
	  0, 3, 0, 0 },
	{ "chained frames into a scattering receiver of 256-byte buffers",
	  TX_CKSUM | RTE_ETH_TX_OFFLOAD_MULTI_SEGS, RX_CKSUM | RTE_ETH_RX_OFFLOAD_SCATTER, 1, 0,
	  0, 3, 256, 900 },
};

static const uint16_t tci_insert = 0xa07b;
static const uint16_t tci_bytes = 0x6123;

static struct rte_mempool *pool, *small_pool;
static struct ck_frame frames[MAX_FRAMES];
static unsigned int nb_frames;
static uint16_t port_a, port_b;
static uint32_t rng = 0x9e3779b9u;

static uint32_t
rnd(void)
{
	return nic_rnd(&rng);
}

static int
has_l4_ck(const struct kind *k)
{
	return !k->frag && (k->l4 == IPPROTO_TCP || k->l4 == IPPROTO_UDP);
}

static void
frame_add(const struct phase *ph, const struct kind *k, uint8_t bad, uint8_t req,
	  uint8_t tagged)
{
	struct ck_frame *f;
	unsigned int i;

	REQUIRE(nb_frames < MAX_FRAMES, "too many frames");
	f = &frames[nb_frames];
	memset(f, 0, sizeof(*f));
	f->k = k;
	f->bad = bad;
	f->req = req;
	f->insert = ph->insert;
	f->segs = ph->segs;
	f->p.l3 = k->l3;
	f->p.l4 = k->l4;
	f->p.frag = k->frag;
	f->p.opt = k->opt;
	f->p.vlan = tagged;
	f->p.tci = tci_bytes;
	f->p.src4 = 0xc6120000u | (rnd() & 0xffff);
	f->p.dst4 = 0xc6130000u | (rnd() & 0xffff);
	for (i = 0; i < 16; i++) {
		f->p.src6[i] = (uint8_t)rnd();
		f->p.dst6[i] = (uint8_t)rnd();
	}
	f->p.src6[0] = 0xfd;
	f->p.dst6[0] = 0xfd;
	f->p.sport = (uint16_t)(1 + rnd() % 65535);
	f->p.dport = (uint16_t)(1 + rnd() % 65535);
	f->p.payload = ph->payload ? ph->payload : (uint16_t)(40 + rnd() % 500);
	f->p.id = nb_frames++;
}

/* The frames of phase @ph: every kind with every corruption it can carry,
 * each with every combination of requests the phase makes.
 */
static void
frames_make(const struct phase *ph)
{
	unsigned int i, t;

	nb_frames = 0;
	for (t = 0; t <= ph->tagged; t++) {
		for (i = 0; i < RTE_DIM(kinds); i++) {
			const struct kind *k = &kinds[i];
			uint8_t bads[4], nb = 0, b, r, rmax;

			bads[nb++] = 0;
			if (k->l3 == 4)
				bads[nb++] = BAD_IP;
			if (has_l4_ck(k))
				bads[nb++] = BAD_L4;
			if (k->l3 == 4 && has_l4_ck(k))
				bads[nb++] = BAD_IP | BAD_L4;
			rmax = ph->reqs ? REQ_IP | REQ_L4 : 0;
			for (b = 0; b < nb; b++)
				for (r = 0; r <= rmax; r++)
					frame_add(ph, k, bads[b], r, (uint8_t)t);
			if (k->l3 == 4 && k->l4 == IPPROTO_UDP && !k->frag)
				frame_add(ph, k, ZERO_UDP, 0, (uint8_t)t);
		}
	}
}

/* What the mbuf's requests make the adapter do to frame @f (the queue
 * offers them all in the phases that ask).
 */
static uint8_t
applied(const struct ck_frame *f)
{
	uint8_t a = 0;

	if ((f->req & REQ_IP) && f->p.l3 == 4)
		a |= REQ_IP;
	if ((f->req & REQ_L4) && f->p.l3 != 0 && has_l4_ck(f->k))
		a |= REQ_L4;
	return a;
}

/*
 * The bytes of frame @f as sent (@sent) and as they must arrive (@want,
 * after the adapter's offloads, the inserted tag and the receiver's
 * strip). *ip_ok / *l4_ok: the checksums in @want are right.
 */
static void
frame_bytes(const struct phase *ph, const struct ck_frame *f, struct nic_frame *sent,
	    struct nic_frame *want, int *ip_ok, int *l4_ok, int *stripped)
{
	uint16_t ip_off, l4_off, ck_ip, ck_l4, v;
	const uint8_t a = applied(f);
	int tagged;

	nic_build(&f->p, sent);
	ip_off = (uint16_t)(sent->l3_off + 10); /* IPv4 header checksum (v4 only) */
	l4_off = nic_l4_ck_off(&f->p, sent);
	memcpy(&ck_ip, sent->b + ip_off, 2);
	memcpy(&ck_l4, sent->b + l4_off, 2);
	/* The sent frame: its corruptions, and in a field the adapter is asked
	 * to fill, what applications put there (the pseudo-header sum) or,
	 * when it is also "corrupt", anything.
	 */
	if (f->bad & BAD_IP) {
		v = ck_ip ^ 0x0101;
		memcpy(sent->b + ip_off, &v, 2);
	}
	if (f->bad & BAD_L4) {
		v = ck_l4 ^ 0x1234;
		memcpy(sent->b + l4_off, &v, 2);
	} else if (f->bad & ZERO_UDP) {
		memset(sent->b + l4_off, 0, 2);
	} else if (a & REQ_L4) {
		v = f->p.l3 == 4 ? rte_ipv4_phdr_cksum((const struct rte_ipv4_hdr *)(const void *)
						       (sent->b + sent->l3_off), 0) : 0x5555;
		memcpy(sent->b + l4_off, &v, 2);
	}
	if ((a & REQ_IP) && !(f->bad & BAD_IP))
		memset(sent->b + ip_off, 0, 2); /* drivers' convention: zero */

	/* What arrives: the adapter's values in the asked fields. */
	*want = *sent;
	if (a & REQ_IP) {
		v = nic_ip_cksum(want);
		memcpy(want->b + ip_off, &v, 2);
	}
	if (a & REQ_L4) {
		v = nic_l4_cksum(&f->p, want);
		memcpy(want->b + l4_off, &v, 2);
	}
	if (f->p.l3 == 4) {
		memcpy(&v, want->b + ip_off, 2);
		*ip_ok = v == nic_ip_cksum(want);
		/* and the value is rte_ipv4_cksum()'s wherever the adapter wrote it */
	} else {
		*ip_ok = 0;
	}
	if (l4_off != 0) {
		memcpy(&v, want->b + l4_off, 2);
		*l4_ok = v == nic_l4_cksum(&f->p, want) || (f->bad & ZERO_UDP);
	} else {
		*l4_ok = 0;
	}
	tagged = f->p.vlan || f->insert;
	if (f->insert) {
		memmove(want->b + 16, want->b + 12, want->len - 12);
		nic_wr16(want->b + 12, RTE_ETHER_TYPE_VLAN);
		nic_wr16(want->b + 14, tci_insert);
		want->len += 4;
	}
	*stripped = tagged && (ph->rx_ol & RTE_ETH_RX_OFFLOAD_VLAN_STRIP);
	if (*stripped) {
		memmove(want->b + 12, want->b + 16, want->len - 16);
		want->len -= 4;
	}
}

/* The mbuf (chain) of sent frame @f with its requests. */
static struct rte_mbuf *
frame_mbuf(const struct ck_frame *f, const struct nic_frame *sent)
{
	uint32_t cuts[8];
	unsigned int nb = 0, s;
	struct rte_mbuf *m;
	const uint8_t a = f->req;

	if (f->segs > 1) {
		uint32_t hdr = sent->l4_off != 0 ? sent->l4_off + nic_l4_hdr_len(&f->p) :
			       sent->l3_off != 0 ? (uint32_t)sent->l3_off + sent->l3_len : 14u;
		uint32_t rest = sent->len - hdr;

		cuts[nb++] = hdr;
		for (s = 1; s + 1 < f->segs; s++)
			cuts[nb++] = hdr + rest * s / (f->segs - 1u);
	}
	m = nic_mbuf(pool, sent->b, sent->len, cuts, nb);
	if (m == NULL)
		return NULL;
	m->l2_len = sent->l3_off != 0 ? sent->l3_off : 14;
	m->l3_len = sent->l3_len;
	if (f->p.l3 == 4)
		m->ol_flags |= RTE_MBUF_F_TX_IPV4;
	else if (f->p.l3 == 6)
		m->ol_flags |= RTE_MBUF_F_TX_IPV6;
	if ((a & REQ_IP) && f->p.l3 == 4)
		m->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
	if ((a & REQ_L4) && f->p.l3 != 0 && has_l4_ck(f->k))
		m->ol_flags |= f->p.l4 == IPPROTO_TCP ? RTE_MBUF_F_TX_TCP_CKSUM :
							 RTE_MBUF_F_TX_UDP_CKSUM;
	if (f->insert) {
		m->ol_flags |= RTE_MBUF_F_TX_VLAN;
		m->vlan_tci = tci_insert;
	}
	return m;
}

static const char *
flag_name(uint64_t v, int ip)
{
	if (ip)
		return v == RTE_MBUF_F_RX_IP_CKSUM_GOOD ? "GOOD" :
		       v == RTE_MBUF_F_RX_IP_CKSUM_BAD ? "BAD" :
		       v == RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN ? "UNKNOWN" : "NONE";
	return v == RTE_MBUF_F_RX_L4_CKSUM_GOOD ? "GOOD" :
	       v == RTE_MBUF_F_RX_L4_CKSUM_BAD ? "BAD" :
	       v == RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN ? "UNKNOWN" : "NONE";
}

/* Describe frame @f for a failure line. */
static const char *
frame_desc(const struct ck_frame *f)
{
	static char s[160];

	snprintf(s, sizeof(s), "frame %u (%s%s%s%s%s%s%s%s)", f->p.id, f->k->name,
		 f->p.vlan ? ", tagged" : "", f->bad & BAD_IP ? ", bad ip" : "",
		 f->bad & BAD_L4 ? ", bad l4" : "", f->bad & ZERO_UDP ? ", udp 0" : "",
		 f->req & REQ_IP ? ", ask ip" : "", f->req & REQ_L4 ? ", ask l4" : "",
		 f->insert ? ", insert" : "");
	return s;
}

/* Check received frame @m against frame @f of phase @ph. */
static void
frame_check(const struct phase *ph, const struct ck_frame *f, struct rte_mbuf *m)
{
	static struct nic_frame sent, want;
	static uint8_t got[NIC_MAX_FRAME];
	const uint64_t ipf = m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK;
	const uint64_t l4f = m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK;
	const int cksum = (ph->rx_ol & RX_CKSUM) != 0;
	int ip_ok, l4_ok, stripped, lenient, many;
	uint64_t want_ip, want_l4;
	struct nic_pkt wire;
	uint32_t want_pt;
	const char *d = frame_desc(f);

	frame_bytes(ph, f, &sent, &want, &ip_ok, &l4_ok, &stripped);
	CHECK(m->pkt_len == want.len, "%s: %s: %u bytes, want %u", ph->name, d, m->pkt_len,
	      want.len);
	if (m->pkt_len == want.len) {
		const uint8_t *g = rte_pktmbuf_read(m, 0, want.len, got);
		uint32_t at = 0;

		while (at < want.len && g[at] == want.b[at])
			at++;
		CHECK(at == want.len, "%s: %s: bytes differ from what the offloads make, from "
		      "byte %u: %02x%02x, want %02x%02x", ph->name, d, at, g[at],
		      at + 1 < want.len ? g[at + 1] : 0, want.b[at],
		      at + 1 < want.len ? want.b[at + 1] : 0);
	}

	/* Checksum flags. A frame spread over several receive buffers, and
	 * IPv6 with extension headers, may be reported UNKNOWN (not checked);
	 * a v4 UDP datagram without a checksum, GOOD or UNKNOWN.
	 */
	many = ph->small_rx != 0 && m->pkt_len > ph->small_rx;
	want_ip = !cksum || f->p.l3 != 4 ? RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN :
		  ip_ok ? RTE_MBUF_F_RX_IP_CKSUM_GOOD : RTE_MBUF_F_RX_IP_CKSUM_BAD;
	want_l4 = !cksum || f->p.l3 == 0 || !has_l4_ck(f->k) ? RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN :
		  l4_ok ? RTE_MBUF_F_RX_L4_CKSUM_GOOD : RTE_MBUF_F_RX_L4_CKSUM_BAD;
	CHECK(ipf == want_ip || (many && ipf == RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN),
	      "%s: %s: ip checksum flag %s, want %s", ph->name, d, flag_name(ipf, 1),
	      flag_name(want_ip, 1));
	lenient = many || (f->p.l3 == 6 && f->p.opt) || (f->bad & ZERO_UDP);
	CHECK(l4f == want_l4 || (lenient && l4f == RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN),
	      "%s: %s: l4 checksum flag %s, want %s", ph->name, d, flag_name(l4f, 0),
	      flag_name(want_l4, 0));

	/* VLAN: the stripped tag in vlan_tci; not stripped, not flagged so. */
	if (stripped) {
		CHECK((m->ol_flags & (RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED)) ==
		      (RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED),
		      "%s: %s: strip flags missing (ol_flags %#" PRIx64 ")", ph->name, d,
		      m->ol_flags);
		CHECK(m->vlan_tci == (f->insert ? tci_insert : tci_bytes),
		      "%s: %s: vlan_tci %#x, want %#x", ph->name, d, m->vlan_tci,
		      f->insert ? tci_insert : tci_bytes);
	} else {
		CHECK(!(m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED),
		      "%s: %s: flagged stripped, but not stripped", ph->name, d);
	}

	/* Packet type of the frame as received (after a strip). */
	wire = f->p;
	wire.vlan = f->p.vlan || f->insert;
	want_pt = nic_ptype(&wire, stripped);
	CHECK(m->packet_type == want_pt, "%s: %s: packet_type %#x, want %#x", ph->name, d,
	      m->packet_type, want_pt);
}

static void
ports_setup(const struct phase *ph)
{
	struct rte_eth_conf ca, cb;

	rte_eth_dev_stop(port_a);
	rte_eth_dev_stop(port_b);
	memset(&ca, 0, sizeof(ca));
	memset(&cb, 0, sizeof(cb));
	ca.txmode.offloads = ph->tx_ol;
	cb.rxmode.offloads = ph->rx_ol;
	REQUIRE(nic_setup(port_a, 1, 1, RING, &ca, pool) == 0, "%s: sender set-up", ph->name);
	REQUIRE(nic_setup(port_b, 1, 1, RING, &cb, ph->small_rx ? small_pool : pool) == 0,
		"%s: receiver set-up", ph->name);
	REQUIRE(rte_eth_dev_start(port_b) == 0 && rte_eth_dev_start(port_a) == 0,
		"%s: start", ph->name);
}

static void
phase_run(const struct phase *ph, int copy)
{
	static struct rte_mbuf *tx[MAX_FRAMES], *rx[MAX_FRAMES + 8];
	static struct nic_frame sent, want;
	unsigned int i, n, seen[MAX_FRAMES];
	char name[160];
	int ip_ok, l4_ok, stripped;

	snprintf(name, sizeof(name), "copy=%d: %s", copy, ph->name);
	QPT_CASE(name);
	ports_setup(ph);
	frames_make(ph);
	for (i = 0; i < nb_frames; i++) {
		frame_bytes(ph, &frames[i], &sent, &want, &ip_ok, &l4_ok, &stripped);
		tx[i] = frame_mbuf(&frames[i], &sent);
		REQUIRE(tx[i] != NULL, "no mbuf");
	}
	CHECK_EQ(nic_send(port_a, 0, tx, nb_frames), nb_frames);
	n = nic_recv(port_b, 0, rx, RTE_DIM(rx));
	CHECK(n == nb_frames, "%s: %u frames received of %u", name, n, nb_frames);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < n; i++) {
		uint32_t id = nic_frame_id(rx[i]);

		if (id < nb_frames && !seen[id]++)
			frame_check(ph, &frames[id], rx[i]);
		else
			CHECK(0, "%s: unknown or repeated frame id %u", name, id);
		rte_pktmbuf_free(rx[i]);
	}
	printf("  %u frames\n", nb_frames);
	CHECK_EQ(qpt_stats(port_b).ierrors, 0);
}

/*
 * Offloads asked with header lengths that do not describe the frame (an
 * l3_len shorter than an IPv4 header): the frame goes out as it is,
 * unchanged, and tx_q0_offload_errors counts it.
 */
static void
bad_lengths_run(int copy)
{
	static struct nic_frame f;
	struct nic_pkt pk;
	struct rte_mbuf *m, *rx[8];
	char name[96];
	uint64_t before;
	unsigned int n, i;

	snprintf(name, sizeof(name), "copy=%d: offloads asked with wrong header lengths", copy);
	QPT_CASE(name);
	ports_setup(&phases[1]); /* tx checksum offloads on, rx checksum on */
	memset(&pk, 0, sizeof(pk));
	pk.l3 = 4;
	pk.l4 = IPPROTO_TCP;
	pk.src4 = 0x0a000001;
	pk.dst4 = 0x0a000002;
	pk.sport = 1000;
	pk.dport = 2000;
	pk.payload = 64;
	pk.id = 4242;
	nic_build(&pk, &f);
	f.b[f.l3_off + 10] ^= 0x5a; /* a wrong IPv4 checksum, left as it is */
	m = nic_mbuf(pool, f.b, f.len, NULL, 0);
	REQUIRE(m != NULL, "no mbuf");
	m->l2_len = RTE_ETHER_HDR_LEN;
	m->l3_len = 8; /* not an IPv4 header's length */
	m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_CKSUM;
	before = qpt_qxstat(port_a, "tx", 0, "offload_errors");
	CHECK_EQ(nic_send(port_a, 0, &m, 1), 1);
	n = nic_recv(port_b, 0, rx, RTE_DIM(rx));
	CHECK(n == 1, "%s: %u frames received of 1", name, n);
	for (i = 0; i < n; i++) {
		CHECK(rx[i]->pkt_len == f.len &&
		      memcmp(rte_pktmbuf_mtod(rx[i], const uint8_t *), f.b, f.len) == 0,
		      "%s: the frame arrives unchanged", name);
		CHECK((rx[i]->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_BAD,
		      "%s: its (wrong) IPv4 checksum is reported BAD", name);
		rte_pktmbuf_free(rx[i]);
	}
	CHECK_EQ(qpt_qxstat(port_a, "tx", 0, "offload_errors"), before + 1);
}

int
main(void)
{
	unsigned int base, base_small, i;
	int copy;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("nic_cksum", 256, NULL);
	pool = qpt_pool("nic_ck_pool", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);
	small_pool = qpt_pool("nic_ck_small", NB_MBUFS, 256 + RTE_PKTMBUF_HEADROOM);
	base = qpt_in_use(pool);
	base_small = qpt_in_use(small_pool);
	for (copy = 1; copy >= 0; copy--) {
		char args[64];

		port_a = qpt_probe("net_qpring_ck_a", copy ? "copy=1" : "copy=0");
		snprintf(args, sizeof(args), "peer=net_qpring_ck_a,copy=%d", copy);
		port_b = qpt_probe("net_qpring_ck_b", args);
		for (i = 0; i < RTE_DIM(phases); i++)
			phase_run(&phases[i], copy);
		bad_lengths_run(copy);
		CHECK_EQ(qpt_vdev_destroy("net_qpring_ck_b"), 0);
		CHECK_EQ(qpt_vdev_destroy("net_qpring_ck_a"), 0);
	}
	QPT_CASE("pools");
	CHECK_EQ(qpt_in_use(pool), base);
	CHECK_EQ(qpt_in_use(small_pool), base_small);
	rte_mempool_free(pool);
	rte_mempool_free(small_pool);
	qpt_eal_done();
	return qpt_finish();
}
