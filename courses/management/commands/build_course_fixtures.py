"""Build fixtures/course.json (and its PDFs) and fixtures/demo_users.json from fixtures/content/.

The written course lives as Markdown and JSON in fixtures/content/ so authors can edit it
as text; this command turns it into a `loaddata` fixture with stable primary keys and renders
each ebook to a small PDF with WeasyPrint. The badges (fixtures/badges.json and their images)
are built by the badges app's own command, since courses imports nothing above it. Run both
after editing the content (`make fixtures`) and commit what they write.
"""

import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.utils.text import slugify

from core.art import to_svg
from core.markdown import render_trusted_markdown
from core.pdf import html_to_pdf
from courses import art as course_art
from courses.captions import read_cues
from courses.management import videos

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
CONTENT = FIXTURES / "content"
MEDIA = FIXTURES / "media"
COURSE_SLUG = "introduction-to-micro-influence"
# What each committed video was built from (videos.source_hash), its length and size.
VIDEO_MANIFEST = CONTENT / "videos" / "manifest.json"

DEMO_USERS = [
    # email, password, display name, country, role
    ("learner@atelier.test", "atelier-learner", "Alex Rivera", "AU", "learner"),
    ("learner2@atelier.test", "atelier-learner2", "Sam Okafor", "NZ", "learner"),
    ("instructor@atelier.test", "atelier-instructor", "Jordan Blake", "AU", "instructor"),
    ("admin@atelier.test", "atelier-admin", "Atelier Admin", "AU", "admin"),
]

# Session 1 of the 2024 cohort opened on 28 May 2024; each later session a week after.
COHORT_2024_START = "2024-05-28"
NEXT_COHORT_START = "2027-03-02"

# On top of static/css/tokens.css: the site's fonts and colours, set for a printed page.
EBOOK_CSS = """
@page { size: A4; margin: 22mm 20mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-family: var(--font-body); font-size: 9pt; color: var(--color-muted); } }
body { font-family: var(--font-body); font-size: 10.5pt; line-height: 1.5; color: var(--color-text); }
h1, h2, h3 { font-family: var(--font-display); font-weight: 600; line-height: var(--leading-tight); color: var(--color-hero); }
h1 { font-size: 22pt; margin: 0 0 6mm; padding-bottom: 3mm; border-bottom: 2pt solid var(--color-accent); }
h2 { font-size: 14pt; margin: 7mm 0 2mm; }
h3 { font-size: 11.5pt; }
strong { font-weight: 700; }
a { color: var(--color-accent-strong); }
blockquote { margin: 4mm 0; padding-left: 5mm; border-left: 2pt solid var(--color-accent); color: var(--color-muted); }
.source { color: var(--color-muted); font-size: 9pt; border-top: 1px solid var(--color-border); padding-top: 2mm; margin-top: 8mm; }
"""


def write_course_art() -> list[Path]:
    """The cover and the session pictures as SVG files in static/ (the project's own artwork,
    served like the site's CSS; uploads replace them per course or session in the admin)."""
    target = Path(settings.BASE_DIR) / "static" / course_art.STATIC_DIR
    target.mkdir(parents=True, exist_ok=True)
    pictures = [(course_art.COVER_ART_NAME, course_art.cover_picture())]
    pictures += [(course_art.session_art_name(n), course_art.session_picture(n)) for n in range(1, len(course_art.SESSIONS) + 1)]
    written = []
    for name, (picture, alt) in pictures:
        path = Path(settings.BASE_DIR) / "static" / name
        path.write_text(to_svg(picture, title=alt))
        written.append(path)
    return written


def parse_front_matter(text: str) -> tuple[dict, str]:
    """`---` key: value lines `---` then the body. Values may contain ':' and '#'."""
    meta: dict[str, str] = {}
    body = text
    if text.startswith("---"):
        _, head, body = text.split("---", 2)
        for line in head.strip().splitlines():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    return meta, body.strip() + "\n"


def parse_sections(text: str) -> dict[str, str]:
    """Split a document on `## name` headings (used by course.md and sessions.md)."""
    sections: dict[str, str] = {}
    current = None
    lines: list[str] = []
    for line in text.splitlines():
        heading = re.match(r"^## (\S+)\s*$", line)
        if heading:
            if current is not None:
                sections[current] = "\n".join(lines).strip()
            current, lines = heading.group(1), []
        else:
            lines.append(line)
    if current is not None:
        sections[current] = "\n".join(lines).strip()
    return sections


