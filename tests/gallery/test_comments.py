import re
import time
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from gallery import services
from gallery.models import Comment, Entry, Report, RulesAcceptance
from tests import factories
from tests.gallery.conftest import client_for
from tests.gallery.test_query_counts import bulk_comments


def comment_url(entry):
    return reverse("gallery:comment", args=[entry.course.slug, entry.pk])


def test_posting_a_comment_renders_markdown_and_counts_it(peer_client, entry):
    response = peer_client.post(comment_url(entry), {"body": "I **love** the [plan](https://example.com)."})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url.endswith(f"#comment-{comment.pk}")
    assert comment.body_html == (
        '<p>I <strong>love</strong> the <a href="https://example.com" rel="nofollow noopener noreferrer">plan</a>.</p>'
    )
    entry.refresh_from_db()
    assert entry.comment_count == 1
    assert "<strong>love</strong>" in peer_client.get(entry.get_absolute_url()).content.decode()


def test_an_empty_comment_gets_a_clear_error(peer_client, entry):
    response = peer_client.post(comment_url(entry), {"body": "   \n "})
    assert response.status_code == 200
    assert "Your comment is empty. Write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_overlong_comment_gets_a_clear_error_and_keeps_the_text(peer_client, entry):
    body = "A thoughtful remark. " * 300  # 6,300 characters
    response = peer_client.post(comment_url(entry), {"body": body})
    html = response.content.decode()
    assert response.status_code == 200
    assert "the limit is 5,000. Please shorten it" in html
    assert "A thoughtful remark. A thoughtful remark." in html
    assert not Comment.objects.exists()


def test_an_overlong_reply_keeps_its_text_in_the_reply_box_it_came_from(peer_client, entry, learner):
    top = Comment.objects.create(entry=entry, author=learner, body="Top", body_html="<p>Top</p>")
    response = peer_client.post(comment_url(entry), {"body": "x" * 5001, "parent": top.pk})
    html = response.content.decode()
    box = re.search(rf'<textarea[^>]* id="reply-body-{top.pk}"[^>]*>([^<]*)</textarea>', html)
    assert box and box.group(1).strip() == "x" * 5001
    assert re.search(rf'<details class="reply-box" open>\s*<summary>Reply</summary>\s*<form[^>]*#comment-{top.pk}"', html)
    assert "the limit is 5,000" in html


def test_a_reply_to_a_reply_attaches_to_the_top_level_comment(peer_client, entry, learner, peer):
    top = Comment.objects.create(entry=entry, author=learner, body="Top", body_html="<p>Top</p>")
    reply = Comment.objects.create(entry=entry, author=peer, parent=top, body="Reply", body_html="<p>Reply</p>")
    client_for(learner).post(comment_url(entry), {"body": "Reply to the reply", "parent": reply.pk})
    assert Comment.objects.get(body="Reply to the reply").parent == top


def test_a_reply_cannot_target_a_comment_on_another_entry(peer_client, entry, make_entry, peer):
    other = make_entry("Elsewhere")
    foreign = Comment.objects.create(entry=other, author=peer, body="x", body_html="x")
    peer_client.post(comment_url(entry), {"body": "Sneaky", "parent": foreign.pk})
    assert Comment.objects.get(body="Sneaky").parent is None


def test_first_comment_needs_the_rules_and_then_records_them(entry, other_learner, course):
    factories.enroll(other_learner, course)
    client = client_for(other_learner)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "Be kind." in html
    response = client.post(comment_url(entry), {"body": "Hello"})
    assert "Please accept the community rules before your first comment." in response.content.decode()
    assert "Hello" in response.content.decode()
    client.post(comment_url(entry), {"body": "Hello", "accept_rules": "on"})
    assert Comment.objects.filter(body="Hello").exists()
    assert RulesAcceptance.objects.filter(user=other_learner, course=course).exists()


