"""Guides read aloud: the computer voice (espeak-ng → Opus), editors'
recordings, and when a recording no longer matches its guide.

Each guide page (one per language) has at most one ``GuideAudio``. A
recording uploaded by a person always wins: the computer voice never
replaces it, and it is flagged as stale once the guide is published again
after it was uploaded. Otherwise, when a guide is published in a language
espeak-ng speaks (and editors have not turned the computer voice off there,
``ComputerVoiceSettings``), a Celery task reads the guide's text with
espeak-ng and encodes it as speech-rate Opus in Ogg (mono, 16 kbit/s: about
120 KB a minute). A language with no voice gets no audio at all.

Every external program runs with a timeout, in a temporary folder that is
removed afterwards; files are stored through Django's default storage under
``audio/`` and served by ``know_your_rights.audio_views`` (range requests).
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from celery import current_app
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from wagtail.rich_text import RichText

from know_your_rights.models.audio import AUDIO_FOLDER, ComputerVoiceSettings, GuideAudio
from know_your_rights.models.pages import GuidePage

# Faro's languages and the espeak-ng voice that reads each (`espeak-ng --voices`).
# Latin-American Spanish for New York's Spanish speakers; Cantonese for
# Traditional Chinese, which many Traditional-Chinese readers in New York speak.
VOICES = {
    "en": "en-us",
    "es": "es-419",
    "zh-hans": "cmn",
    "zh-hant": "yue",
    "ru": "ru",
    "bn": "bn",
    "ht": "ht",
    "ko": "ko",
    "ar": "ar",
    "ur": "ur",
    "fr": "fr-fr",
    "pl": "pl",
}
# Speech needs little: mono Opus at 16 kbit/s, 16 kHz, tuned for voice.
OPUS_BITRATE = "16k"
OPUS_SAMPLE_RATE = "16000"
# No program may hang a worker (or an editor's upload) for long.
SPEAK_TIMEOUT_SECONDS = 300
ENCODE_TIMEOUT_SECONDS = 300
PROBE_TIMEOUT_SECONDS = 30
# What an upload may be: ffprobe's container name → (content type, file extension),
# and the audio codecs browsers play in those containers.
UPLOAD_FORMATS = {
    "ogg": ("audio/ogg", "ogg"),
    "mp3": ("audio/mpeg", "mp3"),
    "mov,mp4,m4a,3gp,3g2,mj2": ("audio/mp4", "m4a"),
}
UPLOAD_CODECS = {"opus", "vorbis", "mp3", "aac"}
# The Celery task (``know_your_rights.tasks``) that runs `generate_guide_audio`.
GENERATE_TASK = "know_your_rights.generate_guide_audio"


class AudioRejected(Exception):
    """An upload that is not a usable recording; the message says why, translated."""


@dataclass(frozen=True)
class AudioFacts:
    """What ffprobe says of a file: its container, audio codec and length."""

    content_type: str
    extension: str
    codec: str
    duration: float


def max_upload_bytes() -> int:
    """The largest recording an editor may upload (``GUIDE_AUDIO_MAX_BYTES``)."""
    return settings.GUIDE_AUDIO_MAX_BYTES


def max_upload_seconds() -> int:
    """The longest recording an editor may upload (``GUIDE_AUDIO_MAX_SECONDS``)."""
    return settings.GUIDE_AUDIO_MAX_SECONDS


@functools.cache
def installed_voices() -> frozenset[str]:
    """The voice names this machine's espeak-ng has (empty when it is not installed)."""
    try:
        listing = subprocess.run(
            ["espeak-ng", "--voices"],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_SECONDS,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    # Columns: Pty Language Age/Gender VoiceName File Other Languages.
    return frozenset(line.split()[1] for line in listing.splitlines()[1:] if line.split())


def voice_for(language_code: str) -> str | None:
    """The espeak-ng voice for a Faro language, or None when espeak-ng cannot speak it here."""
    voice = VOICES.get(language_code)
    return voice if voice in installed_voices() else None


def computer_voice_for(language_code: str) -> str | None:
    """The voice to generate a guide's audio with, or None: no voice, or editors turned it off."""
    voice = voice_for(language_code)
    if voice is None or language_code in ComputerVoiceSettings.load().off_languages:
        return None
    return voice


def _rich(value) -> str:
    source = value.source if isinstance(value, RichText) else str(value or "")
    # Block elements end a sentence when read aloud.
    for closing in ("</p>", "</li>", "<br>", "<br/>"):
        source = source.replace(closing, f"{closing}\n")
    return html.unescape(strip_tags(source))


def _block_texts(block_type: str, value) -> list[str]:
    if block_type == "right":
        return [value.get("right"), value.get("say"), value.get("avoid")]
    if block_type == "steps":
        return [value.get("heading"), *value.get("steps", [])]
    if block_type == "callout":
        return [value.get("heading"), _rich(value.get("text"))]
    if block_type == "hotline":
        hotline = value.get("hotline")
        named = [hotline.name, hotline.phone] if hotline is not None else []
        return [*named, value.get("note")]
    if block_type == "faq":
        texts = [value.get("heading")]
        for item in value.get("items", []):
            texts += [item.get("question"), _rich(item.get("answer"))]
        return texts
    if block_type == "paragraph":
        return [_rich(value)]
    return []


def guide_plain_text(page: GuidePage) -> str:
    """What the computer voice reads: the guide's title, situation, summary and body, in order.

    Each field is a paragraph (espeak-ng pauses between them); sources and
    labels are left out, since they are not in the reader's words.
    """
    texts = [page.title, page.situation, page.summary]
    for block in page.body:
        texts += _block_texts(block.block_type, block.value)
    paragraphs = (" ".join(str(text).split()) for text in texts if text)
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _digest(voice: str, text: str) -> str:
    return hashlib.sha256(f"{voice}\n{text}".encode()).hexdigest()


def _run(arguments: list[str], timeout: int) -> None:
    subprocess.run(arguments, capture_output=True, timeout=timeout, check=True)


def speak_to_opus(text: str, voice: str, folder: Path) -> Path:
    """Read `text` with espeak-ng and encode it as Opus in Ogg; returns the file (in `folder`)."""
    text_file, wav, ogg = folder / "guide.txt", folder / "guide.wav", folder / "guide.ogg"
    text_file.write_text(text, encoding="utf-8")
    _run(
        ["espeak-ng", "-v", voice, "-b", "1", "-f", str(text_file), "-w", str(wav)],
        SPEAK_TIMEOUT_SECONDS,
    )
    _run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-i",
            str(wav),
            "-map_metadata",
            "-1",
            "-ac",
            "1",
            "-ar",
            OPUS_SAMPLE_RATE,
            "-c:a",
            "libopus",
            "-b:a",
            OPUS_BITRATE,
            "-application",
            "voip",
            "-f",
            "ogg",
            str(ogg),
        ],  # fmt: skip
        ENCODE_TIMEOUT_SECONDS,
    )
    return ogg


