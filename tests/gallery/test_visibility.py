"""Who may see and do what, on every gallery URL."""

import pytest
from django.urls import reverse

from courses.models import Enrollment, StaffMember
from gallery.models import Comment
from tests import factories
from tests.gallery.conftest import client_for


@pytest.fixture
def scene(course, entry, peer, learner):
    """An entry by `learner` with one comment by the author and one by the peer."""
    own = Comment.objects.create(entry=entry, author=learner, body="Thanks all", body_html="<p>Thanks all</p>")
    peers = Comment.objects.create(entry=entry, author=peer, body="Lovely", body_html="<p>Lovely</p>")
    return {"course": course, "entry": entry, "author_comment": own, "peer_comment": peers}


def urls(scene):
    slug, pk = scene["course"].slug, scene["entry"].pk
    c = scene["author_comment"].pk
    return {
        "list": ("get", reverse("gallery:list", args=[slug]), {}),
        "publish": ("get", reverse("gallery:publish", args=[slug]), {}),
        "entry": ("get", reverse("gallery:entry", args=[slug, pk]), {}),
        "pdf": ("get", reverse("gallery:entry_pdf", args=[slug, pk]), {}),
        "comment": ("post", reverse("gallery:comment", args=[slug, pk]), {"body": "Hello there"}),
        "edit": ("get", reverse("gallery:comment_edit", args=[slug, pk, c]), {}),
        "delete": ("post", reverse("gallery:comment_delete", args=[slug, pk, c]), {}),
        "report_entry": ("post", reverse("gallery:report_entry", args=[slug, pk]), {"reason": "Spam"}),
        "report_comment": ("post", reverse("gallery:report_comment", args=[slug, pk, c]), {"reason": "Rude"}),
        "moderate_entry": ("post", reverse("gallery:moderate_entry", args=[slug, pk]), {"action": "restore"}),
        "moderate_comment": ("post", reverse("gallery:moderate_comment", args=[slug, pk, c]), {"action": "restore"}),
        "unpublish": ("post", reverse("gallery:unpublish", args=[slug]), {}),
    }


# Expected status per role; 302 on a state change means it went through and redirected back.
EXPECTED = {
    "outsider": dict.fromkeys(
        ["list", "publish", "entry", "pdf", "comment", "edit", "delete", "report_entry", "report_comment",
         "moderate_entry", "moderate_comment", "unpublish"], 404),
    "peer": {
        "list": 200, "publish": 200, "entry": 200, "pdf": 302, "comment": 302, "edit": 404, "delete": 404,
        "report_entry": 302, "report_comment": 302, "moderate_entry": 403, "moderate_comment": 403, "unpublish": 404,
    },
    "author": {
        "list": 200, "publish": 200, "entry": 200, "pdf": 302, "comment": 302, "edit": 200, "delete": 302,
        "report_entry": 302, "report_comment": 302, "moderate_entry": 403, "moderate_comment": 403, "unpublish": 302,
    },
    "staff": {
        "list": 200, "publish": 404, "entry": 200, "pdf": 302, "comment": 302, "edit": 404, "delete": 404,
        "report_entry": 302, "report_comment": 302, "moderate_entry": 302, "moderate_comment": 302, "unpublish": 404,
    },
}
NAMES = list(EXPECTED["peer"])


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_visitors_are_sent_to_log_in(client, scene, name):
    method, url, data = urls(scene)[name]
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("name", NAMES)
def test_each_role_gets_the_right_answer_on_every_gallery_url(scene, role, name, learner, peer, instructor, outsider, course):
    if role == "outsider":
        # Enrolled in another course: still nothing here.
        factories.enroll(outsider, factories.make_course())
    user = {"outsider": outsider, "peer": peer, "author": learner, "staff": instructor}[role]
    method, url, data = urls(scene)[name]
    response = getattr(client_for(user), method)(url, data)
    assert response.status_code == EXPECTED[role][name]


def test_state_changes_refuse_get(author_client, scene):
    for name in ["comment", "delete", "report_entry", "report_comment", "moderate_entry", "unpublish"]:
        _, url, _ = urls(scene)[name]
        assert author_client.get(url).status_code == 405


def test_withdrawn_learner_cannot_see_the_gallery(peer, course, entry):
    Enrollment.objects.filter(user=peer).update(status=Enrollment.Status.WITHDRAWN)
    assert client_for(peer).get(reverse("gallery:list", args=[course.slug])).status_code == 404


