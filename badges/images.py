"""Badge artwork: a disc in the badge's colour carrying an emblem of what the badge stands for.

The emblems are drawn with the same shapes and palette as the course's session pictures
(core.art), so a session's badge echoes its picture: rings for the first voice, a web for
networks, overlapping discs for identity, a pen over a tile for content, a target for strategy,
an open door for opportunities; then a framed picture for the gallery, speech bubbles for
feedback and a laurel for the whole course. The fixture builder draws the course's badges
with `draw_badge_png`; Open Badges wants a square PNG of at least 400×400.
"""

import hashlib
import io
import math

from PIL import Image

from core.art import BLUSH, OCHRE, PAPER, SAND, Picture, arc, circle, line, polygon, rect, regular, to_png

BADGE_SIZE = 600
# The page-sized copies: 96 px for lists at 1x, 192 for 2x screens and the larger cards.
VARIANT_SIDES = (96, 192)


def _ripples(p: Picture, colour: str) -> None:
    for i, r in enumerate((11, 19, 27)):
        p.add(arc(36, 50, r, -62, 62, PAPER, 3.4 - i * 0.5, opacity=1 - i * 0.2))
    for x, y in ((72, 34), (76, 50), (72, 66)):
        p.add(circle(x, y, 2.8, BLUSH))
    p.add(circle(36, 50, 6.5, OCHRE))


