"""Portfolio operations shared by the portfolio page, its PDF and the gallery snapshot."""

import contextlib
import hashlib
import json
import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from portfolios.caching import portfolio_outline
from portfolios.models import (
    Answer,
    Portfolio,
    Prompt,
    Worksheet,
    WorksheetSubmission,
    answer_image_path,
    portfolio_answers,
    portfolio_pdf_path,
    portfolio_submissions,
)
from portfolios.signals import worksheet_submitted

logger = logging.getLogger(__name__)


def get_or_create_portfolio(enrollment) -> Portfolio:
    """The enrollment's portfolio, created on first use (see create_portfolio)."""
    try:
        return Portfolio.objects.get(enrollment=enrollment)
    except Portfolio.DoesNotExist:
        create_portfolio(enrollment)
        return Portfolio.objects.get(enrollment=enrollment)


def create_portfolio(enrollment) -> None:
    """Create the enrollment's portfolio unless it exists: one INSERT that ignores a conflict, so two
    first requests at once both end with the one row and no savepoint is needed."""
    Portfolio.objects.bulk_create([Portfolio(enrollment=enrollment)], ignore_conflicts=True)


def display_value(prompt: Prompt, answer: Answer | None) -> str:
    """An answer as plain text, the same everywhere it is shown."""
    if answer is None:
        return ""
    return _display_text(prompt.kind, answer.value, answer.image.name)


def _display_text(kind: str, value, image: str) -> str:
    if kind == Prompt.Kind.IMAGE:
        return "(image)" if image else ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None:
        return ""
    return str(value)


