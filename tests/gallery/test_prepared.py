"""The prepared lookups (core.prepared) give what the ORM queries they replace give, row for row:
the worksheet, portfolio and gallery pages' lookups."""

from datetime import timedelta

import pytest
from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from core.prepared import PreparedRows
from gallery import services
from gallery.models import Entry, PublishedEntries, entry_for_reader, own_entry
from gallery.views import SORTS
from portfolios.models import (
    Answer,
    Portfolio,
    WorksheetSubmission,
    portfolio_answers,
    portfolio_submissions,
    portfolio_with_entry,
    worksheet_answers,
    worksheet_portfolio,
)
from portfolios.services import get_or_create_portfolio
from tests import factories
from tests.gallery.conftest import EVALUATION, SUMMARY


def loaded(instance) -> dict:
    """The values an instance holds without a query (deferred fields left out)."""
    deferred = instance.get_deferred_fields()
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields if f.attname not in deferred}


def test_a_field_list_loads_only_those_fields_and_the_primary_key(portfolio):
    found = PreparedRows([("p", Portfolio, ["summary_version"])], "FROM {p} p WHERE p.id = %s").rows([portfolio.pk])[0][0]
    assert set(loaded(found)) == {"id", "summary_version"}
    assert found.summary == SUMMARY  # a deferred field still loads when read, as with .only()


def test_an_unknown_field_is_named_in_the_error(db):
    with pytest.raises(ValueError, match="summry"):
        PreparedRows([("p", Portfolio, ["summry"])], "FROM {p} p").rows([])


def test_the_worksheet_lookups_match_the_orm(enrollment, portfolio, worksheets):
    audience = worksheets["who"].worksheet
    found = worksheet_portfolio(enrollment.pk, audience.pk)
    assert found.submitted_at is None
    submitted = WorksheetSubmission.objects.create(portfolio=portfolio, worksheet=audience)
    found = worksheet_portfolio(enrollment.pk, audience.pk)
    submissions = WorksheetSubmission.objects.filter(portfolio=OuterRef("pk"), worksheet=audience).values("submitted_at")
    expected = Portfolio.objects.annotate(submitted_at=Subquery(submissions[:1])).get(enrollment=enrollment)
    assert found.submitted_at == expected.submitted_at == submitted.submitted_at
    assert loaded(found) == {k: v for k, v in loaded(expected).items() if k in loaded(found)}
    assert {"summary", "critical_evaluation"} <= found.get_deferred_fields()
    assert worksheet_portfolio(enrollment.pk, worksheets["moodboard"].worksheet_id).submitted_at is None
    assert worksheet_portfolio(enrollment.pk + 1000, audience.pk) is None

    answers = worksheet_answers(portfolio.pk, audience.pk)
    expected_answers = {a.prompt_id: a for a in Answer.objects.filter(portfolio=portfolio, prompt__worksheet=audience)}
    assert set(answers) == {worksheets["who"].pk, worksheets["site"].pk} == set(expected_answers)
    assert all(loaded(answers[pk]) == loaded(expected_answers[pk]) for pk in answers)


def test_the_portfolio_page_lookups_match_the_orm(enrollment, portfolio, worksheets, learner, course):
    found = portfolio_with_entry(enrollment.pk)
    assert loaded(found) == loaded(Portfolio.objects.get(pk=portfolio.pk))
    with pytest.raises(Entry.DoesNotExist):  # no entry: known without a query, as select_related() knows it
        _ = found.entry
    services.accept_rules(learner, course)
    services.publish_entry(portfolio, title="Lee’s illustrator network", summary=SUMMARY, critical_evaluation=EVALUATION)
    found = portfolio_with_entry(enrollment.pk)
    expected = Portfolio.objects.select_related("entry").get(pk=portfolio.pk).entry
    assert loaded(found.entry) == {k: v for k, v in loaded(expected).items() if k in loaded(found.entry)}
    assert {"summary", "critical_evaluation", "snapshot"} <= found.entry.get_deferred_fields()
    assert found.entry.portfolio is found

    assert portfolio_answers(portfolio.pk) == {
        prompt_id: (value, image, version)
        for prompt_id, value, image, version in Answer.objects.filter(portfolio=portfolio).values_list("prompt_id", "value", "image", "version")
    }
    assert any(image for _value, image, _version in portfolio_answers(portfolio.pk).values())
    WorksheetSubmission.objects.create(portfolio=portfolio, worksheet=worksheets["who"].worksheet)
    assert portfolio_submissions(portfolio.pk) == dict(
        WorksheetSubmission.objects.filter(portfolio=portfolio).values_list("worksheet_id", "submitted_at")
    )


