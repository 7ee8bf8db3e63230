import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every case test stores its photos in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
