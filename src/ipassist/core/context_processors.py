from django.conf import settings
from django.utils import translation

from ipassist.core import access


def site(request):
    lang = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "LANGUAGE_DIRECTION": "rtl" if translation.get_language_bidi() else "ltr",
        "interface_languages": [
            {"code": code, "name": translation.get_language_info(code)["name_local"], "current": code == lang}
            for code, _name in settings.LANGUAGES
        ],
        "is_officer": access.is_officer(request.user) if hasattr(request, "user") else False,
    }
