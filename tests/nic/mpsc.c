/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Several senders, one receive queue. Two send queues of a port deliver
 * into receive queue 0 of its peer at the same time: 1,000,000 frames,
 * each carrying its sender and a sequence number in a frame whose length
 * and bytes follow from them. Every frame must arrive exactly once, whole,
 * and each sender's frames in order; nothing is dropped; every mbuf is
 * back in the pool at the end. Bounded by a deadline.
 *
 * usage: nic_mpsc inline | service
 *   inline   lcore 0 sends on send queue 0 and receives, lcore 1 sends on
 *            send queue 1: each burst runs its queue's adapter, so the two
 *            claim slots of the one receive queue concurrently (copy and
 *            zero copy, 1,000,000 frames each);
 *   service  the adapter on service lcore 1 (adapter=service) delivers the
 *            two send queues that lcore 0 fills, while lcore 0 receives.
 * Senders keep at most WINDOW frames each not yet received, so the receive
 * ring (RX_RING slots) never runs out of posted buffers: a drop is a bug.
 * NIC_MPSC_FRAMES=<n> runs n frames instead (for slow sanitizer builds).
 */
#include <rte_cycles.h>
#include <rte_launch.h>
#include <rte_pause.h>
#include <rte_service.h>

#include "nic.h"

#define NB_SENDERS  2u
#define WINDOW      1024u
#define RX_RING     4096u
#define TX_RING     512u
#define NB_MBUFS    16384u
#define DEADLINE_S  50u

struct sender {
	uint16_t port;
	uint16_t q;
	uint32_t id;
	uint32_t sent;      /* frames the port took (this sender's lcore only) */
	uint32_t retries;   /* bursts the port did not take whole */
} __rte_cache_aligned;

static uint32_t total = 1000000u;  /* frames per run, NB_SENDERS equal shares */
#define PER_SENDER (total / NB_SENDERS)

static struct rte_mempool *pool;
static struct sender senders[NB_SENDERS];
/* Frames of each sender received in order (written by the receiving
 * lcore, read by the senders for their window), each on its own line.
 */
static struct {
	uint32_t n;
} __rte_cache_aligned received[NB_SENDERS];
static uint64_t deadline;
static uint32_t stop; /* the receiver gave up (deadline): senders leave */

static uint32_t
code_of(uint32_t sender, uint32_t seq)
{
	return sender << 24 | seq;
}

static uint32_t
len_of(uint32_t code)
{
	return 60u + (code * 2654435761u >> 24) % 180u;
}

/* One burst of sender @s if its window allows; returns frames taken. */
static unsigned int
send_step(struct sender *s)
{
	struct rte_mbuf *b[QPT_BURST];
	/* Acquire: pairs with the receiver's release store of the count, so
	 * the receive ring slots it freed are seen as the window opens (the
	 * ordering the test needs is only that the count is not early).
	 */
	uint32_t done = __atomic_load_n(&received[s->id].n, __ATOMIC_ACQUIRE);
	uint32_t room = WINDOW - (s->sent - done), n, k;
	uint16_t took;

	n = RTE_MIN(room, QPT_BURST);
	n = RTE_MIN(n, PER_SENDER - s->sent);
	if (n == 0)
		return 0;
	for (k = 0; k < n; k++) {
		uint32_t c = code_of(s->id, s->sent + k);

		b[k] = qpt_frame(pool, c, len_of(c), NULL);
		if (b[k] == NULL) {
			qpt_free_all(b, k);
			return 0;
		}
	}
	took = rte_eth_tx_burst(s->port, s->q, b, (uint16_t)n);
	/* Not taken: freed, built again (same numbers) next time. */
	qpt_free_all(b + took, n - took);
	s->retries += took < n;
	s->sent += took;
	return took;
}

static int
sender_main(void *arg)
{
	struct sender *s = arg;

	/* Relaxed: a flag; the deadline is the bound if it is seen late. */
	while (s->sent < PER_SENDER && !__atomic_load_n(&stop, __ATOMIC_RELAXED) &&
	       rte_get_timer_cycles() < deadline) {
		if (send_step(s) == 0)
			rte_pause();
	}
	return 0;
}

struct rx_state {
	uint32_t next[NB_SENDERS];
	uint64_t bad, order, unknown;
};

/* Receive one burst on queue 0 of @port and check it. */
static unsigned int
recv_step(uint16_t port, struct rx_state *r)
{
	struct rte_mbuf *b[QPT_BURST];
	uint16_t n = rte_eth_rx_burst(port, 0, b, QPT_BURST), k;

	for (k = 0; k < n; k++) {
		uint32_t code = 0, len = b[k]->pkt_len, id, seq;

		if (qpt_frame_check(b[k], len, &code) != 0 || len != len_of(code)) {
			r->bad++;
		} else if ((id = code >> 24) >= NB_SENDERS) {
			r->unknown++;
		} else {
			seq = code & 0xffffff;
			r->order += seq != r->next[id];
			r->next[id] = seq + 1;
			/* Release: pairs with the sender's acquire (window).
			 * This lcore is the only writer: its own load is relaxed.
			 */
			__atomic_store_n(&received[id].n,
					 __atomic_load_n(&received[id].n, __ATOMIC_RELAXED) + 1,
					 __ATOMIC_RELEASE);
		}
		rte_pktmbuf_free(b[k]);
	}
	return n;
}

