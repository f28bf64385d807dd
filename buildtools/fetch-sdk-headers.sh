#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Fetch the five DPDK driver-SDK headers that Debian does not install, from
# Debian's source package of exactly the installed libdpdk-dev version.
# Usage: fetch-sdk-headers.sh OUTDIR
# apt is given a private sources list and state directory under OUTDIR, so
# the system's apt configuration is never changed. Nothing is committed:
# OUTDIR lives in the build tree.
set -eu

out=${1:?usage: fetch-sdk-headers.sh OUTDIR}
headers="lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h
drivers/bus/vdev/bus_vdev_driver.h lib/eal/include/dev_driver.h
lib/eal/include/bus_driver.h"

die() { echo "fetch-sdk-headers: $*" >&2; exit 1; }

ver=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null) ||
	die "libdpdk-dev is not installed (apt-get install libdpdk-dev)"
[ -n "$ver" ] || die "cannot read the installed libdpdk-dev version"

stamp="$out/.version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$ver" ]; then
	ok=1
	for h in $headers; do [ -f "$out/$(basename "$h")" ] || ok=0; done
	[ $ok = 1 ] && exit 0
fi

work="$out/.apt"
mkdir -p "$work/lists/partial" "$work/src"
# Same suites as the system's binary sources, as deb-src. Debian 12's
# security suite carries DPDK point releases too.
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
mirror=${QPRING_DEBIAN_MIRROR:-http://deb.debian.org/debian}
secmirror=${QPRING_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
key=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$work/sources.list" <<LIST
deb-src [signed-by=$key] $mirror $codename main
deb-src [signed-by=$key] $mirror $codename-updates main
deb-src [signed-by=$key] $secmirror $codename-security main
LIST

apt_priv() {
	apt-get -q -o Dir::Etc::SourceList="$work/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$work/lists" \
		-o APT::Sandbox::User=root "$@"
}

echo "fetch-sdk-headers: fetching Debian source of dpdk $ver (driver SDK headers only)"
apt_priv update >"$work/update.log" 2>&1 ||
	die "apt-get update of the private deb-src list failed; see $work/update.log"
(cd "$work/src" && apt_priv source --download-only "dpdk=$ver") >"$work/source.log" 2>&1 ||
	die "cannot download Debian source package dpdk=$ver; see $work/source.log"

orig=$(ls "$work"/src/dpdk_*.orig.tar.* 2>/dev/null | head -n 1)
[ -n "$orig" ] || die "no dpdk orig tarball in $work/src"

top=$(tar -tf "$orig" | head -n 1 | cut -d/ -f1)
members=""
for h in $headers; do members="$members $top/$h"; done
rm -rf "$work/x" && mkdir -p "$work/x"
# shellcheck disable=SC2086
tar -xf "$orig" -C "$work/x" $members ||
	die "the tarball $orig lacks one of: $headers"
# Debian patches (debian.tar.xz) are applied on top when they touch a header.
deb=$(ls "$work"/src/dpdk_*.debian.tar.* 2>/dev/null | head -n 1)
if [ -n "$deb" ] && command -v patch >/dev/null 2>&1; then
	mkdir -p "$work/deb" && tar -xf "$deb" -C "$work/deb"
	if [ -f "$work/deb/debian/patches/series" ]; then
		while read -r p; do
			case "$p" in ''|\#*) continue ;; esac
			f="$work/deb/debian/patches/${p%% *}"
			for h in $headers; do
				if grep -q "^+++ .*$h" "$f" 2>/dev/null; then
					(cd "$work/x/$top" && patch -s -p1 --forward <"$f" >/dev/null 2>&1) || true
					break
				fi
			done
		done <"$work/deb/debian/patches/series"
	fi
fi
mkdir -p "$out"
for h in $headers; do cp "$work/x/$top/$h" "$out/"; done
rm -rf "$work/x" "$work/deb" "$work/src"
echo "$ver" >"$stamp"
echo "fetch-sdk-headers: installed $(echo $headers | wc -w) headers into $out"
