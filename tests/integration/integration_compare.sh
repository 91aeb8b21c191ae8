#!/bin/sh
# kmemstorm compare and gate --from on the journals recorded in a guest
# with and without cgroup.memory=nokmem (tests/fixtures/journals): the
# changes found, the exit codes, the decision table traced back to
# journal lines, and bad input.
. "${KS_SRCDIR:-.}/tests/lib.sh"
command -v python3 >/dev/null || skip "needs python3 to read the JSON"
out=$(mktemp -d /tmp/ks-compare.XXXXXX)
trap 'rm -rf "$out"' EXIT
fx="$KS_SRCDIR/tests/fixtures/journals"
on="$fx/vm-report" off="$fx/vm-report-nokmem"

# --- compare ------------------------------------------------------------
"$KS_BIN" compare "$on" "$on" > "$out/same" 2>&1
[ $? -eq 0 ] || fail "a run against itself is a regression: $(cat "$out/same")"
grep -q '^0 regressions$' "$out/same" || fail "$(cat "$out/same")"

"$KS_BIN" compare "$on" "$off" > "$out/c.txt" 2>&1
rc=$?
cat "$out/c.txt"
[ $rc -eq 1 ] || fail "kmem on -> nokmem: exit $rc, expected 1 (regressions)"
"$KS_BIN" compare --json "$on" "$off" > "$out/c.json" || [ $? -eq 1 ] ||
	fail "compare --json failed"
python3 - "$out/c.json" <<'PY' || fail "compare --json: wrong changes"
import json, sys
d = json.load(open(sys.argv[1]))
ch = {s["scenario"]: s["changes"] for s in d["scenarios"]}
def has(scn, what, text, reg):
	assert any(c["what"] == what and text in c["text"] and
		   c["regression"] is reg for c in ch[scn]), (scn, ch.get(scn))
# nokmem: the dentry storm never reaches its limit and fails its expect.
has("vm-report.dentry-16m", "verdict", "pass -> fail", True)
has("vm-report.dentry-16m", "containment", "no longer reached", True)
has("vm-report.inode-chargefail", "containment", "no longer reached", True)
# ENOMEM paths the nokmem kernel no longer takes: changes, not regressions.
has("vm-report.inode-chargefail", "enomem_path", "no longer returned by create", False)
has("vm-report.inode-chargefail", "enomem_surfaced", "gone: ENOMEM surfaced as ENOSPC from create", False)
# ops/s +349% is beyond any noise; the same WARNING on both is no change.
has("vm-report.inode-chargefail", "throughput", "+349", False)
assert "vm-report.provoke-warning" not in ch, ch["vm-report.provoke-warning"]
assert d["regressions"] == 3, d["regressions"]
PY

# The other way round: a new ENOSPC path and kernel report are regressions,
# and a throughput drop beyond noise too.
"$KS_BIN" compare --json "$off" "$on" > "$out/r.json"
[ $? -eq 1 ] || fail "nokmem -> kmem on: expected exit 1"
python3 - "$out/r.json" <<'PY' || fail "reverse compare: wrong changes"
import json, sys
d = json.load(open(sys.argv[1]))
ch = {s["scenario"]: s["changes"] for s in d["scenarios"]}
c = ch["vm-report.inode-chargefail"]
assert any(x["what"] == "enomem_surfaced" and x["regression"] and
	   "ENOSPC from create" in x["text"] for x in c), c
assert any(x["what"] == "throughput" and x["regression"] for x in c), c
PY

# A bug title that appears only in the candidate is a regression: take
# the WARNING out of a copy of the baseline.
mkdir "$out/nobug"
grep -v '"title":"WARNING in lkdtm_WARNING"' "$on/journal.jsonl" > "$out/nobug/journal.jsonl"
"$KS_BIN" compare "$out/nobug" "$on" > "$out/b.txt"
[ $? -eq 1 ] || fail "a new kernel report is not a regression"
grep -q 'REGRESSION new: kernel report WARNING in lkdtm_WARNING' "$out/b.txt" ||
	fail "new kernel report not named: $(cat "$out/b.txt")"

# Noise: a 400% floor hides every ops/s change.
"$KS_BIN" compare --noise 400 "$on" "$off" | grep -q 'ops/s' &&
	fail "--noise 400 still reports ops/s changes"

# --- gate --from: the decision table from the same journals --------------
mkdir "$out/gate"
cp -r "$on" "$out/gate/c1"
cp -r "$off" "$out/gate/c2"
cat > "$out/gate/gate.json" <<'JSON'
{"schema":1,"plan":"vm-report","configs":[
 {"config":"default","append":"","dir":"c1"},
 {"config":"cgroup.memory=nokmem","append":"cgroup.memory=nokmem","dir":"c2"}]}
JSON
"$KS_BIN" gate --from "$out/gate" > "$out/g.txt" 2> "$out/g.err"
rc=$?
cat "$out/g.txt"
[ $rc -eq 1 ] || fail "gate: exit $rc, expected 1 (both show the provoked WARNING)"
# kmem on: the chargefail inode storm's real charge failures surface as
# ENOSPC from create, a path nokmem never takes: its own problem. The
# WARNING and failslab's ENFILEs are in both and decide nothing.
grep -Eq '^default +2/4 +1 +3 \(52\) +3/3 +56.0K +0 +baseline +FAIL$' "$out/g.txt" ||
	fail "gate: default row wrong"
