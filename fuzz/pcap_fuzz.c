/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * libFuzzer target: net_qpring's capture-file receive path (rx_pcap=, read
 * through libpcap by the adapter). Each input is written as a capture file
 * in the scratch directory; libpcap reads it first as the oracle (the
 * records it yields). Then, twice, once with 2 KB receive buffers and once
 * with 192-byte buffers and Rx scatter, a port with rx_pcap=<that file> is
 * probed, started and polled until it stays empty, then stopped, closed and
 * removed. Checked:
 *  - the probe succeeds exactly when libpcap opens the file as Ethernet;
 *  - every received frame is a well-formed mbuf (chain) equal to a record of
 *    the file, in file order, none twice: frames <= records;
 *  - ipackets counts exactly the frames received, and every record ends
 *    once: received, or dropped and counted in an rx_q0_*_drops xstat;
 *  - with 2 KB buffers, exactly the records that fit one buffer arrive;
 *  - nothing crashes or leaks (LeakSanitizer, qpfz_mark_check()).
 */
#include <pcap/pcap.h>

#include "qpfz.h"

#define PZ_DEV         "net_qpring_pz0"
#define PZ_RING        256u
#define PZ_MAX_RECORDS 65536u
#define PZ_EMPTY_POLLS 8u   /* consecutive empty bursts that end the run */
#define PZ_SMALL_ROOM  192u /* scatter buffers: 64 of them hold a 9216-byte frame */

struct pz_record {
	uint32_t off;
	uint32_t len;
};

static struct pz_record pz_rec[PZ_MAX_RECORDS];
static uint8_t *pz_data;     /* the records' bytes, back to back */
static size_t pz_data_cap;
static uint8_t pz_frame[1u << 18];
static char pz_path[PATH_MAX];
static int pz_verbose; /* QPFZ_VERBOSE=1: one line per run */

/* The oracle: the records libpcap reads from the file. Returns their number,
 * or -1 if libpcap does not open it as an Ethernet capture.
 */
static int
pz_oracle(size_t file_size)
{
	char eb[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned int n = 0;
	size_t used = 0;
	pcap_t *p;

	p = pcap_open_offline_with_tstamp_precision(pz_path, PCAP_TSTAMP_PRECISION_NANO, eb);
	if (p == NULL)
		return -1;
	if (pcap_datalink(p) != DLT_EN10MB) {
		pcap_close(p);
		return -1;
	}
	/* Record data never exceeds the file. */
	if (pz_data_cap < file_size) {
		free(pz_data);
		pz_data = malloc(file_size);
		if (pz_data == NULL)
			QPFZ_DIE("out of memory");
		pz_data_cap = file_size;
	}
	while (n < PZ_MAX_RECORDS && pcap_next_ex(p, &h, &d) == 1) {
		if (used + h->caplen > pz_data_cap)
			QPFZ_DIE("libpcap returned more record bytes than the file holds");
		memcpy(pz_data + used, d, h->caplen);
		pz_rec[n].off = (uint32_t)used;
		pz_rec[n].len = h->caplen;
		used += h->caplen;
		n++;
	}
	pcap_close(p);
	return (int)n;
}

/* The frame of @m as one buffer, after checking the chain. */
static uint32_t
pz_linear(const struct rte_mbuf *m)
{
	const char *why = NULL;
	uint32_t off = 0;

	if (rte_mbuf_check(m, 1, &why) != 0)
		QPFZ_DIE("received a malformed mbuf: %s", why);
	if (m->pkt_len > sizeof(pz_frame))
		QPFZ_DIE("received a %u-byte frame", m->pkt_len);
	for (; m != NULL; m = m->next) {
		memcpy(pz_frame + off, rte_pktmbuf_mtod(m, const void *), m->data_len);
		off += m->data_len;
	}
	return off;
}

/* Where a record of the file can end, besides being received. */
static const char *const pz_drop_xstats[] = {
	"rx_q0_no_buffer_drops", "rx_q0_oversize_drops", "rx_q0_mac_filter_drops",
	"rx_q0_error_completions",
};

static uint64_t pz_drop_ids[RTE_DIM(pz_drop_xstats)];

/* Look the drop counters up once per port (names are searched linearly). */
static void
pz_drop_ids_get(uint16_t port)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(pz_drop_xstats); i++)
		if (rte_eth_xstats_get_id_by_name(port, pz_drop_xstats[i], &pz_drop_ids[i]) != 0)
			QPFZ_DIE("xstat %s is gone: update fuzz/pcap_fuzz.c", pz_drop_xstats[i]);
}

