/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qpring-perf's in-band frame format: what the two ends of a measurement
 * say to each other. Every frame is an Ethernet frame of EtherType 0x88B6
 * (IEEE 802 Local Experimental EtherType 2) that starts with a 32-byte
 * header; control frames carry a body after it. All multi-byte fields are
 * big-endian, so the format does not depend on either host.
 *
 *   offset  size  field
 *        0     6  destination MAC
 *        6     6  source MAC
 *       12     2  EtherType 0x88B6
 *       14     4  magic "QPF1" (0x51504631)
 *       18     1  version (1)
 *       19     1  type (enum qpf_type)
 *       20     2  flags (QPF_F_*)
 *       22     4  session: chosen by the client; frames of other sessions
 *                 are counted as foreign and otherwise ignored
 *       26     4  frame_len: bytes of the whole frame as built by the
 *                 sender (Ethernet header included, no FCS)
 *       30     8  seq: sequence number, per sender and type
 *       38     8  tstamp: the sender's TSC (PING; a PONG carries it back)
 *       46     -  body (control frames) or payload (DATA, PING, PONG)
 *
 * Everything received is untrusted: a frame is used only after its length,
 * EtherType, magic, version and session have been checked, and a body only
 * when the frame holds all of it.
 */
#ifndef QPERF_FRAME_H
#define QPERF_FRAME_H

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>

#define QPF_ETHERTYPE 0x88B6
#define QPF_MAGIC 0x51504631u /* "QPF1" */
#define QPF_VERSION 1

enum qpf_type {
	QPF_DATA = 1,	/* bandwidth traffic: counted by the receiver */
	QPF_PING = 2,	/* latency probe: the reflector sends it back as PONG */
	QPF_PONG = 3,	/* a PING on its way back, tstamp and seq unchanged */
	QPF_HELLO = 4,	/* client -> server: open a session; body qpf_hello */
	QPF_READY = 5,	/* server -> client: answer to HELLO; body qpf_ready */
	QPF_DONE = 6,	/* client -> server: client finished; body qpf_done */
	QPF_REPORT = 7, /* server -> client: answer to DONE; body qpf_report */
	QPF_BYE = 8,	/* client -> server: REPORT received, leave now; no body */
};

#define QPF_F_WARMUP 0x0001  /* sent during the warm-up: not measured */
#define QPF_F_PATTERN 0x0002 /* payload byte at offset o is (seq + o) & 0xff */

struct qpf_hdr {
	rte_be32_t magic;
	uint8_t version;
	uint8_t type;
	rte_be16_t flags;
	rte_be32_t session;
	rte_be32_t frame_len;
	rte_be64_t seq;
	rte_be64_t tstamp;
} __rte_packed;

/* HELLO: the run's parameters, which the server adopts. */
struct qpf_hello {
	uint8_t mode;	       /* 1 bw, 2 lat */
	uint8_t flags;	       /* QPF_HELLO_* */
	rte_be16_t burst;      /* frames per burst for the server's sends */
	rte_be32_t frame_len;  /* size of DATA / PING frames */
	rte_be64_t count;      /* measured frames per direction; 0: by time */
	rte_be64_t duration_ns;
	rte_be64_t rate_pps;   /* 0: as fast as possible */
	rte_be64_t warmup_ns;
} __rte_packed;

#define QPF_HELLO_BIDIR 0x01  /* bw: the server sends DATA to the client too */
#define QPF_HELLO_VERIFY 0x02 /* the server patterns what it sends */

/* READY: status 0 accepts the session; a positive errno value refuses it. */
struct qpf_ready {
	rte_be32_t status;
	rte_be32_t max_frame; /* the largest frame the server's port takes */
} __rte_packed;

/* One direction's counters as one end saw them. Spans are in ns. */
struct qpf_counts {
	rte_be64_t frames;    /* measured frames */
	rte_be64_t bytes;     /* their bytes (frame_len, no FCS) */
	rte_be64_t span_ns;   /* send: start to end of sending; receive:
			       * first to last measured frame */
	rte_be64_t warmup;    /* warm-up frames */
	rte_be64_t reordered; /* receive: frames with a seq not above the
			       * highest seen before them */
	rte_be64_t corrupt;   /* receive: wrong length or --verify pattern */
} __rte_packed;

/* DONE: what the client sent and received, so the server prints both sides. */
struct qpf_done {
	struct qpf_counts tx; /* DATA (bw) or PINGs (lat) */
	struct qpf_counts rx; /* bidir: the server's DATA as the client got it */
} __rte_packed;

/* REPORT: what the server received and (bidir) sent. */
struct qpf_report {
	struct qpf_counts rx;
	struct qpf_counts tx;
	rte_be64_t pongs;   /* PINGs reflected (warm-up included) */
	rte_be64_t foreign; /* frames not of this session or not ours */
} __rte_packed;

/* The layout is the protocol: both ends, maybe of different builds, read it. */
_Static_assert(sizeof(struct qpf_hdr) == 32, "qpf_hdr is 32 bytes");
_Static_assert(sizeof(struct qpf_hello) == 40, "qpf_hello is 40 bytes");
_Static_assert(sizeof(struct qpf_ready) == 8, "qpf_ready is 8 bytes");
_Static_assert(sizeof(struct qpf_counts) == 48, "qpf_counts is 6 x 8 bytes");
_Static_assert(sizeof(struct qpf_done) == 96, "qpf_done is 2 x qpf_counts");
_Static_assert(sizeof(struct qpf_report) == 112, "qpf_report: 2 x qpf_counts + 16");

#define QPF_HDR_OFF ((uint32_t)sizeof(struct rte_ether_hdr))
#define QPF_BODY_OFF (QPF_HDR_OFF + (uint32_t)sizeof(struct qpf_hdr))
#define QPF_MIN_FRAME 64u /* every frame is padded to at least this */

/* A control frame: header plus its largest body, padded. */
#define QPF_CTL_MAX_FRAME (QPF_BODY_OFF + (uint32_t)sizeof(struct qpf_report))

#endif /* QPERF_FRAME_H */
