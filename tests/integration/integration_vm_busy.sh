#!/bin/sh
# The smoke plan in a TCG guest while CPU hogs saturate every host CPU:
# an emulated guest on a busy host is the slowest machine kmemstorm runs
# on, and the verdicts must still be those of an idle host (the guest's
# dentry-32m reaches its limit whenever it can, then is held there).
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_guest_kernel
out=$(mktemp -d /tmp/ks-vm-busy.XXXXXX)
trap 'stop_cpu_hogs; rm -rf "$out"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_cpu_hogs "$out"

"$KS_BIN" vm --accel tcg --kernel "$kernel" -o "$out/vm" smoke \
	>"$out/stdout" 2>"$out/stderr"
code=$?
cat "$out/stdout" "$out/stderr"
cpu_hogs_alive || fail "a CPU hog ended before the guest did"
stop_cpu_hogs
[ $code -eq 0 ] || fail "smoke in a TCG guest on a busy host exited $code"
grep -q '^2 passed, 0 failed, 0 skipped, 0 errors$' "$out/stdout" ||
	fail "summary table does not show 2 passes"
check_journal "$out/vm/journal.jsonl" '
e = by("vm_end")[-1]
assert e["accel"] == "tcg" and e["outcome"] == "finished", e'
check_smoke_held "$out/vm/journal.jsonl"
echo "PASS: smoke in a TCG guest on a busy host"
