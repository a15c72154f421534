"""The alert editor never autosaves.

Wagtail's autosave posts the edit form in the background. Fired while a
Moderator approves an alert, it saved a new revision as the Moderator's own,
which made them an author of the version under review and voided their
approval (found by the editorial browser journey on a slow server).
"""

import pytest

from tests.factories.advocacy import publish_alert
from tests.factories.users import moderator
from tests.support.auth import sign_in_verified

pytestmark = pytest.mark.django_db


def test_the_alert_edit_form_carries_no_autosave(client):
    alert = publish_alert("Checkpoint on 5th Avenue")
    sign_in_verified(client, moderator("autosave-mod"))

    page = client.get(f"/admin/pages/{alert.pk}/edit/").content.decode()

    assert 'id="page-edit-form"' in page
    assert "data-w-autosave-interval-value" not in page
