/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Waking up instead of polling: Rx interrupts (one eventfd per receive queue,
 * one-shot per arming, inline and service adapters), link-state-change
 * callbacks that follow the cable, and the monitor address of PMD power saving.
 */
#include <poll.h>

#include <rte_epoll.h>
#include <rte_interrupts.h>
#include <rte_pause.h>
#include <rte_power_intrinsics.h>

#include "async.h"
#include "qp_slot.h" /* QP_IND_POSTED, QP_IND_DONE: what an indicator reads */

#define NB_MBUFS 4096u
#define RING     64u

static struct rte_mempool *pool;

/* Events on this lcore's epoll instance within @ms (0: just look). */
static int
events(int ms, uintptr_t *data)
{
	struct rte_epoll_event ev[4];
	int n = rte_epoll_wait(RTE_EPOLL_PER_THREAD, ev, RTE_DIM(ev), ms);

	if (n > 0 && data != NULL)
		*data = (uintptr_t)ev[0].epdata.data;
	return n;
}

/* The eventfd's counter, read and cleared; 0 if not signalled. */
static uint64_t
fd_count(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return 0;
	return v;
}

/* Wait (bounded) until @n frames wait on (@port, @q): the service delivers. */
static void
wait_waiting(uint16_t port, uint16_t q, int n)
{
	uint64_t dl = as_deadline(AS_WAIT_MS);

	while (rte_eth_rx_queue_count(port, q) < n && !as_expired(dl))
		rte_pause();
	CHECK_EQ(rte_eth_rx_queue_count(port, q), n);
}

static void
send_frames(uint16_t port, uint16_t q, uint32_t *sent, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		/* One burst each: several completions while armed. */
		CHECK_EQ(as_send(port, q, pool, 0, *sent, 1), 1);
		(*sent)++;
	}
}

static void
harvest(uint16_t port, struct as_flow *fl, uint32_t n)
{
	struct rte_mbuf *m[RING];
	unsigned int got = qpt_rx_all(port, fl->q, m, n, 8);

	CHECK_EQ(got, n);
	as_flow_take(fl, m, got);
	CHECK_EQ(fl->bad, 0);
}

/* ------------------------------------------------------ Rx interrupts */

/*
 * Port b receives with intr_conf.rxq = 1; a sends (inline: delivered inside
 * its tx burst; service: by lcore 1 while lcore 0 sleeps in epoll). Queue 0
 * is watched through EAL's epoll, queue 1 by reading its eventfd. b has
 * rxq_map=same (b picks the queue): what a sends on queue q wakes b's queue q.
 */
