"""Banners follow each statement's status and review dates; the help line shows once set."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from wagtail.models import Locale, Site

from know_your_rights.dates import format_partial_date
from know_your_rights.models import GuidePage, HelpLineSettings, PolicySource, PolicyStatement


@pytest.fixture
def english(seeded):
    return Locale.get_default()


def _statement(english, key) -> PolicyStatement:
    return PolicyStatement.objects.get(key=key, locale=english)


def _aside(html: str, key: str) -> str:
    match = re.search(rf'<aside class="statement[^"]*" id="statement-{key}".*?</aside>', html, re.S)
    assert match, key
    return match.group()


def _guide_html(client, slug="your-idnyc") -> str:
    from django.core.cache import cache

    cache.clear()
    return client.get(f"/en/guides/{slug}/").content.decode()


def test_verified_statements_show_no_out_of_date_banner(english, client):
    today = timezone.localdate()
    for key in ("idnyc-accepted", "no-status-questions"):
        statement = _statement(english, key)
        statement.last_verified = today
        statement.review_due = today + datetime.timedelta(days=180)
        statement.save()
    html = _guide_html(client)
    assert "notice-banner" not in html
    assert "notice-stale" not in _aside(html, "idnyc-accepted")
    assert "This may be out of date" not in html


def test_one_unverified_statement_keeps_the_banner(english, client):
    statement = _statement(english, "idnyc-accepted")
    statement.last_verified = timezone.localdate()
    statement.save()
    html = _guide_html(client)
    assert "notice-banner" in html
    assert "notice-stale" not in _aside(html, "idnyc-accepted")
    assert "never been checked" in _aside(html, "no-status-questions")


def test_passed_review_date_says_when_it_was_last_checked(english, client):
    statement = _statement(english, "idnyc-accepted")
    statement.last_verified = datetime.date(2020, 3, 4)
    statement.review_due = timezone.localdate() - datetime.timedelta(days=1)
    statement.save()
    html = _guide_html(client)
    aside = _aside(html, "idnyc-accepted")
    assert "This may be out of date — last checked March 4, 2020." in aside
    assert "notice-banner" in html


@pytest.mark.parametrize(
    ("status", "wording", "listing"),
    [
        ("changed", "This policy has changed.", "Changed."),
        ("rescinded", "This policy was rescinded. It no longer applies.", "Rescinded."),
    ],
)
def test_changed_or_rescinded_statement_says_so_wherever_cited(
    english, client, status, wording, listing
):
    statement = _statement(english, "idnyc-accepted")
    statement.status = status
    statement.status_note = "An editor describes the change here."
    statement.full_clean()
    statement.save()
    for slug in ("your-idnyc", "asking-the-police-for-help", "if-you-are-arrested"):
        html = _guide_html(client, slug)
        aside = _aside(html, "idnyc-accepted")
        assert wording in aside
        assert "An editor describes the change here." in aside
        sources = html[html.index('id="sources-heading"') :]
        assert listing in sources


def test_a_changed_statement_must_say_what_changed(english):
    statement = _statement(english, "idnyc-accepted")
    statement.status = PolicyStatement.Status.CHANGED
    with pytest.raises(ValidationError):
        statement.full_clean()


def test_partial_dates(db):
    with translation.override("en"):
        assert format_partial_date(2017, None, None) == "2017 (day not given)"
        assert format_partial_date(2017, 2, None) == "February 2017 (day not given)"
        assert format_partial_date(2017, 2, 3) == "Feb. 3, 2017"
        assert format_partial_date(None, None, None) == "date not given"
    source = PolicySource(title="x", issuer="y", date_year=2017, date_day=3)
    with pytest.raises(ValidationError):
        source.full_clean()


def test_help_line_is_hidden_until_an_editor_sets_it(seeded, client):
    assert "help-line" not in _guide_html(client)
    setting = HelpLineSettings.for_site(Site.objects.get(is_default_site=True))
    setting.name = "Our help line"
    setting.phone = "000 000 0000"
    setting.save()
    for url in ("/en/guides/your-idnyc/", "/bn/guides/", "/ar/"):
        from django.core.cache import cache

        cache.clear()
        html = client.get(url).content.decode()
        assert '<p class="help-line">' in html, url
        assert 'href="tel:0000000000"' in html


def test_guide_pages_may_only_sit_where_they_belong(seeded):
    from cms.models import HomePage
    from know_your_rights.models import GuideIndexPage

    assert GuideIndexPage.allowed_parent_page_models() == [HomePage]
    assert GuideIndexPage.allowed_subpage_models() == [GuidePage]
    assert GuidePage.allowed_parent_page_models() == [GuideIndexPage]
    assert GuidePage.allowed_subpage_models() == []
    home = HomePage.objects.get(locale=Locale.get_default())
    assert not GuidePage.can_create_at(home)
