"""Importing a list of participants from the CSV or XLSX file that organisers really receive.

Two steps, so that nothing is written before the officer has seen what will happen:

* ``import_preview`` reads the file (``parse``), checks every row and stores the cleaned rows and
  the row-level problems in a :class:`ParticipantImport`, with what each row will do: create a
  registration, update one (same person, corrected details) or leave it unchanged.
* ``import_apply`` writes all the rows in one transaction, or none: a file with a single problem
  is not imported at all, and any failure on the way rolls everything back.

The same person is recognised by ``services.dedupe_key`` (the e-mail address, else name, country
and organisation), so importing the same file twice creates nobody the second time.

Reading is defensive: the type comes from the bytes, not the name; text is decoded exactly when
it says what it is (a BOM, valid UTF-8) and guessed among the legacy office encodings otherwise;
workbooks are checked as archives before openpyxl opens them (size, ratio and entry count, as for
case documents), macros and the old binary formats are refused with a sentence the officer can act
on. Cell text is NFC-normalised, stripped of control and bidi-override characters and never
evaluated: a cell that looks like a formula is kept as the text it is.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ipassist.casework.uploads import DEFAULT_MAX_ENTRIES, UploadRejected, open_zip
from ipassist.core import audit, versions
from ipassist.core.access import Need
from ipassist.core.models import Country, ProfessionalBackground
from ipassist.events import access, services
from ipassist.events.models import Activity, InvalidTransition, Participant, ParticipantImport

MAX_ROWS = 10_000
MAX_COLUMNS = 100
MAX_PROBLEMS = 500  # a file that is wrong on every row says so after a few hundred lines
HEADER_SEARCH_ROWS = 10  # forms often have a title or instructions above the header row
_SAMPLE_LINES = 200  # lines with non-ASCII bytes used to choose among legacy encodings

#: The personal fields an import sets, in the order of the template's columns.
FIELDS = Participant.PERSONAL_FIELDS
REQUIRED = ("given_name", "family_name", "organisation_name", "country", "background")
OPTIONAL = ("email", "position", "gender")

TEMPLATE_HEADERS = (
    "Given name",
    "Family name",
    "E-mail",
    "Organisation",
    "Country",
    "Professional background",
    "Position",
    "Gender",
)

ACTION_CREATE = "create"
ACTION_UPDATE = "update"
ACTION_UNCHANGED = "unchanged"


class ImportRefused(ValueError):
    """An import the officer may not start as asked (consent not confirmed); ``message`` is shown."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Parsed:
    """What a file holds: cleaned rows (JSON-serialisable), row-level problems, how it was read."""

    rows: list[dict]
    problems: list[dict]
    ignored_columns: list[str]
    encoding: str  # the text encoding of a CSV file; "" for a workbook
    kind: str  # "csv" | "xlsx"
    sha256: str
    file_name: str
    columns: dict[str, str] = field(default_factory=dict)  # field -> the column's header in the file


# --- folding text for comparison ---------------------------------------------------------------

# Arabic spelling variants that people type interchangeably: teh marbuta and heh, alef maksura and
# yeh; tatweel is decoration. (Hamza and madda on alef are combining marks after NFKD.)
_ARABIC_FOLD = str.maketrans({"\u0629": "\u0647", "\u0649": "\u064a", "\u0640": None})
# Straight, curly and modifier-letter apostrophes, grave and acute accents typed as apostrophes.
_APOSTROPHES = re.compile("['\u2019\u2018`\u00b4\u02bc]")
_NON_WORD = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """A comparison key: no case, accents, apostrophes, punctuation or extra spaces.

    "Côte d'Ivoire" (with any apostrophe), "COTE D'IVOIRE" and "cote divoire" fold alike; so do
    "E-mail" and "email "."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text.casefold().translate(_ARABIC_FOLD))
    return " ".join(_NON_WORD.sub(" ", text).split())


# --- cleaning cell text ------------------------------------------------------------------------

# Zero-width (non-)joiners are part of the spelling of Persian, Urdu and Indic names; every other
# format character (bidi overrides and isolates, zero-width spaces, BOMs, soft hyphens) is not.
_KEPT_FORMAT_CHARS = {"\u200c", "\u200d"}


def clean_text(value) -> str:
    """The text of a cell: NFC, no control or invisible format characters, single spaces.

    A leading apostrophe before = + - @ is dropped: spreadsheets (and our own exports) write it to
    keep such a cell as text, which is what it is here anyway."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())  # tabs, line breaks and Unicode spaces become one space
    text = "".join(
        ch
        for ch in text
        if ch in _KEPT_FORMAT_CHARS or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
    )
    text = " ".join(text.split())
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


# --- column headers ----------------------------------------------------------------------------

