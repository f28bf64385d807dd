/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * libFuzzer target: net_qpring's devargs. Each input, cut at its first NUL
 * or newline, is the argument string of rte_vdev_init("net_qpring_fz0", ...).
 * A port that probes is taken through its life: one queue pair, start, a few
 * frames each way, stats, xstats and register dump, stop, close, remove.
 * An input that names peer=net_qpring_fzp gets that port too, created and
 * started first (with copy=0 when the input says copy=0, as a cable needs),
 * so frames cross the cable both ways; it is removed after the other one.
 * Nothing may crash, leak (malloc: LeakSanitizer; EAL heap, memzones, mbufs,
 * ports: qpfz_mark_check()) or refuse to go away.
 *
 * Confinement: the values of rx_pcap= and tx_pcap= are rewritten to a file
 * name inside the scratch directory (every character outside [A-Za-z0-9._%-]
 * becomes '_', a leading '.' too), and iface= values get the prefix "qpfz",
 * a name no interface of the machine has, so no input reads or writes a file
 * outside the build tree or sends a frame anywhere. The rewrite works on the
 * pairs rte_kvargs itself finds in the input, so it sees what the driver sees.
 * The scratch directory holds capture files the inputs can name: rx.pcap,
 * rx0.pcap and rx1.pcap (for "%u"), empty.pcap, junk.pcap, raw.pcap.
 */
#include <ctype.h>

#include <rte_kvargs.h>

#include "qpfz.h"

#define FZ_DEV      "net_qpring_fz0"
#define FZ_PEER     "net_qpring_fzp"
#define FZ_MAX_ARGS 4096u
#define FZ_RING     64u
#define FZ_FRAMES   8u

static struct rte_mempool *fz_mp;

static const char *const fz_keep[] = {
	"rx.pcap", "rx0.pcap", "rx1.pcap", "empty.pcap", "junk.pcap", "raw.pcap", NULL
};

/* A little-endian classic pcap file of @n 60-byte frames, link type @dlt. */
static void
fz_make_capture(const char *name, unsigned int n, uint32_t dlt)
{
	uint8_t buf[24 + 4 * (16 + 60)];
	size_t off = 0;
	unsigned int i, j;
	const uint32_t ghdr[6] = { 0xa1b2c3d4u, 0x00040002u, 0, 0, 65535u, dlt };

	memcpy(buf, ghdr, sizeof(ghdr)); /* magic, version 2.4, zone, sigfigs, snaplen */
	off = sizeof(ghdr);
	for (i = 0; i < n && i < 4; i++) {
		const uint32_t rhdr[4] = { 1700000000u + i, 0, 60, 60 };

		memcpy(buf + off, rhdr, sizeof(rhdr));
		off += sizeof(rhdr);
		for (j = 0; j < 60; j++)
			buf[off + j] = j < 6 ? 0xff : (uint8_t)(i * 7 + j);
		off += 60;
	}
	qpfz_write_file(name, buf, off);
}

/* A file name safe in the scratch directory, from any value. */
static void
fz_safe_name(char *out, const char *v)
{
	size_t i;

	for (i = 0; v[i] != '\0'; i++) {
		unsigned char c = (unsigned char)v[i];

		out[i] = (isalnum(c) || c == '_' || c == '-' || c == '%' || (c == '.' && i > 0)) ?
			(char)c : '_';
	}
	out[i] = '\0';
}

/* What the input asks of the harness. */
struct fz_wants {
	int peer;  /* peer=FZ_PEER: create that port first */
	int copy0; /* copy=0: the peer must say so too */
};

/*
 * @in with every rx_pcap/tx_pcap/iface value replaced (see the header).
 * Values are tokens between delimiters; replacing one with a string of
 * non-delimiter characters leaves every other token where it was. Returns a
 * malloc()ed string; @w says whether the input names FZ_PEER.
 */
