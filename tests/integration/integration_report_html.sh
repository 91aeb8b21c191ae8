#!/bin/sh
# kmemstorm report --format html, looked at by a real browser: the page of
# the QEMU fixture journals must be self-contained, and headless chromium
# must draw its plots (pixels of the memory.current and memory.max lines'
# own colours in a screenshot, one <svg> memory plot per scenario with
# samples in the rendered DOM); the page of a journal cut down to no
# samples must draw none, so the pixel check can fail.
. "${KS_SRCDIR:-.}/tests/lib.sh"

fx="$KS_SRCDIR/tests/fixtures/journals"
# The colours report_html.h gives these lines and nothing else.
CURRENT=1764d8
LIMIT=d4262c
AREA=e4edfb

command -v chromium >/dev/null || skip "chromium not installed"
PY=
for p in "$KS_PY" python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import PIL' 2>/dev/null; then
		PY=$p
		break
	fi
done
[ -n "$PY" ] || skip "needs python3 with PIL (python3-pil) to read screenshots"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# $1 page, $2 screenshot or "-" for the DOM on stdout.
chrome() {
	prof=$(mktemp -d "$tmp/profile.XXXXXX")
	if [ "$2" = - ]; then
		set -- "$1" --dump-dom
	else
		set -- "$1" "--screenshot=$2"
	fi
	( cd "$tmp" && timeout 180 chromium --headless --no-sandbox \
		--disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$prof" \
		--window-size=1280,4000 "$2" "file://$1" ) 2>"$tmp/chromium.err"
}

render() {
	chrome "$1" "$2" >/dev/null ||
		{ cat "$tmp/chromium.err"; fail "chromium failed on $1"; }
	[ -s "$2" ] || { cat "$tmp/chromium.err"; fail "no screenshot of $1"; }
}

# $1 screenshot, $2 "plots" or "none".
pixels() {
	"$PY" - "$1" "$2" "$CURRENT" "$LIMIT" "$AREA" <<'PY' || fail "screenshot check failed: $1"
import sys
from PIL import Image, ImageChops

path, want, cur, lim, area = sys.argv[1:]
rgb = lambda h: tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))
im = Image.open(path).convert("RGB")
count = {c: k for k, c in im.getcolors(im.size[0] * im.size[1])}
n = {k: count.get(rgb(k), 0) for k in (cur, lim, area)}
# Where the memory.current pixels are: a mask of exact matches.
mask = None
for band, v in zip(im.split(), rgb(cur)):
    m = band.point(lambda b, v=v: 255 if b == v else 0)
    mask = m if mask is None else ImageChops.multiply(mask, m)
box = mask.getbbox() or (0, 0, 0, 0)
print("%s: memory.current %d px, memory.max %d px, area %d px, "
      "memory.current within %s" % (path, n[cur], n[lim], n[area], box))
if want == "none":
    if n[cur] or n[area] or n[lim]:
        sys.exit("plot colours in a page that should have no plot")
    sys.exit(0)
if n[cur] < 1000:
    sys.exit("too few memory.current pixels: the plots did not draw")
if n[lim] < 300:
    sys.exit("too few memory.max pixels: no limit line")
# Not blank: data filled under the line, across much of a plot's width.
if n[area] < 20000:
    sys.exit("the area under memory.current is missing")
if box[2] - box[0] < 400 or box[3] - box[1] < 100:
    sys.exit("memory.current spans too little of the page")
PY
}

# $1 journal(s): how many scenarios have a sample with `current`.
plotted() {
	"$PY" - "$@" <<'PY'
import json, sys
n = 0
for j in sys.argv[1:]:
    recs = [json.loads(l) for l in open(j)]
    n += len({r["scenario"] for r in recs
              if r["type"] == "sample" and "current" in r})
print(n)
PY
}

# --- the page itself --------------------------------------------------
j1="$fx/vm-report/journal.jsonl"
j2="$fx/vm-report-nokmem/journal.jsonl"
"$KS_BIN" report --format html -o "$tmp/all.html" "$fx/vm-report" \
	"$fx/vm-report-nokmem" || fail "report --format html failed"
"$PY" - "$tmp/all.html" <<'PY' || fail "the page is not self-contained or not well formed"
import re, sys
from html.parser import HTMLParser

text = open(sys.argv[1], encoding="utf-8").read()
for bad in ("http:", "https:", "url(", "@import", "<script", "<link",
            "<img", "<iframe", "<object", "<embed"):
    if bad in text.lower():
        sys.exit("found %r" % bad)
VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col",
        "area", "base", "source", "track", "embed", "param"}
# SVG elements written as <x/>: the parser reports them as startend.

class P(HTMLParser):
    stack = []
    def check(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "srcset", "action", "poster", "data",
                     "background", "xlink:href") or \
               (k == "href" and not (v or "").startswith("#")):
                sys.exit("external reference: <%s %s=%r>" % (tag, k, v))
    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            sys.exit("</%s> closes <%s>" % (tag, self.stack[-1:]))
        self.stack.pop()

p = P()
p.feed(text)
p.close()
if p.stack:
    sys.exit("unclosed: %s" % p.stack)
# Every in-page link has its target.
ids = set(re.findall(r' id="([^"]+)"', text))
for a in re.findall(r' href="#([^"]*)"', text):
    if a not in ids:
        sys.exit("href #%s has no target" % a)
PY

# --- what chromium renders --------------------------------------------
chrome "$tmp/all.html" - > "$tmp/all.dom" ||
	{ cat "$tmp/chromium.err"; fail "chromium --dump-dom failed"; }
