#!/bin/sh
# Kernel fault injection in a TCG guest on the project kernel: failslab
# and fail_page_alloc inject into the workers only (the kernel's own
# counters and stacks say so), fail-nth sweeps list allocation sites and
# find tmpfs's ENOSPC, a recorded step replays the same, and the knobs
# come back after SIGINT and after SIGKILL plus a new run.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_guest_kernel
out=$(mktemp -d /tmp/ks-vmi.XXXXXX)
trap 'rm -rf "$out"' EXIT

"$KS_BIN" vm --kernel "$kernel" --append kmemstorm.selftest=knobs \
	--timeout 900 -o "$out/vi" "$KS_SRCDIR/tests/plans/vm-inject.plan" \
	> "$out/vi.out" 2>&1
code=$?
cat "$out/vi.out"
[ $code -eq 0 ] || fail "vm-inject plan: exit $code"

# Knobs: SIGINT restores them at once; SIGKILL leaves them armed with the
# recovery file, and the next run puts them back.
con="$out/vi/console.log"
before=$(sed -n 's/^.*kmemstorm-guest: selftest before: //p' "$con" | tr -d '\r')
[ -n "$before" ] || fail "no selftest in the console"
case $before in *"probability=0 "*"task-filter=N "*) ;;
	*) fail "unexpected boot-time knobs: $before" ;; esac
grep -q "selftest INT armed: probability=1 task-filter=Y ignore-gfp-wait=N" "$con" ||
	fail "failslab was not armed before SIGINT"
after_int=$(sed -n 's/^.*selftest INT exit=130 file=gone after: //p' "$con" | tr -d '\r')
[ "$after_int" = "$before" ] || fail "after SIGINT: '$after_int', not '$before'"
grep -q "selftest KILL exit=137 file=left after: probability=1 task-filter=Y" "$con" ||
	fail "SIGKILL did not leave the knobs armed with the recovery file"
grep -q "selftest next run: kmemstorm: restored 9 fault injection knob(s) a killed run left armed" "$con" ||
	fail "the next run did not say it restored the knobs"
after_next=$(sed -n 's/^.*selftest after next run: exit=0 //p' "$con" | tr -d '\r')
[ "$after_next" = "$before" ] || fail "after the next run: '$after_next', not '$before'"
grep -q "kmemstorm-guest: leftover cgroups=0" "$con" || fail "cgroups left in the guest"

check_journal "$out/vi/journal.jsonl" '
ends = {r["scenario"]: r for r in by("scenario_end")}
assert all(e["verdict"] == "pass" for e in ends.values()), \
	[(k, e["reasons"]) for k, e in ends.items()]
fs = ends["failslab-dentry"]["inject"]
# the kernel counted 200 injections (times); each printed message, all
# but __GFP_NOWARN ones, came with the stack of a worker, none other
assert fs["failslab"]["injected"] == 200, fs
# the 8M log ring of the guest holds a burst of stacks until the monitor reads it
assert ends["failslab-dentry"]["kmsg_lost"] == 0, ends["failslab-dentry"]
msgs = fs["failslab"]["kernel_messages"]
assert 150 <= msgs <= 200, fs
assert fs["stacks"]["workers"] == msgs and fs["stacks"]["others"] == 0, fs
assert ends["failslab-dentry"]["enomem"] > 0
pa = ends["fail-page-alloc-inode"]["inject"]
assert pa["fail_page_alloc"]["injected"] > 0, pa
assert pa.get("stacks", {}).get("others", 0) == 0, pa
# sweeps: every operation finished, with the allocation sites it hit
for sc, sites in (("sweep-dentry", {"create": "__d_alloc"}),
		  ("sweep-inode", {"create": "shmem_alloc_inode",
				   "xattr": "simple_xattr_alloc"})):
	sw = ends[sc]["sweep"]
	for op, o in sw["ops"].items():
		assert o["status"] == "done", (sc, op, o)
		assert o["fired"] == o["steps"] - 1, (sc, op, o)
	for op, site in sites.items():
		assert site in [s["site"] for s in sw["ops"][op]["sites"]], \
			(sc, op, sw["ops"][op]["sites"])
steps = by("sweep_step")
assert len(steps) == sum(o["steps"] for e in ends.values() if "sweep" in e
			 for o in e["sweep"]["ops"].values())
# tmpfs says ENOSPC for an inode it could not allocate: a known
# conversion under injection, journaled with its step, not a finding.
find = [f for f in by("sweep_finding") if f["scenario"] == "sweep-inode"]
assert not any(f["finding"] == "ENOMEM surfaced as ENOSPC from create"
	       for f in find), find
enospc = [s for s in steps if s["scenario"] == "sweep-inode" and
	  s["op"] == "create" and s["fired"] and s.get("errno") == "ENOSPC" and
	  s.get("site") == "shmem_alloc_inode"]
assert enospc, [s for s in steps if s["scenario"] == "sweep-inode"][:5]
open(sys.argv[1] + ".finding", "w").write(str(enospc[0]["n"]))
'
n=$(cat "$out/vi/journal.jsonl.finding")

# The finding replays the same, in a fresh guest.
"$KS_BIN" replay "$out/vi/journal.jsonl" --scenario sweep-inode --op create \
	--nth "$n" -o "$out/rp" --vm --kernel "$kernel" > "$out/rp.out" 2>&1
code=$?
cat "$out/rp.out"
[ $code -eq 0 ] || fail "replay exit $code"
grep -q '^replay: the same$' "$out/rp.out" || fail "replay differs"
grep -q '"site":"shmem_alloc_inode"' "$out/rp.out" || fail "replayed site"
echo "PASS: fault injection in a guest"
