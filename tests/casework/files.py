"""Sample and hostile upload files, built in memory.

Shared by the upload tests and the document view tests. Every builder returns ``bytes``; wrap
them in ``io.BytesIO`` or ``SimpleUploadedFile`` as needed. Nothing here touches the disk.
"""

import io
import random
import struct
import warnings
import zipfile
import zlib
from collections.abc import Sequence

from docx import Document
from pypdf import PdfReader, PdfWriter

MB = 1024 * 1024

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


# --- PDF -----------------------------------------------------------------------------------------


def _pdf_string(line: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252), escaped so that any text is safe inside ( )."""
    out = bytearray(b"(")
    for byte in line.encode("cp1252"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += b"\\%03o" % byte
    return bytes(out + b")")


def _assemble_pdf(objects: list[bytes], *, trailer_extra: bytes = b"") -> bytes:
    """Number the objects 1..n, compute the xref offsets and write a complete PDF 1.4 file."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _pdf_with_pages(
    contents: list[bytes], *, trailer_extra: bytes = b"", extra: Sequence[bytes] = ()
) -> bytes:
    """A PDF with one page per content stream, all using Helvetica (WinAnsi) as /F1."""
    n = len(contents)
    page_numbers = [4 + 2 * i for i in range(n)]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % p for p in page_numbers), n),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, content in enumerate(contents):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_numbers[i] + 1)
        )
        objects.append(_stream(content))
    return _assemble_pdf(objects + list(extra), trailer_extra=trailer_extra)


def _text_content(text: str) -> bytes:
    lines = text.split("\n")
    ops = [b"BT /F1 12 Tf 14 TL 72 720 Td"]
    for i, line in enumerate(lines):
        ops.append((b"T* " if i else b"") + _pdf_string(line) + b" Tj")
    ops.append(b"ET")
    return b"\n".join(ops)


def pdf_bytes(
    text: str = "Draft law on the enforcement of intellectual property rights.", pages: int = 1
) -> bytes:
    """A text PDF; each page shows ``text`` (lines split on newlines; cp1252 characters only)."""
    return _pdf_with_pages([_text_content(text)] * pages)


def pdf_without_text(pages: int = 2) -> bytes:
    """Pages with only graphics, as a scanned document without OCR: no text layer."""
    return _pdf_with_pages([b"0.5 g 72 300 468 400 re f"] * pages)


def pdf_with_page_numbers_only(pages: int = 30) -> bytes:
    """A scan whose only text is a page number on each page: too little to count as text."""
    return _pdf_with_pages([_text_content(str(i + 1)) for i in range(pages)])


