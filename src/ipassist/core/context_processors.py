from django.conf import settings
from django.utils import translation

from ipassist.core.access import officer_organisations
from ipassist.core.i18n import text_direction


def site(request):
    lang = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "LANGUAGE_DIRECTION": text_direction(lang),
        # The navigation offers the reports to officers (``reports.access`` decides the rest).
        "is_officer": lambda: bool(officer_organisations(getattr(request, "user", None))),
        "interface_languages": [
            {"code": code, "name": translation.get_language_info(code)["name_local"], "current": code == lang}
            for code, _name in settings.LANGUAGES
        ],
    }
