"""Upload inspection and text extraction, on real and hostile files built in tests/casework/files.py."""

import codecs
import contextlib
import hashlib
import io
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ipassist.casework.uploads import (
    CONTENT_TYPES,
    MAX_NAME_CHARS,
    Extracted,
    UploadRejected,
    extract_text,
    inspect_upload,
    safe_filename,
)
from tests.casework import files

MB = files.MB
LIMIT = 25 * MB

NOT_ACCEPTED = "is not a PDF, Word (DOCX), OpenDocument text (ODT) or plain-text file"
DAMAGED = "This file is damaged or incomplete and cannot be read."
PDF_PASSWORD = "This PDF is protected by a password. Remove the protection and upload it again."
DOCUMENT_PASSWORD = "This document is protected by a password. Remove the protection and upload it again."
BOMB = "it is refused as a possible archive bomb"
UNSAFE = "This archive contains parts with unsafe or duplicate names: it is refused as malformed."
MACROS = "This document contains macros."
ENCODING = "The text file is not in a recognised character encoding. Save it as UTF-8 and upload it again."


def inspect(data: bytes, name: str = "upload", **limits):
    limits.setdefault("max_bytes", LIMIT)
    return inspect_upload(io.BytesIO(data), name, **limits)


def rejection(data: bytes, name: str = "upload", **limits) -> str:
    with pytest.raises(UploadRejected) as caught:
        inspect(data, name, **limits)
    assert str(caught.value) == caught.value.message
    return caught.value.message


def extract(data: bytes, kind: str, **limits) -> Extracted:
    return extract_text(io.BytesIO(data), kind, **limits)


def extraction_error(data: bytes, kind: str, **limits) -> str:
    with pytest.raises(UploadRejected) as caught:
        extract(data, kind, **limits)
    return caught.value.message


class CountingReader(io.BytesIO):
    """A file without a ``size`` attribute that records how many bytes were read."""

    bytes_read = 0

    def read(self, n=-1):
        data = super().read(n)
        self.bytes_read += len(data)
        return data


# --- Type detection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "name", "kind", "safe_name"),
    [
        (files.pdf_bytes, "law.pdf", "pdf", "law.pdf"),
        (files.pdf_bytes, "notes.txt", "pdf", "notes.pdf"),
        (files.docx_bytes, "law.pdf", "docx", "law.docx"),
        (files.docx_bytes, "Draft law", "docx", "Draft law.docx"),
        (files.odt_bytes, "draft.docx", "odt", "draft.odt"),
        (files.text_bytes, "scan.pdf", "txt", "scan.txt"),
    ],
)
def test_type_comes_from_the_bytes_not_the_name(build, name, kind, safe_name):
    data = build()
    result = inspect(data, name)
    assert result.kind == kind
    assert result.content_type == CONTENT_TYPES[kind]
    assert result.safe_name == safe_name
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_pdf_header_after_leading_junk_is_accepted():
    assert inspect(b"junk before the header\r\n" + files.pdf_bytes()).kind == "pdf"


def test_django_uploaded_file_is_inspected_and_left_at_the_start():
    data = files.docx_bytes()
    upload = SimpleUploadedFile("law.docx", data, content_type="application/pdf")  # the client lies
    result = inspect_upload(upload, upload.name, max_bytes=LIMIT)
    assert (result.kind, result.size) == ("docx", len(data))
    assert upload.tell() == 0


