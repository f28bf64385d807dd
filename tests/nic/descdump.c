/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * rte_eth_rx_descriptor_dump() / rte_eth_tx_descriptor_dump() (what
 * dpdk-proc-info --show-rx-descriptor prints): a line of registers, then a
 * line per slot with its WQE, its result and its indicator. With a manual
 * adapter every state is frozen between steps, so each dump is checked
 * exactly: which slots are POSTED (the adapter's) and which DONE (the
 * driver's), their WQE fields (buffer, length, send/receive flag, cookie),
 * their results, and the register line (pending, in service, indexes).
 * Copy and zero copy (where receive WQEs are credits without a buffer).
 */
#include "nic.h"

#define RING     16u
#define FRAME    100u
#define NB_MBUFS 1024u

/* qp_slot.h's WQE flags, as the dump prints them. */
#define WQE_SEND 0x1u
#define WQE_RECV 0x2u

struct dump_head {
	unsigned int port, queue, size, in_service, pending, driver_index, adapter_index;
	uint64_t ring_va, doorbell;
	char what[8];
};

struct dump_slot {
	unsigned int offset, slot, len, flags, segs, res_len;
	uint64_t addr, cookie;
	char status[32], indicator[16];
};

struct dump {
	struct dump_head h;
	struct dump_slot s[RING * 2];
	unsigned int nb_slots;   /* slot lines parsed */
	unsigned int nb_lines;   /* lines in all */
	int ok;                  /* head line and every slot line parsed */
	char text[8192];
};

static struct rte_mempool *pool;

/* Run one descriptor dump into @d and parse it. Returns the call's value. */
static int
dump_get(struct dump *d, int rx, uint16_t port, uint16_t q, uint16_t off, uint16_t num)
{
	FILE *f = tmpfile();
	char line[512];
	size_t n;
	int ret;

	REQUIRE(f != NULL, "tmpfile");
	memset(d, 0, sizeof(*d));
	ret = rx ? rte_eth_rx_descriptor_dump(port, q, off, num, f) :
		   rte_eth_tx_descriptor_dump(port, q, off, num, f);
	rewind(f);
	n = fread(d->text, 1, sizeof(d->text) - 1, f);
	d->text[n] = '\0';
	rewind(f);
	d->ok = 1;
	while (fgets(line, sizeof(line), f) != NULL) {
		d->nb_lines++;
		if (d->nb_lines == 1) {
			d->ok &= sscanf(line, "qpring port %u %2s queue %u: %u slots at %" SCNx64
					", doorbell %" SCNx64 " (in service %u), pending %u, "
					"driver index %u, adapter index %u", &d->h.port, d->h.what,
					&d->h.queue, &d->h.size, &d->h.ring_va, &d->h.doorbell,
					&d->h.in_service, &d->h.pending, &d->h.driver_index,
					&d->h.adapter_index) == 10;
		} else if (d->nb_lines == 2) {
			d->ok &= strstr(line, "indicator") != NULL && strstr(line, "slot") != NULL;
		} else if (d->nb_slots < RTE_DIM(d->s)) {
			struct dump_slot *s = &d->s[d->nb_slots++];

			d->ok &= sscanf(line, " %u %u %" SCNx64 " %u %x %u %" SCNx64 " %u %31s %15s",
					&s->offset, &s->slot, &s->addr, &s->len, &s->flags, &s->segs,
					&s->cookie, &s->res_len, s->status, s->indicator) == 10;
		}
	}
	fclose(f);
	return ret;
}

/* The dump's slot line for ring slot @slot, or NULL. */
static const struct dump_slot *
dump_slot_of(const struct dump *d, unsigned int slot)
{
	unsigned int i;

	for (i = 0; i < d->nb_slots; i++)
		if (d->s[i].slot == slot)
			return &d->s[i];
	return NULL;
}

/*
 * Check every slot line of @d: slots in [@lo, @hi) (ring positions,
 * modulo RING) are POSTED, the others DONE; a POSTED send slot carries a
 * frame of FRAME bytes, a POSTED receive slot a buffer (copy) or a credit
 * (zero copy); a DONE send slot that carried a frame says "ok" with
 * FRAME bytes sent.
 */
static void
check_slots(const char *when, const struct dump *d, int rx, int copy, unsigned int lo,
	    unsigned int hi, unsigned int sent_before)
{
	unsigned int i, bad = 0;

	CHECK(d->ok, "%s: the dump did not parse:\n%s", when, d->text);
	for (i = 0; i < d->nb_slots; i++) {
		const struct dump_slot *s = &d->s[i];
		const unsigned int k = (s->slot + RING - lo) % RING;
		const int posted = hi - lo >= RING || k < hi - lo;
		int good;

		good = s->slot < RING && s->slot == (d->h.driver_index + s->offset) % RING &&
		       strcmp(s->indicator, posted ? "POSTED" : "DONE") == 0;
		/* A zero-copy credit holds no buffer: no cookie, no length (its
		 * address field means nothing, and may keep a past write-back).
		 */
		if (posted && rx)
			good &= s->flags == WQE_RECV && s->segs == 1 &&
				(copy ? s->addr != 0 && s->cookie != 0 && s->len == 2048 :
					s->cookie == 0 && s->len == 0);
		else if (posted)
			good &= s->flags == WQE_SEND && s->segs == 1 && s->len == FRAME &&
				s->addr != 0 && s->cookie != 0;
		else if (!rx && s->slot < sent_before)
			good &= strcmp(s->status, "ok") == 0 && s->res_len == FRAME &&
				s->flags == WQE_SEND;
		if (!good && bad++ < 3)
			printf("  %s: slot %u (offset %u) %s, flags %#x len %u addr %#" PRIx64
			       " cookie %#" PRIx64 " status %s res_len %u: want %s\n", when, s->slot,
			       s->offset, s->indicator, s->flags, s->len, s->addr, s->cookie,
			       s->status, s->res_len, posted ? "POSTED" : "DONE");
	}
	CHECK(bad == 0, "%s: %u slot lines wrong:\n%s", when, bad, d->text);
}

/* The register line of @d against the PMD API's view of the queue. */
static void
check_head(const char *when, const struct dump *d, uint16_t port, uint16_t q, int rx,
	   unsigned int pending, unsigned int driver_index, unsigned int adapter_index)
{
	struct rte_pmd_qpring_regs r = qpt_regs(port, q, rx ? RTE_PMD_QPRING_RQ :
							    RTE_PMD_QPRING_SQ);

	CHECK(d->h.port == port && d->h.queue == q && strcmp(d->h.what, rx ? "rx" : "tx") == 0,
	      "%s: head names port %u %s queue %u", when, d->h.port, d->h.what, d->h.queue);
	CHECK(d->h.size == RING && d->h.ring_va == r.ring_va, "%s: %u slots at %#" PRIx64, when,
	      d->h.size, d->h.ring_va);
	CHECK(d->h.pending == pending && d->h.driver_index == driver_index &&
	      d->h.adapter_index == adapter_index,
	      "%s: pending %u driver %u adapter %u, want %u %u %u", when, d->h.pending,
	      d->h.driver_index, d->h.adapter_index, pending, driver_index, adapter_index);
	CHECK(d->h.doorbell == r.doorbell_va && d->h.in_service == r.in_service,
	      "%s: doorbell %#" PRIx64 " in service %u; registers say %#" PRIx64 " %u", when,
	      d->h.doorbell, d->h.in_service, r.doorbell_va, r.in_service);
}

static void
run(int copy)
{
	static struct dump d;
	const char *na = "net_qpring_dd_a", *nb = "net_qpring_dd_b";
	struct rte_mbuf *m[RING];
	char args[64], when[96];
	struct rte_eth_conf conf;
	uint16_t a, b;
	unsigned int k;

	snprintf(args, sizeof(args), "adapter=manual,copy=%d", copy);
	a = qpt_probe(na, args);
	snprintf(args, sizeof(args), "peer=%s,adapter=manual,copy=%d", na, copy);
	b = qpt_probe(nb, args);
	memset(&conf, 0, sizeof(conf));
	REQUIRE(nic_setup(a, 1, 1, RING, &conf, pool) == 0 &&
		nic_setup(b, 1, 1, RING, &conf, pool) == 0, "set-up");
	REQUIRE(rte_eth_dev_start(b) == 0 && rte_eth_dev_start(a) == 0, "start");

	snprintf(when, sizeof(when), "copy=%d: started", copy);
	QPT_CASE(when);
	CHECK_EQ(dump_get(&d, 0, a, 0, 0, RING), 0);
	CHECK_EQ(d.nb_lines, 2 + RING);
	check_head(when, &d, a, 0, 0, 0, 0, 0);
	check_slots(when, &d, 0, copy, 0, 0, 0);
	CHECK_EQ(dump_get(&d, 1, b, 0, 0, RING), 0);
	CHECK_EQ(d.nb_slots, RING);
	check_head(when, &d, b, 0, 1, RING, 0, 0);
	check_slots(when, &d, 1, copy, 0, RING, 0);

	snprintf(when, sizeof(when), "copy=%d: 5 frames posted, adapter not run", copy);
	QPT_CASE(when);
	for (k = 0; k < 5; k++)
		REQUIRE((m[k] = qpt_frame(pool, k, FRAME, NULL)) != NULL, "pool");
	CHECK_EQ(rte_eth_tx_burst(a, 0, m, 5), 5);
	/* Offsets count from the driver's index: the five are 11..15. */
	CHECK_EQ(dump_get(&d, 0, a, 0, 0, RING), 0);
	printf("%s", d.text);
	check_head(when, &d, a, 0, 0, 5, 5, 0);
	CHECK(d.h.in_service == 1, "%s: in service %u", when, d.h.in_service);
	check_slots(when, &d, 0, copy, 0, 5, 0);
	{
		const struct dump_slot *s4 = dump_slot_of(&d, 4);

		CHECK(s4 != NULL && d.h.doorbell == d.h.ring_va + 32u * 4u,
		      "%s: doorbell %#" PRIx64 " is not slot 4's address", when, d.h.doorbell);
		CHECK(s4 != NULL && s4->offset == RING - 1, "%s: slot 4 at offset %u", when,
		      s4 != NULL ? s4->offset : 0);
	}
	/* A window of the ring: offset and count. */
	CHECK_EQ(dump_get(&d, 0, a, 0, RING - 5, 3), 0);
	CHECK(d.nb_slots == 3 && d.s[0].slot == 0 && d.s[2].slot == 2 &&
	      strcmp(d.s[0].indicator, "POSTED") == 0,
	      "%s: offset %u, 3 slots: %u lines from slot %u", when, RING - 5, d.nb_slots,
	      d.s[0].slot);

	snprintf(when, sizeof(when), "copy=%d: adapter serviced 3 of 5", copy);
	QPT_CASE(when);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(a, 3), 3);
	CHECK_EQ(dump_get(&d, 0, a, 0, 0, RING), 0);
	check_head(when, &d, a, 0, 0, 2, 5, 3);
	CHECK(d.h.in_service == 1, "%s: in service %u", when, d.h.in_service);
	check_slots(when, &d, 0, copy, 3, 5, 3);
	/* The receiver: 3 slots DONE with the frames, the rest POSTED. */
	CHECK_EQ(dump_get(&d, 1, b, 0, 0, RING), 0);
	printf("%s", d.text);
	check_head(when, &d, b, 0, 1, RING - 3, 0, 3);
	check_slots(when, &d, 1, copy, 3, RING, 0);
	for (k = 0; k < 3; k++) {
		const struct dump_slot *s = dump_slot_of(&d, k);

		CHECK(s != NULL && s->res_len == FRAME && strncmp(s->status, "ok", 2) == 0,
		      "%s: rx slot %u: result %u bytes, %s", when, k, s ? s->res_len : 0,
		      s ? s->status : "-");
	}

	snprintf(when, sizeof(when), "copy=%d: 3 frames received, buffers posted again", copy);
	QPT_CASE(when);
	CHECK_EQ(nic_recv(b, 0, m, RING), 3);
	qpt_free_all(m, 3);
	CHECK_EQ(dump_get(&d, 1, b, 0, 0, RING), 0);
	check_head(when, &d, b, 0, 1, RING, 3, 3);
	check_slots(when, &d, 1, copy, 0, RING, 0);
	CHECK(d.s[0].slot == 3, "%s: first line is slot %u, want 3 (driver index)", when,
	      d.s[0].slot);

	snprintf(when, sizeof(when), "copy=%d: all serviced", copy);
	QPT_CASE(when);
	CHECK_EQ(rte_pmd_qpring_adapter_poll(a, 100), 2);
	CHECK_EQ(dump_get(&d, 0, a, 0, 0, RING), 0);
	check_head(when, &d, a, 0, 0, 0, 5, 5);
	CHECK(d.h.in_service == 0, "%s: in service %u", when, d.h.in_service);
	check_slots(when, &d, 0, copy, 0, 0, 5);
	CHECK_EQ(nic_recv(b, 0, m, RING), 2);
	qpt_free_all(m, 2);

	snprintf(when, sizeof(when), "copy=%d: bounds", copy);
	QPT_CASE(when);
	/* More than the ring: one line per slot, no more. */
	CHECK_EQ(dump_get(&d, 1, b, 0, 0, 1000), 0);
	CHECK_EQ(d.nb_slots, RING);
	CHECK_EQ(dump_get(&d, 0, a, 0, 0, 0), 0);
	CHECK_EQ(d.nb_slots, 0);
	CHECK_EQ(dump_get(&d, 1, b, 7, 0, 4), -EINVAL);
	CHECK_EQ(dump_get(&d, 0, a, 7, 0, 4), -EINVAL);
	CHECK_EQ(rte_eth_rx_descriptor_dump(b, 0, 0, 4, NULL), -EINVAL);

	CHECK_EQ(qpt_vdev_destroy(na), 0);
	CHECK_EQ(qpt_vdev_destroy(nb), 0);
}

int
main(void)
{
	unsigned int base;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qpt_eal_init("nic_descdump", 128, NULL);
	pool = qpt_pool("nic_dd_pool", NB_MBUFS, RTE_MBUF_DEFAULT_BUF_SIZE);
	base = qpt_in_use(pool);
	run(1);
	run(0);
	QPT_CASE("pool");
	CHECK_EQ(qpt_in_use(pool), base);
	rte_mempool_free(pool);
	qpt_eal_done();
	return qpt_finish();
}