static void
rx_interrupts(const char *mode)
{
	enum { NB_QP = 2 };
	const uintptr_t tag0 = 0x5100;
	struct rte_eth_conf conf;
	struct as_flow fl0, fl1;
	char args[96], name[80];
	uint32_t sent0 = 0, sent1 = 0;
	uintptr_t tag = 0;
	uint16_t a, b, c;
	int fd0, fd1;

	snprintf(name, sizeof(name), "Rx interrupts, adapter=%s", mode);
	QPT_CASE(name);
	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.rxq = 1;
	snprintf(args, sizeof(args), "adapter=%s,rxq_map=same", mode);
	b = as_port("net_qpring_ib", args, NB_QP, RING, pool, &conf);
	snprintf(args, sizeof(args), "peer=net_qpring_ib,adapter=%s", mode);
	a = as_port("net_qpring_ia", args, NB_QP, RING, pool, NULL);
	snprintf(args, sizeof(args), "adapter=%s", mode);
	c = as_port("net_qpring_ic", args, NB_QP, RING, pool, NULL);
	as_start(b);
	as_start(a);
	as_start(c);
	as_flow_init(&fl0, 0, 0, 1);
	as_flow_init(&fl1, 0, 1, 1);

	/* Only a port configured for Rx interrupts has the eventfds. */
	CHECK_EQ(rte_eth_dev_rx_intr_ctl_q_get_fd(c, 0), -1);
	CHECK_EQ(rte_eth_dev_rx_intr_ctl_q(c, 0, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD, NULL),
		 -ENOTSUP);
	CHECK_EQ(rte_eth_dev_rx_intr_enable(c, 0), -EINVAL);
	fd0 = rte_eth_dev_rx_intr_ctl_q_get_fd(b, 0);
	fd1 = rte_eth_dev_rx_intr_ctl_q_get_fd(b, 1);
	CHECK(fd0 >= 0 && fd1 >= 0 && fd0 != fd1, "eventfds %d and %d", fd0, fd1);
	CHECK_EQ(rte_eth_dev_rx_intr_ctl_q(b, 0, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD,
					   (void *)tag0), 0);

	/* No traffic, armed or not: no event. */
	CHECK_EQ(events(10, NULL), 0);
	CHECK_EQ(rte_eth_dev_rx_intr_enable(b, 0), 0);
	CHECK_EQ(events(10, NULL), 0);

	/* A frame arrives: one event, for queue 0. */
	send_frames(a, 0, &sent0, 1);
	CHECK_EQ(events(AS_WAIT_MS, &tag), 1);
	CHECK_EQ(tag, tag0);
	/* One-shot: more frames, no event until armed again. */
	send_frames(a, 0, &sent0, 3);
	wait_waiting(b, 0, 4);
	CHECK_EQ(events(10, NULL), 0);
	/* Armed while frames wait: signalled at once. */
	CHECK_EQ(rte_eth_dev_rx_intr_enable(b, 0), 0);
	CHECK_EQ(events(0, &tag), 1);
	CHECK_EQ(tag, tag0);
	harvest(b, &fl0, 4);
	/* Armed, then disarmed: no event. */
	CHECK_EQ(rte_eth_dev_rx_intr_enable(b, 0), 0);
	CHECK_EQ(rte_eth_dev_rx_intr_disable(b, 0), 0);
	send_frames(a, 0, &sent0, 1);
	wait_waiting(b, 0, 1);
	CHECK_EQ(events(10, NULL), 0);
	harvest(b, &fl0, 1);

	/* Queue 1: one write per arming however many frames complete; queue
	 * 0, armed and empty, hears nothing of it.
	 */
	CHECK_EQ(fd_count(fd1), 0);
	CHECK_EQ(rte_eth_dev_rx_intr_enable(b, 0), 0);
	CHECK_EQ(rte_eth_dev_rx_intr_enable(b, 1), 0);
	send_frames(a, 1, &sent1, 5);
	wait_waiting(b, 1, 5);
	{
		struct pollfd p = { .fd = fd1, .events = POLLIN };

		CHECK_EQ(poll(&p, 1, AS_WAIT_MS), 1);
	}
	CHECK_EQ(fd_count(fd1), 1);
	CHECK_EQ(fd_count(fd1), 0);
	CHECK_EQ(events(10, NULL), 0);
	harvest(b, &fl1, 5);
	CHECK_EQ(rte_eth_dev_rx_intr_disable(b, 0), 0);
	CHECK_EQ(qpt_stats(b).ipackets, sent0 + sent1);

	/* The eventfds live while the port is started. */
	CHECK_EQ(rte_eth_dev_rx_intr_ctl_q(b, 0, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_DEL, NULL),
		 0);
	CHECK_EQ(rte_eth_dev_stop(b), 0);
	CHECK_EQ(rte_eth_dev_rx_intr_ctl_q_get_fd(b, 0), -1);
	CHECK_EQ(rte_eth_dev_rx_intr_enable(b, 0), -EINVAL);
	as_start(b);
	fd0 = rte_eth_dev_rx_intr_ctl_q_get_fd(b, 0);
	CHECK(fd0 >= 0, "eventfd after restart: %d", fd0);
	CHECK_EQ(rte_eth_dev_rx_intr_ctl_q(b, 0, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_ADD,
					   (void *)tag0), 0);
	CHECK_EQ(rte_eth_dev_rx_intr_enable(b, 0), 0);
	as_flow_init(&fl0, 1, 0, 1);
	CHECK_EQ(as_send(a, 0, pool, 1, 0, 1), 1);
	CHECK_EQ(events(AS_WAIT_MS, &tag), 1);
	CHECK_EQ(tag, tag0);
	harvest(b, &fl0, 1);
	CHECK_EQ(rte_eth_dev_rx_intr_ctl_q(b, 0, RTE_EPOLL_PER_THREAD, RTE_INTR_EVENT_DEL, NULL),
		 0);

	as_destroy("net_qpring_ia");
	as_destroy("net_qpring_ib");
	as_destroy("net_qpring_ic");
}

