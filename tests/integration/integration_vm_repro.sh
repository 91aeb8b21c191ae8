#!/bin/sh
# kmemstorm reproduce in TCG guests, end to end: a WARNING provoked
# during a storm is rerun from the journal until it recurs, minimised,
# and emitted as C; the emitted program, built -Wall -Wextra clean and run
# by repro.sh alone in a fresh guest holding nothing of kmemstorm
# (qemu.sh), brings the same title back.  A dentry storm's memcg OOM is
# emitted too: its reproducer makes the storm's worker 0's operation
# choices (the same pick hash) and is OOM-killed in its own cgroup.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_guest_kernel
command -v busybox >/dev/null || skip "needs busybox (busybox-static) for qemu.sh"
command -v cc >/dev/null || skip "needs a C compiler for the reproducer"
out=$(mktemp -d /tmp/ks-vmrepro.XXXXXX)
trap 'rm -rf "$out"' EXIT

"$KS_BIN" vm --kernel "$kernel" -o "$out/orig" "$KS_SRCDIR/tests/plans/vm-repro.plan" \
	> "$out/orig.log" 2>&1
code=$?
[ $code -eq 1 ] || { cat "$out/orig.log"; fail "the recorded run exited $code, not 1 (a WARNING)"; }
j=$out/orig/journal.jsonl

"$KS_BIN" reproduce "$j" --scenario warn-in-storm --tries 2 --minimise \
	--emit-c "$out/c" -o "$out/re" > "$out/re.log" 2>&1
code=$?
grep -v '^    ' "$out/re.log" | grep 'reproduce\|minimise'
[ $code -eq 0 ] || { cat "$out/re.log"; fail "reproduce --minimise --emit-c exited $code"; }
grep -q '^reproduce: reproduced in try [12] of 2, after [0-9]* s$' "$out/re.log" ||
	fail "reproduce did not say in how many tries and how long"
python3 - "$j" "$out/re" <<'PY' || fail "reproduce's log or minimised plan is wrong"
import json, sys
orig = [json.loads(l) for l in open(sys.argv[1])]
seed = [r for r in orig if r["type"] == "scenario_start" and r["scenario"] == "warn-in-storm"][0]["seed"]
log = [json.loads(l) for l in open(sys.argv[2] + "/reproduce.jsonl")]
assert all(r["type"] == "reproduce_try" for r in log) and len(log) >= 6, log
assert log[0]["phase"] == "as journaled" and any(r["reproduced"] for r in log[:2])
phases = [r["phase"] for r in log]
assert "workers = 1" in phases and "minimised" in phases, phases
for r in log:
	assert "WARNING in lkdtm_WARNING" in r["reports"] or not r["reproduced"], r
# a storm too short for the delayed crash does not bring it back
assert any(not r["reproduced"] for r in log if r["phase"].startswith("duration = ")), phases
plan = dict(l.split(" = ", 1) for l in open(sys.argv[2] + "/minimised.plan").read().split("\n") if " = " in l)
assert plan["workers"] == "1" and plan["memory.max"] == "max", plan
assert plan["lkdtm.delay_ms"] == "0" and plan["lkdtm.repeat"] == "1", plan
assert plan["seed"] == str(seed), (plan, seed)
PY
for f in repro.c repro.sh qemu.sh README.md; do
	[ -s "$out/c/$f" ] || fail "--emit-c wrote no $f"
done
grep -q 'Reproduced: [0-9] of 2 runs' "$out/c/README.md" || fail "the README does not say how often"
grep -q '6\.12' "$out/c/README.md" || fail "the README does not name the kernel"
cc -O2 -Wall -Wextra -Werror -o "$out/repro" "$out/c/repro.c" ||
	fail "the reproducer does not build -Wall -Wextra clean"
! grep -q '^#include "' "$out/c/repro.c" || fail "the reproducer includes a header of ours"
KS_REPRO_ACCEL=tcg KS_REPRO_CONSOLE=$out/fresh.log "$out/c/qemu.sh" "$kernel" > "$out/qemu.out" 2>&1 ||
	{ tail -20 "$out/qemu.out"; fail "qemu.sh failed"; }
grep -q '^qemu.sh: repro.sh exited 0' "$out/fresh.log" || { tail -30 "$out/fresh.log"; fail "repro.sh did not run to its end in the fresh guest"; }
"$KS_BIN" classify "$out/fresh.log" > "$out/fresh.titles"
grep -q 'WARNING in lkdtm_WARNING$' "$out/fresh.titles" ||
	{ cat "$out/fresh.titles"; fail "the fresh guest did not report the title"; }

# The dentry storm's memcg OOM, emitted without minimising.
title=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
	r = json.loads(l)
	if r["type"] == "kernel_report" and r.get("scenario") == "dentry-oom" and r["title"].startswith("memcg OOM kill in "):
		print(r["title"]); break' "$j")
[ -n "$title" ] || fail "the dentry storm left no memcg OOM report"
"$KS_BIN" reproduce "$j" --scenario dentry-oom --title "$title" --tries 2 \
	--emit-c "$out/d" -o "$out/re2" > "$out/re2.log" 2>&1 ||
	{ cat "$out/re2.log"; fail "reproduce of the memcg OOM exited $?"; }
cc -O2 -Wall -Wextra -Werror -o "$out/repro2" "$out/d/repro.c" ||
	fail "the dentry reproducer does not build -Wall -Wextra clean"
grep -q 'echo 16777216 > "$cg/memory.max"' "$out/d/repro.sh" || fail "repro.sh does not set the limit"
KS_REPRO_ACCEL=tcg KS_REPRO_CONSOLE=$out/fresh2.log "$out/d/qemu.sh" "$kernel" > "$out/qemu2.out" 2>&1 ||
	fail "qemu.sh of the dentry reproducer failed"
want=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
	r = json.loads(l)
	if r["type"] == "scenario_end" and r["scenario"] == "dentry-oom":
		print(r["workers"][0]["pick_hash"])' "$j")
grep -q "^repro: worker 0: pick_hash $want of 1000 picks" "$out/fresh2.log" ||
	{ grep '^repro' "$out/fresh2.log"; fail "the reproducer's worker 0 did not make the storm's choices ($want)"; }
"$KS_BIN" classify "$out/fresh2.log" | grep -q 'memcg OOM kill in /ks-repro\.' ||
	fail "the dentry reproducer was not held at its limit in its own cgroup"
echo "PASS: reproduce brought the WARNING back, minimised it, and its C reproducer brought it back in a fresh guest"
