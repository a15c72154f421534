"""Benchmark: one alert to 100,000 subscribers through real SMTP.

Everything runs on 127.0.0.1: a dedicated PostgreSQL database (created and
dropped here), the machine's Redis (two database numbers of its own, emptied
first; never restarted), Postfix's ``smtp-sink`` as the mail server, and real
Celery workers started here with production settings: one for the
``default`` queue and one for ``urgent``, as docker-compose runs them.

Everything is counted where mail arrives: ``smtp-sink -c`` reports each
message it receives (bench/smtp_sink.py), and the urgent worker sends to a
sink of its own so its arrivals are told apart.

Prints:
- messages per second for one standard alert to 25,000 and then 100,000
  subscribers in three languages (en, es, ar) with a live translation each,
  from pressing Send to the last message arriving at the sink (which must
  receive exactly one message per subscriber);
- peak worker memory (RSS of every worker process, sampled) for both runs,
  to show it does not grow with the list;
- seconds from "Send" to the first urgent message arriving at its sink while
  a 100,000-subscriber digest is being sent on the default queue.

Run: ``make bench`` (all benchmarks) or ``.venv/bin/python -m bench.alerts``.
Bounded: every wait has a deadline; the whole run takes a few minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.processes import MemorySampler, start_worker, stop
from bench.smtp_sink import Sink
from bench.support import ROOT, database_name, manage

DATABASE = database_name("alerts")
REDIS = "redis://127.0.0.1:6379"
BROKER_DB, CACHE_DB = 10, 11
SMALL, LARGE = 25_000, 100_000
LANGUAGES = ("en", "es", "ar")
DEFAULT_CONCURRENCY = 4
SENDERS = 4


def bench_env(var_dir: Path, email_url: str) -> dict:
    """Production settings for this machine, sending to `email_url`."""
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "bench-" + os.urandom(24).hex(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "https://alerts.example.org",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "CELERY_BROKER_URL": f"{REDIS}/{BROKER_DB}",
            "REDIS_URL": f"{REDIS}/{CACHE_DB}",
            "EMAIL_URL": email_url,
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "SUBSCRIBER_HASH_KEY": "bench-subscriber-hash-key-0123456789abcdef",
            "FARO_VAR_DIR": str(var_dir),
            "ALERT_SEND_RATE": "0",
            "ALERT_SENDERS": str(SENDERS),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


# --- Work done inside Django (this process, after setup) ------------------------------


def django_setup(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_subscribers(start: int, count: int) -> None:
    """Active subscribers bench{n}@example.org, languages round-robin, in batches."""
    from django.utils import timezone

    from advocacy.crypto import email_hash, encrypt_email
    from advocacy.models import Subscriber

    now = timezone.now()
    batch = []
    for number in range(start, start + count):
        address = f"bench{number}@example.org"
        batch.append(
            Subscriber(
                email_ciphertext=encrypt_email(address),
                email_hash=email_hash(address),
                language=LANGUAGES[number % len(LANGUAGES)],
                status="active",
                confirmed_at=now,
                wants_digest=True,
            )
        )
        if len(batch) == 5000:
            Subscriber.objects.bulk_create(batch)
            batch = []
    if batch:
        Subscriber.objects.bulk_create(batch)


def publish_alert(title: str, urgency: str = "standard", areas=()):
    from wagtail.models import Locale

    from advocacy.models import AlertIndexPage, AlertPage
    from tests.factories.advocacy import approve

    index = AlertIndexPage.objects.get(locale__language_code="en")
    alert = AlertPage(
        title=title,
        urgency=urgency,
        every_area=not areas,
        summary="Community members report federal agents near the subway station. Stay calm; you have rights.",
        body="<p>Do not open the door without a warrant signed by a judge. You may stay silent.</p>",
    )
    index.add_child(instance=alert)
    alert.areas.set(areas)
    alert.save_revision()
    # An alert goes live only once approved by Moderators (advocacy.approval).
    alert = approve(alert)
    for code in ("es", "ar"):
        translated = alert.copy_for_translation(
            Locale.objects.get(language_code=code), copy_parents=True
        )
        translated.title = f"[{code}] {title}"
        translated.save_revision()
        approve(translated)
    return alert


def wait_until(predicate, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"bench: timed out waiting for {what}")


def timed_send(alert, expected: int, workers: list[int], sink: Sink) -> dict:
    """Send ``alert``; messages per second as counted at the sink, and peak worker memory.

    The clock stops when the last message arrives at the sink. Afterwards the
    sink must have received exactly ``expected`` messages (none lost, none
    sent twice) and the ledger must agree.
    """
    from advocacy.dispatching.ledger import create_dispatch
    from advocacy.models import Dispatch

    before = sink.received
    sampler = MemorySampler(workers)
    sampler.start()
    started = time.monotonic()
    dispatch = create_dispatch(alert)
    last_arrival = sink.wait_for(before + expected, timeout=expected / 100 + 120)
    memory = sampler.stop()
    done = wait_until(
        lambda: Dispatch.objects.filter(pk=dispatch.pk, status="finished").first(),
        timeout=60,
        what="the alert to finish",
        interval=0.2,
    )
    time.sleep(1)  # a message sent twice would arrive after the last one expected
    arrived = sink.received - before
    if arrived != expected or done.sent_count != expected:
        raise RuntimeError(
            f"bench: {arrived} messages arrived for {expected} subscribers "
            f"(ledger: {done.sent_count} sent, {done.failed_count} failed)"
        )
    elapsed = last_arrival - started
    return {
        "subscribers": expected,
        "arrived_at_sink": arrived,
        "seconds": round(elapsed, 1),
        "messages_per_second": round(arrived / elapsed, 1),
        **memory,
    }


def urgent_during_digest(sink: Sink, urgent_sink: Sink) -> dict:
    """Queue a digest to everyone, then send an urgent alert; time its arrivals at the sink."""
    from advocacy.digest import queue_weekly_digest
    from advocacy.dispatching.ledger import cancel_dispatch, create_dispatch
    from advocacy.models import Area, Dispatch, Subscriber

    sunset = Area.objects.get(slug="sunset-park")
    queens, _ = Area.objects.get_or_create(slug="queens", defaults={"name": "Queens"})
    # One subscriber in twenty follows Sunset Park, the others Queens (a
    # subscriber with no area would get every alert).
    through = Subscriber.areas.through
    ids = list(Subscriber.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        through.objects.bulk_create(
            [
                through(subscriber_id=pk, area_id=sunset.pk if n % 20 == 0 else queens.pk)
                for n, pk in enumerate(ids[start : start + 5000], start=start)
            ]
        )

    digest = queue_weekly_digest()
    sink.wait_for(sink.received + 1000, timeout=120)  # the digest is under way
    urgent = publish_alert("URGENT: checkpoint at 4th Avenue", urgency="urgent", areas=[sunset])
    # The urgent worker sends to its own sink, so its arrivals are told apart
    # from the digest's; every urgent message must arrive there.
    before = urgent_sink.received
    started = time.monotonic()  # the Moderator presses Send
    dispatch = create_dispatch(urgent)
    first = urgent_sink.wait_for(before + 1, timeout=60) - started
    print(f"bench alerts: first urgent message arrived after {first:.2f} s", flush=True)
    recipients = Dispatch.objects.get(pk=dispatch.pk).total
    last = urgent_sink.wait_for(before + recipients, timeout=300) - started
    digest_state = Dispatch.objects.get(pk=digest.pk)
    cancel_dispatch(digest_state)  # the digest's own rate was measured above
    return {
        "digest_queued": digest_state.total,
        "digest_sent_when_urgent_done": digest_state.sent_count,
        "urgent_recipients": recipients,
        "first_urgent_arrival_seconds": round(first, 2),
        "urgent_all_arrived_seconds": round(last, 2),
    }


# --- Orchestration ------------------------------------------------------------------


def main() -> dict:
    """Run the three measurements; print and return their figures."""
    var_dir = Path(tempfile.mkdtemp(prefix="faro-bench-alerts-"))
    # One sink per queue's worker, so urgent arrivals are told apart.
    sink, urgent_sink = Sink(var_dir / "sink.log"), Sink(var_dir / "urgent-sink.log")
    env = bench_env(var_dir, sink.url)
    processes: list[subprocess.Popen] = []
    results: dict = {"command": ".venv/bin/python -m bench.alerts"}
    try:
        subprocess.run(
            ["redis-cli", "-n", str(BROKER_DB), "FLUSHDB"], check=True, capture_output=True
        )
        subprocess.run(
            ["redis-cli", "-n", str(CACHE_DB), "FLUSHDB"], check=True, capture_output=True
        )
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DATABASE], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
        print("bench alerts: migrating a fresh database …", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0")
        django_setup(env)
        from advocacy.models import Area

        Area.objects.get_or_create(slug="brooklyn", defaults={"name": "Brooklyn"})
        Area.objects.get_or_create(
            slug="sunset-park",
            defaults={"name": "Sunset Park", "parent": Area.objects.get(slug="brooklyn")},
        )

        default_worker = start_worker(env, "default", DEFAULT_CONCURRENCY, var_dir / "default.log")
        # As docker-compose runs them: the urgent queue has its own worker.
        urgent_env = {**env, "EMAIL_URL": urgent_sink.url}
        urgent_worker = start_worker(urgent_env, "urgent", 2, var_dir / "urgent.log")
        processes += [default_worker, urgent_worker]
        workers = [default_worker.pid, urgent_worker.pid]
        time.sleep(8)  # workers import Django and connect

        print(f"bench alerts: {SMALL} subscribers …", flush=True)
        create_subscribers(0, SMALL)
        results["alert_25k"] = timed_send(publish_alert("Alert to 25k"), SMALL, workers, sink)
        print(json.dumps(results["alert_25k"]), flush=True)

        print(f"bench alerts: {LARGE} subscribers …", flush=True)
        create_subscribers(SMALL, LARGE - SMALL)
        results["alert_100k"] = timed_send(publish_alert("Alert to 100k"), LARGE, workers, sink)
        print(json.dumps(results["alert_100k"]), flush=True)

        print("bench alerts: urgent alert while a 100k digest is sending …", flush=True)
        results["urgent_during_digest"] = urgent_during_digest(sink, urgent_sink)
        print(json.dumps(results["urgent_during_digest"]), flush=True)
        small, large = results["alert_25k"], results["alert_100k"]
        results["memory_growth_25k_to_100k_mib"] = round(
            large["peak_process_mib"] - small["peak_process_mib"], 1
        )
    finally:
        for process in reversed(processes):
            stop(process)
        sink.stop()
        urgent_sink.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", DATABASE],
            check=False,
        )
        shutil.rmtree(var_dir, ignore_errors=True)
    print(json.dumps(results, indent=2), flush=True)
    return results


if __name__ == "__main__":
    main()
