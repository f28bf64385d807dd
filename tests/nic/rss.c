/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * RSS on the receiving port. A fixed set of flows (IPv4 and IPv6 TCP, UDP,
 * other protocols, fragments, options and extension headers, a VLAN tag in
 * the bytes or inserted by the sending port, chained frames, non-IP)
 * crosses a cable into a port of 4 receive queues.
 * Each frame must arrive on the queue the redirection table names for its
 * hash and carry that hash (RTE_ETH_RX_OFFLOAD_RSS_HASH), the hash computed
 * here with rte_softrss() from the configured key, types and table; frames
 * the types do not cover go to queue 0 unhashed. Then the table and the key
 * change at run time, the types are narrowed, RSS is configured with no
 * types (everything to queue 0) and the calls that must fail do.
 * Copy and zero-copy ports both.
 */
#include <arpa/inet.h>

#include "nic.h"

#define NB_RXQ   4u
#define NB_TXQ   4u
#define RING     1024u
#define NB_MBUFS 8192u
#define PER_CLASS 24u
#define MAX_FLOWS 512u
#define RETA     128u

/* A class of flows: the fields that differ, and how the frame is chained. */
struct flow_class {
	const char *name;
	uint8_t l3, l4, frag, vlan, opt;
	uint8_t segs;  /* 0: flat; n: headers in a first buffer, the rest in n - 1 */
	uint8_t insert; /* the sender asks its port to insert a VLAN tag */
};

static const struct flow_class classes[] = {
	{ "ipv4 tcp", 4, IPPROTO_TCP, 0, 0, 0, 0 },
	{ "ipv4 udp", 4, IPPROTO_UDP, 0, 0, 0, 0 },
	{ "ipv4 icmp", 4, IPPROTO_ICMP, 0, 0, 0, 0 },
	{ "ipv4 gre (other)", 4, 47, 0, 0, 0, 0 },
	{ "ipv4 tcp first fragment", 4, IPPROTO_TCP, 1, 0, 0, 0 },
	{ "ipv4 udp later fragment", 4, IPPROTO_UDP, 2, 0, 0, 0 },
	{ "ipv4 tcp with options", 4, IPPROTO_TCP, 0, 0, 8, 0 },
	{ "ipv4 udp vlan-tagged", 4, IPPROTO_UDP, 0, 1, 0, 0 },
	{ "ipv6 tcp", 6, IPPROTO_TCP, 0, 0, 0, 0 },
	{ "ipv6 udp", 6, IPPROTO_UDP, 0, 0, 0, 0 },
	{ "ipv6 icmpv6", 6, IPPROTO_ICMPV6, 0, 0, 0, 0 },
	{ "ipv6 udp first fragment", 6, IPPROTO_UDP, 1, 0, 0, 0 },
	{ "ipv6 tcp later fragment", 6, IPPROTO_TCP, 2, 0, 0, 0 },
	{ "ipv6 tcp hop-by-hop", 6, IPPROTO_TCP, 0, 0, 8, 0 },
	{ "non-ip", 0, 0, 0, 0, 0, 0 },
	{ "ipv4 tcp chained (2)", 4, IPPROTO_TCP, 0, 0, 0, 2 },
	{ "ipv6 udp chained (3)", 6, IPPROTO_UDP, 0, 0, 0, 3 },
	{ "ipv4 tcp, tag inserted by the sender", 4, IPPROTO_TCP, 0, 0, 0, 0, 1 },
	{ "ipv6 udp, tag inserted by the sender", 6, IPPROTO_UDP, 0, 0, 0, 0, 1 },
};
#define NB_CLASSES RTE_DIM(classes)

/*
 * The published Toeplitz verification vectors (Microsoft's RSS
 * documentation) under the specification key: source, destination,
 * and the hash over the addresses and over addresses and ports.
 */
struct rss_vector {
	uint8_t v6;
	const char *src, *dst;
	uint16_t sport, dport;
	uint32_t h_ip, h_l4;
};

