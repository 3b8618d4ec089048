from django import forms

from core.images import open_image
from core.ratelimit import check_upload_rate
from gallery.services import COVER_SIDE

SUMMARY_MIN = 150
EVALUATION_MIN = 300
COMMENT_MAX = 5000


def _min_length(value: str, minimum: int, why: str) -> str:
    value = value.strip()
    if len(value) < minimum:
        raise forms.ValidationError(f"{why} It is {len(value)} characters now; please add {minimum - len(value)} more.")
    return value


class PublishForm(forms.Form):
    """Title, summary, critical evaluation, optional cover; the rules box only before a first post."""

    title = forms.CharField(max_length=150, help_text="A short name peers will see in the gallery.")
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
        help_text=f"What your strategy is and who it is for, in at least {SUMMARY_MIN} characters.",
    )
    critical_evaluation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=10000,
        help_text=(
            f"What worked, what did not and what you would change, in at least {EVALUATION_MIN} characters."
        ),
    )
    cover = forms.FileField(
        required=False,
        label="Cover image (optional)",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        help_text=(
            "JPEG, PNG, GIF or WebP, up to 5 MB (a PNG, GIF or WebP up to 16 megapixels). "
            "We re-encode it and remove its metadata."
        ),
    )
    remove_cover = forms.BooleanField(required=False, label="Remove the current cover image")
    accept_rules = forms.BooleanField(
        required=True,
        label="I have read the community rules above and agree to follow them.",
        error_messages={"required": "Please accept the community rules to publish in the gallery."},
    )

    def __init__(self, *args, portfolio, entry, author, needs_rules: bool, **kwargs):
        """Filled in from the portfolio's texts, or the entry's when the portfolio has none."""
        kwargs.setdefault("initial", {
            "title": entry.title if entry else f"{author.public_name}’s micro-influence portfolio",
            "summary": portfolio.summary or (entry.summary if entry else ""),
            "critical_evaluation": portfolio.critical_evaluation or (entry.critical_evaluation if entry else ""),
        })
        super().__init__(*args, **kwargs)
        self.author = author
        if not needs_rules:
            del self.fields["accept_rules"]
        if not (entry and entry.cover):
            del self.fields["remove_cover"]

    def clean_summary(self):
        return _min_length(
            self.cleaned_data["summary"],
            SUMMARY_MIN,
            f"A summary of at least {SUMMARY_MIN} characters helps peers understand your portfolio.",
        )

    def clean_critical_evaluation(self):
        return _min_length(
            self.cleaned_data["critical_evaluation"],
            EVALUATION_MIN,
            f"A critical evaluation of at least {EVALUATION_MIN} characters shows peers what you learned "
            "and gives them something to discuss.",
        )

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
