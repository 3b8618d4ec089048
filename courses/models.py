import re
import uuid
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django_countries.fields import CountryField

from core.files import validate_pdf
from core.images import open_image
from core.markdown import render_markdown
from courses import art as course_art
from courses.captions import read_cues, transcript_paragraphs
from courses.files import validate_video


@deconstructible
class RandomName:
    """upload_to that keeps only the extension: uploaded file names are never trusted."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def __call__(self, instance, filename: str) -> str:
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
        return f"{self.prefix}/{uuid.uuid4().hex}.{ext[:8]}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix


class Art(NamedTuple):
    """An image as the pages print it: where it is, its size (for width/height) and its alt text."""

    url: str
    width: int
    height: int
    alt: str


# Uploaded covers and session images are cropped to this size, so pages know it without opening
# the file; the project's own SVGs are drawn at ART_SIZE.
WIDE_IMAGE_SIZE = (1600, 900)
STAFF_PHOTO_SIZE = (480, 480)
ART_SIZE = (1600, 900)
COVER_ART_SIZE = (2000, 600)
# White initials on each of these pass WCAG AA (the artwork's plum, teal, clay and sage, darkened).
PORTRAIT_COLOURS = ("#2b2233", "#2f6f73", "#a63f24", "#4f6b4b")

course_image_path = RandomName("courses")
lesson_video_path = RandomName("lessons/video")
lesson_document_path = RandomName("lessons/documents")
lesson_caption_path = RandomName("lessons/captions")
lesson_poster_path = RandomName("lessons/posters")
staff_photo_path = RandomName("staff")


# --- Course -----------------------------------------------------------------------------


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def taught_by(self, user):
        """The courses the user works on: every course for a superuser, else those naming them as an instructor."""
        if user.is_superuser:
            return self.order_by("title")
        return self.filter(staff__user=user, staff__role="instructor").distinct().order_by("title")

    def previewable_by(self, user):
        """The courses, published or not, whose learner pages the user may preview: a superuser's every
        course, a staff account's the ones it teaches (taught_by), nobody else's."""
        if not user.is_authenticated or not user.is_staff:
            return self.none()
        return self.taught_by(user)


class Course(models.Model):
    class SkillLevel(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    class Reenrollment(models.TextChoices):
        NEW_OFFERING = "new_offering", "By joining another offering, which starts their access again"
        ANY_TIME = "any_time", "At any time, for a fresh period of access"
        NEVER = "never", "Never: one period of access per learner"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    subtitle = models.CharField(max_length=300, blank=True)
    provider = models.CharField(max_length=120, blank=True)
    description = models.TextField(help_text="Markdown.")
    skill_level = models.CharField(max_length=20, choices=SkillLevel.choices, default=SkillLevel.BEGINNER)
    topics = models.TextField(blank=True, help_text="One topic per line.")
    hours_per_session = models.PositiveSmallIntegerField(default=4)
    prerequisites = models.TextField("what you need", blank=True, help_text="Markdown.")
    community_rules = models.TextField(blank=True, help_text="Markdown. Learners accept these before posting.")
    additional_info = models.TextField("additional information", blank=True, help_text="Markdown.")
    hero_image = models.ImageField(
        "cover image", upload_to=course_image_path, blank=True,
        help_text="A JPEG, PNG or WebP photo or illustration; it is cropped to 16:9 (1600×900). "
        "Without one, the course shows its own illustration.",
    )
    hero_image_alt = models.CharField(
        "cover image description", max_length=250, blank=True,
        help_text="What the cover shows, for people who cannot see it (needed with a cover image).",
    )
    unavailable_countries = CountryField(multiple=True, blank=True)
    target_weeks = models.PositiveSmallIntegerField(
        default=6, help_text="Recommended pace: finish within this many weeks of starting."
    )
    access_days = models.PositiveSmallIntegerField(
        default=120, help_text="How long a self-paced learner keeps access after starting."
    )
    reenrollment = models.CharField(
        "enrolling again after access ends",
        max_length=20,
        choices=Reenrollment.choices,
        default=Reenrollment.NEW_OFFERING,
        help_text="How a learner whose access has ended may enroll again; the course page states it. "
        "Leaving the course and enrolling again never extends access by itself.",
    )
    is_published = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", args=[self.slug])

    def clean(self):
        if self.hero_image and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": "Describe the cover image in a few words for people who cannot see it."})

    @cached_property
    def cover_art(self) -> "Art":
        """The course's cover: the instructor's upload, else the project's own illustration."""
        if self.hero_image:
            return Art(self.hero_image.url, *WIDE_IMAGE_SIZE, self.hero_image_alt)
        _, alt = course_art.cover_picture()
        return Art(static(course_art.COVER_ART_NAME), *COVER_ART_SIZE, alt)

    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.replace(";", "\n").splitlines() if t.strip()]

    def is_available_in(self, country_code: str) -> bool:
        return not country_code or country_code not in {c.code for c in self.unavailable_countries}

    def unavailable_country_names(self) -> list[str]:
        return [c.name for c in self.unavailable_countries]

    def reenrollment_rule(self) -> str:
        """The re-enrollment rule in a sentence, for the course page."""
        if self.reenrollment == self.Reenrollment.ANY_TIME:
            return f"When your access ends you can enroll again at any time, for another {self.access_days} days."
        if self.reenrollment == self.Reenrollment.NEVER:
            return "Access is given once: when it ends your work stays readable, but you cannot enroll again."
        return f"When your access ends you can enroll again by joining another offering; your {self.access_days} days start again with it."

    def sessions_with_lessons(self) -> list:
        """Sessions in order with their lessons (and a lesson's worksheet) prefetched: two queries
        whatever the size. Django sets each session's course and each lesson's session on the
        way, and each worksheet gets this same course object, so their URLs need no query and a
        pickled copy holds one course, not one per worksheet."""
        # The document's page text is read by its own view, not by every page that reads this list.
        lessons = (
            Lesson.objects.select_related("worksheet")
            .defer("document_text")
            .annotate(has_document_page=models.ExpressionWrapper(~models.Q(document_text=""), output_field=models.BooleanField()))
            .order_by("order", "pk")
        )
        sessions = list(self.sessions.prefetch_related(Prefetch("lessons", queryset=lessons)))
        for session in sessions:
            for lesson in session.lessons.all():
                # hasattr is False when the lesson has no worksheet (select_related cached that).
                if hasattr(lesson, "worksheet") and lesson.worksheet.course_id == self.pk:
                    lesson.worksheet.course = self
        return sessions

    @property
    def target_duration(self) -> timedelta:
        return timedelta(weeks=self.target_weeks)

    @property
    def access_duration(self) -> timedelta:
        return timedelta(days=self.access_days)

    def is_taught_by(self, user) -> bool:
        """Whether the user is one of this course's instructors: a StaffMember of the course linked to their account."""
        return self.staff.filter(user_id=user.pk, role=StaffMember.Role.INSTRUCTOR).exists()

    def description_html(self) -> str:
        return render_markdown(self.description)

    def prerequisites_html(self) -> str:
        return render_markdown(self.prerequisites)

    def community_rules_html(self) -> str:
        return render_markdown(self.community_rules)

    def additional_info_html(self) -> str:
        return render_markdown(self.additional_info)


