"""Bulk import of participants from the CSV or XLSX lists organisers receive.

A preview with row-level problems, then an all-or-nothing import; importing the same file twice
registers nobody twice. Files come in every encoding office software writes, with headers in the
four languages, and sometimes broken: each case below is a file someone could really send.
"""

import codecs
import csv
import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.http import Http404
from django.test import override_settings
from django.urls import reverse

from ipassist.casework.uploads import UploadRejected
from ipassist.core.models import AuditEntry, ProfessionalBackground
from ipassist.events import imports, services
from ipassist.events.models import Activity, InvalidTransition, Participant, ParticipantImport
from tests.casework import files
from tests.factories import ActivityFactory, MembershipFactory, ParticipantFactory, UserFactory

HEADER = [
    "Given name",
    "Family name",
    "E-mail",
    "Organisation",
    "Country",
    "Professional background",
    "Position",
    "Gender",
]
ROWS = [
    ["Wanjiku", "Kamau", "wanjiku.kamau@example.org", "High Court of Kenya", "Kenya", "judge", "Judge", "F"],
    ["Ousmane", "Diallo", "o.diallo@example.org", "Douanes sénégalaises", "SN", "Customs officer", "", "M"],
    ["Lucía", "Fernández", "", "Fiscalía General", "Perú", "Fiscal", "Fiscal adjunta", ""],
]


# --- building files ------------------------------------------------------------------------------


def csv_bytes(rows=ROWS, header=HEADER, *, delimiter=",", encoding="utf-8", bom=b"") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return bom + out.getvalue().encode(encoding)


