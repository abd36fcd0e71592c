"""Files stored during a write that fails must not stay behind.

Django has no on-rollback hook, so the service that owns the transaction wraps it in
:func:`files_removed_on_failure` and stores files with :func:`stored_file`: when the block raises,
the files stored inside it are deleted, including those stored by nested services.
"""

from __future__ import annotations

import contextlib
import contextvars

from django.core.files.storage import default_storage

_stored_files: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("stored_files", default=None)


@contextlib.contextmanager
def files_removed_on_failure():
    """Delete the files stored inside the block when the block raises.

    Django has no on-rollback hook, so the service that owns the transaction wraps it in this:
    a failed write then leaves no orphan file, even for files stored by nested services.
    """
    names = _stored_files.get()
    token = None
    if names is None:  # the outermost block owns the list; nested ones share it
        names = []
        token = _stored_files.set(names)
    start = len(names)
    try:
        yield
    except BaseException:
        for name in names[start:]:
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        del names[start:]
        raise
    finally:
        if token is not None:
            _stored_files.reset(token)


def stored_file(field, upload) -> str:
    """Save ``upload`` into the (unsaved) FileField ``field`` under its generated name; inside
    :func:`files_removed_on_failure` the file is deleted again if the block fails."""
    field.save("upload", upload, save=False)
    names = _stored_files.get()
    if names is not None:
        names.append(field.name)
    return field.name


def download(stored_name: str, filename: str, content_type: str):
    """A stored upload sent back as an attachment that the browser never renders or caches."""
    from django.http import FileResponse

    response = FileResponse(
        default_storage.open(stored_name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
