#!/bin/sh
# The inputs that once broke our parsers (found by fuzzing, kept in
# tests/fuzz/corpus/).  Plans with over-long lines: refused by line.
# Kernel logs: classify --json gives a record per
# report, each JSON with a valid UTF-8 title.  Journals: every report
# format finishes within 20 s, exits 0, and its output parses: JSON and
# KCIDB as JSON, JUnit and HTML by libxml2, TAP with one plan line and
# results numbered in order.
. "${KS_SRCDIR:-.}/tests/lib.sh"
command -v python3 >/dev/null || skip "needs python3"
command -v xmllint >/dev/null || skip "needs xmllint (libxml2-utils)"
out=$(mktemp -d /tmp/ks-corpus.XXXXXX)
trap 'rm -rf "$out"' EXIT
# Plans: each once had a line whose tail inih read as a live key.  Now
# refused before anything runs, naming the file and line.
for p in "$KS_SRCDIR"/tests/fuzz/corpus/plan/*.plan; do
	"$KS_BIN" run --no-progress -o "$out/plan" "$p" > "$out/p.out" 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "$p: exit $rc, expected 2: $(cat "$out/p.out")"
	grep -q "^$p:[0-9]*: line too long" "$out/p.out" ||
		fail "$p: not refused by line: $(cat "$out/p.out")"
	[ ! -e "$out/plan/journal.jsonl" ] || fail "$p: a refused plan ran"
done
for l in "$KS_SRCDIR"/tests/fuzz/corpus/classify/*; do
	timeout 20 "$KS_BIN" classify --json "$l" > "$out/c.json"
	rc=$?	# 1: it found a bug-severity report
	[ $rc -le 1 ] || fail "$l: classify exited $rc"
	python3 - "$out/c.json" <<'PY' || fail "$l: records"
import json, sys
# strict: the whole output must be UTF-8
lines = open(sys.argv[1], "rb").read().decode("utf-8").splitlines()
assert lines, "no record"
for l in lines:
    assert l.strip(), "an empty record (a string jansson refused)"
    assert json.loads(l)["title"], "a record without its title"
PY
done
for j in "$KS_SRCDIR"/tests/fuzz/corpus/report/*.jsonl; do
	n=$(basename "$j" .jsonl)
	for f in text json junit tap kcidb html; do
		o=$out/$n.$f
		timeout 20 "$KS_BIN" report --format $f "$j" > "$o" 2> "$o.err"
		rc=$?
		[ $rc -eq 0 ] || fail "$n: report --format $f exited $rc: $(cat "$o.err")"
		case $f in
		json | kcidb)
			python3 -c 'import json,sys; json.load(open(sys.argv[1]))' \
				"$o" || fail "$n: $f output is not JSON" ;;
		junit)
			xmllint --noout "$o" || fail "$n: JUnit not well-formed" ;;
		html)
			# libxml2 knows HTML 4 only: its unknown HTML5/SVG
			# tags are not errors; anything else is.
			xmllint --html --noout "$o" 2>&1 | grep 'parser error' |
				grep -v 'Tag [a-z]* invalid' &&
				fail "$n: HTML does not parse cleanly" ;;
		tap)
			python3 - "$o" <<'PY' || fail "$n: TAP is forged"
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
plans = [l for l in lines if re.match(r"^1\.\.\d+", l)]
assert len(plans) == 1, "plan lines: %r" % plans
want = int(plans[0][3:].split()[0])
res = [l for l in lines if re.match(r"^(not )?ok\b", l)]
nums = [int(re.match(r"^(?:not )?ok (\d+)", l).group(1)) for l in res]
assert nums == list(range(1, want + 1)), "results %r for plan %d" % (nums, want)
PY
			;;
		esac
	done
done
echo "PASS: $(ls "$KS_SRCDIR"/tests/fuzz/corpus/report/*.jsonl | wc -l) corpus journals, every format"
