"""Guides' audio: one recording per guide page (per language), and where
the computer voice is turned off.

The rules (what is generated, what an upload must be, when a recording is
stale) live in ``know_your_rights.audio``; these are the rows.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

__all__ = ["ComputerVoiceSettings", "GuideAudio"]

# Stored files live under MEDIA_ROOT in this folder; they are served by
# `know_your_rights.audio_views.serve_audio` (with range requests), not from /media/.
AUDIO_FOLDER = "audio"


class GuideAudio(models.Model):
    """The audio version of one guide page: an editor's recording or the computer voice."""

    class Source(models.TextChoices):
        UPLOADED = "uploaded", _("recorded by a person")
        GENERATED = "generated", _("computer voice")

    page = models.OneToOneField(
        "know_your_rights.GuidePage", on_delete=models.CASCADE, related_name="audio"
    )
    file = models.FileField(upload_to=AUDIO_FOLDER, max_length=255)
    source = models.CharField(max_length=16, choices=Source.choices)
    content_type = models.CharField(max_length=40)
    duration = models.FloatField(help_text=_("Seconds."))
    size = models.PositiveIntegerField(help_text=_("Bytes."))
    # The page's last_published_at when this audio was made from it (generated)
    # or uploaded against it: a later publish makes an uploaded recording stale.
    text_published_at = models.DateTimeField(null=True, blank=True)
    # What the computer voice read (a digest of voice and text): a publish
    # that changes nothing it reads, or a redelivered task, makes no new file.
    text_digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("guide audio")

    def __str__(self) -> str:
        return self.file.name

    @property
    def url(self) -> str:
        """The site-relative address the file is served at (range requests)."""
        return reverse("guide_audio_file", args=[self.file.name.rsplit("/", 1)[-1]])

    @property
    def is_generated(self) -> bool:
        return self.source == self.Source.GENERATED


class ComputerVoiceSettingsForm(WagtailAdminModelForm):
    """The languages as checkboxes, stored as a list of codes."""

    off_languages = forms.MultipleChoiceField(
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("No computer voice in"),
    )


@register_setting(icon="media")
class ComputerVoiceSettings(BaseGenericSetting):
    """Languages whose guides get no computer-voice audio (editors decide)."""

    # Language codes (settings.LANGUAGES), edited as checkboxes.
    off_languages = models.JSONField(default=list, blank=True)

    base_form_class = ComputerVoiceSettingsForm

    panels = [
        HelpPanel(
            content=str(
                _(
                    "Faro reads published guides aloud with a computer voice in the languages "
                    "it can speak. Tick a language to stop that there: its computer-voice "
                    "audio is removed at the next publish. Recordings uploaded by a person "
                    "are never affected."
                )
            )
        ),
        FieldPanel("off_languages"),
    ]

    class Meta:
        verbose_name = _("computer voice")
