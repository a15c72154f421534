"""API views that belong to no app: the languages, and JSON 404s under /api/."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from cms import languages


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
