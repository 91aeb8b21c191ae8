#!/bin/sh
# Scenarios of many cgroups on the host's real memory controller: chains
# whose parents bind first, cgroups churned during the storm, aggregates
# in the journal and the summary, and nothing left behind.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_root_memcg
out=$(mktemp -d /tmp/ks-cgroups.XXXXXX)
trap 'rm -rf "$out"' EXIT

"$KS_BIN" run --no-progress -o "$out/r" "$KS_SRCDIR/tests/plans/cgroups.plan" \
	> "$out/stdout" 2> "$out/stderr"
code=$?
cat "$out/stdout" "$out/stderr"
[ $code -eq 0 ] || fail "cgroups plan exited $code"
[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"
grep -q '^    cgroups: 4 at depth 2, 8 made (0 churned); peak min/median/max ' \
	"$out/stdout" || fail "the summary does not show the tree"
grep -q '^    cgroups: 1 at depth 1, 61 made (60 churned)' "$out/stdout" ||
	fail "the summary does not show the churn"

check_journal "$out/r/journal.jsonl" '
M = 1 << 20
starts = {r["scenario"]: r for r in by("scenario_start")}
ends = {r["scenario"]: r for r in by("scenario_end")}
t = starts["tree"]["cgroups"]
assert (t["n"], t["depth"]) == (4, 2), t
# 8M-16M spread evenly over four cgroups
want = [8 * M, 8 * M + 8 * M // 3, 8 * M + 16 * M // 3, 16 * M]
assert t["max"] == want, t["max"]
samples = [r for r in by("sample") if r["scenario"] == "tree"]
assert samples and all(s["cgroups"]["n"] == 4 for s in samples), samples[:1]
for s in samples:
	c = s["cgroups"]["current"]
	assert c is None or c["min"] <= c["median"] <= c["max"], s
e = ends["tree"]
assert e["verdict"] == "pass", e["reasons"]
c = e["cgroups"]
assert c["cgroups"] == 8 and c["passes"] >= len(samples), c
assert c["limit_hits"] > 0 and c["cgroups_hit"] >= 1, c
# the parents bind: each chain is held at 3/4 of its bottom limit
limits = sorted(w["limit"] for w in c["worst"])
assert limits == sorted((m // 4 * 3) & ~4095 for m in want), (limits, want)
for w in c["worst"]:
	assert w["peak"] <= w["limit"] + (4 << 20), w
assert c["overshoot_max"] <= 4 << 20, c
assert c["peak"]["max"] <= max(limits) + (4 << 20), c
assert c["harness_cpu_us_per_cgroup"] >= 0, c

ch = ends["churn"]
assert ch["verdict"] == "pass", ch["reasons"]
k = ch["cgroups"]["churn"]
assert (k["created"], k["removed"], k["failed"]) == (60, 60, 0), k
assert ch["cgroups"]["cgroups"] == 61, ch["cgroups"]
assert 0 < k["peak_max"] <= 8 * M + (4 << 20), k
churned = [r["cgroups"]["churned"] for r in by("sample")
	   if r["scenario"] == "churn"]
assert churned == sorted(churned) and churned[-1] == 60, churned
# the churned workers counted with the steady ones
assert ch["ops_total"] > 0
'

# The html report shows the tree, the churn and the worst cgroups by name.
"$KS_BIN" report --format html -o "$out/r.html" "$out/r" || fail "html report failed"
grep -q '<dt>cgroups</dt><dd>4 at depth 2, 8 made (- churned' "$out/r.html" ||
	fail "the html report does not show the tree"
grep -q '<dt>cgroups</dt><dd>1 at depth 1, 61 made (60 churned, 60 removed)' \
	"$out/r.html" || fail "the html report does not show the churn"
[ "$(grep -c '^<tr><td>c000[1-4]</td>' "$out/r.html")" -ge 5 ] ||
	fail "the html report lacks the worst cgroups"

# Refused before anything is created: every cgroup needs a worker.
printf '[scenario s]\nworkload = dentry\nworkers = 2\ncgroups = 3\n' \
	> "$out/bad.plan"
"$KS_BIN" run --no-progress -o "$out/bad" "$out/bad.plan" > "$out/bad.out" 2>&1
code=$?
[ $code -eq 2 ] || { cat "$out/bad.out"; fail "bad plan exited $code, not 2"; }
grep -q "bad.plan:1: scenario 's': workers = 2 is fewer than cgroups = 3" \
	"$out/bad.out" || { cat "$out/bad.out"; fail "no FILE:LINE reason"; }
[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"
echo "PASS: cgroup trees and churn judged, aggregated and removed"

# A neighbour: paced, timed alone and beside the storm, judged.
"$KS_BIN" run --no-progress -o "$out/v" "$KS_SRCDIR/tests/plans/victim.plan" \
	> "$out/v.out" 2>&1
code=$?
cat "$out/v.out"
[ $code -eq 0 ] || fail "victim plan exited $code"
[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"
grep -q '^    victim dentry: p99 [0-9]*us alone, [0-9]*us in the storm' \
	"$out/v.out" || fail "the summary does not show the victim"
check_journal "$out/v/journal.jsonl" '
st = by("scenario_start")[0]["victim"]
assert (st["workload"], st["rate"], st["baseline_ms"]) == ("dentry", 200, 1000), st
vs = [s["victim"] for s in by("sample") if "victim" in s]
assert vs and all(a["ops"] <= b["ops"] for a, b in zip(vs, vs[1:])), vs
v = by("scenario_end")[0]["victim"]
a, s = v["alone"], v["storm"]
# paced: never more than the rate allows in the time each phase ran
# (one operation of slack), whatever the speed of the machine
assert a["ms"] >= 1000 and 1 <= a["ops"] <= 200 * a["ms"] / 1000 + 1, a
assert 1 <= s["ops"] <= 200 * s["ms"] / 1000 + 1, s
for p in (a, s):
	assert 0 <= p["p50_us"] <= p["p99_us"] <= p["max_us"], p
assert v["fails"] == 0 and v["sigkilled"] == 0, v
assert v["memory"]["max"] == 64 << 20 and v["memory"]["current_min"] > 0, v
assert abs(v["latency_factor"] - s["p99_us"] / a["p99_us"]) < 1e-6, v
'

"$KS_BIN" report --format html -o "$out/v.html" "$out/v" || fail "html report failed"
grep -q '<dt>victim</dt><dd>dentry: p99 [0-9]* &micro;s alone, [0-9]* &micro;s beside the storm; 0 failed' \
	"$out/v.html" || fail "the html report does not show the victim"

# The same neighbour with no room to live: killed, and the scenario fails.
sed 's/^victim.memory.max = 64M$/victim.memory.max = 256K/' \
	"$KS_SRCDIR/tests/plans/victim.plan" > "$out/starved.plan"
"$KS_BIN" run --no-progress -o "$out/s" "$out/starved.plan" > "$out/s.out" 2>&1
code=$?
[ $code -eq 1 ] || { cat "$out/s.out"; fail "starved victim exited $code, not 1"; }
grep -q 'victim: OOM-killed .* (expect.victim_oom = no)' "$out/s.out" ||
	{ cat "$out/s.out"; fail "no victim reason"; }
[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"

# The gate: the starved run's neighbour harm is its own; the table shows
# each config's figures with the journal line they come from.
mkdir "$out/g"
mv "$out/v" "$out/g/fed"
mv "$out/s" "$out/g/starved"
cat > "$out/g/gate.json" <<JSON
{"schema": 1, "configs": [
 {"config": "fed", "append": "", "dir": "fed"},
 {"config": "starved", "append": "", "dir": "starved"}]}
JSON
"$KS_BIN" gate --from "$out/g" > "$out/g.out" 2>&1
code=$?
cat "$out/g.out"
[ $code -eq 1 ] || fail "gate exited $code, not 1"
grep -q '^starved .* FAIL$' "$out/g.out" || fail "starved config does not fail"
grep -q '^fed .* PASS$' "$out/g.out" || fail "fed config does not pass"
grep -q '^NEIGHBOURS' "$out/g.out" || fail "no NEIGHBOURS table"
row=$(grep '^starved  *neighbour ' "$out/g.out") || fail "no starved neighbour row"
loc=${row##* }
line=${loc##*:}
sed -n "${line}p" "${loc%:*}" | grep -q '"type":"scenario_end".*"victim"' ||
	fail "$loc is not the scenario_end with the victim"
python3 - "$out/g/gate.json" <<'PY' || fail "gate.json check failed"
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["config"]: x for x in d["configs"]}
assert any("neighbour harmed" in w for w in c["starved"]["fails"]), c["starved"]["fails"]
n = c["starved"]["neighbours"][0]
assert n["harmed"] and n["killed"] > 0, n
assert not c["fed"]["neighbours"][0]["harmed"], c["fed"]["neighbours"]
PY
echo "PASS: a neighbour timed, judged and compared by the gate"
