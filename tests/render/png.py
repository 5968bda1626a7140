"""PNG decoding and pixel checks for render_test.sh (python3 alone: zlib and the five PNG filters)."""
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


class Checks:
    """Prints each check as ok or FAIL, and remembers whether one failed."""

    def __init__(self):
        self.bad = False

    def report(self, ok, what):
        print('render_test: %s %s' % ('ok  ' if ok else 'FAIL', what))
        if not ok:
            self.bad = True

    def exit_status(self):
        return 1 if self.bad else 0
