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
#     limit and marker colours (run) and the heat map (sweep).
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

# --- a PNG reader (python3 alone: zlib and the five PNG filters) -----------------------------------
cat >"$WORK/png.py" <<'PYEOF'
import struct, zlib

def decode(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise SystemExit(path + ': not a PNG')
    pos, idat, w, h, bpp = 8, [], 0, 0, 0
    while pos < len(data):
        n, = struct.unpack('>I', data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise SystemExit('%s: unsupported PNG (depth %d, colour type %d, interlace %d)' % (path, depth, ctype, interlace))
            bpp = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat.append(body)
        elif kind == b'IEND':
            break
    raw, stride = zlib.decompress(b''.join(idat)), w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        if f == 1:
            for x in range(bpp, stride):
                line[x] = (line[x] + line[x - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for x in range(stride):
                line[x] = (line[x] + ((line[x - bpp] if x >= bpp else 0) + prev[x]) // 2) & 255
        elif f == 4:
            for x in range(stride):
                a = line[x - bpp] if x >= bpp else 0
                b = prev[x]
                c = prev[x - bpp] if x >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return Image(w, h, bpp, rows)

class Image:
    def __init__(self, w, h, bpp, rows):
        self.w, self.h, self.bpp, self.rows = w, h, bpp, rows

    def pixel(self, x, y):
        r = self.rows[y]
        o = x * self.bpp
        rgb = (r[o], r[o + 1], r[o + 2])
        if self.bpp == 4 and r[o + 3] < 255:  # composite on white
            a = r[o + 3] / 255.0
            rgb = tuple(int(round(c * a + 255 * (1 - a))) for c in rgb)
        return rgb

    def ink(self):
        """Fraction of pixels that are not (nearly) white, and the number of distinct colours."""
        dark, colours = 0, set()
        for y in range(0, self.h):
            for x in range(0, self.w):
                p = self.pixel(x, y)
                if min(p) < 235:
                    dark += 1
                if len(colours) < 5000:
                    colours.add(p)
        return dark / float(self.w * self.h), len(colours)

    def where(self, rgb, tol=10):
        """Pixels within `tol` of a colour, as a list of (x, y)."""
        out = []
        for y in range(self.h):
            r = self.rows[y]
            for x in range(self.w):
                o = x * self.bpp
                if abs(r[o] - rgb[0]) <= tol and abs(r[o + 1] - rgb[1]) <= tol and abs(r[o + 2] - rgb[2]) <= tol:
                    if self.bpp == 3 or r[o + 3] == 255:
                        out.append((x, y))
        return out

def hexrgb(h):
    h = h.lstrip('#')
    return (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))

def longest_runs(points):
    """The longest horizontal run (per row) and the longest vertical run (per column)."""
    rows, cols = {}, {}
    for x, y in points:
        rows.setdefault(y, set()).add(x)
        cols.setdefault(x, set()).add(y)
    def longest(d):
        best = (0, None)
        for k, vs in d.items():
            vs, run, start = sorted(vs), 0, None
            prev = None
            for v in vs:
                run = run + 1 if prev is not None and v <= prev + 1 else 1
                prev = v
                if run > best[0]:
                    best = (run, k)
        return best
    return longest(rows), longest(cols)

def busiest_column(points, y0, y1):
    """The column holding the most of `points` between rows y0 and y1, and how many it holds."""
    counts = {}
    for x, y in points:
        if y0 <= y <= y1:
            counts[x] = counts.get(x, 0) + 1
    if not counts:
        return None, 0
    x = max(sorted(counts), key=lambda k: counts[k])
    return x, counts[x]
PYEOF

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

python3 - "$WORK" <<'PYEOF' || fail "a rendered SVG is blank or lacks what it must show"
import sys, xml.dom.minidom
sys.path.insert(0, sys.argv[1])
from png import decode, hexrgb, longest_runs, busiest_column
work = sys.argv[1]
bad = False
def report(ok, what):
    global bad
    print('render_test: %s %s' % ('ok  ' if ok else 'FAIL', what))
    if not ok: bad = True

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
sys.exit(1 if bad else 0)
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

python3 - "$WORK" <<'PYEOF' || fail "the report does not show in Chromium as it should"
import sys
sys.path.insert(0, sys.argv[1])
from png import decode, hexrgb, longest_runs, busiest_column
work = sys.argv[1]
bad = False
def report(ok, what):
    global bad
    print('render_test: %s %s' % ('ok  ' if ok else 'FAIL', what))
    if not ok: bad = True
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
sys.exit(1 if bad else 0)
PYEOF

say "passed"