def test_author_edits_their_comment(peer_client, entry, peer):
    comment = Comment.objects.create(entry=entry, author=peer, body="Frist", body_html="<p>Frist</p>")
    url = reverse("gallery:comment_edit", args=[entry.course.slug, entry.pk, comment.pk])
    assert "Frist" in peer_client.get(url).content.decode()
    response = peer_client.post(url, {"body": "First, *corrected*"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body_html == "<p>First, <em>corrected</em></p>"
    assert comment.edited_at is not None
    assert "(edited)" in peer_client.get(entry.get_absolute_url()).content.decode()


def test_editing_to_empty_is_refused(peer_client, entry, peer):
    comment = Comment.objects.create(entry=entry, author=peer, body="Keep", body_html="<p>Keep</p>")
    url = reverse("gallery:comment_edit", args=[entry.course.slug, entry.pk, comment.pk])
    assert "Your comment is empty" in peer_client.post(url, {"body": ""}).content.decode()
    comment.refresh_from_db()
    assert comment.body == "Keep"


def test_deleting_a_comment_updates_the_count(peer_client, entry, peer):
    peer_client.post(comment_url(entry), {"body": "One"})
    peer_client.post(comment_url(entry), {"body": "Two"})
    comment = Comment.objects.get(body="One")
    peer_client.post(reverse("gallery:comment_delete", args=[entry.course.slug, entry.pk, comment.pk]))
    entry.refresh_from_db()
    assert entry.comment_count == 1
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_deleting_a_comment_with_replies_keeps_the_replies(peer_client, entry, peer, learner):
    top = Comment.objects.create(entry=entry, author=peer, body="Top", body_html="<p>Top</p>")
    Comment.objects.create(entry=entry, author=learner, parent=top, body="Answer", body_html="<p>Answer</p>")
    entry.refresh_comment_count()
    assert entry.comment_count == 2
    peer_client.post(reverse("gallery:comment_delete", args=[entry.course.slug, entry.pk, top.pk]))
    entry.refresh_from_db()
    assert entry.comment_count == 1
    html = peer_client.get(entry.get_absolute_url()).content.decode()
    assert "The author deleted this comment." in html
    assert "Answer" in html


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_deleting_a_user_keeps_other_peoples_replies_under_a_placeholder(entry, peer, learner, how):
    top = services.post_comment(entry, peer, "Top by the peer")
    reply = services.post_comment(entry, learner, "The author answers", parent=top)
    services.post_comment(entry, peer, "The peer follows up", parent=top)
    services.post_comment(entry, peer, "Nobody answered this one")
    peer.delete() if how == "instance" else type(peer).objects.filter(pk=peer.pk).delete()

    top.refresh_from_db()
    assert (top.is_deleted, top.body, top.body_html, top.author_id) == (True, "", "", None)
    assert list(Comment.objects.filter(entry=entry).order_by("pk")) == [top, reply]
    assert Entry.objects.get(pk=entry.pk).comment_count == 1
    html = client_for(learner).get(entry.get_absolute_url()).content.decode()
    assert "The author deleted this comment." in html and "The author answers" in html
    assert "Top by the peer" not in html and "The peer follows up" not in html


def test_deleting_a_user_whose_threads_have_no_replies_from_others_deletes_them(entry, peer):
    top = services.post_comment(entry, peer, "Talking to myself")
    services.post_comment(entry, peer, "Still me", parent=top)
    peer.delete()
    assert not Comment.objects.exists()
    assert Entry.objects.get(pk=entry.pk).comment_count == 0


def test_the_course_instructors_comments_and_replies_are_marked_and_a_lookalike_name_is_not(entry, peer, instructor, admin_user):
    top = services.post_comment(entry, instructor, "Welcome, everyone")
    services.post_comment(entry, peer, "Thanks", parent=top)
    services.post_comment(entry, instructor, "A reply from staff", parent=top)
    services.post_comment(entry, admin_user, "A note from the site")
    type(peer).objects.filter(pk=peer.pk).update(display_name=instructor.display_name)  # as an old name could be
    html = client_for(peer).get(entry.get_absolute_url()).content.decode()
    marks = re.findall(r'<strong id="comment-(\d+)-by">[^<]*</strong>\s*(<span class="pill pill-staff">[^<]*</span>)?', html)
    by_comment = {int(pk): mark for pk, mark in marks}
    assert [by_comment[c.pk] for c in Comment.objects.order_by("pk")] == [
        '<span class="pill pill-staff">Instructor</span>', "", '<span class="pill pill-staff">Instructor</span>',
        '<span class="pill pill-staff">Site admin</span>',
    ]


# --- after access ends ------------------------------------------------------------------


@pytest.fixture
def expired_peer(peer, course):
    """The peer, with a comment and a reply to report, whose access to the course then ended."""
    Enrollment.objects.filter(user=peer, course=course).update(
        status=Enrollment.Status.EXPIRED, access_expires_at=timezone.now() - timedelta(days=1)
    )
    return peer


@pytest.mark.parametrize("action", ["comment", "edit", "report_entry", "report_comment"])
def test_a_learner_whose_access_ended_can_read_but_not_comment_edit_or_report(entry, learner, expired_peer, action):
    own = Comment.objects.create(entry=entry, author=expired_peer, body="Mine", body_html="<p>Mine</p>")
    authors = Comment.objects.create(entry=entry, author=learner, body="Theirs", body_html="<p>Theirs</p>")
    slug, pk = entry.course.slug, entry.pk
    url, data = {
        "comment": (comment_url(entry), {"body": "Late comment"}),
        "edit": (reverse("gallery:comment_edit", args=[slug, pk, own.pk]), {"body": "Late edit"}),
        "report_entry": (reverse("gallery:report_entry", args=[slug, pk]), {"reason": "Late report"}),
        "report_comment": (reverse("gallery:report_comment", args=[slug, pk, authors.pk]), {"reason": "Late report"}),
    }[action]
    client = client_for(expired_peer)
    assert client.get(entry.get_absolute_url()).status_code == 200
    response = client.post(url, data, follow=True)
    assert "Your access to this course has ended: you can read the gallery but not post in it." in response.content.decode()
    assert Comment.objects.count() == 2 and Comment.objects.get(pk=own.pk).body == "Mine"
    assert not Report.objects.exists()


def test_a_learner_whose_access_ended_is_offered_no_edit_or_report_buttons_and_the_edit_page_sends_them_back(
    entry, learner, expired_peer
):
    own = Comment.objects.create(entry=entry, author=expired_peer, body="Mine", body_html="<p>Mine</p>")
    Comment.objects.create(entry=entry, author=learner, body="Theirs", body_html="<p>Theirs</p>")
    client = client_for(expired_peer)
    html = client.get(entry.get_absolute_url()).content.decode()
    assert f"comments/{own.pk}/edit/" not in html and "Send report" not in html
    assert "Delete" in html  # taking down their own words stays possible
    edit = client.get(reverse("gallery:comment_edit", args=[entry.course.slug, entry.pk, own.pk]))
    assert edit.status_code == 302 and edit.url == own.get_absolute_url()


def test_a_learner_whose_access_ended_can_still_delete_their_own_comment(entry, expired_peer):
    own = Comment.objects.create(entry=entry, author=expired_peer, body="Mine", body_html="<p>Mine</p>")
    client_for(expired_peer).post(reverse("gallery:comment_delete", args=[entry.course.slug, entry.pk, own.pk]))
    assert not Comment.objects.exists()


# --- sanitising -------------------------------------------------------------------------

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="#" onclick="alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<body onload="alert(1)">',
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    '<base href="javascript:alert(1)//">',
    "![img](javascript:alert(1))",
    '"><script>alert(1)</script>',
    "<style>body{display:none}</style>",
    '<a href="https://ok.example" style="color:red" onmouseover="alert(1)">ok</a>',
]


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def dangerous_markup(html: str) -> list:
    """Every tag or attribute in the comment area that could run script or restyle the page."""
    parser = _Collector()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.tags:
        if tag in {"script", "iframe", "object", "embed", "svg", "math", "style", "meta", "base", "img", "body", "input"}:
            problems.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                problems.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "data"} and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower().split(":", 1)[0]
                if scheme in {"javascript", "vbscript", "data"}:
                    problems.append(f"{tag}[{name}={value}]")
    return problems


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_comment_markup_is_stored_and_rendered_harmlessly(peer_client, entry, payload):
    response = peer_client.post(comment_url(entry), {"body": payload})
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.body == payload  # the source is kept as typed, for editing
    assert dangerous_markup(comment.body_html) == []
    html = peer_client.get(entry.get_absolute_url()).content.decode()
    # The sanitiser allows no <div>, so the body ends at the first </div>.
    rendered = re.search(rf'id="comment-{comment.pk}".*?<div class="comment-body prose">(.*?)</div>', html, re.S)
    assert rendered is not None
    assert dangerous_markup(rendered.group(1)) == []
    # The edit form shows the source escaped inside the textarea, never as markup.
    edit = peer_client.get(reverse("gallery:comment_edit", args=[entry.course.slug, entry.pk, comment.pk])).content.decode()
    source = re.search(r'<textarea name="body"[^>]*>(.*?)</textarea>', edit, re.S).group(1)
    assert "<" not in source


