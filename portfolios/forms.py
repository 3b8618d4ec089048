"""Forms for worksheets (one field per prompt), the portfolio texts and the prompt admin.

The worksheet page, the per-answer autosave endpoint and the no-JavaScript submit all
validate through `answer_field(prompt)`, so a value is judged the same way however it arrives.
"""

import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from core.files import PORTFOLIO_FILE_HELP, validate_portfolio_file
from core.images import sized_image
from core.ratelimit import check_upload_rate
from portfolios.models import (
    ANSWER_IMAGE_SIDE,
    ANSWER_IMAGE_SMALL,
    EVALUATION_MIN_TO_PUBLISH,
    SUMMARY_MIN_TO_PUBLISH,
    Portfolio,
    Prompt,
    display_text,
)
from portfolios.services import VersionConflict, save_answer, save_portfolio_text

DEFAULT_MAX_LENGTH = {Prompt.Kind.SHORT_TEXT: 300, Prompt.Kind.LONG_TEXT: 10000}
CHOICE_KINDS = {Prompt.Kind.SINGLE_CHOICE, Prompt.Kind.MULTIPLE_CHOICE, Prompt.Kind.CHECKLIST}
PORTFOLIO_TEXT_FIELDS = ("summary", "critical_evaluation")


def field_name(prompt: Prompt) -> str:
    return f"prompt_{prompt.pk}"


def version_name(prompt: Prompt) -> str:
    return f"version_{prompt.pk}"


# --- #16.11: every image upload comes with a short description, its alt text ---------------

IMAGE_ALT_MAX = 250
IMAGE_ALT_MISSING = (
    "Please describe this image in a few words, so that people who cannot see it know what it shows. "
    "Then choose the image again: it has not been saved."
)


# The autosave keeps the chosen file in the page, and sends it again with the description.
IMAGE_ALT_MISSING_AUTOSAVE = (
    "Please describe this image in a few words in the box above, so that people who cannot see it know what "
    "it shows. It is saved as soon as the description is there."
)


def alt_name(prompt: Prompt) -> str:
    return f"alt_{prompt.pk}"


def image_alt_field() -> forms.CharField:
    return forms.CharField(
        label="Describe the image in a few words",
        help_text="Read out instead of the image to people who cannot see it, e.g. “A blue glazed bowl on an oak table”.",
        max_length=IMAGE_ALT_MAX,
        required=False,
        error_messages={"max_length": "Please keep the description to %(limit_value)d characters (it has %(show_value)d)."},
    )


def clean_image_alt(prompt: Prompt, data, image) -> str | None:
    """The description posted with an image prompt (the autosave endpoint): None when none was sent
    (nothing to change); an error when a new image comes without one."""
    if alt_name(prompt) not in data:
        if image is not None:
            raise ValidationError(IMAGE_ALT_MISSING_AUTOSAVE, code="alt_missing")
        return None
    alt = image_alt_field().clean(data.get(alt_name(prompt), "")).strip()
    if image is not None and not alt:
        raise ValidationError(IMAGE_ALT_MISSING_AUTOSAVE, code="alt_missing")
    return alt


class AnswerImageField(forms.FileField):
    """An image upload decoded, size-limited and re-encoded by core.images (never trusted as sent),
    counted against its uploader's limit first (core.ratelimit)."""

    def __init__(self, *, uploader=None, **kwargs):
        self.uploader = uploader
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded:
            return None
        if self.uploader is not None:
            check_upload_rate(self.uploader)
        # A photo stays a JPEG or WebP, shrunk to the kept size, with a smaller copy for srcset.
        return sized_image(uploaded, max_side=ANSWER_IMAGE_SIDE, small_width=ANSWER_IMAGE_SMALL)


def answer_field(prompt: Prompt, *, uploader=None) -> forms.Field:
    """The form field for one prompt (kind_field), with the rules its wording states (prompt_rules)."""
    return prompt_rules(prompt, kind_field(prompt, uploader=uploader))


