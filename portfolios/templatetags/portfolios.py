"""Filters for templates/portfolios/includes/compiled.html, which draws a compiled portfolio (a dict
of stored values) wherever it is shown."""

from django import template
from django.core.files.storage import default_storage

register = template.Library()


@register.filter
def storage_url(name: str) -> str:
    """The URL of a stored file by name (a compiled portfolio holds names, not files): the storage's own,
    signed where the storage signs them."""
    return default_storage.url(name) if name else ""


@register.filter
def is_web_address(text: str) -> bool:
    """Whether an answer may be shown as a link: http(s) only, whatever a stored snapshot holds."""
    return str(text).lower().startswith(("http://", "https://"))
