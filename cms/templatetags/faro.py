"""Template tags shared by every public page: language links."""

from django import template
from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Substr
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import override
from wagtail.models import Page

from core.absolute_urls import absolute_url
from core.languages import bcp47, codes, is_rtl, name_local

register = template.Library()


def _page_translations(page: Page) -> dict[str, Page]:
    """Live, public translations of `page` (itself included), keyed by language code.

    One query: what Wagtail's `.public()` excludes (pages at or under a page
    with a view restriction) is an EXISTS on the restricted pages whose path
    begins the translation's path, instead of a query for every restriction.
    """
    restricted_at_or_above = Page.objects.filter(
        view_restrictions__isnull=False, path=Substr(OuterRef("path"), 1, Length("path"))
    )
    return {
        p.locale.language_code: p
        for p in page.get_translations(inclusive=True)
        .live()
        .exclude(Exists(restricted_at_or_above))
        .select_related("locale")
    }


def _translated_path(request, code: str) -> str:
    """`translate_url(request.path, code)`, without resolving the path again.

    Django already resolved this request's path; `translate_url` would
    resolve it once more for every language.
    """
    match = request.resolver_match
    if match is None or request.path != request.path_info or "%" in request.path:
        return translate_url(request.path, code)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            return reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return request.path


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One entry per language: the same page in that language.

    For a Wagtail page the URL is its translation's, or the same path under
    the other language prefix, which serves the source page with a notice.
    `translated` says whether a real translation exists (for hreflang).
    """
    request = context.get("request")
    page = context.get("page")
    if request is None:
        return []
    translations = _page_translations(page) if isinstance(page, Page) and page.pk else {}
    current = context.get("LANGUAGE_CODE")
    links = []
    for code in codes():
        # A translation Wagtail cannot route (its parent is not live in that
        # language) has no URL: link the path under that prefix instead, which
        # serves the source page with a notice, as for a missing translation.
        url = translations[code].get_url(request) if code in translations else None
        if url is None:
            url = _translated_path(request, code)
        links.append(
            {
                "code": code,
                "tag": bcp47(code),
                "name": name_local(code),
                "dir": "rtl" if is_rtl(code) else "ltr",
                "url": url,
                "current": code == current,
                "translated": code in translations if translations else True,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def absolute(context, url: str) -> str:
    """`url` made absolute with SITE_URL (for canonical and hreflang links)."""
    if url.startswith(("http://", "https://")):
        return url
    return absolute_url(url)
