"""The computer voice for one guide of the browser tests' site, made and taken away.

The site's worker does not take the `media` queue (tests/browser/conftest.py),
so the audio a publish would queue is made here instead, by calling the same
function the task calls, in a short subprocess with the site's environment and
database (as tests.browser.audio_guide uploads a recording):

    url = voice_guide(live_site, "your-idnyc", "es")   # the audio file's path
    unvoice_guide(live_site, "your-idnyc", "es")       # row and file gone again
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(site, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "tests.browser.outreach_audio", json.dumps(arguments)],
        cwd=ROOT,
        env=site.env,
        capture_output=True,
        text=True,
        # espeak-ng and ffmpeg read a whole memo guide: a minute or two on a busy machine.
        timeout=300,
    )
    assert result.returncode == 0, f"{arguments} failed on the site:\n{result.stderr[-3000:]}"
    lines = result.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def voice_guide(site, slug: str, language: str) -> str:
    """Generate the computer-voice audio of guide `slug` in `language`; returns its path.

    Fails when the guide already has audio (another test's, or a leftover):
    the caller removes only what it made.
    """
    return _run(site, "voice", slug, language)


def unvoice_guide(site, slug: str, language: str) -> None:
    """Remove the computer-voice audio of guide `slug` in `language` (row and file)."""
    _run(site, "unvoice", slug, language)


def _here(action: str, slug: str, language: str) -> None:
    """The other end: runs with the site's settings and database."""
    import django

    django.setup()
    from know_your_rights import audio
    from know_your_rights.models import GuidePage

    page = GuidePage.objects.live().get(slug=slug, locale__language_code=language)
    current = audio.audio_of(page)
    if action == "voice":
        assert current is None, f"{language} {slug} already has audio: {current}"
        made = audio.generate_guide_audio(page.pk)
        assert made is not None and made.is_generated, f"no computer voice for {language}"
        print(made.url)
    elif current is not None:
        assert current.is_generated, "a person's recording is not this test's to remove"
        audio.remove_audio(current)


if __name__ == "__main__":
    _here(*json.loads(sys.argv[1]))
