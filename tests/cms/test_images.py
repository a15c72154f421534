"""Images readers see: WebP renditions with width and height, never a raw upload."""

import io
import re
from pathlib import Path

import pytest
from django.core.files.images import ImageFile
from django.template import engines
from PIL import Image as PILImage
from wagtail.images import get_image_model

ROOT = Path(__file__).resolve().parent.parent.parent
PUBLIC_TEMPLATE_DIRS = [
    ROOT / "cms" / "templates",
    ROOT / "know_your_rights" / "templates",
    ROOT / "advocacy" / "templates",
]


@pytest.fixture
def photo(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    PILImage.new("RGB", (1200, 800), (200, 120, 40)).save(buffer, "PNG")
    return get_image_model().objects.create(
        title="A test picture", file=ImageFile(buffer, name="picture.png")
    )


@pytest.mark.parametrize("spec", ["width-400", "width-400 format-webp"])
def test_image_tag_gives_a_webp_rendition_with_its_size(photo, spec):
    template = engines["django"].from_string(
        "{% load wagtailimages_tags %}{% image photo " + spec + ' alt="" %}'
    )
    html = template.render({"photo": photo})
    assert re.search(r'src="[^"]+\.webp"', html), html
    assert 'width="400"' in html and 'height="266"' in html
    rendition = photo.renditions.get()
    with rendition.file.open("rb") as stored:
        head = stored.read(12)
    assert head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def test_public_templates_show_no_image_except_through_renditions():
    """A bare <img> would skip WebP and the size attributes: use {% image %}."""
    offenders = []
    for folder in PUBLIC_TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            # Emails, sign-in and the admin's own screens (the flyer builder's
            # preview is a generated PNG, not an editor's image) are not public pages.
            if any(part in str(path) for part in ("/email/", "two_factor", "/admin/")):
                continue
            if "<img" in path.read_text():
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
