#!/bin/sh
# The LAVA test definition and job template (lava/) under Debian's
# lava-dispatcher: lava-run boots the project kernel with the project's
# initramfs (kmemstorm.lava=1) on a QEMU device (TCG), adds its overlay
# to the ramdisk, runs lava/kmemstorm.yaml from a git repository, and
# every scenario of the plan must come back as a LAVA test case with the
# right result. Before that, without LAVA: lava/kmemstorm-lava-results
# (kmemstorm's TAP report turned into test cases) against a JSON parser
# on real guest journals, whole and cut short.
. "${KS_SRCDIR:-.}/tests/lib.sh"
lava="$KS_SRCDIR/lava"
results="$lava/kmemstorm-lava-results"
command -v python3 >/dev/null || skip "needs python3 to read journals and LAVA logs"
out=$(mktemp -d /tmp/ks-lava.XXXXXX)
# A failed test keeps the jobs and their LAVA logs for a look.
trap 'st=$?
if [ $st -eq 1 ]; then
	rm -rf "$out/initramfs.cpio.gz" "$out/repo"
	echo "kept: $out"
else
	rm -rf "$out"
fi' EXIT

# --- journal -> test cases, against python's reading --------------------
# The same mapping in python: a scenario of the plan with its
# scenario_end verdict, an error when it started and never ended, skipped
# when it never started.
expect_results() {	# JOURNAL: the lines kmemstorm-lava-results must print
	python3 - "$1" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
names = [s["name"] for s in recs[0]["plan"]["scenarios"]]
st = {}
for r in recs:
	if r["type"] == "scenario_start":
		st.setdefault(r["scenario"], "error")
	elif r["type"] == "scenario_end":
		st[r["scenario"]] = r["verdict"]
for n in st:
	if n not in names:
		names.append(n)
lava = {"pass": "pass", "skip": "skip"}
for n in names:
	s = st.get(n, "skip")
	print(n, lava.get(s, "fail"), s)
PY
}
check_results() {	# JOURNAL
	expect_results "$1" > "$out/want" || fail "python cannot read $1"
	"$results" "$1" "$KS_BIN" > "$out/got" || fail "kmemstorm-lava-results $1 failed"
	diff -u "$out/want" "$out/got" ||
		fail "kmemstorm-lava-results $1 differs from the journal's verdicts"
}
n=0
for j in "${KS_FIXTURES:-$KS_SRCDIR/tests/fixtures}"/journals/*/journal.jsonl; do
	[ -f "$j" ] || continue
	n=$((n + 1))
	check_results "$j"
	# Cut before the second scenario_end: its scenario started and has
	# no end (fail), the later ones never started (skip).
	cut=$(grep -n '^{"type":"scenario_end",' "$j" | sed -n '2s/:.*//p')
	[ -n "$cut" ] || continue
	head -n $((cut - 1)) "$j" > "$out/cut.jsonl"
	check_results "$out/cut.jsonl"
	grep -q ' fail error$' "$out/got" || fail "no never-ended case in $out/cut.jsonl"
	grep -q ' skip skip$' "$out/got" || fail "no never-started case in $out/cut.jsonl"
done
[ $n -gt 0 ] || fail "no fixture journals"
echo '{"type":"sample"}' > "$out/bad.jsonl"
"$results" "$out/bad.jsonl" "$KS_BIN" > /dev/null 2>&1 &&
	fail "kmemstorm-lava-results took a journal without run_start"
"$results" "$out/none.jsonl" "$KS_BIN" > /dev/null 2>&1 &&
	fail "kmemstorm-lava-results took a missing journal"
echo "kmemstorm-lava-results: $n fixture journals ok"

# --- lava-run: the job template on a QEMU device --------------------------
# (kmemstorm-lava-run reports each scenario as it ends: a kernel that dies
# mid-plan keeps the results of the scenarios before it.)
command -v lava-run >/dev/null ||
	skip "lava-run not installed (Debian package lava-dispatcher)"
for c in git cpio; do
	command -v $c >/dev/null || skip "$c not installed (lava-dispatcher needs it)"
done
python3 -c 'import yaml' 2>/dev/null || skip "needs python3-yaml to read LAVA logs"
[ -w /var/lib/lava/dispatcher ] || [ -w /var/lib/lava ] ||
	skip "lava-run needs to write /var/lib/lava/dispatcher (run as root)"
require_guest_kernel
echo "lava-dispatcher $(dpkg-query -W -f '${Version}' lava-dispatcher 2>/dev/null || echo '(not from a Debian package)')"

"$KS_SRCDIR/scripts/mkinitramfs" -o "$out/initramfs.cpio.gz" --bin "$KS_BIN" \
	--plan "$KS_SRCDIR/tests/plans/lava.plan" > /dev/null ||
	fail "scripts/mkinitramfs failed"

# The test definition from git, as labs fetch it: a repository holding
# this tree's lava/ (committed or not), cloned by lava-dispatcher.
mkdir -p "$out/repo/lava"
cp "$lava/kmemstorm.yaml" "$lava/kmemstorm-lava-run" "$lava/kmemstorm-lava-results" \
	"$out/repo/lava/" || fail "copying lava/ failed"