static char *
fz_confine(const char *in, struct fz_wants *w)
{
	struct rte_kvargs *kv = rte_kvargs_parse(in, NULL);
	size_t cap = strlen(in) * 2 + (strlen(qpfz_scratch) + 8) * RTE_KVARGS_MAX + 1;
	char *out = malloc(cap), *name;
	size_t o = 0, from = 0;
	unsigned int i;

	if (out == NULL)
		QPFZ_DIE("out of memory");
	name = malloc(strlen(in) + 1);
	if (name == NULL)
		QPFZ_DIE("out of memory");
	/* kvargs_parse() fails only where the driver's own parse fails. */
	for (i = 0; kv != NULL && i < kv->count; i++) {
		const struct rte_kvargs_pair *p = &kv->pairs[i];
		size_t at, len;
		int file = strcmp(p->key, "rx_pcap") == 0 || strcmp(p->key, "tx_pcap") == 0;

		if (p->value != NULL && strcmp(p->key, "peer") == 0 && strcmp(p->value, FZ_PEER) == 0)
			w->peer = 1;
		if (p->value != NULL && strcmp(p->key, "copy") == 0 && strcmp(p->value, "0") == 0)
			w->copy0 = 1;
		if (p->value == NULL || p->value[0] == '\0' ||
		    (!file && strcmp(p->key, "iface") != 0))
			continue;
		/* The parser tokenises a copy in place: same offsets as @in. */
		at = (size_t)(p->value - kv->str);
		len = strlen(p->value);
		memcpy(out + o, in + from, at - from);
		o += at - from;
		fz_safe_name(name, p->value);
		o += (size_t)snprintf(out + o, cap - o, "%s%s%s", file ? qpfz_scratch : "qpfz",
				      file ? "/" : "", name);
		from = at + len;
	}
	snprintf(out + o, cap - o, "%s", in + from);
	free(name);
	rte_kvargs_free(kv);
	return out;
}

static void
fz_frames(struct rte_mbuf **m, unsigned int n)
{
	unsigned int i;

	if (rte_pktmbuf_alloc_bulk(fz_mp, m, n) != 0)
		QPFZ_DIE("frame pool empty");
	for (i = 0; i < n; i++) {
		uint8_t *d = (uint8_t *)rte_pktmbuf_append(m[i], 64 + 16 * i);

		memset(d, 0xff, 6); /* broadcast: passes the receive filter */
		memset(d + 6, 0x02, 6);
		memset(d + 12, (int)i, 64 + 16 * i - 12);
	}
}

static void
fz_send(uint16_t port)
{
	struct rte_mbuf *tx[FZ_FRAMES];
	uint16_t sent;

	fz_frames(tx, FZ_FRAMES);
	sent = rte_eth_tx_burst(port, 0, tx, FZ_FRAMES);
	rte_pktmbuf_free_bulk(tx + sent, FZ_FRAMES - sent);
}

static void
fz_drain(uint16_t port)
{
	struct rte_mbuf *rx[32];
	unsigned int k;
	uint16_t n;

	for (k = 0; k < 4; k++) {
		n = rte_eth_rx_burst(port, 0, rx, RTE_DIM(rx));
		rte_pktmbuf_free_bulk(rx, n);
	}
}

/* The life of a probed port; any failure of a step that must work aborts.
 * @peer: the started port at the other end of its cable, or UINT16_MAX.
 */
static void
fz_exercise(uint16_t port, uint16_t peer)
{
	struct rte_eth_stats st;
	struct rte_eth_xstat xs[512];
	struct rte_eth_xstat_name xn[512];
	struct rte_dev_reg_info ri;
	uint32_t regs[4096];
	int ret, nx;

	ret = qpfz_setup_qp(port, FZ_RING, fz_mp, 0);
	if (ret != 0)
		QPFZ_DIE("port %u probed but refuses one queue pair: %d", port, ret);
	rte_eth_promiscuous_enable(port);
	ret = rte_eth_dev_start(port);
	if (ret == 0) {
		fz_send(port);
		if (peer != UINT16_MAX)
			fz_send(peer);
		rte_pmd_qpring_adapter_poll(port, 64); /* adapter=manual needs it */
		fz_drain(port);
		if (peer != UINT16_MAX)
			fz_drain(peer);
		fz_send(port);
		rte_pmd_qpring_adapter_poll(port, 64);
		rte_eth_stats_get(port, &st);
		nx = rte_eth_xstats_get_names(port, xn, RTE_DIM(xn));
		if (nx > 0 && (unsigned int)nx <= RTE_DIM(xs))
			rte_eth_xstats_get(port, xs, (unsigned int)nx);
		memset(&ri, 0, sizeof(ri));
		if (rte_eth_dev_get_reg_info(port, &ri) == 0 &&
		    (uint64_t)ri.length * ri.width <= sizeof(regs)) {
			ri.data = regs;
			rte_eth_dev_get_reg_info(port, &ri);
		}
		ret = rte_eth_dev_stop(port);
		if (ret != 0)
			QPFZ_DIE("port %u: stop failed: %d", port, ret);
	}
	ret = rte_eth_dev_close(port);
	if (ret != 0)
		QPFZ_DIE("port %u: close failed: %d", port, ret);
}

