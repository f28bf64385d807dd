/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Helpers of the wire tests, on top of qpt.h: capture of the driver's log
 * lines, frames of any length built over any number of segments and checked
 * segment by segment, and a reader of classic pcap files written by hand.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stdio.h>
#include <time.h>

#include <rte_log.h>

#include "qpt.h"

/* Offset of the qpt_byte() pattern in a qpt_frame(): header, then seq. */
#define WIRE_PATTERN_OFF (RTE_ETHER_HDR_LEN + 4u)

/* Every log line of the driver starts with this. */
#define WIRE_DRV_LINE "qpring: "

/* snprintf() into @buf that must not truncate (REQUIRE). */
static inline void __rte_format_printf(3, 4)
wire_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	REQUIRE(n >= 0 && (size_t)n < size, "string too long for its buffer: %s", fmt);
}

/* ------------------------------------------------------------ log capture */

/* qpt_log_end() (qpt.h), and what was logged echoed to the test's output. */
static inline void
wire_log_end(char *buf, size_t size)
{
	qpt_log_end(buf, size);
	fputs(buf, stdout);
}

/* ------------------------------------------------------------- frames */

/* Byte @i of the qpt_frame() of @seq, @len bytes, to broadcast. */
static inline uint8_t
wire_byte(uint32_t seq, uint32_t i)
{
	static const uint8_t hdr[RTE_ETHER_HDR_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5,
	};

	if (i < RTE_ETHER_HDR_LEN)
		return hdr[i];
	if (i < WIRE_PATTERN_OFF)
		return ((const uint8_t *)&seq)[i - RTE_ETHER_HDR_LEN];
	return qpt_byte(seq, i);
}

/*
 * The broadcast qpt_frame() of @seq and @len over @nb_segs mbufs of @mp:
 * len / nb_segs bytes each, the remainder in the last. Unlike
 * qpt_frame_segs() the frame is never flat, so it may be longer than one
 * buffer of @mp; each segment must fit one. NULL on failure.
 */
static inline struct rte_mbuf *
wire_chain(struct rte_mempool *mp, uint32_t seq, uint32_t len, uint16_t nb_segs)
{
	struct rte_mbuf *head = NULL;
	uint32_t off = 0, i;
	uint16_t k;

	if (nb_segs == 0 || len < nb_segs)
		return NULL;
	for (k = 0; k < nb_segs; k++) {
		uint32_t l = k + 1u == nb_segs ? len - off : len / nb_segs;
		struct rte_mbuf *seg = rte_pktmbuf_alloc(mp);
		uint8_t *p = seg != NULL ? (uint8_t *)rte_pktmbuf_append(seg, (uint16_t)l) : NULL;

		if (p == NULL || (head != NULL && rte_pktmbuf_chain(head, seg) != 0)) {
			rte_pktmbuf_free(seg);
			rte_pktmbuf_free(head);
			return NULL;
		}
		for (i = 0; i < l; i++)
			p[i] = wire_byte(seq, off + i);
		if (head == NULL)
			head = seg;
		off += l;
	}
	return head;
}

/* 0 if @len bytes at @p are the qpt_frame() of some seq, stored in *seq. */
static inline int
wire_flat_check(const uint8_t *p, uint32_t len, uint32_t *seq)
{
	uint32_t s, i;

	if (len < WIRE_PATTERN_OFF)
		return -1;
	memcpy(&s, p + RTE_ETHER_HDR_LEN, sizeof(s));
	for (i = 0; i < len; i++)
		if (p[i] != wire_byte(s, i))
			return -1;
	if (seq != NULL)
		*seq = s;
	return 0;
}

/*
 * 0 if @m (any length, any number of segments) is the qpt_frame() of @seq
 * with @len bytes, header included; the segment lengths must add up to
 * pkt_len and nb_segs must be the number of segments in the chain.
 */
static inline int
wire_check(const struct rte_mbuf *m, uint32_t len, uint32_t seq)
{
	const struct rte_mbuf *s;
	uint32_t off = 0, i;
	uint16_t segs = 0;

	if (m->pkt_len != len)
		return -1;
	for (s = m; s != NULL; s = s->next, segs++) {
		const uint8_t *p = rte_pktmbuf_mtod(s, const uint8_t *);

		if (off + s->data_len > len)
			return -1;
		for (i = 0; i < s->data_len; i++)
			if (p[i] != wire_byte(seq, off + i))
				return -1;
		off += s->data_len;
	}
	return off == len && segs == m->nb_segs ? 0 : -1;
}

