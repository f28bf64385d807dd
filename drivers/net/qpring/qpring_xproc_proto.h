/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qpring_xproc_proto: the control protocol of the cross-process wire. Two
 * processes, each with one net_qpring port, talk over one SOCK_SEQPACKET
 * Unix socket: messages (this file's layout), one memfd per REGION message
 * (SCM_RIGHTS), and the socket helpers that carry them. Everything here is
 * about *one message at a time*; the connection state machine (who sends
 * what when) belongs to the driver. libc only; no EAL, no ethdev.
 *
 * Trust: every byte and fd from the peer is untrusted. Decoding checks
 * every length, count, index, offset and string before anything is used,
 * never reads outside the received buffer, and takes ownership of received
 * fds so that no path leaks one (see qp_xproc_decode()).
 */
#ifndef QPRING_XPROC_PROTO_H
#define QPRING_XPROC_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

/*
 * ---------------------------------------------------------------- wire
 * All fields are little-endian, at the offsets given, with no implicit
 * padding: the structs below are the *decoded* (host) form, never sent as
 * they are. Reserved bytes are sent as zero and a receiver refuses a message
 * whose reserved bytes are not zero (a later version gives them a meaning
 * only together with a feature bit or a new version number).
 *
 * Header, 16 bytes, every message:
 *   0  u32 magic    QP_XPROC_MAGIC, the bytes "qpxc"
 *   4  u16 version  QP_XPROC_VERSION of the sender
 *   6  u16 type     enum qp_xproc_type
 *   8  u32 length   bytes of the whole message, header included; equals
 *                   what one recvmsg() returned
 *  12  u32 seq      sender's message counter on this connection, from 0
 *
 * The header and the REFUSE body are frozen: every version lays them out
 * as here, so a peer of another version can always be told, and can always
 * say, why a connection ends.
 *
 * Bodies (offsets from the end of the header; message length in brackets):
 *
 * HELLO [112]: who I am. The first message of each side.
 *   0  u8  role           QP_XPROC_ROLE_SERVER / _CLIENT
 *   1  u8  reserved[3]
 *   4  u32 pid            sender's pid (informational; SO_PEERCRED is the
 *                         kernel's word, qp_xproc_peer_pid())
 *   8  u64 features       QP_XPROC_F_* the sender supports; the two sides
 *                         use the intersection, unknown bits are ignored
 *  16  u32 layout_id      identifies the shared ring layout (the driver's
 *                         choice; both sides must agree)
 *  20  u32 slot_size      bytes of one ring slot (32)
 *  24  u32 ring_hdr_size  bytes of a ring before slot 0 (register line +
 *                         adapter state)
 *  28  u32 reserved
 *  32  char name[64]      sender's port name: printable ASCII, 1..63 bytes,
 *                         NUL-terminated, NUL-padded
 *
 * REFUSE [144]: why I am closing the connection (sent just before close).
 *   0  u32 reason         enum qp_xproc_refuse_reason (unknown codes are
 *                         accepted and shown as numbers)
 *   4  u32 reserved
 *   8  char text[120]     printable ASCII, NUL-terminated, NUL-padded
 *
 * REGION [40] + exactly one fd (a sealed memfd): memory I own that you map.
 *   0  u32 id             < QP_XPROC_REGIONS_MAX, names it in RXPORT
 *   4  u32 reserved
 *   8  u64 size           bytes, page multiple, 1 page..QP_XPROC_REGION_SIZE_MAX
 *  16  u64 owner_va       the owner's VA of byte 0 of its own mapping;
 *                         page aligned, owner_va + size does not wrap
 *
 * RXPORT [352 + 24 * nb_rq]: my receiving side.
 *   0  u8  mac[6]         my MAC address
 *   6  u16 nb_rq          receive queues, 0..QP_XPROC_RQ_MAX
 *   8  u32 filter         QP_XPROC_FILTER_* (other bits must be 0)
 *  12  u32 max_frame_len  largest frame I accept, 64..65535
 *  16  u64 rx_offloads    RTE_ETH_RX_OFFLOAD_* configured on my port
 *  24  u64 rss_hf         RTE_ETH_RSS_* hash functions (0 when RSS is off)
 *  32  u16 rss_key_len    0 (RSS off) or QP_XPROC_RSS_KEY_LEN
 *  34  u16 reta_size      0 (RSS off) or QP_XPROC_RETA_SIZE
 *  36  u8  select         how I pick a frame's queue: QP_XPROC_SELECT_*
 *                         (RSS needs the key and RETA)
 *  37  u8  flags          QP_XPROC_RXF_* (other bits must be 0)
 *  38  u16 reserved
 *  40  u8  rss_key[40]    the Toeplitz key (zero when RSS is off)
 *  80  u16 reta[128]      RETA: queue of each bucket, each < nb_rq (zero
 *                         when RSS is off)
 * 336  rq[nb_rq], 24 bytes each:
 *        0  u64 offset    ring memory's offset in the region, 64-aligned
 *        8  u32 region_id the REGION holding the ring and its buffers
 *       12  u32 nb_slots  power of two, 16..32768
 *       16  u32 buf_size  capacity of each posted buffer, 64..65535
 *       20  u32 reserved
 *     The ring occupies ring_hdr_size + nb_slots * slot_size bytes from
 *     offset; qp_xproc_rxport_check() bounds it by the region once the
 *     region is mapped. Addresses inside the ring (doorbell register, WQE
 *     buffer addresses) are the owner's VAs: translate them with
 *     qp_xproc_map_translate(), which refuses anything outside the region.
 *
 * UP, DOWN, DOWN_ACK, UP_ACK [24]:
 *   0  u32 epoch          UP/DOWN: the sender's start counter; DOWN_ACK,
 *                         UP_ACK: the epoch of the DOWN or UP it answers
 *   4  u32 reserved
 *
 * BYE [16]: no body. I am closing normally.
 */

#define QP_XPROC_MAGIC   0x63787071u /* "qpxc" in wire order */
#define QP_XPROC_VERSION 1u
#define QP_XPROC_HDR_LEN 16u

enum qp_xproc_type {
	QP_XPROC_HELLO = 1,
	QP_XPROC_REFUSE = 2,
	QP_XPROC_REGION = 3,
	QP_XPROC_RXPORT = 4,
	QP_XPROC_UP = 5,
	QP_XPROC_DOWN = 6,
	QP_XPROC_DOWN_ACK = 7,
	QP_XPROC_BYE = 8,
	QP_XPROC_UP_ACK = 9,
};

enum qp_xproc_role {
	QP_XPROC_ROLE_SERVER = 1,
	QP_XPROC_ROLE_CLIENT = 2,
};

enum qp_xproc_refuse_reason {
	QP_XPROC_REFUSE_BUSY = 1,    /* the server already has a peer */
	QP_XPROC_REFUSE_VERSION = 2, /* protocol versions differ */
	QP_XPROC_REFUSE_BAD_MSG = 3, /* a message failed validation */
	QP_XPROC_REFUSE_ROLE = 4,    /* both sides claim the same role */
	QP_XPROC_REFUSE_LAYOUT = 5,  /* ring layouts differ (other driver build) */
	QP_XPROC_REFUSE_STATE = 6,   /* a valid message at the wrong time */
	QP_XPROC_REFUSE_REGION = 7,  /* a region could not be checked or mapped */
	QP_XPROC_REFUSE_INTERNAL = 8 /* this side failed (out of memory, ...) */
};

/* Feature bits of HELLO. None are defined in version 1. */
#define QP_XPROC_F_NONE 0ull

#define QP_XPROC_FILTER_PROMISC  (1u << 0)
#define QP_XPROC_FILTER_ALLMULTI (1u << 1)
#define QP_XPROC_FILTER_ALL      (QP_XPROC_FILTER_PROMISC | QP_XPROC_FILTER_ALLMULTI)

/* RXPORT select: how the receiving port picks a frame's queue. */
#define QP_XPROC_SELECT_FIRST 0u /* queue 0 */
#define QP_XPROC_SELECT_SAME  1u /* the queue of the sending queue's index */
#define QP_XPROC_SELECT_RSS   2u /* Toeplitz hash through the RETA */
#define QP_XPROC_SELECT_MAX   QP_XPROC_SELECT_RSS

/* RXPORT flags. */
#define QP_XPROC_RXF_PTYPE 0x1u /* write the packet type back (parse every frame) */
#define QP_XPROC_RXF_ALL   QP_XPROC_RXF_PTYPE

/* RXPORT rq flags. */
#define QP_XPROC_RQ_F_SCATTER 0x1u /* a frame may span several posted buffers */
#define QP_XPROC_RQ_F_ALL     QP_XPROC_RQ_F_SCATTER

/* Limits the decoder enforces. */
#define QP_XPROC_NAME_LEN        64u  /* HELLO name, NUL included */
#define QP_XPROC_TEXT_LEN        120u /* REFUSE text, NUL included */
#define QP_XPROC_REGIONS_MAX     16u
#define QP_XPROC_PAGE            4096u
#define QP_XPROC_REGION_SIZE_MAX (1ull << 36) /* 64 GiB */
#define QP_XPROC_RQ_MAX          256u
#define QP_XPROC_SLOTS_MIN       16u
#define QP_XPROC_SLOTS_MAX       32768u
#define QP_XPROC_RING_ALIGN      64u
#define QP_XPROC_BUF_MIN         64u
#define QP_XPROC_BUF_MAX         65535u
#define QP_XPROC_FRAME_MIN       64u
#define QP_XPROC_FRAME_MAX       65535u
#define QP_XPROC_RSS_KEY_LEN     40u
#define QP_XPROC_RETA_SIZE       128u

/* Wire sizes. */
#define QP_XPROC_HELLO_LEN    (QP_XPROC_HDR_LEN + 96u)
#define QP_XPROC_REFUSE_LEN   (QP_XPROC_HDR_LEN + 128u)
#define QP_XPROC_REGION_LEN   (QP_XPROC_HDR_LEN + 24u)
#define QP_XPROC_RXPORT_FIXED 336u
#define QP_XPROC_RQ_WIRE_LEN  24u
#define QP_XPROC_RXPORT_LEN(nb_rq) \
	(QP_XPROC_HDR_LEN + QP_XPROC_RXPORT_FIXED + QP_XPROC_RQ_WIRE_LEN * (uint32_t)(nb_rq))
#define QP_XPROC_STATE_LEN    (QP_XPROC_HDR_LEN + 8u)
#define QP_XPROC_BYE_LEN      QP_XPROC_HDR_LEN
/* The largest message: an RXPORT with QP_XPROC_RQ_MAX queues (6496 bytes). */
#define QP_XPROC_MSG_MAX      QP_XPROC_RXPORT_LEN(QP_XPROC_RQ_MAX)
/* fds one recvmsg() makes room for; more is a truncated message. */
#define QP_XPROC_RX_FDS_MAX   8u

/* ------------------------------------------------------- decoded form */
struct qp_xproc_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t type;
	uint32_t length;
	uint32_t seq;
};

