#!/bin/sh
# Whole runs under fiu-run (libfiu): first every named failure point of
# the harness (docs/failure-points.md) on its own, then rounds of random
# POSIX, malloc and failure-point failures with fixed seeds.  Whatever
# fails, the harness must not die of a signal or hang, must exit 2 saying
# what failed or give a normal verdict, keep the journal a valid prefix
# and leave no cgroup, scratch dir, mount or loop device behind.
#
# Needs a kmemstorm built with ./configure --with-libfiu: its --version
# says so.  KS_FIU_ROUNDS (default 20) sets the number of random rounds,
# KS_FIU_SEED (default 1) the first seed.
. "${KS_SRCDIR:-.}/tests/lib.sh"
skip_in_distcheck
"$KS_BIN" --version 2>/dev/null | grep -q 'libfiu failure points' ||
	skip "kmemstorm built without libfiu failure points (./configure --with-libfiu)"
command -v fiu-run >/dev/null ||
	skip "needs fiu-run (Debian package fiu-utils)"
command -v timeout >/dev/null || skip "needs timeout (coreutils)"
require_root_memcg

start=$(date +%s)
out=$(mktemp -d /tmp/ks-fiu.XXXXXX)
trap 'rm -rf "$out"' EXIT
plan="$KS_SRCDIR/tests/plans/fiu.plan"
rounds=${KS_FIU_ROUNDS:-20}
seed0=${KS_FIU_SEED:-1}
# A whole run takes about 4 s, 35 s when mkfs.btrfs hangs and the
# harness kills it; one that takes 60 s hangs.
limit=60

# run_fiu NAME SEED FIU-RUN-ARGS...: run the plan under fiu-run; sets
# code (timeout's: 124 or 137 for a hang) and pid (the harness's).
run_fiu() {
	name=$1
	dir="$out/$name"
	FIU_PRNG_SEED=$2
	export FIU_PRNG_SEED
	shift 2
	# -f "": no remote control thread and no FIFOs left in /tmp.
	timeout -k 5 $limit sh -c 'echo $$ >"$0.pid"; exec "$@"' "$dir" \
		fiu-run -x -f "" "$@" \
		"$KS_BIN" run --no-progress -o "$dir" "$plan" \
		>"$dir.out" 2>&1
	code=$?
	unset FIU_PRNG_SEED
	pid=$(cat "$dir.pid")
}

# What every run must satisfy, whatever failed.
check_run() {
	what="$name (exit $code)"
	case $code in
	0|1|2|4) ;;
	124|137) fail "$what: hung, killed after $limit s; output: $(tail -5 "$dir.out")" ;;
	*) fail "$what: not a kmemstorm exit code (>= 128: died of signal $((code - 128))); output: $(tail -5 "$dir.out")" ;;
	esac
	if [ $code -eq 2 ] &&
	   ! grep -qE '^kmemstorm: |^[^ ]+: ' "$dir.out"; then
		fail "$what: harness error without a message: $(cat "$dir.out")"
	fi
	[ -z "$(leftover_cgroups)" ] ||
		fail "$what: cgroups left behind: $(leftover_cgroups)"
	ls -d /var/tmp/kmemstorm."$pid".* 2>/dev/null &&
		fail "$what: scratch dir left behind"
	grep -F "kmemstorm.$pid." /proc/self/mountinfo &&
		fail "$what: mount left behind"
	for f in /sys/block/loop*/loop/backing_file; do
		[ -r "$f" ] || continue
		grep -qF "kmemstorm.$pid." "$f" &&
			fail "$what: loop device left behind: $f: $(cat "$f")"
	done
	[ -e "$dir/journal.jsonl" ] || return 0
	jfail=0
	if grep -q '^kmemstorm: journal .*nothing written after it' "$dir.out"
	then
		jfail=1
		[ $code -eq 2 ] || fail "$what: journal failed, yet exit $code"
	fi
	python3 - "$dir/journal.jsonl" "$code" $jfail <<'PY' ||
import json, sys
data = open(sys.argv[1], "rb").read()
code = int(sys.argv[2])
jfail = sys.argv[3] == "1"	# the harness said the journal failed
lines = data.split(b"\n")
tail = lines.pop()	# after the last newline: a record cut short, or nothing
assert tail == b"" or tail.startswith(b'{"type":'), "bad last line %r" % tail[:80]
recs = []
for i, l in enumerate(lines):
	try:
		recs.append(json.loads(l))
	except ValueError as e:
		raise SystemExit("line %d is not JSON (%s): %r" % (i + 1, e, l[:120]))
cur, t = None, 0
for i, r in enumerate(recs):
	ty = r.get("type")
	assert (ty == "run_start") == (i == 0), "record %d: %s" % (i + 1, ty)
	assert r.get("t_ms", t) >= t, "record %d: time goes back" % (i + 1)
	t = r.get("t_ms", t)
	if ty == "scenario_start":
		assert cur is None, "record %d: %s still open" % (i + 1, cur)
		cur = r["scenario"]
	elif ty == "scenario_end":
		assert cur == r["scenario"], "record %d: end of %s" % (i + 1, r["scenario"])
		cur = None
	elif ty == "run_end":
		assert cur is None and i == len(recs) - 1, "record %d: run_end" % (i + 1)
		# unless an fsync after it failed
		assert r["exit_code"] == code or jfail, "run_end says %d" % r["exit_code"]
	elif ty != "run_start":
		assert cur == r.get("scenario"), "record %d: %s outside its scenario" % (i + 1, ty)
