"""Uploaded files are served so that nothing in them can run in Faro's origin.

Anyone with access to the admin can upload a document, and a document can be
HTML, SVG, XML or JavaScript as easily as a PDF. Served inline from Faro's
own origin, such a file would run script with a visitor's (or an editor's)
session. So every document, in development and production alike:

- is sent by Wagtail's view (WAGTAILDOCS_SERVE_METHOD = "serve_view"), never
  as a plain file under /media/ (`serve_media_in_development` refuses the
  documents folder, and the README tells the proxy to do the same);
- downloads as an attachment (Content-Disposition: attachment);
- keeps its own type only when that type is passive data (PDF, plain text,
  images, office files); anything else is application/octet-stream;
- carries X-Content-Type-Options: nosniff and a Content-Security-Policy with
  ``sandbox``, so even a browser that renders it anyway runs nothing, in a
  unique origin without Faro's cookies.

Other uploads under /media/ (images and their renditions) get the same
headers when development serves them; production's proxy must add them too.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.views import static
from wagtail.documents.views.serve import serve as wagtail_serve_document

# Types a browser only displays or hands to another program: nothing in them
# runs in the page's origin. Everything else is served as octet-stream.
PASSIVE_CONTENT_TYPES = frozenset(
    {
        "application/pdf",
        "text/plain",
        "text/csv",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "audio/mpeg",
        "audio/ogg",
        "audio/opus",
        "audio/wav",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    }
)
# Shown in place (not downloaded) when served from /media/: what pages embed.
EMBEDDED_MEDIA_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "audio/mpeg", "audio/ogg", "audio/opus"}
)
DOWNLOAD_CONTENT_SECURITY_POLICY = "default-src 'none'; sandbox"
# The folder Wagtail stores documents in, under MEDIA_ROOT.
DOCUMENTS_FOLDER = "documents/"


def safe_content_type(content_type: str) -> str:
    """`content_type` if it is passive data, else application/octet-stream."""
    base = content_type.split(";", 1)[0].strip().lower()
    return content_type if base in PASSIVE_CONTENT_TYPES else "application/octet-stream"


def make_inert(response, attachment: bool = True):
    """Give a file response the headers under which nothing in it can run; returns it.

    With `attachment` (every document) the browser saves the file instead of
    showing it.
    """
    response["Content-Type"] = safe_content_type(response.get("Content-Type", ""))
    if attachment:
        disposition = response.get("Content-Disposition", "")
        if not disposition.startswith("attachment"):
            _, _, parameters = disposition.partition(";")
            response["Content-Disposition"] = "attachment" + (
                f";{parameters}" if parameters else ""
            )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CONTENT_SECURITY_POLICY
    return response


def serve_document(request, document_id, document_filename):
    """`/documents/<id>/<name>`: Wagtail's own view (privacy, ETag), then `make_inert`."""
    response = wagtail_serve_document(request, document_id, document_filename)
    if response.status_code == 200:
        make_inert(response)
    return response


def serve_media_in_development(request, path):
    """`/media/<path>` when DEBUG is on: images and audio inline, anything else as an inert download.

    Documents are never served from here: their only address is
    `/documents/…` (Wagtail's view, with its privacy checks).
    """
    if path.lstrip("/").startswith(DOCUMENTS_FOLDER):
        raise Http404("Documents are served under /documents/.")
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200:
        base = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        make_inert(response, attachment=base not in EMBEDDED_MEDIA_TYPES)
    return response