static const struct rss_vector vectors[] = {
	{ 0, "66.9.149.187", "161.142.100.80", 2794, 1766, 0x323e8fc2, 0x51ccc178 },
	{ 0, "199.92.111.2", "65.69.140.83", 14230, 4739, 0xd718262a, 0xc626b0ea },
	{ 0, "24.19.198.95", "12.22.207.184", 12898, 38024, 0xd2d0a5de, 0x5c2b394a },
	{ 0, "38.27.205.30", "209.142.163.6", 48228, 2217, 0x82989176, 0xafc7327f },
	{ 0, "153.39.163.191", "202.188.127.2", 44251, 1303, 0x5d1809c5, 0x10e828a2 },
	{ 1, "3ffe:2501:200:1fff::7", "3ffe:2501:200:3::1", 2794, 1766, 0x2cc18cd5,
	  0x40207d3d },
	{ 1, "3ffe:501:8::260:97ff:fe40:efab", "ff02::1", 14230, 4739, 0x0f0c461c, 0xdde51bbf },
	{ 1, "3ffe:1900:4545:3:200:f8ff:fe21:67cf", "fe80::200:f8ff:fe21:67cf", 44251, 38024,
	  0x4b61e985, 0x02d1feef },
};

static struct rte_mempool *pool;
static struct nic_pkt flows[MAX_FLOWS];
static uint8_t flow_class[MAX_FLOWS];  /* index into classes[], or NB_CLASSES: vector */
static unsigned int nb_flows;
static uint16_t port_a, port_b;        /* sender (1 rxq, 4 txq), receiver (4 rxq) */
static uint64_t all_hf;                /* the types the port offers */

static uint32_t rng = 0x2545f491u;

static uint32_t
rnd(void)
{
	return nic_rnd(&rng);
}

static void
flows_make(void)
{
	unsigned int c, k, i;

	nb_flows = 0;
	for (c = 0; c < NB_CLASSES; c++) {
		for (k = 0; k < PER_CLASS; k++) {
			struct nic_pkt *p = &flows[nb_flows];

			memset(p, 0, sizeof(*p));
			p->l3 = classes[c].l3;
			p->l4 = classes[c].l4;
			p->frag = classes[c].frag;
			p->vlan = classes[c].vlan;
			p->opt = classes[c].opt;
			p->tci = (uint16_t)(0x2000 | (rnd() & 0xfff));
			p->src4 = 0x0a000000u | (rnd() & 0xffffff);
			p->dst4 = 0xc0a80000u | (rnd() & 0xffff);
			p->src6[0] = 0x20;
			p->src6[1] = 0x01;
			p->src6[2] = 0x0d;
			p->src6[3] = 0xb8;
			memcpy(p->dst6, p->src6, 4);
			for (i = 4; i < 16; i++) {
				p->src6[i] = (uint8_t)rnd();
				p->dst6[i] = (uint8_t)rnd();
			}
			p->sport = (uint16_t)(1024 + rnd() % 60000);
			p->dport = (uint16_t)(1 + rnd() % 65535);
			p->payload = (uint16_t)(20 + rnd() % 200);
			p->id = nb_flows;
			flow_class[nb_flows++] = (uint8_t)c;
		}
	}
	for (k = 0; k < RTE_DIM(vectors); k++) {
		struct nic_pkt *p = &flows[nb_flows];
		const struct rss_vector *v = &vectors[k];

		memset(p, 0, sizeof(*p));
		p->l3 = v->v6 ? 6 : 4;
		p->l4 = IPPROTO_TCP;
		if (v->v6) {
			REQUIRE(inet_pton(AF_INET6, v->src, p->src6) == 1 &&
				inet_pton(AF_INET6, v->dst, p->dst6) == 1, "vector %u", k);
		} else {
			struct in_addr s, d;

			REQUIRE(inet_pton(AF_INET, v->src, &s) == 1 &&
				inet_pton(AF_INET, v->dst, &d) == 1, "vector %u", k);
			p->src4 = rte_be_to_cpu_32(s.s_addr);
			p->dst4 = rte_be_to_cpu_32(d.s_addr);
		}
		p->sport = v->sport;
		p->dport = v->dport;
		p->payload = 32;
		p->id = nb_flows;
		flow_class[nb_flows++] = NB_CLASSES + k;
	}
}

static const char *
class_name(unsigned int c)
{
	return c < NB_CLASSES ? classes[c].name : "verification vector";
}

