/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qpfz: what the libFuzzer harnesses of net_qpring share. EAL started once
 * per process (--no-huge --no-pci, unique --file-prefix, quiet logs), a
 * scratch directory in the build tree for every file an input makes the
 * driver read or write, a frame pool, and the leak checks run around every
 * input: EAL heap bytes and blocks, memzones, mbufs back in the pool, ports.
 * LeakSanitizer covers malloc(); these cover the memory it cannot see.
 */
#ifndef QPFZ_H
#define QPFZ_H

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memzone.h>

#include "rte_pmd_qpring.h"

#define QPFZ_POOL_MBUFS 1024u

/* Stop with a report: libFuzzer sees the abort as a crash and keeps the input. */
#define QPFZ_DIE(...) \
	do { \
		fprintf(stderr, "qpfz: FAIL: " __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} while (0)

static char qpfz_scratch[PATH_MAX - 256];
static const char *const *qpfz_keep; /* files of the scratch dir kept between inputs */

static char qpfz_runtime[PATH_MAX];

static void
qpfz_rm_dir_files(const char *dir, int all)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[PATH_MAX];
	unsigned int k;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		int keep = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;

		for (k = 0; !all && !keep && qpfz_keep != NULL && qpfz_keep[k] != NULL; k++)
			keep = strcmp(e->d_name, qpfz_keep[k]) == 0;
		if (keep)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) != 0 && errno != ENOENT)
			rmdir(path);
	}
	closedir(d);
}

/* Remove what the last input made the driver create. */
static inline void
qpfz_scratch_clean(void)
{
	qpfz_rm_dir_files(qpfz_scratch, 0);
}

static void
qpfz_scratch_remove(void)
{
	qpfz_rm_dir_files(qpfz_scratch, 1);
	rmdir(qpfz_scratch);
}

/* EAL leaves its runtime directory (/var/run/dpdk/<prefix>) behind. */
static void
qpfz_runtime_remove(void)
{
	if (qpfz_runtime[0] == '\0')
		return;
	qpfz_rm_dir_files(qpfz_runtime, 1);
	rmdir(qpfz_runtime);
}

/*
 * The scratch directory: QPFZ_SCRATCH if set, else scratch-<name>-<pid>
 * beside the fuzzer executable (in the build tree), removed at exit. Its
 * path goes into devargs, so it may hold only characters that kvargs and the
 * driver's "%u" expansion leave alone.
 */
static void
qpfz_scratch_init(const char *name, const char *const *keep)
{
	char exe[PATH_MAX];
	const char *env = getenv("QPFZ_SCRATCH");
	ssize_t n;
	size_t i;

	if (env != NULL && env[0] != '\0') {
		snprintf(qpfz_scratch, sizeof(qpfz_scratch), "%s", env);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n <= 0)
			QPFZ_DIE("readlink /proc/self/exe: %s", strerror(errno));
		exe[n] = '\0';
		*strrchr(exe, '/') = '\0';
		snprintf(qpfz_scratch, sizeof(qpfz_scratch), "%s/scratch-%s-%d", exe, name,
			 (int)getpid());
	}
	for (i = 0; qpfz_scratch[i] != '\0'; i++) {
		char c = qpfz_scratch[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '/' || c == '_' || c == '-' || c == '.'))
			QPFZ_DIE("scratch directory %s: only [A-Za-z0-9/_.-] may appear in it "
				 "(set QPFZ_SCRATCH)", qpfz_scratch);
	}
	if (mkdir(qpfz_scratch, 0700) != 0 && errno != EEXIST)
		QPFZ_DIE("mkdir %s: %s", qpfz_scratch, strerror(errno));
	qpfz_keep = keep;
	if (env == NULL || env[0] == '\0')
		atexit(qpfz_scratch_remove);
}

