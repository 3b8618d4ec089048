"""Worksheet, portfolio and PDF pages for the enrolled learner.

Every view starts from get_enrollment_or_404(request.user, course_slug): a learner only
ever reaches their own portfolio, and anything else is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from courses.services import get_enrollment_or_404
from gallery.models import Entry
from portfolios.caching import course_prompts, portfolio_urls, worksheet_page
from portfolios.forms import (
    PORTFOLIO_TEXT_FIELDS,
    PortfolioTextForm,
    WorksheetForm,
    clean_single_answer,
    display_json_value,
    portfolio_text_field,
)
from portfolios.models import (
    Portfolio,
    Prompt,
    portfolio_of,
    portfolio_with_entry,
    worksheet_answers,
    worksheet_portfolio,
)
from portfolios.services import (
    VersionConflict,
    compile_portfolio,
    create_portfolio,
    get_or_create_portfolio,
    has_current_pdf,
    missing_required,
    request_portfolio_pdf,
    save_answer,
    save_portfolio_text,
    submit_worksheet,
)

READ_ONLY_MESSAGE = "Your access to this course has ended, so your portfolio can be read but not changed."


def _portfolio_for(enrollment) -> Portfolio:
    portfolio = get_or_create_portfolio(enrollment)
    portfolio.enrollment = enrollment
    return portfolio


def _existing_or_new(enrollment, lookup) -> Portfolio:
    """The enrollment's portfolio as `lookup()` reads it, created first if the learner has none yet."""
    portfolio = lookup()
    if portfolio is None:
        create_portfolio(enrollment)
        portfolio = lookup()
    portfolio.enrollment = enrollment
    return portfolio


def _image_url(name: str) -> str:
    return default_storage.url(name) if name else ""


def _answer_json(prompt: Prompt, value, version: int, image: str) -> dict:
    return {"value": value, "version": version, "display": display_json_value(value), "image_url": _image_url(image)}


@login_required
@require_http_methods(["GET", "POST"])
def worksheet_detail(request, course_slug: str, worksheet_slug: str):
    enrollment = get_enrollment_or_404(request.user, course_slug)
    page = worksheet_page(enrollment.course, worksheet_slug)
    if page is None:
        raise Http404("This course has no such worksheet.")
    worksheet = page["worksheet"]
    if request.method == "POST" and enrollment.is_read_only:
        messages.error(request, READ_ONLY_MESSAGE)
        return redirect(worksheet.get_absolute_url())
    portfolio = _existing_or_new(enrollment, lambda: worksheet_portfolio(enrollment.pk, worksheet.pk))
    answers = worksheet_answers(portfolio.pk, worksheet.pk)
    prompts = worksheet.prompts.all()
    missing = []
    status = 200
    if request.method == "POST":
        form = WorksheetForm(prompts, answers, request.POST, request.FILES)
        form.is_valid()
        conflicts = form.save(portfolio, answers)
        if not form.errors and not conflicts:
            if request.POST.get("action") != "submit":
                messages.success(request, "Your answers are saved.")
                return redirect(worksheet.get_absolute_url())
            missing = submit_worksheet(enrollment, portfolio, worksheet)
            if not missing:
                messages.success(request, f"“{worksheet.title}” is submitted and the lesson is marked complete.")
                return redirect(worksheet.get_absolute_url())
        status = 400
    else:
        form = WorksheetForm(prompts, answers)
    context = {
        "enrollment": enrollment,
        "course": enrollment.course,
        "worksheet": worksheet,
        "urls": page["urls"],
        "form": form,
        "rows": form.rows(answers, _image_url, page["urls"]["answers"]),
        "missing": missing,
        "submitted_at": portfolio.submitted_at,
        "still_required": [] if missing else missing_required(worksheet, answers),
        "read_only": enrollment.is_read_only,
    }
    return render(request, "portfolios/worksheet_detail.html", context, status=status)


@login_required
@require_POST
def autosave_answer(request, course_slug: str, prompt_id: int):
    """Save one answer (JSON): 200 saved, 400 invalid (messages), 409 stale copy (server copy)."""
    enrollment = get_enrollment_or_404(request.user, course_slug)
    prompt = course_prompts(enrollment.course).get(prompt_id)
    if prompt is None:
        raise Http404("This course has no such question.")
    if enrollment.is_read_only:
        return JsonResponse({"ok": False, "errors": [READ_ONLY_MESSAGE]}, status=403)
    portfolio = _existing_or_new(enrollment, lambda: portfolio_of(enrollment.pk))
    try:
        value, image, version = clean_single_answer(prompt, request.POST, request.FILES)
    except ValidationError as error:
        return JsonResponse({"ok": False, "errors": error.messages}, status=400)
    try:
        answer = save_answer(portfolio, prompt, value, expected_version=version, image=image)
    except VersionConflict as conflict:
        body = _answer_json(prompt, conflict.value, conflict.version, conflict.image)
        return JsonResponse({"ok": False, "conflict": True, **body}, status=409)
    return JsonResponse({"ok": True, **_answer_json(prompt, answer.value, answer.version, answer.image.name)})


