#!/bin/sh
# The default (smoke) plan, for real, as root: verdicts, journal, cleanup.
. "${KS_SRCDIR:-.}/tests/lib.sh"
require_root_memcg
out=$(mktemp -d /tmp/ks-smoke.XXXXXX)
trap 'rm -rf "$out"' EXIT

"$KS_BIN" run --no-progress -o "$out" > "$out/stdout" 2> "$out/stderr"
code=$?
cat "$out/stdout" "$out/stderr"
[ $code -eq 0 ] || fail "smoke plan exited $code"
grep -q '^2 passed, 0 failed, 0 skipped, 0 errors$' "$out/stdout" ||
	fail "summary table does not show 2 passes"
[ -z "$(leftover_cgroups)" ] || fail "cgroups left behind: $(leftover_cgroups)"
ls -d /var/tmp/kmemstorm.$$.* 2>/dev/null && fail "scratch dir left behind"

check_journal "$out/journal.jsonl" '
first = recs[0]
assert first["type"] == "run_start", first
assert first["schema"] == 1
assert first["kernel"]["release"]
assert first["cgroup"]["version"] in ("v1", "v2")
assert first["plan"]["name"] == "smoke"
assert "[scenario dentry-32m]" in first["plan"]["text"]
assert recs[-1]["type"] == "run_end" and recs[-1]["exit_code"] == 0
ends = {r["scenario"]: r for r in by("scenario_end")}
assert set(ends) == {"dentry-32m", "inode-tmpfs-64m"}, ends.keys()
d = ends["dentry-32m"]
assert d["verdict"] == "pass", d
assert d["memcg"]["limit"] == 32 << 20
# the limit was reached: v1 failcnt / v2 max events
assert d["memcg"]["limit_hits"] > 0, d["memcg"]
assert d["memcg"]["peak"] <= 32 << 20
assert d["ops_per_sec"] > 0 and d["ops_total"] > 1000
assert d["ops"]["create"]["ok"] > 0
samples = [s for s in by("sample") if s["scenario"] == "dentry-32m"]
assert len(samples) >= 20, len(samples)   # 5 s at 100 ms
ops = [s["ops"] for s in samples]
assert ops == sorted(ops) and ops[-1] > ops[0]
assert max(s["current"] for s in samples) > 16 << 20
i = ends["inode-tmpfs-64m"]
assert i["ops"]["xattr"]["ok"] > 0 and i["ops"]["link"]["ok"] > 0

# duration.until_limit: 60 s by default with expect.limit_hit = yes only
starts = {r["scenario"]: r for r in by("scenario_start")}
assert starts["dentry-32m"]["until_limit_ms"] == 60000, starts["dentry-32m"]
assert starts["inode-tmpfs-64m"]["until_limit_ms"] == 0
assert [p["until_limit_ms"] for p in first["plan"]["scenarios"]] == [60000, 0]
# dentry-32m ran until the limit was reached, then its 5 s held there
reached, held = d["limit_reached_ms"], d["held_ms"]
assert reached is not None and 0 <= reached < 60000, d
assert held is not None and held >= 5000 - 50, d
assert d["storm_ms"] == reached + held, d
# reached: at the first sample with a limit hit, none before it
hit = [s["limit_hits"] > 0 for s in samples]
k = hit.index(True)
assert all(hit[k:]), "limit hits are a count: once seen, always"
assert samples[k]["t_ms"] - starts["dentry-32m"]["t_ms"] >= reached - 1
print("dentry-32m: limit reached after %d ms, held %d ms" % (reached, held))
# no ceiling on inode-tmpfs-64m: its 5 s from the start
assert 5000 <= i["storm_ms"] < 5000 + 2500, i["storm_ms"]
assert (i["limit_reached_ms"] is None) == (i["held_ms"] is None), i
'
echo "PASS: smoke plan"