@pytest.mark.parametrize("state", [{"is_hidden": True}, {"is_published": False}])
def test_hidden_or_unpublished_entries_are_gone_for_peers_marked_for_staff_and_visible_to_their_author(
    scene, state, peer_client, author_client, staff_client
):
    entry = scene["entry"]
    type(entry).objects.filter(pk=entry.pk).update(**state)
    list_url = reverse("gallery:list", args=[entry.course.slug])
    marker = "Hidden by a moderator" if "is_hidden" in state else "Unpublished"

    assert entry.title not in peer_client.get(list_url).content.decode()
    assert peer_client.get(entry.get_absolute_url()).status_code == 404

    staff_html = staff_client.get(list_url).content.decode()
    assert entry.title in staff_html and marker in staff_html
    assert staff_client.get(entry.get_absolute_url()).status_code == 200

    assert entry.title in author_client.get(list_url).content.decode()
    assert author_client.get(entry.get_absolute_url()).status_code == 200


def test_peers_cannot_comment_on_an_unpublished_entry_even_by_guessing_the_url(scene, peer_client, learner):
    entry = scene["entry"]
    type(entry).objects.filter(pk=entry.pk).update(is_published=False)
    response = client_for(learner).post(reverse("gallery:comment", args=[entry.course.slug, entry.pk]), {"body": "hi"})
    assert response.status_code == 302
    assert not Comment.objects.filter(body="hi").exists()


# --- a learner who withdraws keeps control of what they posted ------------------------------------


@pytest.fixture
def withdrawn_author(scene, learner, course):
    """The author left the course: the entry and their comments are still in the gallery for peers."""
    Comment.objects.create(entry=scene["entry"], author=learner, body="Loved the thread", body_html="<p>Loved the thread</p>")
    client = client_for(learner)
    assert client.post(reverse("courses:withdraw", args=[course.slug])).status_code == 302
    return client


def test_a_withdrawn_learner_can_still_unpublish_their_entry(withdrawn_author, scene, peer_client, course):
    response = withdrawn_author.post(reverse("gallery:unpublish", args=[course.slug]))
    assert response.status_code == 302 and response.url == reverse("gallery:own", args=[course.slug])
    scene["entry"].refresh_from_db()
    assert not scene["entry"].is_published
    assert peer_client.get(scene["entry"].get_absolute_url()).status_code == 404


def test_a_withdrawn_learner_can_still_delete_their_comments(withdrawn_author, scene, course):
    comment = scene["author_comment"]
    url = reverse("gallery:comment_delete", args=[course.slug, scene["entry"].pk, comment.pk])
    response = withdrawn_author.post(url)
    assert response.status_code == 302 and response.url == reverse("gallery:own", args=[course.slug])
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_a_withdrawn_learner_finds_their_posts_with_the_controls_from_my_learning(withdrawn_author, scene, course):
    own_url = reverse("gallery:own", args=[course.slug])
    assert own_url in withdrawn_author.get(reverse("learn:dashboard")).content.decode()
    html = withdrawn_author.get(own_url).content.decode()
    assert scene["entry"].title in html
    assert reverse("gallery:unpublish", args=[course.slug]) in html
    assert "Thanks all" in html and "Loved the thread" in html
    delete = reverse("gallery:comment_delete", args=[course.slug, scene["entry"].pk, scene["author_comment"].pk])
    assert delete in html
    assert "Lovely" not in html  # the peer's comment is not theirs


def test_a_withdrawn_learner_still_cannot_browse_post_or_edit(withdrawn_author, scene, course):
    slug, pk = course.slug, scene["entry"].pk
    assert withdrawn_author.get(reverse("gallery:list", args=[slug])).status_code == 404
    assert withdrawn_author.post(reverse("gallery:comment", args=[slug, pk]), {"body": "Still here"}).status_code == 404
    edit = reverse("gallery:comment_edit", args=[slug, pk, scene["author_comment"].pk])
    assert withdrawn_author.post(edit, {"body": "Changed"}).status_code == 404
    scene["author_comment"].refresh_from_db()
    assert scene["author_comment"].body == "Thanks all"


def test_the_posts_page_shows_only_ones_own_posts(peer_client, scene, course, outsider):
    html = peer_client.get(reverse("gallery:own", args=[course.slug])).content.decode()
    assert "Lovely" in html and "Thanks all" not in html
    assert reverse("gallery:unpublish", args=[course.slug]) not in html  # the peer has no entry
    assert client_for(outsider).get(reverse("gallery:own", args=[course.slug])).status_code == 404


# --- the course's staff -----------------------------------------------------------------


def _teach(user, course):
    StaffMember.objects.create(course=course, name=user.public_name, role=StaffMember.Role.INSTRUCTOR, user=user)


