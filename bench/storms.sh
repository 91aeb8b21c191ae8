#!/bin/sh
# Each storm side by side with what it should be measured against, in one
# run: (a) the kmemstorm storm (`kmemstorm run`, 2 workers), (b) the bare
# loop, the storm's own code with no harness around it (bench/bare/bare.c:
# the kernel's own speed here), (c) the closest stress-ng stressor, 2
# instances.  Each contender runs SECONDS in a memory cgroup of its own
# below ours (cgroup v1, no limit), alone (the test suite's storm lock),
# on the same kind of filesystem or namespace, under `perf stat`, which
# counts the slab objects and pages allocated with memcg accounting
# (kmem:kmem_cache_alloc accounted, kmem:kmalloc and kmem:mm_page_alloc
# with __GFP_ACCOUNT) by all of the contender's processes: accounted
# allocations per second of its running time.  The cgroup's peak kmem
# charge (memory.kmem.max_usage_in_bytes) says how much of it was held.
# ROUNDS rounds, contenders in a rotating order; medians, min and max,
# ratios taken within a round.
#
# Needs root, cgroup v1 memory, cc, liburing, stress-ng, perf,
# mkfs.btrfs, unshare, flock, python3.
# Usage: bench/storms.sh [SECONDS] [ROUNDS] [STORM...]   (default 4 5, all)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${KS_BIN:-$top/kmemstorm}
bare=${KS_BARE:-$(dirname "$bin")/bench/bare/bare-storm}
secs=${1:-4}
rounds=${2:-5}
[ $# -gt 2 ] && shift 2 || set --
storms=${*:-dentry inode socket uring btrfs}
lock=/tmp/kmemstorm-tests.lock
workers=2
waited=0

die() { echo "storms.sh: $*" >&2; exit 2; }
say() { echo "storms.sh: $*" >&2; }

case $secs$rounds in
*[!0-9]*)	die "SECONDS and ROUNDS are whole numbers" ;;
esac
[ "$secs" -gt 0 ] && [ "$rounds" -gt 0 ] ||
	die "SECONDS and ROUNDS must be > 0"
for s in $storms; do
	case $s in
	dentry|inode|socket|uring|btrfs) ;;
	*)	die "unknown storm $s" ;;
	esac
done
[ "$(id -u)" -eq 0 ] || die "needs root"
[ -x "$bin" ] || die "no $bin: build first"
mem=$(grep -E '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' /proc/self/cgroup) ||
	die "needs the cgroup v1 memory controller (memory.kmem.*)"
own=/sys/fs/cgroup/memory${mem##*:}
own=${own%/}
[ -f "$own/memory.kmem.max_usage_in_bytes" ] || die "no kmem accounting in $own"
for c in ${CC:-cc} stress-ng perf mkfs.btrfs unshare flock python3 ip; do
	command -v "$c" > /dev/null || die "needs $c"
done

work=$(mktemp -d /var/tmp/ks-bench.XXXXXX)
cleanup() {
	trap - EXIT INT TERM
	for cg in "$own"/ks-bench-$$-*; do
		[ -d "$cg" ] || continue
		# Our own contenders only: whatever is left in our cgroups.
		for p in $(cat "$cg"/cgroup.procs "$cg"/*/cgroup.procs \
			   "$cg"/*/*/cgroup.procs 2> /dev/null); do
			kill -KILL "$p" 2> /dev/null || true
		done
		sleep 1
		find "$cg" -depth -type d -exec rmdir {} + 2> /dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The bare loop is built with kmemstorm (make): the storms' own code.
mkdir "$work/ks"
[ -x "$bare" ] || die "no $bare: build first (scripts/build)"

# Runs in the contender's cgroup, in a private mount (and maybe network)
# namespace: make the arena, run the command in it, take the arena down.
cat > "$work/arena.sh" <<'EOF'
set -eu
kind=$1 dir=$2
shift 2
mount --make-rprivate /
case $kind in
tmpfs)	mount -t tmpfs -o size=1G,nr_inodes=0,mode=0700,nosuid,nodev \
		ks-bench "$dir" ;;
btrfs)	truncate -s 1G "$dir.img"
	mkfs.btrfs -q "$dir.img" > /dev/null 2>&1
	mount -o loop,compress=zstd,nosuid,nodev "$dir.img" "$dir" ;;
