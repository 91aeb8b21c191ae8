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
