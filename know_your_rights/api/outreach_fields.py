"""`short_link`, `flyer_pdf` and `audio` on every guide the API gives, list and detail.

Both are absolute (on SITE_URL) and name the version served, in its language,
as `url` does. The short codes of a whole answer come in one query (made, in
one more, for guides that have none yet: ``know_your_rights.short_links``):
the first guide serialized asks for every guide of the answer at once.
A guide's audio comes with the guide itself (``GuidePage.objects`` joins it).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.absolute_urls import absolute_url, page_url
from know_your_rights.audio import audio_of
from know_your_rights.short_links import short_codes_for_pages, short_link_url

# Where the codes of the answer's guides are kept, in the serializer context.
SHORT_CODES = "short_codes"


class OutreachLinksMixin(serializers.Serializer):
    """Adds `short_link`, `flyer_pdf` and `audio` to a guide serializer (list them in Meta.fields)."""

    short_link = serializers.SerializerMethodField(
        help_text=(
            "The guide's permanent short link in this language (`/g/<code>/`, as printed "
            "in flyers' QR codes): it redirects to the guide wherever it moves, and answers "
            "410 once the guide is deleted."
        )
    )
    flyer_pdf = serializers.SerializerMethodField(
        help_text=(
            "A printable one-page flyer (PDF) of the guide in this language. Add "
            "`?with=<language>` for a bilingual flyer and `?size=letter|a4|tabloid|a3` "
            "(default letter)."
        )
    )

    audio = serializers.SerializerMethodField(
        help_text=(
            "The guide read aloud in this language (Ogg Opus, MP3 or M4A; the server "
            "answers range requests), or null when it has none: a recording by a person, "
            "or a computer voice for languages the voice speaks."
        )
    )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_audio(self, obj) -> str | None:
        recording = audio_of(obj)
        return absolute_url(recording.url) if recording is not None else None

    @extend_schema_field(serializers.URLField())
    def get_short_link(self, obj) -> str:
        codes = self.context.get(SHORT_CODES)
        if codes is None or obj.pk not in codes:
            codes = short_codes_for_pages(self._answer_pages(obj))
            self.context[SHORT_CODES] = codes
        return short_link_url(codes[obj.pk])

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_flyer_pdf(self, obj) -> str | None:
        url = page_url(obj, self.context.get("request"))
        if url is None:
            return None
        return url + obj.reverse_subpage("flyer_pdf")

    def _answer_pages(self, obj) -> list:
        """Every guide this answer serializes (a list's page), or `obj` alone."""
        parent = self.parent
        if isinstance(parent, serializers.ListSerializer) and parent.instance is not None:
            pages = list(parent.instance)
            if obj in pages:
                return pages
        return [obj]