grep -Eq '^cgroup.memory=nokmem +1/4 +1 +2 \(16\) +1/3 +92.0K +0 +\+83.3% +PASS$' "$out/g.txt" ||
	fail "gate: nokmem row wrong"
grep -q 'ENOSPC from create, 37 failures (inode-chargefail, line 136) \[its own\]' "$out/g.txt" ||
	fail "gate: kmem-on's own ENOSPC path not named"
grep -q 'ENFILE from unix_pair, 13 failures (failslab-socket, line 55) \[forced failures\]' "$out/g.txt" ||
	fail "gate: a forced failure's path not told apart"
grep -q 'WARNING in lkdtm_WARNING (provoke-warning, line 141) \[every config\]' "$out/g.txt" ||
	fail "gate: a kernel bug of every config not told apart"
grep -q '^decision: cgroup.memory=nokmem (passes; keeps 1 of 3 storms' "$out/g.txt" ||
	fail "gate: decision wrong"
grep -q '^  default: fails on its own problems (ENOMEM surfaced as another errno on 1 path(s) of its own), though it keeps 3 of 3' "$out/g.txt" ||
	fail "gate: the trade-off is not spelled out"
grep -q '^kernel bug reports in 2 of 2 configs' "$out/g.txt" ||
	fail "gate: kernel bugs in every config not said"
# Every figure traces back to a journal line holding it.
python3 - "$out/gate" <<'PY' || fail "gate.json figures do not match the journals"
import json, sys, os
d = json.load(open(os.path.join(sys.argv[1], "gate.json")))
assert d["failed"] == 1 and d["decision"] == "cgroup.memory=nokmem", d
assert d["configs_with_bugs"] == 2, d
own = [u["title"] for u in d["configs"][0]["unhandled_enomem"] if u["own"]]
assert own == ["ENOSPC from create"], own
for c in d["configs"]:
	lines = open(os.path.join(sys.argv[1], c["dir"], "journal.jsonl")).read().splitlines()
	rec = lambda x: json.loads(lines[x["line"] - 1])
	for b in c["kernel_bugs"]:
		r = rec(b)
		assert r["type"] == "kernel_report" and r["title"] == b["title"], r
	total = 0
	for u in c["unhandled_enomem"]:
		r = rec(u)
		assert r["type"] == "enomem_surfaced" and u["title"] == r["errno"] + " from " + r["op"]
		total += u["count"]
	for x in c["containment"]:
		r = rec(x)
		assert r["type"] == "scenario_end" and r["scenario"] == x["scenario"]
		assert (r["memcg"]["limit_hits"] > 0) == x["reached"], (r, x)
		assert r["memcg"]["peak"] == x["peak"]
	o = c["over_limit"]
	r = rec(o)
	assert r["memcg"]["peak"] - r["memcg"]["limit"] == o["bytes"], (r["memcg"], o)
print("gate.json traced back: ok")
PY
# The same journals give the same table.
"$KS_BIN" gate --from "$out/gate" > "$out/g2.txt" 2>/dev/null
cmp -s "$out/g.txt" "$out/g2.txt" || fail "gate --from twice: different tables"
cmp -s "$out/g.txt" "$out/gate/gate.txt" || fail "gate.txt differs from the output"

# --- bad input ----------------------------------------------------------
bad() {	# $1 expected text; rest: arguments
	want=$1
	shift
	"$KS_BIN" "$@" > "$out/bad" 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "kmemstorm $*: exit $rc, expected 2"
	grep -q -- "$want" "$out/bad" || fail "kmemstorm $*: no '$want' in: $(cat "$out/bad")"
}
bad "$out/nope: No such file" compare "$out/nope" "$on"
bad "not a kmemstorm journal" compare /etc/hostname "$on"
bad "needs BASELINE and CANDIDATE" compare "$on"
bad "--noise x" compare --noise x "$on" "$off"
bad "gate.json" gate --from "$out"
bad "no --config given" gate tests/plans/vm-gate.plan
bad "--config /nope/bzImage: a kernel image?" gate --config /nope/bzImage
bad "no --config or PLAN with it" gate --from "$out/gate" --config default
printf '[plan]\nname = x\n[scenario a]\nworkload = nope\n' > "$out/bad.plan"
bad "bad.plan:4: unknown workload" gate --config default -o "$out/none" "$out/bad.plan"
[ ! -e "$out/none" ] || fail "a refused gate left its output directory behind"
# scripts/nightly refuses bad arguments before building or booting anything.
for args in "--bogus" "--jobs x" "--fragment $out/nope.config" "--previous $out/nope"; do
	# shellcheck disable=SC2086
	KS_BIN=$KS_BIN "$KS_SRCDIR/scripts/nightly" -o "$out/nightly" $args \
		> "$out/bad" 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "scripts/nightly $args: exit $rc, expected 2"
	grep -q 'nightly: error: ' "$out/bad" || fail "scripts/nightly $args: $(cat "$out/bad")"
	[ ! -e "$out/nightly" ] || fail "scripts/nightly $args left $out/nightly"
done
echo "PASS: compare and gate --from"