@pytest.mark.parametrize("data", [files.pdf_bytes(), files.exe_bytes()], ids=["accepted", "rejected"])
def test_file_position_is_back_at_zero(data):
    fileobj = io.BytesIO(data)
    fileobj.seek(17)
    with contextlib.suppress(UploadRejected):
        inspect_upload(fileobj, "x", max_bytes=LIMIT)
    assert fileobj.tell() == 0


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (files.exe_bytes, "law.pdf"),
        (files.png_bytes, "notes.txt"),
        (files.gif_bytes, "notes.txt"),
        (lambda: b"MZ" + b"looks like text but has an executable header", "readme.txt"),
        (lambda: b"\x7fELF" + b"\x02\x01\x01" + bytes(60), "law.pdf"),
        (lambda: b"{\\rtf1\\ansi Draft law}", "law.rtf"),
        (files.random_blob, "law.txt"),
        (lambda: files.random_blob(without_nul=True), "law.txt"),
        (lambda: b"Draft\x01\x02\x03\x04 law", "law.txt"),
        (files.xlsx_like_zip, "law.docx"),
        (files.ods_like_zip, "law.odt"),
        (files.plain_zip, "law.docx"),
    ],
    ids=[
        "exe",
        "png",
        "gif",
        "mz-prefix",
        "elf",
        "rtf",
        "random",
        "random-without-nul",
        "control-chars",
        "xlsx",
        "ods",
        "plain-zip",
    ],
)
def test_other_formats_are_not_accepted(build, name):
    assert NOT_ACCEPTED in rejection(build(), name)


def test_legacy_office_file_gets_its_own_advice():
    assert "older Microsoft Office format" in rejection(files.old_word_bytes(), "law.doc")


# --- Size -----------------------------------------------------------------------------------------


def test_empty_file_is_rejected():
    assert rejection(b"") == "This file is empty."


def test_file_over_the_limit_is_rejected_with_the_limit_named():
    message = rejection(files.text_bytes("x" * (MB + 1)), max_bytes=MB)
    assert message.startswith("This file is larger than the limit of 1 MB.")


def test_file_exactly_at_the_limit_is_accepted():
    assert inspect(b"x" * 1000, max_bytes=1000).size == 1000


def test_declared_size_is_trusted_for_an_early_refusal():
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4 small")
    upload.size = 30 * MB  # what Django reports from the upload handler
    with pytest.raises(UploadRejected, match="larger than the limit"):
        inspect_upload(upload, upload.name, max_bytes=LIMIT)


def test_without_a_size_attribute_reading_stops_just_past_the_limit():
    stream = CountingReader(bytes(5 * MB))
    with pytest.raises(UploadRejected, match="larger than the limit"):
        inspect_upload(stream, "big.txt", max_bytes=1000)
    assert stream.bytes_read <= 1001


# --- Archives -------------------------------------------------------------------------------------


def test_compression_ratio_bomb_is_rejected():
    assert "compressed to an abnormal degree" in rejection(files.zip_bomb(), "law.docx")


def test_declared_total_size_bomb_is_rejected():
    message = rejection(files.zip_declaring_huge_size(), "law.docx")
    assert message == "This archive expands to more than 100 MB: it is refused as a possible archive bomb."


def test_unzipped_limit_applies_to_an_ordinary_document():
    assert "expands to more than" in rejection(files.docx_bytes(), "law.docx", max_unzipped_bytes=10_000)


def test_too_many_entries_are_rejected():
    message = rejection(files.many_entries_zip(1001), "law.docx")
    assert message == "This archive contains more than 1000 parts: it is refused as a possible archive bomb."


def test_entry_limit_is_configurable():
    assert BOMB in rejection(files.many_entries_zip(20), "law.docx", max_entries=10)
    assert inspect(files.many_entries_zip(20), "law.docx", max_entries=20).kind == "docx"


def test_too_many_entries_are_found_even_when_the_end_record_lies():
    assert BOMB in rejection(files.zip_understating_entry_count(1001), "law.docx")


@pytest.mark.parametrize(
    "entry", ["../../evil.sh", "word/../../evil", "/etc/passwd", "C:/Windows/evil.dll", "..\\evil.bat"]
)
def test_entries_with_unsafe_paths_are_rejected(entry):
    assert rejection(files.zip_with_entry(entry), "law.docx") == UNSAFE


def test_duplicate_entries_are_rejected():
    assert rejection(files.zip_with_duplicate_entry(), "law.docx") == UNSAFE


def test_encrypted_zip_entry_is_rejected_as_password_protected():
    assert rejection(files.zip_with_encrypted_entry(), "law.docx") == DOCUMENT_PASSWORD


def test_encrypted_odt_is_rejected_as_password_protected():
    assert rejection(files.odt_bytes(encrypted=True), "law.odt") == DOCUMENT_PASSWORD


