from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from core.media import stored_file_response, url_prefix
from courses.models import Course, Enrollment
from courses.services import get_enrollment_or_404, get_own_enrollment_or_404
from gallery import services
from gallery.forms import CommentForm, PublishForm, ReplyForm, ReportForm
from gallery.models import SORTS, Comment, Entry, is_course_staff
from gallery.tasks import render_entry_pdf
from portfolios.models import EVALUATION_MIN_TO_PUBLISH, SUMMARY_MIN_TO_PUBLISH
from portfolios.services import compile_portfolio, get_or_create_portfolio, portfolio_texts_url, request_pdf

PAGE_SIZE = 24
THREADS_PER_PAGE = 50  # top-level comments per page of a discussion, each with its replies


def _gallery_access(request, course_slug: str, *, find_enrollment=get_enrollment_or_404):
    """The gallery's one access check: (course, enrollment, staff). The course's staff
    (is_course_staff: its instructors, with the instructors' permissions) see and moderate its
    gallery, enrolled or not; everyone else comes in as a learner of their own course only
    (`find_enrollment` finds theirs or answers 404)."""
    if request.user.is_staff:
        course = Course.objects.filter(slug=course_slug).first()
        if course is not None and is_course_staff(request.user, course):
            return course, None, True
    enrollment = find_enrollment(request.user, course_slug)
    return enrollment.course, enrollment, False


def _own_content_access(request, course_slug: str):
    """_gallery_access for acting on one's own posts (unpublish, delete a comment): a learner keeps it
    after withdrawing, or when the course is closed to their country (get_own_enrollment_or_404)."""
    return _gallery_access(request, course_slug, find_enrollment=get_own_enrollment_or_404)


def _after_own_change(enrollment, default):
    """Where to go after changing one's own post: a learner who left cannot open the gallery, so their posts page."""
    if enrollment is not None and enrollment.status == Enrollment.Status.WITHDRAWN:
        return reverse("gallery:own", args=[enrollment.course.slug])
    return default


def _get_entry(request, course, pk: int, *, staff: bool) -> Entry:
    """The course's entry with its author, if this reader may see it (Entry.objects.visible_to)."""
    entries = Entry.objects.visible_to(request.user, staff=staff).select_related("author", "course")
    return get_object_or_404(entries, course=course, pk=pk)


def _get_comment(entry: Entry, comment_pk: int, *, staff: bool) -> Comment:
    """One of the entry's comments, if this reader may see it (Comment.objects.visible_to)."""
    comments = Comment.objects.visible_to(staff=staff).select_related("author", "entry__course")
    return get_object_or_404(comments, pk=comment_pk, entry=entry)


def _can_post(request, entry: Entry, enrollment, *, staff: bool) -> bool:
    """Comments, edits and reports need a published entry and, for learners, access that has not ended."""
    if not entry.is_visible_to_peers and not staff:
        messages.error(request, "This entry is not in the gallery at the moment, so it cannot take comments.")
        return False
    if enrollment is not None and enrollment.is_read_only:
        messages.error(request, "Your access to this course has ended: you can read the gallery but not post in it.")
        return False
    return True


@login_required
def entry_list(request, course_slug):
    course, enrollment, staff = _gallery_access(request, course_slug)
    own = Entry.objects.filter(portfolio__enrollment=enrollment).first() if enrollment else None
    query = request.GET.get("q", "").strip()[:100]
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "newest"
    # Unsearched, every learner whose own entry (if any) is in the gallery sees the same cards: those are cached.
    shared = not query and not staff and (own is None or own.is_visible_to_peers)
    entries = Entry.objects.published() if shared else Entry.objects.visible_to(request.user, staff=staff).search(query)
    grid = entries.for_grid(course, sort)
    paginator = Paginator(grid, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "course": course, "enrollment": enrollment, "own_entry": own, "query": query, "sort": sort,
        "query_string": urlencode({k: v for k, v in (("q", query), ("sort", sort)) if v and v != "newest"}),
        "page": page, "shared": shared,
        # The shared cards are named by what they show: the count and the (pk, updated_at) of the entries on
        # the page (any change to a card, its comment count or its author's name gives the entry a new
        # updated_at; an entry that comes, goes or moves changes the pks). Both are read from an index.
        "cards": list(page.object_list.values_list("pk", "updated_at")) if shared and paginator.count else None,
    }
    return render(request, "gallery/entry_list.html", context)


