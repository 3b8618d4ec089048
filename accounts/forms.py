from django import forms
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from accounts.models import User
from core.images import clean_uploaded_image
from core.ratelimit import check_upload_rate


class SignupExtraForm(forms.Form):
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


class ProfileForm(forms.ModelForm):
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
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5}), "avatar": forms.ClearableFileInput}
        help_texts = {
            "avatar": (
                "JPEG, PNG, GIF or WebP, up to 5 MB (a PNG, GIF or WebP up to 16 megapixels). "
                "We re-encode it and remove its metadata."
            ),
            "bio": "A few sentences about your creative practice (up to 2,000 characters).",
        }

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        # Unchanged (the stored file) or cleared (False): nothing to decode.
        if not avatar or not hasattr(avatar, "content_type"):
            return avatar
        check_upload_rate(self.instance)
        return clean_uploaded_image(avatar, max_side=512)
