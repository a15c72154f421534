"""A published guide (in any language) gets its computer-voice audio remade in
the background; a deleted audio row (or guide) takes its file with it."""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published

from know_your_rights.audio import delete_file_after_commit, queue_guide_audio
from know_your_rights.models import GuideAudio, GuidePage


@receiver(page_published, sender=GuidePage, dispatch_uid="know-your-rights-audio-on-publish")
def queue_audio_on_publish(sender, instance, **kwargs):
    """Queue the audio task for the published page once the publish commits."""
    queue_guide_audio(instance.pk)


@receiver(post_delete, sender=GuideAudio, dispatch_uid="know-your-rights-audio-file-deleted")
def delete_audio_file(sender, instance, **kwargs):
    """Remove the file of a deleted audio row once the deletion commits."""
    delete_file_after_commit(instance)
