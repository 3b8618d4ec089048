"""The course's own artwork: a cover and one picture per session, drawn in code (core.art).

`make fixtures` (build_course_fixtures) writes them to static/img/course/ as SVG; a course or
session without an uploaded image shows these, with the alt text below. The six session
pictures follow the model the course teaches (a first voice, networks, the person, content,
strategy, opportunities); a course with more sessions starts the series again.
"""

from core.art import (
    BLUSH,
    CLAY,
    INK,
    OCHRE,
    PAPER,
    PLUM,
    SAGE,
    SAND,
    TEAL,
    Picture,
    arc,
    circle,
    line,
    polygon,
    rect,
    regular,
)

W, H = 160, 90
COVER_W, COVER_H = 200, 60
STATIC_DIR = "img/course"


def _ripples() -> Picture:
    p = Picture(W, H).add(circle(44, 52, 40, SAND))
    for col in range(7):
        for row in range(5):
            x, y = 92 + col * 9, 18 + row * 13
            near = (x - 44) ** 2 + (y - 52) ** 2 < 62**2
            p.add(circle(x, y, 2.2 if near else 1.6, BLUSH if near else INK, opacity=1 if near else 0.35))
    for i, r in enumerate((12, 20, 29, 39, 50)):
        p.add(arc(44, 52, r, -70, 70, PLUM, 2.4 - i * 0.3, opacity=1 - i * 0.17))
    return p.add(circle(44, 52, 6, CLAY))


def _network() -> Picture:
    nodes = [(80, 45, 7, CLAY), (48, 26, 4, PLUM), (42, 62, 5, TEAL), (70, 16, 3, INK), (112, 22, 5, OCHRE),
             (122, 58, 6, PLUM), (94, 74, 4, SAGE), (60, 80, 3, INK), (138, 34, 3, INK), (24, 44, 3, PLUM)]
    links = [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (0, 6), (2, 7), (4, 8), (5, 8), (1, 9), (2, 9), (5, 6), (1, 3)]
    p = Picture(W, H).add(circle(80, 45, 34, SAND))
    for a, b in links:
        p.add(line([nodes[a][:2], nodes[b][:2]], INK, 0.9, opacity=0.6))
    for x, y, r, colour in nodes:
        p.add(circle(x, y, r + 1.6, PAPER), circle(x, y, r, colour))
    return p


def _identity() -> Picture:
    p = Picture(W, H).add(circle(64, 45, 30, PLUM), circle(96, 45, 30, BLUSH, opacity=0.85))
    for r in (8, 14, 20, 26):
        p.add(arc(64, 45, r, 100, 260, PAPER, 1.1, opacity=0.55))
    for r in (8, 14, 20, 26):
        p.add(arc(96, 45, r, -80, 80, CLAY, 1.1, opacity=0.55))
    return p.add(circle(80, 45, 5, OCHRE))


def _content() -> Picture:
    p = Picture(W, H).add(circle(128, 18, 26, SAND))
    tiles = [(28, 14, PLUM), (62, 14, BLUSH), (96, 14, TEAL), (28, 48, OCHRE), (62, 48, CLAY), (96, 48, SAGE)]
    for x, y, colour in tiles:
        p.add(rect(x + 1.5, y + 1.5, 30, 30, INK, radius=3, opacity=0.15), rect(x, y, 30, 30, colour, radius=3))
    p.add(circle(43, 24, 5, PAPER), polygon([(32, 40), (42, 30), (54, 40)], PAPER, opacity=0.8))
    p.add(line([(68, 24), (86, 24)], PLUM, 2), line([(68, 30), (84, 30)], PLUM, 2), line([(68, 36), (78, 36)], PLUM, 2))
    p.add(polygon(regular(111, 29, 9, 3), PAPER, opacity=0.9))
    p.add(circle(43, 63, 8, PAPER, opacity=0.9), circle(43, 63, 3, OCHRE))
    p.add(polygon([(72, 56), (84, 63), (72, 70)], PAPER))
    p.add(arc(111, 70, 9, 180, 360, PAPER, 2.2))
    return p


