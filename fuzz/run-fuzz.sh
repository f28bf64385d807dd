#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# One bounded fuzzing run of a libFuzzer target of fuzz/, as a meson test:
# replay every regression input and the seed corpus, then fuzz.
#
# usage: run-fuzz.sh FUZZER TARGET FUZZ_DIR WORK_DIR
#   FUZZER    the fuzzer executable (tests/fuzz/<TARGET>_fuzz)
#   TARGET    devargs | pcap | xproc
#   FUZZ_DIR  the source tree's fuzz/ (corpus/<TARGET>, regressions/<TARGET>)
#   WORK_DIR  in the build tree: the growing corpus (kept between runs),
#             crash artifacts and logs
# Environment: QPRING_FUZZ_SECONDS (default 60) of fuzzing, 0 = replay only.
# Exit 0: no crash, leak or timeout. 1: a finding; its input is copied to
# FUZZ_DIR/regressions/<TARGET>/ (commit it: every later run replays it).
set -eu

FUZZER=${1:?usage: run-fuzz.sh FUZZER TARGET FUZZ_DIR WORK_DIR}
TARGET=${2:?}
FUZZ_DIR=${3:?}
WORK=${4:?}
SECONDS_BUDGET=${QPRING_FUZZ_SECONDS:-60}

case $FUZZER in /*) ;; *) FUZZER=$(pwd)/$FUZZER ;; esac
SEEDS=$FUZZ_DIR/corpus/$TARGET
REGR=$FUZZ_DIR/regressions/$TARGET
mkdir -p "$WORK/corpus" "$WORK/artifacts"
WORK=$(cd "$WORK" && pwd)
rm -f "$WORK"/artifacts/*

# Options common to every run. -rss_limit_mb: EAL maps 128 MB and ASan's
# shadow adds its share; 2 GB is libFuzzer's default, said explicitly.
# -timeout: one input takes milliseconds; 10 s means a hang. -max_len:
# devargs are at most a few hundred bytes; 16 KB holds capture files of a
# few frames of every size class.
case $TARGET in
devargs) MAXLEN=1024 ;;
*) MAXLEN=16384 ;;
esac
OPTS="-rss_limit_mb=2048 -timeout=10 -max_len=$MAXLEN -artifact_prefix=$WORK/artifacts/"
# libFuzzer prints ASan/UBSan reports itself; these make every report fatal
# and keep leak checking on (per input and at exit).
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

keep_findings() {
	for a in "$WORK"/artifacts/*; do
		[ -f "$a" ] || continue
		mkdir -p "$REGR"
		cp "$a" "$REGR/"
		echo "run-fuzz: new regression input $REGR/$(basename "$a") (commit it)"
		echo "run-fuzz: reproduce: $FUZZER $REGR/$(basename "$a")"
	done
}

# 1. Replay: committed regression inputs, then the seeds, each once.
replay=
if [ -d "$REGR" ]; then
	for f in "$REGR"/*; do
		[ -f "$f" ] && [ "$(basename "$f")" != README ] && replay="$replay $f"
	done
fi
n_regr=$(echo "$replay" | wc -w)
echo "run-fuzz: $TARGET: replaying $n_regr regression input(s) and the seed corpus"
rc=0
# shellcheck disable=SC2086 # a list of files
if [ -n "$replay" ]; then
	"$FUZZER" $OPTS $replay >"$WORK/replay.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 60 "$WORK/replay.log"
		echo "run-fuzz: $TARGET: a regression input fails again (log $WORK/replay.log)"
		exit 1
	fi
fi
# shellcheck disable=SC2086
"$FUZZER" $OPTS -runs=0 "$SEEDS" >"$WORK/seeds.log" 2>&1 || rc=$?
if [ "$rc" -ne 0 ]; then
	tail -n 60 "$WORK/seeds.log"
	keep_findings
	echo "run-fuzz: $TARGET: a seed input fails (log $WORK/seeds.log)"
	exit 1
fi
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$WORK/seeds.log" | tail -n 1 | sed "s/^/run-fuzz: $TARGET: seeds: /"
[ "$SECONDS_BUDGET" -gt 0 ] || exit 0

# 2. Fuzz: new inputs go to the build tree's corpus (the first directory);
# the committed seeds are read only.
echo "run-fuzz: $TARGET: fuzzing for ${SECONDS_BUDGET}s"
# shellcheck disable=SC2086
"$FUZZER" $OPTS -max_total_time="$SECONDS_BUDGET" -print_final_stats=1 \
	"$WORK/corpus" "$SEEDS" >"$WORK/fuzz.log" 2>&1 || rc=$?
# The last status line: executions, coverage (cov: edges, ft: features),
# corpus size; the final stats: executions per second.
grep -E '^#[0-9]+[[:space:]]' "$WORK/fuzz.log" | tail -n 1 | sed "s/^/run-fuzz: $TARGET: last: /"
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
	"$WORK/fuzz.log" | sed "s/^/run-fuzz: $TARGET: /"
if [ "$rc" -ne 0 ]; then
	grep -n -m1 -E 'ERROR: |qpfz: FAIL|runtime error' "$WORK/fuzz.log" || true
	tail -n 80 "$WORK/fuzz.log"
	keep_findings
	echo "run-fuzz: $TARGET: FAILED (exit $rc, log $WORK/fuzz.log)"
	exit 1
fi
echo "run-fuzz: $TARGET: no finding"
