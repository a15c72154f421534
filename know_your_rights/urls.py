"""Public know-your-rights URLs outside Wagtail's page tree; they go inside
i18n_patterns (``cms.urls``), so each has a language prefix.

The names (no namespace) are the tracker contract's: reverse them with the
active language. `changes/` and `feed/` come before a statement's key, so a
statement keyed "changes" or "feed" could not be reached: keys are chosen
in the admin, never those.
"""

from django.urls import path

from know_your_rights import tracker_views

urlpatterns = [
    path("policy/", tracker_views.tracker_view, name="policy_tracker"),
    path("policy/feed/", tracker_views.PolicyChangeFeed(), name="policy_feed"),
    path("policy/changes/<int:event_id>/", tracker_views.change_view, name="policy_change"),
    path("policy/<slug:key>/", tracker_views.statement_view, name="policy_statement"),
]