_HEADER_ALIASES = {
    "given_name": [
        "given name", "given names", "first name", "first names", "firstname", "forename", "forenames",
        "christian name", "prénom", "prénoms", "nombre de pila", "primer nombre", "nombres",
        "الاسم الأول", "الاسم الشخصي",
    ],
    "family_name": [
        "family name", "last name", "lastname", "surname", "nom de famille", "nom patronymique",
        "apellido", "apellidos", "اسم العائلة", "اللقب", "الكنية", "اسم الأسرة",
    ],
    "full_name": [
        "full name", "participant", "participant name", "name of participant", "name and surname",
        "nom complet", "nom et prénom", "nom et prénoms", "prénom et nom", "noms et prénoms",
        "nombre completo", "nombre y apellido", "nombre y apellidos", "nombres y apellidos",
        "apellidos y nombres", "الاسم الكامل", "الاسم واللقب", "الاسم و اللقب",
    ],
    "email": [
        "email", "e-mail", "email address", "e-mail address", "mail", "courriel", "adresse électronique",
        "adresse courriel", "adresse e-mail", "adresse email", "correo", "correo electrónico",
        "dirección de correo electrónico", "البريد الإلكتروني", "البريد", "بريد إلكتروني",
    ],
    "organisation_name": [
        "organisation", "organization", "institution", "agency", "employer", "ministry", "affiliation",
        "organisme", "administration", "employeur", "organismo", "organización", "institución",
        "entidad", "dependencia", "المؤسسة", "المنظمة", "الجهة", "جهة العمل", "الهيئة", "الوزارة",
    ],
    "country": [
        "country", "country of work", "country of residence", "member state", "pays", "état membre",
        "país", "estado miembro", "البلد", "الدولة", "الدولة العضو",
    ],
    "background": [
        "professional background", "background", "profession", "professional category", "category",
        "sector", "occupation", "profil professionnel", "catégorie professionnelle", "catégorie",
        "secteur", "antecedentes profesionales", "categoría profesional", "perfil profesional",
        "profesión", "categoría", "الخلفية المهنية", "المهنة", "الفئة المهنية", "الفئة", "القطاع",
    ],
    "position": [
        "position", "job title", "function", "post", "role", "designation", "rank", "fonction",
        "poste", "grade", "cargo", "puesto", "función", "المنصب", "الوظيفة", "المسمى الوظيفي", "الصفة",
    ],
    "gender": ["gender", "sex", "genre", "sexe", "género", "sexo", "الجنس", "النوع"],
}  # fmt: skip
# "Name" alone is a given name beside a family-name column ("Name", "Surname"), a family name
# beside a given-name column ("Prénom", "Nom"), and the full name on its own.
_NAME_LIKE = {fold(v) for v in ("name", "names", "nom", "noms", "nombre", "الاسم", "اسم")}
_HEADERS = {fold(alias): name for name, aliases in _HEADER_ALIASES.items() for alias in aliases}
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _header_field(text: str) -> str | None:
    """The field a header names, "name" for an ambiguous name column, or None."""
    for candidate in (text, _PARENTHESES.sub(" ", text)):
        key = fold(candidate)
        if key in _HEADERS:
            return _HEADERS[key]
        if key in _NAME_LIKE:
            return "name"
    return None


def _header_score(cells: list[str]) -> int:
    return len({f for f in (_header_field(c) for c in cells if c) if f})


