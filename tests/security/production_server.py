"""gunicorn with production settings on a free loopback port, for tests that
need the real server: the real cache shared by its workers, the real proxy
headers, the real response headers.

`ProductionServer` runs `cms.settings.production` against the test database,
with its own var folder (an embedded broker nothing consumes, no outbox) whose
`media` is the test process's MEDIA_ROOT, and whose `static` holds the
production static files, collected once per checkout and again when a static
file changes (`collected_static`). Every request goes in as the TLS proxy
would pass it: `X-Forwarded-Proto: https`, and `X-Forwarded-For` as given.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import redis
from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.staticfiles import finders

from tests.support.network import free_port
from tests.support.processes import ROOT, subprocess_env

SITE_HOST = "faro.example.org"
SITE_URL = f"https://{SITE_HOST}"
ALLOWED_HOSTS = f"{SITE_HOST},localhost,127.0.0.1"
STATIC_CACHE = ROOT / "var" / "test" / "production-static"
SERVER_REDIS_DATABASE = 11


def redis_url() -> str:
    """The server's Redis: REDIS_URL's server (else this machine's), in a database of
    its own, emptied when a server starts: another test process emptying the
    shared cache never resets its counts, and nothing an earlier server cached
    is served."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2")
    return urlunsplit(parts._replace(path=f"/{SERVER_REDIS_DATABASE}"))


def _static_fingerprint() -> str:
    digest = hashlib.sha256()
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list([]), key=lambda item: item[0]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def production_env(var_dir: Path, trusted_proxy_count: int) -> dict[str, str]:
    """The environment of a production server (or its collectstatic) using `var_dir`."""
    return subprocess_env(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        FARO_VAR_DIR=str(var_dir),
        # A new key each run: rate-limit counts of an earlier run (same
        # hour, same Redis) hash to other keys.
        SECRET_KEY="production-test-" + os.urandom(16).hex(),
        ALLOWED_HOSTS=ALLOWED_HOSTS,
        SITE_URL=SITE_URL,
        REDIS_URL=redis_url(),
        CELERY_BROKER_URL="filesystem://",
        CELERY_RESULT_BACKEND="",
        EMAIL_URL="memory://",
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS)
        or Fernet.generate_key().decode(),
        SUBSCRIBER_HASH_KEY=settings.SUBSCRIBER_HASH_KEY,
        TRUSTED_PROXY_COUNT=str(trusted_proxy_count),
    )


def _collected_is_current(fingerprint: str) -> bool:
    stamp = STATIC_CACHE / "fingerprint"
    return stamp.exists() and stamp.read_text() == fingerprint


@dataclass
class _BackgroundCollection:
    process: subprocess.Popen
    folder: Path
    fingerprint: str


# The collection `start_collecting_static` started, until `collected_static` takes it.
_background: list[_BackgroundCollection] = []


