#!/bin/sh
# Signals mid-run: SIGINT stops the storm, flushes the journal, removes
# the cgroups and exits 130; after a kill -9 the workers die with the
# harness and the next run removes the cgroup it left.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_root_memcg
out=$(mktemp -d /tmp/ks-sig.XXXXXX)
trap 'rm -rf "$out"' EXIT
plans="$KS_SRCDIR/tests/plans"

wait_for_samples() {	# $1 journal
	i=0
	while [ $i -lt 200 ]; do
		grep -q '"type":"sample"' "$1" 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	fail "no sample record after 10 s in $1"
}

# --- SIGINT -----------------------------------------------------------
"$KS_BIN" run --no-progress -o "$out/int" "$plans/long.plan" \
	> "$out/int.stdout" 2>&1 &
pid=$!
wait_for_samples "$out/int/journal.jsonl"
kill -INT $pid
wait $pid
code=$?
cat "$out/int.stdout"
[ $code -eq 130 ] || fail "SIGINT: exit $code, expected 130"
[ -z "$(leftover_cgroups)" ] || fail "SIGINT left cgroups: $(leftover_cgroups)"
ls -d /tmp/kmemstorm.$pid.* 2>/dev/null && fail "SIGINT left a scratch dir"
check_journal "$out/int/journal.jsonl" '
end = recs[-1]
assert end["type"] == "run_end", end
assert end["interrupted"] is True and end["exit_code"] == 130
sc = by("scenario_end")[0]
assert sc["verdict"] == "error" and "interrupted" in sc["reasons"][0], sc
assert sc["duration_ms"] < 30000
'

# --- kill -9 ----------------------------------------------------------
"$KS_BIN" run --no-progress -o "$out/k9" "$plans/long.plan" \
	> "$out/k9.stdout" 2>&1 &
pid=$!
wait_for_samples "$out/k9/journal.jsonl"
cg=$(leftover_cgroups)
[ -n "$cg" ] || fail "no run cgroup while running"
kill -KILL $pid
wait $pid 2>/dev/null
# PR_SET_PDEATHSIG: every worker dies with the harness.
i=0
while [ -n "$(cat "$cg"/*/cgroup.procs 2>/dev/null)" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -z "$(cat "$cg"/*/cgroup.procs 2>/dev/null)" ] ||
	fail "workers outlived a kill -9 of the harness"
check_journal "$out/k9/journal.jsonl" '
assert recs[0]["type"] == "run_start"
assert by("sample"), "samples written before the kill were lost"
'
# The next run repairs what the killed one left behind.
"$KS_BIN" run --no-progress -o "$out/next" "$plans/short.plan" \
	> "$out/next.stdout" 2>&1
code=$?
cat "$out/next.stdout"
[ $code -eq 0 ] || fail "run after kill -9 exited $code"
grep -q 'removed 1 run cgroup(s) left by a killed run' "$out/next.stdout" ||
	fail "stale cgroup not reported as removed"
[ ! -d "$cg" ] || fail "stale cgroup $cg still there"
ls -d /tmp/kmemstorm.$pid.* 2>/dev/null && fail "stale scratch dir kept"
echo "PASS: SIGINT and kill -9"