/* -------------------------------------------------- pcap files, by hand */

#define WIRE_PCAP_MAGIC_NS 0xa1b23c4du /* nanosecond timestamps */
#define WIRE_PCAP_MAGIC_US 0xa1b2c3d4u
#define WIRE_PCAP_HDR      24u
#define WIRE_PCAP_REC_HDR  16u
#define WIRE_PCAP_MAX_REC  1024u

/* A capture file as read from disk (host byte order; little-endian files). */
struct wire_pcap {
	uint8_t *data;
	size_t size;
	uint32_t magic;
	uint16_t major, minor;
	uint32_t snaplen;
	uint32_t linktype;
	unsigned int nb_rec;
	int tail_bytes;          /* bytes after the last whole record */
	struct {
		size_t hdr_off;  /* record header offset in the file */
		uint32_t sec, frac, caplen, len;
	} rec[WIRE_PCAP_MAX_REC];
};

static inline uint32_t
wire_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Read and parse @path into @f; 0, or -1 if it is not a whole pcap file. */
static inline int
wire_pcap_read(const char *path, struct wire_pcap *f)
{
	FILE *fp = fopen(path, "rb");
	long sz;
	size_t off;

	memset(f, 0, sizeof(*f));
	if (fp == NULL)
		return -1;
	if (fseek(fp, 0, SEEK_END) != 0 || (sz = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
		fclose(fp);
		return -1;
	}
	f->size = (size_t)sz;
	f->data = malloc(f->size + 1);
	if (f->data == NULL || fread(f->data, 1, f->size, fp) != f->size) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	if (f->size < WIRE_PCAP_HDR)
		return -1;
	f->magic = wire_le32(f->data);
	f->major = (uint16_t)(f->data[4] | f->data[5] << 8);
	f->minor = (uint16_t)(f->data[6] | f->data[7] << 8);
	f->snaplen = wire_le32(f->data + 16);
	f->linktype = wire_le32(f->data + 20);
	for (off = WIRE_PCAP_HDR; off + WIRE_PCAP_REC_HDR <= f->size;) {
		const uint8_t *h = f->data + off;
		uint32_t cap = wire_le32(h + 8);

		if (off + WIRE_PCAP_REC_HDR + cap > f->size || f->nb_rec == WIRE_PCAP_MAX_REC)
			break;
		f->rec[f->nb_rec].hdr_off = off;
		f->rec[f->nb_rec].sec = wire_le32(h);
		f->rec[f->nb_rec].frac = wire_le32(h + 4);
		f->rec[f->nb_rec].caplen = cap;
		f->rec[f->nb_rec].len = wire_le32(h + 12);
		f->nb_rec++;
		off += WIRE_PCAP_REC_HDR + cap;
	}
	f->tail_bytes = (int)(f->size - off);
	return 0;
}

static inline const uint8_t *
wire_pcap_rec_data(const struct wire_pcap *f, unsigned int i)
{
	return f->data + f->rec[i].hdr_off + WIRE_PCAP_REC_HDR;
}

static inline void
wire_pcap_free(struct wire_pcap *f)
{
	free(f->data);
	f->data = NULL;
}

/* Write @size bytes of @data to @path (created or truncated); 0 or -1. */
static inline int
wire_write_file(const char *path, const void *data, size_t size)
{
	FILE *fp = fopen(path, "wb");
	int ok;

	if (fp == NULL)
		return -1;
	ok = fwrite(data, 1, size, fp) == size;
	return fclose(fp) == 0 && ok ? 0 : -1;
}

/* Little-endian pcap global header with @magic and @linktype into @h. */
static inline void
wire_pcap_header(uint8_t h[WIRE_PCAP_HDR], uint32_t magic, uint32_t linktype)
{
	const uint32_t w[6] = { magic, 2u | 4u << 16, 0, 0, 65535u, linktype };
	unsigned int i, b;

	for (i = 0; i < 6; i++)
		for (b = 0; b < 4; b++)
			h[i * 4 + b] = (uint8_t)(w[i] >> (8 * b));
}

#endif /* WIRE_H */