def _map_header(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column index of each field, and the headers that are ignored."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    ambiguous: list[int] = []
    for index, cell in enumerate(cells):
        if not cell:
            continue
        name = _header_field(cell)
        if name == "name":
            ambiguous.append(index)
        elif name is None or name in columns:
            ignored.append(cell)
        else:
            columns[name] = index
    for index in ambiguous:
        has_given, has_family = "given_name" in columns, "family_name" in columns
        target = (
            None
            if has_given and has_family
            else "family_name"
            if has_given
            else "given_name"
            if has_family
            else "full_name"
        )
        if target is None or target in columns:
            ignored.append(cells[index])
        else:
            columns[target] = index
    if "given_name" in columns and "family_name" in columns and "full_name" in columns:
        ignored.append(cells[columns.pop("full_name")])
    return columns, ignored


def _field_labels() -> dict[str, str]:
    return {
        "given_name": _("given name"),
        "family_name": _("family name"),
        "full_name": _("full name"),
        "email": _("e-mail address"),
        "organisation_name": _("organisation"),
        "country": _("country"),
        "background": _("professional background"),
        "position": _("position"),
        "gender": _("gender"),
    }


def _missing_messages() -> dict[str, str]:
    """One sentence per field (not a label inside a sentence: translations agree in gender)."""
    return {
        "given_name": _("The given name is missing."),
        "family_name": _("The family name is missing."),
        "organisation_name": _("The organisation is missing."),
        "country": _("The country is missing."),
        "background": _("The professional background is missing."),
    }


def _missing_columns(columns: dict[str, int]) -> list[str]:
    labels = _field_labels()
    missing = []
    if "full_name" not in columns:
        missing += [labels[f] for f in ("given_name", "family_name") if f not in columns]
    missing += [labels[f] for f in ("organisation_name", "country", "background") if f not in columns]
    return missing


# --- vocabularies: countries, backgrounds, genders ---------------------------------------------

# Names people write that are neither a code nor a CLDR or ISO name.
_COUNTRY_ALIASES = {
    "usa": "US",
    "uk": "GB",
    "great britain": "GB",
    "ivory coast": "CI",
    "cote divoire": "CI",
    "holland": "NL",
    "république démocratique du congo": "CD",
    "rdc": "CD",
    "drc": "CD",
    "eeuu": "US",
    "ee uu": "US",
}


def _lookup_table(entries) -> dict[str, str]:
    """fold(name) -> code; a name that two codes share is dropped rather than guessed."""
    table: dict[str, str] = {}
    clashes: set[str] = set()
    for name, code in entries:
        key = fold(name)
        if not key:
            continue
        if key in table and table[key] != code:
            clashes.add(key)
        table.setdefault(key, code)
    for key in clashes:
        del table[key]
    return table


def _country_table() -> dict[str, str]:
    import pycountry

    entries = []
    for country in Country.objects.all():
        entries += [(country.code, country.code), (country.alpha3, country.code)]
        entries += [(getattr(country, f"name_{lang}"), country.code) for lang in ("en", "fr", "es", "ar")]
    for entry in pycountry.countries:  # ISO names: "Viet Nam", "Korea, Republic of", official names
        for attr in ("name", "official_name", "common_name"):
            if getattr(entry, attr, None):
                entries.append((getattr(entry, attr), entry.alpha_2))
    known = {code for _name, code in entries}
    entries += [(name, code) for name, code in _COUNTRY_ALIASES.items() if code in known]
    return _lookup_table(entries)


def _background_table() -> dict[str, str]:
    entries = []
    for term in ProfessionalBackground.objects.filter(is_active=True):
        entries.append((term.code, term.code))
        entries += [(getattr(term, f"label_{lang}"), term.code) for lang in ("en", "fr", "es", "ar")]
    return _lookup_table(entries)


_GENDERS = {
    Participant.Gender.FEMALE: [
        "f", "female", "woman", "w", "femme", "féminin", "feminin", "mujer", "femenino", "femenina",
        "fem", "أنثى", "انثى", "امرأة", "مؤنث",
    ],
    Participant.Gender.MALE: [
        "m", "male", "man", "homme", "h", "masculin", "hombre", "varón", "masculino", "ذكر", "رجل", "مذكر",
    ],
    Participant.Gender.OTHER: [
        "other", "another", "x", "non-binary", "nonbinary", "diverse", "autre", "non binaire", "otro",
        "otra", "no binario", "آخر",
    ],
    "": [
        "-", "n/a", "na", "none", "prefer not to say", "not stated", "unknown", "ne souhaite pas répondre",
        "non précisé", "non communiqué", "prefiero no decirlo", "no especificado", "no indica",
        "غير محدد", "أفضل عدم الإجابة",
    ],
}  # fmt: skip
_GENDER_TABLE = {fold(alias): str(value) for value, aliases in _GENDERS.items() for alias in aliases}


# --- reading the bytes -------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_MAGICS = (
    b"%PDF-",
    b"MZ",
    b"\x7fELF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"\x1f\x8b",
    b"BZh",
    b"7z\xbc\xaf",
    b"Rar!",
    b"PK",
    b"{\\rtf",
)
_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
# Single-byte office encodings, most common first: a tie in plausibility goes to the earlier one.
_LEGACY = (
    "cp1252",  # Western European, the Americas, Africa
    "cp1250",  # Central European
    "cp1251",  # Cyrillic
    "cp1256",  # Arabic
    "cp1254",  # Turkish
    "cp1253",  # Greek
    "cp1255",  # Hebrew
    "cp1257",  # Baltic
    "cp1258",  # Vietnamese
    "cp874",  # Thai
)
_MULTIBYTE = ["gb18030", "big5", "cp932", "euc_jp", "cp949"]
_LABELS = {"cp932": "shift_jis", "cp949": "euc-kr", "gb18030": "gb18030", "big5": "big5", "euc_jp": "euc-jp"}
# C0 control bytes, less \t \n \f \r and ESC: rare in text, common in binaries.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Characters that a wrong single-byte decoding puts inside words (Polish "ł" read as cp1252 is "³").
_SUSPICIOUS = set("¹²³¼½¾ªº£¥¤¦§¨©«¬®¯°±µ¶·¿÷†‡‰ƒˆ™¢¡\u00b8\u00d7\u02dc")  # and cedilla, times, small tilde
# Letters that exist in names but seldom (Icelandic eth and thorn, i grave): what Czech "ě" and
# Turkish "ş", "ğ" become when read as Western European.
_RARE = set("ðþÐÞìÌÿ")
_TOKEN = re.compile(r"[^\s,;\t\"'()\[\]/.:@<>=+\-_|0-9]+")


