"""The suite's verified sign-in helper reaches the admin; plain force_login does not."""

import pytest

pytestmark = pytest.mark.django_db


def test_admin_client_reaches_the_admin(admin_client):
    assert admin_client.get("/admin/").status_code == 200


def test_force_login_alone_is_sent_to_two_factor(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/")
