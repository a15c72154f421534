import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with no cached API answers and no throttle counts."""
    cache.clear()
    yield
    cache.clear()