def encrypted_pdf(user_password: str = "secret") -> bytes:  # noqa: S107 (a fixture)
    """A text PDF encrypted by pypdf (RC4, which pypdf handles without extra libraries)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes("Confidential draft"))))
    writer.encrypt(user_password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def aes256_encrypted_pdf() -> bytes:
    """A PDF that declares AES-256 (R6) encryption, as Acrobat writes; the keys are dummies.

    pypdf needs the ``cryptography`` package for AES and raises an error instead of reporting
    "encrypted" when it is missing: the upload check must still say "password".
    """
    encrypt = (
        b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -4 /O <%s> /U <%s> /OE <%s> /UE <%s> /Perms <%s> >>"
    )
    encrypt %= (b"11" * 48, b"22" * 48, b"33" * 32, b"44" * 32, b"55" * 16)
    n_objects = 3 + 2  # catalog, pages, font, one page and its content
    return _pdf_with_pages(
        [_text_content("Secret")],
        extra=[encrypt],
        trailer_extra=b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (n_objects + 1, b"ab" * 16, b"ab" * 16),
    )


def pdf_without_pages() -> bytes:
    return _assemble_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def truncated_pdf() -> bytes:
    """The first 60 bytes of a PDF: the header is there, the rest was lost in transfer."""
    return pdf_bytes()[:60]


def garbage_pdf() -> bytes:
    return b"%PDF-1.7\n" + random.Random(7).randbytes(2000)


# --- ZIP-based formats -----------------------------------------------------------------------


def docx_bytes(
    paragraphs: Sequence[str] = ("Draft law", "Article 1. Counterfeit goods shall be seized."),
    table: Sequence[Sequence[str]] = (),
    *,
    merge_first_row: bool = False,
    closing: str = "",
) -> bytes:
    """A real DOCX written by python-docx: the paragraphs, an optional table (its first row
    merged into one cell if asked, keeping the first value), then an optional closing paragraph."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        if merge_first_row:
            merged = grid.cell(0, 0).merge(grid.cell(0, len(table[0]) - 1))
            merged.text = table[0][0]
    if closing:
        document.add_paragraph(closing)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _odt_content(body: str, *, doctype: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + doctype
        + '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    ).encode()


def odt_bytes(
    text: str = "Draft law on geographical indications",
    *,
    body: str | None = None,
    content: bytes | None = None,
    mimetype: str = ODT_MIMETYPE,
    encrypted: bool = False,
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """An ODT as LibreOffice lays it out: ``mimetype`` first and stored, then manifest and content.

    ``text`` becomes one paragraph per line; ``body`` replaces it with raw ODF XML (inside
    office:text); ``content`` replaces the whole content.xml.
    """
    if content is None:
        if body is None:
            body = "".join(f"<text:p>{line}</text:p>" for line in text.split("\n"))
        content = _odt_content(body)
    entry = (
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">'
        '<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA"/>'
        "</manifest:file-entry>"
        if encrypted
        else '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>{entry}'
        "</manifest:manifest>"
    ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # ZipInfo defaults to stored
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in (extra or {}).items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def odt_billion_laughs() -> bytes:
    """content.xml with the classic entity-expansion payload (10**9 "lol"s if expanded)."""
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    ]
    doctype = "<!DOCTYPE office:document-content [" + "".join(entities) + "]>\n"
    return odt_bytes(content=_odt_content("<text:p>Start &lol9; end</text:p>", doctype=doctype))


def odt_internal_entity() -> bytes:
    """A small, harmless-looking internal entity: still not expanded (no DTD processing at all)."""
    doctype = '<!DOCTYPE office:document-content [<!ENTITY who "INJECTED">]>\n'
    return odt_bytes(content=_odt_content("<text:p>Made by &who; here</text:p>", doctype=doctype))


def odt_external_entity() -> bytes:
    """content.xml that tries to pull a local file in through an external entity (XXE)."""
    doctype = '<!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    return odt_bytes(content=_odt_content("<text:p>Before &xxe; after</text:p>", doctype=doctype))


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def xlsx_like_zip() -> bytes:
    """The skeleton of a spreadsheet: an OOXML package without word/document.xml."""
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "xl/workbook.xml": b"<workbook/>",
        }
    )


def ods_like_zip() -> bytes:
    """An OpenDocument spreadsheet: ODF layout, but the wrong mimetype."""
    return odt_bytes(mimetype="application/vnd.oasis.opendocument.spreadsheet")


def plain_zip() -> bytes:
    return _zip({"readme.txt": b"hello", "data/report.pdf": pdf_bytes()})


def docm_bytes(*, with_vba_project: bool = True) -> bytes:
    """A macro-enabled Word document: the main part's content type says so, plus a VBA project."""
    source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
                )
            zf.writestr(info.filename, data)
        if with_vba_project:
            zf.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(100))
    return out.getvalue()


