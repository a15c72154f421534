"""Site forms for signing up and changing preferences (no CSRF cookie: see views)."""

from django import forms
from django.conf import settings
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from advocacy.models import Area, Topic


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, area):
        if area.parent_id:
            return f"{area.display_name} ({area.parent.display_name})"
        return area.display_name


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, topic):
        return topic.display_name


class ChoicesForm(forms.Form):
    """Language, areas, topics and digest: shared by sign-up and preferences."""

    language = forms.ChoiceField(label=_("Language of your alerts"), choices=settings.LANGUAGES)
    areas = AreaChoiceField(
        label=_("Areas"),
        # Each borough followed by its neighbourhoods.
        queryset=Area.objects.select_related("parent").order_by(
            Coalesce("parent__name", "name"), F("parent").asc(nulls_first=True), "name"
        ),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to get alerts for every area."),
    )
    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose none to get alerts on every topic."),
    )
    wants_digest = forms.BooleanField(label=_("Also send me a weekly summary"), required=False)


class SubscribeForm(ChoicesForm):
    """The public sign-up form; ``website`` is a honeypot people never see."""

    field_order = ["email", "language", "areas", "topics", "wants_digest", "website"]

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter a valid email address, like name@example.org."),
        },
    )
    # Hidden by CSS and from assistive technology; bots that fill every
    # field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False)


class PreferencesForm(ChoicesForm):
    """Change language, areas, topics or the digest choice."""
