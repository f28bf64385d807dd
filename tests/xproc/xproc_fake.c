/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * xproc_fake: a fake peer for the cross-process wire's tests, built on the
 * protocol module alone (no EAL). It plays a client (--connect PATH) or a
 * server (--listen PATH) and then:
 *
 *   --expect-refuse R  says HELLO (of --version V, default this build's)
 *                      and waits for a REFUSE with reason R (1 busy,
 *                      2 version, ...): exit 0 if it comes, 1 if not
 *   --hostile SECONDS  does the whole handshake (maps the port's region,
 *                      shares a region of its own with rings full of
 *                      garbage, RXPORT, UP) and then, for SECONDS, writes
 *                      garbage into the port's rings, registers and
 *                      buffers and into its own rings the port delivers
 *                      into; then sends a malformed message and expects
 *                      a REFUSE (bad message)
 *
 * Every wait has a deadline (--timeout, default 10 s). Lines on stdout:
 * "FAKE k=v ...". Exit 0 ok, 1 not as expected, 2 usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "qp_hwq.h"
#include "qpring_xproc_proto.h"

#define WHY 256

static const char *path;
static int listening, version = QP_XPROC_VERSION, expect_refuse = -1;
static double hostile_s = -1, timeout_s = 10;

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

/* splitmix64: consecutive outputs independent enough that an index and
 * the choice of what to write there are not tied to each other.
 */
static uint64_t
rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Wait up to the deadline for one message; 1 got, 0 timeout, <0 error. */
static int
recv_wait(struct qp_xproc_chan *c, struct qp_xproc_msg *m, double deadline)
{
	char why[WHY] = "";
	int ret;

	for (;;) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		double left = deadline - now_s();

		ret = qp_xproc_recv(c, m, why, sizeof(why));
		if (ret != 0) {
			if (ret < 0)
				printf("FAKE recv_error=%d why=\"%s\"\n", ret, why);
			return ret;
		}
		if (left <= 0)
			return 0;
		poll(&p, 1, (int)(left * 1000) + 1);
	}
}

