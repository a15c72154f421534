"""The Celery app: queues `urgent`, `default` and `media`, configured from settings.

`media` holds slow background work on content (guides' computer-voice audio)
so it never stands in front of alerts, subscription mail or upkeep.

Apps declare tasks with `shared_task`; they never import this module.
"""

import gc

from celery import Celery
from celery.signals import beat_init, worker_process_init, worker_ready
from kombu import Queue

from cms.startup import load_settings

# A worker or beat with a bad environment stops with one line naming the variable.
load_settings("cms.settings.dev")

# DjangoTask adds delay_on_commit()/apply_async_on_commit(): work is enqueued
# only once the transaction that created it has committed, so a worker never
# looks for a row that does not exist yet (or was rolled back).
app = Celery("faro", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (
    Queue("urgent", routing_key="urgent"),
    Queue("default", routing_key="default"),
    Queue("media", routing_key="media"),
)
app.autodiscover_tasks()


@worker_ready.connect
@worker_process_init.connect
@beat_init.connect
def freeze_startup_objects(**_kwargs) -> None:
    """Move everything loaded at start-up out of the garbage collector's sight.

    Django, Wagtail and the apps leave a large, permanent object graph; the
    collector's final pass over it at exit kept a stopped worker or beat (and
    each pool process) busy for several seconds on a loaded machine. Frozen
    objects are never scanned again, which also spares collections while the
    process runs.
    """
    gc.freeze()
