/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The emulated hardware adapter (claim 1): it selects a posted slot,
 * performs the WQE's task (send a frame onto the wire, or place an arriving
 * frame into a posted receive buffer) and then sets the slot's indicator.
 * The in-order engine is qp_adapter.c, fault injection qp_faults.c, the
 * queue memory both work on qp_hwq.[ch].
 */
#ifndef QP_ADAPTER_H
#define QP_ADAPTER_H

#include <stdint.h>

#include "qp_hwq.h"
#include "qp_rxport.h"

/*
 * Service up to @budget pending send WQEs of @sq, send queue @sq_qid of its
 * port: deliver each frame into the receive queue the receiving port @rp
 * picks for it (NULL: no receiver, frames are discarded and counted), then
 * complete the send slot. @zero_copy hands the send mbuf over to the
 * receiver instead of copying bytes. Returns the number of send WQEs
 * serviced. Caller: the lcore that holds the adapter lock of @sq; any
 * number of them may deliver into one receiving port at once.
 */
uint32_t qp_adapter_service_sq(struct qp_hwq *sq, const struct qp_rxport *rp, uint16_t sq_qid,
			       int zero_copy, uint32_t budget);

/*
 * External media (pcap files, live interfaces). A sink takes the frame of a
 * send slot and returns its send status; a source yields the next arriving
 * frame: 1 with data and len set, 0 when none is waiting, < 0 on a medium
 * error (counted in ad.medium_errors of the queue).
 */
typedef uint16_t (*qp_sink_fn)(void *ctx, const struct qp_slot *ss);
typedef int (*qp_source_fn)(void *ctx, const uint8_t **data, uint32_t *len);

/* Service up to @budget send WQEs of @sq into @sink (in order, completed at
 * once; faults are not applied on external media).
 */
uint32_t qp_adapter_service_sq_sink(struct qp_hwq *sq, qp_sink_fn sink, void *ctx,
				    uint32_t budget);

/* Place up to @budget frames from @source into the posted slots of receive
 * queue @qid of @rp (its filter, frame limit and offloads apply); stops
 * when no buffer is posted (frames wait in the medium). Returns frames
 * taken from the source. Caller holds the queue's adapter lock.
 */
uint32_t qp_adapter_service_rq_source(const struct qp_rxport *rp, uint16_t qid,
				      qp_source_fn source, void *ctx, uint32_t budget);

/* Control path: set a send queue's faults and seed its random stream
 * (qp_faults.c).
 */
void qp_hwq_set_faults(struct qp_hwq *q, const struct qp_faults *f, uint64_t seed);

/* Is there work on @sq that only a later adapter call does: WQEs posted and
 * not serviced, or a batch a fault holds back? Any lcore, relaxed: a hint
 * for who should call.
 */
static inline int
qp_adapter_has_work(const struct qp_hwq *sq)
{
	return qp_regs_pending_peek(&sq->regs) != 0 ||
	       __atomic_load_n(&sq->ad.done_head, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&sq->ad.head, __ATOMIC_RELAXED);
}

#endif /* QP_ADAPTER_H */