def test_the_payload_set_is_large_enough():
    assert len(XSS_PAYLOADS) >= 20


def test_the_checker_itself_catches_dangerous_markup():
    assert dangerous_markup('<p><img src=x onerror="alert(1)"></p>') == ["img", "img[onerror]"]
    assert dangerous_markup('<a href=" JavaScript:alert(1)">x</a>') == ["a[href= JavaScript:alert(1)]"]
    assert dangerous_markup('<a href="https://ok.example" rel="nofollow">ok</a>') == []


# --- rate limits ------------------------------------------------------------------------


def test_a_flood_of_comments_is_slowed_down_with_a_clear_message_and_the_text_kept(peer_client, entry, clock):
    for n in range(5):
        assert peer_client.post(comment_url(entry), {"body": f"Comment {n}"}).status_code == 302
    response = peer_client.post(comment_url(entry), {"body": "The sixth one, kept"})
    html = response.content.decode()
    assert response.status_code == 429
    assert "Please slow down and try again in" in html
    assert "The sixth one, kept" in html
    assert Comment.objects.count() == 5


def test_the_hourly_limit_applies_across_minutes(peer_client, entry, peer, clock):
    for n in range(30):
        clock["t"] += 61 if n and n % 5 == 0 else 0  # five a minute, then the next minute
        assert peer_client.post(comment_url(entry), {"body": f"Comment {n}"}).status_code == 302
    clock["t"] += 61
    response = peer_client.post(comment_url(entry), {"body": "Thirty-first"})
    assert response.status_code == 429
    assert "try again in" in response.content.decode()


