/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * libFuzzer target: the cross-process wire's control protocol
 * (drivers/net/qpring/qpring_xproc_proto.c), alone: no EAL, no port. An
 * input is a peer talking to us:
 *
 *   byte 0   options: bit 0 through a socketpair (sendmsg + qp_xproc_recv(),
 *            so the kernel's truncation and fd passing are in play) instead
 *            of qp_xproc_decode() directly
 *   then     up to 8 messages, each: a u16 little-endian length, one byte
 *            saying which fds go with it (bits 0-1 the kind: 0 none,
 *            1 /dev/null, 2 a sealed 64 KiB memfd, 3 an unsealed one;
 *            bits 2-3 how many, 0..3), and that many bytes (the last
 *            message takes what remains)
 *
 * Each decoded REGION is mapped (qp_xproc_map_region()) into a table by
 * id, each decoded RXPORT is checked against the table
 * (qp_xproc_rxport_check()) and, when accepted, every ring is translated
 * and its first and last byte touched. Checked, besides ASan/UBSan:
 *  - the result is 0 or one of the documented errors, with a reason;
 *  - a decoded message encodes back to exactly its bytes (canonical form);
 *  - fd ownership: a REGION keeps exactly its one fd, every other fd given
 *    to the decoder (or received by qp_xproc_recv()) is closed, and after
 *    each message the process holds exactly the fds it held before;
 *  - an accepted RXPORT's rings translate inside their mapped regions.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qpring_xproc_proto.h"

#define XF_RING_HDR  192u /* the ring layout the harness plays with */
#define XF_SLOT      32u
#define XF_MEMFD     65536u
#define XF_MAX_MSGS  8u
#define XF_FD_SCAN   64   /* fds 0..63 are scanned for leaks */

#define XF_DIE(...) \
	do { \
		fprintf(stderr, "qpfz: FAIL: " __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} while (0)

static int xf_sock[2] = { -1, -1 };
static unsigned int xf_baseline;
static struct qp_xproc_map xf_maps[QP_XPROC_REGIONS_MAX];
static int xf_verbose;

/* Open fds among 0..XF_FD_SCAN-1 (fds are allocated lowest first, so a
 * leak of this harness's few fds lands in the range).
 */
static unsigned int
xf_count_fds(void)
{
	unsigned int n = 0;
	int fd;

	for (fd = 0; fd < XF_FD_SCAN; fd++)
		n += fcntl(fd, F_GETFD) != -1;
	return n;
}

static int
xf_open_fd(unsigned int kind)
{
	int fd = -1;

	switch (kind) {
	case 1:
		fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		break;
	case 2:
		fd = memfd_create("xf-sealed", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (fd >= 0 && (ftruncate(fd, XF_MEMFD) != 0 ||
				fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0))
			XF_DIE("memfd set-up: %s", strerror(errno));
		break;
	default:
		fd = memfd_create("xf-unsealed", MFD_CLOEXEC);
		if (fd >= 0 && ftruncate(fd, XF_MEMFD) != 0)
			XF_DIE("memfd set-up: %s", strerror(errno));
		break;
	}
	if (fd < 0)
		XF_DIE("cannot open an fd of kind %u: %s", kind, strerror(errno));
	return fd;
}

static void
xf_send_raw(const uint8_t *buf, size_t len, const int *fds, unsigned int nb_fds)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * 3)];
	} ctl;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr mh;
	struct cmsghdr *cm;

	memset(&mh, 0, sizeof(mh));
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (nb_fds > 0) {
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nb_fds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nb_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nb_fds);
	}
	if (sendmsg(xf_sock[0], &mh, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)len)
		XF_DIE("sendmsg of %zu bytes: %s", len, strerror(errno));
}

static void
xf_check_error(int ret, const char *why, int via_socket)
{
	int ok = ret == -EBADMSG || ret == -EINVAL || ret == -EPROTONOSUPPORT;

	if (via_socket)
		ok |= ret == -EMSGSIZE || ret == -EPROTO || ret == -ECONNRESET;
	if (!ok)
		XF_DIE("undocumented result %d (%s)", ret, why);
	if (why[0] == '\0')
		XF_DIE("error %d without a reason", ret);
}