def xlsx_bytes(rows=ROWS, header=HEADER, *, above=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in above:
        sheet.append(line)
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "participants.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def preview(activity, by, data, name="participants.csv", consent=True) -> ParticipantImport:
    return imports.import_preview(
        activity=activity, by=by, upload=upload(data, name), consent_confirmed=consent
    )


def by_row(job) -> dict[int, dict]:
    return {row["row"]: row for row in job.rows}


def problems(job) -> list[tuple]:
    return [(p["row"], p["column"], p["message"]) for p in job.problems]


def snapshot(activity) -> dict:
    return {
        "participants": sorted(
            activity.participants.values_list(
                "pk", "given_name", "family_name", "email", "organisation_name", "country_id",
                "position", "gender", "status", "dedupe_key", "revision",
            )
        ),
        "imports": sorted(ParticipantImport.objects.values_list("pk", "status", "created_count")),
        "audit": AuditEntry.objects.filter(action__startswith="participants.").count(),
    }  # fmt: skip


@pytest.fixture
def imported_names(activity):
    def names():
        return sorted(
            (p.given_name, p.family_name)
            for p in activity.participants.exclude(email="participant@example.org")
        )

    return names


# --- reading: encodings, delimiters, formats ---------------------------------------------------


def test_utf8_csv_preview_then_import_registers_everyone_pending(activity, officer, imported_names):
    job = preview(activity, officer, csv_bytes())

    assert job.status == ParticipantImport.Status.PREVIEW
    assert job.problems == []
    assert job.encoding == "utf-8"
    assert len(job.sha256) == 64
    assert [r["action"] for r in job.rows] == ["create", "create", "create"]
    assert activity.participants.count() == 1  # a preview writes no participant

    first, second, third = (by_row(job)[n] for n in (2, 3, 4))
    assert first["country"] == "KE" and first["background"] == "judge" and first["gender"] == "female"
    assert second["country"] == "SN" and second["background"] == "customs_officer"
    assert second["gender"] == "male" and "position" not in second
    assert third["country"] == "PE" and third["background"] == "prosecutor" and "email" not in third

    job = imports.import_apply(job=job, by=officer, approve=False)

    assert job.status == ParticipantImport.Status.APPLIED and job.applied_at is not None
    assert (job.created_count, job.updated_count, job.unchanged_count) == (3, 0, 0)
    assert imported_names() == [("Lucía", "Fernández"), ("Ousmane", "Diallo"), ("Wanjiku", "Kamau")]
    wanjiku = activity.participants.get(family_name="Kamau")
    assert wanjiku.status == Participant.Status.PENDING
    assert wanjiku.registered_by == officer
    assert wanjiku.dedupe_key == "email:wanjiku.kamau@example.org"
    assert "participants.csv" in wanjiku.consent_text
    assert "Consent collected by the organisers" in wanjiku.consent_text
    entry = AuditEntry.objects.get(action="participants.imported")
    assert entry.actor == officer and entry.target_id == str(activity.pk)
    assert entry.data["created"] == 3 and entry.data["updated"] == 0 and entry.data["unchanged"] == 0
    assert "Kamau" not in str(entry.data)  # counts only, no copy of the list in the audit log


def test_utf8_with_bom_the_header_is_still_recognised(activity, officer):
    job = preview(activity, officer, csv_bytes(bom=codecs.BOM_UTF8))
    assert job.problems == []
    assert job.encoding == "utf-8"
    assert by_row(job)[2]["given_name"] == "Wanjiku"
    assert by_row(job)[4]["given_name"] == "Lucía"


def test_windows_1252_with_accents(activity, officer):
    rows = [
        [
            "José",
            "Müller",
            "jose.muller@example.org",
            "Tribunal de commerce",
            "Côte d'Ivoire",
            "Juge",
            "",
            "",
        ],
        ["François", "Lefèvre", "", "Cour d'appel de Paris", "France", "Juge", "Président de chambre", ""],
        ["Zoë", "Núñez", "", "Aduana", "España", "Funcionario de aduanas", "Inspectora", "mujer"],
    ]
    job = preview(activity, officer, csv_bytes(rows, encoding="cp1252"))
    assert job.problems == []
    assert job.encoding == "windows-1252"
    jose, francois, zoe = (by_row(job)[n] for n in (2, 3, 4))
    assert (jose["given_name"], jose["family_name"], jose["country"]) == ("José", "Müller", "CI")
    assert (francois["family_name"], francois["position"]) == ("Lefèvre", "Président de chambre")
    assert (zoe["given_name"], zoe["family_name"], zoe["country"]) == ("Zoë", "Núñez", "ES")


def test_windows_1250_central_european_names(activity, officer):
    rows = [["Łukasz", "Żółkiewski", "", "Sąd Okręgowy w Łodzi", "Poland", "judge", "Sędzia", ""]]
    job = preview(activity, officer, csv_bytes(rows, encoding="cp1250"))
    assert job.problems == []
    assert job.encoding == "windows-1250"
    row = by_row(job)[2]
    assert (row["given_name"], row["family_name"], row["country"]) == ("Łukasz", "Żółkiewski", "PL")


def test_utf16_tab_separated_as_excel_saves_unicode_text(activity, officer):
    data = csv_bytes(delimiter="\t", encoding="utf-16")  # Python writes the BOM, as Excel does
    assert data.startswith(codecs.BOM_UTF16_LE)
    job = preview(activity, officer, data, name="participants.txt")
    assert job.problems == []
    assert job.encoding == "utf-16"
    assert by_row(job)[4]["family_name"] == "Fernández"


def test_semicolon_separated_with_commas_inside_cells(activity, officer):
    rows = [
        ["Awa", "Ndiaye", "awa@example.org", "Ministère de la Justice, Direction des affaires criminelles",
         "Sénégal", "Procureur", "Substitut, parquet de Dakar", "femme"],
    ]  # fmt: skip
    job = preview(activity, officer, csv_bytes(rows, delimiter=";"))
    assert job.problems == []
    row = by_row(job)[2]
    assert row["organisation_name"] == "Ministère de la Justice, Direction des affaires criminelles"
    assert row["position"] == "Substitut, parquet de Dakar"
    assert (row["country"], row["background"], row["gender"]) == ("SN", "prosecutor", "female")


def test_excel_sep_line_is_a_hint_not_a_row(activity, officer):
    data = b"sep=;\r\n" + csv_bytes([["Awa", "Ndiaye", "", "Tribunal", "SN", "judge", "", ""]], delimiter=";")
    job = preview(activity, officer, data)
    assert job.problems == []
    assert list(by_row(job)) == [2]  # the row number a spreadsheet shows once it hides the hint


ARABIC_HEADER = [
    "الاسم",
    "اللقب",
    "البريد الإلكتروني",
    "المؤسسة",
    "البلد",
    "الخلفية المهنية",
    "المنصب",
    "الجنس",
]
ARABIC_ROWS = [
    ["أحمد", "المصري", "ahmed@example.org", "وزارة العدل", "مصر", "قاض", "مستشار", "ذكر"],
    ["فاطمة", "الزهراء", "", "الإدارة العامة للجمارك", "المغرب", "موظف جمارك", "", "أنثى"],
]


@pytest.mark.parametrize(("encoding", "label"), [("utf-8", "utf-8"), ("cp1256", "windows-1256")])
def test_arabic_names_and_headers(activity, officer, encoding, label):
    job = preview(activity, officer, csv_bytes(ARABIC_ROWS, ARABIC_HEADER, encoding=encoding))
    assert job.problems == []
    assert job.encoding == label
    ahmed, fatima = by_row(job)[2], by_row(job)[3]
    assert (ahmed["given_name"], ahmed["family_name"]) == ("أحمد", "المصري")
    assert (ahmed["country"], ahmed["background"], ahmed["gender"]) == ("EG", "judge", "male")
    assert (fatima["given_name"], fatima["family_name"]) == ("فاطمة", "الزهراء")
    assert (fatima["country"], fatima["background"], fatima["gender"]) == ("MA", "customs_officer", "female")


def test_french_headers(activity, officer):
    header = [
        "Prénom",
        "Nom",
        "Courriel",
        "Organisme",
        "Pays",
        "Catégorie professionnelle",
        "Fonction",
        "Sexe",
    ]
    rows = [["Aïssata", "Traoré", "a.traore@example.org", "Tribunal de Bamako", "Mali", "Juge", "", "Femme"]]
    job = preview(activity, officer, csv_bytes(rows, header, delimiter=";"))
    assert job.problems == []
    row = by_row(job)[2]
    # "Nom" beside "Prénom" is the family name
    assert (row["given_name"], row["family_name"], row["country"], row["gender"]) == (
        "Aïssata",
        "Traoré",
        "ML",
        "female",
    )


def test_spanish_headers(activity, officer):
    header = ["Nombre", "Apellidos", "Correo electrónico", "Institución", "País", "Perfil profesional",
              "Cargo", "Género"]  # fmt: skip
    rows = [
        ["María José", "García López", "", "Poder Judicial", "México", "Juez o jueza", "Magistrada", "mujer"]
    ]
    job = preview(activity, officer, csv_bytes(rows, header))
    assert job.problems == []
    row = by_row(job)[2]
    # "Nombre" beside "Apellidos" is the given name
    assert (row["given_name"], row["family_name"]) == ("María José", "García López")
    assert (row["country"], row["background"], row["gender"]) == ("MX", "judge", "female")


def test_headers_are_matched_without_case_accents_spacing_or_notes(activity, officer):
    header = ["  GIVEN NAME * ", "family-name", "E-Mail Address", "ORGANIZATION", "Country (ISO code)",
              "Background", "Job title", "sex"]  # fmt: skip
    job = preview(activity, officer, csv_bytes(header=header))
    assert job.problems == []
    assert len(job.rows) == 3


def test_full_name_column_is_split_on_the_last_space(activity, officer):
    header = ["Name", "Organisation", "Country", "Background"]
    rows = [
        ["Jean Pierre Mbeki", "Parquet", "CD", "prosecutor"],
        ["ODHIAMBO, Grace", "Police", "KE", "police_officer"],
        ["Madonna", "Police", "KE", "police_officer"],
    ]
    job = preview(activity, officer, csv_bytes(rows, header))
    jean, grace = by_row(job)[2], by_row(job)[3]
    assert (jean["given_name"], jean["family_name"]) == ("Jean Pierre", "Mbeki")
    assert (grace["given_name"], grace["family_name"]) == ("Grace", "ODHIAMBO")
    assert [(row, column) for row, column, _m in problems(job)] == [(4, "Name")]
    assert "given name and the family name" in job.problems[0]["message"]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("ke", "KE"),
        ("KEN", "KE"),
        ("kenya", "KE"),
        ("Côte d\u2019Ivoire", "CI"),
        ("COTE D'IVOIRE", "CI"),
        ("Perú", "PE"),
        ("Pérou", "PE"),
        ("كينيا", "KE"),
        ("Viet Nam", "VN"),
        ("Vietnam", "VN"),
        ("United States of America", "US"),
        ("Royaume-Uni", "GB"),
    ],
)
def test_country_by_code_or_name_in_any_language(activity, officer, written, code):
    job = preview(activity, officer, csv_bytes([["Ana", "Silva", "", "Tribunal", written, "judge", "", ""]]))
    assert job.problems == []
    assert by_row(job)[2]["country"] == code


