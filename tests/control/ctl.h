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

/* Frames a qpt_send()/qpt_recv() call moves per burst (qpt.h). */
#define CTL_BURST 32u

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

	sent = qpt_send(tx, q, mp, n, len, NULL, seq0);
	CHECK(sent == n, "%s: q%u sent %u of %u", what, q, sent, n);
	got = qpt_recv(rx, q, n + CTL_BURST, len, seq0, &bad);
	CHECK(got == n && bad == 0, "%s: q%u received %u of %u, %u bad", what, q, got, n, bad);
}

struct ctl_mz_find {
	char prefix[RTE_MEMZONE_NAMESIZE];
	int found;
};

static inline void
ctl_mz_match(const struct rte_memzone *mz, void *arg)
{
	struct ctl_mz_find *f = arg;

	if (strncmp(mz->name, f->prefix, strlen(f->prefix)) == 0)
		f->found++;
}

/* Is the memzone of queue @q (@dir 't' or 'r') of @port reserved? */
static inline int
ctl_mz_exists(uint16_t port, char dir, uint16_t q)
{
	struct ctl_mz_find f = { .found = 0 };

	/* qpring_p<port>_<t|r>q<q>_<generation> */
	snprintf(f.prefix, sizeof(f.prefix), "qpring_p%u_%cq%u_", port, dir, q);
	rte_memzone_walk(ctl_mz_match, &f);
	return f.found;
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
