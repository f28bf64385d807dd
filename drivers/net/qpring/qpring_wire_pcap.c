/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * The pcap wire: the adapter sends frames into capture files or onto a
 * live interface and receives from capture files or a live interface, all
 * through libpcap (non-blocking). Medium errors are logged once per queue
 * and counted by the adapter; they never stop the port.
 *
 * The handles are per process (struct qpring_proc's wire field): the
 * primary opens them at port start for the queue counts of that start; a
 * queue set up again at run time finds its handle by queue id. A secondary
 * process opens its own handle on a live interface; it cannot use capture
 * files, which the primary writes and reads (its bursts on such a port are
 * refused, see qpring_burst_refuse()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_spinlock.h>

#include <ethdev_driver.h>

#include "qp_offload.h"
#include "qpring.h"
#include "qpring_wire.h"

/* Largest frame a medium carries (pcap snap length). */
#define QP_MEDIUM_SNAPLEN 65535u
/* Live capture: frames up to the largest the port sends, and a kernel ring
 * big enough for bursts between two receive polls (libpcap sizes each ring
 * frame from the snap length, so both matter).
 */
#define QP_LIVE_SNAPLEN   QPRING_MAX_FRAME
#define QP_LIVE_BUFSIZE   (32u << 20)
/* Kernel drop statistics are read on every Nth idle receive poll. */
#define QP_LIVE_STATS_EVERY 64u

/* One queue's view of the medium. */
struct qp_mq {
	pcap_t *rx;             /* capture to read, or NULL */
	pcap_t *live;           /* live handle to inject into, or NULL */
	pcap_dumper_t *dump;    /* capture file to write, or NULL */
	pcap_t *dead;           /* the dumper's pcap handle (owned with dump) */
	rte_spinlock_t *lock;   /* for handles shared between queues, or NULL */
	uint8_t *bounce;        /* linear copy of a multi-buffer frame */
	uint64_t frames;
	uint64_t kdrops;        /* kernel drops already reported */
	uint32_t idle;          /* idle polls since the last statistics read */
	uint16_t qid;
	uint8_t own_rx;
	uint8_t own_dump;
	uint8_t eof;
	uint8_t err_logged;
	char what[PATH_MAX + 16]; /* for messages */
};

struct qp_medium {
	struct qp_mq *rxq;
	struct qp_mq *txq;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	pcap_t *live;
	rte_spinlock_t lock;
};

/* "%u" in a path is the queue id; any other '%' is refused at probe. */
static int
qp_path_check(const char *path)
{
	const char *p = strchr(path, '%');

	if (p == NULL)
		return 0;
	if (p[1] != 'u' || strchr(p + 2, '%') != NULL)
		return -1;
	return 1;
}

static void
qp_path_format(char *out, size_t len, const char *path, uint16_t qid)
{
	const char *p = strstr(path, "%u");

	if (p == NULL) {
		snprintf(out, len, "%s", path);
		return;
	}
	snprintf(out, len, "%.*s%u%s", (int)(p - path), path, qid, p + 2);
}

static pcap_t *
qp_open_live(const char *iface, char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, eb);
	int rc;

	if (p == NULL) {
		snprintf(err, errlen, "iface=%s: %s", iface, eb);
		return NULL;
	}
	pcap_set_snaplen(p, QP_LIVE_SNAPLEN);
	pcap_set_buffer_size(p, QP_LIVE_BUFSIZE);
	pcap_set_promisc(p, 1);
	pcap_set_immediate_mode(p, 1);
	rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(err, errlen, "iface=%s: %s%s", iface, pcap_statustostr(rc),
			 rc == PCAP_ERROR_IFACE_NOT_UP ? " (bring the interface up)" : "");
		pcap_close(p);
		return NULL;
	}
	if (pcap_setnonblock(p, 1, eb) != 0) {
		snprintf(err, errlen, "iface=%s: non-blocking mode: %s", iface, eb);
		pcap_close(p);
		return NULL;
	}
	/* Receive what arrives, not what this port itself sends. */
	pcap_setdirection(p, PCAP_D_IN);
	return p;
}

static pcap_t *
qp_open_file(const char *path, char *err, size_t errlen)
{
	char eb[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, eb);

	if (p == NULL)
		snprintf(err, errlen, "rx_pcap=%s: %s", path, eb);
	else if (pcap_datalink(p) != DLT_EN10MB) {
		snprintf(err, errlen, "rx_pcap=%s: link type %s, not Ethernet", path,
			 pcap_datalink_val_to_name(pcap_datalink(p)));
		pcap_close(p);
		p = NULL;
	}
	return p;
}