struct qp_xproc_hello {
	uint8_t role;
	uint32_t pid;
	uint64_t features;
	uint32_t layout_id;
	uint32_t slot_size;
	uint32_t ring_hdr_size;
	char name[QP_XPROC_NAME_LEN];
};

struct qp_xproc_refuse {
	uint32_t reason;
	char text[QP_XPROC_TEXT_LEN];
};

struct qp_xproc_region {
	uint32_t id;
	uint64_t size;
	uint64_t owner_va;
};

struct qp_xproc_rq {
	uint64_t offset;
	uint32_t region_id;
	uint32_t nb_slots;
	uint32_t buf_size;
	uint32_t flags;
};

struct qp_xproc_rxport {
	uint8_t mac[6];
	uint16_t nb_rq;
	uint32_t filter;
	uint32_t max_frame_len;
	uint64_t rx_offloads;
	uint64_t rss_hf;
	uint16_t rss_key_len;
	uint16_t reta_size;
	uint8_t select;
	uint8_t flags;
	uint8_t rss_key[QP_XPROC_RSS_KEY_LEN];
	uint16_t reta[QP_XPROC_RETA_SIZE];
	struct qp_xproc_rq rq[QP_XPROC_RQ_MAX]; /* the first nb_rq are used */
};

/* UP, DOWN, DOWN_ACK, UP_ACK. */
struct qp_xproc_state {
	uint32_t epoch;
};