def kind_field(prompt: Prompt, *, uploader=None) -> forms.Field:
    """The form field for one prompt: right widget, limits and messages for its kind; an image
    upload counts against `uploader`'s upload limit.

    Every field is optional here: learners save drafts field by field; required prompts are
    checked when they submit the worksheet.
    """
    kind = prompt.kind
    common = {"label": prompt.label, "help_text": prompt.help_text, "required": False}
    if kind in (Prompt.Kind.SHORT_TEXT, Prompt.Kind.LONG_TEXT):
        limit = prompt.max_length or DEFAULT_MAX_LENGTH[kind]
        widget = forms.TextInput if kind == Prompt.Kind.SHORT_TEXT else forms.Textarea(attrs={"rows": 6})
        return forms.CharField(
            max_length=limit,
            widget=widget,
            error_messages={
                "max_length": "Please shorten this answer to %(limit_value)d characters (it has %(show_value)d)."
            },
            **common,
        )
    if kind == Prompt.Kind.SINGLE_CHOICE:
        return forms.ChoiceField(
            choices=[(c, c) for c in prompt.choices],
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Please pick one of the options listed."},
            **common,
        )
    if kind in (Prompt.Kind.MULTIPLE_CHOICE, Prompt.Kind.CHECKLIST):
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in prompt.choices],
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "“%(value)s” is not one of the options; please tick only the options listed."},
            **common,
        )
    if kind == Prompt.Kind.URL:
        return forms.URLField(
            max_length=prompt.max_length or 500,
            assume_scheme="https",
            widget=forms.URLInput(attrs={"placeholder": "https://"}),
            error_messages={"invalid": "Please enter a web address such as https://www.example.com/your-page."},
            **common,
        )
    if kind == Prompt.Kind.NUMBER:
        return AnswerNumberField(
            min_value=prompt.min_value,
            max_value=prompt.max_value,
            max_digits=14,
            decimal_places=2,
            # Text with a number keyboard, not type=number: that drops what it cannot read ("1.2k" became
            # 1.2, "about 3" became 3) without a word; this keeps it, and the server says what it needs.
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            error_messages={
                "invalid": "Please enter a number in figures, e.g. 1200 or 2.5.",
                "min_value": f"Please enter a number of at least {_plain(prompt.min_value)}.",
                "max_value": f"Please enter a number no bigger than {_plain(prompt.max_value)}.",
                "max_decimal_places": "Please use at most %(max)s decimal places.",
            },
            **common,
        )
    if kind == Prompt.Kind.IMAGE:
        return AnswerImageField(
            uploader=uploader, widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}), **common
        )
    raise ValueError(f"Unknown prompt kind {kind!r}")


class AnswerNumberField(forms.DecimalField):
    """A number as people write it: "1,200" and "1 200" are 1200 (the separators are dropped)."""

    def to_python(self, value):
        if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,3}([ ,\u00a0\u202f]\d{3})+(\.\d+)?\s*", value):
            value = re.sub(r"[ ,\u00a0\u202f]", "", value)
        return super().to_python(value)


def _plain(limit) -> str:
    """80.00 as "80" and 2.50 as "2.5", for messages."""
    text = f"{limit:f}" if limit is not None else ""
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- the rules a prompt states, enforced on every save and shown while typing -----------------
# "Choose no more than three" (Prompt.max_choices), a count (Prompt.whole_number) and the length
# limit: the server refuses what breaks them with a message next to the field (nothing typed is
# lost: the form redisplays it, autosave keeps it); static/js/answer-rules.js shows them live.


def _no_more_than(limit: int):
    def check(values):
        if len(values) > limit:
            extra = len(values) - limit
            raise ValidationError(
                f"Please choose no more than {limit} (you chose {len(values)}): untick {extra} of them.",
                code="max_choices",
            )

    return check


def _whole(value):
    if value is not None and value != value.to_integral_value():
        raise ValidationError(f"Please enter a whole number, e.g. {int(value)} or {int(value) + 1} (not {value.normalize()}).", code="whole_number")


def prompt_rules(prompt: Prompt, field: forms.Field) -> forms.Field:
    if prompt.kind in (Prompt.Kind.MULTIPLE_CHOICE, Prompt.Kind.CHECKLIST) and prompt.max_choices:
        field.validators.append(_no_more_than(prompt.max_choices))
        field.widget.attrs["data-max-choices"] = str(prompt.max_choices)
    if prompt.kind == Prompt.Kind.NUMBER and prompt.whole_number:
        field.validators.append(_whole)
        field.widget.attrs["inputmode"] = "numeric"  # a keyboard of digits only
    return field


