from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import conditional_page, require_POST

from badges import credentials, keys, openbadges
from badges.forms import VerifyForm
from badges.models import Award, BadgeClass, Certificate
from badges.services import certificate_context, issue_credential, request_certificate_pdf, sign_certificate
from courses.models import Course, Enrollment

# My badges shows a section for every course the learner has not withdrawn from.
SHOWS_BADGES = [status for status in Enrollment.Status if status != Enrollment.Status.WITHDRAWN]


def readable_from_any_origin(view):
    """The one place that opens a response to scripts of every origin: verifiers, wallets and
    LinkedIn fetch the Open Badges documents from their own pages. Outermost, so that every answer
    of the view (a 410 for a revoked badge, a 304) is readable too. "*" without Allow-Credentials:
    another origin's script never reads what a visitor's cookies unlock (an owner's private award)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _json_ld(data: dict, status: int = 200, content_type: str = openbadges.CONTENT_TYPE) -> HttpResponse:
    return HttpResponse(openbadges.dumps(data), content_type=content_type, status=status)


def get_award_or_404(user, award_uuid, *, own=False) -> Award:
    """The award with its badge, the badge's course and the recipient, if `user` may see it (with
    `own`, only if it is theirs). A private award is a 404 to everyone but its owner."""
    awards = Award.objects.filter(recipient=user) if own else Award.objects.visible_to(user)
    return get_object_or_404(awards.select_related("badge__course", "recipient"), uuid=award_uuid)


@login_required
def mine(request):
    """Earned badges (with date and sharing controls) and badges still to earn, grouped by course."""
    # Only what the page prints (the title) and what the to-earn fragment's key needs.
    courses = Course.objects.filter(enrollments__user=request.user, enrollments__status__in=SHOWS_BADGES).only("pk", "slug", "title", "updated_at")
    sections = {course.pk: {"course": course, "earned": [], "to_earn": []} for course in courses}
    other = {"course": None, "earned": [], "to_earn": []}
    awards = list(Award.objects.for_recipient(request.user))
    for award in awards:
        sections.get(award.badge.course_id, other)["earned"].append(award)
    held = [award.badge_id for award in awards]
    for badge in BadgeClass.objects.to_earn(course_ids=list(sections), held_ids=held):
        sections[badge.course_id]["to_earn"].append(badge)
    for certificate in Certificate.objects.filter(enrollment__user=request.user, enrollment__course_id__in=list(sections)).only(
        "code", "is_revoked", "issued_at", "enrollment__course_id"
    ).select_related("enrollment"):
        sections[certificate.enrollment.course_id]["certificate"] = certificate
    for section in sections.values():
        # The to-earn list is the same for every learner missing the same badges (award_list.html).
        section["to_earn_ids"] = tuple(badge.pk for badge in section["to_earn"])
    sections = list(sections.values()) + ([other] if other["earned"] else [])
    return render(request, "badges/award_list.html", {"sections": sections, "earned_count": len(awards)})


@require_POST
@login_required
def award_visibility(request, award_uuid):
    award = get_award_or_404(request.user, award_uuid, own=True)
    award.set_public(request.POST.get("is_public") == "1")
    if award.is_public:
        messages.success(request, f"“{award.badge.name}” is public: anyone with the link can see and verify it.")
    else:
        messages.success(request, f"“{award.badge.name}” is private now: only you can see it.")
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        # A path, never a view name: redirect() would try to reverse "0" and fail with a 500.
        return HttpResponseRedirect(next_url)
    return redirect("badges:mine")


# ETag from the content: verifiers and visitors re-fetching an unchanged badge get a 304.
@conditional_page
def award_detail(request, award_uuid):
    award = get_award_or_404(request.user, award_uuid)
    context = {
        "award": award,
        "badge": award.badge,
        "earner": award.earner_name or "a former learner",
        # Dates as the earner lived them, the same for every visitor (as on a certificate).
        "zone": award.recipient.zone if award.recipient_id else timezone.get_default_timezone(),
        "is_owner": award.recipient_id is not None and request.user.pk == award.recipient_id,
        "page_url": openbadges.absolute(award.get_absolute_url()),
        "image_url": openbadges.absolute(award.badge.image.url),
        "assertion_url": openbadges.assertion_id(award),
        "linkedin_url": openbadges.linkedin_add_url(award),
        "credential_url": credentials.credential_url(award),
        "issuer_did": credentials.site_did(),
    }
    return render(request, "badges/award_detail.html", context, status=410 if award.is_revoked else 200)


@readable_from_any_origin
def baked_png(request, award_uuid):
    award = get_award_or_404(request.user, award_uuid)
    if award.is_revoked:
        return HttpResponse("This badge was revoked.", status=410, content_type="text/plain")
    data = openbadges.bake_png(award.badge.image, openbadges.assertion_json(award))
    response = HttpResponse(data, content_type="image/png")
    # Not the name of the 3.0 image (credential_png): downloading both must not overwrite one.
    response["Content-Disposition"] = f'attachment; filename="{award.badge.slug}-{award.uuid}-openbadges-2.png"'
    return response


@readable_from_any_origin
@conditional_page
def issuer(request):
    return _json_ld(openbadges.issuer_json())


@readable_from_any_origin
@conditional_page
def badge_class(request, slug):
    return _json_ld(openbadges.badge_class_json(get_object_or_404(BadgeClass.objects.select_related("course"), slug=slug)))


@readable_from_any_origin
@conditional_page
def assertion(request, award_uuid):
    award = get_award_or_404(request.user, award_uuid)
    if award.is_revoked:
        return _json_ld(openbadges.revoked_assertion_json(award), status=410)
    return _json_ld(openbadges.assertion_json(award))


def _issued_award_or_gone(request, award_uuid):
    """The award with its OB 3.0 credential (signed now if it predates credentials), or a 410 response."""
    award = get_award_or_404(request.user, award_uuid)
    if award.is_revoked:
        return None, HttpResponse("This badge was revoked.", status=410, content_type="text/plain")
    return issue_credential(award), None


def _download(response: HttpResponse, award: Award, extension: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{award.badge.slug}-{award.uuid}.{extension}"'
    return response


@readable_from_any_origin
def credential_json(request, award_uuid):
    """The OB 3.0 credential with its Data Integrity proof; its id is this URL."""
    award, gone = _issued_award_or_gone(request, award_uuid)
    if gone:
        return gone
    response = HttpResponse(credentials.dumps(award.credential), content_type=credentials.CONTENT_TYPE)
    if request.GET.get("download"):
        return _download(response, award, "json")
    return response


@readable_from_any_origin
def credential_jwt(request, award_uuid):
    award, gone = _issued_award_or_gone(request, award_uuid)
    if gone:
        return gone
    return _download(HttpResponse(award.credential_jwt, content_type=credentials.JWT_CONTENT_TYPE), award, "jwt")


@readable_from_any_origin
def credential_png(request, award_uuid):
    """The badge image baked with the OB 3.0 credential (JSON with its proof)."""
    award, gone = _issued_award_or_gone(request, award_uuid)
    if gone:
        return gone
    data = credentials.bake_png(award.badge.image, credentials.dumps(award.credential))
    return _download(HttpResponse(data, content_type="image/png"), award, "png")


@readable_from_any_origin
@conditional_page
def did_document(request):
    return _json_ld(credentials.did_document(), content_type="application/did+ld+json")


@readable_from_any_origin
@conditional_page
def jwks(request):
    return _json_ld(credentials.jwks(), content_type="application/jwk-set+json")


@readable_from_any_origin
@conditional_page
def key(request, key_id):
    """A JWT's `kid`: one of the issuer's public keys as a JWK."""
    found = keys.find_key(key_id)
    if found is None:
        raise Http404("No such key.")
    return _json_ld(credentials.jwk(found), content_type="application/jwk+json")


@readable_from_any_origin
@conditional_page
def status_list(request, kind):
    if kind not in credentials.STATUS_LISTS:
        raise Http404("No such status list.")
    response = _json_ld(credentials.status_list_credential(kind), content_type=credentials.CONTENT_TYPE)
    # Verifiers may cache it a little; a revocation shows within this time.
    response["Cache-Control"] = "public, max-age=300"
    return response


def verify(request):
    """Anyone pastes or uploads one of our credentials (JSON, JWT or a baked PNG) and sees each check."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = credentials.verify(form.cleaned_data["text"])
    context = {"form": form, "result": result, "issuer_did": credentials.site_did()}
    return render(request, "badges/credential_verify.html", context)


