"""Benchmark: a cached guide page under gunicorn against a bare Django view.

Both are served by the same gunicorn (production settings, two workers,
PostgreSQL and Redis on 127.0.0.1), loaded by wrk on 127.0.0.1. Prints
requests per second for each (the median of alternating rounds, counting
only 200 answers, and for the guide only page-cache hits), their ratio
(target: at least 0.8), the guide page's SQL queries when not cached, and
its compressed weight.

Run: `make bench` (all benchmarks) or `.venv/bin/python -m bench.pages`.
"""

from __future__ import annotations

import gzip
import statistics
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from bench.support import (
    database_name,
    drop_database,
    gunicorn,
    production_env,
    reachable,
    seeded_site,
    wrk,
)

DATABASE = database_name("pages")
# As a browser behind the TLS proxy would ask.
HTTPS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}

# Runs inside a Django process of the bench environment: picks a seeded
# guide and counts its SQL queries with the cache empty.
PROBE = r"""
import json
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from know_your_rights.models import GuidePage
guide = GuidePage.objects.live().filter(locale__language_code="es").order_by("path").first()
url = guide.get_url()
cache.clear()
with CaptureQueriesContext(connection) as queries:
    response = Client(HTTP_HOST="127.0.0.1").get(url, secure=True)
assert response.status_code == 200, response.status_code
print(json.dumps({"url": url, "queries": len(queries), "blocks": len(guide.body)}))
"""


def compressed_weight(base: str, path: str) -> int:
    """Bytes of the page plus its CSS and JS, gzip-compressed as a server would send them."""
    import re

    request = urllib.request.Request(base + path, headers=HTTPS)
    response = urllib.request.urlopen(request, timeout=30)
    body = response.read()
    # Sent compressed by the page cache; count the bytes on the wire.
    if response.headers.get("Content-Encoding") == "gzip":
        total, html = len(body), gzip.decompress(body)
    else:
        total, html = len(gzip.compress(body)), body
    for asset in set(re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)):
        body = urllib.request.urlopen(
            urllib.request.Request(base + asset.decode(), headers=HTTPS), timeout=30
        ).read()
        total += len(gzip.compress(body))
    return total


def warm(url: str, requests: int = 20) -> None:
    """Send sequential requests until every worker has answered a few."""
    for _ in range(requests):
        urllib.request.urlopen(urllib.request.Request(url, headers=HTTPS), timeout=120).read()


ROUNDS = 3


def main(seconds: int = 5) -> dict:
    if not (reachable("127.0.0.1", 5432) and reachable("127.0.0.1", 6379)):
        raise SystemExit(
            "bench.pages needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379."
        )
    with tempfile.TemporaryDirectory(prefix="faro-bench-") as var_dir:
        env = production_env(
            Path(var_dir),
            f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "redis://127.0.0.1:6379/3",
        )
        subprocess.run(["redis-cli", "-n", "3", "FLUSHDB"], check=True, capture_output=True)
        probe = seeded_site(env, DATABASE, PROBE)
        with gunicorn(env, "bench.wsgi:application", workers=2) as base:
            guide_url = base + probe["url"]
            bare_url = base + "/bench/bare/"
            # Each worker loads the URLconf and templates on its first
            # requests: warm them before measuring.
            warm(guide_url)
            warm(bare_url)
            # Alternate short rounds so a burst of other work on the machine
            # does not land on one side only; each side's median counts. Only
            # 200 answers count, and for the guide only page-cache hits.
            bare_rounds, guide_rounds = [], []
            for _ in range(ROUNDS):
                bare_rounds.append(wrk(bare_url, seconds=seconds, headers=HTTPS))
                guide_rounds.append(wrk(guide_url, seconds=seconds, headers=HTTPS, cache_hits=True))
            bare, guide = statistics.median(bare_rounds), statistics.median(guide_rounds)
            weight = compressed_weight(base, probe["url"])
        drop_database(DATABASE)
    result = {
        "guide_url": probe["url"],
        "guide_blocks": probe["blocks"],
        "guide_queries_uncached": probe["queries"],
        "bare_rps_rounds": [round(rps) for rps in bare_rounds],
        "guide_rps_rounds": [round(rps) for rps in guide_rounds],
        "bare_rps": round(bare),
        "guide_rps": round(guide),
        "ratio": round(guide / bare, 2),
        "guide_weight_kb_gzip": round(weight / 1024, 1),
    }
    print(
        "Guide page (cached) vs bare Django view, same gunicorn (2 workers), wrk -t2 -c8 on 127.0.0.1"
    )
    print(f"  median of {ROUNDS} alternating rounds; only 200 answers (and cache hits) counted")
    print(f"  bare view:  {result['bare_rps']} requests/s  rounds {result['bare_rps_rounds']}")
    print(
        f"  guide page: {result['guide_rps']} requests/s  rounds {result['guide_rps_rounds']}"
        f"  ({result['guide_url']})"
    )
    print(f"  ratio:      {result['ratio']}  (target >= 0.8)")
    print(
        f"  guide page SQL queries when not cached: {result['guide_queries_uncached']} ({result['guide_blocks']} blocks)"
    )
    print(
        f"  guide page weight (HTML+CSS+JS, gzip): {result['guide_weight_kb_gzip']} KB (budget 50 KB)"
    )
    return result


if __name__ == "__main__":
    main()
