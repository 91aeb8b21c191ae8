#!/bin/sh
# scripts/nightly, and the kmemstorm gate it runs, in TCG guests on the
# project kernel: the seed question, kmem accounting on or
# cgroup.memory=nokmem, on tests/plans/vm-gate.plan, plus the same kernel
# given as an image. The table's figures are checked against the journals
# they came from, and every report format of the fresh journals against
# its schema.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_guest_kernel
out=$(mktemp -d /tmp/ks-gate.XXXXXX)
trap 'rm -rf "$out"' EXIT

KS_BIN=$KS_BIN "$KS_SRCDIR/scripts/nightly" -o "$out/n" --jobs 2 \
	--plan "$KS_SRCDIR/tests/plans/vm-gate.plan" --config default \
	--config cgroup.memory=nokmem --config "$kernel" > "$out/n.txt" 2>&1
rc=$?
cat "$out/n.txt"
[ $rc -eq 0 ] || fail "nightly: exit $rc, expected 0 (no config shows a bug)"
ln -s n/gate "$out/g"
cp "$out/n/gate.out" "$out/g.txt"
grep -Eq '^default +3/3 +0 +0 \(0\) +3/3 .* baseline +PASS$' "$out/g.txt" ||
	fail "gate: the default config's row is wrong"
# nokmem: dentries and inodes go uncharged, their limits never bind.
grep -Eq '^cgroup.memory=nokmem +3/3 +0 +0 \(0\) +1/3 .* PASS$' "$out/g.txt" ||
	fail "gate: the nokmem row is wrong"
grep -q 'limit not reached: dentry-8m' "$out/g.txt" || fail "dentry-8m under nokmem"
grep -q 'limit not reached: inode-8m' "$out/g.txt" || fail "inode-8m under nokmem"
# kmem accounting on: the default command line, or the same kernel given as
# an image (which of the two is faster decides between them).
grep -q "^decision: \(default\|$kernel\) " "$out/g.txt" ||
	fail "gate: kmem accounting on should be the decision"

python3 - "$out/g" "$kernel" <<'PY' || fail "gate.json does not match the journals"
import json, sys, os, math
top, kernel = sys.argv[1], sys.argv[2]
d = json.load(open(os.path.join(top, "gate.json")))
assert d["decision"] in ("default", kernel) and d["failed"] == 0, d
cfg = {c["config"]: c for c in d["configs"]}
assert cfg[kernel]["kernel"] == kernel and cfg[kernel]["append"] == ""
def journal(c):
	return [json.loads(l) for l in open(os.path.join(top, c["dir"], "journal.jsonl"))]
ends = {}
for name, c in cfg.items():
	recs = journal(c)
	cmd = recs[0]["kernel"]["cmdline"]
	assert ("cgroup.memory=nokmem" in cmd) == (name == "cgroup.memory=nokmem"), cmd
	assert recs[-1]["type"] == "vm_end" and recs[-1]["outcome"] == "finished"
	ends[name] = {r["scenario"]: r for r in recs if r["type"] == "scenario_end"}
	# Containment: each entry is its scenario_end's memcg.limit_hits.
	for x in c["containment"]:
		r = recs[x["line"] - 1]
		assert r is ends[name][x["scenario"]] or r == ends[name][x["scenario"]]
		assert x["reached"] == (r["memcg"]["limit_hits"] > 0)
	assert c["limits_reached"] == sum(x["reached"] and x["bound"] for x in c["containment"])
	assert c["kernel_bugs"] == [] and c["unhandled_enomem"] == []
	o = c["over_limit"]
	r = recs[o["line"] - 1]
	assert o["bytes"] == max(0, r["memcg"]["peak"] - r["memcg"]["limit"]), (o, r["memcg"])
# Throughput: the geometric mean of the journals' ops_per_sec ratios.
for name in ("cgroup.memory=nokmem", kernel):
	rs = [ends[name][s]["ops_per_sec"] / ends["default"][s]["ops_per_sec"]
	      for s in ends["default"]]
	want = math.exp(sum(map(math.log, rs)) / len(rs))
	got = cfg[name]["throughput"]["ratio"]
	assert abs(got - want) < 1e-9, (name, got, want)
print("gate figures traced back: ok")
PY

# Every format of every config, from these fresh guest journals, valid.
for c in c1 c2 c3; do
	for ext in txt xml tap kcidb.json json html; do
		[ -s "$out/n/$c.$ext" ] || fail "nightly wrote no $c.$ext"
	done
done
if xsd=$(junit_xsd); then
	for c in c1 c2 c3; do
		xmllint --noout --schema "$xsd" "$out/n/$c.xml" ||
			fail "$c.xml does not validate against junit-4.xsd"
	done
