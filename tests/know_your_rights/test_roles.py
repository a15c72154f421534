"""Editors, Moderators, Translators and the Legal review workflow."""

from __future__ import annotations

from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Locale, Workflow

from know_your_rights.models import GuideIndexPage, GuidePage


def _member(django_user_model, name):
    user = django_user_model.objects.create_user(username=name.lower(), password="x" * 16)
    user.groups.add(Group.objects.get(name=name))
    return user


def test_groups_have_the_permissions_their_names_say(seeded, django_user_model):
    english = GuidePage.objects.get(locale=Locale.get_default(), slug="your-idnyc")
    bengali = english.get_translation(Locale.objects.get(language_code="bn"))
    editor = _member(django_user_model, "Editors")
    moderator = _member(django_user_model, "Moderators")
    translator = _member(django_user_model, "Translators")

    def can(user, page):
        perms = page.permissions_for_user(user)
        return perms.can_edit(), perms.can_publish()

    assert can(editor, english) == (True, False)  # goes through Legal review
    assert can(moderator, english) == (True, True)
    assert can(translator, english) == (False, False)  # never the English source
    assert can(translator, bengali) == (True, True)
    assert can(editor, bengali) == (True, True)

    for user in (editor, moderator, translator):
        assert user.has_perm("wagtailadmin.access_admin")
        assert user.has_perm("know_your_rights.change_policystatement")
    assert editor.has_perm("know_your_rights.approve_translation")
    assert moderator.has_perm("know_your_rights.approve_translation")
    assert not translator.has_perm("know_your_rights.approve_translation")
    assert not translator.has_perm("know_your_rights.add_policysource")
    assert moderator.has_perm("know_your_rights.delete_policystatement")
    assert not editor.has_perm("know_your_rights.delete_policystatement")


def test_english_guides_go_through_legal_review(seeded, django_user_model):
    workflow = Workflow.objects.get(name="Legal review")
    assert workflow.active
    task = workflow.tasks.get().specific
    assert isinstance(task, GroupApprovalTask)
    assert list(task.groups.values_list("name", flat=True)) == ["Moderators"]

    english_index = GuideIndexPage.objects.get(locale=Locale.get_default())
    english_guide = GuidePage.objects.child_of(english_index).first()
    assert english_guide.get_workflow() == workflow
    bengali_guide = english_guide.get_translation(Locale.objects.get(language_code="bn"))
    # Translations are marked "needs review" instead of going through Legal review.
    assert bengali_guide.get_workflow() != workflow

    editor = _member(django_user_model, "Editors")
    english_guide.save_revision(user=editor)
    state = workflow.start(english_guide, editor)
    assert state.current_task_state.task.specific == task
    english_guide.refresh_from_db()
    assert english_guide.live  # the published version stays until a Moderator approves
