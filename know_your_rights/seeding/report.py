"""What a seed run reports and raises, and how the seed marks what it wrote
(the log action of an administrative import, the translation tool name)."""

from __future__ import annotations

from dataclasses import dataclass, field

ADMINISTRATIVE_IMPORT = "know_your_rights.administrative_import"


TOOL_NAME = "Faro seed (machine-made, needs review)"


class SeedError(Exception):
    """The seed data is incomplete (for example a missing translation)."""


@dataclass
class SeedReport:
    """What one run did; `created` and `updated` are empty on a second run.

    `kept` lists seeded content a person has changed since the seed wrote it:
    the seed leaves it alone rather than overwrite an editor or a translator.
    """

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)
