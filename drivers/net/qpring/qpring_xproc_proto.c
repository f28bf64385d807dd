/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The cross-process wire's control protocol: message encode/decode with
 * every rule of qpring_xproc_proto.h, and the memfd region helpers (which
 * check a region against the same rules). The SOCK_SEQPACKET socket
 * helpers that carry the messages are in qpring_xproc_sock.c. No state
 * machine: one message at a time.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, F_ADD_SEALS */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <unistd.h>

#include "qpring_xproc_proto.h"
#include "qpring_xproc_util.h"

/* statfs f_type of shmem (memfd_create without MFD_HUGETLB), linux/magic.h. */
#define XP_TMPFS_MAGIC 0x01021994ul

/* ----------------------------------------------------- names for logs */
const char *
qp_xproc_type_str(uint16_t type)
{
	switch (type) {
	case QP_XPROC_HELLO:
		return "HELLO";
	case QP_XPROC_REFUSE:
		return "REFUSE";
	case QP_XPROC_REGION:
		return "REGION";
	case QP_XPROC_RXPORT:
		return "RXPORT";
	case QP_XPROC_UP:
		return "UP";
	case QP_XPROC_DOWN:
		return "DOWN";
	case QP_XPROC_DOWN_ACK:
		return "DOWN_ACK";
	case QP_XPROC_UP_ACK:
		return "UP_ACK";
	case QP_XPROC_BYE:
		return "BYE";
	default:
		return "?";
	}
}

const char *
qp_xproc_refuse_str(uint32_t reason)
{
	switch (reason) {
	case QP_XPROC_REFUSE_BUSY:
		return "busy";
	case QP_XPROC_REFUSE_VERSION:
		return "version mismatch";
	case QP_XPROC_REFUSE_BAD_MSG:
		return "bad message";
	case QP_XPROC_REFUSE_ROLE:
		return "role conflict";
	case QP_XPROC_REFUSE_LAYOUT:
		return "ring layout mismatch";
	case QP_XPROC_REFUSE_STATE:
		return "unexpected message";
	case QP_XPROC_REFUSE_REGION:
		return "region refused";
	case QP_XPROC_REFUSE_INTERNAL:
		return "internal error";
	default:
		return "?";
	}
}

void
qp_xproc_msg_init(struct qp_xproc_msg *msg, uint16_t type)
{
	memset(msg, 0, sizeof(*msg));
	msg->hdr.type = type;
	msg->fd = -1;
}

void
qp_xproc_msg_clear(struct qp_xproc_msg *msg)
{
	xp_close(msg->fd);
	msg->fd = -1;
}

/* ------------------------------------------------ bounded byte access */
/*
 * A reader that cannot leave its buffer: a read past the end returns zero
 * and marks the reader bad, so a mistake in a size computation shows as a
 * refused message, never as an out-of-bounds read.
 */
struct xp_rd {
	const uint8_t *p;
	size_t len;
	size_t pos;
	bool bad;
};

static bool
xp_rd_take(struct xp_rd *r, size_t n)
{
	if (r->bad || r->len - r->pos < n) {
		r->bad = true;
		return false;
	}
	return true;
}

static uint64_t
xp_rd_le(struct xp_rd *r, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	if (!xp_rd_take(r, n))
		return 0;
	for (i = 0; i < n; i++)
		v |= (uint64_t)r->p[r->pos + i] << (8 * i);
	r->pos += n;
	return v;
}

static uint8_t
xp_rd_u8(struct xp_rd *r)
{
	return (uint8_t)xp_rd_le(r, 1);
}

static uint16_t
xp_rd_u16(struct xp_rd *r)
{
	return (uint16_t)xp_rd_le(r, 2);
}

static uint32_t
xp_rd_u32(struct xp_rd *r)
{
	return (uint32_t)xp_rd_le(r, 4);
}

static uint64_t
xp_rd_u64(struct xp_rd *r)
{
	return xp_rd_le(r, 8);
}

static void
xp_rd_bytes(struct xp_rd *r, void *dst, size_t n)
{
	if (!xp_rd_take(r, n)) {
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, r->p + r->pos, n);
	r->pos += n;
}

/* Reserved bytes: true if all @n are zero. */
static bool
xp_rd_zero(struct xp_rd *r, size_t n)
{
	bool zero = true;
	size_t i;

	if (!xp_rd_take(r, n))
		return false;
	for (i = 0; i < n; i++)
		zero &= r->p[r->pos + i] == 0;
	r->pos += n;
	return zero;
}

