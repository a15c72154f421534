"""The external programs: espeak-ng and ffmpeg make speech as Opus in Ogg,
ffprobe says what a file is. Each runs with a timeout."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

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


class AudioRejected(Exception):
    """An upload that is not a usable recording; the message says why, translated."""


@dataclass(frozen=True)
class AudioFacts:
    """What ffprobe says of a file: its container, audio codec and length."""

    content_type: str
    extension: str
    codec: str
    duration: float


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
