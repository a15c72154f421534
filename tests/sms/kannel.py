"""A real Kannel on 127.0.0.1 for the tests: bearerbox, smsbox and fakesmsc.

``KannelGateway`` writes a kannel.conf into a folder (every port free on
the loopback), starts bearerbox, smsbox and Debian's
``/usr/lib/kannel/test/fakesmsc`` (the operator's SMS centre), waits until
each listens, and stops all three within bounded time. fakesmsc prints each
text Kannel hands it (``Got message N: <FROM TO TYPE BODY>``), which
``received()`` reads back; ``phone_sends()`` writes a line to its stdin, as a
phone texting Faro, which bearerbox routes to the sms-service URL.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests.support.network import free_port

BEARERBOX = shutil.which("bearerbox") or "/usr/sbin/bearerbox"
SMSBOX = shutil.which("smsbox") or "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"

SENDSMS_USER = "faro"
SENDSMS_PASSWORD = "faro-test-password"
ADMIN_PASSWORD = "faro-test-admin"
# The number Faro texts from (the short code phones text back to).
FARO_NUMBER = "+12125550100"


def kannel_installed() -> bool:
    """Whether Debian's kannel and kannel-extras are installed here."""
    return all(os.access(path, os.X_OK) for path in (BEARERBOX, SMSBOX, FAKESMSC))


def live_base_url(live_server) -> str:
    """The live test server's address on 127.0.0.1 (Kannel connects there)."""
    return f"http://127.0.0.1:{urlsplit(live_server.url).port}"


@dataclass(frozen=True)
class Text:
    """One text fakesmsc received from Kannel (or a phone sent)."""

    sender: str
    receiver: str
    text: str
    # A part of a concatenated text: its user data header, URL-encoded as
    # fakesmsc prints it (reference, parts, this part's number in its last bytes).
    udh: str = ""

    @property
    def part(self) -> tuple[int, int]:
        """(this part's number, how many parts), (1, 1) for a whole text."""
        header = unquote_to_bytes(self.udh)
        return (header[-1], header[-2]) if len(header) >= 2 else (1, 1)


