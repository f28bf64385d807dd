/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Fault injection in the adapter (qp_faults.c): late, out-of-order and
 * failed completions, frames lost on the wire or received with an error.
 * Private to the adapter model.
 */
#ifndef QP_FAULTS_H
#define QP_FAULTS_H

#include <stdint.h>

#include "qp_hwq.h"
#include "qp_rxport.h"

/*
 * The adapter of @sq with faults (or with a batch a fault still holds):
 * same contract as qp_adapter_service_sq().
 */
uint32_t qp_service_faulty(struct qp_hwq *sq, const struct qp_rxport *rp, uint16_t sq_qid,
			   int zero_copy, uint32_t budget);

#endif /* QP_FAULTS_H */
