"""The project's own illustrations: flat shapes drawn once, written as SVG or as a PNG.

Course covers, session images and badge emblems share this one vocabulary (discs, rings,
polygons, round-capped strokes on a paper ground, in the palette of static/css/tokens.css), so
they read as one illustrated set. A picture is a list of shapes in a small coordinate box;
`to_svg` writes it for the pages (crisp at any size, a few KB) and `to_png` rasterises the same
list with Pillow where a bitmap is required (Open Badges images), drawn large and scaled down for
smooth edges.

The pages show the SVGs as <img>, which page CSS cannot reach, so each SVG carries its own dark
theme: a `prefers-color-scheme: dark` block that repaints the ground, the ink and the colours that
would vanish on it (DARK). The colours written on the shapes stay the light ones, for renderers
without that query (WeasyPrint's PDFs, which are printed on paper) and for the PNGs.
"""

import io
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from PIL import Image, ImageColor, ImageDraw

# The palette of static/css/tokens.css (light theme), plus two earth tones for variety.
PAPER = "#f7f3ee"  # --color-bg
INK = "#1f1a1c"  # --color-text
CLAY = "#a63f24"  # --color-accent
PLUM = "#2b2233"  # --color-hero
BLUSH = "#f2b9a3"  # --color-hero-accent
SAND = "#e8d9c7"
OCHRE = "#d99a3e"
SAGE = "#7f9a7a"
TEAL = "#2f6f73"

# Each palette colour that changes in the dark theme, and what it becomes: the ground and the ink
# take tokens.css's dark --color-bg and --color-text, clay its dark --color-accent; sand (the soft
# disc behind a motif) turns into a ground a step lighter, and plum, nearly the dark ground itself,
# turns into a lighter plum. Cut-outs drawn in paper (the halo round a node) follow the ground.
DARK = {
    PAPER: "#161214",
    INK: "#f2ebe6",
    CLAY: "#f08c68",
    SAND: "#33292b",
    PLUM: "#9d86b4",
}
_DARK_NAMES = {PAPER: "paper", INK: "ink", CLAY: "clay", SAND: "sand", PLUM: "plum"}


@dataclass(frozen=True)
class Shape:
    kind: str  # "circle", "rect", "polygon" or "line"
    points: tuple  # circle: (cx, cy, r); rect: (x, y, w, h); polygon/line: ((x, y), ...)
    fill: str | None = None
    stroke: str | None = None
    width: float = 0
    opacity: float = 1.0
    radius: float = 0  # rect corner radius


def circle(cx, cy, r, fill=None, *, stroke=None, width=0, opacity=1.0) -> Shape:
    return Shape("circle", (cx, cy, r), fill, stroke, width, opacity)


def rect(x, y, w, h, fill=None, *, stroke=None, width=0, opacity=1.0, radius=0) -> Shape:
    return Shape("rect", (x, y, w, h), fill, stroke, width, opacity, radius)


def polygon(points, fill=None, *, stroke=None, width=0, opacity=1.0) -> Shape:
    return Shape("polygon", tuple(tuple(p) for p in points), fill, stroke, width, opacity)


def line(points, stroke, width, *, opacity=1.0) -> Shape:
    return Shape("line", tuple(tuple(p) for p in points), None, stroke, width, opacity)


def arc(cx, cy, r, start_deg, end_deg, stroke, width, *, opacity=1.0, steps=48) -> Shape:
    """A round-capped stroke along a circle, from start to end (degrees, clockwise from east)."""
    points = []
    for i in range(steps + 1):
        angle = math.radians(start_deg + (end_deg - start_deg) * i / steps)
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return line(points, stroke, width, opacity=opacity)


def regular(cx, cy, r, sides, *, rotate_deg=-90, inner=None) -> list[tuple[float, float]]:
    """The corners of a regular polygon, or of a star when `inner` (its inner radius) is given."""
    points = []
    count = sides * 2 if inner else sides
    for i in range(count):
        angle = math.radians(rotate_deg + 360 * i / count)
        radius = inner if inner and i % 2 else r
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


@dataclass
class Picture:
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)
    background: str | None = PAPER

    def add(self, *shapes: Shape) -> "Picture":
        self.shapes.extend(shapes)
        return self


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _paint(shape: Shape) -> str:
    parts = [f'fill="{shape.fill}"' if shape.fill else 'fill="none"']
    if classes := _dark_classes(shape.fill, shape.stroke):
        parts.insert(0, f'class="{classes}"')
    if shape.stroke:
        parts.append(f'stroke="{shape.stroke}" stroke-width="{_num(shape.width)}"')
        if shape.kind == "line":
            parts.append('stroke-linecap="round" stroke-linejoin="round"')
    if shape.opacity < 1:
        parts.append(f'opacity="{_num(shape.opacity)}"')
    return " ".join(parts)


