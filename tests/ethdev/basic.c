/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/* Smoke test of the harness: one loopback port, one burst, exact counts, and
 * bursts on the stopped port. */
#include "qpt.h"

int
main(void)
{
	struct rte_mbuf *tx[32], *rx[64];
	struct rte_eth_stats st;
	struct rte_mempool *mp;
	unsigned int i, got;
	uint16_t sent;
	int port;

	qpt_eal_init("basic", 256, NULL);
	mp = qpt_pool("basic", 4096, RTE_MBUF_DEFAULT_BUF_SIZE);
	port = qpt_vdev("net_qpring0", "");
	REQUIRE(port >= 0, "probe: %d", port);
	REQUIRE(qpt_start((uint16_t)port, 1, 256, mp) == 0, "start");

	QPT_CASE("loopback burst");
	for (i = 0; i < 32; i++)
		tx[i] = qpt_frame(mp, i, 100, NULL);
	sent = rte_eth_tx_burst((uint16_t)port, 0, tx, 32);
	CHECK_EQ(sent, 32);
	got = qpt_rx_all((uint16_t)port, 0, rx, 32, 4);
	CHECK_EQ(got, 32);
	for (i = 0; i < got; i++) {
		uint32_t seq = ~0u;

		CHECK(qpt_frame_check(rx[i], 100, &seq) == 0 && seq == i, "frame %u", i);
	}
	qpt_free_all(rx, got);
	rte_eth_stats_get((uint16_t)port, &st);
	CHECK_EQ(st.opackets, 32);
	CHECK_EQ(st.ipackets, 32);

	/* ethdev replaces the burst functions of a stopped port; a stopped
	 * queue of a running port reaches the driver: it must find its ring
	 * parked and take nothing.
	 */
	QPT_CASE("bursts on stopped queues: 0, nothing taken, nothing leaked");
	CHECK_EQ(rte_eth_dev_rx_queue_stop((uint16_t)port, 0), 0);
	CHECK_EQ(rte_eth_dev_tx_queue_stop((uint16_t)port, 0), 0);
	for (i = 0; i < 32; i++)
		tx[i] = qpt_frame(mp, 100 + i, 100, NULL);
	CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, 32), 0);
	CHECK_EQ(rte_eth_rx_burst((uint16_t)port, 0, rx, 64), 0);
	CHECK_EQ(rte_eth_rx_queue_count((uint16_t)port, 0), 0);
	CHECK_EQ(qpt_in_use(mp), 32); /* only the frames the test still holds */
	CHECK_EQ(rte_eth_dev_rx_queue_start((uint16_t)port, 0), 0);
	CHECK_EQ(rte_eth_dev_tx_queue_start((uint16_t)port, 0), 0);
	CHECK_EQ(rte_eth_tx_burst((uint16_t)port, 0, tx, 32), 32);
	CHECK_EQ(qpt_rx_all((uint16_t)port, 0, rx, 32, 4), 32);
	qpt_free_all(rx, 32);
	CHECK_EQ(rte_eth_dev_stop((uint16_t)port), 0);
	rte_eth_dev_close((uint16_t)port);
	CHECK_EQ(qpt_in_use(mp), 0);
	qpt_eal_done();
	return qpt_finish();
}
