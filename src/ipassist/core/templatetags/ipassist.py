"""Template helpers shared by every app."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext

from ipassist.core.i18n import text_direction

register = template.Library()

BULLETS = ("- ", "• ", "· ")


@register.filter
def blocks(text: str) -> list[dict]:
    """Split programme text into paragraphs and lists.

    Blank lines separate blocks; lines starting with "- " are list items. The template renders
    the result with auto-escaping, so no markup from the text ever reaches the page.
    """
    result: list[dict] = []
    for chunk in (text or "").replace("\r\n", "\n").split("\n\n"):
        for line in (line.strip() for line in chunk.split("\n")):
            if not line:
                continue
            if line.startswith(BULLETS):
                if not result or result[-1]["kind"] != "list":
                    result.append({"kind": "list", "items": []})
                result[-1]["items"].append(line[2:].strip())
            else:
                result.append({"kind": "paragraph", "text": line})
        # a blank line ends a list, so two lists separated by a paragraph break stay apart
        result.append({"kind": "break"})
    return [block for block in result if block["kind"] != "break"]


@register.filter
def direction(language: str) -> str:
    return text_direction(language)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced; an empty value removes one."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in ("", None):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def days_since(moment, now) -> int | str:
    """Whole days from ``moment`` to ``now`` (both aware datetimes)."""
    if not moment or not now:
        return ""
    return max((now - moment).days, 0)


@register.filter
def join_labels(terms) -> str:
    """Join vocabulary terms with the separator of the active language (Arabic uses "، ")."""
    return pgettext("list separator", ", ").join(term.label for term in terms)