/* The frame of flow @i as an mbuf (chain), or NULL. */
static struct rte_mbuf *
flow_mbuf(unsigned int i)
{
	static struct nic_frame f;
	const unsigned int c = flow_class[i];
	struct rte_mbuf *m;
	uint32_t cuts[4];
	unsigned int nb = 0, s;

	nic_build(&flows[i], &f);
	if (c < NB_CLASSES && classes[c].segs > 1) {
		/* Headers alone in the first buffer, as an application that
		 * prepends them to a payload chain sends them.
		 */
		uint32_t hdr = f.l4_off + nic_l4_hdr_len(&flows[i]);
		uint32_t rest = f.len - hdr;

		cuts[nb++] = hdr;
		for (s = 1; s + 1 < classes[c].segs; s++)
			cuts[nb++] = hdr + rest * s / (classes[c].segs - 1u);
	}
	m = nic_mbuf(pool, f.b, f.len, cuts, nb);
	if (m != NULL && c < NB_CLASSES && classes[c].insert) {
		m->ol_flags |= RTE_MBUF_F_TX_VLAN;
		m->vlan_tci = flows[i].tci;
	}
	return m;
}

/* What the receiving port is set to, as the test knows it. */
struct rss_state {
	int rss;                /* mq_mode RSS with some types */
	int hash_ol;            /* RTE_ETH_RX_OFFLOAD_RSS_HASH */
	uint64_t hf;
	uint8_t key[40];
	uint16_t reta[RETA];
	uint16_t nb_rxq;
};

/* Where flow @i must arrive and with which hash (*hashed 0: none). */
static uint16_t
expect_queue(const struct rss_state *st, unsigned int i, uint32_t *hash, int *hashed)
{
	*hashed = 0;
	*hash = 0;
	if (!st->rss)
		return 0;
	*hashed = nic_rss_hash(&flows[i], st->hf, st->key, hash);
	return *hashed ? st->reta[*hash % RETA] : 0;
}

/*
 * Send every flow (flow i on send queue i % NB_TXQ), receive on every
 * queue of the receiver, and check each frame's queue, hash, hash flag and
 * packet type against @st. One CHECK per class: how many went wrong, and
 * the first of them in detail.
 */
static void
round_check(const char *what, const struct rss_state *st)
{
	static struct rte_mbuf *rx[MAX_FLOWS + 64];
	static struct rte_mbuf *tx[NB_TXQ][MAX_FLOWS];
	unsigned int ntx[NB_TXQ] = { 0 }, seen[MAX_FLOWS], bad[NB_CLASSES + 1];
	unsigned int bad_q[NB_CLASSES + 1], i, total = 0, extra = 0;
	char first[NB_CLASSES + 1][192];
	uint16_t q;

	printf("  round: %s\n", what);
	memset(seen, 0, sizeof(seen));
	memset(bad, 0, sizeof(bad));
	memset(bad_q, 0, sizeof(bad_q));
	for (i = 0; i < nb_flows; i++) {
		struct rte_mbuf *m = flow_mbuf(i);

		REQUIRE(m != NULL, "%s: no mbuf for flow %u", what, i);
		tx[i % NB_TXQ][ntx[i % NB_TXQ]++] = m;
	}
	for (q = 0; q < NB_TXQ; q++) {
		unsigned int n = ntx[q];

		CHECK_EQ(nic_send(port_a, q, tx[q], n), n);
	}
	for (q = 0; q < st->nb_rxq; q++) {
		unsigned int n = nic_recv(port_b, q, rx, RTE_DIM(rx)), k;

		for (k = 0; k < n; k++) {
			struct rte_mbuf *m = rx[k];
			uint32_t id = nic_frame_id(m), hash;
			int hashed, got_flag = !!(m->ol_flags & RTE_MBUF_F_RX_RSS_HASH);
			unsigned int c;
			uint16_t want_q;
			uint32_t want_pt;

			total++;
			if (id >= nb_flows || seen[id]++) {
				extra++;
				rte_pktmbuf_free(m);
				continue;
			}
			c = RTE_MIN((unsigned int)flow_class[id], NB_CLASSES);
			want_q = expect_queue(st, id, &hash, &hashed);
			{
				struct nic_pkt w = flows[id];

				/* A tag the sender's port inserted is on the wire. */
				w.vlan |= c < NB_CLASSES && classes[c].insert;
				want_pt = nic_ptype(&w, 0);
			}
			if (q != want_q || got_flag != (hashed && st->hash_ol) ||
			    (got_flag && m->hash.rss != hash) || m->packet_type != want_pt) {
				if (bad[c]++ == 0)
					snprintf(first[c], sizeof(first[c]),
						 "flow %u on queue %u (want %u), hash flag %d hash "
						 "%#x (want %d %#x), ptype %#x (want %#x)", id, q,
						 want_q, got_flag, m->hash.rss,
						 hashed && st->hash_ol, hash, m->packet_type, want_pt);
				bad_q[c] += q != want_q;
			}
			rte_pktmbuf_free(m);
		}
	}
	CHECK(total == nb_flows && extra == 0, "%s: %u frames received for %u flows (%u "
	      "unknown or twice)", what, total, nb_flows, extra);
	for (i = 0; i < nb_flows; i++)
		if (!seen[i]) {
			CHECK(seen[i], "%s: flow %u (%s) not received", what, i,
			      class_name(flow_class[i]));
			break;
		}
	for (i = 0; i <= NB_CLASSES; i++)
		CHECK(bad[i] == 0, "%s: %s: %u frames wrong (%u on the wrong queue); first: %s",
		      what, i < NB_CLASSES ? classes[i].name : "verification vectors", bad[i],
		      bad_q[i], bad[i] ? first[i] : "");
}

