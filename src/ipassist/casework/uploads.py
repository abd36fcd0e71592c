"""Checking and reading the documents that member states upload to a request.

Two steps, at two moments:

* ``inspect_upload`` runs in the upload request. It decides the type from the bytes (never
  from the name or the declared content type), refuses what we cannot or should not keep, and
  returns what the caller stores: kind, content type, a safe display name, size and SHA-256.
* ``extract_text`` runs later in a background task. It repeats the archive checks it relies
  on, so that it is safe on its own, and returns bounded, normalised text.

Both refuse with ``UploadRejected``, whose message is a translated sentence shown to the user.

Threats handled: disguised executables and images, archive bombs (by declared sizes, by
compression ratio, by entry count, and by capping bytes actually read where we read ourselves),
path tricks inside archives, password protection we could not read anyway, macros, XML entity
expansion and external entities, hostile file names (paths, bidi overrides, control characters).
Not handled here: CPU time inside pypdf on a hostile PDF; run extraction under a task timeout.
"""

import codecs
import hashlib
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

import docx
from charset_normalizer import from_bytes
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from pypdf import PdfReader
from pypdf.errors import DependencyError

MB = 1024 * 1024

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "txt": "text/plain; charset=utf-8",  # inspect_upload declares the charset it detected
}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "odt": ".odt", "txt": ".txt"}

DEFAULT_MAX_UNZIPPED_BYTES = 100 * MB
DEFAULT_MAX_ENTRIES = 1000
DEFAULT_MAX_CHARS = 5_000_000
MAX_NAME_CHARS = 150

_CHUNK = 1 * MB
_HEAD = 1024  # PDF readers accept a header anywhere in the first kilobyte
_MAX_RATIO = 200  # deflate reaches ~1000:1 on zeros; real documents stay well under 100:1
_RATIO_MIN_SIZE = 1 * MB  # tiny XML parts can compress very well and are harmless
_SMALL_PART_CAP = 1 * MB  # [Content_Types].xml and manifest.xml, read only to look for a word
_CONTROL_RATIO = 0.01
# A PDF with fewer alphanumerics than this is treated as scanned (no usable text layer). Per
# page as well as in total, so that page numbers stamped on a 30-page scan do not count as text.
_MIN_ALNUM_TOTAL = 20
_MIN_ALNUM_PER_PAGE = 10

_ZIP_MAGIC = b"PK\x03\x04"
_PDF_MAGIC = b"%PDF-"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Formats that are plainly not text. Most binaries are also caught by NUL and control bytes;
# these are listed because their first bytes are printable (MZ, GIF8, {\rtf) or to be explicit.
_BINARY_MAGICS = (
    b"MZ",  # Windows executable (PE) or DOS program
    b"\x7fELF",
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary, Java class
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"RIFF",  # WebP, WAV, AVI
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"\x28\xb5\x2f\xfd",  # zstd
    b"PK",  # empty or spanned zip
    b"{\\rtf",  # RTF is text on the wire but unreadable as such; ask for DOCX or PDF
)
_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The legacy encodings that office software writes, which charset-normalizer chooses among. Left
# to try every codec it guesses EBCDIC, Mac Cyrillic or BOM-less UTF-16 for short Latin or
# Cyrillic text. Short text is still a guess (cp1250 and cp1252 often both fit); UTF-8 and
# files with a BOM are recognised exactly and never guessed.
_LEGACY_ENCODINGS = [
    "cp1252",  # Western European, the Americas, Africa
    "cp1250",  # Central European
    "cp1251",  # Cyrillic
    "koi8_r",
    "koi8_u",
    "cp1253",  # Greek
    "cp1254",  # Turkish
    "cp1255",  # Hebrew
    "cp1256",  # Arabic
    "cp1257",  # Baltic
    "cp1258",  # Vietnamese
    "cp874",  # Thai
    "gb18030",  # Simplified Chinese (superset of GBK and GB2312)
    "big5",  # Traditional Chinese
    "cp932",  # Japanese (Windows Shift_JIS)
    "euc_jp",
    "iso2022_jp",
    "cp949",  # Korean (superset of EUC-KR)
]
_CHARSET_LABELS = {"cp932": "shift_jis", "cp949": "euc-kr", "iso2022_jp": "iso-2022-jp"}
# C0 control bytes, less \t \n \f \r and ESC (ISO-2022 encodings use ESC): rare in real text.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # category Cc less \t\n\f\r
_SURROGATES = re.compile("[\ud800-\udfff]")
_NAME_REMOVED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}
_NAME_RESERVED = re.compile(r'[<>:"|?*]')  # not allowed in Windows file names
_NAME_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
_DRIVE = re.compile(r"^[A-Za-z]:")