class LearningOutcome(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="outcomes")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class StaffMember(models.Model):
    class Role(models.TextChoices):
        INSTRUCTOR = "instructor", "Instructor"
        GUEST = "guest", "Guest"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="staff")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.INSTRUCTOR)
    bio = models.TextField(blank=True)
    photo = models.ImageField(
        upload_to=staff_photo_path, blank=True,
        help_text="A JPEG, PNG or WebP portrait, cropped square (480×480). Without one, the page shows their initials.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff_roles"
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "instructor or guest"
        verbose_name_plural = "instructors and guests"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def initials(self) -> str:
        """Up to two initials for the illustrated portrait shown when there is no photo."""
        words = [word for word in self.name.replace("-", " ").split() if word[:1].isalpha()]
        if not words:
            return "?"
        picked = words[:1] + words[1:][-1:]
        return "".join(word[0].upper() for word in picked)

    @property
    def portrait_colour(self) -> str:
        """The disc behind the initials: one of the artwork's deep colours, the same for a person each time."""
        return PORTRAIT_COLOURS[(self.pk or 0) % len(PORTRAIT_COLOURS)]

    @property
    def art(self) -> "Art | None":
        if not self.photo:
            return None
        return Art(self.photo.url, *STAFF_PHOTO_SIZE, f"Portrait of {self.name}")


# --- Offering ---------------------------------------------------------------------------


class OfferingQuerySet(models.QuerySet):
    def open_now(self, now: datetime | None = None):
        now = now or timezone.now()
        return self.filter(
            models.Q(enrollment_opens_at__isnull=True) | models.Q(enrollment_opens_at__lte=now),
            models.Q(enrollment_closes_at__isnull=True) | models.Q(enrollment_closes_at__gt=now),
            is_active=True,
        )

    def upcoming(self, today: date | None = None):
        """Scheduled offerings that have not started yet: the 'future offerings' to pick from."""
        today = today or timezone.localdate()
        return self.open_now().filter(mode=Offering.Mode.SCHEDULED, starts_on__gt=today).order_by("starts_on")


class Offering(models.Model):
    """A run of a course: self-paced (adaptive) or with dated session releases (scheduled)."""

    class Mode(models.TextChoices):
        ADAPTIVE = "adaptive", "Self-paced (start at once)"
        SCHEDULED = "scheduled", "Scheduled (sessions release weekly)"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="offerings")
    title = models.CharField(max_length=120)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.ADAPTIVE)
    starts_on = models.DateField(null=True, blank=True, help_text="Scheduled offerings: the day session 1 opens.")
    enrollment_opens_at = models.DateTimeField(null=True, blank=True)
    enrollment_closes_at = models.DateTimeField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        ordering = ["course", "starts_on", "pk"]

    def __str__(self) -> str:
        return f"{self.course} — {self.title}"

    def clean(self):
        errors = {}
        if self.mode == self.Mode.SCHEDULED and not self.starts_on:
            errors["starts_on"] = "A scheduled offering needs the date its first session opens."
        if self.enrollment_opens_at and self.enrollment_closes_at and self.enrollment_closes_at <= self.enrollment_opens_at:
            # Such an offering is never open, so it would silently never show on the course page.
            errors["enrollment_closes_at"] = "Enrollment has to close after it opens."
        if self.capacity == 0:
            errors["capacity"] = "A capacity of 0 lets nobody in: give the number of places, or leave it empty for no limit."
        if errors:
            raise ValidationError(errors)

    @property
    def is_adaptive(self) -> bool:
        return self.mode == self.Mode.ADAPTIVE

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        if not self.is_active:
            return False
        if self.enrollment_opens_at and now < self.enrollment_opens_at:
            return False
        if self.enrollment_closes_at and now >= self.enrollment_closes_at:
            return False
        return True

    def is_full(self) -> bool:
        return self.capacity is not None and self.enrollments.active().count() >= self.capacity

    def session_release_date(self, session: "Session") -> date | None:
        """Scheduled offerings release session N on starts_on + its offset; adaptive: all open."""
        if self.is_adaptive or not self.starts_on:
            return None
        return self.starts_on + timedelta(days=session.release_offset_days)

    def locked_until(self, session: "Session", today: date | None = None) -> date | None:
        """The day a session of this offering opens, while it is still closed; None once it is open.
        Every page of a session's content asks this: its lessons, their files and its worksheets."""
        release_on = self.session_release_date(session)
        if release_on is not None and release_on > (today or timezone.localdate()):
            return release_on
        return None

    def has_started(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_adaptive or (self.starts_on is not None and self.starts_on <= today)


# --- Session and Lesson -----------------------------------------------------------------


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="Markdown.")
    image = models.ImageField(
        upload_to=course_image_path, blank=True,
        help_text="A JPEG, PNG or WebP image, cropped to 16:9 (1600×900). Without one, the session shows "
        "the course's own illustration for its number.",
    )
    image_alt = models.CharField(
        "image description", max_length=250, blank=True,
        help_text="What the image shows, for people who cannot see it (needed with an image).",
    )
    estimated_hours = models.PositiveSmallIntegerField(default=4)
    release_offset_days = models.PositiveSmallIntegerField(
        default=0, help_text="Scheduled offerings: days after the offering starts when this session opens."
    )

    class Meta:
        ordering = ["course", "number"]
        constraints = [models.UniqueConstraint(fields=["course", "number"], name="unique_session_number")]

    def __str__(self) -> str:
        return f"Session {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("learn:session", args=[self.course.slug, self.number])

    @cached_property
    def url(self) -> str:
        """get_absolute_url, computed once: courses.caching computes it before it stores the
        sessions, so the pages print a cached copy's URL without a reverse()."""
        return self.get_absolute_url()

    def summary_html(self) -> str:
        return render_markdown(self.summary)

    def clean(self):
        if self.image and not self.image_alt.strip():
            raise ValidationError({"image_alt": "Describe the image in a few words for people who cannot see it."})

    @cached_property
    def art(self) -> "Art":
        """The session's picture: the instructor's upload, else the course's own illustration."""
        if self.image:
            return Art(self.image.url, *WIDE_IMAGE_SIZE, self.image_alt)
        _, alt = course_art.session_picture(self.number)
        return Art(static(course_art.session_art_name(self.number)), *ART_SIZE, alt)