/* One xstat by name (the medium-error count, for runts). */
static uint64_t
pz_xstat(uint16_t port, const char *name)
{
	uint64_t id, v;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) != 0 ||
	    rte_eth_xstats_get_by_id(port, &id, &v, 1) != 1)
		QPFZ_DIE("xstat %s is gone: update fuzz/pcap_fuzz.c", name);
	return v;
}

/* Records the adapter has taken from the file and dropped. */
static uint64_t
pz_dropped(uint16_t port, uint64_t *no_buffer)
{
	uint64_t v[RTE_DIM(pz_drop_xstats)], sum = 0;
	unsigned int i;

	if (rte_eth_xstats_get_by_id(port, pz_drop_ids, v, RTE_DIM(v)) != (int)RTE_DIM(v))
		QPFZ_DIE("port %u: xstats by id failed", port);
	for (i = 0; i < RTE_DIM(v); i++)
		sum += v[i];
	if (no_buffer != NULL)
		*no_buffer = v[0];
	return sum;
}

/*
 * One port over the file. @room: bytes one receive buffer holds; @scatter:
 * Rx scatter on. The port is polled until PZ_EMPTY_POLLS bursts in a row
 * bring neither a frame nor a drop.
 */
static void
pz_run(int records, struct rte_mempool *mp, int scatter, const char *what)
{
	const uint32_t room = rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM;
	char args[PATH_MAX + 16];
	struct qpfz_mark before;
	struct rte_mbuf *rx[32];
	struct rte_eth_stats st;
	unsigned int empty = 0, polls, next = 0, got = 0, fit = 0, runts = 0, i;
	uint64_t dropped = 0, d, no_buffer = 0;
	uint32_t limit;
	uint16_t port, n, mtu;
	int ret;

	snprintf(args, sizeof(args), "rx_pcap=%s", pz_path);
	qpfz_mark(&before);
	ret = rte_vdev_init(PZ_DEV, args);
	if ((ret == 0) != (records >= 0))
		QPFZ_DIE("%s: probe %s (%d) but libpcap %s the file", what,
			 ret == 0 ? "succeeded" : "failed", ret,
			 records >= 0 ? "reads" : "refuses");
	if (ret != 0) {
		qpfz_mark_check(&before, what);
		return;
	}
	if (rte_eth_dev_get_port_by_name(PZ_DEV, &port) != 0)
		QPFZ_DIE("%s: no port after probe", what);
	ret = qpfz_setup_qp(port, PZ_RING, mp, scatter ? RTE_ETH_RX_OFFLOAD_SCATTER : 0);
	if (ret != 0)
		QPFZ_DIE("%s: queue pair set-up: %d", what, ret);
	rte_eth_promiscuous_enable(port);
	ret = rte_eth_dev_start(port);
	if (ret != 0)
		QPFZ_DIE("%s: start: %d (the file opened at probe)", what, ret);
	pz_drop_ids_get(port);

	/* A poll that moves nothing counts as empty; the bound is generous. */
	for (polls = 0; empty < PZ_EMPTY_POLLS && polls < 2u * (unsigned int)records + 64u;
	     polls++) {
		n = rte_eth_rx_burst(port, 0, rx, RTE_DIM(rx));
		if (n == 0) {
			d = pz_dropped(port, NULL);
			empty = d == dropped ? empty + 1 : 0;
			dropped = d;
		} else {
			empty = 0;
		}
		for (i = 0; i < n; i++) {
			uint32_t len = pz_linear(rx[i]);

			/* The next record it can be; records it skipped were dropped. */
			while (next < (unsigned int)records &&
			       (pz_rec[next].len != len ||
				memcmp(pz_data + pz_rec[next].off, pz_frame, len) != 0))
				next++;
			if (next == (unsigned int)records)
				QPFZ_DIE("%s: frame %u (%u bytes) is no later record of the file "
					 "(%d records)", what, got, len, records);
			next++;
			got++;
		}
		rte_pktmbuf_free_bulk(rx, n);
	}
	dropped = pz_dropped(port, &no_buffer);
	/* Runts (shorter than an Ethernet header) are not frames: the adapter
	 * counts each as a medium error and places nothing.
	 */
	if (rte_eth_dev_get_mtu(port, &mtu) != 0)
		QPFZ_DIE("%s: no MTU", what);
	/* Frames longer than the MTU allows (plus Ethernet and VLAN headers)
	 * are oversize, whatever the buffers hold.
	 */
	limit = RTE_MIN(room, (uint32_t)mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN);
	for (i = 0; i < (unsigned int)records; i++) {
		runts += pz_rec[i].len < RTE_ETHER_HDR_LEN;
		fit += pz_rec[i].len >= RTE_ETHER_HDR_LEN && pz_rec[i].len <= limit;
	}
	if (pz_xstat(port, "rx_q0_medium_errors") < runts)
		QPFZ_DIE("%s: %u runts, medium errors %" PRIu64, what, runts,
			 pz_xstat(port, "rx_q0_medium_errors"));
	if (pz_verbose)
		printf("qpfz: %s: %d records (%u fit one buffer and the MTU), %u received, %" PRIu64
		       " dropped (%" PRIu64 " for want of buffers), %u polls\n", what, records,
		       fit, got, dropped, no_buffer, polls);
	if (got > (unsigned int)records)
		QPFZ_DIE("%s: %u frames from %d records", what, got, records);
	if (rte_eth_stats_get(port, &st) != 0 || st.ipackets != got)
		QPFZ_DIE("%s: ipackets %" PRIu64 ", frames received %u", what, st.ipackets, got);
	/* Every record ends once: received, or dropped and counted. */
	if (got + dropped + runts != (uint64_t)records)
		QPFZ_DIE("%s: %d records, %u received + %" PRIu64 " dropped + %u runts", what,
			 records, got, dropped, runts);
	/* One buffer per frame: the adapter takes a record only when a buffer is
	 * posted, so exactly the records that fit one buffer arrive.
	 */
	if (!scatter && (got != fit || no_buffer != 0))
		QPFZ_DIE("%s: %u of %u records that fit a buffer and the MTU received, %" PRIu64
			 " dropped for want of buffers", what, got, fit, no_buffer);
	if (rte_eth_dev_stop(port) != 0 || rte_eth_dev_close(port) != 0)
		QPFZ_DIE("%s: stop/close failed", what);
	if (rte_vdev_uninit(PZ_DEV) != 0)
		QPFZ_DIE("%s: rte_vdev_uninit failed", what);
	qpfz_mark_check(&before, what);
}

static const char *const pz_keep[] = { NULL };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint8_t warm[] = {
		0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0, 0, 1, 0, 0, 0,
	};

	(void)argc;
	(void)argv;
	pz_verbose = getenv("QPFZ_VERBOSE") != NULL;
	qpfz_eal_init("pcap");
	qpfz_scratch_init("pcap", pz_keep);
	snprintf(pz_path, sizeof(pz_path), "%s/in.pcap", qpfz_scratch);
	qpfz_pools[0] = qpfz_pool("pz_plain", RTE_MBUF_DEFAULT_BUF_SIZE);
	qpfz_pools[1] = qpfz_pool("pz_small", RTE_PKTMBUF_HEADROOM + PZ_SMALL_ROOM);
	qpfz_warming = 1;
	LLVMFuzzerTestOneInput(warm, sizeof(warm));
	qpfz_warming = 0;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int records;

	qpfz_write_file("in.pcap", data, size);
	records = pz_oracle(size);
	pz_run(records, qpfz_pools[0], 0, "2 KB buffers");
	pz_run(records, qpfz_pools[1], 1, "192-byte buffers, scatter");
	return 0;
}
