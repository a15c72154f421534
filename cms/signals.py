"""Signal receivers: purge the page cache when content changes; stamp sign-in time."""

import time

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, published, unpublished

from cms import page_cache
from cms.middleware import SIGNED_IN_AT_KEY
from know_your_rights.tracker.impact import guide_marks_changed

# Other models whose rows change what a public page (and an API answer) says:
# an approved translation drops its "needs review" notice; a recorded policy
# change adds "needs update" notices and a tracker entry.
SHOWN_ON_PAGES = {
    "know_your_rights.TranslationApproval",
    "know_your_rights.PolicyEvent",
    "know_your_rights.GuideUpdateMark",
    # A guide's audio player appears, changes or goes away.
    "know_your_rights.GuideAudio",
}


def _purge_if_shown_on_pages(sender, **kwargs) -> None:
    # Snippets (policy statements, hotlines) and site settings (the help line)
    # appear on many pages and have no publish step of their own. Checked
    # here rather than at connect time: snippets register after this app.
    from wagtail.contrib.settings.registry import registry as settings_registry
    from wagtail.models import Page
    from wagtail.snippets.models import get_snippet_models

    if issubclass(sender, Page) and kwargs.get("signal") is post_delete:
        page_cache.purge_all()
    elif sender in get_snippet_models() or sender in settings_registry:
        page_cache.purge_all()
    elif sender._meta.label in SHOWN_ON_PAGES:
        page_cache.purge_all()
        # Again once the transaction commits: rows written after this one in
        # it (a change's guide marks are bulk-created, without signals) are
        # not yet visible to a reader who refills the cache in between.
        transaction.on_commit(page_cache.purge_all)


def _stamp_sign_in(sender, request, user, **kwargs) -> None:
    # Django has already given the session a new key at login; record when,
    # so AdminAccessMiddleware can end it after SESSION_ABSOLUTE_SECONDS.
    request.session[SIGNED_IN_AT_KEY] = time.time()


def connect() -> None:
    """Connect the purge to Wagtail's publish signals and to snippet/setting saves."""
    for signal in (page_published, page_unpublished, published, unpublished):
        signal.connect(page_cache.purge_all, dispatch_uid=f"faro-page-cache-{id(signal)}")
    post_save.connect(_purge_if_shown_on_pages, dispatch_uid="faro-page-cache-save")
    post_delete.connect(_purge_if_shown_on_pages, dispatch_uid="faro-page-cache-delete")
    # Guide marks are made and cleared without model signals (bulk writes).
    guide_marks_changed.connect(page_cache.purge_all, dispatch_uid="faro-page-cache-marks")
    user_logged_in.connect(_stamp_sign_in, dispatch_uid="faro-sign-in-time")