def _network(p: Picture, colour: str) -> None:
    nodes = [(50, 50, 6.5), (30, 36, 4), (68, 30, 4.5), (74, 60, 4), (50, 76, 4), (28, 64, 3.5)]
    for a, b in ((0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (1, 2), (3, 4), (4, 5), (1, 5)):
        p.add(line([nodes[a][:2], nodes[b][:2]], PAPER, 1.6, opacity=0.8))
    for i, (x, y, r) in enumerate(nodes):
        p.add(circle(x, y, r + 1.6, colour), circle(x, y, r, OCHRE if i == 0 else PAPER))


def _identity(p: Picture, colour: str) -> None:
    p.add(circle(41, 50, 19, PAPER), circle(59, 50, 19, BLUSH, opacity=0.8))
    for r in (6, 11, 16):
        p.add(arc(41, 50, r, 110, 250, colour, 1.5, opacity=0.7))
        p.add(arc(59, 50, r, -70, 70, colour, 1.5, opacity=0.7))
    p.add(circle(50, 50, 3.5, OCHRE))


def _pen(p: Picture, colour: str) -> None:
    p.add(rect(26, 30, 34, 34, BLUSH, radius=3), circle(36, 40, 4, colour), polygon([(28, 60), (40, 46), (52, 60)], colour))
    # A pen nib, point down towards the tile.
    nib = [(62, 24), (76, 38), (66, 62), (58, 70), (56, 60), (48, 48)]
    p.add(polygon(nib, PAPER), line([(58, 70), (63, 50)], colour, 1.4), circle(63, 48, 2.4, colour))
    p.add(line([(62, 24), (76, 38)], OCHRE, 3))


def _target(p: Picture, colour: str) -> None:
    for i, r in enumerate((24, 17, 10)):
        p.add(circle(54, 48, r, PAPER if i % 2 == 0 else colour))
    p.add(circle(54, 48, 4, OCHRE))
    p.add(line([(24, 78), (52, 50)], PAPER, 2.4), polygon([(54, 48), (44, 51), (51, 58)], PAPER))
    p.add(polygon([(24, 78), (22, 68), (27, 73)], BLUSH), polygon([(24, 78), (34, 80), (29, 75)], BLUSH))


def _door(p: Picture, colour: str) -> None:
    p.add(circle(64, 62, 12, OCHRE), rect(48, 62, 34, 14, colour))
    for i in range(5):
        angle = 200 + i * 35
        p.add(arc(64, 62, 18, angle - 4, angle + 4, OCHRE, 2, steps=4))
    p.add(line([(20, 62), (82, 62)], PAPER, 1.6))
    p.add(rect(26, 26, 22, 36, PAPER, radius=1), rect(29.5, 29.5, 15, 32.5, BLUSH))
    p.add(polygon([(29.5, 29.5), (39, 33), (39, 66), (29.5, 62)], colour), circle(36.5, 48, 1.3, PAPER))


def _frame(p: Picture, colour: str) -> None:
    p.add(line([(32, 34), (50, 20), (68, 34)], PAPER, 1.6), circle(50, 20, 2.4, OCHRE))
    p.add(rect(26, 32, 48, 40, PAPER, radius=2), rect(31, 37, 38, 30, BLUSH))
    p.add(circle(59, 45, 4, OCHRE), polygon([(31, 67), (44, 50), (53, 60), (58, 55), (69, 67)], colour))


def _speech(p: Picture, colour: str) -> None:
    p.add(rect(20, 26, 40, 26, PAPER, radius=7), polygon([(28, 50), (26, 62), (38, 51)], PAPER))
    p.add(rect(42, 46, 38, 24, BLUSH, radius=7), polygon([(70, 68), (74, 78), (62, 69)], BLUSH))
    for x in (31, 40, 49):
        p.add(circle(x, 39, 2.6, colour))
    p.add(polygon([(61, 63), (54, 56), (56, 52), (61, 55), (66, 52), (68, 56)], colour))


def _leaf(cx, cy, length, width, angle_deg):
    """A pointed leaf (a lens of two arcs) centred on cx, cy, pointing along angle_deg."""
    a = math.radians(angle_deg)
    ux, uy, vx, vy = math.cos(a), math.sin(a), -math.sin(a), math.cos(a)
    points = []
    for side in (1, -1):
        for i in range(9):
            t = i / 8 if side == 1 else 1 - i / 8
            along = (t - 0.5) * length
            across = side * width / 2 * math.sin(math.pi * t)
            points.append((cx + ux * along + vx * across, cy + uy * along + vy * across))
    return points


def _laurel(p: Picture, colour: str) -> None:
    for side in (-1, 1):
        for i in range(6):
            angle = math.radians(90 + side * (35 + i * 24))
            x, y = 50 + 26 * math.cos(angle), 52 + 26 * math.sin(angle)
            tangent = math.degrees(angle) + side * 90 + side * -25
            p.add(polygon(_leaf(x, y, 13, 6, tangent), PAPER if i % 2 else BLUSH))
    p.add(polygon(regular(50, 50, 15, 5, inner=6.5), OCHRE))


EMBLEMS = {
    "ripples": _ripples, "network": _network, "identity": _identity, "pen": _pen, "target": _target,
    "door": _door, "frame": _frame, "speech": _speech, "laurel": _laurel,
}


def badge_picture(emblem: str, color: str) -> Picture:
    """The badge as shapes: a sand rim, the coloured disc, a fine paper ring, the emblem."""
    if emblem not in EMBLEMS:
        # Any other value (an old fixture's number) still gets a real emblem, always the same one.
        names = sorted(EMBLEMS)
        emblem = names[int(hashlib.sha256(emblem.encode()).hexdigest(), 16) % len(names)]
    p = Picture(100, 100, background=None).add(circle(50, 50, 49, SAND), circle(50, 50, 45, color))
    p.add(circle(50, 50, 41, stroke=PAPER, width=0.8, opacity=0.6))
    EMBLEMS[emblem](p, color)
    return p


def draw_badge_png(name: str, color: str, emblem: str, size: int = BADGE_SIZE) -> bytes:
    """A square PNG (transparent corners) of the badge; `name` is what it is called, in its metadata
    and on every page beside it, so the picture itself carries no words to shrink out of sight."""
    return to_png(badge_picture(emblem, color), size)


def variant_png(data: bytes, side: int) -> bytes:
    """A smaller square copy of a badge PNG, for the pages (the full size stays for Open Badges)."""
    with Image.open(io.BytesIO(data)) as image:
        small = image.convert("RGBA").resize((side, side), Image.Resampling.LANCZOS)
    # Flat artwork loses nothing visible in 256 colours, and the file is about a third of the size.
    small = small.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    buffer = io.BytesIO()
    small.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
