"""Guides and the policy they rest on: the policy and its phone lines
(``policy.py``), translation approvals (``approvals.py``), and the guide pages
with the help line setting (``pages.py``). Imports go one way: pages use the
others, never the reverse. The pages also use ``guides``, ``review`` and
``cards``, so those import a model from its own module
(``know_your_rights.models.policy``), never from this package."""

from .approvals import TranslationApproval
from .pages import GuideIndexPage, GuidePage, HelpLineSettings
from .policy import Hotline, PartialDateMixin, PolicySource, PolicyStatement

__all__ = [
    "GuideIndexPage",
    "GuidePage",
    "HelpLineSettings",
    "Hotline",
    "PartialDateMixin",
    "PolicySource",
    "PolicyStatement",
    "TranslationApproval",
]
