#!/usr/bin/env python3
# What a correct kernel does past its limits, from kmemstorm journals:
# per scenario the peak and the sampled maximum over memory.max, and what
# the leak check found (bytes left, dying cgroups, reclaim time); then the
# maxima over all the journals given.  These are the figures behind the
# defaults of expect.max_overshoot (auto) and leak.margin/leak.dying_max.
#
# Usage: bench/margins.py JOURNAL...  (e.g. 'kmemstorm vm nightly' runs)
import json
import sys

MB = 1 << 20


def rows(path):
    for line in open(path, encoding="utf-8"):
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if r.get("type") != "scenario_end" or r.get("source") == "host":
            continue
        m = r.get("memcg") or {}
        lim, peak = m.get("limit"), m.get("peak")
        smp = m.get("max_sampled_current")
        if not lim or lim >= 1 << 62 or peak is None:
            continue
        leak = r.get("leak") or {}
        yield (r["scenario"], peak - lim, (smp - lim) if smp else None,
               leak.get("bytes"), leak.get("dying"), leak.get("waited_ms"))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: margins.py JOURNAL...")
    worst = {"over": 0, "smp": 0, "left": 0, "dying": 0, "wait": 0}
    print("%-24s %10s %10s %10s %6s %8s" % ("SCENARIO", "PEAK-MAX", "SMP-MAX",
                                           "LEAK", "DYING", "WAIT-MS"))
    for path in sys.argv[1:]:
        for sc, over, smp, left, dying, wait in rows(path):
            print("%-24s %9.2fM %10s %10s %6s %8s" % (
                sc, over / MB, "-" if smp is None else "%.2fM" % (smp / MB),
                "-" if left is None else "%.2fM" % (left / MB),
                "-" if dying is None else dying, "-" if wait is None else wait))
            worst["over"] = max(worst["over"], over)
            worst["smp"] = max(worst["smp"], smp or 0)
            worst["left"] = max(worst["left"], left or 0)
            worst["dying"] = max(worst["dying"], dying or 0)
            worst["wait"] = max(worst["wait"], wait or 0)
    print("max: peak over the limit %.2fM, sampled %.2fM; leak check: %.2fM "
          "left, %d dying, %d ms" % (worst["over"] / MB, worst["smp"] / MB,
                                      worst["left"] / MB, worst["dying"],
                                      worst["wait"]))


main()