@pytest.fixture
def hidden_scene(scene, peer, make_entry):
    """The scene, plus an unpublished entry, a hidden entry and a hidden comment."""
    unpublished = make_entry("Still a draft", is_published=False)
    hidden = make_entry("Hidden for spam", is_hidden=True)
    hidden_comment = Comment.objects.create(
        entry=scene["entry"], author=peer, body="Hidden remark", body_html="<p>Hidden remark</p>", is_hidden=True
    )
    return {**scene, "unpublished": unpublished, "hidden": hidden, "hidden_comment": hidden_comment}


def _sees_staff_only_things(user, scene) -> dict:
    client = client_for(user)
    slug = scene["course"].slug
    listing = client.get(reverse("gallery:list", args=[slug]))
    page = client.get(scene["entry"].get_absolute_url())
    return {
        "list": listing.status_code,
        "unpublished in list": "Still a draft" in listing.content.decode(),
        "hidden entry": client.get(scene["hidden"].get_absolute_url()).status_code,
        "unpublished entry": client.get(scene["unpublished"].get_absolute_url()).status_code,
        "hidden entry pdf": client.get(reverse("gallery:entry_pdf", args=[slug, scene["hidden"].pk])).status_code,
        "hidden comment": "Hidden remark" in page.content.decode(),
        "hide button": "Hide comment" in page.content.decode(),
    }


def test_a_staff_account_without_permissions_or_a_place_in_the_course_gets_nothing(hidden_scene, user_factory):
    helper = user_factory(is_staff=True)
    assert _sees_staff_only_things(helper, hidden_scene)["list"] == 404


def test_a_staff_account_without_permissions_enrolled_in_the_course_sees_what_learners_see(hidden_scene, user_factory):
    helper = user_factory(is_staff=True, country="AU")
    factories.enroll(helper, hidden_scene["course"])
    _teach(helper, hidden_scene["course"])  # named as an instructor, but without the instructors' permissions
    assert _sees_staff_only_things(helper, hidden_scene) == {
        "list": 200, "unpublished in list": False, "hidden entry": 404, "unpublished entry": 404,
        "hidden entry pdf": 404, "hidden comment": False, "hide button": False,
    }


def test_an_instructor_of_another_course_is_not_staff_in_this_gallery(hidden_scene, user_factory):
    elsewhere = factories.make_instructor()
    _teach(elsewhere, factories.make_course())
    assert _sees_staff_only_things(elsewhere, hidden_scene)["list"] == 404
    comment = hidden_scene["peer_comment"]
    url = reverse("gallery:moderate_comment", args=[hidden_scene["course"].slug, hidden_scene["entry"].pk, comment.pk])
    assert client_for(elsewhere).post(url, {"action": "hide"}).status_code == 404
    assert not Comment.objects.get(pk=comment.pk).is_hidden


def test_the_course_instructors_and_superusers_see_everything_and_moderate(hidden_scene, instructor, admin_user):
    for user in (instructor, admin_user):
        seen = _sees_staff_only_things(user, hidden_scene)
        assert seen == {
            "list": 200, "unpublished in list": True, "hidden entry": 200, "unpublished entry": 200,
            "hidden entry pdf": 302, "hidden comment": True, "hide button": True,
        }, user


# --- search -----------------------------------------------------------------------------


def _found(client, course, text) -> list[str]:
    html = client.get(reverse("gallery:list", args=[course.slug]), {"q": text}).content.decode()
    return sorted(t for t in ("By a display name", "By a full name", "By a username only") if t in html)


def test_the_gallery_search_matches_only_the_names_a_card_shows(peer_client, course, make_entry):
    shown = make_entry("By a display name", author_name="Sam Jones")
    shown.author.username, shown.author.first_name = "sam.private.handle", "Hiddenfirst"
    shown.author.save()
    full = make_entry("By a full name", author_name="")
    full.author.username, full.author.first_name, full.author.last_name = "pat.private.handle", "Pat", "Kim"
    full.author.save()
    bare = make_entry("By a username only", author_name="")
    bare.author.username = "quietfox"
    bare.author.save()

    assert _found(peer_client, course, "private.handle") == []  # usernames behind a shown name are the email's local part
    assert _found(peer_client, course, "Hiddenfirst") == []  # a first name behind a display name is not shown either
    assert _found(peer_client, course, "Sam Jones") == ["By a display name"]
    assert _found(peer_client, course, "pat kim") == ["By a full name"]
    assert _found(peer_client, course, "quietfox") == ["By a username only"]
    assert _found(peer_client, course, "By a") == ["By a display name", "By a full name", "By a username only"]
