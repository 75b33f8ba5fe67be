import pytest


@pytest.fixture(autouse=True)
def _seeded_indicators(request):
    """The computed indicators come from a data migration; a flushing test run earlier removes them."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "cast"} & set(request.fixturenames)
    if not uses_db:
        return
    from shamy.analytics.models import Indicator
    from shamy.analytics.testing import seed_indicators

    if not Indicator.objects.filter(source_kind="computed").exists():
        seed_indicators()