def to_json_value(prompt: Prompt, cleaned):
    """What Answer.value stores for a cleaned value (JSON: text, list of text, number or null)."""
    if prompt.kind == Prompt.Kind.IMAGE:
        return None
    if prompt.kind == Prompt.Kind.NUMBER:
        if cleaned is None:
            return None
        return int(cleaned) if cleaned == cleaned.to_integral_value() else float(cleaned)
    if prompt.kind in (Prompt.Kind.MULTIPLE_CHOICE, Prompt.Kind.CHECKLIST):
        order = {c: i for i, c in enumerate(prompt.choices)}
        return sorted(cleaned or [], key=lambda c: order.get(c, 0))
    return (cleaned or "").strip() if isinstance(cleaned, str) else cleaned


def to_form_value(prompt: Prompt, value):
    """The stored JSON value as a form's initial data."""
    if prompt.kind == Prompt.Kind.NUMBER and value is not None:
        return Decimal(str(value))
    return value


class WorksheetForm(forms.Form):
    """One field per prompt plus a hidden version per prompt (the copy the page loaded), built per request."""

    def __init__(self, prompts, answers: dict, *args, autosave_url=None, uploader=None, **kwargs):
        """`answers`: {prompt id: Answer}; `save` adds the answers it saves. `autosave_url(prompt_id)`:
        a prompt's autosave address, for `rows` (the view builds it from one reversed URL).
        `uploader`: whose upload limit the image prompts count against."""
        self.prompts = list(prompts)
        self.autosave_url = autosave_url
        self.answers = answers
        self.conflicts = {}
        initial = {}
        for prompt in self.prompts:
            answer = answers.get(prompt.pk)
            initial[field_name(prompt)] = to_form_value(prompt, answer.value) if answer else None
            initial[version_name(prompt)] = answer.version if answer else 0
        super().__init__(*args, initial=initial, **kwargs)
        for prompt in self.prompts:
            self.fields[field_name(prompt)] = answer_field(prompt, uploader=uploader)
            self.fields[version_name(prompt)] = forms.IntegerField(min_value=0, widget=forms.HiddenInput, required=False)
        self._add_image_descriptions()

    def _add_image_descriptions(self) -> None:
        """#16.11: a description field beside each image prompt, filled with the saved one."""
        for prompt in self.prompts:
            if prompt.kind == Prompt.Kind.IMAGE:
                answer = self.answers.get(prompt.pk)
                self.fields[alt_name(prompt)] = image_alt_field()
                self.fields[alt_name(prompt)].widget.attrs["data-image-alt"] = ""
                self.initial[alt_name(prompt)] = answer.image_alt if answer else ""

    def _image_change(self, prompt: Prompt, cleaned, answer) -> str | None:
        """#16.11: the description to save with an image prompt's answer, or None when there is
        nothing to save (no new image and the same description, or a new image without one: an error)."""
        if alt_name(prompt) in self.errors:
            return None
        alt = (self.cleaned_data.get(alt_name(prompt)) or "").strip()
        if cleaned is not None and not alt:
            self.add_error(alt_name(prompt), IMAGE_ALT_MISSING)
            return None
        if cleaned is not None or (answer is not None and answer.image and alt != answer.image_alt):
            return alt
        return None

    def save(self, portfolio: Portfolio) -> bool:
        """Validate, then save every valid field that changed, each with its own version check.

        True when every answer is valid and saved; otherwise the errors are on the fields and the
        conflicts in `conflicts` ({prompt id: VersionConflict}). Afterwards the hidden versions in
        the form's data are the server's, so the redisplayed page saves cleanly next time (for a
        conflict that means: saving again keeps the learner's text, which is what the conflict box says).
        """
        self.is_valid()
        data = self.data.copy()
        for prompt in self.prompts:
            name = field_name(prompt)
            if name in self.errors or version_name(prompt) in self.errors:
                continue
            cleaned = self.cleaned_data.get(name)
            expected = self.cleaned_data.get(version_name(prompt)) or 0
            answer = self.answers.get(prompt.pk)
            value = to_json_value(prompt, cleaned)
            image_alt = None
            if prompt.kind == Prompt.Kind.IMAGE:
                image_alt = self._image_change(prompt, cleaned, answer)
                if image_alt is None:
                    continue
            elif value == (answer.value if answer else None) or (answer is None and value in ("", [], None)):
                continue  # unchanged: saving it would only bump the version and confuse other tabs
            try:
                answer = save_answer(
                    portfolio, prompt, value, expected_version=expected,
                    image=cleaned if prompt.kind == Prompt.Kind.IMAGE else None, image_alt=image_alt,
                )
                self.answers[prompt.pk] = answer
                data[version_name(prompt)] = str(answer.version)
            except VersionConflict as conflict:
                self.conflicts[prompt.pk] = conflict
                data[version_name(prompt)] = str(conflict.version)
        self.data = data
        return not self.errors and not self.conflicts

    @property
    def unsaved(self) -> list[tuple]:
        """The prompts whose answer was refused, each with its first reason: the list atop the page."""
        refused = []
        for prompt in self.prompts:
            names = [field_name(prompt), version_name(prompt)] + ([alt_name(prompt)] if prompt.kind == Prompt.Kind.IMAGE else [])
            errors = next((self.errors[name] for name in names if name in self.errors), None)
            if errors:
                refused.append((prompt, errors[0]))
        return refused

    @property
    def rows(self) -> list[dict]:
        """Per prompt, in order: the prompt, its field (with its id and errors) and hidden version, its
        autosave address, its answer and any conflict."""
        rows = []
        for prompt in self.prompts:
            field = self[field_name(prompt)]
            conflict = self.conflicts.get(prompt.pk)
            rows.append(
                {
                    "prompt": prompt,
                    "field": field,
                    "id": field.auto_id,
                    "errors": field.errors,
                    "autosave_url": self.autosave_url(prompt.pk) if self.autosave_url else "",
                    "version": self[version_name(prompt)],
                    "answer": self.answers.get(prompt.pk),
                    "is_group": prompt.kind in CHOICE_KINDS,
                    "is_image": prompt.kind == Prompt.Kind.IMAGE,
                    "alt": self[alt_name(prompt)] if prompt.kind == Prompt.Kind.IMAGE else None,
                    "conflict": conflict,
                    "conflict_display": display_text(conflict.value) if conflict else "",
                    "mine_display": display_text(field.value()) if conflict else "",
                }
            )
        return rows


