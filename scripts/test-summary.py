#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Print one line 'N passed, N failed[, N skipped]' over one or more of
meson's testlog.json files and exit 1 if any test failed (or none ran).

usage: test-summary.py [[LABEL=]TESTLOG ...]
       test-summary.py --record NAME STATUS OUTPUT TESTLOG
  default: build/meson-logs/testlog.json
  LABEL    prefixes the names of that log's tests in the 'failed:' lines
           (asan=build-asan/meson-logs/testlog.json -> 'failed: asan: ...')
A log that does not exist (its build or set-up failed, so no test ran)
counts as one failed test.
--record writes TESTLOG in meson's format for one check run outside meson
(`make lint`): test NAME, passed if STATUS is 0, skipped if 77, failed
otherwise, with the text of file OUTPUT as its output; it prints
'NAME: passed|skipped|FAILED (exit STATUS)' and exits 1 if it failed.
Before the summary, each failed test's last lines of output are printed,
with the tail of every log file its FAIL lines name ("(log PATH)"), so that
a CI transcript that keeps only its end still shows why.
"""
import json
import re
import sys


TAIL_OUT = 15   # lines of a failed test's output
TAIL_LOG = 12   # lines of each log file its FAIL lines name


def tail(text, n):
    return [ln for ln in text.splitlines() if ln.strip()][-n:]


def explain(name, rec):
    """The end of a failed test's output and of the logs it points to."""
    out = (rec.get("stdout") or "") + (rec.get("stderr") or "")
    print(f"--- {name}: {rec.get('result', '?')}, last lines of its output")
    for ln in tail(out, TAIL_OUT):
        print("  " + ln)
    for log in dict.fromkeys(re.findall(r"\(log ([^)\s]+)\)", out)):
        try:
            with open(log, encoding="utf-8", errors="replace") as f:
                lines = tail(f.read(), TAIL_LOG)
        except OSError:
            continue
        print(f"--- {name}: end of {log}")
        for ln in lines:
            print("  " + ln)


def read(label, path, counts, failed_names):
    prefix = label + ": " if label else ""
    try:
        with open(path, encoding="utf-8") as f:
            lines = [ln.strip() for ln in f if ln.strip()]
    except OSError as e:
        print(f"test-summary: {e}", file=sys.stderr)
        counts["failed"] += 1
        failed_names.append(f"{prefix}no test results ({path}): set-up or build failed")
        return
    for line in lines:
        r = json.loads(line)
        res = r.get("result", "")
        if res in ("OK", "EXPECTEDFAIL"):
            counts["passed"] += 1
        elif res == "SKIP":
            counts["skipped"] += 1
        else:
            counts["failed"] += 1
            failed_names.append(prefix + r.get("name", "?"))
            explain(prefix + r.get("name", "?"), r)


def record(name, status, output, testlog):
    """One testlog.json line for a check run outside meson."""
    try:
        rc = int(status)
    except ValueError:
        rc = 1
    try:
        with open(output, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError as e:
        text = f"test-summary: no output: {e}\n"
        rc = rc or 1
    result = "OK" if rc == 0 else "SKIP" if rc == 77 else "FAIL"
    with open(testlog, "w", encoding="utf-8") as f:
        f.write(json.dumps({"name": name, "result": result, "returncode": rc,
                            "stdout": text}) + "\n")
    verdict = {"OK": "passed", "SKIP": "skipped"}.get(result, f"FAILED (exit {rc})")
    print(f"{name}: {verdict}")
    return 1 if result == "FAIL" else 0


def main(argv):
    if argv and argv[0] == "--record":
        if len(argv) != 5:
            print("usage: test-summary.py --record NAME STATUS OUTPUT TESTLOG",
                  file=sys.stderr)
            return 2
        return record(*argv[1:])
    logs = argv or ["build/meson-logs/testlog.json"]
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    failed_names = []
    for arg in logs:
        m = re.match(r"^([A-Za-z0-9_-]+)=(.+)$", arg)
        label, path = (m.group(1), m.group(2)) if m else ("", arg)
        read(label, path, counts, failed_names)
    for n in failed_names:
        print(f"failed: {n}")
    line = f"{counts['passed']} passed, {counts['failed']} failed"
    if counts["skipped"]:
        line += f", {counts['skipped']} skipped"
    print(line)
    return 1 if counts["failed"] or counts["passed"] == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