@pytest.mark.parametrize("written", ["judge", "Judge", "JUGE", "Juez o jueza", "قاض", "قاضٍ"])
def test_background_by_code_or_label_in_any_language(activity, officer, written):
    job = preview(activity, officer, csv_bytes([["Ana", "Silva", "", "Tribunal", "BR", written, "", ""]]))
    assert job.problems == []
    assert by_row(job)[2]["background"] == "judge"


def test_xlsx_with_a_title_above_the_header_keeps_spreadsheet_row_numbers(activity, officer):
    rows = [
        *ROWS,
        ["", "", "", "", "", "", "", ""],
        ["Bad", "Email", "not-an-address", "Court", "KE", "judge", "", ""],
    ]
    data = xlsx_bytes(rows, above=[["Participants of the national workshop"], []])
    job = preview(activity, officer, data, name="Liste.xlsx")
    assert job.encoding == ""
    assert sorted(by_row(job)) == [4, 5, 6]  # title on row 1, blank row 2, header on row 3
    assert problems(job) == [(8, "E-mail", "“not-an-address” is not a valid e-mail address.")]


def test_xlsx_numbers_and_dates_in_cells_are_text(activity, officer):
    rows = [["Ana", "Silva", "", "Tribunal", "BR", "judge", 42, ""]]
    job = preview(activity, officer, xlsx_bytes(rows), name="list.xlsx")
    assert job.problems == []
    assert by_row(job)[2]["position"] == "42"


def test_xlsx_formula_cells_are_not_evaluated(activity, officer):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(['=CONCAT("A","na")', "Silva", "", "Tribunal", "BR", "judge", "", ""])
    sheet.append(["Rui", "Costa", "", "Tribunal", "PT", "judge", "", ""])
    sheet["G3"] = "=1+2"
    sheet["G3"].data_type = "s"  # text that looks like a formula
    out = io.BytesIO()
    workbook.save(out)

    job = preview(activity, officer, out.getvalue(), name="list.xlsx")

    # A formula without a stored result is no name (openpyxl never computes one) …
    assert problems(job) == [(2, "Given name", "The given name is missing.")]
    # … and text that looks like a formula stays that text.
    assert by_row(job)[3]["position"] == "=1+2"


def test_csv_formula_looking_cells_are_plain_text(activity, officer, imported_names):
    rows = [
        ["Ana", "Silva", "", "Tribunal", "BR", "judge", '=HYPERLINK("http://evil.example","x")', ""],
        ["Rui", "Costa", "", "Tribunal", "PT", "judge", "'+351 desk", ""],
    ]
    job = preview(activity, officer, csv_bytes(rows))
    assert job.problems == []
    assert by_row(job)[2]["position"] == '=HYPERLINK("http://evil.example","x")'
    assert by_row(job)[3]["position"] == "+351 desk"  # the apostrophe that kept it text is dropped
    imports.import_apply(job=job, by=officer)
    assert activity.participants.get(family_name="Silva").position.startswith("=HYPERLINK")


