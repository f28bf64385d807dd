/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The cross-process wire's control protocol (qpring_xproc_proto.[ch]), no
 * EAL: the wire layout, encode/decode round trips of every message, each
 * validation rule refused with its reason, fds passed and closed, memfd
 * regions shared over a socketpair, truncated messages, and the socket
 * helpers (listen, busy, stale, connect, refusals) in a temporary directory.
 * Every malformed-input case is checked to leave no fd open.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../common/check.h"
#include "qpring_xproc_proto.h"

#define UNIT_CASE(name) CHECK_CASE(name)
#define WHY_LEN         256
#define REGION_SIZE     65536u
#define RING_HDR        192u /* any multiple of 64: the module does not know the driver's */
#define SLOT            32u
#define LAYOUT          0x5150u

/* ------------------------------------------------------------ helpers */
static unsigned int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned int n = 0;

	REQUIRE(d != NULL, "opendir /proc/self/fd: %s", strerror(errno));
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own fd */
}

static bool
fd_open(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) != -1;
}

static int
devnull(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	REQUIRE(fd >= 0, "open /dev/null: %s", strerror(errno));
	return fd;
}

static void
put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
get_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void
hello_fill(struct qp_xproc_hello *h, uint8_t role, const char *name)
{
	memset(h, 0, sizeof(*h)); /* the name's padding travels: NUL */
	h->role = role;
	h->pid = (uint32_t)getpid();
	h->features = 0;
	h->layout_id = LAYOUT;
	h->slot_size = SLOT;
	h->ring_hdr_size = RING_HDR;
	snprintf(h->name, sizeof(h->name), "%s", name);
}

/* A valid message of @type; RXPORT with @nb_rq queues, RSS on if @rss. */
static void
sample(struct qp_xproc_msg *m, uint16_t type, uint16_t nb_rq, bool rss)
{
	struct qp_xproc_rxport *x = &m->u.rxport;
	unsigned int i;

	qp_xproc_msg_init(m, type);
	m->hdr.seq = 7;
	switch (type) {
	case QP_XPROC_HELLO:
		hello_fill(&m->u.hello, QP_XPROC_ROLE_CLIENT, "net_qpring_x0");
		m->u.hello.features = 0x8000000000000001ull;
		break;
	case QP_XPROC_REFUSE:
		m->u.refuse.reason = QP_XPROC_REFUSE_BUSY;
		snprintf(m->u.refuse.text, sizeof(m->u.refuse.text), "server busy");
		break;
	case QP_XPROC_REGION:
		m->u.region.id = 3;
		m->u.region.size = REGION_SIZE;
		m->u.region.owner_va = 0x7f1234560000ull;
		break;
	case QP_XPROC_RXPORT:
		memcpy(x->mac, "\x02\x00\x00\xaa\xbb\xcc", 6);
		x->nb_rq = nb_rq;
		x->filter = QP_XPROC_FILTER_ALLMULTI;
		x->max_frame_len = 1518;
		x->rx_offloads = 0x2001;
		if (rss) {
			x->rss_hf = 0x38d34;
			x->rss_key_len = QP_XPROC_RSS_KEY_LEN;
			x->reta_size = QP_XPROC_RETA_SIZE;
			for (i = 0; i < QP_XPROC_RSS_KEY_LEN; i++)
				x->rss_key[i] = (uint8_t)(0x6d + i * 3);
			for (i = 0; i < QP_XPROC_RETA_SIZE; i++)
				x->reta[i] = (uint16_t)(i % nb_rq);
			x->select = QP_XPROC_SELECT_RSS;
		}
		x->flags = QP_XPROC_RXF_PTYPE;
		for (i = 0; i < nb_rq; i++) {
			x->rq[i].region_id = i % 2;
			x->rq[i].nb_slots = QP_XPROC_SLOTS_MIN << (i % 12);
			x->rq[i].offset = (uint64_t)i * 4096 * 64;
			x->rq[i].buf_size = 2048 + i;
			x->rq[i].flags = i % 2 ? QP_XPROC_RQ_F_SCATTER : 0;
		}
		break;
	case QP_XPROC_UP:
	case QP_XPROC_DOWN:
	case QP_XPROC_DOWN_ACK:
	case QP_XPROC_UP_ACK:
		m->u.state.epoch = 0xdeadbeef;
		break;
	default:
		break;
	}
}

static int
encode(const struct qp_xproc_msg *m, uint8_t *buf)
{
	char why[WHY_LEN] = "";
	int n = qp_xproc_encode(m, buf, QP_XPROC_MSG_MAX, why, sizeof(why));

	REQUIRE(n > 0, "encode %s: %d (%s)", qp_xproc_type_str(m->hdr.type), n, why);
	return n;
}

/* ------------------------------------------------------------- layout */
static void
test_layout(void)
{
	uint8_t b[QP_XPROC_MSG_MAX];
	struct qp_xproc_msg m;
	int n;

	UNIT_CASE("wire layout: sizes and offsets as documented");
	CHECK_EQ(QP_XPROC_HELLO_LEN, 112);
	CHECK_EQ(QP_XPROC_REFUSE_LEN, 144);
	CHECK_EQ(QP_XPROC_REGION_LEN, 40);
	CHECK_EQ(QP_XPROC_RXPORT_LEN(0), 352);
	CHECK_EQ(QP_XPROC_RXPORT_LEN(1), 376);
	CHECK_EQ(QP_XPROC_STATE_LEN, 24);
	CHECK_EQ(QP_XPROC_BYE_LEN, 16);
	CHECK_EQ(QP_XPROC_MSG_MAX, 6496);

	sample(&m, QP_XPROC_HELLO, 0, false);
	n = encode(&m, b);
	CHECK_EQ(n, 112);
	CHECK(memcmp(b, "qpxc", 4) == 0, "magic bytes");
	CHECK_EQ(get_le(b + 4, 2), QP_XPROC_VERSION);
	CHECK_EQ(get_le(b + 6, 2), QP_XPROC_HELLO);
	CHECK_EQ(get_le(b + 8, 4), 112);
	CHECK_EQ(get_le(b + 12, 4), 7);
	CHECK_EQ(b[16], QP_XPROC_ROLE_CLIENT);
	CHECK_EQ(get_le(b + 20, 4), (uint32_t)getpid());
	CHECK_EQ(get_le(b + 24, 8), 0x8000000000000001ull);
	CHECK_EQ(get_le(b + 32, 4), LAYOUT);
	CHECK_EQ(get_le(b + 36, 4), SLOT);
	CHECK_EQ(get_le(b + 40, 4), RING_HDR);
	CHECK(strcmp((const char *)b + 48, "net_qpring_x0") == 0, "name at body 32");

	sample(&m, QP_XPROC_REGION, 0, false);
	n = encode(&m, b);
	CHECK_EQ(n, 40);
	CHECK_EQ(get_le(b + 16, 4), 3);
	CHECK_EQ(get_le(b + 24, 8), REGION_SIZE);
	CHECK_EQ(get_le(b + 32, 8), 0x7f1234560000ull);

	sample(&m, QP_XPROC_RXPORT, 3, true);
	n = encode(&m, b);
	CHECK_EQ(n, 16 + 336 + 3 * 24);
	CHECK(memcmp(b + 16, "\x02\x00\x00\xaa\xbb\xcc", 6) == 0, "mac at body 0");
	CHECK_EQ(get_le(b + 22, 2), 3);
	CHECK_EQ(get_le(b + 24, 4), QP_XPROC_FILTER_ALLMULTI);
	CHECK_EQ(get_le(b + 28, 4), 1518);
	CHECK_EQ(get_le(b + 32, 8), 0x2001);
	CHECK_EQ(get_le(b + 40, 8), 0x38d34);
	CHECK_EQ(get_le(b + 48, 2), 40);
	CHECK_EQ(get_le(b + 50, 2), 128);
	CHECK_EQ(b[52], QP_XPROC_SELECT_RSS);                    /* select at body 36 */
	CHECK_EQ(b[53], QP_XPROC_RXF_PTYPE);                     /* flags at body 37 */
	CHECK_EQ(b[56], 0x6d);
	CHECK_EQ(get_le(b + 96 + 2 * 127, 2), 127 % 3);
	CHECK_EQ(get_le(b + 352 + 24 * 2, 8), 2ull * 4096 * 64); /* rq[2].offset */
	CHECK_EQ(get_le(b + 352 + 24 * 2 + 8, 4), 0);           /* region */
	CHECK_EQ(get_le(b + 352 + 24 * 2 + 12, 4), 64);         /* slots */
	CHECK_EQ(get_le(b + 352 + 24 * 2 + 16, 4), 2050);       /* buf_size */
	CHECK_EQ(get_le(b + 352 + 24 * 1 + 20, 4), QP_XPROC_RQ_F_SCATTER); /* rq[1].flags */

	sample(&m, QP_XPROC_DOWN_ACK, 0, false);
	n = encode(&m, b);
	CHECK_EQ(n, 24);
	CHECK_EQ(get_le(b + 16, 4), 0xdeadbeef);
}

