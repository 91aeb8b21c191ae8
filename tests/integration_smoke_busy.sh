#!/bin/sh
# The smoke plan on a busy machine: CPU hogs on every CPU (stress-ng
# --cpu 1 each, two at least) while it runs.  The verdicts must be those
# of an idle host: dentry-32m fills its cgroup later, but reaches the
# limit (duration.until_limit) and is then held there for its duration.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_root_memcg
command -v stress-ng >/dev/null ||
	skip "needs stress-ng for the CPU hogs (Debian package stress-ng)"
out=$(mktemp -d /tmp/ks-smoke-busy.XXXXXX)
hogs=

# Only the hogs this test started, by PID: SIGTERM makes stress-ng stop
# and reap its stressor; one it left behind is ended by its own PID.
stop_hogs() {
	kids=
	for p in $hogs; do
		kids="$kids $(cat "/proc/$p/task/$p/children" 2>/dev/null)"
		kill -TERM "$p" 2>/dev/null
	done
	for p in $hogs; do
		wait "$p" 2>/dev/null
	done
	for k in $kids; do
		kill -KILL "$k" 2>/dev/null
	done
	hogs=
}
trap 'stop_hogs; rm -rf "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

n=$(nproc)
[ "$n" -ge 2 ] || n=2
i=0
while [ $i -lt "$n" ]; do
	# -t: a hog outlives nothing, even if this shell is SIGKILLed.
	stress-ng -q --cpu 1 -t 600s --temp-path "$out" > /dev/null 2>&1 &
	hogs="$hogs $!"
	i=$((i + 1))
done

# Each hog's stressor runs (without CONFIG_PROC_CHILDREN: give them a
# second); then the CPUs have next to no idle time.
[ -e "/proc/$$/task/$$/children" ] || sleep 1
for p in $hogs; do
	tries=0
	while [ -e "/proc/$p/task/$p/children" ] &&
	      [ -z "$(cat "/proc/$p/task/$p/children")" ]; do
		tries=$((tries + 1))
		[ $tries -le 50 ] || fail "stress-ng hog $p started no stressor"
		sleep 0.1
	done
done
idle() { awk '/^cpu /{ print $5 + $6; t = 0; for (i = 2; i <= NF; i++) t += $i; print t }' /proc/stat; }
set -- $(idle)
sleep 1
set -- "$@" $(idle)
busy=$(( 100 - 100 * ($3 - $1) / ($4 - $2) ))
echo "$n CPU hogs ($hogs ): CPUs ${busy}% busy"
[ "$busy" -ge 75 ] || fail "the hogs keep the CPUs only ${busy}% busy"

"$KS_BIN" run --no-progress -o "$out/run" > "$out/stdout" 2> "$out/stderr"
code=$?
cat "$out/stdout" "$out/stderr"
for p in $hogs; do
	kill -0 "$p" 2>/dev/null || fail "hog $p ended before the run did"
done
stop_hogs
[ $code -eq 0 ] || fail "smoke plan exited $code on a busy machine"
grep -q '^2 passed, 0 failed, 0 skipped, 0 errors$' "$out/stdout" ||
	fail "summary table does not show 2 passes"
[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"

check_journal "$out/run/journal.jsonl" '
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
echo "PASS: smoke plan on a busy machine"