def test_odd_unicode_is_cleaned(activity, officer):
    rows = [
        [
            "Jose\u0301",  # decomposed é
            "\u202eGarcía\u202c",  # a right-to-left override around the name
            " ana\u200b@example.org ",
            "Tribunal\u00a0\u00a0Supremo\tde Justicia",
            "\u200fES",
            "judge",
            "Juez\x07",
            "",
        ]
    ]
    job = preview(activity, officer, csv_bytes(rows))
    assert job.problems == []
    row = by_row(job)[2]
    assert row["given_name"] == "José" and len(row["given_name"]) == 4
    assert row["family_name"] == "García"
    assert row["email"] == "ana@example.org"
    assert row["organisation_name"] == "Tribunal Supremo de Justicia"
    assert row["country"] == "ES"
    assert row["position"] == "Juez"


def test_persian_zero_width_non_joiner_is_kept(activity, officer):
    rows = [["مهر\u200cنوش", "احمدی", "", "دادگستری", "IR", "judge", "", ""]]
    job = preview(activity, officer, csv_bytes(rows))
    assert by_row(job)[2]["given_name"] == "مهر\u200cنوش"


def test_unknown_columns_are_reported_as_ignored(activity, officer):
    header = [*HEADER, "Passport number", "Dietary needs"]
    rows = [[*row, "X123", "none"] for row in ROWS]
    job = preview(activity, officer, csv_bytes(rows, header))
    assert job.problems == []
    assert job.ignored_columns == ["Passport number", "Dietary needs"]
    assert "Passport number" not in str(job.rows) and "X123" not in str(job.rows)


# --- malformed rows -------------------------------------------------------------------------------


def test_malformed_rows_are_reported_by_row_and_column_and_nothing_is_imported(activity, officer):
    before = activity.participants.count()
    rows = [
        ROWS[0],
        ["", "Otieno", "", "Police", "KE", "police_officer", "", ""],  # row 3: no given name
        ["Peter", "Otieno", "peter@@example", "Police", "KE", "police_officer", "", ""],  # row 4
        ["Ana", "Silva", "", "Tribunal", "Narnia", "judge", "", ""],  # row 5: unknown country
        ["Rui", "Costa", "", "Tribunal", "PT", "astronaut", "", ""],  # row 6: unknown background
        ["Eva", "Kiss", "", "x" * 301, "HU", "judge", "", ""],  # row 7: organisation too long
        ["12345", "Nagy", "", "Court", "HU", "judge", "", "maybe"],  # row 8: not a name, gender
        ["Li", "Wei", "", "", "", "", "", ""],  # row 9: organisation, country and background missing
    ]
    job = preview(activity, officer, csv_bytes(rows))

    assert problems(job) == [
        (3, "Given name", "The given name is missing."),
        (4, "E-mail", "“peter@@example” is not a valid e-mail address."),
        (5, "Country", "Unknown country: “Narnia”. Write its name or its ISO code (e.g. KE or KEN)."),
        (
            6,
            "Professional background",
            "Unknown professional background: “astronaut”. Use a code or name from the template.",
        ),
        (7, "Organisation", "This is 301 characters long; at most 300 are allowed."),
        (8, "Given name", "“12345” does not look like a name."),
        (8, "Gender", "Unknown gender: “maybe”. Write female, male, other, or leave it empty."),
        (9, "Organisation", "The organisation is missing."),
        (9, "Country", "The country is missing."),
        (9, "Professional background", "The professional background is missing."),
    ]
    assert list(by_row(job)) == [2]  # only the good row is kept, and it cannot be imported alone

    with pytest.raises(InvalidTransition, match="problems"):
        imports.import_apply(job=job, by=officer)
    assert activity.participants.count() == before
    job.refresh_from_db()
    assert job.status == ParticipantImport.Status.PREVIEW


def test_overlong_names_and_positions(activity, officer):
    rows = [["G" * 121, "F" * 120, "", "Court", "KE", "judge", "P" * 201, ""]]
    job = preview(activity, officer, csv_bytes(rows))
    assert problems(job) == [
        (2, "Given name", "This is 121 characters long; at most 120 are allowed."),
        (2, "Position", "This is 201 characters long; at most 200 are allowed."),
    ]


def test_very_many_problems_are_listed_up_to_a_limit(activity, officer, monkeypatch):
    monkeypatch.setattr(imports, "MAX_PROBLEMS", 5)
    rows = [["Ana", "Silva", "", "Tribunal", "Narnia", "judge", "", ""]] * 8
    job = preview(activity, officer, csv_bytes(rows))
    assert len(job.problems) == 6
    assert job.problems[-1] == {"row": None, "column": "", "message": "… and 3 more problems."}


def test_duplicate_rows_in_the_file(activity, officer):
    rows = [
        ["Wanjiku", "Kamau", "wanjiku.kamau@example.org", "High Court", "KE", "judge", "", ""],  # 2
        ["Ana", "Silva", "", "Tribunal", "BR", "judge", "", ""],  # 3
        ["W.", "Kamau", "Wanjiku.Kamau@Example.org", "High Court", "KE", "judge", "", ""],  # 4: same e-mail
        ["ANA", "silva", "", "Tribunal ", "Brazil", "judge", "Juíza", ""],  # 5: same name, country, org
        ["Ana", "Silva", "ana.silva@example.org", "Tribunal", "BR", "judge", "", ""],  # 6: and an e-mail
        ["Ana", "Silva", "", "Tribunal", "PT", "judge", "", ""],  # 7: another country: someone else
    ]
    job = preview(activity, officer, csv_bytes(rows))
    assert problems(job) == [
        (4, "E-mail", "Same person as row 2."),
        (5, "Family name", "Same person as row 3."),
        (6, "E-mail", "Same person as row 3."),
    ]
    assert sorted(by_row(job)) == [2, 3, 7]


