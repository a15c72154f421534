"""Benchmark: cached API reads under gunicorn against a bare DRF view.

`/api/v1/guides/?lang=es` and one Spanish guide's detail, served by the same
gunicorn (production settings, two sync workers, PostgreSQL and Redis on
127.0.0.1) as a bare DRF view that returns an empty list without touching
the database; wrk loads each on 127.0.0.1 asking for gzip, as clients do.
Prints requests per second (the median of alternating rounds, counting only
200 answers, and for the guide reads only API-cache hits), the ratios
(target: at least 0.8 for cached reads) and the SQL queries of each API read
when not cached.

Run: `make bench` (all benchmarks) or `.venv/bin/python -m bench.api`.
"""

from __future__ import annotations

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

DATABASE = database_name("api")
# As a client behind the TLS proxy would ask (every HTTP library accepts gzip).
HTTPS = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
ROUNDS = 3

# Runs inside a Django process of the bench environment: picks the Spanish
# guides and counts the SQL queries of both reads with the cache empty.
PROBE = r"""
import json
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from know_your_rights.models import GuidePage
guide = GuidePage.objects.live().filter(locale__language_code="es").order_by("path").first()
urls = {"list": "/api/v1/guides/?lang=es", "detail": f"/api/v1/guides/{guide.pk}/"}
found = {"urls": urls, "queries": {}}
for name, url in urls.items():
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_HOST="127.0.0.1").get(url, secure=True)
    assert response.status_code == 200, (url, response.status_code)
    found["queries"][name] = len(queries)
print(json.dumps(found))
"""


def main(seconds: int = 5) -> dict:
    if not (reachable("127.0.0.1", 5432) and reachable("127.0.0.1", 6379)):
        raise SystemExit(
            "bench.api needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379."
        )
    with tempfile.TemporaryDirectory(prefix="faro-bench-api-") as var_dir:
        env = production_env(
            Path(var_dir),
            f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "redis://127.0.0.1:6379/5",
        )
        env["DJANGO_SETTINGS_MODULE"] = "bench.api_settings"
        subprocess.run(["redis-cli", "-n", "5", "FLUSHDB"], check=True, capture_output=True)
        probe = seeded_site(env, DATABASE, PROBE)
        with gunicorn(env, "bench.api_wsgi:application", workers=2) as base:
            urls = {
                "bare": base + "/bench/bare-drf/",
                "list": base + probe["urls"]["list"],
                "detail": base + probe["urls"]["detail"],
            }
            # Sequential requests first: each worker loads the URLconf on its
            # first requests (slowly on a busy machine), and fills the cache.
            for url in urls.values():
                for _ in range(20):
                    urllib.request.urlopen(
                        urllib.request.Request(url, headers=HTTPS), timeout=120
                    ).read()
            # Rounds alternate the three targets so a busy machine slows them
            # alike; the median round of each counts. Only 200 answers count,
            # and for the guide reads only API-cache hits.
            rounds: dict[str, list[float]] = {name: [] for name in urls}
            for _round in range(ROUNDS):
                for name, url in urls.items():
                    rounds[name].append(
                        wrk(url, seconds=seconds, headers=HTTPS, cache_hits=name != "bare")
                    )
            rps = {name: statistics.median(values) for name, values in rounds.items()}
            if not rps["bare"]:
                raise RuntimeError("the bare DRF view answered nothing under load")
        subprocess.run(["redis-cli", "-n", "5", "FLUSHDB"], check=False, capture_output=True)
        drop_database(DATABASE)
    result = {
        "list_url": probe["urls"]["list"],
        "detail_url": probe["urls"]["detail"],
        "rounds": {name: [round(value) for value in values] for name, values in rounds.items()},
        "bare_drf_rps": round(rps["bare"]),
        "list_rps": round(rps["list"]),
        "detail_rps": round(rps["detail"]),
        "list_ratio": round(rps["list"] / rps["bare"], 2),
        "detail_ratio": round(rps["detail"] / rps["bare"], 2),
        "list_queries_uncached": probe["queries"]["list"],
        "detail_queries_uncached": probe["queries"]["detail"],
    }
    print(
        "API cached reads vs a bare DRF view, same gunicorn (2 workers), wrk -t2 -c8 on 127.0.0.1"
    )
    print(f"  median of {ROUNDS} alternating rounds; only 200 answers (and cache hits) counted")
    print(f"  rounds (requests/s): {result['rounds']}")
    print(f"  bare DRF view: {result['bare_drf_rps']} requests/s")
    print(
        f"  guide list:    {result['list_rps']} requests/s  ratio {result['list_ratio']}  ({result['list_url']})"
    )
    print(
        f"  guide detail:  {result['detail_rps']} requests/s  ratio {result['detail_ratio']}  ({result['detail_url']})"
    )
    print("  target: ratio >= 0.8")
    print(
        f"  SQL queries when not cached: list {result['list_queries_uncached']}, "
        f"detail {result['detail_queries_uncached']}"
    )
    return result


if __name__ == "__main__":
    main()
