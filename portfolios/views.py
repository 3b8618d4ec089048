"""Worksheet, portfolio and PDF pages for the enrolled learner.

Every view starts from get_enrollment_or_404(request.user, course_slug): a learner only
ever reaches their own portfolio, and anything else is a 404. The worksheet and portfolio pages
start from get_learning_or_404 instead, which also lets the course's staff preview them empty.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.markdown import render_markdown
from core.media import stored_file_response, url_prefix
from courses.services import PREVIEW_MESSAGE, get_enrollment_or_404, get_learning_or_404
from portfolios.forms import (
    PORTFOLIO_TEXT_FIELDS,
    PortfolioFileForm,
    PortfolioTextForm,
    WorksheetForm,
    clean_image_alt,
    clean_single_answer,
    portfolio_text_field,
)
from portfolios.models import Answer, Portfolio, Prompt, display_text
from portfolios.services import (
    VersionConflict,
    attach_portfolio_file,
    compile_portfolio,
    detach_portfolio_file,
    get_or_create_portfolio,
    get_prompt_or_404,
    get_worksheet_or_404,
    has_current_pdf,
    missing_required,
    portfolio_texts_worksheet,
    request_pdf,
    review_feedback,
    save_answer,
    save_portfolio_text,
    submit_worksheet,
)
from portfolios.tasks import render_portfolio_pdf

READ_ONLY_MESSAGE = "Your access to this course has ended, so your portfolio can be read but not changed."


def _locked_message(worksheet, opens_on) -> str:
    return f"“{worksheet.title}” belongs to session {worksheet.lesson.session.number}, which opens on {opens_on:%-d %B %Y}."


def _answer_json(course_slug: str, value, version: int, image: str, image_alt: str = "") -> dict:
    image_url = reverse("portfolios:answer_image", args=[course_slug, image]) if image else ""
    body = {"value": value, "version": version, "display": display_text(value), "image_url": image_url}
    return {**body, "image_alt": image_alt} if image else body


@login_required
@never_cache  # Back must bring the page from the server, with the versions saved since, not a stale copy
@require_http_methods(["GET", "POST"])
def worksheet_detail(request, course_slug: str, worksheet_slug: str):
    enrollment = get_learning_or_404(request.user, course_slug)
    worksheet = get_worksheet_or_404(enrollment.course, worksheet_slug)
    if enrollment.is_preview:
        return _preview(request, "portfolios/worksheet_detail.html", enrollment, {
            "worksheet": worksheet,
            "form": WorksheetForm(worksheet.prompts.all(), {}, autosave_url=lambda prompt_id: "", uploader=request.user),
            "still_required": missing_required(worksheet, {}),
        })
    opens_on = enrollment.offering.locked_until(worksheet.lesson.session)
    if opens_on:
        context = {"course": enrollment.course, "worksheet": worksheet, "opens_on": opens_on}
        return render(request, "portfolios/worksheet_locked.html", context, status=403)
    if request.method == "POST" and enrollment.is_read_only:
        messages.error(request, READ_ONLY_MESSAGE)
        return redirect(request.path)
    portfolio = get_or_create_portfolio(enrollment, Portfolio.objects.with_submission(worksheet))
    answers = portfolio.answers_to(worksheet)
    posted = request.method == "POST"
    # One reverse() for every prompt's autosave address: the pattern ends in "<prompt_id>/".
    autosave_base = reverse("portfolios:autosave_answer", args=[course_slug, 0])[: -len("0/")]
    form = WorksheetForm(
        worksheet.prompts.all(),
        answers,
        request.POST if posted else None,
        request.FILES if posted else None,
        autosave_url=lambda prompt_id: f"{autosave_base}{prompt_id}/",
        uploader=request.user,
    )
    texts = _texts_form(worksheet, portfolio, request.POST if posted else None)
    missing = []
    if form.is_bound and all([form.save(portfolio), _texts_saved(texts)]):  # both, so neither is lost
        if request.POST.get("action") != "submit":
            messages.success(request, "Your answers are saved.")
            return redirect(request.path)
        missing = submit_worksheet(enrollment, portfolio, worksheet)
        if not missing:
            # Back in the course's flow: the lesson, now ticked, with its link to the next one.
            messages.success(request, f"“{worksheet.title}” is submitted and the lesson is marked complete.")
            return redirect(worksheet.lesson.get_absolute_url())
    # The instructor's review, read only when there is one (with_submission says so).
    review = portfolio.reviews.filter(worksheet=worksheet).select_related("reviewer").first() if portfolio.is_reviewed else None
    context = {
        "course": enrollment.course,
        "worksheet": worksheet,
        "form": form,
        "review": review,
        "review_comments": [(prompt.label, render_markdown(review.comment_on(prompt.pk)))
                            for prompt in worksheet.prompts.all() if review.comment_on(prompt.pk)]
        if review else [],
        "missing": missing,
        "submitted_at": portfolio.submitted_at,
        "still_required": [] if missing else missing_required(worksheet, answers, portfolio),
        "read_only": enrollment.is_read_only,
        "texts_form": texts,
    }
    return render(request, "portfolios/worksheet_detail.html", context, status=400 if form.is_bound else 200)


# --- #16.10: the summary and critical evaluation are written on one worksheet (asks_portfolio_texts) ---


def _texts_form(worksheet, portfolio, data) -> PortfolioTextForm | None:
    """The portfolio's texts on the worksheet that asks for them (the only place they are written
    when the course has one); None on every other worksheet."""
    return PortfolioTextForm(portfolio, data) if worksheet.asks_portfolio_texts else None


def _texts_saved(texts: PortfolioTextForm | None) -> bool:
    """Save the worksheet page's texts with its answers (no JavaScript); True when saved or absent."""
    if texts is None:
        return True
    return texts.is_valid() and not texts.save_texts()