# --- files that cannot be used at all -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("list.csv", b"", "This file is empty."),
        ("list.csv", codecs.BOM_UTF8, "This file is empty."),
        ("list.csv", b"  \r\n\r\n ", "This file is empty."),
        ("list.csv", csv_bytes(rows=[]), "header row but no participants"),
        ("list.xlsx", xlsx_bytes(rows=[]), "header row but no participants"),
        ("list.csv", csv_bytes(rows=[["", "", "", "", "", "", "", ""]]), "header row but no participants"),
        ("list.xls", files.old_word_bytes(), "older Excel file (.xls)"),
        ("list.csv", bytes(range(256)) * 8, "not a CSV or Excel (XLSX) file"),
        ("list.csv", files.random_blob(), "not a CSV or Excel (XLSX) file"),
        ("list.csv", files.random_blob(without_nul=True), "not a CSV or Excel (XLSX) file"),
        ("list.xlsx", files.xlsx_like_zip(), "damaged or incomplete"),
        ("list.ods", files.ods_like_zip(), "not a CSV or Excel (XLSX) file"),
        ("list.xlsx", files.truncated_zip(), "damaged or incomplete"),
        ("list.csv", files.png_bytes(), "not a CSV or Excel (XLSX) file"),
        ("list.csv", files.exe_bytes(), "not a CSV or Excel (XLSX) file"),
        ("list.xlsx", files.zip_with_entry("notes.txt"), "not a CSV or Excel (XLSX) file"),
        ("list.xlsx", xlsx_bytes()[:600], "damaged or incomplete"),
        ("list.xlsx", files.zip_bomb(), "archive bomb"),
        ("list.csv", b"<html><table><tr><td>Given name</td></tr></table></html>", "web page or XML"),
        ("list.csv", b"Lorem ipsum dolor sit amet\r\nconsectetur adipiscing\r\n", "No header row was found"),
        ("list.csv", csv_bytes(header=["Given name", "Family name", "E-mail", "Position"]),
         "no columns for: organisation, country, professional background"),
    ],
)  # fmt: skip
def test_unusable_files_are_refused_clearly_and_store_nothing(activity, officer, name, data, message):
    before = snapshot(activity)
    with pytest.raises(UploadRejected) as refused:
        preview(activity, officer, data, name=name)
    assert message in refused.value.message
    assert snapshot(activity) == before


def test_a_missing_name_column_is_one_clear_error(activity, officer):
    header = ["Family name", "Organisation", "Country", "Professional background"]
    with pytest.raises(UploadRejected) as refused:
        preview(activity, officer, csv_bytes([["Kamau", "Court", "KE", "judge"]], header))
    assert refused.value.message == (
        "The list has no column for: given name (header row 1). Add it, or use the template."
    )


def _xlsx_with(extra_entries: dict[str, bytes], content_types: bytes | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml" and content_types is not None:
                data = content_types
            target.writestr(info.filename, data)
        for entry, data in extra_entries.items():
            target.writestr(entry, data)
    return out.getvalue()


def test_workbooks_with_macros_are_refused(activity, officer):
    before = snapshot(activity)
    with pytest.raises(UploadRejected, match="macros"):
        preview(activity, officer, _xlsx_with({"xl/vbaProject.bin": b"\x00" * 64}), name="list.xlsm")
    content_types = zipfile.ZipFile(io.BytesIO(xlsx_bytes())).read("[Content_Types].xml")
    macro_types = content_types.replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"
    )
    with pytest.raises(UploadRejected, match="macros"):
        preview(activity, officer, _xlsx_with({}, macro_types), name="list.xlsx")
    assert snapshot(activity) == before


def test_binary_workbooks_are_refused(activity, officer):
    with pytest.raises(UploadRejected, match=r"\.xlsb"):
        preview(activity, officer, _xlsx_with({"xl/workbook.bin": b"\x00"}), name="list.xlsb")


@override_settings(CASEWORK_MAX_UPLOAD_BYTES=1024)
def test_oversized_files_are_refused(activity, officer):
    before = snapshot(activity)
    rows = [[f"Given{n}", f"Family{n}", "", "Court", "KE", "judge", "", ""] for n in range(100)]
    with pytest.raises(UploadRejected, match="larger than the limit of 1 MB"):
        preview(activity, officer, csv_bytes(rows))
    assert snapshot(activity) == before


