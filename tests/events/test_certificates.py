"""Certificate PDF content: what the page says, in which language and script, on one page."""

import io
import logging
import re
from datetime import UTC, date, datetime

import pytest
from django.utils import translation
from pypdf import PdfReader

from ipassist.events.certificates import format_dates, render_certificate
from ipassist.events.models import Certificate
from tests.factories import ActivityFactory, OrganisationFactory, ParticipantFactory

ISSUED_AT = datetime(2015, 1, 15, 10, 30, tzinfo=UTC)
ARABIC_NAME = ("فاطمة", "الزهراء")
ALEF = "\u0627"
DASH = "\u2013"  # en dash, as in "23-25 September 2014"


def issue(participant, *, number="2014-00042-0007", days_attended=3) -> Certificate:
    certificate = Certificate.objects.create(
        participant=participant, number=number, days_attended=days_attended
    )
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=ISSUED_AT)  # auto_now_add
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def workshop(provider):
    activity = ActivityFactory(
        provider=provider,
        title_en="Interregional Workshop on Border Measures",
        title_fr="Atelier interrégional sur les mesures à la frontière",
        start_date=date(2014, 9, 23),
        end_date=date(2014, 9, 25),
        city="Nairobi",
        country_id="KE",
    )
    activity.co_organisers.add(OrganisationFactory(slug="customs", name_en="Customs Agency"))
    return activity


@pytest.fixture
def certificate(workshop):
    participant = ParticipantFactory(
        activity=workshop, given_name="Amina", family_name="Odhiambo", organisation_name="High Court"
    )
    return issue(participant, days_attended=2)


@pytest.fixture
def render(caplog):
    """Render and read back; a glyph the fonts lack (drawn as an empty box) fails the test."""

    def render_and_read(certificate, **kwargs) -> tuple[bytes, PdfReader]:
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            data = render_certificate(certificate, **kwargs)
        assert not glyph_warnings(caplog)
        return data, PdfReader(io.BytesIO(data))

    return render_and_read


def glyph_warnings(caplog) -> list[str]:
    # fpdf2 reports missing glyphs only without text shaping; the renderer checks with it on.
    return [
        record.getMessage()
        for record in caplog.records
        if "missing the following glyphs" in record.getMessage() or "no glyph" in record.getMessage()
    ]


def text_of(reader: PdfReader) -> str:
    """The page's text with line breaks and thin spaces as plain spaces (the page wraps long lines)."""
    return " ".join(reader.pages[0].extract_text().split())


