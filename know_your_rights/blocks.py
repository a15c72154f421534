"""The blocks a guide is made of. Every block has a preview value for the admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from core.rich_text import RICH_TEXT_FEATURES


class PlainRichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        template = "know_your_rights/blocks/paragraph.html"
        icon = "pilcrow"
        preview_value = (
            "<p>You can ask for an <b>interpreter</b>. You do not have to answer "
            "questions about where you were born.</p>"
        )
        description = _("Text with bold, italic, links and lists only.")


class RightBlock(blocks.StructBlock):
    """A right, what to say, what to avoid, and the policy statement it rests on."""

    right = blocks.TextBlock(label=_("What you have a right to"))
    say = blocks.TextBlock(required=False, label=_("What you can say"))
    avoid = blocks.TextBlock(required=False, label=_("What to avoid"))
    statement = SnippetChooserBlock(
        "know_your_rights.PolicyStatement",
        required=False,
        label=_("Cited policy statement"),
    )
    on_card = blocks.BooleanBlock(required=False, default=True, label=_("Show on the wallet card"))

    class Meta:
        template = "know_your_rights/blocks/right.html"
        icon = "success"
        label = _("Right")
        preview_value = {
            "right": "You can show your IDNYC card as ID.",
            "say": "This is my IDNYC card.",
            "avoid": "Do not show false papers.",
            "statement": None,
            "on_card": True,
        }
        description = _("A right, with what to say and the policy it rests on.")


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    steps = blocks.ListBlock(blocks.CharBlock(max_length=300), min_num=1)

    class Meta:
        template = "know_your_rights/blocks/steps.html"
        icon = "list-ol"
        label = _("Steps")
        preview_value = {
            "heading": "What to do",
            "steps": ["Stay calm.", "Show your IDNYC card.", "Ask for an interpreter."],
        }
        description = _("Numbered steps, in order.")


class CalloutBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    text = PlainRichTextBlock()
    statement = SnippetChooserBlock(
        "know_your_rights.PolicyStatement",
        required=False,
        label=_("Cited policy statement or reported fact"),
    )

    class Meta:
        template = "know_your_rights/blocks/callout.html"
        icon = "warning"
        label = _("Callout")
        preview_value = {
            "heading": "Important",
            "text": "<p>ICE is not the NYPD. This policy does not stop ICE.</p>",
            "statement": None,
        }
        description = _("A short boxed note that stands out.")


class HotlineBlock(blocks.StructBlock):
    hotline = SnippetChooserBlock("know_your_rights.Hotline")
    note = blocks.CharBlock(max_length=200, required=False)

    def get_preview_value(self):
        # An unsaved example: the admin preview must not show a real number.
        # The chooser names its model by label, so blocks import no model.
        hotline_model = self.child_blocks["hotline"].target_model
        example = hotline_model(
            name="Example help line",
            phone="(phone number)",
            hours="Monday to Friday",
            languages_served="English, Español",
            audience="Anyone who needs help",
        )
        return blocks.StructValue(self, [("hotline", example), ("note", "Call if you need help.")])

    class Meta:
        template = "know_your_rights/blocks/hotline.html"
        icon = "mail"
        label = _("Hotline")
        preview_value = {"hotline": None, "note": "Call if you need help."}
        description = _("A phone line readers can call, with whom it is for.")


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=200)
    answer = PlainRichTextBlock()

    class Meta:
        icon = "help"
        preview_value = {
            "question": "Will the police ask about my status?",
            "answer": "<p>No. The policy says they do not ask.</p>",
        }


class FaqBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    items = blocks.ListBlock(FaqItemBlock(), min_num=1)

    class Meta:
        template = "know_your_rights/blocks/faq.html"
        icon = "help"
        label = _("Questions and answers")
        preview_value = {
            "heading": "Questions",
            "items": [
                {
                    "question": "Will the police ask about my status?",
                    "answer": "<p>No. The policy says they do not ask.</p>",
                }
            ],
        }
        description = _("Common questions with short answers.")


class GuideBodyBlock(blocks.StreamBlock):
    right = RightBlock()
    steps = StepsBlock()
    callout = CalloutBlock()
    hotline = HotlineBlock()
    faq = FaqBlock()
    paragraph = PlainRichTextBlock(label=_("Text"))
