/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * check: the assertions every C test of qpring uses, with or without EAL
 * (tests/common/qpt.h for the EAL tests, tests/unit/unit.h for the
 * hardware-model tests). CHECK counts and prints a FAIL line naming the
 * case, the place and the condition; REQUIRE also ends the test there. A
 * test program returns check_finish(): 0 when every check passed, else 1.
 */
#ifndef QP_CHECK_H
#define QP_CHECK_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_common.h>

static int check_failures;
static int check_count;
static const char *check_case = "";

/* Name the case that the following checks belong to. */
#define CHECK_CASE(name) \
	do { \
		check_case = (name); \
		printf("--- %s\n", check_case); \
	} while (0)

static inline int
check_result(int ok, const char *expr, const char *file, int line, const char *fmt, ...)
	__rte_format_printf(5, 6);

/* Count one check; on failure print it. Returns @ok. */
static inline int
check_result(int ok, const char *expr, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	check_count++;
	if (ok)
		return 1;
	check_failures++;
	printf("FAIL [%s] %s:%d: %s: ", check_case, file, line, expr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return 0;
}

static inline int
check_finish(void)
{
	printf("%s: %d checks, %d failed\n", check_failures ? "FAILED" : "PASSED", check_count,
	       check_failures);
	return check_failures ? 1 : 0;
}

#define CHECK(cond, ...) \
	((void)check_result(!!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__))

#define CHECK_EQ(a, b) \
	do { \
		uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b); \
		(void)check_result(check_a_ == check_b_, #a " == " #b, __FILE__, __LINE__, \
				   "%s = %" PRIu64 " (0x%" PRIx64 "), %s = %" PRIu64 \
				   " (0x%" PRIx64 ")", #a, check_a_, check_a_, #b, check_b_, \
				   check_b_); \
	} while (0)

/* Stop the test at once when a precondition fails: nothing after it would
 * mean anything.
 */
#define REQUIRE(cond, ...) \
	do { \
		if (!check_result(!!(cond), #cond, __FILE__, __LINE__, __VA_ARGS__)) \
			exit(check_finish()); \
	} while (0)

#endif /* QP_CHECK_H */
