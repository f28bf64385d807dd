#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Print one line 'N passed, N failed[, N skipped]' from meson's testlog.json
and exit 1 if any test failed (or none ran)."""
import json
import sys

log = sys.argv[1] if len(sys.argv) > 1 else "build/meson-logs/testlog.json"
passed = failed = skipped = 0
failed_names = []
try:
    with open(log, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            res = r.get("result", "")
            if res in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif res == "SKIP":
                skipped += 1
            else:
                failed += 1
                failed_names.append(r.get("name", "?"))
except OSError as e:
    print(f"test-summary: {e}", file=sys.stderr)
for n in failed_names:
    print(f"failed: {n}")
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed or passed == 0 else 0)
