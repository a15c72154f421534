"""Development mail: one .eml file per message in var/outbox/.

Django's file backend appends every message of a process to one .log file;
a file per message opens in any mail client and is easy for tests to read.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class OutboxEmailBackend(BaseEmailBackend):
    def message_bytes(self, message) -> bytes:
        """The bytes written for ``message``, as SMTP would send them."""
        return message.message().as_bytes(linesep="\r\n")

    def send_messages(self, email_messages):
        outbox = Path(settings.EMAIL_FILE_PATH)
        outbox.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = uuid.uuid4().hex
            partial = outbox / f".{name}.tmp"
            partial.write_bytes(self.message_bytes(message))
            # Rename is atomic: a reader never sees half a message.
            partial.rename(outbox / f"{name}.eml")
        return len(email_messages)
