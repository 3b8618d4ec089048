"""The badge pages' prepared lookups (core.prepared) give what the ORM queries they replace give."""

from badges.models import Award, award_with_badge, awards_of
from badges.services import award_badge, revoke_award


def loaded(instance) -> dict:
    """The values an instance holds without a query (deferred fields left out)."""
    deferred = instance.get_deferred_fields()
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields if f.attname not in deferred}


def test_the_award_lookups_match_the_orm(make_badge, course, learner, other_learner):
    first, second = make_badge(course), make_badge(course)
    kept = award_badge(learner, first)
    revoked = award_badge(learner, second)
    revoke_award(revoked, "Awarded by mistake.")
    award_badge(other_learner, first)
    expected = list(Award.objects.filter(recipient=learner).select_related("badge").order_by("awarded_at", "pk"))
    found = awards_of(learner.pk)
    assert [loaded(a) for a in found] == [loaded(a) for a in expected]
    assert [loaded(a.badge) for a in found] == [loaded(a.badge) for a in expected]

    page = award_with_badge(kept.uuid)
    expected_page = Award.objects.select_related("badge", "badge__course", "recipient").get(uuid=kept.uuid)
    assert loaded(page) == loaded(expected_page)
    assert loaded(page.badge.course) == loaded(expected_page.badge.course)
    assert loaded(page.recipient) == loaded(expected_page.recipient)
    assert award_with_badge(str(kept.uuid)).pk == kept.pk
    assert award_with_badge("0" * 32) is None
