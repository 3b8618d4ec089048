"""Portfolio operations shared by the worksheet and portfolio pages, the admin, the PDF and the gallery."""

import contextlib
import hashlib
import json
import logging
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename

from accounts.models import Notification
from accounts.services import notify
from accounts.unsubscribe import unsubscribe_headers, unsubscribe_url
from core.cache import TIMEOUT, course_key
from core.emails import send_templated_email
from core.markdown import render_markdown
from courses.services import complete_lesson
from portfolios.models import (
    ANSWER_IMAGE_SMALL,
    Answer,
    Portfolio,
    Prompt,
    Review,
    WithPdf,
    Worksheet,
    WorksheetSubmission,
    answer_image_path,
    display_text,
)
from portfolios.pdf import pdf_layout_digest, render_portfolio_pdf_bytes
from portfolios.signals import worksheet_submitted

logger = logging.getLogger(__name__)

PDF_FAILED_MESSAGE = "We could not make your PDF this time. Please try again in a few minutes."


# --- the course's worksheets, the same for every learner --------------------------------


def course_worksheets(course) -> list[Worksheet]:
    """The course's worksheets in course order with their lessons and prompts (Worksheet.objects.with_prompts).

    Cached under the course's `updated_at`, which every save or delete of a worksheet, a prompt
    (portfolios/apps.py) or a lesson (courses) touches. Read them; never change them.
    """
    return cache.get_or_set(
        course_key(course, "worksheets"), lambda: list(Worksheet.objects.filter(course=course).with_prompts()), TIMEOUT
    )


def portfolio_texts_worksheet(course) -> Worksheet | None:
    """#16.10: the worksheet where the course asks for the summary and critical evaluation (Step #6),
    or None: then the portfolio page asks for them (course_worksheets, cached)."""
    return next((worksheet for worksheet in course_worksheets(course) if worksheet.asks_portfolio_texts), None)


def portfolio_texts_url(course) -> str:
    """Where the learner writes the summary and critical evaluation: that worksheet's texts, else the portfolio page's."""
    worksheet = portfolio_texts_worksheet(course)
    if worksheet is None:
        return reverse("portfolios:portfolio", args=[course.slug]) + "#reflection-heading"
    return reverse("portfolios:worksheet", args=[course.slug, worksheet.slug]) + "#portfolio-texts"


def get_worksheet_or_404(course, slug: str) -> Worksheet:
    """One of course_worksheets, cached on its own under the course's `updated_at` (the worksheet page
    reads one worksheet, not the course's every one)."""
    return _one_of_course_or_404(
        course_key(course, f"worksheet:{slug}"),
        lambda: next((worksheet for worksheet in course_worksheets(course) if worksheet.slug == slug), None),
        "This course has no such worksheet.",
    )


def get_prompt_or_404(course, prompt_id: int) -> Prompt:
    """A prompt of one of the course's worksheets (a prompt of another course is a 404), cached on its
    own under the course's `updated_at`, like get_worksheet_or_404."""
    prompts = (prompt for worksheet in course_worksheets(course) for prompt in worksheet.prompts.all())
    return _one_of_course_or_404(
        course_key(course, f"prompt:{prompt_id}"),
        lambda: next((prompt for prompt in prompts if prompt.pk == prompt_id), None),
        "This course has no such question.",
    )


def _one_of_course_or_404(key: str, find, missing: str):
    """The cached object under `key`, else `find()`, stored only when found: any slug or id may be
    asked for, and a miss must not leave a key behind for each of them."""
    found = cache.get(key)
    if found is None:
        found = find()
        if found is None:
            raise Http404(missing)
        cache.set(key, found, TIMEOUT)
    return found


# --- the portfolio ----------------------------------------------------------------------


def get_or_create_portfolio(enrollment, queryset=None) -> Portfolio:
    """The enrollment's portfolio, read through `queryset` (a Portfolio queryset, for what a page
    needs of it), and created on first use (see create_portfolio). Its enrollment is the one given."""
    rows = (Portfolio.objects.all() if queryset is None else queryset).filter(enrollment=enrollment)
    try:
        portfolio = rows.get()
    except Portfolio.DoesNotExist:
        create_portfolio(enrollment)
        portfolio = rows.get()
    portfolio.enrollment = enrollment
    return portfolio


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
    return display_text(value)


