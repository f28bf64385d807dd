/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The qpring authors
 */
/*
 * qpring-perf's own options (those after "--"): parsing, range checks and
 * the rules that tie them together. Runs before EAL, so a bad command line
 * is refused at once with a message and exit status 2.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perf.h"

enum opt_id {
	OPT_MODE = 256, OPT_ROLE, OPT_PORT, OPT_SIZE, OPT_COUNT, OPT_DURATION,
	OPT_WARMUP, OPT_BURST, OPT_RATE, OPT_BIDIR, OPT_WINDOW, OPT_VERIFY,
	OPT_DESC, OPT_CSV, OPT_PROGRESS, OPT_LINK_TIMEOUT, OPT_IDLE_TIMEOUT,
	OPT_REPLY_TIMEOUT, OPT_TIMEOUT, OPT_HELP, OPT_END
};

static const struct option long_opts[] = {
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "count", required_argument, NULL, OPT_COUNT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "bidir", no_argument, NULL, OPT_BIDIR },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "desc", required_argument, NULL, OPT_DESC },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "progress", required_argument, NULL, OPT_PROGRESS },
	{ "link-timeout", required_argument, NULL, OPT_LINK_TIMEOUT },
	{ "idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT },
	{ "reply-timeout", required_argument, NULL, OPT_REPLY_TIMEOUT },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Which roles and modes an option means something for. */
#define R_LOCAL (1u << ROLE_LOCAL)
#define R_SERVER (1u << ROLE_SERVER)
#define R_CLIENT (1u << ROLE_CLIENT)
#define R_ALL (R_LOCAL | R_SERVER | R_CLIENT)
#define M_BW (1u << MODE_BW)
#define M_LAT (1u << MODE_LAT)
#define M_ALL (M_BW | M_LAT)

static const struct {
	int id;
	unsigned int roles;
	unsigned int modes;
	const char *why; /* said when the role does not take the option */
} applies[] = {
	{ OPT_MODE, R_LOCAL | R_CLIENT, M_ALL, "a server serves both modes: the client's HELLO frame names the mode" },
	{ OPT_COUNT, R_LOCAL | R_CLIENT, M_ALL, "the client chooses it and sends it in its HELLO frame" },
	{ OPT_DURATION, R_LOCAL | R_CLIENT, M_ALL, "the client chooses it and sends it in its HELLO frame" },
	{ OPT_WARMUP, R_LOCAL | R_CLIENT, M_ALL, "the client chooses it and sends it in its HELLO frame" },
	{ OPT_RATE, R_LOCAL | R_CLIENT, M_ALL, "the client chooses it and sends it in its HELLO frame" },
	{ OPT_BIDIR, R_LOCAL | R_CLIENT, M_BW, "the client chooses it and sends it in its HELLO frame" },
	{ OPT_VERIFY, R_LOCAL | R_CLIENT, M_BW, "the sender marks patterned frames and every receiver checks them" },
	{ OPT_WINDOW, R_LOCAL, M_BW, "it needs both ends in one process, where the sender sees the receiver's count" },
	{ OPT_IDLE_TIMEOUT, R_SERVER | R_CLIENT, M_ALL, "in one process there is no peer to wait for" },
	{ OPT_LINK_TIMEOUT, R_LOCAL | R_CLIENT, M_ALL, "a server waits for its client's link up to --idle-timeout" },
	{ OPT_REPLY_TIMEOUT, R_LOCAL | R_CLIENT, M_LAT, "the client's pinger waits for the replies" },
};

static const char *const role_names[] = { "local", "server", "client" };