def clean_single_answer(prompt: Prompt, data, files, *, uploader=None):
    """Validate one prompt's posted value (the autosave endpoint); returns (json_value, image, version).

    Raises ValidationError with the messages to show next to the field (code "rate_limited" when
    an image is over `uploader`'s upload limit).
    """
    field = answer_field(prompt, uploader=uploader)
    name = field_name(prompt)
    raw = field.widget.value_from_datadict(data, files, name)
    cleaned = field.clean(raw)
    try:
        version = int(data.get(version_name(prompt), ""))
    except ValueError:
        raise ValidationError("This page is out of date; please reload it.") from None
    if prompt.kind == Prompt.Kind.IMAGE and cleaned is None and alt_name(prompt) not in data:
        raise ValidationError("Please choose an image to upload.")
    return to_json_value(prompt, cleaned), cleaned if prompt.kind == Prompt.Kind.IMAGE else None, version


class PortfolioTextForm(forms.ModelForm):
    """Summary and critical evaluation with the versions the page loaded.

    The portfolio's stored texts are the form's initial values, and `save_texts` saves those that
    changed; the portfolio instance itself is never the form's (validating must not change it).
    """

    summary_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    critical_evaluation_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    class Meta:
        model = Portfolio
        fields = ["summary", "critical_evaluation"]
        labels = {"summary": "Summary", "critical_evaluation": "Critical evaluation"}
        help_texts = {
            "summary": "In a paragraph or two: what your micro-influence strategy is and who it is for. "
            f"At least {SUMMARY_MIN_TO_PUBLISH} characters to publish it in the gallery.",
            "critical_evaluation": "Looking back over your worksheets: what worked, what did not, and what you would do next. "
            f"At least {EVALUATION_MIN_TO_PUBLISH} characters to publish it in the gallery.",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "critical_evaluation": forms.Textarea(attrs={"rows": 10}),
        }
        error_messages = {
            "summary": {"max_length": "Please shorten your summary to %(limit_value)d characters (it has %(show_value)d)."},
            "critical_evaluation": {
                "max_length": "Please shorten your evaluation to %(limit_value)d characters (it has %(show_value)d)."
            },
        }

    def __init__(self, portfolio: Portfolio, *args, **kwargs):
        self.portfolio = portfolio
        self.conflicts = {}
        initial = {}
        for name in PORTFOLIO_TEXT_FIELDS:
            initial[name] = getattr(portfolio, name)
            initial[f"{name}_version"] = getattr(portfolio, f"{name}_version")
        super().__init__(*args, initial=initial, **kwargs)

    def save_texts(self) -> dict:
        """Save the changed texts of a no-JavaScript submit; returns {field: VersionConflict}."""
        data = self.data.copy()
        for name in PORTFOLIO_TEXT_FIELDS:
            if self.cleaned_data[name] == self.initial[name]:
                continue
            try:
                version = save_portfolio_text(
                    self.portfolio, name, self.cleaned_data[name], expected_version=self.cleaned_data[f"{name}_version"]
                )
            except VersionConflict as conflict:
                self.conflicts[name] = conflict
                version = conflict.version
            data[f"{name}_version"] = str(version)
        self.data = data
        return self.conflicts

    @property
    def rows(self) -> list[dict]:
        """Per text (summary, critical evaluation): its field, hidden version and any conflict."""
        return [
            {"field": self[name], "version": self[f"{name}_version"], "conflict": self.conflicts.get(name)}
            for name in PORTFOLIO_TEXT_FIELDS
        ]


