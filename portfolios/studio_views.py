"""The course's staff review learners' work: the review queue, a worksheet's review, the portfolio's.

Every view starts from get_taught_course_or_404 (a course the user teaches, with the reviewers'
permission): learners and other courses' staff get a 404, and each object is looked up within
that course, so a foreign id is a 404 too.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from courses.caching import sessions_with_lessons
from courses.services import get_taught_course_or_404
from portfolios.models import Review
from portfolios.services import compile_portfolio, review_portfolio, review_worksheet
from portfolios.studio import ReviewForm, get_portfolio_or_404, get_submission_or_404, portfolios_awaiting_review, review_queue

REVIEW_PERMISSION = "portfolios.add_review"
PORTFOLIOS_SHOWN = 50


class QueueFilter(forms.Form):
    session = forms.TypedChoiceField(label="Session", required=False, coerce=int, empty_value=None)
    offering = forms.TypedChoiceField(label="Offering", required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, sessions, offerings):
        super().__init__(data)
        self.fields["session"].choices = [("", "Every session")] + [(s.number, str(s)) for s in sessions]
        self.fields["offering"].choices = [("", "Every offering")] + [(o.pk, o.title) for o in offerings]


@login_required
@require_GET
def queue(request, course_slug: str):
    course = get_taught_course_or_404(request.user, course_slug, permission=REVIEW_PERMISSION)
    filters = QueueFilter(request.GET, sessions=sessions_with_lessons(course), offerings=list(course.offerings.order_by("starts_on", "pk")))
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = review_queue(course, offering_id=chosen.get("offering"), session_number=chosen.get("session"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # Whole portfolios have no session: the session filter leaves them out.
    portfolios = [] if chosen.get("session") else list(portfolios_awaiting_review(course, offering_id=chosen.get("offering"))[:PORTFOLIOS_SHOWN])
    context = {"course": course, "filters": filters, "page": page, "query": query.urlencode(), "portfolios": portfolios}
    return render(request, "portfolios/studio_queue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def worksheet_review(request, course_slug: str, submission_id: int):
    course = get_taught_course_or_404(request.user, course_slug, permission=REVIEW_PERMISSION)
    submission = get_submission_or_404(course, submission_id)
    portfolio = submission.portfolio
    compiled = compile_portfolio(portfolio)
    worksheet = next((ws for ws in compiled["worksheets"] if ws["id"] == submission.worksheet_id), None)
    if worksheet is None:  # deleted since the submission was read
        raise Http404("This worksheet is no longer part of the course.")
    review = Review.objects.filter(portfolio=portfolio, worksheet_id=submission.worksheet_id).first()
    prompts = submission.worksheet.prompts.order_by("order", "pk")
    form = ReviewForm(request.POST or None, prompts=prompts, review=review)
    if form.is_valid():
        review_worksheet(submission, request.user, state=form.cleaned_data["state"], comment=form.cleaned_data["comment"],
                         prompt_comments=form.prompt_comments())
        messages.success(request, f"Your review of “{submission.worksheet.title}” is sent to {portfolio.enrollment.user.public_name}.")
        return redirect("reviews:queue", course.slug)
    rows = [(prompt, form.prompt_field(prompt["id"])) for prompt in worksheet["prompts"]]
    context = {"course": course, "submission": submission, "learner": portfolio.enrollment.user, "worksheet": worksheet,
               "rows": rows, "form": form, "review": review, "portfolio": portfolio}
    return render(request, "portfolios/studio_review.html", context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def portfolio_review(request, course_slug: str, portfolio_id: int):
    course = get_taught_course_or_404(request.user, course_slug, permission=REVIEW_PERMISSION)
    portfolio = get_portfolio_or_404(course, portfolio_id)
    review = Review.objects.filter(portfolio=portfolio, worksheet__isnull=True).first()
    form = ReviewForm(request.POST or None, review=review)
    if form.is_valid():
        review_portfolio(portfolio, request.user, state=form.cleaned_data["state"], comment=form.cleaned_data["comment"])
        messages.success(request, f"Your review of the portfolio is sent to {portfolio.enrollment.user.public_name}.")
        return redirect(reverse("reviews:portfolio", args=[course.slug, portfolio.pk]))
    context = {"course": course, "portfolio": portfolio, "learner": portfolio.enrollment.user, "compiled": compile_portfolio(portfolio),
               "form": form, "review": review}
    return render(request, "portfolios/studio_portfolio_review.html", context, status=400 if form.is_bound else 200)