/* The text of --help; also printed after EAL's own usage by `--help`. */
void
options_usage(FILE *f)
{
	fprintf(f,
"usage: " PERF_NAME " [EAL options] -- [options]\n"
"\n"
"Measures bandwidth (frames/s, bit/s, loss) or round-trip latency between two\n"
"DPDK ethdev ports of any driver, in one process (--role local: two ports of\n"
"this process) or in two (--role server in one, --role client in the other,\n"
"one port each; the client tells the server the run's parameters in-band).\n"
"\n"
"  --mode bw|lat         bw: frames sent and received per direction, Mpps,\n"
"                        Gbit/s, loss; lat: round-trip ping-pong [bw]\n"
"  --role local|server|client\n"
"                        local: both ends here; server: count DATA, reflect\n"
"                        PINGs, answer the client, exit after its DONE (or\n"
"                        --idle-timeout); client: drive a server [local]\n"
"  --port A[,B]          port ids. local: A sends, B receives or reflects\n"
"                        (A,A: one looped-back port); server, client: one\n"
"                        port [local 0,1; server and client 0]\n"
"  --size BYTES          frame size 64..9000: Ethernet header and payload,\n"
"                        without preamble, inter-frame gap or CRC. Server: the\n"
"                        largest frame it takes [64; server 1514]\n"
"  --count N             measured frames per direction (bw) or pings (lat)\n"
"  --duration SEC        measured time instead [bw: 5 s; lat: --count 100000]\n"
"  --warmup SEC          traffic before measuring, sent but not counted [0]\n"
"  --burst N             frames per rx/tx burst call, 1..%u [32]\n"
"  --rate PPS            offered load, frames/s per direction (suffix k, M,\n"
"                        G allowed) [bw: as fast as the port takes them;\n"
"                        lat: one ping in flight, as ib_send_lat]\n"
"  --bidir               bw: both directions at once\n"
"  --window N            local bw: at most N frames sent and not yet received\n"
"                        per direction (a lossless offered load) [off]\n"
"  --verify              bw: fill payloads with a pattern, check it on receipt\n"
"  --desc N              descriptors per rx and tx queue, 16..32768 [1024]\n"
"  --csv                 results as CSV on stdout: one header line, then rows\n"
"  --progress SEC        a progress line every SEC s on stderr: elapsed time,\n"
"                        Mpps so far [off]\n"
"  --link-timeout SEC    a port whose link is down this long stops the run\n"
"                        [10] (server: --idle-timeout is the limit)\n"
"  --idle-timeout SEC    server: exit when no client frame came for SEC s;\n"
"                        client: give up on a server silent this long [10]\n"
"  --reply-timeout MS    lat: a ping unanswered after MS ms is lost [100]\n"
"  --timeout SEC         hard limit of the measurement [count: warm-up + 60 s\n"
"                        + count at 100 kpps (bw) / 10 kpps (lat); duration:\n"
"                        warm-up + duration + 30 s]\n"
"  -h, --help            this text\n"
"\n"
"Figures: Mpps counts frames; Gbit/s counts frame bytes as given by --size\n"
"(no preamble, IFG or CRC); \"L1 Gbit/s\" adds the 24 bytes per frame a\n"
"physical Ethernet link also carries (8 preamble+SFD, 12 IFG, 4 CRC).\n"
"Latency is the round trip measured on one clock: the pinging side stamps\n"
"each PING with the TSC (rte_rdtsc) and, when its PONG comes back, converts\n"
"the difference to ns with rte_get_tsc_hz(). No clocks need to agree.\n"
"Lcores: at most 2 are used (one sends, one receives or reflects); with one\n"
"lcore it polls both. A server uses one lcore.\n"
"Exit status: 0 measured; 1 a port, the peer or the run failed or timed out;\n"
"2 bad option; 128+N stopped by signal N (results so far are printed).\n",
		MAX_BURST);
}

static int
bad(const char *opt, const char *val, const char *why)
{
	if (val != NULL)
		fprintf(stderr, PERF_NAME ": %s %s: %s (see --help)\n", opt, val, why);
	else
		fprintf(stderr, PERF_NAME ": %s: %s (see --help)\n", opt, why);
	return -EINVAL;
}

/* A decimal integer, all of it digits, within [min, max]; unit ends the message. */
static int
parse_num(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out,
	  const char *unit)
{
	char *end = NULL;
	unsigned long long v;
	char why[160];

	if (s[0] < '0' || s[0] > '9')
		goto range;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		goto range;
	*out = v;
	return 0;
range:
	snprintf(why, sizeof(why), "must be a whole number from %" PRIu64 " to %" PRIu64 "%s",
		 min, max, unit);
	return bad(opt, s, why);
}

static int
parse_u64(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	return parse_num(opt, s, min, max, out, "");
}

/* A decimal number of seconds within [min, max]. */
static int
parse_sec(const char *opt, const char *s, double min, double max, double *out)
{
	char *end = NULL;
	double v;
	char why[96];

	errno = 0;
	v = strtod(s, &end);
	if (s[0] == '\0' || s[0] == '-' || s[0] == '+' || errno != 0 || end == s ||
	    *end != '\0' || !__builtin_isfinite(v) || v < min || v > max) {
		snprintf(why, sizeof(why), "must be a number of seconds from %g to %g",
			 min, max);
		return bad(opt, s, why);
	}
	*out = v;
	return 0;
}