/*
 * One message. @fd: REGION's memfd, owned by the message (close it with
 * qp_xproc_msg_clear() or take it and set -1); -1 for every other type.
 * About 7 KB (RXPORT's queue table): fine on a control thread's stack.
 */
struct qp_xproc_msg {
	struct qp_xproc_hdr hdr;
	int fd;
	union {
		struct qp_xproc_hello hello;
		struct qp_xproc_refuse refuse;
		struct qp_xproc_region region;
		struct qp_xproc_rxport rxport;
		struct qp_xproc_state state;
	} u;
};

/* A zeroed message of @type with no fd. */
void qp_xproc_msg_init(struct qp_xproc_msg *msg, uint16_t type);

/* Close the message's fd if it holds one. Safe on any decoded message. */
void qp_xproc_msg_clear(struct qp_xproc_msg *msg);

/* Names for logs: "HELLO", ...; "busy", ...; "?" for unknown values. */
const char *qp_xproc_type_str(uint16_t type);
const char *qp_xproc_refuse_str(uint32_t reason);

/* -------------------------------------------------- encode / decode */
/*
 * Encode @msg (its hdr.type and hdr.seq; magic, version and length are
 * filled in) into @buf of @cap bytes. The message is validated with the
 * same rules as decoding, so this side never sends what a peer must refuse.
 * Returns the message length, or -EINVAL (invalid message) / -ENOSPC (@cap
 * too small) with a reason in @why (may be NULL).
 */