def get_certificate_or_404(code) -> Certificate:
    """Anyone with the code may see a certificate: the code is the link the learner shares."""
    return get_object_or_404(Certificate.objects.select_related("enrollment__course", "enrollment__user"), code=code)


def certificate_detail(request, code):
    """The page the certificate's QR code opens: our check of its signed credential, its status,
    and what it stands for."""
    certificate = sign_certificate(get_certificate_or_404(code))
    context = certificate_context(certificate)
    context["result"] = credentials.verify(credentials.dumps(certificate.credential))
    context["is_owner"] = request.user.is_authenticated and request.user.pk == certificate.enrollment.user_id
    context["credential_url"] = credentials.certificate_url(certificate)
    context["linkedin_url"] = openbadges.linkedin_certification_url(
        f"Certificate of completion: {certificate.enrollment.course.title}",
        certificate.issued_at,
        certificate.get_absolute_url(),
        certificate.code,
    )
    return render(request, "badges/certificate_detail.html", context)


def certificate_pdf(request, code):
    """The certificate PDF; until it is made, ask for it and say so."""
    certificate = get_certificate_or_404(code)
    if request_certificate_pdf(certificate) == Certificate.PdfStatus.READY:
        filename = f"certificate-{certificate.enrollment.course.slug}-{certificate.code}.pdf"
        return FileResponse(certificate.pdf.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf")
    if certificate.pdf_problem:
        messages.error(request, certificate.pdf_problem)
    else:
        messages.info(request, "The certificate PDF is being prepared. Please try the download again in a minute.")
    return redirect(certificate)


@readable_from_any_origin
def certificate_credential(request, code):
    certificate = sign_certificate(get_certificate_or_404(code))
    response = HttpResponse(credentials.dumps(certificate.credential), content_type=credentials.CONTENT_TYPE)
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.json"'
    return response
