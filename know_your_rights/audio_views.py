"""`/audio/<name>`: a guide's audio file, with range requests.

Browsers ask for byte ranges to seek in (and Safari will not play audio
from a server that does not answer them). Django's FileResponse and its
static `serve` view send whole files only, WhiteNoise serves only files it
found at start-up (not uploads), and production's proxy serves images only
from /media/ (README); the one Django package for ranges
(django-ranged-response) has had no release since 2017. So the one
single-range form browsers send (`bytes=START-END`, `bytes=START-`,
`bytes=-SUFFIX`) is answered here, and anything else gets the whole file,
as RFC 9110 allows.
"""

from __future__ import annotations

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_safe

from know_your_rights.models.audio import AUDIO_FOLDER, GuideAudio

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK_BYTES = 64 * 1024
# The file's name changes with its content, so a client may keep it; a day,
# since a guide can be unpublished.
CACHE_CONTROL = "public, max-age=86400"


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte asked for by a single-range `Range` header; None for the whole file.

    ValueError when the range lies outside the file (416).
    """
    match = RANGE.match(header.strip())
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            raise ValueError("empty suffix range")
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError("range outside the file")
    return start, end


def _chunks(handle, length: int):
    try:
        while length > 0:
            data = handle.read(min(CHUNK_BYTES, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def _inert(response, audio: GuideAudio):
    # The stored type (from ffprobe), never sniffed; nothing in it may run.
    response["Content-Type"] = audio.content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = CACHE_CONTROL
    response["ETag"] = f'"{audio.file.name.rsplit("/", 1)[-1]}"'
    return response


@require_safe
def serve_audio(request, name: str):
    """The audio file `name` of a live guide page without view restrictions."""
    audio = (
        GuideAudio.objects.select_related("page")
        .filter(file=f"{AUDIO_FOLDER}/{name}", page__live=True)
        .first()
    )
    if audio is None or audio.page.get_view_restrictions().exists():
        raise Http404
    try:
        size = default_storage.size(audio.file.name)
    except OSError:
        raise Http404 from None
    header = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    # A client holding an older file (If-Range with another ETag) gets the whole new one.
    if if_range is not None and if_range != f'"{name}"':
        header = ""
    try:
        wanted = byte_range(header, size) if header else None
    except ValueError:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _inert(response, audio)
    handle = default_storage.open(audio.file.name, "rb")
    if wanted is None:
        return _inert(FileResponse(handle), audio)
    first, last = wanted
    handle.seek(first)
    length = last - first + 1
    response = StreamingHttpResponse(_chunks(handle, length), status=206)
    response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Content-Length"] = str(length)
    return _inert(response, audio)
