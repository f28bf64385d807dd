/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Issue 10, item 1: rte_pmd_qpring_adapter_poll() runs the adapters only of
 * an adapter=manual port. On adapter=inline and adapter=service it returns
 * -EBUSY, so an application that calls it from another lcore while lcore 1
 * sends and receives on an inline loopback port can neither run the
 * adapter twice on one send queue (frames delivered twice, pending wrapped,
 * a hang) nor free a zero-copy mbuf twice.
 */
#include <rte_launch.h>
#include <rte_pause.h>

#include "async.h" /* as_pool_check(), as_deadline() */
#include "fixes.h"

#define NB_MBUFS  4096u
#define RING      256u
#define FRAMES    20000u /* sent by lcore 1 in each two-lcore run */
#define LEN       128u
#define WORKER    1u

static struct rte_mempool *pool;

/* What lcore 1 saw: written by it, read by the main lcore after it ended. */
struct sender {
	uint16_t port;
	uint32_t done;         /* 1 once the worker returned (atomic) */
	uint32_t sent;
	uint32_t received;
	uint32_t dups;         /* frames that arrived a second time */
	uint32_t bad;          /* damaged, or not in sending order */
	uint32_t timed_out;
	uint8_t seen[FRAMES];
};

static struct sender snd;
static uint64_t polls; /* adapter_poll() calls of the main lcore */

static void
progress(char *buf, size_t size)
{
	snprintf(buf, size, "lcore 1 sent %u and received %u of %u frames; the main lcore "
		 "made %" PRIu64 " adapter_poll() calls", snd.sent, snd.received, FRAMES, polls);
}

/*
 * Wait (bounded) until the main lcore made another adapter_poll() call
 * since it had made @seen: each send burst then overlaps its calls, even on
 * a loaded machine where one lcore could otherwise run alone for a while.
 */
static uint64_t
poll_passed(uint64_t seen)
{
	uint64_t dl = as_deadline(1000), now;

	while ((now = __atomic_load_n(&polls, __ATOMIC_RELAXED)) == seen && !as_expired(dl))
		rte_pause();
	return now;
}

/* lcore 1: send FRAMES numbered frames on queue 0 and take them back from
 * queue 0 (loopback), each checked; bounded in time.
 */
static int
sender_main(void *arg)
{
	struct sender *s = arg;
	struct rte_mbuf *rx[QPT_BURST];
	uint64_t dl = as_deadline(20000), seen = 0;
	uint32_t next = 0, i;

	while (s->received < FRAMES) {
		if (as_expired(dl)) {
			s->timed_out = 1;
			break;
		}
		seen = poll_passed(seen);
		if (s->sent < FRAMES)
			s->sent += qpt_send(s->port, 0, pool, RTE_MIN(FRAMES - s->sent, QPT_BURST),
					    LEN, NULL, s->sent);
		for (;;) {
			uint16_t n = rte_eth_rx_burst(s->port, 0, rx, QPT_BURST);

			if (n == 0)
				break;
			for (i = 0; i < n; i++) {
				uint32_t seq = ~0u;

				if (qpt_frame_check(rx[i], LEN, &seq) != 0 || seq >= FRAMES) {
					s->bad++;
				} else if (s->seen[seq]) {
					s->dups++;
				} else {
					s->seen[seq] = 1;
					s->bad += seq != next;
					next = seq + 1;
				}
				rte_pktmbuf_free(rx[i]);
			}
			s->received += n;
		}
	}
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE); /* pairs with the main lcore's acquire */
	return 0;
}

static uint16_t
port_up(const char *name, const char *args)
{
	uint16_t port = qpt_probe(name, args);
	int ret = qpt_start(port, 1, RING, pool);

	REQUIRE(ret == 0, "start %s,%s: %d", name, args, ret);
	return port;
}

/* adapter=inline and adapter=service refuse; manual runs its adapters. */
static void
adapter_poll_refused_unless_manual(void)
{
	static const struct {
		const char *args;
		int want_busy;
	} modes[] = {
		{ "adapter=inline", 1 },
		{ "adapter=inline,copy=0", 1 },
		{ "adapter=service", 1 },
		{ "adapter=manual", 0 },
	};
	unsigned int i;

	QPT_CASE("adapter_poll_refused_unless_manual");
	for (i = 0; i < RTE_DIM(modes); i++) {
		uint16_t port = port_up("net_qpring0", modes[i].args);
		unsigned int sent = qpt_send(port, 0, pool, 8, LEN, NULL, 0), bad = 0, got;
		int ret = rte_pmd_qpring_adapter_poll(port, 64);

		CHECK_EQ(sent, 8);
		if (modes[i].want_busy) {
			CHECK(ret == -EBUSY, "%s: adapter_poll = %d, expected -EBUSY (%d)",
			      modes[i].args, ret, -EBUSY);
		} else {
			/* manual: this call is what delivers the 8 frames */
			CHECK(ret == 8, "%s: adapter_poll = %d, expected 8 WQEs serviced",
			      modes[i].args, ret);
			got = qpt_recv(port, 0, 16, LEN, 0, &bad);
			CHECK(got == 8 && bad == 0, "%s: %u frames back, %u bad", modes[i].args, got,
			      bad);
		}
		CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
		CHECK(qpt_in_use(pool) == 0, "%s: %u mbufs not back in the pool", modes[i].args,
		      qpt_in_use(pool));
	}
}

