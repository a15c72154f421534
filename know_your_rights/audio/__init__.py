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

The package's modules: ``voices`` (which voice reads which language),
``guide_text`` (what it reads), ``programs`` (espeak-ng, ffmpeg, ffprobe),
``storage`` (the row and its file), ``generation`` (the computer voice)
and ``recordings`` (editors' uploads and whether they are stale).
Callers import from here.
"""

from know_your_rights.audio.generation import (
    GENERATE_TASK,
    generate_guide_audio,
    queue_guide_audio,
)
from know_your_rights.audio.guide_text import guide_plain_text
from know_your_rights.audio.programs import (
    ENCODE_TIMEOUT_SECONDS,
    OPUS_BITRATE,
    OPUS_SAMPLE_RATE,
    PROBE_TIMEOUT_SECONDS,
    SPEAK_TIMEOUT_SECONDS,
    UPLOAD_CODECS,
    UPLOAD_FORMATS,
    AudioFacts,
    AudioRejected,
    probe_audio,
    speak_to_opus,
)
from know_your_rights.audio.recordings import (
    confirm_recording_current,
    max_upload_bytes,
    max_upload_seconds,
    recording_is_stale,
    save_recording,
)
from know_your_rights.audio.storage import (
    audio_of,
    delete_file_after_commit,
    remove_audio,
)
from know_your_rights.audio.voices import (
    VOICES,
    computer_voice_for,
    installed_voices,
    voice_for,
)

__all__ = [
    "ENCODE_TIMEOUT_SECONDS",
    "GENERATE_TASK",
    "OPUS_BITRATE",
    "OPUS_SAMPLE_RATE",
    "PROBE_TIMEOUT_SECONDS",
    "SPEAK_TIMEOUT_SECONDS",
    "UPLOAD_CODECS",
    "UPLOAD_FORMATS",
    "VOICES",
    "AudioFacts",
    "AudioRejected",
    "audio_of",
    "computer_voice_for",
    "confirm_recording_current",
    "delete_file_after_commit",
    "generate_guide_audio",
    "guide_plain_text",
    "installed_voices",
    "max_upload_bytes",
    "max_upload_seconds",
    "probe_audio",
    "queue_guide_audio",
    "recording_is_stale",
    "remove_audio",
    "save_recording",
    "speak_to_opus",
    "voice_for",
]