@login_required
@require_POST
def autosave_answer(request, course_slug: str, prompt_id: int):
    """Save one answer (JSON): 200 saved, 400 invalid (messages), 409 stale copy (server copy), 429 an
    image over the upload limit (its message)."""
    enrollment = get_enrollment_or_404(request.user, course_slug)
    prompt = get_prompt_or_404(enrollment.course, prompt_id)
    opens_on = enrollment.offering.locked_until(prompt.worksheet.lesson.session)
    if opens_on:
        return JsonResponse({"ok": False, "errors": [_locked_message(prompt.worksheet, opens_on)]}, status=403)
    if enrollment.is_read_only:
        return JsonResponse({"ok": False, "errors": [READ_ONLY_MESSAGE]}, status=403)
    portfolio = get_or_create_portfolio(enrollment, Portfolio.objects.only("enrollment"))
    try:
        value, image, version = clean_single_answer(prompt, request.POST, request.FILES, uploader=request.user)
        image_alt = clean_image_alt(prompt, request.POST, image) if prompt.kind == Prompt.Kind.IMAGE else None
    except ValidationError as error:
        limited = any(e.code == "rate_limited" for e in error.error_list)
        return JsonResponse({"ok": False, "errors": error.messages}, status=429 if limited else 400)
    try:
        answer = save_answer(portfolio, prompt, value, expected_version=version, image=image, image_alt=image_alt)
    except VersionConflict as conflict:
        body = _answer_json(course_slug, conflict.value, conflict.version, conflict.image)
        return JsonResponse({"ok": False, "conflict": True, **body}, status=409)
    return JsonResponse({"ok": True, **_answer_json(course_slug, answer.value, answer.version, answer.image.name, answer.image_alt)})


@login_required
@require_POST
def autosave_text(request, course_slug: str, field: str):
    """Save the summary or the critical evaluation (JSON), with the same version rule as answers."""
    enrollment = get_enrollment_or_404(request.user, course_slug)
    if field not in PORTFOLIO_TEXT_FIELDS:
        raise Http404("No such field.")
    if enrollment.is_read_only:
        return JsonResponse({"ok": False, "errors": [READ_ONLY_MESSAGE]}, status=403)
    portfolio = get_or_create_portfolio(enrollment, Portfolio.objects.only("enrollment"))
    try:
        text = portfolio_text_field(field).clean(request.POST.get(field, ""))
        version = int(request.POST.get(f"{field}_version", ""))
    except ValidationError as error:
        return JsonResponse({"ok": False, "errors": error.messages}, status=400)
    except ValueError:
        return JsonResponse({"ok": False, "errors": ["This page is out of date; please reload it."]}, status=400)
    try:
        version = save_portfolio_text(portfolio, field, text, expected_version=version)
    except VersionConflict as conflict:
        body = {"value": conflict.value, "display": conflict.value, "version": conflict.version}
        return JsonResponse({"ok": False, "conflict": True, **body}, status=409)
    return JsonResponse({"ok": True, "value": text, "display": text, "version": version})


@login_required
@never_cache  # as the worksheet: no stale versions from the browser's cache
@require_http_methods(["GET", "POST"])
def portfolio_detail(request, course_slug: str):
    enrollment = get_learning_or_404(request.user, course_slug)
    if enrollment.is_preview:
        portfolio = Portfolio(enrollment=enrollment)
        return _preview(request, "portfolios/portfolio_detail.html", enrollment, {
            "portfolio": portfolio,
            "compiled": compile_portfolio(portfolio),
            "media_url": url_prefix("portfolios:answer_image", course_slug),
            "form": PortfolioTextForm(portfolio),
        })
    portfolio = get_or_create_portfolio(enrollment, Portfolio.objects.with_entry())
    if request.method == "POST" and enrollment.is_read_only:
        messages.error(request, READ_ONLY_MESSAGE)
        return redirect(request.path)
    texts_worksheet = portfolio_texts_worksheet(enrollment.course)
    # With a worksheet that asks for them, the texts are written there and only shown here.
    form = PortfolioTextForm(portfolio, request.POST if request.method == "POST" and texts_worksheet is None else None)
    if form.is_bound and form.is_valid() and not form.save_texts():
        messages.success(request, "Your summary and critical evaluation are saved.")
        return redirect(request.path)
    compiled = compile_portfolio(portfolio)
    entry = getattr(portfolio, "entry", None)  # gallery.Entry's reverse one-to-one; None before publishing
    if entry is not None:
        entry.course = enrollment.course  # for its URL, without a query
    context = {
        "course": enrollment.course,
        "portfolio": portfolio,
        "compiled": compiled,
        "media_url": url_prefix("portfolios:answer_image", course_slug),
        "form": form,
        "pdf_is_current": has_current_pdf(portfolio, compiled),
        "read_only": enrollment.is_read_only,
        "entry": entry,
        "feedback": review_feedback(portfolio, compiled) if portfolio.has_reviews else [],
        "texts_worksheet": texts_worksheet,
        "file_form": PortfolioFileForm(),
    }
    return render(request, "portfolios/portfolio_detail.html", context, status=400 if form.is_bound else 200)


