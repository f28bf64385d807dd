#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The install layout, staged with DESTDIR (never the real system): the PMD
# in EAL's plugin directory, the header, libqpring.pc; and uninstall.
#
# Usage: install.sh SOURCE_ROOT BUILD_ROOT
# A private build directory (under BUILD_ROOT, reusing its fetched SDK
# headers) is configured twice: --prefix=/usr, as a distribution would, and
# the default /usr/local. Each is installed with meson and with `make
# install`, checked file by file, used (dpdk-testpmd loads the staged PMD
# directory; examples/qp_pingpong builds from the staged libqpring.pc with
# its Makefile and runs), and uninstalled.
set -u

SRC=${1:?usage: install.sh SOURCE_ROOT BUILD_ROOT}
BUILD=${2:?usage: install.sh SOURCE_ROOT BUILD_ROOT}
SRC=$(cd "$SRC" && pwd)
BUILD=$(cd "$BUILD" && pwd)
W=$BUILD/tools-install
B=$W/build
PREFIX=qpinst$$
fail=0
checks=0

check() { # check DESCRIPTION COMMAND...
	what=$1
	shift
	checks=$((checks + 1))
	if "$@"; then
		echo "ok: $what"
	else
		echo "FAIL: $what"
		fail=$((fail + 1))
	fi
}
die() {
	echo "FAIL: $*"
	exit 1
}
cleanup() { rm -rf "/var/run/dpdk/$PREFIX"_*; }
trap cleanup EXIT
trap "exit 1" INT TERM # meson stops an overrunning test with SIGTERM

# EAL's plugin directory, read independently of the build's own logic.
CONFIG_H=
for f in /usr/include/*/dpdk/rte_build_config.h /usr/include/dpdk/rte_build_config.h; do
	[ -f "$f" ] && CONFIG_H=$f && break
done
[ -n "$CONFIG_H" ] || die "rte_build_config.h not found (libdpdk-dev)"
PMD_DIR=$(sed -n 's/^#define RTE_EAL_PMD_PATH "\(.*\)"$/\1/p' "$CONFIG_H")
[ -n "$PMD_DIR" ] || die "no RTE_EAL_PMD_PATH in $CONFIG_H"
echo "EAL plugin directory: $PMD_DIR"

# A private build: the SDK headers are copied so no network is needed.
rm -rf "$W"
mkdir -p "$B"
[ -d "$BUILD/sdk-include" ] && cp -a "$BUILD/sdk-include" "$B/"
meson setup "$B" "$SRC" --prefix=/usr -Dtests=false > "$W/setup.log" 2>&1 ||
	die "meson setup (log $W/setup.log)"
ninja -C "$B" > "$W/ninja.log" 2>&1 || die "ninja (log $W/ninja.log)"

libdir_of() { # the build's libdir, absolute
	python3 -c 'import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print(o["prefix"].rstrip("/") + "/" + o["libdir"])' <<EOF
$(meson introspect --buildoptions "$B")
EOF
}

# Every file and link under $1 (if it exists), as "type path [target]", sorted.
listing() {
	[ -d "$1" ] || return 0
	(cd "$1" && find . \( -type f -o -type l \) -printf '%y %P %l\n' | sed 's/ $//' | sort)
}

# check_layout STAGE LIBDIR HOW: exactly our five files, the PMD link.
# (Shell functions share variables: each uses names of its own, l_*.)
check_layout() {
	l_stage=$1
	l_lib=${2#/}
	how=$3
	l_inc=${l_lib%/lib*}/include
	pmd=${PMD_DIR#/}
	case "/$pmd/" in
	"/$l_lib/"*)
		# The PMD directory under our libdir: a relative link.
		rest=${pmd#"$l_lib"/}
		target=librte_net_qpring.so
		while [ -n "$rest" ]; do
			target=../$target
			case "$rest" in */*) rest=${rest#*/} ;; *) rest= ;; esac
		done
		;;
	*) target=/$l_lib/librte_net_qpring.so ;;
	esac
	{
		echo "f $l_inc/qpring/rte_pmd_qpring.h"
		echo "f ${l_lib%/lib*}/bin/qpring-perf"
		echo "f $l_lib/librte_net_qpring.so"
		echo "f $l_lib/pkgconfig/libqpring.pc"
		echo "l $pmd/librte_net_qpring.so $target"
	} | sort > "$W/want.txt"
	listing "$l_stage" > "$W/got.txt"
	check "$how: installed files" cmp -s "$W/want.txt" "$W/got.txt" ||
		diff "$W/want.txt" "$W/got.txt"
	check "$how: PMD exports the PMD API" \
		sh -c "nm -D --defined-only '$l_stage/$l_lib/librte_net_qpring.so' |
			grep -q ' rte_pmd_qpring_regs_get@@EXPERIMENTAL$'"
	check "$how: the header is the source's" \
		cmp -s "$SRC/drivers/net/qpring/rte_pmd_qpring.h" "$l_stage/$l_inc/qpring/rte_pmd_qpring.h"
}

