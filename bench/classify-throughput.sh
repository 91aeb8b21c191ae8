#!/bin/sh
# How fast the report classifier reads a large console log.
#
# Builds a ~100 MB log from the report fixtures (every kind of report)
# diluted with ordinary kernel chatter (about 1 report line in 10, far
# denser than a real console), runs `kmemstorm classify` on it RUNS times
# and prints the median MB/s.  Usage: bench/classify-throughput.sh [MB] [RUNS]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${KS_BIN:-$top/kmemstorm}
mb=${1:-100}
runs=${2:-5}
work=$(mktemp -d /tmp/ks-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# One block: every fixture body once, then ordinary lines.
for f in "$top"/tests/fixtures/reports/*.log; do
	grep -v '^#' "$f"
done > "$work/block"
awk 'BEGIN { for (i = 0; i < 20000; i++)
	printf "[%5d.%06d] virtio_net virtio0 eth0: link up, speed %d, queue %d ready\n", i / 100, i % 1000000, i % 1000, i % 7 }' \
	>> "$work/block"
: > "$work/log"
while [ "$(stat -c %s "$work/log")" -lt $((mb * 1048576)) ]; do
	cat "$work/block" >> "$work/log"
done
size=$(stat -c %s "$work/log")
reports=$("$bin" classify "$work/log" | wc -l) || true

i=0
: > "$work/times"
while [ $i -lt "$runs" ]; do
	s=$(date +%s.%N)
	"$bin" classify "$work/log" > /dev/null || true
	e=$(date +%s.%N)
	echo "$s $e" | awk '{ print $2 - $1 }' >> "$work/times"
	i=$((i + 1))
done
sort -n "$work/times" | awk -v size="$size" -v n="$runs" -v reps="$reports" '
	{ t[NR] = $1 }
	END {
		med = t[int((n + 1) / 2)]
		printf "log %.1f MB, %d reports; median of %d runs: %.2f s, %.1f MB/s (min %.2f s, max %.2f s)\n",
		       size / 1048576, reps, n, med, size / 1048576 / med, t[1], t[n]
	}'
