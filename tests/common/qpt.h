/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qpt: the small harness of qpring's EAL tests. EAL start-up with a unique
 * --file-prefix and --no-huge, port creation through rte_vdev_init(), frame
 * builders with a checkable payload, and the CHECK macros of check.h.
 * A test program returns qpt_finish(): 0 all passed, 1 a check failed,
 * 77 skipped (meson reports it as skipped).
 */
#ifndef QPT_H
#define QPT_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "check.h"
#include "rte_pmd_qpring.h"

/* Reference the driver so the linker keeps it (its constructor registers
 * net_qpring) even in a test that reaches it only through ethdev.
 */
__attribute__((used)) static int (*const qpt_keep_driver)(uint16_t, unsigned int) =
	rte_pmd_qpring_adapter_poll;

/* QPT_CASE, CHECK, CHECK_EQ, REQUIRE: tests/common/check.h. */
#define QPT_CASE(name) CHECK_CASE(name)

static inline int
qpt_finish(void)
{
	return check_finish();
}

static inline void
qpt_skip(const char *why)
{
	printf("SKIP: %s\n", why);
	exit(77);
}

/*
 * Start EAL for test @name: --no-huge --no-pci, @mem_mb of memory, a file
 * prefix unique to this process, log level from QPT_LOG (default notice),
 * plus @extra (NULL-terminated) arguments such as --vdev.
 */
static inline void
qpt_eal_init(const char *name, unsigned int mem_mb, const char *const *extra)
{
	char prefix[64], mem[16];
	const char *argv[32];
	int argc = 0, ret;
	const char *lvl = getenv("QPT_LOG");

	snprintf(prefix, sizeof(prefix), "--file-prefix=qpt_%s_%d", name, (int)getpid());
	snprintf(mem, sizeof(mem), "%u", mem_mb);
	argv[argc++] = name;
	argv[argc++] = "--no-huge";
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-telemetry";
	argv[argc++] = "-m";
	argv[argc++] = mem;
	argv[argc++] = "-l";
	argv[argc++] = getenv("QPT_LCORES") ? getenv("QPT_LCORES") : "0";
	argv[argc++] = prefix;
	argv[argc++] = "--log-level";
	argv[argc++] = lvl ? lvl : "pmd.net.qpring:notice";
	while (extra != NULL && *extra != NULL && argc < 31)
		argv[argc++] = *extra++;
	argv[argc] = NULL;
	ret = rte_eal_init(argc, (char **)(uintptr_t)argv);
	if (ret < 0) {
		printf("FAIL: rte_eal_init: %s\n", rte_strerror(rte_errno));
		exit(1);
	}
}

/*
 * Stop EAL and remove its runtime directory (/var/run/dpdk/<prefix> or
 * under $XDG_RUNTIME_DIR): its files serve secondary processes, which the
 * tests do not start, and would pile up one directory per run.
 */
static inline void
qpt_eal_done(void)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	if (dir[0] == '\0' || strstr(dir, "/qpt_") == NULL)
		return; /* not a directory of ours */
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			(void)unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	(void)rmdir(dir);
}

static inline struct rte_mempool *
qpt_pool(const char *name, unsigned int n, uint16_t data_room)
{
	struct rte_mempool *mp;

	mp = rte_pktmbuf_pool_create(name, n, 0, 0, data_room, (int)rte_socket_id());
	REQUIRE(mp != NULL, "pool %s: %s", name, rte_strerror(rte_errno));
	return mp;
}

/* Create vdev @name with @args; returns the port id or -errno. */
static inline int
qpt_vdev(const char *name, const char *args)
{
	uint16_t port;
	int ret = rte_vdev_init(name, args);

	if (ret != 0)
		return ret < 0 ? ret : -ret;
	if (rte_eth_dev_get_port_by_name(name, &port) != 0)
		return -ENODEV;
	return port;
}

