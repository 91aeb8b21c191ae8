#!/bin/sh
# kmemstorm vm end to end in TCG guests on the project kernel: the smoke
# plan with the host journal equal to the guest's, an LKDTM BUG reported
# for its scenario, a panic and a hang each ending in the right outcome
# with the records before them kept, two guests side by side, bad input.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_guest_kernel
out=$(mktemp -d /tmp/ks-vm.XXXXXX)
trap 'rm -rf "$out"' EXIT
plans="$KS_SRCDIR/tests/plans"

vm() {	# $1 expected exit, $2 output dir, rest: arguments
	want=$1 dir=$2
	shift 2
	"$KS_BIN" vm --kernel "$kernel" -o "$dir" "$@" > "$dir.out" 2>&1
	got=$?
	cat "$dir.out"
	[ $got -eq "$want" ] || fail "kmemstorm vm $*: exit $got, expected $want"
}

# --- the smoke plan ---------------------------------------------------
vm 0 "$out/smoke" --timeout 600
check_journal "$out/smoke/journal.jsonl" '
assert recs[0]["type"] == "run_start" and recs[0]["cgroup"]["version"] == "v2"
end = recs[-1]
assert end["type"] == "vm_end" and end["outcome"] == "finished", end["outcome"]
assert end["journal_match"] is True, "host journal differs from the guest one"
assert end["guest_exit"] == 0 and end["exit_code"] == 0
ends = {r["scenario"]: r for r in by("scenario_end")}
assert set(ends) == {"dentry-32m", "inode-tmpfs-64m"}
assert all(e["verdict"] == "pass" for e in ends.values()), ends
assert ends["dentry-32m"]["memcg"]["events"]["max"] > 0
# On the guest tmpfs the dentry storm is contained by memcg OOM kills:
# reported with the cgroup, and not failing the scenario.
ooms = [r for r in by("kernel_report") if r["kind"] == "memcg_oom"]
for r in ooms:
	assert r["severity"] == "info" and r["victim"] == "ksw-dentry", r
	assert r["cgroup"] == "/kmemstorm.scope/kmemstorm-N/" + r["scenario"], r
	assert r["title"] == "memcg OOM kill in " + r["cgroup"]
assert [r for r in recs if r["type"] == "run_end"], "guest run_end lost"
'
grep -q 'kmemstorm: scenario dentry-32m start' "$out/smoke/console.log" ||
	fail "console lacks the scenario markers"
# The harness ran in a child cgroup of its own (v2 delegation path) and
# left no cgroup and no delegation behind.
grep -q '"self":"/kmemstorm.scope"' "$out/smoke/journal.jsonl" ||
	fail "the guest harness did not run in its own cgroup"
tr -d '\r' < "$out/smoke/console.log" |
	grep -qx 'kmemstorm-guest: leftover cgroups=0 delegation=' ||
	fail "cgroups or +memory left behind in the guest: $(grep leftover "$out/smoke/console.log")"

# --- LKDTM BUG: a kernel bug of its scenario, the others unaffected ----
vm 1 "$out/bug" --timeout 600 "$plans/vm-bug.plan"
check_journal "$out/bug/journal.jsonl" '
ends = {r["scenario"]: r for r in by("scenario_end")}
assert ends["before"]["verdict"] == "pass" and ends["after"]["verdict"] == "pass"
for name, title, kind, taint in (
		("provoke-warning", "WARNING in lkdtm_WARNING", "warning", "W"),
		("provoke-bug", "kernel BUG in lkdtm_BUG", "bug", "D")):
	e = ends[name]
	assert e["verdict"] == "fail", e
	assert "kernel report: " + title in e["reasons"], e["reasons"]
	assert taint in e["taint"]["new"], e["taint"]
	reps = [r for r in by("kernel_report") if r["scenario"] == name]
	assert reps[0]["title"] == title and reps[0]["kind"] == kind, reps[0]
	assert reps[0]["severity"] == "bug" and not reps[0]["corrupted"]
assert "lkdtm_BUG" in [r for r in by("kernel_report") if r["kind"] == "bug"][0]["text"]
assert recs[-1]["outcome"] == "finished"
'

# --- panic: with --restarts 0 the run ends, what came before survives ----
# (without it a fresh guest would resume at "never": integration_vm_resume.sh)
vm 1 "$out/panic" --restarts 0 --timeout 600 "$plans/vm-panic.plan"
check_journal "$out/panic/journal.jsonl" '
ends = {r["scenario"]: r for r in by("scenario_end")}
assert ends["before"]["verdict"] == "pass", "records before the panic lost"
p = ends["provoke-panic"]
assert p["verdict"] == "fail" and p["source"] == "host"
assert p["reasons"][0] == "kernel panic: dumptest", p
assert "never" not in ends
rep = [r for r in by("kernel_report") if r.get("source") == "console"]
assert rep and rep[0]["scenario"] == "provoke-panic" and rep[0]["kind"] == "panic", rep
assert rep[0]["title"] == "kernel panic: dumptest", rep[0]["title"]
assert recs[-1]["type"] == "vm_end" and recs[-1]["outcome"] == "panic"
assert not [r for r in recs if r["type"] == "run_end"]
'