class Lesson(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        VIDEO = "video", "Video"
        DOCUMENT = "document", "Document (PDF)"
        WORKSHEET = "worksheet", "Worksheet"
        CHECKLIST = "checklist", "Checklist"

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(default=0)
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEXT)
    body = models.TextField(blank=True, help_text="Markdown. Shown on the lesson page for every kind.")
    video_url = models.URLField(blank=True, help_text="A YouTube or Vimeo address; shown through its privacy-enhanced player.")
    video_file = models.FileField(
        upload_to=lesson_video_path,
        blank=True,
        validators=[FileExtensionValidator(["mp4", "webm", "ogv", "m4v"])],
        help_text="Or upload an MP4 (H.264/AAC) or WebM file; add its captions below.",
    )
    video_poster = models.ImageField(
        upload_to=lesson_poster_path, blank=True, help_text="Optional: the still shown before the uploaded video plays."
    )
    transcript = models.TextField(
        blank=True,
        help_text="Markdown. Optional: when empty, the transcript is built from the captions, and each of its "
        "lines takes the learner to that moment of the video.",
    )
    document = models.FileField(
        upload_to=lesson_document_path,
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
        help_text="A PDF shown inline with a download link.",
    )
    document_text = models.TextField(
        "document as a page",
        blank=True,
        help_text="Markdown. Optional: the PDF's text, offered as a web page for reading on screen, "
        "on a phone or with a screen reader.",
    )
    estimated_minutes = models.PositiveSmallIntegerField(default=30)
    is_required = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session__number", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "slug"], name="unique_lesson_slug_per_session")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learn:lesson", args=[self.session.course.slug, self.session.number, self.slug])

    @cached_property
    def url(self) -> str:
        """get_absolute_url, computed once (as Session.url)."""
        return self.get_absolute_url()

    def clean(self):
        # On the slug field, in words (the constraint alone says "Lesson with this Session and Slug
        # already exists." above the form); constraints on a field with an error are then not checked again.
        if self.session_id and self.slug and Lesson.objects.filter(session_id=self.session_id, slug=self.slug).exclude(pk=self.pk).exists():
            raise ValidationError({"slug": "Another lesson of this session has this slug, which is part of its address: choose another."})
        if self.document:
            validate_pdf(self.document)
        # A new upload is checked; a stored file was checked when it arrived.
        if self.video_file and not self.video_file._committed:
            validate_video(self.video_file)
        if self.video_poster and not self.video_poster._committed:
            open_image(self.video_poster)

    def missing_content(self) -> str:
        """What a learner would miss on this lesson's page, in words for its author; "" when nothing."""
        if self.kind == self.Kind.VIDEO and not self.has_player:
            return "This video lesson has no video yet: learners see a note saying so. Add a YouTube or Vimeo address or upload a file."
        if self.kind == self.Kind.DOCUMENT and not self.document:
            return "This document lesson has no PDF yet: learners see a note saying so. Upload it under “Document”."
        if self.kind == self.Kind.TEXT and not self.body.strip():
            return "This text lesson has no text yet: learners see an empty page. Write it in “Body”."
        return ""

    def body_html(self) -> str:
        return render_markdown(self.body)

    def transcript_html(self) -> str:
        return render_markdown(self.transcript)

    def document_text_html(self) -> str:
        return render_markdown(self.document_text)

    @property
    def has_player(self) -> bool:
        """A video lesson with something to play: an uploaded file or a recognised embed."""
        return self.kind == self.Kind.VIDEO and bool(self.video_file or self.video_embed_url())

    @property
    def has_worksheet(self) -> bool:
        """Whether a worksheet (portfolios.Worksheet, one to one) belongs to this lesson: such a lesson is
        complete when its worksheet is submitted, never by the learner's "Mark as complete"."""
        return hasattr(self, "worksheet")

    @property
    def is_worksheet(self) -> bool:
        return self.kind in (self.Kind.WORKSHEET, self.Kind.CHECKLIST)

    def video_embed_url(self) -> str:
        """The privacy-enhanced player address for a YouTube or Vimeo link, or "" if unrecognised."""
        if not self.video_url:
            return ""
        match = YOUTUBE_ID.search(self.video_url)
        if match:
            return f"https://www.youtube-nocookie.com/embed/{match.group(1)}"
        match = VIMEO_ID.search(self.video_url)
        if match:
            return f"https://player.vimeo.com/video/{match.group(1)}?dnt=1"
        return ""


