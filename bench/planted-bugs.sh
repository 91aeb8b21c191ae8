#!/bin/sh
# Does the nightly plan find bugs nobody told it about?  For each
# bench/planted/BUG.patch (one allocation-failure bug planted in the
# project kernel's source: a BUG_ON where an allocation may fail, a wrong
# errno, a leaked charge, a runaway past the limit), build that kernel
# incrementally in one build tree (the first build is whole, each later
# one recompiles the files the patches touch and relinks; kernels are
# cached by patch), run the plan on it in a QEMU guest with its defaults,
# and say whether the run failed, in which scenario, why, and how many
# seconds after boot the first detecting record came.  The bugs are kept
# out of the plans' tuning on purpose.
#
# Usage: bench/planted-bugs.sh [-o DIR] [--plan PLAN] [--flavour plain|debug]
#                              [--build-only] [BUG...]   (default: every patch)
# A BUG is a bench/planted/ patch name, or a path to a patch elsewhere
# (scripts/capture-reports builds its LKDTM extras this way).
# --build-only: build (or find cached) each kernel, print its bzImage path
# on stdout, run nothing.
# Environment: KS_BIN, KS_CACHE (as for scripts/build-kernel), KS_JOBS.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${KS_BIN:-$top/kmemstorm}
cache=${KS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmemstorm}
pdir=$cache/kernel/planted
out=kmemstorm-out/planted-$(date -u +%Y%m%d-%H%M%S)
plan=nightly
flavour=plain
build_only=0
jobs=${KS_JOBS:-$(nproc)}
while [ $# -gt 0 ]; do
	case $1 in
	-o) out=${2:?}; shift 2 ;;
	--plan) plan=${2:?}; shift 2 ;;
	--flavour) flavour=${2:?}; shift 2 ;;
	--build-only) build_only=1; shift ;;
	-*) echo "usage: $0 [-o DIR] [--plan PLAN] [--flavour F] [--build-only] [BUG...]" >&2
		exit 2 ;;
	*) break ;;
	esac
done
if [ $# -eq 0 ]; then
	for p in "$top"/bench/planted/*.patch; do
		set -- "$@" "$(basename "$p" .patch)"
	done
fi
patch_of() {	# BUG -> its patch file
	case $1 in
	*/* | *.patch) echo "$1" ;;
	*) echo "$top/bench/planted/$1.patch" ;;
	esac
}
for b in "$@"; do
	[ -f "$(patch_of "$b")" ] || {
		echo "$0: no $(patch_of "$b")" >&2; exit 2; }
done

# The unmodified kernel: its config and its unpacked source.
base=$("$top/scripts/build-kernel" --flavour "$flavour")
info=$(dirname "$base")/info
pristine=$(sed -n 's/^srcdir=//p' "$info")
[ -d "$pristine" ] || { echo "$0: no source tree in $info" >&2; exit 2; }
src=$pdir/src-$flavour
bd=$pdir/build-$flavour
mkdir -p "$pdir"
[ "$build_only" = 1 ] || mkdir -p "$out"
# Hard links: cheap, and patch(1) writes a new file, never through one.
if [ ! -f "$src/.ks-planted" ]; then
	rm -rf "$src"
	cp -al "$pristine" "$src"
	touch "$src/.ks-planted"
fi
mkdir -p "$bd"

# Put back every file a patch changed: a copy, newer than the objects
# built from the patched one, so that the next build recompiles it.
restore() {
	[ -f "$src/.ks-touched" ] || return 0
	while read -r f; do
		rm -f "$src/$f"
		cp "$pristine/$f" "$src/$f"
	done < "$src/.ks-touched"
	rm -f "$src/.ks-touched"
}

build() {	# $1 bug -> prints the bzImage path
	patch=$(patch_of "$1")
	case $patch in /*) ;; *) patch=$PWD/$patch ;; esac
	b=$(basename "$patch" .patch)
	k=$pdir/out-$flavour/$b-$(sha256sum < "$patch" | cut -c1-12)
	if [ -f "$k/bzImage" ]; then
		echo "$k/bzImage"
		return 0
	fi
	restore
	sed -n 's|^+++ b/||p' "$patch" > "$src/.ks-touched"
	# Never through a hard link into the pristine tree.
	while read -r f; do
		cp --remove-destination "$pristine/$f" "$src/$f"
	done < "$src/.ks-touched"
	patch -d "$src" -p1 -s < "$patch"
	cp "$(dirname "$base")/config" "$bd/.config"
	t0=$(date +%s)
	mkdir -p "$k.tmp"
	make -C "$src" O="$bd" ARCH=x86_64 olddefconfig > "$k.tmp/build.log" 2>&1
	make -C "$src" O="$bd" ARCH=x86_64 -j"$jobs" bzImage >> "$k.tmp/build.log" 2>&1 ||
		{ tail -20 "$k.tmp/build.log" >&2; return 1; }
	echo "build_seconds=$(($(date +%s) - t0))" > "$k.tmp/info"
	cp "$bd/arch/x86/boot/bzImage" "$k.tmp/bzImage"
	rm -rf "$k"
	mv "$k.tmp" "$k"
	echo "$k/bzImage"
}

if [ "$build_only" = 1 ]; then
	for b in "$@"; do
		echo "planted-bugs: $b: building" >&2
		build "$b"
	done
	restore
	exit 0
fi
printf '%-14s %4s %6s  %-22s %s\n' BUG EXIT FOUND SCENARIO REASON > "$out/table.txt"
for b in "$@"; do
	echo "planted-bugs: $b: building" >&2
	k=$(build "$b")
	restore
	echo "planted-bugs: $b: $plan on $k" >&2
	rc=0
	"$bin" vm --kernel "$k" --timeout 3600 -o "$out/$b" "$plan" \
		> "$out/$b.out" 2>&1 || rc=$?
	python3 - "$out/$b/journal.jsonl" "$b" "$rc" >> "$out/table.txt" <<'PY'
import json, sys
path, bug, rc = sys.argv[1], sys.argv[2], sys.argv[3]
up, first, where, why = 0, None, "-", "-"
for line in open(path, encoding="utf-8"):
    try:
        r = json.loads(line)
    except ValueError:
        continue
    t = r.get("type")
    if t == "run_start":
        up = r.get("uptime_ms") or 0
    hit = None
    if t == "kernel_report" and r.get("severity") == "bug" and not r.get("allowed"):
        # ts_us is the kernel's own time; a console record has t_ms since QEMU began
        hit = r["ts_us"] / 1000 if r.get("ts_us") else r.get("t_ms", 0)
    elif t in ("leak", "enomem_surfaced", "runaway") or (t == "scenario_end" and r.get("verdict") == "fail"):
        hit = up + r.get("t_ms", 0) if r.get("source") != "host" else r.get("t_ms", 0)
    if hit is not None and first is None:
        first = hit
    if t == "scenario_end" and r.get("verdict") == "fail" and where == "-":
        where, why = r["scenario"], "; ".join(r.get("reasons") or [])[:150]
print("%-14s %4s %5.0fs  %-22s %s" % (bug, rc, (first or 0) / 1000 if first else float("nan"),
                                         where, why))
PY
	tail -1 "$out/table.txt" >&2
done
cat "$out/table.txt"
