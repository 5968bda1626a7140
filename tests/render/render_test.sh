#!/usr/bin/env bash
# Renders what `mountstorm plot` and `mountstorm report` write, the way a reader sees them, and
# checks the pictures rather than the markup:
#
#   - the SVG of a run (incident-enobufs) and of a sweep (a line plot and a heat map) are valid XML,
#     self-contained (no script, no link, no external font) and byte-identical when drawn twice;
#   - rsvg-convert (Debian librsvg2-bin) renders each to a PNG that is not blank;
#   - in the run's PNG the limit line and the first-refusal (ENOBUFS) marker of systemd.wqueue are
#     drawn: pixels of their colours (#e31a1c, #6a3d9a) lie where the SVG puts the lines, as a
#     horizontal run across the panel and a vertical run down it; the rug's mounts and scans and
#     the login outcomes are drawn in their colours;
#   - report.html (a run and a sweep) holds no script and no external resource, and headless
#     Chromium (Debian chromium) shows it with its plots: the screenshot is not blank and holds the
#     limit and marker colours (run) and the heat map (sweep);
#   - the verdict comes first: it is the first text of the run's SVG, its figures are those of
#     summary.json, and Chromium shows it in the top band of the plot and of both reports
#     (verdict-plot.png, verdict-report.png, verdict-sweep-report.png).
#
# Usage: render_test.sh MOUNTSTORM SOURCE_DIR   (KEEP_RENDER=1 keeps the pictures and says where)
# Exit status: 0 passed, 1 failed, 77 skipped (rsvg-convert, chromium or python3 missing and not
# root, so they cannot be installed). As root, missing Debian packages are installed with apt-get.
set -euo pipefail

BIN=${1:?usage: render_test.sh MOUNTSTORM SOURCE_DIR}
SRC=${2:?usage: render_test.sh MOUNTSTORM SOURCE_DIR}
BIN=$(readlink -f "$BIN")
SRC=$(readlink -f "$SRC")

say() { printf 'render_test: %s\n' "$*"; }
fail() { printf 'render_test: FAILED: %s\n' "$*" >&2; exit 1; }

# --- tools -----------------------------------------------------------------------------------------
missing=()
command -v rsvg-convert >/dev/null 2>&1 || missing+=(librsvg2-bin)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "SKIPPED: missing ${missing[*]} (install them, or run as root to let this test install them)"
    exit 77
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]}"
  fi
fi

if ! "$BIN" plot --help >/dev/null 2>&1; then
  fail "$BIN has no plot command: tools/mountstorm.cc must dispatch \"plot\" to PlotCommand and \"report\" to ReportCommand"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/mountstorm-render.XXXXXX")
