"""Files every browser asks for at the site's root."""

import pytest


@pytest.mark.django_db
def test_favicon_is_served_without_a_language_redirect(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    # An ICO file starts with its reserved word 0 and type 1 (icon).
    assert body[:4] == b"\x00\x00\x01\x00"
    assert "max-age" in response.get("Cache-Control", "")