def portfolio_text_field(name: str) -> forms.Field:
    return PortfolioTextForm.base_fields[name]


# --- #16.9: the learner's own portfolio file ------------------------------------------------


class PortfolioFileForm(forms.Form):
    """A PDF or slide deck of the learner's own, judged by its content (core.files), counted
    against the uploader's upload limit."""

    file = forms.FileField(
        label="Your own portfolio file",
        help_text=f"{PORTFOLIO_FILE_HELP}, up to {settings.MAX_PORTFOLIO_FILE_BYTES // (1024 * 1024)} MB.",
        widget=forms.ClearableFileInput(attrs={
            "accept": ".pdf,.pptx,.odp,application/pdf,application/vnd.openxmlformats-officedocument.presentationml.presentation,"
                      "application/vnd.oasis.opendocument.presentation",
        }),
        error_messages={"required": "Please choose a PDF or slide deck to attach."},
    )

    def __init__(self, *args, uploader=None, **kwargs):
        self.uploader = uploader
        super().__init__(*args, **kwargs)

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if self.uploader is not None:
            check_upload_rate(self.uploader)
        self.cleaned_data["kind"] = validate_portfolio_file(uploaded, settings.MAX_PORTFOLIO_FILE_BYTES)
        return uploaded


# --- admin ------------------------------------------------------------------------------


class ChoicesField(forms.CharField):
    """A JSON list of strings edited as a textarea, one option per line."""

    widget = forms.Textarea(attrs={"rows": 5, "cols": 60})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        lines = [line.strip() for line in text.splitlines()]
        return [line for line in lines if line]


class PromptAdminForm(forms.ModelForm):
    choices = ChoicesField(
        required=False,
        help_text="For single choice, multiple choice and checklist prompts: one option per line.",
    )

    class Meta:
        model = Prompt
        fields = [
            "order", "kind", "required", "label", "help_text", "section", "key", "choices", "max_length", "min_value",
            "max_value", "max_choices", "whole_number",
        ]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        choices = data.get("choices") or []
        if kind in CHOICE_KINDS:
            if len(choices) < (1 if kind == Prompt.Kind.CHECKLIST else 2):
                self.add_error("choices", "Enter the options, one per line (at least two; a checklist needs one).")
            if len(set(choices)) != len(choices):
                self.add_error("choices", "Each option must be different.")
        elif choices:
            self.add_error("choices", "Only choice and checklist prompts have options; clear this box or change the kind.")
        if data.get("max_choices") and kind not in (Prompt.Kind.MULTIPLE_CHOICE, Prompt.Kind.CHECKLIST):
            self.add_error("max_choices", "Only multiple choice and checklist prompts limit how many options are ticked.")
        if data.get("whole_number") and kind != Prompt.Kind.NUMBER:
            self.add_error("whole_number", "Only number prompts can ask for a whole number.")
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", "The largest allowed number must not be smaller than the smallest.")
        return data