_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODT_BLOCKS = {f"{{{_TEXT_NS}}}p", f"{{{_TEXT_NS}}}h"}
_ODT_SPACE = f"{{{_TEXT_NS}}}s"
_ODT_SPACE_COUNT = f"{{{_TEXT_NS}}}c"
_ODT_TAB = f"{{{_TEXT_NS}}}tab"
_ODT_LINE_BREAK = f"{{{_TEXT_NS}}}line-break"
# Reviewers' comments and deleted text kept for change tracking are not the document's text.
_ODT_SKIPPED = {
    "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}annotation",
    f"{{{_TEXT_NS}}}tracked-changes",
}
_ODT_MAX_SPACES = 1000  # text:s c="1000000000" must not allocate a gigabyte


class UploadRejected(Exception):
    """A file we refuse, or cannot read; ``message`` is translated and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Inspected:
    kind: str  # "pdf" | "docx" | "odt" | "txt"
    content_type: str  # for txt, "text/plain; charset=<the file's own encoding>"
    safe_name: str
    size: int
    sha256: str

    def document_fields(self) -> dict:
        """The fields a stored document keeps of the inspection."""
        return {
            "name": self.safe_name,
            "kind": self.kind,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Extracted:
    text: str
    has_text_layer: bool


# --- Messages, in one place so that the wording stays consistent ------------------------------


def _size(n: int) -> str:
    if n >= MB and n % MB == 0:
        return _("%s MB") % (n // MB)  # Django's own catalogue has "%s MB"
    return filesizeformat(n)


def _empty() -> UploadRejected:
    return UploadRejected(_("This file is empty."))


def _too_large(limit: int) -> UploadRejected:
    return UploadRejected(
        _(
            "This file is larger than the limit of %(limit)s. "
            "Reduce its size or split it, and upload it again."
        )
        % {"limit": _size(limit)}
    )


def _not_accepted() -> UploadRejected:
    return UploadRejected(
        _(
            "This file is not a PDF, Word (DOCX), OpenDocument text (ODT) or plain-text file. "
            "Save it in one of these formats and upload it again."
        )
    )


def _old_office() -> UploadRejected:
    return UploadRejected(
        _(
            "This file is in an older Microsoft Office format, or is protected by a password. "
            "Save it as DOCX or PDF without a password and upload it again."
        )
    )


def _pdf_password() -> UploadRejected:
    return UploadRejected(
        _("This PDF is protected by a password. Remove the protection and upload it again.")
    )


def _document_password() -> UploadRejected:
    return UploadRejected(
        _("This document is protected by a password. Remove the protection and upload it again.")
    )


def _macros() -> UploadRejected:
    return UploadRejected(
        _(
            "This document contains macros. "
            "Save it as an ordinary document without macros and upload it again."
        )
    )


def _damaged() -> UploadRejected:
    return UploadRejected(
        _(
            "This file is damaged or incomplete and cannot be read. "
            "Check that it opens on your computer and upload it again."
        )
    )


def _bomb_size(limit: int) -> UploadRejected:
    return UploadRejected(
        _("This archive expands to more than %(limit)s: it is refused as a possible archive bomb.")
        % {"limit": _size(limit)}
    )


def _bomb_ratio() -> UploadRejected:
    return UploadRejected(
        _(
            "This archive contains a part compressed to an abnormal degree: "
            "it is refused as a possible archive bomb."
        )
    )


def _bomb_entries(limit: int) -> UploadRejected:
    return UploadRejected(
        _("This archive contains more than %(count)d parts: it is refused as a possible archive bomb.")
        % {"count": limit}
    )


def _unsafe_paths() -> UploadRejected:
    return UploadRejected(
        _("This archive contains parts with unsafe or duplicate names: it is refused as malformed.")
    )


def _bad_encoding() -> UploadRejected:
    return UploadRejected(
        _("The text file is not in a recognised character encoding. Save it as UTF-8 and upload it again.")
    )


# --- Inspection -------------------------------------------------------------------------------


def inspect_document(upload) -> Inspected:
    """:func:`inspect_upload` of an uploaded document, under the configured size limits."""
    return inspect_upload(
        upload,
        getattr(upload, "name", "") or "",
        max_bytes=settings.CASEWORK_MAX_UPLOAD_BYTES,
        max_unzipped_bytes=settings.CASEWORK_MAX_UNZIPPED_BYTES,
    )


def inspect_upload(
    fileobj,
    name: str,
    *,
    max_bytes: int,
    max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED_BYTES,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> Inspected:
    """Decide what ``fileobj`` really is and whether we accept it; raise UploadRejected if not."""
    declared = getattr(fileobj, "size", None)  # Django's UploadedFile knows it without reading
    if isinstance(declared, int) and declared > max_bytes:
        raise _too_large(max_bytes)
    try:
        size, sha256, head = _measure(fileobj, max_bytes)
        if size == 0:
            raise _empty()
        if head.startswith(_ZIP_MAGIC):
            with open_zip(fileobj, max_unzipped_bytes=max_unzipped_bytes, max_entries=max_entries) as zf:
                kind = _zip_kind(zf)
            content_type = CONTENT_TYPES[kind]
        elif _PDF_MAGIC in head:
            _open_pdf(fileobj)
            kind, content_type = "pdf", CONTENT_TYPES["pdf"]
        elif head.startswith(_OLE2_MAGIC):
            raise _old_office()
        elif head.startswith(_BINARY_MAGICS):
            raise _not_accepted()
        else:
            _text, charset = _decode_text(_read_all(fileobj, max_bytes))
            kind, content_type = "txt", f"text/plain; charset={charset}"
    finally:
        fileobj.seek(0)
    return Inspected(
        kind=kind, content_type=content_type, safe_name=safe_filename(name, kind), size=size, sha256=sha256
    )


def _measure(fileobj, max_bytes: int) -> tuple[int, str, bytes]:
    """Size, SHA-256 and the first bytes, reading in chunks and stopping just past the limit."""
    fileobj.seek(0)
    digest = hashlib.sha256()
    size = 0
    head = b""
    while chunk := fileobj.read(min(_CHUNK, max_bytes - size + 1)):
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        if len(head) < _HEAD:
            head += chunk[: _HEAD - len(head)]
        digest.update(chunk)
    return size, digest.hexdigest(), head


def _read_all(fileobj, limit: int) -> bytes:
    fileobj.seek(0)
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def _open_pdf(fileobj) -> PdfReader:
    fileobj.seek(0)
    try:
        reader = PdfReader(fileobj, strict=False)
    except DependencyError as exc:
        # Raised only while pypdf tries the empty password on AES encryption (it needs the
        # optional `cryptography` package for AES): the file is encrypted.
        raise _pdf_password() from exc
    except Exception as exc:
        raise _damaged() from exc
    # Refused even when the user password is empty: such files open but forbid copying or
    # printing, which would block the experts' work, and their text cannot be extracted.
    if reader.is_encrypted:
        raise _pdf_password()
    try:
        pages = len(reader.pages)
    except Exception as exc:
        raise _damaged() from exc
    if pages == 0:
        raise _damaged()
    return reader


def _declared_entry_count(fileobj) -> int | None:
    """Entry count from the end-of-central-directory record, before zipfile builds one object per
    entry (a 25 MB central directory describes half a million entries). None if absent or ZIP64;
    the count zipfile actually finds is checked again afterwards."""
    fileobj.seek(0, 2)
    end = fileobj.tell()
    fileobj.seek(max(0, end - (22 + 65535)))  # the record is 22 bytes plus a comment of < 64 KiB
    tail = fileobj.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    total = struct.unpack_from("<H", tail, at + 10)[0]
    return None if total == 0xFFFF else total


def open_zip(fileobj, *, max_unzipped_bytes: int, max_entries: int) -> zipfile.ZipFile:
    """Open a zip and apply the bomb and path checks, without decompressing anything."""
    declared = _declared_entry_count(fileobj)
    if declared is not None and declared > max_entries:
        raise _bomb_entries(max_entries)
    fileobj.seek(0)
    try:
        zf = zipfile.ZipFile(fileobj)
    except Exception as exc:
        raise _damaged() from exc
    try:
        _check_zip(zf.infolist(), max_unzipped_bytes=max_unzipped_bytes, max_entries=max_entries)
    except BaseException:
        zf.close()
        raise
    return zf


def _check_zip(infos: list[zipfile.ZipInfo], *, max_unzipped_bytes: int, max_entries: int) -> None:
    # zipfile never returns more than an entry's declared size (it stops there and then fails
    # the CRC), so checking declared sizes bounds what python-docx can unpack from this file.
    if len(infos) > max_entries:
        raise _bomb_entries(max_entries)
    seen = set()
    for info in infos:
        name = info.filename
        if (
            name.startswith(("/", "\\"))
            or _DRIVE.match(name)
            or ".." in re.split(r"[/\\]", name)
            or name in seen
        ):
            raise _unsafe_paths()
        seen.add(name)
        if info.flag_bits & 0x1:
            raise _document_password()
    if sum(info.file_size for info in infos) > max_unzipped_bytes:
        raise _bomb_size(max_unzipped_bytes)
    for info in infos:
        if info.file_size > _RATIO_MIN_SIZE and info.file_size > _MAX_RATIO * max(info.compress_size, 1):
            raise _bomb_ratio()


def _read_part(zf: zipfile.ZipFile, name: str, cap: int, *, refuse_beyond: bool = False) -> bytes:
    """Up to ``cap`` bytes of an entry, counting what is really decompressed (declared sizes can
    lie). With ``refuse_beyond``, more than ``cap`` is refused as a bomb instead of truncated."""
    try:
        with zf.open(name) as part:
            chunks, total = [], 0
            while chunk := part.read(min(_CHUNK, cap + 1 - total)):
                chunks.append(chunk)
                total += len(chunk)
                if total > cap:
                    if refuse_beyond:
                        raise _bomb_size(cap)
                    break
    except UploadRejected:
        raise
    except Exception as exc:
        raise _damaged() from exc
    return b"".join(chunks)[:cap]


def _zip_kind(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        # A .docm served as .docx would not open in Word, and its macros are a risk to readers.
        content_types = _read_part(zf, "[Content_Types].xml", _SMALL_PART_CAP)
        if b"macroEnabled" in content_types or any(n.lower().endswith("vbaproject.bin") for n in names):
            raise _macros()
        return "docx"
    is_odt = (
        "mimetype" in names
        and "content.xml" in names
        and _read_part(zf, "mimetype", 100) == CONTENT_TYPES["odt"].encode()
    )
    if is_odt:
        # ODF encrypts parts itself and says so in the manifest; the zip flag stays clear.
        manifest = "META-INF/manifest.xml"
        if manifest in names and b"encryption-data" in _read_part(zf, manifest, _SMALL_PART_CAP):
            raise _document_password()
        if any(n.startswith(("Basic/", "Scripts/")) for n in names):  # LibreOffice macro libraries
            raise _macros()
        return "odt"
    raise _not_accepted()


def _decode_text(data: bytes) -> tuple[str, str]:
    """Decoded text and the charset to declare for it; UploadRejected if binary or undecodable."""
    guessed = False
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _bad_encoding() from exc
            charset = codec
            break
    else:
        if b"\x00" in data or _ratio(len(data) - len(data.translate(None, _CONTROL_BYTES)), len(data)):
            raise _not_accepted()
        try:
            text, charset = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            best = from_bytes(data, cp_isolation=_LEGACY_ENCODINGS).best()
            if best is None:
                raise _bad_encoding() from None
            try:
                text = str(best)
            except (UnicodeDecodeError, LookupError) as exc:
                raise _bad_encoding() from exc
            charset, guessed = _charset_label(best.encoding), True
    if _ratio(_CONTROL_CHARS.subn("", text)[1], len(text)):
        # Control characters after a guess mean a wrong guess; after UTF-8 or a BOM, a binary.
        raise _bad_encoding() if guessed else _not_accepted()
    return text, charset


def _ratio(part: int, whole: int) -> bool:
    return whole > 0 and part / whole >= _CONTROL_RATIO


def _charset_label(encoding: str) -> str:
    """The WHATWG label for a Python codec name ("cp1252" -> "windows-1252"), for the header."""
    name = codecs.lookup(encoding).name
    if match := re.fullmatch(r"cp(125\d|874)", name):
        return f"windows-{match[1]}"
    return _CHARSET_LABELS.get(name, name.replace("_", "-"))


def safe_filename(name: str, kind: str) -> str:
    """A display and download name: last path component, no invisible or control characters,
    at most MAX_NAME_CHARS characters, ending in the extension of ``kind``."""
    extension = EXTENSIONS.get(kind)
    if extension is None:
        raise ValueError(f"unknown kind {kind!r}")
    base = re.split(r"[/\\]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = " ".join(base.split())  # tabs, newlines and Unicode spaces become one space
    base = "".join(ch for ch in base if unicodedata.category(ch) not in _NAME_REMOVED_CATEGORIES)
    base = " ".join(_NAME_RESERVED.sub("_", base).split())
    match = _NAME_EXTENSION.search(base)
    stem, current = (base[: match.start()], match.group()) if match else (base, "")
    suffix = current if current.lower() == extension else extension
    # Leading dots hide a file on Unix; Windows drops trailing dots and spaces.
    stem = stem.strip(". ")[: MAX_NAME_CHARS - len(suffix)].rstrip(". ")
    return f"{stem or 'document'}{suffix}"


# --- Extraction -------------------------------------------------------------------------------


def extract_text(
    fileobj,
    kind: str,
    *,
    max_unzipped_bytes: int = DEFAULT_MAX_UNZIPPED_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Extracted:
    """The text of an inspected file, NFC-normalised, without NULs, at most ``max_chars`` long.

    ``has_text_layer`` is False when there is no usable text: for a PDF, fewer than 20
    alphanumerics in all or fewer than 10 per page on average (a scan, perhaps with page
    numbers); for other kinds, no alphanumeric character at all.
    """
    if kind not in EXTENSIONS:
        raise ValueError(f"unknown kind {kind!r}")
    fileobj.seek(0)
    try:
        if kind == "pdf":
            reader = _open_pdf(fileobj)
            text = _collect((page.extract_text() or "" for page in reader.pages), "\n\n", max_chars)
            needed = max(_MIN_ALNUM_TOTAL, _MIN_ALNUM_PER_PAGE * len(reader.pages))
        elif kind == "docx":
            text = _docx_text(fileobj, max_unzipped_bytes=max_unzipped_bytes, max_chars=max_chars)
            needed = 1
        elif kind == "odt":
            text = _odt_text(fileobj, max_unzipped_bytes=max_unzipped_bytes, max_chars=max_chars)
            needed = 1
        else:
            # Inspection bounded the size; max_unzipped_bytes bounds it again when run alone.
            text, _charset = _decode_text(_read_all(fileobj, max_unzipped_bytes))
            needed = 1
        text = _normalise(text, max_chars)
        return Extracted(text=text, has_text_layer=_alnum_at_least(text, needed))
    except UploadRejected:
        raise
    except Exception as exc:  # any parser failure on a hostile or broken file
        raise _damaged() from exc
    finally:
        fileobj.seek(0)


def _collect(pieces, separator: str, max_chars: int) -> str:
    """Join pieces, stopping once max_chars is passed so that huge documents are not read fully."""
    out, length = [], 0
    for piece in pieces:
        out.append(piece)
        length += len(piece) + len(separator)
        if length > max_chars:
            break
    return separator.join(out)


def _normalise(text: str, max_chars: int) -> str:
    text = text[:max_chars].replace("\x00", "")  # PostgreSQL text cannot hold NUL
    text = _SURROGATES.sub("\ufffd", text)  # nor lone surrogates (pypdf can map glyphs to them)
    return unicodedata.normalize("NFC", text).strip()[:max_chars]


def _alnum_at_least(text: str, needed: int) -> bool:
    count = 0
    for ch in text:
        if ch.isalnum():
            count += 1
            if count >= needed:
                return True
    return False


def _docx_text(fileobj, *, max_unzipped_bytes: int, max_chars: int) -> str:
    with open_zip(fileobj, max_unzipped_bytes=max_unzipped_bytes, max_entries=DEFAULT_MAX_ENTRIES):
        pass  # checks only; python-docx reopens the file
    fileobj.seek(0)
    # python-docx parses with its own lxml parser, XMLParser(resolve_entities=False) (docx.oxml.
    # parser and docx.opc.oxml), without huge_tree, so no entity expansion and libxml2's limits.
    document = docx.Document(fileobj)
    return _collect(_docx_blocks(document), "\n", max_chars)


def _docx_blocks(container):
    """Paragraph texts in document order, descending into tables (merged cells once)."""
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            seen = set()
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc not in seen:  # a merged cell is returned for each grid position
                        seen.add(cell._tc)
                        yield from _docx_blocks(cell)


def _odt_text(fileobj, *, max_unzipped_bytes: int, max_chars: int) -> str:
    with open_zip(fileobj, max_unzipped_bytes=max_unzipped_bytes, max_entries=DEFAULT_MAX_ENTRIES) as zf:
        xml = _read_part(zf, "content.xml", max_unzipped_bytes, refuse_beyond=True)
    # A new parser per call: lxml parsers must not be shared between threads.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(xml, parser)
    return _collect(_odt_pieces(root), "", max_chars)


def _odt_pieces(node):
    """Small pieces, not whole paragraphs, so that _collect can stop inside a huge paragraph."""
    for child in node:
        if not isinstance(child.tag, str) or child.tag in _ODT_SKIPPED:
            continue  # comments, processing instructions, unexpanded entities; see _ODT_SKIPPED
        if child.tag in _ODT_BLOCKS:
            yield from _odt_inline(child)
            yield "\n"
        else:
            yield from _odt_pieces(child)


def _odt_inline(element):
    if element.text:
        yield element.text
    for child in element:
        tag = child.tag
        if tag == _ODT_SPACE:
            try:
                count = int(child.get(_ODT_SPACE_COUNT, "1"))
            except ValueError:
                count = 1
            yield " " * min(max(count, 1), _ODT_MAX_SPACES)
        elif tag == _ODT_TAB:
            yield "\t"
        elif tag == _ODT_LINE_BREAK:
            yield "\n"
        elif isinstance(tag, str) and tag not in _ODT_SKIPPED:
            nested_block = tag in _ODT_BLOCKS  # a paragraph in a footnote or a text box
            if nested_block:
                yield "\n"
            yield from _odt_inline(child)
            if nested_block:
                yield "\n"
        if child.tail:
            yield child.tail
