#!/bin/sh
# Errno truth for real: an allocation failure tmpfs reports as ENOSPC is
# journaled as "ENOMEM surfaced as ENOSPC" and judged by the plan.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_root_memcg
[ "$KS_CG_VERSION" = 1 ] ||
	skip "needs cgroup v1 memory.oom_control to make charges fail instead of OOM-killing"
out=$(mktemp -d /tmp/ks-errno.XXXXXX)
trap 'rm -rf "$out"' EXIT

"$KS_BIN" run --no-progress -o "$out" "$KS_SRCDIR/tests/plans/errno-truth.plan" \
	> "$out/stdout" 2> "$out/stderr"
code=$?
cat "$out/stdout" "$out/stderr"
[ $code -eq 0 ] || fail "errno-truth plan exited $code"
[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"
grep -q '^    ENOMEM surfaced as another errno [0-9]* times, first ENOSPC from create$' \
	"$out/stdout" || fail "the summary does not show the finding"

check_journal "$out/journal.jsonl" '
starts = {r["scenario"]: r for r in by("scenario_start")}
ends = {r["scenario"]: r for r in by("scenario_end")}
assert starts["tmpfs-enospc"]["errno_allowed"]["create"] == "ENOMEM EDQUOT"
assert starts["tmpfs-enospc-allowed"]["errno_allowed"]["create"] == \
	"ENOMEM ENOSPC EDQUOT"
surf = [r for r in by("enomem_surfaced") if r["scenario"] == "tmpfs-enospc"]
assert surf, "no enomem_surfaced record"
s = surf[0]
assert (s["op"], s["errno"]) == ("create", "ENOSPC"), s
assert s["count"] > 0 and s["pressure"] and s["pressure_since_ms"] >= 0, s
e = ends["tmpfs-enospc"]
assert e["verdict"] == "pass", e
assert e["enomem_surfaced"] == sum(r["count"] for r in surf), e
# the per-operation table agrees with the record
assert e["ops"]["create"]["errno"]["ENOSPC"] >= s["count"], e["ops"]
a = ends["tmpfs-enospc-allowed"]
assert a["verdict"] == "pass", a
assert a["enomem_surfaced"] == 0, a
assert not [r for r in by("enomem_surfaced")
	    if r["scenario"] == "tmpfs-enospc-allowed"]
'

# The same finding fails a plan that says it must not happen.
sed 's/^expect.enomem_surfaced = yes$/expect.enomem_surfaced = no/' \
	"$KS_SRCDIR/tests/plans/errno-truth.plan" > "$out/strict.plan"
"$KS_BIN" run --no-progress -o "$out/strict" "$out/strict.plan" \
	> "$out/stdout2" 2>&1
code=$?
[ $code -eq 1 ] || { cat "$out/stdout2"; fail "strict plan exited $code, not 1"; }
grep -q 'ENOMEM surfaced as another errno .* first ENOSPC from create' \
	"$out/strict/journal.jsonl" || fail "no surfaced reason in the journal"
echo "PASS: ENOMEM surfaced as ENOSPC found and judged"
