"""The flyer builder in the admin: several guides' flyers in one PDF to print.

Editors, Moderators and Translators choose live guides, a first language, an
optional second one and a paper size; they see the first flyer as a small
image and download one PDF with one flyer per guide, in the order chosen.
Each flyer is the public flyer (``know_your_rights.flyers``), laid out by the
same code: a guide with no translation in a chosen language falls back to
the English text with the "not yet translated" notice, and the builder says
so beside the preview.

Bounded: at most ``MAX_GUIDES`` flyers per PDF; the preview is one page,
rasterised by Poppler's ``pdftoppm`` to at most ``PREVIEW_PIXELS`` on its
long side, with a time limit.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.models import Locale

from core import languages
from core.roles import EDITORS, MODERATORS, TRANSLATORS
from know_your_rights.flyers import (
    DEFAULT_SIZE,
    PAPER_SIZES,
    FlyerOptions,
    flyer_context,
    flyer_version,
    render_flyers_pdf,
)
from know_your_rights.models import GuidePage

logger = logging.getLogger(__name__)

BUILDER_ROLES = (EDITORS, MODERATORS, TRANSLATORS)
# Drawn while the editor waits, inside gunicorn's 30-second limit: 20 bilingual
# A3 flyers with four long rights each took 24 s on a busy two-core machine,
# 12 leave room to spare.
MAX_GUIDES = 12
PREVIEW_PIXELS = 900
PREVIEW_TIMEOUT_SECONDS = 20
PDFTOPPM = "pdftoppm"

SIZE_LABELS = {
    "letter": _("Letter (8.5 × 11 in)"),
    "a4": _("A4 (210 × 297 mm)"),
    "tabloid": _("Tabloid poster (11 × 17 in)"),
    "a3": _("A3 poster (297 × 420 mm)"),
}


def may_build_flyers(user) -> bool:
    """Editors, Moderators and Translators (and superusers) may use the flyer builder."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name__in=BUILDER_ROLES).exists())
    )


def guides_to_choose():
    """The guides a flyer can be made of: live, public source-language guides, by title.

    Public only: a guide behind a password or a sign-in is not for paper.
    """
    return (
        GuidePage.objects.live()
        .public()
        .filter(locale=Locale.get_default())
        .order_by("title", "pk")
    )


def language_choices() -> list[tuple[str, str]]:
    """(code, "name in itself (English name)") of the languages Faro has pages in."""
    with_locale = set(Locale.objects.values_list("language_code", flat=True))
    return [
        (code, f"{languages.name_local(code)} ({languages.name_english(code)})")
        for code in languages.codes()
        if code in with_locale
    ]


class GuidesField(forms.MultipleChoiceField):
    """Guide ids, kept in the order they were sent (the order of the flyers)."""

    def validate(self, value):
        if not value:
            raise forms.ValidationError(_("Choose at least one guide."), code="required")
        if len(value) > MAX_GUIDES:
            raise forms.ValidationError(
                _("Choose at most %(max)s guides for one PDF (you chose %(count)s).")
                % {"max": MAX_GUIDES, "count": len(value)},
                code="too_many",
            )
        offered = {str(key) for key, _label in self.choices}
        unknown = [item for item in value if item not in offered]
        if unknown:
            raise forms.ValidationError(
                ngettext(
                    "One chosen guide is not published (or no longer exists). "
                    "Choose among the live guides listed.",
                    "%(count)s chosen guides are not published (or no longer exist). "
                    "Choose among the live guides listed.",
                    len(unknown),
                )
                % {"count": len(unknown)},
                code="not_live",
            )


