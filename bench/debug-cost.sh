#!/bin/sh
# What the debug kernel flavour costs (scripts/build-kernel --flavour
# debug: KASAN, KFENCE, kmemleak, lockdep, ...) against the plain project
# kernel, in the same session: PLAN (default nightly) in a QEMU guest on
# each, RUNS times, alternating.  Reports the median boot time (kernel
# uptime when the harness began), wall time of the whole run, and per
# storm scenario the median ops/s of each flavour and their ratio.
#
# Usage: bench/debug-cost.sh [RUNS] [PLAN]   (under TCG: ~10 and ~25 min
# a nightly run; --accel from $KMEMSTORM_ACCEL)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${KS_BIN:-$top/kmemstorm}
runs=${1:-1}
plan=${2:-nightly}
plain=$("$top/scripts/build-kernel")
debug=$("$top/scripts/build-kernel" --flavour debug)
work=${KS_BENCH_DIR:-$(mktemp -d /tmp/ks-debugcost.XXXXXX)}
mkdir -p "$work"

i=0
while [ $i -lt "$runs" ]; do
	for f in plain debug; do
		k=$plain
		[ $f = plain ] || k=$debug
		"$bin" vm --kernel "$k" --timeout 7200 -o "$work/$f-$i" "$plan" \
			> "$work/$f-$i.out" 2>&1 || :
	done
	i=$((i + 1))
done
python3 - "$work" "$runs" <<'PY'
import json, statistics, sys, glob
work, runs = sys.argv[1], int(sys.argv[2])
def load(f, i):
    boot, wall, ops, verdicts = None, 0, {}, {}
    for line in open(f"{work}/{f}-{i}/journal.jsonl", encoding="utf-8"):
        try:
            r = json.loads(line)
        except ValueError:
            continue
        t = r.get("type")
        if t == "run_start" and boot is None:
            boot = r.get("uptime_ms")
        elif t == "vm_end":
            wall += r.get("t_ms", 0)
        elif t == "scenario_end":
            verdicts[r["scenario"]] = r.get("verdict")
            if r.get("ops_per_sec") and not r.get("inject") and r.get("workload") != "lkdtm":
                ops[r["scenario"]] = r["ops_per_sec"]
    return boot, wall, ops, verdicts
res = {f: [load(f, i) for i in range(runs)] for f in ("plain", "debug")}
med = statistics.median
for f in ("plain", "debug"):
    b = [x[0] for x in res[f] if x[0] is not None]
    w = [x[1] for x in res[f]]
    bad = sorted({s for x in res[f] for s, v in x[3].items() if v != "pass"})
    print("%-5s boot %5.1f s, run %6.1f s (median of %d)%s" % (
        f, med(b) / 1000 if b else float("nan"), med(w) / 1000, runs,
        ", not passed: " + " ".join(bad) if bad else ", every scenario passed"))
print("wall time debug/plain: %.2f" % (med([x[1] for x in res["debug"]]) /
                                       med([x[1] for x in res["plain"]])))
ratios = []
for sc in res["plain"][0][2]:
    p = [x[2][sc] for x in res["plain"] if sc in x[2]]
    d = [x[2][sc] for x in res["debug"] if sc in x[2]]
    if p and d:
        ratios.append(med(d) / med(p))
        print("  %-24s plain %8.0f ops/s  debug %8.0f ops/s  ratio %.2f" % (
            sc, med(p), med(d), med(d) / med(p)))
if ratios:
    print("storm ops/s debug/plain: median ratio %.2f (min %.2f, max %.2f)" % (
        med(ratios), min(ratios), max(ratios)))
PY
echo "runs kept in $work"
