"""Benchmark: one alert to 100,000 subscribers through real SMTP.

Everything runs on 127.0.0.1: a dedicated PostgreSQL database (created and
dropped here), the machine's Redis (two database numbers of its own, emptied
first; never restarted), Postfix's ``smtp-sink`` as the mail server, and real
Celery workers started here with production settings: one for the
``default`` queue and one for ``urgent``, as docker-compose runs them.

Prints:
- messages per second for one standard alert to 25,000 and then 100,000
  subscribers in three languages (en, es, ar) with a live translation each;
- peak worker memory (RSS of every worker process, sampled) for both runs,
  to show it does not grow with the list;
- seconds from "Send" to the first urgent message delivered while a
  100,000-subscriber digest is being sent on the default queue.

Run: ``make bench`` (all benchmarks) or ``.venv/bin/python -m bench.alerts``.
Bounded: every wait has a deadline; the whole run takes a few minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.support import PYTHON, ROOT, free_port, manage

DATABASE = "faro_bench_alerts"
REDIS = "redis://127.0.0.1:6379"
BROKER_DB, CACHE_DB = 10, 11
SMALL, LARGE = 25_000, 100_000
LANGUAGES = ("en", "es", "ar")
DEFAULT_CONCURRENCY = 4
SENDERS = 4


def bench_env(var_dir: Path, smtp_port: int) -> dict:
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
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "SUBSCRIBER_HASH_KEY": "bench-subscriber-hash-key-0123456789abcdef",
            "FARO_VAR_DIR": str(var_dir),
            "ALERT_SEND_RATE": "0",
            "ALERT_SENDERS": str(SENDERS),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


# --- Processes -------------------------------------------------------------------


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(pid: int) -> list[int]:
    """pid and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found