def _too_large(limit: int) -> UploadRejected:
    return UploadRejected(
        _("This file is larger than the limit of %(limit)s MB. Split the list and upload each part.")
        % {"limit": max(1, limit // (1024 * 1024))}
    )


def _not_a_list() -> UploadRejected:
    return UploadRejected(
        _(
            "This file is not a CSV or Excel (XLSX) file. Open it in a spreadsheet, save it as "
            "“Excel workbook (.xlsx)” or “CSV”, and upload it again."
        )
    )


def _damaged() -> UploadRejected:
    return UploadRejected(
        _(
            "This file is damaged or incomplete and cannot be read. Check that it opens in a "
            "spreadsheet, save it again as XLSX or CSV, and upload it again."
        )
    )


def _too_many_rows() -> UploadRejected:
    return UploadRejected(
        _("This list has more than %(count)s rows. Split it into smaller files and import each.")
        % {"count": f"{MAX_ROWS:,}"}
    )


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "?"


def _implausibility(text: str) -> int:
    """How unlike real names and words a decoding looks: symbols inside words, words that mix
    scripts, and Latin words made mostly of accented letters ("Àëåêñàíäð" is Cyrillic read as
    Western European). Lower is better; only compared between decodings of the same bytes."""
    score = 0
    for token in _TOKEN.findall(text):
        if token.isascii():
            continue
        letters = [ch for ch in token if ch.isalpha() and ch not in "ªº"]
        odd = sum(1 for ch in token if ch in _SUSPICIOUS or unicodedata.category(ch)[0] in "SNC")
        score += 3 * odd if letters else odd
        score += sum(1 for ch in letters if ch in _RARE)
        scripts = {_script(ch) for ch in letters}
        if len(scripts) > 1:
            score += 5
        # Names are "Capitalised" or in CAPITALS: a capital after a small letter is a sign of
        # a wrong decoding (Arabic read as Cyrillic) when an accented or non-Latin letter is involved.
        score += 2 * sum(
            1
            for a, b in itertools.pairwise(letters)
            if a.islower() and b.isupper() and not (a.isascii() and b.isascii())
        )
        if scripts == {"LATIN"} and len(letters) >= 3:
            accented = sum(1 for ch in letters if not ch.isascii())
            if accented / len(letters) > 0.6:
                score += 4
    return score


def _sample(data: bytes) -> bytes:
    """The lines with non-ASCII bytes (those are what the encodings disagree on), up to a limit."""
    lines = [line for line in data.splitlines() if not line.isascii()]
    return b"\n".join(lines[:_SAMPLE_LINES])


def _utf16_without_bom(data: bytes) -> str | None:
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the label of its encoding; UploadRejected if it is not text.

    A BOM or valid UTF-8 is exact. Otherwise the single-byte office encodings are each tried and
    the most plausible reading wins, most common first on a tie; multi-byte East Asian encodings
    come last, through charset-normalizer. Short Western and Central European files can still
    be confused (cp1252 and cp1250 share most letters): the preview shows the names as read, and
    the encoding, before anything is written."""
    for bom, codec, bom_label in _BOMS:
        if data.startswith(bom):
            label = bom_label
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _damaged() from exc
            break
    else:
        codec = _utf16_without_bom(data)
        if codec:
            try:
                text, label = data.decode(codec), "utf-16"
            except UnicodeDecodeError as exc:
                raise _damaged() from exc
        else:
            if b"\x00" in data or len(data) - len(data.translate(None, _CONTROL_BYTES)) > len(data) / 100:
                raise _not_a_list()
            try:
                text, label = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                text, label = _guess(data)
    if _CONTROL_CHARS.search(text[:100_000]) and len(_CONTROL_CHARS.findall(text)) > len(text) / 100:
        raise _not_a_list()
    return text, label


def _guess(data: bytes) -> tuple[str, str]:
    sample = _sample(data)
    best: tuple[int, int, str] | None = None
    for rank, codec in enumerate(_LEGACY):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        decoded = sample.decode(codec)
        if _CONTROL_CHARS.search(decoded):
            continue
        candidate = (_implausibility(decoded), rank, codec)
        if best is None or candidate < best:
            best = candidate
    if best is None or best[0] > 0:
        from charset_normalizer import from_bytes

        match = from_bytes(data, cp_isolation=_MULTIBYTE).best()
        if match is not None:
            try:
                text = str(match)
            except (UnicodeDecodeError, LookupError):
                text = None
            if text is not None and (best is None or _implausibility(_sample_text(text)) < best[0]):
                name = codecs.lookup(match.encoding).name
                return text, _LABELS.get(name, name.replace("_", "-"))
    if best is None:
        raise UploadRejected(
            _(
                "The characters of this file could not be read. Save it as “CSV UTF-8” (or as "
                "XLSX) and upload it again."
            )
        )
    codec = best[2]
    return data.decode(codec), re.sub(r"^cp(125\d|874)$", r"windows-\1", codec)


def _sample_text(text: str) -> str:
    return "\n".join([line for line in text.splitlines() if not line.isascii()][:_SAMPLE_LINES])


def _read_upload(upload) -> tuple[bytes, str]:
    limit = settings.CASEWORK_MAX_UPLOAD_BYTES
    declared = getattr(upload, "size", None)
    if isinstance(declared, int) and declared > limit:
        raise _too_large(limit)
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    if len(data) > limit:
        raise _too_large(limit)
    return data, hashlib.sha256(data).hexdigest()


_NAME_REMOVED = re.compile(r'[<>:"|?*\\/]')


def _safe_name(name: str) -> str:
    base = re.split(r"[/\\]", name or "")[-1]
    base = " ".join(_NAME_REMOVED.sub("_", clean_text(base)).split()).strip(". ")
    return base[:200] or "participants"


# --- CSV ---------------------------------------------------------------------------------------

_SEP_LINE = re.compile(r"^\s*sep=(.)\s*$", re.IGNORECASE)
_DELIMITERS = (",", ";", "\t", "|")


def _choose_delimiter(text: str) -> str:
    """The delimiter under which a header row is recognised best. csv.Sniffer proposes one, but
    it is fooled by commas inside names and organisations; the recognised headers decide."""
    lines = text.splitlines()[: HEADER_SEARCH_ROWS + 2]
    sample = "\n".join(lines)
    candidates = list(_DELIMITERS)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in candidates:
        candidates.remove(sniffed)
        candidates.insert(0, sniffed)

    def score(delimiter: str) -> tuple[int, int]:
        try:
            records = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
        except csv.Error:
            return (-1, 0)
        best = max((_header_score([clean_text(c) for c in r[:MAX_COLUMNS]]) for r in records), default=0)
        widths = [len(r) for r in records if r]
        consistent = -len(set(widths)) if widths and max(widths) > 1 else -99
        return (best, consistent)

    return max(candidates, key=lambda d: (score(d), -candidates.index(d)))


def _csv_records(text: str):
    """(row number as a spreadsheet shows it, cells) for each record of the file."""
    lines = text.split("\n", 1)
    delimiter = None
    if (match := _SEP_LINE.match(lines[0].rstrip("\r"))) and len(lines) > 1:
        delimiter, text = match[1], lines[1]  # Excel's "sep=;" line: a hint, not a row
    delimiter = delimiter or _choose_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UploadRejected(
                _(
                    "Line %(line)d of this CSV file cannot be read (%(problem)s). Check it in a "
                    "spreadsheet, save it as CSV again, and upload it again."
                )
                % {"line": reader.line_num, "problem": exc}
            ) from exc
        number += 1
        yield number, record[:MAX_COLUMNS]


# --- XLSX --------------------------------------------------------------------------------------


def _xlsx_records(data: bytes) -> list[tuple[int, list]]:
    """(row number, values) of the non-empty rows of the first worksheet."""
    fileobj = io.BytesIO(data)
    zf = open_zip(
        fileobj, max_unzipped_bytes=settings.CASEWORK_MAX_UNZIPPED_BYTES, max_entries=DEFAULT_MAX_ENTRIES
    )
    with zf:
        names = set(zf.namelist())
        if "xl/workbook.bin" in names:
            raise UploadRejected(
                _("This is an Excel binary workbook (.xlsb). Save it as XLSX or CSV and upload it again.")
            )
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise _not_a_list()
        with zf.open("[Content_Types].xml") as part:
            content_types = part.read(1024 * 1024)
        if b"macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
            raise UploadRejected(
                _(
                    "This workbook contains macros. Save it as “Excel workbook (.xlsx)” without "
                    "macros, or as CSV, and upload it again."
                )
            )
    import openpyxl

    fileobj.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:
        raise _damaged() from exc
    rows = []
    try:
        if not workbook.worksheets:
            raise _not_a_list()
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the stored dimension may be wrong; read what is there
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, values in enumerate(
                sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True), start=1
            ):
                if any(v is not None and v != "" for v in values):
                    rows.append((number, list(values)))
                    if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                        raise _too_many_rows()
    except UploadRejected:
        raise
    except Exception as exc:
        raise _damaged() from exc
    finally:
        workbook.close()
    return rows


# --- rows --------------------------------------------------------------------------------------


def _max_length(name: str) -> int:
    return Participant._meta.get_field(name).max_length


def _split_full_name(text: str) -> tuple[str, str]:
    """ "Amina Odhiambo" -> ("Amina", "Odhiambo"); "ODHIAMBO, Amina" -> ("Amina", "ODHIAMBO")."""
    if "," in text:
        family, _sep, given = text.partition(",")
        return clean_text(given), clean_text(family)
    given, _sep, family = text.rpartition(" ")
    return given, family


class _Checker:
    """Turns records into cleaned rows and problems, with the vocabularies loaded once."""

    def __init__(self, columns: dict[str, int], headers: list[str]):
        self.columns = columns
        self.headers = headers
        self.countries = _country_table()
        self.backgrounds = _background_table()
        self.rows: list[dict] = []
        self.problems: list[dict] = []
        self.problem_count = 0
        self.seen: dict[str, int] = {}  # dedupe key -> row number
        self.seen_names: dict[str, list[tuple[str, int]]] = {}  # name key -> (email, row)

    def header(self, name: str) -> str:
        return self.headers[self.columns[name]] if name in self.columns else ""

    def problem(self, row: int | None, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append({"row": row, "column": column, "message": message})

    def cell(self, record: list, name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(record):
            return ""
        return clean_text(record[index])

    def check(self, number: int, record: list) -> bool:
        """Check one record; False if it is blank (or has something only in ignored columns)."""
        raw = {name: self.cell(record, name) for name in self.columns}
        if not any(raw.values()):
            return False
        before = self.problem_count
        values: dict[str, str] = {}
        if "given_name" in self.columns and "family_name" in self.columns:
            values["given_name"], values["family_name"] = raw["given_name"], raw["family_name"]
            for name in ("given_name", "family_name"):
                self._name(number, self.header(name), name, values[name])
        else:
            full = raw.get("full_name", "")
            given, family = _split_full_name(full)
            column = self.header("full_name")
            if not full:
                self.problem(number, column, _("The name is missing."))
            elif not given or not family:
                self.problem(
                    number,
                    column,
                    _(
                        "Write both the given name and the family name (e.g. “Amina Odhiambo”); "
                        "found “%(value)s”."
                    )
                    % {"value": full},
                )
            else:
                values["given_name"], values["family_name"] = given, family
                for name in ("given_name", "family_name"):
                    self._name(number, column, name, values[name])
        self._text(number, "organisation_name", raw.get("organisation_name", ""), values, required=True)
        self._text(number, "position", raw.get("position", ""), values, required=False)
        self._email(number, raw.get("email", ""), values)
        self._lookup(number, "country", raw.get("country", ""), self.countries, values)
        self._lookup(number, "background", raw.get("background", ""), self.backgrounds, values)
        self._gender(number, raw.get("gender", ""), values)
        if self.problem_count == before:
            self._add(number, values)
        return True

    def _name(self, number: int, column: str, name: str, value: str) -> None:
        if not value:
            self.problem(number, column, _missing_messages()[name])
        elif not any(ch.isalpha() for ch in value):
            self.problem(number, column, _("“%(value)s” does not look like a name.") % {"value": value})
        elif len(value) > _max_length(name):
            self._too_long(number, column, name, value)

    def _too_long(self, number: int, column: str, name: str, value: str) -> None:
        self.problem(
            number,
            column,
            _("This is %(length)d characters long; at most %(limit)d are allowed.")
            % {"length": len(value), "limit": _max_length(name)},
        )

    def _text(self, number: int, name: str, value: str, values: dict, *, required: bool) -> None:
        column = self.header(name)
        if not value:
            if required:
                self.problem(number, column, _missing_messages()[name])
            return
        if len(value) > _max_length(name):
            self._too_long(number, column, name, value)
            return
        values[name] = value

    def _email(self, number: int, value: str, values: dict) -> None:
        if not value:
            return
        column = self.header("email")
        if value.lower().startswith("mailto:"):
            value = value[7:]
        try:
            validate_email(value)
        except ValidationError:
            self.problem(number, column, _("“%(value)s” is not a valid e-mail address.") % {"value": value})
            return
        if len(value) > _max_length("email"):
            self._too_long(number, column, "email", value)
            return
        values["email"] = value

    def _lookup(self, number: int, name: str, value: str, table: dict, values: dict) -> None:
        column = self.header(name)
        if not value:
            self.problem(number, column, _missing_messages()[name])
            return
        code = table.get(fold(value)) or table.get(fold(_PARENTHESES.sub(" ", value)))
        if code is None:
            message = (
                _("Unknown country: “%(value)s”. Write its name or its ISO code (e.g. KE or KEN).")
                if name == "country"
                else _("Unknown professional background: “%(value)s”. Use a code or name from the template.")
            )
            self.problem(number, column, message % {"value": value[:200]})
            return
        values[name] = code

    def _gender(self, number: int, value: str, values: dict) -> None:
        if not value:
            return
        gender = _GENDER_TABLE.get(fold(value))
        if gender is None:
            self.problem(
                number,
                self.header("gender"),
                _("Unknown gender: “%(value)s”. Write female, male, other, or leave it empty.")
                % {"value": value[:50]},
            )
        elif gender:
            values["gender"] = gender

    def _add(self, number: int, values: dict) -> None:
        key = row_key(values)
        if len(key) > _max_length("dedupe_key"):
            self.problem(
                number,
                self.header("organisation_name"),
                _(
                    "The name and organisation together are too long to be recorded; "
                    "shorten the organisation."
                ),
            )
            return
        names = name_key(values)
        email = values.get("email", "").casefold()
        same = self.seen.get(key)
        if same is None:
            # Without an e-mail on one side, the same name, country and organisation is the same person.
            same = next((row for mail, row in self.seen_names.get(names, []) if not mail or not email), None)
        if same is not None:
            column = self.header("email") if email else self.header("family_name") or self.header("full_name")
            self.problem(number, column, _("Same person as row %(row)d.") % {"row": same})
            return
        self.seen[key] = number
        self.seen_names.setdefault(names, []).append((email, number))
        self.rows.append({"row": number, **values})


def row_key(values: dict) -> str:
    return services.dedupe_key(
        email=values.get("email", ""),
        given_name=values["given_name"],
        family_name=values["family_name"],
        country_id=values["country"],
        organisation_name=values["organisation_name"],
    )


def name_key(values: dict) -> str:
    return row_key({**values, "email": ""})


def parse(upload) -> Parsed:
    """Read a CSV or XLSX list of participants; UploadRejected if the file cannot be used at all.

    Row-level problems do not raise: they are returned with the row number a spreadsheet shows
    (the header row is where it is found, usually 1) and the column's header as written."""
    data, sha256 = _read_upload(upload)
    name = _safe_name(getattr(upload, "name", "") or "")
    if not data.strip(b" \t\r\n\x00") or data in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise UploadRejected(_("This file is empty."))
    if data.startswith(_OLE2_MAGIC):
        raise UploadRejected(
            _(
                "This is an older Excel file (.xls), or a workbook protected by a password. Save it "
                "as XLSX or CSV, without a password, and upload it again."
            )
        )
    if data.startswith(_ZIP_MAGIC):
        kind, encoding, records = "xlsx", "", _xlsx_records(data)
    elif data.startswith(_BINARY_MAGICS):
        raise _not_a_list()
    else:
        text, encoding = decode_text(data)
        if not text.strip():
            raise UploadRejected(_("This file is empty."))
        if text.lstrip()[:1] == "<":
            raise UploadRejected(
                _(
                    "This file is a web page or XML export, not a CSV file. Open it in a spreadsheet, "
                    "save it as XLSX or CSV, and upload it again."
                )
            )
        kind, records = "csv", _csv_records(text)
    return _check_records(records, kind=kind, encoding=encoding, sha256=sha256, file_name=name)


def _check_records(records, *, kind: str, encoding: str, sha256: str, file_name: str) -> Parsed:
    records = iter(records)
    header: list[str] | None = None
    for _i, (number, record) in zip(range(HEADER_SEARCH_ROWS), records, strict=False):
        cells = [clean_text(c) for c in record]
        if _header_score(cells) >= 2:
            header, header_row = cells, number
            break
    if header is None:
        raise UploadRejected(
            _(
                "No header row was found in the first %(count)d rows. The first row of the list must "
                "name its columns (given name, family name, e-mail, organisation, country, "
                "professional background …): download the template to see the expected form."
            )
            % {"count": HEADER_SEARCH_ROWS}
        )
    columns, ignored = _map_header(header)
    missing = _missing_columns(columns)
    if missing:
        raise UploadRejected(
            ngettext(
                "The list has no column for: %(missing)s (header row %(row)d). Add it, or use the template.",
                "The list has no columns for: %(missing)s (header row %(row)d). "
                "Add them, or use the template.",
                len(missing),
            )
            % {"missing": ", ".join(missing), "row": header_row}
        )
    checker = _Checker(columns, header)
    count = 0
    for number, record in records:
        if checker.check(number, record):
            count += 1
        if count > MAX_ROWS:
            raise _too_many_rows()
    if count == 0:
        raise UploadRejected(_("The file has a header row but no participants below it."))
    if checker.problem_count > len(checker.problems):
        more = checker.problem_count - len(checker.problems)
        checker.problems.append(
            {
                "row": None,
                "column": "",
                "message": ngettext("… and %(count)d more problem.", "… and %(count)d more problems.", more)
                % {"count": more},
            }
        )
    return Parsed(
        rows=checker.rows,
        problems=checker.problems,
        ignored_columns=ignored,
        encoding=encoding,
        kind=kind,
        sha256=sha256,
        file_name=file_name,
        columns={name: header[index] for name, index in columns.items()},
    )


# --- what each row will do ---------------------------------------------------------------------


def _existing(activity: Activity) -> list[dict]:
    return [
        {
            "pk": p["pk"],
            "dedupe_key": p["dedupe_key"],
            "given_name": p["given_name"],
            "family_name": p["family_name"],
            "email": p["email"],
            "organisation_name": p["organisation_name"],
            "country": p["country_id"],
            "background": p["background__code"],
            "position": p["position"],
            "gender": p["gender"],
        }
        for p in activity.participants.values(
            "pk",
            "dedupe_key",
            "given_name",
            "family_name",
            "email",
            "organisation_name",
            "country_id",
            "background__code",
            "position",
            "gender",
        )
    ]


def _same(name: str, old, new) -> bool:
    if name == "email":
        return (old or "").casefold() == (new or "").casefold()
    return (old or "") == (new or "")


def plan(activity: Activity, rows: list[dict]) -> list[dict]:
    """Each row with its ``action`` (create, update, unchanged), the ``participant`` it matches
    and the fields it ``changes``. A row matches a registration by the same key; a row with an
    e-mail address also matches one without any e-mail that has the same name, country and
    organisation (the address is then added), and a row without one matches by name likewise.
    Empty optional cells leave what is recorded."""
    existing = _existing(activity)
    by_key = {p["dedupe_key"]: p for p in existing}
    by_name: dict[str, list[dict]] = {}
    for p in existing:
        by_name.setdefault(name_key(p), []).append(p)
    claimed: set[int] = set()
    planned = []
    for row in rows:
        email = row.get("email", "")
        match = by_key.get(row_key(row))
        if match is None or match["pk"] in claimed:
            match = next(
                (
                    p
                    for p in by_name.get(name_key(row), [])
                    if p["pk"] not in claimed and (not email or not p["email"])
                ),
                None,
            )
        entry = {k: v for k, v in row.items() if k not in ("action", "participant", "changes")}
        if match is None:
            entry.update(action=ACTION_CREATE, participant=None, changes=[])
        else:
            claimed.add(match["pk"])
            changes = [n for n in FIELDS if n in row and not _same(n, match[n], row[n])]
            entry.update(
                action=ACTION_UPDATE if changes else ACTION_UNCHANGED,
                participant=match["pk"],
                changes=changes,
            )
        planned.append(entry)
    return planned


def _counts(rows: list[dict]) -> dict[str, int]:
    counts = {ACTION_CREATE: 0, ACTION_UPDATE: 0, ACTION_UNCHANGED: 0}
    for row in rows:
        counts[row["action"]] += 1
    return counts


# --- services ----------------------------------------------------------------------------------


def import_preview(
    *, activity: Activity, by, upload, consent_confirmed: bool, request=None
) -> ParticipantImport:
    """Read and check a list, and store what importing it would do. Nothing else is written.

    The returned job carries ``ignored_columns`` (not stored): headers that were not recognised."""
    activity = access.get_activity_for_user(by, activity.pk, need=Need.TRIAGE)
    if not consent_confirmed:
        raise ImportRefused(
            _(
                "Confirm that the people on the list agreed that the organisers use their details "
                "for this activity: without that, the list cannot be imported."
            )
        )
    parsed = parse(upload)
    with transaction.atomic():
        rows = plan(activity, parsed.rows)
        counts = _counts(rows)
        job = ParticipantImport.objects.create(
            activity=activity,
            uploaded_by=by,
            file_name=parsed.file_name,
            sha256=parsed.sha256,
            encoding=parsed.encoding,
            rows=rows,
            problems=parsed.problems,
            created_count=counts[ACTION_CREATE],
            updated_count=counts[ACTION_UPDATE],
            unchanged_count=counts[ACTION_UNCHANGED],
        )
        # Counts only: the audit log must not become a second copy of the list.
        audit.record(
            by,
            "participants.import_checked",
            activity,
            request=request,
            job=job.pk,
            sha256=parsed.sha256,
            rows=len(rows),
            problems=len(parsed.problems),
        )
    job.ignored_columns = parsed.ignored_columns
    job.columns = parsed.columns
    return job


def _consent_text(job: ParticipantImport, by) -> str:
    return _(
        "Consent collected by the organisers: %(who)s confirmed when importing the list “%(file)s” "
        "that this person agreed to the following. %(text)s"
    ) % {"who": getattr(by, "email", ""), "file": job.file_name, "text": services.CONSENT_TEXT}


def import_apply(
    *, job: ParticipantImport, by, approve: bool = False, activity: Activity | None = None, request=None
) -> ParticipantImport:
    """Write every row of a checked list, or none.

    New people are registered as pending (and approved at once with ``approve``: seats first,
    then the waiting list, as for any approval); people already registered get their corrected
    details; the rest is left alone. What each row does is decided again here, under a lock on
    the activity, since registrations may have changed since the preview.

    The returned job also carries ``approved_count`` and ``waitlisted_count`` (not stored)."""
    found = access.get_activity_for_user(by, job.activity_id, need=Need.TRIAGE)
    if activity is not None and activity.pk != job.activity_id:
        raise InvalidTransition(_("This import belongs to another activity."))
    try:
        with transaction.atomic():
            return _apply(job=job, activity=found, by=by, approve=approve, request=request)
    except IntegrityError:
        raise InvalidTransition(
            _(
                "Nothing was imported: the participant list changed while the import ran. "
                "Upload the file again to check it against the current list."
            )
        ) from None


# Checked when the rows were read and chosen by the import itself: no query per row to check them again.
_RELATIONS = ["activity", "country", "background", "user", "invitation", "registered_by", "decided_by"]


def _apply(*, job: ParticipantImport, activity: Activity, by, approve: bool, request) -> ParticipantImport:
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    job = ParticipantImport.objects.select_for_update().get(pk=job.pk)
    if job.status != ParticipantImport.Status.PREVIEW:
        raise InvalidTransition(
            _("This import is “%(status)s”: it cannot be applied again.")
            % {"status": job.get_status_display()}
        )
    if job.problems:
        raise InvalidTransition(
            _("This list has problems: correct the file and upload it again. Nothing was imported.")
        )
    rows = plan(activity, job.rows)
    backgrounds = dict(ProfessionalBackground.objects.values_list("code", "pk"))
    now = timezone.now()
    consent = _consent_text(job, by)

    def values_of(row: dict) -> dict:
        values = {n: row[n] for n in FIELDS if n in row and n not in ("country", "background")}
        values["country_id"] = row["country"]
        values["background_id"] = backgrounds[row["background"]]
        return values

    new = []
    for row in rows:
        if row["action"] != ACTION_CREATE:
            continue
        participant = Participant(
            activity=activity,
            registered_by=by,
            consent_at=now,
            consent_text=consent,
            status=Participant.Status.PENDING,
            dedupe_key=row_key(row),
            **values_of(row),
        )
        participant.clean_fields(exclude=_RELATIONS)
        new.append(participant)
    created = Participant.objects.bulk_create(new, batch_size=500)

    to_update = {row["participant"]: row for row in rows if row["action"] == ACTION_UPDATE}
    changed = list(activity.participants.filter(pk__in=list(to_update)).select_for_update())
    for participant in changed:
        row = to_update[participant.pk]
        for name, value in values_of(row).items():
            setattr(participant, name, value)
        participant.dedupe_key = services.dedupe_key(
            email=participant.email,
            given_name=participant.given_name,
            family_name=participant.family_name,
            country_id=participant.country_id,
            organisation_name=participant.organisation_name,
        )
        participant.revision += 1
        participant.clean_fields(exclude=_RELATIONS)
    Participant.objects.bulk_update(changed, [*FIELDS, "dedupe_key", "revision"], batch_size=500)
    versions.changed(versions.PARTICIPANTS)

    approved = waitlisted = 0
    if approve:
        for participant in created:
            decided = services.participant_decide(
                participant=participant, by=by, action="approve", request=request
            )
            if decided.status == Participant.Status.APPROVED:
                approved += 1
            else:
                waitlisted += 1

    counts = _counts(rows)
    job.rows = rows
    job.status = ParticipantImport.Status.APPLIED
    job.applied_at = now
    job.created_count = counts[ACTION_CREATE]
    job.updated_count = counts[ACTION_UPDATE]
    job.unchanged_count = counts[ACTION_UNCHANGED]
    job.save()
    audit.record(
        by,
        "participants.imported",
        activity,
        request=request,
        job=job.pk,
        created=counts[ACTION_CREATE],
        updated=counts[ACTION_UPDATE],
        unchanged=counts[ACTION_UNCHANGED],
        approved=approved,
        waitlisted=waitlisted,
    )
    job.approved_count, job.waitlisted_count = approved, waitlisted
    return job


@transaction.atomic
def import_discard(*, job: ParticipantImport, by, request=None) -> ParticipantImport:
    """Drop a checked list without importing it; its rows (personal data) are deleted."""
    activity = access.get_activity_for_user(by, job.activity_id, need=Need.TRIAGE)
    job = ParticipantImport.objects.select_for_update().get(pk=job.pk)
    if job.status != ParticipantImport.Status.PREVIEW:
        raise InvalidTransition(
            _("This import is “%(status)s”: it cannot be discarded.") % {"status": job.get_status_display()}
        )
    job.status = ParticipantImport.Status.DISCARDED
    job.rows = []
    job.problems = []
    job.save(update_fields=["status", "rows", "problems"])
    audit.record(by, "participants.import_discarded", activity, request=request, job=job.pk)
    return job


# --- reading a job for its page ----------------------------------------------------------------


def display_rows(rows: list[dict]) -> list[dict]:
    """Rows with the country's and background's names in the current language, for the page."""
    codes = {r["country"] for r in rows if r.get("country")}
    countries = {c.code: c.name for c in Country.objects.filter(code__in=codes)}
    backgrounds = {
        b.code: b.label
        for b in ProfessionalBackground.objects.filter(
            code__in={r["background"] for r in rows if r.get("background")}
        )
    }
    labels = _field_labels()
    genders = dict(Participant.Gender.choices)
    actions = action_labels()
    return [
        {
            **dict.fromkeys(FIELDS, ""),
            "action": "",
            "changes": [],
            **row,
            "country_name": countries.get(row.get("country"), row.get("country", "")),
            "background_label": backgrounds.get(row.get("background"), row.get("background", "")),
            "gender_label": genders.get(row.get("gender", ""), ""),
            "action_label": actions.get(row.get("action", ""), ""),
            "changed_labels": [labels.get(n, n) for n in row.get("changes", [])],
        }
        for row in rows
    ]


def action_labels() -> dict[str, str]:
    return {
        ACTION_CREATE: _("New registration"),
        ACTION_UPDATE: _("Details corrected"),
        ACTION_UNCHANGED: _("Already registered, unchanged"),
    }


# --- the blank forms officers can download ------------------------------------------------------


def template_csv() -> bytes:
    """The header row as CSV, UTF-8 with a BOM so that Excel opens accents and Arabic right."""
    out = io.StringIO()
    csv.writer(out).writerow(TEMPLATE_HEADERS)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def template_xlsx() -> bytes:
    """A workbook with the header row, and a second sheet listing the professional backgrounds."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Participants"
    sheet.append(list(TEMPLATE_HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGH", (20, 20, 30, 35, 20, 30, 25, 10), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    terms = workbook.create_sheet("Professional backgrounds")
    terms.append(["Code", "English", "Français", "Español", "العربية"])
    for cell in terms[1]:
        cell.font = Font(bold=True)
    for term in ProfessionalBackground.objects.filter(is_active=True).order_by("position", "code"):
        terms.append([term.code, term.label_en, term.label_fr, term.label_es, term.label_ar])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