/* ------------------------------------------------------------------ LSC */

static unsigned int lsc_events[RTE_MAX_ETHPORTS];
static int lsc_status[RTE_MAX_ETHPORTS];
static unsigned int lsc_depth, lsc_nested;

/*
 * Count the event and read the link, as applications do in this callback.
 * Reading the link must not raise another event (it has not changed); if it
 * does, the nested call is counted and not followed, so the test fails
 * instead of recursing without end.
 */
static int
lsc_cb(uint16_t port, enum rte_eth_event_type type, void *arg, void *ret_param)
{
	struct rte_eth_link link;

	RTE_SET_USED(arg);
	RTE_SET_USED(ret_param);
	if (type != RTE_ETH_EVENT_INTR_LSC || port >= RTE_MAX_ETHPORTS)
		return 0;
	if (lsc_depth > 0) {
		lsc_nested++;
		return 0;
	}
	lsc_depth++;
	memset(&link, 0, sizeof(link));
	lsc_events[port]++;
	lsc_status[port] = rte_eth_link_get_nowait(port, &link) == 0 ? link.link_status : -1;
	lsc_depth--;
	return 0;
}

static int
link_of(uint16_t port)
{
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	return rte_eth_link_get_nowait(port, &link) == 0 ? link.link_status : -1;
}

#define CHECK_LSC(port, n, status) \
	do { \
		CHECK_EQ(lsc_nested, 0); \
		CHECK_EQ(lsc_events[port], n); \
		CHECK_EQ(lsc_status[port], status); \
		CHECK_EQ(link_of(port), status); \
	} while (0)

/*
 * a has intr_conf.lsc = 1, b does not; both have a callback. The link is up
 * while both ends are started; a hears every change, b none.
 */
static void
lsc(void)
{
	struct rte_eth_conf conf;
	uint16_t a, b;

	QPT_CASE("link-state-change callbacks follow the cable");
	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.lsc = 1;
	b = as_port("net_qpring_lb", "", 1, RING, pool, NULL);
	a = as_port("net_qpring_la", "peer=net_qpring_lb", 1, RING, pool, &conf);
	lsc_status[a] = lsc_status[b] = -1;
	CHECK_EQ(rte_eth_dev_callback_register(a, RTE_ETH_EVENT_INTR_LSC, lsc_cb, NULL), 0);
	CHECK_EQ(rte_eth_dev_callback_register(b, RTE_ETH_EVENT_INTR_LSC, lsc_cb, NULL), 0);
	CHECK_EQ(link_of(a), RTE_ETH_LINK_DOWN);

	as_start(a);  /* the other end is stopped: still down, no event */
	CHECK_EQ(lsc_events[a], 0);
	CHECK_EQ(link_of(a), RTE_ETH_LINK_DOWN);
	as_start(b);
	CHECK_LSC(a, 1, RTE_ETH_LINK_UP);
	CHECK_EQ(rte_eth_dev_stop(b), 0);
	CHECK_LSC(a, 2, RTE_ETH_LINK_DOWN);
	as_start(b);
	CHECK_LSC(a, 3, RTE_ETH_LINK_UP);
	CHECK_EQ(rte_eth_dev_stop(a), 0);
	CHECK_LSC(a, 4, RTE_ETH_LINK_DOWN);
	as_start(a);
	CHECK_LSC(a, 5, RTE_ETH_LINK_UP);
	/* The link goes up and down with a's events, but b did not ask. */
	CHECK_EQ(lsc_events[b], 0);
	CHECK_EQ(link_of(b), RTE_ETH_LINK_UP);
	/* Unplugging the other end: one event. */
	as_destroy("net_qpring_lb");
	CHECK_LSC(a, 6, RTE_ETH_LINK_DOWN);
	CHECK_EQ(rte_eth_dev_callback_unregister(a, RTE_ETH_EVENT_INTR_LSC, lsc_cb, NULL), 0);
	as_destroy("net_qpring_la");
	CHECK_EQ(lsc_events[a], 6);
	CHECK_EQ(lsc_nested, 0);
}

