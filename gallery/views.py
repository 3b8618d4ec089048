
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from markupsafe import Markup

from accounts.backends import USERS_VERSION_KEY
from core.cache import with_versions
from courses.models import Course
from courses.services import get_enrollment_or_404
from gallery import services
from gallery.forms import CommentForm, PublishForm, ReportForm
from gallery.models import (
    LIST_COLUMNS,
    LIST_DEFERRED,
    NAME_COLUMNS,
    Comment,
    Entry,
    PublishedEntries,
    Report,
    comments_version_key,
    entry_for_reader,
    list_version_key,
    own_entry,
    published_count_key,
)
from gallery.tasks import render_entry_pdf
from portfolios.services import get_or_create_portfolio, request_pdf

PAGE_SIZE = 24
# The entry page's comments: what it prints (no markdown source) and the author's name columns.
AUTHOR_NAME = tuple(f"author__{name}" for name in NAME_COLUMNS)
COMMENT_COLUMNS = ("parent", "author", "body_html", "created_at", "edited_at", "is_hidden", "is_deleted", *AUTHOR_NAME)
# The ORM's orderings; gallery.models.PublishedEntries writes the same in SQL.
SORTS = {"newest": ("-published_at", "-pk"), "discussed": ("-comment_count", "-published_at", "-pk")}


def _gallery_access(request, course_slug: str):
    """The gallery's one access check: staff see every course's gallery; learners only their own course's."""
    if request.user.is_staff:
        return get_object_or_404(Course, slug=course_slug), None
    enrollment = get_enrollment_or_404(request.user, course_slug)
    return enrollment.course, enrollment


def _get_entry(request, course, pk: int) -> Entry:
    entry = entry_for_reader(course.pk, pk, request.user)
    if entry is None:
        raise Http404("There is no such entry in this gallery.")
    entry.course = course
    return entry


def _is_moderator(user) -> bool:
    return user.is_staff and user.is_instructor


def _can_post(request, entry: Entry, enrollment) -> bool:
    """Comments and reports need a published entry and, for learners, access that has not ended."""
    if not entry.is_visible_to_peers and not request.user.is_staff:
        messages.error(request, "This entry is not in the gallery at the moment, so it cannot take comments.")
        return False
    if enrollment is not None and enrollment.is_read_only:
        messages.error(request, "Your access to this course has ended: you can read the gallery but not post in it.")
        return False
    return True


