"""Celery tasks of know_your_rights: thin wrappers around its business modules.

Nothing imports this module to enqueue work: ``know_your_rights.audio``
queues by task name; the worker finds these through Celery's autodiscovery.
Tasks are idempotent (``acks_late`` is on project-wide, so one can run twice).
"""

from celery import shared_task

from know_your_rights import audio


@shared_task(name=audio.GENERATE_TASK, ignore_result=True)
def generate_guide_audio(page_id: int) -> None:
    """Make, keep or remove the computer-voice audio of a published guide page."""
    audio.generate_guide_audio(page_id)