class Command(BaseCommand):
    help = "Build fixtures/course.json, its PDFs and the demo users from fixtures/content/."

    def handle(self, *args, **options):
        objects: list[dict] = []
        objects += self.course_objects()
        (FIXTURES / "course.json").write_text(json.dumps(objects, indent=1, ensure_ascii=False) + "\n")
        users = self.user_objects()
        (FIXTURES / "demo_users.json").write_text(json.dumps(users, indent=1, ensure_ascii=False) + "\n")
        self.stdout.write(f"Wrote {len(objects)} course objects and {len(users)} user objects.")
        written = write_course_art()
        self.stdout.write(f"Wrote {len(written)} course pictures to static/{course_art.STATIC_DIR}/.")

    # --- the course ---------------------------------------------------------------------

    def course_objects(self) -> list[dict]:
        meta, rest = parse_front_matter((CONTENT / "course.md").read_text())
        sections = parse_sections(rest)
        course_pk = 1
        objects = [
            {
                "model": "courses.course",
                "pk": course_pk,
                "fields": {
                    "slug": COURSE_SLUG,
                    "title": "Introduction to Micro-Influence for Creative Professionals",
                    "subtitle": meta["subtitle"],
                    "provider": "Social Media Mastery",
                    "description": sections["description"],
                    "skill_level": meta.get("skill_level", "Beginner").lower(),
                    "topics": "\n".join(t.strip() for t in meta["topics"].split(";")),
                    "hours_per_session": 4,
                    "prerequisites": sections["prerequisites"],
                    "community_rules": sections["community_rules"],
                    "additional_info": sections["additional_info"],
                    "unavailable_countries": "IN",
                    "target_weeks": 6,
                    "access_days": 120,
                    "is_published": True,
                    "created_at": "2024-05-01T00:00:00Z",
                    "updated_at": "2024-05-01T00:00:00Z",
                },
            }
        ]
        for order, line in enumerate(sections["outcomes"].splitlines(), start=1):
            if line.startswith("- "):
                objects.append(
                    {"model": "courses.learningoutcome", "pk": order,
                     "fields": {"course": course_pk, "order": order, "text": line[2:].strip()}}
                )
        for order, line in enumerate(
            [line for line in sections["staff"].splitlines() if line.startswith("- ")], start=1
        ):
            parts = dict(
                (p.split(":", 1)[0].strip(), p.split(":", 1)[1].strip()) for p in line[2:].split(" | ")
            )
            objects.append(
                {"model": "courses.staffmember", "pk": order,
                 "fields": {"course": course_pk, "order": order, "name": parts["name"], "role": parts["role"],
                            "bio": parts["bio"], "photo": "", "user": None}}
            )
        objects += [
            {"model": "courses.offering", "pk": 1,
             "fields": {"course": course_pk, "title": "Self-paced: start today", "mode": "adaptive",
                        "starts_on": None, "enrollment_opens_at": None, "enrollment_closes_at": None,
                        "capacity": None, "is_active": True}},
            {"model": "courses.offering", "pk": 2,
             "fields": {"course": course_pk, "title": "2024 cohort", "mode": "scheduled",
                        "starts_on": COHORT_2024_START, "enrollment_opens_at": None,
                        "enrollment_closes_at": "2024-05-27T14:00:00Z", "capacity": None, "is_active": True}},
            {"model": "courses.offering", "pk": 3,
             "fields": {"course": course_pk, "title": "March 2027 cohort", "mode": "scheduled",
                        "starts_on": NEXT_COHORT_START, "enrollment_opens_at": None,
                        "enrollment_closes_at": None, "capacity": None, "is_active": True}},
        ]
        sessions = parse_sections((CONTENT / "sessions.md").read_text())
        lesson_pk = 0
        lesson_pks: dict[str, int] = {}
        captions: list[dict] = []
        manifest = videos.read_manifest(VIDEO_MANIFEST)
        for number_text, block in sorted(sessions.items(), key=lambda kv: int(kv[0])):
            number = int(number_text)
            fields = dict(
                (line.split(":", 1)[0].strip(), line.split(":", 1)[1].strip())
                for line in block.splitlines()
                if ":" in line
            )
            objects.append(
                {"model": "courses.session", "pk": number,
                 "fields": {"course": course_pk, "number": number, "title": fields["title"],
                            "summary": fields["summary"], "image": "", "estimated_hours": int(fields["hours"]),
                            "release_offset_days": 7 * (number - 1)}}
            )
            for path in sorted(CONTENT.glob(f"lessons/s{number}-*.md")):
                lesson_meta, body = parse_front_matter(path.read_text())
                lesson_pk += 1
                key = path.stem
                lesson_pks[key] = lesson_pk
                document, document_text = "", ""
                ebook = CONTENT / "documents" / f"{key}.md"
                if ebook.exists():
                    document = self.render_ebook(key, lesson_meta["title"], ebook.read_text())
                    document_text = page_text(ebook.read_text())
                video_file = poster = ""
                script = CONTENT / "videos" / f"{key}.md"
                if script.exists():
                    eyebrow = f"Session {number} · {fields['title']}"
                    built = self.video(key, script.read_text(), eyebrow, manifest)
                    video_file, poster = built["video"], built["poster"]
                    captions.append(
                        {"model": "courses.lessoncaption", "pk": len(captions) + 1,
                         "fields": {"lesson": lesson_pk, "order": 0, "language": "en", "label": "English",
                                    "file": built["captions"], "cues": read_cues_file(MEDIA / built["captions"])}}
                    )
                objects.append(
                    {"model": "courses.lesson", "pk": lesson_pk,
                     "fields": {"session": number, "order": int(key.split("-")[1]),
                                "slug": slugify(lesson_meta["title"])[:80], "title": lesson_meta["title"],
                                "kind": lesson_meta["kind"], "body": body, "video_url": "", "video_file": video_file,
                                "video_poster": poster, "transcript": "", "document": document,
                                "document_text": document_text, "estimated_minutes": int(lesson_meta["minutes"]),
                                "is_required": True, "updated_at": "2024-05-01T00:00:00Z"}}
                )
        videos.write_manifest(VIDEO_MANIFEST, manifest)
        objects += captions
        objects += self.worksheet_objects(course_pk, lesson_pks)
        return objects

    def video(self, key: str, script: str, eyebrow: str, manifest: dict) -> dict:
        """The lesson's narrated talk, built again only when its script (or the builder) changed."""
        source = videos.source_hash(script + eyebrow)
        known = manifest.get(key)
        names = {"video": f"lessons/video/{key}.mp4", "poster": f"lessons/posters/{key}.jpg",
                 "captions": f"lessons/captions/{key}.en.vtt"}
        if known and known["source"] == source and all((MEDIA / name).exists() for name in names.values()):
            return names
        talk = videos.parse_talk(key, script, eyebrow)
        self.stdout.write(f"Building the video for {key} ({videos.words_in(talk)} words, {len(talk.slides)} slides)…")
        built = videos.build_video(talk, MEDIA)
        manifest[key] = {"source": source, "seconds": built.seconds, "bytes": built.bytes,
                         "words": videos.words_in(talk), "slides": len(talk.slides)}
        return names

    def worksheet_objects(self, course_pk: int, lesson_pks: dict[str, int]) -> list[dict]:
        objects = []
        prompt_pk = 0
        for worksheet_pk, sheet in enumerate(json.loads((CONTENT / "worksheets.json").read_text()), start=1):
            objects.append(
                {"model": "portfolios.worksheet", "pk": worksheet_pk,
                 "fields": {"course": course_pk, "lesson": lesson_pks[sheet["lesson"]], "slug": sheet["slug"],
                            "title": sheet["title"], "step": sheet["step"], "intro": sheet["intro"],
                            "asks_portfolio_texts": sheet.get("asks_portfolio_texts", False)}}
            )
            for order, prompt in enumerate(sheet["prompts"], start=1):
                prompt_pk += 1
                objects.append(
                    {"model": "portfolios.prompt", "pk": prompt_pk,
                     "fields": {"worksheet": worksheet_pk, "order": order, "kind": prompt["kind"],
                                "label": prompt["label"], "help_text": prompt.get("help", ""),
                                "choices": prompt.get("choices") or [], "required": prompt["required"],
                                "max_length": prompt.get("max_length"),
                                "min_value": _decimal(prompt.get("min_value")),
                                "max_value": _decimal(prompt.get("max_value")),
                                "max_choices": prompt.get("max_choices"),
                                "whole_number": prompt.get("whole_number", False),
                                "section": prompt.get("section", ""), "key": prompt.get("key", "")}}
                )
        return objects

    def render_ebook(self, key: str, title: str, text: str) -> str:
        """Render one ebook to fixtures/media/lessons/documents/<key>.pdf; return its media name."""

        body = render_trusted_markdown(text)
        head = f"<meta charset='utf-8'><title>{title}</title><link rel='stylesheet' href='/static/css/tokens.css'><style>{EBOOK_CSS}</style>"
        html = (
            f"<html lang='en'><head>{head}</head><body>{body}"
            "<p class='source'>Introduction to Micro-Influence for Creative Professionals · "
            "Social Media Mastery · course notes prepared for Atelier</p></body></html>"
        )
        name = f"lessons/documents/{key}.pdf"
        target = MEDIA / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(html_to_pdf(html))
        return name

    # --- people -------------------------------------------------------------------------

    def user_objects(self) -> list[dict]:
        objects = []
        for pk, (email, password, name, country, role) in enumerate(DEMO_USERS, start=1):
            objects.append(
                {"model": "accounts.user", "pk": pk,
                 "fields": {"email": email, "username": email.split("@")[0], "password": make_password(password),
                            "display_name": name, "country": country, "bio": "",
                            "is_staff": role in ("instructor", "admin"), "is_superuser": role == "admin",
                            "is_active": True, "profile_is_public": role == "learner",
                            "date_joined": "2026-01-05T00:00:00Z",
                            "groups": [["instructors"]] if role == "instructor" else [],
                            "email_token": f"00000000-0000-4000-8000-{pk:012d}"}}
            )
            objects.append(
                {"model": "account.emailaddress", "pk": pk,
                 "fields": {"user": pk, "email": email, "verified": True, "primary": True}}
            )
        return objects


def page_text(ebook: str) -> str:
    """The ebook's Markdown for its web page: the page prints the lesson title as its heading,
    so the ebook's own title line is left out."""
    lines = ebook.strip().splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(lines).strip() + "\n"


def read_cues_file(path: Path) -> list[dict]:
    with path.open("rb") as handle:
        return read_cues(handle)


def _decimal(value):
    return None if value is None else f"{value:.2f}"