/* Frames per second: a number with an optional k, M or G. */
static int
parse_rate(const char *opt, const char *s, uint64_t *out)
{
	char *end = NULL;
	double v, mul = 1;

	errno = 0;
	v = strtod(s, &end);
	if (end != s && end != NULL) {
		if (*end == 'k' || *end == 'K')
			mul = 1e3, end++;
		else if (*end == 'M')
			mul = 1e6, end++;
		else if (*end == 'G')
			mul = 1e9, end++;
	}
	if (s[0] < '0' || s[0] > '9' || errno != 0 || end == NULL || *end != '\0' ||
	    !__builtin_isfinite(v) || v * mul < 1 || v * mul > 1e10)
		return bad(opt, s, "must be frames per second from 1 to 10G (e.g. 1000, 2.5M)");
	*out = (uint64_t)(v * mul + 0.5);
	return 0;
}

static int
parse_ports(const char *s, struct perf_opts *o)
{
	char buf[32], *comma;
	uint64_t a, b;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return bad("--port", s, "must be A or A,B (port ids)");
	comma = strchr(buf, ',');
	if (comma != NULL)
		*comma = '\0';
	if (parse_u64("--port", buf, 0, RTE_MAX_ETHPORTS - 1, &a) != 0)
		return -EINVAL;
	o->port[0] = (uint16_t)a;
	o->nports = 1;
	if (comma != NULL) {
		if (parse_u64("--port", comma + 1, 0, RTE_MAX_ETHPORTS - 1, &b) != 0)
			return -EINVAL;
		o->port[1] = (uint16_t)b;
		o->nports = 2;
	}
	return 0;
}

static const char *
opt_name(int id)
{
	unsigned int i;

	for (i = 0; long_opts[i].name != NULL; i++)
		if (long_opts[i].val == id)
			return long_opts[i].name;
	return "?";
}

/*
 * Parse argv (argv[0] is the program) into *o. Returns 0, 1 for --help
 * (already printed), or -EINVAL after printing what is wrong.
 */