int
qpring_medium_check(const struct qpring_medium_conf *c, char *err, size_t errlen)
{
	if (qp_path_check(c->rx_pcap) < 0 || qp_path_check(c->tx_pcap) < 0) {
		snprintf(err, errlen, "a capture path may hold one %%u (the queue id) and no "
			 "other %%");
		return -EINVAL;
	}
	if (c->iface[0] != '\0' && (c->rx_pcap[0] != '\0' || c->tx_pcap[0] != '\0')) {
		snprintf(err, errlen, "iface and rx_pcap/tx_pcap are different wires: choose one");
		return -EINVAL;
	}
	if (c->iface[0] != '\0' && if_nametoindex(c->iface) == 0) {
		snprintf(err, errlen, "iface=%s: no such interface", c->iface);
		return -ENODEV;
	}
	if (c->rx_pcap[0] != '\0' && qp_path_check(c->rx_pcap) == 0) {
		pcap_t *p = qp_open_file(c->rx_pcap, err, errlen);

		if (p == NULL)
			return -EINVAL;
		pcap_close(p);
	}
	return 0;
}

static void
qp_medium_close(struct qp_medium *m)
{
	uint16_t q;

	if (m == NULL)
		return;
	for (q = 0; q < m->nb_txq; q++) {
		struct qp_mq *t = &m->txq[q];

		if (t->own_dump) {
			pcap_dump_flush(t->dump);
			pcap_dump_close(t->dump);
			pcap_close(t->dead);
		}
		free(t->bounce);
	}
	for (q = 0; q < m->nb_rxq; q++)
		if (m->rxq[q].own_rx)
			pcap_close(m->rxq[q].rx);
	if (m->live != NULL)
		pcap_close(m->live);
	free(m->rxq);
	free(m->txq);
	free(m);
}

static int
qp_open_dump(struct qp_mq *t, const char *path, char *err, size_t errlen)
{
	t->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, QP_MEDIUM_SNAPLEN,
						       PCAP_TSTAMP_PRECISION_NANO);
	if (t->dead == NULL) {
		snprintf(err, errlen, "tx_pcap=%s: out of memory", path);
		return -ENOMEM;
	}
	t->dump = pcap_dump_open(t->dead, path);
	if (t->dump == NULL) {
		snprintf(err, errlen, "tx_pcap=%s: %s", path, pcap_geterr(t->dead));
		pcap_close(t->dead);
		t->dead = NULL;
		return -EIO;
	}
	t->own_dump = 1;
	return 0;
}

static int
qp_medium_open(struct qp_medium **out, const struct qpring_medium_conf *c, const char *port,
	       uint16_t nb_rxq, uint16_t nb_txq)
{
	char err[PATH_MAX + 256] = "", path[PATH_MAX];
	struct qp_medium *m;
	uint16_t q;
	int ret = -ENOMEM;

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		goto err_log;
	m->rxq = calloc(RTE_MAX(nb_rxq, 1), sizeof(*m->rxq));
	m->txq = calloc(RTE_MAX(nb_txq, 1), sizeof(*m->txq));
	if (m->rxq == NULL || m->txq == NULL)
		goto err_close;
	m->nb_rxq = nb_rxq;
	m->nb_txq = nb_txq;
	rte_spinlock_init(&m->lock);
	for (q = 0; q < nb_txq; q++) {
		m->txq[q].qid = q;
		m->txq[q].bounce = malloc(QP_MEDIUM_SNAPLEN);
		if (m->txq[q].bounce == NULL)
			goto err_close;
	}
	for (q = 0; q < nb_rxq; q++)
		m->rxq[q].qid = q;

	if (c->iface[0] != '\0') {
		/* One handle: queue 0 receives, every queue sends. */
		m->live = qp_open_live(c->iface, err, sizeof(err));
		if (m->live == NULL) {
			ret = -EIO;
			goto err_close;
		}
		if (nb_rxq > 0) {
			m->rxq[0].rx = m->live;
			m->rxq[0].lock = &m->lock;
			snprintf(m->rxq[0].what, sizeof(m->rxq[0].what), "iface=%s", c->iface);
		}
		for (q = 0; q < nb_txq; q++) {
			m->txq[q].live = m->live;
			m->txq[q].lock = &m->lock;
			snprintf(m->txq[q].what, sizeof(m->txq[q].what), "iface=%s", c->iface);
		}
	}
	if (c->rx_pcap[0] != '\0') {
		uint16_t n = qp_path_check(c->rx_pcap) == 1 ? nb_rxq : RTE_MIN(nb_rxq, 1);

		for (q = 0; q < n; q++) {
			qp_path_format(path, sizeof(path), c->rx_pcap, q);
			m->rxq[q].rx = qp_open_file(path, err, sizeof(err));
			if (m->rxq[q].rx == NULL) {
				ret = -EIO;
				goto err_close;
			}
			m->rxq[q].own_rx = 1;
			snprintf(m->rxq[q].what, sizeof(m->rxq[q].what), "rx_pcap=%s", path);
		}
	}
	if (c->tx_pcap[0] != '\0') {
		if (qp_path_check(c->tx_pcap) == 1) {
			for (q = 0; q < nb_txq; q++) {
				qp_path_format(path, sizeof(path), c->tx_pcap, q);
				ret = qp_open_dump(&m->txq[q], path, err, sizeof(err));
				if (ret != 0)
					goto err_close;
				snprintf(m->txq[q].what, sizeof(m->txq[q].what), "tx_pcap=%s", path);
			}
		} else if (nb_txq > 0) {
			/* One file shared by every queue, in the order frames leave. */
			ret = qp_open_dump(&m->txq[0], c->tx_pcap, err, sizeof(err));
			if (ret != 0)
				goto err_close;
			for (q = 0; q < nb_txq; q++) {
				m->txq[q].dump = m->txq[0].dump;
				m->txq[q].lock = &m->lock;
				snprintf(m->txq[q].what, sizeof(m->txq[q].what), "tx_pcap=%s",
					 c->tx_pcap);
			}
		}
	}
	*out = m;
	return 0;

err_close:
	qp_medium_close(m);
err_log:
	QPRING_LOG(ERR, "%s: cannot open the wire: %s", port, err[0] ? err : "out of memory");
	return ret;
}

