import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.markdown import render_markdown
from courses.models import Course, Enrollment, Lesson


def answer_image_path(instance, filename: str) -> str:
    """`answers/<random>.<ext>`, the extension of the re-encoded file (jpg, webp or png)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "png"
    return f"answers/{uuid.uuid4().hex}.{ext if ext in ('jpg', 'webp', 'png') else 'png'}"


def attachment_path(instance, filename: str) -> str:
    """`portfolios/files/<random>.<ext>`: private (core.media), served only by the access-checked views."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "pdf"
    return f"{instance._meta.app_label}/files/{uuid.uuid4().hex}.{ext}"


def pdf_path(instance, filename: str) -> str:
    """`<app>/pdf/<random>.pdf`: under core.media's private prefixes, so only the checked views serve it."""
    return f"{instance._meta.app_label}/pdf/{uuid.uuid4().hex}.pdf"


def display_text(value) -> str:
    """A stored answer value (JSON: text, number, list of text or null) as plain text, the same everywhere."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


class WorksheetQuerySet(models.QuerySet):
    def with_prompts(self):
        """In course order, with the lesson and its session, and the prompts in order."""
        prompts = models.Prefetch("prompts", queryset=Prompt.objects.order_by("order", "pk"))
        return self.select_related("lesson__session").prefetch_related(prompts)


class Worksheet(models.Model):
    """A set of prompts attached to one lesson (kind worksheet or checklist)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="worksheets")
    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="worksheet")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    step = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Strategy Step number, if any.")
    intro = models.TextField(blank=True, help_text="Markdown.")
    # --- #16.10: where the portfolio's summary and critical evaluation are written ---
    asks_portfolio_texts = models.BooleanField(
        default=False,
        help_text="Show the portfolio's summary and critical evaluation on this worksheet (the one place learners write them).",
    )

    objects = WorksheetQuerySet.as_manager()

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
    # The rules a prompt's wording states ("choose no more than three", "how many followers"), enforced
    # by portfolios.forms.answer_field on every save.
    max_choices = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Multiple choice: the most options a learner may tick (blank: any number)."
    )
    whole_number = models.BooleanField(default=False, help_text="Number: only whole numbers (a count of people or posts).")
    # --- #16.9: the parts of a worksheet, and a stable name for adding prompts to existing courses ---
    section = models.CharField(
        max_length=120, blank=True, help_text="A heading shown above this prompt when it differs from the previous prompt's."
    )
    key = models.SlugField(
        max_length=80, blank=True,
        help_text="A stable name within its worksheet, used by `manage.py add_worksheet_prompts` to add new prompts once.",
    )

    class Meta:
        ordering = ["worksheet", "order", "pk"]

    def __str__(self) -> str:
        return self.label



