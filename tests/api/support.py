"""Content for the API tests: a source, statements, hotlines and guides, some translated."""

from __future__ import annotations

import uuid

from wagtail.models import Locale, PageViewRestriction

from cms.models import HomePage
from know_your_rights.models import (
    GuideIndexPage,
    GuidePage,
    Hotline,
    PolicySource,
    PolicyStatement,
)


def locale(code: str) -> Locale:
    return Locale.objects.get(language_code=code)


def guide_index(code: str = "en") -> GuideIndexPage:
    index = GuideIndexPage.objects.filter(locale__language_code=code).first()
    if index is None:
        home = HomePage.objects.get(locale__language_code=code)
        index = home.add_child(instance=GuideIndexPage(title="Guides", slug="guides"))
        index.save_revision().publish()
    return index


def make_source() -> PolicySource:
    return PolicySource.objects.get_or_create(
        title="Test memo",
        defaults={"issuer": "Test issuer", "date_year": 2017, "url": "https://example.org/memo"},
    )[0]


def make_statement(key: str, code: str = "en", **fields) -> PolicyStatement:
    fields.setdefault("source", make_source())
    return PolicyStatement.objects.create(
        key=key,
        locale=locale(code),
        attribution="Policy as stated in the test memo",
        quote=f"Quote {key}.",
        summary=f"Summary {key}.",
        as_of_year=2017,
        **fields,
    )


def make_hotline(name: str = "Test line", code: str = "en", **fields) -> Hotline:
    return Hotline.objects.create(name=name, phone="000", locale=locale(code), **fields)


def body_citing(statements, hotline=None) -> list[dict]:
    blocks = [
        {
            "type": "right",
            "id": str(uuid.uuid4()),
            "value": {
                "right": f"Right {n}",
                "say": "Say this.",
                "avoid": "",
                "statement": statement.pk,
                "on_card": True,
            },
        }
        for n, statement in enumerate(statements)
    ]
    blocks.append(
        {"type": "steps", "id": str(uuid.uuid4()), "value": {"heading": "Do", "steps": ["One"]}}
    )
    if hotline is not None:
        blocks.append(
            {
                "type": "hotline",
                "id": str(uuid.uuid4()),
                "value": {"hotline": hotline.pk, "note": "Call"},
            }
        )
    return blocks


def make_guide(slug: str, title: str = "", body=None, publish: bool = True, **fields) -> GuidePage:
    page = GuidePage(
        title=title or slug.replace("-", " ").title(),
        slug=slug,
        situation=fields.pop("situation", f"Situation {slug}"),
        summary=fields.pop("summary", f"Summary of {slug}."),
        body=body or [],
        **fields,
    )
    guide_index().add_child(instance=page)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    else:
        page.live = False
        page.save()
    return page


def translate_guide(page: GuidePage, code: str, title: str, publish: bool = True) -> GuidePage:
    translated = page.copy_for_translation(locale(code), copy_parents=True)
    translated.title = title
    revision = translated.save_revision()
    if publish:
        revision.publish()
    translated.refresh_from_db()
    return translated


def make_private(page) -> None:
    PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")