def test_too_many_rows_are_refused(activity, officer, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = [[f"Given{n}", f"Family{n}", "", "Court", "KE", "judge", "", ""] for n in range(4)]
    with pytest.raises(UploadRejected, match="more than 3 rows"):
        preview(activity, officer, csv_bytes(rows))
    with pytest.raises(UploadRejected, match="more than 3 rows"):
        preview(activity, officer, xlsx_bytes(rows), name="list.xlsx")
    assert ParticipantImport.objects.count() == 0


def test_consent_must_be_confirmed(activity, officer):
    before = snapshot(activity)
    with pytest.raises(imports.ImportRefused, match="agreed"):
        preview(activity, officer, csv_bytes(), consent=False)
    assert snapshot(activity) == before


# --- importing again: nobody twice ---------------------------------------------------------------


def test_the_same_file_twice_registers_nobody_twice(activity, officer):
    data = xlsx_bytes()
    imports.import_apply(job=preview(activity, officer, data, name="list.xlsx"), by=officer)
    count = activity.participants.count()

    again = preview(activity, officer, data, name="list.xlsx")
    assert [r["action"] for r in again.rows] == ["unchanged"] * 3
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    again = imports.import_apply(job=again, by=officer)

    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    assert activity.participants.count() == count
    # The same list saved as CSV in another encoding is still the same people.
    third = preview(activity, officer, csv_bytes(encoding="cp1252"))
    assert [r["action"] for r in third.rows] == ["unchanged"] * 3


def test_corrected_details_update_the_registration(activity, officer):
    imports.import_apply(job=preview(activity, officer, csv_bytes()), by=officer)
    kamau = activity.participants.get(family_name="Kamau")
    revision = kamau.revision
    corrected = [list(row) for row in ROWS]
    corrected[0][6] = "Presiding Judge"
    corrected[0][3] = "Court of Appeal"
    corrected[2][7] = ""  # an empty optional cell changes nothing

    job = preview(activity, officer, csv_bytes(corrected))
    assert [r["action"] for r in job.rows] == ["update", "unchanged", "unchanged"]
    assert by_row(job)[2]["changes"] == ["organisation_name", "position"]
    assert by_row(job)[2]["participant"] == kamau.pk

    job = imports.import_apply(job=job, by=officer)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    kamau.refresh_from_db()
    assert (kamau.organisation_name, kamau.position) == ("Court of Appeal", "Presiding Judge")
    assert kamau.revision == revision + 1
    assert kamau.status == Participant.Status.PENDING  # details only: never the status


def test_an_e_mail_address_is_added_to_a_registration_without_one(activity, officer):
    judge = ProfessionalBackground.objects.get(code="judge")
    existing = ParticipantFactory(
        activity=activity, given_name="Ana", family_name="Silva", email="", organisation_name="Tribunal",
        country_id="BR", background=judge, position="", dedupe_key="name:ana|silva|br|tribunal",
    )  # fmt: skip
    rows = [["Ana", "Silva", "ana.silva@example.org", "Tribunal", "Brazil", "judge", "", ""]]
    job = preview(activity, officer, csv_bytes(rows))
    assert by_row(job)[2]["action"] == "update"
    assert by_row(job)[2]["changes"] == ["email"]

    imports.import_apply(job=job, by=officer)
    existing.refresh_from_db()
    assert existing.email == "ana.silva@example.org"
    assert existing.dedupe_key == "email:ana.silva@example.org"
    assert activity.participants.filter(family_name="Silva").count() == 1


def test_someone_already_registered_by_hand_is_recognised(activity, officer):
    """The fixture's registered participant appears in the organiser's list as well."""
    rows = [["Amina", "Odhiambo", "PARTICIPANT@example.org", "High Court", "KE", "judge", "Judge", ""]]
    job = preview(activity, officer, csv_bytes(rows))
    assert by_row(job)[2]["action"] == "unchanged"


def test_registrations_made_between_preview_and_import_are_taken_into_account(activity, officer):
    job = preview(activity, officer, csv_bytes())
    judge = ProfessionalBackground.objects.get(code="judge")
    ParticipantFactory(
        activity=activity, given_name="Wanjiku", family_name="Kamau", email="wanjiku.kamau@example.org",
        organisation_name="High Court of Kenya", country_id="KE", background=judge, position="Judge",
        gender="female", dedupe_key="email:wanjiku.kamau@example.org",
    )  # fmt: skip
    job = imports.import_apply(job=job, by=officer)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 1)
    assert activity.participants.filter(family_name="Kamau").count() == 1


# --- all or nothing ------------------------------------------------------------------------------


def test_a_failure_midway_writes_nothing(activity, officer, monkeypatch):
    job = preview(activity, officer, csv_bytes())
    before = snapshot(activity)
    real = services.participant_decide
    calls = []

    def fail_on_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(services, "participant_decide", fail_on_second)
    with pytest.raises(RuntimeError):
        imports.import_apply(job=job, by=officer, approve=True)

    assert len(calls) == 2  # the first person had been created and approved …
    assert snapshot(activity) == before  # … and all of it was rolled back
    assert not AuditEntry.objects.filter(action__in=["participants.imported", "participant.approve"]).exists()
    job.refresh_from_db()
    assert job.status == ParticipantImport.Status.PREVIEW


