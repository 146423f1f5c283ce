#!/usr/bin/env python3
"""Draws Chord's icon from one description into every format the installers need.

The icon is three shapes: a rounded indigo square, a white speech bubble with a tail, and three indigo bars of
different heights inside the bubble (a chord). One list of shapes feeds both the SVG writer and a small
rasteriser (4x4 supersampling), so the SVG and the PNG/ICO/ICNS files cannot drift apart. Only the Python
standard library is used, so no image tool is needed; the outputs are committed and this script is run again
only when the drawing changes:

    python3 installers/linux/icons/make_icons.py
"""
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
INSTALLERS = HERE.parent.parent
VIEW = 256.0  # the drawing is described on a 256 x 256 canvas

INDIGO = (0x3F, 0x51, 0xB5)
WHITE = (0xFF, 0xFF, 0xFF)

# (kind, colour, geometry) on the 256 canvas; later shapes paint over earlier ones.
SHAPES = [
    ("rrect", INDIGO, (8, 8, 248, 248, 56)),            # background: x0, y0, x1, y1, corner radius
    ("rrect", WHITE, (40, 52, 216, 180, 36)),            # speech bubble body
    ("tri", WHITE, ((72, 170), (72, 216), (120, 176))),  # bubble tail
    ("rrect", INDIGO, (76, 104, 100, 156, 12)),          # chord bars, short - tall - middle
    ("rrect", INDIGO, (116, 76, 140, 156, 12)),
    ("rrect", INDIGO, (156, 92, 180, 156, 12)),
]


def svg_text():
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">',
             "<title>Chord</title>"]
    for kind, colour, g in SHAPES:
        fill = "#%02x%02x%02x" % colour
        if kind == "rrect":
            x0, y0, x1, y1, r = g
            parts.append(f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{r}" fill="{fill}"/>')
        else:
            pts = " ".join(f"{x},{y}" for x, y in g)
            parts.append(f'<polygon points="{pts}" fill="{fill}"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def inside(kind, g, x, y):
    if kind == "rrect":
        x0, y0, x1, y1, r = g
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return False
        cx = min(max(x, x0 + r), x1 - r)  # nearest point of the inner rectangle
        cy = min(max(y, y0 + r), y1 - r)
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    (ax, ay), (bx, by), (qx, qy) = g
    d1 = (x - bx) * (ay - by) - (ax - bx) * (y - by)
    d2 = (x - qx) * (by - qy) - (bx - qx) * (y - qy)
    d3 = (x - ax) * (qy - ay) - (qx - ax) * (y - ay)
    return not ((d1 < 0 or d2 < 0 or d3 < 0) and (d1 > 0 or d2 > 0 or d3 > 0))


def render(size):
    """RGBA rows (bytes per row) at size x size, premultiplied-free straight alpha."""
    ss = 4
    scale = VIEW / (size * ss)
    rows = []
    for py in range(size):
        row = bytearray()
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(ss):
                for sx in range(ss):
                    x = (px * ss + sx + 0.5) * scale
                    y = (py * ss + sy + 0.5) * scale
                    colour = None
                    for kind, c, g in SHAPES:
                        if inside(kind, g, x, y):
                            colour = c
                    if colour is not None:
                        acc[0] += colour[0]; acc[1] += colour[1]; acc[2] += colour[2]; acc[3] += 255
            n = ss * ss
            a = acc[3] // n
            if a == 0:
                row += b"\0\0\0\0"
            else:
                covered = acc[3] // 255  # samples that hit a shape: average colour over those only
                row += bytes((acc[0] // covered, acc[1] // covered, acc[2] // covered, a))
        rows.append(bytes(row))
    return rows


def png_bytes(size):
    raw = b"".join(b"\0" + r for r in render(size))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def ico_bytes(pngs):
    """Windows .ico holding PNG images (supported since Vista); 256 is written as 0 in the directory."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, data in pngs:
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return header + entries + blobs


def icns_bytes(pngs):
    """macOS .icns with PNG payloads: ic07 128, ic08 256, ic09 512, ic10 1024 (512@2x)."""
    types = {128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}
    body = b"".join(types[s] + struct.pack(">I", 8 + len(d)) + d for s, d in pngs)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main():
    (HERE / "chord.svg").write_text(svg_text())
    cache = {}
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        cache[size] = png_bytes(size)
        (HERE / f"chord-{size}.png").write_bytes(cache[size])
    (INSTALLERS / "windows" / "chord.ico").write_bytes(ico_bytes([(s, cache[s]) for s in (16, 24, 32, 48, 64, 256)]))
    cache[1024] = png_bytes(1024)
    (INSTALLERS / "macos" / "chord.icns").write_bytes(icns_bytes([(s, cache[s]) for s in (128, 256, 512, 1024)]))


if __name__ == "__main__":
    main()