def test_the_rate_limit_is_per_learner(peer_client, entry, learner, clock):
    for n in range(5):
        peer_client.post(comment_url(entry), {"body": f"Peer {n}"})
    response = client_for(learner).post(comment_url(entry), {"body": "Author replies"})
    assert response.status_code == 302


def test_rejected_comments_do_not_use_up_the_rate_limit(peer_client, entry):
    for _ in range(6):
        peer_client.post(comment_url(entry), {"body": ""})
    assert peer_client.post(comment_url(entry), {"body": "Real comment"}).status_code == 302


def test_a_flood_of_edits_is_slowed_down_like_posts_with_the_text_kept(peer_client, entry, peer, clock):
    comment = Comment.objects.create(entry=entry, author=peer, body="First", body_html="<p>First</p>")
    url = reverse("gallery:comment_edit", args=[entry.course.slug, entry.pk, comment.pk])
    for n in range(5):
        assert peer_client.post(url, {"body": f"Edit {n}"}).status_code == 302
    response = peer_client.post(url, {"body": "The sixth edit, kept"})
    html = response.content.decode()
    assert response.status_code == 429
    assert "You are editing comments faster than we allow (5 edits a minute, 30 an hour)" in html
    assert "The sixth edit, kept" in html
    comment.refresh_from_db()
    assert comment.body == "Edit 4"