def test_an_integrity_error_midway_rolls_back_and_says_so(activity, officer, monkeypatch):
    imports.import_apply(job=preview(activity, officer, csv_bytes(ROWS[:1])), by=officer)
    corrected = [list(row) for row in ROWS]
    corrected[0][6] = "Presiding Judge"
    job = preview(activity, officer, csv_bytes(corrected))  # two to create, one to update
    before = snapshot(activity)

    def conflict(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: unique_participant_per_activity")

    monkeypatch.setattr(Participant.objects, "bulk_update", conflict)
    with pytest.raises(InvalidTransition, match="Nothing was imported"):
        imports.import_apply(job=job, by=officer)
    assert snapshot(activity) == before


# --- refusals ------------------------------------------------------------------------------------


def test_an_applied_import_cannot_be_applied_again(activity, officer):
    job = imports.import_apply(job=preview(activity, officer, csv_bytes()), by=officer)
    count = activity.participants.count()
    with pytest.raises(InvalidTransition, match="cannot be applied again"):
        imports.import_apply(job=job, by=officer)
    with pytest.raises(InvalidTransition):
        imports.import_discard(job=job, by=officer)
    assert activity.participants.count() == count


def test_a_discarded_import_forgets_its_rows_and_cannot_be_applied(activity, officer):
    job = preview(activity, officer, csv_bytes())
    job = imports.import_discard(job=job, by=officer)
    assert job.status == ParticipantImport.Status.DISCARDED
    job.refresh_from_db()
    assert job.rows == [] and job.problems == []
    with pytest.raises(InvalidTransition):
        imports.import_apply(job=job, by=officer)
    assert activity.participants.count() == 1


def test_an_import_cannot_be_applied_to_another_activity(activity, officer, provider):
    other = ActivityFactory(provider=provider, created_by=officer)
    job = preview(activity, officer, csv_bytes())
    with pytest.raises(InvalidTransition, match="another activity"):
        imports.import_apply(job=job, by=officer, activity=other)
    assert other.participants.count() == 0 and activity.participants.count() == 1


@pytest.mark.parametrize("persona", ["other_officer", "focal_point", "participant", "partner", "expert"])
def test_only_organisers_may_use_the_services(request, activity, officer, persona):
    user = request.getfixturevalue(persona)
    job = preview(activity, officer, csv_bytes())
    before = snapshot(activity)
    with pytest.raises(Http404):
        preview(activity, user, csv_bytes())
    with pytest.raises(Http404):
        imports.import_apply(job=job, by=user)
    with pytest.raises(Http404):
        imports.import_discard(job=job, by=user)
    assert snapshot(activity) == before


def test_a_co_organiser_may_import(activity, other_provider):
    colleague = UserFactory(email="co.organiser@example.org")
    MembershipFactory(user=colleague, organisation=other_provider)
    activity.co_organisers.add(other_provider)
    job = imports.import_apply(job=preview(activity, colleague, csv_bytes()), by=colleague)
    assert job.created_count == 3


# --- approving at once ---------------------------------------------------------------------------


def test_approving_at_once_respects_the_capacity(activity, officer):
    Activity.objects.filter(pk=activity.pk).update(capacity=2)  # one seat left: the fixture's person
    job = imports.import_apply(job=preview(activity, officer, csv_bytes()), by=officer, approve=True)

    assert (job.approved_count, job.waitlisted_count) == (1, 2)
    statuses = dict(activity.participants.values_list("family_name", "status"))
    assert statuses == {
        "Odhiambo": Participant.Status.APPROVED,
        "Kamau": Participant.Status.APPROVED,  # first in the file, first served
        "Diallo": Participant.Status.WAITLISTED,
        "Fernández": Participant.Status.WAITLISTED,
    }
    assert AuditEntry.objects.get(action="participants.imported").data["waitlisted"] == 2


def test_approving_does_not_touch_people_already_registered(activity, officer):
    imports.import_apply(job=preview(activity, officer, csv_bytes(ROWS[:1])), by=officer)
    job = imports.import_apply(job=preview(activity, officer, csv_bytes()), by=officer, approve=True)
    assert (job.created_count, job.unchanged_count, job.approved_count) == (2, 1, 2)
    assert activity.participants.get(family_name="Kamau").status == Participant.Status.PENDING


# --- the blank forms -----------------------------------------------------------------------------


def test_the_blank_forms_are_recognised_by_the_import(activity, officer):
    workbook = openpyxl.load_workbook(io.BytesIO(imports.template_xlsx()))
    assert [c.value for c in workbook.worksheets[0][1]] == list(imports.TEMPLATE_HEADERS)
    assert "judge" in [c.value for c in workbook["Professional backgrounds"]["A"]]
    workbook.worksheets[0].append(["Ana", "Silva", "", "Tribunal", "BR", "Juez o jueza", "", ""])
    out = io.BytesIO()
    workbook.save(out)
    assert preview(activity, officer, out.getvalue(), name="t.xlsx").rows[0]["background"] == "judge"

    blank_csv = imports.template_csv()
    assert blank_csv.startswith(codecs.BOM_UTF8)
    filled = blank_csv + b"Ana,Silva,,Tribunal,BR,judge,,\r\n"
    assert preview(activity, officer, filled).rows[0]["family_name"] == "Silva"


# --- the pages -------------------------------------------------------------------------------------


def urls(activity, job) -> list[tuple[str, str, dict]]:
    form = reverse("events:import", args=[activity.pk])
    page = reverse("events:import_preview", args=[activity.pk, job.pk])
    return [
        ("get", form, {}),
        ("post", form, {"file": upload(csv_bytes()), "consent": "on"}),
        ("get", reverse("events:import_template", args=[activity.pk, "xlsx"]), {}),
        ("get", reverse("events:import_template", args=[activity.pk, "csv"]), {}),
        ("get", page, {}),
        ("post", page, {"action": "apply", "approve": "1"}),
        ("post", page, {"action": "discard"}),
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_officer", 404),
        ("focal_point", 404),
        ("other_focal_point", 404),
        ("participant", 404),
        ("expert", 404),
        ("partner", 404),
        ("anonymous", 302),  # to the sign-in page
    ],
)
def test_import_pages_are_for_organisers_only(client_as, activity, officer, persona, status):
    job = preview(activity, officer, csv_bytes())
    before = snapshot(activity)
    client = client_as(persona)
    for method, url, data in urls(activity, job):
        response = getattr(client, method)(url, data)
        assert response.status_code == status, (method, url)
        if status == 302:
            assert response["Location"].startswith(reverse("core:login"))
    assert snapshot(activity) == before