class MemorySampler(threading.Thread):
    """Samples the RSS of every process of the given workers twice a second."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak_process = 0
        self.peak_total = 0
        self.running = True

    def run(self):
        while self.running:
            sizes = [rss_kib(p) for root in self.pids for p in process_tree(root)]
            if sizes:
                self.peak_process = max(self.peak_process, max(sizes))
                self.peak_total = max(self.peak_total, sum(sizes))
            time.sleep(0.5)

    def stop(self) -> dict:
        self.running = False
        self.join(timeout=5)
        return {
            "peak_process_mib": round(self.peak_process / 1024, 1),
            "peak_total_mib": round(self.peak_total / 1024, 1),
        }


def start_worker(env: dict, queue: str, concurrency: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "cms",
            "worker",
            "--queues",
            queue,
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "WARNING",
            "--hostname",
            f"{queue}@bench",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


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


def timed_send(alert, expected: int, workers: list[int]) -> dict:
    """Send ``alert``; measure messages/second and peak worker memory."""
    from advocacy.dispatching.ledger import create_dispatch
    from advocacy.models import Dispatch

    sampler = MemorySampler(workers)
    sampler.start()
    started = time.monotonic()
    dispatch = create_dispatch(alert)

    def finished():
        current = Dispatch.objects.get(pk=dispatch.pk)
        return current if current.status == "finished" else None

    done = wait_until(
        finished, timeout=expected / 100 + 120, what="the alert to finish", interval=0.2
    )
    elapsed = time.monotonic() - started
    memory = sampler.stop()
    if done.sent_count != expected:
        raise RuntimeError(
            f"bench: sent {done.sent_count} of {expected} (failed {done.failed_count})"
        )
    return {
        "subscribers": expected,
        "seconds": round(elapsed, 1),
        "messages_per_second": round(done.sent_count / elapsed, 1),
        **memory,
    }


def urgent_during_digest(workers: list[int]) -> dict:
    """Queue a digest to everyone, then send an urgent alert; time its first message."""
    from advocacy.digest import queue_weekly_digest
    from advocacy.dispatching.ledger import cancel_dispatch, create_dispatch
    from advocacy.models import Area, Delivery, Dispatch, Subscriber

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
    wait_until(
        lambda: Dispatch.objects.filter(pk=digest.pk, sent_count__gt=1000).exists(),
        timeout=120,
        what="the digest to be under way",
    )
    urgent = publish_alert("URGENT: checkpoint at 4th Avenue", urgency="urgent", areas=[sunset])
    started = time.monotonic()
    dispatch = create_dispatch(urgent)
    created = Dispatch.objects.get(pk=dispatch.pk).created_at
    first = wait_until(
        lambda: (
            Delivery.objects.filter(dispatch=dispatch, status="sent").order_by("sent_at").first()
        ),
        timeout=60,
        what="the first urgent message",
    )
    seen = time.monotonic() - started
    first_delay = (first.sent_at - created).total_seconds()
    print(f"bench alerts: first urgent message after {first_delay:.2f} s", flush=True)
    wait_until(
        lambda: Dispatch.objects.filter(pk=dispatch.pk, status="finished").exists(),
        timeout=300,
        what="the urgent alert to finish",
        interval=0.2,
    )
    urgent_done = Dispatch.objects.get(pk=dispatch.pk)
    digest_state = Dispatch.objects.get(pk=digest.pk)
    cancel_dispatch(digest_state)  # the digest's own rate was measured above
    return {
        "digest_queued": digest_state.total,
        "digest_sent_when_urgent_done": digest_state.sent_count,
        "urgent_recipients": urgent_done.total,
        "first_urgent_message_seconds": round(first_delay, 2),
        "first_urgent_seen_by_bench_seconds": round(seen, 2),
        "urgent_all_sent_seconds": round((urgent_done.finished_at - created).total_seconds(), 2),
    }


# --- Orchestration ------------------------------------------------------------------


def main() -> dict:
    sink = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
    if not Path(sink).exists():
        raise SystemExit("bench: Postfix's smtp-sink is missing (apt-get install postfix)")
    var_dir = Path(tempfile.mkdtemp(prefix="faro-bench-alerts-"))
    smtp_port = free_port()
    env = bench_env(var_dir, smtp_port)
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
        # -c counts messages; backlog 1000; runs as root here (-u root).
        sink_process = subprocess.Popen(
            [sink, "-u", "root", f"127.0.0.1:{smtp_port}", "1000"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        processes.append(sink_process)
        django_setup(env)
        from advocacy.models import Area

        Area.objects.get_or_create(slug="brooklyn", defaults={"name": "Brooklyn"})
        Area.objects.get_or_create(
            slug="sunset-park",
            defaults={"name": "Sunset Park", "parent": Area.objects.get(slug="brooklyn")},
        )

        default_worker = start_worker(env, "default", DEFAULT_CONCURRENCY, var_dir / "default.log")
        # As docker-compose runs them: the urgent queue has its own worker.
        urgent_worker = start_worker(env, "urgent", 2, var_dir / "urgent.log")
        processes += [default_worker, urgent_worker]
        workers = [default_worker.pid, urgent_worker.pid]
        time.sleep(8)  # workers import Django and connect

        print(f"bench alerts: {SMALL} subscribers …", flush=True)
        create_subscribers(0, SMALL)
        results["alert_25k"] = timed_send(publish_alert("Alert to 25k"), SMALL, workers)
        print(json.dumps(results["alert_25k"]), flush=True)

        print(f"bench alerts: {LARGE} subscribers …", flush=True)
        create_subscribers(SMALL, LARGE - SMALL)
        results["alert_100k"] = timed_send(publish_alert("Alert to 100k"), LARGE, workers)
        print(json.dumps(results["alert_100k"]), flush=True)

        print("bench alerts: urgent alert while a 100k digest is sending …", flush=True)
        results["urgent_during_digest"] = urgent_during_digest(workers)
        print(json.dumps(results["urgent_during_digest"]), flush=True)
        small, large = results["alert_25k"], results["alert_100k"]
        results["memory_growth_25k_to_100k_mib"] = round(
            large["peak_process_mib"] - small["peak_process_mib"], 1
        )
    finally:
        for process in reversed(processes):
            stop(process)
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
