"""The public verification page: a visitor pastes or uploads one of our credentials and reads each check."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from badges.services import award_badge, revoke_award


def _award(learner, session_badge):
    return award_badge(learner, session_badge)


def test_a_pasted_credential_is_verified_with_each_check_in_plain_words(client, learner, session_badge):
    award = _award(learner, session_badge)

    html = client.post("/badges/verify/", {"credential": json.dumps(award.credential)}).content.decode()

    assert "Verified: this credential is genuine and valid" in html
    for words in ("Issuer: passed.", "Signature: passed.", "Status: passed.", "Dates: passed.", "Micro-influence Foundations"):
        assert words in html


def test_a_pasted_jwt_is_verified(client, learner, session_badge):
    award = _award(learner, session_badge)

    html = client.post("/badges/verify/", {"credential": award.credential_jwt}).content.decode()

    assert "Verified: this credential is genuine and valid" in html
    assert "VC-JWT" in html


def test_an_uploaded_baked_png_is_verified(client, learner, session_badge):
    award = _award(learner, session_badge)
    png = client.get(f"/badges/awards/{award.uuid}/credential.png").content

    html = client.post("/badges/verify/", {"file": SimpleUploadedFile("badge.png", png, "image/png")}).content.decode()

    assert "Verified: this credential is genuine and valid" in html


def test_an_open_badges_2_image_is_explained_and_the_two_images_download_under_different_names(client, learner, session_badge):
    award = _award(learner, session_badge)
    old = client.get(f"/badges/awards/{award.uuid}/baked.png")
    new = client.get(f"/badges/awards/{award.uuid}/credential.png")
    assert old["Content-Disposition"] != new["Content-Disposition"]

    html = client.post("/badges/verify/", {"file": SimpleUploadedFile("badge.png", old.content, "image/png")}).content.decode()

    assert "it is an Open Badges 2.0 image, which is checked at its issuer’s address, not here" in html
    assert "download the badge image (PNG) from its page" in html


def test_a_tampered_credential_is_not_verified_and_says_why(client, learner, session_badge):
    award = _award(learner, session_badge)
    tampered = json.loads(json.dumps(award.credential))
    tampered["validFrom"] = "2020-01-01T00:00:00Z"

    html = client.post("/badges/verify/", {"credential": json.dumps(tampered)}).content.decode()

    assert "Not verified" in html
    assert "Signature: failed." in html
    assert "changed after signing" in html
    # What the visitor pasted is still in the box.
    assert "2020-01-01T00:00:00Z" in html


def test_a_revoked_credential_is_shown_as_revoked(client, learner, session_badge):
    award = _award(learner, session_badge)
    revoke_award(award, "Awarded by mistake.")

    html = client.post("/badges/verify/", {"credential": json.dumps(award.credential)}).content.decode()

    assert "Revoked: this credential is no longer valid" in html
    assert "Status: failed." in html


def test_another_issuers_credential_is_refused_as_not_ours(client, learner, session_badge):
    award = _award(learner, session_badge)
    foreign = {**award.credential, "issuer": {"id": "did:web:elsewhere.example", "type": ["Profile"], "name": "Else"}}

    html = client.post("/badges/verify/", {"credential": json.dumps(foreign)}).content.decode()

    assert "Issuer: failed." in html
    assert "This page checks only credentials Atelier issued" in html


def test_bad_input_gets_a_clear_message(client):
    empty = client.post("/badges/verify/", {"credential": "  "}).content.decode()
    junk = client.post("/badges/verify/", {"credential": "hello there"}).content.decode()
    image = client.post("/badges/verify/", {"file": SimpleUploadedFile("x.png", b"\x89PNG not really", "image/png")}).content.decode()
    other_json = client.post("/badges/verify/", {"credential": '{"name": "x"}'}).content.decode()

    assert "Paste a credential or choose a file to check." in empty
    assert "neither JSON nor a JWT" in junk
    assert "We could not read that file" in image
    assert "not a verifiable credential" in other_json


def test_the_verify_page_answers_anyone_and_links_our_did_document(client):
    response = client.get("/badges/verify/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/.well-known/did.json"' in html
    assert "did:web:127.0.0.1%3A8000" in html


def test_a_credential_we_never_issued_is_refused_without_canonicalising_it(client, learner, session_badge):
    """A visitor's JSON-LD is never canonicalised (RDFC-1.0 can take exponential time on a crafted
    graph of blank nodes): a document naming our issuer and key under an id we never issued is
    refused before any canonicalisation."""
    award = _award(learner, session_badge)
    invented = json.loads(json.dumps(award.credential))
    invented["id"] = "http://127.0.0.1:8000/badges/awards/00000000-0000-4000-8000-000000000000/credential.json"

    html = client.post("/badges/verify/", {"credential": json.dumps(invented)}).content.decode()

    assert "Signature: failed." in html
    assert "Atelier has no record of issuing a credential with this id" in html


def test_a_credential_reformatted_by_a_wallet_still_verifies(client, learner, session_badge):
    award = _award(learner, session_badge)
    reordered = json.dumps(dict(reversed(list(award.credential.items()))), separators=(",", ":"))

    html = client.post("/badges/verify/", {"credential": reordered}).content.decode()

    assert "Verified: this credential is genuine and valid" in html
