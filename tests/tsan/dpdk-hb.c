/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * ThreadSanitizer's view of the synchronisation inside Debian's DPDK.
 *
 * Debian's DPDK libraries are not instrumented: TSan sees neither their
 * atomics nor their plain accesses, so the happens-before edges that DPDK
 * documents and implements inside them are invisible, and every hand-over
 * through one of them looks like a race between our (instrumented) code on
 * two lcores. Instead of suppressing those reports (which would hide real
 * races on the same data), this library, preloaded into the TSan-built test
 * programs (tests/tsan/run.sh), wraps the few DPDK calls that the driver and
 * the tests synchronise through and tells TSan about exactly the edge each
 * one provides, with __tsan_release() before and __tsan_acquire() after:
 *
 *   rte_eal_remote_launch(f)    the launcher's past -> f's start  (EAL: pipe
 *                               + store-release of the function pointer)
 *   f returns -> rte_eal_wait_lcore() / rte_eal_mp_wait_lcore() return
 *                               (EAL: store-release of the lcore state WAIT,
 *                               load-acquire in the wait)
 *   rte_service_runstate_set(), rte_service_component_runstate_set()
 *                               the caller's past -> every later run of the
 *                               service callback (rte_service.c: store-release
 *                               of app_runstate/comp_runstate, load-acquire of
 *                               both before each callback)
 *   a callback run ends -> rte_service_may_be_active() returns 0
 *                               (its documented use: after the runstate is
 *                               stopped, 0 means no lcore is running it; the
 *                               service lcore clears its active flag only after
 *                               the callback returned)
 *   rte_mempool ops enqueue of an object -> the dequeue that hands it out
 *                               (mempool_ring: rte_ring's release/acquire of
 *                               the producer/consumer tails), per object
 *
 * Each edge is one DPDK promises; none is wider. The wrappers resolve the
 * real functions with dlsym(RTLD_NEXT) and change nothing else.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_service.h>
#include <rte_service_component.h>

/* TSan's annotation interface (libtsan; this file is built with
 * -fsanitize=thread).
 */
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);

/* Service ids are below 64 in DPDK 22.11 (RTE_SERVICE_NUM_MAX, internal). */
#define HB_SERVICES 64u

static void *
hb_real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL) {
		fprintf(stderr, "tsan dpdk-hb: %s not found: %s\n", name, dlerror());
		abort();
	}
	return f;
}

/* Resolve once per call site; the pointer is written before any second
 * thread can call the wrapper (EAL starts its lcores in rte_eal_init), and
 * every write stores the same value.
 */
#define HB_REAL(type, name) \
	static type real_; \
	if (__atomic_load_n(&real_, __ATOMIC_ACQUIRE) == NULL) \
		__atomic_store_n(&real_, (type)hb_real(name), __ATOMIC_RELEASE)

/* ---------------------------------------------------------------- lcores */

/* One sync address per lcore: "the function launched there has returned". */
static char hb_lcore_done[RTE_MAX_LCORE];

struct hb_launch {
	lcore_function_t *f;
	void *arg;
};

static int
hb_launched(void *p)
{
	struct hb_launch l;
	unsigned int lcore = rte_lcore_id();
	int ret;

	__tsan_acquire(p);
	l = *(struct hb_launch *)p;
	free(p);
	ret = l.f(l.arg);
	if (lcore < RTE_MAX_LCORE)
		__tsan_release(&hb_lcore_done[lcore]);
	return ret;
}

int
rte_eal_remote_launch(lcore_function_t *f, void *arg, unsigned int worker_id)
{
	typedef int (*fn_t)(lcore_function_t *, void *, unsigned int);
	struct hb_launch *l;
	int ret;
	HB_REAL(fn_t, "rte_eal_remote_launch");

	l = malloc(sizeof(*l));
	if (l == NULL)
		return real_(f, arg, worker_id); /* no edge: reports, never a failure */
	l->f = f;
	l->arg = arg;
	__tsan_release(l);
	ret = real_(hb_launched, l, worker_id);
	if (ret != 0)
		free(l);
	return ret;
}

int
rte_eal_wait_lcore(unsigned int worker_id)
{
	typedef int (*fn_t)(unsigned int);
	int ret;
	HB_REAL(fn_t, "rte_eal_wait_lcore");

	ret = real_(worker_id);
	if (worker_id < RTE_MAX_LCORE)
		__tsan_acquire(&hb_lcore_done[worker_id]);
	return ret;
}

void
rte_eal_mp_wait_lcore(void)
{
	typedef void (*fn_t)(void);
	unsigned int i;
	HB_REAL(fn_t, "rte_eal_mp_wait_lcore");

	real_();
	for (i = 0; i < RTE_MAX_LCORE; i++)
		__tsan_acquire(&hb_lcore_done[i]);
}

/* -------------------------------------------------------------- services */

/* The wrapped callback of one registered service. Never freed: a service
 * lcore may still be inside the wrapper when a driver gives up waiting.
 */
struct hb_service {
	rte_service_func cb;
	void *userdata;
	char start; /* sync address: runstate changes -> callback runs */
	char end;   /* sync address: callback runs -> may_be_active() == 0 */
};