static void *
qp_medium_tx_ctx(struct qp_medium *m, uint16_t qid)
{
	if (m == NULL || qid >= m->nb_txq)
		return NULL;
	return m->txq[qid].dump != NULL || m->txq[qid].live != NULL ? &m->txq[qid] : NULL;
}

static void *
qp_medium_rx_ctx(struct qp_medium *m, uint16_t qid)
{
	if (m == NULL || qid >= m->nb_rxq)
		return NULL;
	return m->rxq[qid].rx != NULL ? &m->rxq[qid] : NULL;
}

/* Copy @len bytes of the frame of @m from @off to @dst (any chain). */
static void
qp_mbuf_copy(const struct rte_mbuf *m, uint32_t off, uint32_t len, uint8_t *dst)
{
	const void *d = rte_pktmbuf_read(m, off, len, dst);

	if (d != NULL && d != dst)
		memcpy(dst, d, len); /* contiguous in the mbuf: read points into it */
}

/* The frame of a send slot with its send offloads done, in the bounce
 * buffer: the tag inserted, the checksums filled in. *len is the frame's
 * length on the wire.
 */
static const uint8_t *
qp_linear_offloads(struct qp_mq *t, const struct qp_slot *ss, uint32_t *len)
{
	const struct rte_mbuf *m = (const struct rte_mbuf *)(uintptr_t)ss->cookie;
	uint32_t wlen = qp_tx_wire_len(ss->flags, ss->len);
	struct qp_txo txo;
	int ok;

	if (wlen > QP_MEDIUM_SNAPLEN)
		return NULL;
	ok = qp_tx_offload_prepare(ss->flags, m, &txo) == 0;
	if (ss->flags & QP_WQE_F_VLAN) {
		uint8_t tag[4] = { RTE_ETHER_TYPE_VLAN >> 8, RTE_ETHER_TYPE_VLAN & 0xff,
				   (uint8_t)(m->vlan_tci >> 8), (uint8_t)m->vlan_tci };

		qp_mbuf_copy(m, 0, 2 * RTE_ETHER_ADDR_LEN, t->bounce);
		memcpy(t->bounce + 2 * RTE_ETHER_ADDR_LEN, tag, sizeof(tag));
		qp_mbuf_copy(m, 2 * RTE_ETHER_ADDR_LEN, ss->len - 2 * RTE_ETHER_ADDR_LEN,
			     t->bounce + 2 * RTE_ETHER_ADDR_LEN + sizeof(tag));
	} else {
		qp_mbuf_copy(m, 0, ss->len, t->bounce);
	}
	if (ok)
		qp_tx_offload_patch(&txo, t->bounce, wlen);
	*len = wlen;
	return t->bounce;
}

