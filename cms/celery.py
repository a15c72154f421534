"""The Celery app: queues `urgent` and `default`, configured from settings.

Apps declare tasks with `shared_task`; they never import this module.
"""

from celery import Celery
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
)
app.autodiscover_tasks()
