from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import conditional_page, require_POST

from badges import openbadges
from badges.models import Award, BadgeClass, award_with_badge, awards_of
from badges.services import active_course_badges
from courses.models import Enrollment, user_enrollments


def _json_ld(data: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(openbadges.dumps(data), content_type=openbadges.CONTENT_TYPE, status=status)
    # Verifiers and LinkedIn fetch these from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _award_for(request, award_uuid) -> Award:
    """The award if this visitor may see it; a private award is a 404 to everyone but its owner."""
    award = award_with_badge(award_uuid)
    if award is None:
        raise Http404("No such badge award.")
    if not award.is_visible_to(request.user):
        raise Http404("This badge is private.")
    return award


@login_required
def mine(request):
    """Earned badges (with date and sharing controls) and badges still to earn, grouped by course."""
    enrollments = sorted(
        (e for e in user_enrollments(request.user.pk) if e.status != Enrollment.Status.WITHDRAWN),
        key=lambda e: e.course.title,
    )
    awards = awards_of(request.user.pk)
    held = {award.badge_id for award in awards}
    groups = {e.course_id: {"course": e.course, "earned": [], "to_earn": []} for e in enrollments}
    other = {"course": None, "earned": [], "to_earn": []}
    for award in awards:
        groups.get(award.badge.course_id, other)["earned"].append(award)
    for enrollment in enrollments:
        groups[enrollment.course_id]["to_earn"] = [
            badge for badge in active_course_badges(enrollment.course) if badge.pk not in held
        ]
    sections = list(groups.values()) + ([other] if other["earned"] else [])
    return render(request, "badges/award_list.html", {"sections": sections, "earned_count": len(awards)})


@require_POST
@login_required
def award_visibility(request, award_uuid):
    award = get_object_or_404(Award, uuid=award_uuid, recipient=request.user)
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
    award = _award_for(request, award_uuid)
    context = {
        "award": award,
        "badge": award.badge,
        "is_owner": request.user.is_authenticated and request.user.pk == award.recipient_id,
        "page_url": openbadges.absolute(award.get_absolute_url()),
        "image_url": openbadges.absolute(award.badge.image.url),
        "assertion_url": openbadges.assertion_id(award),
        "linkedin_url": openbadges.linkedin_add_url(award),
    }
    return render(request, "badges/award_detail.html", context, status=410 if award.is_revoked else 200)


def baked_png(request, award_uuid):
    award = _award_for(request, award_uuid)
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
    award = _award_for(request, award_uuid)
    if award.is_revoked:
        return _json_ld(openbadges.revoked_assertion_json(award), status=410)
    return _json_ld(openbadges.assertion_json(award))
