"""Guides and the policy they rest on: the policy and its phone lines
(``policy.py``), translation approvals (``approvals.py``), and the guide pages
with the help line setting (``pages.py``), the policy tracker's history
and guide marks (``tracker.py``), and the guides' short links
(``short_links.py``) and audio (``audio.py``). Imports go one way: pages
use the others, never the reverse. The pages also use ``guides``, ``review`` and
``cards``, so those import a model from its own module
(``know_your_rights.models.policy``), never from this package."""

from .approvals import TranslationApproval
from .audio import ComputerVoiceSettings, GuideAudio
from .pages import GuideIndexPage, GuidePage, HelpLineSettings
from .policy import Hotline, PartialDateMixin, PolicySource, PolicyStatement
from .short_links import ShortLink
from .tracker import GuideUpdateMark, PolicyEvent

__all__ = [
    "ComputerVoiceSettings",
    "GuideAudio",
    "GuideIndexPage",
    "GuideUpdateMark",
    "GuidePage",
    "HelpLineSettings",
    "Hotline",
    "PartialDateMixin",
    "PolicyEvent",
    "PolicySource",
    "PolicyStatement",
    "ShortLink",
    "TranslationApproval",
]