def _render_entry(request, course, enrollment, entry, *, staff, failed=None, reply_to=None, failed_report=None, status=200):
    """The entry page with one page of its discussion. The page has one reply box, under the thread that
    `?reply=<id>` names (each other thread has a Reply link to it). A comment that failed (`failed`, its
    form) comes back with its text and errors, in the reply box of its thread (`reply_to`) or in the
    new-comment box; a report that failed (`failed_report`: its comment or None, reason and error) in
    the open report box it came from."""
    can_post = entry.is_visible_to_peers and not (enrollment and enrollment.is_read_only)
    needs_rules = can_post and enrollment is not None and not services.has_accepted_rules(request.user, course)
    threads = Comment.objects.threads(entry, staff=staff)
    if reply_to:
        replying = reply_to.pk
    else:
        replying = request.GET.get("reply", "")
        replying = int(replying) if replying.isdigit() else None
    reported = failed_report and failed_report["comment"]
    comment_id = replying or (reported and reported.pk) or request.GET.get("comment")
    number = threads.page_of(comment_id, THREADS_PER_PAGE) if comment_id else request.GET.get("page")
    page = Paginator(threads.with_replies(staff=staff, course_id=course.pk), THREADS_PER_PAGE).get_page(number)
    thread = next((t for t in page if t.pk == replying and not t.is_hidden), None) if can_post or reply_to else None
    reply_form = failed if reply_to else ReplyForm(thread=thread, needs_rules=needs_rules) if thread else None
    if reported:
        for comment in (c for t in page for c in [t, *t.reply_list] if c.pk == reported.pk):
            comment.failed_report = failed_report  # its report box opens with the reason and the error
    context = {
        "course": course, "enrollment": enrollment, "entry": entry, "page": page, "can_post": can_post, "needs_rules": needs_rules,
        "form": failed if failed and not reply_to else CommentForm(needs_rules=needs_rules),
        # Each thread with its comments, the first and then its replies, drawn in one loop.
        "threads": [(t, [t, *t.reply_list]) for t in page],
        "reply_thread": thread, "reply_form": reply_form,
        # The one base of the per-comment links and forms: <entry_url>comments/<pk>/edit/ and so on.
        "entry_url": entry.get_absolute_url(),
        "media_url": url_prefix("gallery:entry_file", course.slug, entry.pk),  # the snapshot's images
        "is_moderator": staff,
        "failed_entry_report": failed_report if failed_report and not reported else None,
    }
    return render(request, "gallery/entry_detail.html", context, status=status)


@login_required
def entry_detail(request, course_slug, pk):
    course, enrollment, staff = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk, staff=staff)
    return _render_entry(request, course, enrollment, entry, staff=staff)


@login_required
def entry_pdf(request, course_slug, pk):
    """Download the PDF of the entry's snapshot; until it is made, ask for it (one job however often the link is clicked)."""
    course, _, staff = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk, staff=staff)
    if request_pdf(entry, entry.snapshot, render_entry_pdf) == Entry.PdfStatus.READY:
        filename = f"{slugify(entry.title) or 'portfolio'}.pdf"
        return FileResponse(entry.pdf.open("rb"), as_attachment=True, filename=filename)
    messages.info(request, "The PDF of this entry is being prepared. Please try the download again in a minute.")
    return redirect(entry)


@login_required
def entry_file(request, course_slug, pk, name):
    """A cover or snapshot image of the entry, to whoever may see the entry (its PDF's access): so
    the images of an unpublished or hidden entry, and replaced ones, are out of reach with it."""
    course, _, staff = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk, staff=staff)
    if name not in services.entry_images(entry):
        raise Http404("No such image.")
    # The learner's own portfolio file downloads under the name they gave it.
    return stored_file_response(name, filename=entry.attachment_name if name == entry.attachment.name else "")


