"""Helpers shared by the benchmarks: services, gunicorn, wrk."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


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


def wrk(url: str, seconds: int = 10, connections: int = 8, headers: dict | None = None) -> float:
    """Requests per second that wrk measures for `url` (2 threads)."""
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: run bin/install-debian-packages")
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{url} answered errors under load:\n{output}")
    match = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    if not match:
        raise RuntimeError(f"could not read wrk output:\n{output}")
    return float(match.group(1))


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