/* The frame of a send slot as one buffer (copied if it has several). */
static const uint8_t *
qp_linear(struct qp_mq *t, const struct qp_slot *ss)
{
	const struct rte_mbuf *m;
	uint32_t off = 0;

	if (ss->nb_segs <= 1)
		return (const uint8_t *)(uintptr_t)ss->addr;
	for (m = (const struct rte_mbuf *)(uintptr_t)ss->cookie; m != NULL && off < ss->len;
	     m = m->next) {
		uint32_t l = RTE_MIN((uint32_t)m->data_len, ss->len - off);

		rte_memcpy(t->bounce + off, (const uint8_t *)m->buf_addr + m->data_off, l);
		off += l;
	}
	return t->bounce;
}

static uint16_t
qp_medium_sink(void *ctx, const struct qp_slot *ss)
{
	struct qp_mq *t = ctx;
	const uint8_t *data;
	uint16_t st = QP_ST_OK;
	uint32_t len = ss->len;

	if (ss->len > QP_MEDIUM_SNAPLEN)
		return QP_ST_ERROR;
	if (unlikely(ss->flags & QP_WQE_F_TXO))
		data = qp_linear_offloads(t, ss, &len);
	else
		data = qp_linear(t, ss);
	if (data == NULL)
		return QP_ST_ERROR;
	if (t->lock != NULL)
		rte_spinlock_lock(t->lock);
	if (t->dump != NULL) {
		struct pcap_pkthdr h;
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		h.ts.tv_sec = ts.tv_sec;
		h.ts.tv_usec = ts.tv_nsec; /* nanoseconds: the file's precision */
		h.caplen = len;
		h.len = len;
		pcap_dump((u_char *)t->dump, &h, data);
	} else if (pcap_inject(t->live, data, len) != (int)len) {
		if (!t->err_logged)
			QPRING_LOG(ERR, "%s: send failed: %s", t->what, pcap_geterr(t->live));
		t->err_logged = 1;
		st = QP_ST_ERROR;
	}
	if (t->lock != NULL)
		rte_spinlock_unlock(t->lock);
	if (st == QP_ST_OK)
		t->frames++;
	return st;
}

static int
qp_medium_source(void *ctx, const uint8_t **data, uint32_t *len)
{
	struct qp_mq *r = ctx;
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc;

	if (r->eof)
		return 0;
	if (r->lock != NULL)
		rte_spinlock_lock(r->lock);
	rc = pcap_next_ex(r->rx, &h, &d);
	if (r->lock != NULL)
		rte_spinlock_unlock(r->lock);
	if (rc == 1) {
		*data = d;
		*len = h->caplen;
		r->frames++;
		r->err_logged = 0;
		return 1;
	}
	if (rc == 0)
		return 0; /* live: nothing waiting */
	if (rc == PCAP_ERROR_BREAK) {
		/* End of a capture file: everything in it was received. */
		r->eof = 1;
		QPRING_LOG(INFO, "%s: end of capture after %" PRIu64 " frames", r->what,
			   r->frames);
		return 0;
	}
	if (!r->err_logged)
		QPRING_LOG(ERR, "%s: receive failed after %" PRIu64 " frames: %s", r->what,
			   r->frames, pcap_geterr(r->rx));
	r->err_logged = 1;
	if (r->own_rx)
		r->eof = 1; /* a damaged file does not heal */
	return -1;
}

static uint32_t
qp_medium_rx_drops(void *ctx)
{
	struct qp_mq *r = ctx;
	struct pcap_stat st;
	uint64_t now;

	if (r->own_rx || ++r->idle < QP_LIVE_STATS_EVERY)
		return 0; /* files drop nothing; live: not on every poll */
	r->idle = 0;
	if (r->lock != NULL)
		rte_spinlock_lock(r->lock);
	if (pcap_stats(r->rx, &st) != 0) {
		if (r->lock != NULL)
			rte_spinlock_unlock(r->lock);
		return 0;
	}
	if (r->lock != NULL)
		rte_spinlock_unlock(r->lock);
	now = (uint64_t)st.ps_drop + st.ps_ifdrop;
	if (now <= r->kdrops)
		return 0;
	now -= r->kdrops;
	r->kdrops += now;
	return (uint32_t)now;
}

/* Written frames reach the file at the end of every batch, so a process
 * that exits without stopping its port loses none.
 */
static void
qp_medium_flush(void *ctx)
{
	struct qp_mq *t = ctx;

	if (t->dump == NULL)
		return;
	if (t->lock != NULL)
		rte_spinlock_lock(t->lock);
	pcap_dump_flush(t->dump);
	if (t->lock != NULL)
		rte_spinlock_unlock(t->lock);
}

/* ------------------------------------------------------------ wire ops */

static struct qp_medium *
qpring_pcap_medium(uint16_t port_id)
{
	const struct qpring_proc *pp = qpring_proc_of(port_id);

	return pp != NULL ? pp->wire : NULL;
}

