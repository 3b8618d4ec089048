"""What portfolios gives the course's staff: the review queue, and its parts of the course dashboard
and of the enrollment CSV (connected to courses.signals in portfolios/apps.py)."""

from datetime import timedelta

from django import forms
from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse

from portfolios.models import Portfolio, Review, Worksheet, WorksheetSubmission

WEEK = timedelta(days=7)


def review_queue(course, *, offering_id: int | None = None, session_number: int | None = None):
    """Submitted worksheets waiting for a review, the longest waiting first, with what a queue row shows."""
    rows = WorksheetSubmission.objects.for_course(course).awaiting_review()
    if offering_id:
        rows = rows.filter(portfolio__enrollment__offering_id=offering_id)
    if session_number:
        rows = rows.filter(worksheet__lesson__session__number=session_number)
    return rows.select_related(
        "portfolio__enrollment__user", "portfolio__enrollment__offering", "worksheet__lesson__session"
    ).order_by("submitted_at", "pk")


def portfolios_awaiting_review(course, *, offering_id: int | None = None):
    """Portfolios whose every worksheet is handed in and that have no review of the whole portfolio
    since the last hand-in, the longest waiting first (`last_handed_in`)."""
    total = Worksheet.objects.filter(course=course).count()
    if not total:
        return Portfolio.objects.none()
    reviewed = Review.objects.filter(portfolio=OuterRef("pk"), worksheet__isnull=True).values("reviewed_at")[:1]
    rows = Portfolio.objects.filter(enrollment__course=course)
    if offering_id:
        rows = rows.filter(enrollment__offering_id=offering_id)
    return (
        rows.annotate(handed_in=Count("submissions"), last_handed_in=Max("submissions__submitted_at"), reviewed_at=Subquery(reviewed))
        .filter(handed_in=total)
        .filter(Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=F("last_handed_in")))
        .select_related("enrollment__user", "enrollment__offering")
        .only("pk", "enrollment__user__email", "enrollment__user__display_name", "enrollment__user__first_name",
              "enrollment__user__last_name", "enrollment__user__username", "enrollment__offering__title")
        .order_by("last_handed_in", "pk")
    )


def get_submission_or_404(course, submission_id: int) -> WorksheetSubmission:
    """A submission of this course's worksheets (another course's id is a 404)."""
    return get_object_or_404(
        WorksheetSubmission.objects.for_course(course).select_related(
            "portfolio__enrollment__user", "portfolio__enrollment__course", "worksheet__lesson__session"
        ),
        pk=submission_id,
    )


def get_portfolio_or_404(course, portfolio_id: int) -> Portfolio:
    return get_object_or_404(
        Portfolio.objects.select_related("enrollment__user", "enrollment__course").filter(enrollment__course=course), pk=portfolio_id
    )


def dashboard_section(sender, course, now, **kwargs):
    """The dashboard's "Worksheets and reviews": submissions (all, this week), waiting for a review and
    since when, revisions asked for. Two queries."""
    submissions = WorksheetSubmission.objects.for_course(course)
    totals = submissions.aggregate(total=Count("pk"), this_week=Count("pk", filter=Q(submitted_at__gte=now - WEEK)))
    waiting = submissions.awaiting_review().aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    revise = Review.objects.filter(portfolio__enrollment__course=course, state=Review.State.REVISE).count()
    context = {
        "course": course,
        "submissions": totals["total"],
        "submissions_week": totals["this_week"],
        "waiting": waiting["count"],
        "oldest": waiting["oldest"],
        "revise": revise,
        "queue_url": reverse("reviews:queue", args=[course.slug]),
    }
    return "portfolios/includes/studio_dashboard_section.html", context


def export_columns(sender, enrollments, **kwargs):
    """The enrollment CSV's portfolio columns: worksheets submitted, of them waiting for a review and
    asked to be revised, the portfolio's own review, and its PDF. Four queries."""
    submitted = dict(
        WorksheetSubmission.objects.filter(portfolio__enrollment__in=enrollments)
        .values("portfolio__enrollment_id").annotate(n=Count("pk")).order_by().values_list("portfolio__enrollment_id", "n")
    )
    reviews = {}
    for enrollment_id, worksheet_id, state in Review.objects.filter(portfolio__enrollment__in=enrollments).values_list(
        "portfolio__enrollment_id", "worksheet_id", "state"
    ):
        row = reviews.setdefault(enrollment_id, {"revise": 0, "portfolio": ""})
        if worksheet_id is None:
            row["portfolio"] = Review.State(state).label
        elif state == Review.State.REVISE:
            row["revise"] += 1
    pdfs = dict(Portfolio.objects.filter(enrollment__in=enrollments).values_list("enrollment_id", "pdf_status"))
    cells = {}
    for enrollment_id in enrollments.values_list("pk", flat=True):
        review = reviews.get(enrollment_id, {"revise": 0, "portfolio": ""})
        cells[enrollment_id] = [submitted.get(enrollment_id, 0), review["revise"], review["portfolio"], pdfs.get(enrollment_id, "")]
    return ["worksheets_submitted", "worksheets_to_revise", "portfolio_review", "portfolio_pdf"], cells


class ReviewForm(forms.Form):
    """An instructor's review: the state, one overall comment and, for a worksheet, a comment per question."""

    state = forms.ChoiceField(
        label="Your decision", choices=Review.State.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose “Reviewed” or “Please revise”, so the learner knows what to do next."},
    )
    comment = forms.CharField(
        label="Overall comment", required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only the learner and the course’s staff see it. Markdown works, as in lessons: **bold**, *italic*, lists and links.",
    )

    def __init__(self, *args, prompts=(), review: Review | None = None, **kwargs):
        if review is not None and "initial" not in kwargs:
            kwargs["initial"] = {"state": review.state, "comment": review.comment}
        super().__init__(*args, **kwargs)
        self.prompt_names = {}
        for prompt in prompts:
            name = f"prompt_{prompt.pk}"
            self.fields[name] = forms.CharField(
                label=f"Your comment on “{prompt.label}”", required=False, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=review.comment_on(prompt.pk) if review is not None else "",
            )
            self.prompt_names[prompt.pk] = name

    def clean(self):
        cleaned = super().clean()
        wrote = cleaned.get("comment", "").strip() or any(cleaned.get(name, "").strip() for name in self.prompt_names.values())
        if cleaned.get("state") == Review.State.REVISE and not wrote:
            # Told to revise without a word on what, the learner cannot act on it.
            self.add_error("comment", "Say what to change: an overall comment or one on a question.")
        return cleaned

    def prompt_field(self, prompt_id: int):
        return self[self.prompt_names[prompt_id]]

    def prompt_comments(self) -> dict[str, str]:
        return {str(pk): self.cleaned_data[name] for pk, name in self.prompt_names.items()}