/* --------------------------------------------------------- round trip */
static void
round_trip(const char *what, struct qp_xproc_msg *in)
{
	uint8_t b[QP_XPROC_MSG_MAX], b2[QP_XPROC_MSG_MAX];
	struct qp_xproc_msg out;
	char why[WHY_LEN] = "";
	int fd = -1, n, n2, ret;

	n = encode(in, b);
	if (in->hdr.type == QP_XPROC_REGION)
		fd = devnull();
	ret = qp_xproc_decode(b, (size_t)n, &fd, fd >= 0 ? 1 : 0, &out, why, sizeof(why));
	CHECK(ret == 0, "%s: decode %d (%s)", what, ret, why);
	CHECK_EQ(out.hdr.magic, QP_XPROC_MAGIC);
	CHECK_EQ(out.hdr.version, QP_XPROC_VERSION);
	CHECK_EQ(out.hdr.type, in->hdr.type);
	CHECK_EQ(out.hdr.length, (uint32_t)n);
	CHECK_EQ(out.hdr.seq, in->hdr.seq);
	CHECK(memcmp(&out.u, &in->u, sizeof(in->u)) == 0, "%s: body differs after the trip",
	      what);
	CHECK(out.fd == fd, "%s: fd %d kept as %d", what, fd, out.fd);
	/* The encoding is canonical: decoding and encoding again gives the bytes back. */
	n2 = encode(&out, b2);
	CHECK(n2 == n && memcmp(b, b2, (size_t)n) == 0, "%s: re-encoding differs", what);
	qp_xproc_msg_clear(&out);
	CHECK(out.fd == -1 && (fd < 0 || !fd_open(fd)), "%s: msg_clear closes the fd", what);
}

static void
test_round_trip(void)
{
	static const uint16_t types[] = {
		QP_XPROC_HELLO, QP_XPROC_REFUSE, QP_XPROC_REGION, QP_XPROC_UP,
		QP_XPROC_DOWN,  QP_XPROC_DOWN_ACK, QP_XPROC_BYE, QP_XPROC_UP_ACK,
	};
	struct qp_xproc_msg m;
	unsigned int i;

	UNIT_CASE("encode -> decode -> encode, every message type");
	for (i = 0; i < RTE_DIM(types); i++) {
		sample(&m, types[i], 0, false);
		round_trip(qp_xproc_type_str(types[i]), &m);
	}
	sample(&m, QP_XPROC_RXPORT, 0, false);
	round_trip("RXPORT, no queue", &m);
	sample(&m, QP_XPROC_RXPORT, 1, false);
	round_trip("RXPORT, 1 queue, no RSS", &m);
	sample(&m, QP_XPROC_RXPORT, 3, true);
	round_trip("RXPORT, 3 queues, RSS", &m);
	sample(&m, QP_XPROC_RXPORT, QP_XPROC_RQ_MAX, true);
	m.u.rxport.filter = QP_XPROC_FILTER_ALL;
	m.u.rxport.max_frame_len = QP_XPROC_FRAME_MAX;
	m.u.rxport.rq[255].nb_slots = QP_XPROC_SLOTS_MAX;
	m.u.rxport.rq[255].buf_size = QP_XPROC_BUF_MAX;
	m.u.rxport.rq[255].region_id = QP_XPROC_REGIONS_MAX - 1;
	round_trip("RXPORT, 256 queues, limits", &m);
	sample(&m, QP_XPROC_REGION, 0, false);
	m.u.region.id = QP_XPROC_REGIONS_MAX - 1;
	m.u.region.size = QP_XPROC_REGION_SIZE_MAX;
	/* Ends one page below 2^64: owner_va + size must not wrap. */
	m.u.region.owner_va = UINT64_MAX - QP_XPROC_REGION_SIZE_MAX + 1 - QP_XPROC_PAGE;
	round_trip("REGION at the top of the address space", &m);
	sample(&m, QP_XPROC_REFUSE, 0, false);
	m.u.refuse.reason = 1000; /* unknown reasons pass: a newer peer knows more */
	memset(m.u.refuse.text, 0, sizeof(m.u.refuse.text));
	round_trip("REFUSE, unknown reason, empty text", &m);
	sample(&m, QP_XPROC_HELLO, 0, false);
	memset(m.u.hello.name, 'n', QP_XPROC_NAME_LEN - 1);
	round_trip("HELLO, 63-byte name", &m);
}

/* ----------------------------------------------------------- malformed */
/*
 * A valid message of @type (RXPORT: @nb_rq queues, RSS per @rss), then:
 * @w bytes of @val at @off (w = 0: none), @fill_len bytes @fill_byte at
 * @fill_off, the length changed by @dlen (the length field updated when
 * @fix), and @nb_fds fds of /dev/null attached.
 */
struct bad_case {
	const char *name;
	uint16_t type;
	uint16_t nb_rq;
	bool rss;
	uint32_t off;
	unsigned int w;
	uint64_t val;
	uint32_t fill_off, fill_len;
	uint8_t fill_byte;
	int dlen;
	bool fix;
	unsigned int nb_fds;
	int err;
	const char *reason;
};

#define B    16u        /* body offset */
#define RQ0  (B + 336u) /* RXPORT rq[0] */
#define RETA (B + 80u)