struct xp_wr {
	uint8_t *p;
	size_t cap;
	size_t pos;
	bool bad;
};

static void
xp_wr_le(struct xp_wr *w, uint64_t v, unsigned int n)
{
	unsigned int i;

	if (w->bad || w->cap - w->pos < n) {
		w->bad = true;
		return;
	}
	for (i = 0; i < n; i++)
		w->p[w->pos + i] = (uint8_t)(v >> (8 * i));
	w->pos += n;
}

static void
xp_wr_bytes(struct xp_wr *w, const void *src, size_t n)
{
	if (w->bad || w->cap - w->pos < n) {
		w->bad = true;
		return;
	}
	if (src != NULL)
		memcpy(w->p + w->pos, src, n);
	else
		memset(w->p + w->pos, 0, n);
	w->pos += n;
}

/* ------------------------------------------------------ validation */
/*
 * A string field of @cap bytes: NUL-terminated inside the field, printable
 * ASCII before the NUL (it goes to logs: no escape sequences, no newlines),
 * NUL after it (nothing of the sender's memory travels in the padding).
 */
static int
xp_check_str(const char *s, size_t cap, bool nonempty, const char *what, char *why,
	     size_t why_len)
{
	size_t n = 0, i;

	while (n < cap && s[n] != '\0')
		n++;
	if (n == cap)
		return xp_fail(why, why_len, -EBADMSG, "%s is not NUL-terminated within %zu bytes",
			       what, cap);
	if (nonempty && n == 0)
		return xp_fail(why, why_len, -EBADMSG, "%s is empty", what);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return xp_fail(why, why_len, -EBADMSG,
				       "%s has a non-printable byte 0x%02x at %zu", what,
				       (unsigned char)s[i], i);
	for (i = n + 1; i < cap; i++)
		if (s[i] != '\0')
			return xp_fail(why, why_len, -EBADMSG,
				       "%s has bytes after its terminating NUL (at %zu)", what, i);
	return 0;
}

