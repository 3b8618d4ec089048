import re
import unicodedata

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.db.models import Q
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from accounts.models import User, available_time_zones
from core.images import clean_uploaded_image
from core.ratelimit import check_upload_rate

# Never part of a name: controls, format characters (bidi overrides, embeddings, isolates and marks,
# zero-width spaces and joiners, byte-order marks), line and paragraph separators, private-use,
# surrogate and unassigned code points. They hide text or reverse how it reads beside a post.
REFUSED_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
# Words that claim a role; staff may use them, learners may not.
ROLE_WORDS = {"admin", "administrator", "instructor", "moderator", "staff"}


def _likeness(name: str) -> str:
    """What two names are compared by: letters and digits only, compatibility-normalised and case-folded."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", name).casefold() if ch.isalnum())


def _describe(character: str) -> str:
    return f"U+{ord(character):04X} {unicodedata.name(character, 'a control character')}"


class DisplayNameMixin:
    """The display name rules of every form that sets one (sign-up, profile):
    1. Compatibility-normalise (NFKC: full-width letters, no-break spaces) and collapse whitespace.
    2. Refuse REFUSED_CATEGORIES characters, offering the name without them in the box.
    3. Unless the account is staff, refuse a staff role word and the name of any staff account
       (by likeness: case, spacing and punctuation aside), so nobody posts as the instructor.
    """

    name_owner: User | None = None

    def clean_display_name(self):
        name = unicodedata.normalize("NFKC", self.cleaned_data.get("display_name", ""))
        refused = [ch for ch in name if unicodedata.category(ch) in REFUSED_CATEGORIES]
        name = " ".join("".join(ch for ch in name if ch not in refused).split())
        if refused:
            self.data = self.data.copy()
            self.data[self.add_prefix("display_name")] = name
            raise forms.ValidationError(
                f"Your name contained invisible or text-direction characters ({_describe(refused[0])}). "
                "We took them out: check the name below and save again."
            )
        owner = self.name_owner
        if not name or (owner is not None and (owner.is_staff or owner.is_superuser)):
            return name
        if ROLE_WORDS & {word.casefold() for word in re.findall(r"\w+", name)}:
            raise forms.ValidationError(
                "That name names a staff role (admin, instructor, moderator, staff). Please choose a name that is yours."
            )
        staff = User.objects.filter(Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name="instructors"), is_active=True)
        if owner is not None:
            staff = staff.exclude(pk=owner.pk)
        likeness = _likeness(name)
        if any(_likeness(member.public_name) == likeness for member in staff.distinct()):
            raise forms.ValidationError("That name belongs to a member of the course staff. Please choose another.")
        return name


class SignupExtraForm(DisplayNameMixin, forms.Form):
    """Extra fields on allauth's sign-up form (allauth calls signup(request, user))."""

    display_name = forms.CharField(
        max_length=80, required=False, help_text="How your name appears to peers. You can change it later."
    )
    country = LazyTypedChoiceField(
        choices=[("", "—")] + list(countries),
        required=False,
        help_text="Some courses are not offered in every country.",
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data.get("display_name", "")
        user.country = self.cleaned_data.get("country", "")
        user.save(update_fields=["display_name", "country"])


def time_zone_choices() -> list:
    """The zones grouped by region ("Australia": Melbourne, Sydney…), each named by its place:
    some 600 names in one flat list were hard to scan."""
    server = settings.TIME_ZONE
    groups: dict[str, list] = {}
    for zone in sorted(available_time_zones() - {"localtime", "Factory"}):
        region, _, place = zone.partition("/")
        if not place:
            region, place = "Other", zone
        groups.setdefault(region, []).append((zone, place.replace("_", " ").replace("/", " / ")))
    return [("", f"Not set: the site’s own ({server})"), *sorted(groups.items())]


class TimeZoneForm(forms.ModelForm):
    """The zone a browser reports (Intl.DateTimeFormat().resolvedOptions().timeZone), checked like the profile's."""

    class Meta:
        model = User
        fields = ["time_zone"]

    def clean_time_zone(self):
        if not self.cleaned_data.get("time_zone"):
            raise forms.ValidationError("No time zone was sent.")
        return self.cleaned_data["time_zone"]


class ProfileForm(DisplayNameMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.name_owner = self.instance
        self.fields["time_zone"].widget = forms.Select(choices=time_zone_choices())
        self.fields["country"].choices = [("", "—"), *countries]  # as on the sign-up form, not "---------"

    class Meta:
        model = User
        fields = [
            "display_name",
            "country",
            "bio",
            "avatar",
            "profile_is_public",
            "wants_gallery_emails",
            "wants_pace_reminders",
            "wants_course_emails",
            "time_zone",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 5}),
            "avatar": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}),
        }
        help_texts = {
            "avatar": (
                "JPEG, PNG, GIF or WebP, up to 25 MB (a PNG, GIF or WebP up to 16 megapixels). "
                "We re-encode it and remove its metadata."
            ),
            "bio": "A few sentences about your creative practice (up to 2,000 characters).",
            "time_zone": "Dates and deadlines are shown in this time zone. Your browser sets it the first time you log in.",
        }

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        # Unchanged (the stored file) or cleared (False): nothing to decode.
        if not avatar or not hasattr(avatar, "content_type"):
            return avatar
        check_upload_rate(self.instance)
        return clean_uploaded_image(avatar, max_side=512)


class DeleteAccountForm(forms.Form):
    """Deleting an account: the password again, checked as allauth's ReauthenticateForm does (with
    the log-in rate limit on failures; that form cannot be imported here, as allauth's forms import
    this module for the sign-up form), and, for a learner with badges, whether they stay verifiable
    or are revoked."""

    KEEP, REVOKE = "keep", "revoke"
    badges = forms.ChoiceField(
        label="Your badges",
        widget=forms.RadioSelect,
        initial=KEEP,
        choices=[
            (KEEP, "Keep them verifiable: each badge's page and Open Badges assertion stay online with the name "
                   "shown on it (those you made private stay hidden), and a verifier can still check them against "
                   "your email address (we keep only its salted hash, not the address)."),
            (REVOKE, "Revoke them: their pages and assertions say they were withdrawn, and keep neither your name "
                     "nor the hash of your email."),
        ],
    )

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To be sure it is you. Your account is deleted at once and cannot be restored.",
    )

    def __init__(self, *args, user: User, has_badges: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not has_badges:
            del self.fields["badges"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not get_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError("That is not your password. Please try again.")
        return password

    @property
    def keep_badges(self) -> bool:
        return self.cleaned_data.get("badges", self.KEEP) == self.KEEP