netns)	ip link set lo up ;;
esac
cd "$dir"
rc=0
"$@" || rc=$?
cd /
case $kind in
tmpfs|btrfs)	umount "$dir"; rm -f "$dir.img" ;;
*)		find "$dir" -mindepth 1 -delete ;;
esac
exit $rc
EOF

# Where each contender storms: the arena kind, and stress-ng's stressor.
arena() {
	case $1 in
	inode)	echo tmpfs ;;
	btrfs)	echo btrfs ;;
	*)	echo disk ;;
	esac
}
stressor() {
	case $1 in
	dentry)	echo "--dentry $workers" ;;
	inode)	echo "--link $workers" ;;
	socket)	echo "--sock $workers" ;;
	uring)	echo "--io-uring $workers" ;;
	btrfs)	echo "--copy-file $workers --copy-file-bytes 128M" ;;
	esac
}

# Run "$@" in cgroup $1 under perf stat, counts to $dir.perf.
in_cg() {
	cg=$1
	shift
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" \
		perf stat -x, -o "$dir.perf" \
		-e kmem:kmem_cache_alloc --filter 'accounted == 1' \
		-e kmem:kmalloc --filter 'gfp_flags & 0x400000' \
		-e kmem:mm_page_alloc --filter 'gfp_flags & 0x400000' \
		-- "$@"
}

# One contender, one round: append
# "storm contender round ops/s seconds kmem-peak accounted-allocations".
run_one() {
	storm=$1 who=$2 round=$3
	cg=$own/ks-bench-$$-$storm-$who-$round
	dir=$work/$storm-$who-$round
	out=$work/$storm-$who-$round.out
	mkdir "$cg" "$dir"
	tw=$(date +%s)
	if ! flock -w 60 9; then
		say "waiting for $lock (held by a test run?)"
		flock 9
	fi
	waited=$((waited + $(date +%s) - tw))
	rc=0
	case $who in
	kmemstorm)
		cat > "$dir.plan" <<EOF
[plan]
name = bench-$storm
workdir = $work/ks
[scenario $storm]
workload = $storm
workers = $workers
duration = ${secs}s
EOF
		in_cg "$cg" "$bin" run --no-progress -o "$dir.journal" \
			"$dir.plan" > "$out" 2>&1 9>&- || rc=$?
		line=$(python3 - "$dir.journal/journal.jsonl" <<'PY' || true
import json, sys
e = [json.loads(l) for l in open(sys.argv[1]) if '"scenario_end"' in l][0]
print(e["ops_per_sec"], e["storm_ms"] / 1000.0, e["verdict"])
PY
)
		;;
	bare)
		# Its own mounts, as the storm makes them (tmpfs, btrfs).
		in_cg "$cg" unshare -m sh "$work/arena.sh" disk \
			"$dir" "$bare" "$storm" "$workers" "$secs" \
			"$dir" > "$out" 2>&1 9>&- || rc=$?
		line=$(awk '$1 == "ops" { print $6, $4, "ok" }' "$out")
		;;
	stress-ng)
		kind=$(arena "$storm") net=
		[ "$storm" = socket ] && kind=netns net=-n
		# --temp-path . from inside the arena: 0.15's io-uring
		# stressor fails its statx with any other temp path.
		# shellcheck disable=SC2046
		in_cg "$cg" unshare -m $net sh "$work/arena.sh" "$kind" "$dir" \
			timeout -k 5 $((secs + 60)) stress-ng \
			$(stressor "$storm") -t "$secs" --temp-path . -q \
			--metrics-brief --yaml "$dir.yaml" > "$out" 2>&1 9>&- ||
			rc=$?
		line=$(awk '/bogo-ops-per-second-real-time:/ && !r { r = $2 }
			    /wall-clock-time:/ && !w { w = $2 }
			    END { if (w) print r, w, "ok" }' "$dir.yaml" \
			    2> /dev/null || true)
		;;
	esac
	peak=$(cat "$cg/memory.kmem.max_usage_in_bytes")
	allocs=$(awk -F, '$3 ~ /^kmem:/ { n += $1 } END { print n + 0 }' \
		 "$dir.perf" 2> /dev/null || echo 0)
	# Reclaim what the contender left charged (dentries, inodes), so
	# rounds start alike and our cgroup does not hoard it; then go.
	echo 0 > "$cg/memory.force_empty" 2> /dev/null || true
	find "$cg" -depth -type d -exec rmdir {} + 2> /dev/null ||
		say "could not remove $cg"
	flock -u 9
	set -- $line
	if [ $# -lt 3 ] || [ "$rc" -ne 0 ] ||
	   { [ "$3" != ok ] && [ "$3" != pass ]; }; then
		say "[$storm $round/$rounds] $who FAILED" \
		    "(exit $rc${3:+, $3}): see below"
		tail -n 5 "$out" >&2
		return 0
	fi
	echo "$storm $who $round $1 $2 $peak $allocs" >> "$work/results"
	say "[$storm $round/$rounds] $who: $(printf '%.0f' "$1") ops/s," \
	    "$allocs accounted allocations, kmem peak" \
	    "$((peak / 1048576)) MiB in $(printf '%.2f' "$2") s"
}

exec 9> "$lock"
t0=$(date +%s)
say "$secs s per contender, $rounds rounds, $workers workers," \
    "no memory limit; storms: $storms"
: > "$work/results"
for storm in $storms; do
	r=1
	while [ $r -le "$rounds" ]; do
		case $((r % 3)) in
		1) order="kmemstorm bare stress-ng" ;;
		2) order="bare stress-ng kmemstorm" ;;
		0) order="stress-ng kmemstorm bare" ;;
		esac
		for who in $order; do
			run_one "$storm" "$who" "$r"
		done
		r=$((r + 1))
	done