def compile_portfolio(portfolio: Portfolio) -> dict:
    """All worksheets' answers in course order, as JSON-ready data.

    The portfolio page, the PDF and the gallery snapshot are all made from this, so what a
    learner sees, downloads and publishes is the same. Two queries whatever the size (the
    worksheets and prompts come from the per-course cache, as plain dicts).
    """
    enrollment = portfolio.enrollment
    outline = portfolio_outline(enrollment.course)  # shared by every learner, cached per course version
    answers = portfolio_answers(portfolio.pk)  # {prompt id: (value, image, version)}
    submitted = portfolio_submissions(portfolio.pk)
    no_answer = (None, "", 0)
    compiled_worksheets = []
    for worksheet in outline:
        prompts = []
        answered = 0
        missing = []
        for prompt in worksheet["prompts"]:
            value, image, version = answers.get(prompt["id"], no_answer)
            text = _display_text(prompt["kind"], value, image)
            has_answer = bool(text) or bool(image)
            answered += has_answer
            if prompt["required"] and not has_answer:
                missing.append(prompt["label"])
            prompts.append(
                {
                    "id": prompt["id"],
                    "kind": prompt["kind"],
                    "label": prompt["label"],
                    "value": value,
                    "display": text,
                    "image": image,
                    "version": version,
                }
            )
        submitted_at = submitted.get(worksheet["id"])
        compiled_worksheets.append(
            {
                "id": worksheet["id"],
                "slug": worksheet["slug"],
                "title": worksheet["title"],
                "step": worksheet["step"],
                "session": worksheet["session"],
                "lesson_id": worksheet["lesson_id"],
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


# --- saving answers and texts (optimistic concurrency) ----------------------------------


class VersionConflict(Exception):
    """A save was made from a stale copy; carries the server's current copy for the learner to compare."""

    def __init__(self, value, version: int, image: str = ""):
        super().__init__(f"stale version; current is {version}")
        self.value = value
        self.version = version
        self.image = image


def save_answer(portfolio: Portfolio, prompt: Prompt, value, *, expected_version: int, image=None) -> Answer:
    """Save one answer if the learner edited the copy the server still has; otherwise raise VersionConflict.

    1. store an uploaded (already re-encoded) image first, so the row update stays one statement;
    2. version 0 means "there was no answer": create it with version 1 (a concurrent create hits
       the unique constraint and becomes a conflict);
    3. otherwise a conditional UPDATE ... WHERE version = expected bumps the version; zero rows
       updated means someone saved in between: a conflict, nothing overwritten.
    """
    image_name = default_storage.save(answer_image_path(None, "upload.png"), image) if image is not None else ""
    now = timezone.now()
    if expected_version == 0:
        try:
            # One INSERT: in autocommit a conflict fails only that statement. Inside a caller's
            # transaction a savepoint keeps the transaction usable after the conflict.
            with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
                return Answer.objects.create(portfolio=portfolio, prompt=prompt, value=value, image=image_name, version=1)
        except IntegrityError:
            pass
    else:
        changes = {"value": value, "version": F("version") + 1, "updated_at": now}
        if image_name:
            changes["image"] = image_name
        if Answer.objects.filter(portfolio=portfolio, prompt=prompt, version=expected_version).update(**changes):
            return Answer.objects.get(portfolio=portfolio, prompt=prompt)
    if image_name:
        default_storage.delete(image_name)
    current = Answer.objects.filter(portfolio=portfolio, prompt=prompt).first()
    if current is None:
        raise VersionConflict(None, 0)
    raise VersionConflict(current.value, current.version, current.image.name if current.image else "")


def save_portfolio_text(portfolio: Portfolio, field: str, text: str, *, expected_version: int) -> int:
    """Save the summary or critical evaluation with the same version rule as answers; returns the new version."""
    if field not in ("summary", "critical_evaluation"):
        raise ValueError(field)
    version_field = f"{field}_version"
    updated = Portfolio.objects.filter(pk=portfolio.pk, **{version_field: expected_version}).update(
        **{field: text, version_field: F(version_field) + 1, "updated_at": timezone.now()}
    )
    portfolio.refresh_from_db(fields=[field, version_field])
    if not updated:
        raise VersionConflict(getattr(portfolio, field), getattr(portfolio, version_field))
    return getattr(portfolio, version_field)


def missing_required(worksheet: Worksheet, answers: dict) -> list[Prompt]:
    """Required prompts of the worksheet without an answer (answers: prompt id -> Answer)."""
    missing = []
    for prompt in worksheet.prompts.all():
        answer = answers.get(prompt.pk)
        if prompt.required and not (display_value(prompt, answer) or (answer and answer.image)):
            missing.append(prompt)
    return missing


def submit_worksheet(enrollment, portfolio: Portfolio, worksheet: Worksheet) -> list[Prompt]:
    """Hand in a worksheet: returns the required prompts still unanswered (nothing is recorded then).

    When complete: record the submission (once), complete the worksheet's lesson and queue
    badge evaluation. Submitting again is harmless.
    """
    answers = {a.prompt_id: a for a in Answer.objects.filter(portfolio=portfolio, prompt__worksheet=worksheet)}
    missing = missing_required(worksheet, answers)
    if missing:
        return missing
    WorksheetSubmission.objects.get_or_create(portfolio=portfolio, worksheet=worksheet)
    enrollment.complete_lesson(worksheet.lesson)
    worksheet_submitted.send(sender=WorksheetSubmission, user_id=enrollment.user_id, course_id=enrollment.course_id)
    return []


# --- the PDF ----------------------------------------------------------------------------

# Bump when templates/pdf/portfolio.html changes in a way that should re-render every PDF.
PDF_LAYOUT_VERSION = 1
STALE_RENDER_AFTER = timedelta(minutes=10)


def portfolio_content_hash(compiled: dict) -> str:
    """sha256 of what a PDF shows: the compiled portfolio without its timestamp and save counters.

    Versions are left out on purpose: they count saves, not content, so re-saving the same
    words does not force a new render. Image file names are included (a new upload is a new name).
    """
    content = {key: value for key, value in compiled.items() if key != "compiled_at"}
    content["worksheets"] = [
        {**ws, "prompts": [{k: v for k, v in p.items() if k != "version"} for p in ws["prompts"]]}
        for ws in compiled["worksheets"]
    ]
    images = sorted(p["image"] for ws in compiled["worksheets"] for p in ws["prompts"] if p["image"])
    canonical = json.dumps(
        {"layout": PDF_LAYOUT_VERSION, "portfolio": content, "images": images},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def has_current_pdf(portfolio: Portfolio, compiled: dict) -> bool:
    """Whether the stored PDF shows this compiled content (hashed only when there is a ready PDF to compare)."""
    return (
        portfolio.pdf_status == Portfolio.PdfStatus.READY
        and bool(portfolio.pdf)
        and portfolio.pdf_hash == portfolio_content_hash(compiled)
        and default_storage.exists(portfolio.pdf.name)
    )


def request_portfolio_pdf(portfolio: Portfolio, compiled: dict | None = None) -> str:
    """Queue a render unless an up-to-date PDF exists or one is already on its way; returns the status.

    The conditional update is the claim: two clicks (or two tabs) queue one task. A render
    stuck for STALE_RENDER_AFTER (a worker died) may be queued again.
    """
    from portfolios.tasks import render_portfolio_pdf

    compiled = compiled or compile_portfolio(portfolio)
    if has_current_pdf(portfolio, compiled):
        return Portfolio.PdfStatus.READY
    now = timezone.now()
    busy = Q(pdf_status__in=[Portfolio.PdfStatus.QUEUED, Portfolio.PdfStatus.RENDERING])
    fresh = Q(pdf_requested_at__gte=now - STALE_RENDER_AFTER)
    claimed = (
        Portfolio.objects.filter(pk=portfolio.pk)
        .exclude(busy & fresh)
        .update(pdf_status=Portfolio.PdfStatus.QUEUED, pdf_requested_at=now, pdf_error="")
    )
    if claimed:
        render_portfolio_pdf.delay_on_commit(portfolio.pk)
    portfolio.refresh_from_db(fields=["pdf_status", "pdf_requested_at", "pdf_error", "pdf", "pdf_hash"])
    return portfolio.pdf_status


def render_and_store_pdf(portfolio_id: int) -> str:
    """The task's body: render a queued portfolio once and store the file with its content hash.

    1. compile and hash; an existing file with the same hash is kept (no second render);
    2. claim queued → rendering with a conditional update, so a duplicate delivery does nothing;
    3. render, store the file, then record file + hash + ready in one update; drop the old file.
    Returns what happened: "missing", "unchanged", "skipped", "failed" or "rendered".
    """
    from portfolios.pdf import render_portfolio_pdf_bytes

    portfolio = Portfolio.objects.select_related("enrollment__user", "enrollment__course").filter(pk=portfolio_id).first()
    if portfolio is None:
        return "missing"
    compiled = compile_portfolio(portfolio)
    content_hash = portfolio_content_hash(compiled)
    rows = Portfolio.objects.filter(pk=portfolio_id)
    if portfolio.pdf_hash == content_hash and portfolio.pdf and default_storage.exists(portfolio.pdf.name):
        rows.filter(pdf_status__in=[Portfolio.PdfStatus.QUEUED, Portfolio.PdfStatus.FAILED]).update(
            pdf_status=Portfolio.PdfStatus.READY
        )
        return "unchanged"
    if not rows.filter(pdf_status=Portfolio.PdfStatus.QUEUED).update(pdf_status=Portfolio.PdfStatus.RENDERING):
        return "skipped"
    try:
        data = render_portfolio_pdf_bytes(compiled)
    except Exception:
        logger.exception("Rendering the PDF of portfolio %s failed", portfolio_id)
        rows.update(
            pdf_status=Portfolio.PdfStatus.FAILED,
            pdf_error="We could not make your PDF this time. Please try again in a few minutes.",
        )
        return "failed"
    name = default_storage.save(portfolio_pdf_path(None, "portfolio.pdf"), ContentFile(data))
    rows.update(
        pdf=name,
        pdf_hash=content_hash,
        pdf_status=Portfolio.PdfStatus.READY,
        pdf_rendered_at=timezone.now(),
        pdf_error="",
    )
    if portfolio.pdf and portfolio.pdf.name != name:
        default_storage.delete(portfolio.pdf.name)
    return "rendered"