cleanup() { if [ -n "${KEEP_RENDER:-}" ]; then say "kept $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
cd "$WORK"

# --- outputs ---------------------------------------------------------------------------------------
say "running scenarios/incident-enobufs.json"
"$BIN" run "$SRC/scenarios/incident-enobufs.json" -o "$WORK/enobufs" -q || fail "mountstorm run incident-enobufs"
cat >"$WORK/sweep.json" <<EOF
{"name": "render-test", "base": "$SRC/scenarios/incident-storm.json", "seed": 5, "replications": 2,
 "axes": [{"path": "/workload/0/count", "values": [50, 100, 200]}, {"path": "/profile", "values": ["rhel7.7", "v245", "v248"]}]}
EOF
"$BIN" sweep "$WORK/sweep.json" -o "$WORK/sweep" -q --jobs 2 || fail "mountstorm sweep"

"$BIN" plot "$WORK/enobufs" -o "$WORK/run.svg" -q || fail "mountstorm plot (run)"
"$BIN" plot "$WORK/enobufs" -o "$WORK/run-again.svg" -q
cmp -s "$WORK/run.svg" "$WORK/run-again.svg" || fail "mountstorm plot is not deterministic: two plots of the same run differ"
"$BIN" plot "$WORK/sweep" -o "$WORK/lines.svg" --x /workload/0/count --series /profile --log-y -q || fail "mountstorm plot (sweep)"
"$BIN" plot "$WORK/sweep" -o "$WORK/heatmap.svg" --heatmap --log-y -q || fail "mountstorm plot --heatmap"
"$BIN" report "$WORK/enobufs" -o "$WORK/report.html" -q || fail "mountstorm report (run)"
"$BIN" report "$WORK/sweep" -o "$WORK/sweep-report.html" -q || fail "mountstorm report (sweep)"
"$BIN" report "$WORK/enobufs" -o "$WORK/report-again.html" -q
cmp -s "$WORK/report.html" "$WORK/report-again.html" || fail "mountstorm report is not deterministic"

# --- the SVG and HTML as text ----------------------------------------------------------------------
python3 - "$WORK" <<'PYEOF' || fail "the SVG or HTML files are not valid or not self-contained"
import re, sys, xml.dom.minidom
from html.parser import HTMLParser
work = sys.argv[1]
bad = False
def check_self_contained(name, text):
    global bad
    for pattern, what in [(r'<script', 'a script'), (r'\bon[a-z]+\s*=', 'an event handler'), (r'href\s*=', 'a link'),
                          (r'\bsrc\s*=', 'an external source'), (r'url\(', 'a url()'), (r'@import', 'an @import'),
                          (r'@font-face', 'a web font'), (r'https?://(?!www\.w3\.org/2000/svg)', 'an address')]:
        if re.search(pattern, text, re.I):
            print('%s: holds %s' % (name, what)); bad = True
    for family in re.findall(r'font-family\s*[=:]\s*"?([^";>]+)', text):
        for f in family.split(','):
            if f.strip().strip('"\'') not in ('monospace', 'sans-serif', 'serif'):
                print('%s: names the font %r (only generic families)' % (name, f)); bad = True
for name in ['run.svg', 'lines.svg', 'heatmap.svg']:
    text = open(work + '/' + name, encoding='utf-8').read()
    try:
        doc = xml.dom.minidom.parseString(text.encode('utf-8'))
    except Exception as e:
        print('%s: not well-formed XML: %s' % (name, e)); bad = True; continue
    if doc.documentElement.tagName != 'svg':
        print('%s: the root is not <svg>' % name); bad = True
    check_self_contained(name, text)
run = xml.dom.minidom.parse(work + '/run.svg')
ids = {e.getAttribute('id') for e in run.getElementsByTagName('*') if e.getAttribute('id')}
for needed in ['limit-systemd.wqueue', 'onset-systemd.wqueue', 'panel-systemd.wqueue', 'rug']:
    if needed not in ids:
        print('run.svg: no element with id %s' % needed); bad = True
texts = ' '.join(t.firstChild.data for t in run.getElementsByTagName('text') if t.firstChild)
for label in ['limit 196,608', 'ENOBUFS 28.9 s', 'time (s, simulated)', 'messages', 'MiB']:
    if label not in texts:
        print('run.svg: no text %r' % label); bad = True
class Parser(HTMLParser):
    void = {'meta', 'br', 'img', 'hr', 'input', 'link', 'wbr', 'path', 'line', 'rect', 'circle'}
    def __init__(self):
        super().__init__(); self.stack = []; self.errors = []
    def handle_starttag(self, tag, attrs):
        if tag not in self.void: self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        pass
    def handle_endtag(self, tag):
        if tag in self.void: return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append('</%s> closes <%s>' % (tag, self.stack[-1] if self.stack else 'nothing'))
        else:
            self.stack.pop()
for name in ['report.html', 'sweep-report.html']:
    text = open(work + '/' + name, encoding='utf-8').read()
    check_self_contained(name, text)
    p = Parser(); p.feed(text); p.close()
    if p.errors or p.stack:
        print('%s: badly nested: %s %s' % (name, p.errors[:3], p.stack)); bad = True
    if text.count('<svg') < 1:
        print('%s: no inline SVG' % name); bad = True
sys.exit(1 if bad else 0)
PYEOF
say "SVG and HTML: well-formed, self-contained, deterministic"

# --- rsvg-convert ----------------------------------------------------------------------------------
for f in run lines heatmap; do
  rsvg-convert "$WORK/$f.svg" -o "$WORK/$f.png" || fail "rsvg-convert $f.svg"
done

python3 - "$WORK" "$SRC/tests/render" <<'PYEOF' || fail "a rendered SVG is blank or lacks what it must show"
import sys, xml.dom.minidom
sys.path.insert(0, sys.argv[2])
from png import decode, hexrgb, longest_runs, busiest_column, Checks
work = sys.argv[1]
checks = Checks()
report = checks.report

for name in ['run', 'lines', 'heatmap']:
    img = decode('%s/%s.png' % (work, name))
    ink, colours = img.ink()
    report(ink > 0.02 and colours > 8, '%s.png %dx%d: %.1f %% of pixels inked, %d colours (not blank)' % (name, img.w, img.h, 100 * ink, colours))

img = decode(work + '/run.png')
svg = xml.dom.minidom.parse(work + '/run.svg')
by_id = {e.getAttribute('id'): e for e in svg.getElementsByTagName('*') if e.getAttribute('id')}
limit, onset = by_id['limit-systemd.wqueue'], by_id['onset-systemd.wqueue']
ly, lx1, lx2 = float(limit.getAttribute('y1')), float(limit.getAttribute('x1')), float(limit.getAttribute('x2'))
ox, oy1, oy2 = float(onset.getAttribute('x1')), float(onset.getAttribute('y1')), float(onset.getAttribute('y2'))

red = img.where(hexrgb('#e31a1c'), tol=12)
(hrun, hrow), _ = longest_runs(red)
report(hrun >= 0.9 * (lx2 - lx1) and hrow is not None and abs(hrow - ly) <= 2,
       'limit line of systemd.wqueue drawn: %d px of #e31a1c in a row at y=%s (the SVG puts it at y=%g from x=%g to %g)' % (hrun, hrow, ly, lx1, lx2))
# The marker is dashed: the column holding the most of its colour within the panel is the line
# (its label's letters hold a few pixels per column only).
vcol, vcount = busiest_column(img.where(hexrgb('#6a3d9a'), tol=12), oy1, oy2)
report(vcol is not None and abs(vcol - ox) <= 2 and vcount >= 0.5 * (oy2 - oy1),
       'ENOBUFS marker of systemd.wqueue drawn: %d px of #6a3d9a in column x=%s over y=%g..%g (the SVG puts it at x=%g)' % (vcount, vcol, oy1, oy2, ox))
for colour, what, least in [('#3d3d3d', 'mount ticks of the rug', 50), ('#0072b2', 'scan ticks of the rug', 50),
                            ('#009e73', 'succeeded logins', 20), ('#d55e00', 'ENOBUFS login', 10),
                            ('#e69f00', 'timed-out logins', 20), ('#cc79a7', 'LimitsExceeded logins', 20),
                            ('#c6dbef', 'queue depth areas', 5000)]:
    n = len(img.where(hexrgb(colour), tol=6))
    report(n >= least, '%s drawn: %d px of %s' % (what, n, colour))

lines = decode(work + '/lines.png')
for colour in ['#0072b2', '#d55e00', '#009e73']:
    n = len(lines.where(hexrgb(colour), tol=6))
    report(n >= 100, 'sweep line plot: a series in %s (%d px)' % (colour, n))
heat = decode(work + '/heatmap.png')
_, colours = heat.ink()
report(colours >= 12, 'heat map: %d colours' % colours)
sys.exit(checks.exit_status())
PYEOF

# --- Chromium --------------------------------------------------------------------------------------
shot() {  # shot HTML PNG
  local profile
  profile=$(mktemp -d "$WORK/chromium-profile.XXXXXX")
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
    --hide-scrollbars --user-data-dir="$profile" --window-size=1200,3000 --screenshot="$2" "file://$1" \
    >"$WORK/chromium.log" 2>&1 || { cat "$WORK/chromium.log" >&2; fail "chromium could not render $1"; }
  [ -s "$2" ] || { cat "$WORK/chromium.log" >&2; fail "chromium wrote no screenshot of $1"; }
}
shot "$WORK/report.html" "$WORK/report.png"
shot "$WORK/sweep-report.html" "$WORK/sweep-report.png"

python3 - "$WORK" "$SRC/tests/render" <<'PYEOF' || fail "the report does not show in Chromium as it should"
import sys
sys.path.insert(0, sys.argv[2])
from png import decode, hexrgb, longest_runs, busiest_column, Checks
work = sys.argv[1]
checks = Checks()
report = checks.report
img = decode(work + '/report.png')
ink, colours = img.ink()
report(ink > 0.02 and colours > 8, 'report.png %dx%d in Chromium: %.1f %% inked, %d colours (not blank)' % (img.w, img.h, 100 * ink, colours))
(hrun, hrow), _ = longest_runs(img.where(hexrgb('#e31a1c'), tol=16))
report(hrun >= 600, 'report shows a limit line: %d px of #e31a1c in a row (y=%s)' % (hrun, hrow))
vcol, vcount = busiest_column(img.where(hexrgb('#6a3d9a'), tol=16), 0, img.h)
report(vcount >= 60, 'report shows an ENOBUFS marker: %d px of #6a3d9a in column x=%s' % (vcount, vcol))
n = len(img.where(hexrgb('#c6dbef'), tol=8))
report(n >= 5000, 'report shows queue depth areas: %d px of #c6dbef' % n)
s = decode(work + '/sweep-report.png')
ink, colours = s.ink()
report(ink > 0.02 and colours > 30, 'sweep-report.png in Chromium: %.1f %% inked, %d colours (not blank)' % (100 * ink, colours))
n = len(s.where(hexrgb('#0072b2'), tol=8))
report(n >= 100, 'sweep report shows a plotted series: %d px of #0072b2' % n)
sys.exit(checks.exit_status())
PYEOF

# --- the verdict at the top -------------------------------------------------------------------------
# The sentence a reader wants first: the first text of run.svg is the verdict, its figures are the
# run's (summary.json), and Chromium shows it in the top band of the plot and of both reports. A
# window just tall enough for the verdict is the page as a reader first sees it.
top_shot() {  # top_shot FILE PNG WIDTH HEIGHT
  local profile
  profile=$(mktemp -d "$WORK/chromium-profile.XXXXXX")
  timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$profile" --window-size="$3,$4" --screenshot="$2" "file://$1" >"$WORK/chromium.log" 2>&1 ||
    { cat "$WORK/chromium.log" >&2; fail "chromium could not render $1"; }
}
top_shot "$WORK/run.svg" "$WORK/verdict-plot.png" 1000 64
# (Chromium draws an HTML page in a window under about 200 px tall as blank: the top 110 px of
# a 300 px window are checked instead.)
top_shot "$WORK/report.html" "$WORK/verdict-report.png" 1200 300
top_shot "$WORK/sweep-report.html" "$WORK/verdict-sweep-report.png" 1200 300

python3 - "$WORK" "$SRC/tests/render" <<'PYEOF' || fail "the verdict is not the first thing a reader sees"
import json, sys, xml.dom.minidom
sys.path.insert(0, sys.argv[2])
from png import decode, hexrgb, Checks
work = sys.argv[1]
checks = Checks()
report = checks.report
svg = xml.dom.minidom.parse(work + '/run.svg')
texts = svg.getElementsByTagName('text')
first = texts[0]
report(first.parentNode.getAttribute('id') == 'verdict', 'run.svg: the first text is in the verdict group')
verdict = ' '.join(t.firstChild.data for t in texts if t.parentNode.getAttribute('id') == 'verdict')
s = json.load(open(work + '/enobufs/summary.json'))
queues = [dict(q, name=n) for n, q in s['queues'].items() if q.get('enobufs_onset_s') is not None]
q = min(queues, key=lambda q: q['enobufs_onset_s'])
logins = s['logins']
failed = logins['failed']['enobufs'] + logins['failed']['timeout'] + logins['failed']['limits_exceeded']
for part in ['(%s) filled first, at %.1f s' % (q['name'], q['enobufs_onset_s']),
             '%s refused %s messages' % (q['name'], format(q['refused'], ',')),
             '%d of %d logins failed' % (failed, logins['attempts'])]:
    report(part in verdict, 'run.svg verdict says %r: %s' % (part, verdict))
plot = decode(work + '/verdict-plot.png')
dark = sum(1 for y in range(min(plot.h, 50)) for x in range(plot.w) if max(plot.pixel(x, y)) < 90)
report(dark >= 300, 'verdict-plot.png %dx%d: %d dark text pixels in the top 50 px' % (plot.w, plot.h, dark))
for name, colours in [('verdict-report.png', ['#fff6e0']), ('verdict-sweep-report.png', ['#fff6e0', '#e8f5ee'])]:
    img = decode(work + '/' + name)
    band = 110
    box = max(sum(1 for (x, y) in img.where(hexrgb(c), tol=3) if y < band) for c in colours)
    dark = sum(1 for y in range(band) for x in range(img.w) if max(img.pixel(x, y)) < 90)
    report(box >= 0.15 * img.w * band and dark >= 300,
           '%s: in the top %d px the verdict box fills %d px and its text %d dark px' % (name, band, box, dark))
sys.exit(checks.exit_status())
PYEOF

say "passed"
