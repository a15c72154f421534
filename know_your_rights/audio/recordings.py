"""Editors' recordings: checking and storing an upload, and whether it still
matches the guide as published."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from know_your_rights.audio.programs import AudioRejected, probe_audio
from know_your_rights.audio.storage import replace_audio, store_file
from know_your_rights.models.audio import GuideAudio
from know_your_rights.models.pages import GuidePage


def max_upload_bytes() -> int:
    """The largest recording an editor may upload (``GUIDE_AUDIO_MAX_BYTES``)."""
    return settings.GUIDE_AUDIO_MAX_BYTES


def max_upload_seconds() -> int:
    """The longest recording an editor may upload (``GUIDE_AUDIO_MAX_SECONDS``)."""
    return settings.GUIDE_AUDIO_MAX_SECONDS


def save_recording(page: GuidePage, uploaded) -> GuideAudio:
    """Check and store an editor's recording of `page` (an UploadedFile); it replaces any audio.

    AudioRejected (nothing stored) when it is too big, not audio a browser
    plays, or too long.
    """
    if uploaded.size > max_upload_bytes():
        raise AudioRejected(
            _("This file is %(size)s; a recording may be at most %(max)s.")
            % {"size": filesizeformat(uploaded.size), "max": filesizeformat(max_upload_bytes())}
        )
    with tempfile.TemporaryDirectory(prefix="faro-upload-") as folder:
        path = Path(folder) / "upload"
        content = hashlib.sha256()
        with path.open("wb") as handle:
            for chunk in uploaded.chunks():
                content.update(chunk)
                handle.write(chunk)
        facts = probe_audio(path)
        if facts.duration > max_upload_seconds():
            raise AudioRejected(
                _("This recording is %(length)s minutes long; it may be at most %(max)s minutes.")
                % {
                    "length": f"{facts.duration / 60:.1f}",
                    "max": f"{max_upload_seconds() / 60:g}",
                }
            )
        name = f"guide-{page.pk}-recording-{content.hexdigest()[:20]}.{facts.extension}"
        stored = store_file(path, name)
    return replace_audio(
        page,
        {
            "file": stored,
            "source": GuideAudio.Source.UPLOADED,
            "content_type": facts.content_type,
            "duration": facts.duration,
            "size": uploaded.size,
            "text_published_at": page.last_published_at,
            "text_digest": "",
        },
        keep_uploaded=False,
    )


def confirm_recording_current(audio: GuideAudio) -> None:
    """An editor listened again: the recording still matches the guide as now published."""
    audio.text_published_at = audio.page.last_published_at
    audio.save(update_fields=["text_published_at"])


def recording_is_stale(audio: GuideAudio | None, page: GuidePage) -> bool:
    """Whether `audio` is a person's recording made before the guide's latest publish."""
    if audio is None or audio.is_generated or page.last_published_at is None:
        return False
    return audio.text_published_at is None or page.last_published_at > audio.text_published_at
