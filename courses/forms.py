from django import forms
from django.core.files.uploadedfile import UploadedFile
from django_countries import countries
from PIL import Image, ImageOps

from core.images import clean_uploaded_image, open_image, reencode
from courses.models import STAFF_PHOTO_SIZE, WIDE_IMAGE_SIZE, Course, Lesson, Offering, Session, StaffMember


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


def cropped_upload(uploaded, size: tuple[int, int]):
    """An uploaded image decoded and checked by core.images, cropped from its centre to `size` and
    saved afresh as a JPEG (an SVG or anything else that is not a bitmap is refused there), so the
    pages can print its width and height without opening it."""
    image = open_image(uploaded, max_side=max(size) * 2)
    fitted = ImageOps.fit(image.convert("RGB"), size, Image.Resampling.LANCZOS)
    return reencode(fitted, fmt="JPEG")


class CourseAdminForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["hero_image", "hero_image_alt"]  # the admin adds its own fields (fieldsets) to these

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        return cropped_upload(image, WIDE_IMAGE_SIZE) if isinstance(image, UploadedFile) else image


class SessionAdminForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["image", "image_alt"]  # SessionAdmin lists the page's fields

    def clean_image(self):
        image = self.cleaned_data.get("image")
        return cropped_upload(image, WIDE_IMAGE_SIZE) if isinstance(image, UploadedFile) else image


class StaffMemberAdminForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["photo"]  # StaffMemberInline lists the page's fields

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        return cropped_upload(photo, STAFF_PHOTO_SIZE) if isinstance(photo, UploadedFile) else photo
