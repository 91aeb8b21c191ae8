#!/bin/bash
# Fuzz kmemstorm's parsers with libFuzzer, ASan and UBSan (docs/fuzzing.md).
#
#   bench/fuzz.sh [-t SECONDS] [-j JOBS] [-o DIR] [TARGET...]
#
# Builds the source tree's current files (committed or not) in DIR/build
# with ./configure --enable-fuzzing CC=clang, then runs each TARGET (all of
# tests/fuzz/targets.txt by default) for SECONDS (default 1800), JOBS at a
# time (default: the CPUs), each from its regression corpus and seeds.
# New inputs go to DIR/corpus/TARGET, findings to DIR/findings/TARGET.
# Prints a line per target: executions, executions/s, coverage (edges
# and features), corpus size, peak RSS, findings.  Exit 1 on a finding.
# KS_FUZZ_MAX_LEN: the longest input tried (default 262144 bytes).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
secs=1800
jobs=$(nproc)
out=
while getopts t:j:o: opt; do
	case $opt in
	t) secs=$OPTARG ;;
	j) jobs=$OPTARG ;;
	o) out=$OPTARG ;;
	*) echo "usage: bench/fuzz.sh [-t SECONDS] [-j JOBS] [-o DIR] [TARGET...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$out" ] || out=$(mktemp -d /tmp/ks-fuzz.XXXXXX)
mkdir -p "$out"
out=$(cd "$out" && pwd)
command -v clang >/dev/null || {
	echo "bench/fuzz.sh: needs clang and libclang-rt-14-dev (scripts/install-deps)" >&2
	exit 2
}
targets=$*
[ -n "$targets" ] ||
	targets=$(grep -v '^#' "$src/tests/fuzz/targets.txt" | awk 'NF { print $1 }')

# A tree of its own: the source tree stays configured as it is.
b=$out/build
if [ ! -x "$b/configure" ]; then
	mkdir -p "$b"
	(cd "$src" && git ls-files -co --exclude-standard -z |
	 xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$b"
	(cd "$b" && autoreconf -fi >/dev/null 2>&1 &&
	 ./configure --enable-fuzzing --disable-tests CC=clang >configure.out 2>&1) || {
		echo "bench/fuzz.sh: configure failed: $b/configure.out" >&2
		exit 2
	}
fi
make -C "$b" -j"$(nproc)" fuzz >"$out/make.log" 2>&1 || {
	tail -n 30 "$out/make.log" >&2
	exit 2
}

# Jenkins' JUnit schema for the report target, when it can be had.
. "$src/tests/lib.sh"
if xsd=$(junit_xsd); then
	KS_FUZZ_JUNIT_XSD=$xsd
	export KS_FUZZ_JUNIT_XSD
fi
# Scratch files of the targets (journals, plans) in memory, not on disk.
[ -d /dev/shm ] && [ -w /dev/shm ] && export TMPDIR=/dev/shm
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS

fuzz_one() {
	t=$1
	dirs=$(awk -v t="$t" '$1 == t { $1 = ""; print }' "$src/tests/fuzz/targets.txt")
	[ -n "$dirs" ] || { echo "bench/fuzz.sh: unknown target $t" >&2; return 2; }
	mkdir -p "$out/corpus/$t" "$out/findings/$t"
	seeds=
	for d in $dirs; do
		seeds="$seeds $src/$d"
	done
	# shellcheck disable=SC2086
	"$b/tests/fuzz/fuzz-$t" -max_total_time="$secs" -timeout=20 \
		-rss_limit_mb=2048 -max_len="${KS_FUZZ_MAX_LEN:-262144}" -print_final_stats=1 \
		-artifact_prefix="$out/findings/$t/" \
		"$out/corpus/$t" $seeds >"$out/$t.log" 2>&1 || true
}

summary() {
	t=$1
	log=$out/$t.log
	stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	found=$(ls "$out/findings/$t" | wc -l)
	printf '%-17s %6ss %11s %8s %6s %7s %6s %6sMB %s\n' "$t" "$secs" \
		"$(stat number_of_executed_units)" \
		"$(stat average_exec_per_sec)" "${cov:-?}" "${ft:-?}" \
		"${corp:-?}" "$(stat peak_rss_mb)" "$found"
}

echo "bench/fuzz.sh: $(echo $targets | wc -w) target(s), ${secs}s each, $jobs at a time; logs in $out"
running=0
for t in $targets; do
	fuzz_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n 2>/dev/null || wait
		running=$((running - 1))
	fi
done
wait
printf '%-17s %7s %11s %8s %6s %7s %6s %8s %s\n' TARGET TIME EXECS EXEC/S COV FT CORPUS RSS FINDINGS
bad=0
for t in $targets; do
	summary "$t"
	[ -z "$(ls "$out/findings/$t")" ] || bad=1
done
exit $bad
