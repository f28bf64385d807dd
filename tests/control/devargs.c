/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Devargs of net_qpring: every accepted form does what it says (cabling in either order,
 * MAC, copy, adapter); every rejected one fails the probe with one log line naming the key.
 */
#include <rte_dev.h>

#include "ctl.h"

#define NB_MBUF 4096u
#define RING    64u
#define LEN     96u
#define N       8u

/* The driver's log lines start "qpring: <function>(): "; its functions are qpring_*. */
#define DRV_LINE "qpring: qpring_"

struct dcase {
	const char *name; /* vdev name */
	const char *args; /* devargs */
	int ok;           /* 1: the probe must succeed */
	const char *key;  /* rejected: the log line names this (key=value) */
	const char *hint; /* rejected: and says this (what is accepted, or why not) */
};

static struct rte_mempool *mp;

/* Copy into @out the first line of @log that contains @needle ("" if none). */
static void
log_line(const char *log, const char *needle, char *out, size_t size)
{
	const char *hit = strstr(log, needle), *bol, *eol;
	size_t len;

	out[0] = '\0';
	if (hit == NULL)
		return;
	for (bol = hit; bol > log && bol[-1] != '\n'; bol--)
		;
	eol = strchr(hit, '\n');
	len = eol != NULL ? (size_t)(eol - bol) : strlen(bol);
	if (len >= size)
		len = size - 1;
	memcpy(out, bol, len);
	out[len] = '\0';
}

/* Probe @c->name with @c->args through rte_vdev_init() and check the outcome. */
static void
probe_case(const struct dcase *c)
{
	char log[8192], line[1024], what[256];
	uint16_t before = rte_eth_dev_count_avail(), port;
	int ret;

	snprintf(what, sizeof(what), "%s \"%s\" %s", c->name, c->args,
		 c->ok ? "accepted" : "rejected");
	QPT_CASE(what);
	qpt_log_begin();
	ret = rte_vdev_init(c->name, c->args);
	qpt_log_end(log, sizeof(log));
	fputs(log, stdout);
	if (c->ok) {
		CHECK(ret == 0, "rte_vdev_init: %d", ret);
		CHECK_EQ(rte_eth_dev_count_avail(), before + 1u);
		CHECK(rte_eth_dev_get_port_by_name(c->name, &port) == 0, "no port");
		CHECK(qpt_log_lines(log, DRV_LINE, NULL) == 0, "driver logged on a valid probe");
		return;
	}
	CHECK(ret < 0, "rte_vdev_init returned %d", ret);
	CHECK_EQ(rte_eth_dev_count_avail(), before);
	CHECK(rte_eth_dev_get_port_by_name(c->name, &port) != 0, "a port was left behind");
	CHECK(qpt_log_lines(log, DRV_LINE, NULL) == 1, "%u driver log lines, want exactly 1",
	      qpt_log_lines(log, DRV_LINE, NULL));
	log_line(log, DRV_LINE, line, sizeof(line));
	CHECK(strstr(line, c->key) != NULL, "log line \"%s\" does not name \"%s\"", line,
	      c->key);
	CHECK(strstr(line, c->hint) != NULL, "log line \"%s\" does not say \"%s\"", line,
	      c->hint);
}

static void
probe_all(const struct dcase *c, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		probe_case(&c[i]);
}

static uint16_t
port_of(const char *name)
{
	uint16_t port = UINT16_MAX;

	CHECK(rte_eth_dev_get_port_by_name(name, &port) == 0, "no port %s", name);
	return port;
}

static void
start(uint16_t port)
{
	CHECK(qpt_start(port, 1, RING, mp) == 0, "start of port %u", port);
}

static void
stop(uint16_t port)
{
	CHECK(rte_eth_dev_stop(port) == 0, "stop of port %u", port);
}

/* Service what @port's send queues hold when its adapter is manual (no-op inline). */
static void
kick(uint16_t port, int manual)
{
	if (manual)
		CHECK(rte_pmd_qpring_adapter_poll(port, UINT32_MAX) >= 0, "adapter poll");
}

/*
 * Frames sent by @a arrive at @b and nowhere else, and back (@a == @b: the
 * loopback wire). @manual: the sender's adapter is driven by hand, so
 * nothing may arrive before the poll.
 */