static const struct bad_case bad_cases[] = {
	{ "empty message", QP_XPROC_BYE, .dlen = -16, .err = -EBADMSG, .reason = "shorter than" },
	{ "short header", QP_XPROC_BYE, .dlen = -6, .err = -EBADMSG,
	  .reason = "10 bytes is shorter than the 16-byte header" },
	{ "bad magic", QP_XPROC_HELLO, .off = 0, .w = 4, .val = 0x12345678, .err = -EBADMSG,
	  .reason = "bad magic 0x12345678" },
	{ "HELLO of version 2", QP_XPROC_HELLO, .off = 4, .w = 2, .val = 2,
	  .err = -EPROTONOSUPPORT, .reason = "version 2" },
	{ "BYE of version 0", QP_XPROC_BYE, .off = 4, .w = 2, .val = 0, .err = -EPROTONOSUPPORT,
	  .reason = "version 0" },
	{ "length field too big", QP_XPROC_HELLO, .off = 8, .w = 4, .val = 113,
	  .err = -EBADMSG, .reason = "length field says 113 bytes, 112 received" },
	{ "length field too small", QP_XPROC_HELLO, .off = 8, .w = 4, .val = 16,
	  .err = -EBADMSG, .reason = "length field says 16" },
	{ "trailing bytes", QP_XPROC_UP, .dlen = 4, .err = -EBADMSG,
	  .reason = "length field says 24 bytes, 28 received" },
	{ "HELLO too long", QP_XPROC_HELLO, .dlen = 8, .fix = true, .err = -EBADMSG,
	  .reason = "HELLO is 112 bytes, 120 received" },
	{ "HELLO truncated", QP_XPROC_HELLO, .dlen = -8, .fix = true, .err = -EBADMSG,
	  .reason = "HELLO is 112 bytes, 104 received" },
	{ "BYE with a body", QP_XPROC_BYE, .dlen = 8, .fix = true, .err = -EBADMSG,
	  .reason = "BYE is 16 bytes, 24 received" },
	{ "type 0", QP_XPROC_BYE, .off = 6, .w = 2, .val = 0, .err = -EBADMSG,
	  .reason = "unknown message type 0" },
	{ "type 99", QP_XPROC_UP, .off = 6, .w = 2, .val = 99, .err = -EBADMSG,
	  .reason = "unknown message type 99" },
	{ "HELLO role 0", QP_XPROC_HELLO, .off = B, .w = 1, .val = 0, .err = -EINVAL,
	  .reason = "role 0" },
	{ "HELLO role 3", QP_XPROC_HELLO, .off = B, .w = 1, .val = 3, .err = -EINVAL,
	  .reason = "role 3" },
	{ "HELLO reserved byte 1", QP_XPROC_HELLO, .off = B + 1, .w = 1, .val = 1,
	  .err = -EBADMSG, .reason = "HELLO: reserved bytes are not zero" },
	{ "HELLO reserved word", QP_XPROC_HELLO, .off = B + 28, .w = 4, .val = 1 << 31,
	  .err = -EBADMSG, .reason = "reserved bytes" },
	{ "HELLO slot size 24", QP_XPROC_HELLO, .off = B + 20, .w = 4, .val = 24,
	  .err = -EINVAL, .reason = "slot size 24" },
	{ "HELLO slot size 8192", QP_XPROC_HELLO, .off = B + 20, .w = 4, .val = 8192,
	  .err = -EINVAL, .reason = "slot size 8192" },
	{ "HELLO ring header 100", QP_XPROC_HELLO, .off = B + 24, .w = 4, .val = 100,
	  .err = -EINVAL, .reason = "ring header size 100" },
	{ "HELLO name unterminated", QP_XPROC_HELLO, .fill_off = B + 32, .fill_len = 64,
	  .fill_byte = 'a', .err = -EBADMSG, .reason = "port name is not NUL-terminated" },
	{ "HELLO name empty", QP_XPROC_HELLO, .fill_off = B + 32, .fill_len = 64,
	  .fill_byte = 0, .err = -EBADMSG, .reason = "port name is empty" },
	{ "HELLO name with ESC", QP_XPROC_HELLO, .off = B + 33, .w = 1, .val = 0x1b,
	  .err = -EBADMSG, .reason = "non-printable byte 0x1b at 1" },
	{ "HELLO name with 0xff", QP_XPROC_HELLO, .off = B + 32, .w = 1, .val = 0xff,
	  .err = -EBADMSG, .reason = "non-printable byte 0xff" },
	{ "HELLO bytes after the name", QP_XPROC_HELLO, .off = B + 32 + 60, .w = 1, .val = 'x',
	  .err = -EBADMSG, .reason = "after its terminating NUL (at 60)" },
	{ "REFUSE text unterminated", QP_XPROC_REFUSE, .fill_off = B + 8, .fill_len = 120,
	  .fill_byte = 'x', .err = -EBADMSG, .reason = "REFUSE: text is not NUL-terminated" },
	{ "REFUSE text with newline", QP_XPROC_REFUSE, .off = B + 9, .w = 1, .val = '\n',
	  .err = -EBADMSG, .reason = "non-printable byte 0x0a" },
	{ "REFUSE reserved", QP_XPROC_REFUSE, .off = B + 4, .w = 4, .val = 1, .err = -EBADMSG,
	  .reason = "REFUSE: reserved" },
	{ "REGION id 16", QP_XPROC_REGION, .off = B, .w = 4, .val = 16, .nb_fds = 1,
	  .err = -EINVAL, .reason = "id 16 is not below 16" },
	{ "REGION size 0", QP_XPROC_REGION, .off = B + 8, .w = 8, .val = 0, .nb_fds = 1,
	  .err = -EINVAL, .reason = "size 0" },
	{ "REGION size not a page multiple", QP_XPROC_REGION, .off = B + 8, .w = 8,
	  .val = 4097, .nb_fds = 1, .err = -EINVAL, .reason = "size 4097" },
	{ "REGION size 128 GiB", QP_XPROC_REGION, .off = B + 8, .w = 8, .val = 1ull << 37,
	  .nb_fds = 1, .err = -EINVAL, .reason = "size 137438953472" },
	{ "REGION owner address 0", QP_XPROC_REGION, .off = B + 16, .w = 8, .val = 0,
	  .nb_fds = 1, .err = -EINVAL, .reason = "owner address 0x0" },
	{ "REGION owner address unaligned", QP_XPROC_REGION, .off = B + 16, .w = 8,
	  .val = 0x7f0000001010ull, .nb_fds = 1, .err = -EINVAL,
	  .reason = "0x7f0000001010 is not a page-aligned" },
	{ "REGION wraps around", QP_XPROC_REGION, .off = B + 16, .w = 8,
	  .val = 0xffffffffffff0000ull, .nb_fds = 1, .err = -EINVAL, .reason = "wraps around" },
	{ "REGION reserved", QP_XPROC_REGION, .off = B + 4, .w = 4, .val = 9, .nb_fds = 1,
	  .err = -EBADMSG, .reason = "REGION: reserved" },
	{ "REGION without its fd", QP_XPROC_REGION, .nb_fds = 0, .err = -EBADMSG,
	  .reason = "REGION carries 1 fd, 0 attached" },
	{ "REGION with two fds", QP_XPROC_REGION, .nb_fds = 2, .err = -EBADMSG,
	  .reason = "REGION carries 1 fd, 2 attached" },
	{ "HELLO with an fd", QP_XPROC_HELLO, .nb_fds = 1, .err = -EBADMSG,
	  .reason = "HELLO carries 0 fds, 1 attached" },
	{ "BYE with three fds", QP_XPROC_BYE, .nb_fds = 3, .err = -EBADMSG,
	  .reason = "BYE carries 0 fds, 3 attached" },
	{ "malformed REGION with an fd", QP_XPROC_REGION, .off = 0, .w = 1, .val = 0,
	  .nb_fds = 1, .err = -EBADMSG, .reason = "bad magic" },
	{ "RXPORT nb_rq 257", QP_XPROC_RXPORT, 3, true, .off = B + 6, .w = 2, .val = 257,
	  .err = -EINVAL, .reason = "257 receive queues, at most 256" },
	{ "RXPORT nb_rq 65535", QP_XPROC_RXPORT, 3, true, .off = B + 6, .w = 2, .val = 65535,
	  .err = -EINVAL, .reason = "65535 receive queues" },
	{ "RXPORT nb_rq beyond the bytes", QP_XPROC_RXPORT, 3, true, .off = B + 6, .w = 2,
	  .val = 4, .err = -EBADMSG, .reason = "RXPORT of 4 queues is 448 bytes, 424 received" },
	{ "RXPORT nb_rq short of the bytes", QP_XPROC_RXPORT, 3, false, .off = B + 6, .w = 2,
	  .val = 2, .err = -EBADMSG, .reason = "RXPORT of 2 queues is 400 bytes, 424 received" },
	{ "RXPORT cut in the fixed part", QP_XPROC_RXPORT, 0, false, .dlen = -300,
	  .fix = true, .err = -EBADMSG, .reason = "RXPORT of 0 queues is 352 bytes, 52 received" },
	{ "RXPORT cut before nb_rq", QP_XPROC_RXPORT, 3, false, .dlen = -404, .fix = true,
	  .err = -EBADMSG, .reason = "RXPORT of 0 queues is 352 bytes, 20 received" },
	{ "RETA entry out of range", QP_XPROC_RXPORT, 3, true, .off = RETA + 2 * 5, .w = 2,
	  .val = 3, .err = -EINVAL, .reason = "RETA entry 5 names queue 3 of 3" },
	{ "RETA entry 0xffff", QP_XPROC_RXPORT, 3, true, .off = RETA + 2 * 127, .w = 2,
	  .val = 0xffff, .err = -EINVAL, .reason = "RETA entry 127 names queue 65535" },
	{ "RSS key length 39", QP_XPROC_RXPORT, 3, true, .off = B + 32, .w = 2, .val = 39,
	  .err = -EINVAL, .reason = "RSS key of 39 bytes" },
	{ "RETA size 64", QP_XPROC_RXPORT, 3, true, .off = B + 34, .w = 2, .val = 64,
	  .err = -EINVAL, .reason = "RETA of 64 entries" },
	{ "RSS functions without RSS", QP_XPROC_RXPORT, 3, false, .off = B + 24, .w = 8,
	  .val = 4, .err = -EINVAL, .reason = "RSS functions 0x4 without a key" },
	{ "RSS key bytes without RSS", QP_XPROC_RXPORT, 3, false, .off = B + 40 + 39, .w = 1,
	  .val = 1, .err = -EINVAL, .reason = "RSS off but key or RETA bytes are not zero" },
	{ "RSS with no queue", QP_XPROC_RXPORT, 0, false, .off = B + 32, .w = 4,
	  .val = 40 | (128u << 16), .err = -EINVAL, .reason = "RSS on with no receive queue" },
	{ "RXPORT unknown filter flag", QP_XPROC_RXPORT, 1, false, .off = B + 8, .w = 4,
	  .val = 0x10, .err = -EINVAL, .reason = "unknown filter flags 0x10" },
	{ "RXPORT max frame 63", QP_XPROC_RXPORT, 1, false, .off = B + 12, .w = 4, .val = 63,
	  .err = -EINVAL, .reason = "max frame length 63" },
	{ "RXPORT max frame 65536", QP_XPROC_RXPORT, 1, false, .off = B + 12, .w = 4,
	  .val = 65536, .err = -EINVAL, .reason = "max frame length 65536" },
	{ "RXPORT reserved", QP_XPROC_RXPORT, 1, false, .off = B + 38, .w = 2, .val = 1,
	  .err = -EBADMSG, .reason = "RXPORT: reserved" },
	{ "RXPORT select 3", QP_XPROC_RXPORT, 1, false, .off = B + 36, .w = 1, .val = 3,
	  .err = -EINVAL, .reason = "queue selection 3" },
	{ "RXPORT select rss without RSS", QP_XPROC_RXPORT, 1, false, .off = B + 36, .w = 1,
	  .val = 2, .err = -EINVAL, .reason = "queue selection by RSS without" },
	{ "RXPORT unknown flag", QP_XPROC_RXPORT, 1, false, .off = B + 37, .w = 1, .val = 0x80,
	  .err = -EINVAL, .reason = "RXPORT: unknown flags 0x80" },
	{ "rq region id 16", QP_XPROC_RXPORT, 3, true, .off = RQ0 + 24 + 8, .w = 4, .val = 16,
	  .err = -EINVAL, .reason = "rq 1: region id 16" },
	{ "rq 8 slots", QP_XPROC_RXPORT, 3, true, .off = RQ0 + 12, .w = 4, .val = 8,
	  .err = -EINVAL, .reason = "rq 0: 8 slots" },
	{ "rq 24 slots", QP_XPROC_RXPORT, 3, true, .off = RQ0 + 12, .w = 4, .val = 24,
	  .err = -EINVAL, .reason = "24 slots is not a power of two" },
	{ "rq 65536 slots", QP_XPROC_RXPORT, 3, true, .off = RQ0 + 48 + 12, .w = 4,
	  .val = 65536, .err = -EINVAL, .reason = "rq 2: 65536 slots" },
	{ "rq 0 slots", QP_XPROC_RXPORT, 3, true, .off = RQ0 + 12, .w = 4, .val = 0,
	  .err = -EINVAL, .reason = "rq 0: 0 slots" },
	{ "rq offset unaligned", QP_XPROC_RXPORT, 3, true, .off = RQ0, .w = 8, .val = 32,
	  .err = -EINVAL, .reason = "rq 0: ring offset 32 is not 64-aligned" },
	{ "rq offset huge", QP_XPROC_RXPORT, 3, true, .off = RQ0, .w = 8,
	  .val = 0xffffffffffffffc0ull, .err = -EINVAL,
	  .reason = "ring offset 18446744073709551552" },
	{ "rq buffer 63 bytes", QP_XPROC_RXPORT, 3, true, .off = RQ0 + 16, .w = 4, .val = 63,
	  .err = -EINVAL, .reason = "rq 0: buffer size 63" },
	{ "rq buffer 65536 bytes", QP_XPROC_RXPORT, 3, true, .off = RQ0 + 16, .w = 4,
	  .val = 65536, .err = -EINVAL, .reason = "buffer size 65536" },
	{ "rq unknown flag", QP_XPROC_RXPORT, 3, true, .off = RQ0 + 48 + 20, .w = 4, .val = 2,
	  .err = -EINVAL, .reason = "rq 2: unknown flags 0x2" },
	{ "UP reserved", QP_XPROC_UP, .off = B + 4, .w = 4, .val = 1, .err = -EBADMSG,
	  .reason = "UP: reserved" },
	{ "DOWN_ACK truncated", QP_XPROC_DOWN_ACK, .dlen = -4, .fix = true, .err = -EBADMSG,
	  .reason = "DOWN_ACK is 24 bytes, 20 received" },
};