def start_collecting_static() -> None:
    """Start collecting the production static files in another process when they are
    out of date (about a minute of CPU on a fresh checkout: every admin asset is
    hashed and compressed), into a folder of its own; the first `collected_static`
    waits for it and installs it. Niced, so it takes the CPU the tests leave over."""
    fingerprint = _static_fingerprint()
    if _background or _collected_is_current(fingerprint):
        return
    STATIC_CACHE.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="production-static-", dir=STATIC_CACHE.parent))
    with (folder / "collectstatic.log").open("wb") as log:
        process = subprocess.Popen(
            ["nice", "-n", "10", sys.executable, "manage.py", "collectstatic", "--no-input"]
            + ["-v", "0"],
            cwd=ROOT,
            env=production_env(folder, trusted_proxy_count=0),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _background.append(_BackgroundCollection(process, folder, fingerprint))


def stop_collecting_static() -> None:
    """Stop a background collection nobody took (the session ends) and remove its folder."""
    while _background:
        collection = _background.pop()
        if collection.process.poll() is None:
            os.killpg(collection.process.pid, signal.SIGKILL)
            collection.process.wait()
        shutil.rmtree(collection.folder, ignore_errors=True)


def _install_background_collection(fingerprint: str) -> bool:
    """Wait for the background collection; install it as the cache if it succeeded
    for the static files as they are now."""
    if not _background:
        return False
    collection = _background.pop()
    try:
        succeeded = collection.process.wait(timeout=900) == 0
    except subprocess.TimeoutExpired:
        os.killpg(collection.process.pid, signal.SIGKILL)
        collection.process.wait()
        succeeded = False
    if not succeeded or collection.fingerprint != fingerprint:
        shutil.rmtree(collection.folder, ignore_errors=True)
        return False
    shutil.rmtree(STATIC_CACHE, ignore_errors=True)
    try:
        collection.folder.rename(STATIC_CACHE)
    except OSError:
        # Another test run on this checkout is collecting into the cache meanwhile.
        shutil.rmtree(collection.folder, ignore_errors=True)
        return False
    (STATIC_CACHE / "fingerprint").write_text(fingerprint)
    return True


def collected_static(env: dict) -> Path:
    """The production static files (hashed names and manifest), collected when out of
    date (by the background collection when one was started)."""
    fingerprint = _static_fingerprint()
    if _collected_is_current(fingerprint) or _install_background_collection(fingerprint):
        return STATIC_CACHE / "static"
    shutil.rmtree(STATIC_CACHE, ignore_errors=True)
    STATIC_CACHE.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={**env, "FARO_VAR_DIR": str(STATIC_CACHE)},
        check=True,
        timeout=900,
    )
    (STATIC_CACHE / "fingerprint").write_text(fingerprint)
    return STATIC_CACHE / "static"


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


@dataclass
class Browser:
    """One client's cookies (the session, the CSRF token) against the server."""

    server: ProductionServer
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, *, forwarded_for=None, host=SITE_HOST, body=None, headers=None
    ) -> Response:
        all_headers = {"Host": host, "X-Forwarded-Proto": "https", **(headers or {})}
        if forwarded_for is not None:
            all_headers["X-Forwarded-For"] = forwarded_for
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict, **kwargs) -> Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": SITE_URL}
        return self.request("POST", path, body=urlencode(data), headers=headers, **kwargs)

    def post_json(self, path: str, body: str, **kwargs) -> Response:
        headers = {"Content-Type": "application/json"}
        return self.request("POST", path, body=body, headers=headers, **kwargs)

    def sign_in(self, username: str, password: str, *, forwarded_for=None) -> Response:
        """Wagtail's sign-in form, as a browser fills it in (CSRF token included)."""
        self.get("/admin/login/", forwarded_for=forwarded_for)
        return self.post_form(
            "/admin/login/",
            {
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
                "username": username,
                "password": password,
                "next": "/admin/",
            },
            forwarded_for=forwarded_for,
        )


class ProductionServer:
    """gunicorn serving `cms.settings.production` with `workers` processes."""

    def __init__(self, trusted_proxy_count: int, workers: int = 2):
        self.var_dir = Path(tempfile.mkdtemp(prefix="faro-production-", dir=ROOT / "var" / "test"))
        self.port = free_port()
        self.env = production_env(self.var_dir, trusted_proxy_count)
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.log_path = self.var_dir / "gunicorn.log"

    def start(self) -> ProductionServer:
        # Nothing cached by an earlier server (pages, feeds, counts) is served.
        redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        static = collected_static(self.env)
        (self.var_dir / "static").symlink_to(static)
        Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        (self.var_dir / "media").symlink_to(Path(settings.MEDIA_ROOT))
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "cms.wsgi:application",
                    "--config",
                    "deploy/gunicorn.conf.py",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()}")
            try:
                if Browser(self).get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"gunicorn did not answer:\n{self.log()}")
            time.sleep(0.3)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.var_dir, ignore_errors=True)

    def browser(self) -> Browser:
        return Browser(self)
