/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * Issue 10, item 13: a capture file keeps every frame of a process that
 * ends without stopping its ports. A child process (this program, run
 * again with --writer) sends 1,000 frames on a tx_pcap port and then, with
 * the port still started and EAL not cleaned up, either calls exit() or
 * is ended by SIGINT's default action (an application with no SIGINT
 * handler, stopped with Ctrl-C, as several of DPDK's examples are). The
 * parent (no EAL) then reads the file: it must hold exactly those 1,000
 * frames as whole records, in order. exit() flushes stdio buffers, a
 * signal does not: only the second case shows frames the driver kept in
 * its process instead of writing them.
 *
 * usage: fixes_pcap_exit <directory for the capture file>
 */
#include <sys/wait.h>

#include "fixes.h"
#include "wire.h" /* pcap files by hand */

#define FRAMES   1000u
#define LEN(k)   (60u + (k) % 200u * 7u) /* 60 to 1453 bytes */
#define WAIT_S   60u

/* The child: send FRAMES frames into @path and end without stopping,
 * by exit() or (@by_signal) by SIGINT.
 */
static int
writer(const char *path, int by_signal)
{
	char args[PATH_MAX + 16];
	struct rte_mempool *mp;
	unsigned int k, sent = 0;
	uint16_t port;

	wire_fmt(args, sizeof(args), "tx_pcap=%s", path);
	qpt_eal_init("fixes_pcap_exit", 256, NULL);
	mp = qpt_pool("fx_pe", 1024, RTE_MBUF_DEFAULT_BUF_SIZE);
	port = qpt_probe("net_qpring0", args);
	REQUIRE(qpt_start(port, 1, 256, mp) == 0, "start net_qpring0,%s", args);
	/* Bursts of different sizes, as an application's would be. */
	for (k = 0; k < FRAMES && sent == k;) {
		unsigned int n = RTE_MIN(1u + k % 32u, FRAMES - k), i;

		for (i = 0; i < n; i++)
			sent += qpt_send(port, 0, mp, 1, LEN(k + i), NULL, k + i);
		k += n;
	}
	printf("writer: sent %u frames; %s with the port started\n", sent,
	       by_signal ? "SIGINT" : "exit()");
	fflush(stdout);
	if (by_signal && sent == FRAMES) {
		signal(SIGINT, SIG_DFL);
		raise(SIGINT);
	}
	exit(sent == FRAMES ? 0 : 3);
}

static pid_t child;

/* The writer left its EAL runtime directory behind (no rte_eal_cleanup()):
 * remove it as qpt_eal_done() would have.
 */
static void
remove_writer_runtime_dir(pid_t pid)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char d[PATH_MAX], f[PATH_MAX + 256];
	struct dirent *e;
	DIR *dp;

	if (getuid() == 0)
		snprintf(d, sizeof(d), "/var/run/dpdk/qpt_fixes_pcap_exit_%d", (int)pid);
	else
		snprintf(d, sizeof(d), "%s/dpdk/qpt_fixes_pcap_exit_%d", xdg ? xdg : "/tmp",
			 (int)pid);
	dp = opendir(d);
	if (dp == NULL)
		return;
	while ((e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(f, sizeof(f), "%s/%s", d, e->d_name);
		(void)unlink(f);
	}
	closedir(dp);
	(void)rmdir(d);
}

static void
kill_child(int sig)
{
	RTE_SET_USED(sig);
	if (child > 0)
		kill(child, SIGKILL);
}

/* Run the writer (@how: "exit" or "sigint") and check its file. */
static void
capture_file_keeps_every_frame(const char *name, const char *self, const char *path,
			       const char *how)
{
	static struct wire_pcap f;
	unsigned int k, bad = 0;
	int status = 0;
	pid_t w;

	const int by_signal = strcmp(how, "sigint") == 0;

	QPT_CASE(name);
	(void)unlink(path);
	child = fork();
	REQUIRE(child >= 0, "fork: %s", strerror(errno));
	if (child == 0) {
		execl(self, self, "--writer", how, path, (char *)NULL);
		_exit(127);
	}
	/* Bounded: a writer that does not end is killed and fails the case. */
	signal(SIGALRM, kill_child);
	alarm(WAIT_S);
	do {
		w = waitpid(child, &status, 0);
	} while (w < 0 && errno == EINTR);
	alarm(0);
	REQUIRE(w == child, "waitpid: %s", strerror(errno));
	remove_writer_runtime_dir(child);
	CHECK(by_signal ? WIFSIGNALED(status) && WTERMSIG(status) == SIGINT :
			  WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "writer: %s %d (killed after %u s if it did not end)",
	      WIFEXITED(status) ? "exit status" : "signal",
	      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), WAIT_S);

	REQUIRE(wire_pcap_read(path, &f) == 0, "%s is not a capture file", path);
	CHECK(f.nb_rec == FRAMES && f.tail_bytes == 0,
	      "%s: %u whole records and %d bytes of a truncated one; %u frames were sent", path,
	      f.nb_rec, f.tail_bytes, FRAMES);
	for (k = 0; k < f.nb_rec && k < FRAMES; k++) {
		uint32_t seq = ~0u;

		if (f.rec[k].caplen != LEN(k) || f.rec[k].len != LEN(k) ||
		    wire_flat_check(wire_pcap_rec_data(&f, k), f.rec[k].caplen, &seq) != 0 ||
		    seq != k) {
			if (bad++ < 5)
				printf("  record %u: %u bytes, seq %u; expected frame %u of %u bytes\n",
				       k, f.rec[k].caplen, seq, k, LEN(k));
		}
	}
	CHECK(bad == 0, "%u records are not the frames sent, in order", bad);
	wire_pcap_free(&f);
}

int
main(int argc, char **argv)
{
	char path[PATH_MAX];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "--writer") == 0)
		return writer(argv[3], strcmp(argv[2], "sigint") == 0);
	REQUIRE(argc >= 2, "usage: %s <directory for the capture file> [case...]", argv[0]);
	if (!FIXES_HAVE_PCAP)
		qpt_skip("net_qpring was built without libpcap: no capture-file wire");
	wire_fmt(path, sizeof(path), "%s/fx_exit.pcap", argv[1]);
	if (fx_selected(argc - 1, argv + 1, "capture_file_keeps_every_frame_after_exit_without_stop"))
		capture_file_keeps_every_frame("capture_file_keeps_every_frame_after_exit_without_stop",
					       "/proc/self/exe", path, "exit");
	if (fx_selected(argc - 1, argv + 1, "capture_file_keeps_every_frame_after_sigint"))
		capture_file_keeps_every_frame("capture_file_keeps_every_frame_after_sigint",
					       "/proc/self/exe", path, "sigint");
	return qpt_finish();
}