static void
reta_conf_fill(struct rte_eth_rss_reta_entry64 *rc, const uint16_t *reta)
{
	unsigned int i;

	memset(rc, 0, sizeof(*rc) * (RETA / RTE_ETH_RETA_GROUP_SIZE));
	for (i = 0; i < RETA; i++) {
		rc[i / RTE_ETH_RETA_GROUP_SIZE].mask = UINT64_MAX;
		if (reta != NULL)
			rc[i / RTE_ETH_RETA_GROUP_SIZE].reta[i % RTE_ETH_RETA_GROUP_SIZE] = reta[i];
	}
}

/* The port's RETA and key as it reports them equal @st's. */
static void
check_query(const char *what, const struct rss_state *st)
{
	struct rte_eth_rss_reta_entry64 rc[RETA / RTE_ETH_RETA_GROUP_SIZE];
	struct rte_eth_rss_conf conf;
	uint8_t key[64];
	unsigned int i, diff = 0;
	int ret;

	reta_conf_fill(rc, NULL);
	ret = rte_eth_dev_rss_reta_query(port_b, rc, RETA);
	CHECK(ret == 0, "%s: reta_query = %d", what, ret);
	for (i = 0; i < RETA; i++)
		diff += rc[i / 64].reta[i % 64] != st->reta[i];
	CHECK(diff == 0, "%s: reta_query differs from the table set in %u entries", what, diff);
	memset(&conf, 0, sizeof(conf));
	memset(key, 0xee, sizeof(key));
	conf.rss_key = key;
	conf.rss_key_len = sizeof(key);
	ret = rte_eth_dev_rss_hash_conf_get(port_b, &conf);
	CHECK(ret == 0, "%s: rss_hash_conf_get = %d", what, ret);
	CHECK_EQ(conf.rss_key_len, 40);
	CHECK(memcmp(key, st->key, 40) == 0, "%s: rss_hash_conf_get key differs", what);
	CHECK(key[40] == 0xee, "%s: conf_get wrote beyond the 40-byte key", what);
	CHECK(conf.rss_hf == st->hf, "%s: rss_hf %#" PRIx64 ", want %#" PRIx64, what, conf.rss_hf,
	      st->hf);
}

/* (Re)configure the receiver with @nb_rxq queues under @conf and start it. */
static int
receiver_setup(uint16_t nb_rxq, const struct rte_eth_conf *conf)
{
	int ret;

	rte_eth_dev_stop(port_b);
	ret = nic_setup(port_b, nb_rxq, 1, RING, conf, pool);
	if (ret == 0)
		ret = rte_eth_dev_start(port_b);
	return ret;
}

