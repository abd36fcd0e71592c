"""Documents on a request, through the pages: hostile uploads get a clear error and leave nothing
behind; downloads are access-checked attachments; text is extracted in the background."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from ipassist.casework import services
from ipassist.casework.models import AssistanceRequest, Document
from ipassist.core.models import AuditEntry
from tests.casework import files
from tests.casework.conftest import all_files, snapshot


def stored_files(case) -> list[str]:
    return all_files(f"casework/{case.pk}")


def upload(client, case, name, content, **extra):
    return client.post(
        reverse("casework:upload", args=[case.pk]), {"files": SimpleUploadedFile(name, content), **extra}
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "law.pdf",
            files.exe_bytes(),
            "is not a PDF, Word (DOCX), OpenDocument text (ODT) or plain-text file",
        ),
        (
            "notes.txt",
            files.png_bytes(),
            "is not a PDF, Word (DOCX), OpenDocument text (ODT) or plain-text file",
        ),
        ("bill.docx", files.zip_bomb(), "archive bomb"),
        ("bill.odt", files.many_entries_zip(), "archive bomb"),
        ("bill.docx", files.zip_with_entry("../../etc/passwd"), "unsafe or duplicate names"),
        ("protected.pdf", files.encrypted_pdf(), "protected by a password"),
        ("broken.pdf", files.truncated_pdf(), "damaged"),
        ("empty.pdf", b"", "empty"),
        ("table.xlsx", files.xlsx_like_zip(), "is not a PDF"),
    ],
)
def test_hostile_uploads_are_refused_clearly_and_leave_nothing(client_as, case, name, content, message):
    before = snapshot(case)
    response = upload(client_as("focal_point"), case, name, content)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body.replace("&#x27;", "'")
    assert snapshot(case) == before
    assert stored_files(case) == []


@override_settings(CASEWORK_MAX_UPLOAD_BYTES=1024)
def test_oversized_upload(client_as, case):
    response = upload(client_as("focal_point"), case, "big.txt", b"a" * 2048)
    assert response.status_code == 400
    assert "larger than the limit" in response.content.decode()
    assert stored_files(case) == []


def test_path_traversal_name_is_kept_as_text_only(client_as, case):
    response = upload(client_as("focal_point"), case, "../../../etc/passwd.pdf", files.pdf_bytes())
    assert response.status_code == 302
    document = Document.objects.get(request=case)
    assert document.name == "passwd.pdf"
    assert ".." not in document.file.name and "passwd" not in document.file.name
    assert document.file.name.startswith(f"casework/{case.pk}/")


def test_type_comes_from_the_bytes_not_the_name(client_as, case):
    upload(client_as("focal_point"), case, "bill.pdf", files.docx_bytes(["Article 1. Infringement"]))
    document = Document.objects.get(request=case)
    assert (document.kind, document.name) == ("docx", "bill.docx")


def test_download_is_an_attachment_that_is_never_sniffed(client_as, case, focal_point):
    content = files.pdf_bytes("Chapter IV")
    upload(client_as("focal_point"), case, "Projet de loi — chapitre IV.pdf", content)
    document = Document.objects.get(request=case)
    response = client_as("officer").get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''Projet%20de%20loi%20%E2%80%94%20chapitre%20IV.pdf"
        in response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.filter(action="document.downloaded", target_id=str(document.pk)).count() == 1


def test_document_of_another_request_is_404(client_as, case, other_state, provider):
    from tests.factories import AssistanceRequestFactory

    other = AssistanceRequestFactory(provider=provider, requester=other_state)
    upload(client_as("officer"), other, "other.txt", b"Another state's file")
    document = Document.objects.get(request=other)
    # The focal point is on ``case`` but not on ``other``: its document is not reachable through ``case``.
    url = reverse("casework:document", args=[case.pk, document.pk])
    assert client_as("focal_point").get(url).status_code == 404


def test_text_is_extracted_after_commit(client_as, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            client_as("focal_point"), case, "bill.odt", files.odt_bytes("Article 12. Provisional measures")
        )
    document = Document.objects.get(request=case)
    assert document.extraction == Document.Extraction.DONE
    assert "Article 12. Provisional measures" in document.text
    assert document.extracted_at is not None


def test_scanned_pdf_is_marked_without_text_layer(client_as, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_as("focal_point"), case, "scan.pdf", files.pdf_without_text())
    document = Document.objects.get(request=case)
    assert document.extraction == Document.Extraction.NO_TEXT
    assert "No text layer" in client_as("officer").get(case.get_absolute_url()).content.decode()


def test_windows_1252_text_is_read_correctly(client_as, case, django_capture_on_commit_callbacks):
    text = "Propriété intellectuelle : la contrefaçon est un délit."
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_as("focal_point"), case, "note.txt", text.encode("cp1252"))
    assert Document.objects.get(request=case).text.strip() == text


def test_one_bad_file_among_several(client_as, case):
    client = client_as("focal_point")
    response = client.post(
        reverse("casework:upload", args=[case.pk]),
        {
            "files": [
                SimpleUploadedFile("good.txt", b"Good file"),
                SimpleUploadedFile("bad.pdf", files.exe_bytes()),
            ]
        },
    )
    assert response.status_code == 400
    assert "bad.pdf" in response.content.decode()
    assert list(Document.objects.filter(request=case).values_list("name", flat=True)) == ["good.txt"]
    assert len(stored_files(case)) == 1


def test_failed_request_creation_leaves_no_orphan_file(provider, state, focal_point):
    """The first file is stored, the second is refused: the whole request and the stored file go."""
    from ipassist.casework.uploads import UploadRejected

    data = {
        "requester": state,
        "provider": provider,
        "kind": "legislative",
        "title": "t",
        "institution": "i",
        "description": "d",
    }
    uploads = [
        (SimpleUploadedFile("good.pdf", files.pdf_bytes()), ""),
        (SimpleUploadedFile("bomb.docx", files.zip_bomb()), ""),
    ]
    with pytest.raises(UploadRejected):
        services.request_create(by=focal_point, data=data, uploads=uploads)
    assert not AssistanceRequest.objects.exists()
    assert not Document.objects.exists()
    assert all_files() == []


def test_no_uploads_to_a_finished_request(client_as, case):
    AssistanceRequest.objects.filter(pk=case.pk).update(state=AssistanceRequest.State.CLOSED)
    before = snapshot(case)
    assert upload(client_as("focal_point"), case, "late.txt", b"late").status_code == 404
    assert snapshot(case) == before
