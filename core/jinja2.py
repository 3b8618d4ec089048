"""The Jinja2 environment for the pages learners load most.

The key learner pages (course page, My learning, outline, session, lesson, worksheet,
portfolio, gallery, badges) are Jinja2 templates in `jinja2/`; everything else (allauth,
admin, emails, the less visited forms) stays in Django templates under `templates/`. The
Jinja2 engine is listed first, so a view renders whichever exists under its name. Jinja2
compiles a template to Python once, which made these pages several times cheaper to render
than the Django engine's node tree (see bench/results.md).

The helpers mirror the Django tags and filters the templates used, with the same output:
`url()` for {% url %}, `static()`, and Django's own date, pluralize, linebreaks,
linebreaksbr, urlencode and timesince filters (dates converted to the local time zone first, as the
Django engine does).
"""

import datetime
from functools import lru_cache

from django.template import defaultfilters
from django.template.backends.utils import csrf_input
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.timezone import get_current_timezone_name, template_localtime
from django.utils.translation import get_language
from jinja2 import ChainableUndefined, Environment
from markupsafe import Markup, escape


class CsrfInput:
    """`{{ csrf_input }}` that masks the token once per request.

    Django's Jinja2 backend passes a lazy value that runs get_token() again at every use,
    and a page with a form per item (My badges, the gallery) paid for ten of them.
    """

    def __init__(self, request):
        self.request = request
        self.html = None

    def __html__(self):
        if self.html is None:
            self.html = csrf_input(self.request)
        return self.html

    __str__ = __html__


def csrf(request):
    """A context processor for the Jinja2 engine only (settings.TEMPLATES)."""
    return {"csrf_input": CsrfInput(request)}


def url(viewname, *args):
    """{% url %}: reverse() remembered per name and arguments (it is a pure function of them,
    the URLconf and the script prefix, which are part of the key); pages print the same
    links on every view."""
    return _reverse(viewname, args, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=8192)
def _reverse(viewname, args, prefix, urlconf):
    return reverse(viewname, args=args or None, urlconf=urlconf)


def date(value, arg=None):
    """Django's date filter, in the current time zone, remembered per value and format: the
    same days and times print on every view of a page (schedules, awards, comments)."""
    if type(value) is datetime.date:
        return _format_date(value, arg, None, get_language())
    return _format_date(value, arg, get_current_timezone_name(), get_language())


@lru_cache(maxsize=8192)
def _format_date(value, arg, zone, language):
    return defaultfilters.date(template_localtime(value) if zone else value, arg)


def linebreaksbr(value):
    """Django's linebreaksbr in markupsafe: the text escaped (unless already safe), each line
    break a <br>. The portfolio page prints every answer through it, and Django's filter,
    with its lazy-string wrappers, cost about ten times as much."""
    text = str(escape(value)).replace("\r\n", "\n").replace("\r", "\n")
    return Markup(text.replace("\n", "<br>"))  # nosec B704: escaped on the line above


def pluralize(value, arg="s"):
    return defaultfilters.pluralize(value, arg)


def finalize(value):
    """Print a value as Django would, but refuse a method printed without its call.

    Django templates call callables for you; Jinja2 would print `<bound method …>`, so a
    missing `()` fails loudly in tests instead of reaching a page.
    """
    if callable(value) and not hasattr(value, "__html__"):
        raise TypeError(f"template printed a callable without calling it: {value!r}")
    return value


def environment(**options):
    # Like the Django engine: a missing variable, or an attribute of one, renders as nothing.
    options["undefined"] = ChainableUndefined
    options.pop("autoescape", None)  # Django passes True; say so here, where it matters
    env = Environment(autoescape=True, finalize=finalize, **options)
    env.globals.update(url=url, static=static)
    env.filters.update(
        date=date,
        pluralize=pluralize,
        linebreaks=defaultfilters.linebreaks_filter,
        linebreaksbr=linebreaksbr,
        urlencode=defaultfilters.urlencode,
        timesince=defaultfilters.timesince_filter,
    )
    return env
