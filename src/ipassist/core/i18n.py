"""Picking the right language column of a translated record.

Translated reference data (vocabulary labels, organisation and country names) keeps one column per
language: ``label_en``, ``label_fr`` … The active language wins; English is the fallback.
"""

from django.conf import settings
from django.utils import translation

#: The six UN languages; country and region names exist in all six (from CLDR via Babel).
UN_LANGUAGES = ("en", "fr", "es", "ar", "zh", "ru")


def active_language() -> str:
    lang = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return lang if lang in UN_LANGUAGES else settings.LANGUAGE_CODE


def pick(obj, field: str, lang: str | None = None) -> str:
    """``pick(topic, "label")`` is ``topic.label_fr`` under French, else ``topic.label_en``."""
    lang = lang or active_language()
    value = getattr(obj, f"{field}_{lang}", "") or ""
    return value or getattr(obj, f"{field}_en", "") or ""


def text_direction(lang: str) -> str:
    return "rtl" if translation.get_language_info(lang)["bidi"] else "ltr"