@login_required
def publish(request, course_slug):
    enrollment = get_enrollment_or_404(request.user, course_slug)
    portfolio = get_or_create_portfolio(enrollment)
    entry = Entry.objects.filter(portfolio=portfolio).first()
    needs_rules = not services.has_accepted_rules(request.user, enrollment.course)
    form = PublishForm(
        request.POST or None, request.FILES or None,
        portfolio=portfolio, entry=entry, author=request.user, needs_rules=needs_rules,
    )
    if request.method == "POST" and enrollment.is_read_only:
        messages.error(request, "Your access to this course has ended, so you cannot publish to its gallery.")
    elif request.method == "POST" and form.is_valid():
        data, was_published = form.cleaned_data, bool(entry and entry.is_published)
        entry = services.publish_entry(
            portfolio, title=data["title"], summary=portfolio.summary.strip(), critical_evaluation=portfolio.critical_evaluation.strip(),
            cover=data["cover"], remove_cover=data.get("remove_cover", False), accept_rules=needs_rules,
            cover_alt=data["cover_alt"], include_attachment=data.get("include_attachment", False),
        )
        messages.success(request, "Your entry is updated in the gallery." if was_published else "Your portfolio is published in the gallery.")
        return redirect(entry)
    context = {
        "course": enrollment.course, "form": form, "entry": entry, "portfolio": portfolio, "needs_rules": needs_rules,
        # #16.10: the texts are the portfolio's, edited where the course asks for them
        "texts_url": portfolio_texts_url(enrollment.course),
        # What the snapshot will hold, worksheet by worksheet (the same compile as the portfolio page).
        "compiled": compile_portfolio(portfolio),
        # Said before the first try, not only as an error after it.
        "lengths": {
            "summary": (len(portfolio.summary.strip()), SUMMARY_MIN_TO_PUBLISH),
            "critical_evaluation": (len(portfolio.critical_evaluation.strip()), EVALUATION_MIN_TO_PUBLISH),
        },
    }
    return render(request, "gallery/entry_publish.html", context)


@require_POST
@login_required
def unpublish(request, course_slug):
    enrollment = get_own_enrollment_or_404(request.user, course_slug)
    entry = get_object_or_404(Entry, portfolio__enrollment=enrollment)
    services.unpublish_entry(entry)
    messages.success(request, "Your entry is no longer in the gallery. Its comments are kept; publish again whenever you like.")
    return redirect(_after_own_change(enrollment, reverse("gallery:publish", args=[course_slug])))


@login_required
def own_posts(request, course_slug):
    """What the learner posted in the course's gallery, with the controls to take it down; open after withdrawing too."""
    enrollment = get_own_enrollment_or_404(request.user, course_slug)
    entry = Entry.objects.filter(portfolio__enrollment=enrollment).first()
    comments = (
        Comment.objects.filter(author=request.user, entry__course=enrollment.course, is_hidden=False, is_deleted=False)
        .select_related("entry__course")
        .order_by("-created_at")
    )
    # One who left cannot open the gallery's pages, so theirs are listed without links.
    left = enrollment.status == Enrollment.Status.WITHDRAWN
    context = {"course": enrollment.course, "entry": entry, "comments": comments, "left": left}
    return render(request, "gallery/own_posts.html", context)


@require_POST
@login_required
def comment_create(request, course_slug, pk):
    course, enrollment, staff = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk, staff=staff)
    if not _can_post(request, entry, enrollment, staff=staff):
        return redirect(entry)
    parent = services.resolve_parent(entry, request.POST.get("parent"), staff=staff)
    needs_rules = enrollment is not None and not services.has_accepted_rules(request.user, course)
    if parent:
        form = ReplyForm(request.POST, thread=parent, needs_rules=needs_rules)
    else:
        form = CommentForm(request.POST, needs_rules=needs_rules)
    status = 200
    if form.is_valid():
        try:
            comment = services.post_comment(entry, request.user, form.cleaned_data["body"], parent=parent, accept_rules=needs_rules)
        except services.RateLimited as limited:
            form.add_error(None, str(limited))
            status = 429
        else:
            messages.success(request, "Your reply is posted." if parent else "Your comment is posted.")
            return redirect(comment)
    return _render_entry(request, course, enrollment, entry, staff=staff, failed=form, reply_to=parent, status=status)