def course_outline(course) -> list[dict]:
    """What compile_portfolio reads of course_worksheets, as plain data (no model instances to
    unpickle): per worksheet its id, slug, title, step, session number and lesson id, and its prompts
    as (id, kind, label, required). Cached under the course's `updated_at`, like course_worksheets."""

    def build():
        return [
            {
                "id": worksheet.pk,
                "slug": worksheet.slug,
                "title": worksheet.title,
                "step": worksheet.step,
                "session": worksheet.lesson.session.number,
                "lesson_id": worksheet.lesson_id,
                "prompts": [(prompt.pk, prompt.kind, prompt.label, prompt.required) for prompt in worksheet.prompts.all()],
            }
            for worksheet in course_worksheets(course)
        ]

    return cache.get_or_set(course_key(course, "outline"), build, TIMEOUT)


def _compiled_image(answer: dict) -> dict:
    """#16.11: what the compiled portfolio shows of an answer image beside its name: its description
    (the alt text), its size and its smaller copy (srcset)."""
    return {
        "image_alt": answer["image_alt"] or "",
        "image_small": answer["image_small"] or "",
        "image_width": answer["image_width"],
        "image_height": answer["image_height"],
        "image_small_width": ANSWER_IMAGE_SMALL if answer["image_small"] else 0,
    }