static void
rss_conf_init(struct rte_eth_conf *conf, uint64_t hf, uint8_t *key, int hash_ol)
{
	memset(conf, 0, sizeof(*conf));
	conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf->rxmode.offloads = hash_ol ? RTE_ETH_RX_OFFLOAD_RSS_HASH : 0;
	conf->rx_adv_conf.rss_conf.rss_hf = hf;
	conf->rx_adv_conf.rss_conf.rss_key = key;
	conf->rx_adv_conf.rss_conf.rss_key_len = key != NULL ? 40 : 0;
}

static void
state_default(struct rss_state *st, uint64_t hf, uint16_t nb_rxq, int hash_ol)
{
	unsigned int i;

	st->rss = hf != 0;
	st->hash_ol = hash_ol;
	st->hf = hf;
	st->nb_rxq = nb_rxq;
	memcpy(st->key, nic_rss_spec_key, 40);
	for (i = 0; i < RETA; i++)
		st->reta[i] = (uint16_t)(i % nb_rxq);
}

static int
hash_update(uint64_t hf, uint8_t *key, uint8_t key_len)
{
	struct rte_eth_rss_conf c = { .rss_key = key, .rss_key_len = key_len, .rss_hf = hf };

	return rte_eth_dev_rss_hash_update(port_b, &c);
}

