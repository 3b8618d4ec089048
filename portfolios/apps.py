from django.apps import AppConfig

from core.cache import touch_on_change


def _export_portfolios(sender, user, archive, **kwargs):
    from portfolios.services import export_personal_data  # services import models: not at app loading

    export_personal_data(user, archive)


class PortfoliosConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'portfolios'

    def ready(self):
        # A course's worksheets and prompts are cached under the course's updated_at
        # (portfolios.services.course_worksheets): any change to one touches the course.
        Course = self.apps.get_model("courses", "Course")
        touch_on_change(self.get_model("Worksheet"), lambda worksheet: Course.objects.filter(pk=worksheet.course_id))
        touch_on_change(self.get_model("Prompt"), lambda prompt: Course.objects.filter(worksheets=prompt.worksheet_id))
        from accounts.signals import collect_personal_data

        collect_personal_data.connect(_export_portfolios, dispatch_uid="portfolios-export-personal-data")
        # The course dashboard's reviews and the enrollment CSV's portfolio columns (courses knows no portfolios).
        from courses.signals import dashboard_sections, enrollment_export_columns
        from portfolios import studio

        dashboard_sections.connect(studio.dashboard_section, dispatch_uid="portfolios-dashboard-section")
        enrollment_export_columns.connect(studio.export_columns, dispatch_uid="portfolios-export-columns")