class WithPdf(models.Model):
    """A PDF rendered in the background: the portfolio's, and a gallery entry's (gallery.Entry).

    The database holds the job. Requesting one is a conditional update (`claim_pdf_job`), so
    two clicks, two tabs or a second publish queue one render; the worker takes the job with
    another (`start_pdf_render`) and records its file only while the job is still its own. A
    job that is not finished PDF_DEADLINE after it was queued or started (a worker died) may be
    claimed again. `pdf_hash` is the hash of what the file shows (portfolios.services.pdf_content_hash).
    portfolios.services.request_pdf and render_pdf drive it for both models.
    """

    class PdfStatus(models.TextChoices):
        NONE = "none", "Not rendered"
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    # The render tasks' hard limit; a job not done this long after it was queued or started (plus a
    # margin to be picked up) is dead, and may be claimed again: by the learner's "try again", or by
    # the job itself when Redis hands it out again after a worker died (visibility timeout > deadline).
    RENDER_TIME_LIMIT = 120
    PDF_DEADLINE = timedelta(seconds=RENDER_TIME_LIMIT + 30)
    PDF_EXPIRED_MESSAGE = "Making your PDF took longer than it should have, so it was stopped. Please try again."
    PDF_FIELDS = ["pdf", "pdf_hash", "pdf_status", "pdf_rendered_at", "pdf_requested_at", "pdf_error"]

    pdf = models.FileField(upload_to=pdf_path, blank=True)
    pdf_hash = models.CharField(max_length=64, blank=True)
    pdf_status = models.CharField(max_length=20, choices=PdfStatus.choices, default=PdfStatus.NONE)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    # When the current job was queued, or once rendering, started: its deadline runs from here.
    pdf_requested_at = models.DateTimeField(null=True, blank=True)
    pdf_error = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def pdf_job_status(self) -> str:
        """pdf_status as the pages show it: a job past its deadline has failed (it may be requested again)."""
        busy = self.pdf_status in (self.PdfStatus.QUEUED, self.PdfStatus.RENDERING)
        if busy and (self.pdf_requested_at is None or self.pdf_requested_at <= timezone.now() - self.PDF_DEADLINE):
            return self.PdfStatus.FAILED
        return self.pdf_status

    @property
    def pdf_problem(self) -> str:
        """What went wrong with the last job, for the page ("" unless it failed or expired)."""
        if self.pdf_job_status != self.PdfStatus.FAILED:
            return ""
        return self.pdf_error or self.PDF_EXPIRED_MESSAGE

    def pdf_shows(self, content_hash: str) -> bool:
        """Whether the stored file shows the content with this hash, whatever the job's status."""
        return bool(self.pdf) and self.pdf_hash == content_hash and self.pdf.storage.exists(self.pdf.name)

    def claim_pdf_job(self) -> bool:
        """Queue a job unless one is queued or rendering within its deadline; True if this call queued it."""
        return self._take_pdf_job(self.PdfStatus.QUEUED, held=[self.PdfStatus.QUEUED, self.PdfStatus.RENDERING]) is not None

    def start_pdf_render(self) -> datetime | None:
        """The worker's claim: rendering, unless another worker renders within its deadline.

        Returns the claim's time, which `store_pdf` and `fail_pdf` check, or None."""
        return self._take_pdf_job(self.PdfStatus.RENDERING, held=[self.PdfStatus.RENDERING])

    def store_pdf(self, name: str, content_hash: str, started_at: datetime) -> bool:
        """Record the rendered file, if the job started at `started_at` is still this worker's (one UPDATE)."""
        return bool(
            self._pdf_job(started_at).update(
                pdf=name, pdf_hash=content_hash, pdf_status=self.PdfStatus.READY, pdf_rendered_at=timezone.now(), pdf_error=""
            )
        )

    def fail_pdf(self, started_at: datetime, message: str) -> None:
        self._pdf_job(started_at).update(pdf_status=self.PdfStatus.FAILED, pdf_error=message)

    def keep_pdf(self) -> None:
        """The stored file already shows the content: mark it ready again (a request or a failure came in between)."""
        self._pdf_rows().filter(pdf_status__in=[self.PdfStatus.QUEUED, self.PdfStatus.FAILED]).update(pdf_status=self.PdfStatus.READY)

    def _pdf_rows(self):
        return type(self)._default_manager.filter(pk=self.pk)

    def _pdf_job(self, started_at: datetime):
        return self._pdf_rows().filter(pdf_status=self.PdfStatus.RENDERING, pdf_requested_at=started_at)

    def _take_pdf_job(self, status: str, *, held: list) -> datetime | None:
        now = timezone.now()
        busy = models.Q(pdf_status__in=held, pdf_requested_at__gt=now - self.PDF_DEADLINE)
        taken = self._pdf_rows().exclude(busy).update(pdf_status=status, pdf_requested_at=now, pdf_error="")
        self.refresh_from_db(fields=self.PDF_FIELDS)
        return now if taken else None


class PortfolioQuerySet(models.QuerySet):
    def with_submission(self, worksheet: Worksheet):
        """The worksheet page's read: `submitted_at` of that worksheet (None until submitted), long texts deferred."""
        submitted = WorksheetSubmission.objects.filter(portfolio=models.OuterRef("pk"), worksheet=worksheet)
        rows = self if worksheet.asks_portfolio_texts else self.defer("summary", "critical_evaluation")
        return rows.annotate(
            submitted_at=models.Subquery(submitted.values("submitted_at")[:1]),
            is_reviewed=models.Exists(Review.objects.filter(portfolio=models.OuterRef("pk"), worksheet=worksheet)),
        )

    def with_entry(self):
        """The portfolio page's read: with the learner's gallery entry (`portfolio.entry`, the reverse
        one-to-one gallery.Entry declares) in the same query, without the entry's texts and snapshot,
        and whether an instructor reviewed any of it (`has_reviews`: only then are the reviews read)."""
        return self.select_related("entry").defer("entry__summary", "entry__critical_evaluation", "entry__snapshot").annotate(
            has_reviews=models.Exists(Review.objects.filter(portfolio=models.OuterRef("pk")))
        )


# The portfolio's two texts are published with it (gallery.forms.PublishForm checks): shorter than this,
# peers have too little to go on.
SUMMARY_MIN_TO_PUBLISH = 150
EVALUATION_MIN_TO_PUBLISH = 300