/* The port at the far end of the cable: one queue pair, started. */
static uint16_t
fz_peer_up(int copy0)
{
	uint16_t port;
	int ret;

	ret = rte_vdev_init(FZ_PEER, copy0 ? "copy=0" : "");
	if (ret != 0 || rte_eth_dev_get_port_by_name(FZ_PEER, &port) != 0)
		QPFZ_DIE("cannot create %s: %d", FZ_PEER, ret);
	ret = qpfz_setup_qp(port, FZ_RING, fz_mp, 0);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret != 0)
		QPFZ_DIE("%s: set-up or start failed: %d", FZ_PEER, ret);
	return port;
}

static void
fz_peer_down(uint16_t port)
{
	int ret;

	fz_drain(port);
	ret = rte_eth_dev_stop(port);
	if (ret == 0)
		ret = rte_eth_dev_close(port);
	if (ret == 0)
		ret = rte_vdev_uninit(FZ_PEER);
	if (ret != 0)
		QPFZ_DIE("%s: stop, close or remove failed: %d", FZ_PEER, ret);
}

static void
fz_run(const char *args, const struct fz_wants *w)
{
	struct qpfz_mark before;
	uint16_t port, peer = UINT16_MAX;
	int ret;

	qpfz_mark(&before);
	if (w->peer)
		peer = fz_peer_up(w->copy0);
	ret = rte_vdev_init(FZ_DEV, args);
	if (ret == 0) {
		if (rte_eth_dev_get_port_by_name(FZ_DEV, &port) != 0)
			QPFZ_DIE("probe of \"%s\" succeeded without a port", args);
		fz_exercise(port, peer);
		ret = rte_vdev_uninit(FZ_DEV);
		if (ret != 0)
			QPFZ_DIE("rte_vdev_uninit after \"%s\": %d", args, ret);
	} else if (rte_eth_dev_get_port_by_name(FZ_DEV, &port) == 0) {
		QPFZ_DIE("probe of \"%s\" failed (%d) and left port %u", args, ret, port);
	}
	if (peer != UINT16_MAX)
		fz_peer_down(peer);
	qpfz_scratch_clean();
	qpfz_mark_check(&before, args);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	qpfz_eal_init("devargs");
	qpfz_scratch_init("devargs", fz_keep);
	fz_make_capture("rx.pcap", 3, 1);
	fz_make_capture("rx0.pcap", 1, 1);
	fz_make_capture("rx1.pcap", 4, 1);
	fz_make_capture("raw.pcap", 2, 101); /* LINKTYPE_RAW: not Ethernet */
	qpfz_write_file("empty.pcap", "", 0);
	qpfz_write_file("junk.pcap", "not a capture file\n", 19);
	fz_mp = qpfz_pool("fz_pool", RTE_MBUF_DEFAULT_BUF_SIZE);
	qpfz_pools[0] = fz_mp;
	qpfz_warming = 1;
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	LLVMFuzzerTestOneInput((const uint8_t *)"adapter=service", 15);
	LLVMFuzzerTestOneInput((const uint8_t *)"peer=" FZ_PEER, 19);
	qpfz_warming = 0;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[FZ_MAX_ARGS + 1], *args;
	struct fz_wants w = { 0, 0 };
	size_t n;

	for (n = 0; n < size && n < FZ_MAX_ARGS && data[n] != '\0' && data[n] != '\n' &&
		    data[n] != '\r'; n++)
		in[n] = (char)data[n];
	in[n] = '\0';
	args = fz_confine(in, &w);
	fz_run(args, &w);
	free(args);
	return 0;
}