int qp_xproc_encode(const struct qp_xproc_msg *msg, void *buf, size_t cap, char *why,
		    size_t why_len);

/*
 * Decode the @len bytes of @buf, received with the @nb_fds fds of @fds,
 * into @msg. The fds are taken over in every case: on success a REGION's
 * one fd is in msg->fd and every other fd is closed; on failure all are
 * closed and msg->fd is -1. Never reads outside @buf[0..len).
 * Returns 0, or with a human-readable reason in @why (may be NULL):
 *   -EBADMSG          malformed: short, bad magic, length field != @len,
 *                     unknown type, wrong fd count, reserved bytes set,
 *                     unterminated or unprintable string
 *   -EINVAL           a value out of range (counts, sizes, alignment, RETA)
 *   -EPROTONOSUPPORT  another protocol version (msg->hdr holds the peer's
 *                     header); a REFUSE of any version decodes, since its
 *                     layout is frozen
 */
int qp_xproc_decode(const void *buf, size_t len, const int *fds, unsigned int nb_fds,
		    struct qp_xproc_msg *msg, char *why, size_t why_len);

/* ----------------------------------------- sockets: qpring_xproc_sock.c */
/*
 * Socket paths: a file system path (at most sizeof(sun_path) - 1 = 107
 * bytes), or "@name" for Linux's abstract namespace (no file, nothing
 * stale after a crash; gone with the last process that holds it).
 */

/* The server's listening socket. */
struct qp_xproc_listener {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	dev_t dev; /* the socket file we created, so that we unlink only it */
	ino_t ino;
};