def compile_portfolio(portfolio: Portfolio) -> dict:
    """All worksheets' answers in course order, as JSON-ready data.

    The portfolio page, the PDF and the gallery snapshot are all made from this (and drawn by
    templates/portfolios/includes/compiled.html), so what a learner sees, downloads and publishes
    is the same. Two queries whatever the size: the worksheets and prompts are the course's cached
    outline (course_outline).
    """
    enrollment = portfolio.enrollment
    answers, submitted = {}, {}
    if portfolio.pk is not None:  # an unsaved one is the staff's preview of an empty portfolio
        answers = {row["prompt_id"]: row for row in portfolio.answers.values("prompt_id", "value", "version", *IMAGE_FIELDS)}
        submitted = dict(portfolio.submissions.values_list("worksheet_id", "submitted_at"))
    no_answer = {"value": None, "image": "", "version": 0}
    compiled_worksheets = []
    for worksheet in course_outline(enrollment.course):
        prompts = []
        answered = 0
        missing = []
        for prompt_id, kind, label, required in worksheet["prompts"]:
            answer = answers.get(prompt_id, no_answer)
            value, version, image = answer["value"], answer["version"], answer["image"] or ""
            text = _display_text(kind, value, image)
            has_answer = bool(text) or bool(image)
            answered += has_answer
            if required and not has_answer:
                missing.append(label)
            prompts.append(
                {
                    "id": prompt_id,
                    "kind": kind,
                    "label": label,
                    "value": value,
                    "display": text,
                    "image": image,
                    "version": version,
                    **(_compiled_image(answer) if image else {}),
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


# --- #16.9: the learner's own portfolio file ------------------------------------------------


def attach_portfolio_file(portfolio: Portfolio, uploaded, kind: str) -> None:
    """Store the learner's file (checked by core.files.validate_portfolio_file: `kind` is pdf, pptx
    or odp) as the portfolio's attachment; django-cleanup deletes the one it replaces after the commit."""
    stem = os.path.splitext(os.path.basename(uploaded.name or ""))[0][:150] or "portfolio"
    portfolio.attachment.save(f"upload.{kind}", uploaded, save=False)
    portfolio.attachment_name = f"{stem}.{kind}"
    portfolio.save(update_fields=["attachment", "attachment_name", "updated_at"])


def detach_portfolio_file(portfolio: Portfolio) -> None:
    if portfolio.attachment:
        portfolio.attachment = ""
        portfolio.attachment_name = ""
        portfolio.save(update_fields=["attachment", "attachment_name", "updated_at"])


# --- saving answers and texts (optimistic concurrency) ----------------------------------


class VersionConflict(Exception):
    """A save was made from a stale copy; carries the server's current copy for the learner to compare."""

    def __init__(self, value, version: int, image: str = ""):
        super().__init__(f"stale version; current is {version}")
        self.value = value
        self.version = version
        self.image = image


IMAGE_FIELDS = ("image", "image_small", "image_width", "image_height", "image_alt")


def _store_answer_image(image) -> dict:
    """#16.11: store a sized image (core.images.SizedImage) and its smaller copy; the Answer fields they fill."""
    if image is None:
        return {}
    full = default_storage.save(answer_image_path(None, image.full.name), image.full)
    small = default_storage.save(answer_image_path(None, image.small.name), image.small) if image.small else ""
    return {"image": full, "image_small": small, "image_width": image.width, "image_height": image.height}


def save_answer(portfolio: Portfolio, prompt: Prompt, value, *, expected_version: int, image=None, image_alt: str | None = None) -> Answer:
    """Save one answer if the learner edited the copy the server still has; otherwise raise VersionConflict.

    1. store an uploaded (already re-encoded, core.images.SizedImage) image and its smaller copy
       first, so the row update stays one statement; `image_alt` (None: unchanged) is its description;
    2. version 0 means "there was no answer": create it with version 1 (a concurrent create hits
       the unique constraint and becomes a conflict);
    3. otherwise a conditional UPDATE ... WHERE version = expected bumps the version; zero rows
       updated means someone saved in between: a conflict, nothing overwritten. The answer returned
       is what this request wrote (version expected + 1), so its acknowledgement is never another
       tab's newer text. The images it replaces (those the row held at that version) are deleted
       after the commit.
    """
    stored = _store_answer_image(image)
    described = {} if image_alt is None else {"image_alt": image_alt}
    now = timezone.now()
    if expected_version == 0:
        try:
            # One INSERT: in autocommit a conflict fails only that statement. Inside a caller's
            # transaction a savepoint keeps the transaction usable after the conflict.
            with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
                return Answer.objects.create(portfolio=portfolio, prompt=prompt, value=value, version=1, **stored, **described)
        except IntegrityError:
            pass
    else:
        changes = {"value": value, "version": F("version") + 1, "updated_at": now, **stored, **described}
        seen = Answer.objects.filter(portfolio=portfolio, prompt=prompt, version=expected_version)
        replaced = ()
        if stored:
            replaced = seen.values_list("image", "image_small").first() or ()
        if seen.update(**changes):
            if any(replaced):
                transaction.on_commit(lambda: [default_storage.delete(name) for name in replaced if name])
            # Answer with what this request wrote, never a re-read: another tab may have saved since.
            answer = Answer(portfolio=portfolio, prompt=prompt, value=value, version=expected_version + 1, updated_at=now)
            if prompt.kind == Prompt.Kind.IMAGE and not (stored and described):
                # A new description of the kept image (or an image without one): the page shows the image.
                current = Answer.objects.filter(portfolio=portfolio, prompt=prompt).values(*IMAGE_FIELDS).first() or {}
                for field, current_value in current.items():
                    setattr(answer, field, current_value)
            for field, new_value in {**stored, **described}.items():
                setattr(answer, field, new_value)
            return answer
    for name in stored.values():
        if isinstance(name, str) and name:
            default_storage.delete(name)
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
    if not updated:
        portfolio.refresh_from_db(fields=[field, version_field])
        raise VersionConflict(getattr(portfolio, field), getattr(portfolio, version_field))
    # What this request wrote, never a re-read: another tab may have saved since.
    setattr(portfolio, field, text)
    setattr(portfolio, version_field, expected_version + 1)
    return expected_version + 1


@dataclass(frozen=True)
class MissingText:
    """#16.10: a portfolio text the worksheet asks for, still empty; named like a prompt (`pk` is its
    field's name, so the page's link finds it: #field-summary)."""

    pk: str
    label: str


PORTFOLIO_TEXT_LABELS = {"summary": "Summary", "critical_evaluation": "Critical evaluation"}


def missing_required(worksheet: Worksheet, answers: dict, portfolio: Portfolio | None = None) -> list:
    """Required prompts of the worksheet without an answer (answers: prompt id -> Answer), and, on the
    worksheet that asks for them, the portfolio's empty summary or critical evaluation."""
    missing = []
    for prompt in worksheet.prompts.all():
        answer = answers.get(prompt.pk)
        if prompt.required and not (display_value(prompt, answer) or (answer and answer.image)):
            missing.append(prompt)
    if worksheet.asks_portfolio_texts and portfolio is not None:
        missing += [MissingText(name, label) for name, label in PORTFOLIO_TEXT_LABELS.items() if not getattr(portfolio, name).strip()]
    return missing


def submit_worksheet(enrollment, portfolio: Portfolio, worksheet: Worksheet) -> list[Prompt]:
    """Hand in a worksheet: returns the required prompts still unanswered (nothing is recorded then).

    When complete: record the submission (once; handing in again after a review dates it anew), complete the worksheet's lesson and queue
    badge evaluation. Submitting again is harmless.
    """
    missing = missing_required(worksheet, portfolio.answers_to(worksheet), portfolio)
    if missing:
        return missing
    submission, created = WorksheetSubmission.objects.get_or_create(portfolio=portfolio, worksheet=worksheet)
    if not created and Review.objects.filter(portfolio=portfolio, worksheet=worksheet, reviewed_at__gte=submission.submitted_at).exists():
        # Handed in again after the instructor's feedback: it waits in the review queue again.
        WorksheetSubmission.objects.filter(pk=submission.pk).update(submitted_at=timezone.now())
    complete_lesson(enrollment, worksheet.lesson)
    worksheet_submitted.send(sender=WorksheetSubmission, user_id=enrollment.user_id, course_id=enrollment.course_id)
    return []


# --- the PDF, of a portfolio or of a gallery entry's snapshot ----------------------------


def pdf_content_hash(compiled: dict) -> str:
    """sha256 of what a PDF shows: the compiled portfolio without its timestamp and save counters,
    and the templates and stylesheet it is drawn with (a PDF made by other templates is out of date).

    Versions are left out on purpose: they count saves, not content, so re-saving the same
    words does not force a new render. Image file names are included (a new upload is a new name).
    """
    content = {key: value for key, value in compiled.items() if key != "compiled_at"}
    content["worksheets"] = [
        {**ws, "prompts": [{k: v for k, v in p.items() if k != "version"} for p in ws["prompts"]]}
        for ws in compiled.get("worksheets", [])
    ]
    canonical = json.dumps(
        {"layout": pdf_layout_digest(), "portfolio": content},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def has_current_pdf(document: WithPdf, compiled: dict) -> bool:
    """Whether the document's stored PDF shows `compiled` (hashed only when there is a ready PDF to compare)."""
    return (
        document.pdf_status == WithPdf.PdfStatus.READY
        and bool(document.pdf)
        and document.pdf_shows(pdf_content_hash(compiled))
    )


def request_pdf(document: WithPdf, compiled: dict, render_task) -> str:
    """Queue `render_task(document.pk)` unless the stored PDF shows `compiled` or a job is already
    on its way; returns the PDF's status. The portfolio's "Prepare PDF" and the gallery entry's
    publish and download all come here; the claim is in the database (WithPdf.claim_pdf_job).
    """
    if has_current_pdf(document, compiled):
        return WithPdf.PdfStatus.READY
    if document.claim_pdf_job():
        render_task.delay_on_commit(document.pk)
    return document.pdf_status


def render_pdf(document: WithPdf, compiled: dict) -> str:
    """The render tasks' body: make the PDF of `compiled` once and store it with its content hash.

    1. a stored file with the same hash is kept (no second render);
    2. take the job (rendering) with a conditional update, so a duplicate delivery does nothing;
    3. render and store the file (any error: failed, to be requested again), then record file +
       hash + ready in one update while the job is still this worker's (one claimed again after
       its deadline is not); drop the replaced file.
    Returns what happened: "unchanged", "skipped", "failed", "superseded" or "rendered".
    """
    content_hash = pdf_content_hash(compiled)
    if document.pdf_shows(content_hash):
        document.keep_pdf()
        return "unchanged"
    return store_rendered_pdf(document, lambda: render_portfolio_pdf_bytes(compiled), content_hash, "portfolio.pdf")


def store_rendered_pdf(document: WithPdf, render, content_hash: str, filename: str, failed_message: str = "") -> str:
    """Steps 2–3 of render_pdf for any WithPdf (the certificate's too): take the job, `render()` the
    bytes, store the file and record it while the job is still this worker's, drop the replaced one."""
    started_at = document.start_pdf_render()
    if started_at is None:
        return "skipped"
    previous = document.pdf.name
    try:
        name = default_storage.save(document.pdf.field.generate_filename(document, filename), ContentFile(render()))
    except Exception:
        logger.exception("Rendering the PDF of %s %s failed", document._meta.label, document.pk)
        document.fail_pdf(started_at, failed_message or PDF_FAILED_MESSAGE)
        return "failed"
    if not document.store_pdf(name, content_hash, started_at):
        default_storage.delete(name)
        return "superseded"
    if previous and previous != name:
        default_storage.delete(previous)
    return "rendered"


# --- the learner's data export ------------------------------------------------------------


def _exported_portfolio(compiled: dict, files: dict[str, str]) -> dict:
    """A compiled portfolio as the export's answers.json: questions and answers, with each uploaded
    image named by its path in the archive (`files`: stored name -> path) instead of its stored name."""
    return {
        "course": compiled["course"],
        "summary": compiled["summary"],
        "critical_evaluation": compiled["critical_evaluation"],
        "worksheets": [
            {
                "title": worksheet["title"],
                "step": worksheet["step"],
                "session": worksheet["session"],
                "submitted_at": worksheet["submitted_at"],
                "answers": [
                    {"question": p["label"], "kind": p["kind"], "answer": p["value"], "file": files.get(p["image"], ""),
                     **({"description": p.get("image_alt", "")} if p["image"] else {})}
                    for p in worksheet["prompts"]
                ],
            }
            for worksheet in compiled["worksheets"]
        ],
    }


def export_personal_data(user, archive) -> None:
    """The learner's portfolios in their data export (accounts.signals.collect_personal_data,
    portfolios/apps.py), one folder per course, portfolios/<course>/:
    1. uploads/: every answer image they uploaded (and own-file/: their own portfolio file);
    2. answers.json: every worksheet's questions with their answers, the summary and the critical
       evaluation (_exported_portfolio);
    3. portfolio.pdf: the stored PDF when it shows these answers, else rendered now (a portfolio with
       nothing in it has none).
    """
    portfolios = Portfolio.objects.filter(enrollment__user=user).select_related("enrollment__course", "enrollment__user")
    for portfolio in portfolios.order_by("pk"):
        folder = f"portfolios/{portfolio.enrollment.course.slug}"
        compiled = compile_portfolio(portfolio)
        files = {}
        for worksheet in compiled["worksheets"]:
            for prompt in worksheet["prompts"]:
                name = prompt["image"]
                ext = name.rsplit(".", 1)[-1].lower() if "." in name else "png"
                path = f"uploads/{worksheet['slug']}-{prompt['id']}.{ext}"
                if name and archive.write_stored_file(f"{folder}/{path}", name):
                    files[name] = path
        archive.write_json(f"{folder}/answers.json", _exported_portfolio(compiled, files))
        if portfolio.attachment:  # #16.9: their own portfolio file, under the name they gave it
            archive.write_stored_file(f"{folder}/own-file/{get_valid_filename(portfolio.attachment_name or 'portfolio')}", portfolio.attachment.name)
        if not (compiled["summary"] or compiled["critical_evaluation"] or any(w["answered"] for w in compiled["worksheets"])):
            continue
        if not (has_current_pdf(portfolio, compiled) and archive.write_stored_file(f"{folder}/portfolio.pdf", portfolio.pdf.name)):
            archive.write_bytes(f"{folder}/portfolio.pdf", render_portfolio_pdf_bytes(compiled))


# --- instructors' reviews -------------------------------------------------------------------


def review_worksheet(submission: WorksheetSubmission, reviewer, *, state: str, comment: str = "", prompt_comments: dict | None = None) -> Review:
    """Record an instructor's feedback on a submitted worksheet and tell the learner.

    The worksheet's one review is overwritten (reviewing again replaces the feedback); only the
    comments on the worksheet's own questions are kept. See _record_review for the rest.
    """
    prompt_ids = {str(pk) for pk in submission.worksheet.prompts.values_list("pk", flat=True)}
    comments = {key: text.strip() for key, text in (prompt_comments or {}).items() if key in prompt_ids and text.strip()}
    return _record_review(submission.portfolio, submission.worksheet, reviewer, state, comment, comments)


def review_portfolio(portfolio: Portfolio, reviewer, *, state: str, comment: str = "") -> Review:
    """Record an instructor's feedback on the whole portfolio and tell the learner (as review_worksheet)."""
    return _record_review(portfolio, None, reviewer, state, comment, {})


def _record_review(portfolio: Portfolio, worksheet: Worksheet | None, reviewer, state: str, comment: str, comments: dict) -> Review:
    """1. write the review (one per worksheet or portfolio: a unique constraint, update_or_create);
    2. notify the learner on the site, in the same transaction;
    3. after the commit, email them (portfolios.tasks.email_review, claimed through emailed_at, which
       a new review clears, so each review is emailed once)."""
    from portfolios.tasks import email_review  # tasks import this module

    if state not in Review.State.values:
        raise ValueError(state)
    with transaction.atomic():
        review, _ = Review.objects.update_or_create(
            portfolio=portfolio,
            worksheet=worksheet,
            defaults={
                "reviewer": reviewer, "state": state, "comment": comment.strip(), "prompt_comments": comments,
                "reviewed_at": timezone.now(), "emailed_at": None,
            },
        )
        enrollment = portfolio.enrollment
        course = enrollment.course
        notify(enrollment.user, Notification.Kind.COURSE, review_headline(review, worksheet, course), review_url(review, course))
    email_review.delay_on_commit(review.pk)
    return review


def review_headline(review: Review, worksheet: Worksheet | None, course) -> str:
    what = f"“{worksheet.title}”" if worksheet else f"your portfolio in {course.title}"
    if review.asks_for_revision:
        return f"Your instructor has feedback on {what} and asks you to revise it."
    return f"Your instructor has reviewed {what}."


def review_url(review: Review, course) -> str:
    if review.worksheet_id:
        return reverse("portfolios:worksheet", args=[course.slug, review.worksheet.slug]) + "#feedback"
    return reverse("portfolios:portfolio", args=[course.slug]) + "#feedback"


def email_review_to_learner(review_id: int) -> bool:
    """The review email, once per review and only to a learner who wants emails from their
    instructors (User.wants_course_emails, with its unsubscribe link); True when sent."""
    review = Review.objects.select_related("portfolio__enrollment__user", "portfolio__enrollment__course", "worksheet").filter(pk=review_id).first()
    if review is None:
        return False
    enrollment = review.portfolio.enrollment
    user = enrollment.user
    if not user.wants_course_emails or not user.email:
        return False
    if not Review.objects.filter(pk=review.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
        return False
    unsubscribe = unsubscribe_url(user, "course-emails")
    context = {
        "user": user,
        "course": enrollment.course,
        "review": review,
        "headline": review_headline(review, review.worksheet, enrollment.course),
        "review_url": settings.SITE_URL + review_url(review, enrollment.course),
        "unsubscribe_url": unsubscribe,
    }
    try:
        send_templated_email("review_ready", user.email, context, headers=unsubscribe_headers(unsubscribe))
    except Exception:
        Review.objects.filter(pk=review.pk).update(emailed_at=None)  # the task's retry sends it
        raise
    return True


def review_feedback(portfolio: Portfolio, compiled: dict) -> list[dict]:
    """The portfolio page's feedback: each review (the portfolio's first, then the worksheets' in course
    order) with its per-question comments labelled from the compiled portfolio. One query."""
    labels = {p["id"]: p["label"] for ws in compiled["worksheets"] for p in ws["prompts"]}
    order = {ws["id"]: (index, ws["title"]) for index, ws in enumerate(compiled["worksheets"], start=1)}
    feedback = []
    for review in portfolio.reviews.all():
        index, title = order.get(review.worksheet_id, (0, ""))
        comments = [(labels[int(key)], render_markdown(text)) for key, text in review.prompt_comments.items() if int(key) in labels]
        feedback.append({"review": review, "order": index, "title": title, "comments": comments})
    return sorted(feedback, key=lambda item: item["order"])
