"""Signal receivers, thin: the rules live in roles.py and review.py.

- A new English guide index gets the Legal review workflow.
- A published source page, or a saved source snippet, refreshes what its
  translators translate from (review.refresh_translation_source).
- Every save of a translated page or snippet is recorded against its approval
  (review.record_translation_saved), so a hand edit needs review again.
- An approved Legal review of a guide clears the policy tracker's marks made
  before the review started; an approved translation of a guide clears its
  marks whose English guide was updated first (tracker.impact).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from wagtail.models import Page, TranslatableMixin
from wagtail.signals import page_published, workflow_approved

from know_your_rights import review
from know_your_rights.legal_review import LEGAL_REVIEW, assign_legal_review
from know_your_rights.models import GuideIndexPage, GuidePage, TranslationApproval
from know_your_rights.tracker import impact


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


@receiver(workflow_approved, dispatch_uid="know-your-rights-legal-review-approved")
def legal_review_approved(sender, instance, user=None, **kwargs):
    page = instance.content_object
    if instance.workflow.name != LEGAL_REVIEW or not isinstance(page, Page):
        return
    impact.clear_after_legal_review(page, user, timezone.now(), started_at=instance.created_at)


@receiver(post_save, sender=TranslationApproval, dispatch_uid="know-your-rights-guide-approved")
def translation_approved(sender, instance, raw=False, **kwargs):
    # Only a save that approves the content as it is (not one that follows a later edit).
    if raw or instance.approved_content_hash != instance.current_content_hash:
        return
    if instance.content_type.model_class() is not Page:
        return
    page = Page.objects.filter(pk=instance.object_id).type(GuidePage).first()
    if page is not None:
        impact.clear_after_translation_approval(page, instance.approved_by, instance.approved_at)