def _decode(kind: str, body: str) -> str:
    # fakesmsc URL-encodes binary bodies with "+" for a 0x20 byte.
    if kind in ("ucs2", "ucs-2"):
        return unquote_to_bytes(body.replace("+", "%20")).decode("utf-16-be")
    if kind == "data":
        raw = unquote_to_bytes(body.replace("+", "%20"))
        # A part of a concatenated UCS-2 text comes as data too.
        if b"\x00" in raw and len(raw) % 2 == 0:
            return raw.decode("utf-16-be", errors="replace")
        return raw.decode("utf-8", errors="replace")
    return body


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class KannelGateway:
    """bearerbox + smsbox + fakesmsc with a generated configuration.

    ``site_url`` is the Faro Kannel calls back (the live test server); the
    sms-service posts to its incoming callback, as ``manage.py kannel_config``
    prints it. ``incoming_url`` (older callers) is a post-url of its own
    (Kannel's escapes in it, e.g. ``?id=%I``); given alone, the site is its
    scheme and host, and a post-url other than Faro's replaces the printed one.
    """

    def __init__(self, folder: Path, incoming_url: str | None = None, *, site_url: str = ""):
        self.folder = Path(folder)
        if not site_url and incoming_url:
            parts = urlsplit(incoming_url)
            site_url = f"{parts.scheme}://{parts.netloc}"
        self.site_url = site_url
        self.incoming_url = incoming_url
        self.admin_port, self.smsbox_port, self.smsc_port, self.sendsms_port = (
            free_port() for _ in range(4)
        )
        self.processes: list[subprocess.Popen] = []
        self.log_files: list = []
        self.fakesmsc: subprocess.Popen | None = None
        self._lines: list[str] = []
        self._lock = threading.Lock()

    @property
    def sms_url(self) -> str:
        """The SMS_URL that sends through this gateway."""
        return f"kannel://{SENDSMS_USER}:{SENDSMS_PASSWORD}@127.0.0.1:{self.sendsms_port}"

    def operator_groups(self) -> str:
        """``manage.py kannel_config``'s output for this gateway and site."""
        printed = StringIO()
        overrides = {"SMS_URL": self.sms_url, "SMS_FROM": FARO_NUMBER}
        if self.site_url:
            overrides["SITE_URL"] = self.site_url
        if self.incoming_url and not settings.SMS_CALLBACK_SECRET:
            # Its own post-url replaces the printed one: any secret prints.
            overrides["SMS_CALLBACK_SECRET"] = "unused"
        with override_settings(**overrides):
            call_command("kannel_config", stdout=printed)
        groups = printed.getvalue()
        if self.incoming_url:
            groups = re.sub(
                r'^post-url = ".*"$',
                lambda _: f'post-url = "{self.incoming_url}"',
                groups,
                flags=re.MULTILINE,
            )
        return groups

    def config(self) -> str:
        """kannel.conf: every socket on 127.0.0.1, DLRs kept in memory; the
        sendsms-user and sms-service groups as the command prints them."""
        log = self.folder
        return f"""
group = core
admin-port = {self.admin_port}
admin-interface = 127.0.0.1
admin-password = {ADMIN_PASSWORD}
admin-allow-ip = "127.0.0.1"
smsbox-port = {self.smsbox_port}
smsbox-interface = 127.0.0.1
box-allow-ip = "127.0.0.1"
log-file = "{log / "bearerbox.log"}"
log-level = 1
access-log = "{log / "access.log"}"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {self.smsc_port}
our-host = 127.0.0.1
connect-allow-ip = "127.0.0.1"

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.smsbox_port}
sendsms-port = {self.sendsms_port}
sendsms-interface = 127.0.0.1
log-file = "{log / "smsbox.log"}"
log-level = 1

{self.operator_groups()}"""

    def start(self, timeout: float = 30) -> KannelGateway:
        """Start bearerbox, smsbox and fakesmsc; return once each listens or is connected."""
        self.folder.mkdir(parents=True, exist_ok=True)
        conf = self.folder / "kannel.conf"
        conf.write_text(self.config())
        self._spawn([BEARERBOX, "-v", "4", str(conf)], "bearerbox.out")
        self._wait(lambda: _listening(self.admin_port), timeout)
        self._spawn([SMSBOX, "-v", "4", str(conf)], "smsbox.out")
        self._wait(lambda: _listening(self.sendsms_port), timeout)
        self.fakesmsc = self._spawn(
            [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.smsc_port), "-i", "0.05"],
            None,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        threading.Thread(target=self._read_fakesmsc, daemon=True).start()
        self._wait(self._smsc_online, timeout)
        return self

    def _spawn(self, command, log_name, **streams) -> subprocess.Popen:
        if log_name:
            self.log_files.append((self.folder / log_name).open("wb"))
            streams = {
                "stdout": self.log_files[-1],
                "stderr": subprocess.STDOUT,
                **streams,
            }
        else:
            streams.setdefault("stderr", subprocess.STDOUT)
        process = subprocess.Popen(command, cwd=self.folder, start_new_session=True, **streams)
        self.processes.append(process)
        return process

    def _wait(self, condition, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{process.args[0]} exited: {self.logs()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"Kannel not ready: {self.logs()}")
            time.sleep(0.1)

    def status(self) -> str:
        """bearerbox's status page (its SMS centre connections among it)."""
        url = f"http://127.0.0.1:{self.admin_port}/status.txt?password={ADMIN_PASSWORD}"
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.read().decode(errors="replace")
        except OSError:
            return ""

    def _smsc_online(self) -> bool:
        return "(online" in self.status()

    def _read_fakesmsc(self) -> None:
        for raw in self.fakesmsc.stdout:
            with self._lock:
                self._lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))

    def received(self) -> list[Text]:
        """Every text Kannel has handed the SMS centre so far, decoded."""
        texts = []
        with self._lock:
            lines = list(self._lines)
        for line in lines:
            if "Got message" not in line or "<" not in line:
                continue
            inner = line[line.index("<") + 1 : line.rindex(">")]
            sender, receiver, kind, body = (inner.split(" ", 3) + ["", "", "", ""])[:4]
            udh = ""
            if kind == "udh":  # "udh <header> <kind> <body>"
                udh, kind, body = (body.split(" ", 2) + ["", ""])[:3]
            texts.append(Text(sender, receiver, _decode(kind, body), udh))
        return texts

    def received_by(self, number: str) -> list[Text]:
        """The texts Kannel handed the SMS centre for ``number``."""
        return [text for text in self.received() if text.receiver == number]

    def phone_sends(self, sender: str, text: str, receiver: str = FARO_NUMBER) -> None:
        """A phone ``sender`` texts ``text`` to Faro, through the SMS centre.

        ASCII goes as fakesmsc's ``text``; anything else as ``ucs2`` (URL-encoded
        UTF-16), as a phone sends it. fakesmsc reads stdin through a buffer but
        polls the pipe, so a second line written before it sent the first would
        wait in its buffer: this returns once fakesmsc says it sent the text.
        """
        if text.isascii() and text == text.strip() and text:
            line = f"{sender} {receiver} text {text}\n"
        else:
            line = f"{sender} {receiver} ucs2 {quote(text.encode('utf-16-be'), safe='')}\n"
        sent_before = self._count("fakesmsc: sent message")
        self.fakesmsc.stdin.write(line.encode())
        self.fakesmsc.stdin.flush()
        self._wait(lambda: self._count("fakesmsc: sent message") > sent_before, 10)

    def _count(self, marker: str) -> int:
        with self._lock:
            return sum(marker in line for line in self._lines)

    def logs(self) -> str:
        """The tail of Kannel's logs, for a failing test's message (no secrets in them)."""
        parts = []
        for name in ("bearerbox.out", "smsbox.out", "bearerbox.log", "smsbox.log"):
            path = self.folder / name
            if path.exists():
                parts.append(f"--- {name}\n{path.read_text(errors='replace')[-2000:]}")
        return "\n".join(parts)

    def stop(self, timeout: float = 10) -> None:
        """Stop fakesmsc, smsbox and bearerbox (SIGTERM, then SIGKILL after ``timeout``)."""
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + timeout
        for process in reversed(self.processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        for process in self.processes:
            for stream in (process.stdin, process.stdout):
                if stream:
                    stream.close()
        for log_file in self.log_files:
            log_file.close()
