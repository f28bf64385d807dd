/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Issue 10, item 8: releasing a receive queue that never started, on an
 * adapter=service port whose service runs on a service lcore, must take
 * the queue out of the port's queue array (which the service walks) and
 * wait for the service before freeing it. It used to free the queue first
 * and clear the array entry after, so the service could read freed memory.
 *
 * The window is narrow and the memory is EAL's (rte_malloc, memzones),
 * which AddressSanitizer does not watch. So the test checks the order
 * itself: it interposes rte_free() and rte_memzone_free() (the driver's
 * calls resolve to this executable's definitions, linked with
 * --export-dynamic) and, when the queue being released is freed, looks
 * whether the port's rx_queues[] still points at it. Around that, the
 * release is repeated many times while the service runs on lcore 1, on a
 * capture-file port (rx_pcap), whose service reads the receive queues.
 *
 * usage: fixes_rx_release_service <directory for the capture file>
 */
#include <dlfcn.h>

#include <ethdev_driver.h> /* rte_eth_devices[]: the queue arrays the service walks */
#include <rte_malloc.h>

#include "async.h" /* as_eal_init(): lcore 1 a service lcore */
#include "fixes.h"
#include "wire.h"  /* pcap files by hand */

#define NB_MBUFS  2048u
#define RING      64u
#define ITERS     20u /* configure, set-up, start, stop */
#define RESETUPS  12u /* rx queue 0 set up again while the port runs */

static struct rte_mempool *pool;

/* The queue being released (set by the test, read by the interposers). */
static struct {
	uint16_t port;
	uint16_t qid;
	const void *rxq;                 /* its rx_queues[] entry */
	const struct rte_memzone *mz;    /* its ring's memzone */
	unsigned int rxq_frees;          /* rte_free(rxq) seen */
	unsigned int mz_frees;           /* rte_memzone_free(mz) seen */
	unsigned int rxq_freed_published; /* ... while rx_queues[qid] == rxq */
	unsigned int mz_freed_published;
} watch;

static int
still_published(void)
{
	const struct rte_eth_dev *dev = &rte_eth_devices[watch.port];

	return dev->data != NULL && dev->data->rx_queues != NULL &&
	       __atomic_load_n(&dev->data->rx_queues[watch.qid], __ATOMIC_RELAXED) == watch.rxq;
}

/* Interposed: the driver's rte_free() comes here first. */
void
rte_free(void *ptr)
{
	static void (*real)(void *);

	if (real == NULL)
		real = (void (*)(void *))dlsym(RTLD_NEXT, "rte_free");
	if (ptr != NULL && ptr == watch.rxq) {
		watch.rxq_frees++;
		watch.rxq_freed_published += still_published();
	}
	real(ptr);
}

int
rte_memzone_free(const struct rte_memzone *mz)
{
	static int (*real)(const struct rte_memzone *);

	if (real == NULL)
		real = (int (*)(const struct rte_memzone *))dlsym(RTLD_NEXT, "rte_memzone_free");
	if (mz != NULL && mz == watch.mz && watch.rxq != NULL) {
		watch.mz_frees++;
		watch.mz_freed_published += still_published();
	}
	return real(mz);
}

static void
write_rx_file(const char *path)
{
	uint8_t buf[WIRE_PCAP_HDR + 4 * (WIRE_PCAP_REC_HDR + 64)];
	size_t off = WIRE_PCAP_HDR;
	uint32_t k, i;

	wire_pcap_header(buf, WIRE_PCAP_MAGIC_US, 1 /* Ethernet */);
	for (k = 0; k < 4; k++) {
		const uint32_t rec[4] = { 1700000000u, k, 64, 64 };

		for (i = 0; i < 16; i++)
			buf[off + i] = (uint8_t)(rec[i / 4] >> (8 * (i % 4)));
		off += WIRE_PCAP_REC_HDR;
		for (i = 0; i < 64; i++)
			buf[off + i] = wire_byte(k, i);
		off += 64;
	}
	REQUIRE(wire_write_file(path, buf, off) == 0, "write %s", path);
}

/* Set up rx queue 0 of @port, deferred (it never starts), releasing the
 * queue there was; the release is checked.
 */