/*
 * Bind and listen on @path (non-blocking, close-on-exec). Returns 0, or:
 *   -ENAMETOOLONG  the path does not fit sun_path
 *   -EADDRINUSE    busy: a live socket answers on @path (another server,
 *                  or another program's socket)
 *   -EEXIST        @path exists and is not a socket: left alone
 *   -EACCES        permission denied (the directory or the existing file)
 *   -ENOENT        the directory does not exist
 *   other -errno   from socket()/bind()/listen()
 * A socket file nobody listens on (left by a process that crashed) is
 * stale: it is unlinked and bound again. Two servers starting at the same
 * instant on the same stale path can race there; give each its own path.
 * A live server sees the liveness probe as a connection that closes at once.
 */
int qp_xproc_listen(struct qp_xproc_listener *l, const char *path, char *why, size_t why_len);

/*
 * Accept one pending connection into *@fd (non-blocking, close-on-exec).
 * Returns 0, -EAGAIN when none is pending, or another -errno.
 */
int qp_xproc_accept(struct qp_xproc_listener *l, int *fd, char *why, size_t why_len);

/*
 * Accept one pending connection, send it REFUSE(@reason, @text) and close
 * it: the "second client on a busy server" case. Returns 1 if one was
 * refused, 0 if none was pending, -errno on failure.
 */
int qp_xproc_accept_refuse(struct qp_xproc_listener *l, uint32_t reason, const char *text);

/* Close the listening socket and unlink its file, if it is still ours. */
void qp_xproc_unlisten(struct qp_xproc_listener *l);

/*
 * Connect to @path, non-blocking. Returns 0 with *@fd connected, or:
 *   -EAGAIN        no server yet (no socket file, a stale file, or the
 *                  server's backlog is full): retry later
 *   -ENAMETOOLONG  the path does not fit sun_path
 *   -EPROTOTYPE    a socket of another type listens there (not qpring)
 *   other -errno   (-EACCES, -ENOTSOCK, ...): a configuration error
 */
int qp_xproc_connect(const char *path, int *fd, char *why, size_t why_len);

/* pid of the process at the other end (SO_PEERCRED), or -errno. */
int qp_xproc_peer_pid(int fd);

/* A connection: its socket and the two sequence counters. */
struct qp_xproc_chan {
	int fd;
	uint32_t tx_seq; /* seq of the next message sent */
	uint32_t rx_seq; /* seq the next received message must carry */
};

void qp_xproc_chan_init(struct qp_xproc_chan *c, int fd);
/* Close the socket (idempotent). */
void qp_xproc_chan_close(struct qp_xproc_chan *c);

/*
 * Send one message (hdr.seq is set from the channel) with msg->fd attached
 * when the type is REGION; msg->fd stays the caller's. Never blocks, never
 * raises SIGPIPE. Returns 0, or -EINVAL (invalid message), -EAGAIN (the
 * socket buffer is full: the peer is not reading), -EPIPE / -ECONNRESET
 * (the peer is gone), other -errno.
 */
int qp_xproc_send(struct qp_xproc_chan *c, struct qp_xproc_msg *msg, char *why, size_t why_len);

/*
 * Receive one message without blocking (received fds are close-on-exec).
 * @msg is overwritten: clear a previous REGION's fd first.
 * Returns 1 with @msg decoded (a REGION's fd in msg->fd, to close or keep),
 * 0 when no message is waiting, or a negative errno with @why set, after
 * which the connection should be dropped:
 *   -ECONNRESET  the peer closed (or sent an empty message)
 *   -EMSGSIZE    truncated: more than QP_XPROC_MSG_MAX bytes or more than
 *                QP_XPROC_RX_FDS_MAX fds (whatever fds arrived are closed)
 *   -EPROTO      out of sequence (a REFUSE is accepted whatever its seq)
 *   what qp_xproc_decode() returns
 * No fd received with a failed message stays open.
 */
