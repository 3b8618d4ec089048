"""Portfolio PDF render time: `python -m bench.pdf_render [--runs N]` (or `make bench`).

Builds a fully filled portfolio in a throwaway in-memory SQLite database with a temporary
media directory (eight worksheets, long answers, a few images; about 20 pages), then renders
it N times through the real path (compile_portfolio → render_portfolio_pdf_bytes → WeasyPrint
with the safe url_fetcher) and prints median, min and max seconds and the page count.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["SQLITE_PATH"] = ":memory:"
os.environ["DATABASE_URL"] = ""
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="atelier-bench-media-")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from PIL import Image  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from portfolios.models import Answer, Portfolio, Prompt, Worksheet  # noqa: E402
from portfolios.pdf import render_portfolio_pdf_bytes  # noqa: E402
from portfolios.services import compile_portfolio  # noqa: E402
from tests import factories  # noqa: E402

PARAGRAPH = (
    "I will post two studio process videos a week on Instagram, each ending with a question for the people who "
    "buy my work, and answer every comment within a day. Once a month a newsletter goes to collectors with a first "
    "look at new pieces. I will measure saves and replies rather than likes, because they show real interest. "
)


def build_portfolio() -> Portfolio:
    call_command("migrate", verbosity=0)
    course = factories.make_course(slug="bench", sessions=6, lessons_per_session=2)
    factories.make_offering(course)
    learner = factories.make_user(email="bench@example.com", display_name="Bench Learner")
    enrollment = factories.enroll(learner, course)
    portfolio = Portfolio.objects.create(
        enrollment=enrollment, summary=PARAGRAPH * 2, critical_evaluation=PARAGRAPH * 3
    )
    lessons = list(course.sessions_with_lessons())
    images = 0
    for number, session in enumerate(lessons[:6] + lessons[:2], start=1):
        lesson = list(session.lessons.all())[1 if number <= 6 else 0]
        worksheet = Worksheet.objects.create(
            course=course, lesson=lesson, slug=f"step-{number}", title=f"Strategy Step #{number}", step=number
        )
        kinds = ["short_text", "long_text", "long_text", "multiple_choice", "single_choice", "number", "url", "image"]
        for order, kind in enumerate(kinds, start=1):
            prompt = Prompt.objects.create(
                worksheet=worksheet, order=order, kind=kind, label=f"Question {order} of step {number}: {kind.replace('_', ' ')}",
                choices=["Instagram", "LinkedIn", "Newsletter", "TikTok"] if "choice" in kind else [],
            )
            value = {
                "short_text": "Hand-thrown tableware for home cooks.",
                "long_text": PARAGRAPH * 3,
                "multiple_choice": ["Instagram", "Newsletter"],
                "single_choice": "LinkedIn",
                "number": 6,
                "url": "https://www.example.com/studio",
            }.get(kind)
            answer = Answer(portfolio=portfolio, prompt=prompt, value=value, version=1)
            if kind == "image" and images < 4:
                buffer = io.BytesIO()
                Image.new("RGB", (800, 600), (40 * number % 255, 90, 140)).save(buffer, "PNG")
                answer.image.save("bench.png", ContentFile(buffer.getvalue()), save=False)
                images += 1
            answer.save()
    return portfolio


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    compiled = compile_portfolio(build_portfolio())
    render_portfolio_pdf_bytes(compiled)  # warm-up: fonts, templates, CSS parsing caches
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        data = render_portfolio_pdf_bytes(compiled)
        timings.append(time.perf_counter() - start)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(
        f"portfolio PDF: {pages} pages, {len(data) / 1024:.0f} KiB, {args.runs} runs: "
        f"median {statistics.median(timings):.3f}s, min {min(timings):.3f}s, max {max(timings):.3f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
