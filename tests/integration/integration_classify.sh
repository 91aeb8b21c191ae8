#!/bin/sh
# `kmemstorm classify` on every report fixture prints the title, kind and
# corrupted flag its header names (the unit test checks the library; this
# checks the command), and exits 1 exactly when a bug was found.
. "${KS_SRCDIR:-.}/tests/lib.sh"
command -v python3 >/dev/null || skip "needs python3 to read the JSON"
n=0
for f in "$KS_SRCDIR"/tests/fixtures/reports/*.log; do
	"$KS_BIN" classify --json "$f" > /tmp/ks-classify.$$ 2>&1
	code=$?
	python3 - "$f" /tmp/ks-classify.$$ "$code" <<'PY' || { rm -f /tmp/ks-classify.$$; fail "$f"; }
import json, sys
head = {}
for l in open(sys.argv[1]):
    if not l.startswith("# "):
        break
    k, _, v = l[2:].partition(": ")
    head[k] = v.strip()
reps = [json.loads(l) for l in open(sys.argv[2])]
first = [r for r in reps if r["severity"] != "context"][0]
assert first["title"] == head["title"], (first["title"], head["title"])
assert first["kind"] == head["kind"], (first["kind"], head["kind"])
assert first["corrupted"] == (head["corrupted"] == "yes")
bugs = any(r["severity"] == "bug" for r in reps)
assert int(sys.argv[3]) == (1 if bugs else 0), ("exit", sys.argv[3])
PY
	n=$((n + 1))
done
rm -f /tmp/ks-classify.$$
[ $n -ge 1 ] || fail "no fixtures"
"$KS_BIN" classify /nonexistent/log > /dev/null 2>&1
[ $? -eq 2 ] || fail "a missing file did not exit 2"
echo "PASS: classify on $n fixtures"