done

python3 - "$work/results" "$secs" "$rounds" "$(($(date +%s) - t0))" \
	"$waited" <<'PY'
import statistics, sys

path, secs, rounds, total, waited = sys.argv[1:]
where = {
    "dentry": "ext4 directory; stress-ng --dentry",
    "inode": "private tmpfs; stress-ng --link",
    "socket": "private network namespaces; stress-ng --sock",
    "uring": "ext4 directory; stress-ng --io-uring",
    "btrfs": "1G loop btrfs, compress=zstd; stress-ng --copy-file",
}
data = {}
for l in open(path):
    storm, who, rnd, ops, t, peak, allocs = l.split()
    data.setdefault(storm, {}).setdefault(who, {})[int(rnd)] = (
        float(ops), float(allocs) / float(t), int(peak) / 1048576)

def fmt(v):
    v = sorted(v)
    if not v:
        return "n/a"
    m = statistics.median(v)
    f = "%.0f" if m >= 100 else "%.2f" if m < 10 else "%.1f"
    return (f + " [" + f + ".." + f + "]") % (m, v[0], v[-1])

def ratios(d, other, k):
    a, b = d.get("kmemstorm", {}), d.get(other, {})
    return [a[r][k] / b[r][k] for r in a if r in b and b[r][k] > 0]

print("%s s per contender, %s rounds, 2 workers or instances each, no memory "
      "limit; median [min..max]" % (secs, rounds))
row = "  %-17s %-26s %-26s %s"
for storm, d in data.items():
    print("\n%s (%s)" % (storm, where[storm]))
    print(row % ("", "OPS/S", "ACCT ALLOCS/S", "KMEM PEAK MiB"))
    for who, name in (("kmemstorm", "kmemstorm"), ("bare", "bare loop"),
                      ("stress-ng", "stress-ng (bogo)")):
        v = d.get(who, {}).values()
        print(row % (name, fmt(x[0] for x in v), fmt(x[1] for x in v),
                     fmt(x[2] for x in v)))
    for other in ("bare", "stress-ng"):
        print(row % ("storm/" + other, fmt(ratios(d, other, 0)),
                     fmt(ratios(d, other, 1)), fmt(ratios(d, other, 2))))
    ob, ka = ratios(d, "bare", 0), ratios(d, "stress-ng", 1)
    print("  targets: ops/s >= 0.9x bare: %s; accounted allocations/s ahead "
          "of stress-ng: %s" % (
              "met" if ob and statistics.median(ob) >= 0.9 else "MISSED",
              "met" if ka and statistics.median(ka) > 1 else "MISSED"))
print("\ntotal %s s, %s s of it waiting for the storm lock" % (total, waited))
PY
