"""Helpers shared by the benchmarks: services, gunicorn, wrk."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def database_name(section: str) -> str:
    """The PostgreSQL database a bench section creates and drops: one per run
    (``faro_bench_<section>_<pid>``), so two benches running at once never
    share, or drop, each other's database."""
    return f"faro_bench_{section}_{os.getpid()}"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reachable(host: str, port: int) -> bool:
    """Whether something listens on host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def manage(env: dict, *args: str, capture: bool = False) -> str:
    """Run manage.py with `env`; raise with its output on failure."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout if capture else ""


@contextmanager
def gunicorn(env: dict, wsgi: str, workers: int = 2):
    """A gunicorn on 127.0.0.1 serving `wsgi`; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            wsgi,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not reachable("127.0.0.1", port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"gunicorn did not start: {process.stderr.read() if process.stderr else ''}"
                )
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


# wrk calls `response` for every answer; each thread counts those that are
# what the benchmark claims to measure (status 200, and a cache hit when the
# run expects one), and `done` prints the totals for wrk() to read.
COUNTING_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) counted = 0; other = 0; want_hit = args[1] == "hit" end
function response(status, headers, body)
  local hit = false
  for name, value in pairs(headers) do
    if string.lower(name) == "x-cache" and value == "hit" then hit = true end
  end
  if status == 200 and (hit or not want_hit) then counted = counted + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local counted, other = 0, 0
  for _, thread in ipairs(threads) do
    counted = counted + thread:get("counted"); other = other + thread:get("other")
  end
  io.write(string.format("FARO counted=%d other=%d microseconds=%d\\n",
    counted, other, summary.duration))
end
"""


def wrk(
    url: str,
    seconds: int = 10,
    connections: int = 8,
    headers: dict | None = None,
    cache_hits: bool = False,
) -> float:
    """Answers per second that wrk (2 threads) got for `url`, counting only
    those with status 200, and with `X-Cache: hit` when `cache_hits`.

    Raises if any other answer came back: a rate of errors or cache misses
    must never pass for the rate of the page.
    """
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: run bin/install-debian-packages")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(COUNTING_SCRIPT)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", script.name]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    try:
        output = subprocess.run(
            [*command, url, "--", "hit" if cache_hits else "any"],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(script.name)
    match = re.search(r"FARO counted=(\d+) other=(\d+) microseconds=(\d+)", output)
    if not match:
        raise RuntimeError(f"could not read wrk output:\n{output}")
    counted, other, microseconds = (int(group) for group in match.groups())
    if other or not counted:
        wanted = "200 cache hits" if cache_hits else "200 answers"
        raise RuntimeError(f"{url}: {other} of {counted + other} answers were not {wanted}")
    return counted / (microseconds / 1_000_000)


def production_env(var_dir: Path, database_url: str, redis_url: str) -> dict:
    """Environment for production settings on this machine, bench-only secrets."""
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.web_settings",
            "SECRET_KEY": "bench-" + os.urandom(24).hex(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "https://127.0.0.1",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": redis_url.rsplit("/", 1)[0] + "/4"
            if redis_url
            else "filesystem://",
            "REDIS_URL": redis_url,
            "EMAIL_URL": "memory://",
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "SUBSCRIBER_HASH_KEY": "bench-hash-key",
            "FARO_VAR_DIR": str(var_dir),
        }
    )
    return env


def seeded_site(env: dict, database: str, probe: str) -> dict:
    """A fresh PostgreSQL `database` with the memo content in English and Spanish.

    Runs `probe` (Python code printing one JSON line as its last output) in a
    Django shell of the same environment and returns what it printed.
    """
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    manage(env, "migrate", "--no-input", "-v", "0")
    # Spanish is what is measured; the other ten translations only slow seeding.
    manage(env, "load_memo_content", "--language", "es")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"probing the site failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def drop_database(database: str) -> None:
    """Remove a bench database (ignores one that is not there)."""
    subprocess.run(
        ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", database], check=False
    )
