"""Site forms for signing up and changing preferences (no CSRF cookie: see views)."""

from django import forms
from django.conf import settings
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from advocacy.models import Area, Topic
from advocacy.sms.numbers import InvalidPhoneNumber, parse_mobile_number

EMAIL, SMS, BOTH = "email", "sms", "both"


class PhoneField(forms.CharField):
    """A mobile number as people write it; cleaned to E.164 (or "" when empty)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        try:
            return parse_mobile_number(value)
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(exc.message, code="invalid") from None


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
    """The public sign-up form; ``website`` is a honeypot people never see.

    ``channel`` says how to reach the person: email, text message or both;
    the field it names is then required and the other is ignored. A form
    sent without it (older pages, scripts) means whatever was filled in.
    """

    field_order = [
        "channel",
        "email",
        "phone",
        "language",
        "areas",
        "topics",
        "wants_digest",
        "website",
    ]

    channel = forms.ChoiceField(
        label=_("How should we reach you?"),
        choices=[
            (EMAIL, _("By email")),
            (SMS, _("By text message")),
            (BOTH, _("Both")),
        ],
        required=False,
        initial=EMAIL,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        required=False,
        error_messages={
            "invalid": _("Enter a valid email address, like name@example.org."),
        },
    )
    phone = PhoneField(
        label=_("Mobile number"),
        required=False,
        help_text=_("A number that can receive text messages. We text it a code to confirm."),
    )

    def clean(self):
        data = super().clean()
        channel = data.get("channel") or ""
        email, phone = data.get("email", ""), data.get("phone", "")
        if not channel:
            given_phone = bool(phone) or "phone" in self.errors
            channel = BOTH if (email and given_phone) else SMS if given_phone else EMAIL
        data["channel"] = channel
        if channel == EMAIL:
            data["phone"] = ""
            self.errors.pop("phone", None)
        if channel == SMS:
            data["email"] = ""
            self.errors.pop("email", None)
        if channel in (EMAIL, BOTH) and not email and "email" not in self.errors:
            self.add_error("email", _("Enter your email address."))
        if channel in (SMS, BOTH) and not phone and "phone" not in self.errors:
            self.add_error("phone", _("Enter your mobile number."))
        return data

    # Hidden by CSS and from assistive technology; bots that fill every
    # field give themselves away.
    website = forms.CharField(label=_("Leave this field empty"), required=False)


class PreferencesForm(ChoicesForm):
    """Change language, areas, topics or the digest choice."""


class PhoneCodeForm(forms.Form):
    """The number and the code texted to it, entered on the site."""

    phone = PhoneField(
        label=_("Mobile number"),
        error_messages={"required": _("Enter your mobile number.")},
    )
    code = forms.RegexField(
        label=_("Code from the text message"),
        regex=r"^\s*\d{3}[\s-]?\d{3}\s*$",
        max_length=12,
        error_messages={
            "required": _("Enter the code from the text message."),
            "invalid": _("The code is the 6 digits in the text message."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code"}
        )


class AddPhoneForm(forms.Form):
    """A number added on the preferences page; it gets a code to confirm."""

    phone = PhoneField(
        label=_("Mobile number"),
        error_messages={"required": _("Enter your mobile number.")},
    )
