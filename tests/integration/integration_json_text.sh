#!/bin/sh
# Every string enters a JSON record through ks_json_text() (lib/utf8.c):
# scripts/check-json-text passes on the tree, and names a bare
# json_string() and a json_pack "s" of a variable on a copy.
. "${KS_SRCDIR:-.}/tests/lib.sh"
command -v python3 >/dev/null || skip "needs python3"
check=$KS_SRCDIR/scripts/check-json-text

"$check" "$KS_SRCDIR" || fail "a string enters a record unchecked (above)"

tmp=$(mktemp -d /tmp/ks-jtext.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/results"
cat > "$tmp/results/bad.c" <<'C'
static void f(json_t *o, const char *name)
{
	json_object_set_new(o, "a", json_string(name));
	o = json_pack("{s:s, s:s}", "type", "literal is fine",
		      "name", name);
}
C
out=$("$check" "$tmp" 2>&1) && fail "the check passed a bare json_string"
echo "$out" | grep -q '^results/bad.c:3: json_string: use ks_json_text()' ||
	fail "json_string not named: $out"
echo "$out" | grep -q '^results/bad.c:4: json_pack "s" of name' ||
	fail "json_pack s not named: $out"
[ "$(echo "$out" | grep -c .)" = 2 ] || fail "a literal was flagged: $out"
echo "PASS: json-text holds, and the check catches both ways round it"
