"""#16.9: a database loaded before the worksheets grew gets their new prompts without losing an answer."""

import json

from django.core.management import call_command

from portfolios.management.commands.add_worksheet_prompts import FIXTURE
from portfolios.models import Answer, Prompt
from portfolios.services import get_or_create_portfolio
from tests.portfolios.conftest import make_worksheet

OLD_SETUP = [
    {"kind": "short_text", "label": "Describe your creative practice in one sentence.", "required": True},
    {"kind": "long_text", "label": "A question an instructor added in the admin."},
]


def fixture_prompts(slug: str) -> list[dict]:
    rows = json.loads(FIXTURE.read_text())
    sheet = next(row["pk"] for row in rows if row["model"] == "portfolios.worksheet" and row["fields"]["slug"] == slug)
    return [row["fields"] for row in rows if row["model"] == "portfolios.prompt" and row["fields"]["worksheet"] == sheet]


def test_the_new_prompts_are_added_once_and_every_answer_stays(course, enrollment):
    worksheet = make_worksheet(course, slug="portfolio-setup", title="Micro-influence portfolio: set-up", prompts=OLD_SETUP)
    old, own = worksheet.prompts.order_by("order")
    answer = Answer.objects.create(portfolio=get_or_create_portfolio(enrollment), prompt=old, value="Stoneware for cooks.", version=2)
    call_command("add_worksheet_prompts", course=course.slug)
    wanted = fixture_prompts("portfolio-setup")
    prompts = list(Prompt.objects.filter(worksheet=worksheet))
    # Every prompt of the fixture once (the old one matched by its label), and the instructor's own kept.
    assert len(prompts) == len(wanted) + 1
    assert {p["key"] for p in wanted} <= {p.key for p in prompts}
    assert {p["section"] for p in wanted} >= {"Beliefs", "Skills", "Networks", "Content", "Endorsements", "Experiences"}
    answer.refresh_from_db()
    assert answer.prompt_id == old.pk and answer.value == "Stoneware for cooks." and answer.version == 2
    old.refresh_from_db()
    assert old.key == "practice-sentence" and old.section == "Your practice today"
    assert Prompt.objects.filter(pk=own.pk).exists()
    call_command("add_worksheet_prompts", course=course.slug)
    assert Prompt.objects.filter(worksheet=worksheet).count() == len(prompts)
