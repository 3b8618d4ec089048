import re
import uuid
from datetime import date, datetime, timedelta
from functools import cached_property

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django_countries.fields import CountryField

from core.markdown import render_markdown
from core.prepared import PreparedRows


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


course_image_path = RandomName("courses")
lesson_video_path = RandomName("lessons/video")
lesson_document_path = RandomName("lessons/documents")
staff_photo_path = RandomName("staff")


# --- Course -----------------------------------------------------------------------------


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class Course(models.Model):
    class SkillLevel(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

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
    hero_image = models.ImageField(upload_to=course_image_path, blank=True)
    unavailable_countries = CountryField(multiple=True, blank=True)
    target_weeks = models.PositiveSmallIntegerField(
        default=6, help_text="Recommended pace: finish within this many weeks of starting."
    )
    access_days = models.PositiveSmallIntegerField(
        default=120, help_text="How long a self-paced learner keeps access after starting."
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

    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.replace(";", "\n").splitlines() if t.strip()]

    def is_available_in(self, country_code: str) -> bool:
        return not country_code or country_code not in {c.code for c in self.unavailable_countries}

    def unavailable_country_names(self) -> list[str]:
        return [c.name for c in self.unavailable_countries]

    def sessions_with_lessons(self):
        """Sessions in order with their lessons prefetched: two queries whatever the size."""
        return self.sessions.prefetch_related(
            Prefetch("lessons", queryset=Lesson.objects.order_by("order", "pk"))
        )

    @property
    def target_duration(self) -> timedelta:
        return timedelta(weeks=self.target_weeks)

    @property
    def access_duration(self) -> timedelta:
        return timedelta(days=self.access_days)

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
    photo = models.ImageField(upload_to=staff_photo_path, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff_roles"
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "instructor or guest"
        verbose_name_plural = "instructors and guests"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


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
        if self.mode == self.Mode.SCHEDULED and not self.starts_on:
            raise ValidationError({"starts_on": "A scheduled offering needs the date its first session opens."})

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

    def has_started(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_adaptive or (self.starts_on is not None and self.starts_on <= today)


# --- Session and Lesson -----------------------------------------------------------------


class Session(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="Markdown.")
    image = models.ImageField(upload_to=course_image_path, blank=True)
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
        # Sessions from the per-course cache carry their URL (courses/caching.py).
        return self.__dict__.get("_absolute_url") or reverse("learn:session", args=[self.course.slug, self.number])

    def summary_html(self) -> str:
        return render_markdown(self.summary)


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
        help_text="Or upload an MP4/WebM file.",
    )
    document = models.FileField(
        upload_to=lesson_document_path,
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
        help_text="A PDF shown inline with a download link.",
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
        # Lessons from the per-course outline cache carry their URL (courses/caching.py).
        return self.__dict__.get("_absolute_url") or reverse(
            "learn:lesson", args=[self.session.course.slug, self.session.number, self.slug]
        )

    @property
    def url(self) -> str:
        """get_absolute_url() for templates (lessons of the cached outline carry it already)."""
        return self.get_absolute_url()

    def clean(self):
        if self.document:
            from core.files import validate_pdf

            validate_pdf(self.document)

    def body_html(self) -> str:
        return render_markdown(self.body)

    @property
    def kind_label(self) -> str:
        """get_kind_display() without its cost (pages print it for every lesson)."""
        return LESSON_KIND_LABELS.get(self.kind, self.kind)

    @cached_property
    def meta_line(self) -> str:
        """"Video · 20 min · optional", as the lesson lists show it (computed once per cached lesson)."""
        return f"{self.kind_label} · {self.estimated_minutes} min" + ("" if self.is_required else " · optional")

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


LESSON_KIND_LABELS = dict(Lesson.Kind.choices)

# youtube.com/watch?v=ID, youtu.be/ID, youtube.com/embed/ID, /shorts/ID, /live/ID, m.youtube.com, -nocookie.
YOUTUBE_ID = re.compile(
    r"(?:youtube(?:-nocookie)?\.com/(?:watch\?(?:[^#]*&)?v=|embed/|shorts/|live/|v/)|youtu\.be/)([A-Za-z0-9_-]{11})"
)
# vimeo.com/ID, vimeo.com/channels/x/ID, vimeo.com/groups/x/videos/ID, player.vimeo.com/video/ID.
VIMEO_ID = re.compile(r"vimeo\.com/(?:video/|channels/[\w-]+/|groups/[\w-]+/videos/|showcase/\d+/video/)?(\d+)")


# --- Enrollment -------------------------------------------------------------------------


class EnrollmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Enrollment.Status.ACTIVE)

    def current(self):
        """Enrollments whose learner still has the course (active, or completed and in access)."""
        return self.filter(status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED])

    def for_user(self, user):
        return self.filter(user=user)


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

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="unique_enrollment_per_course")]
        indexes = [models.Index(fields=["status", "access_expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"

    @property
    def is_read_only(self) -> bool:
        """After access ends (or after withdrawing) the course can be read, not changed."""
        return self.status in (self.Status.EXPIRED, self.Status.WITHDRAWN) or (
            self.access_expires_at is not None and self.access_expires_at <= timezone.now()
        )

    def complete_lesson(self, lesson: Lesson) -> bool:
        """Record a completion (idempotent) and recompute progress after commit.

        The unique constraint decides between two simultaneous requests: one inserts,
        the other gets IntegrityError and changes nothing. Returns True when this call
        created the completion.
        """
        from courses.tasks import recompute_progress

        self._check_lesson(lesson)
        try:
            with transaction.atomic():
                LessonCompletion.objects.create(enrollment=self, lesson=lesson)
        except IntegrityError:
            return False
        self.touch(lesson)
        recompute_progress.delay_on_commit(self.pk)
        return True

    def uncomplete_lesson(self, lesson: Lesson) -> bool:
        """Remove a completion (idempotent) and recompute progress after commit."""
        from courses.tasks import recompute_progress

        self._check_lesson(lesson)
        deleted, _ = LessonCompletion.objects.filter(enrollment=self, lesson=lesson).delete()
        if deleted:
            recompute_progress.delay_on_commit(self.pk)
        return bool(deleted)

    def _check_lesson(self, lesson: Lesson) -> None:
        if lesson.session.course_id != self.course_id:
            raise ValueError(f"Lesson {lesson.pk} is not part of course {self.course_id}.")

    def completed_lesson_ids(self) -> set[int]:
        """Ids of the lessons this learner completed (every learner page needs them).

        One plain SELECT on an indexed column: through the ORM, building this query took
        several times longer than running it, on every page view.
        """
        with connection.cursor() as cursor:
            cursor.execute("SELECT lesson_id FROM courses_lessoncompletion WHERE enrollment_id = %s", [self.pk])
            return {row[0] for row in cursor.fetchall()}

    @staticmethod
    def completed_lesson_ids_of_user(user_id: int) -> dict[int, set[int]]:
        """{enrollment id: ids of the lessons completed} for all of one learner's enrollments."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.enrollment_id, c.lesson_id FROM courses_lessoncompletion c"
                " INNER JOIN courses_enrollment e ON e.id = c.enrollment_id WHERE e.user_id = %s",
                [user_id],
            )
            done: dict[int, set[int]] = {}
            for enrollment_id, lesson_id in cursor.fetchall():
                done.setdefault(enrollment_id, set()).add(lesson_id)
            return done

    def touch(self, lesson: Lesson | None = None) -> None:
        """Remember the last lesson viewed (for Resume) and the time of activity."""
        self.last_activity_at = timezone.now()
        fields = ["last_activity_at"]
        if lesson is not None:
            self.last_lesson = lesson
            fields.append("last_lesson")
        self.save(update_fields=fields)


# Enrollments with their course and offering.
_ENROLLMENT_ROWS = [("e", Enrollment), ("c", Course), ("o", Offering)]
_ENROLLMENT_JOIN = "FROM {e} e INNER JOIN {c} c ON c.id = e.course_id INNER JOIN {o} o ON o.id = e.offering_id"
_IN_PUBLISHED_COURSE = f"{_ENROLLMENT_JOIN} WHERE e.user_id = %s AND c.slug = %s AND c.is_published AND "
_learner_enrollment = PreparedRows(_ENROLLMENT_ROWS, _IN_PUBLISHED_COURSE + "e.status <> %s")
_current_learner_enrollment = PreparedRows(_ENROLLMENT_ROWS, _IN_PUBLISHED_COURSE + "e.status IN (%s, %s)")
_user_enrollments = PreparedRows(
    _ENROLLMENT_ROWS, f"{_ENROLLMENT_JOIN} WHERE e.user_id = %s ORDER BY e.last_activity_at DESC, e.enrolled_at DESC"
)
_enrollment_in_course = PreparedRows(
    [("e", Enrollment), ("o", Offering)],
    "FROM {e} e INNER JOIN {o} o ON o.id = e.offering_id WHERE e.course_id = %s AND e.user_id = %s",
)
_published_course = PreparedRows([("c", Course)], "FROM {c} c WHERE c.slug = %s AND c.is_published")


def _enrollment_of(enrollment, course=None, offering=None):
    if course is not None:
        Enrollment.course.field.set_cached_value(enrollment, course)
    if offering is not None:
        Enrollment.offering.field.set_cached_value(enrollment, offering)
    return enrollment


def learner_enrollment(user_id: int, course_slug: str, *, current_only: bool = False) -> "Enrollment | None":
    """The learner's enrollment (course and offering loaded) in the published course, unless withdrawn.

    With current_only, only active or completed ones (not expired). One row at most: one
    enrollment per learner and course.
    """
    if current_only:
        rows = _current_learner_enrollment.rows(
            [user_id, course_slug, Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED]
        )
    else:
        rows = _learner_enrollment.rows([user_id, course_slug, Enrollment.Status.WITHDRAWN])
    return _enrollment_of(*rows[0]) if rows else None


def user_enrollments(user_id: int) -> list["Enrollment"]:
    """All of a learner's enrollments, course and offering loaded, the most recently active first."""
    return [_enrollment_of(*row) for row in _user_enrollments.rows([user_id])]


def enrollment_in_course(user_id: int, course: Course) -> "Enrollment | None":
    """The learner's enrollment in this course, whatever its status, with its offering."""
    rows = _enrollment_in_course.rows([course.pk, user_id])
    return _enrollment_of(rows[0][0], course, rows[0][1]) if rows else None


def published_course(slug: str) -> Course | None:
    return next((row[0] for row in _published_course.rows([slug])), None)


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
        if total and completed == total and enrollment.status == Enrollment.Status.ACTIVE:
            enrollment.status = Enrollment.Status.COMPLETED
            enrollment.completed_at = timezone.now()
            fields += ["status", "completed_at"]
        elif completed < total and enrollment.status == Enrollment.Status.COMPLETED:
            enrollment.status = Enrollment.Status.ACTIVE
            enrollment.completed_at = None
            fields += ["status", "completed_at"]
        enrollment.save(update_fields=fields)
    return enrollment