static struct hb_service *hb_services[HB_SERVICES];

static struct hb_service *
hb_service(uint32_t id)
{
	return id < HB_SERVICES ? __atomic_load_n(&hb_services[id], __ATOMIC_ACQUIRE) : NULL;
}

static int32_t
hb_service_run(void *p)
{
	struct hb_service *s = p;
	int32_t ret;

	__tsan_acquire(&s->start);
	ret = s->cb(s->userdata);
	__tsan_release(&s->end);
	return ret;
}

int32_t
rte_service_component_register(const struct rte_service_spec *spec, uint32_t *id)
{
	typedef int32_t (*fn_t)(const struct rte_service_spec *, uint32_t *);
	struct rte_service_spec wrapped;
	struct hb_service *s;
	uint32_t sid = UINT32_MAX;
	int32_t ret;
	HB_REAL(fn_t, "rte_service_component_register");

	if (spec == NULL || spec->callback == NULL)
		return real_(spec, id);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return real_(spec, id);
	s->cb = spec->callback;
	s->userdata = spec->callback_userdata;
	wrapped = *spec;
	wrapped.callback = hb_service_run;
	wrapped.callback_userdata = s;
	__tsan_release(&s->start);
	ret = real_(&wrapped, &sid);
	if (id != NULL)
		*id = sid;
	if (ret != 0 || sid >= HB_SERVICES) {
		if (ret != 0)
			free(s);
		return ret;
	}
	__atomic_store_n(&hb_services[sid], s, __ATOMIC_RELEASE);
	return ret;
}

int32_t
rte_service_component_unregister(uint32_t id)
{
	typedef int32_t (*fn_t)(uint32_t);
	int32_t ret;
	HB_REAL(fn_t, "rte_service_component_unregister");

	ret = real_(id);
	if (ret == 0 && id < HB_SERVICES)
		__atomic_store_n(&hb_services[id], NULL, __ATOMIC_RELEASE);
	return ret;
}

int32_t
rte_service_runstate_set(uint32_t id, uint32_t runstate)
{
	typedef int32_t (*fn_t)(uint32_t, uint32_t);
	struct hb_service *s = hb_service(id);
	HB_REAL(fn_t, "rte_service_runstate_set");

	if (s != NULL)
		__tsan_release(&s->start);
	return real_(id, runstate);
}

int32_t
rte_service_component_runstate_set(uint32_t id, uint32_t runstate)
{
	typedef int32_t (*fn_t)(uint32_t, uint32_t);
	struct hb_service *s = hb_service(id);
	HB_REAL(fn_t, "rte_service_component_runstate_set");

	if (s != NULL)
		__tsan_release(&s->start);
	return real_(id, runstate);
}

int32_t
rte_service_may_be_active(uint32_t id)
{
	typedef int32_t (*fn_t)(uint32_t);
	struct hb_service *s = hb_service(id);
	int32_t ret;
	HB_REAL(fn_t, "rte_service_may_be_active");

	ret = real_(id);
	if (ret == 0 && s != NULL)
		__tsan_acquire(&s->end);
	return ret;
}

/* -------------------------------------------------------------- mempools */

static rte_mempool_enqueue_t hb_real_enqueue[RTE_MEMPOOL_MAX_OPS_IDX];
static rte_mempool_dequeue_t hb_real_dequeue[RTE_MEMPOOL_MAX_OPS_IDX];

static int
hb_enqueue(struct rte_mempool *mp, void * const *objs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		__tsan_release(objs[i]);
	return hb_real_enqueue[mp->ops_index](mp, objs, n);
}

static int
hb_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	int ret = hb_real_dequeue[mp->ops_index](mp, objs, n);
	unsigned int i;

	if (ret == 0)
		for (i = 0; i < n; i++)
			__tsan_acquire(objs[i]);
	return ret;
}

/* Wrap the enqueue/dequeue of every registered mempool driver. They register
 * in constructors of the libraries EAL loads during rte_eal_init().
 */
static void
hb_wrap_mempool_ops(void)
{
	uint32_t i, n = rte_mempool_ops_table.num_ops;

	if (n > RTE_MEMPOOL_MAX_OPS_IDX)
		n = RTE_MEMPOOL_MAX_OPS_IDX;

	for (i = 0; i < n; i++) {
		struct rte_mempool_ops *ops = &rte_mempool_ops_table.ops[i];

		if (ops->enqueue != NULL && ops->enqueue != hb_enqueue) {
			hb_real_enqueue[i] = ops->enqueue;
			ops->enqueue = hb_enqueue;
		}
		if (ops->dequeue != NULL && ops->dequeue != hb_dequeue) {
			hb_real_dequeue[i] = ops->dequeue;
			ops->dequeue = hb_dequeue;
		}
	}
}

int
rte_eal_init(int argc, char **argv)
{
	typedef int (*fn_t)(int, char **);
	int ret;
	HB_REAL(fn_t, "rte_eal_init");

	ret = real_(argc, argv);
	if (ret >= 0)
		hb_wrap_mempool_ops();
	return ret;
}