static void
run_mode(int copy)
{
	char a_name[32], b_name[32], b_args[64], what[160];
	struct rte_eth_rss_reta_entry64 rc[RETA / RTE_ETH_RETA_GROUP_SIZE];
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rss_state st, saved;
	uint8_t key[64];
	unsigned int i, s;

	snprintf(a_name, sizeof(a_name), "net_qpring_rssa%d", copy);
	snprintf(b_name, sizeof(b_name), "net_qpring_rssb%d", copy);
	snprintf(b_args, sizeof(b_args), "peer=%s,copy=%d", a_name, copy);
	port_a = qpt_probe(a_name, copy ? "copy=1" : "copy=0");
	port_b = qpt_probe(b_name, b_args);

	REQUIRE(rte_eth_dev_info_get(port_b, &info) == 0, "info");
	CHECK_EQ(info.reta_size, RETA);
	CHECK_EQ(info.hash_key_size, 40);
	CHECK(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_RSS_HASH, "no RSS_HASH offload");
	/* Exactly the types the adapter hashes: IPv4 and IPv6 addresses, their
	 * TCP and UDP ports, fragments and other protocols (not the IPv6 "EX"
	 * types nor L2 or SCTP ones).
	 */
	all_hf = info.flow_type_rss_offloads;
	CHECK(all_hf == NIC_RSS_TYPES, "flow_type_rss_offloads %#" PRIx64 ", want %#" PRIx64,
	      all_hf, (uint64_t)NIC_RSS_TYPES);
	all_hf = NIC_RSS_TYPES;

	memset(&conf, 0, sizeof(conf));
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_VLAN_INSERT;
	REQUIRE(nic_setup(port_a, 1, NB_TXQ, RING, &conf, pool) == 0, "sender set-up");

	/* 1. Every type, default key and table, hash written back. */
	snprintf(what, sizeof(what), "copy=%d: all types, default key and RETA", copy);
	QPT_CASE(what);
	rss_conf_init(&conf, all_hf, NULL, 1);
	REQUIRE(receiver_setup(NB_RXQ, &conf) == 0, "receiver set-up");
	REQUIRE(rte_eth_dev_start(port_a) == 0, "sender start");
	state_default(&st, all_hf, NB_RXQ, 1);
	check_query(what, &st);
	round_check(what, &st);

	/* The published vectors: rte_softrss() and the test's tuples agree
	 * with them, so the expectations above are the standard hash.
	 */
	for (i = 0; i < RTE_DIM(vectors); i++) {
		uint32_t h = 0;
		const struct nic_pkt *p = &flows[nb_flows - RTE_DIM(vectors) + i];

		CHECK(nic_rss_hash(p, all_hf, nic_rss_spec_key, &h) && h == vectors[i].h_l4,
		      "vector %u: rte_softrss gives %#x, published %#x", i, h, vectors[i].h_l4);
		CHECK(nic_rss_hash(p, RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_IPV6, nic_rss_spec_key,
				   &h) && h == vectors[i].h_ip,
		      "vector %u (addresses): rte_softrss gives %#x, published %#x", i, h,
		      vectors[i].h_ip);
	}

	/* 2. A new RETA at run time. */
	snprintf(what, sizeof(what), "copy=%d: RETA changed at run time", copy);
	QPT_CASE(what);
	for (i = 0; i < RETA; i++)
		st.reta[i] = (uint16_t)((i * 7u + i / 5u + 3u) % NB_RXQ);
	reta_conf_fill(rc, st.reta);
	CHECK_EQ(rte_eth_dev_rss_reta_update(port_b, rc, RETA), 0);
	check_query(what, &st);
	round_check(what, &st);
	/* Part of it (a masked update): only the named entries change. */
	reta_conf_fill(rc, NULL);
	rc[1].mask = 0x00000000ffff0000ull;
	for (i = 16; i < 32; i++) {
		rc[1].reta[i] = 2;
		st.reta[64 + i] = 2;
	}
	rc[0].mask = 0;
	CHECK_EQ(rte_eth_dev_rss_reta_update(port_b, rc, RETA), 0);
	check_query("masked RETA update", &st);

	/* 3. A new key at run time. */
	snprintf(what, sizeof(what), "copy=%d: key changed at run time", copy);
	QPT_CASE(what);
	for (i = 0; i < 40; i++)
		key[i] = (uint8_t)rnd();
	CHECK_EQ(hash_update(st.hf, key, 40), 0);
	memcpy(st.key, key, 40);
	check_query(what, &st);
	round_check(what, &st);

	/* 4. Narrower types at run time; the key stays (NULL key). */
	{
		static const struct {
			const char *name;
			uint64_t hf;
		} subsets[] = {
			{ "NONFRAG_IPV4_UDP only", RTE_ETH_RSS_NONFRAG_IPV4_UDP },
			{ "NONFRAG_IPV4_UDP and IPV4",
			  RTE_ETH_RSS_NONFRAG_IPV4_UDP | RTE_ETH_RSS_IPV4 },
			{ "TCP of IPv4 and IPv6",
			  RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV6_TCP },
			{ "IPV4 and IPV6", RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_IPV6 },
			{ "fragments and other",
			  RTE_ETH_RSS_FRAG_IPV4 | RTE_ETH_RSS_NONFRAG_IPV4_OTHER |
			  RTE_ETH_RSS_FRAG_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_OTHER },
			{ "IPV6 and NONFRAG_IPV6_UDP",
			  RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_UDP },
		};

		for (s = 0; s < RTE_DIM(subsets); s++) {
			snprintf(what, sizeof(what), "copy=%d: rss_hf %s", copy, subsets[s].name);
			QPT_CASE(what);
			CHECK_EQ(hash_update(subsets[s].hf, NULL, 0), 0);
			st.hf = subsets[s].hf;
			check_query(what, &st);
			round_check(what, &st);
		}
	}

	/* 5. rss_hash_update to no types: RSS off, then on again. */
	snprintf(what, sizeof(what), "copy=%d: rss_hash_update rss_hf 0, then back", copy);
	QPT_CASE(what);
	CHECK_EQ(hash_update(0, NULL, 0), 0);
	st.hf = 0;
	st.rss = 0;
	check_query(what, &st);
	round_check(what, &st);
	CHECK_EQ(hash_update(all_hf, NULL, 0), 0);
	st.hf = all_hf;
	st.rss = 1;
	round_check(what, &st);

	/* 6. Refusals: nothing changes. */
	snprintf(what, sizeof(what), "copy=%d: bad key, RETA and types refused", copy);
	QPT_CASE(what);
	saved = st;
	for (i = 0; i < 40; i++)
		key[i] = (uint8_t)rnd();
	CHECK_EQ(hash_update(all_hf, key, 39), -EINVAL);
	CHECK_EQ(hash_update(all_hf, key, 52), -EINVAL);
	CHECK_EQ(hash_update(RTE_ETH_RSS_L2_PAYLOAD, NULL, 0), -EINVAL);
	reta_conf_fill(rc, st.reta);
	CHECK_EQ(rte_eth_dev_rss_reta_update(port_b, rc, 64), -EINVAL);
	CHECK_EQ(rte_eth_dev_rss_reta_query(port_b, rc, 64), -EINVAL);
	{
		struct rte_eth_rss_reta_entry64 big[4];

		memset(big, 0, sizeof(big));
		for (i = 0; i < 4; i++)
			big[i].mask = UINT64_MAX;
		CHECK_EQ(rte_eth_dev_rss_reta_update(port_b, big, 256), -EINVAL);
	}
	rc[1].reta[5] = NB_RXQ; /* a queue the port does not have */
	CHECK_EQ(rte_eth_dev_rss_reta_update(port_b, rc, RETA), -EINVAL);
	{
		struct rte_eth_rss_conf c;
		uint8_t small[20];

		memset(&c, 0, sizeof(c));
		c.rss_key = small;
		c.rss_key_len = sizeof(small);
		CHECK_EQ(rte_eth_dev_rss_hash_conf_get(port_b, &c), -EINVAL);
	}
	check_query(what, &saved);
	round_check(what, &saved);

	/* 7. Configured with a key, 3 queues: default RETA i % 3. */
	snprintf(what, sizeof(what), "copy=%d: key at configure, 3 queues", copy);
	QPT_CASE(what);
	for (i = 0; i < 40; i++)
		key[i] = (uint8_t)rnd();
	rss_conf_init(&conf, all_hf, key, 1);
	CHECK_EQ(receiver_setup(3, &conf), 0);
	state_default(&st, all_hf, 3, 1);
	memcpy(st.key, key, 40);
	check_query(what, &st);
	round_check(what, &st);
	/* A bad key length at configure. */
	rss_conf_init(&conf, all_hf, key, 1);
	conf.rx_adv_conf.rss_conf.rss_key_len = 52;
	rte_eth_dev_stop(port_b);
	CHECK_EQ(rte_eth_dev_configure(port_b, NB_RXQ, 1, &conf), -EINVAL);

	/* 8. Hash used for the queue, not written back without the offload. */
	snprintf(what, sizeof(what), "copy=%d: RSS without RTE_ETH_RX_OFFLOAD_RSS_HASH", copy);
	QPT_CASE(what);
	rss_conf_init(&conf, all_hf, NULL, 0);
	CHECK_EQ(receiver_setup(NB_RXQ, &conf), 0);
	state_default(&st, all_hf, NB_RXQ, 0);
	round_check(what, &st);

	/* 9. mq_mode RSS with rss_hf 0 is accepted: RSS off, queue 0. */
	snprintf(what, sizeof(what), "copy=%d: mq_mode RSS with rss_hf 0", copy);
	QPT_CASE(what);
	rss_conf_init(&conf, 0, NULL, 1);
	CHECK_EQ(receiver_setup(NB_RXQ, &conf), 0);
	state_default(&st, 0, NB_RXQ, 1);
	check_query(what, &st);
	round_check(what, &st);
	/* Types given at run time turn it on. */
	CHECK_EQ(hash_update(RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_IPV6, NULL, 0), 0);
	st.hf = RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_IPV6;
	st.rss = 1;
	round_check("rss_hf 0, then IPV4|IPV6 at run time", &st);

	/* 10. mq_mode NONE: queue 0. */
	snprintf(what, sizeof(what), "copy=%d: mq_mode NONE", copy);
	QPT_CASE(what);
	memset(&conf, 0, sizeof(conf));
	CHECK_EQ(receiver_setup(NB_RXQ, &conf), 0);
	state_default(&st, 0, NB_RXQ, 0);
	round_check(what, &st);

	rte_eth_dev_stop(port_a);
	rte_eth_dev_stop(port_b);
	CHECK_EQ(qpt_vdev_destroy(b_name), 0);
	CHECK_EQ(qpt_vdev_destroy(a_name), 0);
}

int
main(void)
{
	unsigned int base;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("nic_rss", 256, NULL);
	pool = qpt_pool("nic_rss_pool", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);
	base = qpt_in_use(pool);
	flows_make();
	printf("%u flows in %zu classes and %zu verification vectors\n", nb_flows, NB_CLASSES,
	       RTE_DIM(vectors));
	run_mode(1);
	run_mode(0);
	QPT_CASE("pool");
	CHECK_EQ(qpt_in_use(pool), base);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