static void
test_malformed(void)
{
	uint8_t b[QP_XPROC_MSG_MAX + 64];
	struct qp_xproc_msg m;
	unsigned int before, i, k;
	char why[WHY_LEN];
	int fds[4];
	size_t len;
	int ret;

	UNIT_CASE("each validation rule refuses with its reason; fds closed");
	before = count_fds();
	for (i = 0; i < RTE_DIM(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		sample(&m, c->type, c->nb_rq, c->rss);
		memset(b, 0, sizeof(b));
		len = (size_t)encode(&m, b);
		if (c->w > 0)
			put_le(b + c->off, c->val, c->w);
		if (c->fill_len > 0)
			memset(b + c->fill_off, c->fill_byte, c->fill_len);
		len = (size_t)((long)len + c->dlen);
		if (c->fix)
			put_le(b + 8, len, 4);
		for (k = 0; k < c->nb_fds; k++)
			fds[k] = devnull();
		why[0] = '\0';
		ret = qp_xproc_decode(b, len, fds, c->nb_fds, &m, why, sizeof(why));
		CHECK(ret == c->err, "%s: returned %d (%s), expected %d", c->name, ret, why,
		      c->err);
		CHECK(strstr(why, c->reason) != NULL, "%s: reason \"%s\" lacks \"%s\"", c->name,
		      why, c->reason);
		CHECK(m.fd == -1, "%s: a failed message holds fd %d", c->name, m.fd);
		for (k = 0; k < c->nb_fds; k++)
			CHECK(!fd_open(fds[k]), "%s: fd %d left open", c->name, fds[k]);
	}
	CHECK_EQ(count_fds(), before);
	printf("%u malformed inputs refused\n", (unsigned int)RTE_DIM(bad_cases));
}

/* A REFUSE of another version is read (its layout is frozen); NULL inputs are safe. */
static void
test_decode_edges(void)
{
	uint8_t b[QP_XPROC_MSG_MAX];
	struct qp_xproc_msg m;
	char why[WHY_LEN] = "";
	int n, ret;

	UNIT_CASE("decode: REFUSE of any version, NULL buffer, no reason buffer");
	sample(&m, QP_XPROC_REFUSE, 0, false);
	m.u.refuse.reason = QP_XPROC_REFUSE_VERSION;
	n = encode(&m, b);
	put_le(b + 4, 7, 2);
	ret = qp_xproc_decode(b, (size_t)n, NULL, 0, &m, why, sizeof(why));
	CHECK(ret == 0, "REFUSE of version 7: %d (%s)", ret, why);
	CHECK_EQ(m.hdr.version, 7);
	CHECK_EQ(m.u.refuse.reason, QP_XPROC_REFUSE_VERSION);
	CHECK(strcmp(m.u.refuse.text, "server busy") == 0, "text %s", m.u.refuse.text);

	ret = qp_xproc_decode(NULL, 100, NULL, 0, &m, why, sizeof(why));
	CHECK(ret == -EBADMSG && strstr(why, "0 bytes") != NULL, "NULL buffer: %d %s", ret, why);
	ret = qp_xproc_decode(b, 3, NULL, 0, &m, NULL, 0);
	CHECK(ret == -EBADMSG, "no reason buffer: %d", ret);
	/* A reason buffer of one byte gets an empty, terminated string. */
	why[0] = 'x';
	ret = qp_xproc_decode(b, 3, NULL, 0, &m, why, 1);
	CHECK(ret == -EBADMSG && why[0] == '\0', "1-byte reason buffer");
	/* Version mismatch: the peer's header is reported for the log. */
	sample(&m, QP_XPROC_HELLO, 0, false);
	n = encode(&m, b);
	put_le(b + 4, 2, 2);
	ret = qp_xproc_decode(b, (size_t)n, NULL, 0, &m, why, sizeof(why));
	CHECK(ret == -EPROTONOSUPPORT && m.hdr.version == 2 && m.hdr.type == QP_XPROC_HELLO,
	      "version mismatch header: %d v%u", ret, m.hdr.version);
	CHECK_EQ(qp_xproc_refuse_reason(ret), QP_XPROC_REFUSE_VERSION);
	CHECK_EQ(qp_xproc_refuse_reason(-EBADMSG), QP_XPROC_REFUSE_BAD_MSG);
	CHECK_EQ(qp_xproc_refuse_reason(-EINVAL), QP_XPROC_REFUSE_BAD_MSG);
	CHECK_EQ(qp_xproc_refuse_reason(-ENOMEM), QP_XPROC_REFUSE_INTERNAL);
}

static void
test_encode_refuses(void)
{
	uint8_t b[QP_XPROC_MSG_MAX];
	struct qp_xproc_msg m;
	char why[WHY_LEN] = "";
	int ret;

	UNIT_CASE("encode validates: never sends what the peer must refuse");
	sample(&m, QP_XPROC_HELLO, 0, false);
	m.u.hello.role = 0;
	ret = qp_xproc_encode(&m, b, sizeof(b), why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "role 0") != NULL, "role 0: %d %s", ret, why);
	sample(&m, QP_XPROC_HELLO, 0, false);
	m.u.hello.name[20] = 'z'; /* garbage after the terminator */
	ret = qp_xproc_encode(&m, b, sizeof(b), why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "after its terminating NUL") != NULL, "%d %s", ret,
	      why);
	sample(&m, QP_XPROC_RXPORT, 3, true);
	m.u.rxport.reta[9] = 7;
	ret = qp_xproc_encode(&m, b, sizeof(b), why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "RETA entry 9") != NULL, "%d %s", ret, why);
	sample(&m, QP_XPROC_RXPORT, 3, true);
	m.u.rxport.nb_rq = 300;
	ret = qp_xproc_encode(&m, b, sizeof(b), why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "300 receive queues") != NULL, "%d %s", ret, why);
	sample(&m, QP_XPROC_BYE, 0, false);
	m.hdr.type = 42;
	ret = qp_xproc_encode(&m, b, sizeof(b), why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "type 42") != NULL, "%d %s", ret, why);
	sample(&m, QP_XPROC_HELLO, 0, false);
	ret = qp_xproc_encode(&m, b, 111, why, sizeof(why));
	CHECK(ret == -ENOSPC && strstr(why, "needs 112 bytes") != NULL, "%d %s", ret, why);
	ret = qp_xproc_encode(&m, NULL, 4096, why, sizeof(why));
	CHECK(ret == -ENOSPC, "NULL buffer: %d", ret);
}

/* ------------------------------------------------------------- regions */
static void
test_translate(void)
{
	static uint8_t mem[8192];
	struct qp_xproc_map m = { .id = 0, .base = mem, .size = sizeof(mem),
				  .owner_va = 0x7f0000000000ull };
	const uint64_t va = m.owner_va;

	UNIT_CASE("translate: inside the region only, overflow-safe");
	CHECK(qp_xproc_map_translate(&m, va, 1) == mem, "first byte");
	CHECK(qp_xproc_map_translate(&m, va, 8192) == mem, "whole region");
	CHECK(qp_xproc_map_translate(&m, va + 8191, 1) == mem + 8191, "last byte");
	CHECK(qp_xproc_map_translate(&m, va + 100, 2048) == mem + 100, "a buffer");
	CHECK(qp_xproc_map_translate(&m, va + 8191, 2) == NULL, "one past the end");
	CHECK(qp_xproc_map_translate(&m, va + 8192, 1) == NULL, "just after");
	CHECK(qp_xproc_map_translate(&m, va - 1, 1) == NULL, "just before");
	CHECK(qp_xproc_map_translate(&m, va, 8193) == NULL, "longer than the region");
	CHECK(qp_xproc_map_translate(&m, va + 4096, UINT64_MAX) == NULL, "len wraps");
	CHECK(qp_xproc_map_translate(&m, UINT64_MAX, 2) == NULL, "va wraps");
	CHECK(qp_xproc_map_translate(&m, 0, 1) == NULL, "VA 0");
	m.base = NULL;
	CHECK(qp_xproc_map_translate(&m, va, 1) == NULL, "unmapped");
}

