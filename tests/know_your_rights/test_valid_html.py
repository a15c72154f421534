"""Every public page type is valid HTML per the W3C Nu checker, left to
right (Spanish) and right to left (Arabic).

The checker is vnu.jar from the npm registry (package.json, installed by
`make setup`), run locally on Debian's Java: nothing leaves the machine. All
pages go to one checker run, because starting the JVM is the slow part.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from advocacy.models import Subscriber
from advocacy.tokens import CONFIRM, MANAGE, UNSUBSCRIBE, make_token
from know_your_rights.guide_body import cited_statements
from know_your_rights.models import GuidePage, PolicyEvent, PolicyStatement
from know_your_rights.tracker.recording import record_change
from tests.factories.advocacy import make_subscriber, publish_alert
from tests.factories.know_your_rights import PolicySourceFactory

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = ["es", "ar"]


def public_pages(
    language: str, alert_slug: str, tokens: dict[str, str], change: PolicyEvent
) -> dict[str, str]:
    """Page type -> path, one of each kind a reader can reach."""
    return {
        "home": f"/{language}/",
        "guide index": f"/{language}/guides/",
        "guide": f"/{language}/guides/your-idnyc/",
        "wallet card": f"/{language}/guides/your-idnyc/card/",
        "alert index": f"/{language}/alerts/",
        "alert": f"/{language}/alerts/{alert_slug}/",
        "subscribe": f"/{language}/subscribe/",
        "subscribe with errors": f"/{language}/subscribe/",
        "confirm": f"/{language}/subscribe/confirm/{tokens[CONFIRM]}/",
        "preferences": f"/{language}/preferences/{tokens[MANAGE]}/",
        # One-click unsubscribe has no language prefix; it speaks the subscriber's.
        "unsubscribe": f"/unsubscribe/{tokens[UNSUBSCRIBE]}/",
        "bad link": f"/{language}/preferences/not-a-token/",
        "search": f"/{language}/search/?q=IDNYC",
        "policy tracker": f"/{language}/policy/",
        "policy statement": f"/{language}/policy/{change.statement.key}/",
        "policy change": f"/{language}/policy/changes/{change.pk}/",
        "not found": f"/{language}/no-such-page/",
    }


def run_checker(folder: Path) -> list[dict]:
    """The Nu checker's errors and warnings for every .html file in ``folder``."""
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        pytest.fail(
            "The Nu checker is missing: run `make setup` (Java and vnu-jar from package.json)"
        )
    result = subprocess.run(
        [java, "-Xss1m", "-jar", str(VNU_JAR), "--format", "json", "--also-check-css", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(result.stderr or '{"messages": []}')["messages"]


def _recorded_change() -> PolicyEvent:
    """A change to a statement the IDNYC guide cites, so the guide and its
    card carry the "needs update" notice too (test data, rolled back)."""
    guide = GuidePage.objects.get(slug="your-idnyc", locale__language_code="en")
    (statement, *_others) = cited_statements(guide.body)
    return record_change(
        statement,
        status=PolicyStatement.Status.CHANGED,
        source=PolicySourceFactory(title="Test ruling 2026", kind="ruling", date_year=2026),
        effective_date=(2026, 3, None),
        note="Test data: a change recorded to check the pages' HTML.",
    )


def test_every_public_page_type_is_valid_html(seeded, tmp_path):
    alert = publish_alert("Valid HTML alert", translations=("es", "ar"))
    change = _recorded_change()
    saved: dict[str, str] = {}
    for language in LANGUAGES:
        subscriber = make_subscriber(
            f"valid-{language}@example.org", language=language, areas=(), topics=()
        )
        pending = make_subscriber(
            f"pending-{language}@example.org", language=language, status=Subscriber.Status.PENDING
        )
        tokens = {
            CONFIRM: make_token(pending, CONFIRM),
            MANAGE: make_token(subscriber, MANAGE),
            UNSUBSCRIBE: make_token(subscriber, UNSUBSCRIBE),
        }
        client = Client()
        for kind, path in public_pages(language, alert.slug, tokens, change).items():
            if kind == "subscribe with errors":
                response = client.post(path, {"email": "not an address", "language": language})
            else:
                response = client.get(path)
            expected = {"not found": 404, "bad link": 400, "subscribe with errors": 400}.get(
                kind, 200
            )
            assert response.status_code == expected, (kind, path, response.status_code)
            html = response.content.decode()
            assert f'lang="{language}"' in html, (kind, path)
            name = f"{language}-{kind.replace(' ', '-')}.html"
            (tmp_path / name).write_text(html, encoding="utf-8")
            saved[name] = path

    # A page known to be invalid proves the checker read the folder: a run
    # that checked nothing would otherwise pass.
    (tmp_path / "control.html").write_text(
        '<!doctype html><html lang="en"><title>x</title><form action=""></form></html>',
        encoding="utf-8",
    )
    messages = run_checker(tmp_path)
    control = [m for m in messages if Path(m.get("url", "")).name == "control.html"]
    assert any("action" in m.get("message", "") for m in control), control
    problems = [
        f"{saved[Path(m['url']).name]}: {m.get('message')} [line {m.get('lastLine')}] {m.get('extract', '')!r}"
        for m in messages
        if Path(m.get("url", "")).name in saved
        and (m.get("type") == "error" or m.get("subType") == "warning")
    ]
    assert not problems, "\n".join(problems)


def test_guide_pages_describe_themselves_in_their_language(seeded, client):
    from_page = {}
    for language in ("en", "es", "ar"):
        html = client.get(f"/{language}/guides/your-idnyc/").content.decode()
        start = html.index('<meta name="description" content="') + len(
            '<meta name="description" content="'
        )
        from_page[language] = html[start : html.index('"', start)]
    assert all(from_page.values()), from_page
    # Each language's own summary, not the English one.
    assert len(set(from_page.values())) == 3, from_page