def test_edits_and_posts_count_on_their_own(peer_client, entry, peer, clock):
    comment = Comment.objects.create(entry=entry, author=peer, body="First", body_html="<p>First</p>")
    url = reverse("gallery:comment_edit", args=[entry.course.slug, entry.pk, comment.pk])
    for n in range(5):
        peer_client.post(url, {"body": f"Edit {n}"})
    assert peer_client.post(comment_url(entry), {"body": "A new comment"}).status_code == 302


def test_an_edit_of_pathological_markdown_answers_quickly(peer_client, entry, peer):
    comment = Comment.objects.create(entry=entry, author=peer, body="First", body_html="<p>First</p>")
    url = reverse("gallery:comment_edit", args=[entry.course.slug, entry.pk, comment.pk])
    started = time.perf_counter()
    response = peer_client.post(url, {"body": "[" * 4990 + "1"})
    assert response.status_code == 302
    assert time.perf_counter() - started < 2.0


def test_comment_count_stays_right_through_hide_restore_and_delete(entry, peer, learner, instructor):
    a = services.post_comment(entry, peer, "a")
    b = services.post_comment(entry, learner, "b", parent=a)
    services.post_comment(entry, peer, "c")
    assert Entry.objects.get(pk=entry.pk).comment_count == 3
    services.moderate(b, hide=True, by=instructor)
    assert Entry.objects.get(pk=entry.pk).comment_count == 2
    services.moderate(b, hide=False, by=instructor)
    assert Entry.objects.get(pk=entry.pk).comment_count == 3
    services.delete_comment(a)  # has a reply: kept as a placeholder, not counted
    assert Entry.objects.get(pk=entry.pk).comment_count == 2


# --- a long discussion ------------------------------------------------------------------


def test_a_long_discussion_is_paged_and_new_comments_and_replies_land_on_their_page(entry, peer, learner, peer_client):
    bulk_comments(entry, [peer, learner], 120)  # 60 threads of a comment and a reply: two pages
    first, last = Comment.objects.filter(parent=None).order_by("created_at", "pk")[::59]
    html = peer_client.get(entry.get_absolute_url()).content.decode()
    assert "Page 1 of 2" in html and 'href="?page=2#comments"' in html
    assert f'id="comment-{first.pk}"' in html and f'id="comment-{last.pk}"' not in html
    page_two = peer_client.get(entry.get_absolute_url() + "?page=2").content.decode()
    assert f'id="comment-{last.pk}"' in page_two and 'href="?page=1#comments"' in page_two

    posted = peer_client.post(comment_url(entry), {"body": "The newest thought."}, follow=True)
    assert "The newest thought." in posted.content.decode() and "Page 2 of 2" in posted.content.decode()
    replied = peer_client.post(comment_url(entry), {"body": "A late reply.", "parent": first.pk}, follow=True)
    assert "A late reply." in replied.content.decode() and "Page 1 of 2" in replied.content.decode()
    failed = peer_client.post(comment_url(entry), {"body": "", "parent": last.pk}).content.decode()
    assert "Page 2 of 2" in failed and '<textarea name="body" cols="40" rows="3"' in failed
    assert re.search(rf'<details class="reply-box" open>\s*<summary>Reply</summary>\s*<form[^>]*#comment-{last.pk}"', failed)


def test_a_link_to_a_comment_that_is_gone_opens_the_first_page(entry, peer_client):
    for link in ("?comment=999999", "?comment=abc", "?comment="):
        assert peer_client.get(entry.get_absolute_url() + link).status_code == 200