static void
check_wire(const char *an, const char *bn, int manual)
{
	uint16_t a = port_of(an), b = port_of(bn);
	unsigned int bad = 0, got;

	start(a);
	if (b != a)
		start(b);
	CHECK_EQ(qpt_send(a, 0, mp, N, LEN, NULL, 100), N);
	if (manual) {
		got = qpt_recv(b, 0, N + CTL_BURST, LEN, 100, &bad);
		CHECK(got == 0, "%s -> %s: %u frames before the adapter ran", an, bn, got);
		kick(a, manual);
	}
	got = qpt_recv(b, 0, N + CTL_BURST, LEN, 100, &bad);
	CHECK(got == N && bad == 0, "%s -> %s: %u of %u frames, %u bad", an, bn, got, N, bad);
	if (b != a) {
		got = qpt_recv(a, 0, N + CTL_BURST, LEN, 100, &bad);
		CHECK(got == 0, "%s got %u of its own frames back (not a loopback)", an, got);
		CHECK_EQ(qpt_send(b, 0, mp, N, LEN, NULL, 200), N);
		kick(b, manual);
		got = qpt_recv(a, 0, N + CTL_BURST, LEN, 200, &bad);
		CHECK(got == N && bad == 0, "%s -> %s: %u of %u frames, %u bad", bn, an, got, N,
		      bad);
		stop(b);
	}
	stop(a);
}

/* copy=0 moves the sender's mbuf to the receiver; copy=1 copies the bytes. */
static void
check_copy_mode(const char *an, const char *bn, int zero_copy)
{
	uint16_t a = port_of(an), b = port_of(bn);
	struct rte_mbuf *m = qpt_frame(mp, 7, LEN, NULL), *r = NULL;
	uint16_t got;
	unsigned int polls;

	REQUIRE(m != NULL, "frame");
	start(a);
	start(b);
	CHECK_EQ(rte_eth_tx_burst(a, 0, &m, 1), 1);
	for (got = 0, polls = 0; got == 0 && polls < 4; polls++)
		got = rte_eth_rx_burst(b, 0, &r, 1);
	CHECK_EQ(got, 1);
	if (got == 1) {
		CHECK(qpt_frame_check(r, LEN, NULL) == 0, "frame corrupt");
		if (zero_copy)
			CHECK(r == m, "copy=0: received mbuf %p is not the one sent (%p)",
			      (void *)r, (void *)m);
		else
			CHECK(r != m, "copy=1: the sent mbuf itself was received");
		rte_pktmbuf_free(r);
	}
	stop(a);
	stop(b);
}

/*
 * rxq_map: the loopback port @name receives what its send queue 1 sends on
 * receive queue 1 (@same) or on receive queue 0 (rxq_map=rss with RSS off,
 * the default), and nothing on the other queue.
 */
static void
check_rxq_map(const char *name, int same)
{
	uint16_t p = port_of(name), want = same ? 1 : 0;
	unsigned int bad = 0, got;

	CHECK(qpt_start(p, 2, RING, mp) == 0, "start of port %u with 2 queue pairs", p);
	CHECK_EQ(qpt_send(p, 1, mp, N, LEN, NULL, 500), N);
	got = qpt_recv(p, want, N + CTL_BURST, LEN, 500, &bad);
	CHECK(got == N && bad == 0, "%s: rx queue %u got %u of %u frames, %u bad", name, want,
	      got, N, bad);
	got = qpt_recv(p, !want, N + CTL_BURST, LEN, 500, &bad);
	CHECK(got == 0, "%s: rx queue %u got %u frames", name, !want, got);
	stop(p);
}

static void
check_mac(const char *name, const char *mac)
{
	struct rte_ether_addr want, got;

	REQUIRE(rte_ether_unformat_addr(mac, &want) == 0, "bad test MAC %s", mac);
	CHECK(rte_eth_macaddr_get(port_of(name), &got) == 0, "macaddr_get");
	CHECK(rte_is_same_ether_addr(&want, &got), "%s: MAC is not %s", name, mac);
}