static void
test_rxport_check(void)
{
	static uint8_t mem[2][REGION_SIZE];
	struct qp_xproc_map maps[3] = {
		{ .id = 0, .base = mem[0], .size = REGION_SIZE, .owner_va = 0x10000 },
		{ .id = 5, .base = mem[1], .size = REGION_SIZE, .owner_va = 0x40000 },
		{ .id = 2, .base = NULL, .size = REGION_SIZE, .owner_va = 0x80000 },
	};
	const uint64_t ring = qp_xproc_ring_bytes(1024, RING_HDR, SLOT);
	struct qp_xproc_msg m;
	struct qp_xproc_rxport *x = &m.u.rxport;
	char why[WHY_LEN] = "";
	int ret;

	UNIT_CASE("RXPORT against mapped regions: rings inside them");
	CHECK_EQ(ring, RING_HDR + 1024 * 32);
	sample(&m, QP_XPROC_RXPORT, 2, false);
	x->rq[0].region_id = 0;
	x->rq[0].nb_slots = 1024;
	x->rq[0].offset = 0;
	x->rq[1].region_id = 5;
	x->rq[1].nb_slots = 1024;
	x->rq[1].offset = REGION_SIZE - ring; /* ends on the last byte */
	CHECK(x->rq[1].offset % 64 == 0, "test setup: aligned");
	ret = qp_xproc_rxport_check(x, maps, 3, RING_HDR, SLOT, why, sizeof(why));
	CHECK(ret == 0, "exact fit: %d %s", ret, why);
	x->rq[1].offset += 64;
	ret = qp_xproc_rxport_check(x, maps, 3, RING_HDR, SLOT, why, sizeof(why));
	CHECK(ret == -EINVAL &&
		      strstr(why, "rq 1: ring of 32960 bytes at offset 32640 runs past region 5") !=
			      NULL, "64 bytes too far: %d %s", ret, why);
	x->rq[1].offset = REGION_SIZE + 4096;
	ret = qp_xproc_rxport_check(x, maps, 3, RING_HDR, SLOT, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "runs past") != NULL, "offset beyond: %d %s", ret,
	      why);
	x->rq[1].offset = 0;
	x->rq[1].nb_slots = QP_XPROC_SLOTS_MAX; /* 1 MiB of slots in a 64 KiB region */
	ret = qp_xproc_rxport_check(x, maps, 3, RING_HDR, SLOT, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "runs past") != NULL, "ring too big: %d %s", ret,
	      why);
	x->rq[1].nb_slots = 16;
	x->rq[1].region_id = 2; /* known id, not mapped */
	ret = qp_xproc_rxport_check(x, maps, 3, RING_HDR, SLOT, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "rq 1 names region 2, which the peer has not sent")
		      != NULL, "unmapped region: %d %s", ret, why);
	x->rq[1].region_id = 9;
	ret = qp_xproc_rxport_check(x, maps, 3, RING_HDR, SLOT, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "region 9") != NULL, "unknown region: %d %s", ret,
	      why);
	x->nb_rq = 0;
	ret = qp_xproc_rxport_check(x, NULL, 0, RING_HDR, SLOT, why, sizeof(why));
	CHECK(ret == 0, "no queue needs no region: %d %s", ret, why);
	x->nb_rq = 1000;
	ret = qp_xproc_rxport_check(x, maps, 3, RING_HDR, SLOT, why, sizeof(why));
	CHECK(ret == -EINVAL, "nb_rq 1000: %d", ret);
}

static void
pair(struct qp_xproc_chan *a, struct qp_xproc_chan *b)
{
	int sv[2];

	REQUIRE(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0,
		"socketpair: %s", strerror(errno));
	qp_xproc_chan_init(a, sv[0]);
	qp_xproc_chan_init(b, sv[1]);
}

/* A REGION with its memfd from @a to @b; @b maps it into @map. */
static void
share_region(struct qp_xproc_chan *a, struct qp_xproc_chan *b, uint32_t id, void *owner_base,
	     int memfd, struct qp_xproc_map *map)
{
	struct qp_xproc_msg m;
	char why[WHY_LEN] = "";
	int ret;

	qp_xproc_msg_init(&m, QP_XPROC_REGION);
	m.u.region.id = id;
	m.u.region.size = REGION_SIZE;
	m.u.region.owner_va = (uint64_t)(uintptr_t)owner_base;
	m.fd = memfd;
	ret = qp_xproc_send(a, &m, why, sizeof(why));
	CHECK(ret == 0, "send REGION: %d %s", ret, why);
	CHECK(fd_open(memfd), "send leaves the fd to the caller");
	ret = qp_xproc_recv(b, &m, why, sizeof(why));
	REQUIRE(ret == 1 && m.hdr.type == QP_XPROC_REGION && m.fd >= 0,
		"recv REGION: %d %s type %u fd %d", ret, why, m.hdr.type, m.fd);
	CHECK(m.fd != memfd, "a new fd number on the receiving side");
	CHECK(fcntl(m.fd, F_GETFD) == FD_CLOEXEC, "received fd is close-on-exec");
	ret = qp_xproc_map_region(&m.u.region, m.fd, map, why, sizeof(why));
	REQUIRE(ret == 0, "map: %d %s", ret, why);
	qp_xproc_msg_clear(&m);
}

static void
test_memfd_exchange(void)
{
	struct qp_xproc_chan a, b;
	struct qp_xproc_map map, bad;
	struct qp_xproc_msg m;
	char why[WHY_LEN] = "";
	unsigned int before = count_fds(), i;
	uint8_t *owner, *peer;
	int memfd, fd, ret;

	UNIT_CASE("REGION over a socketpair: a memfd mapped on both sides");
	pair(&a, &b);
	ret = qp_xproc_memfd_create("qpxp-test", REGION_SIZE, &memfd, why, sizeof(why));
	REQUIRE(ret == 0, "memfd: %d %s", ret, why);
	CHECK(fcntl(memfd, F_GETFD) == FD_CLOEXEC, "memfd is close-on-exec");
	CHECK(ftruncate(memfd, REGION_SIZE / 2) != 0 && errno == EPERM, "sealed against shrink");
	CHECK(ftruncate(memfd, REGION_SIZE * 2) != 0 && errno == EPERM, "sealed against growth");
	owner = mmap(NULL, REGION_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	REQUIRE(owner != MAP_FAILED, "owner mmap: %s", strerror(errno));
	share_region(&a, &b, 4, owner, memfd, &map);
	close(memfd); /* the mappings keep the memory */
	CHECK(map.id == 4 && map.size == REGION_SIZE && map.owner_va == (uintptr_t)owner,
	      "map fields");
	/* Owner writes, peer reads through the translation, and back. */
	for (i = 0; i < 4096; i++)
		owner[1000 + i] = (uint8_t)(i * 7 + 1);
	peer = qp_xproc_map_translate(&map, (uintptr_t)owner + 1000, 4096);
	REQUIRE(peer != NULL, "translate a buffer");
	CHECK(peer != owner + 1000, "the peer's own mapping");
	for (i = 0; i < 4096; i++)
		if (peer[i] != (uint8_t)(i * 7 + 1))
			break;
	CHECK_EQ(i, 4096);
	peer = qp_xproc_map_translate(&map, (uintptr_t)owner + REGION_SIZE - 8, 8);
	REQUIRE(peer != NULL, "translate the last 8 bytes");
	memcpy(peer, "peer->me", 8);
	CHECK(memcmp(owner + REGION_SIZE - 8, "peer->me", 8) == 0, "peer's write seen by owner");

	/* An RXPORT whose ring lies in the region checks out. */
	sample(&m, QP_XPROC_RXPORT, 1, false);
	m.u.rxport.rq[0].region_id = 4;
	m.u.rxport.rq[0].nb_slots = 512;
	m.u.rxport.rq[0].offset = 4096;
	CHECK(qp_xproc_send(&a, &m, why, sizeof(why)) == 0, "send RXPORT: %s", why);
	ret = qp_xproc_recv(&b, &m, why, sizeof(why));
	CHECK(ret == 1 && m.hdr.type == QP_XPROC_RXPORT && m.hdr.seq == 1, "recv RXPORT: %d %s",
	      ret, why);
	ret = qp_xproc_rxport_check(&m.u.rxport, &map, 1, RING_HDR, SLOT, why, sizeof(why));
	CHECK(ret == 0, "rxport_check: %d %s", ret, why);
	qp_xproc_unmap_region(&map);
	CHECK(map.base == NULL, "unmapped");
	qp_xproc_unmap_region(&map); /* idempotent */
	munmap(owner, REGION_SIZE);

	UNIT_CASE("map_region refuses fds that could fault or are not memory");
	sample(&m, QP_XPROC_REGION, 0, false);
	fd = memfd_create("qpxp-unsealed", MFD_CLOEXEC);
	REQUIRE(fd >= 0 && ftruncate(fd, REGION_SIZE) == 0, "unsealed memfd");
	ret = qp_xproc_map_region(&m.u.region, fd, &bad, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "not sealed against shrinking") != NULL,
	      "unsealed: %d %s", ret, why);
	CHECK(bad.base == NULL, "nothing mapped");
	close(fd);
	ret = qp_xproc_memfd_create("qpxp-small", 4096, &fd, why, sizeof(why));
	REQUIRE(ret == 0, "small memfd");
	ret = qp_xproc_map_region(&m.u.region, fd, &bad, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "holds 4096 bytes, the message says 65536") != NULL,
	      "short file: %d %s", ret, why);
	close(fd);
	fd = devnull();
	ret = qp_xproc_map_region(&m.u.region, fd, &bad, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "not a memory file") != NULL, "/dev/null: %d %s",
	      ret, why);
	close(fd);
	ret = qp_xproc_map_region(&m.u.region, -1, &bad, why, sizeof(why));
	CHECK(ret == -EINVAL, "fd -1: %d %s", ret, why);
	m.u.region.size = 100;
	ret = qp_xproc_map_region(&m.u.region, 0, &bad, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "size 100") != NULL, "invalid region: %d", ret);
	ret = qp_xproc_memfd_create("qpxp-odd", 1000, &fd, why, sizeof(why));
	CHECK(ret == -EINVAL && fd == -1, "memfd of 1000 bytes: %d", ret);

	qp_xproc_chan_close(&a);
	qp_xproc_chan_close(&b);
	qp_xproc_chan_close(&b); /* idempotent */
	CHECK_EQ(count_fds(), before);
}