/*
 * Lcore 1 sends and receives on an inline loopback port while the main lcore
 * calls adapter_poll() on the same port as fast as it can. Every frame must
 * arrive exactly once and in order, the run must end (the watchdog bounds
 * it), and every mbuf must be back in the pool once the port is stopped,
 * none of them twice.
 */
static void
adapter_poll_beside_inline_sender(const char *name, const char *args)
{
	uint64_t refused = 0, serviced = 0;
	uint16_t port;
	int ret;

	QPT_CASE(name);
	port = port_up("net_qpring0", args);
	memset(&snd, 0, sizeof(snd));
	snd.port = port;
	polls = 0;
	fx_watchdog_progress = progress;
	fx_watchdog(40, "adapter_poll() beside an inline sender: a call never returned");
	ret = rte_eal_remote_launch(sender_main, &snd, WORKER);
	REQUIRE(ret == 0, "launch on lcore %u: %d", WORKER, ret);
	/* Acquire: pairs with the worker's release of done (its counters). */
	while (!__atomic_load_n(&snd.done, __ATOMIC_ACQUIRE)) {
		ret = rte_pmd_qpring_adapter_poll(port, 32);
		/* Relaxed: a progress mark lcore 1 waits for, nothing more. */
		__atomic_store_n(&polls, polls + 1, __ATOMIC_RELAXED);
		if (ret == -EBUSY)
			refused++;
		else if (ret > 0)
			serviced += (uint64_t)ret;
	}
	rte_eal_wait_lcore(WORKER);
	CHECK(snd.timed_out == 0, "lcore 1 gave up after 20 s: sent %u, received %u", snd.sent,
	      snd.received);
	CHECK(snd.sent == FRAMES, "sent %u of %u", snd.sent, FRAMES);
	CHECK(snd.received == FRAMES && snd.dups == 0 && snd.bad == 0,
	      "received %u frames for %u sent: %u twice, %u damaged or out of order",
	      snd.received, FRAMES, snd.dups, snd.bad);
	CHECK(polls == refused,
	      "adapter_poll() ran the inline port's adapter: %" PRIu64 " of %" PRIu64
	      " calls not refused, %" PRIu64 " WQEs serviced by the main lcore",
	      polls - refused, polls, serviced);
	CHECK_EQ(qpt_vdev_destroy("net_qpring0"), 0);
	fx_watchdog_off();
	/* Every mbuf back, none twice (a double free puts one in twice). */
	as_pool_check(pool, pool->size);
	printf("  %" PRIu64 " adapter_poll() calls beside %u frames\n", polls, FRAMES);
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		qpt_skip("needs 2 CPUs: lcore 1 sends and receives, lcore 0 polls the adapter");
	REQUIRE(setenv("QPT_LCORES", "0,1", 1) == 0, "setenv");
	qpt_eal_init("fixes_adapter_poll", 256, NULL);
	REQUIRE(rte_lcore_is_enabled(WORKER), "lcore %u not enabled", WORKER);
	/* No per-lcore cache: the pool check counts every mbuf. */
	pool = rte_pktmbuf_pool_create("fx_ap", NB_MBUFS, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       (int)rte_socket_id());
	REQUIRE(pool != NULL, "pool: %s", rte_strerror(rte_errno));

	if (fx_selected(argc, argv, "adapter_poll_refused_unless_manual"))
		adapter_poll_refused_unless_manual();
	if (fx_selected(argc, argv, "adapter_poll_beside_inline_sender_copy1"))
		adapter_poll_beside_inline_sender("adapter_poll_beside_inline_sender_copy1",
						  "adapter=inline,copy=1");
	if (fx_selected(argc, argv, "adapter_poll_beside_inline_sender_copy0"))
		adapter_poll_beside_inline_sender("adapter_poll_beside_inline_sender_copy0",
						  "adapter=inline,copy=0");

	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