@login_required
def entry_list(request, course_slug):
    course, enrollment = _gallery_access(request, course_slug)
    query = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "newest"
    own = own_entry(enrollment.pk) if enrollment else None
    everyones_view = not (request.user.is_staff or (own is not None and not own.is_visible_to_peers))
    context = {
        "course": course,
        "query": query,
        "sort": sort,
        "own_entry": own,
        "enrollment": enrollment,
        "query_string": urlencode({k: v for k, v in (("q", query), ("sort", sort)) if v and v != "newest"}),
        "grid_html": None,
    }
    if everyones_view and not query:
        # The learner's own entry (if any) is published, so "published and not hidden" is the same
        # set as visible_to(): the same pages for every learner.
        context["grid_html"], context["page"] = _published_grid_html(request, context)
    else:
        entries = Entry.objects.visible_to(request.user) if not everyones_view else Entry.objects.filter(is_published=True, is_hidden=False)
        entries = entries.filter(course=course).search(query).select_related("author").only(*LIST_COLUMNS, *AUTHOR_NAME)
        context["page"] = Paginator(entries.order_by(*SORTS[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
        _format_dates(context["page"].object_list, "published_at", with_time=False)
    return render(request, "gallery/entry_list.html", context)


GRID_TIMEOUT = 10 * 60


def _html_timeout(seconds: int) -> int:
    """How long cached HTML that holds media URLs may live: with uploads on S3 behind signed URLs
    (AWS_QUERYSTRING_AUTH), well inside the URLs' lifetime, so a cached page never links an expired one."""
    if getattr(settings, "AWS_QUERYSTRING_AUTH", False):
        return min(seconds, getattr(settings, "AWS_QUERYSTRING_EXPIRE", 3600) // 2)
    return seconds


def _published_grid_html(request, context: dict):
    """The unsearched list's count, cards and page links, the same for every learner: (html, None),
    or (None, the empty page) while no one has published.

    Kept in the cache per course, sort, page and entry count under the course's list version
    (changed by any entry saved or deleted and any comment recount, gallery/apps.py) and the users
    version (a renamed author), with the count in the same round trip: a learner's visit then costs
    two cache reads instead of the page's query, 48 model instances and 24 cards rendered. The
    count is in the key because its own cache can briefly hold a count read just before a change
    committed: the HTML made from it must not outlive it.
    """
    course, sort = context["course"], context["sort"]
    version_key, count_key = list_version_key(course.pk), published_count_key(course.pk)
    found = with_versions(cache.get_many([version_key, USERS_VERSION_KEY, count_key]), [version_key, USERS_VERSION_KEY])
    paginator = Paginator(PublishedEntries(course.pk, sort), PAGE_SIZE)
    if count_key in found:
        paginator.count = found[count_key]
    if not paginator.count:
        return None, paginator.get_page(1)
    try:
        number = paginator.validate_number(request.GET.get("page"))
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        number = paginator.num_pages
    key = ":".join(str(part) for part in (
        "gallery:grid", course.pk, course.slug, sort, number, paginator.count, found[version_key], found[USERS_VERSION_KEY],
        timezone.get_current_timezone_name(),
    ))
    html = cache.get(key)
    if html is None:
        page = paginator.page(number)
        _format_dates(page.object_list, "published_at", with_time=False)
        html = render_to_string("gallery/includes/entry_grid.html", {**context, "page": page}, request)
        cache.set(key, html, _html_timeout(GRID_TIMEOUT))
    return html, None


def _entry_body_key(entry: Entry) -> str:
    return f"gallery:entry-body:{entry.pk}:{entry.updated_at.timestamp():.6f}"


def _entry_body_html(entry: Entry, found: dict | None = None) -> str:
    """Cover, texts and snapshot: the same for every reader until the entry is saved again."""
    key = _entry_body_key(entry)
    html = found.get(key) if found is not None else cache.get(key)
    if html is None:
        entry.refresh_from_db(fields=LIST_DEFERRED)  # one query, only on a miss
        html = render_to_string("gallery/includes/entry_body.html", {"entry": entry, "worksheets": entry.snapshot_worksheets()})
        cache.set(key, html, _html_timeout(24 * 60 * 60))
    # Jinja2 escaped every value as it rendered the body (autoescape is on, core/jinja2.py), so the
    # page prints this string with |safe.
    return html


def _format_dates(objects, field: str, *, with_time: bool) -> None:
    """Set `<field>_iso` and `<field>_text` on each object: what the date filter prints for "c" and for
    "j M Y" (or "j M Y, H:i" with_time), in the current time zone and language, without its per-call
    format parsing. The gallery list prints two dates per entry and the entry page two per comment."""
    zone = timezone.get_current_timezone()
    months = {}
    for obj in objects:
        local = getattr(obj, field).astimezone(zone)
        if local.month not in months:
            months[local.month] = MONTHS_3[local.month].title()
        text = f"{local.day} {months[local.month]} {local.year:04d}"
        if with_time:
            text = f"{text}, {local.hour:02d}:{local.minute:02d}"
        setattr(obj, f"{field}_iso", local.isoformat())
        setattr(obj, f"{field}_text", text)


def _render_entry(request, course, enrollment, entry, *, needs_rules, form=None, reply_to=None, status=200, found=None):
    """The entry page; a failed comment comes back here with its text and the error.

    `found`: what entry_detail already read from the cache in one round trip."""
    reply_form = form if reply_to is not None else None
    context = {
        "course": course,
        "entry": entry,
        "body_html": _entry_body_html(entry, found),
        "form": form if form is not None and reply_to is None else CommentForm(needs_rules=needs_rules),
        "reply_form": reply_form,
        "reply_to": reply_to,
        "needs_rules": needs_rules,
        "is_moderator": _is_moderator(request.user),
        "can_post": entry.is_visible_to_peers and not (enrollment and enrollment.is_read_only),
    }
    html = _threads_html(request, context, cacheable=form is None, found=found)
    context["threads_html"] = html.replace(CSRF_PLACEHOLDER, csrf_input(request))
    return render(request, "gallery/entry_detail.html", context, status=status)


# Stands for the CSRF input in the cached threads; each response puts in its own.
CSRF_PLACEHOLDER = "\x00csrf-input\x00"


def _threads_html(request, context: dict, *, cacheable: bool, found: dict | None = None) -> str:
    """The discussion's threads with every comment's buttons and reply forms.

    Kept in the cache per viewer, under the entry's comments version (changed by any comment
    saved or deleted) and the users version (any name change): a reload costs two cache
    reads instead of the comments query and their rendering. Not cached when a failed post
    comes back with its text and errors.
    """
    entry, user = context["entry"], request.user
    key = None
    if cacheable:
        comments_key = comments_version_key(entry.pk)
        versions = found if found is not None else cache.get_many([comments_key, USERS_VERSION_KEY])
        with_versions(versions, [comments_key, USERS_VERSION_KEY])
        key = ":".join(str(part) for part in (
            "gallery:threads", entry.pk, context["course"].slug, versions[comments_key], versions[USERS_VERSION_KEY], user.pk,
            user.is_staff, context["is_moderator"], context["can_post"], context["needs_rules"],
            timezone.get_current_timezone_name(),
        ))
        html = cache.get(key)
        if html is not None:
            return html
    comments = list(
        Comment.objects.visible_to(user).filter(entry=entry).select_related("author").only(*COMMENT_COLUMNS)
    )
    _format_dates(comments, "created_at", with_time=True)
    replies = {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    threads = []
    for comment in comments:
        if comment.parent_id is None:
            comment.reply_list = replies.get(comment.pk, [])
            if not comment.is_deleted or comment.reply_list:
                threads.append(comment)
    reply_to = context["reply_to"]
    html = render_to_string("gallery/includes/threads.html", {
        **context,
        "threads": threads,
        "csrf": Markup(CSRF_PLACEHOLDER),  # nosec B704: a fixed string of ours
        "comments_url": reverse("gallery:comment", args=[context["course"].slug, entry.pk]),
        "user_id": user.pk,
        "reply_to_id": reply_to.pk if reply_to else None,
    })
    if key:
        cache.set(key, html, _html_timeout(10 * 60))
    return html


@login_required
def entry_detail(request, course_slug, pk):
    course, enrollment = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk)
    # The shared body, the threads' versions and the reader's rules acceptance in one cache round trip.
    rules_key = services.rules_key(request.user.pk, course.pk)
    found = cache.get_many([_entry_body_key(entry), comments_version_key(entry.pk), USERS_VERSION_KEY, rules_key])
    needs_rules = enrollment is not None and not services.has_accepted_rules(request.user, course, remembered=found.get(rules_key))
    return _render_entry(request, course, enrollment, entry, needs_rules=needs_rules, found=found)


@login_required
def entry_pdf(request, course_slug, pk):
    """Download the PDF of the entry's snapshot; until it is made, ask for it (one job however often the link is clicked)."""
    course, _ = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk)
    if request_pdf(entry, entry.snapshot, render_entry_pdf) == Entry.PdfStatus.READY:
        filename = f"{slugify(entry.title) or 'portfolio'}.pdf"
        return FileResponse(entry.pdf.open("rb"), as_attachment=True, filename=filename)
    messages.info(request, "The PDF of this entry is being prepared. Please try the download again in a minute.")
    return redirect(entry)


@login_required
def publish(request, course_slug):
    enrollment = get_enrollment_or_404(request.user, course_slug)
    course = enrollment.course
    portfolio = get_or_create_portfolio(enrollment)
    entry = Entry.objects.filter(portfolio=portfolio).first()
    needs_rules = not services.has_accepted_rules(request.user, course)
    initial = {
        "title": entry.title if entry else f"{request.user.public_name}’s micro-influence portfolio",
        "summary": portfolio.summary or (entry.summary if entry else ""),
        "critical_evaluation": portfolio.critical_evaluation or (entry.critical_evaluation if entry else ""),
    }
    form = PublishForm(
        request.POST or None, request.FILES or None, initial=initial,
        needs_rules=needs_rules, has_cover=bool(entry and entry.cover),
    )
    if request.method == "POST" and enrollment.is_read_only:
        messages.error(request, "Your access to this course has ended, so you cannot publish to its gallery.")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            if needs_rules:
                services.accept_rules(request.user, course)
            was_published = bool(entry and entry.is_published)
            entry = services.publish_entry(
                portfolio, title=data["title"], summary=data["summary"],
                critical_evaluation=data["critical_evaluation"], cover=data["cover"],
                remove_cover=data.get("remove_cover", False),
            )
        messages.success(request, "Your entry is updated in the gallery." if was_published else "Your portfolio is published in the gallery.")
        return redirect(entry)
    context = {"course": course, "form": form, "entry": entry, "portfolio": portfolio, "needs_rules": needs_rules}
    return render(request, "gallery/entry_publish.html", context)


@require_POST
@login_required
def unpublish(request, course_slug):
    enrollment = get_enrollment_or_404(request.user, course_slug)
    entry = get_object_or_404(Entry, portfolio__enrollment=enrollment)
    services.unpublish_entry(entry)
    messages.success(request, "Your entry is no longer in the gallery. Its comments are kept; publish again whenever you like.")
    return redirect("gallery:publish", course_slug)


@require_POST
@login_required
def comment_create(request, course_slug, pk):
    course, enrollment = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk)
    if not _can_post(request, entry, enrollment):
        return redirect(entry)
    parent = services.resolve_parent(entry, request.POST.get("parent"), request.user)
    needs_rules = enrollment is not None and not services.has_accepted_rules(request.user, course)
    form = CommentForm(request.POST, needs_rules=needs_rules)
    status = 200
    if form.is_valid():
        try:
            services.check_comment_rate(request.user)
        except services.RateLimited as limited:
            form.add_error(None, str(limited))
            status = 429
        else:
            with transaction.atomic():
                if needs_rules:
                    services.accept_rules(request.user, course)
                comment = services.post_comment(entry, request.user, form.cleaned_data["body"], parent=parent)
            messages.success(request, "Your reply is posted." if parent else "Your comment is posted.")
            return redirect(comment.get_absolute_url())
    return _render_entry(request, course, enrollment, entry, needs_rules=needs_rules, form=form, reply_to=parent, status=status)


def _own_comment(request, course_slug, pk, comment_pk):
    course, _ = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk)
    return get_object_or_404(
        Comment.objects.select_related("entry__course"),
        pk=comment_pk, entry=entry, author=request.user, is_hidden=False, is_deleted=False,
    )


@login_required
def comment_edit(request, course_slug, pk, comment_pk):
    comment = _own_comment(request, course_slug, pk, comment_pk)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        services.edit_comment(comment, form.cleaned_data["body"])
        messages.success(request, "Your comment is updated.")
        return redirect(comment.get_absolute_url())
    return render(request, "gallery/comment_edit.html", {"comment": comment, "entry": comment.entry, "form": form})


@require_POST
@login_required
def comment_delete(request, course_slug, pk, comment_pk):
    comment = _own_comment(request, course_slug, pk, comment_pk)
    entry = comment.entry
    services.delete_comment(comment)
    messages.success(request, "Your comment is deleted.")
    return redirect(f"{entry.get_absolute_url()}#comments")


@require_POST
@login_required
def report(request, course_slug, pk, comment_pk=None):
    course, enrollment = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk)
    comment = None
    if comment_pk is not None:
        comment = get_object_or_404(Comment.objects.visible_to(request.user), pk=comment_pk, entry=entry)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
    else:
        services.report_item(request.user, form.cleaned_data["reason"], entry=entry, comment=comment)
        messages.success(request, "Thank you. A moderator will look at your report.")
    return redirect(comment.get_absolute_url() if comment else entry.get_absolute_url())


@require_POST
@login_required
def moderate(request, course_slug, pk, comment_pk=None):
    """Instructors hide or restore an entry or a comment from the entry page; open reports on it are resolved."""
    course, _ = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk)
    if not _is_moderator(request.user):
        raise PermissionDenied("Only instructors can hide or restore gallery posts.")
    hide = request.POST.get("action") == "hide"
    with transaction.atomic():
        if comment_pk is None:
            services.set_entry_hidden(entry, hide, by=request.user)
            reports = Report.objects.filter(entry=entry, comment__isnull=True)
            target_url = entry.get_absolute_url()
        else:
            comment = get_object_or_404(Comment, pk=comment_pk, entry=entry)
            services.set_comment_hidden(comment, hide, by=request.user)
            reports = Report.objects.filter(comment=comment)
            target_url = comment.get_absolute_url()
        resolved = services.resolve_reports(reports, request.user) if hide else 0
    what = "comment" if comment_pk else "entry"
    note = f" {resolved} open report{'s' if resolved != 1 else ''} on it resolved." if resolved else ""
    messages.success(request, (f"The {what} is hidden from learners." if hide else f"The {what} is visible again.") + note)
    return redirect(target_url)
