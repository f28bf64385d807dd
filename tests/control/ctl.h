/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Helpers shared by the control-path tests, on top of qpt.h: capture of the
 * driver's log lines, sending a numbered train of frames, and receiving one
 * back with every frame checked.
 */
#ifndef CTL_H
#define CTL_H

#include <rte_log.h>
#include <rte_memzone.h>

#include "qpt.h"

/* Frames a ctl_send()/ctl_recv() call moves per burst. */
#define CTL_BURST 32u

static FILE *ctl_log_file;

/* Send rte_log output to a temporary file until ctl_log_end(). */
static inline void
ctl_log_begin(void)
{
	ctl_log_file = tmpfile();
	REQUIRE(ctl_log_file != NULL, "tmpfile: %s", strerror(errno));
	REQUIRE(rte_openlog_stream(ctl_log_file) == 0, "rte_openlog_stream");
}

/*
 * Give rte_log its default stream back and copy what was logged since
 * ctl_log_begin() into @buf (NUL-terminated, at most @size - 1 bytes).
 * Returns the number of bytes copied.
 */
static inline size_t
ctl_log_end(char *buf, size_t size)
{
	size_t n;

	rte_openlog_stream(NULL);
	buf[0] = '\0';
	if (ctl_log_file == NULL)
		return 0;
	fflush(ctl_log_file);
	rewind(ctl_log_file);
	n = fread(buf, 1, size - 1, ctl_log_file);
	buf[n] = '\0';
	fclose(ctl_log_file);
	ctl_log_file = NULL;
	return n;
}

/* Lines of @log that contain @needle. */
static inline unsigned int
ctl_log_lines(const char *log, const char *needle)
{
	unsigned int n = 0;

	while (*log != '\0') {
		const char *eol = strchr(log, '\n');
		size_t len = eol != NULL ? (size_t)(eol - log) : strlen(log);
		const char *hit = strstr(log, needle);

		if (hit != NULL && hit < log + len)
			n++;
		log += len + (eol != NULL);
	}
	return n;
}

/* Sending and receiving numbered frames: qpt_send()/qpt_recv() (qpt.h). */
#define ctl_send qpt_send
#define ctl_recv qpt_recv

/*
 * Send @n frames of @len bytes from (@tx, @q) and check that exactly those
 * arrive, in order and intact, on (@rx, @q). Records the checks under the
 * current case; @what names the leg in failure messages.
 */
static inline void
ctl_roundtrip(uint16_t tx, uint16_t rx, uint16_t q, struct rte_mempool *mp, unsigned int n,
	      uint32_t len, uint32_t seq0, const char *what)
{
	unsigned int sent, got, bad = 0;

	sent = ctl_send(tx, q, mp, n, len, NULL, seq0);
	CHECK(sent == n, "%s: q%u sent %u of %u", what, q, sent, n);
	got = ctl_recv(rx, q, n + CTL_BURST, len, seq0, &bad);
	CHECK(got == n && bad == 0, "%s: q%u received %u of %u, %u bad", what, q, got, n, bad);
}

/* Is the memzone of queue @q (@dir 't' or 'r') of @port reserved? */
static inline int
ctl_mz_exists(uint16_t port, char dir, uint16_t q)
{
	char name[RTE_MEMZONE_NAMESIZE];

	snprintf(name, sizeof(name), "qpring_p%u_%cq%u", port, dir, q);
	return rte_memzone_lookup(name) != NULL;
}

/* Link status of @port as rte_eth_link_get_nowait() reports it (-1 on error). */
static inline int
ctl_link(uint16_t port)
{
	struct rte_eth_link link;

	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(port, &link) != 0)
		return -1;
	return link.link_status;
}

#endif /* CTL_H */
