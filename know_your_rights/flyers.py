"""Printable flyers: one page per guide, in one language or two side by side.

`/<lang>/guides/<slug>/flyer/pdf/?with=<second language>&size=letter|a4|tabloid|a3`.
Each language's half has the guide's title, its most important rights in
large type (the `right` blocks marked for the wallet card, else every
`right` block, at most ``MAX_RIGHTS``), the group's help line once set, and
a QR code of the guide's short link in that language (``short_links``), with
the link printed under it for typing.

A bilingual flyer puts the two languages side by side on one landscape
sheet, so a flyer taped to a wall or handed over shows both at once (front
and back would hide one). A language the guide has no translation in shows
the source guide with a "not yet translated" notice in that language, as
pages do; its QR code still names that language, so once the translation is
published the printed flyer leads to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from wagtail.models import Locale

from core.languages import bcp47, codes, direction
from know_your_rights.short_links import short_code, short_link_url

FLYER_CSS = "know_your_rights/flyer.css"
MAX_RIGHTS = 4

# Paper sizes (portrait width, height) as CSS lengths; Letter by default.
PAPER_SIZES = {
    "letter": ("8.5in", "11in"),
    "a4": ("210mm", "297mm"),
    "tabloid": ("11in", "17in"),
    "a3": ("297mm", "420mm"),
}
DEFAULT_SIZE = "letter"
# Poster sizes scale the type up with the paper.
POSTER_SIZES = ("tabloid", "a3")
# Root font sizes (points): the rights are 1.9 times this, the title 2.8 times.
FONT_POINTS = 11.0
POSTER_FONT_POINTS = 16.0
# Type scales tried in turn until the flyer fits on one page.
SCALES = (1.0, 0.85, 0.72, 0.6)


class FlyerRequestError(ValueError):
    """A flyer asked for with a size or a language Faro does not have (a 400)."""


@dataclass(frozen=True)
class FlyerOptions:
    """What a flyer request asks for, checked: paper size and an optional second language."""

    size: str
    second_language: str | None


def flyer_options(query, first_language: str) -> FlyerOptions:
    """Read and check `?size=` and `?with=`; raises FlyerRequestError with a message for readers."""
    size = (query.get("size") or DEFAULT_SIZE).strip().lower()
    if size not in PAPER_SIZES:
        raise FlyerRequestError(
            _("Unknown paper size “%(size)s”. Choose one of: %(sizes)s.")
            % {"size": size[:20], "sizes": ", ".join(PAPER_SIZES)}
        )
    second = (query.get("with") or "").strip().lower() or None
    if second is not None:
        if second not in codes() or not Locale.objects.filter(language_code=second).exists():
            raise FlyerRequestError(
                _("Unknown language “%(language)s”. Choose one of: %(languages)s.")
                % {"language": second[:20], "languages": ", ".join(codes())}
            )
        if second == first_language:
            raise FlyerRequestError(
                _("The second language must differ from the first (%(language)s).")
                % {"language": first_language}
            )
    return FlyerOptions(size=size, second_language=second)


def flyer_rights(page) -> list[str]:
    """The rights a flyer shows in large type: those marked for the card, else all, at most MAX_RIGHTS."""
    rights = [block.value for block in page.body if block.block_type == "right"]
    on_card = [value for value in rights if value.get("on_card")]
    return [value["right"] for value in (on_card or rights)][:MAX_RIGHTS]


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (WeasyPrint fetches no data: or remote images here)."""
    # Error level M, raised by segno when it fits for free: a flyer gets creased and dirty.
    return segno.make(url, error="m", micro=False).svg_inline(omitsize=True, border=4)


def flyer_side(page, language: str, locale_id: int, fallback: bool) -> dict:
    """One language's half of a flyer: `page` is the version shown (the source when
    `fallback`), `language` and `locale_id` the language the half is for."""
    link = short_link_url(short_code(page.translation_key, locale_id))
    shown_language = page.locale.language_code if fallback else language
    return {
        "language": language,
        "lang_tag": bcp47(language),
        "dir": direction(language),
        "content_lang_tag": bcp47(shown_language),
        "content_dir": direction(shown_language),
        "title": page.title,
        "rights": flyer_rights(page),
        "fallback": fallback,
        "short_link": link,
        "short_link_text": link.split("://", 1)[-1],
        "qr_svg": qr_svg(link),
    }


