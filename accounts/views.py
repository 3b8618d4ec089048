from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import unsubscribe as links
from accounts.forms import DeleteAccountForm, ProfileForm, TimeZoneForm
from accounts.models import DataExport, Notification, User
from accounts.services import ExportRefused, delete_account, request_data_export
from accounts.tasks import build_data_export


@login_required
def profile_edit(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    export = DataExport.objects.filter(user=request.user).first()
    context = {"form": form, "export": export, "export_kept_days": DataExport.KEPT_FOR.days}
    return render(request, "accounts/profile_edit.html", context)


@require_POST
@login_required
def time_zone_detected(request):
    """The browser's time zone, kept the first time it is reported; afterwards the profile page changes it."""
    if request.user.time_zone:
        return HttpResponse(status=204)
    form = TimeZoneForm(request.POST, instance=request.user)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors["time_zone"]}, status=400)
    User.objects.filter(pk=request.user.pk, time_zone="").update(time_zone=form.cleaned_data["time_zone"])
    return HttpResponse(status=204)


def _your_data():
    return redirect(reverse("accounts:profile") + "#your-data")


@require_POST
@login_required
def data_export_request(request):
    """Ask for a download of all one's data: built in the background, announced by email."""
    try:
        export = request_data_export(request.user, build_data_export)
    except ExportRefused as refused:
        messages.error(request, str(refused))
        return _your_data()
    if export.job_status == DataExport.Status.READY:  # built already (tasks run in-process without a broker)
        messages.success(request, "Your download is ready.")
    else:
        messages.success(request, f"We are preparing your download and will email {request.user.email} when it is ready.")
    return _your_data()


@login_required
@require_GET
@never_cache
def data_export_download(request):
    """The learner's own export, while it is kept; anyone else's is out of reach (there is no id to ask for)."""
    export = DataExport.objects.filter(user=request.user).first()
    if export is None or export.job_status != DataExport.Status.READY or not export.file.storage.exists(export.file.name):
        messages.info(request, "That download is no longer available: downloads are kept for "
                               f"{DataExport.KEPT_FOR.days} days, or until you prepare a new one. Prepare a new one below.")
        return _your_data()
    filename = f"{request.user.username}-data-{timezone.localdate(export.finished_at):%Y-%m-%d}.zip"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=filename, content_type="application/zip")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Delete one's account after the password: what goes and what stays is on the page; then log out."""
    user = request.user
    has_badges = user.awards.exists()  # badges' reverse relation: no import of the app above
    form = DeleteAccountForm(request.POST or None, user=user, has_badges=has_badges)
    if request.method == "POST" and form.is_valid():
        delete_account(user, keep_badges=form.keep_badges)
        get_adapter(request).logout(request)
        messages.success(request, "Your account is deleted, and your personal data with it. Thank you for learning with us.")
        return redirect("/")
    return render(request, "accounts/account_delete.html", {"form": form, "has_badges": has_badges}, status=400 if form.is_bound else 200)


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