def test_macro_documents_are_rejected():
    assert MACROS in rejection(files.docm_bytes(), "law.docx")
    assert MACROS in rejection(files.docm_bytes(with_vba_project=False), "law.docx")
    odt_with_basic = files.odt_bytes(extra={"Basic/Standard/Module1.xml": b"<script/>"})
    assert MACROS in rejection(odt_with_basic, "law.odt")


def test_truncated_zip_is_damaged():
    assert rejection(files.truncated_zip(), "law.docx").startswith(DAMAGED)


# --- PDF ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [files.encrypted_pdf, lambda: files.encrypted_pdf(user_password=""), files.aes256_encrypted_pdf],
    ids=["rc4", "empty-user-password", "aes256"],
)
def test_encrypted_pdf_is_rejected_with_the_password_message(build):
    assert rejection(build(), "law.pdf") == PDF_PASSWORD


@pytest.mark.parametrize("build", [files.truncated_pdf, files.garbage_pdf, files.pdf_without_pages])
def test_broken_pdf_is_damaged(build):
    assert rejection(build(), "law.pdf").startswith(DAMAGED)


# --- Text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "charset"),
    [
        (files.text_bytes(encoding="utf-8"), "utf-8"),
        (files.text_bytes(encoding="utf-8-sig"), "utf-8"),
        (files.text_bytes(encoding="utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + files.FRENCH.encode("utf-16-be"), "utf-16"),
        (files.text_bytes(encoding="utf-32"), "utf-32"),
        (files.text_bytes(encoding="cp1252"), "windows-1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32-bom", "windows-1252"],
)
def test_text_encodings_are_detected_and_decoded(data, charset):
    result = inspect(data, "loi.txt")
    assert (result.kind, result.content_type) == ("txt", f"text/plain; charset={charset}")
    assert extract(data, "txt").text == files.FRENCH.strip()


@pytest.mark.parametrize(
    ("text", "encoding", "charset"),
    [
        ("مشروع قانون بشأن حماية الملكية الفكرية ومكافحة التقليد", "cp1256", "windows-1256"),
        ("Проект закона об охране авторского права и смежных прав", "cp1251", "windows-1251"),  # noqa: RUF001 — Cyrillic on purpose
        ("知识产权保护法草案，第一条：为了保护知识产权", "gb18030", "gb18030"),  # noqa: RUF001 — Chinese punctuation
    ],
)
def test_legacy_encodings_of_other_scripts(text, encoding, charset):
    data = text.encode(encoding)
    assert inspect(data).content_type == f"text/plain; charset={charset}"
    assert extract(data, "txt").text == text


def test_html_and_script_are_just_text():
    data = b"<html><script>alert(document.cookie)</script></html>\n"
    assert inspect(data, "page.html").kind == "txt"


def test_undecodable_text_is_rejected_with_the_encoding_message():
    assert rejection(codecs.BOM_UTF16_LE + "Draft".encode("utf-16-le") + b"\x00\xd8") == ENCODING


# --- File names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("../../etc/passwd", "txt", "passwd.txt"),
        ("..\\..\\win.ini", "txt", "win.txt"),
        ("/abs/path/x.pdf", "pdf", "x.pdf"),
        ("C:\\Users\\a\\Desktop\\loi.odt", "odt", "loi.odt"),
        ("invoice\u202egpj.pdf", "pdf", "invoicegpj.pdf"),
        ("\u200fمشروع قانون.pdf", "pdf", "مشروع قانون.pdf"),
        ("مشروع قانون.pdf", "pdf", "مشروع قانون.pdf"),
        ("著作权法 草案.docx", "docx", "著作权法 草案.docx"),
        ("Prope\u0301te\u0301 intellectuelle.odt", "odt", "Propété intellectuelle.odt"),
        ("Projet de loi.PDF", "pdf", "Projet de loi.PDF"),
        ("law.pdf", "docx", "law.docx"),
        ("invoice.pdf.exe", "pdf", "invoice.pdf.pdf"),
        ("Loi n° 12 du 3 mai", "pdf", "Loi n° 12 du 3 mai.pdf"),
        ("draft", "docx", "draft.docx"),
        ("  a\tb\n  c.txt", "txt", "a b c.txt"),
        ("report\x00\x1b[31m.txt", "txt", "report[31m.txt"),
        ('what?<>:"|*.pdf', "pdf", "what_______.pdf"),
        ("...hidden.txt", "txt", "hidden.txt"),
        ("name. . .pdf", "pdf", "name.pdf"),
        (".pdf", "pdf", "document.pdf"),
        ("..", "odt", "document.odt"),
        ("", "pdf", "document.pdf"),
        ("\u202e\u200b", "txt", "document.txt"),
    ],
)
def test_safe_filename(name, kind, expected):
    assert safe_filename(name, kind) == expected