static bool
xp_pow2(uint64_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

static int
xp_check_hello(const struct qp_xproc_hello *h, char *why, size_t why_len)
{
	if (h->role != QP_XPROC_ROLE_SERVER && h->role != QP_XPROC_ROLE_CLIENT)
		return xp_fail(why, why_len, -EINVAL, "HELLO: role %u is neither server (%u) nor "
			       "client (%u)", h->role, QP_XPROC_ROLE_SERVER, QP_XPROC_ROLE_CLIENT);
	if (!xp_pow2(h->slot_size) || h->slot_size < 8 || h->slot_size > 4096)
		return xp_fail(why, why_len, -EINVAL, "HELLO: slot size %u is not a power of two "
			       "in 8..4096", h->slot_size);
	if (h->ring_hdr_size % QP_XPROC_RING_ALIGN != 0 || h->ring_hdr_size > (1u << 20))
		return xp_fail(why, why_len, -EINVAL, "HELLO: ring header size %u is not a "
			       "multiple of %u up to 1 MiB", h->ring_hdr_size, QP_XPROC_RING_ALIGN);
	return xp_check_str(h->name, sizeof(h->name), true, "HELLO: port name", why, why_len);
}

static int
xp_check_refuse(const struct qp_xproc_refuse *f, char *why, size_t why_len)
{
	/* Any reason code: a newer peer may know more of them. */
	return xp_check_str(f->text, sizeof(f->text), false, "REFUSE: text", why, why_len);
}

static int
xp_check_region(const struct qp_xproc_region *r, char *why, size_t why_len)
{
	if (r->id >= QP_XPROC_REGIONS_MAX)
		return xp_fail(why, why_len, -EINVAL, "REGION: id %u is not below %u", r->id,
			       QP_XPROC_REGIONS_MAX);
	if (r->size == 0 || r->size % QP_XPROC_PAGE != 0 || r->size > QP_XPROC_REGION_SIZE_MAX)
		return xp_fail(why, why_len, -EINVAL, "REGION %u: size %llu is not a multiple of "
			       "%u in 1 page..%llu", r->id, (unsigned long long)r->size,
			       QP_XPROC_PAGE, (unsigned long long)QP_XPROC_REGION_SIZE_MAX);
	if (r->owner_va == 0 || r->owner_va % QP_XPROC_PAGE != 0)
		return xp_fail(why, why_len, -EINVAL, "REGION %u: owner address 0x%llx is not a "
			       "page-aligned address", r->id, (unsigned long long)r->owner_va);
	if (r->owner_va > UINT64_MAX - r->size)
		return xp_fail(why, why_len, -EINVAL, "REGION %u: owner address 0x%llx + size "
			       "%llu wraps around", r->id, (unsigned long long)r->owner_va,
			       (unsigned long long)r->size);
	return 0;
}

static bool
xp_all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

static int
xp_check_rxport(const struct qp_xproc_rxport *x, char *why, size_t why_len)
{
	unsigned int i;
	bool rss;

	if (x->nb_rq > QP_XPROC_RQ_MAX)
		return xp_fail(why, why_len, -EINVAL, "RXPORT: %u receive queues, at most %u",
			       x->nb_rq, QP_XPROC_RQ_MAX);
	if ((x->filter & ~QP_XPROC_FILTER_ALL) != 0)
		return xp_fail(why, why_len, -EINVAL, "RXPORT: unknown filter flags 0x%x",
			       x->filter & ~QP_XPROC_FILTER_ALL);
	if (x->max_frame_len < QP_XPROC_FRAME_MIN || x->max_frame_len > QP_XPROC_FRAME_MAX)
		return xp_fail(why, why_len, -EINVAL, "RXPORT: max frame length %u not in %u..%u",
			       x->max_frame_len, QP_XPROC_FRAME_MIN, QP_XPROC_FRAME_MAX);
	if (x->select > QP_XPROC_SELECT_MAX)
		return xp_fail(why, why_len, -EINVAL, "RXPORT: queue selection %u is not one of "
			       "first (0), same (1), rss (2)", x->select);
	if ((x->flags & ~QP_XPROC_RXF_ALL) != 0)
		return xp_fail(why, why_len, -EINVAL, "RXPORT: unknown flags 0x%x",
			       x->flags & ~QP_XPROC_RXF_ALL);
	rss = x->rss_key_len != 0 || x->reta_size != 0;
	if (x->select == QP_XPROC_SELECT_RSS && !rss)
		return xp_fail(why, why_len, -EINVAL, "RXPORT: queue selection by RSS without "
			       "an RSS key and RETA");
	if (rss) {
		if (x->rss_key_len != QP_XPROC_RSS_KEY_LEN || x->reta_size != QP_XPROC_RETA_SIZE)
			return xp_fail(why, why_len, -EINVAL, "RXPORT: RSS key of %u bytes and "
				       "RETA of %u entries; with RSS on they are %u and %u",
				       x->rss_key_len, x->reta_size, QP_XPROC_RSS_KEY_LEN,
				       QP_XPROC_RETA_SIZE);
		if (x->nb_rq == 0)
			return xp_fail(why, why_len, -EINVAL, "RXPORT: RSS on with no receive "
				       "queue");
		for (i = 0; i < QP_XPROC_RETA_SIZE; i++)
			if (x->reta[i] >= x->nb_rq)
				return xp_fail(why, why_len, -EINVAL, "RXPORT: RETA entry %u names "
					       "queue %u of %u", i, x->reta[i], x->nb_rq);
	} else {
		if (x->rss_hf != 0)
			return xp_fail(why, why_len, -EINVAL, "RXPORT: RSS functions 0x%llx "
				       "without a key and RETA",
				       (unsigned long long)x->rss_hf);
		if (!xp_all_zero(x->rss_key, sizeof(x->rss_key)) ||
		    !xp_all_zero(x->reta, sizeof(x->reta)))
			return xp_fail(why, why_len, -EINVAL, "RXPORT: RSS off but key or RETA "
				       "bytes are not zero");
	}
	for (i = 0; i < x->nb_rq; i++) {
		const struct qp_xproc_rq *q = &x->rq[i];

		if (q->region_id >= QP_XPROC_REGIONS_MAX)
			return xp_fail(why, why_len, -EINVAL, "RXPORT: rq %u: region id %u is not "
				       "below %u", i, q->region_id, QP_XPROC_REGIONS_MAX);
		if (!xp_pow2(q->nb_slots) || q->nb_slots < QP_XPROC_SLOTS_MIN ||
		    q->nb_slots > QP_XPROC_SLOTS_MAX)
			return xp_fail(why, why_len, -EINVAL, "RXPORT: rq %u: %u slots is not a "
				       "power of two in %u..%u", i, q->nb_slots,
				       QP_XPROC_SLOTS_MIN, QP_XPROC_SLOTS_MAX);
		if (q->offset % QP_XPROC_RING_ALIGN != 0 || q->offset >= QP_XPROC_REGION_SIZE_MAX)
			return xp_fail(why, why_len, -EINVAL, "RXPORT: rq %u: ring offset %llu is "
				       "not %u-aligned inside %llu bytes", i,
				       (unsigned long long)q->offset, QP_XPROC_RING_ALIGN,
				       (unsigned long long)QP_XPROC_REGION_SIZE_MAX);
		if ((q->flags & ~QP_XPROC_RQ_F_ALL) != 0)
			return xp_fail(why, why_len, -EINVAL, "RXPORT: rq %u: unknown flags 0x%x",
				       i, q->flags & ~QP_XPROC_RQ_F_ALL);
		if (q->buf_size < QP_XPROC_BUF_MIN || q->buf_size > QP_XPROC_BUF_MAX)
			return xp_fail(why, why_len, -EINVAL, "RXPORT: rq %u: buffer size %u not "
				       "in %u..%u", i, q->buf_size, QP_XPROC_BUF_MIN,
				       QP_XPROC_BUF_MAX);
	}
	return 0;
}

static int
xp_check_state(const struct qp_xproc_state *s, char *why, size_t why_len)
{
	(void)s; /* every epoch is valid; the state machine compares them */
	(void)why;
	(void)why_len;
	return 0;
}

/* Wire length of a message of @type (RXPORT: with @nb_rq queues); 0: unknown type. */
static uint32_t
xp_wire_len(uint16_t type, uint32_t nb_rq)
{
	switch (type) {
	case QP_XPROC_HELLO:
		return QP_XPROC_HELLO_LEN;
	case QP_XPROC_REFUSE:
		return QP_XPROC_REFUSE_LEN;
	case QP_XPROC_REGION:
		return QP_XPROC_REGION_LEN;
	case QP_XPROC_RXPORT:
		return QP_XPROC_RXPORT_LEN(nb_rq);
	case QP_XPROC_UP:
	case QP_XPROC_DOWN:
	case QP_XPROC_DOWN_ACK:
	case QP_XPROC_UP_ACK:
		return QP_XPROC_STATE_LEN;
	case QP_XPROC_BYE:
		return QP_XPROC_BYE_LEN;
	default:
		return 0;
	}
}

static int
xp_check_body(const struct qp_xproc_msg *msg, char *why, size_t why_len)
{
	switch (msg->hdr.type) {
	case QP_XPROC_HELLO:
		return xp_check_hello(&msg->u.hello, why, why_len);
	case QP_XPROC_REFUSE:
		return xp_check_refuse(&msg->u.refuse, why, why_len);
	case QP_XPROC_REGION:
		return xp_check_region(&msg->u.region, why, why_len);
	case QP_XPROC_RXPORT:
		return xp_check_rxport(&msg->u.rxport, why, why_len);
	case QP_XPROC_UP:
	case QP_XPROC_DOWN:
	case QP_XPROC_DOWN_ACK:
	case QP_XPROC_UP_ACK:
		return xp_check_state(&msg->u.state, why, why_len);
	case QP_XPROC_BYE:
		return 0;
	default:
		return xp_fail(why, why_len, -EBADMSG, "unknown message type %u", msg->hdr.type);
	}
}

/* ------------------------------------------------------------ encode */
int
qp_xproc_encode(const struct qp_xproc_msg *msg, void *buf, size_t cap, char *why, size_t why_len)
{
	struct xp_wr w = { .p = buf, .cap = buf != NULL ? cap : 0 };
	const struct qp_xproc_rxport *x = &msg->u.rxport;
	uint32_t len;
	unsigned int i;
	int ret;

	ret = xp_check_body(msg, why, why_len);
	if (ret != 0)
		return ret == -EBADMSG ? -EINVAL : ret;
	len = xp_wire_len(msg->hdr.type, msg->hdr.type == QP_XPROC_RXPORT ? x->nb_rq : 0);
	if (w.cap < len)
		return xp_fail(why, why_len, -ENOSPC, "%s needs %u bytes, the buffer holds %zu",
			       qp_xproc_type_str(msg->hdr.type), len, w.cap);

	xp_wr_le(&w, QP_XPROC_MAGIC, 4);
	xp_wr_le(&w, QP_XPROC_VERSION, 2);
	xp_wr_le(&w, msg->hdr.type, 2);
	xp_wr_le(&w, len, 4);
	xp_wr_le(&w, msg->hdr.seq, 4);
	switch (msg->hdr.type) {
	case QP_XPROC_HELLO:
		xp_wr_le(&w, msg->u.hello.role, 1);
		xp_wr_bytes(&w, NULL, 3);
		xp_wr_le(&w, msg->u.hello.pid, 4);
		xp_wr_le(&w, msg->u.hello.features, 8);
		xp_wr_le(&w, msg->u.hello.layout_id, 4);
		xp_wr_le(&w, msg->u.hello.slot_size, 4);
		xp_wr_le(&w, msg->u.hello.ring_hdr_size, 4);
		xp_wr_bytes(&w, NULL, 4);
		xp_wr_bytes(&w, msg->u.hello.name, QP_XPROC_NAME_LEN);
		break;
	case QP_XPROC_REFUSE:
		xp_wr_le(&w, msg->u.refuse.reason, 4);
		xp_wr_bytes(&w, NULL, 4);
		xp_wr_bytes(&w, msg->u.refuse.text, QP_XPROC_TEXT_LEN);
		break;
	case QP_XPROC_REGION:
		xp_wr_le(&w, msg->u.region.id, 4);
		xp_wr_bytes(&w, NULL, 4);
		xp_wr_le(&w, msg->u.region.size, 8);
		xp_wr_le(&w, msg->u.region.owner_va, 8);
		break;
	case QP_XPROC_RXPORT:
		xp_wr_bytes(&w, x->mac, sizeof(x->mac));
		xp_wr_le(&w, x->nb_rq, 2);
		xp_wr_le(&w, x->filter, 4);
		xp_wr_le(&w, x->max_frame_len, 4);
		xp_wr_le(&w, x->rx_offloads, 8);
		xp_wr_le(&w, x->rss_hf, 8);
		xp_wr_le(&w, x->rss_key_len, 2);
		xp_wr_le(&w, x->reta_size, 2);
		xp_wr_le(&w, x->select, 1);
		xp_wr_le(&w, x->flags, 1);
		xp_wr_bytes(&w, NULL, 2);
		xp_wr_bytes(&w, x->rss_key, sizeof(x->rss_key));
		for (i = 0; i < QP_XPROC_RETA_SIZE; i++)
			xp_wr_le(&w, x->reta[i], 2);
		for (i = 0; i < x->nb_rq; i++) {
			xp_wr_le(&w, x->rq[i].offset, 8);
			xp_wr_le(&w, x->rq[i].region_id, 4);
			xp_wr_le(&w, x->rq[i].nb_slots, 4);
			xp_wr_le(&w, x->rq[i].buf_size, 4);
			xp_wr_le(&w, x->rq[i].flags, 4);
		}
		break;
	case QP_XPROC_UP:
	case QP_XPROC_DOWN:
	case QP_XPROC_DOWN_ACK:
	case QP_XPROC_UP_ACK:
		xp_wr_le(&w, msg->u.state.epoch, 4);
		xp_wr_bytes(&w, NULL, 4);
		break;
	default: /* BYE: no body */
		break;
	}
	/* Both are guaranteed by the size check above; kept as a tripwire. */
	if (w.bad || w.pos != len)
		return xp_fail(why, why_len, -EINVAL, "internal: %s encoded to %zu of %u bytes",
			       qp_xproc_type_str(msg->hdr.type), w.pos, len);
	return (int)len;
}

/* ------------------------------------------------------------ decode */
static void
xp_rd_body(struct xp_rd *r, struct qp_xproc_msg *msg, bool *reserved_ok)
{
	struct qp_xproc_rxport *x = &msg->u.rxport;
	bool ok = true;
	unsigned int i;

	switch (msg->hdr.type) {
	case QP_XPROC_HELLO:
		msg->u.hello.role = xp_rd_u8(r);
		ok &= xp_rd_zero(r, 3);
		msg->u.hello.pid = xp_rd_u32(r);
		msg->u.hello.features = xp_rd_u64(r);
		msg->u.hello.layout_id = xp_rd_u32(r);
		msg->u.hello.slot_size = xp_rd_u32(r);
		msg->u.hello.ring_hdr_size = xp_rd_u32(r);
		ok &= xp_rd_zero(r, 4);
		xp_rd_bytes(r, msg->u.hello.name, QP_XPROC_NAME_LEN);
		break;
	case QP_XPROC_REFUSE:
		msg->u.refuse.reason = xp_rd_u32(r);
		ok &= xp_rd_zero(r, 4);
		xp_rd_bytes(r, msg->u.refuse.text, QP_XPROC_TEXT_LEN);
		break;
	case QP_XPROC_REGION:
		msg->u.region.id = xp_rd_u32(r);
		ok &= xp_rd_zero(r, 4);
		msg->u.region.size = xp_rd_u64(r);
		msg->u.region.owner_va = xp_rd_u64(r);
		break;
	case QP_XPROC_RXPORT:
		xp_rd_bytes(r, x->mac, sizeof(x->mac));
		x->nb_rq = xp_rd_u16(r);
		x->filter = xp_rd_u32(r);
		x->max_frame_len = xp_rd_u32(r);
		x->rx_offloads = xp_rd_u64(r);
		x->rss_hf = xp_rd_u64(r);
		x->rss_key_len = xp_rd_u16(r);
		x->reta_size = xp_rd_u16(r);
		x->select = xp_rd_u8(r);
		x->flags = xp_rd_u8(r);
		ok &= xp_rd_zero(r, 2);
		xp_rd_bytes(r, x->rss_key, sizeof(x->rss_key));
		for (i = 0; i < QP_XPROC_RETA_SIZE; i++)
			x->reta[i] = xp_rd_u16(r);
		/* nb_rq is checked against QP_XPROC_RQ_MAX before the body is read. */
		for (i = 0; i < x->nb_rq && i < QP_XPROC_RQ_MAX; i++) {
			x->rq[i].offset = xp_rd_u64(r);
			x->rq[i].region_id = xp_rd_u32(r);
			x->rq[i].nb_slots = xp_rd_u32(r);
			x->rq[i].buf_size = xp_rd_u32(r);
			x->rq[i].flags = xp_rd_u32(r);
		}
		break;
	case QP_XPROC_UP:
	case QP_XPROC_DOWN:
	case QP_XPROC_DOWN_ACK:
	case QP_XPROC_UP_ACK:
		msg->u.state.epoch = xp_rd_u32(r);
		ok &= xp_rd_zero(r, 4);
		break;
	default:
		break;
	}
	*reserved_ok = ok;
}

/* Everything but the fds: header, length, body. */
static int
xp_decode_bytes(const uint8_t *p, size_t len, struct qp_xproc_msg *msg, char *why, size_t why_len)
{
	struct xp_rd r = { .p = p, .len = len };
	uint32_t want, nb_rq = 0;
	bool reserved_ok;
	int ret;

	if (len < QP_XPROC_HDR_LEN)
		return xp_fail(why, why_len, -EBADMSG, "message of %zu bytes is shorter than the "
			       "%u-byte header", len, QP_XPROC_HDR_LEN);
	msg->hdr.magic = xp_rd_u32(&r);
	msg->hdr.version = xp_rd_u16(&r);
	msg->hdr.type = xp_rd_u16(&r);
	msg->hdr.length = xp_rd_u32(&r);
	msg->hdr.seq = xp_rd_u32(&r);
	if (msg->hdr.magic != QP_XPROC_MAGIC)
		return xp_fail(why, why_len, -EBADMSG, "bad magic 0x%08x (expected 0x%08x): the "
			       "peer is not a qpring cross-process port", msg->hdr.magic,
			       QP_XPROC_MAGIC);
	if (msg->hdr.length != len)
		return xp_fail(why, why_len, -EBADMSG, "%s: length field says %u bytes, %zu "
			       "received", qp_xproc_type_str(msg->hdr.type), msg->hdr.length, len);
	/* A REFUSE is readable from every version (its layout is frozen);
	 * anything else of another version is not ours to interpret.
	 */
	if (msg->hdr.version != QP_XPROC_VERSION && msg->hdr.type != QP_XPROC_REFUSE)
		return xp_fail(why, why_len, -EPROTONOSUPPORT, "peer speaks protocol version %u, "
			       "this side version %u", msg->hdr.version, QP_XPROC_VERSION);
	if (msg->hdr.type == QP_XPROC_RXPORT) {
		/* nb_rq sits at body offset 6: read it (bounded) to know the length. */
		if (len >= QP_XPROC_HDR_LEN + 8)
			nb_rq = (uint32_t)p[QP_XPROC_HDR_LEN + 6] |
				(uint32_t)p[QP_XPROC_HDR_LEN + 7] << 8;
		if (nb_rq > QP_XPROC_RQ_MAX)
			return xp_fail(why, why_len, -EINVAL, "RXPORT: %u receive queues, at "
				       "most %u", nb_rq, QP_XPROC_RQ_MAX);
	}
	want = xp_wire_len(msg->hdr.type, nb_rq);
	if (want == 0)
		return xp_fail(why, why_len, -EBADMSG, "unknown message type %u", msg->hdr.type);
	if (len != want) {
		if (msg->hdr.type == QP_XPROC_RXPORT)
			return xp_fail(why, why_len, -EBADMSG, "RXPORT of %u queues is %u bytes, "
				       "%zu received", nb_rq, want, len);
		return xp_fail(why, why_len, -EBADMSG, "%s is %u bytes, %zu received",
			       qp_xproc_type_str(msg->hdr.type), want, len);
	}
	xp_rd_body(&r, msg, &reserved_ok);
	if (r.bad || r.pos != len) /* cannot happen with the checks above: a tripwire */
		return xp_fail(why, why_len, -EBADMSG, "internal: %s read %zu of %zu bytes",
			       qp_xproc_type_str(msg->hdr.type), r.pos, len);
	if (!reserved_ok)
		return xp_fail(why, why_len, -EBADMSG, "%s: reserved bytes are not zero",
			       qp_xproc_type_str(msg->hdr.type));
	ret = xp_check_body(msg, why, why_len);
	return ret;
}

int
qp_xproc_decode(const void *buf, size_t len, const int *fds, unsigned int nb_fds,
		struct qp_xproc_msg *msg, char *why, size_t why_len)
{
	unsigned int want_fds, i;
	int kept = -1;
	int ret;

	memset(msg, 0, sizeof(*msg));
	msg->fd = -1;
	if (fds == NULL)
		nb_fds = 0;
	if (buf == NULL)
		len = 0;
	ret = xp_decode_bytes(buf, len, msg, why, why_len);
	if (ret == 0) {
		want_fds = msg->hdr.type == QP_XPROC_REGION ? 1 : 0;
		if (nb_fds != want_fds) {
			ret = xp_fail(why, why_len, -EBADMSG, "%s carries %u fd%s, %u attached",
				      qp_xproc_type_str(msg->hdr.type), want_fds,
				      want_fds == 1 ? "" : "s", nb_fds);
		} else if (want_fds == 1) {
			if (fds[0] < 0)
				ret = xp_fail(why, why_len, -EBADMSG, "%s: invalid fd %d",
					      qp_xproc_type_str(msg->hdr.type), fds[0]);
			else
				kept = fds[0];
		}
	}
	/* Every fd not handed to the message is closed, whatever happened. */
	for (i = 0; i < nb_fds; i++)
		if (ret != 0 || i != 0 || kept < 0)
			xp_close(fds[i]);
	if (ret == 0)
		msg->fd = kept;
	return ret;
}

/* ------------------------------------------------------------- regions */
int
qp_xproc_memfd_create(const char *name, uint64_t size, int *fd, char *why, size_t why_len)
{
	int m, ret;

	*fd = -1;
	if (size == 0 || size % QP_XPROC_PAGE != 0 || size > QP_XPROC_REGION_SIZE_MAX)
		return xp_fail(why, why_len, -EINVAL, "region size %llu is not a multiple of %u "
			       "in 1 page..%llu", (unsigned long long)size, QP_XPROC_PAGE,
			       (unsigned long long)QP_XPROC_REGION_SIZE_MAX);
	m = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (m < 0)
		return xp_fail(why, why_len, -errno, "memfd_create %s: %s", name, strerror(errno));
	if (ftruncate(m, (off_t)size) != 0) {
		ret = xp_fail(why, why_len, -errno, "memfd %s: size %llu: %s", name,
			      (unsigned long long)size, strerror(errno));
		goto err_close;
	}
	/* Fixed size for good: a peer's mapping never runs past the end. */
	if (fcntl(m, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
		ret = xp_fail(why, why_len, -errno, "memfd %s: seals: %s", name, strerror(errno));
		goto err_close;
	}
	*fd = m;
	return 0;

err_close:
	xp_close(m);
	return ret;
}

int
qp_xproc_map_region(const struct qp_xproc_region *r, int fd, struct qp_xproc_map *m, char *why,
		    size_t why_len)
{
	struct statfs sfs;
	struct stat st;
	void *base;
	int seals, ret;

	memset(m, 0, sizeof(*m));
	ret = xp_check_region(r, why, why_len);
	if (ret != 0)
		return ret;
	if (fstat(fd, &st) != 0)
		return xp_fail(why, why_len, -EINVAL, "REGION %u: fd %d: %s", r->id, fd,
			       strerror(errno));
	if (!S_ISREG(st.st_mode))
		return xp_fail(why, why_len, -EINVAL, "REGION %u: the fd is not a memory file "
			       "(mode 0%o)", r->id, (unsigned int)st.st_mode);
	if (st.st_size < 0 || (uint64_t)st.st_size < r->size)
		return xp_fail(why, why_len, -EINVAL, "REGION %u: the file holds %lld bytes, the "
			       "message says %llu", r->id, (long long)st.st_size,
			       (unsigned long long)r->size);
	/* A hugetlbfs memfd raises SIGBUS on the first touch of a page when
	 * the huge page pool is empty; only ordinary shared memory (shmem,
	 * where a page that cannot be had is an out-of-memory condition, not
	 * a signal) is mapped.
	 */
	if (fstatfs(fd, &sfs) != 0)
		return xp_fail(why, why_len, -EINVAL, "REGION %u: fstatfs: %s", r->id,
			       strerror(errno));
	if ((unsigned long)sfs.f_type != XP_TMPFS_MAGIC)
		return xp_fail(why, why_len, -EINVAL, "REGION %u: the file is not ordinary shared "
			       "memory (file system type 0x%lx; a hugetlbfs memfd is refused)",
			       r->id, (unsigned long)sfs.f_type);
	/* Without the seal the owner could shrink the file under our mapping,
	 * and our next access would be a SIGBUS.
	 */
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK))
		return xp_fail(why, why_len, -EINVAL, "REGION %u: the file is not sealed against "
			       "shrinking (F_SEAL_SHRINK)", r->id);
	base = mmap(NULL, (size_t)r->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		return xp_fail(why, why_len, -EINVAL, "REGION %u: mmap of %llu bytes: %s", r->id,
			       (unsigned long long)r->size, strerror(errno));
	m->id = r->id;
	m->base = base;
	m->size = r->size;
	m->owner_va = r->owner_va;
	return 0;
}

void
qp_xproc_unmap_region(struct qp_xproc_map *m)
{
	if (m->base != NULL)
		munmap(m->base, (size_t)m->size);
	m->base = NULL;
}

int
qp_xproc_rxport_check(const struct qp_xproc_rxport *rx, const struct qp_xproc_map *maps,
		      unsigned int nb_maps, uint32_t ring_hdr_size, uint32_t slot_size, char *why,
		      size_t why_len)
{
	const struct qp_xproc_map *m;
	uint64_t bytes;
	unsigned int i, k;

	if (rx->nb_rq > QP_XPROC_RQ_MAX)
		return xp_fail(why, why_len, -EINVAL, "RXPORT: %u receive queues, at most %u",
			       rx->nb_rq, QP_XPROC_RQ_MAX);
	for (i = 0; i < rx->nb_rq; i++) {
		const struct qp_xproc_rq *q = &rx->rq[i];

		m = NULL;
		for (k = 0; k < nb_maps && m == NULL; k++)
			if (maps[k].base != NULL && maps[k].id == q->region_id)
				m = &maps[k];
		if (m == NULL)
			return xp_fail(why, why_len, -EINVAL, "RXPORT: rq %u names region %u, "
				       "which the peer has not sent", i, q->region_id);
		bytes = qp_xproc_ring_bytes(q->nb_slots, ring_hdr_size, slot_size);
		if (q->offset > m->size || bytes > m->size - q->offset)
			return xp_fail(why, why_len, -EINVAL, "RXPORT: rq %u: ring of %llu bytes "
				       "at offset %llu runs past region %u of %llu bytes", i,
				       (unsigned long long)bytes, (unsigned long long)q->offset,
				       m->id, (unsigned long long)m->size);
	}
	return 0;
}