/* An accepted RXPORT: every ring lies inside its region; touch its ends. */
static void
xf_use_rxport(const struct qp_xproc_rxport *x)
{
	unsigned int i, k;

	for (i = 0; i < x->nb_rq; i++) {
		const struct qp_xproc_rq *q = &x->rq[i];
		const struct qp_xproc_map *m = NULL;
		uint64_t bytes = qp_xproc_ring_bytes(q->nb_slots, XF_RING_HDR, XF_SLOT);
		volatile uint8_t *p;

		for (k = 0; k < QP_XPROC_REGIONS_MAX; k++)
			if (xf_maps[k].base != NULL && xf_maps[k].id == q->region_id)
				m = &xf_maps[k];
		if (m == NULL)
			XF_DIE("rq %u: accepted with region %u unmapped", i, q->region_id);
		p = qp_xproc_map_translate(m, m->owner_va + q->offset, bytes);
		if (p == NULL)
			XF_DIE("rq %u: accepted ring (offset %llu, %llu bytes) does not translate",
			       i, (unsigned long long)q->offset, (unsigned long long)bytes);
		p[0] = (uint8_t)i;
		p[bytes - 1] = (uint8_t)i;
		/* A buffer address as the peer might post it: inside, or NULL. */
		p = qp_xproc_map_translate(m, q->offset, q->buf_size);
		if (p != NULL && (p < m->base || p + q->buf_size > m->base + m->size))
			XF_DIE("translate returned memory outside the region");
	}
}

