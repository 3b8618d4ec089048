"""`{% avatar person size %}`: a person's face beside their name, or a generated initial when they have none.

It reads only fields already on the user row (avatar, display name), so a list that select_related its authors draws
every face without a query of its own. The picture is decorative: the name is always printed next to it.
"""

import zlib

from django import template

register = template.Library()

HUES = 8  # .avatar-hue-0 … 7 in site.css, each a pair that meets 4.5:1 in both themes


@register.inclusion_tag("includes/avatar.html")
def avatar(person, size=32, decorative=True):
    name = person.public_name if person else ""
    # The same person keeps the same colour everywhere: from a checksum of the handle, not Python's salted hash().
    key = (getattr(person, "username", "") or name).encode()
    return {
        "person": person,
        "size": int(size),
        "url": person.avatar.url if person and person.avatar else "",
        "initial": (name.strip()[:1] or "?").upper(),
        "hue": zlib.crc32(key) % HUES,
        "alt": "" if decorative else name,
        "large": int(size) >= 64,
    }