class Portfolio(WithPdf):
    """One learner's portfolio in one course: their answers plus summary and evaluation."""

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="portfolio")
    summary = models.TextField(blank=True, max_length=10000)
    summary_version = models.PositiveIntegerField(default=0)
    critical_evaluation = models.TextField(blank=True, max_length=20000)
    critical_evaluation_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # --- #16.9: the learner's own portfolio file (a PDF or slide deck), checked by portfolios.files ---
    attachment = models.FileField(upload_to=attachment_path, blank=True)
    attachment_name = models.CharField(max_length=200, blank=True, help_text="The file's name as the learner uploaded it.")

    objects = PortfolioQuerySet.as_manager()

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

    def answers_to(self, worksheet: Worksheet) -> dict[int, "Answer"]:
        """{prompt id: Answer} of this portfolio's answers to the worksheet's prompts."""
        return {answer.prompt_id: answer for answer in self.answers.filter(prompt__worksheet=worksheet)}


ANSWER_IMAGE_SIDE = 1600  # the longest side an answer image is kept at
ANSWER_IMAGE_SMALL = 640  # the width of its smaller copy, for srcset


class Answer(models.Model):
    """A learner's answer to one prompt. `version` increases on every save (optimistic locking)."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="answers")
    prompt = models.ForeignKey(Prompt, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    image = models.ImageField(upload_to=answer_image_path, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    # --- #16.11: the image's description (its alt text), its size and a smaller copy for srcset ---
    image_alt = models.CharField(max_length=250, blank=True)
    image_small = models.ImageField(upload_to=answer_image_path, blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True)
    image_height = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["portfolio", "prompt"], name="unique_answer_per_prompt")]

    def __str__(self) -> str:
        return f"{self.portfolio} — {self.prompt}"


class WorksheetSubmissionQuerySet(models.QuerySet):
    def with_review(self):
        """Each submission with `reviewed_at` and `review_state` of its worksheet's review (None before one)."""
        review = Review.objects.filter(portfolio=models.OuterRef("portfolio_id"), worksheet=models.OuterRef("worksheet_id"))
        return self.annotate(
            reviewed_at=models.Subquery(review.values("reviewed_at")[:1]),
            review_state=models.Subquery(review.values("state")[:1]),
        )

    def awaiting_review(self):
        """Handed in and not reviewed since: never reviewed, or handed in again after the review."""
        return self.with_review().filter(models.Q(reviewed_at__isnull=True) | models.Q(reviewed_at__lt=models.F("submitted_at")))

    def for_course(self, course):
        return self.filter(worksheet__course=course)


class WorksheetSubmission(models.Model):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="submissions")
    worksheet = models.ForeignKey(Worksheet, on_delete=models.CASCADE, related_name="submissions")
    submitted_at = models.DateTimeField(default=timezone.now)

    objects = WorksheetSubmissionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["portfolio", "worksheet"], name="unique_worksheet_submission")
        ]

    def __str__(self) -> str:
        return f"{self.portfolio} submitted {self.worksheet}"


class Review(models.Model):
    """An instructor's feedback on one submitted worksheet, or on the whole portfolio (no worksheet).

    Private between the course's staff and the learner: a comment per question, one overall, and a
    state. One review per worksheet (or portfolio), overwritten when the instructor reviews again;
    a worksheet handed in again after its review waits in the queue again (WorksheetSubmission
    .awaiting_review). portfolios.services.review_worksheet and review_portfolio write it.
    """

    class State(models.TextChoices):
        REVIEWED = "reviewed", "Reviewed"
        REVISE = "revise", "Please revise"

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="reviews")
    worksheet = models.ForeignKey(Worksheet, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=20, choices=State.choices)
    comment = models.TextField("overall comment", blank=True, max_length=10000)
    # {prompt id (as text): comment}; only the questions the reviewer wrote about.
    prompt_comments = models.JSONField(default=dict, blank=True)
    reviewed_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reviewed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["portfolio", "worksheet"], condition=models.Q(worksheet__isnull=False), name="unique_worksheet_review"
            ),
            models.UniqueConstraint(fields=["portfolio"], condition=models.Q(worksheet__isnull=True), name="unique_portfolio_review"),
        ]

    def __str__(self) -> str:
        what = self.worksheet.title if self.worksheet_id else "portfolio"
        return f"{self.get_state_display()}: {what} of {self.portfolio_id}"

    @property
    def asks_for_revision(self) -> bool:
        return self.state == self.State.REVISE

    def comment_on(self, prompt_id: int) -> str:
        return self.prompt_comments.get(str(prompt_id), "")

    @property
    def comment_html(self) -> str:
        """The overall comment as the site renders Markdown (instructors write it like the rest of the course)."""
        return render_markdown(self.comment)