/* Configure @port with @nb_qp queue pairs of @nb_desc slots, without starting. */
static inline int
qpt_setup(uint16_t port, uint16_t nb_qp, uint16_t nb_desc, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, nb_qp, nb_qp, &conf);
	if (ret != 0)
		return ret;
	for (q = 0; q < nb_qp; q++) {
		ret = rte_eth_rx_queue_setup(port, q, nb_desc, rte_socket_id(), NULL, mp);
		if (ret != 0)
			return ret;
		ret = rte_eth_tx_queue_setup(port, q, nb_desc, rte_socket_id(), NULL);
		if (ret != 0)
			return ret;
	}
	return 0;
}

static inline int
qpt_start(uint16_t port, uint16_t nb_qp, uint16_t nb_desc, struct rte_mempool *mp)
{
	int ret = qpt_setup(port, nb_qp, nb_desc, mp);

	return ret != 0 ? ret : rte_eth_dev_start(port);
}

/* Payload byte i of frame @seq: checkable end to end. */
static inline uint8_t
qpt_byte(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seq * 131u + i * 7u + (i >> 8));
}

/*
 * A frame of @len bytes (>= 18): Ethernet header to @dst (broadcast if NULL)
 * from 02:00:00:00:00:01, ethertype 0x88b5 (local experimental), then the
 * 32-bit sequence number @seq and the qpt_byte() pattern.
 */
static inline struct rte_mbuf *
qpt_frame(struct rte_mempool *mp, uint32_t seq, uint32_t len, const struct rte_ether_addr *dst)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eh;
	uint8_t *p;
	uint32_t i;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	eh = (struct rte_ether_hdr *)(void *)p; /* mbuf data: 2-byte aligned */
	if (dst != NULL)
		rte_ether_addr_copy(dst, &eh->dst_addr);
	else
		memset(&eh->dst_addr, 0xff, sizeof(eh->dst_addr));
	memset(&eh->src_addr, 0, sizeof(eh->src_addr));
	eh->src_addr.addr_bytes[0] = 0x02;
	eh->src_addr.addr_bytes[5] = 0x01;
	eh->ether_type = rte_cpu_to_be_16(0x88b5);
	memcpy(p + sizeof(*eh), &seq, sizeof(seq));
	for (i = sizeof(*eh) + sizeof(seq); i < len; i++)
		p[i] = qpt_byte(seq, i);
	return m;
}

/* 0 if @m (possibly chained) is the qpt_frame() of some seq, stored in *seq. */
static inline int
qpt_frame_check(const struct rte_mbuf *m, uint32_t len, uint32_t *seq)
{
	uint8_t buf[RTE_ETHER_MAX_JUMBO_FRAME_LEN + 128];
	const uint8_t *p;
	uint32_t i, s;

	if (m->pkt_len != len || len > sizeof(buf))
		return -1;
	p = rte_pktmbuf_read(m, 0, len, buf);
	if (p == NULL)
		return -1;
	memcpy(&s, p + sizeof(struct rte_ether_hdr), sizeof(s));
	for (i = sizeof(struct rte_ether_hdr) + sizeof(s); i < len; i++)
		if (p[i] != qpt_byte(s, i))
			return -1;
	if (seq != NULL)
		*seq = s;
	return 0;
}

/* Mbufs of @mp not in the pool (in use), counting per-lcore caches as free. */
static inline unsigned int
qpt_in_use(const struct rte_mempool *mp)
{
	return rte_mempool_in_use_count(mp);
}

/* Receive until @want frames or @max_polls empty polls; returns frames received. */
static inline unsigned int
qpt_rx_all(uint16_t port, uint16_t q, struct rte_mbuf **out, unsigned int want,
	   unsigned int max_polls)
{
	unsigned int got = 0, polls = 0;

	while (got < want && polls < max_polls) {
		uint16_t n = rte_eth_rx_burst(port, q, out + got,
					      (uint16_t)RTE_MIN(want - got, 32u));

		got += n;
		if (n == 0)
			polls++;
	}
	return got;
}

static inline void
qpt_free_all(struct rte_mbuf **m, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		rte_pktmbuf_free(m[i]);
}

/* Frames qpt_send()/qpt_recv() move per burst. */
#define QPT_BURST 32u

