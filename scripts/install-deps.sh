#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Install the Debian 12 packages qpring needs to build, test and demo,
# skipping those already installed. Needs root (or sudo) only when
# something is missing.
set -eu

pkgs="dpdk dpdk-dev libdpdk-dev meson ninja-build pkg-config gcc libc6-dev
libpcap-dev python3 python3-pyelftools dpkg-dev patch xz-utils
debian-archive-keyring ca-certificates python3-docutils iproute2"
[ -n "${QPRING_EXTRA_PKGS:-}" ] && pkgs="$pkgs $QPRING_EXTRA_PKGS"

missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in ii*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
sudo=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "install-deps: need root to install:$missing" >&2
		exit 1
	}
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
# shellcheck disable=SC2086
$sudo apt-get install -y -q --no-install-recommends $missing
