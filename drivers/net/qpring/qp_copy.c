/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The adapter's copy of large frames (the DMA of a copy-mode NIC), chosen
 * at start-up for the CPU it runs on. libdpdk's build flags target corei7,
 * so rte_memcpy() moves 16 bytes at a time; where the CPU has AVX2 this
 * copy moves 32, eight at a time, with no test of the alignment (unaligned
 * moves of 32 bytes cost the same on CPUs that have AVX2). Elsewhere the C
 * library's memcpy(), which picks its own variant at run time.
 */
#include <stdint.h>
#include <string.h>

#include <rte_common.h>

#include "qp_deliver.h"

#if defined(RTE_ARCH_X86_64) && defined(__GNUC__)
#include <immintrin.h>

#define QP_AVX2_BLOCK 256u /* bytes per round: eight 32-byte moves */

/* Copy one block of QP_AVX2_BLOCK bytes: all loads, then all stores. */
#define QP_AVX2_MOVE_BLOCK(d, s) do { \
	const __m256i m0 = _mm256_loadu_si256((const __m256i *)(const void *)(s)); \
	const __m256i m1 = _mm256_loadu_si256((const __m256i *)(const void *)((s) + 32)); \
	const __m256i m2 = _mm256_loadu_si256((const __m256i *)(const void *)((s) + 64)); \
	const __m256i m3 = _mm256_loadu_si256((const __m256i *)(const void *)((s) + 96)); \
	const __m256i m4 = _mm256_loadu_si256((const __m256i *)(const void *)((s) + 128)); \
	const __m256i m5 = _mm256_loadu_si256((const __m256i *)(const void *)((s) + 160)); \
	const __m256i m6 = _mm256_loadu_si256((const __m256i *)(const void *)((s) + 192)); \
	const __m256i m7 = _mm256_loadu_si256((const __m256i *)(const void *)((s) + 224)); \
	_mm256_storeu_si256((__m256i *)(void *)(d), m0); \
	_mm256_storeu_si256((__m256i *)(void *)((d) + 32), m1); \
	_mm256_storeu_si256((__m256i *)(void *)((d) + 64), m2); \
	_mm256_storeu_si256((__m256i *)(void *)((d) + 96), m3); \
	_mm256_storeu_si256((__m256i *)(void *)((d) + 128), m4); \
	_mm256_storeu_si256((__m256i *)(void *)((d) + 160), m5); \
	_mm256_storeu_si256((__m256i *)(void *)((d) + 192), m6); \
	_mm256_storeu_si256((__m256i *)(void *)((d) + 224), m7); \
} while (0)

/*
 * @n > QP_COPY_INLINE_MAX (qp_copy() takes the smaller ones); @dst and
 * @src do not overlap. Pairs of blocks while more than two are left (the
 * loop ends on a pointer, with no trip count worked out first), then one
 * more block if more than one is left, then the last block of the frame,
 * overlapping what went before: no loop over the remainder. Whole 32-byte
 * moves: the build's tuning (corei7) would split each into two halves.
 */
__attribute__((target("avx2,tune=haswell"))) static void
qp_copy_avx2(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	const uint8_t *const end = src + n;
	uint8_t *const dend = dst + n;

	while ((uintptr_t)(end - src) > 2 * QP_AVX2_BLOCK) {
		QP_AVX2_MOVE_BLOCK(dst, src);
		QP_AVX2_MOVE_BLOCK(dst + QP_AVX2_BLOCK, src + QP_AVX2_BLOCK);
		src += 2 * QP_AVX2_BLOCK;
		dst += 2 * QP_AVX2_BLOCK;
	}
	if ((uintptr_t)(end - src) > QP_AVX2_BLOCK)
		QP_AVX2_MOVE_BLOCK(dst, src);
	QP_AVX2_MOVE_BLOCK(dend - QP_AVX2_BLOCK, end - QP_AVX2_BLOCK);
}
#endif

static void
qp_copy_libc(uint8_t *dst, const uint8_t *src, uint32_t n)
{
	memcpy(dst, src, n);
}

qp_copy_fn qp_copy_large = qp_copy_libc;

RTE_INIT(qp_copy_select)
{
#if defined(RTE_ARCH_X86_64) && defined(__GNUC__)
	if (__builtin_cpu_supports("avx2"))
		qp_copy_large = qp_copy_avx2;
#endif
}
