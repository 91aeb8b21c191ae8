#!/bin/sh
# Many cgroups and a neighbour on cgroup v2 in a TCG guest (the host has
# v1): chains below the scenario's cgroup, churn with dying cgroups
# journaled over time and gone after the leak check, a victim whose
# memory.low and memory.min reach it through its parents; nothing left
# behind in the guest.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_guest_kernel
out=$(mktemp -d /tmp/ks-vmcg.XXXXXX)
trap 'rm -rf "$out"' EXIT

"$KS_BIN" vm --kernel "$kernel" --timeout 900 -o "$out/r" \
	"$KS_SRCDIR/tests/plans/vm-cgroups.plan" > "$out/r.out" 2>&1
code=$?
cat "$out/r.out"
[ $code -eq 0 ] || fail "kmemstorm vm: exit $code, expected 0"
tr -d '\r' < "$out/r/console.log" |
	grep -qx 'kmemstorm-guest: leftover cgroups=0 delegation=' ||
	fail "cgroups left behind in the guest: $(grep leftover "$out/r/console.log")"
check_journal "$out/r/journal.jsonl" '
M = 1 << 20
ends = {r["scenario"]: r for r in by("scenario_end")}
e = ends["churn"]
assert e["verdict"] == "pass", e["reasons"]
c = e["cgroups"]
assert (c["n"], c["depth"], c["cgroups"]) == (4, 2, 4 * 2 + 60), c
k = c["churn"]
assert (k["created"], k["removed"], k["failed"]) == (60, 60, 0), k
# v2: dying cgroups in every sample of the storm, and in scenario_end
dy = [s["dying"] for s in by("sample") if s["scenario"] == "churn"]
assert dy and all(d >= 0 for d in dy), dy
assert e["dying"]["max"] == max(dy), (e["dying"], dy)
# memory of no live cgroup: sampled, at least 0, its maximum at the end
pin = [s["cgroups"]["pinned_by_dead"] for s in by("sample")
       if s["scenario"] == "churn"]
assert pin and min(pin) >= 0 and e["dying"]["pinned_max"] == max(pin), pin
# the leak check forced reclaim: at most leak.dying_max (1) stayed
assert e["leak"]["dying"] <= 1 and not e["leak"]["dying_left"], e["leak"]
# the parents of a chain bind first: each chain held at 3/4 of 8M
for w in c["worst"]:
	assert w["limit"] == 6 * M, w
n = ends["neighbour"]
assert n["verdict"] == "pass", n["reasons"]
v = n["victim"]
assert v["memory"]["low"] == 8 * M and v["memory"]["min"] == M, v
assert "low_events" in v["memory"], v		# v2 memory.events low
assert v["fails"] == 0 and v["sigkilled"] == 0 and v["oom_kills"] == 0, v
assert v["alone"]["ops"] > 0 and v["storm"]["ops"] > 0, v
st = [r for r in by("scenario_start") if r["scenario"] == "neighbour"][0]
assert st["victim"]["limits"]["memory.low"] == 8 * M, st["victim"]
'
echo "PASS: many cgroups and a neighbour on cgroup v2 in a guest"
