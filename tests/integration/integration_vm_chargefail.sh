#!/bin/sh
# The chargefail plan in a TCG guest on the project kernel (cgroup v2,
# root with CAP_SYS_RESOURCE): workers made unkillable through
# oom_score_adj, accounted allocations failing their charge with ENOMEM
# in every storm that keeps its objects charged, the memcg OOMs with no
# victim reported as info, and the overshoot of force-charged socket
# buffers reported.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_guest_kernel
out=$(mktemp -d /tmp/ks-vmcf.XXXXXX)
trap 'rm -rf "$out"' EXIT

"$KS_BIN" vm --kernel "$kernel" --timeout 900 -o "$out/cf" \
	"$KS_SRCDIR/plans/chargefail.plan" > "$out/cf.out" 2>&1
code=$?
cat "$out/cf.out"
[ $code -eq 0 ] || fail "kmemstorm vm plans/chargefail.plan: exit $code"

check_journal "$out/cf/journal.jsonl" '
assert recs[0]["cgroup"]["version"] == "v2", recs[0]["cgroup"]
end = recs[-1]
assert end["type"] == "vm_end" and end["outcome"] == "finished", end["outcome"]
assert end["journal_match"] is True and end["guest_exit"] == 0
ends = {r["scenario"]: r for r in by("scenario_end")}
assert set(ends) == {"dentry", "inode", "socket", "uring", "btrfs"}, ends
for name, e in ends.items():
	assert e["verdict"] == "pass", (name, e["reasons"])
	cf = e["inject"]["chargefail"]
	assert cf["method"] == "oom_score_adj", (name, cf["method"])
	assert cf["held"]["killable_task"] == 0, (name, cf["held"])
	assert e["memcg"]["oom_kills"] == 0 and e["memcg"]["events"]["oom_kill"] == 0
	assert all(w["sigkilled"] == 0 for w in e["workers"]), e["workers"]
	assert len(cf["steps"]) >= 2 and cf["lowest_limit"] < 128 << 20, cf["steps"]
	# The per-step peak comes from a memory.peak of our own (6.12+).
	assert all("peak" in s for s in cf["steps"]), cf["steps"]
# Accounted allocations fail their charge: ENOMEM, per operation, while
# the limit is squeezed (tmpfs dentries and inodes, sockets, io_uring).
for name in ("dentry", "inode", "socket", "uring"):
	e = ends[name]
	cf = e["inject"]["chargefail"]
	ops = {op: v["enomem"] for op, v in e["ops"].items() if v["enomem"]}
	assert e["enomem"] > 0 and ops, (name, e["ops"])
	assert cf["enomem"]["squeezed"] > 0 and cf["enomem"]["by_op"], (name, cf["enomem"])
	assert e["memcg"]["events"]["oom"] > 0, (name, e["memcg"]["events"])
# Socket buffers are force-charged (__GFP_NOFAIL) past the limit.
o = ends["socket"]["inject"]["chargefail"]["overshoot"]
assert o["samples_over"] > 0 and o["sampled_max"] > 0, o
assert o["peak_max"] > 0 and o["peak_max"] < 16 << 20, o
# Nobody to kill in a memcg: info, titled after the scenario cgroup.
reps = by("kernel_report")
assert not [r for r in reps if r["severity"] == "bug"], \
	[r["title"] for r in reps if r["severity"] == "bug"][:3]
nk = [r for r in reps if r["kind"] == "memcg_oom_no_killable"]
assert {r["scenario"] for r in nk} >= {"dentry", "inode", "socket", "uring"}, \
	{r["scenario"] for r in nk}
for r in nk:
	assert r["severity"] == "info", r["severity"]
	assert "oom_score_adj=-1000" in r["text"]
	# Under a flood of reports /dev/kmsg overruns: a report may have lost
	# its "Memory cgroup stats for" line, and the scenario says so.
	if "cgroup" not in r:
		assert ends[r["scenario"]]["kmsg_lost"] > 0, r["text"][:300]
		assert r["title"] == "memcg OOM: no killable processes in ?", r["title"]
		continue
	assert r["cgroup"] == "/kmemstorm.scope/kmemstorm-N/" + r["scenario"], r["cgroup"]
	assert r["title"] == "memcg OOM: no killable processes in " + r["cgroup"]
# Most keep their cgroup: each scenario has one with it.
named = {r["scenario"] for r in nk if "cgroup" in r}
assert named >= {"dentry", "inode", "socket", "uring"}, named
'
tr -d '\r' < "$out/cf/console.log" |
	grep -qx 'kmemstorm-guest: leftover cgroups=0 delegation=' ||
	fail "cgroups or +memory left behind in the guest"
echo "PASS: chargefail in a guest: oom_score_adj, ENOMEM, overshoot"