def _dark_classes(fill: str | None, stroke: str | None) -> str:
    """The classes the dark theme repaints: f-<name> for a fill, s-<name> for a stroke."""
    names = [f"f-{_DARK_NAMES[fill]}" if fill in DARK else "", f"s-{_DARK_NAMES[stroke]}" if stroke in DARK else ""]
    return " ".join(name for name in names if name)


def _dark_style(picture: Picture) -> str:
    """The picture's dark theme, for the colours it uses; "" when none of them changes."""
    fills = {shape.fill for shape in picture.shapes} | {picture.background}
    strokes = {shape.stroke for shape in picture.shapes}
    rules = [f".f-{_DARK_NAMES[c]}{{fill:{DARK[c]}}}" for c in DARK if c in fills]
    rules += [f".s-{_DARK_NAMES[c]}{{stroke:{DARK[c]}}}" for c in DARK if c in strokes]
    if not rules:
        return ""
    return "<style>@media (prefers-color-scheme: dark){" + "".join(rules) + "}</style>"


def to_svg(picture: Picture, *, title: str = "") -> str:
    """The picture as a standalone SVG document (no script, no external reference)."""
    w, h = _num(picture.width), _num(picture.height)
    # The intrinsic size is ten pixels per unit, so an <img> without CSS shows it at a useful size.
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
           f'width="{_num(picture.width * 10)}" height="{_num(picture.height * 10)}"'
           + (' role="img"' if title else "") + ">"]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    if style := _dark_style(picture):
        out.append(style)
    if picture.background:
        ground = _dark_classes(picture.background, None)
        out.append(f'<rect width="{w}" height="{h}"' + (f' class="{ground}"' if ground else "") + f' fill="{picture.background}"/>')
    for shape in picture.shapes:
        paint = _paint(shape)
        if shape.kind == "circle":
            cx, cy, r = shape.points
            out.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" {paint}/>')
        elif shape.kind == "rect":
            x, y, rw, rh = shape.points
            corner = f' rx="{_num(shape.radius)}"' if shape.radius else ""
            out.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(rw)}" height="{_num(rh)}"{corner} {paint}/>')
        else:
            coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in shape.points)
            tag = "polygon" if shape.kind == "polygon" else "polyline"
            out.append(f'<{tag} points="{coords}" {paint}/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _rgba(color: str, opacity: float) -> tuple[int, int, int, int]:
    r, g, b = ImageColor.getrgb(color)[:3]
    return r, g, b, round(255 * opacity)


def _draw(draw: ImageDraw.ImageDraw, shape: Shape, scale: float) -> None:
    fill = _rgba(shape.fill, 1) if shape.fill else None
    stroke = _rgba(shape.stroke, 1) if shape.stroke else None
    width = max(1, round(shape.width * scale)) if shape.stroke else 0
    if shape.kind == "circle":
        cx, cy, r = (v * scale for v in shape.points)
        box = (cx - r, cy - r, cx + r, cy + r)
        if fill:
            draw.ellipse(box, fill=fill)
        if stroke:
            # SVG centres a stroke on the outline; Pillow draws it inside, so widen the box by half.
            half = width / 2
            draw.ellipse((box[0] - half, box[1] - half, box[2] + half, box[3] + half), outline=stroke, width=width)
    elif shape.kind == "rect":
        x, y, w, h = (v * scale for v in shape.points)
        draw.rounded_rectangle((x, y, x + w, y + h), radius=shape.radius * scale, fill=fill,
                               outline=stroke, width=width)
    elif shape.kind == "polygon":
        points = [(x * scale, y * scale) for x, y in shape.points]
        if fill:
            draw.polygon(points, fill=fill)
        if stroke:
            draw.line(points + points[:1], fill=stroke, width=width, joint="curve")
    else:
        points = [(x * scale, y * scale) for x, y in shape.points]
        draw.line(points, fill=stroke, width=width, joint="curve")
        half = width / 2
        for x, y in (points[0], points[-1]):  # round caps
            draw.ellipse((x - half, y - half, x + half, y + half), fill=stroke)


def to_png(picture: Picture, width_px: int, *, supersample: int = 3) -> bytes:
    """The picture as a PNG `width_px` wide (transparent where it has no background)."""
    scale = width_px * supersample / picture.width
    size = (round(picture.width * scale), round(picture.height * scale))
    background = _rgba(picture.background, 1) if picture.background else (0, 0, 0, 0)
    image = Image.new("RGBA", size, background)
    draw = ImageDraw.Draw(image)
    for shape in picture.shapes:
        if shape.opacity < 1:
            layer = Image.new("RGBA", size, (0, 0, 0, 0))
            _draw(ImageDraw.Draw(layer), shape, scale)
            alpha = layer.getchannel("A").point(lambda a, o=shape.opacity: round(a * o))
            layer.putalpha(alpha)
            image.alpha_composite(layer)
            draw = ImageDraw.Draw(image)
        else:
            _draw(draw, shape, scale)
    final = image.resize((width_px, round(picture.height * width_px / picture.width)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    final.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
