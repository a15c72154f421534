"""Tasks of the project itself (health checks)."""

from celery import shared_task


@shared_task(name="cms.ping")
def ping(value: str = "pong") -> str:
    """Answer with `value`: proves a worker is alive and reaches the broker."""
    return value
