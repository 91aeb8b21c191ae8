#!/bin/sh
# kmemstorm.plan(5) documents exactly the plan keys the parser's table
# has, and every workload's and injector's options (scripts/check-man-plan
# against 'kmemstorm list --names'); the check is shown to catch a key
# the page lacks and one it has that the parser does not; kmemstorm(1)
# names every option of every command (scripts/check-man-cmd).
. "${KS_SRCDIR:-.}/tests/lib.sh"
command -v python3 >/dev/null || skip "needs python3"
check=$KS_SRCDIR/scripts/check-man-plan
page=$KS_SRCDIR/man/kmemstorm.plan.5
tmp=$(mktemp -d /tmp/ks-man.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$KS_BIN" list --names > "$tmp/names" || fail "kmemstorm list --names failed"
grep -q '^key memory.max$' "$tmp/names" || fail "no plan keys in list --names"
grep -q '^workload dentry name_len$' "$tmp/names" || fail "no workload options"
"$check" "$page" < "$tmp/names" || fail "kmemstorm.plan(5) and the tables differ (above)"

# A key the parser gained and the page did not.
{ cat "$tmp/names"; echo "key expect.new_thing"; } > "$tmp/more"
out=$("$check" "$page" < "$tmp/more") && fail "an undocumented key passed"
echo "$out" | grep -q "key expect.new_thing: no entry" || fail "not named: $out"
# A key the page has and the parser lost.
grep -v '^key respawn$' "$tmp/names" > "$tmp/less"
out=$("$check" "$page" < "$tmp/less") && fail "a documented key the parser lacks passed"
echo "$out" | grep -q "key respawn: documented, but the parser has no such key" ||
	fail "not named: $out"
# An option missing from its workload's entry.
{ cat "$tmp/names"; echo "workload dentry new_opt"; } > "$tmp/opt"
out=$("$check" "$page" < "$tmp/opt") && fail "an undocumented option passed"
echo "$out" | grep -q "workload dentry: option new_opt not named" || fail "not named: $out"

# kmemstorm(1) and the commands' option tables (scripts/check-man-cmd).
cmdcheck=$KS_SRCDIR/scripts/check-man-cmd
cmdpage=$KS_SRCDIR/man/kmemstorm.1
grep -q '^option vm hang-timeout$' "$tmp/names" || fail "no command options in list --names"
"$cmdcheck" "$cmdpage" < "$tmp/names" || fail "kmemstorm(1) and the option tables differ (above)"
{ cat "$tmp/names"; echo "option gate new-opt"; } > "$tmp/cmore"
out=$("$cmdcheck" "$cmdpage" < "$tmp/cmore") && fail "an undocumented option passed"
echo "$out" | grep -q "gate --new-opt: not in its" || fail "not named: $out"
grep -v '^option run journal-tee$' "$tmp/names" > "$tmp/cless"
out=$("$cmdcheck" "$cmdpage" < "$tmp/cless") && fail "a synopsis option the command lacks passed"
echo "$out" | grep -q "run --journal-tee: in the SYNOPSIS, but the command has no such option" ||
	fail "not named: $out"
"$KS_BIN" run --help | grep -q -- '--journal-tee FILE  also write every journal record' ||
	fail "run --help does not show its option table"

"$KS_BIN" list | grep -q '^  memory.max = SIZE$' ||
	fail "kmemstorm list does not show the plan keys from the table"
echo "PASS: kmemstorm.plan(5), kmemstorm(1), list and --help follow the tables"
