from django import forms
from django_countries import countries

from courses.models import Course, Offering


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
