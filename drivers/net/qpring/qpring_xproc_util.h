/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Two helpers private to the cross-process protocol's source files
 * (qpring_xproc_proto.c, qpring_xproc_sock.c). libc only.
 */
#ifndef QPRING_XPROC_UTIL_H
#define QPRING_XPROC_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

/* Every failure says why, in the caller's buffer (which may be absent). */
static inline int __attribute__((format(printf, 4, 5)))
xp_fail(char *why, size_t why_len, int err, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || why_len == 0)
		return err;
	va_start(ap, fmt);
	/* clang-tidy up to 18 loses track of va_start in every file after the
	 * first one it analyses in a run (llvm-project issue 40656).
	 */
	vsnprintf(why, why_len, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
	va_end(ap);
	return err;
}

static inline void
xp_close(int fd)
{
	int saved = errno;

	if (fd >= 0)
		close(fd);
	errno = saved;
}

#endif /* QPRING_XPROC_UTIL_H */
