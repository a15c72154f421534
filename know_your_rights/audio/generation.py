"""The computer voice: queueing and making a published guide's audio."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from pathlib import Path

from celery import current_app
from django.db import transaction

from know_your_rights.audio.guide_text import guide_plain_text
from know_your_rights.audio.programs import probe_audio, speak_to_opus
from know_your_rights.audio.storage import audio_of, remove_audio, replace_audio, store_file
from know_your_rights.audio.voices import computer_voice_for
from know_your_rights.models.audio import GuideAudio
from know_your_rights.models.pages import GuidePage

# The Celery task (``know_your_rights.tasks``) that runs `generate_guide_audio`.
GENERATE_TASK = "know_your_rights.generate_guide_audio"


def _digest(voice: str, text: str) -> str:
    return hashlib.sha256(f"{voice}\n{text}".encode()).hexdigest()


def generate_guide_audio(page_id: int) -> GuideAudio | None:
    """Make (or keep, or remove) the computer-voice audio of a published guide page.

    Safe to run twice (a redelivered task): the same text in the same voice
    makes no new file. Returns the page's audio afterwards, None when it has
    none: the page is not live, its language has no voice or editors turned
    it off there (a generated file is then removed).
    """
    page = GuidePage.objects.live().filter(pk=page_id).select_related("locale").first()
    if page is None:
        return None
    current = audio_of(page)
    if current is not None and not current.is_generated:
        return current  # a person's recording is never replaced by the computer
    voice = computer_voice_for(page.locale.language_code)
    if voice is None:
        if current is not None:
            remove_audio(current)
        return None
    text = guide_plain_text(page)
    digest = _digest(voice, text)
    if current is not None and current.text_digest == digest:
        if current.text_published_at != page.last_published_at:
            current.text_published_at = page.last_published_at
            current.save(update_fields=["text_published_at"])
        return current
    with tempfile.TemporaryDirectory(prefix="faro-audio-") as folder:
        ogg = speak_to_opus(text, voice, Path(folder))
        facts = probe_audio(ogg)
        stored = store_file(ogg, f"guide-{page.pk}-{digest[:20]}.ogg")
        size = os.path.getsize(ogg)
    return replace_audio(
        page,
        {
            "file": stored,
            "source": GuideAudio.Source.GENERATED,
            "content_type": facts.content_type,
            "duration": facts.duration,
            "size": size,
            "text_published_at": page.last_published_at,
            "text_digest": digest,
        },
        keep_uploaded=True,
    )


def queue_guide_audio(page_id: int) -> None:
    """Have a worker (re)make the page's computer-voice audio once this transaction commits.

    Queued by name, as every task in Faro is: the task module imports this
    one, never the reverse.
    """
    transaction.on_commit(
        functools.partial(
            current_app.send_task,
            GENERATE_TASK,
            args=(page_id,),
            # Minutes of CPU per language: never in front of alerts and mail.
            queue="media",
            ignore_result=True,
        )
    )