def _preview(request, template: str, enrollment, context: dict):
    """A worksheet or the portfolio as a new learner sees it, for the course's staff: empty, and a
    form sent from it saves nothing (get_learning_or_404)."""
    if request.method == "POST":
        messages.info(request, PREVIEW_MESSAGE)
        return redirect(request.path)
    return render(request, template, {"course": enrollment.course, "preview": True, **context})


@login_required
@require_POST
def pdf_request(request, course_slug: str):
    enrollment = get_enrollment_or_404(request.user, course_slug)
    portfolio = get_or_create_portfolio(enrollment)
    request_pdf(portfolio, compile_portfolio(portfolio), render_portfolio_pdf)
    return redirect(reverse("portfolios:portfolio", args=[course_slug]) + "#pdf")


@login_required
@require_GET
def pdf_status(request, course_slug: str):
    """Polled by the portfolio page while the PDF is being prepared."""
    enrollment = get_enrollment_or_404(request.user, course_slug)
    portfolio = get_or_create_portfolio(enrollment)
    ready = portfolio.pdf_status == Portfolio.PdfStatus.READY and bool(portfolio.pdf)
    return JsonResponse(
        {
            "status": portfolio.pdf_job_status,
            "ready": ready,
            "download_url": reverse("portfolios:pdf_download", args=[course_slug]) if ready else "",
            "error": portfolio.pdf_problem,
        }
    )


@login_required
@require_GET
def pdf_download(request, course_slug: str):
    enrollment = get_enrollment_or_404(request.user, course_slug)
    portfolio = get_or_create_portfolio(enrollment)
    if not portfolio.pdf or not default_storage.exists(portfolio.pdf.name):
        raise Http404("There is no PDF yet; prepare one on your portfolio page.")
    filename = f"portfolio-{enrollment.course.slug}-{request.user.username}.pdf"
    return FileResponse(default_storage.open(portfolio.pdf.name, "rb"), as_attachment=True, filename=filename, content_type="application/pdf")


@login_required
@require_GET
def answer_image(request, course_slug: str, name: str):
    """One of the learner's own answer images; a replaced one, or anyone else's, is a 404."""
    enrollment = get_enrollment_or_404(request.user, course_slug)
    mine = Answer.objects.filter(portfolio__enrollment=enrollment)
    if not name or not mine.filter(Q(image=name) | Q(image_small=name)).exists():
        raise Http404("No such image.")
    return stored_file_response(name)


# --- #16.9: the learner's own portfolio file (a PDF or slide deck) ---------------------------


@login_required
@require_POST
def attachment_upload(request, course_slug: str):
    """Attach (or replace, or with `remove` take off) the learner's own portfolio file."""
    enrollment = get_enrollment_or_404(request.user, course_slug)
    back = reverse("portfolios:portfolio", args=[course_slug]) + "#own-file"
    if enrollment.is_read_only:
        messages.error(request, READ_ONLY_MESSAGE)
        return redirect(back)
    portfolio = get_or_create_portfolio(enrollment)
    if request.POST.get("remove"):
        detach_portfolio_file(portfolio)
        messages.success(request, "Your portfolio file is removed.")
        return redirect(back)
    form = PortfolioFileForm(request.POST, request.FILES, uploader=request.user)
    if form.is_valid():
        attach_portfolio_file(portfolio, form.cleaned_data["file"], form.cleaned_data["kind"])
        messages.success(request, f"“{portfolio.attachment_name}” is attached to your portfolio.")
    else:
        messages.error(request, " ".join(form.errors.get("file", ["Please choose a file to attach."])))
    return redirect(back)


@login_required
@require_GET
def attachment_download(request, course_slug: str):
    """The learner's own portfolio file, to its owner only."""
    enrollment = get_enrollment_or_404(request.user, course_slug)
    portfolio = get_or_create_portfolio(enrollment, Portfolio.objects.only("enrollment", "attachment", "attachment_name"))
    if not portfolio.attachment:
        raise Http404("No file is attached to your portfolio.")
    return stored_file_response(portfolio.attachment.name, filename=portfolio.attachment_name)