@login_required
@require_POST
def autosave_text(request, course_slug: str, field: str):
    """Save the summary or the critical evaluation (JSON), with the same version rule as answers."""
    enrollment = get_enrollment_or_404(request.user, course_slug)
    if field not in PORTFOLIO_TEXT_FIELDS:
        raise Http404("No such field.")
    if enrollment.is_read_only:
        return JsonResponse({"ok": False, "errors": [READ_ONLY_MESSAGE]}, status=403)
    portfolio = _portfolio_for(enrollment)
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
@require_http_methods(["GET", "POST"])
def portfolio_detail(request, course_slug: str):
    enrollment = get_enrollment_or_404(request.user, course_slug)
    portfolio = _existing_or_new(enrollment, lambda: portfolio_with_entry(enrollment.pk))
    initial = {f"{name}_version": getattr(portfolio, f"{name}_version") for name in PORTFOLIO_TEXT_FIELDS}
    conflicts = {}
    status = 200
    if request.method == "POST":
        if enrollment.is_read_only:
            messages.error(request, READ_ONLY_MESSAGE)
            return redirect(portfolio.get_absolute_url())
        form = PortfolioTextForm(request.POST, instance=Portfolio.objects.get(pk=portfolio.pk), initial=initial)
        if form.is_valid():
            conflicts = _save_texts(form, portfolio)
            if not conflicts:
                messages.success(request, "Your summary and critical evaluation are saved.")
                return redirect(portfolio.get_absolute_url())
        status = 400
    else:
        form = PortfolioTextForm(instance=portfolio, initial=initial)
    urls = portfolio_urls(enrollment.course)
    compiled = compile_portfolio(portfolio)
    pdf_is_current = has_current_pdf(portfolio, compiled)  # before the page adds its URLs to `compiled`
    for worksheet in compiled["worksheets"]:
        worksheet["url"] = urls["worksheets"][worksheet["slug"]]
        for prompt in worksheet["prompts"]:
            prompt["image_url"] = _image_url(prompt["image"])
    context = {
        "enrollment": enrollment,
        "course": enrollment.course,
        "urls": urls,
        "portfolio": portfolio,
        "compiled": compiled,
        "form": form,
        "text_rows": form.rows(conflicts),
        "conflicts": conflicts,
        "pdf_is_current": pdf_is_current,
        "read_only": enrollment.is_read_only,
        "entry": _own_entry(portfolio, enrollment.course),
    }
    return render(request, "portfolios/portfolio_detail.html", context, status=status)


def _own_entry(portfolio: Portfolio, course) -> Entry | None:
    """The learner's gallery entry for the publish box (fetched with the portfolio), its course known."""
    try:
        entry = portfolio.entry
    except Entry.DoesNotExist:
        return None
    entry.course = course
    return entry


def _save_texts(form: PortfolioTextForm, portfolio: Portfolio) -> dict:
    """Save the changed texts of a no-JavaScript submit; returns {field: VersionConflict}."""
    conflicts = {}
    data = form.data.copy()
    for name in PORTFOLIO_TEXT_FIELDS:
        if form.cleaned_data[name] == getattr(portfolio, name):
            continue
        try:
            version = save_portfolio_text(portfolio, name, form.cleaned_data[name], expected_version=form.cleaned_data[f"{name}_version"])
        except VersionConflict as conflict:
            conflicts[name] = conflict
            version = conflict.version
        data[f"{name}_version"] = str(version)
    form.data = data
    return conflicts


@login_required
@require_POST
def request_pdf(request, course_slug: str):
    enrollment = get_enrollment_or_404(request.user, course_slug)
    portfolio = _portfolio_for(enrollment)
    request_portfolio_pdf(portfolio)
    return redirect(portfolio.get_absolute_url() + "#pdf")


@login_required
@require_GET
def pdf_status(request, course_slug: str):
    """Polled by the portfolio page while the PDF is being prepared."""
    enrollment = get_enrollment_or_404(request.user, course_slug)
    portfolio = _portfolio_for(enrollment)
    ready = portfolio.pdf_status == Portfolio.PdfStatus.READY and bool(portfolio.pdf)
    return JsonResponse(
        {
            "status": portfolio.pdf_status,
            "ready": ready,
            "download_url": reverse("portfolios:pdf_download", args=[course_slug]) if ready else "",
            "error": portfolio.pdf_error,
        }
    )


@login_required
@require_GET
def download_pdf(request, course_slug: str):
    enrollment = get_enrollment_or_404(request.user, course_slug)
    portfolio = _portfolio_for(enrollment)
    if not portfolio.pdf or not default_storage.exists(portfolio.pdf.name):
        raise Http404("There is no PDF yet; prepare one on your portfolio page.")
    filename = f"portfolio-{enrollment.course.slug}-{request.user.username}.pdf"
    return FileResponse(default_storage.open(portfolio.pdf.name, "rb"), as_attachment=True, filename=filename, content_type="application/pdf")