static void
rx_setup_deferred(uint16_t port, unsigned int *checked)
{
	struct rte_eth_rxconf rxc;
	const void *old = rte_eth_devices[port].data->rx_queues[0];
	int ret;

	memset(&watch, 0, sizeof(watch));
	watch.port = port;
	watch.qid = 0;
	if (old != NULL) {
		watch.mz = fx_mz_holding(qpt_regs(port, 0, RTE_PMD_QPRING_RQ).ring_va);
		watch.rxq = old;
	}
	memset(&rxc, 0, sizeof(rxc));
	rxc.rx_deferred_start = 1;
	ret = rte_eth_rx_queue_setup(port, 0, RING, rte_socket_id(), &rxc, pool);
	REQUIRE(ret == 0, "rx_queue_setup: %d", ret);
	if (old == NULL)
		return;
	(*checked)++;
	CHECK(watch.rxq_frees == 1 && watch.mz_frees == 1,
	      "release of a never-started rxq: rte_free() %u times, rte_memzone_free() %u "
	      "times, expected once each", watch.rxq_frees, watch.mz_frees);
	CHECK(watch.rxq_freed_published == 0 && watch.mz_freed_published == 0,
	      "a never-started rxq was freed while rx_queues[0] still pointed at it, where "
	      "the adapter service reads it (queue struct: %u, ring memzone: %u)",
	      watch.rxq_freed_published, watch.mz_freed_published);
	watch.rxq = NULL;
}

/*
 * Wait (bounded) until the adapter service has run on @port's send queue 0
 * since it counted @since calls: it is running when the next release
 * comes. Returns the count.
 */
static uint64_t
service_ran(uint16_t port, uint64_t since)
{
	uint64_t dl = as_deadline(AS_WAIT_MS), n;

	while ((n = qpt_qxstat(port, "tx", 0, "adapter_polls")) <= since && !as_expired(dl))
		;
	CHECK(n > since, "the adapter service did not run on lcore 1 for %u ms", AS_WAIT_MS);
	return n;
}

static void
rx_release_never_started_waits_for_service(const char *dir)
{
	char path[PATH_MAX], args[PATH_MAX + 64];
	struct rte_eth_conf conf;
	unsigned int it, k, checked = 0;
	uint64_t calls = 0, polls;
	uint16_t port;

	QPT_CASE("rx_release_never_started_waits_for_service");
	wire_fmt(path, sizeof(path), "%s/fx_svc_rx.pcap", dir);
	write_rx_file(path);
	wire_fmt(args, sizeof(args), "rx_pcap=%s,adapter=service", path);
	port = qpt_probe("net_qpring0", args);
	fx_watchdog(100, "releasing rx queues beside the adapter service");
	memset(&conf, 0, sizeof(conf));
	for (it = 0; it < ITERS; it++) {
		REQUIRE(rte_eth_dev_configure(port, 1, 1, &conf) == 0, "configure");
		rx_setup_deferred(port, &checked);
		REQUIRE(rte_eth_tx_queue_setup(port, 0, RING, rte_socket_id(), NULL) == 0, "txq");
		REQUIRE(rte_eth_dev_start(port) == 0, "start");
		/* The service runs on lcore 1 the whole time (its calls are
		 * counted on the send queue it also serves, a new one each
		 * round): each release races its walk of the queue arrays.
		 */
		polls = 0;
		for (k = 0; k < RESETUPS; k++) {
			polls = service_ran(port, polls);
			rx_setup_deferred(port, &checked);
		}
		calls += qpt_qxstat(port, "tx", 0, "adapter_polls");
		CHECK_EQ(rte_eth_dev_stop(port), 0);
	}
	printf("  %u releases checked; the service ran %" PRIu64 " times meanwhile\n", checked,
	       calls);
	CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
	fx_watchdog_off();
	CHECK(qpt_in_use(pool) == 0, "%u mbufs not back in the pool", qpt_in_use(pool));
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	REQUIRE(argc == 2, "usage: %s <directory for the capture file>", argv[0]);
	if (!FIXES_HAVE_PCAP)
		qpt_skip("net_qpring was built without libpcap: the service reads receive queues "
			 "only on a capture-file port");
	as_eal_init("fixes_rx_release_service", 256, 1);
	pool = qpt_pool("fx_rrs", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);
	rx_release_never_started_waits_for_service(argv[1]);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