class LessonCaption(models.Model):
    """One language of a video lesson's captions (a WebVTT file), shown through a <track>.

    The cues are read once, when the file is saved, and kept here: the lesson page builds the
    transcript from them without opening the file.
    """

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="captions")
    order = models.PositiveSmallIntegerField(default=0, help_text="The first is the transcript shown first.")
    language = models.CharField(
        max_length=20,
        validators=[RegexValidator(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", "Use a language tag such as en, fr or pt-BR.")],
        help_text="A language tag, e.g. en, fr or pt-BR.",
    )
    label = models.CharField(max_length=60, help_text="What the captions menu shows, e.g. English.")
    file = models.FileField(
        "WebVTT file",
        upload_to=lesson_caption_path,
        validators=[FileExtensionValidator(["vtt"], "Captions must be a WebVTT file ending in .vtt.")],
    )
    cues = models.JSONField(default=list, editable=False)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["lesson", "language"], name="unique_caption_language")]

    def __str__(self) -> str:
        return f"{self.label} captions for {self.lesson}"

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed and not self.cues:
            self.cues = read_cues(self.file)
        super().save(*args, **kwargs)

    def clean(self):
        if self.file and not self.file._committed:
            self.cues = read_cues(self.file)

    def transcript(self) -> list[list[dict]]:
        return transcript_paragraphs(self.cues)


