"""Benchmark: 10,000 text messages through a real Kannel, against Kannel's own limit.

Everything runs on 127.0.0.1: a dedicated PostgreSQL database (created and
dropped here), the machine's Redis (two database numbers of its own, emptied
first; never restarted), Kannel's bearerbox and smsbox with Debian's
``fakesmsc`` as the operator's SMS centre (tests/sms/kannel.py), and real
Celery workers started here with production settings: one for the
``default`` queue and one for ``urgent``, as docker-compose runs them.

Every text is counted where it arrives: each "Got message" line fakesmsc
prints is one text handed to the SMS centre, timed as it is read (its
output goes to ``fakesmsc.log``; Kannel's logs to files beside it).

Prints, from one run on the same gateway (the first two in alternating
rounds, gateway, Faro, Faro, gateway, ..., BENCH_SMS_ROUNDS of each,
default 3, each side reported as the median of its rounds):
- the gateway's own limit: N texts pushed straight into smsbox's sendsms
  by a plain loop (4 threads, HTTP keep-alive, the very requests Faro makes:
  same text, sender, coding and delivery-report URL), texts per second from
  the first to the last arrival at fakesmsc;
- Faro: one alert to N confirmed numbers sent by the workers
  (SMS_SEND_RATE=0, so the gateway is the limit), texts per second from the
  first to the last arrival, and the ratio to the gateway's limit (target at
  least 0.7); fakesmsc must receive exactly N texts and the ledger agree;
- seconds from "Send" to the arrival at fakesmsc of an urgent alert's text to
  one number while an N-text alert is sending on the default queue (target
  at most 5 s). Digests are email only, so the bulk send is a large standard
  alert.

Kannel calls back each text's delivery-report URL (twice with fakesmsc):
both runs point those calls at a stub answering 200 (bench/http_stub.py),
so Kannel's work is the same in both and Faro's report handling is not
measured here.

Run: ``make bench`` (all benchmarks) or ``.venv/bin/python -m bench.sms [N]``
(``BENCH_SMS_TEXTS`` also sets N; default 10,000). Bounded: every wait has a
deadline.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.alerts import django_setup, wait_until
from bench.processes import start_worker, stop
from bench.sms_gateway import (
    BULK_TEXT,
    URGENT_NUMBER,
    URGENT_TEXT,
    CountingGateway,
    gateway_limit,
    number,
    start_stub,
)
from bench.support import database_name, manage
from tests.sms.kannel import FARO_NUMBER, kannel_installed

DATABASE = database_name("sms")
REDIS = "redis://127.0.0.1:6379"
BROKER_DB, CACHE_DB = 5, 6
TEXTS = 10_000
# Rounds of each side (BENCH_SMS_ROUNDS); each side's figure is their median.
ROUNDS = int(os.environ.get("BENCH_SMS_ROUNDS") or 3)
DEFAULT_CONCURRENCY = 4
SENDERS = 4


def text_count() -> int:
    """N: the first argument, else BENCH_SMS_TEXTS, else 10,000."""
    if len(sys.argv) > 1:
        return int(sys.argv[1])
    return int(os.environ.get("BENCH_SMS_TEXTS") or TEXTS)


def bench_env(var_dir: Path, sms_url: str, site_url: str) -> dict:
    """Production settings for this machine, texting through ``sms_url``."""
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "bench-" + os.urandom(24).hex(),
            "ALLOWED_HOSTS": "127.0.0.1",
            # Kannel calls the delivery-report URLs on SITE_URL: the stub.
            "SITE_URL": site_url,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "CELERY_BROKER_URL": f"{REDIS}/{BROKER_DB}",
            "REDIS_URL": f"{REDIS}/{CACHE_DB}",
            # Every subscriber here has a number and no address: no mail is sent.
            "EMAIL_URL": "memory://",
            "SMS_URL": sms_url,
            "SMS_FROM": FARO_NUMBER,
            "SMS_SEND_RATE": "0",
            "SMS_CALLBACK_SECRET": "bench-" + os.urandom(16).hex(),
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


def create_texters(count: int) -> None:
    """``count`` active subscribers by text message alone, numbers confirmed, in batches."""
    from django.utils import timezone

    from advocacy.models import Subscriber

    now = timezone.now()
    batch = []
    for index in range(count):
        subscriber = Subscriber(
            language="en", status="active", confirmed_at=now, phone_confirmed_at=now
        )
        subscriber.phone = number(index)
        batch.append(subscriber)
        if len(batch) == 5000:
            Subscriber.objects.bulk_create(batch)
            batch = []
    if batch:
        Subscriber.objects.bulk_create(batch)


def publish_alert(title: str, text: str, urgency: str = "standard", areas=()):
    """An approved, live English alert whose text message is ``text``."""
    from advocacy.models import AlertIndexPage, AlertPage
    from tests.factories.advocacy import approve

    index = AlertIndexPage.objects.get(locale__language_code="en")
    alert = AlertPage(
        title=title,
        urgency=urgency,
        every_area=not areas,
        summary="Community members report federal agents near the subway station.",
        body="<p>Do not open the door without a warrant signed by a judge.</p>",
        sms_text=text,
    )
    index.add_child(instance=alert)
    alert.areas.set(areas)
    alert.save_revision()
    return approve(alert)


def faro_send(gateway: CountingGateway, count: int, round_number: int = 0) -> dict:
    """One alert to the ``count`` texters, sent by the workers; texts per second at fakesmsc."""
    from advocacy.dispatching.ledger import create_dispatch
    from advocacy.models import Dispatch

    alert = publish_alert(f"Alert by text to {count}, round {round_number + 1}", BULK_TEXT)
    before = gateway.arrived
    started = time.monotonic()  # the Moderator presses Send
    dispatch = create_dispatch(alert)
    last = gateway.wait_for(before + count, timeout=count / 20 + 120)
    done = wait_until(
        lambda: Dispatch.objects.filter(pk=dispatch.pk, status="finished").first(),
        timeout=60,
        what="the alert to finish",
        interval=0.2,
    )
    time.sleep(1)  # a text sent twice would arrive after the last one expected
    arrived = gateway.arrived - before
    if arrived != count or done.sms_sent_count != count:
        raise RuntimeError(
            f"bench: {arrived} texts arrived for {count} numbers "
            f"(ledger: {done.sms_sent_count} sent, {done.sms_failed_count} failed)"
        )
    first = gateway.times[before]
    return {
        "texts": count,
        "arrived_at_fakesmsc": arrived,
        "seconds_first_to_last_arrival": round(last - first, 2),
        "texts_per_second": round((count - 1) / (last - first), 1),
        "seconds_from_send": round(last - started, 2),
    }


def urgent_during_bulk(gateway: CountingGateway, count: int) -> dict:
    """Send a ``count``-text standard alert, then an urgent one to one number; time its arrival."""
    from django.utils import timezone

    from advocacy.dispatching.ledger import cancel_dispatch, create_dispatch
    from advocacy.models import Area, Dispatch, Subscriber

    brooklyn, _ = Area.objects.get_or_create(slug="brooklyn", defaults={"name": "Brooklyn"})
    sunset, _ = Area.objects.get_or_create(
        slug="sunset-park", defaults={"name": "Sunset Park", "parent": brooklyn}
    )
    queens, _ = Area.objects.get_or_create(slug="queens", defaults={"name": "Queens"})
    # The bulk alert is for Queens, where every texter lives; the urgent one
    # for Sunset Park, where only URGENT_NUMBER does.
    through = Subscriber.areas.through
    ids = list(Subscriber.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        through.objects.bulk_create(
            [through(subscriber_id=pk, area_id=queens.pk) for pk in ids[start : start + 5000]]
        )
    now = timezone.now()
    urgent_texter = Subscriber(
        language="en", status="active", confirmed_at=now, phone_confirmed_at=now
    )
    urgent_texter.phone = URGENT_NUMBER
    urgent_texter.save()
    urgent_texter.areas.set([sunset])

    bulk_alert = publish_alert(f"Bulk alert by text to {count}", BULK_TEXT, areas=[queens])
    urgent = publish_alert("URGENT: checkpoint", URGENT_TEXT, urgency="urgent", areas=[sunset])
    marker = f" {URGENT_NUMBER} ".encode()
    gateway.watch(marker)
    before = gateway.arrived
    bulk = create_dispatch(bulk_alert)
    gateway.wait_for(before + max(1, count // 10), timeout=120)  # the bulk send is under way
    started = time.monotonic()  # the Moderator presses Send
    create_dispatch(urgent)
    arrival = gateway.wait_for_marker(marker, timeout=60)
    first = arrival - started
    bulk_arrived = sum(1 for when in gateway.times[before:] if when <= arrival) - 1
    print(f"bench sms: the urgent text arrived after {first:.2f} s", flush=True)
    state = Dispatch.objects.get(pk=bulk.pk)
    cancel_dispatch(state)  # its rate was measured above
    return {
        "bulk_texts_queued": state.sms_total,
        "bulk_texts_arrived_before_urgent": bulk_arrived,
        "urgent_text_arrival_seconds": round(first, 2),
    }


# --- Orchestration ------------------------------------------------------------------


def main() -> dict:
    """Run the three measurements; print and return their figures."""
    if not kannel_installed():
        raise SystemExit("bench: Kannel is missing (apt-get install kannel kannel-extras)")
    count = text_count()
    var_dir = Path(tempfile.mkdtemp(prefix="faro-bench-sms-"))
    processes: list[subprocess.Popen] = []
    gateway = None
    results: dict = {"command": f".venv/bin/python -m bench.sms {count}"}
    try:
        for db in (BROKER_DB, CACHE_DB):
            subprocess.run(["redis-cli", "-n", str(db), "FLUSHDB"], check=True, capture_output=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
        stub, stub_url = start_stub(var_dir)
        processes.append(stub)
        gateway = CountingGateway(var_dir / "kannel", stub_url + "/incoming?id=%I")
        env = bench_env(var_dir, gateway.sms_url, stub_url)
        print("bench sms: migrating a fresh database …", flush=True)
        manage(env, "migrate", "--no-input", "-v", "0")
        django_setup(env)
        gateway.start()

        default_worker = start_worker(env, "default", DEFAULT_CONCURRENCY, var_dir / "default.log")
        # As docker-compose runs them: the urgent queue has its own worker.
        urgent_worker = start_worker(env, "urgent", 2, var_dir / "urgent.log")
        processes += [default_worker, urgent_worker]
        print(f"bench sms: {count} subscribers by text …", flush=True)
        create_texters(count)
        time.sleep(5)  # workers import Django and connect

        # Alternating rounds (gateway, Faro, Faro, gateway, ...) so that a
        # change in the machine's load weighs on both sides alike.
        limits, faro = [], []
        for round_number in range(ROUNDS):
            order = ("gateway", "faro") if round_number % 2 == 0 else ("faro", "gateway")
            for side in order:
                if side == "gateway":
                    print(f"bench sms: the gateway's limit, {count} texts by a plain loop …")
                    limits.append(gateway_limit(gateway, count))
                    print(json.dumps(limits[-1]), flush=True)
                else:
                    print(f"bench sms: one alert to {count} numbers through Faro …", flush=True)
                    faro.append(faro_send(gateway, count, round_number))
                    print(json.dumps(faro[-1]), flush=True)
        results["gateway_limit_rounds"] = limits
        results["faro_rounds"] = faro
        limit = statistics.median(run["texts_per_second"] for run in limits)
        sent = statistics.median(run["texts_per_second"] for run in faro)
        results["gateway_limit_texts_per_second"] = round(limit, 1)
        results["faro_texts_per_second"] = round(sent, 1)
        results["ratio_to_gateway_limit"] = round(sent / limit, 2)

        print(f"bench sms: urgent text while a {count}-text alert is sending …", flush=True)
        results["urgent_during_bulk"] = urgent_during_bulk(gateway, count)
        print(json.dumps(results["urgent_during_bulk"]), flush=True)
    finally:
        for process in reversed(processes):
            stop(process)
        if gateway is not None:
            gateway.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not be set up yet
            pass
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", DATABASE],
            check=False,
        )
        for db in (BROKER_DB, CACHE_DB):
            subprocess.run(
                ["redis-cli", "-n", str(db), "FLUSHDB"], check=False, capture_output=True
            )
        shutil.rmtree(var_dir, ignore_errors=True)
    print(json.dumps(results, indent=2), flush=True)
    return results


if __name__ == "__main__":
    main()
