#!/bin/sh
# The chargefail injector on this machine: workers the OOM killer cannot
# take, the limit squeezed down to their usage in recorded steps,
# accounted allocations failing with ENOMEM, the overshoot reported, and
# nothing left behind: no cgroup, the own cgroup's knobs as they were.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_root_memcg
out=$(mktemp -d /tmp/ks-chargefail.XXXXXX)
trap 'rm -rf "$out"' EXIT

# Can a process of ours make itself unkillable (CAP_SYS_RESOURCE)?
if sh -c 'echo -1000 > /proc/self/oom_score_adj' 2>/dev/null; then
	method=oom_score_adj
elif [ "$KS_CG_VERSION" = 1 ]; then
	method=oom_control
else
	skip "cgroup v2 and no CAP_SYS_RESOURCE: no way to make workers unkillable"
fi

if [ "$KS_CG_VERSION" = 1 ]; then
	knobs="memory.oom_control memory.limit_in_bytes"
else
	knobs="memory.max"
fi
before=$(cd "$KS_OWN_CG" && cat $knobs 2>/dev/null)

"$KS_BIN" run --no-progress -o "$out/run" "$KS_SRCDIR/tests/plans/chargefail-host.plan" \
	> "$out/stdout" 2> "$out/stderr"
code=$?
cat "$out/stdout" "$out/stderr"
[ $code -eq 0 ] || fail "chargefail plan exited $code"
[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"
[ "$(cd "$KS_OWN_CG" && cat $knobs 2>/dev/null)" = "$before" ] ||
	fail "the own cgroup's $knobs changed"

check_journal "$out/run/journal.jsonl" "
method = '$method'
ends = {r['scenario']: r for r in by('scenario_end')}
assert set(ends) == {'inode', 'socket'}, ends
for name, e in ends.items():
	assert e['verdict'] == 'pass', (name, e['reasons'])
	cf = e['inject']['chargefail']
	assert cf['method'] == method, (name, cf['method'])
	# ENOMEM from accounted allocations, counted per operation
	ops = {op: v['enomem'] for op, v in e['ops'].items() if v['enomem']}
	assert ops and e['enomem'] == sum(ops.values()), (name, ops)
	assert cf['enomem']['squeezed'] > 0, (name, cf['enomem'])
	for op, n in cf['enomem']['by_op'].items():
		assert 0 < n <= ops[op], (name, op, n, ops)
	assert e['memcg']['oom_kills'] == 0, name
	# the limit history: the plan's limit, then steps down
	st = cf['steps']
	assert st[0]['t_ms'] == 0 and st[0]['limit'] == 128 << 20, st[0]
	assert len(st) >= 2 and cf['steps_taken'] == len(st) - 1, st
	for a, b in zip(st, st[1:]):
		assert b['limit'] < a['limit'] and b['t_ms'] >= 500, (a, b)
		assert b['limit'] >= b['usage'], b
	assert cf['lowest_limit'] == st[-1]['limit'] < 128 << 20, cf
	# the overshoot: sampled against the limit in force, and the peak
	o = cf['overshoot']
	assert o['samples'] > 0 and 'sampled_max' in o, o
	assert o['peak'] > 0 and o['peak_over_lowest'] == o['peak'] - cf['lowest_limit'], o
	assert 'restore_error' not in cf and 'error' not in cf, cf
"

# A bad method is refused before anything is created.
sed 's/^inject = chargefail$/&\nchargefail.method = oom_kill/' \
	"$KS_SRCDIR/tests/plans/chargefail-host.plan" > "$out/bad.plan"
"$KS_BIN" run --no-progress -o "$out/bad" "$out/bad.plan" > "$out/bad.out" 2>&1
[ $? -eq 2 ] || fail "chargefail.method = oom_kill accepted"
grep -q "chargefail.method: 'oom_kill' is not auto, oom_score_adj or oom_control" \
	"$out/bad.out" || fail "bad method message: $(cat "$out/bad.out")"
[ ! -e "$out/bad" ] || fail "a bad plan created its output directory"

# oom_score_adj asked for where it cannot work: skipped with the reason.
if [ "$method" = oom_control ]; then
	sed 's/^inject = chargefail$/&\nchargefail.method = oom_score_adj/' \
		"$KS_SRCDIR/tests/plans/chargefail-host.plan" > "$out/adj.plan"
	"$KS_BIN" run --no-progress -o "$out/adj" "$out/adj.plan" > "$out/adj.out" 2>&1
	[ $? -eq 4 ] || { cat "$out/adj.out"; fail "oom_score_adj without the capability did not skip"; }
	grep -q 'needs CAP_SYS_RESOURCE' "$out/adj/journal.jsonl" ||
		fail "the skip does not say why"
	[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"
fi
echo "PASS: chargefail ($method): ENOMEM, limit steps, overshoot, nothing left behind"