/* Ports probed without mac= get distinct locally administered unicast MACs. */
static void
check_default_macs(void)
{
	struct rte_ether_addr mac[RTE_MAX_ETHPORTS];
	uint16_t port, n = 0, i;

	QPT_CASE("default MACs unique, unicast, locally administered");
	RTE_ETH_FOREACH_DEV(port) {
		CHECK(rte_eth_macaddr_get(port, &mac[n]) == 0, "macaddr_get %u", port);
		CHECK(rte_is_unicast_ether_addr(&mac[n]) && !rte_is_zero_ether_addr(&mac[n]),
		      "port %u MAC not unicast", port);
		for (i = 0; i < n; i++)
			CHECK(!rte_is_same_ether_addr(&mac[i], &mac[n]),
			      "ports %u and %u share a MAC", i, port);
		n++;
	}
}

static char long_peer[128];

int
main(void)
{
	static const char *const eal_extra[] = {
		/* x names y before y is probed; y names nobody. */
		"--vdev", "net_qpring_x,peer=net_qpring_y",
		"--vdev", "net_qpring_y",
		/* rejected at start-up: EAL goes on, no port is made */
		"--vdev", "net_qpring_bad0,copy=9",
		NULL
	};
	static const struct dcase valid[] = {
		{ "net_qpring_lo", "", 1, NULL, NULL },
		{ "net_qpring_lo2", "", 1, NULL, NULL },
		{ "net_qpring_a", "", 1, NULL, NULL },
		{ "net_qpring_b", "peer=net_qpring_a", 1, NULL, NULL },
		{ "net_qpring_m6", "mac=02:11:22:33:44:55", 1, NULL, NULL },
		{ "net_qpring_m3", "mac=0266:7788:99aa", 1, NULL, NULL },
		{ "net_qpring_z0", "copy=0", 1, NULL, NULL },
		{ "net_qpring_z1", "peer=net_qpring_z0,copy=0", 1, NULL, NULL },
		{ "net_qpring_man", "adapter=manual", 1, NULL, NULL },
		{ "net_qpring_svc", "adapter=service", 1, NULL, NULL },
		{ "net_qpring_j", "copy=1,adapter=inline", 1, NULL, NULL },
		{ "net_qpring_k", "adapter=manual,copy=1,mac=02:00:00:00:00:0a,peer=net_qpring_j",
		  1, NULL, NULL },
		{ "net_qpring_qs", "rxq_map=same", 1, NULL, NULL },
		{ "net_qpring_qr", "rxq_map=rss", 1, NULL, NULL },
	};
	static const struct dcase reject[] = {
		/* unknown key, key without value */
		{ "net_qpring_r0", "speed=100", 0, "speed=100", "mac, peer, copy, adapter" },
		{ "net_qpring_r1", "mac=02:00:00:00:00:01,bogus=1", 0, "bogus=1",
		  "mac, peer, copy, adapter" },
		{ "net_qpring_r2", "mac", 0, "mac=(none)", "unicast MAC" },
		{ "net_qpring_r3", "peer", 0, "peer=(none)", "name of another net_qpring" },
		{ "net_qpring_r4", "copy", 0, "copy=(none)", "0 or 1" },
		{ "net_qpring_r5", "adapter", 0, "adapter=(none)", "expected inline" },
		{ "net_qpring_r6", "copy=", 0, "copy=", "0 or 1" },
		/* bad MACs: multicast, broadcast, zero, malformed */
		{ "net_qpring_r7", "mac=01:00:5e:00:00:01", 0, "mac=01:00:5e:00:00:01",
		  "unicast MAC" },
		{ "net_qpring_r8", "mac=ff:ff:ff:ff:ff:ff", 0, "mac=ff:ff:ff:ff:ff:ff",
		  "unicast MAC" },
		{ "net_qpring_r9", "mac=00:00:00:00:00:00", 0, "mac=00:00:00:00:00:00",
		  "unicast MAC" },
		{ "net_qpring_r10", "mac=02:00:00:00:00", 0, "mac=02:00:00:00:00", "unicast MAC" },
		{ "net_qpring_r11", "mac=02:00:00:00:00:0g", 0, "mac=02:00:00:00:00:0g",
		  "unicast MAC" },
		{ "net_qpring_r12", "mac=02-00-00-00-00-01", 0, "mac=02-00-00-00-00-01",
		  "unicast MAC" },
		{ "net_qpring_r13", "mac=02:00:00:00:00:01:02", 0, "mac=02:00:00:00:00:01:02",
		  "unicast MAC" },
		/* peers: itself, absent, already cabled (both orders of the cable) */
		{ "net_qpring_self", "peer=net_qpring_self", 0, "peer=net_qpring_self", "itself" },
		{ "net_qpring_r14", "peer=net_qpring_nosuch", 0, "peer=net_qpring_nosuch",
		  "no such net_qpring device" },
		{ "net_qpring_r15", "peer=net_qpring_a", 0, "peer=net_qpring_a",
		  "already cabled to net_qpring_b" },
		{ "net_qpring_r16", "peer=net_qpring_b", 0, "peer=net_qpring_b",
		  "already cabled to net_qpring_a" },
		{ "net_qpring_r17", "peer=net_qpring_y", 0, "peer=net_qpring_y",
		  "already cabled to net_qpring_x" },
		/* copy must agree across a cable; copy and adapter values */
		{ "net_qpring_r18", "copy=0,peer=net_qpring_lo", 0, "copy=0", "must agree" },
		{ "net_qpring_r19", "peer=net_qpring_z0", 0, "peer=net_qpring_z0",
		  "already cabled to net_qpring_z1" },
		{ "net_qpring_r20", "copy=2", 0, "copy=2", "0 or 1" },
		{ "net_qpring_r21", "copy=yes", 0, "copy=yes", "0 or 1" },
		{ "net_qpring_r22", "copy=01", 0, "copy=01", "0 or 1" },
		{ "net_qpring_r23", "adapter=async", 0, "adapter=async", "expected inline" },
		{ "net_qpring_r24", "adapter=INLINE", 0, "adapter=INLINE", "expected inline" },
		/* duplicate keys */
		{ "net_qpring_r25", "copy=1,copy=1", 0, "copy=1,copy=1", "more than once" },
		{ "net_qpring_r26", "mac=02:00:00:00:00:01,mac=02:00:00:00:00:02", 0,
		  "mac=02:00:00:00:00:01,mac=02:00:00:00:00:02", "more than once" },
		{ "net_qpring_r27", "peer=net_qpring_lo2,peer=net_qpring_lo2", 0,
		  "peer=net_qpring_lo2,peer=net_qpring_lo2", "more than once" },
		{ "net_qpring_r28", "adapter=manual,copy=0,adapter=inline", 0,
		  "adapter=manual,copy=0,adapter=inline", "more than once" },
		/* the fault-injection numbers and the choice of wire */
		{ "net_qpring_r31", "fault_drop=1000001", 0, "fault_drop=1000001",
		  "from 0 to 1000000" },
		{ "net_qpring_r32", "fault_delay=-1", 0, "fault_delay=-1", "adapter calls" },
		{ "net_qpring_r35", "fault_delay=1001ms", 0, "fault_delay=1001ms", "at most 1 s" },
		{ "net_qpring_r36", "fault_delay=2s", 0, "fault_delay=2s", "ns, us or ms" },
		{ "net_qpring_r37", "fault_delay=ms", 0, "fault_delay=ms", "ns, us or ms" },
		{ "net_qpring_r38", "fault_delay=1000001", 0, "fault_delay=1000001",
		  "0 to 1000000" },
		{ "net_qpring_r33", "seed=0", 0, "seed=0", "from 1" },
		{ "net_qpring_r34", "peer=net_qpring_lo2,tx_pcap=/nonexistent/x.pcap", 0,
		  "peer", "choose one" },
		/* receive queue selection */
		{ "net_qpring_r39", "rxq_map=none", 0, "rxq_map=none", "expected rss or same" },
		{ "net_qpring_r40", "rxq_map", 0, "rxq_map=(none)", "expected rss or same" },
		{ "net_qpring_r41", "rxq_map=SAME", 0, "rxq_map=SAME", "expected rss or same" },
		{ "net_qpring_r42", "rxq_map=same,rxq_map=rss", 0, "rxq_map=same,rxq_map=rss",
		  "more than once" },
	};
	struct dcase too_long = { "net_qpring_r29", NULL, 0, "peer=net_qpring_",
				  "name of another net_qpring" };
	/* A port waiting for its peer (the peer went away; the cable survives). */
	static const struct dcase waiting[] = {
		{ "net_qpring_f", "peer=net_qpring_e", 0, "peer=net_qpring_e",
		  "already claimed by net_qpring_d" },
		{ "net_qpring_e", "peer=net_qpring_lo2", 0, "peer=net_qpring_lo2",
		  "net_qpring_d already names net_qpring_e" },
		{ "net_qpring_e", "copy=0", 0, "copy=0", "net_qpring_d" },
		{ "net_qpring_g", "peer=net_qpring_d", 0, "peer=net_qpring_d",
		  "waiting for its own peer net_qpring_e" },
		{ "net_qpring_e", "", 1, NULL, NULL },
	};
	char name[64];
	uint16_t port, null_port;
	unsigned int i;
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("ctl_devargs", 256, eal_extra);
	mp = qpt_pool("devargs", NB_MBUF, RTE_MBUF_DEFAULT_BUF_SIZE);

	QPT_CASE("--vdev x,peer=y then --vdev y: both probed and cabled");
	CHECK(rte_eth_dev_get_port_by_name("net_qpring_x", &port) == 0, "no x");
	CHECK(rte_eth_dev_get_port_by_name("net_qpring_y", &port) == 0, "no y");
	CHECK(rte_eth_dev_get_port_by_name("net_qpring_bad0", &port) != 0,
	      "--vdev with copy=9 made a port");
	CHECK_EQ(rte_eth_dev_count_avail(), 2);
	check_wire("net_qpring_x", "net_qpring_y", 0);

	probe_all(valid, RTE_DIM(valid));
	QPT_CASE("loopback ports loop back");
	check_wire("net_qpring_lo", "net_qpring_lo", 0);
	check_wire("net_qpring_lo2", "net_qpring_lo2", 0);
	QPT_CASE("a, then b,peer=a: cabled");
	check_wire("net_qpring_a", "net_qpring_b", 0);
	QPT_CASE("mac= in both notations");
	check_mac("net_qpring_m6", "02:11:22:33:44:55");
	check_mac("net_qpring_m3", "02:66:77:88:99:aa");
	check_mac("net_qpring_k", "02:00:00:00:00:0a");
	check_default_macs();
	QPT_CASE("rxq_map=same: send queue 1 into receive queue 1; rxq_map=rss: into queue 0");
	check_rxq_map("net_qpring_qs", 1);
	check_rxq_map("net_qpring_qr", 0);
	check_rxq_map("net_qpring_lo", 0);
	QPT_CASE("copy=0 cable hands the sent mbuf over, copy=1 copies");
	check_wire("net_qpring_z0", "net_qpring_z1", 0);
	check_copy_mode("net_qpring_z0", "net_qpring_z1", 1);
	check_copy_mode("net_qpring_a", "net_qpring_b", 0);
	QPT_CASE("adapter=manual: nothing moves until the adapter is polled");
	check_wire("net_qpring_man", "net_qpring_man", 1);
	QPT_CASE("adapter=manual,copy=1,mac=,peer= all at once");
	{
		uint16_t j = port_of("net_qpring_j"), k = port_of("net_qpring_k");
		unsigned int bad = 0;

		start(j);
		start(k);
		CHECK_EQ(qpt_send(k, 0, mp, N, LEN, NULL, 300), N);
		CHECK_EQ(qpt_recv(j, 0, N + CTL_BURST, LEN, 300, &bad), 0);
		kick(k, 1);
		CHECK_EQ(qpt_recv(j, 0, N + CTL_BURST, LEN, 300, &bad), N);
		CHECK_EQ(bad, 0);
		/* j is inline: its frames arrive at once. */
		CHECK_EQ(qpt_send(j, 0, mp, N, LEN, NULL, 400), N);
		CHECK_EQ(qpt_recv(k, 0, N + CTL_BURST, LEN, 400, &bad), N);
		CHECK_EQ(bad, 0);
		stop(j);
		stop(k);
	}

	probe_all(reject, RTE_DIM(reject));
	memset(long_peer, 0, sizeof(long_peer));
	snprintf(long_peer, sizeof(long_peer), "peer=net_qpring_%0*d", 70, 0);
	too_long.args = long_peer;
	probe_case(&too_long);

	QPT_CASE("rejections left the cables they touched as they were");
	check_wire("net_qpring_lo", "net_qpring_lo", 0);
	check_wire("net_qpring_lo2", "net_qpring_lo2", 0);
	check_wire("net_qpring_a", "net_qpring_b", 0);
	check_wire("net_qpring_x", "net_qpring_y", 0);
	check_wire("net_qpring_z0", "net_qpring_z1", 0);

	QPT_CASE("a rejected name can be probed again with valid devargs");
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "net_qpring_r%u", i);
		CHECK(rte_vdev_init(name, "") == 0, "%s not reusable", name);
		CHECK(rte_vdev_uninit(name) == 0, "%s uninit", name);
	}

	QPT_CASE("e,peer=... gone: d waits for it");
	REQUIRE(rte_vdev_init("net_qpring_e", "") == 0, "e");
	REQUIRE(rte_vdev_init("net_qpring_d", "peer=net_qpring_e") == 0, "d,peer=e");
	check_wire("net_qpring_d", "net_qpring_e", 0);
	CHECK(rte_vdev_uninit("net_qpring_e") == 0, "uninit e");
	CHECK(rte_eth_dev_get_port_by_name("net_qpring_e", &port) != 0, "e still there");
	probe_all(waiting, RTE_DIM(waiting));
	QPT_CASE("e comes back: cabled to d again");
	check_wire("net_qpring_d", "net_qpring_e", 0);

	/*
	 * Hot-plug (rte_dev_probe(), testpmd's "port attach") takes the probe's
	 * errno as its own verdict, and reads -EEXIST as "already probed, fine":
	 * a rejection must fail it too, whatever the reason.
	 */
	QPT_CASE("rejections through rte_dev_probe()");
	{
		static const char *const hp[] = {
			"net_qpring_h0,copy=2",
			"net_qpring_h1,peer=net_qpring_h1",
			"net_qpring_h2,peer=net_qpring_a",
			"net_qpring_h3,peer=net_qpring_nosuch",
		};
		uint16_t before = rte_eth_dev_count_avail();

		for (i = 0; i < RTE_DIM(hp); i++) {
			ret = rte_dev_probe(hp[i]);
			CHECK(ret < 0, "rte_dev_probe(\"%s\") returned %d", hp[i], ret);
		}
		CHECK(rte_vdev_uninit("net_qpring_e") == 0, "uninit e");
		ret = rte_dev_probe("net_qpring_h4,peer=net_qpring_e");
		CHECK(ret < 0, "rte_dev_probe(\"net_qpring_h4,peer=net_qpring_e\") (e claimed "
		      "by d) returned %d", ret);
		CHECK(rte_eth_dev_get_port_by_name("net_qpring_h4", &port) != 0, "h4 exists");
		CHECK_EQ(rte_eth_dev_count_avail(), before - 1u);
	}

	/*
	 * A vdev of another driver is no peer, though its name is among the
	 * vdev devargs. Only where net_null is available (Debian loads it).
	 */
	if (rte_vdev_init("net_null0", "") == 0 &&
	    rte_eth_dev_get_port_by_name("net_null0", &null_port) == 0) {
		QPT_CASE("peer= names a vdev of another driver");
		probe_case(&(struct dcase){ "net_qpring_r30", "peer=net_null0", 0,
					    "peer=net_null0", "no such net_qpring device" });
		rte_vdev_uninit("net_null0");
	} else {
		printf("note: net_null not available, case \"peer of another driver\" not run\n");
	}

	QPT_CASE("teardown: every port closes, no mbuf in use");
	RTE_ETH_FOREACH_DEV(port)
		CHECK(rte_eth_dev_close(port) == 0, "close %u", port);
	CHECK_EQ(rte_eth_dev_count_avail(), 0);
	CHECK_EQ(qpt_in_use(mp), 0);
	qpt_eal_done();
	return qpt_finish();
}
