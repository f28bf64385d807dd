/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The cross-process wire, shared by its two files: qpring_wire_xproc.c (the
 * connection to the other process, the view of its receiving side that
 * this process's adapters deliver into, link state) and qpring_xproc_rx.c
 * (this port's receive region: rings and buffers the other process writes
 * into, and the receive bursts that trust nothing read back from there).
 * Everything here is this process's own (dev->process_private): a
 * secondary process cannot use a cross-process port.
 */
#ifndef QPRING_XPROC_H
#define QPRING_XPROC_H

#include <stdint.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "qpring.h"
#include "qpring_wire.h"
#include "qpring_xproc_proto.h"

/* ------------------------------------------------------ receive region */

/* A free extent of the region (offset, bytes), kept sorted by offset. */
struct xp_extent {
	uint64_t off;
	uint64_t len;
};

/*
 * One memfd per port, sealed at its size, mapped here and by the peer: the
 * receive rings (struct qp_hwq: registers, adapter state, slots) and the
 * data buffers of each receive queue's pool. The mbuf headers of those
 * buffers stay in this process's own memory. A first-fit allocator hands
 * out extents, XP_REGION_ALIGN-aligned; the file is sparse, so only what
 * is touched costs memory.
 */
#define XP_REGION_ALIGN 64u
#define XP_REGION_EXTENTS 1024u

struct xp_region {
	int fd;
	uint8_t *base;
	uint64_t size;
	struct xp_extent *free;  /* sorted, XP_REGION_EXTENTS entries */
	uint32_t nb_free;
};

int xp_region_create(struct xp_region *r, const char *name, uint64_t size);
void xp_region_destroy(struct xp_region *r);
/* 0 with *off, or -ENOMEM (no extent of @len bytes left). */
int xp_region_alloc(struct xp_region *r, uint64_t len, uint64_t *off);
void xp_region_free(struct xp_region *r, uint64_t off, uint64_t len);

struct xp_port;

/*
 * A receive queue's own state (rxq->wire_q). The mbuf posted in each slot
 * is remembered here, never read back from the slot: the peer can write
 * anything into the ring.
 */
struct xp_rxq {
	/* data path (the queue's lcore) */
	struct rte_mbuf **shadow;   /* mbuf posted in slot i */
	struct rte_mempool *mp;     /* the driver's pool: buffers in the region */
	uint32_t cap;               /* bytes a posted buffer holds (the truth) */
	uint16_t headroom;
	uint8_t scatter;
	uint32_t reset_done;        /* last reset request honoured (R-D below) */
	/* written by the control path */
	uint32_t reset_req __rte_cache_aligned; /* recover the ring: a peer vanished */
	struct xp_port *x;
	uint64_t ring_off, ring_len;  /* region extents */
	uint64_t pool_off, pool_len;
	uint32_t nb_bufs;
	uint64_t recovered;           /* slots recovered after a vanished peer */
} __rte_cache_aligned;

extern const struct qpring_rxmem_ops qpring_xproc_rxmem;

/* ---------------------------------------------------------- port state */

enum xp_conn_state {
	XP_IDLE = 0,   /* no connection (server: listening; client: retrying) */
	XP_HELLO,      /* connected, waiting for the peer's HELLO */
	XP_OPEN,       /* HELLO exchanged */
};

/* An fd on EAL's interrupt thread (the listener, a connection): its own
 * object, so that the callback can close it after the port is gone.
 */
struct xp_fdsrc {
	int fd;
	struct rte_intr_handle *ih;
	struct xp_port *x;          /* NULL: orphaned, the callback closes it */
	uint8_t listener;
};

/* What the peer told us of its receiving side. */
struct xp_peer {
	struct qp_xproc_hello hello;
	struct qp_xproc_map map;        /* its region, mapped here */
	struct qp_xproc_rxport rx;      /* its last RXPORT, checked */
	uint8_t has_rx;
	uint8_t up;                     /* between its UP and its DOWN */
	uint32_t epoch;
	int pid;
};

struct xp_port {
	struct rte_eth_dev *dev;
	struct qpring_port *p;
	struct qpring_xproc_conf conf;
	struct xp_region reg;

	/* The view of the peer's receiving side this process's adapters
	 * deliver into: NULL, or one of views[2]. Published with a
	 * sequentially consistent store, read by the adapters after their
	 * adapter lock (G1/G2 of qpring_adapter_trylock()).
	 */
	struct qp_rxport *view;
	struct qp_rxport *views;        /* [2] */
	uint32_t view_next;

	/* control (EAL's interrupt thread and the control paths, under the
	 * control lock)
	 */
	struct qp_xproc_listener lis;
	struct xp_fdsrc *lsrc;
	struct xp_fdsrc *csrc;          /* the connection, or NULL */
	struct qp_xproc_chan ch;
	enum xp_conn_state state;
	uint64_t deadline;              /* XP_HELLO: TSC by which HELLO must come */
	uint64_t retry_at;              /* client: TSC of the next connect */
	uint32_t retry_ms;
	struct xp_peer peer;
	uint32_t epoch;                 /* our starts */
	uint8_t our_up;                 /* the peer may deliver into us (UP sent,
					 * DOWN_ACK not received) */
	uint8_t up_acked;               /* the peer's UP_ACK of our UP of this
					 * epoch came: its adapters deliver into
					 * us (the link needs it both ways) */
	uint8_t closing;
	uint8_t logged_retry;           /* a connect error was logged */
	uint8_t sent[QP_XPROC_MSG_MAX]; /* the RXPORT last sent, as sent */
	int sent_len;
	uint64_t connects, drops, refusals;
	uint32_t pools_kept;            /* pools the application still held at release:
					 * the region stays mapped */
};

/* Room for a failure's reason (logs, REFUSE text). */
#define XP_WHY_LEN 256u

/* Milliseconds in timer cycles. */
static inline uint64_t
xp_ms_tsc(uint32_t ms)
{
	return rte_get_timer_hz() * ms / 1000;
}

/*
 * qpring_xproc_view.c: the link state refreshed after a change, and the
 * view of the peer's receiving side that the adapters deliver through
 * (unpublish: 0, or -ETIMEDOUT when an adapter did not quiesce and the
 * view stays with the peer's region).
 */
void xp_link_refresh(struct xp_port *x);
void xp_view_publish(struct xp_port *x);
int xp_view_unpublish(struct xp_port *x);

/* qpring_xproc_conn.c: the sockets as interrupt sources (NULL when EAL
 * refuses one), their callback on the interrupt thread.
 */
struct xp_fdsrc *xp_src_new(struct xp_port *x, int fd, uint8_t listener);
void xp_src_drop(struct xp_fdsrc *src);

/*
 * qpring_xproc_conn.c, control lock held: open a connection on a
 * connected socket @fd (HELLO sent) and drop one (the client retries in
 * @retry_ms); the client's connect attempt, the server's accept; a
 * refusal sent to the peer (then dropped); up to @max messages received
 * and handled; the peer told it may deliver (RXPORT, UP) when this port is
 * ready, or new receive settings.
 */
void xp_conn_open(struct xp_port *x, int fd);
void xp_conn_drop(struct xp_port *x, uint32_t retry_ms);
void xp_connect(struct xp_port *x);
void xp_accept(struct xp_port *x);
void xp_refuse(struct xp_port *x, uint32_t reason, const char *why);
void xp_pump(struct xp_port *x, unsigned int max);
void xp_advertise(struct xp_port *x);

/* Control lock held: make sure the peer no longer delivers into our rings
 * (DOWN, then DOWN_ACK or a dropped connection, bounded in time).
 */
void xp_withdraw(struct xp_port *x, const char *why);

/* The port's state in this process (NULL in a secondary). */
static inline struct xp_port *
xp_port_of(uint16_t port_id)
{
	const struct qpring_proc *pp = qpring_proc_of(port_id);

	return pp != NULL ? pp->wire : NULL;
}

#endif /* QPRING_XPROC_H */