@pytest.fixture
def gallery_of_five(course, learner, enrollment):
    """Five entries by five authors, with tied publish times and comment counts to test the tie-breaks."""
    start = timezone.now() - timedelta(days=3)
    entries = []
    for n, (hours, comments) in enumerate([(0, 2), (5, 7), (5, 7), (9, 0), (12, 2)]):
        author = factories.make_user(display_name=f"Author {n}")
        entries.append(Entry.objects.create(
            portfolio=get_or_create_portfolio(factories.enroll(author, course)), course=course, author=author, title=f"Entry {n}", summary=SUMMARY,
            critical_evaluation=EVALUATION, published_at=start + timedelta(hours=hours), comment_count=comments,
        ))
    Entry.objects.filter(pk=entries[3].pk).update(is_hidden=True)
    Entry.objects.filter(pk=entries[4].pk).update(is_published=False)
    return entries


@pytest.mark.parametrize("sort", ["newest", "discussed"])
def test_the_published_pages_match_the_orm(gallery_of_five, course, sort):
    expected = list(
        Entry.objects.filter(course=course, is_published=True, is_hidden=False).select_related("author").order_by(*SORTS[sort])
    )
    entries = PublishedEntries(course.pk, sort)
    assert entries.count() == len(expected) == 3
    assert [e.pk for e in entries[0:24]] == [e.pk for e in expected]
    assert [e.pk for e in entries[1:2]] == [expected[1].pk]
    assert entries[3:6] == []
    first = entries[0:1][0]
    assert first.author.public_name == expected[0].author.public_name
    assert loaded(first) == {k: v for k, v in loaded(expected[0]).items() if k in loaded(first)}
    with pytest.raises(TypeError):
        entries[0]


def test_own_entry_and_the_entry_page_follow_visible_to(gallery_of_five, course, learner, enrollment, instructor):
    assert own_entry(enrollment.pk) is None
    author_of_hidden = gallery_of_five[3].author
    assert own_entry(author_of_hidden.enrollments.get().pk).pk == gallery_of_five[3].pk
    for reader in (learner, author_of_hidden, instructor):
        visible = set(Entry.objects.visible_to(reader).filter(course=course).values_list("pk", flat=True))
        found = {e.pk for e in gallery_of_five if entry_for_reader(course.pk, e.pk, reader) is not None}
        assert found == visible, reader
    first = entry_for_reader(course.pk, gallery_of_five[0].pk, learner)
    assert first.author.public_name == "Author 0"
    assert entry_for_reader(course.pk + 1000, gallery_of_five[0].pk, instructor) is None


def test_datetime_extras_are_converted_on_every_database(portfolio, worksheets):
    """A subquery's datetime comes back aware, as the ORM's annotate() gives it (SQLite returns text)."""
    WorksheetSubmission.objects.create(portfolio=portfolio, worksheet=worksheets["who"].worksheet)
    query = PreparedRows(
        [("p", Portfolio, [])], "FROM {p} p WHERE p.id = %s",
        extra=[("when", "SELECT MAX(s.submitted_at) FROM {s} s WHERE s.portfolio_id = p.id", models.DateTimeField())],
        tables={"s": WorksheetSubmission},
    )
    when = query.rows([portfolio.pk])[0][0].when
    assert timezone.is_aware(when)