def _own_comment(request, course_slug, pk, comment_pk, *, access=_gallery_access):
    """(comment, enrollment, staff): one of the reader's own comments, on an entry they see."""
    course, enrollment, staff = access(request, course_slug)
    entry = _get_entry(request, course, pk, staff=staff)
    comment = get_object_or_404(
        Comment.objects.select_related("entry__course"),
        pk=comment_pk, entry=entry, author=request.user, is_hidden=False, is_deleted=False,
    )
    return comment, enrollment, staff


@login_required
def comment_edit(request, course_slug, pk, comment_pk):
    """Edit one's own comment, under the same rule as posting one (_can_post)."""
    comment, enrollment, staff = _own_comment(request, course_slug, pk, comment_pk)
    if not _can_post(request, comment.entry, enrollment, staff=staff):
        return redirect(comment)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(comment, form.cleaned_data["body"])
        except services.RateLimited as limited:
            form.add_error(None, str(limited))
            status = 429
        else:
            messages.success(request, "Your comment is updated.")
            return redirect(comment)
    context = {"comment": comment, "entry": comment.entry, "form": form}
    return render(request, "gallery/comment_edit.html", context, status=status)


@require_POST
@login_required
def comment_delete(request, course_slug, pk, comment_pk):
    """Delete one's own comment; unlike posting, this stays open after access ends: people may always take their words down."""
    comment, enrollment, _ = _own_comment(request, course_slug, pk, comment_pk, access=_own_content_access)
    entry = comment.entry
    services.delete_comment(comment)
    messages.success(request, "Your comment is deleted.")
    return redirect(_after_own_change(enrollment, f"{entry.get_absolute_url()}#comments"))


@require_POST
@login_required
def report(request, course_slug, pk, comment_pk=None):
    course, enrollment, staff = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk, staff=staff)
    comment = _get_comment(entry, comment_pk, staff=staff) if comment_pk else None
    if not _can_post(request, entry, enrollment, staff=staff):
        return redirect(comment or entry)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["reason"][0])
        return redirect(comment or entry)
    try:
        _, created = services.report_item(request.user, form.cleaned_data["reason"], entry=entry, comment=comment)
    except services.RateLimited as limited:
        failed = {"comment": comment, "reason": form.cleaned_data["reason"], "error": str(limited)}
        return _render_entry(request, course, enrollment, entry, staff=staff, failed_report=failed, status=429)
    if created:
        messages.success(request, "Thank you. A moderator will look at your report.")
    else:
        messages.info(request, f"You have already reported this {'comment' if comment else 'entry'}. A moderator will look at it.")
    return redirect(comment or entry)


@require_POST
@login_required
def moderate(request, course_slug, pk, comment_pk=None):
    """Instructors hide or restore an entry or a comment from the entry page; hiding resolves the open reports on it."""
    course, _, staff = _gallery_access(request, course_slug)
    entry = _get_entry(request, course, pk, staff=staff)
    if not staff:
        raise PermissionDenied("Only the course's instructors can hide or restore gallery posts.")
    target = _get_comment(entry, comment_pk, staff=staff) if comment_pk else entry
    hide = request.POST.get("action") == "hide"
    resolved = services.moderate(target, hide=hide, by=request.user)
    what = "comment" if comment_pk else "entry"
    note = f" {resolved} open report{'s' if resolved != 1 else ''} on it resolved." if resolved else ""
    messages.success(request, (f"The {what} is hidden from learners." if hide else f"The {what} is visible again.") + note)
    return redirect(target)