(
	cd "$out/repo" && git init -q && git add -A &&
	git -c user.name=kmemstorm -c user.email=kmemstorm@localhost \
		commit -q -m "lava test definition"
) || fail "cannot make the test definition's git repository"

# job ID PLAN: lava-run the template with PLAN; its log in $out/ID.log.
job() {
	id=$1 plan=$2
	sed -e "s|@KERNEL_URL@|file://$kernel|" \
		-e "s|@RAMDISK_URL@|file://$out/initramfs.cpio.gz|" \
		-e "s|@REPOSITORY@|$out/repo|" -e "s|@PLAN@|$plan|" \
		"$lava/job-qemu.yaml.in" > "$out/job-$id.yaml"
	! grep -n '@[A-Z_]*@' "$out/job-$id.yaml" || fail "job template: fields left"
	echo "lava-run job $id: plan $plan"
	rc=0
	timeout 900 lava-run --job-id "$id" --output-dir "$out/out-$id" \
		--device "$lava/device-qemu.yaml" \
		--dispatcher "$lava/dispatcher.yaml" \
		"$out/job-$id.yaml" > "$out/$id.log" 2>&1 || rc=$?
	# lava-run ends its QEMU; none may be left running its files.
	if pgrep -f "/var/lib/lava/dispatcher/tmp/$id/" > /dev/null 2>&1; then
		fail "job $id left QEMU running"
	fi
	# What the guest and the test shell said, for whoever reads the log.
	python3 - "$out/$id.log" <<'PY'
import sys, yaml
for l in open(sys.argv[1]):
	try:
		r = yaml.safe_load(l)
	except yaml.YAMLError:
		continue
	if not isinstance(r, dict):
		continue
	m = r.get("msg")
	if r.get("lvl") == "target" and isinstance(m, str) and m and \
			not m.startswith("["):
		print("  | " + m)
	elif r.get("lvl") in ("error", "results") and \
			(not isinstance(m, dict) or m.get("definition") != "lava" or
			 m.get("result") != "pass"):
		print("  > %s" % m)
PY
	[ $rc -eq 0 ] || fail "lava-run job $id exited $rc (log: $out/$id.log)"
}

# check ID PYTHON: assertions over the job's LAVA results: cases (name
# -> result) and meas (name -> measurement) of the kmemstorm test
# definition, lava (name -> result) of LAVA's own, log (all records).
check() {
	python3 - "$out/$1.log" "$out/out-$1/result.yaml" <<PY || fail "job $1: LAVA results are wrong (log: $out/$1.log)"
import sys, yaml
log = []
for l in open(sys.argv[1]):
	try:
		r = yaml.safe_load(l)
	except yaml.YAMLError:
		continue
	if isinstance(r, dict):
		log.append(r)
res = [r["msg"] for r in log if r.get("lvl") == "results"]
cases = {m["case"]: m["result"] for m in res if m["definition"] == "0_kmemstorm"}
meas = {m["case"]: m.get("measurement") for m in res if m["definition"] == "0_kmemstorm"}
lava = {m["case"]: m["result"] for m in res if m["definition"] == "lava"}
print("  results:", cases, meas.get("kmemstorm-run"))
job = yaml.safe_load(open(sys.argv[2]))
assert job["case"] == "job" and job["result"] == "pass", job
assert lava["job"] == "pass", lava
assert lava["0_kmemstorm"] == "pass", lava
# TCG, and the overlay went into the ramdisk, not onto a guest disk.
boot = [r["msg"] for r in log if isinstance(r.get("msg"), str)
	and r["msg"].startswith("Boot command: ")]
assert boot and "-accel tcg" in boot[0], boot
assert "-enable-kvm" not in boot[0] and "accel kvm" not in boot[0], boot
assert "kmemstorm.lava=1" in boot[0] and "lava-guest" not in boot[0], boot
assert any(r.get("lvl") == "target" and isinstance(r.get("msg"), str)
	and r["msg"].startswith("kmemstorm-lava-run: kmemstorm ")
	for r in log), "kmemstorm did not run in the guest"
$2
PY
}

job $$ smoke
check $$ '
assert cases == {"dentry-32m": "pass", "inode-tmpfs-64m": "pass",
		"kmemstorm-run": "pass"}, cases
assert float(meas["kmemstorm-run"]) == 0, meas
# each scenario reported as it ended, not after the run: the first
# scenario'"'"'s case comes before the summary the run prints at its end
at = lambda p: next(i for i, r in enumerate(log) if p(r))
first = at(lambda r: r.get("lvl") == "results" and isinstance(r["msg"], dict)
	and r["msg"].get("case") == "dentry-32m")
summary = at(lambda r: r.get("lvl") == "target" and isinstance(r.get("msg"), str)
	and " passed, " in r["msg"])
assert first < summary, ("not reported live", first, summary)
'

# A plan file from the initramfs (/ks/plans), one scenario per result;
# kmemstorm exits 1 and still ran the plan to its end.
job $(($$ + 1)) lava.plan
check $(($$ + 1)) '
assert cases == {"lava-pass": "pass", "lava-fail": "fail", "lava-skip": "skip",
		"kmemstorm-run": "pass"}, cases
assert float(meas["kmemstorm-run"]) == 1, meas
'
echo "lava-run: both jobs complete, every scenario reported"