class FlyerBuilderForm(forms.Form):
    """What to print: guides, one or two languages, paper size (sent by GET: nothing changes)."""

    guides = GuidesField(
        label=_("Guides"),
        widget=forms.CheckboxSelectMultiple,
        # Formatted when shown, in the editor's language (not once at import).
        help_text=format_lazy(
            _("One flyer per guide, in this order. At most {max}."), max=MAX_GUIDES
        ),
    )
    language = forms.ChoiceField(
        label=_("First language"),
        error_messages={
            "invalid_choice": _("Faro has no pages in the language “%(value)s”. Choose another.")
        },
    )
    second_language = forms.ChoiceField(
        label=_("Second language (optional)"),
        required=False,
        help_text=_("Printed side by side with the first, on a landscape sheet."),
        error_messages={
            "invalid_choice": _("Faro has no pages in the language “%(value)s”. Choose another.")
        },
    )
    size = forms.ChoiceField(
        label=_("Paper size"),
        choices=[(size, SIZE_LABELS[size]) for size in PAPER_SIZES],
        initial=DEFAULT_SIZE,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _("Unknown paper size “%(value)s”. Choose Letter, A4, tabloid or A3.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.guide_pages = {str(page.pk): page for page in guides_to_choose()}
        self.fields["guides"].choices = [
            (key, page.title) for key, page in self.guide_pages.items()
        ]
        choices = language_choices()
        self.fields["language"].choices = choices
        self.fields["second_language"].choices = [("", _("None: one language"))] + choices

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("language"), cleaned.get("second_language")
        if first and second and first == second:
            self.add_error(
                "second_language",
                _("Choose a second language different from the first, or none."),
            )
        return cleaned

    def flyer_request(self) -> FlyerRequest:
        """The checked request (call after is_valid())."""
        data = self.cleaned_data
        return FlyerRequest(
            guides=[self.guide_pages[key] for key in data["guides"]],
            language=data["language"],
            options=FlyerOptions(
                size=data["size"], second_language=data["second_language"] or None
            ),
        )


@dataclass(frozen=True)
class FlyerRequest:
    """Guides (source pages, in order), the first language and the flyer options."""

    guides: list
    language: str
    options: FlyerOptions

    @property
    def languages(self) -> list[str]:
        return [self.language] + (
            [self.options.second_language] if self.options.second_language else []
        )


def untranslated(flyers: FlyerRequest) -> list[tuple[str, str]]:
    """(guide title, language name) for each guide that has no live translation in
    a chosen language: its flyer shows the English text with the notice there."""
    return [
        (guide.title, languages.name_local(language))
        for guide in flyers.guides
        for language in flyers.languages
        if flyer_version(guide, language)[1]
    ]


def _contexts(flyers: FlyerRequest, guides) -> list[dict]:
    contexts = []
    for guide in guides:
        shown, fallback = flyer_version(guide, flyers.language)
        contexts.append(flyer_context(shown, flyers.language, fallback, flyers.options))
    return contexts


def flyers_pdf(request, flyers: FlyerRequest) -> bytes:
    """One PDF: one flyer per guide, in order (one page each, both languages side by side)."""
    pdf = render_flyers_pdf(request, _contexts(flyers, flyers.guides), flyers.options)
    logger.info(
        "flyer builder: PDF of %d guides (page ids %s), languages %s, size %s",
        len(flyers.guides),
        ",".join(str(guide.pk) for guide in flyers.guides),
        "+".join(flyers.languages),
        flyers.options.size,
    )
    return pdf


def flyers_filename(flyers: FlyerRequest) -> str:
    """`faro-flyers-<languages>-<size>.pdf`, e.g. faro-flyers-es-zh-hans-a4.pdf."""
    return f"faro-flyers-{'-'.join(flyers.languages)}-{flyers.options.size}.pdf"


class PreviewUnavailable(RuntimeError):
    """No preview image can be drawn here (Poppler's pdftoppm is missing or failed)."""


def preview_available() -> bool:
    """Whether this server can draw preview images (Poppler's pdftoppm is installed)."""
    return shutil.which(PDFTOPPM) is not None


def preview_png(request, flyers: FlyerRequest) -> bytes:
    """The first guide's flyer as a PNG of at most PREVIEW_PIXELS on its long side."""
    if not preview_available():
        raise PreviewUnavailable("pdftoppm is not installed")
    pdf = render_flyers_pdf(request, _contexts(flyers, flyers.guides[:1]), flyers.options)
    try:
        result = subprocess.run(
            # "-": the PDF from stdin; with no output name the PNG goes to stdout.
            [PDFTOPPM, "-png", "-f", "1", "-l", "1", "-singlefile"]
            + ["-scale-to", str(PREVIEW_PIXELS), "-"],
            input=pdf,
            capture_output=True,
            timeout=PREVIEW_TIMEOUT_SECONDS,
            check=True,
        )
    except (subprocess.SubprocessError, OSError) as error:
        raise PreviewUnavailable(f"pdftoppm failed: {error}") from error
    return result.stdout
