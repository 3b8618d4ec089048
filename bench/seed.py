"""Build the benchmark dataset: N learners on the real course, with everything they produce.

`make bench` runs it (bench/run.py, after django.setup()); tests call it with
`call_command(seed.Command(), "--learners", "50")`. At 10,000 learners it gives about:
10,000 learners enrolled with a realistic progress spread (many stop in sessions 1-3, a few
finish), 100,000 worksheet answers, 5,000 published gallery entries, 50,000 comments and
20,000 badge awards. Every count scales with --learners, so tests build the same shape with 50.

It lives in bench/, outside the apps, because it writes every app's rows; it imports models
at the top, so import it only once Django is set up.

The data is consistent the way the app would have written it: progress fields match the
LessonCompletion rows, SessionCompletion rows exist for complete sessions, comment_count
matches the comments, and awards follow the badge rules (session N complete, course
complete, portfolio published, comments on five peers' entries).

Everything is written with bulk_create inside one transaction, so a failed run leaves
nothing behind, and a second run at the same size is skipped. `--reset` removes the bench
learners (and, through them, all their rows) first.
"""

import io
import json
import random
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from PIL import Image

from accounts.models import User
from badges.models import Award, BadgeClass
from core.markdown import render_markdown
from courses.models import Course, Enrollment, Lesson, LessonCompletion, Offering, SessionCompletion
from gallery.models import Comment, Entry, RulesAcceptance
from portfolios.models import Answer, Portfolio, Prompt, Worksheet, WorksheetSubmission

COURSE_SLUG = "introduction-to-micro-influence"
BENCH_USERNAME_PREFIX = "bench-"
BENCH_EMAIL_DOMAIN = "atelier.test"
# Every bench learner has this password (the hash is computed once and shared).
BENCH_PASSWORD = "bench-learner-password"
BATCH = 2000
SEED = 8

# Where learners are: share of learners per stage. "s3" = session 1-2 done, somewhere in session 3.
# Dropout is steep early, as in any self-paced course; the order puts the furthest learners
# first, so bench-1 (the learner `make bench` logs in as) has finished and has every kind of data.
STAGES = [
    ("finished", 0.06),
    ("s6", 0.04),
    ("s5", 0.05),
    ("s4", 0.08),
    ("s3", 0.12),
    ("s2", 0.20),
    ("s1", 0.30),
    ("not_started", 0.15),
]
ANSWERS_PER_LEARNER = 10
ENTRIES_PER_LEARNER = 0.5
COMMENTS_PER_LEARNER = 5
COMMENTERS_PER_LEARNER = 0.2
REPLY_SHARE = 0.25