@pytest.mark.parametrize(("stem", "kind"), [("a" * 500, "pdf"), ("é" * 300, "docx"), ("word " * 100, "odt")])
def test_long_names_are_capped_keeping_the_extension(stem, kind):
    result = safe_filename(stem + ".pdf", kind)
    assert len(result) <= MAX_NAME_CHARS
    assert result.endswith("." + kind)
    assert result.startswith(stem[:50])
    assert not result[: -len(kind) - 1].endswith((" ", "."))


def test_safe_filename_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        safe_filename("x.exe", "exe")


# --- Extraction: PDF ------------------------------------------------------------------------------


def test_pdf_text_is_extracted():
    text = "Loi sur la propriété intellectuelle (projet)\nArticle 1 – contrefaçon \\ piraterie"  # noqa: RUF001
    result = extract(files.pdf_bytes(text), "pdf")
    assert result == Extracted(text=text, has_text_layer=True)


def test_pdf_pages_are_separated_by_a_blank_line():
    assert extract(files.pdf_bytes("Page text", pages=3), "pdf").text == "Page text\n\nPage text\n\nPage text"


def test_pdf_without_text_has_no_text_layer():
    assert extract(files.pdf_without_text(), "pdf") == Extracted(text="", has_text_layer=False)


def test_scan_with_only_page_numbers_has_no_text_layer():
    result = extract(files.pdf_with_page_numbers_only(30), "pdf")
    assert result.text.startswith("1\n\n2\n\n3")
    assert result.has_text_layer is False


def test_pdf_extraction_refuses_encrypted_and_broken_files():
    assert extraction_error(files.encrypted_pdf(), "pdf") == PDF_PASSWORD
    assert extraction_error(files.garbage_pdf(), "pdf").startswith(DAMAGED)


def test_pdf_text_is_capped_at_max_chars():
    result = extract(files.pdf_bytes("x" * 80, pages=10), "pdf", max_chars=100)
    assert result.text == "x" * 80 + "\n\n" + "x" * 18


# --- Extraction: DOCX -----------------------------------------------------------------------------


def test_docx_paragraphs_and_table_cells_in_document_order():
    data = files.docx_bytes(
        ["Draft law", "مادة 1: التقليد"],
        table=[["Title spanning", "ignored"], ["Article", "Penalty"]],
        merge_first_row=True,
        closing="Done in Geneva",
    )
    expected = "Draft law\nمادة 1: التقليد\nTitle spanning\nArticle\nPenalty\nDone in Geneva"  # noqa: RUF001
    assert extract(data, "docx") == Extracted(text=expected, has_text_layer=True)


def test_empty_docx_has_no_text_layer():
    assert extract(files.docx_bytes([]), "docx") == Extracted(text="", has_text_layer=False)


def test_docx_extraction_repeats_the_archive_checks():
    # Extraction runs in a background task and must be safe even if inspection was skipped.
    assert BOMB in extraction_error(files.zip_declaring_huge_size(), "docx")
    assert BOMB in extraction_error(files.docx_bytes(), "docx", max_unzipped_bytes=10_000)
    assert extraction_error(files.zip_with_entry("../evil"), "docx") == UNSAFE


def test_macro_enabled_docx_fails_extraction():
    assert extraction_error(files.docm_bytes(), "docx").startswith(DAMAGED)


def test_pdf_given_as_docx_fails_extraction():
    assert extraction_error(files.pdf_bytes(), "docx").startswith(DAMAGED)


# --- Extraction: ODT ------------------------------------------------------------------------------