static int
qpring_pcap_attach(struct rte_eth_dev *dev, const struct qpring_args *a)
{
	RTE_SET_USED(a);
	qpring_registry_add(dev->data->dev_private);
	return 0;
}

static void
qpring_pcap_detach(struct rte_eth_dev *dev)
{
	qpring_registry_remove(dev->data->dev_private);
}

/* Port start (primary) or attach (secondary): this process's handles. */
static int
qpring_pcap_open(struct rte_eth_dev *dev)
{
	struct qpring_port *p = dev->data->dev_private;
	struct qpring_proc *pp = dev->process_private;
	struct qp_medium *m = NULL;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY &&
	    (p->medium.rx_pcap[0] != '\0' || p->medium.tx_pcap[0] != '\0')) {
		QPRING_LOG(ERR, "%s: capture files (rx_pcap/tx_pcap) belong to the primary "
			   "process; this secondary process can read the port's statistics but "
			   "its bursts send and receive nothing", p->name);
		return -ENOTSUP;
	}
	ret = qp_medium_open(&m, &p->medium, p->name, dev->data->nb_rx_queues,
			     dev->data->nb_tx_queues);
	if (ret != 0)
		return ret;
	pp->wire = m;
	return 0;
}

/* Port stopped (queues drained, no adapter running): close the handles. */
static void
qpring_pcap_close(struct rte_eth_dev *dev)
{
	struct qpring_proc *pp = dev->process_private;

	if (pp == NULL)
		return;
	qp_medium_close(pp->wire);
	pp->wire = NULL;
}

static void
qpring_pcap_rxq_publish(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(qid);
}

static void
qpring_pcap_txq_unpublish(struct rte_eth_dev *dev, uint16_t qid)
{
	RTE_SET_USED(dev);
	RTE_SET_USED(qid);
}

/* Faults do not apply to capture files and interfaces. */
static void
qpring_pcap_faults_changed(struct rte_eth_dev *dev)
{
	RTE_SET_USED(dev);
}

/* Only the queue's own adapter fills it from the medium. */
static int
qpring_pcap_rxq_unpublish(struct rte_eth_dev *dev, uint16_t qid)
{
	struct qpring_rxq *rxq = dev->data->rx_queues[qid];

	return rxq != NULL ? qpring_adapter_quiesce(rxq->hw, "rxq", dev->data->port_id, qid) : 0;
}

static uint32_t
qpring_pcap_tx(struct qpring_txq *txq, uint32_t budget)
{
	void *ctx = qp_medium_tx_ctx(qpring_pcap_medium(txq->port_id), txq->queue_id);
	uint32_t n;

	if (ctx == NULL) /* no capture file or interface to send into */
		return qp_adapter_service_sq(txq->hw, NULL, txq->queue_id, 0, budget);
	n = qp_adapter_service_sq_sink(txq->hw, qp_medium_sink, ctx, budget);
	if (n != 0)
		qp_medium_flush(ctx);
	return n;
}

static uint32_t
qpring_pcap_rx(struct qpring_rxq *rxq, uint32_t budget)
{
	void *ctx = qp_medium_rx_ctx(qpring_pcap_medium(rxq->port_id), rxq->queue_id);
	uint32_t n;

	if (ctx == NULL)
		return 0;
	n = qp_adapter_service_rq_source(&rxq->port->rx, rxq->queue_id, qp_medium_source, ctx,
					 budget);
	/* Frames the medium lost while no buffer was posted are this queue's
	 * no-buffer drops (imissed). This lcore holds the queue's adapter:
	 * the counter's one writer.
	 */
	if (n == 0)
		qp_ctr_add(&rxq->hw->ad.no_buffer, qp_medium_rx_drops(ctx));
	return n;
}

/* Up while the port is started: the medium is there. */
static int
qpring_pcap_link_up(const struct qpring_port *p)
{
	RTE_SET_USED(p);
	return 1;
}

const struct qpring_wire_ops qpring_wire_pcap = {
	.name = "pcap",
	.attach = qpring_pcap_attach,
	.detach = qpring_pcap_detach,
	.open = qpring_pcap_open,
	.close = qpring_pcap_close,
	.rxq_publish = qpring_pcap_rxq_publish,
	.rxq_unpublish = qpring_pcap_rxq_unpublish,
	.txq_unpublish = qpring_pcap_txq_unpublish,
	.faults_changed = qpring_pcap_faults_changed,
	.tx = qpring_pcap_tx,
	.rx = qpring_pcap_rx,
	.link_up = qpring_pcap_link_up,
};
