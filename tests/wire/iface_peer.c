/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * One end of the live-interface test (iface.sh): a qpring port on iface=<ifname> that sends
 * marked frames and receives the other end's, count-exact; or sends into an interface taken down.
 */
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <rte_cycles.h>

#include "wire.h"

/*
 * Marked frame (iface_raw.py builds the same), big-endian fields:
 *   0  dst ff:ff:ff:ff:ff:ff, src 02:00:00:00:00:<tag>, ethertype 0x88b5
 *  14  "QPW1"   18 kind 'D' (data) or 'E' (end)   19 tag: 'a' initiator, 'b' responder
 *  20  token (the test run)   24 seq (end: data frames sent)   28 length   32 FNV-1a of 36..
 *  36  byte i = seq * 131 + i * 7 + (i >> 8)
 */
#define MK_HDR     36u
#define MK_MAGIC   "QPW1"
#define NB_MBUF    2048u
#define RING       256u
#define BURST      32u
#define DEADLINE_S 12u

static struct rte_mempool *mp;
static uint16_t port;

static uint32_t
mk_len(uint32_t seq)
{
	return 60u + (seq * 97u) % 1455u; /* 60..1514 */
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
fnv1a(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static struct rte_mbuf *
mk_frame(char kind, char tag, uint32_t token, uint32_t seq)
{
	uint32_t len = kind == 'D' ? mk_len(seq) : 60u, i;
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *p = m != NULL ? (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len) : NULL;

	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0xff, 6);
	memset(p + 6, 0, 6);
	p[6] = 0x02;
	p[11] = (uint8_t)tag;
	p[12] = 0x88;
	p[13] = 0xb5;
	memcpy(p + 14, MK_MAGIC, 4);
	p[18] = (uint8_t)kind;
	p[19] = (uint8_t)tag;
	put32(p + 20, token);
	put32(p + 24, seq);
	put32(p + 28, len);
	for (i = MK_HDR; i < len; i++)
		p[i] = (uint8_t)(seq * 131u + i * 7u + (i >> 8));
	put32(p + 32, fnv1a(p + MK_HDR, len - MK_HDR));
	return m;
}

/* Send @n data frames then the end frame; returns frames the port took. */
static unsigned int
send_marked(char tag, uint32_t token, unsigned int n)
{
	struct rte_mbuf *b[BURST];
	unsigned int done = 0, i;

	while (done <= n) {
		unsigned int k = RTE_MIN(n + 1 - done, BURST);
		uint16_t sent;

		for (i = 0; i < k; i++) {
			uint32_t seq = done + i;

			b[i] = seq < n ? mk_frame('D', tag, token, seq) :
					 mk_frame('E', tag, token, n);
			REQUIRE(b[i] != NULL, "mbuf");
		}
		sent = rte_eth_tx_burst(port, 0, b, (uint16_t)k);
		qpt_free_all(b + sent, k - sent);
		done += sent;
		if (sent < k)
			break;
	}
	return done;
}

struct rx_result {
	unsigned int data;    /* data frames of the peer, intact */
	unsigned int lost;    /* gaps in the peer's sequence */
	unsigned int bad;     /* frames of the peer corrupt, repeated or out of order */
	unsigned int foreign; /* anything else that arrived */
	int end;              /* end frame seen: the count it announces, or -1 */
};

/* A data frame of seq @seq and @len bytes at @p: intact? */
static int
mk_intact(const uint8_t *p, uint32_t len, uint32_t seq)
{
	return get32(p + 28) == len && len == mk_len(seq) &&
	       get32(p + 32) == fnv1a(p + MK_HDR, len - MK_HDR);
}

/*
 * Receive the peer's (@tag) frames of run @token until its end frame or
 * DEADLINE_S seconds, accounting for every seq: received intact, lost
 * (a gap), or bad.
 */
static void
recv_marked(char tag, uint32_t token, struct rx_result *r)
{
	const uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() * DEADLINE_S;
	struct rte_mbuf *b[BURST];
	uint8_t buf[RTE_ETHER_MAX_LEN + 64];
	uint32_t next = 0;
	uint16_t n, i;

	memset(r, 0, sizeof(*r));
	r->end = -1;
	while (r->end < 0 && rte_get_timer_cycles() < deadline) {
		n = rte_eth_rx_burst(port, 0, b, BURST);
		if (n == 0) {
			rte_delay_us_sleep(100); /* yield the shared cores; not a synchronisation */
			continue;
		}
		for (i = 0; i < n; i++) {
			const struct rte_mbuf *m = b[i];
			uint32_t len = m->pkt_len, seq;
			const uint8_t *p = len >= MK_HDR && len <= sizeof(buf) ?
				rte_pktmbuf_read(m, 0, len, buf) : NULL;

			if (p == NULL || memcmp(p + 14, MK_MAGIC, 4) != 0 ||
			    p[19] != (uint8_t)tag || get32(p + 20) != token) {
				r->foreign++;
				continue;
			}
			seq = get32(p + 24);
			if (r->end >= 0 || seq < next) {
				r->bad++;
				continue;
			}
			if (seq > next) {
				if (r->lost == 0)
					printf("first gap: seq %u after %u\n", seq, next);
				r->lost += seq - next;
			}
			next = seq + (p[18] == 'D');
			if (p[18] == 'E')
				r->end = (int)seq;
			else if (mk_intact(p, len, seq))
				r->data++;
			else
				r->bad++;
		}
		qpt_free_all(b, n);
	}
}

static void
signal_ready(const char *fifo)
{
	int fd;

	if (fifo == NULL)
		return;
	fd = open(fifo, O_WRONLY); /* blocks until iface.sh reads (it runs under timeout) */
	REQUIRE(fd >= 0, "open %s: %s", fifo, strerror(errno));
	REQUIRE(write(fd, "ready\n", 6) == 6, "write %s", fifo);
	close(fd);
}

static int
link_set(const char *ifname, int up)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (ret == 0) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	ret = ret != 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* Exchange: the initiator sends first, the responder answers after receiving. */
static void
exchange(int initiator, uint32_t token, unsigned int n, unsigned int m, const char *ready)
{
	const char me = initiator ? 'a' : 'b', peer = initiator ? 'b' : 'a';
	const unsigned int out = initiator ? n : m, in = initiator ? m : n;
	struct rx_result r;
	struct rte_eth_stats st;
	unsigned int sent = 0, missing;

	QPT_CASE(initiator ? "initiator: send N marked frames, receive M back" :
			     "responder: receive N marked frames, send M back");
	signal_ready(ready);
	if (initiator)
		sent = send_marked(me, token, out);
	recv_marked(peer, token, &r);
	if (!initiator)
		sent = send_marked(me, token, out);
	REQUIRE(rte_eth_stats_get(port, &st) == 0, "stats");
	printf("sent %u data + end; received %u data, %u lost, %u bad, %u foreign, end %d; "
	       "ipackets %" PRIu64 " imissed %" PRIu64 " ierrors %" PRIu64 "\n", out, r.data,
	       r.lost, r.bad, r.foreign, r.end, st.ipackets, st.imissed, st.ierrors);
	CHECK_EQ(sent, out + 1);
	CHECK(r.data == in && r.lost == 0 && r.bad == 0 && r.end == (int)in,
	      "received %u of %u marked frames (%u lost, %u bad), end frame %d", r.data, in,
	      r.lost, r.bad, r.end);
	/* A frame of the peer that never arrived must at least be counted. */
	missing = in + 1 - (r.data + r.bad + (r.end >= 0));
	CHECK(st.imissed == missing, "%u of the peer's %u frames never arrived, imissed %" PRIu64,
	      missing, in + 1, st.imissed);
	CHECK_EQ(st.opackets, out + 1);
	CHECK_EQ(st.oerrors, 0);
	CHECK_EQ(st.ierrors, 0);
	CHECK_EQ(qpt_xstat(port, "tx_q0_medium_errors"), 0);
	CHECK_EQ(qpt_xstat(port, "rx_q0_medium_errors"), 0);
}

/* The interface goes down under a started port: sends fail, are counted, nothing hangs. */
static void
down(const char *ifname, uint32_t token)
{
	const unsigned int k = 8;
	struct rte_mbuf *b[16];
	struct rte_eth_stats st;
	char log[8192];
	unsigned int i, polls, got = 0;
	uint16_t sent;

	QPT_CASE("interface taken down under a started port: sends are medium errors");
	REQUIRE(link_set(ifname, 0) == 0, "bring %s down", ifname);
	for (i = 0; i < k; i++) {
		b[i] = mk_frame('D', 'a', token, i);
		REQUIRE(b[i] != NULL, "mbuf");
	}
	qpt_log_begin();
	sent = rte_eth_tx_burst(port, 0, b, (uint16_t)k);
	qpt_free_all(b + sent, k - sent);
	for (polls = 0; polls < 16; polls++) {
		uint16_t n = rte_eth_rx_burst(port, 0, b, RTE_DIM(b));

		got += n;
		qpt_free_all(b, n);
	}
	wire_log_end(log, sizeof(log));
	printf("down: sent %u, received %u, tx_q0_medium_errors %" PRIu64
	       ", rx_q0_medium_errors %" PRIu64 "\n", sent, got,
	       qpt_xstat(port, "tx_q0_medium_errors"), qpt_xstat(port, "rx_q0_medium_errors"));
	CHECK_EQ(sent, k);
	CHECK_EQ(got, 0);
	CHECK_EQ(qpt_xstat(port, "tx_q0_medium_errors"), k);
	CHECK_EQ(qpt_xstat(port, "rx_q0_medium_errors"), 0); /* a link down is no damage */
	REQUIRE(rte_eth_stats_get(port, &st) == 0, "stats");
	CHECK_EQ(st.opackets, 0);
	CHECK_EQ(st.oerrors, k);
	CHECK(qpt_log_lines(log, WIRE_DRV_LINE, "send failed") == 1,
	      "%u \"send failed\" lines, want 1 (logged once per queue)",
	      qpt_log_lines(log, WIRE_DRV_LINE, "send failed"));

	QPT_CASE("interface up again: sends leave again");
	REQUIRE(link_set(ifname, 1) == 0, "bring %s up", ifname);
	b[0] = mk_frame('D', 'a', token, k);
	REQUIRE(b[0] != NULL, "mbuf");
	sent = rte_eth_tx_burst(port, 0, b, 1);
	qpt_free_all(b + sent, 1u - sent);
	CHECK_EQ(sent, 1);
	CHECK_EQ(qpt_xstat(port, "tx_q0_medium_errors"), k);
	REQUIRE(rte_eth_stats_get(port, &st) == 0, "stats");
	CHECK_EQ(st.opackets, 1);
	CHECK_EQ(st.oerrors, k);
}

static void
usage(const char *prog)
{
	printf("usage: %s --role initiator|responder|down --iface IF --token T [--n N] [--m M] "
	       "[--ready FIFO]\n", prog);
	exit(1);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' }, { "iface", required_argument, NULL, 'i' },
		{ "token", required_argument, NULL, 't' }, { "n", required_argument, NULL, 'n' },
		{ "m", required_argument, NULL, 'm' }, { "ready", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *role = NULL, *ifname = NULL, *ready = NULL;
	unsigned int n = 0, m = 0;
	uint32_t token = 0;
	char args[64], name[32];
	int c, p;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': role = optarg; break;
		case 'i': ifname = optarg; break;
		case 't': token = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'n': n = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'm': m = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'f': ready = optarg; break;
		default: usage(argv[0]);
		}
	}
	if (role == NULL || ifname == NULL || strlen(ifname) >= IF_NAMESIZE)
		usage(argv[0]);
	if (!WIRE_HAVE_PCAP)
		qpt_skip("net_qpring was built without libpcap: no iface wire");
	/* getopt has consumed argv; EAL gets its own arguments. */
	optind = 1;
	wire_fmt(name, sizeof(name), "wire_iface_%.8s", role);
	qpt_eal_init(name, 128, NULL);
	mp = qpt_pool("wire_iface", NB_MBUF, RTE_MBUF_DEFAULT_BUF_SIZE);
	wire_fmt(args, sizeof(args), "iface=%s", ifname);
	p = qpt_vdev("net_qpring_if", args);
	REQUIRE(p >= 0, "probe net_qpring_if,%s: %d", args, p);
	port = (uint16_t)p;
	REQUIRE(qpt_start(port, 1, RING, mp) == 0, "start the port on %s", ifname);

	if (strcmp(role, "down") == 0)
		down(ifname, token);
	else
		exchange(strcmp(role, "initiator") == 0, token, n, m, ready);

	CHECK_EQ(qpt_vdev_destroy("net_qpring_if"), 0);
	CHECK_EQ(qpt_in_use(mp), 0);
	qpt_eal_done();
	return qpt_finish();
}
