#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The plugin exports the PMD API of rte_pmd_qpring.h and nothing else
# (drivers/net/qpring/version.map): every defined dynamic symbol is an
# rte_pmd_qpring_* function of the EXPERIMENTAL version node, and every
# function the header declares is among them.
#
# usage: exports.sh <librte_net_qpring.so> <rte_pmd_qpring.h>
set -eu
PLUGIN=${1:?usage: exports.sh <librte_net_qpring.so> <rte_pmd_qpring.h>}
HEADER=${2:?usage: exports.sh <librte_net_qpring.so> <rte_pmd_qpring.h>}
command -v nm >/dev/null || { echo "SKIP: nm (binutils) not installed"; exit 77; }

syms=$(nm -D --defined-only "$PLUGIN" | awk '{ print $3 }')
fail=0
echo "exported: $(echo "$syms" | tr '\n' ' ')"
for s in $syms; do
	case $s in
	EXPERIMENTAL) ;; # the version node itself
	rte_pmd_qpring_*@@EXPERIMENTAL) ;;
	*) echo "FAIL: $s is exported (only rte_pmd_qpring_* may be)"; fail=1 ;;
	esac
done
api=$(sed -n 's/^int \(rte_pmd_qpring_[a-z_]*\)(.*/\1/p' "$HEADER")
[ -n "$api" ] || { echo "FAIL: no rte_pmd_qpring_*() declaration in $HEADER"; exit 1; }
for f in $api; do
	echo "$syms" | grep -qx "$f@@EXPERIMENTAL" ||
		{ echo "FAIL: $f is declared in the header but not exported"; fail=1; }
done
[ $fail -eq 0 ] && echo "ok: $(echo "$api" | wc -l) API functions exported, nothing else"
exit $fail
