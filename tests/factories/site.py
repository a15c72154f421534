"""The page tree every page factory builds on: locales, a root, an English
home page with its alert index, and guide indexes on demand. Tests that run
with a flushed database (transaction=True) have none of the migrations' data,
so everything is made only when missing."""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.models import Locale, Page

from advocacy.models import AlertIndexPage
from cms.models import HomePage
from know_your_rights.models import GuideIndexPage

TREE_LANGUAGES = ("en", "es", "ar", "zh-hans")


@dataclass
class SiteTree:
    home: HomePage
    alert_index: AlertIndexPage

    def guide_index(self, code: str = "en") -> GuideIndexPage:
        return guide_index(code)


def locale(code: str) -> Locale:
    """The locale for ``code`` (made when missing, as after a flush)."""
    return Locale.objects.get_or_create(language_code=code)[0]


def build_site_tree() -> SiteTree:
    """Locales, a root, the English home page and its alert index (made when missing)."""
    for code in TREE_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    home = HomePage.objects.filter(locale__language_code="en").first()
    if home is None:
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = root.add_child(instance=HomePage(title="Faro", slug="home"))
    alert_index = AlertIndexPage.objects.filter(locale__language_code="en").first()
    if alert_index is None:
        alert_index = home.add_child(instance=AlertIndexPage(title="Alerts", slug="alerts"))
    return SiteTree(home=home, alert_index=alert_index)


def guide_index(code: str = "en", **fields) -> GuideIndexPage:
    """The guide index of the home page in ``code``, published (made when missing)."""
    index = GuideIndexPage.objects.filter(locale__language_code=code).first()
    if index is None:
        build_site_tree()  # a flushed database has no home page yet
        home = HomePage.objects.get(locale__language_code=code)
        index = home.add_child(instance=GuideIndexPage(title="Guides", slug="guides", **fields))
        index.save_revision().publish()
    return index
