#!/bin/sh
# What watching a storm costs: the harness's own CPU time (sampling the
# cgroup, reading /dev/kmsg through the classifier, writing the journal)
# per second of storm, at two sample intervals, RUNS times each, medians.
# Needs root and a memory cgroup.  Usage: bench/monitor-cost.sh [RUNS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${KS_BIN:-$top/kmemstorm}
runs=${1:-5}
work=$(mktemp -d /tmp/ks-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

for interval in 100ms 1s; do
	cat > "$work/p.plan" <<PLAN
[plan]
name = monitor-cost
sample_interval = $interval
workdir = /var/tmp
[scenario dentry]
workload = dentry
workers = 2
duration = 5s
memory.max = 32M
PLAN
	i=0
	: > "$work/pct"
	while [ $i -lt "$runs" ]; do
		"$bin" run --no-progress -o "$work/out" "$work/p.plan" > /dev/null 2>&1
		python3 - "$work/out/journal.jsonl" >> "$work/pct" <<'PY'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1]) if '"scenario_end"' in l][0]
print(100.0 * e["harness_cpu_ms"] / e["storm_ms"], e["ops_per_sec"])
PY
		i=$((i + 1))
	done
	sort -n "$work/pct" | awk -v n="$runs" -v iv="$interval" '
		{ p[NR] = $1; o[NR] = $2 }
		END { m = int((n + 1) / 2)
		      printf "sample_interval %-5s harness CPU %.2f%% of one CPU (median of %d; min %.2f, max %.2f); storm %.0f ops/s\n",
			     iv, p[m], n, p[1], p[n], o[m] }'
done
