"""`python -m bench.imports`: import 100,000 subscribers from a CSV file.

Runs `manage.py import_subscribers` as an operator would, on a fresh
PostgreSQL database with production settings, and reports rows per second
(counted in the database afterwards, not taken from the command's output),
the command's own CPU time (which a machine shared with other work does not
inflate, unlike the wall clock) and its peak memory at 20,000 and 100,000
rows: flat memory means the two peaks are close. Every row has a consent
date, so no mail is sent.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.support import PYTHON, ROOT, database_name, drop_database, manage, production_env

DATABASE = database_name("imports")
SIZES = (20_000, 100_000)
LANGUAGES = ["en", "es", "zh-hans", "zh-hant", "ru", "bn", "ht", "ko", "ar", "ur", "fr", "pl"]


def write_csv(path: Path, rows: int, areas: list[str], topics: list[str]) -> None:
    """A list as another tool exports it: every column used, a few bad rows."""
    rng = random.Random(rows)
    with path.open("w", encoding="utf-8") as out:
        out.write("email,language,areas,topics,consent_date\n")
        for n in range(rows):
            chosen_areas = ";".join(rng.sample(areas, rng.randint(0, 2)))
            chosen_topics = ";".join(rng.sample(topics, rng.randint(0, 2)))
            out.write(
                f"person{n}@example.org,{rng.choice(LANGUAGES)},{chosen_areas},"
                f"{chosen_topics},2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
            )


def count_subscribers(env: dict) -> int:
    output = subprocess.run(
        [
            PYTHON,
            "manage.py",
            "shell",
            "-c",
            "from advocacy.models import Subscriber; print(Subscriber.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(output.strip().splitlines()[-1])


def run_import(env: dict, csv_path: Path) -> tuple[float, float, float]:
    """Seconds taken, CPU seconds used and peak RSS (MiB) of one `import_subscribers` process.

    The CPU seconds are the command's own (user and system), which other
    work on a shared machine does not inflate; PostgreSQL's are not in them.
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "manage.py", "import_subscribers", str(csv_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    # wait4 gives this one child's own peak memory (KiB on Linux).
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"bench imports: import_subscribers exited {process.returncode}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix="faro-bench-imports-"))
    env = production_env(
        var_dir, f"postgres://postgres@127.0.0.1:5432/{DATABASE}", "redis://127.0.0.1:6379/5"
    )
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings.production"
    results: dict = {"command": ".venv/bin/python -m bench.imports", "runs": []}
    try:
        for size in SIZES:
            drop_database(DATABASE)
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
            manage(env, "migrate", "--no-input", "-v", "0")
            manage(env, "load_areas_and_topics")
            slugs = json.loads(
                subprocess.run(
                    [
                        PYTHON,
                        "manage.py",
                        "shell",
                        "-c",
                        "import json; from advocacy.models import Area, Topic; "
                        "print(json.dumps([list(Area.objects.values_list('slug', flat=True)),"
                        " list(Topic.objects.values_list('slug', flat=True))]))",
                    ],
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            csv_path = var_dir / f"list-{size}.csv"
            write_csv(csv_path, size, *slugs)
            print(f"bench imports: {size:,} rows …", flush=True)
            load = os.getloadavg()[0]
            seconds, cpu, peak = run_import(env, csv_path)
            stored = count_subscribers(env)
            if stored != size:
                raise SystemExit(f"bench imports: {stored} of {size} rows were stored")
            run = {
                "rows": size,
                "seconds": round(seconds, 1),
                "rows_per_second": round(stored / seconds),
                "command_cpu_seconds": round(cpu, 1),
                "rows_per_command_cpu_second": round(stored / cpu),
                "peak_rss_mib": round(peak, 1),
                "load_average_at_start": round(load, 1),
            }
            results["runs"].append(run)
            print(
                f"  {stored:,} subscribers in {seconds:.1f} s: {run['rows_per_second']:,} rows/s "
                f"(command's own CPU {cpu:.1f} s: {run['rows_per_command_cpu_second']:,} rows per "
                f"CPU second), peak memory {peak:.0f} MiB, load average {load:.1f} at start",
                flush=True,
            )
    finally:
        drop_database(DATABASE)
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
    sys.exit(0)