def test_odt_paragraphs_headings_spans_and_spacing():
    body = (
        "<text:h>Chapter <text:span>I</text:span></text:h>"
        "<text:p>Article<text:s text:c='3'/>1<text:tab/>"
        "<text:span>counterfeit <text:span>goods</text:span></text:span>"
        "<text:line-break/>are <text:a>seized</text:a>.</text:p>"
        "<text:list><text:list-item><text:p>first item</text:p></text:list-item></text:list>"
        "<table:table><table:table-row><table:table-cell><text:p>cell</text:p></table:table-cell>"
        "</table:table-row></table:table>"
        "<text:p>kept<office:annotation><text:p>a reviewer's comment</text:p></office:annotation>"
        " tail</text:p>"
    )
    result = extract(files.odt_bytes(body=body), "odt")
    expected = "Chapter I\nArticle   1\tcounterfeit goods\nare seized.\nfirst item\ncell\nkept tail"
    assert result.text == expected
    assert result.has_text_layer is True


def test_odt_tracked_deletions_are_not_text():
    body = (
        "<text:tracked-changes><text:changed-region text:id='c1'><text:deletion>"
        "<text:p>secret deleted wording</text:p></text:deletion></text:changed-region></text:tracked-changes>"
        "<text:p>Final wording</text:p>"
    )
    assert extract(files.odt_bytes(body=body), "odt").text == "Final wording"


def test_odt_space_count_is_bounded():
    body = "<text:p>a<text:s text:c='1000000000'/>b</text:p>"
    text = extract(files.odt_bytes(body=body), "odt").text
    assert text.startswith("a ") and text.endswith(" b")
    assert len(text) <= 1002


def test_odt_entity_expansion_does_not_expand():
    try:
        result = extract(files.odt_billion_laughs(), "odt")
    except UploadRejected as rejected:  # libxml2 refuses the amplification outright
        assert rejected.message.startswith(DAMAGED)
    else:
        assert "lol" not in result.text
        assert len(result.text) < 100


def test_odt_external_entity_is_not_resolved():
    try:
        result = extract(files.odt_external_entity(), "odt")
    except UploadRejected as rejected:
        assert rejected.message.startswith(DAMAGED)
    else:
        assert "root" not in result.text
        assert result.text.startswith("Before") and result.text.endswith("after")


def test_odt_internal_entity_is_not_expanded():
    text = extract(files.odt_internal_entity(), "odt").text
    assert "INJECTED" not in text
    assert text.startswith("Made by") and text.endswith("here")


def test_odt_whose_content_is_bigger_than_declared_is_refused():
    assert inspect(files.odt_with_understated_size(), "law.odt").kind == "odt"  # sizes look harmless
    assert extraction_error(files.odt_with_understated_size(), "odt").startswith(DAMAGED)


def test_odt_extraction_repeats_the_archive_checks():
    assert BOMB in extraction_error(files.odt_bytes(), "odt", max_unzipped_bytes=100)


def test_odt_with_malformed_xml_is_damaged():
    broken = files.odt_bytes(content=b"<office:document-content><text:p>unclosed")
    assert extraction_error(broken, "odt").startswith(DAMAGED)


# --- Extraction: text and normalisation --------------------------------------------------------


def test_text_is_nfc_normalised_and_nul_free():
    text = "Prope\u0301te\u0301 intellectuelle\x00 " + "contrefaçon " * 20
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")  # NUL is allowed only in UTF-16 with a BOM
    result = extract(data, "txt")
    assert result.text.startswith("Propété intellectuelle contrefaçon")
    assert "\x00" not in result.text
    assert unicodedata.is_normalized("NFC", result.text)


def test_text_is_capped_at_max_chars():
    assert extract(b"abc" * 1000, "txt", max_chars=100).text == ("abc" * 34)[:100]


def test_whitespace_only_text_has_no_text_layer():
    assert extract(b" \n\t\n", "txt") == Extracted(text="", has_text_layer=False)


def test_extraction_leaves_the_file_at_the_start():
    fileobj = io.BytesIO(files.docx_bytes())
    extract_text(fileobj, "docx")
    assert fileobj.tell() == 0


def test_extraction_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        extract(b"text", "exe")
