#!/bin/sh
# The smoke plan on a busy machine: CPU hogs on every CPU (stress-ng
# --cpu 1 each, two at least) while it runs.  The verdicts must be those
# of an idle host: dentry-32m fills its cgroup later, but reaches the
# limit (duration.until_limit) and is then held there for its duration.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_root_memcg
out=$(mktemp -d /tmp/ks-smoke-busy.XXXXXX)
trap 'stop_cpu_hogs; rm -rf "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_cpu_hogs "$out"

"$KS_BIN" run --no-progress -o "$out/run" > "$out/stdout" 2> "$out/stderr"
code=$?
cat "$out/stdout" "$out/stderr"
cpu_hogs_alive || fail "a CPU hog ended before the run did"
stop_cpu_hogs
[ $code -eq 0 ] || fail "smoke plan exited $code on a busy machine"
grep -q '^2 passed, 0 failed, 0 skipped, 0 errors$' "$out/stdout" ||
	fail "summary table does not show 2 passes"
[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"

check_smoke_held "$out/run/journal.jsonl"
echo "PASS: smoke plan on a busy machine"