# check_pc STAGE LIBDIR HOW: libqpring.pc, read through a relocated copy.
check_pc() {
	p_stage=$1
	p_lib=$2
	how=$3
	p_prefix=${p_lib%/lib*}
	mkdir -p "$W/pc"
	sed "s|^prefix=.*|prefix=$p_stage$p_prefix|;s|-L$p_prefix/|-L$p_stage$p_prefix/|" \
		"$p_stage$p_lib/pkgconfig/libqpring.pc" > "$W/pc/libqpring.pc"
	pc() { PKG_CONFIG_PATH=$W/pc pkg-config "$@"; }
	check "$how: pkg-config --exists libqpring" pc --exists libqpring
	check "$how: libqpring cflags" sh -c "PKG_CONFIG_PATH=$W/pc pkg-config --cflags libqpring |
		grep -q -- '-I$p_stage$p_prefix/include/qpring'"
	check "$how: libqpring libs" sh -c "PKG_CONFIG_PATH=$W/pc pkg-config --libs libqpring |
		grep -q -- '-lrte_net_qpring'"
	check "$how: libqpring requires libdpdk" sh -c "PKG_CONFIG_PATH=$W/pc pkg-config \
		--print-requires libqpring | grep -q '^libdpdk'"
	check "$how: libqpring pmddir" [ "$(pc --variable=pmddir libqpring)" = "$PMD_DIR" ]
}

# EAL loads the staged PMD directory as it would its own (-d DIR is how
# EAL treats RTE_EAL_PMD_PATH), with no other -d: net_qpring0 exists.
check_testpmd() {
	out=$W/testpmd.log
	printf 'show port info 0\nquit\n' | timeout 60 dpdk-testpmd -d "$1$PMD_DIR" \
		--no-huge --no-pci -m 128 -l 0-1 --file-prefix "${PREFIX}_tp" \
		--log-level=lib.eal:error --vdev net_qpring0 -- -i --total-num-mbufs=2048 \
		> "$out" 2>&1
	check "$2: dpdk-testpmd loads the staged PMD directory (log $out)" \
		grep -q "Driver name: net_qpring" "$out"
}