else
	echo "note: no JUnit XSD (npm registry unreachable): XML only checked well-formed"
	xmllint --noout "$out/n/c1.xml" || fail "c1.xml is not XML"
fi
$KS_PY - "$out/n"/c?.kcidb.json <<'PY' || fail "KCIDB output of the nightly says the wrong things"
import json, sys
for f in sys.argv[1:]:
	d = json.load(open(f))
	assert d["version"]["major"] == 5, d["version"]
	assert sorted(t["status"] for t in d["tests"]) == ["PASS"] * 3, f
	# a complete submission: the build as scripts/build-kernel made it
	b = d["builds"][0]
	assert b["status"] == "PASS" and b["compiler"].startswith("gcc"), b
	assert b["config_name"].startswith("tinyconfig+kvm_guest.config+kmemstorm.config"), b
	assert b["duration"] > 0 and b["command"].startswith("scripts/build-kernel"), b
	assert d["checkouts"][0]["comment"].startswith("Linux 6.12"), d["checkouts"]
PY
if SCHEMAS=$(kcidb_schemas); then
	kcidb_validate "$SCHEMAS/kcidb.v5.3.json" "$out/n"/c?.kcidb.json ||
		fail "KCIDB output of the nightly does not validate against kcidb.v5.3.json"
	for c in c1 c2 c3; do
		"$KS_BIN" report --format kcidb --kcidb-version 4.5 -o "$out/$c.k45" "$out/g/$c" ||
			fail "report --kcidb-version 4.5 of $c failed"
	done
	kcidb_validate "$SCHEMAS/kcidb.v4.5.json" "$out"/c?.k45 ||
		fail "KCIDB 4.5 output of the nightly does not validate against kcidb.v4.5.json"
else
	echo "note: KCIDB output not validated: no published schemas (set KS_KCIDB_SCHEMAS, or ../shared/schemas/kcidb beside the source)"
fi
for c in c1 c2 c3; do
	perl -MTAP::Parser -e '
		my $p = TAP::Parser->new({ source => $ARGV[0] });
		1 while $p->next;
		exit !($p->is_good_plan && !$p->parse_errors &&
		       $p->passed == 3 && $p->version == 13);' "$out/n/$c.tap" ||
		fail "$c.tap: not 3 passing tests of TAP 13"
done
grep -q '<svg' "$out/n/c1.html" || fail "c1.html has no plot"
[ "$(grep -o '<dt>cmdline</dt>' "$out/n/all.html" | wc -l)" -eq 3 ] ||
	fail "all.html does not hold the three configs"

# The gate's journals are ordinary runs: every report format reads them.
"$KS_BIN" report "$out/g/c2" > "$out/r.txt" || fail "report of a gate run failed"
grep -q 'cgroup.memory=nokmem' "$out/r.txt" || fail "report: nokmem cmdline missing"
"$KS_BIN" compare "$out/g/c1" "$out/g/c2" > "$out/cmp.txt"
[ $? -eq 1 ] || fail "compare kmem on -> nokmem: expected a regression"
grep -q 'memory limit no longer reached' "$out/cmp.txt" ||
	fail "compare: containment loss not reported"
# SIGTERM: the guests stop, nothing is left running, exit 128+15 (gate
# once said 130 for every signal).
"$KS_BIN" gate --kernel "$kernel" --config default \
	--config cgroup.memory=nokmem --jobs 2 -o "$out/int" \
	"$KS_SRCDIR/tests/plans/vm-gate.plan" > "$out/int.txt" 2>&1 &
gate=$!
sleep 10
kill -TERM $gate
wait $gate
rc=$?
cat "$out/int.txt"
[ $rc -eq 143 ] || fail "gate after SIGTERM: exit $rc, expected 143"
grep -q "interrupted; 'kmemstorm gate --from $out/int'" "$out/int.txt" ||
	fail "gate after SIGTERM does not say how to decide later"
sleep 1
! pgrep -f "qemu-system.*$out/int" >/dev/null ||
	fail "QEMU still running after the gate was interrupted"
# Deciding from what ran: configs whose runs did not finish fail.
"$KS_BIN" gate --from "$out/int" > "$out/int2.txt" 2>&1
rc=$?
cat "$out/int2.txt"
[ $rc -eq 1 ] || fail "gate --from an interrupted gate: exit $rc, expected 1"
grep -q 'decision: no configuration passes the gate' "$out/int2.txt" ||
	fail "gate --from an interrupted gate: a config passed"
echo "PASS: kmemstorm gate in guests"
