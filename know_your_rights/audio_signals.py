"""A published guide (in any language) gets its computer-voice audio remade in the background."""

from __future__ import annotations

from django.dispatch import receiver
from wagtail.signals import page_published

from know_your_rights.audio import queue_guide_audio
from know_your_rights.models import GuidePage


@receiver(page_published, sender=GuidePage, dispatch_uid="know-your-rights-audio-on-publish")
def queue_audio_on_publish(sender, instance, **kwargs):
    """Queue the audio task for the published page once the publish commits."""
    queue_guide_audio(instance.pk)
