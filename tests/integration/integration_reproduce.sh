#!/bin/sh
# Seeds and kmemstorm reproduce on the host: a planned seed makes the same
# operation choices per worker in two runs (the journals' pick hashes
# agree) and a drawn one is journaled; reproduce reruns a scenario with
# its journaled seed, says when the title did not come back, logs every
# try, and refuses bad requests with a reason.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_root_memcg
out=$(mktemp -d /tmp/ks-repro.XXXXXX)
trap 'rm -rf "$out"' EXIT
plan=$KS_SRCDIR/tests/plans/seed.plan

for r in a b; do
	"$KS_BIN" run --no-progress -o "$out/$r" "$plan" > "$out/$r.log" 2>&1 ||
		{ cat "$out/$r.log"; fail "run $r of the seed plan exited $?"; }
done
[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"
python3 - "$out/a/journal.jsonl" "$out/b/journal.jsonl" <<'PY' || fail "the two journals disagree"
import json, sys
def load(p):
	recs = [json.loads(l) for l in open(p)]
	st = {r["scenario"]: r for r in recs if r["type"] == "scenario_start"}
	en = {r["scenario"]: r for r in recs if r["type"] == "scenario_end"}
	return st, en
(sa, ea), (sb, eb) = load(sys.argv[1]), load(sys.argv[2])
def picks(e):
	return [(w["worker"], w.get("picks_traced"), w.get("pick_hash"))
		for w in e["workers"]]
for s in ("dentry-seeded", "socket-seeded"):
	assert sa[s]["seed"] == sb[s]["seed"] == 42, (sa[s], sb[s])
	assert sa[s]["seed_drawn"] is False
	pa, pb = picks(ea[s]), picks(eb[s])
	assert len(pa) == 2 and all(p[1] == 1000 for p in pa), pa
	assert pa == pb, (s, pa, pb)
	# two workers, two streams
	assert pa[0][2] != pa[1][2], pa
	print(s, "same choices in both runs:", pa)
d = "dentry-drawn"
assert sa[d]["seed_drawn"] is True and sb[d]["seed_drawn"] is True
assert sa[d]["seed"] != sb[d]["seed"] and 0 < sa[d]["seed"] < 2**63
assert picks(ea[d]) != picks(eb[d]), "two drawn seeds made the same choices"
assert picks(ea[d])[0][2] != picks(ea["dentry-seeded"])[0][2]
PY

# No such scenario, no report to bring back, no scenario named.
"$KS_BIN" reproduce "$out/a/journal.jsonl" > "$out/e0" 2>&1
[ $? -eq 2 ] || fail "reproduce without --scenario did not exit 2"
"$KS_BIN" reproduce "$out/a/journal.jsonl" --scenario nosuch -o "$out/r0" > "$out/e1" 2>&1
[ $? -eq 2 ] && grep -q "no scenario_start of that scenario" "$out/e1" ||
	{ cat "$out/e1"; fail "an unknown scenario was not refused with a reason"; }
"$KS_BIN" reproduce "$out/a/journal.jsonl" --scenario dentry-drawn -o "$out/r1" > "$out/e2" 2>&1
[ $? -eq 2 ] && grep -q "has no kernel report of severity bug: name the title to bring back with --title" "$out/e2" ||
	{ cat "$out/e2"; fail "a scenario without a bug was not refused with a reason"; }
[ ! -e "$out/r1" ] || fail "a refused reproduce made its output directory"

# A title that does not come back: one try, logged, exit 1; the rerun
# carries the journaled seed, drawn as it was, and makes the same choices.
"$KS_BIN" reproduce "$out/a/journal.jsonl" --scenario dentry-drawn \
	--title "WARNING in no_such_function" --tries 1 -o "$out/r2" > "$out/e3" 2>&1
code=$?
cat "$out/e3"
[ $code -eq 1 ] || fail "reproduce of a title that never came exited $code, not 1"
grep -q "^reproduce: not reproduced in 1 tries" "$out/e3" || fail "no 'not reproduced' line"
[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"
python3 - "$out/a/journal.jsonl" "$out/r2" <<'PY' || fail "the rerun is not the journaled scenario"
import json, sys
orig = [json.loads(l) for l in open(sys.argv[1])]
log = [json.loads(l) for l in open(sys.argv[2] + "/reproduce.jsonl")]
assert [r["type"] for r in log] == ["reproduce_try"], log
t = log[0]
assert t["phase"] == "as journaled" and t["try"] == 1 and t["run"] == 1, t
assert t["reproduced"] is False and t["exit"] == 0, t
again = [json.loads(l) for l in open(t["journal"])]
so = [r for r in orig if r["type"] == "scenario_start" and r["scenario"] == "dentry-drawn"][0]
sa = [r for r in again if r["type"] == "scenario_start"]
assert len(sa) == 1 and sa[0]["scenario"] == "dentry-drawn", sa
assert sa[0]["seed"] == so["seed"] and sa[0]["seed_drawn"] is False, (sa, so)
eo = [r for r in orig if r["type"] == "scenario_end" and r["scenario"] == "dentry-drawn"][0]
ea = [r for r in again if r["type"] == "scenario_end"][0]
h = lambda e: [w["pick_hash"] for w in e["workers"]]
assert h(eo) == h(ea), (h(eo), h(ea))
plan = open(t["plan"]).read()
assert "seed = %d" % so["seed"] in plan and "[scenario dentry-drawn]" in plan, plan
assert "dentry-seeded" not in plan, plan
PY
echo "PASS: seeds make the same choices per worker; reproduce reruns with the journaled seed and refuses bad requests"