# Whole, unless the harness said that writing it failed.
assert jfail or (recs and recs[-1]["type"] == "run_end"), "journal cut short, exit %d" % code
PY
		fail "$what: journal is not a valid prefix: $dir/journal.jsonl"
}

# --- every named failure point, on its own ---------------------------------
# point|enable parameters|expected exit codes|message (grep -E).  Where
# the harness copes, the storms give the verdict: pass, or fail when the
# machine has something to say (a kernel report, a taint).
while IFS='|' read -r point params codes msg; do
	[ -n "$point" ] || continue
	run_fiu "$(echo "${point#kmemstorm/}" | tr / -)" 1 \
		-c "enable name=$point$params"
	check_run
	case " $codes " in
	*" $code "*) ;;
	*) fail "$what: expected exit $codes; output: $(cat "$dir.out")" ;;
	esac
	grep -qE -- "$msg" "$dir.out" ||
		fail "$what: no message matching '$msg': $(cat "$dir.out")"
	echo "ok: $point: exit $code: $(grep -E -- "$msg" "$dir.out" | head -1)"
done <<'EOF'
kmemstorm/plan/read||2|fiu\.plan: Input/output error
kmemstorm/outdir/mkdir||2|^kmemstorm: .*: Read-only file system
kmemstorm/journal/open||2|journal\.jsonl: No space left on device
kmemstorm/journal/write||2|journal .*: write: Input/output error
kmemstorm/journal/fsync||2|journal .*: fsync: Input/output error
kmemstorm/kmsg/open||0 1|kernel reports will not be seen: /dev/kmsg: Permission denied
kmemstorm/kmsg/read||0 1|/dev/kmsg: read: Input/output error
kmemstorm/mount/unshare||0 1|no private mount namespace
kmemstorm/runcg/mkdir||4|skipped: mkdir .*: No space left on device
kmemstorm/cgroup/mkdir||2|error .*mkdir .*: No space left on device
kmemstorm/cgroup/write||2 4|(error|skipped).*: Input/output error
kmemstorm/cgroup/stats||2|error .*cannot read the memory statistics of
kmemstorm/cgroup/rmdir|,onetime|0 1|\[3/3\] btrfs: (pass|fail)
kmemstorm/scratch/mkdir||2|cannot create scratch dir: No space left on device
kmemstorm/workdir/mkdir||2|error .*: No space left on device
kmemstorm/worker/alloc||2|workers: Cannot allocate memory
kmemstorm/worker/fork||2|starting workers in .*: Resource temporarily unavailable
kmemstorm/loop/attach||2|btrfs: error .*loop: /dev/loop-control: No such device
EOF

# Nothing at all before the plan was read; no journal without its dir.
[ ! -e "$out/plan-read" ] || fail "plan/read: output dir made anyway"
[ ! -e "$out/outdir-mkdir/journal.jsonl" ] ||
	fail "outdir/mkdir: journal written anyway"
grep -q '\[1/3\]' "$out/journal-write.out" &&
	fail "journal/write: scenarios ran without a journal"

# --- random failures ---------------------------------------------------------
# Reads, writes, opens, closes, directory walks, syncs, mmaps and stdio
# opens fail at random, and so do malloc and friends, fork and waitpid
# (not kill: a fake ESRCH would have the harness reap a live run's
# cgroup), and the named points; in the harness, in its workers and in
# mkfs.btrfs alike.  Rounds take turns at three rates, so that runs end
# early and late.
i=0
while [ $i -lt "$rounds" ]; do
	seed=$((seed0 + i))
	case $((seed % 3)) in
	0) p=0.02 m=0.002 ;;
	1) p=0.005 m=0.0005 ;;
	*) p=0.001 m=0.0001 ;;
	esac
	run_fiu "random-$seed" $seed \
		-c "enable_random name=posix/io/*,probability=$p" \
		-c "enable_random name=posix/mm/*,probability=$p" \
		-c "enable_random name=posix/stdio/oc/*,probability=$p" \
		-c "enable_random name=posix/proc/fork,probability=$p" \
		-c "enable_random name=posix/proc/waitpid,probability=$p" \
		-c "enable_random name=libc/*,probability=$m" \
		-c "enable_random name=kmemstorm/*,probability=$p"
	check_run
	echo "ok: random seed $seed (p=$p): exit $code: $(grep -E '^kmemstorm: ' "$dir.out" | grep -vE '\[[0-9]+/[0-9]+\]' | head -1)"
	i=$((i + 1))
done
echo "PASS: libfiu failure points and $rounds random rounds in $(($(date +%s) - start)) s"
