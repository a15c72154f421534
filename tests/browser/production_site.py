"""The site with production settings behind a TLS-terminating proxy, for browser tests.

Production runs gunicorn behind a proxy that ends TLS and tells Django so
with `X-Forwarded-Proto: https` (SECURE_PROXY_SSL_HEADER), forwarding the
browser's Host. `TLSProxy` is a small stand-in for it on loopback: HTTPS with
a self-signed certificate for PUBLIC_HOST, every request forwarded to
gunicorn over plain HTTP with that header added. Chromium reaches it as
`https://faro.test:<port>` through `--host-resolver-rules`, so the browser
sees a real https origin, secure cookies and all, as it does in production.

gunicorn runs tests.browser.production_settings: cms.settings.production
with static files served from the apps' folders (see there why).
"""

from __future__ import annotations

import datetime
import http.client
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import redis

PUBLIC_HOST = "faro.test"
# Headers about one connection, which a proxy never passes on.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}


def self_signed_certificate(host: str, folder: Path) -> tuple[Path, Path]:
    """A certificate and key for `host`, valid for a day, written to `folder`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "proxy.crt", folder / "proxy.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _ForwardingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {
            name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP
        }
        # What a TLS-terminating proxy tells the application; Host is passed on as sent.
        headers["X-Forwarded-Proto"] = "https"
        headers["X-Forwarded-For"] = self.client_address[0]
        upstream = http.client.HTTPConnection(*self.server.upstream, timeout=60)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
        finally:
            upstream.close()
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _forward

    def log_message(self, *args):
        pass


class TLSProxy:
    """HTTPS on 127.0.0.1:`port`, forwarded to http://127.0.0.1:`upstream_port`."""

    def __init__(self, upstream_port: int, cert_path: Path, key_path: Path):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _ForwardingHandler)
        self.server.daemon_threads = True
        self.server.upstream = ("127.0.0.1", upstream_port)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class ProductionSite:
    """gunicorn with production settings behind the TLS proxy stand-in."""

    url: str  # https://faro.test:<proxy port>, as the browser sees it
    host_resolver_rule: str  # for Chromium: faro.test is 127.0.0.1
    log_path: Path
    # The server's environment: tests.browser.admin.create_account(site, ...)
    # makes accounts with production's password hashers (tests use a fast one).
    env: dict[str, str]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def redis_url() -> str:
    """A Redis database of its own for the production site (it requires REDIS_URL)."""
    configured = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2")
    return f"redis://{configured.hostname or '127.0.0.1'}:{configured.port or 6379}/13"


def redis_is_up(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=2):
            return True
    except OSError:
        return False


def start_production_site(site_env: dict[str, str], gunicorn_port: int):
    """Start gunicorn with production settings on the seeded site's database, and the proxy.

    `site_env` is the browser tests' server environment (LiveSite.env): its
    database and var folder are reused. Returns (ProductionSite, stop).
    """
    folder = Path(tempfile.mkdtemp(prefix="production-", dir=site_env["FARO_VAR_DIR"]))
    cert_path, key_path = self_signed_certificate(PUBLIC_HOST, folder)
    # The proxy's port is the site's public port: start the proxy first (its
    # upstream is the port gunicorn will bind).
    proxy = TLSProxy(gunicorn_port, cert_path, key_path)
    public_url = f"https://{PUBLIC_HOST}:{proxy.port}"
    env = {
        **site_env,
        "DJANGO_SETTINGS_MODULE": "tests.browser.production_settings",
        "SECRET_KEY": "browser-test-production-secret-" + "k" * 40,
        "ALLOWED_HOSTS": PUBLIC_HOST,
        "SITE_URL": public_url,
        "REDIS_URL": redis_url(),
        "CELERY_BROKER_URL": "filesystem://",
        "EMAIL_URL": f"outbox://{folder / 'outbox'}",
        "FIELD_ENCRYPTION_KEYS": "x3mJ1oZ8bZcVn0t8R3YqHn8Jm2cK6k1wQpV9sL0dE4A=",
        "SUBSCRIBER_HASH_KEY": "browser-test-production-hash-key",
    }
    # The database is this site's own: no sign-in failures or cached pages
    # from an earlier run.
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    log_path = folder / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cms.wsgi:application",
                "--bind",
                f"127.0.0.1:{gunicorn_port}",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    site = ProductionSite(
        url=public_url,
        host_resolver_rule=f"MAP {PUBLIC_HOST} 127.0.0.1",
        log_path=log_path,
        env=env,
    )

    def stop() -> None:
        proxy.stop()
        if server.poll() is None:
            os.killpg(server.pid, 15)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
                server.wait()

    # Ready when gunicorn answers as it would through the proxy.
    health = urllib.request.Request(
        f"http://127.0.0.1:{gunicorn_port}/healthz",
        headers={"Host": f"{PUBLIC_HOST}:{proxy.port}", "X-Forwarded-Proto": "https"},
    )
    deadline = time.monotonic() + 90
    try:
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"production server exited:\n{site.log()[-4000:]}")
            try:
                with urllib.request.urlopen(health, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
    except BaseException:
        stop()
        raise
    return site, stop