SENTENCES = [
    "I make wheel-thrown stoneware for home cooks and sell it at two regional markets.",
    "Most of my sales come from repeat customers who found me through a friend.",
    "Instagram brings people to my page, but very few of them buy anything.",
    "I want to take six custom commissions by December without lowering my prices.",
    "My day job leaves me about eight hours a week for the studio and for marketing.",
    "The people who trust my work most are other makers and the café owners I supply.",
    "I will post a short process video every Tuesday and a finished piece every Friday.",
    "Reciprocity matters: I share three other makers' work for every post about my own.",
    "My strongest connections are the ceramics teachers I studied with and their students.",
    "A weekly newsletter keeps the people who already like my work close to new releases.",
    "I measure saves and replies rather than likes, because they predict commissions.",
    "The local gallery invited me to a group show after seeing my studio stories.",
    "I underestimated how long photographing each piece would take.",
    "Next month I will test a behind-the-scenes series on LinkedIn for corporate gifting.",
    "My audience is small but engaged: about forty people reply to almost every post.",
    "Collaborating with a florist doubled the reach of my spring collection.",
    "I keep a spreadsheet of every enquiry and where the person first heard of me.",
    "The hardest part is being consistent when a big order takes over the week.",
    "I describe my practice as slow, seasonal and made for everyday use.",
    "Feedback from peers helped me cut my strategy down to three channels.",
]
COMMENT_BODIES = [
    "This is such a clear plan — the weekly rhythm looks realistic for a solo maker.",
    "I love how you measure **replies** instead of likes. Stealing that idea!",
    "Have you thought about partnering with a local café? It worked well for me.",
    "Your network audit made me rethink mine. Thanks for sharing it so openly.",
    "The action plan is great. Maybe add one check-in with a peer each month?",
    "Beautiful work. Which of the three channels brought you the most enquiries?",
    "I found your critical evaluation really honest, especially about time limits.",
    "Great point about reciprocity:\n\n> share three other makers for every post of your own\n\nI'll try it.",
    "Could you say more about how you found your first collaborators?",
    "Thanks for the feedback! I'll try the florist idea next season.",
    "This made me smile — the *behind the scenes* series sounds lovely.",
    "Small but engaged is exactly right. Forty real replies beat four thousand likes.",
    "Your digital toolkit list is tidy. Do you schedule posts or post live?",
    "I'd add a line about pricing commissions, but otherwise this is spot on.",
    "Congratulations on the group show invitation! Well deserved.",
    "Useful structure. I used your spreadsheet idea for my own enquiries.",
    "The newsletter tip is gold. How often do you send it?",
    "Really thoughtful summary. The strategy feels grounded in your actual week.",
    "You could try a monthly live Q&A to turn followers into buyers.",
    "Thank you — reading this gave me the push to finish my own portfolio.",
    "Agreed! I had the same problem with photographing work. A lightbox helped.",
    "Nice! Which hashtags worked best for you in the first month?",
    "I'm in a similar spot with a day job. Eight hours a week is a good honest number.",
    "Following you now — your process videos sound like something I'd watch.",
]
TITLES = [
    "Slow pottery, small circle", "Stoneware for everyday tables", "A weaver's micro-influence plan",
    "From market stall to commissions", "Printmaking with a local following", "Jewellery made to be worn daily",
    "Illustration for independent bookshops", "Textile art and a loyal newsletter", "Woodwork for small homes",
    "Photography for makers", "Glass and community", "Letterpress for weddings",
]


