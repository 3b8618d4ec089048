from django.apps import AppConfig

from core.cache import touch_on_change


class PortfoliosConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'portfolios'

    def ready(self):
        # A course's worksheets and prompts are cached under the course's updated_at
        # (portfolios.services.course_worksheets): any change to one touches the course.
        Course = self.apps.get_model("courses", "Course")
        touch_on_change(self.get_model("Worksheet"), lambda worksheet: Course.objects.filter(pk=worksheet.course_id))
        touch_on_change(self.get_model("Prompt"), lambda prompt: Course.objects.filter(worksheets=prompt.worksheet_id))