/* ------------------------------------------------------ socket messages */
/* Send raw bytes with @nb_fds /dev/null fds; the sender's copies are closed. */
static void
send_raw(int sock, const void *buf, size_t len, unsigned int nb_fds)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int) * 16)];
	} ctl;
	struct msghdr mh;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	int fds[16];
	unsigned int i;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	REQUIRE(nb_fds <= 16, "at most 16 fds");
	if (nb_fds > 0) {
		memset(&ctl, 0, sizeof(ctl));
		for (i = 0; i < nb_fds; i++)
			fds[i] = devnull();
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nb_fds);
		CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int) * nb_fds);
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), fds, sizeof(int) * nb_fds);
	}
	REQUIRE(sendmsg(sock, &mh, MSG_NOSIGNAL) == (ssize_t)len, "sendmsg: %s", strerror(errno));
	for (i = 0; i < nb_fds; i++)
		close(fds[i]);
}

static void
test_channel(void)
{
	static uint8_t big[QP_XPROC_MSG_MAX + 1000];
	uint8_t b[QP_XPROC_MSG_MAX];
	struct qp_xproc_chan a, c;
	struct qp_xproc_msg m;
	char why[WHY_LEN] = "";
	unsigned int before = count_fds();
	int n, ret;

	UNIT_CASE("send/recv: sequence, nothing waiting, truncation, fds, peer gone");
	pair(&a, &c);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == 0 && m.fd == -1, "nothing waiting: %d", ret);

	sample(&m, QP_XPROC_HELLO, 0, false);
	CHECK(qp_xproc_send(&a, &m, why, sizeof(why)) == 0, "send HELLO: %s", why);
	sample(&m, QP_XPROC_UP, 0, false);
	CHECK(qp_xproc_send(&a, &m, why, sizeof(why)) == 0, "send UP: %s", why);
	CHECK_EQ(a.tx_seq, 2);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == 1 && m.hdr.type == QP_XPROC_HELLO && m.hdr.seq == 0, "HELLO: %d %s", ret,
	      why);
	CHECK(strcmp(m.u.hello.name, "net_qpring_x0") == 0, "name");
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == 1 && m.hdr.type == QP_XPROC_UP && m.u.state.epoch == 0xdeadbeef,
	      "UP: %d %s", ret, why);
	CHECK_EQ(c.rx_seq, 2);

	/* Out of sequence: seq 7 where 2 is due. */
	sample(&m, QP_XPROC_DOWN, 0, false);
	n = encode(&m, b);
	send_raw(a.fd, b, (size_t)n, 0);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == -EPROTO && strstr(why, "DOWN out of sequence: seq 7, expected 2") != NULL,
	      "out of sequence: %d %s", ret, why);
	CHECK_EQ(qp_xproc_refuse_reason(ret), QP_XPROC_REFUSE_BAD_MSG);
	/* A REGION out of sequence: its fd is closed too. */
	sample(&m, QP_XPROC_REGION, 0, false);
	n = encode(&m, b);
	send_raw(a.fd, b, (size_t)n, 1);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == -EPROTO && m.fd == -1, "REGION out of sequence: %d %s", ret, why);
	/* A REFUSE is read whatever its seq. */
	sample(&m, QP_XPROC_REFUSE, 0, false);
	n = encode(&m, b);
	send_raw(a.fd, b, (size_t)n, 0);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == 1 && m.hdr.type == QP_XPROC_REFUSE, "REFUSE with seq 7: %d %s", ret, why);

	/* Longer than any message: truncated, refused; with an fd: closed. */
	memset(big, 0xab, sizeof(big));
	send_raw(a.fd, big, sizeof(big), 0);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == -EMSGSIZE && strstr(why, "longer than 6496 bytes") != NULL,
	      "oversize: %d %s", ret, why);
	send_raw(a.fd, big, sizeof(big), 2);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == -EMSGSIZE && m.fd == -1, "oversize + fds: %d %s", ret, why);
	CHECK_EQ(count_fds(), before + 2);
	/* More fds than the control buffer holds: MSG_CTRUNC. */
	sample(&m, QP_XPROC_BYE, 0, false);
	m.hdr.seq = c.rx_seq;
	n = encode(&m, b);
	send_raw(a.fd, b, (size_t)n, 12);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == -EMSGSIZE && strstr(why, "more than 8 fds") != NULL, "12 fds: %d %s", ret,
	      why);
	CHECK_EQ(count_fds(), before + 2);
	/* Fewer than that, but not what the type carries. */
	send_raw(a.fd, b, (size_t)n, 3);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == -EBADMSG && strstr(why, "BYE carries 0 fds, 3 attached") != NULL,
	      "3 fds: %d %s", ret, why);
	CHECK_EQ(count_fds(), before + 2);
	/* A REGION sent without its fd. */
	sample(&m, QP_XPROC_REGION, 0, false);
	m.hdr.seq = c.rx_seq;
	n = encode(&m, b);
	send_raw(a.fd, b, (size_t)n, 0);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == -EBADMSG && strstr(why, "REGION carries 1 fd, 0 attached") != NULL,
	      "missing fd: %d %s", ret, why);
	/* A malformed body with an fd attached. */
	put_le(b + 16, 99, 4);
	send_raw(a.fd, b, (size_t)n, 1);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "id 99") != NULL && m.fd == -1, "bad REGION: %d %s",
	      ret, why);
	/* A valid one keeps exactly one fd. */
	put_le(b + 16, 1, 4);
	send_raw(a.fd, b, (size_t)n, 1);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == 1 && m.fd >= 0, "good REGION: %d %s", ret, why);
	CHECK_EQ(count_fds(), before + 3);
	qp_xproc_msg_clear(&m);
	CHECK_EQ(count_fds(), before + 2);

	/* What send refuses to send. */
	sample(&m, QP_XPROC_REGION, 0, false);
	ret = qp_xproc_send(&a, &m, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "REGION without its fd") != NULL, "%d %s", ret, why);
	sample(&m, QP_XPROC_HELLO, 0, false);
	m.fd = 0;
	ret = qp_xproc_send(&a, &m, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "HELLO carries no fd") != NULL, "%d %s", ret, why);
	sample(&m, QP_XPROC_HELLO, 0, false);
	m.u.hello.slot_size = 0;
	ret = qp_xproc_send(&a, &m, why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "slot size 0") != NULL, "%d %s", ret, why);

	/* An empty datagram reads as the peer closing; then the real close. */
	send_raw(a.fd, b, 0, 0);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == -ECONNRESET, "empty message: %d %s", ret, why);
	qp_xproc_chan_close(&a);
	ret = qp_xproc_recv(&c, &m, why, sizeof(why));
	CHECK(ret == -ECONNRESET && strstr(why, "peer closed") != NULL, "peer closed: %d %s",
	      ret, why);
	/* Sending to a closed peer: an error, not SIGPIPE. */
	sample(&m, QP_XPROC_BYE, 0, false);
	ret = qp_xproc_send(&c, &m, why, sizeof(why));
	CHECK(ret == -EPIPE || ret == -ECONNRESET, "send to a closed peer: %d %s", ret, why);
	qp_xproc_chan_close(&c);
	CHECK_EQ(count_fds(), before);

	UNIT_CASE("send: a full socket buffer is -EAGAIN, never a block");
	pair(&a, &c);
	sample(&m, QP_XPROC_RXPORT, QP_XPROC_RQ_MAX, true);
	for (n = 0; n < 100000; n++) {
		ret = qp_xproc_send(&a, &m, why, sizeof(why));
		if (ret != 0)
			break;
	}
	CHECK(ret == -EAGAIN && strstr(why, "peer is not reading") != NULL,
	      "after %d messages: %d %s", n, ret, why);
	qp_xproc_chan_close(&a);
	qp_xproc_chan_close(&c);
	CHECK_EQ(count_fds(), before);
}

/* ------------------------------------------------------------- sockets */
static char tmpdir[64];

static void
path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmpdir, name);
}

