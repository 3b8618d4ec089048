"""The course's video lessons, made at fixture-build time: narrated slide talks with captions.

Each talk is written as text in fixtures/content/videos/<lesson key>.md: a `## Heading` starts a
slide, an optional `layout:` line picks how it is drawn (a diagram where the idea is visual),
`* ` lines are what the slide shows, and every other paragraph is what the narrator says while
it is on screen. From that, `build_video`:

1. draws every slide as HTML and SVG in the site's colours, renders them to one PDF with
   WeasyPrint and turns the pages into PNGs with pdftoppm (poppler-utils);
2. speaks each sentence with flite (Debian's `flite` package, its built-in slt voice: nothing
   is downloaded) and joins the sentences with short pauses into one WAV, in Python;
3. times one caption per sentence from the speech itself (long sentences are split into
   caption-sized parts, timed by their share of the letters), and writes the WebVTT file;
4. encodes the slides and the speech with ffmpeg as H.264/AAC MP4, small because slides are
   still (stillimage tuning, a few frames a second, low-rate mono speech).

A manifest beside the scripts records what each video was built from; a video whose script
and this module are unchanged is not built again, so `make fixtures` needs none of these tools
unless a talk changed, and the committed files stay byte-for-byte the same.
"""

import hashlib
import html
import json
import math
import re
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from core import art
from core.pdf import html_to_pdf
from courses.captions import write_vtt

WIDTH, HEIGHT = 1280, 720
FPS = 4
VOICE = "slt"
STRETCH = "1.12"  # flite speaks fast: a little slower reads better with captions
SENTENCE_PAUSE = 0.35
SLIDE_PAUSE = 1.1
LEAD_IN = 0.6
CAPTION_CHARS = 84
TOOLS = {"flite": "flite", "ffmpeg": "ffmpeg", "pdftoppm": "poppler-utils"}

# The site's palette (static/css/tokens.css, light theme), by way of core.art where it has the colour.
INK, PAPER, MUTED, LINE = art.INK, art.PAPER, "#5e5559", "#ddd3ca"  # --color-muted, --color-border
ACCENT, ACCENT_DARK, ACCENT_WASH = art.CLAY, art.PLUM, art.SAND  # sand, not the accent wash: it shows on paper
TITLE_SOFT, TITLE_TEXT = art.BLUSH, "#f3ece8"  # on the plum title slide


class VideoToolMissing(Exception):
    pass


@dataclass
class Slide:
    heading: str
    layout: str = "bullets"
    points: list[str] = field(default_factory=list)
    narration: list[str] = field(default_factory=list)


@dataclass
class Talk:
    key: str
    title: str
    eyebrow: str
    slides: list[Slide]


@dataclass
class BuiltVideo:
    video: str  # media names
    poster: str
    captions: str
    cues: list[dict]
    seconds: float
    bytes: int


def parse_talk(key: str, text: str, eyebrow: str) -> Talk:
    title = ""
    slides: list[Slide] = []
    paragraph: list[str] = []

    def end_paragraph():
        if paragraph and slides:
            slides[-1].narration += split_sentences(" ".join(paragraph))
        paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("# "):
            title = line[2:].strip()
        elif line.startswith("## "):
            end_paragraph()
            slides.append(Slide(heading=line[3:].strip()))
        elif line.startswith("layout:") and slides:
            slides[-1].layout = line.split(":", 1)[1].strip()
        elif line.startswith("* ") and slides:
            end_paragraph()
            slides[-1].points.append(line[2:].strip())
        elif not line:
            end_paragraph()
        else:
            paragraph.append(line)
    end_paragraph()
    return Talk(key=key, title=title, eyebrow=eyebrow, slides=slides)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(])", text) if s.strip()]


def words_in(talk: Talk) -> int:
    return sum(len(sentence.split()) for slide in talk.slides for sentence in slide.narration)


def source_hash(text: str) -> str:
    return hashlib.sha256((text + Path(__file__).read_text()).encode()).hexdigest()[:16]