# --- hang: one CPU spinning with preemption off ------------------------
vm 1 "$out/hang" --cpus 1 --hang-timeout 20 --timeout 600 "$plans/vm-hang.plan"
check_journal "$out/hang/journal.jsonl" '
ends = {r["scenario"]: r for r in by("scenario_end")}
assert ends["before"]["verdict"] == "pass"
h = ends["provoke-hang"]
assert h["verdict"] == "fail" and h["reasons"][0].startswith("guest hang: no progress for 20 s"), h
end = recs[-1]
assert end["outcome"] == "hang", end	# the hang detector, not the 600 s timeout
'

# --- two guests side by side: kmem accounting on and off ---------------
vm 0 "$out/jobs" --jobs 2 --timeout 600 --append "" \
	--append "cgroup.memory=nokmem" "$plans/short.plan"
for d in "$out"/jobs/k0-a0-short.plan "$out"/jobs/k0-a1-short.plan; do
	check_journal "$d/journal.jsonl" '
assert recs[-1]["outcome"] == "finished" and recs[-1]["journal_match"]
assert by("scenario_end")[0]["verdict"] == "pass"
'
done
grep -q 'cgroup.memory=nokmem' "$out/jobs/k0-a1-short.plan/journal.jsonl" ||
	fail "the second guest did not get its command line"

# --- harness timeout, QEMU failure, SIGINT: QEMU never outlives us -----
vm 2 "$out/timeout" --timeout 8 --hang-timeout 100 "$plans/vm-hang.plan"
check_journal "$out/timeout/journal.jsonl" '
end = recs[-1]
assert end["outcome"] == "timeout" and end["exit_code"] == 2, end["outcome"]
# What the console said before the timeout is kept (a busy host may not
# have reached the first line in 8 s: then there is nothing to keep).
import os
con = os.path.join(os.path.dirname(sys.argv[1]), "console.log")
assert isinstance(end["console_tail"], list), end
assert end["console_tail"] or not open(con, "rb").read().strip(), "no console tail"
'
printf 'not a kernel\n' > "$out/bogus"
"$KS_BIN" vm --kernel "$out/bogus" -o "$out/qf" "$plans/short.plan" > "$out/qf.out" 2>&1
[ $? -eq 2 ] || fail "a kernel QEMU cannot load did not exit 2"
check_journal "$out/qf/journal.jsonl" '
end = recs[-1]
assert end["outcome"] == "qemu_failure", end["outcome"]
assert end["qemu_stderr"], "QEMU error not recorded"
'
"$KS_BIN" vm --kernel "$kernel" -o "$out/int" "$plans/vm-hang.plan" \
	> "$out/int.out" 2>&1 &
pid=$!
i=0
until grep -q '"type":"sample"' "$out/int/journal.jsonl" 2>/dev/null; do
	sleep 0.2
	i=$((i + 1))
	[ $i -lt 300 ] || fail "no journal from the guest after 60 s"
done
kill -INT $pid
wait $pid
code=$?
[ $code -eq 130 ] || fail "SIGINT: exit $code, expected 130"
ps -eo args | grep -F -- "$out/int/" | grep -v grep | grep -q qemu &&
	fail "QEMU outlived an interrupted kmemstorm vm"
check_journal "$out/int/journal.jsonl" '
end = recs[-1]
assert end["outcome"] == "interrupted", end["outcome"]
ends = by("scenario_end")
assert ends and ends[-1]["verdict"] == "error" and ends[-1]["source"] == "host"
'

# --- bad input: refused before anything boots -------------------------
"$KS_BIN" vm --kernel /nonexistent/bzImage -o "$out/x" > "$out/x.out" 2>&1
[ $? -eq 2 ] || fail "--kernel /nonexistent accepted"
grep -q "/nonexistent/bzImage: No such file or directory" "$out/x.out" ||
	fail "missing kernel not named"
printf '[scenario s]\nworkload = nosuch\n' > "$out/bad.plan"
"$KS_BIN" vm --kernel "$kernel" -o "$out/y" "$out/bad.plan" > "$out/y.out" 2>&1
[ $? -eq 2 ] || fail "bad plan accepted"
grep -q "bad.plan:2: unknown workload 'nosuch'" "$out/y.out" || fail "bad plan message"
[ ! -e "$out/y" ] || fail "a bad plan created the output directory"
"$KS_BIN" vm --memory 1K > "$out/z.out" 2>&1
[ $? -eq 2 ] || fail "--memory 1K accepted"
echo "PASS: kmemstorm vm"
