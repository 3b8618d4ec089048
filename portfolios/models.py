import uuid
from datetime import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.markdown import render_markdown
from core.prepared import PreparedRows
from courses.models import Course, Enrollment, Lesson


def answer_image_path(instance, filename: str) -> str:
    return f"answers/{uuid.uuid4().hex}.png"


def portfolio_pdf_path(instance, filename: str) -> str:
    return f"portfolios/{uuid.uuid4().hex}.pdf"


class Worksheet(models.Model):
    """A set of prompts attached to one lesson (kind worksheet or checklist)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="worksheets")
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="worksheet")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    step = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Strategy Step number, if any.")
    intro = models.TextField(blank=True, help_text="Markdown.")

    class Meta:
        ordering = ["lesson__session__number", "lesson__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["course", "slug"], name="unique_worksheet_slug")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portfolios:worksheet", args=[self.course.slug, self.slug])

    def intro_html(self) -> str:
        return render_markdown(self.intro)


class Prompt(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        CHECKLIST = "checklist", "Checklist"
        URL = "url", "Web address (URL)"
        NUMBER = "number", "Number"
        IMAGE = "image", "Image upload"

    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="prompts")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField(max_length=300)
    help_text = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True, help_text='For choice and checklist prompts: a JSON list of strings.')
    required = models.BooleanField(default=False)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    min_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["worksheet", "order", "pk"]

    def __str__(self) -> str:
        return self.label


class Portfolio(models.Model):
    """One learner's portfolio in one course: their answers plus summary and evaluation."""

    class PdfStatus(models.TextChoices):
        NONE = "none", "Not rendered"
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="portfolio")
    summary = models.TextField(blank=True, max_length=10000)
    summary_version = models.PositiveIntegerField(default=0)
    critical_evaluation = models.TextField(blank=True, max_length=20000)
    critical_evaluation_version = models.PositiveIntegerField(default=0)
    pdf = models.FileField(upload_to=portfolio_pdf_path, blank=True)
    pdf_hash = models.CharField(max_length=64, blank=True)
    pdf_status = models.CharField(max_length=20, choices=PdfStatus.choices, default=PdfStatus.NONE)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    pdf_requested_at = models.DateTimeField(null=True, blank=True)
    pdf_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Portfolio of {self.enrollment.user} ({self.enrollment.course})"

    def get_absolute_url(self) -> str:
        return reverse("portfolios:portfolio", args=[self.enrollment.course.slug])

    @property
    def user(self):
        return self.enrollment.user

    @property
    def course(self):
        return self.enrollment.course


class Answer(models.Model):
    """A learner's answer to one prompt. `version` increases on every save (optimistic locking)."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="answers")
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    image = models.ImageField(upload_to=answer_image_path, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["portfolio", "prompt"], name="unique_answer_per_prompt")]

    def __str__(self) -> str:
        return f"{self.portfolio} — {self.prompt}"


class WorksheetSubmission(models.Model):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="submissions")
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="submissions")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "worksheet"], name="unique_worksheet_submission")
        ]

    def __str__(self) -> str:
        return f"{self.portfolio} submitted {self.worksheet}"


# --- the learner pages' lookups, prepared once (core.prepared) ------------------------------

# The worksheet page reads the portfolio's state, not its long texts.
_PORTFOLIO_STATE = [
    "enrollment", "summary_version", "critical_evaluation_version", "pdf", "pdf_hash", "pdf_status",
    "pdf_rendered_at", "pdf_requested_at", "pdf_error", "created_at", "updated_at",
]
_worksheet_portfolio = PreparedRows(
    [("p", Portfolio, _PORTFOLIO_STATE)],
    "FROM {p} p WHERE p.enrollment_id = %s",
    extra=[(
        "submitted_at",
        "SELECT s.submitted_at FROM {s} s WHERE s.portfolio_id = p.id AND s.worksheet_id = %s",
        models.DateTimeField(),
    )],
    tables={"s": WorksheetSubmission},
)
# The autosave endpoints only need to know which portfolio.
_portfolio_of = PreparedRows([("p", Portfolio, ["enrollment"])], "FROM {p} p WHERE p.enrollment_id = %s")
_worksheet_answers = PreparedRows(
    [("a", Answer)],
    "FROM {a} a INNER JOIN {q} q ON q.id = a.prompt_id WHERE a.portfolio_id = %s AND q.worksheet_id = %s",
    tables={"q": Prompt},
)
# The portfolio page: the whole portfolio and the learner's gallery entry without its texts and snapshot.
_ENTRY_BOX = [
    "portfolio", "course", "author", "title", "cover", "cover_small", "cover_large", "snapshot_pdf",
    "is_published", "is_hidden", "first_published_at", "published_at", "comment_count", "updated_at",
]
_portfolio_with_entry = PreparedRows(
    [("p", Portfolio), ("g", "gallery.Entry", _ENTRY_BOX)],
    "FROM {p} p LEFT JOIN {g} g ON g.portfolio_id = p.id WHERE p.enrollment_id = %s",
)
_portfolio_answers = PreparedRows([("a", Answer, ["prompt", "value", "image", "version"])], "FROM {a} a WHERE a.portfolio_id = %s")
_portfolio_submissions = PreparedRows(
    [("s", WorksheetSubmission, ["worksheet", "submitted_at"])], "FROM {s} s WHERE s.portfolio_id = %s"
)


def worksheet_portfolio(enrollment_id: int, worksheet_id: int) -> Portfolio | None:
    """The enrollment's portfolio (long texts deferred) with `submitted_at` for the worksheet, or None."""
    rows = _worksheet_portfolio.rows([worksheet_id, enrollment_id])
    return rows[0][0] if rows else None


def portfolio_of(enrollment_id: int) -> Portfolio | None:
    """The enrollment's portfolio with only its id and enrollment loaded (the rest deferred), or None."""
    rows = _portfolio_of.rows([enrollment_id])
    return rows[0][0] if rows else None


def worksheet_answers(portfolio_id: int, worksheet_id: int) -> dict[int, Answer]:
    """{prompt id: Answer} of the portfolio's answers to the worksheet's prompts."""
    return {answer.prompt_id: answer for (answer,) in _worksheet_answers.rows([portfolio_id, worksheet_id])}


def portfolio_with_entry(enrollment_id: int) -> Portfolio | None:
    """The enrollment's portfolio with its gallery entry (texts and snapshot deferred) cached on it, or None."""
    rows = _portfolio_with_entry.rows([enrollment_id])
    if not rows:
        return None
    portfolio, entry = rows[0]
    Portfolio.entry.related.set_cached_value(portfolio, entry)  # None: known to have no entry
    if entry is not None:
        type(entry).portfolio.field.set_cached_value(entry, portfolio)
    return portfolio


def portfolio_answers(portfolio_id: int) -> dict[int, tuple]:
    """{prompt id: (value, image file name or "", version)} of the portfolio's answers."""
    return {prompt_id: (value, image or "", version) for _pk, prompt_id, value, image, version in _portfolio_answers.values([portfolio_id])}


def portfolio_submissions(portfolio_id: int) -> dict[int, datetime]:
    """{worksheet id: submitted_at} of the portfolio's submitted worksheets."""
    return {worksheet_id: submitted_at for _pk, worksheet_id, submitted_at in _portfolio_submissions.values([portfolio_id])}
