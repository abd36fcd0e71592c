"""``ipassist export_iati [-o FILE] [--validate] [--year Y] [--country CC]``: the IATI 2.03 activity XML
of the public register (see ipassist.reports.iati and docs/open-data.md).

A file is written to a temporary file beside it and renamed into place when complete, so that a
reader never sees half a file and a failed export leaves the previous file as it was. With
``--validate`` nothing is delivered unless the document passes the official schema.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from ipassist.reports import iati

SHOWN_ERRORS = 20


class Command(BaseCommand):
    help = (
        "Write the IATI 2.03 activity XML of the public register of activities to standard output "
        "or to a file; --validate checks it against the official IATI schema first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="write to FILE (through a temporary file beside it, renamed when complete) "
            "instead of standard output",
        )
        parser.add_argument(
            "--validate",
            action="store_true",
            help="check the XML against the IATI 2.03 schema; on errors print them, deliver nothing "
            "(an existing FILE is left as it was) and exit with status 1",
        )
        parser.add_argument("--year", default="", help="only activities that start in this year")
        parser.add_argument("--country", default="", help="only activities held in this country (ISO code)")

    def handle(self, *args, output, validate, year, country, **options):
        try:
            filters = iati.parse_filters({"year": year, "country": country})
        except iati.FilterError as exc:
            raise CommandError(str(exc)) from None
        target = Path(output) if output else None
        if target is not None:
            if target.is_dir():
                raise CommandError(f"{target} is a directory; give a file name.")
            if not target.parent.is_dir():
                raise CommandError(f"The directory {target.parent} does not exist.")
        if target is None and not validate:
            count = self._write(self._stdout_binary(), filters)
            self.stderr.write(f"{_activities(count)} written.")
            return
        with _terminated_like_interrupted():
            self._export_through_temporary_file(target, filters, validate)

    def _export_through_temporary_file(self, target: Path | None, filters, validate: bool) -> None:
        directory = target.parent if target is not None else None
        prefix = f".{target.name}." if target is not None else "iati-activities."
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 — closed below, renamed or removed
            mode="wb", dir=directory, prefix=prefix, suffix=".tmp", delete=False
        )
        temporary = Path(handle.name)
        try:
            with handle:
                count = self._write(handle, filters)
                handle.flush()
                os.fsync(handle.fileno())
            if validate:
                errors = iati.validate(temporary, limit=SHOWN_ERRORS + 1)
                if errors:
                    raise CommandError(self._report(errors, count))
            if target is None:
                with temporary.open("rb") as written:
                    shutil.copyfileobj(written, self._stdout_binary())
                self.stderr.write(f"{_activities(count)} written" + (", valid." if validate else "."))
            else:
                mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
                temporary.chmod(mode)
                os.replace(temporary, target)
                self.stdout.write(
                    f"{_activities(count)} written to {target}" + (", valid." if validate else ".")
                )
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()

    def _write(self, stream, filters) -> int:
        count = 0
        for chunk in iati.iter_xml(filters):
            # "<iati-activity " can only be a start tag: in text, "<" is always escaped.
            count += chunk.count(b"<iati-activity ")
            stream.write(chunk)
        stream.flush()
        return count

    def _stdout_binary(self):
        """Bytes as they are (the XML declares UTF-8) where standard output has a byte stream."""
        self.stdout.flush()
        binary = getattr(self.stdout, "buffer", None)
        if binary is not None:
            return binary
        return _TextAdapter(self.stdout)

    @staticmethod
    def _report(errors: list[str], count: int) -> str:
        lines = [f"The IATI XML does not validate against the IATI {iati.IATI_VERSION} schema:"]
        lines += [f"  {error}" for error in errors[:SHOWN_ERRORS]]
        if len(errors) > SHOWN_ERRORS:
            lines.append("  … and more.")
        if count == 0:
            lines.append("IATI requires at least one activity, and no public activity matches.")
        lines.append("Nothing was written.")
        return "\n".join(lines)


@contextlib.contextmanager
def _terminated_like_interrupted():
    """SIGTERM (a service stop, a timeout) ends the export through its ``finally`` blocks, as
    Ctrl-C does, so that the temporary file is removed."""

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _activities(count: int) -> str:
    return f"{count:,} activity" if count == 1 else f"{count:,} activities"


class _TextAdapter:
    """For a text-only standard output (tests): decode and write."""

    def __init__(self, out):
        self.out = out
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def write(self, data: bytes) -> None:
        self.out.write(self.decoder.decode(data), ending="")

    def flush(self) -> None:
        self.out.flush()
