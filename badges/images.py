"""Badge artwork drawn with Pillow: a rosette in the badge's colour, a large emblem, the name on a ribbon.

The fixture builder calls `draw_badge_png` for the course's badges, so every badge has a real,
distinct image without any design tool. Shapes are drawn at three times the size and scaled down,
which gives smooth (anti-aliased) edges.
"""

import io
import math
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageColor, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
SUPERSAMPLE = 3


@lru_cache(maxsize=32)
def _font(size: int, *, bold: bool = True) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _mix(rgb: tuple[int, int, int], other: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    return tuple(round(a + (b - a) * amount) for a, b in zip(rgb, other, strict=True))


def _lighter(rgb, amount: float):
    return _mix(rgb, (255, 255, 255), amount)


def _darker(rgb, amount: float):
    return _mix(rgb, (0, 0, 0), amount)


def _fit_font(draw: ImageDraw.ImageDraw, text: str, max_width: float, max_height: float, *, start: int):
    """The largest bold font (down from `start`) at which `text` fits the box."""
    size = start
    while size > 8:
        font = _font(size)
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        if right - left <= max_width and bottom - top <= max_height:
            return font
        size = int(size * 0.93)
    return _font(8)


def _wrap_name(draw: ImageDraw.ImageDraw, name: str, max_width: float, max_height: float, start: int):
    """One line when it reads well, else two balanced lines: (lines, font)."""
    one_line = _fit_font(draw, name, max_width, max_height * 0.6, start=start)
    words = name.split()
    if len(words) < 2 or one_line.size >= start * 0.85:
        return [name], one_line
    best = None
    for cut in range(1, len(words)):
        lines = [" ".join(words[:cut]), " ".join(words[cut:])]
        longest = max(lines, key=lambda line: draw.textlength(line, font=_font(start)))
        font = _fit_font(draw, longest, max_width, max_height * 0.42, start=start)
        if best is None or font.size > best[1].size:
            best = (lines, font)
    if best[1].size > one_line.size:
        return best
    return [name], one_line


def draw_badge_png(name: str, color: str, emblem: str, size: int = 600) -> bytes:
    """Draw a square PNG badge (transparent corners) and return its bytes.

    1. a scalloped rosette in a lighter tint of `color`, with a white ring;
    2. an inner disc shaded from light to `color`, with a thin inner ring;
    3. the emblem (a number, letter or symbol) large in the middle, in white with a soft shadow;
    4. a ribbon across the lower part carrying the badge name.
    """
    base = ImageColor.getrgb(color)[:3]
    big = size * SUPERSAMPLE
    c = big / 2
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    # 1. Rosette: a ring of overlapping circles around a disc gives the scalloped edge.
    outer = big * 0.47
    bump = big * 0.045
    petals = 28
    edge = _darker(base, 0.15)
    for i in range(petals):
        angle = 2 * math.pi * i / petals
        x, y = c + (outer - bump) * math.cos(angle), c + (outer - bump) * math.sin(angle)
        draw.ellipse((x - bump, y - bump, x + bump, y + bump), fill=edge)
    draw.ellipse((c - outer + bump, c - outer + bump, c + outer - bump, c + outer - bump), fill=edge)
    ring = big * 0.405
    draw.ellipse((c - ring, c - ring, c + ring, c + ring), fill=(255, 255, 255))

    # 2. Inner disc with a radial shade (light centre-top to full colour at the edge).
    disc = big * 0.375
    steps = 60
    for step in range(steps):
        r = disc * (1 - step / steps)
        shade = _lighter(base, 0.32 * step / steps)
        offset = -big * 0.04 * step / steps
        draw.ellipse((c - r, c - r + offset, c + r, c + r + offset), fill=shade)
    inner = big * 0.345
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), outline=_lighter(base, 0.55), width=max(2, big // 300))

    # 3. The emblem, large, slightly above the centre to leave room for the ribbon.
    emblem_font = _fit_font(draw, emblem, big * 0.40, big * 0.29, start=int(big * 0.6))
    ex, ey = c, c - big * 0.06
    shadow = big * 0.008
    draw.text((ex + shadow, ey + shadow), emblem, font=emblem_font, anchor="mm", fill=_darker(base, 0.45))
    draw.text((ex, ey), emblem, font=emblem_font, anchor="mm", fill=(255, 255, 255))

    # 4. Ribbon: tails (folded ends) behind a band that overhangs the rosette.
    band_top, band_bottom = big * 0.615, big * 0.80
    band_left, band_right = big * 0.07, big * 0.93
    tail = _darker(base, 0.5)
    fold = big * 0.05
    for side in (-1, 1):
        x_inner = band_left + fold if side < 0 else band_right - fold
        x_outer = big * 0.015 if side < 0 else big * 0.985
        notch = x_outer - side * big * 0.045
        draw.polygon(
            [
                (x_inner, band_top + fold),
                (x_outer, band_top + fold),
                (notch, (band_top + band_bottom) / 2 + fold),
                (x_outer, band_bottom + fold),
                (x_inner, band_bottom + fold),
            ],
            fill=_darker(base, 0.35),
        )
        fold_x = band_left if side < 0 else band_right
        draw.polygon(
            [(fold_x, band_bottom), (x_inner, band_bottom + fold), (x_inner, band_bottom)], fill=tail
        )
    band = _darker(base, 0.2)
    draw.rectangle((band_left, band_top, band_right, band_bottom), fill=band)
    draw.line((band_left, band_top + big * 0.012, band_right, band_top + big * 0.012), fill=_lighter(base, 0.35), width=max(2, big // 400))
    draw.line((band_left, band_bottom - big * 0.012, band_right, band_bottom - big * 0.012), fill=_lighter(base, 0.35), width=max(2, big // 400))

    text_width = (band_right - band_left) * 0.9
    text_height = band_bottom - band_top
    lines, name_font = _wrap_name(draw, name, text_width, text_height, start=int(big * 0.072))
    line_height = name_font.size * 1.12
    first_y = (band_top + band_bottom) / 2 - line_height * (len(lines) - 1) / 2
    for index, line in enumerate(lines):
        draw.text((c, first_y + index * line_height), line, font=name_font, anchor="mm", fill=(255, 255, 255))

    final = image.resize((size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    final.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