int
options_parse(int argc, char **argv, struct perf_opts *o)
{
	bool given[OPT_END - OPT_MODE] = { false };
	uint64_t v = 0;
	unsigned int i;
	int opt;

	memset(o, 0, sizeof(*o));
	o->mode = MODE_BW;
	o->role = ROLE_LOCAL;
	o->burst = 32;
	o->desc = 1024;
	o->link_timeout = 10;
	o->idle_timeout = 10;
	o->reply_timeout_ms = 100;

	opterr = 0; /* our messages, not getopt's */
	optind = 1;
	while ((opt = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		const char *a = optarg;
		int rc = 0;

		if (opt >= OPT_MODE && opt < OPT_END)
			given[opt - OPT_MODE] = true;
		switch (opt) {
		case OPT_MODE:
			if (strcmp(a, "bw") == 0)
				o->mode = MODE_BW;
			else if (strcmp(a, "lat") == 0)
				o->mode = MODE_LAT;
			else
				rc = bad("--mode", a, "must be bw or lat");
			break;
		case OPT_ROLE:
			for (i = 0; i < RTE_DIM(role_names); i++)
				if (strcmp(a, role_names[i]) == 0)
					break;
			if (i == RTE_DIM(role_names))
				rc = bad("--role", a, "must be local, server or client");
			else
				o->role = (enum perf_role)i;
			break;
		case OPT_PORT:
			rc = parse_ports(a, o);
			break;
		case OPT_SIZE:
			rc = parse_num("--size", a, MIN_SIZE, MAX_SIZE, &v,
				       " (frame bytes: Ethernet header + payload, no CRC)");
			o->size = (uint32_t)v;
			break;
		case OPT_COUNT:
			rc = parse_u64("--count", a, 1, UINT64_C(1) << 48, &o->count);
			break;
		case OPT_DURATION:
			rc = parse_sec("--duration", a, 0.001, 86400, &o->duration);
			break;
		case OPT_WARMUP:
			rc = parse_sec("--warmup", a, 0, 3600, &o->warmup);
			break;
		case OPT_BURST:
			rc = parse_u64("--burst", a, 1, MAX_BURST, &v);
			o->burst = (uint16_t)v;
			break;
		case OPT_RATE:
			rc = parse_rate("--rate", a, &o->rate);
			break;
		case OPT_BIDIR:
			o->bidir = true;
			break;
		case OPT_WINDOW:
			rc = parse_u64("--window", a, 1, 1u << 20, &v);
			o->window = (uint32_t)v;
			break;
		case OPT_VERIFY:
			o->verify = true;
			break;
		case OPT_DESC:
			rc = parse_u64("--desc", a, 16, 32768, &v);
			o->desc = (uint16_t)v;
			break;
		case OPT_CSV:
			o->csv = true;
			break;
		case OPT_PROGRESS:
			rc = parse_sec("--progress", a, 0.1, 3600, &o->progress);
			break;
		case OPT_LINK_TIMEOUT:
			rc = parse_sec("--link-timeout", a, 0.1, 3600, &o->link_timeout);
			break;
		case OPT_IDLE_TIMEOUT:
			rc = parse_sec("--idle-timeout", a, 0.1, 86400, &o->idle_timeout);
			break;
		case OPT_REPLY_TIMEOUT:
			rc = parse_sec("--reply-timeout", a, 0.001, 60000, &o->reply_timeout_ms);
			break;
		case OPT_TIMEOUT:
			rc = parse_sec("--timeout", a, 0.1, 7 * 86400, &o->timeout);
			break;
		case 'h':
		case OPT_HELP:
			options_usage(stdout);
			return 1;
		case ':':
			fprintf(stderr, PERF_NAME ": option %s needs a value (see --help)\n",
				argv[optind - 1]);
			return -EINVAL;
		default:
			fprintf(stderr, PERF_NAME ": unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return -EINVAL;
		}
		if (rc != 0)
			return -EINVAL;
	}
	if (optind < argc) {
		fprintf(stderr, PERF_NAME ": unexpected argument '%s' (options start with --; "
			"EAL options go before --)\n", argv[optind]);
		return -EINVAL;
	}

	/* Options that mean nothing for this role or mode. */
	for (i = 0; i < RTE_DIM(applies); i++) {
		if (!given[applies[i].id - OPT_MODE])
			continue;
		if (!(applies[i].roles & (1u << o->role))) {
			fprintf(stderr, PERF_NAME ": --%s does not apply to --role %s: %s\n",
				opt_name(applies[i].id), role_names[o->role], applies[i].why);
			return -EINVAL;
		}
		if (o->role != ROLE_SERVER && !(applies[i].modes & (1u << o->mode))) {
			fprintf(stderr, PERF_NAME ": --%s is for --mode %s only\n",
				opt_name(applies[i].id),
				(applies[i].modes & M_BW) ? "bw" : "lat");
			return -EINVAL;
		}
	}
	if (given[OPT_COUNT - OPT_MODE] && given[OPT_DURATION - OPT_MODE])
		return bad("--count and --duration", NULL,
			   "give one of them: a number of frames or a time");

	if (o->nports == 0) {
		o->port[0] = 0;
		o->port[1] = 1;
		o->nports = o->role == ROLE_LOCAL ? 2 : 1;
	}
	if (o->role == ROLE_LOCAL && o->nports != 2)
		return bad("--port", NULL, "--role local takes two port ids A,B "
			   "(A,A for one looped-back port)");
	if (o->role != ROLE_LOCAL && o->nports != 1) {
		fprintf(stderr, PERF_NAME ": --port: --role %s takes one port id\n",
			role_names[o->role]);
		return -EINVAL;
	}
	if (o->bidir && o->port[0] == o->port[1] && o->role == ROLE_LOCAL)
		return bad("--bidir", NULL, "needs two different ports");

	if (o->size == 0)
		o->size = o->role == ROLE_SERVER ? 1514 : MIN_SIZE;
	if (o->count == 0 && o->duration == 0) {
		if (o->mode == MODE_LAT)
			o->count = 100000;
		else
			o->duration = 5;
	}
	return 0;
}

/* The hard limit of the measurement, in seconds (see --help). */
double
options_timeout(const struct perf_opts *o)
{
	double floor_pps;

	if (o->timeout > 0)
		return o->timeout;
	if (o->count == 0)
		return o->warmup + o->duration + 30;
	floor_pps = o->rate != 0 ? (double)o->rate : (o->mode == MODE_BW ? 1e5 : 1e4);
	return o->warmup + 60 + (double)o->count / floor_pps;
}
