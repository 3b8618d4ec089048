"""`{% jinja_include %}`: render a Jinja2 partial from a Django template.

The site header and footer are Jinja2 partials (jinja2/includes/) shared by both base
templates, so the Django pages (allauth, forms) and the Jinja2 pages show one header.
"""

from django import template
from django.template import engines
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja_include(context, name):
    html = engines["jinja2"].get_template(name).render(context.flatten(), context.get("request"))
    # Jinja2 escaped every value as it rendered (autoescape is on, core/jinja2.py), so this
    # is HTML already; escaping it again would print the markup as text.
    return SafeString(html)  # nosec B308 B703
