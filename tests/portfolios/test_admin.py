from django.urls import reverse

from courses.models import StaffMember
from portfolios.forms import PromptAdminForm
from portfolios.models import Answer, Portfolio


def prompt_form(**data):
    base = {"order": 1, "kind": "single_choice", "label": "How often?", "help_text": "", "choices": "", "required": False}
    return PromptAdminForm({**base, **data})


def test_choices_are_entered_one_per_line_and_stored_as_a_list():
    form = prompt_form(choices="Rarely\n  Weekly \n\nDaily\n")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["choices"] == ["Rarely", "Weekly", "Daily"]


def test_existing_choices_are_shown_one_per_line():
    assert PromptAdminForm.base_fields["choices"].prepare_value(["A", "B"]) == "A\nB"


def test_choice_prompts_need_options_and_others_must_not_have_them():
    assert "choices" in prompt_form(choices="Only one").errors
    assert "choices" in prompt_form(choices="Same\nSame").errors
    assert "choices" in prompt_form(kind="short_text", choices="Stray").errors
    assert prompt_form(kind="checklist", choices="Bio updated").is_valid()
    assert "max_value" in prompt_form(kind="number", min_value="10", max_value="5").errors


def test_worksheet_admin_edits_prompts_inline(client, instructor, worksheet):
    client.force_login(instructor)
    html = client.get(reverse("admin:portfolios_worksheet_change", args=[worksheet.pk])).content.decode()
    assert "Rarely\nWeekly\nDaily" in html
    assert "one option per line" in html


def test_instructor_sees_a_learners_portfolio_read_only_with_answers_and_pdf(
    client, instructor, enrolled_client, course, prompts, enrollment, django_capture_on_commit_callbacks
):
    enrolled_client.post(
        reverse("portfolios:autosave_answer", args=[course.slug, prompts["long_text"].pk]),
        {f"prompt_{prompts['long_text'].pk}": "My plan: post weekly", f"version_{prompts['long_text'].pk}": 0},
    )
    with django_capture_on_commit_callbacks(execute=True):
        enrolled_client.post(reverse("portfolios:pdf_request", args=[course.slug]))
    portfolio = Portfolio.objects.get(enrollment=enrollment)
    client.force_login(instructor)
    # An instructor sees only the portfolios of the courses they teach (#17): none while they teach none.
    StaffMember.objects.filter(user=instructor).delete()
    assert "learner@example.com" not in client.get(reverse("admin:portfolios_portfolio_changelist")).content.decode()
    StaffMember.objects.create(course=course, name="Ines Instructor", role=StaffMember.Role.INSTRUCTOR, user=instructor)
    listing = client.get(reverse("admin:portfolios_portfolio_changelist")).content.decode()
    assert "learner@example.com" in listing
    response = client.get(reverse("admin:portfolios_portfolio_change", args=[portfolio.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "My plan: post weekly" in html
    assert portfolio.pdf.url in html and "Download PDF" in html
    assert 'name="_save"' not in html  # read-only
    assert client.post(reverse("admin:portfolios_portfolio_change", args=[portfolio.pk]), {"summary": "x"}).status_code == 403
    assert client.get(reverse("admin:portfolios_portfolio_add")).status_code == 403
    assert Answer.objects.get().value == "My plan: post weekly"
