"""A guide of a test's own on the browser tests' site, in Haitian Creole, with
the computer voice turned off there (so the site's worker never voices it),
and then a recording uploaded for it.

Like tests.browser.own_guide, the work runs in a short subprocess with the
site's environment and database:

    path = make_audio_guide(live_site, "test-audio-weight")   # "/ht/guides/test-audio-weight/"
    url = record_audio_guide(live_site, "test-audio-weight")  # the audio file's path
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LANGUAGE = "ht"


def _run(site, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tests.browser.audio_guide", json.dumps(arguments)],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, f"{arguments} failed:\n{result.stderr[-3000:]}"
    return result.stdout.strip().splitlines()[-1]


def make_audio_guide(site, slug: str) -> str:
    """Publish guide `slug` in English and Haitian Creole (no audio); returns the Creole path."""
    return _run(site, "make", slug)


def record_audio_guide(site, slug: str) -> str:
    """Upload a recording of the Creole guide `slug`; returns the audio file's path."""
    return _run(site, "record", slug)


def _here(action: str, slug: str) -> None:
    """The other end: runs with the site's settings and database."""
    import tempfile

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from know_your_rights import audio
    from know_your_rights.models import ComputerVoiceSettings, GuidePage
    from tests.factories.know_your_rights import make_guide, translate_guide

    if action == "make":
        voice = ComputerVoiceSettings.load()
        if LANGUAGE not in voice.off_languages:
            voice.off_languages = [*voice.off_languages, LANGUAGE]
            voice.save()
        english = make_guide(slug, "Test audio guide", summary="Test summary of the audio guide.")
        translate_guide(english, LANGUAGE, "Gid odyo")
        print(f"/{LANGUAGE}/guides/{slug}/")
        return
    page = GuidePage.objects.get(slug=slug, locale__language_code=LANGUAGE)
    # A person's reading stands in for the test as the computer voice's file.
    with tempfile.TemporaryDirectory() as folder:
        ogg = audio.speak_to_opus(audio.guide_plain_text(page), "ht", Path(folder))
        upload = SimpleUploadedFile("reading.ogg", ogg.read_bytes())
    print(audio.save_recording(page, upload).url)


if __name__ == "__main__":
    _here(*json.loads(sys.argv[1]))
