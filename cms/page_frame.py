"""What serving any Wagtail page asks the database for besides the page, in one query.

Before it reaches the page, Wagtail's `serve` looks up the site, the active
Locale, the site's home page in that language and then its specific object;
rendering then wants every Locale (`core.locales`), every site's root paths
in every language (the language links' URLs: Wagtail keeps them in the shared
cache, which a full cache clear empties, and then reads them in two queries)
and the site's help line setting. Apart from the site, these are a handful of
rows in small tables: here the home page query carries the rest as JSON
columns, and each answer is left on the request where Wagtail and
`core.locales` look for it. Nothing outlives the request, so nothing here
can be stale and nothing needs invalidating.

`prepare` routes the request exactly as `Page.route_for_request` would
(`site.root_page.localized.specific.route(...)`), from the home page it found.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import JSONField, Q
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site
from wagtail.models.sites import SiteRootPath

from know_your_rights.models import HelpLineSettings

# Site settings every public page shows (read through the `settings` context
# processor); each is fetched with the home page.
PAGE_SETTINGS: tuple[type[BaseSiteSetting], ...] = (HelpLineSettings,)

_PAGE, _SITE, _LOCALE = Page._meta.db_table, Site._meta.db_table, Locale._meta.db_table

# Every locale, ordered as Locale.Meta orders them.
LOCALES_SQL = (
    f"SELECT jsonb_agg(jsonb_build_array(id, language_code) ORDER BY language_code) FROM {_LOCALE}"
)

# Site.get_site_root_paths() with WAGTAIL_I18N_ENABLED: for each site in its
# order, the site's root page and its translations (a page queryset's path
# order), with their language.
ROOT_PATHS_SQL = f"""
    SELECT jsonb_agg(
        jsonb_build_array(site.id, site.hostname, site.port, page.url_path, locale.language_code)
        ORDER BY root.url_path DESC, site.is_default_site DESC, site.hostname, page.path
    )
    FROM {_SITE} site
    JOIN {_PAGE} root ON root.id = site.root_page_id
    JOIN {_PAGE} page ON page.translation_key = root.translation_key
    JOIN {_LOCALE} locale ON locale.id = page.locale_id
"""


def _setting_sql(model: type[BaseSiteSetting]) -> str:
    columns = ", ".join(field.column for field in model._meta.concrete_fields)
    return f"SELECT jsonb_build_array({columns}) FROM {model._meta.db_table} WHERE site_id = %s"


def prepare(request: HttpRequest, path: str) -> None:
    """Route `request` to the page at `path` and leave on it what rendering reads.

    Costs Wagtail's site query and one more. Does nothing (Wagtail then
    does all of it itself) when there is no site, or when the site's root
    page is a plain Page or of a class that no longer exists.
    """
    # The one query is PostgreSQL's JSON SQL; on SQLite (`make run`) Wagtail
    # does all of it itself.
    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False) or connection.vendor != "postgresql":
        return
    site = Site.find_for_request(request)
    if site is None:
        return
    root = site.root_page
    model = root.specific_class
    if model is None or model is Page:
        return
    wanted = [_content_language(get_language()), _content_language(settings.LANGUAGE_CODE)]
    settings_sql = {
        f"frame_setting_{n}": RawSQL(_setting_sql(setting), [site.pk], JSONField())
        for n, setting in enumerate(PAGE_SETTINGS)
    }
    homes = list(
        model.objects.filter(translation_key=root.translation_key)
        .filter(Q(pk=root.pk) | Q(locale__language_code__in=[code for code in wanted if code]))
        .annotate(
            frame_locales=RawSQL(LOCALES_SQL, [], JSONField()),
            frame_root_paths=RawSQL(ROOT_PATHS_SQL, [], JSONField()),
            **settings_sql,
        )
    )
    if not homes:  # the root page is gone since Wagtail read the site
        return
    frame = homes[0]
    locales = {
        pk: Locale.from_db("default", ["id", "language_code"], [pk, code])
        for pk, code in frame.frame_locales or []
    }
    request._faro_locales = locales  # core.locales.request_locales
    request._wagtail_cached_site_root_paths = [
        SiteRootPath(site_id, url_path, Site(hostname=hostname, port=port).root_url, code)
        for site_id, hostname, port, url_path, code in frame.frame_root_paths or []
    ]
    for n, setting in enumerate(PAGE_SETTINGS):
        values = getattr(frame, f"frame_setting_{n}")
        if values is not None:  # else Wagtail creates the row, as it always does
            names = [field.attname for field in setting._meta.concrete_fields]
            instance = setting.from_db("default", names, values)
            instance._request = request  # as BaseSiteSetting.for_request leaves it
            setattr(request, setting.get_cache_attr_name(), instance)
    for home in homes:
        if home.locale_id in locales:
            home.locale = locales[home.locale_id]
    home = _localized(root, homes, wanted, locales)
    components = [component for component in path.split("/") if component]
    try:
        request._wagtail_route_for_request = home.route(request, components)
    except Http404:
        request._wagtail_route_for_request = None


def _content_language(code: str | None) -> str | None:
    try:
        return get_supported_content_language_variant(code)
    except LookupError:
        return None


def _localized(root: Page, homes: list[Page], wanted: list, locales: dict) -> Page:
    """`root.localized.specific`, from `homes` (the root and its candidate translations).

    As Wagtail's `Locale.get_active()` and `localized`: the translation in
    the active language, or in the default language when the active one has
    no Locale; the root itself when that translation is missing or not live.
    """
    own = next(home for home in homes if home.pk == root.pk)
    existing = {locale.language_code for locale in locales.values()}
    active, default = wanted
    code = active if active in existing else default
    found = [home for home in homes if home.locale.language_code == code]
    if not found or not found[0].live:
        return own
    return found[0]