/* Send @m with the header's version patched to @version. */
static int
send_versioned(struct qp_xproc_chan *c, struct qp_xproc_msg *m)
{
	uint8_t buf[QP_XPROC_MSG_MAX];
	char why[WHY] = "";
	int n;

	if (version == QP_XPROC_VERSION)
		return qp_xproc_send(c, m, why, sizeof(why));
	m->hdr.seq = c->tx_seq;
	n = qp_xproc_encode(m, buf, sizeof(buf), why, sizeof(why));
	if (n < 0)
		return n;
	buf[4] = (uint8_t)version;
	buf[5] = (uint8_t)(version >> 8);
	if (send(c->fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
		return -errno;
	c->tx_seq++;
	return 0;
}

static int
wait_refuse(struct qp_xproc_chan *c, double deadline)
{
	struct qp_xproc_msg m;
	int ret;

	for (;;) {
		ret = recv_wait(c, &m, deadline);
		if (ret <= 0) {
			printf("FAKE refuse=none ret=%d\n", ret);
			return 1;
		}
		if (m.hdr.type == QP_XPROC_REFUSE) {
			printf("FAKE refuse=%u text=\"%s\"\n", m.u.refuse.reason, m.u.refuse.text);
			return expect_refuse < 0 || (int)m.u.refuse.reason == expect_refuse ? 0 : 1;
		}
		printf("FAKE got=%s\n", qp_xproc_type_str(m.hdr.type));
		qp_xproc_msg_clear(&m);
	}
}

/* Garbage into a ring of @nb slots at @hw (the port's, or our own). */
static void
scribble_ring(struct qp_hwq *hw, uint32_t nb, uint64_t region_lo, uint64_t region_size)
{
	struct qp_slot *s = &hw->slots[rnd() % nb];
	uint64_t r = rnd();

	switch (r % 12) {
	case 0:
		s->res_len = (uint32_t)rnd();
		break;
	case 1:
		s->res_len = (uint32_t)(rnd() % 4096);
		s->res_status = (uint16_t)rnd();
		__atomic_store_n(&s->indicator, QP_IND_DONE, __ATOMIC_RELEASE);
		break;
	case 2:
		__atomic_store_n(&s->indicator, (uint16_t)rnd(), __ATOMIC_RELAXED);
		break;
	case 3:
		s->addr = rnd() % 2 ? rnd() : region_lo + rnd() % (region_size + 4096);
		s->len = (uint32_t)rnd();
		break;
	case 4:
		s->cookie = rnd();
		s->wb_off = (uint16_t)rnd();
		s->wb_ol = (uint16_t)rnd();
		break;
	case 5:
		__atomic_store_n(&hw->regs.pending, (uint32_t)rnd(), __ATOMIC_RELAXED);
		break;
	case 6:
		__atomic_store_n(&hw->regs.doorbell, rnd(), __ATOMIC_RELAXED);
		break;
	case 7:
		__atomic_store_n(&hw->ad.head, (uint32_t)rnd(), __ATOMIC_RELAXED);
		break;
	case 8:
		hw->ad.mask = (uint32_t)rnd();
		hw->regs.size = (uint32_t)rnd();
		break;
	case 9:
		__atomic_store_n(&hw->ad.busy, 1, __ATOMIC_RELAXED);
		break;
	case 10:
		s->res_status = (uint16_t)(QP_ST_OK | QP_ST_F_MORE | QP_ST_F_WB);
		s->res_len = 64;
		__atomic_store_n(&s->indicator, QP_IND_DONE, __ATOMIC_RELEASE);
		break;
	default:
		hw->ad.serviced = rnd();
		hw->ad.no_buffer = rnd();
		break;
	}
}

static int
hostile(struct qp_xproc_chan *c, const struct qp_xproc_hello *theirs)
{
	struct qp_xproc_map port_map = { 0 };
	struct qp_xproc_rxport their_rx;
	struct qp_xproc_msg m;
	char why[WHY] = "";
	const uint64_t own_size = 1u << 20;
	const uint32_t own_slots = 512;
	uint8_t *own;
	double deadline = now_s() + timeout_s, end;
	uint64_t writes = 0;
	int own_fd = -1, have_rx = 0, ret, rc = 1;
	uint32_t i;

	memset(&their_rx, 0, sizeof(their_rx));
	/* Our region: one ring at 0 (garbage), buffers behind it. */
	if (qp_xproc_memfd_create("qpring-fake", own_size, &own_fd, why, sizeof(why)) != 0) {
		printf("FAKE error=\"%s\"\n", why);
		return 1;
	}
	own = mmap(NULL, own_size, PROT_READ | PROT_WRITE, MAP_SHARED, own_fd, 0);
	if (own == MAP_FAILED)
		return 1;
	qp_hwq_init((struct qp_hwq *)(void *)own, own_slots);
	for (i = 0; i < own_slots; i++) {
		struct qp_slot *s = &((struct qp_hwq *)(void *)own)->slots[i];

		/* Posted buffers, half of them outside our region. */
		s->addr = i % 2 ? (uint64_t)(uintptr_t)own + own_size / 2 + 2048 * (i / 2 % 64) :
				  0xdead000000ull + i;
		s->len = 2048;
		s->flags = QP_WQE_F_RECV;
		__atomic_store_n(&s->indicator, QP_IND_POSTED, __ATOMIC_RELAXED);
	}
	((struct qp_hwq *)(void *)own)->regs.pending = own_slots;

	qp_xproc_msg_init(&m, QP_XPROC_REGION);
	m.u.region.size = own_size;
	m.u.region.owner_va = (uint64_t)(uintptr_t)own;
	m.fd = own_fd;
	ret = qp_xproc_send(c, &m, why, sizeof(why));
	qp_xproc_msg_init(&m, QP_XPROC_RXPORT);
	m.u.rxport.nb_rq = 1;
	m.u.rxport.filter = QP_XPROC_FILTER_ALL;
	m.u.rxport.max_frame_len = 1518;
	m.u.rxport.rq[0].offset = 0;
	m.u.rxport.rq[0].nb_slots = own_slots;
	m.u.rxport.rq[0].buf_size = 2048;
	if (ret == 0)
		ret = qp_xproc_send(c, &m, why, sizeof(why));
	qp_xproc_msg_init(&m, QP_XPROC_UP);
	m.u.state.epoch = 1;
	if (ret == 0)
		ret = qp_xproc_send(c, &m, why, sizeof(why));
	if (ret != 0) {
		printf("FAKE error=\"%s\"\n", why);
		goto out;
	}
	/* The port's REGION, RXPORT and UP. */
	while (!have_rx || port_map.base == NULL) {
		ret = recv_wait(c, &m, deadline);
		if (ret <= 0) {
			printf("FAKE handshake=incomplete ret=%d\n", ret);
			goto out;
		}
		if (m.hdr.type == QP_XPROC_REGION) {
			if (qp_xproc_map_region(&m.u.region, m.fd, &port_map, why,
						sizeof(why)) != 0) {
				printf("FAKE map_error=\"%s\"\n", why);
				qp_xproc_msg_clear(&m);
				goto out;
			}
		} else if (m.hdr.type == QP_XPROC_RXPORT) {
			if (qp_xproc_rxport_check(&m.u.rxport, &port_map, 1, theirs->ring_hdr_size,
						  theirs->slot_size, why, sizeof(why)) != 0) {
				printf("FAKE rxport_error=\"%s\"\n", why);
				goto out;
			}
			their_rx = m.u.rxport;
			have_rx = their_rx.nb_rq > 0;
		} else if (m.hdr.type == QP_XPROC_REFUSE) {
			printf("FAKE refuse=%u text=\"%s\"\n", m.u.refuse.reason, m.u.refuse.text);
			goto out;
		}
		qp_xproc_msg_clear(&m);
	}
	printf("FAKE handshake=done rq=%u\n", their_rx.nb_rq);
	fflush(stdout);
	end = now_s() + hostile_s;
	while (now_s() < end) {
		for (i = 0; i < 1000; i++) {
			const struct qp_xproc_rq *q = &their_rx.rq[rnd() % their_rx.nb_rq];
			struct qp_hwq *hw = (struct qp_hwq *)(void *)(port_map.base + q->offset);

			switch (rnd() % 4) {
			case 0:
			case 1:
				scribble_ring(hw, q->nb_slots, port_map.owner_va, port_map.size);
				break;
			case 2:
				port_map.base[rnd() % port_map.size] = (uint8_t)rnd();
				break;
			default:
				scribble_ring((struct qp_hwq *)(void *)own, own_slots,
					      (uint64_t)(uintptr_t)own, own_size);
				break;
			}
			writes++;
		}
		/* Answer what comes (a DOWN is acknowledged: the port's stop
		 * must still work with a hostile peer; an UP too, as a peer
		 * that delivers into the port says).
		 */
		while (qp_xproc_recv(c, &m, why, sizeof(why)) == 1) {
			if (m.hdr.type == QP_XPROC_DOWN || m.hdr.type == QP_XPROC_UP) {
				struct qp_xproc_msg a;

				qp_xproc_msg_init(&a, m.hdr.type == QP_XPROC_DOWN ?
						  QP_XPROC_DOWN_ACK : QP_XPROC_UP_ACK);
				a.u.state.epoch = m.u.state.epoch;
				(void)qp_xproc_send(c, &a, NULL, 0);
			}
			qp_xproc_msg_clear(&m);
		}
		usleep(200);
	}
	printf("FAKE scribbled=%llu\n", (unsigned long long)writes);
	/* Last, a malformed message: a ring outside our region. */
	qp_xproc_msg_init(&m, QP_XPROC_RXPORT);
	m.u.rxport.nb_rq = 1;
	m.u.rxport.max_frame_len = 1518;
	m.u.rxport.rq[0].offset = own_size - 64;
	m.u.rxport.rq[0].nb_slots = 1024;
	m.u.rxport.rq[0].buf_size = 2048;
	(void)qp_xproc_send(c, &m, NULL, 0);
	expect_refuse = QP_XPROC_REFUSE_REGION;
	rc = wait_refuse(c, now_s() + timeout_s);
out:
	qp_xproc_unmap_region(&port_map);
	munmap(own, own_size);
	close(own_fd);
	return rc;
}

int
main(int argc, char **argv)
{
	struct qp_xproc_listener l = { .fd = -1 };
	struct qp_xproc_chan c;
	struct qp_xproc_msg m, hello;
	char why[WHY] = "";
	double deadline;
	int i, fd = -1, ret, rc = 1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--connect") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc) {
			path = argv[++i];
			listening = 1;
		} else if (strcmp(argv[i], "--version") == 0 && i + 1 < argc) {
			version = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--expect-refuse") == 0 && i + 1 < argc) {
			expect_refuse = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--hostile") == 0 && i + 1 < argc) {
			hostile_s = atof(argv[++i]);
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			timeout_s = atof(argv[++i]);
		} else {
			fprintf(stderr, "usage: xproc_fake --connect PATH|--listen PATH [--version V] "
				"[--expect-refuse R | --hostile SECONDS] [--timeout S]\n");
			return 2;
		}
	}
	if (path == NULL)
		return 2;
	rng ^= (uint64_t)getpid() << 32;
	deadline = now_s() + timeout_s;
	if (listening) {
		if (qp_xproc_listen(&l, path, why, sizeof(why)) != 0) {
			printf("FAKE error=\"%s\"\n", why);
			return 1;
		}
		printf("FAKE listening=%s\n", path);
		fflush(stdout);
		while ((ret = qp_xproc_accept(&l, &fd, why, sizeof(why))) == -EAGAIN &&
		       now_s() < deadline) {
			struct pollfd p = { .fd = l.fd, .events = POLLIN };

			poll(&p, 1, 50);
		}
		if (ret != 0) {
			printf("FAKE accept=none\n");
			qp_xproc_unlisten(&l);
			return 1;
		}
	} else {
		while ((ret = qp_xproc_connect(path, &fd, why, sizeof(why))) == -EAGAIN &&
		       now_s() < deadline)
			usleep(20000);
		if (ret != 0) {
			printf("FAKE connect_error=\"%s\"\n", why);
			return 1;
		}
	}
	qp_xproc_chan_init(&c, fd);
	printf("FAKE connected\n");
	fflush(stdout);
	if (expect_refuse == QP_XPROC_REFUSE_BUSY) {
		/* A busy server refuses before anything is said. */
		rc = wait_refuse(&c, deadline);
		goto out;
	}
	/* The port says HELLO first: take its layout, answer with ours. */
	ret = recv_wait(&c, &hello, deadline);
	if (ret <= 0 || hello.hdr.type != QP_XPROC_HELLO) {
		printf("FAKE hello=none ret=%d\n", ret);
		goto out;
	}
	printf("FAKE peer=%s layout=0x%x\n", hello.u.hello.name, hello.u.hello.layout_id);
	qp_xproc_msg_init(&m, QP_XPROC_HELLO);
	m.u.hello = hello.u.hello;
	m.u.hello.role = listening ? QP_XPROC_ROLE_SERVER : QP_XPROC_ROLE_CLIENT;
	m.u.hello.pid = (uint32_t)getpid();
	snprintf(m.u.hello.name, sizeof(m.u.hello.name), "xproc_fake");
	ret = send_versioned(&c, &m);
	if (ret != 0) {
		printf("FAKE send_error=%d\n", ret);
		goto out;
	}
	if (hostile_s >= 0)
		rc = hostile(&c, &hello.u.hello);
	else
		rc = wait_refuse(&c, deadline);
out:
	qp_xproc_chan_close(&c);
	if (listening)
		qp_xproc_unlisten(&l);
	printf("FAKE rc=%d\n", rc);
	return rc;
}
