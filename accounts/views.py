from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts import unsubscribe as links
from accounts.forms import ProfileForm
from accounts.models import Notification, User


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


def public_profile(request, username):
    profile = get_object_or_404(User, username=username, is_active=True)
    if not profile.profile_is_public and profile != request.user:
        raise Http404("This profile is private.")
    awards = profile.awards.filter(is_public=True, is_revoked=False).select_related("badge").order_by("-awarded_at")
    return render(request, "accounts/profile_public.html", {"profile": profile, "awards": awards})


@login_required
def notification_list(request):
    Notification.objects.recount(request.user)
    page = Paginator(Notification.objects.for_user(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "accounts/notification_list.html", {"page": page})


@require_POST
@login_required
def notification_open(request, pk):
    """Mark one notification as read and go to what it is about (only ever a page of this site)."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    notification.mark_read()
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("accounts:notifications")


@require_POST
@login_required
def notifications_mark_read(request):
    Notification.objects.mark_read(request.user)
    messages.success(request, "All notifications are marked as read.")
    return redirect("accounts:notifications")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, topic: str, token: str):
    """Turn one kind of email off from its link, without logging in: GET asks, POST does it.

    CSRF-exempt on purpose: mail clients' one-click unsubscribe (RFC 8058) POSTs without a CSRF
    token, and the signed token in the URL proves the request came from the email. The page never
    names the account (accounts/unsubscribe.py).
    """
    if topic not in links.TOPICS:
        raise Http404("No such emails.")
    kind = links.TOPICS[topic]
    context = {
        "topic": kind,
        "setting_label": User._meta.get_field(kind.field).verbose_name,
        "max_age_days": links.LINK_MAX_AGE.days,
    }
    try:
        user = User.objects.filter(pk=links.user_id_from_token(topic, token)).first()
    except signing.SignatureExpired:
        return render(request, "accounts/unsubscribe.html", {**context, "state": "expired"}, status=410)
    except signing.BadSignature:
        user = None
    if user is None:
        return render(request, "accounts/unsubscribe.html", {**context, "state": "invalid"}, status=404)
    if request.method == "POST":
        if getattr(user, kind.field):
            setattr(user, kind.field, False)
            user.save(update_fields=[kind.field])
        return render(request, "accounts/unsubscribe.html", {**context, "state": "done"})
    return render(request, "accounts/unsubscribe.html", {**context, "state": "ask"})