# The real thing, without touching the system: in a private mount
# namespace, the staged libdir is overlaid on the real one, so the system
# looks installed to that process only; dpdk-testpmd with no -d then finds
# net_qpring in EAL's own plugin directory. Control: outside, it does not
# (unless qpring really is installed here).
check_no_d() {
	n_lib=$2
	case "$PMD_DIR" in
	"$n_lib"/*) ;;
	*)
		echo "note: $PMD_DIR is not under $n_lib: no overlay check"
		return
		;;
	esac
	if ! command -v unshare > /dev/null 2>&1 || [ "$(id -u)" -ne 0 ]; then
		echo "note: no unshare or not root: overlay check skipped"
		return
	fi
	ov=$W/overlay
	rm -rf "$ov"
	mkdir -p "$ov/work"
	cp -a "$1$n_lib" "$ov/upper"
	# shellcheck disable=SC2016 # expanded by the inner shell
	timeout 90 unshare -m --propagation private sh -c '
		mount -t overlay qpring-stage -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$1" ||
			exit 3
		printf "show port info 0\nquit\n" | dpdk-testpmd --no-huge --no-pci -m 128 -l 0-1 \
			--file-prefix "$3" --log-level=lib.eal:error --vdev net_qpring0 \
			-- -i --total-num-mbufs=2048' sh "$n_lib" "$ov" "${PREFIX}_ov" > "$W/testpmd-no-d.log" 2>&1
	rc=$?
	if [ $rc -eq 3 ]; then
		echo "note: cannot mount an overlay here: overlay check skipped"
		return
	fi
	check "$3: installed, dpdk-testpmd --vdev net_qpring0 works with no -d (log $W/testpmd-no-d.log)" \
		grep -q "Driver name: net_qpring" "$W/testpmd-no-d.log"
	printf 'show port info 0\nquit\n' | timeout 60 dpdk-testpmd --no-huge --no-pci -m 128 \
		-l 0-1 --file-prefix "${PREFIX}_ctl" --log-level=lib.eal:error --vdev net_qpring0 \
		-- -i --total-num-mbufs=2048 > "$W/testpmd-control.log" 2>&1
	if [ -e "$PMD_DIR/librte_net_qpring.so" ]; then
		echo "note: qpring is installed on this system: no control run"
	else
		check "$3: control, not installed: no net_qpring" \
			sh -c "! grep -q 'Driver name: net_qpring' '$W/testpmd-control.log'"
	fi
}

# examples/qp_pingpong's Makefile against the staged install.
check_example() {
	e_lib=$1$2
	how=$3
	rm -rf "$W/ex"
	PKG_CONFIG_PATH=$W/pc make -s -C "$SRC/examples/qp_pingpong" O="$W/ex" \
		> "$W/make-example.log" 2>&1
	check "$how: qp_pingpong builds with its Makefile (log $W/make-example.log)" \
		[ -x "$W/ex/qp_pingpong" ]
	[ -x "$W/ex/qp_pingpong" ] || return
	LD_LIBRARY_PATH=$e_lib timeout 60 "$W/ex/qp_pingpong" --no-huge --no-pci \
		-m 128 -l 0 --file-prefix "${PREFIX}_ex" --log-level=lib.eal:error \
		-- --count 200 --qps 2 > "$W/example.log" 2>&1
	check "$how: that qp_pingpong runs (log $W/example.log)" \
		grep -q "answered 200 of 200 requests on their own QP" "$W/example.log"
	check "$how: it runs the staged PMD" sh -c "LD_LIBRARY_PATH=$e_lib ldd '$W/ex/qp_pingpong' |
		grep -q '$e_lib/librte_net_qpring.so'"
}

check_empty() {
	listing "$1" > "$W/left.txt"
	check "$2: nothing left" [ ! -s "$W/left.txt" ] || cat "$W/left.txt"
}

for prefix in /usr /usr/local; do
	if [ "$prefix" != /usr ]; then
		if ! meson configure "$B" --prefix="$prefix" > "$W/configure.log" 2>&1 ||
			! ninja -C "$B" > "$W/ninja.log" 2>&1; then
			die "reconfigure for $prefix (logs $W/configure.log, $W/ninja.log)"
		fi
	fi
	libdir=$(libdir_of)
	echo "--- prefix $prefix, libdir $libdir"

	stage=$W/stage-meson${prefix##*/}
	meson install -C "$B" --no-rebuild --destdir "$stage" > "$W/install.log" 2>&1
	check "meson install, prefix $prefix" [ $? -eq 0 ]
	check_layout "$stage" "$libdir" "meson install $prefix"
	check_pc "$stage" "$libdir" "meson install $prefix"
	[ "$prefix" = /usr ] && check_testpmd "$stage" "meson install $prefix"
	[ "$prefix" = /usr ] && check_example "$stage" "$libdir" "meson install $prefix"
	[ "$prefix" = /usr ] && check_no_d "$stage" "$libdir" "meson install $prefix"
	ninja -C "$B" uninstall > "$W/uninstall.log" 2>&1
	check "ninja uninstall, prefix $prefix" [ $? -eq 0 ]
	check_empty "$stage" "ninja uninstall $prefix"

	stage=$W/stage-make${prefix##*/}
	make -s -C "$SRC" install BUILD="$B" DESTDIR="$stage" > "$W/make-install.log" 2>&1
	check "make install, prefix $prefix" [ $? -eq 0 ]
	check_layout "$stage" "$libdir" "make install $prefix"
	make -s -C "$SRC" uninstall BUILD="$B" > "$W/make-uninstall.log" 2>&1
	check "make uninstall, prefix $prefix" [ $? -eq 0 ]
	check_empty "$stage" "make uninstall $prefix"
done

echo "$checks checks, $fail failed"
[ $fail -eq 0 ]