class Command(BaseCommand):
    help = "Create N bench learners on the real course with progress, answers, gallery entries, comments and badges."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=10000, help="How many learners (default 10000).")
        parser.add_argument("--reset", action="store_true", help="Delete the existing bench learners first.")

    def handle(self, *args, learners: int, reset: bool, **options):
        if learners < 1:
            raise CommandError("--learners must be at least 1.")
        self.rng = random.Random(SEED)
        self.now = timezone.now()
        started = time.monotonic()
        if connection.vendor == "postgresql":
            # Bulk inserts and the reset's cascading deletes of 10,000 learners outlast the site's
            # per-statement limit (settings DB_STATEMENT_TIMEOUT), which is sized for pages.
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        if reset:
            self.phase("reset", self.delete_bench_learners)
        existing = bench_learners().count()
        if existing == learners:
            self.stdout.write(f"Already seeded with {existing} bench learners: nothing to build (use --reset to rebuild).")
            self.analyze()  # cheap, and a database seeded by an older version may never have been analysed
            return
        if existing:
            raise CommandError(
                f"The database already holds {existing} bench learners, not {learners}. "
                "Run again with --reset to delete them and build the new size."
            )
        self.course = self.phase("course", self.ensure_course)
        with transaction.atomic():
            self.build(learners)
        self.phase("analyze", self.analyze)
        self.stdout.write(self.style.SUCCESS(f"Seeded {learners} learners in {time.monotonic() - started:.1f} s."))

    def analyze(self) -> None:
        """Refresh the planner's statistics after the bulk load.

        Production gets this from autovacuum over time; a freshly seeded benchmark would
        otherwise be measured with empty statistics, and PostgreSQL then misjudges the size of
        the gallery and picks the wrong index for its list.
        """
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # --- steps ------------------------------------------------------------------------------

    def build(self, n: int) -> None:
        self.load_structure()
        users = self.phase("users", self.create_users, n)
        stages = self.assign_stages(n)
        enrollments = self.phase("enrollments", self.create_enrollments, users, stages)
        self.phase("lesson and session completions", self.create_completions, enrollments)
        portfolios = self.phase("portfolios, answers, submissions", self.create_portfolios, enrollments)
        entries = self.phase("gallery entries", self.create_entries, portfolios, n)
        comments_by_author = self.phase("comments", self.create_comments, entries, users, n)
        self.phase("badge awards", self.create_awards, enrollments, entries, comments_by_author)

    def phase(self, name: str, func, *args):
        started = time.monotonic()
        result = func(*args)
        self.stdout.write(f"  {name:<36} {time.monotonic() - started:6.2f} s{self.summary(result)}")
        return result

    @staticmethod
    def summary(result) -> str:
        return f"  ({len(result):,} rows)" if isinstance(result, list) else ""

    def delete_bench_learners(self) -> None:
        """Delete leaf rows first so each delete is one query, not Django's row-by-row collector."""
        users = bench_learners()
        enrollments = Enrollment.objects.filter(user__in=users)
        entries = Entry.objects.filter(author__in=users)
        with transaction.atomic():
            Award.objects.filter(recipient__in=users).delete()
            Comment.objects.filter(parent__isnull=False, entry__in=entries).delete()
            Comment.objects.filter(author__in=users, parent__isnull=False).delete()
            Comment.objects.filter(entry__in=entries).delete()
            Comment.objects.filter(author__in=users).delete()
            entries.delete()
            Answer.objects.filter(portfolio__enrollment__in=enrollments).delete()
            WorksheetSubmission.objects.filter(portfolio__enrollment__in=enrollments).delete()
            Portfolio.objects.filter(enrollment__in=enrollments).delete()
            LessonCompletion.objects.filter(enrollment__in=enrollments).delete()
            SessionCompletion.objects.filter(enrollment__in=enrollments).delete()
            enrollments.delete()
            RulesAcceptance.objects.filter(user__in=users).delete()
            EmailAddress.objects.filter(user__in=users).delete()
            users.delete()

    def ensure_course(self) -> Course:
        """The real course and its badges; badges get simple solid-colour images if none exist yet."""
        if not Course.objects.filter(slug=COURSE_SLUG).exists():
            call_command("load_course", stdout=io.StringIO())
        course = Course.objects.get(slug=COURSE_SLUG)
        if not BadgeClass.objects.filter(course=course).exists():
            create_badge_classes(course)
        return course

    def load_structure(self) -> None:
        course = self.course
        self.offering = Offering.objects.filter(course=course, mode=Offering.Mode.ADAPTIVE).order_by("pk").first()
        if self.offering is None:
            raise CommandError(f"{course} has no self-paced (adaptive) offering to enrol the bench learners in.")
        self.lessons = list(
            Lesson.objects.filter(session__course=course, is_required=True)
            .select_related("session")
            .order_by("session__number", "order", "pk")
        )
        self.sessions = sorted({lesson.session for lesson in self.lessons}, key=lambda s: s.number)
        # Index in self.lessons after which each session is complete.
        self.session_end = {}
        for index, lesson in enumerate(self.lessons):
            self.session_end[lesson.session.number] = index + 1
        self.worksheets = list(Worksheet.objects.filter(course=course).select_related("lesson"))
        lesson_index = {lesson.pk: i for i, lesson in enumerate(self.lessons)}
        self.worksheet_position = {w.pk: lesson_index.get(w.lesson_id, len(self.lessons)) for w in self.worksheets}
        self.first_worksheet_at = min(self.worksheet_position.values(), default=len(self.lessons))
        self.prompts = defaultdict(list)
        for prompt in Prompt.objects.filter(worksheet__course=course).order_by("worksheet", "order", "pk"):
            if prompt.kind != Prompt.Kind.IMAGE:
                self.prompts[prompt.worksheet_id].append(prompt)
        self.badges = {(b.rule, b.rule_param): b for b in BadgeClass.objects.filter(course=course, is_active=True)}

    def create_users(self, n: int) -> list[User]:
        password = make_password(BENCH_PASSWORD)
        joined = self.now - timedelta(days=100)
        users = [
            User(
                username=f"{BENCH_USERNAME_PREFIX}{i}",
                email=f"{BENCH_USERNAME_PREFIX}{i}@{BENCH_EMAIL_DOMAIN}",
                password=password,
                display_name=f"Bench Learner {i}",
                country="AU",
                date_joined=joined,
            )
            for i in range(1, n + 1)
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        users = list(bench_learners().order_by("pk"))
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=BATCH
        )
        # Natural order: bench-1 first (the most advanced learner).
        users.sort(key=lambda u: int(u.username.removeprefix(BENCH_USERNAME_PREFIX)))
        return users

    def assign_stages(self, n: int) -> list[int]:
        """How many required lessons each learner has completed, furthest learners first."""
        total = len(self.lessons)
        counts = []
        for stage, share in STAGES:
            counts += [self.lessons_done(stage, total)] * round(n * share)
        counts = counts[:n] + [0] * max(0, n - len(counts))
        counts[0] = total  # bench-1 always finished
        return counts

    def lessons_done(self, stage: str, total: int) -> int:
        if stage == "finished":
            return total
        if stage == "not_started":
            return 0
        number = int(stage[1:])
        start = self.session_end.get(number - 1, 0)
        end = self.session_end[number]
        # Somewhere inside the session, never at its end (that would complete it).
        return self.rng.randint(start, end - 1) if end - 1 > start else start

    def create_enrollments(self, users: list[User], stages: list[int]) -> list[Enrollment]:
        course, total = self.course, len(self.lessons)
        enrollments = []
        for user, done in zip(users, stages, strict=True):
            enrolled_at = self.now - timedelta(days=self.rng.uniform(1, 100))
            last_activity = self.now - timedelta(hours=self.rng.uniform(1, 24)) if done else None
            finished = done == total
            last = self.lessons[done - 1] if done else None
            enrollments.append(
                Enrollment(
                    user=user,
                    course=course,
                    offering=self.offering,
                    status=Enrollment.Status.COMPLETED if finished else Enrollment.Status.ACTIVE,
                    enrolled_at=enrolled_at,
                    started_at=enrolled_at,
                    recommended_finish_at=enrolled_at + course.target_duration,
                    access_expires_at=enrolled_at + course.access_duration,
                    completed_at=last_activity if finished else None,
                    progress_percent=int(done * 100 / total) if total else 0,
                    completed_lessons=done,
                    total_lessons=total,
                    last_lesson=last,
                    last_activity_at=last_activity,
                )
            )
        Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
        by_user = dict(Enrollment.objects.filter(user__in=bench_learners()).values_list("user_id", "pk"))
        for enrollment in enrollments:
            enrollment.pk = by_user[enrollment.user_id]
        return enrollments

    def completion_times(self, enrollment: Enrollment) -> list:
        """Completion times spread evenly between enrolling and the last activity."""
        done = enrollment.completed_lessons
        if not done:
            return []
        span = (enrollment.last_activity_at - enrollment.enrolled_at) / (done + 1)
        return [enrollment.enrolled_at + span * (i + 1) for i in range(done)]

    def create_completions(self, enrollments: list[Enrollment]) -> list:
        lesson_rows, session_rows = [], []
        for enrollment in enrollments:
            times = self.completion_times(enrollment)
            for lesson, at in zip(self.lessons[: len(times)], times, strict=True):
                lesson_rows.append(LessonCompletion(enrollment_id=enrollment.pk, lesson_id=lesson.pk, completed_at=at))
            for session in self.sessions:
                end = self.session_end[session.number]
                if enrollment.completed_lessons >= end:
                    session_rows.append(
                        SessionCompletion(enrollment_id=enrollment.pk, session_id=session.pk, completed_at=times[end - 1])
                    )
        LessonCompletion.objects.bulk_create(lesson_rows, batch_size=BATCH)
        SessionCompletion.objects.bulk_create(session_rows, batch_size=BATCH)
        return lesson_rows + session_rows

    def create_portfolios(self, enrollments: list[Enrollment]) -> list[tuple[Enrollment, Portfolio]]:
        """A portfolio for everyone who reached the first worksheet; answers for the worksheets they did.

        Required prompts of completed worksheets are always answered; optional ones and the
        worksheet in progress fill up to ANSWERS_PER_LEARNER answers per learner on average.
        """
        reached = [e for e in enrollments if e.completed_lessons >= self.first_worksheet_at]
        self.texts = TextBank(self.rng)
        publishing = round(len(enrollments) * ENTRIES_PER_LEARNER)
        # The learners who will publish (the furthest ones) wrote a summary and an evaluation.
        portfolios = [
            Portfolio(
                enrollment_id=e.pk,
                created_at=e.enrolled_at,
                summary=self.texts.long(4) if i < publishing else "",
                critical_evaluation=self.texts.long(6) if i < publishing else "",
            )
            for i, e in enumerate(reached)
        ]
        Portfolio.objects.bulk_create(portfolios, batch_size=BATCH)
        by_enrollment = dict(
            Portfolio.objects.filter(enrollment__in=[e.pk for e in reached]).values_list("enrollment_id", "pk")
        )
        for portfolio in portfolios:
            portfolio.pk = by_enrollment[portfolio.enrollment_id]
        required, optional, submissions = [], [], []
        for enrollment, portfolio in zip(reached, portfolios, strict=True):
            for worksheet in self.worksheets:
                position = self.worksheet_position[worksheet.pk]
                if enrollment.completed_lessons > position:
                    submissions.append(WorksheetSubmission(portfolio_id=portfolio.pk, worksheet_id=worksheet.pk))
                    for prompt in self.prompts[worksheet.pk]:
                        (required if prompt.required else optional).append((portfolio.pk, prompt))
                elif enrollment.completed_lessons == position:
                    optional += [(portfolio.pk, prompt) for prompt in self.prompts[worksheet.pk]]
        target = ANSWERS_PER_LEARNER * len(enrollments)
        if len(required) > target:
            chosen = self.rng.sample(required, target)
        else:
            chosen = required + self.rng.sample(optional, min(len(optional), target - len(required)))
        Answer.objects.bulk_create(
            [Answer(portfolio_id=pid, prompt_id=prompt.pk, value=self.texts.answer(prompt), version=1)
             for pid, prompt in chosen],
            batch_size=BATCH,
        )
        WorksheetSubmission.objects.bulk_create(submissions, batch_size=BATCH)
        self.answer_count = len(chosen)
        self.stdout.write(f"    {len(portfolios):,} portfolios, {len(chosen):,} answers, {len(submissions):,} submissions")
        return list(zip(reached, portfolios, strict=True))

    def create_entries(self, portfolios: list[tuple[Enrollment, Portfolio]], n: int) -> list[Entry]:
        """The most advanced learners publish (portfolios are in progress order)."""
        count = min(len(portfolios), round(n * ENTRIES_PER_LEARNER))
        entries, acceptances = [], []
        for i, (enrollment, portfolio) in enumerate(portfolios[:count]):
            published = self.now - timedelta(hours=self.rng.uniform(1, 24 * 60))
            entries.append(
                Entry(
                    portfolio_id=portfolio.pk,
                    course=self.course,
                    author_id=enrollment.user_id,
                    title=f"{self.rng.choice(TITLES)} ({i + 1})",
                    summary=portfolio.summary,
                    critical_evaluation=portfolio.critical_evaluation,
                    snapshot=self.texts.snapshot(self.worksheets[:2], self.prompts),
                    is_published=True,
                    first_published_at=published,
                    published_at=published,
                )
            )
            acceptances.append(RulesAcceptance(user_id=enrollment.user_id, course=self.course, accepted_at=published))
        Entry.objects.bulk_create(entries, batch_size=BATCH)
        RulesAcceptance.objects.bulk_create(acceptances, batch_size=BATCH, ignore_conflicts=True)
        by_portfolio = dict(Entry.objects.filter(course=self.course, author__in=bench_learners()).values_list("portfolio_id", "pk"))
        for entry in entries:
            entry.pk = by_portfolio[entry.portfolio_id]
        return entries

    def create_comments(self, entries: list[Entry], users: list[User], n: int) -> dict[int, set[int]]:
        """Comments on a few popular and many quiet entries, a quarter of them replies.

        Returns, per commenting learner, the authors of the other learners' entries they commented on
        (the "comments on five peers' entries" badge rule).
        """
        if not entries:
            return {}
        commenters = [u.pk for u in users[: max(1, round(n * COMMENTERS_PER_LEARNER))]]
        bodies = [(body, render_markdown(body)) for body in COMMENT_BODIES]
        total = round(n * COMMENTS_PER_LEARNER)
        replies_wanted = round(total * REPLY_SHARE)
        weights = [1 / (rank + 5) for rank in range(len(entries))]
        self.rng.shuffle(weights)
        top_entries = self.rng.choices(entries, weights=weights, k=total - replies_wanted)
        top, peers = [], defaultdict(set)
        for entry in top_entries:
            author = self.rng.choice(commenters)
            if author == entry.author_id:
                author = commenters[(commenters.index(author) + 1) % len(commenters)]
                if author == entry.author_id:
                    continue
            body, html = self.rng.choice(bodies)
            at = entry.published_at + (self.now - entry.published_at) * self.rng.random() * 0.8
            top.append(Comment(entry_id=entry.pk, author_id=author, body=body, body_html=html, created_at=at))
            peers[author].add(entry.author_id)
        # PostgreSQL and SQLite ≥ 3.35 return the new primary keys: the replies need them.
        Comment.objects.bulk_create(top, batch_size=BATCH)
        author_of = {e.pk: e.author_id for e in entries}
        replies = []
        for parent in self.rng.choices(top, k=replies_wanted if top else 0):
            # Half of the replies come from the entry's author, the rest from other learners.
            author = author_of[parent.entry_id] if self.rng.random() < 0.5 else self.rng.choice(commenters)
            body, html = self.rng.choice(bodies)
            at = parent.created_at + (self.now - parent.created_at) * self.rng.random()
            replies.append(
                Comment(entry_id=parent.entry_id, author_id=author, parent_id=parent.pk, body=body, body_html=html, created_at=at)
            )
            if author != author_of[parent.entry_id]:
                peers[author].add(author_of[parent.entry_id])
        Comment.objects.bulk_create(replies, batch_size=BATCH)
        # One UPDATE instead of thousands: the count the app keeps, derived from the rows.
        Entry.objects.filter(course=self.course, author__in=bench_learners()).update(
            comment_count=Coalesce(
                Subquery(Comment.objects.filter(entry=OuterRef("pk")).values("entry").annotate(n=Count("pk")).values("n")),
                0,
            )
        )
        self.stdout.write(f"    {len(top) + len(replies):,} comments ({len(replies):,} replies) by {len(peers):,} learners")
        return peers

    def create_awards(self, enrollments, entries, comments_by_author) -> list[Award]:
        awards = []

        def award(rule: str, param, user_id: int, at) -> None:
            badge = self.badges.get((rule, param))
            if badge is not None:
                awards.append(
                    Award(badge=badge, recipient_id=user_id, awarded_at=at, salt=uuid.uuid4().hex[:16],
                          reason=badge.criteria[:200])
                )

        for enrollment in enrollments:
            times = self.completion_times(enrollment)
            for session in self.sessions:
                end = self.session_end[session.number]
                if enrollment.completed_lessons >= end:
                    award(BadgeClass.Rule.SESSION_COMPLETED, session.number, enrollment.user_id, times[end - 1])
            if enrollment.status == Enrollment.Status.COMPLETED:
                award(BadgeClass.Rule.COURSE_COMPLETED, None, enrollment.user_id, enrollment.completed_at)
        for entry in entries:
            award(BadgeClass.Rule.PORTFOLIO_PUBLISHED, None, entry.author_id, entry.first_published_at)
        for rule, param in self.badges:
            if rule == BadgeClass.Rule.COMMENTS_GIVEN:
                for user_id, authors in comments_by_author.items():
                    if len(authors) >= (param or 1):
                        award(rule, param, user_id, self.now - timedelta(hours=1))
        Award.objects.bulk_create(awards, batch_size=BATCH)
        return awards