int qp_xproc_recv(struct qp_xproc_chan *c, struct qp_xproc_msg *msg, char *why, size_t why_len);

/* ---------------------------------------------------------- handshake */
/*
 * Check the peer's HELLO against ours. Returns 0, or -EPROTO with the
 * REFUSE reason to send in *@reason (ROLE: same role on both sides; LAYOUT:
 * layout_id, slot_size or ring_hdr_size differ) and the text in @why.
 * A HELLO of another version never gets here: qp_xproc_recv() fails with
 * -EPROTONOSUPPORT, mapped to REFUSE(VERSION) by qp_xproc_refuse_reason().
 */
int qp_xproc_hello_check(const struct qp_xproc_hello *ours, const struct qp_xproc_hello *theirs,
			 uint32_t *reason, char *why, size_t why_len);

/* The REFUSE reason for a receive error: VERSION, BAD_MSG or INTERNAL. */
uint32_t qp_xproc_refuse_reason(int err);

/*
 * Best effort: send REFUSE(@reason, @text; truncated to fit, unprintable
 * bytes replaced by '?') before the caller closes. Returns 0 or -errno.
 */
int qp_xproc_send_refuse(struct qp_xproc_chan *c, uint32_t reason, const char *text);

/* ------------------------------------------------------------- regions */
/*
 * Owner side: a memfd of @size bytes (page multiple) sealed against
 * shrinking and growing, so that a peer's mapping can never run past the
 * end of the file (SIGBUS). Returns 0 with *@fd (close-on-exec) or -errno.
 */
int qp_xproc_memfd_create(const char *name, uint64_t size, int *fd, char *why, size_t why_len);

/* Peer side: one mapped region of the other process. */
struct qp_xproc_map {
	uint32_t id;
	uint8_t *base; /* NULL: not mapped */
	uint64_t size;
	uint64_t owner_va;
};

/*
 * Check @fd against @r and map it shared, read-write. The fd must be a
 * regular file (memfd) at least @r->size bytes long and sealed with
 * F_SEAL_SHRINK; otherwise -EINVAL with the reason. @fd stays the caller's
 * (close it after: the mapping holds its own reference).
 */
int qp_xproc_map_region(const struct qp_xproc_region *r, int fd, struct qp_xproc_map *m,
			char *why, size_t why_len);

/* Unmap (idempotent). */
void qp_xproc_unmap_region(struct qp_xproc_map *m);

/*
 * The local address of the owner's [@va, @va + @len), or NULL unless that
 * range lies entirely inside the region. Overflow-safe for any inputs.
 */
static inline void *
qp_xproc_map_translate(const struct qp_xproc_map *m, uint64_t va, uint64_t len)
{
	uint64_t off;

	if (m->base == NULL || va < m->owner_va || len > m->size)
		return NULL;
	off = va - m->owner_va;
	if (off > m->size - len)
		return NULL;
	return m->base + off;
}

/* Bytes of a ring of @nb_slots slots, as RXPORT's rq entries describe. */
static inline uint64_t
qp_xproc_ring_bytes(uint32_t nb_slots, uint32_t ring_hdr_size, uint32_t slot_size)
{
	return (uint64_t)ring_hdr_size + (uint64_t)nb_slots * slot_size;
}

/*
 * Check a decoded RXPORT against the peer's mapped regions: every rq names a
 * region of @maps (nb_maps entries, unmapped ones skipped) and its ring,
 * qp_xproc_ring_bytes() from its offset, lies inside that region.
 * Returns 0 or -EINVAL with the reason.
 */
int qp_xproc_rxport_check(const struct qp_xproc_rxport *rx, const struct qp_xproc_map *maps,
			  unsigned int nb_maps, uint32_t ring_hdr_size, uint32_t slot_size,
			  char *why, size_t why_len);

#endif /* QPRING_XPROC_PROTO_H */
