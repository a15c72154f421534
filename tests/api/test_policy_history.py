"""The policy tracker in the API: a statement's history, recent changes, and
`needs_update` on every guide."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from know_your_rights.dates import format_partial_date
from know_your_rights.models import PolicyEvent, PolicyStatement
from tests.factories.know_your_rights import (
    GuideUpdateMarkFactory,
    PolicyEventFactory,
    PolicySourceFactory,
    body_citing,
    make_guide,
    make_statement,
    translate_guide,
)
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

Status = PolicyStatement.Status


def moment(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, 4, day, hour, tzinfo=datetime.UTC)


@pytest.fixture
def history():
    """A statement (with a Spanish translation) and its history: first version,
    a change superseding it on a test ruling, a verification, and a correction
    of the change; all recorded by a person whose name must never show."""
    recorder = UserFactory(
        username="rhea-recorder",
        email="rhea.recorder@example.org",
        first_name="Rhea",
        last_name="Recorder",
    )
    ruling = PolicySourceFactory(ruling=True)
    statement = make_statement("idnyc-accepted")
    spanish = make_statement(
        "idnyc-accepted",
        code="es",
        translation_key=statement.translation_key,
        summary="Resumen en español.",
    )
    replacement = make_statement("idnyc-replacement")
    events = {
        "first": PolicyEventFactory(statement=statement, first_version=True, recorded_at=moment(1)),
        "change": PolicyEventFactory(
            statement=statement,
            status=Status.SUPERSEDED,
            superseded_by=replacement,
            quote="New test words.",
            note="Replaced by the test ruling.",
            source=ruling,
            effective_year=2026,
            effective_month=3,
            effective_day=None,
            recorded_by=recorder,
            recorded_at=moment(2),
        ),
        "verification": PolicyEventFactory(
            statement=statement,
            verification=True,
            source=ruling,
            checked_on=datetime.date(2026, 4, 3),
            recorded_by=recorder,
            recorded_at=moment(3),
        ),
    }
    events["correction"] = PolicyEventFactory(
        statement=statement,
        kind=PolicyEvent.Kind.CORRECTION,
        corrects=events["change"],
        status=Status.CHANGED,
        previous_status=Status.SUPERSEDED,
        note="It was changed, not superseded.",
        source=ruling,
        recorded_by=recorder,
        recorded_at=moment(4),
    )
    other = PolicyEventFactory(
        statement=make_statement("detainers"), recorded_at=moment(5), note="Other change."
    )
    return {
        "statement": statement,
        "spanish": spanish,
        "replacement": replacement,
        "other": other,
        **events,
    }


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_history_is_the_statements_events_oldest_first_in_any_language(client, history):
    english = results(client.get(f"/api/v1/policy-statements/{history['statement'].pk}/history/"))
    spanish_id = history["spanish"].pk
    response = client.get(f"/api/v1/policy-statements/{spanish_id}/history/", {"lang": "es"})
    spanish = results(response)
    expected = ["first", "change", "verification", "correction"]
    assert [event["id"] for event in english] == [history[name].pk for name in expected]
    assert [event["id"] for event in spanish] == [event["id"] for event in english]
    assert [event["kind"] for event in spanish] == [
        "first_version",
        "change",
        "verification",
        "correction",
    ]

    first, change, verification, correction = spanish
    assert first["previous_status"] is None and first["url"] is None
    assert first["source"]["title"] == "Test memo" and first["source"]["kind"] == "memo"
    assert change["statement"]["id"] == spanish_id
    assert change["statement"]["summary"] == "Resumen en español."
    assert change["status"] == "superseded" and change["previous_status"] == "in_force"
    assert change["quote"] == "New test words."
    assert change["previous_quote"] == history["statement"].quote
    assert change["note"] == "Replaced by the test ruling."
    assert change["superseded_by"] == history["replacement"].pk
    assert change["source"]["title"] == "Test ruling 2026"
    assert change["source"]["kind"] == "ruling" and change["source"]["date"]["year"] == 2026
    assert change["effective"] == {
        "year": 2026,
        "month": 3,
        "day": None,
        "display": format_partial_date(2026, 3, None, "es"),
    }
    assert change["effective"]["display"] != format_partial_date(2026, 3, None, "en")
    assert change["url"] == f"{settings.SITE_URL}/es/policy/changes/{history['change'].pk}/"
    assert verification["checked_on"] == "2026-04-03" and verification["url"] is None
    assert correction["corrects"] == history["change"].pk and correction["url"]
    # The link leads to the change's public page.
    assert client.get(urlsplit(change["url"]).path).status_code == 200


def test_history_never_names_who_recorded(client, history):
    response = client.get(f"/api/v1/policy-statements/{history['statement'].pk}/history/")
    text = response.content.decode()
    assert response.status_code == 200
    for private in ("Rhea", "Recorder", "rhea-recorder", "rhea.recorder@example.org"):
        assert private not in text
    assert all("recorded_by" not in event for event in response.json()["results"])


def test_history_of_an_unknown_statement_is_a_404(client, history):
    for pk in (99999999, 2**63):
        response = client.get(f"/api/v1/policy-statements/{pk}/history/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_changes_lists_changes_and_corrections_newest_first(client, history):
    changes = results(client.get("/api/v1/policy-changes/", {"lang": "es"}))
    assert [event["id"] for event in changes] == [
        history["other"].pk,
        history["correction"].pk,
        history["change"].pk,
    ]
    assert changes[1]["url"] == (
        f"{settings.SITE_URL}/es/policy/changes/{history['correction'].pk}/"
    )
    paged = client.get("/api/v1/policy-changes/", {"page_size": 1}).json()
    assert paged["count"] == 3 and len(paged["results"]) == 1
    assert paged["next"].startswith(settings.SITE_URL + "/api/v1/policy-changes/")


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("2026-04-04", ["other", "correction"]),
        ("2026-04-04T13:00:00Z", ["other"]),
        ("2026-04-04T14:00+02:00", ["other", "correction"]),
        ("2026-04-06", []),
    ],
)
def test_changes_since_a_date_or_a_moment(client, history, since, expected):
    changes = results(client.get("/api/v1/policy-changes/", {"since": since}))
    assert [event["id"] for event in changes] == [history[name].pk for name in expected]


@pytest.mark.parametrize(
    "since", ["yesterday", "2026-02-30", "20260131", "2026-04-04T25:00", "9999-12-31T23:59-05:00"]
)
def test_a_bad_since_is_a_400_naming_it(client, since):
    response = client.get("/api/v1/policy-changes/", {"since": since})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "since" in error["fields"]
    assert "ISO 8601" in error["message"]


@pytest.fixture
def guides():
    """A guide citing a statement, with a Spanish translation, and a guide in English only."""
    statement = make_statement("guides-statement")
    cited = make_guide("your-idnyc", "Your IDNYC", body=body_citing([statement]))
    return {
        "cited": cited,
        "spanish": translate_guide(cited, "es", "Su IDNYC"),
        "english_only": make_guide("if-you-are-arrested", body=body_citing([statement])),
    }


def needs_update(client, lang: str) -> dict[str, bool]:
    items = results(client.get("/api/v1/guides/", {"lang": lang}))
    return {item["slug"]: item["needs_update"] for item in items}


def test_needs_update_follows_each_pages_open_marks(client, guides):
    assert needs_update(client, "es") == {"your-idnyc": False, "if-you-are-arrested": False}
    change = PolicyEventFactory()
    GuideUpdateMarkFactory(event=change, page=guides["cited"])
    GuideUpdateMarkFactory(event=change, page=guides["english_only"])
    # The English guide still awaits its update; its Spanish translation was
    # not marked. A fallback to English carries the English page's state.
    assert needs_update(client, "en") == {"your-idnyc": True, "if-you-are-arrested": True}
    assert needs_update(client, "es") == {"your-idnyc": False, "if-you-are-arrested": True}
    detail = client.get(f"/api/v1/guides/{guides['spanish'].pk}/", {"lang": "fr"}).json()
    assert detail["id"] == guides["cited"].pk and detail["needs_update"] is True
    spanish = client.get(f"/api/v1/guides/{guides['spanish'].pk}/").json()
    assert spanish["needs_update"] is False

    GuideUpdateMarkFactory(event=change, page=guides["spanish"], cleared=True)
    assert needs_update(client, "es")["your-idnyc"] is False


def test_guide_list_needs_one_query_for_needs_update_whatever_the_number_of_guides(client, guides):
    def count(attempt):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/guides/", {"uncached": attempt})
            assert response.status_code == 200
        return len(queries), response.json()["results"]

    count(0)  # warms per-process caches
    few, _ = count(1)
    change = PolicyEventFactory()
    for number in range(6):
        GuideUpdateMarkFactory(event=change, page=make_guide(f"marked-{number}"))
    many, items = count(2)
    assert len(items) == 8 and sum(item["needs_update"] for item in items) == 6
    assert many == few


def test_recording_retires_cached_answers(client, guides, history):
    statement = history["statement"]
    url = f"/api/v1/policy-statements/{statement.pk}/history/"
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    verification = PolicyEventFactory(statement=statement, verification=True)
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert response.json()["results"][-1]["id"] == verification.pk

    assert needs_update(client, "en")["your-idnyc"] is False
    mark = GuideUpdateMarkFactory(event=history["change"], page=guides["cited"])
    assert needs_update(client, "en")["your-idnyc"] is True
    mark.cleared_at = timezone.now()
    mark.save()
    assert needs_update(client, "en")["your-idnyc"] is False
