"""A guide's audio row and its file under ``audio/``: storing, replacing,
removing (files go once the row's change commits)."""

from __future__ import annotations

from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from know_your_rights.models.audio import AUDIO_FOLDER, GuideAudio
from know_your_rights.models.pages import GuidePage


def store_file(folder_file: Path, name: str) -> str:
    """Save a file under AUDIO_FOLDER as `name` (replacing a leftover of an interrupted run)."""
    stored_name = f"{AUDIO_FOLDER}/{name}"
    if default_storage.exists(stored_name):
        default_storage.delete(stored_name)
    with folder_file.open("rb") as handle:
        return default_storage.save(stored_name, File(handle))


def replace_audio(page: GuidePage, fields: dict, keep_uploaded: bool) -> GuideAudio | None:
    """Write the page's audio row (one transaction); the file it replaces goes after commit.

    With `keep_uploaded`, a recording uploaded meanwhile stays and the new
    file is dropped (returns None).
    """
    with transaction.atomic():
        current = GuideAudio.objects.select_for_update().filter(page=page).first()
        if keep_uploaded and current is not None and not current.is_generated:
            transaction.on_commit(lambda: default_storage.delete(fields["file"]))
            return None
        old_name = current.file.name if current is not None else None
        audio, _created = GuideAudio.objects.update_or_create(page=page, defaults=fields)
        if old_name and old_name != audio.file.name:
            transaction.on_commit(lambda: default_storage.delete(old_name))
    return audio


def remove_audio(audio: GuideAudio) -> None:
    """Delete a guide's audio row and, once that commits, its file (`delete_file_after_commit`)."""
    audio.delete()


def delete_file_after_commit(audio: GuideAudio) -> None:
    """Delete the stored file of a deleted audio row once the deletion commits.

    Connected to post_delete, so a deleted guide page (whose audio goes with
    it) leaves no file behind either.
    """
    name = audio.file.name
    transaction.on_commit(lambda: default_storage.delete(name))


def audio_of(page) -> GuideAudio | None:
    """The page's audio, or None (no query when the page came through GuidePage.objects)."""
    try:
        return page.audio
    except GuideAudio.DoesNotExist:
        return None
