"""The one place Faro hands work to Celery.

Business modules enqueue a task by its name (``"advocacy.send_dispatch"``),
never by importing ``advocacy.tasks``: the tasks import the business modules,
not the other way round, so no import has to hide inside a function.

Work is enqueued only once the current transaction has committed, so a
worker never looks for a row that does not exist yet or was rolled back.
Outside a transaction (a task, beat, a command) Django runs the callback at
once, so nothing waits.
"""

from __future__ import annotations

import functools

from celery import current_app
from django.db import transaction


def enqueue(task_name: str, *args, queue: str, countdown: float | None = None, **options) -> None:
    """Queue ``task_name(*args)`` on ``queue`` once the transaction commits.

    ``countdown`` delays the task by that many seconds; other ``options``
    (``retry``, ``retry_policy``) go to Celery's ``send_task`` as they are.
    Nobody waits for what an enqueued task returns, so no result is kept.
    """
    transaction.on_commit(
        functools.partial(
            current_app.send_task,
            task_name,
            args=args,
            queue=queue,
            countdown=countdown,
            ignore_result=True,
            **options,
        )
    )