static void
hello_exchange(struct qp_xproc_chan *srv, struct qp_xproc_chan *cli)
{
	struct qp_xproc_hello ours_s, ours_c;
	struct qp_xproc_msg m;
	char why[WHY_LEN] = "";
	uint32_t reason = 99;
	int ret;

	hello_fill(&ours_s, QP_XPROC_ROLE_SERVER, "net_qpring_srv");
	hello_fill(&ours_c, QP_XPROC_ROLE_CLIENT, "net_qpring_cli");
	qp_xproc_msg_init(&m, QP_XPROC_HELLO);
	m.u.hello = ours_c;
	CHECK(qp_xproc_send(cli, &m, why, sizeof(why)) == 0, "client HELLO: %s", why);
	qp_xproc_msg_init(&m, QP_XPROC_HELLO);
	m.u.hello = ours_s;
	CHECK(qp_xproc_send(srv, &m, why, sizeof(why)) == 0, "server HELLO: %s", why);
	ret = qp_xproc_recv(srv, &m, why, sizeof(why));
	CHECK(ret == 1 && m.hdr.type == QP_XPROC_HELLO, "server got %d %s", ret, why);
	CHECK(qp_xproc_hello_check(&ours_s, &m.u.hello, &reason, why, sizeof(why)) == 0 &&
		      reason == 0, "server accepts the client: %s", why);
	ret = qp_xproc_recv(cli, &m, why, sizeof(why));
	CHECK(ret == 1 && m.hdr.type == QP_XPROC_HELLO, "client got %d %s", ret, why);
	CHECK(qp_xproc_hello_check(&ours_c, &m.u.hello, &reason, why, sizeof(why)) == 0,
	      "client accepts the server: %s", why);
	CHECK(strcmp(m.u.hello.name, "net_qpring_srv") == 0, "server's name");
}

/* The next message on @c is REFUSE(@reason), then the connection ends. */
static void
expect_refuse(struct qp_xproc_chan *c, uint32_t reason, const char *text)
{
	struct qp_xproc_msg m;
	char why[WHY_LEN] = "";
	int ret = qp_xproc_recv(c, &m, why, sizeof(why));

	CHECK(ret == 1 && m.hdr.type == QP_XPROC_REFUSE, "REFUSE expected: %d %s type %u", ret,
	      why, m.hdr.type);
	if (ret != 1)
		return;
	CHECK(m.u.refuse.reason == reason, "reason %u (%s), expected %u",
	      m.u.refuse.reason, qp_xproc_refuse_str(m.u.refuse.reason), reason);
	CHECK(strstr(m.u.refuse.text, text) != NULL, "text \"%s\" lacks \"%s\"",
	      m.u.refuse.text, text);
	ret = qp_xproc_recv(c, &m, why, sizeof(why));
	CHECK(ret == -ECONNRESET, "closed after REFUSE: %d %s", ret, why);
}

static int
accept_one(struct qp_xproc_listener *l)
{
	char why[WHY_LEN] = "";
	int fd = -1;
	int ret = qp_xproc_accept(l, &fd, why, sizeof(why));

	CHECK(ret == 0 && fd >= 0, "accept: %d %s", ret, why);
	return fd;
}

static void
test_listen_connect(void)
{
	struct qp_xproc_listener l, l2;
	struct qp_xproc_chan srv, cli, cli2;
	struct qp_xproc_hello ours, theirs;
	struct qp_xproc_msg m;
	char path[PATH_MAX], why[WHY_LEN] = "";
	uint8_t b[QP_XPROC_MSG_MAX];
	uint32_t reason;
	int ret, fd, n;
	struct stat st;

	UNIT_CASE("listen, connect, HELLO both ways");
	path_in(path, sizeof(path), "a.sock");
	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	CHECK(ret == -EAGAIN && fd == -1 && strstr(why, "no server listening") != NULL,
	      "no server yet: %d %s", ret, why);
	ret = qp_xproc_listen(&l, path, why, sizeof(why));
	REQUIRE(ret == 0, "listen: %d %s", ret, why);
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode), "socket file");
	ret = qp_xproc_accept(&l, &fd, why, sizeof(why));
	CHECK(ret == -EAGAIN, "nothing pending: %d", ret);

	UNIT_CASE("a second server on a live path is told busy");
	ret = qp_xproc_listen(&l2, path, why, sizeof(why));
	CHECK(ret == -EADDRINUSE && strstr(why, "busy: another process listens on") != NULL &&
		      l2.fd == -1, "second listen: %d %s", ret, why);
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode), "the live socket file stays");
	/* The liveness probe is a connection that closes at once. */
	fd = accept_one(&l);
	qp_xproc_chan_init(&srv, fd);
	ret = qp_xproc_recv(&srv, &m, why, sizeof(why));
	CHECK(ret == -ECONNRESET, "the probe: %d %s", ret, why);
	qp_xproc_chan_close(&srv);

	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	REQUIRE(ret == 0, "connect: %d %s", ret, why);
	qp_xproc_chan_init(&cli, fd);
	qp_xproc_chan_init(&srv, accept_one(&l));
	CHECK_EQ(qp_xproc_peer_pid(srv.fd), getpid());
	CHECK_EQ(qp_xproc_peer_pid(cli.fd), getpid());
	hello_exchange(&srv, &cli);

	UNIT_CASE("a second client on a busy server gets REFUSE(busy)");
	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	REQUIRE(ret == 0, "second connect: %d %s", ret, why);
	qp_xproc_chan_init(&cli2, fd);
	ret = qp_xproc_accept_refuse(&l, QP_XPROC_REFUSE_BUSY, "net_qpring_srv already has a "
				     "peer (pid 1)");
	CHECK_EQ(ret, 1);
	expect_refuse(&cli2, QP_XPROC_REFUSE_BUSY, "already has a peer");
	qp_xproc_chan_close(&cli2);
	CHECK_EQ(qp_xproc_accept_refuse(&l, QP_XPROC_REFUSE_BUSY, "x"), 0);
	/* The first connection is untouched. */
	sample(&m, QP_XPROC_BYE, 0, false);
	CHECK(qp_xproc_send(&cli, &m, why, sizeof(why)) == 0, "BYE: %s", why);
	ret = qp_xproc_recv(&srv, &m, why, sizeof(why));
	CHECK(ret == 1 && m.hdr.type == QP_XPROC_BYE, "first peer still there: %d %s", ret, why);
	qp_xproc_chan_close(&cli);
	qp_xproc_chan_close(&srv);

	UNIT_CASE("version mismatch: HELLO v2 answered by REFUSE(version)");
	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	REQUIRE(ret == 0, "connect: %d %s", ret, why);
	qp_xproc_chan_init(&cli, fd);
	qp_xproc_chan_init(&srv, accept_one(&l));
	sample(&m, QP_XPROC_HELLO, 0, false);
	m.hdr.seq = 0;
	n = encode(&m, b);
	put_le(b + 4, 2, 2);
	send_raw(cli.fd, b, (size_t)n, 0);
	ret = qp_xproc_recv(&srv, &m, why, sizeof(why));
	CHECK(ret == -EPROTONOSUPPORT, "server: %d %s", ret, why);
	CHECK(qp_xproc_send_refuse(&srv, qp_xproc_refuse_reason(ret), why) == 0, "send REFUSE");
	qp_xproc_chan_close(&srv);
	expect_refuse(&cli, QP_XPROC_REFUSE_VERSION, "peer speaks protocol version 2");
	qp_xproc_chan_close(&cli);

	UNIT_CASE("HELLO checks: same role, other layout");
	hello_fill(&ours, QP_XPROC_ROLE_SERVER, "s");
	hello_fill(&theirs, QP_XPROC_ROLE_SERVER, "other");
	ret = qp_xproc_hello_check(&ours, &theirs, &reason, why, sizeof(why));
	CHECK(ret == -EPROTO && reason == QP_XPROC_REFUSE_ROLE &&
		      strstr(why, "both sides are servers (peer other") != NULL, "role: %d %s",
	      ret, why);
	theirs.role = QP_XPROC_ROLE_CLIENT;
	theirs.ring_hdr_size = RING_HDR + 64;
	ret = qp_xproc_hello_check(&ours, &theirs, &reason, why, sizeof(why));
	CHECK(ret == -EPROTO && reason == QP_XPROC_REFUSE_LAYOUT &&
		      strstr(why, "ring layout differs") != NULL, "layout: %d %s", ret, why);
	theirs.ring_hdr_size = RING_HDR;
	theirs.layout_id = LAYOUT + 1;
	ret = qp_xproc_hello_check(&ours, &theirs, &reason, why, sizeof(why));
	CHECK(ret == -EPROTO && reason == QP_XPROC_REFUSE_LAYOUT, "layout id: %d", ret);
	/* A refusal text is made printable and cut to fit. */
	pair(&cli, &srv);
	CHECK(qp_xproc_send_refuse(&srv, QP_XPROC_REFUSE_STATE, "line1\nline2\t\x7f and "
				   "a long tail .................................................."
				   "............................................................."
				   "............") == 0, "refuse with odd text");
	ret = qp_xproc_recv(&cli, &m, why, sizeof(why));
	CHECK(ret == 1 && strncmp(m.u.refuse.text, "line1?line2?? and a long", 24) == 0 &&
		      strlen(m.u.refuse.text) == QP_XPROC_TEXT_LEN - 1, "text \"%s\"",
	      m.u.refuse.text);
	qp_xproc_chan_close(&cli);
	qp_xproc_chan_close(&srv);

	UNIT_CASE("unlisten removes the socket file; a crashed server's file is stale");
	qp_xproc_unlisten(&l);
	CHECK(stat(path, &st) != 0 && errno == ENOENT, "file removed");
	qp_xproc_unlisten(&l); /* idempotent */
	ret = qp_xproc_listen(&l, path, why, sizeof(why));
	REQUIRE(ret == 0, "listen again: %d %s", ret, why);
	close(l.fd); /* the process "dies": the file stays, nobody listens */
	CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode), "stale file");
	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	CHECK(ret == -EAGAIN && strstr(why, "no server") != NULL, "client on a stale file: %d %s",
	      ret, why);
	ret = qp_xproc_listen(&l, path, why, sizeof(why));
	CHECK(ret == 0, "stale file replaced: %d %s", ret, why);
	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	CHECK(ret == 0, "connect to the new server: %d %s", ret, why);
	close(fd);
	/* Someone replaced the file: unlisten leaves theirs alone. */
	CHECK(unlink(path) == 0, "unlink");
	fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	REQUIRE(fd >= 0, "create %s", path);
	close(fd);
	qp_xproc_unlisten(&l);
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode), "not our file: kept");

	UNIT_CASE("listen on a regular file: refused, the file is left alone");
	ret = qp_xproc_listen(&l, path, why, sizeof(why));
	CHECK(ret == -EEXIST && strstr(why, "exists and is not a socket") != NULL,
	      "regular file: %d %s", ret, why);
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode), "still there");
	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	CHECK(ret == -EAGAIN || ret == -ECONNREFUSED, "connect to a regular file: %d %s", ret,
	      why);
	unlink(path);
}