want=$(plotted "$j1" "$j2")
[ "$want" -gt 0 ] || fail "the fixtures have no samples?"
"$PY" - "$tmp/all.dom" "$want" <<'PY' || fail "rendered DOM check failed"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
want = int(sys.argv[2])
mem = len(re.findall(r'<svg class="plot mem"', dom))
ops = len(re.findall(r'<svg class="plot ops"', dom))
print("DOM: %d memory plots, %d ops plots, %d scenarios with samples"
      % (mem, ops, want))
if mem != want:
    sys.exit("%d memory plots for %d scenarios with samples" % (mem, want))
if ops != want:
    sys.exit("%d ops/s plots for %d scenarios with samples" % (ops, want))
if dom.count('<section class="scn"') != 8:
    sys.exit("not a section per scenario")
if "noplot" in dom:
    sys.exit("a no-plot note where every scenario has samples")
# The LKDTM WARNING: a bug marker with its title, its text in <details>.
if not re.search(r"<title>[0-9.]+ s: WARNING in lkdtm_WARNING \(bug\)</title>",
                 dom):
    sys.exit("no bug marker titled WARNING in lkdtm_WARNING")
if not re.search(r'<details class="kr" open=""><summary><span class="sev sev-bug">bug</span> WARNING in lkdtm_WARNING</summary>', dom):
    sys.exit("the WARNING's report is not an open <details>")
if "lkdtm_WARNING+0x8/0xb" not in dom:
    sys.exit("the WARNING's text is missing")
# The failslab context of the nokmem run's OOM report.
if not re.search(r"fault-injection context: <code>__d_alloc</code>", dom):
    sys.exit("the fault-injection context is missing")
# chargefail's limit steps, and the errno table's surfaced ENFILE.
if "memory.max, chargefail's steps" not in dom:
    sys.exit("no chargefail step line")
if '<span class="bad">ENFILE 13</span>' not in dom:
    sys.exit("the errno table does not mark ENFILE")
PY

for d in vm-report vm-report-nokmem; do
	"$KS_BIN" report --format html -o "$tmp/$d.html" "$fx/$d" ||
		fail "report --format html $d failed"
	render "$tmp/$d.html" "$tmp/$d.png"
	pixels "$tmp/$d.png" plots
done

# --- the negative control: the same run without its samples -----------
grep -v '"type":"sample"' "$j1" > "$tmp/nosamples.jsonl"
! grep -q '"sample"' "$tmp/nosamples.jsonl" || fail "samples left in the cut journal"
"$KS_BIN" report --format html -o "$tmp/nosamples.html" \
	"$tmp/nosamples.jsonl" || fail "report --format html without samples failed"
render "$tmp/nosamples.html" "$tmp/nosamples.png"
pixels "$tmp/nosamples.png" none
chrome "$tmp/nosamples.html" - > "$tmp/nosamples.dom" ||
	fail "chromium --dump-dom failed"
[ "$(grep -c '<svg class="plot' "$tmp/nosamples.dom")" -eq 0 ] ||
	fail "plots in a page without samples"
[ "$(grep -o 'class="note noplot"' "$tmp/nosamples.dom" | wc -l)" -eq 4 ] ||
	fail "not a no-plot note per scenario"

# --- a long run: decimated, its peak kept -----------------------------
"$PY" - "$j1" "$tmp/long.jsonl" <<'PY' || fail "cannot make the long journal"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
out = open(sys.argv[2], "w")
for r in recs:
    if r["type"] == "sample" and r["scenario"] == "dentry-16m":
        continue
    if r["type"] == "scenario_start" and r["scenario"] == "dentry-16m":
        out.write(json.dumps(r) + "\n")
        # 6000 samples, 1 ms apart; one of them 40 MiB, above the 16M limit.
        for i in range(6000):
            cur = 8 << 20 if i != 3001 else 40 << 20
            out.write(json.dumps({"type": "sample", "scenario": "dentry-16m",
                                  "t_ms": r["t_ms"] + 10 + i, "current": cur,
                                  "limit_hits": i, "oom_kills": 0,
                                  "ops": i * 10}) + "\n")
        continue
    out.write(json.dumps(r) + "\n")
PY
"$KS_BIN" report --format html -o "$tmp/long.html" "$tmp/long.jsonl" ||
	fail "report --format html of the long journal failed"
"$PY" - "$tmp/long.html" <<'PY' || fail "decimation check failed"
import os, re, sys
text = open(sys.argv[1]).read()
svg = text[text.index('<svg class="plot mem"'):]
svg = svg[:svg.index("</svg>")]
pts = re.search(r'<polyline class="cur"[^>]* points="([^"]*)"', svg).group(1)
ys = [float(p.split(",")[1]) for p in pts.split()]
lim = float(re.search(r'<line class="lim"[^>]* y1="([0-9.]+)"', svg).group(1))
print("long journal: %d points drawn, highest at y %.1f, the limit at %.1f, "
      "%d bytes" % (len(ys), min(ys), lim, os.path.getsize(sys.argv[1])))
if len(ys) > 2000:
    sys.exit("not decimated")
if min(ys) > lim - 20:
    sys.exit("the 40 MiB peak was lost")
if svg.count("<path fill=\"#9b4dca\"") > 250:
    sys.exit("limit-hit markers were not merged")
if os.path.getsize(sys.argv[1]) > 1000000:
    sys.exit("the page is too big")
PY
echo "ok: html report renders its plots in chromium; none without samples"
