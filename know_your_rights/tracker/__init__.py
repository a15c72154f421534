"""The policy tracker's rules: recording a statement's history, what a change
touches, and what is due for verification.

- ``recording``: changes, corrections, verifications and first versions, each
  a numbered PolicyEvent on the English statement, written with the statement
  locked so two people recording at once are kept in order or told to reload.
- ``checks``: the input checks and refusals (TrackerError, StaleHistory) of
  ``recording``, each with a sentence for the person.
- ``impact``: the guides (every language) citing a statement, the marks a
  change leaves on them, clearing them after Legal review or a translation's
  approval, and the per-change state the admin lists.
- ``due``: statements not verified within ``POLICY_REVIEW_DAYS``.

These modules import models from their own modules (``models.policy``,
``models.tracker``), never from the ``know_your_rights.models`` package, since
the guide pages' helpers may use them.
"""
