"""Routing below a home page finds what Wagtail's page-by-page walk finds.

HomePage routes in one query (the pages whose url_path begins the request's
path); these are the cases where a shortcut could serve the wrong thing.
"""

import pytest
from wagtail.models import Page

from tests.factories.know_your_rights import make_guide, make_private

pytestmark = pytest.mark.django_db


def test_a_live_guide_and_its_card_are_served(site_tree, client):
    guide = make_guide("talking-to-police", title="Talking to the police")
    assert guide.url == "/en/guides/talking-to-police/"
    page = client.get(guide.url)
    assert page.status_code == 200
    assert "Talking to the police" in page.content.decode()
    assert client.get(f"{guide.url}card/").status_code == 200


def test_missing_draft_and_too_deep_paths_are_not_found(site_tree, client):
    make_guide("published-guide")
    make_guide("draft-guide", publish=False)
    assert client.get("/en/guides/no-such-guide/").status_code == 404
    assert client.get("/en/guides/draft-guide/").status_code == 404
    assert client.get("/en/guides/published-guide/no-such-part/").status_code == 404
    assert client.get("/en/no-such-section/published-guide/").status_code == 404


def test_a_guide_under_an_unpublished_index_is_still_served(site_tree, client):
    # Wagtail's walk never asks whether the pages on the way are live.
    guide = make_guide("under-a-draft-index", title="Under a draft index")
    Page.objects.filter(pk=guide.get_parent().pk).update(live=False)
    page = client.get("/en/guides/under-a-draft-index/")
    assert page.status_code == 200
    assert "Under a draft index" in page.content.decode()


def test_a_private_guide_asks_for_its_password(site_tree, client):
    guide = make_guide("private-guide", title="A private guide", summary="Secret summary.")
    make_private(guide)
    page = client.get(guide.url)
    assert "Secret summary." not in page.content.decode()
    assert 'name="password"' in page.content.decode()


def test_a_guide_under_a_private_index_asks_for_the_password(site_tree, client):
    guide = make_guide("under-a-private-index", summary="Summary behind the index's password.")
    make_private(guide.get_parent())
    page = client.get(guide.url)
    assert "Summary behind the index&#x27;s password." not in page.content.decode()
    assert "Summary behind the index" not in page.content.decode()
    assert 'name="password"' in page.content.decode()


def test_an_alias_of_a_private_guide_asks_for_the_password(site_tree, client):
    # An alias takes its source's view restrictions, as in Wagtail.
    guide = make_guide("private-source", summary="The source's private summary.")
    make_private(guide)
    guide.create_alias(update_slug="public-looking-alias")
    page = client.get("/en/guides/public-looking-alias/")
    assert "private summary" not in page.content.decode()
    assert 'name="password"' in page.content.decode()