/*
 * qp_xproc_listen(@path) in a child running as uid/gid 65534 (nobody):
 * root passes every permission check. The child reports the result and
 * reason through a pipe. The temporary directory is made searchable for it.
 */
static int
listen_as_nobody(const char *path, char *why, size_t why_len)
{
	struct qp_xproc_listener l;
	struct {
		int ret;
		char why[WHY_LEN];
	} res;
	int p[2], status;
	pid_t pid;
	ssize_t n;

	memset(&res, 0, sizeof(res));
	REQUIRE(pipe2(p, O_CLOEXEC) == 0, "pipe");
	REQUIRE(chmod(tmpdir, 0711) == 0, "chmod %s", tmpdir);
	fflush(stdout);
	pid = fork();
	REQUIRE(pid >= 0, "fork");
	if (pid == 0) {
		close(p[0]);
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(2);
		res.ret = qp_xproc_listen(&l, path, res.why, sizeof(res.why));
		if (res.ret == 0)
			qp_xproc_unlisten(&l);
		_exit(write(p[1], &res, sizeof(res)) == (ssize_t)sizeof(res) ? 0 : 3);
	}
	close(p[1]);
	n = read(p[0], &res, sizeof(res));
	close(p[0]);
	REQUIRE(waitpid(pid, &status, 0) == pid, "waitpid");
	CHECK(chmod(tmpdir, 0700) == 0, "chmod back");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
	if (n != (ssize_t)sizeof(res))
		return -EIO;
	res.why[WHY_LEN - 1] = '\0';
	snprintf(why, why_len, "%s", res.why);
	return res.ret;
}

static void
test_paths(void)
{
	struct qp_xproc_listener l;
	char path[PATH_MAX], why[WHY_LEN] = "";
	size_t base;
	int ret, fd, s;
	struct sockaddr_un sa;

	UNIT_CASE("socket paths: length limit, missing directory, permissions");
	/* Exactly 107 bytes fit sun_path; 108 do not. */
	path_in(path, sizeof(path), "");
	base = strlen(path);
	memset(path + base, 'p', 107 - base);
	path[107] = '\0';
	ret = qp_xproc_listen(&l, path, why, sizeof(why));
	CHECK(ret == 0, "107-byte path: %d %s", ret, why);
	if (ret == 0)
		qp_xproc_unlisten(&l);
	memset(path + base, 'p', 108 - base);
	path[108] = '\0';
	ret = qp_xproc_listen(&l, path, why, sizeof(why));
	CHECK(ret == -ENAMETOOLONG && strstr(why, "is 108 bytes; a Unix socket path holds at "
					     "most 107") != NULL, "108 bytes: %d %s", ret, why);
	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	CHECK(ret == -ENAMETOOLONG, "connect, 108 bytes: %d", ret);
	ret = qp_xproc_listen(&l, "", why, sizeof(why));
	CHECK(ret == -EINVAL && strstr(why, "empty") != NULL, "empty path: %d", ret);
	ret = qp_xproc_listen(&l, NULL, why, sizeof(why));
	CHECK(ret == -EINVAL, "NULL path: %d", ret);
	path_in(path, sizeof(path), "no/such/dir.sock");
	ret = qp_xproc_listen(&l, path, why, sizeof(why));
	CHECK(ret == -ENOENT && strstr(why, "directory does not exist") != NULL,
	      "missing dir: %d %s", ret, why);
	path_in(path, sizeof(path), "ro");
	REQUIRE(mkdir(path, 0500) == 0, "mkdir %s", path);
	path_in(path, sizeof(path), "ro/x.sock");
	ret = qp_xproc_listen(&l, path, why, sizeof(why));
	if (geteuid() == 0) {
		/* root passes directory permissions: try again as nobody, in a child */
		if (ret == 0)
			qp_xproc_unlisten(&l);
		ret = listen_as_nobody(path, why, sizeof(why));
		CHECK(ret == -EACCES && strstr(why, "permission denied") != NULL,
		      "read-only dir, as nobody: %d %s", ret, why);
	} else {
		CHECK(ret == -EACCES && strstr(why, "permission denied") != NULL,
		      "read-only dir: %d %s", ret, why);
	}
	path_in(path, sizeof(path), "ro");
	rmdir(path);

	UNIT_CASE("a stream socket on the path: busy for listen, wrong type for connect");
	path_in(path, sizeof(path), "stream.sock");
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	REQUIRE(strlen(path) < sizeof(sa.sun_path), "test path too long");
	memcpy(sa.sun_path, path, strlen(path) + 1);
	REQUIRE(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(s, 1) == 0,
		"stream listener");
	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	CHECK(ret == -EPROTOTYPE && strstr(why, "another type") != NULL, "connect: %d %s", ret,
	      why);
	ret = qp_xproc_listen(&l, path, why, sizeof(why));
	CHECK(ret == -EADDRINUSE && strstr(why, "busy") != NULL, "listen: %d %s", ret, why);
	close(s);
	unlink(path);

	UNIT_CASE("abstract socket names (@name)");
	snprintf(path, sizeof(path), "@qpxp-unit-%d", (int)getpid());
	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	CHECK(ret == -EAGAIN, "no abstract server yet: %d %s", ret, why);
	ret = qp_xproc_listen(&l, path, why, sizeof(why));
	REQUIRE(ret == 0, "abstract listen: %d %s", ret, why);
	{
		struct qp_xproc_listener l2;

		ret = qp_xproc_listen(&l2, path, why, sizeof(why));
		CHECK(ret == -EADDRINUSE, "abstract busy: %d %s", ret, why);
		fd = -1;
		if (qp_xproc_accept(&l, &fd, why, sizeof(why)) == 0) /* the probe */
			close(fd);
	}
	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	CHECK(ret == 0, "abstract connect: %d %s", ret, why);
	if (ret == 0) {
		struct qp_xproc_chan srv, cli;

		qp_xproc_chan_init(&cli, fd);
		qp_xproc_chan_init(&srv, accept_one(&l));
		hello_exchange(&srv, &cli);
		qp_xproc_chan_close(&srv);
		qp_xproc_chan_close(&cli);
	}
	qp_xproc_unlisten(&l);
	ret = qp_xproc_connect(path, &fd, why, sizeof(why));
	CHECK(ret == -EAGAIN, "abstract name gone with its socket: %d", ret);
	ret = qp_xproc_listen(&l, "@", why, sizeof(why));
	CHECK(ret == -EINVAL, "bare @: %d", ret);
	memset(path, 'a', 109);
	path[0] = '@';
	path[109] = '\0';
	ret = qp_xproc_listen(&l, path, why, sizeof(why));
	CHECK(ret == -ENAMETOOLONG, "abstract name too long: %d", ret);
}

static void
test_names(void)
{
	UNIT_CASE("names for logs");
	CHECK(strcmp(qp_xproc_type_str(QP_XPROC_DOWN_ACK), "DOWN_ACK") == 0, "type name");
	CHECK(strcmp(qp_xproc_type_str(QP_XPROC_UP_ACK), "UP_ACK") == 0, "type name");
	CHECK(strcmp(qp_xproc_type_str(0), "?") == 0, "unknown type");
	CHECK(strcmp(qp_xproc_refuse_str(QP_XPROC_REFUSE_BUSY), "busy") == 0, "busy");
	CHECK(strcmp(qp_xproc_refuse_str(1234), "?") == 0, "unknown reason");
}

int
main(void)
{
	unsigned int fds_at_start = count_fds();

	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/qpxp-XXXXXX");
	REQUIRE(mkdtemp(tmpdir) != NULL, "mkdtemp: %s", strerror(errno));
	test_layout();
	test_round_trip();
	test_malformed();
	test_decode_edges();
	test_encode_refuses();
	test_translate();
	test_rxport_check();
	test_memfd_exchange();
	test_channel();
	test_listen_connect();
	test_paths();
	test_names();
	UNIT_CASE("no fd leaked over the whole run");
	CHECK_EQ(count_fds(), fds_at_start);
	rmdir(tmpdir);
	return check_finish();
}
