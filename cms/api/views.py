"""API views that belong to no app (the languages, JSON 404s under /api/), and the
parsers every API view gets.

Faro's API takes JSON bodies only, read with a size limit (cms.api.parsers).
That is not REST_FRAMEWORK's project-wide default, because wagtail-localize's
translation editor posts form data to its own DRF views inside the admin;
`json_only` gives the parsers to every view routed under /api/v1/ instead.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import URLPattern, URLResolver
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from cms.api.parsers import LimitedJSONParser
from core import languages

# What every view under /api/v1/ parses: JSON, at most API_MAX_BODY_BYTES
# (anything else answers 415, anything larger 413).
API_PARSER_CLASSES = (LimitedJSONParser,)


def json_only(urlpatterns: list) -> list:
    """Make every DRF view routed by `urlpatterns` (includes too) parse JSON bodies only.

    Each view is rebuilt with `parser_classes=API_PARSER_CLASSES` as an
    `as_view()` argument, so the apps' views need nothing from cms and a new
    endpoint gets the rule by being routed here. Returns `urlpatterns`.
    """
    for entry in urlpatterns:
        if isinstance(entry, URLResolver):
            json_only(entry.url_patterns)
            continue
        if not isinstance(entry, URLPattern):
            continue
        view_class = getattr(entry.callback, "cls", None)
        if not (isinstance(view_class, type) and issubclass(view_class, APIView)):
            continue
        initkwargs = {
            **getattr(entry.callback, "initkwargs", {}),
            "parser_classes": API_PARSER_CLASSES,
        }
        actions = getattr(entry.callback, "actions", None)
        entry.callback = (
            view_class.as_view(actions, **initkwargs)
            if actions
            else view_class.as_view(**initkwargs)
        )
    return urlpatterns


class LanguageSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The code for `?lang=` (e.g. `zh-hans`).")
    bcp47 = serializers.CharField(help_text="The BCP 47 tag (e.g. `zh-Hans`).")
    name = serializers.CharField(help_text="The language's name in itself.")
    name_english = serializers.CharField()
    direction = serializers.ChoiceField(choices=["ltr", "rtl"])
    is_source = serializers.BooleanField(help_text="Whether content is written in it first.")


class LanguageList(generics.ListAPIView):
    """The languages content is published in; use a `code` as `?lang=`."""

    serializer_class = LanguageSerializer

    def get_queryset(self):
        return [
            {
                "code": code,
                "bcp47": languages.bcp47(code),
                "name": languages.name_local(code),
                "name_english": languages.name_english(code),
                "direction": "rtl" if languages.is_rtl(code) else "ltr",
                "is_source": code == settings.LANGUAGE_CODE,
            }
            for code in languages.codes()
        ]


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other path under /api/: a 404 in the error envelope, not an HTML page."""

    def get(self, request, *args, **kwargs):
        raise NotFound("No API endpoint at this address. See /api/v1/docs/.")

    post = put = patch = delete = get
