from django import forms

from core.images import open_image
from core.ratelimit import check_upload_rate
from gallery.services import COVER_SIDE
from portfolios.models import EVALUATION_MIN_TO_PUBLISH, SUMMARY_MIN_TO_PUBLISH

COMMENT_MAX = 5000


class PublishForm(forms.Form):
    """Title, optional cover with its description, the learner's own file; the rules box only before
    a first post. The summary and critical evaluation are the portfolio's (#16.10: written once, where
    the course asks for them): this form shows them and checks they are long enough to publish."""

    title = forms.CharField(max_length=150, help_text="A short name peers will see in the gallery.")
    cover = forms.FileField(
        required=False,
        label="Cover image (optional)",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        help_text=(
            "JPEG, PNG, GIF or WebP, up to 25 MB: a large photo is made smaller for you (a PNG, GIF or WebP "
            "may be up to 16 megapixels). We remove its metadata."
        ),
    )
    cover_alt = forms.CharField(
        required=False,
        max_length=250,
        label="Describe the cover image in a few words",
        help_text="Read out instead of the image to people who cannot see it, e.g. “Three sketchbooks open on a desk”.",
        error_messages={"max_length": "Please keep the description to %(limit_value)d characters (it has %(show_value)d)."},
    )
    remove_cover = forms.BooleanField(required=False, label="Remove the current cover image")
    include_attachment = forms.BooleanField(required=False, initial=True, label="Include my own portfolio file")
    accept_rules = forms.BooleanField(
        required=True,
        label="I have read the community rules above and agree to follow them.",
        error_messages={"required": "Please accept the community rules to publish in the gallery."},
    )

    def __init__(self, *args, portfolio, entry, author, needs_rules: bool, **kwargs):
        """Filled in from the entry when there is one."""
        kwargs.setdefault("initial", {
            "title": entry.title if entry else f"{author.public_name}’s micro-influence portfolio",
            "cover_alt": entry.cover_alt if entry else "",
            "include_attachment": bool(entry.attachment) if entry and entry.pk and entry.is_published else True,
        })
        super().__init__(*args, **kwargs)
        self.author = author
        self.portfolio = portfolio
        if not needs_rules:
            del self.fields["accept_rules"]
        if not (entry and entry.cover):
            del self.fields["remove_cover"]
        if portfolio.attachment:
            self.fields["include_attachment"].help_text = f"“{portfolio.attachment_name}”, as it is attached to your portfolio now."
        else:
            del self.fields["include_attachment"]

    def clean(self):
        data = super().clean()
        for name, minimum, why in (
            ("summary", SUMMARY_MIN_TO_PUBLISH, "helps peers understand your portfolio"),
            ("critical_evaluation", EVALUATION_MIN_TO_PUBLISH, "shows peers what you learned and gives them something to discuss"),
        ):
            text = getattr(self.portfolio, name).strip()
            if len(text) < minimum:
                noun = "summary" if name == "summary" else "critical evaluation"
                self.add_error(None, forms.ValidationError(
                    f"Your {noun} is {len(text)} characters; a {noun} of at least {minimum} characters {why}. "
                    "Please add to it where you write it (the link just above), then publish.",
                    code=f"short_{name}",
                ))
        if data.get("cover") is not None and not data.get("cover_alt", "").strip():
            self.add_error("cover_alt", "Please describe the cover image in a few words, then choose the image again.")
        return data

    def clean_cover(self):
        """Decode the upload now (no bigger than the cover is kept), so a bad file is an error on the
        form, not a 500 later."""
        cover = self.cleaned_data.get("cover")
        if not cover:
            return None
        check_upload_rate(self.author)
        return open_image(cover, max_side=COVER_SIDE)


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=True,
        help_text="Markdown works: **bold**, *italic*, [links](https://example.com), lists.",
        error_messages={"required": "Your comment is empty. Write something before posting."},
    )
    accept_rules = forms.BooleanField(
        required=True,
        label="I have read the community rules and agree to follow them.",
        error_messages={"required": "Please accept the community rules before your first comment."},
    )

    def __init__(self, *args, needs_rules: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_rules:
            del self.fields["accept_rules"]

    def clean_body(self):
        body = self.cleaned_data["body"]
        if len(body) > COMMENT_MAX:
            raise forms.ValidationError(
                f"Your comment is {len(body):,} characters; the limit is {COMMENT_MAX:,}. "
                "Please shorten it (or split it into two comments)."
            )
        return body


class ReplyForm(CommentForm):
    """The reply box under a thread: its ids name the thread, so every box on the page has its own."""

    def __init__(self, *args, thread, **kwargs):
        super().__init__(*args, auto_id=f"reply-%s-{thread.pk}", **kwargs)
        body = self.fields["body"]
        body.label = "Your reply in this conversation"
        body.help_text = "Markdown works. Up to 5,000 characters."
        body.widget.attrs["rows"] = 3


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="What is wrong?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A moderator reads every report. Say briefly what breaks the community rules.",
        error_messages={"required": "Please say why you are reporting this, so a moderator can act on it."},
    )
