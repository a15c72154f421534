"""JSON for a guide's body: one serializer per block type, and its OpenAPI schema.

A ``right`` or ``callout`` block carries its cited statement, a ``hotline``
block its hotline, serialized as in ``policy_serializers``.
"""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from know_your_rights.api.policy_serializers import HotlineSerializer, PolicyStatementSerializer


class RightValueSerializer(serializers.Serializer):
    right = serializers.CharField(help_text="What you have a right to.")
    say = serializers.CharField(allow_blank=True)
    avoid = serializers.CharField(allow_blank=True)
    on_card = serializers.BooleanField()
    statement = PolicyStatementSerializer(allow_null=True, help_text="The cited statement.")


class StepsValueSerializer(serializers.Serializer):
    heading = serializers.CharField()
    steps = serializers.ListField(child=serializers.CharField())


class CalloutValueSerializer(serializers.Serializer):
    heading = serializers.CharField(allow_blank=True)
    text = serializers.CharField(help_text="HTML: paragraphs, bold, italic, links, lists.")
    statement = PolicyStatementSerializer(allow_null=True)


class HotlineValueSerializer(serializers.Serializer):
    hotline = HotlineSerializer(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class FaqItemSerializer(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField(help_text="HTML.")


class FaqValueSerializer(serializers.Serializer):
    heading = serializers.CharField(allow_blank=True)
    items = FaqItemSerializer(many=True)


class ParagraphValueSerializer(serializers.Serializer):
    html = serializers.CharField(help_text="HTML: paragraphs, bold, italic, links, lists.")


BLOCK_VALUE_SERIALIZERS = {
    "right": RightValueSerializer,
    "steps": StepsValueSerializer,
    "callout": CalloutValueSerializer,
    "hotline": HotlineValueSerializer,
    "faq": FaqValueSerializer,
    "paragraph": ParagraphValueSerializer,
}


def _block_serializer(block_type: str, value_serializer):
    return type(
        f"{block_type.title()}BlockSerializer",
        (serializers.Serializer,),
        {
            "id": serializers.CharField(),
            "type": serializers.ChoiceField(choices=[block_type]),
            "label": serializers.CharField(help_text="The block's name in the requested language."),
            "value": value_serializer(),
            "Meta": type("Meta", (), {"ref_name": f"{block_type.title()}Block"}),
        },
    )


GuideBlockSchema = PolymorphicProxySerializer(
    component_name="GuideBlock",
    serializers={name: _block_serializer(name, s) for name, s in BLOCK_VALUE_SERIALIZERS.items()},
    resource_type_field_name="type",
    many=True,
)


def block_value(block_type: str, value) -> dict:
    """A StreamField block's value as plain data (snippets stay objects for serializers)."""
    if block_type == "right":
        return {
            "right": value.get("right") or "",
            "say": value.get("say") or "",
            "avoid": value.get("avoid") or "",
            "on_card": bool(value.get("on_card")),
            "statement": value.get("statement"),
        }
    if block_type == "steps":
        return {"heading": value.get("heading") or "", "steps": [str(s) for s in value["steps"]]}
    if block_type == "callout":
        return {
            "heading": value.get("heading") or "",
            "text": str(value.get("text") or ""),
            "statement": value.get("statement"),
        }
    if block_type == "hotline":
        return {"hotline": value.get("hotline"), "note": value.get("note") or ""}
    if block_type == "faq":
        return {
            "heading": value.get("heading") or "",
            "items": [
                {"question": item["question"], "answer": str(item["answer"])}
                for item in value["items"]
            ],
        }
    return {"html": str(value)}