def fragments(reader: PdfReader) -> list[tuple[float, float, str]]:
    """(x, y, text) of each run of text as drawn, in points from the bottom left."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((tm[4], tm[5], text))

    reader.pages[0].extract_text(visitor_text=visit)
    return found


def glyphs_per_character(reader: PdfReader) -> dict[str, set[tuple[str, str]]]:
    """Each character and the glyphs of the embedded fonts drawn for it (from their ToUnicode maps)."""
    glyphs: dict[str, set[tuple[str, str]]] = {}
    for name, font in reader.pages[0]["/Resources"]["/Font"].items():
        cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
        for glyph, code in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", cmap):
            text = "".join(chr(int(code[i : i + 4], 16)) for i in range(0, len(code), 4))
            glyphs.setdefault(text, set()).add((name, glyph))
    return glyphs


def test_certificate_says_who_attended_what_when_and_where(db, render, certificate):
    data, reader = render(certificate, language="en")

    assert data.startswith(b"%PDF-")
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    text = text_of(reader)
    for expected in (
        "World Provider",
        "Certificate of attendance",
        "This is to certify that",
        "Amina Odhiambo",
        "High Court, Kenya",
        "attended",
        "Interregional Workshop on Border Measures",
        "Workshop organised by World Provider in cooperation with Customs Agency",
        f"Nairobi, Kenya, 23{DASH}25 September 2014",
        "Attendance: 2 of 3 days",
        "Certificate no. 2014-00042-0007",
        "Issued on 15 January 2015",
    ):
        assert expected in text
    # The verification line repeats the number.
    assert text.count("2014-00042-0007") == 2


def test_metadata_has_the_title_and_no_personal_data(db, render, certificate):
    _data, reader = render(certificate, language="en")

    metadata = reader.metadata
    assert metadata.title == "Certificate of attendance no. 2014-00042-0007"
    assert metadata.creator == "ipassist"
    assert metadata.creation_date == ISSUED_AT
    values = " ".join(str(value) for value in metadata.values())
    assert "Amina" not in values
    assert "Odhiambo" not in values
    assert "High Court" not in values


def test_same_record_gives_the_same_file(db, certificate):
    assert render_certificate(certificate, language="en") == render_certificate(certificate, language="en")


def test_french_certificate_has_the_french_title_and_dates(db, render, certificate):
    _data, reader = render(certificate, language="fr")

    text = text_of(reader)
    assert "Atelier interrégional sur les mesures à la frontière" in text
    assert "Interregional Workshop" not in text
    assert f"23{DASH}25 septembre 2014" in text
    assert "15 janvier 2015" in text


def test_a_missing_translation_falls_back_to_the_english_title(db, render, certificate):
    _data, reader = render(certificate, language="es")

    text = text_of(reader)
    assert "Interregional Workshop on Border Measures" in text
    assert f"23{DASH}25 de septiembre de 2014" in text


def test_language_defaults_to_the_active_one(db, render, certificate):
    with translation.override("fr"):
        _data, reader = render(certificate)
    assert "Atelier interrégional" in text_of(reader)

    with translation.override("zh"):  # not a certificate language
        _data, reader = render(certificate)
    assert "Interregional Workshop" in text_of(reader)


def test_unknown_language_is_refused(db, certificate):
    with pytest.raises(ValueError, match="de"):
        render_certificate(certificate, language="de")


def test_online_activity_of_one_day(db, render, provider):
    activity = ActivityFactory(
        provider=provider,
        online=True,
        city="",
        country_id=None,
        start_date=date(2020, 4, 2),
        end_date=date(2020, 4, 2),
    )
    certificate = issue(ParticipantFactory(activity=activity), days_attended=1)

    _data, reader = render(certificate, language="en")

    text = text_of(reader)
    assert "Online, 2 April 2020" in text
    assert "Attendance: 1 of 1 day" in text
    assert "in cooperation with" not in text


def test_several_co_organisers_are_listed(db, render, certificate, workshop):
    workshop.co_organisers.add(OrganisationFactory(slug="ipo", name_en="National IP Office"))

    _data, reader = render(certificate, language="en")

    assert "in cooperation with Customs Agency and National IP Office" in text_of(reader)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_arabic_name_is_embedded_and_shaped(db, render, workshop, language):
    workshop.title_ar = "حلقة عمل أقاليمية بشأن التدابير الحدودية"
    workshop.save()
    given, family = ARABIC_NAME
    certificate = issue(ParticipantFactory(activity=workshop, given_name=given, family_name=family))

    data, reader = render(certificate, language=language)

    assert data.startswith(b"%PDF-")
    assert len(reader.pages) == 1
    assert f"{given} {family}" in reader.pages[0].extract_text()
    glyphs = glyphs_per_character(reader)
    assert set(given + family) <= set(glyphs)
    # Shaped: alef is drawn joined after feh (final form) and alone after reh (isolated form),
    # so two glyphs of the same font stand for it; unshaped text has one.
    alef_fonts = [font for font, _glyph in glyphs[ALEF]]
    assert any(alef_fonts.count(font) >= 2 for font in alef_fonts)


def test_arabic_page_runs_right_to_left(db, render, certificate):
    def footer(language):
        _data, reader = render(certificate, language=language)
        runs = fragments(reader)
        issued_x, row = next((x, y) for x, y, text in runs if "2015" in text)
        number_x = next(x for x, y, text in runs if y == row and "2014-00042-0007" in text)
        return number_x, issued_x

    number_x, issued_x = footer("en")
    assert number_x < issued_x  # number on the left, date of issue on the right
    number_x, issued_x = footer("ar")
    assert number_x > issued_x  # mirrored


@pytest.mark.parametrize(
    ("given", "family"),
    [("Zoë Ñúñez", "Łukasiewicz-Šťastná"), ("Алексей", "Смирнов"), ARABIC_NAME],
    ids=["latin", "cyrillic", "arabic"],
)
def test_names_in_latin_cyrillic_and_arabic_scripts_render(db, render, workshop, given, family):
    certificate = issue(ParticipantFactory(activity=workshop, given_name=given, family_name=family))

    _data, reader = render(certificate, language="fr")

    assert f"{given} {family}" in text_of(reader)


def test_a_script_the_fonts_lack_is_logged_without_the_name(db, caplog, workshop):
    # The shipped fonts have no Chinese: the certificate still prints (with boxes), the log says so.
    certificate = issue(ParticipantFactory(activity=workshop, given_name="王", family_name="芳"))

    with caplog.at_level(logging.WARNING):
        data = render_certificate(certificate, language="en")

    assert data.startswith(b"%PDF-")
    assert glyph_warnings(caplog) == [
        "Certificate 2014-00042-0007: 2 character(s) have no glyph in the certificate fonts"
        " and print as boxes."
    ]


def test_very_long_name_and_title_wrap_on_one_page(db, render, provider):
    title = "Interregional Workshop on the Enforcement of Intellectual Property Rights " * 4
    activity = ActivityFactory(provider=provider, title_en=title.strip()[:300])
    given = "Maria Fernanda Guadalupe Concepción de los Ángeles " * 2
    family = "Rodríguez-Villanueva de la Santísima Trinidad " * 2
    certificate = issue(
        ParticipantFactory(
            activity=activity, given_name=given.strip()[:120], family_name=family.strip()[:120]
        )
    )

    _data, reader = render(certificate, language="en")

    assert len(reader.pages) == 1
    text = text_of(reader)
    assert " ".join(activity.title_en.split()) in text
    assert " ".join(certificate.participant.full_name.split()) in text
    assert "To verify this certificate" in text  # the footer is still there


@pytest.mark.parametrize(
    ("start", "end", "language", "expected"),
    [
        (date(2014, 9, 23), date(2014, 9, 25), "en", f"23{DASH}25 September 2014"),
        (date(2014, 9, 30), date(2014, 10, 2), "en", f"30 September {DASH} 2 October 2014"),
        (date(2014, 12, 30), date(2015, 1, 2), "en", f"30 December 2014 {DASH} 2 January 2015"),
        (date(2014, 9, 23), date(2014, 9, 23), "en", "23 September 2014"),
        (date(2014, 9, 30), date(2014, 10, 2), "fr", f"30 septembre {DASH} 2 octobre 2014"),
        (date(2014, 9, 23), date(2014, 9, 25), "es", f"23{DASH}25 de septiembre de 2014"),
        (date(2014, 9, 23), date(2014, 9, 25), "ar", f"23{DASH}25 سبتمبر 2014"),
    ],
)
def test_format_dates(start, end, language, expected):
    assert " ".join(format_dates(start, end, language).split()) == expected
