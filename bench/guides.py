"""Benchmark: an uncached Spanish guide page rendered in-process, against a bare view.

Every publish empties the page cache, so every reader right after a publish
pays for a full render. In one Django process with production settings
(bench.web_settings: the site's URLs plus a bare view), on a freshly seeded
PostgreSQL database with Redis as the cache, each round empties the shared
cache and renders the Spanish guide through Django's test client (every
middleware, the page cache missing), then the bare Django view the same way.
A few renders first warm what each process keeps (URL resolvers, templates,
the site root). Prints the median milliseconds of each side over the rounds,
their ratio (target: at most 10), and the guide's SQL queries (target: at
most 12).

Run: `make bench` (all benchmarks) or `.venv/bin/python -m bench.guides`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.support import database_name, drop_database, production_env, reachable, seeded_site

DATABASE = database_name("guides")
ROUNDS = 25

# Runs inside a Django process of the bench environment (seeded_site).
PROBE = r"""
import json, statistics, time
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from know_your_rights.models import GuidePage

ROUNDS = %(rounds)d
guide = GuidePage.objects.live().filter(locale__language_code="es").order_by("path").first()
url, bare = guide.get_url(), "/bench/bare/"
client = Client(HTTP_HOST="127.0.0.1")


def render(path):
    started = time.perf_counter()
    response = client.get(path, secure=True)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, response.status_code)
    return response, elapsed


for _ in range(3):
    cache.clear()
    render(url)
    render(bare)
guide_ms, bare_ms = [], []
for _ in range(ROUNDS):
    # Emptied entirely: harsher than a publish, which retires cached pages
    # but keeps Wagtail's site root paths (2 queries fewer).
    cache.clear()
    response, elapsed = render(url)
    assert response["X-Cache"] == "miss", response["X-Cache"]
    guide_ms.append(elapsed * 1000)
    bare_ms.append(render(bare)[1] * 1000)
cache.clear()
with CaptureQueriesContext(connection) as queries:
    render(url)
print(json.dumps({
    "url": url,
    "queries": len(queries),
    "query_list": [query["sql"][:160] for query in queries.captured_queries],
    "guide_ms": statistics.median(guide_ms),
    "bare_ms": statistics.median(bare_ms),
}))
"""


def main() -> dict:
    """Seed, measure, print and return the figures."""
    if not (reachable("127.0.0.1", 5432) and reachable("127.0.0.1", 6379)):
        raise SystemExit(
            "bench.guides needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379."
        )
    with tempfile.TemporaryDirectory(prefix="faro-bench-guides-") as var_dir:
        env = production_env(
            Path(var_dir),
            f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "redis://127.0.0.1:6379/7",
        )
        try:
            found = seeded_site(env, DATABASE, PROBE % {"rounds": ROUNDS})
        finally:
            drop_database(DATABASE)
    result = {
        "guide_url": found["url"],
        "guide_queries_uncached": found["queries"],
        "guide_ms_median": round(found["guide_ms"], 1),
        "bare_ms_median": round(found["bare_ms"], 2),
        "ratio": round(found["guide_ms"] / found["bare_ms"], 1),
    }
    print(
        f"Uncached Spanish guide page rendered in-process vs a bare Django view ({ROUNDS} rounds)"
    )
    print(f"  guide page: {result['guide_ms_median']} ms median ({result['guide_url']})")
    print(f"  bare view:  {result['bare_ms_median']} ms median")
    print(f"  ratio:      {result['ratio']}  (target <= 10)")
    print(f"  SQL queries: {result['guide_queries_uncached']}  (target <= 12)")
    return result


if __name__ == "__main__":
    main()