/*
 * Build @n frames of @len bytes to @dst (broadcast if NULL) numbered @seq0,
 * @seq0 + 1, ... and send them on queue @q of @port, at most QPT_BURST per
 * call. Stops at the first burst the port does not take whole (the rest of
 * that burst is freed). Returns the frames the port took.
 */
static inline unsigned int
qpt_send(uint16_t port, uint16_t q, struct rte_mempool *mp, unsigned int n, uint32_t len,
	 const struct rte_ether_addr *dst, uint32_t seq0)
{
	struct rte_mbuf *b[QPT_BURST];
	unsigned int done = 0;

	while (done < n) {
		uint16_t k = (uint16_t)RTE_MIN(n - done, QPT_BURST), i, sent;

		for (i = 0; i < k; i++) {
			b[i] = qpt_frame(mp, seq0 + done + i, len, dst);
			if (b[i] == NULL) {
				qpt_free_all(b, i);
				return done;
			}
		}
		sent = rte_eth_tx_burst(port, q, b, k);
		qpt_free_all(b + sent, (unsigned int)(k - sent));
		done += sent;
		if (sent < k)
			break;
	}
	return done;
}

/*
 * Receive what queue @q of @port holds, up to @max frames, stopping after
 * two empty polls (the inline adapter has delivered everything by the time
 * the send burst returns). Every frame must be @len bytes and carry the
 * sequence numbers @seq0, @seq0 + 1, ... in order; *bad counts those that
 * do not. The frames are freed. Returns the number received.
 */
static inline unsigned int
qpt_recv(uint16_t port, uint16_t q, unsigned int max, uint32_t len, uint32_t seq0,
	 unsigned int *bad)
{
	struct rte_mbuf *b[QPT_BURST];
	unsigned int got = 0, empty = 0, i;

	*bad = 0;
	while (got < max && empty < 2) {
		uint16_t n = rte_eth_rx_burst(port, q, b, (uint16_t)RTE_MIN(max - got, QPT_BURST));

		if (n == 0) {
			empty++;
			continue;
		}
		for (i = 0; i < n; i++) {
			uint32_t seq = ~0u;

			if (qpt_frame_check(b[i], len, &seq) != 0 || seq != seq0 + got + i)
				(*bad)++;
			rte_pktmbuf_free(b[i]);
		}
		got += n;
	}
	return got;
}

/* Read an xstat of @port by name; UINT64_MAX if absent. */
static inline uint64_t
qpt_xstat(uint16_t port, const char *name)
{
	uint64_t id, v;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) != 0)
		return UINT64_MAX;
	if (rte_eth_xstats_get_by_id(port, &id, &v, 1) != 1)
		return UINT64_MAX;
	return v;
}

/*
 * The qpt_frame() of @seq and @len split over @nb_segs chained mbufs of
 * @mp: len / nb_segs bytes each, the last one the remainder. @len must fit
 * one buffer of @mp (the frame is built flat first). NULL on failure.
 */
static inline struct rte_mbuf *
qpt_frame_segs(struct rte_mempool *mp, uint32_t seq, uint32_t len, uint16_t nb_segs,
	       const struct rte_ether_addr *dst)
{
	struct rte_mbuf *flat, *head = NULL;
	uint32_t off = 0;
	uint16_t k;

	if (nb_segs == 0 || len < nb_segs)
		return NULL;
	flat = qpt_frame(mp, seq, len, dst);
	if (flat == NULL)
		return NULL;
	for (k = 0; k < nb_segs; k++) {
		uint32_t l = k + 1u == nb_segs ? len - off : len / nb_segs;
		struct rte_mbuf *seg = rte_pktmbuf_alloc(mp);
		char *p = seg != NULL ? rte_pktmbuf_append(seg, (uint16_t)l) : NULL;

		if (p == NULL || (head != NULL && rte_pktmbuf_chain(head, seg) != 0)) {
			rte_pktmbuf_free(seg);
			rte_pktmbuf_free(head);
			head = NULL;
			break;
		}
		memcpy(p, rte_pktmbuf_mtod_offset(flat, const char *, off), l);
		if (head == NULL)
			head = seg;
		off += l;
	}
	rte_pktmbuf_free(flat);
	return head;
}

