"""Caches of the worksheet and portfolio pages' course content, the same for every learner.

Built from courses.caching.course_worksheets (all worksheets with their prompts, as model
instances) and kept under its version key: every edit of a worksheet, prompt, lesson or of the
course itself touches the course, so the next request builds them afresh. They are smaller
than that list: one worksheet for the worksheet page, plain dicts for the compiled portfolio,
and the URLs both pages link to (about 50 µs per reverse(); the worksheet page had one per
prompt). Like courses.caching, each process keeps the values it used (courses.caching.shared),
so they are shared by every request of the process: read them, never change them.
"""

import copy

from django.urls import reverse

from courses.caching import course_key, course_worksheets, shared
from courses.models import Course
from portfolios.forms import PORTFOLIO_TEXT_FIELDS


def worksheet_page(course: Course, slug: str) -> dict | None:
    """{"worksheet": the worksheet with its prompts, "urls": {"course", "portfolio", "answers": {prompt id: url}}}.

    None when the course has no such worksheet (not cached: any slug may be asked for).
    """
    def build():
        worksheet = next((w for w in course_worksheets(course) if w.slug == slug), None)
        if worksheet is None:
            return None
        worksheet.course = copy.copy(course)  # shared by requests: not the caller's instance
        urls = portfolio_urls(course)
        return {
            "worksheet": worksheet,
            "urls": {
                "course": urls["course"],
                "portfolio": urls["portfolio"],
                "answers": {p.pk: urls["answers"][p.pk] for p in worksheet.prompts.all()},
            },
        }

    return shared(course_key(course, f"worksheet-page:{slug}"), build)


def course_prompts(course: Course) -> dict:
    """{prompt id: Prompt} of every worksheet of the course: the autosave endpoint's lookup (a prompt of
    another course is not there)."""
    def build():
        return {prompt.pk: prompt for worksheet in course_worksheets(course) for prompt in worksheet.prompts.all()}

    return shared(course_key(course, "prompts"), build)


def portfolio_outline(course: Course) -> list[dict]:
    """The course's worksheets in course order as plain dicts, each with its prompts (compile_portfolio's input)."""
    def build():
        return [
            {
                "id": worksheet.pk,
                "slug": worksheet.slug,
                "title": worksheet.title,
                "step": worksheet.step,
                "session": worksheet.lesson.session.number,
                "lesson_id": worksheet.lesson_id,
                "prompts": [
                    {"id": p.pk, "kind": p.kind, "label": p.label, "required": p.required} for p in worksheet.prompts.all()
                ],
            }
            for worksheet in course_worksheets(course)
        ]

    return shared(course_key(course, "portfolio-outline"), build)


def portfolio_urls(course: Course) -> dict:
    """{"course", "portfolio", "pdf_status", "pdf_request", "pdf_download": url,
    "worksheets": {slug: url}, "answers": {prompt id: autosave url}, "texts": {field: autosave url}}."""
    def build():
        slug = course.slug
        worksheets = course_worksheets(course)
        return {
            "course": course.get_absolute_url(),
            "portfolio": reverse("portfolios:portfolio", args=[slug]),
            "pdf_status": reverse("portfolios:pdf_status", args=[slug]),
            "pdf_request": reverse("portfolios:pdf_request", args=[slug]),
            "pdf_download": reverse("portfolios:pdf_download", args=[slug]),
            "worksheets": {w.slug: reverse("portfolios:worksheet", args=[slug, w.slug]) for w in worksheets},
            "answers": {
                p.pk: reverse("portfolios:autosave_answer", args=[slug, p.pk]) for w in worksheets for p in w.prompts.all()
            },
            "texts": {name: reverse("portfolios:autosave_text", args=[slug, name]) for name in PORTFOLIO_TEXT_FIELDS},
        }

    return shared(course_key(course, "portfolio-urls"), build)