def _strategy() -> Picture:
    p = Picture(W, H)
    for i, r in enumerate((32, 24, 16, 8)):
        p.add(circle(118, 42, r, CLAY if i % 2 == 0 else PAPER))
    p.add(circle(118, 42, 3, PAPER))
    steps = [(14, 80), (34, 80), (34, 68), (54, 68), (54, 56), (74, 56), (74, 46), (96, 46)]
    for (x1, y1), (x2, y2) in zip(steps, steps[1:], strict=False):
        p.add(line([(x1, y1), (x2, y2)], PLUM, 2.6))
    p.add(line([(96, 46), (116, 42)], INK, 1.8), polygon([(117, 42), (109, 38), (111, 46)], INK))
    p.add(circle(14, 80, 3.5, OCHRE))
    return p


def _opportunity() -> Picture:
    p = Picture(W, H).add(rect(0, 62, W, 28, SAND))
    for i in range(9):
        angle = 180 + i * 22.5
        p.add(arc(108, 62, 34, angle - 3, angle + 3, OCHRE, 1.6, steps=4))
    p.add(circle(108, 62, 22, OCHRE), rect(80, 62, 56, 24, SAND))
    p.add(line([(0, 62), (W, 62)], INK, 1))
    p.add(rect(28, 20, 30, 42, PLUM, radius=1), rect(32, 24, 22, 38, BLUSH))
    p.add(polygon([(32, 24), (44, 28), (44, 66), (32, 62)], CLAY), circle(41, 46, 1.3, PAPER))
    p.add(polygon([(54, 62), (32, 62), (14, 86), (70, 86)], BLUSH, opacity=0.5))
    return p


def _cover() -> Picture:
    """The five dimensions of the model around the learner's practice, between a first voice's rings
    (left) and the target of a strategy (right): a wide band for the top of the course page."""
    p = Picture(COVER_W, COVER_H).add(circle(100, 30, 27, SAND))
    around = [(100, 8, PLUM), (121, 23, TEAL), (113, 49, OCHRE), (87, 49, SAGE), (79, 23, BLUSH)]
    for i, (x, y, _colour) in enumerate(around):
        nx, ny, _ = around[(i + 1) % len(around)]
        p.add(line([(x, y), (nx, ny)], INK, 0.7, opacity=0.5), line([(x, y), (100, 30)], INK, 0.7, opacity=0.5))
    for x, y, colour in around:
        p.add(circle(x, y, 6.6, PAPER), circle(x, y, 5.4, colour))
    p.add(circle(100, 30, 7.8, PAPER), circle(100, 30, 6.3, CLAY))
    p.add(circle(28, 34, 4, CLAY))
    for i, r in enumerate((9, 15, 22, 30)):
        p.add(arc(28, 34, r, -60, 60, PLUM, 1.8 - i * 0.25, opacity=1 - i * 0.2))
    for col in range(3):
        for row in range(4):
            p.add(circle(150 + col * 6, 14 + row * 10, 1.2, INK, opacity=0.3))
    for i, r in enumerate((16, 11, 6)):
        p.add(circle(178, 30, r, CLAY if i % 2 == 0 else PAPER))
    p.add(circle(178, 30, 2, PAPER))
    return p


SESSIONS = [
    (_ripples, "Rings spreading from a small red dot across a field of grey dots, some of them lit up as the "
               "rings reach them."),
    (_network, "A web of coloured circles joined by thin lines, with one larger red circle at its centre."),
    (_identity, "Two overlapping discs, one deep plum and one pale pink, marked with fine rings like a "
                "fingerprint and meeting at a small gold dot."),
    (_content, "Six coloured tiles in a grid, like a feed of posts: a picture, lines of text, a triangle, a "
               "disc, a play button and a smile."),
    (_strategy, "A stepped path climbing from a gold dot on the left to an arrow in the centre of a red target."),
    (_opportunity, "An open door in a plum frame beside a golden sun rising over the horizon."),
]
COVER_ALT = ("Five coloured circles, one for each part of the micro-influence model, joined to each other and to "
             "a red circle at the centre, between rings spreading from a dot and a red target.")


def session_picture(number: int) -> tuple[Picture, str]:
    draw, alt = SESSIONS[(max(number, 1) - 1) % len(SESSIONS)]
    return draw(), alt


def cover_picture() -> tuple[Picture, str]:
    return _cover(), COVER_ALT


def session_art_name(number: int) -> str:
    """The static path of the default picture for a session number."""
    return f"{STATIC_DIR}/session-{(max(number, 1) - 1) % len(SESSIONS) + 1}.svg"


COVER_ART_NAME = f"{STATIC_DIR}/cover.svg"
