"""Signal receivers, thin: the rules live in roles.py and review.py.

- A new English guide index gets the Legal review workflow.
- A published source page, or a saved source snippet, refreshes what its
  translators translate from (review.refresh_translation_source).
- Every save of a translated page or snippet is recorded against its approval
  (review.record_translation_saved), so a hand edit needs review again.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Page, TranslatableMixin
from wagtail.signals import page_published

from know_your_rights import review
from know_your_rights.legal_review import assign_legal_review
from know_your_rights.models import GuideIndexPage


@receiver(post_save, sender=GuideIndexPage)
def guide_index_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        assign_legal_review(instance)


@receiver(page_published, dispatch_uid="know-your-rights-source-page-published")
def source_page_published(sender, instance, **kwargs):
    if not review.is_translation(instance):
        review.refresh_translation_source(instance)


@receiver(post_save, dispatch_uid="know-your-rights-translatable-saved")
def translatable_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not isinstance(instance, TranslatableMixin):
        return
    if review.is_translation(instance):
        review.record_translation_saved(instance, update_fields)
    elif not isinstance(instance, Page):
        # Snippets have no publish step: a saved source is the new English.
        review.refresh_translation_source(instance)