def flyer_version(page, language: str):
    """(the version of guide `page` a flyer shows in `language`, whether it is a fallback):
    its live translation into `language`, else the source guide (shown with the
    "not yet translated" notice)."""
    locale = Locale.objects.get(language_code=language)
    translated = page.get_translation_or_none(locale)
    if translated is not None and translated.live:
        return translated.specific, False
    source = page.get_translation_or_none(Locale.get_default()) or page
    return source.specific, True


def second_side(page, language: str) -> dict:
    """The half in the flyer's second language: the guide's translation into it,
    else the source guide with the "not yet translated" notice."""
    shown, fallback = flyer_version(page, language)
    locale_id = Locale.objects.get(language_code=language).pk
    return flyer_side(shown, language, locale_id, fallback=fallback)


def flyer_context(page, language: str, fallback: bool, options: FlyerOptions) -> dict:
    """Everything the flyer template needs, for `page` as routed under `language`'s prefix."""
    locale = Locale.objects.filter(language_code=language).first() or page.locale
    sides = [flyer_side(page, language, locale.pk, fallback)]
    if options.second_language:
        sides.append(second_side(page, options.second_language))
    return {
        "page": page,
        "sides": sides,
        "size": options.size,
        "bilingual": len(sides) == 2,
        "poster": options.size in POSTER_SIZES,
    }


def page_css(options: FlyerOptions, scale: float = 1.0) -> str:
    """The paper size (landscape for two languages side by side) and the root font size."""
    width, height = PAPER_SIZES[options.size]
    if options.second_language:
        width, height = height, width
    points = (POSTER_FONT_POINTS if options.size in POSTER_SIZES else FONT_POINTS) * scale
    return f"@page {{ size: {width} {height}; }} html {{ font-size: {points:.1f}pt; }}"


def _local_files_only(url: str):
    """WeasyPrint URL fetcher: a flyer PDF never reaches another host (as for cards)."""
    from weasyprint.urls import default_url_fetcher

    if not url.startswith("file://"):
        raise ValueError(f"Refusing to fetch {url!r} for a flyer PDF")
    return default_url_fetcher(url)


def layout_flyer(request, context: dict, options: FlyerOptions):
    """One flyer laid out by WeasyPrint (a Document of one page, unless nothing smaller fits).

    A guide with long rights is laid out again with smaller type (never a
    smaller QR code) until it fits on one page (``SCALES``). The public flyer
    and the admin's flyer builder both lay flyers out here.
    """
    # Imported here as cards.py does: WeasyPrint is heavy and only PDFs need it.
    from weasyprint import CSS, HTML

    html = HTML(
        string=render_to_string("know_your_rights/flyer_pdf.html", context, request=request),
        url_fetcher=_local_files_only,
    )
    flyer_css = CSS(filename=finders.find(FLYER_CSS))
    for scale in SCALES:
        document = html.render(stylesheets=[flyer_css, CSS(string=page_css(options, scale))])
        if len(document.pages) == 1:
            break
    # Even at the smallest scale, nothing is cut: a second page beats a lost right.
    return document


def render_flyers_pdf(request, contexts: list[dict], options: FlyerOptions) -> bytes:
    """Several flyers (``flyer_context`` each, same options) as one PDF, in order,
    fonts embedded for every script."""
    documents = [layout_flyer(request, context, options) for context in contexts]
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def render_flyer_pdf(request, context: dict, options: FlyerOptions) -> bytes:
    """The flyer as PDF bytes on one page, fonts embedded for every script."""
    return render_flyers_pdf(request, [context], options)


def flyer_filename(page, context: dict) -> str:
    """`faro-flyer-<slug>-<languages>-<size>.pdf`."""
    languages = "-".join(side["language"] for side in context["sides"])
    return f"faro-flyer-{page.slug}-{languages}-{context['size']}.pdf"