# youtube.com/watch?v=ID, youtu.be/ID, youtube.com/embed/ID, /shorts/ID, /live/ID, m.youtube.com, -nocookie.
YOUTUBE_ID = re.compile(
    r"(?:youtube(?:-nocookie)?\.com/(?:watch\?(?:[^#]*&)?v=|embed/|shorts/|live/|v/)|youtu\.be/)([A-Za-z0-9_-]{11})"
)
# vimeo.com/ID, vimeo.com/channels/x/ID, vimeo.com/groups/x/videos/ID, player.vimeo.com/video/ID.
VIMEO_ID = re.compile(r"vimeo\.com/(?:video/|channels/[\w-]+/|groups/[\w-]+/videos/|showcase/\d+/video/)?(\d+)")


# --- Enrollment -------------------------------------------------------------------------


# Re-reading the same lesson within this window does not write the enrollment again: Resume
# already points there, and last activity is kept to the minute.
ACTIVITY_RESOLUTION = timedelta(minutes=1)


class EnrollmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Enrollment.Status.ACTIVE)

    def current(self):
        """Enrollments whose learner still has the course (active, or completed and in access)."""
        return self.filter(status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED])

    def for_user(self, user):
        return self.filter(user=user)

    def with_course(self):
        """Course and offering in the same query: every learner page shows both."""
        return self.select_related("course", "offering")

    def for_learner(self, user, course_slug: str):
        """The learner's enrollment in the published course, unless withdrawn (one row at most)."""
        return (
            self.with_course()
            .filter(user=user, course__slug=course_slug, course__is_published=True)
            .exclude(status=Enrollment.Status.WITHDRAWN)
        )

    def most_recent_first(self):
        return self.order_by("-last_activity_at", "-enrolled_at")

    def with_stale_progress(self):
        """Enrollments whose stored figures disagree with their completions: a recompute job that
        was lost (a killed worker, a broker that refused it) or a required lesson added or removed
        since. Every status: expired and withdrawn learners still see their figures (read-only),
        and recompute_enrollment_progress keeps their status. Two counts per row, each read from an
        index, so the reconciler stays cheap."""
        required = Lesson.objects.filter(session__course=models.OuterRef("course_id"), is_required=True)
        done = LessonCompletion.objects.filter(enrollment=models.OuterRef("pk"), lesson__is_required=True)
        def number(rows, by):
            return Coalesce(models.Subquery(rows.order_by().values(by).annotate(n=models.Count("pk")).values("n")[:1]), 0)

        return (
            self.annotate(required_now=number(required, "session__course"), done_now=number(done, "enrollment"))
            .exclude(total_lessons=models.F("required_now"), completed_lessons=models.F("done_now"))
        )

    def due_to_expire(self, now: datetime | None = None):
        """Active enrollments whose access has ended."""
        return self.filter(status=Enrollment.Status.ACTIVE, access_expires_at__lte=now or timezone.now())


