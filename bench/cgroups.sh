#!/bin/sh
# What sampling many cgroups costs the harness: its own CPU time while the
# storm runs (sampling every cgroup once per interval, the kernel log, the
# workers' counters, the journal) per cgroup and sampling pass, for storms
# in 10, 100 and 1000 cgroups (one worker each, 4M each, 1 s interval),
# RUNS times each, medians.  Needs root and a memory cgroup.
# Usage: bench/cgroups.sh [RUNS] [N...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${KS_BIN:-$top/kmemstorm}
runs=${1:-3}
[ $# -gt 0 ] && shift
sizes=${*:-10 100 1000}
work=$(mktemp -d /tmp/ks-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

for n in $sizes; do
	cat > "$work/p.plan" <<PLAN
[plan]
name = cgroups-cost
sample_interval = 1s
workdir = /var/tmp
[scenario many]
workload = dentry
workers = $n
cgroups = $n
memory.max = 4M
duration = 10s
PLAN
	i=0
	: > "$work/cost"
	while [ $i -lt "$runs" ]; do
		"$bin" run --no-progress -o "$work/out" "$work/p.plan" > /dev/null 2>&1 || :
		python3 - "$work/out/journal.jsonl" >> "$work/cost" <<'PY'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1]) if '"scenario_end"' in l][0]
c = e["cgroups"]
print(1000.0 * e["harness_cpu_ms"] / c["passes"] / c["n"],
      e["harness_cpu_ms"], c["passes"], e["storm_ms"])
PY
		rm -rf "$work/out"
		i=$((i + 1))
	done
	sort -n "$work/cost" | awk -v r="$runs" -v n="$n" '
		{ u[NR] = $1; c[NR] = $2; p[NR] = $3; s[NR] = $4 }
		END { m = int((r + 1) / 2)
		      printf "%5d cgroups: %6.1f us of harness CPU per cgroup and pass (median of %d; min %.1f, max %.1f); %d ms CPU over %d passes in a %d ms storm\n",
			     n, u[m], r, u[1], u[r], c[m], p[m], s[m] }'
done
