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
if head["kind"] == "none":
    assert not any(r["severity"] == "bug" for r in reps), reps
    assert int(sys.argv[3]) == 0
    sys.exit(0)
first = [r for r in reps if r["severity"] != "context"][0]
alts = [l[len("# alt: "):].rstrip("\n") for l in open(sys.argv[1]) if l.startswith("# alt: ")]
if alts:
    assert sorted(alts) == sorted(first.get("alt_titles", [])), (alts, first.get("alt_titles"))
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
# docs/classifier.md's rules table is the code's (classify --rules).
"$KS_BIN" classify --rules | sed 's/|/\\|/g' |
	awk -F '\t' '{ printf "| `%s` | `%s` | `%s` |\n", $1, $2, $3 }' > /tmp/ks-rules.$$
sed -n '/<!-- rules:begin -->/,/<!-- rules:end -->/p' "$KS_SRCDIR/docs/classifier.md" |
	grep '^| `' > /tmp/ks-rules-doc.$$
cmp -s /tmp/ks-rules.$$ /tmp/ks-rules-doc.$$ || {
	diff /tmp/ks-rules-doc.$$ /tmp/ks-rules.$$ | head
	rm -f /tmp/ks-rules.$$ /tmp/ks-rules-doc.$$
	fail "docs/classifier.md's rules table is not kmemstorm classify --rules"
}
rm -f /tmp/ks-rules.$$ /tmp/ks-rules-doc.$$
# --syzkaller prints the title alone, and nothing where syzkaller finds nothing.
t=$("$KS_BIN" classify --syzkaller "$KS_SRCDIR/tests/fixtures/reports/warning-new-format-written.log")
[ "$t" = "WARNING in shmem_alloc_inode" ] || fail "--syzkaller printed '$t'"
t=$("$KS_BIN" classify --syzkaller "$KS_SRCDIR/tests/fixtures/reports/not-reports-written.log")
[ -z "$t" ] || fail "--syzkaller found '$t' where syzkaller finds nothing"
echo "PASS: classify on $n fixtures"
