"""Uploads through the real admin views: image size and pixel limits, no SVG,
a decompression bomb refused with nothing stored, documents always served as
inert attachments (a type that cannot run, nosniff, a sandboxing CSP), in
production and in development, where /media/ never serves documents."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

import cms.urls
from tests.support.images import png

pytestmark = pytest.mark.django_db


def stored_files(folder: str) -> set[Path]:
    root = Path(settings.MEDIA_ROOT) / folder
    return set(root.rglob("*")) if root.exists() else set()


def upload_image(client, name: str, content: bytes, content_type="image/png"):
    return client.post(
        "/admin/images/add/",
        {"title": name, "file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def form_errors(response) -> str:
    assert response.status_code == 200, "the form comes back with an error, not a redirect"
    return " ".join(str(error) for error in response.context["form"].errors.get("file", []))


def test_a_small_image_is_accepted(admin_client):
    response = upload_image(admin_client, "ok.png", png(64, 64))
    assert response.status_code == 302
    assert get_image_model().objects.filter(title="ok.png").exists()


def test_a_decompression_bomb_is_refused_with_a_clear_error_and_nothing_stored(admin_client):
    # 8000 x 8000 = 64 million pixels in a file of a few KB: over Faro's
    # 40-million limit (Wagtail's default of 128 million would let it in).
    bomb = png(8000, 8000)
    assert len(bomb) < 20_000
    before = stored_files("original_images")

    response = upload_image(admin_client, "bomb.png", bomb)

    assert "too many pixels" in form_errors(response)
    assert "Maximum pixels 40000000" in form_errors(response)
    assert not get_image_model().objects.exists()
    assert stored_files("original_images") == before


def test_an_image_declaring_billions_of_pixels_is_refused(admin_client):
    # The classic bomb: 50000 x 50000 declared, only one row of data.
    response = upload_image(admin_client, "huge.png", png(50_000, 50_000, rows=1))
    assert "too many pixels" in form_errors(response)
    assert not get_image_model().objects.exists()


def test_an_image_over_the_size_limit_is_refused(admin_client):
    big = png(64, 64, padding=settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE)
    before = stored_files("original_images")
    response = upload_image(admin_client, "big.png", big)
    assert "too big" in form_errors(response)
    assert not get_image_model().objects.exists()
    assert stored_files("original_images") == before


def test_svg_is_not_an_accepted_image(admin_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = upload_image(admin_client, "logo.svg", svg, content_type="image/svg+xml")
    assert "Not a supported image format" in form_errors(response)
    assert not get_image_model().objects.exists()
    # The multiple-upload view (drag and drop) refuses it too.
    response = admin_client.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml")},
    )
    assert response.json()["success"] is False
    assert not get_image_model().objects.exists()


SCRIPT_HTML = b"<html><script>alert(document.cookie)</script></html>"
SCRIPT_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
)
SCRIPT_XML = (
    b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">'
    b"<script>alert(document.cookie)</script></html>"
)
# What each upload is served as: passive types keep theirs, anything a browser
# could run becomes an opaque download.
DOCUMENTS = [
    ("memo.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"),
    ("notes.txt", SCRIPT_HTML, "text/plain"),
    ("page.html", SCRIPT_HTML, "application/octet-stream"),
    ("page.htm", SCRIPT_HTML, "application/octet-stream"),
    ("logo.svg", SCRIPT_SVG, "application/octet-stream"),
    ("feed.xml", SCRIPT_XML, "application/octet-stream"),
    ("page.xhtml", SCRIPT_XML, "application/octet-stream"),
    ("tool.js", b"alert(document.cookie)", "application/octet-stream"),
]


def upload_document(admin_client, name: str, content: bytes):
    response = admin_client.post(
        "/admin/documents/add/",
        {"title": name, "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302, response.content[:500]
    return get_document_model().objects.get(title=name)


def assert_inert_download(response, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"].split(";")[0] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    directives = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in directives
    assert "default-src 'none'" in directives


@pytest.mark.parametrize("name, content, served_as", DOCUMENTS)
def test_documents_download_as_inert_attachments_through_wagtails_view(
    admin_client, client, name, content, served_as
):
    document = upload_document(admin_client, name, content)
    assert document.url.startswith("/documents/"), "served by Wagtail's view, not from /media/"

    served = client.get(document.url)

    assert_inert_download(served, served_as)
    assert b"".join(served.streaming_content) == content
    assert client.get(f"/media/{document.file.name}").status_code == 404


@pytest.fixture
def development_urls(settings):
    """The URLs `make run` serves (DEBUG on): /media/ is served by Django itself."""
    settings.DEBUG = True
    importlib.reload(cms.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(cms.urls)
    clear_url_caches()


@pytest.mark.parametrize("name, content, served_as", DOCUMENTS)
def test_in_development_documents_are_inert_and_never_served_from_media(
    admin_client, client, development_urls, name, content, served_as
):
    document = upload_document(admin_client, name, content)

    assert_inert_download(client.get(document.url), served_as)
    # Not under /media/: there it would have no attachment header.
    assert client.get(f"/media/{document.file.name}").status_code == 404


def test_in_development_other_uploads_under_media_cannot_run(client, development_urls):
    folder = Path(settings.MEDIA_ROOT) / "original_images"
    folder.mkdir(parents=True, exist_ok=True)
    image, page = folder / "inert-test.png", folder / "inert-test.html"
    image.write_bytes(png(8, 8))
    page.write_bytes(SCRIPT_HTML)
    try:
        shown = client.get("/media/original_images/inert-test.png")
        assert shown.status_code == 200
        assert shown["Content-Type"] == "image/png"
        assert shown["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in shown["Content-Security-Policy"]

        assert_inert_download(
            client.get("/media/original_images/inert-test.html"), "application/octet-stream"
        )
    finally:
        image.unlink()
        page.unlink()