def test_an_import_of_another_activity_is_not_found(client_as, activity, officer, provider):
    other = ActivityFactory(provider=provider, created_by=officer)
    job = preview(other, officer, csv_bytes())
    client = client_as("officer")
    page = reverse("events:import_preview", args=[activity.pk, job.pk])
    assert client.get(page).status_code == 404
    assert client.post(page, {"action": "apply"}).status_code == 404
    assert reverse("events:import_template", args=[activity.pk, "pdf"])
    assert client.get(reverse("events:import_template", args=[activity.pk, "pdf"])).status_code == 404
    job.refresh_from_db()
    assert job.status == ParticipantImport.Status.PREVIEW


def test_the_whole_journey_through_the_pages(client_as, activity):
    client = client_as("officer")
    form_url = reverse("events:import", args=[activity.pk])

    page = client.get(form_url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'type="file"' in body and 'name="consent"' in body
    assert reverse("events:import_template", args=[activity.pk, "xlsx"]) in body

    template = client.get(reverse("events:import_template", args=[activity.pk, "xlsx"]))
    assert template.status_code == 200
    assert template["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert template["Content-Disposition"] == 'attachment; filename="participants.xlsx"'

    rows = [[*row, "extra"] for row in ROWS]
    response = client.post(
        form_url, {"file": upload(csv_bytes(rows, [*HEADER, "Remarks"])), "consent": "on"}, follow=True
    )
    job = ParticipantImport.objects.get()
    assert response.redirect_chain == [(reverse("events:import_preview", args=[activity.pk, job.pk]), 302)]
    body = response.content.decode()
    assert "Wanjiku" in body and "Fernández" in body and "New registration" in body
    assert "These columns were not recognised and are ignored: “Remarks”." in body
    assert '<th scope="col">' in body and "<caption>" in body
    assert 'value="apply"' in body

    response = client.post(
        reverse("events:import_preview", args=[activity.pk, job.pk]), {"action": "apply"}, follow=True
    )
    assert response.redirect_chain[0] == (reverse("events:participants", args=[activity.pk]), 302)
    assert (
        "The list was imported: 3 new registrations, 0 with corrected details, "
        "0 already registered and unchanged." in response.content.decode()
    )
    assert activity.participants.count() == 4

    again = client.post(reverse("events:import_preview", args=[activity.pk, job.pk]), {"action": "apply"})
    assert again.status_code == 409
    assert "cannot be applied again" in again.content.decode()
    assert activity.participants.count() == 4


def test_a_list_with_problems_shows_them_and_offers_no_import(client_as, activity, officer):
    rows = [ROWS[0], ["Ana", "Silva", "", "Tribunal", "Narnia", "judge", "", ""]]
    job = preview(activity, officer, csv_bytes(rows))
    body = (
        client_as("officer")
        .get(reverse("events:import_preview", args=[activity.pk, job.pk]))
        .content.decode()
    )
    assert "Problems to correct" in body
    assert '<th scope="row">3</th><td>Country</td>' in body
    assert "Narnia" in body
    assert 'value="apply"' not in body and 'value="discard"' in body


def test_discarding_through_the_page(client_as, activity, officer):
    job = preview(activity, officer, csv_bytes())
    response = client_as("officer").post(
        reverse("events:import_preview", args=[activity.pk, job.pk]), {"action": "discard"}, follow=True
    )
    assert "The list was discarded. Nothing was imported." in response.content.decode()
    job.refresh_from_db()
    assert job.status == ParticipantImport.Status.DISCARDED
    assert activity.participants.count() == 1


def test_a_refused_file_is_explained_next_to_the_file_field(client_as, activity):
    response = client_as("officer").post(
        reverse("events:import", args=[activity.pk]),
        {"file": upload(files.old_word_bytes(), "list.xls"), "consent": "on"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "older Excel file (.xls)" in body
    assert 'id="id_file_error"' in body
    assert 'aria-describedby="id_file_helptext id_file_error"' in body
    assert 'aria-invalid="true"' in body
    assert ParticipantImport.objects.count() == 0


def test_without_consent_the_form_is_refused(client_as, activity):
    response = client_as("officer").post(
        reverse("events:import", args=[activity.pk]), {"file": upload(csv_bytes())}
    )
    assert response.status_code == 400
    assert "only with the agreement of the people on it" in response.content.decode()
    assert ParticipantImport.objects.count() == 0


def test_the_preview_page_in_arabic(client_as, activity, officer):
    job = preview(activity, officer, csv_bytes(ARABIC_ROWS, ARABIC_HEADER))
    response = client_as("officer").get(
        reverse("events:import_preview", args=[activity.pk, job.pk]).replace("/en/", "/ar/")
    )
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
    assert "فاطمة" in response.content.decode()


def test_approving_through_the_page_says_who_got_a_seat(client_as, activity, officer):
    Activity.objects.filter(pk=activity.pk).update(capacity=2)
    job = preview(activity, officer, csv_bytes())
    response = client_as("officer").post(
        reverse("events:import_preview", args=[activity.pk, job.pk]),
        {"action": "apply", "approve": "1"},
        follow=True,
    )
    assert "1 new registration approved, 2 put on the waiting list." in response.content.decode()
    assert activity.participants.filter(status=Participant.Status.WAITLISTED).count() == 2


def test_an_unknown_action_changes_nothing(client_as, activity, officer):
    job = preview(activity, officer, csv_bytes())
    before = snapshot(activity)
    response = client_as("officer").post(
        reverse("events:import_preview", args=[activity.pk, job.pk]), {"action": "delete"}
    )
    assert response.status_code == 400
    assert "Choose whether to import the list or to discard it." in response.content.decode()
    assert snapshot(activity) == before