/* ------------------------------------------------------------ monitor */

/*
 * The monitor condition is the result word of the next receive slot the
 * driver harvests (its length, status and indicator, the one word the
 * adapter stores to complete it): its indicator reads POSTED while the
 * slot waits for a frame, and the callback says "do not sleep" exactly
 * when the indicator reads DONE, whatever the length and status. Followed
 * twice around the ring.
 */
static void
monitor(void)
{
	enum { SMALL = 16 };
	struct rte_power_monitor_cond pmc;
	struct as_flow fl;
	uint32_t step, v, aborts = 0;
	uint16_t port;

	QPT_CASE("monitor address: the result word of the next slot to harvest");
	port = as_port("net_qpring_mon", "adapter=manual", 1, SMALL, pool, NULL);
	as_start(port);
	as_flow_init(&fl, 0, 0, 1);
	memset(&pmc, 0, sizeof(pmc));
	REQUIRE(rte_eth_get_monitor_addr(port, 0, &pmc) == 0, "get_monitor_addr");
	REQUIRE(pmc.fn != NULL, "no callback");
	for (v = 0; v <= UINT16_MAX; v++)
		aborts += pmc.fn(QP_RES(v * 7u, v & 3u, v), pmc.opaque) == -1;
	CHECK_EQ(aborts, 1);
	CHECK_EQ(pmc.fn(QP_RES(0, 0, QP_IND_DONE), pmc.opaque), -1);
	CHECK_EQ(pmc.fn(QP_RES(1518, QP_ST_ERROR, QP_IND_DONE), pmc.opaque), -1);
	CHECK_EQ(pmc.fn(QP_RES(0, 0, QP_IND_POSTED), pmc.opaque), 0);
	/* Only the indicator counts: DONE in the length or status bits is not. */
	CHECK_EQ(pmc.fn(QP_RES(QP_IND_DONE, QP_IND_DONE, QP_IND_POSTED), pmc.opaque), 0);

	for (step = 0; step < 2 * SMALL + 3; step++) {
		struct rte_pmd_qpring_regs r = qpt_regs(port, 0, RTE_PMD_QPRING_RQ);
		uint64_t w;

		memset(&pmc, 0, sizeof(pmc));
		CHECK_EQ(rte_eth_get_monitor_addr(port, 0, &pmc), 0);
		CHECK_EQ(r.driver_index, step);
		/* The result word: bytes 24..31 of the slot (qp_slot.h). */
		CHECK_EQ((uintptr_t)pmc.addr, qpt_slot_va(&r, r.driver_index) + 24);
		CHECK_EQ(pmc.size, sizeof(uint64_t));
		w = __atomic_load_n((const uint64_t *)pmc.addr, __ATOMIC_ACQUIRE);
		CHECK_EQ(QP_RES_IND(w), QP_IND_POSTED);
		CHECK_EQ(pmc.fn(w, pmc.opaque), 0);

		CHECK_EQ(as_send(port, 0, pool, 0, step, 1), 1);
		CHECK_EQ(rte_pmd_qpring_adapter_poll(port, UINT32_MAX), 1);
		w = __atomic_load_n((const uint64_t *)pmc.addr, __ATOMIC_ACQUIRE);
		CHECK_EQ(QP_RES_IND(w), QP_IND_DONE);
		CHECK_EQ(QP_RES_STATUS(w) & QP_ST_MASK, QP_ST_OK);
		CHECK_EQ(QP_RES_LEN(w), as_len(step));
		CHECK_EQ(pmc.fn(w, pmc.opaque), -1);
		harvest(port, &fl, 1);
	}
	CHECK_EQ(fl.got, 2 * SMALL + 3);
	as_destroy("net_qpring_mon");
}

int
main(void)
{
	unsigned int base;

	as_eal_init("async_interrupts", 128, 1);
	pool = qpt_pool("intr_pool", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);
	base = qpt_in_use(pool);

	rx_interrupts("inline");
	rx_interrupts("service");
	lsc();
	monitor();

	QPT_CASE("pool");
	CHECK_EQ(qpt_in_use(pool), base);
	as_pool_check(pool, NB_MBUFS);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
