#!/bin/sh
# How fast the report classifier reads a large console log.
#
# Builds a ~100 MB log from the report fixtures (every kind of report)
# diluted with ordinary kernel chatter (about 1 report line in 10, far
# denser than a real console), runs `kmemstorm classify` on it RUNS times
# and prints the median MB/s.  Usage: bench/classify-throughput.sh [MB] [RUNS]
# KS_BIN_BASE=OTHER-KMEMSTORM: the same log, runs of both binaries
# interleaved, and the ratio of their medians (a change's cost measured
# on one machine at one time).
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

# timed BIN OUT: one run of BIN on the log, its seconds appended to OUT
timed() {
	s=$(date +%s.%N)
	"$1" classify "$work/log" > /dev/null || true
	e=$(date +%s.%N)
	echo "$s $e" | awk '{ print $2 - $1 }' >> "$2"
}
median() { sort -n "$1" | awk -v n="$runs" '{ t[NR] = $1 } END { print t[int((n + 1) / 2)] }'; }

i=0
: > "$work/times"
: > "$work/base"
while [ $i -lt "$runs" ]; do
	timed "$bin" "$work/times"
	[ -z "${KS_BIN_BASE:-}" ] || timed "$KS_BIN_BASE" "$work/base"
	i=$((i + 1))
done
sort -n "$work/times" | awk -v size="$size" -v n="$runs" -v reps="$reports" '
	{ t[NR] = $1 }
	END {
		med = t[int((n + 1) / 2)]
		printf "log %.1f MB, %d reports; median of %d runs: %.2f s, %.1f MB/s (min %.2f s, max %.2f s)\n",
		       size / 1048576, reps, n, med, size / 1048576 / med, t[1], t[n]
	}'
if [ -n "${KS_BIN_BASE:-}" ]; then
	b=$(median "$work/base") c=$(median "$work/times")
	awk -v b="$b" -v c="$c" -v size="$size" 'BEGIN {
		printf "base %s: median %.2f s, %.1f MB/s; this one / base: %.2fx the speed\n",
		       ENVIRON["KS_BIN_BASE"], b, size / 1048576 / b, b / c }'
fi