static inline void
qpfz_write_file(const char *name, const void *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", qpfz_scratch, name);
	f = fopen(path, "wb");
	if (f == NULL || (len > 0 && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
		QPFZ_DIE("cannot write %s: %s", path, strerror(errno));
}

/*
 * EAL for fuzzer @name: one lcore, --no-huge, 128 MB, no PCI, no telemetry,
 * a unique --file-prefix whose runtime directory is removed at exit
 * (--in-memory would leave none, but EAL refuses it with --no-huge). Log level from QPFZ_LOG (a number, default 1: nothing but
 * emergencies, since many inputs are refused with an error message).
 */
static void
qpfz_eal_init(const char *name)
{
	char prefix[64], lvl[32];
	const char *env = getenv("QPFZ_LOG");
	char *argv[16];
	int argc = 0;

	snprintf(prefix, sizeof(prefix), "--file-prefix=qpfz_%s_%d", name, (int)getpid());
	snprintf(lvl, sizeof(lvl), "--log-level=%s", env != NULL ? env : "1");
	argv[argc++] = (char *)(uintptr_t)name;
	argv[argc++] = (char *)(uintptr_t)"--no-huge";
	argv[argc++] = (char *)(uintptr_t)"--no-pci";
	argv[argc++] = (char *)(uintptr_t)"--no-telemetry";
	argv[argc++] = (char *)(uintptr_t)"-m";
	argv[argc++] = (char *)(uintptr_t)"128";
	argv[argc++] = (char *)(uintptr_t)"-l";
	argv[argc++] = (char *)(uintptr_t)"0";
	argv[argc++] = prefix;
	argv[argc++] = lvl;
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0)
		QPFZ_DIE("rte_eal_init: %s", rte_strerror(rte_errno));
	snprintf(qpfz_runtime, sizeof(qpfz_runtime), "%s", rte_eal_get_runtime_dir());
	atexit(qpfz_runtime_remove);
}

static inline struct rte_mempool *
qpfz_pool(const char *name, uint16_t data_room)
{
	/* No per-lcore cache: the available count is then exact, and an mbuf
	 * the driver kept after close shows at once.
	 */
	struct rte_mempool *mp = rte_pktmbuf_pool_create(name, QPFZ_POOL_MBUFS, 0, 0, data_room,
							 (int)rte_socket_id());

	if (mp == NULL)
		QPFZ_DIE("pool %s: %s", name, rte_strerror(rte_errno));
	return mp;
}

/* What must be the same before and after an input. */
struct qpfz_mark {
	size_t heap_bytes;
	unsigned int heap_blocks;
	unsigned int memzones;
	unsigned int pool_avail[2];
	uint16_t ports;
};

static struct rte_mempool *qpfz_pools[2];
/* Set while LLVMFuzzerInitialize() runs an input once to warm EAL and ethdev
 * up: their first port allocates what later ports reuse.
 */
static int qpfz_warming;

static void
qpfz_count_mz(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	(*(unsigned int *)arg)++;
}

static inline void
qpfz_mark(struct qpfz_mark *m)
{
	struct rte_malloc_socket_stats st;
	unsigned int i;

	memset(m, 0, sizeof(*m));
	if (rte_malloc_get_socket_stats((int)rte_socket_id(), &st) == 0) {
		m->heap_bytes = st.heap_allocsz_bytes;
		m->heap_blocks = st.alloc_count;
	}
	rte_memzone_walk(qpfz_count_mz, &m->memzones);
	for (i = 0; i < RTE_DIM(qpfz_pools); i++)
		if (qpfz_pools[i] != NULL)
			m->pool_avail[i] = rte_mempool_avail_count(qpfz_pools[i]);
	m->ports = rte_eth_dev_count_total();
}

/* Abort (a finding) if the input left anything behind. */
static inline void
qpfz_mark_check(const struct qpfz_mark *before, const char *what)
{
	struct qpfz_mark now;
	unsigned int i;

	if (qpfz_warming)
		return;
	qpfz_mark(&now);
	if (now.heap_bytes != before->heap_bytes || now.heap_blocks != before->heap_blocks)
		QPFZ_DIE("%s: EAL heap %zu bytes in %u blocks before, %zu in %u after (rte_malloc "
			 "leak)", what, before->heap_bytes, before->heap_blocks, now.heap_bytes,
			 now.heap_blocks);
	if (now.memzones != before->memzones)
		QPFZ_DIE("%s: %u memzones before, %u after (memzone leak)", what,
			 before->memzones, now.memzones);
	for (i = 0; i < RTE_DIM(qpfz_pools); i++)
		if (now.pool_avail[i] != before->pool_avail[i])
			QPFZ_DIE("%s: pool %u: %u mbufs available before, %u after (mbuf leak)",
				 what, i, before->pool_avail[i], now.pool_avail[i]);
	if (now.ports != before->ports)
		QPFZ_DIE("%s: %u ethdev ports before, %u after", what, before->ports, now.ports);
}

/* Queue pair 0 of @port with @nb_desc slots each way, receiving into @mp. */
static inline int
qpfz_setup_qp(uint16_t port, uint16_t nb_desc, struct rte_mempool *mp, uint64_t rx_offloads)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	conf.rxmode.offloads = rx_offloads;
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, nb_desc, rte_eth_dev_socket_id(port), NULL,
					     mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, nb_desc, rte_eth_dev_socket_id(port), NULL);
	return ret;
}

#endif /* QPFZ_H */
