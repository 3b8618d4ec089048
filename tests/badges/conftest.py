"""Badge fixtures: badge classes with real generated images, and helpers to record learner activity."""

import itertools

import pytest
from django.core.files.base import ContentFile

from badges.models import BadgeClass
from courses.models import SessionCompletion
from tests import factories

_seq = itertools.count(1)


@pytest.fixture
def make_badge(db):
    def make(course, *, rule=BadgeClass.Rule.MANUAL, rule_param=None, name=None, **fields) -> BadgeClass:
        n = next(_seq)
        name = name or f"Badge {n}"
        badge = BadgeClass(
            course=course,
            slug=fields.pop("slug", f"badge-{n}"),
            name=name,
            description=fields.pop("description", f"Recognises {name}."),
            criteria=fields.pop("criteria", "Complete **every** lesson."),
            rule=rule,
            rule_param=rule_param,
            order=n,
            **fields,
        )
        badge.image.save("badge.png", ContentFile(factories.badge_png("#1f4e79", str(n % 10))), save=False)
        badge.save()
        return badge

    return make


@pytest.fixture
def session_badge(make_badge, course):
    return make_badge(
        course, rule=BadgeClass.Rule.SESSION_COMPLETED, rule_param=1, name="Micro-influence Foundations",
        slug="micro-influence-foundations",
    )


def complete_session(enrollment, number: int) -> None:
    """What the progress task records once every lesson of a session is complete."""
    SessionCompletion.objects.create(enrollment=enrollment, session=enrollment.course.sessions.get(number=number))