def check_tools() -> None:
    missing = [package for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        raise VideoToolMissing(
            "Building the course videos needs " + ", ".join(sorted(set(missing)))
            + f" (Debian: apt-get install {' '.join(sorted(set(missing)))})."
        )


# --- speech and captions -----------------------------------------------------------------


def speakable(sentence: str) -> str:
    """What flite should say: symbols read as words, and no markup."""
    text = sentence.replace("÷", " divided by ").replace("×", " times ").replace("%", " percent")
    text = text.replace("#", "number ").replace("&", " and ").replace("“", '"').replace("”", '"')
    text = re.sub(r"(\d),(\d{3})", r"\1\2", text)  # 1,500 is one number
    return " ".join(text.split())


def speak(sentence: str, target: Path) -> None:
    subprocess.run(
        ["flite", "-voice", VOICE, "--setf", f"duration_stretch={STRETCH}", "-t", speakable(sentence), "-o", str(target)],
        check=True, capture_output=True,
    )


def caption_parts(sentence: str) -> list[str]:
    """A sentence cut into captions of at most CAPTION_CHARS, between words, preferring a comma
    or colon once a part is half full."""
    if len(sentence) <= CAPTION_CHARS:
        return [sentence]
    pieces, current = [], ""
    for word in sentence.split():
        candidate = f"{current} {word}".strip()
        pause = current.endswith((",", ";", ":")) and len(current) >= CAPTION_CHARS // 2
        if current and (len(candidate) > CAPTION_CHARS or pause):
            pieces.append(current)
            current = word
        else:
            current = candidate
    if pieces and len(current) < 16 and len(pieces[-1]) + len(current) < CAPTION_CHARS + 16:
        current = f"{pieces.pop()} {current}"
    pieces.append(current)
    return pieces


def narrate(talk: Talk, workdir: Path) -> tuple[Path, list[float], list[dict]]:
    """Speak the talk into one WAV; return it, each slide's length in seconds, and the cues."""
    frames = bytearray()
    params = None
    slide_seconds: list[float] = []
    cues: list[dict] = []
    clock = 0.0
    index = 0

    def silence(seconds: float):
        nonlocal clock
        frames.extend(b"\x00\x00" * int(round(seconds * params.framerate)))
        clock = len(frames) / 2 / params.framerate

    for number, slide in enumerate(talk.slides):
        slide_start = clock
        for position, sentence in enumerate(slide.narration):
            index += 1
            path = workdir / f"s{index:03d}.wav"
            speak(sentence, path)
            with wave.open(str(path)) as clip:
                if params is None:
                    params = clip.getparams()
                    silence(LEAD_IN)
                data = clip.readframes(clip.getnframes())
            start = clock
            frames.extend(data)
            clock = len(frames) / 2 / params.framerate
            parts = caption_parts(sentence)
            letters = sum(len(p) for p in parts)
            at = start
            for part in parts:
                length = (clock - start) * len(part) / letters
                cues.append({"start": round(at, 3), "end": round(at + length, 3), "text": part})
                at += length
            last = number == len(talk.slides) - 1 and position == len(slide.narration) - 1
            silence(SLIDE_PAUSE if position == len(slide.narration) - 1 and not last else SENTENCE_PAUSE)
        if number == 0:
            slide_start = 0.0
        slide_seconds.append(clock - slide_start)
    silence(1.0)  # a moment on the last slide before the end
    slide_seconds[-1] += 1.0
    target = workdir / "narration.wav"
    with wave.open(str(target), "wb") as out:
        out.setparams(params)
        out.writeframes(bytes(frames))
    return target, slide_seconds, cues


# --- slides ------------------------------------------------------------------------------


SLIDE_CSS = f"""
@page {{ size: {WIDTH}px {HEIGHT}px; margin: 0; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: var(--font-body); color: {INK}; }}
.slide {{ width: {WIDTH}px; height: {HEIGHT}px; position: relative; overflow: hidden; background: {PAPER}; page-break-after: always; }}
.slide::before {{ content: ""; position: absolute; left: 0; top: 0; bottom: 0; width: 18px; background: {ACCENT}; }}
.eyebrow {{ position: absolute; left: 76px; top: 44px; font-size: 19px; font-weight: 600; letter-spacing: .12em; text-transform: uppercase;
  color: {MUTED}; }}
h1 {{ position: absolute; left: 76px; right: 76px; top: 76px; margin: 0; font-family: var(--font-display); font-weight: 600; font-size: 50px;
  line-height: 1.12; color: {ACCENT_DARK}; }}
.body {{ position: absolute; left: 76px; right: 76px; top: 184px; height: 340px; }}
.body svg {{ display: block; margin: 0 auto; }}
ul {{ margin: 0; padding: 0; list-style: none; }}
li {{ font-size: 32px; line-height: 1.3; margin: 0 0 20px; padding-left: 42px; position: relative; }}
li::before {{ content: ""; position: absolute; left: 4px; top: 13px; width: 16px; height: 16px; border-radius: 50%; background: {ACCENT}; }}
b {{ font-weight: 700; }}
li b {{ color: {ACCENT_DARK}; }}
.foot {{ position: absolute; left: 76px; right: 60px; bottom: 26px; font-size: 16px; color: {MUTED}; display: flex; justify-content: space-between; }}
.title {{ background: {ACCENT_DARK}; color: #fff; }}
.title::before {{ background: {ACCENT}; }}
.title .eyebrow {{ color: {TITLE_SOFT}; top: 200px; }}
.title h1 {{ color: #fff; top: 238px; font-size: 64px; }}
.title .subtitle {{ position: absolute; left: 76px; right: 120px; top: 420px; font-size: 30px; line-height: 1.35; color: {TITLE_TEXT}; }}
.title .foot {{ color: {TITLE_SOFT}; }}
.quote .statement {{ font-family: var(--font-display); font-weight: 600; font-size: 44px; line-height: 1.3; color: {ACCENT_DARK};
  border-left: 8px solid {ACCENT}; padding-left: 34px; margin-top: 10px; }}
.quote .by {{ font-size: 24px; color: {MUTED}; margin-top: 26px; padding-left: 42px; }}
.steps {{ display: flex; gap: 22px; }}
.step {{ flex: 1; background: {ACCENT_WASH}; border-radius: 16px; padding: 24px 22px; font-size: 26px; line-height: 1.3; }}
.step .n {{ display: block; font-family: var(--font-display); font-size: 40px; font-weight: 600; color: {ACCENT}; margin-bottom: 10px; }}
svg text {{ font-family: var(--font-body); }}
"""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _inline(text: str) -> str:
    """**bold** in slide text; everything else escaped."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", _esc(text))


def _label(text: str) -> str:
    return _esc(text.replace("**", ""))


def slide_html(talk: Talk, slide: Slide, number: int) -> str:
    foot = f'<div class="foot"><span>{_esc(talk.eyebrow)}</span><span>{number} / {len(talk.slides)}</span></div>'
    if slide.layout == "title":
        subtitle = "".join(f"<div>{_inline(p)}</div>" for p in slide.points)
        return (
            f'<section class="slide title"><div class="eyebrow">{_esc(talk.eyebrow)}</div><h1>{_inline(slide.heading)}</h1>'
            f'<div class="subtitle">{subtitle}</div>{foot}</section>'
        )
    drawing = LAYOUTS.get(slide.layout, _bullets)(slide)
    return (
        f'<section class="slide {slide.layout}"><div class="eyebrow">{_esc(talk.title)}</div>'
        f"<h1>{_inline(slide.heading)}</h1><div class=\"body\">{drawing}</div>{foot}</section>"
    )


def _bullets(slide: Slide) -> str:
    return "<ul>" + "".join(f"<li>{_inline(p)}</li>" for p in slide.points) + "</ul>"


def _quote(slide: Slide) -> str:
    statement, *by = slide.points
    return f'<div class="statement">{_inline(statement)}</div>' + "".join(f'<div class="by">{_inline(b)}</div>' for b in by)


def _steps(slide: Slide) -> str:
    cells = []
    for n, point in enumerate(slide.points, start=1):
        cells.append(f'<div class="step"><span class="n">{n}</span>{_inline(point)}</div>')
    return f'<div class="steps">{"".join(cells)}</div>'


def _svg(inner: str) -> str:
    # Drawn on a 1128 × 390 grid and shown a little smaller, so the bottom of the slide stays
    # clear for the captions the player draws over it.
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="984" height="340" viewBox="0 0 1128 390">{inner}</svg>'


def _text(x, y, text, size=24, weight="normal", fill=INK, anchor="middle") -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-family="Figtree, DejaVu Sans, sans-serif" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}" text-anchor="{anchor}">{_label(text)}</text>'
    )


def _wrapped(x, y, text, size=22, width=16, fill=INK, weight="normal") -> str:
    lines, current = [], ""
    for word in text.replace("**", "").split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    top = y - (len(lines) - 1) * size * 0.6
    return "".join(_text(x, top + i * size * 1.2, line, size, weight, fill) for i, line in enumerate(lines))


def _model(slide: Slide) -> str:
    """Five linked dimensions around a centre; a point marked ** is the one this talk is about."""
    cx, cy, rx, ry = 564, 200, 390, 150
    spots = []
    for i, point in enumerate(slide.points):
        angle = -math.pi / 2 + i * 2 * math.pi / len(slide.points)
        spots.append((cx + rx * math.cos(angle), cy + ry * math.sin(angle), point))
    inner = []
    for i, (x1, y1, _) in enumerate(spots):
        for x2, y2, _ in spots[i + 1:]:
            inner.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="{LINE}" stroke-width="3"/>')
    inner.append(f'<circle cx="{cx}" cy="{cy}" r="70" fill="{ACCENT_WASH}"/>')
    inner.append(_wrapped(cx, cy + 8, "micro-influence", 24, 10, ACCENT_DARK, "bold"))
    for x, y, point in spots:
        chosen = point.startswith("**")
        fill, ink = (ACCENT, "#fff") if chosen else ("#fff", ACCENT_DARK)
        inner.append(f'<rect x="{x - 135:.0f}" y="{y - 40:.0f}" width="270" height="80" rx="40" fill="{fill}" stroke="{ACCENT}" stroke-width="3"/>')
        inner.append(_wrapped(x, y + 8, point, 24, 18, ink, "bold"))
    return _svg("".join(inner))


def _network(slide: Slide) -> str:
    """A network map: you in the middle, a cluster of people per group, one group bridged."""
    inner = []
    cx, cy = 564, 190
    groups = slide.points
    centres = []
    for i, _ in enumerate(groups):
        angle = -math.pi / 2 + (i + 0.5) * 2 * math.pi / len(groups)
        centres.append((cx + 380 * math.cos(angle), cy + 112 * math.sin(angle)))
    for (gx, gy), group in zip(centres, groups, strict=True):
        dashes = "10 8" if group.startswith("~") else "none"  # ~ marks a group you want to reach
        inner.append(f'<line x1="{cx}" y1="{cy}" x2="{gx:.0f}" y2="{gy:.0f}" stroke="{ACCENT}" stroke-width="4" stroke-dasharray="{dashes}"/>')
    for (gx, gy), group in zip(centres, groups, strict=True):
        for k in range(7):
            a = k * 2 * math.pi / 7
            x, y = gx + 66 * math.cos(a), gy + 44 * math.sin(a)
            inner.append(f'<line x1="{gx:.0f}" y1="{gy:.0f}" x2="{x:.0f}" y2="{y:.0f}" stroke="{LINE}" stroke-width="2"/>')
            inner.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="11" fill="{ACCENT_WASH}" stroke="{ACCENT}" stroke-width="2"/>')
        inner.append(f'<circle cx="{gx:.0f}" cy="{gy:.0f}" r="16" fill="{ACCENT}"/>')
        label_y = gy + 74 if gy >= cy else gy - 58
        inner.append(_text(gx, label_y, group.lstrip("~"), 22, "bold", ACCENT_DARK))
    inner.append(f'<circle cx="{cx}" cy="{cy}" r="44" fill="{ACCENT_DARK}"/>')
    inner.append(_text(cx, cy + 9, "you", 26, "bold", "#fff"))
    return _svg("".join(inner))


def _sum(slide: Slide) -> str:
    """The engagement-rate sum as boxes: each point is 'value | what it is'; operators between."""
    items = [p.split("|", 1) for p in slide.points]
    operators = ["÷", "×", "="]
    inner = []
    width, gap = 220, 64
    total = len(items) * width + (len(items) - 1) * gap
    x = (1128 - total) / 2
    for i, (value, what) in enumerate(items):
        last = i == len(items) - 1
        fill, ink = (ACCENT, "#fff") if last else (ACCENT_WASH, ACCENT_DARK)
        inner.append(f'<rect x="{x:.0f}" y="70" width="{width}" height="150" rx="18" fill="{fill}"/>')
        inner.append(_text(x + width / 2, 165, value.strip(), 54, "bold", ink))
        inner.append(_wrapped(x + width / 2, 272, what.strip(), 22, 18, INK))
        if not last:
            inner.append(_text(x + width + gap / 2, 162, operators[min(i, 2)] if i < len(items) - 2 else "=", 50, "bold", MUTED))
        x += width + gap
    return _svg("".join(inner))


def _triad(slide: Slide) -> str:
    """Three overlapping circles (visibility, topic, relevance) with what they make together."""
    inner = []
    for x, y in [(484, 140), (644, 140), (564, 262)]:
        inner.append(f'<circle cx="{x}" cy="{y}" r="118" fill="{ACCENT}" fill-opacity="0.16" stroke="{ACCENT}" stroke-width="3"/>')
    for (x, y), point in zip([(440, 112), (690, 112), (564, 318)], slide.points[:3], strict=False):
        inner.append(_text(x, y, point, 26, "bold", ACCENT_DARK))
    if len(slide.points) > 3:
        inner.append(_wrapped(564, 190, slide.points[3], 19, 12, INK, "bold"))
    return _svg("".join(inner))


def _scale(slide: Slide) -> str:
    """A line from one approach to its opposite, with who stands where: 'left | right' then 'name @ 0..1'."""
    ends = slide.points[0].split("|")
    inner = [
        f'<line x1="110" y1="170" x2="1018" y2="170" stroke="{ACCENT}" stroke-width="6" stroke-linecap="round"/>',
        _wrapped(110, 250, ends[0].strip(), 24, 18, ACCENT_DARK, "bold"),
        _wrapped(1018, 250, ends[1].strip(), 24, 18, ACCENT_DARK, "bold"),
    ]
    for point in slide.points[1:]:
        name, _, where = point.partition("@")
        x = 110 + 908 * float(where)
        inner.append(f'<circle cx="{x:.0f}" cy="170" r="20" fill="{ACCENT}"/>')
        inner.append(_wrapped(x, 108, name.strip(), 22, 22, INK))
    return _svg("".join(inner))


def _cycle(slide: Slide) -> str:
    """Steps around a loop (plan, do, check, act), clockwise from the top, with arrowheads between."""
    cx, cy, rx, ry = 564, 195, 330, 140
    count = len(slide.points)
    inner = [f'<ellipse cx="{cx}" cy="{cy}" rx="{rx}" ry="{ry}" fill="none" stroke="{ACCENT_WASH}" stroke-width="22"/>']
    for i in range(count):
        t = -math.pi / 2 + (i + 0.5) * 2 * math.pi / count
        x, y = cx + rx * math.cos(t), cy + ry * math.sin(t)
        dx, dy = -rx * math.sin(t), ry * math.cos(t)  # clockwise on screen
        length = math.hypot(dx, dy)
        dx, dy = dx / length, dy / length
        tip = (x + 16 * dx, y + 16 * dy)
        left = (x - 12 * dx - 12 * dy, y - 12 * dy + 12 * dx)
        right = (x - 12 * dx + 12 * dy, y - 12 * dy - 12 * dx)
        points = " ".join(f"{px:.0f},{py:.0f}" for px, py in (tip, left, right))
        inner.append(f'<polygon points="{points}" fill="{ACCENT}"/>')
    for i, point in enumerate(slide.points):
        t = -math.pi / 2 + i * 2 * math.pi / count
        x, y = cx + rx * math.cos(t), cy + ry * math.sin(t)
        inner.append(f'<rect x="{x - 140:.0f}" y="{y - 36:.0f}" width="280" height="72" rx="16" fill="#fff" stroke="{ACCENT}" stroke-width="3"/>')
        inner.append(_wrapped(x, y + 8, point, 24, 20, ACCENT_DARK, "bold"))
    return _svg("".join(inner))


LAYOUTS = {"bullets": _bullets, "quote": _quote, "steps": _steps, "model": _model, "network": _network,
           "sum": _sum, "triad": _triad, "scale": _scale, "cycle": _cycle}


def render_slides(talk: Talk, workdir: Path) -> list[Path]:
    pages = "".join(slide_html(talk, slide, n) for n, slide in enumerate(talk.slides, start=1))
    pdf = workdir / "slides.pdf"
    # tokens.css brings the site's fonts (Figtree, Fraunces); the colours are repeated above for the SVG attributes.
    head = f"<meta charset='utf-8'><link rel='stylesheet' href='/static/css/tokens.css'><style>{SLIDE_CSS}</style>"
    pdf.write_bytes(html_to_pdf(f"<html lang='en'><head>{head}</head><body>{pages}</body></html>", tagged=False))
    subprocess.run(
        ["pdftoppm", "-png", "-scale-to-x", str(WIDTH), "-scale-to-y", str(HEIGHT), str(pdf), str(workdir / "slide")],
        check=True, capture_output=True,
    )
    images = sorted(workdir.glob("slide-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
    if len(images) != len(talk.slides):
        raise RuntimeError(f"{talk.key}: {len(talk.slides)} slides but {len(images)} pages were drawn")
    return images


# --- the video ---------------------------------------------------------------------------


def encode(images: list[Path], seconds: list[float], audio: Path, target: Path) -> None:
    listing = audio.parent / "slides.concat.txt"
    lines = []
    for image, length in zip(images, seconds, strict=True):
        lines += [f"file '{image}'", f"duration {length:.3f}"]
    lines.append(f"file '{images[-1]}'")  # the concat demuxer needs the last picture twice
    listing.write_text("\n".join(lines) + "\n")
    subprocess.run(
        ["ffmpeg", "-y", "-loglevel", "error", "-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(audio),
         "-vf", f"fps={FPS},format=yuv420p", "-c:v", "libx264", "-preset", "veryslow", "-tune", "stillimage",
         "-crf", "30", "-g", str(FPS * 30), "-c:a", "aac", "-b:a", "32k", "-ac", "1", "-ar", "16000",
         "-shortest", "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact",
         "-flags:v", "+bitexact", "-flags:a", "+bitexact", str(target)],
        check=True, capture_output=True,
    )


def build_video(talk: Talk, media: Path) -> BuiltVideo:
    """Make the talk's MP4, poster and WebVTT captions under media/lessons/…; return their names."""
    check_tools()
    names = {
        "video": f"lessons/video/{talk.key}.mp4",
        "poster": f"lessons/posters/{talk.key}.jpg",
        "captions": f"lessons/captions/{talk.key}.en.vtt",
    }
    for name in names.values():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"talk-{talk.key}-") as tmp:
        workdir = Path(tmp)
        images = render_slides(talk, workdir)
        audio, seconds, cues = narrate(talk, workdir)
        encode(images, seconds, audio, media / names["video"])
        Image.open(images[0]).convert("RGB").save(media / names["poster"], "JPEG", quality=82, optimize=True)
    (media / names["captions"]).write_text(write_vtt(cues))
    duration = sum(seconds)
    return BuiltVideo(**names, cues=cues, seconds=round(duration, 2), bytes=(media / names["video"]).stat().st_size)


def read_manifest(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def write_manifest(path: Path, manifest: dict) -> None:
    path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
