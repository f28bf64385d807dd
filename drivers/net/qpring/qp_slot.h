/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Slot layout and the inline helpers that move a slot between its owners.
 * This is the memory the driver and the emulated adapter both read: one
 * work queue element (WQE) and its own completion indicator per slot.
 *
 * Ownership of a slot, at every moment (compare the virtio packed ring):
 *
 *   indicator == QP_IND_DONE   the DRIVER owns the slot. For a send slot the
 *                              frame has left (or was dropped and counted);
 *                              for a receive slot a result (length, status)
 *                              is waiting to be harvested. The driver may
 *                              read the result and may overwrite the WQE.
 *   indicator == QP_IND_POSTED the ADAPTER owns the slot. The driver must not
 *                              read or write any field of it.
 *
 * Transitions:
 *   driver:  DONE -> POSTED  qp_slot_post(): WQE fields with plain stores,
 *            then the indicator; all published to the adapter by the
 *            release in qp_doorbell_ring() (qp_regs.h).
 *   adapter: POSTED -> DONE  qp_slot_complete(): result fields with plain
 *            stores, then the indicator with release (edge A1 below). The
 *            driver's acquire load in qp_slot_is_done() (D1) pairs with it.
 *
 * Nothing else is ever written by both sides, so no slot field needs a
 * read-modify-write. Ring sizes are powers of two; indexes are masked.
 */
#ifndef QP_SLOT_H
#define QP_SLOT_H

#include <stdint.h>
#include <stddef.h>

#include <rte_common.h>

/* Indicator values. POSTED is zero so a freshly zeroed ring is impossible to
 * mistake for a ring of completions: the ring set-up writes DONE explicitly.
 */
#define QP_IND_POSTED 0x0000u
#define QP_IND_DONE   0x00d1u

/* WQE flags (driver -> adapter). */
#define QP_WQE_F_SEND 0x0001u /* send WQE: addr/len describe a frame */
#define QP_WQE_F_RECV 0x0002u /* receive WQE: addr/len describe an empty buffer,
			       * or, len 0, a credit: zero copy, the adapter
			       * hands the sender's buffer over (cookie) */
/* Send offloads the adapter carries out on the frame (qp_offload.c); the
 * lengths and the tag come from the frame's mbuf (cookie).
 */
#define QP_WQE_F_CSUM_IP4 0x0010u /* IPv4 header checksum */
#define QP_WQE_F_CSUM_TCP 0x0020u /* TCP checksum (IPv4 or IPv6) */
#define QP_WQE_F_CSUM_UDP 0x0040u /* UDP checksum (IPv4 or IPv6) */
#define QP_WQE_F_VLAN     0x0080u /* insert the VLAN tag */
#define QP_WQE_F_TXO      (QP_WQE_F_CSUM_IP4 | QP_WQE_F_CSUM_TCP | QP_WQE_F_CSUM_UDP | \
			   QP_WQE_F_VLAN)

/* Receive write-back flags (wb_ol of a completed receive slot). */
#define QP_WB_RSS       0x0001u /* wb_hash holds the RSS hash */
#define QP_WB_PTYPE     0x0002u /* wb_ptype holds the packet type */
#define QP_WB_VLAN      0x0004u /* a VLAN tag was stripped: wb_vlan */
#define QP_WB_IP_GOOD   0x0010u /* IPv4 header checksum checked: good */
#define QP_WB_IP_BAD    0x0020u /* ... bad (neither: not checked, unknown) */
#define QP_WB_L4_GOOD   0x0040u /* TCP/UDP checksum checked: good */
#define QP_WB_L4_BAD    0x0080u /* ... bad */

/* Completion status (adapter -> driver). */
#define QP_ST_OK        0u /* serviced */
#define QP_ST_NO_LINK   1u /* send: no receiver on the wire, frame discarded */
#define QP_ST_TOO_BIG   2u /* receive: frame longer than the posted buffer */
#define QP_ST_ERROR     3u /* injected or media error */
#define QP_ST_FLUSHED   4u /* queue stopped before the WQE was serviced */
#define QP_ST_SKIP      5u /* receive: claimed by a sender, given back unused
			    * (no frame in it; the driver re-posts it) */
#define QP_ST_MAX       QP_ST_SKIP
/* Result flag in res_status: the frame continues in the next slot (receive
 * scatter). The adapter completes the parts of a frame last to first, so
 * the first part's indicator publishes the whole frame.
 */
#define QP_ST_F_MORE    0x8000u
/* Result flag: the receive write-back fields (wb_*) are valid. */
#define QP_ST_F_WB      0x4000u
#define QP_ST_MASK      0x00ffu

/* Most buffers one send WQE may carry (its mbuf chain). */
#define QP_MAX_SEGS     32u
/* Most receive slots one frame may span (receive scatter). */
#define QP_MAX_RX_PARTS 64u

/*
 * One slot: 32 bytes, two per cache line, naturally aligned so that the low
 * five bits of a slot's virtual address are zero (qp_regs.h uses bit 0 of the
 * doorbell for the in-service bit).
 *
 * The frame is described by (addr, len) for its first buffer; a multi-buffer
 * send carries its remaining buffers in the mbuf chain named by cookie, and
 * nb_segs says how many there are.
 *
 * A completed receive slot may carry a write-back, as a NIC's descriptor
 * does: the adapter, which no longer needs the WQE's buffer address and
 * capacity, writes the frame's RSS hash, packet type, offload flags and
 * stripped VLAN tag over them (wb_*; only when the receiving port asked for
 * those offloads). The driver re-posts the slot with a fresh WQE anyway.
 */