/* One message from the peer. */
static void
xf_one(const uint8_t *data, size_t len, unsigned int kind, unsigned int nb_fds, int via_socket)
{
	static uint8_t again[QP_XPROC_MSG_MAX];
	struct qp_xproc_chan chan;
	struct qp_xproc_msg msg;
	char why[256] = "";
	int fds[3] = { -1, -1, -1 };
	unsigned int i;
	int ret, n;

	for (i = 0; i < nb_fds; i++)
		fds[i] = xf_open_fd(kind);
	if (!via_socket) {
		ret = qp_xproc_decode(data, len, fds, nb_fds, &msg, why, sizeof(why));
		/* Ownership: only a decoded REGION keeps an fd, and it is the first. */
		for (i = 0; i < nb_fds; i++) {
			int kept = ret == 0 && i == 0 && msg.fd == fds[0];

			if (!kept && fcntl(fds[i], F_GETFD) != -1)
				XF_DIE("fd %u of %u (%d) left open by decode (ret %d, %s)", i,
				       nb_fds, fds[i], ret, why);
		}
		if (ret == 0 && msg.fd != (msg.hdr.type == QP_XPROC_REGION ? fds[0] : -1))
			XF_DIE("decoded %s holds fd %d", qp_xproc_type_str(msg.hdr.type), msg.fd);
	} else {
		xf_send_raw(data, len, fds, nb_fds);
		for (i = 0; i < nb_fds; i++)
			close(fds[i]);
		qp_xproc_chan_init(&chan, xf_sock[1]);
		/* Let the sequence check pass, so the decoder is reached. */
		if (len >= QP_XPROC_HDR_LEN)
			memcpy(&chan.rx_seq, data + 12, 4);
		ret = qp_xproc_recv(&chan, &msg, why, sizeof(why));
		if (ret == 0)
			XF_DIE("a sent message was not received");
		ret = ret == 1 ? 0 : ret;
		if (ret == 0 && (msg.hdr.type == QP_XPROC_REGION) != (msg.fd >= 0))
			XF_DIE("received %s holds fd %d", qp_xproc_type_str(msg.hdr.type), msg.fd);
		if (ret != 0 && msg.fd != -1)
			XF_DIE("failed receive holds fd %d", msg.fd);
	}
	if (ret != 0) {
		xf_check_error(ret, why, via_socket);
		if (xf_verbose)
			printf("xproc: %zu bytes, %u fds: %d %s\n", len, nb_fds, ret, why);
		return;
	}
	if (xf_verbose)
		printf("xproc: %zu bytes, %u fds: %s\n", len, nb_fds,
		       qp_xproc_type_str(msg.hdr.type));
	/* Canonical: what decodes encodes back to the same bytes. */
	if (msg.hdr.version == QP_XPROC_VERSION) {
		n = qp_xproc_encode(&msg, again, sizeof(again), why, sizeof(why));
		if (n < 0 || (size_t)n != len || memcmp(again, data, len) != 0)
			XF_DIE("%s of %zu bytes re-encodes to %d bytes%s (%s)",
			       qp_xproc_type_str(msg.hdr.type), len, n,
			       n == (int)len ? " that differ" : "", n < 0 ? why : "");
	}
	switch (msg.hdr.type) {
	case QP_XPROC_REGION: {
		struct qp_xproc_map *slot = &xf_maps[msg.u.region.id];

		qp_xproc_unmap_region(slot);
		ret = qp_xproc_map_region(&msg.u.region, msg.fd, slot, why, sizeof(why));
		if (xf_verbose)
			printf("xproc: map region %u: %d %s\n", msg.u.region.id, ret,
			       ret == 0 ? "" : why);
		if (ret == 0) {
			volatile uint8_t *p = slot->base;

			/* Mapped: both ends are memory of the file, no SIGBUS. */
			p[0] = 1;
			p[slot->size - 1] = 1;
		} else if (ret != -EINVAL || why[0] == '\0') {
			XF_DIE("map_region: %d (%s)", ret, why);
		}
		qp_xproc_msg_clear(&msg);
		break;
	}
	case QP_XPROC_RXPORT:
		ret = qp_xproc_rxport_check(&msg.u.rxport, xf_maps, QP_XPROC_REGIONS_MAX,
					    XF_RING_HDR, XF_SLOT, why, sizeof(why));
		if (xf_verbose)
			printf("xproc: rxport check: %d %s\n", ret, ret == 0 ? "" : why);
		if (ret == 0)
			xf_use_rxport(&msg.u.rxport);
		else if (ret != -EINVAL || why[0] == '\0')
			XF_DIE("rxport_check: %d (%s)", ret, why);
		break;
	default:
		break;
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xf_verbose = getenv("QPFZ_VERBOSE") != NULL;
	/* One connection for the whole run: each message is sent and read back
	 * before the next, so nothing carries over between inputs.
	 */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, xf_sock) != 0)
		XF_DIE("socketpair: %s", strerror(errno));
	if (fcntl(xf_sock[1], F_SETFL, O_NONBLOCK) != 0)
		XF_DIE("O_NONBLOCK: %s", strerror(errno));
	xf_baseline = xf_count_fds();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int opt, kind, nb_fds, msgs = 0, i, now;
	size_t pos = 1, len;

	if (size == 0)
		return 0;
	opt = data[0];
	while (pos < size && msgs < XF_MAX_MSGS) {
		kind = 0;
		if (size - pos >= 3) {
			len = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
			kind = data[pos + 2];
			pos += 3;
		} else {
			len = size - pos;
		}
		if (len > size - pos)
			len = size - pos;
		nb_fds = (kind & 3u) == 0 ? 0 : (kind >> 2) & 3u;
		xf_one(data + pos, len, kind & 3u, nb_fds, (opt & 1u) != 0);
		pos += len;
		msgs++;
		now = xf_count_fds();
		if (now != xf_baseline)
			XF_DIE("message %u: %u fds open, %u before (fd leak)", msgs, now,
			       xf_baseline);
	}
	for (i = 0; i < QP_XPROC_REGIONS_MAX; i++)
		qp_xproc_unmap_region(&xf_maps[i]);
	return 0;
}
