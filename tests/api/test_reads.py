"""Read endpoints: languages, guides, policy statements, hotlines, alerts, areas, topics."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from advocacy.models import Area
from know_your_rights.models import GuidePage, PolicySource, PolicyStatement
from know_your_rights.review import approve
from tests.factories.advocacy import ensure_areas, publish_alert
from tests.factories.know_your_rights import (
    body_citing,
    make_guide,
    make_hotline,
    make_private,
    make_statement,
    translate_guide,
)
from tests.factories.site import guide_index, locale

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides():
    """Two published guides (one translated into Spanish), a draft and a private one.

    Their keys, slugs and names start with "test-" (or "Test"), apart from the memo
    content another test module may have seeded: the tests read only their own items.
    """
    first = make_statement("test-idnyc-accepted", last_verified=datetime.date(2026, 1, 5))
    second = make_statement(
        "test-detainers",
        status=PolicyStatement.Status.CHANGED,
        status_note="Changed in 2025.",
        review_due=datetime.date(2020, 1, 1),
        last_verified=datetime.date(2019, 1, 1),
    )
    hotline = make_hotline("Test help line")
    idnyc = make_guide("test-your-idnyc", "Your IDNYC", body=body_citing([first, second], hotline))
    spanish = translate_guide(idnyc, "es", "Su IDNYC")
    arrest = make_guide("test-if-you-are-arrested", "If you are arrested")
    draft = make_guide("test-draft-guide", "Secret draft", publish=False)
    private = make_guide("test-private-guide", "Private guide")
    make_private(private)
    return {
        "idnyc": idnyc,
        "spanish": spanish,
        "arrest": arrest,
        "draft": draft,
        "private": private,
        "statements": (first, second),
        "hotline": hotline,
    }


def ours(items: list[dict], field: str = "key") -> list[dict]:
    """The items this module made (seeded memo content may be listed too)."""
    return [item for item in items if item[field].lower().startswith("test")]


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    return body["results"]


def test_languages_lists_all_twelve_with_direction(client):
    found = {item["code"]: item for item in results(client.get("/api/v1/languages/"))}
    assert len(found) == 12
    assert found["ar"]["direction"] == "rtl" and found["en"]["is_source"] is True
    assert found["zh-hant"]["bcp47"] == "zh-Hant"


def test_spanish_guide_list_serves_translations_and_falls_back_to_the_source(client, guides):
    items = ours(results(client.get("/api/v1/guides/", {"lang": "es"})), "slug")
    by_slug = {item["slug"]: item for item in items}
    assert set(by_slug) == {"test-your-idnyc", "test-if-you-are-arrested"}
    spanish = by_slug["test-your-idnyc"]
    assert spanish["id"] == guides["spanish"].pk and spanish["title"] == "Su IDNYC"
    assert spanish["language"] == "es" and spanish["fallback"] is False
    assert spanish["needs_review"] is True  # nobody approved the translation
    assert spanish["translations"] == {"en": guides["idnyc"].pk, "es": guides["spanish"].pk}
    fallback = by_slug["test-if-you-are-arrested"]
    assert fallback["language"] == "en" and fallback["fallback"] is True
    assert fallback["needs_review"] is False


def test_an_approved_translation_no_longer_needs_review(client, guides, admin_user):
    approve(guides["spanish"], admin_user)
    items = results(client.get("/api/v1/guides/", {"lang": "es"}))
    assert {i["slug"]: i["needs_review"] for i in items}["test-your-idnyc"] is False


def test_accept_language_chooses_when_lang_is_absent(client, guides):
    items = results(client.get("/api/v1/guides/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9"))
    assert {i["slug"]: i["language"] for i in items}["test-your-idnyc"] == "es"
    items = results(client.get("/api/v1/guides/"))
    assert {i["language"] for i in items} == {"en"}


def test_unknown_language_is_a_400_listing_supported_codes(client, guides):
    response = client.get("/api/v1/guides/", {"lang": "tlh"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "unsupported_language"
    assert "lang" in error["fields"] and "zh-hans" in error["message"]
    assert len(error["supported_languages"]) == 12


def test_drafts_and_private_guides_never_appear(client, guides):
    # A draft change to a live guide is not served either.
    idnyc = guides["idnyc"]
    idnyc.title = "Unpublished new title"
    idnyc.save_revision()
    for lang in ("en", "es"):
        text = client.get("/api/v1/guides/", {"lang": lang}).content.decode()
        assert "Secret draft" not in text and "Private guide" not in text
        assert "Unpublished new title" not in text
    for page in (guides["draft"], guides["private"]):
        response = client.get(f"/api/v1/guides/{page.pk}/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_guide_filters_by_situation_and_text(client, guides):
    items = results(client.get("/api/v1/guides/", {"situation": "test-if-you-are-arrested"}))
    assert [i["slug"] for i in items] == ["test-if-you-are-arrested"]
    items = ours(results(client.get("/api/v1/guides/", {"q": "arrested"})), "slug")
    assert [i["slug"] for i in items] == ["test-if-you-are-arrested"]
    assert results(client.get("/api/v1/guides/", {"q": "zzznothing"})) == []


def test_guide_detail_has_typed_blocks_with_statement_source_status_and_dates(client, guides):
    response = client.get(f"/api/v1/guides/{guides['idnyc'].pk}/")
    guide = response.json()
    assert guide["language"] == "en" and guide["fallback"] is False
    types = [block["type"] for block in guide["body"]]
    assert types == ["right", "right", "steps", "hotline"]
    first, second = guide["body"][0]["value"], guide["body"][1]["value"]
    assert first["right"] == "Right 0"
    statement = first["statement"]
    assert statement["key"] == "test-idnyc-accepted" and statement["status"] == "in_force"
    assert statement["as_of"]["year"] == 2017 and statement["last_verified"] == "2026-01-05"
    assert statement["source"]["title"] == "Test memo"
    assert statement["source"]["issuer"] == "Test issuer"
    assert second["statement"]["status"] == "changed"
    assert second["statement"]["status_note"] == "Changed in 2025."
    assert second["statement"]["review_due"] == "2020-01-01"
    assert second["statement"]["out_of_date"] is True
    assert guide["body"][3]["value"]["hotline"]["name"] == "Test help line"
    assert guide["sources"][0]["source"]["title"] == "Test memo"
    assert sorted(guide["sources"][0]["statements"]) == sorted(s.pk for s in guides["statements"])


def test_lang_on_a_detail_answers_with_the_same_guide_in_that_language(client, guides):
    idnyc, spanish = guides["idnyc"], guides["spanish"]
    guide = client.get(f"/api/v1/guides/{idnyc.pk}/", {"lang": "es"}).json()
    assert guide["id"] == spanish.pk and guide["title"] == "Su IDNYC"
    assert guide["language"] == "es" and guide["needs_review"] is True
    guide = client.get(f"/api/v1/guides/{spanish.pk}/", {"lang": "en"}).json()
    assert guide["id"] == idnyc.pk
    guide = client.get(f"/api/v1/guides/{idnyc.pk}/", {"lang": "fr"}).json()
    assert guide["id"] == idnyc.pk and guide["fallback"] is True and guide["language"] == "en"
    assert client.get(f"/api/v1/guides/{idnyc.pk}/", {"lang": "xx"}).status_code == 400
    assert client.get("/api/v1/guides/99999999999999999999999/").status_code == 404


def test_detail_query_count_does_not_grow_with_blocks(client, guides):
    def count(page, attempt):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/guides/{page.pk}/", {"uncached": attempt})
            assert response.status_code == 200
        return len(queries)

    statements = [make_statement(f"extra-{n}") for n in range(12)]
    long_guide = make_guide("long", body=body_citing(statements, guides["hotline"]))
    count(guides["idnyc"], 0)  # warms per-process caches (content types, site root)
    assert count(long_guide, 1) <= count(guides["idnyc"], 2)


def test_policy_statements_with_sources_and_fallback(client, guides):
    first, _second = guides["statements"]
    make_statement("test-idnyc-accepted", code="es", translation_key=first.translation_key)
    items = results(client.get("/api/v1/policy-statements/", {"lang": "es"}))
    by_key = {item["key"]: item for item in items}
    assert by_key["test-idnyc-accepted"]["language"] == "es"
    assert by_key["test-idnyc-accepted"]["needs_review"] is True
    assert by_key["test-detainers"]["fallback"] is True
    assert by_key["test-detainers"]["source"]["url"] == "https://example.org/memo"


def test_hotlines(client, guides):
    items = ours(results(client.get("/api/v1/hotlines/", {"lang": "ar"})), "name")
    assert [(i["name"], i["language"], i["fallback"]) for i in items] == [
        ("Test help line", "en", True)
    ]


def test_alerts_filters_and_expiry(client):
    areas = ensure_areas()
    now = timezone.now()
    brooklyn = publish_alert("Brooklyn checkpoint", urgency="urgent", areas=[areas["brooklyn"]])
    queens = publish_alert("Queens notice", areas=[areas["queens"]], translations=("es",))
    publish_alert("Old notice", expires_at=now - datetime.timedelta(hours=1))

    titles = [a["title"] for a in results(client.get("/api/v1/alerts/"))]
    assert set(titles) == {"Brooklyn checkpoint", "Queens notice"}
    everything = results(client.get("/api/v1/alerts/", {"include_expired": "true"}))
    assert "Old notice" in [a["title"] for a in everything]
    # An alert for Brooklyn concerns Sunset Park.
    in_sunset_park = results(client.get("/api/v1/alerts/", {"area": "sunset-park"}))
    assert [a["id"] for a in in_sunset_park] == [brooklyn.pk]
    assert results(client.get("/api/v1/alerts/", {"urgency": "urgent"}))[0]["urgency"] == "urgent"
    spanish = results(client.get("/api/v1/alerts/", {"lang": "es", "area": "queens"}))
    assert spanish[0]["title"] == "[es] Queens notice" and spanish[0]["fallback"] is False
    assert spanish[0]["translations"]["en"] == queens.pk
    assert spanish[0]["areas"] == ["queens"]
    future = (now + datetime.timedelta(days=1)).isoformat()
    assert results(client.get("/api/v1/alerts/", {"since": future})) == []
    for bad in ({"area": "atlantis"}, {"since": "yesterday"}, {"urgency": "panic"}):
        response = client.get("/api/v1/alerts/", bad)
        assert response.status_code == 400
        assert set(response.json()["error"]["fields"]) == set(bad)


def test_areas_and_topics_are_named_in_the_requested_language(client):
    ensure_areas()
    Area.objects.get_or_create(slug="bronx", defaults={"name": "The Bronx"})

    def named(url: str, lang: str) -> dict[str, dict]:
        return {item["slug"]: item for item in results(client.get(url, {"lang": lang}))}

    spanish_areas = named("/api/v1/areas/", "es")
    assert spanish_areas["bronx"]["name"] == "El Bronx"
    # A proper name the catalog keeps as it is.
    assert spanish_areas["sunset-park"]["name"] == "Sunset Park"
    assert spanish_areas["sunset-park"]["parent"] == "brooklyn"
    assert named("/api/v1/areas/", "en")["bronx"]["name"] == "The Bronx"
    assert named("/api/v1/topics/", "es")["ice-activity"]["name"] == "Actividad de ICE"
    assert named("/api/v1/topics/", "en")["ice-activity"]["name"] == "ICE activity"


def test_page_size_has_a_hard_maximum_and_bad_numbers_are_400(client):
    ensure_areas()
    body = client.get("/api/v1/languages/", {"page_size": 100000}).json()
    assert body["count"] == 12 and len(body["results"]) == 12
    body = client.get("/api/v1/languages/", {"page_size": 5, "page": 2}).json()
    assert len(body["results"]) == 5 and body["previous"] and body["next"]
    for bad in ({"page_size": "abc"}, {"page_size": 0}, {"page": "-1"}):
        response = client.get("/api/v1/languages/", bad)
        assert response.status_code == 400, bad
        assert list(response.json()["error"]["fields"]) == list(bad)
    assert client.get("/api/v1/languages/", {"page": 99}).status_code == 404


def test_max_page_size_is_enforced(client, settings):
    settings.API_MAX_PAGE_SIZE = 3
    body = client.get("/api/v1/languages/", {"page_size": 100000}).json()
    assert len(body["results"]) == 3 and body["count"] == 12


def test_unknown_query_parameters_are_ignored(client, guides):
    plain = client.get("/api/v1/guides/").json()
    assert client.get("/api/v1/guides/", {"colour": "blue", "x[]": "1"}).json() == plain


def test_errors_use_the_envelope_for_unknown_paths_methods_and_accept(client):
    for response in (
        client.get("/api/v1/nothing-here/"),
        client.get("/api/v1/guides/abc/"),
        client.delete("/api/v1/guides/"),
        client.get("/api/v1/languages/", HTTP_ACCEPT="text/html"),
    ):
        assert 400 <= response.status_code < 500
        assert response["Content-Type"].startswith("application/json")
        assert set(response.json()["error"]) >= {"code", "message", "fields"}


def _many_guides(start: int, stop: int) -> None:
    index = guide_index()
    for number in range(start, stop):
        index.add_child(
            instance=GuidePage(
                title=f"Guide {number}",
                slug=f"bulk-{number}",
                situation="s",
                summary="s",
                body=[],
            )
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"lang": "es", "page_size": 100})
        assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_items(client):
    ensure_areas()
    _many_guides(0, 5)
    for number in range(5):
        make_statement(f"bulk-{number}")
        make_hotline(f"Line {number}")
        publish_alert(f"Alert {number}", areas=[])
    urls = ["/api/v1/guides/", "/api/v1/policy-statements/", "/api/v1/hotlines/", "/api/v1/alerts/"]
    small = {url: _queries(client, url) for url in urls}
    _many_guides(5, 100)
    for number in range(5, 100):
        make_statement(f"bulk-{number}")
        make_hotline(f"Line {number}")
    for number in range(5, 30):
        publish_alert(f"Alert {number}", areas=[])
    for url in urls:
        assert len(client.get(url, {"page_size": 100}).json()["results"]) >= 30
        assert _queries(client, url + "?fresh=1") <= small[url], url


def _in(code: str, message: str) -> str:
    with translation.override(code):
        return gettext(message)


def test_lang_ar_answers_date_labels_in_arabic(client, guides):
    arabic = _in("ar", "%(year)s (day not given)") % {"year": 2017}
    assert arabic != "2017 (day not given)"
    items = ours(results(client.get("/api/v1/policy-statements/", {"lang": "ar"})))
    assert {item["as_of"]["display"] for item in items} == {arabic}
    assert {item["source"]["date"]["display"] for item in items} == {arabic}
    guide = client.get(f"/api/v1/guides/{guides['idnyc'].pk}/", {"lang": "ar"}).json()
    assert guide["body"][0]["value"]["statement"]["as_of"]["display"] == arabic
    assert guide["sources"][0]["source"]["date"]["display"] == arabic
    # Without ?lang=, Accept-Language still decides.
    items = ours(results(client.get("/api/v1/policy-statements/", HTTP_ACCEPT_LANGUAGE="ar")))
    assert {item["as_of"]["display"] for item in items} == {arabic}


def test_block_kind_and_status_labels_follow_lang(client, guides):
    guide = client.get(f"/api/v1/guides/{guides['idnyc'].pk}/", {"lang": "ar"}).json()
    labels = [block["label"] for block in guide["body"]]
    assert labels == [_in("ar", name) for name in ("Right", "Right", "Steps", "Hotline")]
    assert labels[0] != "Right"
    statement = guide["body"][0]["value"]["statement"]
    assert statement["status_label"] == _in("ar", "In force") != "In force"
    assert statement["kind_label"] == _in("ar", "Policy") != "Policy"
    english = client.get(f"/api/v1/guides/{guides['idnyc'].pk}/", {"lang": "en"}).json()
    assert english["body"][0]["label"] == "Right"


def test_source_titles_in_the_requested_language_or_flagged_as_fallback(client, guides):
    memo = PolicySource.objects.get(title="Test memo")
    arabic = memo.copy_for_translation(locale("ar"))
    arabic.title = "مذكرة الاختبار"
    arabic.text_attribution = "النص كما نقله مصدر الاختبار."
    arabic.save()

    for item in ours(results(client.get("/api/v1/policy-statements/", {"lang": "ar"}))):
        source = item["source"]
        assert (source["title"], source["language"], source["fallback"]) == (
            "مذكرة الاختبار",
            "ar",
            False,
        )
        assert source["text_attribution"] == "النص كما نقله مصدر الاختبار."
        assert source["needs_review"] is True  # nobody approved the translation
    guide = client.get(f"/api/v1/guides/{guides['idnyc'].pk}/", {"lang": "ar"}).json()
    assert guide["sources"][0]["source"]["title"] == "مذكرة الاختبار"
    assert guide["body"][0]["value"]["statement"]["source"]["title"] == "مذكرة الاختبار"

    # No French version: the source is served and says so.
    for item in ours(results(client.get("/api/v1/policy-statements/", {"lang": "fr"}))):
        source = item["source"]
        assert (source["title"], source["language"], source["fallback"]) == (
            "Test memo",
            "en",
            True,
        )
        assert source["needs_review"] is False