static void
run(const char *what, int copy, int service)
{
	char a_args[64], b_args[96];
	const char *na = "net_qpring_mpsc_a", *nb = "net_qpring_mpsc_b";
	struct rte_eth_conf conf;
	struct rx_state r;
	struct rte_eth_stats st, sr;
	uint64_t start, got = 0, hz = rte_get_timer_hz();
	unsigned int i, base = qpt_in_use(pool);
	uint16_t a, b;
	double secs;

	QPT_CASE(what);
	memset(&r, 0, sizeof(r));
	memset(received, 0, sizeof(received));
	stop = 0;
	snprintf(a_args, sizeof(a_args), "copy=%d%s", copy, service ? ",adapter=service" : "");
	snprintf(b_args, sizeof(b_args), "peer=%s,copy=%d", na, copy);
	a = qpt_probe(na, a_args);
	b = qpt_probe(nb, b_args);
	memset(&conf, 0, sizeof(conf));
	REQUIRE(nic_setup(a, 1, NB_SENDERS, TX_RING, &conf, pool) == 0, "set-up a");
	REQUIRE(nic_setup(b, 1, 1, RX_RING, &conf, pool) == 0, "set-up b");
	REQUIRE(rte_eth_dev_start(b) == 0 && rte_eth_dev_start(a) == 0, "start");
	for (i = 0; i < NB_SENDERS; i++) {
		memset(&senders[i], 0, sizeof(senders[i]));
		senders[i].port = a;
		senders[i].q = (uint16_t)i;
		senders[i].id = i;
	}
	start = rte_get_timer_cycles();
	deadline = start + hz * DEADLINE_S;
	if (!service)
		REQUIRE(rte_eal_remote_launch(sender_main, &senders[1], 1) == 0, "launch");
	while (got < total && rte_get_timer_cycles() < deadline) {
		send_step(&senders[0]);
		if (service)
			send_step(&senders[1]);
		got += recv_step(b, &r);
	}
	/* Relaxed: see sender_main(). */
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	if (!service)
		rte_eal_wait_lcore(1);
	secs = (double)(rte_get_timer_cycles() - start) / (double)hz;
	printf("  %" PRIu64 " frames received in %.2f s (%.2f Mpps); sender retries %u, %u\n",
	       got, secs, (double)got / secs / 1e6, senders[0].retries, senders[1].retries);

	CHECK(got == total, "%s: %" PRIu64 " frames received of %u before the %u s deadline",
	      what, got, total, DEADLINE_S);
	CHECK(r.bad == 0 && r.unknown == 0, "%s: %" PRIu64 " damaged, %" PRIu64 " unknown frames",
	      what, r.bad, r.unknown);
	CHECK(r.order == 0, "%s: %" PRIu64 " frames out of order or repeated", what, r.order);
	for (i = 0; i < NB_SENDERS; i++) {
		CHECK(senders[i].sent == PER_SENDER && r.next[i] == PER_SENDER &&
		      received[i].n == PER_SENDER,
		      "%s: sender %u sent %u, received %u, last %u, want %u", what, i,
		      senders[i].sent, received[i].n, r.next[i], PER_SENDER);
		CHECK_EQ(qpt_qxstat(a, "tx", (uint16_t)i, "no_link_drops"), 0);
	}
	CHECK_EQ(qpt_qxstat(b, "rx", 0, "no_buffer_drops"), 0);
	CHECK_EQ(qpt_qxstat(b, "rx", 0, "error_completions"), 0);
	/* Nothing left on the receive queue: exactly once means no extra. */
	CHECK_EQ(recv_step(b, &r), 0);
	st = qpt_stats(a);
	sr = qpt_stats(b);
	CHECK_EQ(st.opackets, total);
	CHECK_EQ(sr.ipackets, total);
	CHECK_EQ(st.oerrors, 0);
	CHECK_EQ(sr.ierrors + sr.imissed, 0);

	CHECK_EQ(qpt_vdev_destroy(na), 0);
	CHECK_EQ(qpt_vdev_destroy(nb), 0);
	CHECK(qpt_in_use(pool) == base, "%s: %u mbufs not back in the pool", what,
	      qpt_in_use(pool) - base);
}

int
main(int argc, char **argv)
{
	static const char *const svc_args[] = { "-S", "1", NULL };
	int service;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2 || (strcmp(argv[1], "inline") != 0 && strcmp(argv[1], "service") != 0)) {
		printf("usage: nic_mpsc inline|service\n");
		return 1;
	}
	service = strcmp(argv[1], "service") == 0;
	if (getenv("NIC_MPSC_FRAMES") != NULL) {
		total = (uint32_t)strtoul(getenv("NIC_MPSC_FRAMES"), NULL, 10);
		if (total < NB_SENDERS || total / NB_SENDERS >= (1u << 24)) {
			printf("NIC_MPSC_FRAMES: %u frames; %u to %u\n", total, NB_SENDERS,
			       NB_SENDERS * ((1u << 24) - 1));
			return 1;
		}
		total -= total % NB_SENDERS;
	}
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		qpt_skip("needs 2 CPUs: two lcores deliver at once");
	REQUIRE(setenv("QPT_LCORES", "0,1", 1) == 0, "setenv");
	qpt_eal_init(service ? "nic_mpsc_svc" : "nic_mpsc", 256, service ? svc_args : NULL);
	pool = rte_pktmbuf_pool_create("nic_mpsc_pool", NB_MBUFS, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	REQUIRE(pool != NULL, "pool: %s", rte_strerror(rte_errno));
	if (service) {
		run("adapter=service, copy=1: 2 send queues -> 1 receive queue", 1, 1);
		run("adapter=service, copy=0: 2 send queues -> 1 receive queue", 0, 1);
	} else {
		run("inline, copy=1: 2 lcores -> 1 receive queue", 1, 0);
		run("inline, copy=0: 2 lcores -> 1 receive queue", 0, 0);
	}
	QPT_CASE("pool");
	CHECK_EQ(qpt_in_use(pool), 0);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
