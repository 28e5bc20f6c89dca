"""API URLconf (filled in by its own issue work)."""

urlpatterns: list = []
