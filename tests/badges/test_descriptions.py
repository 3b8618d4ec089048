"""A badge's description is Markdown: rendered and sanitised on the pages, plain text where a field takes text."""

import json

import pytest
from django.core import mail

from badges.services import award_badge

DESCRIPTION = "Recognises **bold** work; read [the guide](https://example.com/guide) & <script>alert(1)</script>more."
PLAIN = "Recognises bold work; read the guide & more."


@pytest.fixture
def badge(make_badge, course):
    return make_badge(course, name="Bold Maker", slug="bold-maker", description=DESCRIPTION)


def test_the_course_page_renders_each_badge_description_as_markdown(client, course, badge):
    html = client.get(course.get_absolute_url()).content.decode()

    assert "Recognises <strong>bold</strong> work" in html
    assert '<a href="https://example.com/guide" rel="nofollow noopener noreferrer">the guide</a>' in html
    assert "**bold**" not in html and "[the guide]" not in html
    assert "<script>alert" not in html


def test_the_award_page_renders_the_description_and_its_meta_tags_carry_plain_text(client, learner, badge):
    award = award_badge(learner, badge)

    html = client.get(award.get_absolute_url()).content.decode()

    assert "Recognises <strong>bold</strong> work" in html
    assert "**bold**" not in html and "<script>alert" not in html
    assert '<meta property="og:description" content="Recognises bold work; read the guide &amp; more.">' in html
    assert '<meta name="twitter:description" content="Recognises bold work; read the guide &amp; more.">' in html
    assert '<meta name="description" content="Lee Learner earned the Bold Maker badge on' in html
    assert "read the guide &amp; more.\">" in html


def test_the_award_email_renders_the_description_in_html_and_keeps_the_markdown_in_text(
    learner, badge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        award_badge(learner, badge)

    [email] = mail.outbox
    assert "Recognises <strong>bold</strong> work" in email.alternatives[0][0]
    assert "<script>alert" not in email.alternatives[0][0]
    # Plain-text emails show Markdown as written, as the announcement emails do: readable, and a link keeps its address.
    assert "[the guide](https://example.com/guide)" in email.body


def test_the_open_badges_json_gives_the_description_as_plain_text(client, learner, badge):
    award = award_badge(learner, badge)

    badge_class = json.loads(client.get(f"/badges/class/{badge.slug}.json").content)
    credential = json.loads(client.get(f"/badges/awards/{award.uuid}/credential.json").content)

    assert badge_class["description"] == PLAIN
    assert credential["credentialSubject"]["achievement"]["description"] == PLAIN
    # The criteria's narrative is Markdown in both specs, so it stays as written.
    assert badge_class["criteria"]["narrative"] == badge.criteria


def test_the_badge_admin_previews_the_description_and_criteria(admin_client, badge):
    html = admin_client.get(f"/admin/badges/badgeclass/{badge.pk}/change/").content.decode()

    assert '<textarea name="description"' in html and '<textarea name="criteria"' in html
    assert html.count('data-markdown-preview="/admin/courses/course/markdown-preview/"') == 2
