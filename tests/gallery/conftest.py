"""Gallery fixtures: a portfolio with real worksheet answers, a published entry, peers and outsiders."""

import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from core import ratelimit
from courses.models import Lesson, StaffMember
from gallery import services
from gallery.models import Entry
from portfolios.models import Answer, Prompt, Worksheet
from portfolios.services import get_or_create_portfolio
from tests import factories

SUMMARY = (
    "My strategy connects illustrators in Melbourne with three micro-influencers who review art supplies. "
    "It grows a small, engaged audience through honest process videos and monthly collaborations."
)
EVALUATION = (
    "The audience research worked well: interviews showed my followers value process over polish, so the "
    "content plan leads with time-lapse videos. The weakest part is measurement; I chose vanity metrics at "
    "first and replaced them with saves and replies. Next time I would test two posting rhythms for a month "
    "before committing, and budget time for replying to every comment in the first hour."
)


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, stopped at the start of an hour: their windows are the wall clock's
    minutes and hours, so a test that counts up to a limit must not straddle one by chance."""
    now = {"t": 1_700_000_000.0 - 1_700_000_000.0 % 3600}
    monkeypatch.setattr(ratelimit.time, "time", lambda: now["t"])
    return now


def png_bytes(size=(64, 48), color=(200, 80, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def worksheets(course):
    """Two worksheets on the course's first lessons: text, URL and image prompts."""
    first = Lesson.objects.get(session__course=course, session__number=1, order=1)
    second = Lesson.objects.get(session__course=course, session__number=2, order=1)
    audience = Worksheet.objects.create(course=course, lesson=first, slug="audience", title="Your audience", step=1)
    plan = Worksheet.objects.create(course=course, lesson=second, slug="plan", title="Your content plan", step=2)
    prompts = {
        "who": Prompt.objects.create(worksheet=audience, order=1, kind=Prompt.Kind.LONG_TEXT, label="Who is your audience?", required=True),
        "site": Prompt.objects.create(worksheet=audience, order=2, kind=Prompt.Kind.URL, label="Your website"),
        "moodboard": Prompt.objects.create(worksheet=plan, order=1, kind=Prompt.Kind.IMAGE, label="Your mood board"),
        "channels": Prompt.objects.create(
            worksheet=plan, order=2, kind=Prompt.Kind.MULTIPLE_CHOICE, label="Channels",
            choices=["Instagram", "LinkedIn", "Facebook"],
        ),
    }
    return prompts


@pytest.fixture
def portfolio(enrollment, worksheets):
    portfolio = get_or_create_portfolio(enrollment)
    portfolio.summary = SUMMARY
    portfolio.critical_evaluation = EVALUATION
    portfolio.save()
    Answer.objects.create(portfolio=portfolio, prompt=worksheets["who"], value="Emerging illustrators in Melbourne.")
    Answer.objects.create(portfolio=portfolio, prompt=worksheets["site"], value="https://lee.example.com")
    Answer.objects.create(portfolio=portfolio, prompt=worksheets["channels"], value=["Instagram", "LinkedIn"])
    board = Answer(portfolio=portfolio, prompt=worksheets["moodboard"])
    board.image.save("board.png", ContentFile(png_bytes()), save=True)
    return portfolio


@pytest.fixture
def entry(portfolio, learner, course):
    services.accept_rules(learner, course)
    return services.publish_entry(portfolio, title="Lee’s illustrator network", summary=SUMMARY, critical_evaluation=EVALUATION)


@pytest.fixture
def peer(other_learner, course):
    factories.enroll(other_learner, course)
    services.accept_rules(other_learner, course)
    return other_learner


def client_for(user) -> Client:
    """A separate browser session per person, so two people can act in one test."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def peer_client(peer):
    return client_for(peer)


@pytest.fixture
def outsider(db):
    return factories.make_user(email="outsider@example.com", display_name="Otto Outsider")


@pytest.fixture
def author_client(learner, enrollment):
    return client_for(learner)


@pytest.fixture
def instructor(instructor, course):
    """The instructor of the root conftest, named as this course's instructor: the gallery's staff
    are the course's instructors, not every account in the instructors group."""
    StaffMember.objects.create(course=course, name=instructor.public_name, role=StaffMember.Role.INSTRUCTOR, user=instructor)
    return instructor


@pytest.fixture
def staff_client(instructor):
    return client_for(instructor)


@pytest.fixture
def make_entry(course):
    """Build a published entry for a new enrolled learner (its portfolio has no answers)."""

    def make(title: str = "An entry", **fields):
        user = factories.make_user(display_name=fields.pop("author_name", "Someone Else"))
        enrollment = factories.enroll(user, course)
        portfolio = get_or_create_portfolio(enrollment)
        return Entry.objects.create(
            portfolio=portfolio, course=course, author=user, title=title, summary=SUMMARY,
            critical_evaluation=EVALUATION, **fields,
        )

    return make
