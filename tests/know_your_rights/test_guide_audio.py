"""Guides read aloud: the computer voice (espeak-ng → Opus) for languages it
speaks, editors' recordings (checked, limited, flagged when older than the
text), files served with range requests, the player on the page and `audio`
in the API.

Everything runs for real here: espeak-ng, ffmpeg and ffprobe (Debian
packages). The task's body is called in this process, so files land in a
MEDIA_ROOT of the test's own.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from know_your_rights import audio
from know_your_rights.models import ComputerVoiceSettings, GuideAudio, GuidePage
from tests.factories.know_your_rights import make_guide, translate_guide
from tests.support.waiting import wait_for

pytestmark = pytest.mark.django_db

# A guide of typical length (about 450 words read aloud), in Spanish and Arabic.
SENTENCES = {
    "es": (
        "Usted tiene derecho a guardar silencio. No tiene que decir dónde nació ni cuál es "
        "su estatus migratorio. Puede pedir hablar con un abogado antes de responder."
    ),
    "ar": (
        "لك الحق في التزام الصمت. لا يجب عليك أن تقول أين ولدت أو ما هو وضعك "
        "كمهاجر. يمكنك أن تطلب التحدث مع محام قبل أن تجيب."
    ),
}


def _typical_body(text: str) -> list:
    return [
        ("right", {"right": text, "say": text, "avoid": "", "statement": None, "on_card": True})
        for _ in range(6)
    ] + [("steps", {"heading": text[:100], "steps": [text[:290]] * 3})]


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _guide(slug: str, code: str) -> GuidePage:
    english = make_guide(slug, "Test audio guide", body=_typical_body("You may stay silent."))
    if code == "en":
        return english
    page = translate_guide(english, code, f"Test audio {code}", publish=False)
    page.summary = SENTENCES.get(code, page.summary)
    page.body = _typical_body(SENTENCES.get(code, "Text."))
    page.save_revision().publish()
    return GuidePage.objects.get(pk=page.pk)


def _probe(path: Path) -> dict:
    found = subprocess.run(
        ["ffprobe", "-v", "error", "-of", "json", "-show_format", "-show_streams", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return json.loads(found.stdout)


def _stored(media: Path) -> list[Path]:
    folder = media / "audio"
    return sorted(folder.iterdir()) if folder.exists() else []


def _generate(page, capture) -> GuideAudio | None:
    with capture(execute=True):
        return audio.generate_guide_audio(page.pk)


def _sound(tmp_path: Path, seconds: float, name: str, codec: str = "libmp3lame") -> Path:
    """A real recording (a tone) of `seconds`, encoded with `codec`."""
    path = tmp_path / name
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=300:duration={seconds}",
            "-ac",
            "1",
            "-c:a",
            codec,
            "-b:a",
            "32k",
            str(path),
        ],  # fmt: skip
        check=True,
        timeout=60,
    )
    return path


@pytest.mark.parametrize("code", ["es", "ar"])
def test_generated_audio_is_small_opus_that_plays(
    site_tree, media, code, django_capture_on_commit_callbacks
):
    page = _guide(f"test-audio-plays-{code}", code)
    made = _generate(page, django_capture_on_commit_callbacks)
    assert made is not None and made.source == GuideAudio.Source.GENERATED
    path = media / made.file.name
    facts = _probe(path)
    assert facts["streams"][0]["codec_name"] == "opus"
    assert float(facts["format"]["duration"]) > 1
    assert path.stat().st_size < 1024 * 1024
    assert made.size == path.stat().st_size
    # Plays: decodes from start to end with no error.
    decoded = subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert decoded.returncode == 0 and decoded.stderr == ""


def test_running_twice_makes_one_file_and_a_changed_guide_a_new_one(
    site_tree, media, django_capture_on_commit_callbacks
):
    page = _guide("test-audio-twice", "es")
    first = _generate(page, django_capture_on_commit_callbacks)
    again = _generate(page, django_capture_on_commit_callbacks)
    assert again.file.name == first.file.name
    assert [p.name for p in _stored(media)] == [Path(first.file.name).name]

    page.summary = "Un resumen nuevo y distinto."
    page.save_revision().publish()
    changed = _generate(page, django_capture_on_commit_callbacks)
    assert changed.file.name != first.file.name
    # The old file is gone; only the new one is kept.
    assert [p.name for p in _stored(media)] == [Path(changed.file.name).name]
    assert GuideAudio.objects.filter(page=page).count() == 1


@pytest.mark.parametrize("voice", [None, "xx-not-installed"])
def test_a_language_without_a_voice_gets_no_audio_and_no_player(
    site_tree, media, client, monkeypatch, voice, django_capture_on_commit_callbacks
):
    # Every Faro language has a voice on this machine: take Arabic's away
    # (no voice named, or one this espeak-ng does not have).
    if voice is None:
        monkeypatch.delitem(audio.VOICES, "ar")
    else:
        monkeypatch.setitem(audio.VOICES, "ar", voice)
    page = _guide("test-audio-no-voice", "ar")
    assert _generate(page, django_capture_on_commit_callbacks) is None
    assert not GuideAudio.objects.filter(page=page).exists()
    assert _stored(media) == []
    html = client.get(page.url).content.decode()
    assert "<audio" not in html and "guide-audio" not in html


def test_editors_turning_the_voice_off_removes_generated_audio(
    site_tree, media, client, django_capture_on_commit_callbacks
):
    page = _guide("test-audio-off", "es")
    assert _generate(page, django_capture_on_commit_callbacks) is not None
    ComputerVoiceSettings.objects.update_or_create(defaults={"off_languages": ["es"]})
    assert _generate(page, django_capture_on_commit_callbacks) is None
    assert _stored(media) == []
    assert "<audio" not in client.get(page.url).content.decode()


def test_a_deleted_guide_leaves_no_audio_file(site_tree, media, django_capture_on_commit_callbacks):
    page = _guide("test-audio-deleted", "es")
    assert _generate(page, django_capture_on_commit_callbacks) is not None
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert _stored(media) == []


def test_page_shows_a_player_that_loads_nothing_until_played(
    site_tree, media, client, django_capture_on_commit_callbacks
):
    page = _guide("test-audio-player", "es")
    before = client.get(page.url).content.decode()
    assert "<audio" not in before
    made = _generate(page, django_capture_on_commit_callbacks)
    html = client.get(page.url).content.decode()  # the page cache was purged
    assert f'<audio controls preload="none" src="{made.url}"' in html
    assert 'data-audio-source="generated"' in html
    assert 'aria-describedby="guide-audio-about"' in html
    assert html.count(made.url) == 2  # the player and the download link


def test_range_requests_get_the_right_bytes(
    site_tree, media, client, django_capture_on_commit_callbacks
):
    page = _guide("test-audio-range", "es")
    made = _generate(page, django_capture_on_commit_callbacks)
    content = (media / made.file.name).read_bytes()
    whole = client.get(made.url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "audio/ogg"
    assert b"".join(whole.streaming_content) == content

    part = client.get(made.url, HTTP_RANGE="bytes=100-1099")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-1099/{len(content)}"
    assert part["Content-Length"] == "1000"
    assert b"".join(part.streaming_content) == content[100:1100]

    tail = client.get(made.url, HTTP_RANGE="bytes=-500")
    assert tail.status_code == 206
    assert b"".join(tail.streaming_content) == content[-500:]

    outside = client.get(made.url, HTTP_RANGE=f"bytes={len(content)}-")
    assert outside.status_code == 416
    assert outside["Content-Range"] == f"bytes */{len(content)}"


def test_audio_of_an_unpublished_guide_is_not_served(
    site_tree, media, client, django_capture_on_commit_callbacks
):
    page = _guide("test-audio-unpublished", "es")
    made = _generate(page, django_capture_on_commit_callbacks)
    page.unpublish()
    assert client.get(made.url).status_code == 404


def _upload(admin_client, page, path: Path, name: str):
    return admin_client.post(
        reverse("know_your_rights_guide_audio", args=[page.pk]),
        {"action": "upload", "recording": SimpleUploadedFile(name, path.read_bytes())},
    )


def test_an_uploaded_recording_replaces_the_computer_voice_and_stays(
    site_tree, media, tmp_path, admin_client, client, django_capture_on_commit_callbacks
):
    page = _guide("test-audio-upload", "es")
    _generate(page, django_capture_on_commit_callbacks)
    recording = _sound(tmp_path, 3, "reading.mp3")
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(admin_client, page, recording, "reading.mp3")
    assert response.status_code == 302
    kept = GuideAudio.objects.get(page=page)
    assert kept.source == GuideAudio.Source.UPLOADED and kept.content_type == "audio/mpeg"
    assert [p.name for p in _stored(media)] == [Path(kept.file.name).name]
    assert 'data-audio-source="uploaded"' in client.get(page.url).content.decode()
    # Publishing again does not let the computer voice replace a person's recording.
    page.save_revision().publish()
    assert _generate(page, django_capture_on_commit_callbacks).file.name == kept.file.name


@pytest.mark.parametrize("problem", ["not audio", "too long", "too big"])
def test_a_bad_upload_is_refused_with_a_reason_and_nothing_is_stored(
    site_tree, media, tmp_path, admin_client, settings, problem
):
    page = _guide(f"test-audio-refused-{problem.replace(' ', '-')}", "es")
    if problem == "not audio":
        upload = tmp_path / "guide.mp3"
        upload.write_text("This is a text file with an .mp3 name.\n" * 50)
    elif problem == "too long":
        settings.GUIDE_AUDIO_MAX_SECONDS = 120
        upload = _sound(tmp_path, 130, "long.mp3")
    else:
        settings.GUIDE_AUDIO_MAX_BYTES = 2000
        upload = _sound(tmp_path, 3, "big.mp3")
    response = _upload(admin_client, page, upload, upload.name)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-message" role="alert"' in html
    expected = {
        "not audio": "not a recording Faro can use",
        "too long": "it may be at most 2 minutes",
        "too big": "a recording may be at most 2.0",
    }[problem]
    assert expected in html.replace("\xa0", " ")
    assert not GuideAudio.objects.filter(page=page).exists()
    assert _stored(media) == []


def test_a_recording_older_than_the_text_is_flagged_until_replaced_or_confirmed(
    site_tree, media, tmp_path, admin_client, django_capture_on_commit_callbacks
):
    page = _guide("test-audio-stale", "es")
    screen = reverse("know_your_rights_guide_audio", args=[page.pk])
    _upload(admin_client, page, _sound(tmp_path, 2, "reading.mp3"), "reading.mp3")
    assert 'data-audio-state="recording-stale"' not in admin_client.get(screen).content.decode()

    page.summary = "El texto cambió después de la grabación."
    page.save_revision().publish()
    assert 'data-audio-state="recording-stale"' in admin_client.get(screen).content.decode()
    listing = admin_client.get(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))
    assert 'data-audio-state="recording-stale"' in listing.content.decode()
    editor = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]), follow=True)
    assert "made before its latest publish" in editor.content.decode()

    admin_client.post(screen, {"action": "confirm"})
    assert 'data-audio-state="recording-stale"' not in admin_client.get(screen).content.decode()


def test_api_gives_audio_url_or_null(site_tree, media, client, django_capture_on_commit_callbacks):
    with_audio = _guide("test-audio-api-yes", "es")
    without = _guide("test-audio-api-no", "es")
    made = _generate(with_audio, django_capture_on_commit_callbacks)
    for page, expected in ((with_audio, made.url), (without, None)):
        detail = client.get(f"/api/v1/guides/{page.pk}/").json()
        if expected is None:
            assert detail["audio"] is None
        else:
            assert detail["audio"].endswith(expected)
    listed = {
        guide["id"]: guide["audio"]
        for guide in client.get("/api/v1/guides/?lang=es&page_size=100").json()["results"]
    }
    assert listed[without.pk] is None and listed[with_audio.pk].endswith(made.url)
    schema = client.get("/api/v1/schema/?format=json").json()
    guide_schema = schema["components"]["schemas"]["Guide"]["properties"]["audio"]
    assert guide_schema["nullable"] is True and guide_schema["format"] == "uri"


@pytest.mark.django_db(transaction=True)
def test_publishing_a_guide_has_a_real_worker_voice_it(celery_worker_process, site_tree):
    # The publish queues the task once it commits; a worker in another
    # process makes the file (in the shared MEDIA_ROOT, removed afterwards).
    page = _guide("test-audio-worker", "es")
    # Both languages were published: wait for both, so no file is made after the test.
    wait_for(
        lambda: GuideAudio.objects.count() == 2, timeout=180, message="the worker made no audio"
    )
    try:
        made = GuideAudio.objects.get(page=page)
        assert made.source == GuideAudio.Source.GENERATED
        with default_storage.open(made.file.name, "rb") as handle:
            assert handle.read(4) == b"OggS"
        assert made.duration > 1
    finally:
        for name in GuideAudio.objects.values_list("file", flat=True):
            default_storage.delete(name)