struct qp_slot {
	/* WQE: written by the driver while it owns the slot. */
	union {
		uint64_t addr;       /* VA of the (first) data buffer */
		struct {
			uint32_t wb_hash;  /* receive write-back: RSS hash */
			uint32_t wb_ptype; /* receive write-back: RTE_PTYPE_* */
		};
	};
	uint64_t cookie;     /* driver's mbuf; moved only in zero-copy mode */
	union {
		struct {
			uint32_t len;     /* send: frame length; receive: buffer capacity */
			uint16_t flags;   /* QP_WQE_F_* */
			uint16_t nb_segs; /* send: buffers in the frame (>= 1) */
		};
		uint64_t wqe_word;        /* len, flags and nb_segs: one store */
		struct {
			uint16_t wb_vlan; /* receive write-back: stripped VLAN TCI */
			uint16_t wb_ol;   /* receive write-back: QP_WB_* */
			uint16_t wb_off;  /* receive write-back, zero copy: bytes the
					   * frame start moved (a stripped tag) */
			uint16_t wb_rsvd;
		};
	};
	union {
		struct {
			/* Result: written by the adapter while it owns the slot. */
			uint32_t res_len;    /* bytes placed (receive) or sent (send) */
			uint16_t res_status; /* QP_ST_* */
			/* Completion indicator: written last by its writer, read first. */
			uint16_t indicator;  /* QP_IND_* */
		};
		/* The result and the indicator as one word: the adapter
		 * completes a slot with one store of it, the driver reads it
		 * with one load (qp_slot_result()).
		 */
		uint64_t res;
	};
};

#define QP_SLOT_SIZE 32u

/* The layout is shared by the adapter, the driver and any process that maps
 * the queue: pin it.
 */
_Static_assert(sizeof(struct qp_slot) == QP_SLOT_SIZE, "slot must be 32 bytes");
_Static_assert(offsetof(struct qp_slot, res_len) == 24, "result at byte 24");
_Static_assert(offsetof(struct qp_slot, indicator) == 30, "indicator is the last word");
_Static_assert(offsetof(struct qp_slot, res) == 24, "result word at byte 24");

/* The fields of a result word (little endian: res_len in the low half). */
#define QP_RES(len, st, ind) \
	((uint64_t)(uint32_t)(len) | (uint64_t)(uint16_t)(st) << 32 | (uint64_t)(uint16_t)(ind) << 48)
#define QP_RES_LEN(w)    ((uint32_t)(w))
#define QP_RES_STATUS(w) ((uint16_t)((w) >> 32))
#define QP_RES_IND(w)    ((uint16_t)((w) >> 48))

/* D1: driver's acquire load of the result word (indicator, length and
 * status at once). Pairs with A1 in qp_slot_complete(): once its indicator
 * reads DONE, the result and everything the adapter wrote into the slot
 * before (write-back, zero-copy cookie) are visible.
 */
static __rte_always_inline uint64_t
qp_slot_result(const struct qp_slot *s)
{
	return __atomic_load_n(&s->res, __ATOMIC_ACQUIRE);
}

static __rte_always_inline int
qp_slot_is_done(const struct qp_slot *s)
{
	return QP_RES_IND(qp_slot_result(s)) == QP_IND_DONE; /* D1 */
}

/* Driver: hand a filled WQE to the adapter: three plain stores of the WQE
 * and one of the result word (indicator POSTED). Relaxed suffices: the
 * adapter does not look at the slot until the doorbell's release (R1 in
 * qp_doorbell_ring()) has published every WQE of the burst.
 */
static __rte_always_inline void
qp_slot_post(struct qp_slot *s, uint64_t addr, uint32_t len, uint64_t cookie,
	     uint16_t flags, uint16_t nb_segs)
{
	s->addr = addr;
	s->cookie = cookie;
	s->wqe_word = (uint64_t)len | (uint64_t)flags << 32 | (uint64_t)nb_segs << 48;
	__atomic_store_n(&s->res, QP_RES(0, 0, QP_IND_POSTED), __ATOMIC_RELAXED);
}

/* A1: adapter's completion: the result and the indicator in one store,
 * with release; pairs with D1 in qp_slot_result().
 */
static __rte_always_inline void
qp_slot_complete(struct qp_slot *s, uint32_t res_len, uint16_t status)
{
	__atomic_store_n(&s->res, QP_RES(res_len, status, QP_IND_DONE), __ATOMIC_RELEASE);
}

/* Adapter: record a slot's result without completing it (the indicator
 * stays POSTED; a fault may hold the completion, a scattered frame completes
 * its parts last to first). One relaxed store of the whole word: the driver
 * may be loading the word at the same time to poll its indicator (D1), and
 * sees POSTED whatever it reads; A1 later publishes the result with release.
 */
static __rte_always_inline void
qp_slot_stage(struct qp_slot *s, uint32_t res_len, uint16_t status)
{
	__atomic_store_n(&s->res, QP_RES(res_len, status, QP_IND_POSTED), __ATOMIC_RELAXED);
}

/* Control path only (queue set-up/stop, no other side running): return a
 * slot to the driver with no WQE in it.
 */
static inline void
qp_slot_reset(struct qp_slot *s)
{
	s->addr = 0;
	s->cookie = 0;
	s->len = 0;
	s->flags = 0;
	s->nb_segs = 0;
	__atomic_store_n(&s->res, QP_RES(0, QP_ST_OK, QP_IND_DONE), __ATOMIC_RELAXED);
}

#endif /* QP_SLOT_H */
