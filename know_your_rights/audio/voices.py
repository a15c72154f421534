"""Which espeak-ng voice reads each of Faro's languages, whether this machine
has it, and whether editors turned the computer voice off there."""

from __future__ import annotations

import functools
import subprocess

from know_your_rights.audio.programs import PROBE_TIMEOUT_SECONDS
from know_your_rights.models.audio import ComputerVoiceSettings

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