/* ------------------------------------------------------------ log capture */

static FILE *qpt_log_file;

/* Send rte_log output to a temporary file until qpt_log_end(). */
static inline void
qpt_log_begin(void)
{
	qpt_log_file = tmpfile();
	REQUIRE(qpt_log_file != NULL, "tmpfile: %s", strerror(errno));
	REQUIRE(rte_openlog_stream(qpt_log_file) == 0, "rte_openlog_stream");
}

/*
 * Give rte_log its default stream back and copy what was logged since
 * qpt_log_begin() into @buf (NUL-terminated, at most @size - 1 bytes).
 * Returns the number of bytes copied.
 */
static inline size_t
qpt_log_end(char *buf, size_t size)
{
	size_t n;

	rte_openlog_stream(NULL);
	buf[0] = '\0';
	if (qpt_log_file == NULL)
		return 0;
	fflush(qpt_log_file);
	rewind(qpt_log_file);
	n = fread(buf, 1, size - 1, qpt_log_file);
	buf[n] = '\0';
	fclose(qpt_log_file);
	qpt_log_file = NULL;
	return n;
}

/* Lines of @log that contain @a and, unless it is NULL, @b. */
static inline unsigned int
qpt_log_lines(const char *log, const char *a, const char *b)
{
	unsigned int n = 0;

	while (*log != '\0') {
		const char *eol = strchr(log, '\n');
		size_t len = eol != NULL ? (size_t)(eol - log) : strlen(log);
		char line[2048];

		snprintf(line, sizeof(line), "%.*s", (int)len, log);
		if (strstr(line, a) != NULL && (b == NULL || strstr(line, b) != NULL))
			n++;
		log += len + (eol != NULL);
	}
	return n;
}

/* Probe vdev @name with @args; the test stops if that fails. */
static inline uint16_t
qpt_probe(const char *name, const char *args)
{
	int port = qpt_vdev(name, args);

	REQUIRE(port >= 0, "probe %s,%s: %d", name, args, port);
	return (uint16_t)port;
}

/* Per-queue xstat "<dir>_q<q>_<what>" of @port; UINT64_MAX if absent. */
static inline uint64_t
qpt_qxstat(uint16_t port, const char *dir, uint16_t q, const char *what)
{
	char name[RTE_ETH_XSTATS_NAME_SIZE];

	snprintf(name, sizeof(name), "%s_q%u_%s", dir, q, what);
	return qpt_xstat(port, name);
}

/* One queue's register file (PMD API); the test stops if it cannot be read. */
static inline struct rte_pmd_qpring_regs
qpt_regs(uint16_t port, uint16_t q, enum rte_pmd_qpring_dir d)
{
	struct rte_pmd_qpring_regs r;
	int ret = rte_pmd_qpring_regs_get(port, q, d, &r);

	REQUIRE(ret == 0, "regs_get(port %u, q %u, dir %d) = %d", port, q, (int)d, ret);
	return r;
}

/* Address of slot @idx of a ring (modulo its size), as the doorbell names it. */
static inline uint64_t
qpt_slot_va(const struct rte_pmd_qpring_regs *r, uint32_t idx)
{
	return r->ring_va + 32ull * (idx & (r->size - 1u));
}

/* Basic stats of @port; the test stops if they cannot be read. */
static inline struct rte_eth_stats
qpt_stats(uint16_t port)
{
	struct rte_eth_stats st;

	REQUIRE(rte_eth_stats_get(port, &st) == 0, "stats of port %u", port);
	return st;
}

/* Stop and close the port of vdev @name if it has one, then remove the
 * vdev, so that the name can be probed again. Returns rte_vdev_uninit()'s.
 */
static inline int
qpt_vdev_destroy(const char *name)
{
	uint16_t port;

	if (rte_eth_dev_get_port_by_name(name, &port) == 0) {
		rte_eth_dev_stop(port);
		rte_eth_dev_close(port);
	}
	return rte_vdev_uninit(name);
}

#endif /* QPT_H */
