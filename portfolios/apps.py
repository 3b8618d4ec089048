from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


def _touch_course(sender, instance, **kwargs):
    instance.touch_course()


class PortfoliosConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'portfolios'

    def ready(self):
        # A course's worksheets and prompts are cached under the course's updated_at
        # (portfolios.services.course_worksheets): any change to one touches the course.
        for model in (self.get_model("Worksheet"), self.get_model("Prompt")):
            post_save.connect(_touch_course, sender=model, dispatch_uid=f"portfolios-touch-course-{model.__name__}-save")
            post_delete.connect(_touch_course, sender=model, dispatch_uid=f"portfolios-touch-course-{model.__name__}-delete")