def bench_learners():
    return User.objects.filter(username__startswith=BENCH_USERNAME_PREFIX, email__endswith=f"@{BENCH_EMAIL_DOMAIN}")


def create_badge_classes(course: Course) -> list[BadgeClass]:
    """The course's nine badges from fixtures/content/badges.json, each with a solid-colour PNG."""
    source = Path(settings.BASE_DIR) / "fixtures" / "content" / "badges.json"
    badges = []
    for order, data in enumerate(json.loads(source.read_text()), start=1):
        image = Image.new("RGB", (400, 400), data.get("color", "#1f4e79"))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        badge = BadgeClass(
            course=course, slug=data["slug"], name=data["name"], description=data["description"],
            criteria=data["criteria"], rule=data["rule"], rule_param=data["rule_param"], order=order,
        )
        badge.image.save(f"{data['slug']}.png", ContentFile(buffer.getvalue()), save=False)
        badge.save()
        badges.append(badge)
    return badges


class TextBank:
    """Plausible answer text, generated once in a few hundred variants and reused."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.shorts = [rng.choice(SENTENCES) for _ in range(100)]
        self.longs = [" ".join(rng.sample(SENTENCES, rng.randint(3, 9))) for _ in range(200)]

    def long(self, sentences: int) -> str:
        return " ".join(self.rng.sample(SENTENCES, sentences))

    def answer(self, prompt: Prompt):
        kind, rng = prompt.kind, self.rng
        if kind == Prompt.Kind.SHORT_TEXT:
            text = rng.choice(self.shorts)
            return text[: prompt.max_length] if prompt.max_length else text
        if kind == Prompt.Kind.LONG_TEXT:
            text = rng.choice(self.longs)
            return text[: prompt.max_length] if prompt.max_length else text
        if kind == Prompt.Kind.SINGLE_CHOICE:
            return rng.choice(prompt.choices) if prompt.choices else ""
        if kind in (Prompt.Kind.MULTIPLE_CHOICE, Prompt.Kind.CHECKLIST):
            choices = list(prompt.choices or [])
            return rng.sample(choices, rng.randint(1, len(choices))) if choices else []
        if kind == Prompt.Kind.NUMBER:
            low = int(prompt.min_value) if prompt.min_value is not None else 0
            high = int(prompt.max_value) if prompt.max_value is not None else 5000
            return rng.randint(low, max(low, high))
        if kind == Prompt.Kind.URL:
            return f"https://www.instagram.com/maker{rng.randint(1, 99999)}/"
        return ""

    def snapshot(self, worksheets, prompts) -> dict:
        return {
            "worksheets": [
                {
                    "slug": w.slug,
                    "title": w.title,
                    "answers": [{"label": p.label, "value": self.answer(p)} for p in prompts[w.pk][:3]],
                }
                for w in worksheets
            ]
        }
