from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import conditional_page, require_POST

from badges import openbadges
from badges.models import Award, BadgeClass
from courses.models import Course, Enrollment

# My badges shows a section for every course the learner has not withdrawn from.
SHOWS_BADGES = [status for status in Enrollment.Status if status != Enrollment.Status.WITHDRAWN]


def _json_ld(data: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(openbadges.dumps(data), content_type=openbadges.CONTENT_TYPE, status=status)
    # Verifiers and LinkedIn fetch these from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response


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
        "is_owner": award.recipient_id is not None and request.user.pk == award.recipient_id,
        "page_url": openbadges.absolute(award.get_absolute_url()),
        "image_url": openbadges.absolute(award.badge.image.url),
        "assertion_url": openbadges.assertion_id(award),
        "linkedin_url": openbadges.linkedin_add_url(award),
    }
    return render(request, "badges/award_detail.html", context, status=410 if award.is_revoked else 200)


def baked_png(request, award_uuid):
    award = get_award_or_404(request.user, award_uuid)
    if award.is_revoked:
        return HttpResponse("This badge was revoked.", status=410, content_type="text/plain")
    data = openbadges.bake_png(award.badge.image, openbadges.assertion_json(award))
    response = HttpResponse(data, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{award.badge.slug}-{award.uuid}.png"'
    return response


@conditional_page
def issuer(request):
    return _json_ld(openbadges.issuer_json())


@conditional_page
def badge_class(request, slug):
    return _json_ld(openbadges.badge_class_json(get_object_or_404(BadgeClass.objects.select_related("course"), slug=slug)))


@conditional_page
def assertion(request, award_uuid):
    award = get_award_or_404(request.user, award_uuid)
    if award.is_revoked:
        return _json_ld(openbadges.revoked_assertion_json(award), status=410)
    return _json_ld(openbadges.assertion_json(award))
