"""Portfolio operations shared by the portfolio page, its PDF and the gallery snapshot."""

from django.db.models import Prefetch
from django.utils import timezone

from portfolios.models import Answer, Portfolio, Prompt, Worksheet, WorksheetSubmission


def get_or_create_portfolio(enrollment) -> Portfolio:
    portfolio, _ = Portfolio.objects.get_or_create(enrollment=enrollment)
    return portfolio


def display_value(prompt: Prompt, answer: Answer | None) -> str:
    """An answer as plain text, the same everywhere it is shown."""
    if answer is None:
        return ""
    value = answer.value
    if prompt.kind == Prompt.Kind.IMAGE:
        return "(image)" if answer.image else ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None:
        return ""
    return str(value)


def compile_portfolio(portfolio: Portfolio) -> dict:
    """All worksheets' answers in course order, as JSON-ready data.

    The portfolio page, the PDF and the gallery snapshot are all made from this, so what a
    learner sees, downloads and publishes is the same. Four queries whatever the size.
    """
    enrollment = portfolio.enrollment
    worksheets = (
        Worksheet.objects.filter(course_id=enrollment.course_id)
        .select_related("lesson__session")
        .prefetch_related(Prefetch("prompts", queryset=Prompt.objects.order_by("order", "pk")))
        .order_by("lesson__session__number", "lesson__order", "pk")
    )
    answers = {a.prompt_id: a for a in Answer.objects.filter(portfolio=portfolio)}
    submitted = dict(
        WorksheetSubmission.objects.filter(portfolio=portfolio).values_list("worksheet_id", "submitted_at")
    )
    compiled_worksheets = []
    for worksheet in worksheets:
        prompts = []
        answered = 0
        missing = []
        for prompt in worksheet.prompts.all():
            answer = answers.get(prompt.pk)
            text = display_value(prompt, answer)
            has_answer = bool(text) or bool(answer and answer.image)
            answered += has_answer
            if prompt.required and not has_answer:
                missing.append(prompt.label)
            prompts.append(
                {
                    "id": prompt.pk,
                    "kind": prompt.kind,
                    "label": prompt.label,
                    "value": answer.value if answer else None,
                    "display": text,
                    "image": answer.image.name if answer and answer.image else "",
                    "version": answer.version if answer else 0,
                }
            )
        submitted_at = submitted.get(worksheet.pk)
        compiled_worksheets.append(
            {
                "id": worksheet.pk,
                "slug": worksheet.slug,
                "title": worksheet.title,
                "step": worksheet.step,
                "session": worksheet.lesson.session.number,
                "lesson_id": worksheet.lesson_id,
                "submitted_at": submitted_at.isoformat() if submitted_at else None,
                "answered": answered,
                "total": len(prompts),
                "required_missing": missing,
                "prompts": prompts,
            }
        )
    return {
        "course": {"title": enrollment.course.title, "slug": enrollment.course.slug},
        "learner": {"name": enrollment.user.public_name},
        "summary": portfolio.summary,
        "critical_evaluation": portfolio.critical_evaluation,
        "compiled_at": timezone.now().isoformat(),
        "worksheets": compiled_worksheets,
    }