class Enrollment(models.Model):
    """A learner's place in a course through one offering.

    One row per learner and course: enrolling again is harmless, and picking another
    offering (a future run after enrollment closed) updates this row, so the learner's
    completions, portfolio and badges stay in one place.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        EXPIRED = "expired", "Access ended"
        WITHDRAWN = "withdrawn", "Withdrawn"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    recommended_finish_at = models.DateTimeField(null=True, blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0)
    completed_lessons = models.PositiveSmallIntegerField(default=0)
    total_lessons = models.PositiveSmallIntegerField(default=0)
    last_lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_activity_at = models.DateTimeField(null=True, blank=True)
    last_reminder_at = models.DateTimeField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    # True on the unsaved stand-in that a course's staff preview the learner pages with (preview()).
    is_preview = False

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="unique_enrollment_per_course")]
        indexes = [models.Index(fields=["status", "access_expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"

    # Set by recompute_enrollment_progress on the run that moves a finished course back to active.
    reopened_by: list = []

    def new_since_finished(self, done_ids) -> list:
        """Required lessons added (or made required) after the learner finished, still to do: those
        changed since completed_at and not in done_ids. A lesson the learner un-ticked was not changed
        since, so it is not "new"."""
        if self.completed_at is None:
            return []
        lessons = Lesson.objects.filter(session__course_id=self.course_id, is_required=True, updated_at__gt=self.completed_at)
        return [lesson for lesson in lessons.select_related("session__course") if lesson.pk not in done_ids]

    @classmethod
    def preview(cls, user, course: Course) -> "Enrollment":
        """An enrollment that is never saved, for the course's staff to see its pages as a new learner
        would: self-paced, started now, nothing done. Its methods read and record nothing."""
        now = timezone.now()
        offering = Offering(course=course, title="Preview", mode=Offering.Mode.ADAPTIVE)
        enrollment = cls(user=user, course=course, offering=offering, enrolled_at=now, started_at=now)
        enrollment.is_preview = True
        return enrollment

    def has_access_ended(self, now: datetime | None = None) -> bool:
        """Access ran out (the expiry task may not have marked it yet); withdrawing does not end it."""
        return self.status == self.Status.EXPIRED or (
            self.access_expires_at is not None and self.access_expires_at <= (now or timezone.now())
        )

    @property
    def is_read_only(self) -> bool:
        """After access ends (or after withdrawing) the course can be read, not changed."""
        return self.status in (self.Status.EXPIRED, self.Status.WITHDRAWN) or (
            self.access_expires_at is not None and self.access_expires_at <= timezone.now()
        )

    def record_completion(self, lesson: Lesson) -> bool:
        """Record a completion (idempotent); True when this call created it.

        The unique constraint decides between two simultaneous requests: one inserts, the
        other gets IntegrityError and changes nothing. Progress is recomputed by the caller
        (courses.services.complete_lesson queues it).
        """
        self._check_lesson(lesson)
        try:
            with transaction.atomic():
                LessonCompletion.objects.create(enrollment=self, lesson=lesson)
        except IntegrityError:
            return False
        self.remember_lesson(lesson)
        return True

    def remove_completion(self, lesson: Lesson) -> bool:
        """Remove a completion (idempotent); True when there was one."""
        self._check_lesson(lesson)
        deleted, _ = LessonCompletion.objects.filter(enrollment=self, lesson=lesson).delete()
        return bool(deleted)

    def _check_lesson(self, lesson: Lesson) -> None:
        if lesson.session.course_id != self.course_id:
            raise ValueError(f"Lesson {lesson.pk} is not part of course {self.course_id}.")

    def completed_lesson_ids(self) -> set[int]:
        if self.is_preview:
            return set()
        return set(self.completions.values_list("lesson_id", flat=True))

    def remember_lesson(self, lesson: Lesson) -> None:
        """Remember the last lesson viewed (for Resume) and the time of activity."""
        self.last_activity_at = timezone.now()
        self.last_lesson = lesson
        self.save(update_fields=["last_activity_at", "last_lesson"])

    def video_position(self, lesson: Lesson) -> "VideoPosition | None":
        if self.is_preview:
            return None
        return VideoPosition.objects.filter(enrollment=self, lesson=lesson).first()

    def save_video_position(self, lesson: Lesson, seconds: float) -> float:
        """Remember where the learner is in the lesson's video (0 once they watched to the end);
        return what was stored. One row per lesson, overwritten: the latest report wins."""
        self._check_lesson(lesson)
        seconds = round(max(0.0, seconds), 1)
        updated = VideoPosition.objects.filter(enrollment=self, lesson=lesson).update(seconds=seconds, updated_at=timezone.now())
        if not updated:
            try:
                with transaction.atomic():
                    VideoPosition.objects.create(enrollment=self, lesson=lesson, seconds=seconds)
            except IntegrityError:  # another tab created it first: this report is as new as theirs
                VideoPosition.objects.filter(enrollment=self, lesson=lesson).update(seconds=seconds, updated_at=timezone.now())
        return seconds

    def view_lesson(self, lesson: Lesson) -> None:
        """A lesson page was shown: remember it, unless this is a reload of the same lesson
        within ACTIVITY_RESOLUTION. A preview remembers nothing."""
        if self.is_preview:
            return
        if (
            self.last_lesson_id != lesson.pk
            or self.last_activity_at is None
            or timezone.now() - self.last_activity_at > ACTIVITY_RESOLUTION
        ):
            self.remember_lesson(lesson)


class VideoPosition(models.Model):
    """Where a learner stopped in a lesson's video. Kept per enrollment, in the database, so the
    player starts there again on the learner's next visit, on this browser or another."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="video_positions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    seconds = models.FloatField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["enrollment", "lesson"], name="unique_video_position")]

    def __str__(self) -> str:
        return f"{self.enrollment} at {self.seconds:.0f} s in {self.lesson}"