def probe_audio(path: Path) -> AudioFacts:
    """What ffprobe finds in `path`; AudioRejected unless it is audio a browser plays."""
    try:
        result = subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-of",
                "json",
                "-show_entries",
                "format=format_name,duration:stream=codec_type,codec_name"
                ":stream_disposition=attached_pic",
                str(path),
            ],  # fmt: skip
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_SECONDS,
        )
        found = json.loads(result.stdout or "{}") if result.returncode == 0 else {}
    except (subprocess.SubprocessError, ValueError):
        found = {}
    not_audio = _("This file is not a recording Faro can use. Upload Ogg (Opus), MP3 or M4A audio.")
    container = UPLOAD_FORMATS.get(found.get("format", {}).get("format_name", ""))
    streams = found.get("streams", [])
    audio = [s for s in streams if s.get("codec_type") == "audio"]
    # A picture attached to an MP3 (its cover) is fine; a film is not.
    moving = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
    ]
    if container is None or not audio or moving or audio[0].get("codec_name") not in UPLOAD_CODECS:
        raise AudioRejected(not_audio)
    try:
        duration = float(found["format"]["duration"])
    except (KeyError, ValueError):
        raise AudioRejected(not_audio) from None
    return AudioFacts(container[0], container[1], audio[0]["codec_name"], duration)


def _store(folder_file: Path, name: str) -> str:
    """Save a file under AUDIO_FOLDER as `name` (replacing a leftover of an interrupted run)."""
    stored_name = f"{AUDIO_FOLDER}/{name}"
    if default_storage.exists(stored_name):
        default_storage.delete(stored_name)
    with folder_file.open("rb") as handle:
        return default_storage.save(stored_name, File(handle))


def _replace_audio(page: GuidePage, fields: dict, keep_uploaded: bool) -> GuideAudio | None:
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
        stored = _store(ogg, f"guide-{page.pk}-{digest[:20]}.ogg")
        size = os.path.getsize(ogg)
    return _replace_audio(
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
        stored = _store(path, name)
    return _replace_audio(
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


def audio_of(page) -> GuideAudio | None:
    """The page's audio, or None (no query when the page came through GuidePage.objects)."""
    try:
        return page.audio
    except GuideAudio.DoesNotExist:
        return None


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
