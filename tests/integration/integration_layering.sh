#!/bin/sh
# The folders stack in one order (scripts/check-layering: lib < cgroup <
# classify < workloads < faultinject < results < harness < vm < repro <
# cli) and
# no headers include each other in a circle.  The tree passes, and the
# check is shown to fail on a copy with an upward include and on one
# with a circle.
. "${KS_SRCDIR:-.}/tests/lib.sh"
command -v python3 >/dev/null || skip "needs python3"
check=$KS_SRCDIR/scripts/check-layering

"$check" "$KS_SRCDIR" || fail "the tree breaks the layering (above)"

tmp=$(mktemp -d /tmp/ks-layer.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for d in lib cgroup classify workloads faultinject results harness vm repro cli; do
	cp -r "$KS_SRCDIR/$d" "$tmp/$d"
done

# Upward: the bottom folder reaching for the run loop.
cp -r "$tmp" "$tmp.up" && trap 'rm -rf "$tmp" "$tmp.up"' EXIT
printf '#include "scenario.h"\n' >> "$tmp.up/lib/units.c"
out=$("$check" "$tmp.up" 2>&1) && fail "an upward include passed the check"
line=$(grep -c '' "$tmp.up/lib/units.c")
echo "$out" | grep -q "^lib/units.c:$line: includes harness/scenario.h: harness/ is above lib/" ||
	fail "the upward include was not named: $out"

# A circle of two headers in one folder.
printf '#include "ring_b.h"\n' > "$tmp/cgroup/ring_a.h"
printf '#include "ring_a.h"\n' > "$tmp/cgroup/ring_b.h"
out=$("$check" "$tmp" 2>&1) && fail "an include circle passed the check"
echo "$out" | grep -q "include circle: cgroup/ring_a.h -> cgroup/ring_b.h -> cgroup/ring_a.h" ||
	fail "the circle was not named: $out"

echo "PASS: layering holds, and the check catches an upward include and a circle"
