from django import forms
from django.core.files.uploadedfile import UploadedFile
from django_countries import countries

from core.images import clean_uploaded_image
from courses.models import Course, Lesson, Offering


class EnrollForm(forms.Form):
    """The enroll box: which offering (blank = the open one) and, when the profile has none, the country."""

    offering = forms.ModelChoiceField(queryset=Offering.objects.none(), required=False)
    # Shown only when the course needs the country and the profile has none: then the browser
    # asks for it too (the view refuses an enrollment without it either way).
    country = forms.ChoiceField(
        label="Your country",
        required=False,
        widget=forms.Select(attrs={"required": True}),
        help_text="This course is not offered everywhere. We save your answer to your profile.",
    )

    def __init__(self, course: Course, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offering"].queryset = course.offerings.all()
        self.fields["offering"].error_messages["invalid_choice"] = "That offering no longer exists; please pick another."
        self.fields["country"].choices = [("", "Choose your country")] + list(countries)


class VideoPositionForm(forms.Form):
    """What the player reports while a learner watches: the second they are at."""

    seconds = forms.FloatField(min_value=0, max_value=24 * 3600)


class LessonAdminForm(forms.ModelForm):
    """The lesson form of the admin: a new poster is decoded and saved afresh as a JPEG, with
    nothing of the upload kept but its pixels (as every uploaded image is, core/images.py)."""

    class Meta:
        model = Lesson
        fields = ["video_poster"]  # the admin adds its own fields (fieldsets) to these

    def clean_video_poster(self):
        poster = self.cleaned_data.get("video_poster")
        if isinstance(poster, UploadedFile):
            return clean_uploaded_image(poster, max_side=1920, fmt="JPEG")
        return poster