class LessonCompletion(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="completions")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="unique_lesson_completion")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} completed {self.lesson}"


class SessionCompletion(models.Model):
    """Written by the progress task when every required lesson of a session is complete."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="session_completions")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "session"], name="unique_session_completion")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} completed {self.session}"


def recompute_enrollment_progress(enrollment_id: int) -> Enrollment | None:
    """Cache progress on the enrollment and record session and course completion.

    Safe to run twice or concurrently:
    1. lock the enrollment row (SELECT ... FOR UPDATE) so concurrent runs take turns, and
       each reads the completions committed before it got the lock — the last run to
       finish always writes the newest figures;
    2. count required lessons and this learner's completions of them, per session;
    3. record each fully completed session (unique constraint + ignore_conflicts) and
       drop those no longer complete;
    4. overwrite percent and counts, and move between active and completed.
    Withdrawn and expired enrollments keep their status; their figures are still refreshed.
    """
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().filter(pk=enrollment_id).first()
        if enrollment is None:
            return None
        required = list(
            Lesson.objects.filter(session__course_id=enrollment.course_id, is_required=True).values_list(
                "pk", "session_id"
            )
        )
        done = set(enrollment.completions.values_list("lesson_id", flat=True))
        per_session: dict[int, list[bool]] = {}
        for lesson_id, session_id in required:
            per_session.setdefault(session_id, []).append(lesson_id in done)
        complete_sessions = [sid for sid, flags in per_session.items() if all(flags)]
        SessionCompletion.objects.bulk_create(
            [SessionCompletion(enrollment=enrollment, session_id=sid) for sid in complete_sessions],
            ignore_conflicts=True,
        )
        SessionCompletion.objects.filter(enrollment=enrollment).exclude(session_id__in=complete_sessions).delete()

        total = len(required)
        completed = sum(1 for lesson_id, _ in required if lesson_id in done)
        enrollment.total_lessons = total
        enrollment.completed_lessons = completed
        enrollment.progress_percent = int(completed * 100 / total) if total else 0
        fields = ["total_lessons", "completed_lessons", "progress_percent"]
        # completed_at is when the course was first completed: a required lesson added later makes
        # the learner active again, and completing that lesson keeps the original date.
        if total and completed == total and enrollment.status == Enrollment.Status.ACTIVE:
            enrollment.status = Enrollment.Status.COMPLETED
            enrollment.completed_at = enrollment.completed_at or timezone.now()
            fields += ["status", "completed_at"]
        elif completed < total and enrollment.status == Enrollment.Status.COMPLETED:
            enrollment.status = Enrollment.Status.ACTIVE
            fields += ["status"]
            # Under the lock, so only the run that reopens the course tells the learner (courses.tasks).
            enrollment.reopened_by = enrollment.new_since_finished(done)
        enrollment.save(update_fields=fields)
    return enrollment


# --- Announcements ----------------------------------------------------------------------


class AnnouncementQuerySet(models.QuerySet):
    def for_enrollment(self, enrollment: Enrollment):
        """What the learner's course pages show: the course's announcements to everyone and those
        to the learner's offering, newest first."""
        return self.filter(course_id=enrollment.course_id).for_offering(enrollment.offering_id)

    def for_offering(self, offering_id: int):
        return self.filter(models.Q(offering__isnull=True) | models.Q(offering_id=offering_id)).order_by("-created_at", "-pk")


class Announcement(models.Model):
    """A message from the course's staff to its learners, or to one offering's: shown on their course
    pages and emailed in the background (courses.announcements)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="announcements")
    offering = models.ForeignKey(
        Offering, null=True, blank=True, on_delete=models.CASCADE, related_name="announcements",
        help_text="Leave empty to reach every learner of the course.",
    )
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["course", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.offering_id and self.course_id and self.offering.course_id != self.course_id:
            raise ValidationError({"offering": "Pick one of this course's offerings, or none to reach every learner."})

    def body_html(self) -> str:
        return render_markdown(self.body)

    def audience(self):
        """The enrollments it reaches: the current ones of the course, or of its offering."""
        enrollments = Enrollment.objects.current().filter(course_id=self.course_id)
        return enrollments.filter(offering_id=self.offering_id) if self.offering_id else enrollments


class AnnouncementDelivery(models.Model):
    """One learner's email of one announcement: the row is the claim that makes sending idempotent."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="unique_announcement_delivery")]

    def __str__(self) -> str:
        return f"{self.announcement} to {self.user_id}"
