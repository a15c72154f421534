"""The seed's data: the memo's sources, statements and guides (``memo.py``),
the documents' text, the translated strings (``translations/``) and the term
base (``terms/``) beside it. ``know_your_rights.seeding`` writes them."""

from pathlib import Path

SEED_DIR = Path(__file__).resolve().parent
TRANSLATIONS_DIR = SEED_DIR / "translations"