def zip_bomb(size: int = 20 * MB) -> bytes:
    """One entry of ``size`` zero bytes, deflated to about 1/1000: written in chunks, never held."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        with zf.open("word/document.xml", "w") as entry:
            chunk = bytes(MB)
            for _ in range(size // MB):
                entry.write(chunk)
    return out.getvalue()


def _patch_headers(data: bytes, name: str, *, declared_size: int | None = None, set_flags: int = 0) -> bytes:
    """Rewrite fields of ``name`` in its local and central headers, as a hostile tool would:
    the uncompressed size, and bits of the general-purpose flags (zipfile resets them itself)."""
    raw = bytearray(data)
    encoded = name.encode()
    # signature, offset of flags, of uncompressed size, of name length, of name
    for signature, flags_at, size_at, name_len_at, name_at in (
        (b"PK\x03\x04", 6, 22, 26, 30),
        (b"PK\x01\x02", 8, 24, 28, 46),
    ):
        pos = raw.find(signature)
        while pos >= 0:
            (name_len,) = struct.unpack_from("<H", raw, pos + name_len_at)
            if bytes(raw[pos + name_at : pos + name_at + name_len]) == encoded:
                if declared_size is not None:
                    struct.pack_into("<L", raw, pos + size_at, declared_size)
                (flags,) = struct.unpack_from("<H", raw, pos + flags_at)
                struct.pack_into("<H", raw, pos + flags_at, flags | set_flags)
            pos = raw.find(signature, pos + 4)
    return bytes(raw)


def zip_declaring_huge_size() -> bytes:
    """A DOCX-shaped zip whose document.xml claims to unpack to 4 GB (declared, not real)."""
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    return _patch_headers(data, "word/document.xml", declared_size=0xFFFFFFF0)


def odt_with_understated_size() -> bytes:
    """An ODT whose content.xml declares 100 bytes but really unpacks to much more."""
    data = odt_bytes(body="<text:p>" + "x" * 50_000 + "</text:p>")
    return _patch_headers(data, "content.xml", declared_size=100)


def many_entries_zip(count: int = 1001) -> bytes:
    entries = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    entries.update({f"word/media/image{i}.bin": b"" for i in range(count - len(entries))})
    return _zip(entries, zipfile.ZIP_STORED)


def zip_with_entry(name: str) -> bytes:
    """A DOCX-shaped zip with one extra entry named ``name`` (e.g. "../../evil")."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("word/document.xml", b"<w:document/>")
        zf.writestr(zipfile.ZipInfo(name), b"payload")  # ZipInfo keeps the name as given
    return out.getvalue()


def zip_with_encrypted_entry() -> bytes:
    """A DOCX-shaped zip whose document entry has the "encrypted" flag (bit 0) set."""
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\x8a\x91ciphertext"})
    return _patch_headers(data, "word/document.xml", set_flags=0x1)


def zip_with_duplicate_entry() -> bytes:
    """Two word/document.xml entries: readers disagree on which one counts (a smuggling trick)."""
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w") as zf:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate, which is the point
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("word/document.xml", b"<w:document/>")
        zf.writestr("word/document.xml", b"<w:document>other</w:document>")
    return out.getvalue()


def zip_understating_entry_count(count: int = 1001) -> bytes:
    """Too many entries, while the end record claims there is just one."""
    raw = bytearray(many_entries_zip(count))
    end = raw.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", raw, end + 8, 1, 1)
    return bytes(raw)


def truncated_zip() -> bytes:
    """A DOCX cut in half: the central directory at the end is missing."""
    data = docx_bytes()
    return data[: len(data) // 2]


# --- Other binaries ------------------------------------------------------------------------------


def exe_bytes() -> bytes:
    """The start of a Windows PE executable: DOS header, DOS stub, PE signature."""
    dos_header = (
        b"MZ"
        + b"\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + bytes(44)
        + struct.pack("<L", 64)
    )
    stub = b"This program cannot be run in DOS mode.\r\r\n$".ljust(64, b"\x00")
    return dos_header + stub + b"PE\x00\x00" + bytes(200)


def png_bytes() -> bytes:
    """A valid 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))

    header = struct.pack(">LLBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def gif_bytes() -> bytes:
    """A 1x1 GIF: its magic is plain ASCII, so only the magic check tells it from text."""
    return (
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00"
        b"!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )


def old_word_bytes() -> bytes:
    """The OLE2 compound-file signature: legacy .doc/.xls, and also password-protected DOCX."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)


def random_blob(size: int = 4096, *, without_nul: bool = False) -> bytes:
    data = random.Random(42).randbytes(size)
    return data.replace(b"\x00", b"\x01") if without_nul else data


# --- Text ----------------------------------------------------------------------------------------

FRENCH = (
    "Propriété intellectuelle … contrefaçon.\n"
    "Article 3 : les marchandises soupçonnées de porter atteinte à un droit de propriété "
    "intellectuelle sont retenues par l\u2019administration des douanes.\n"
)


def text_bytes(text: str = FRENCH, encoding: str = "utf-8") -> bytes:
    """``text`` encoded as given; "utf-16" and "utf-8-sig" write a BOM, as Notepad does."""
    return text.encode(encoding)
