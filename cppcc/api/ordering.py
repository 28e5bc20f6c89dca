from rest_framework.filters import OrderingFilter


class StableOrderingFilter(OrderingFilter):
    """Ordering that always ends on the primary key, so pages never overlap or skip rows
    when the requested field has ties (e.g. ``?ordering=state``)."""

    def get_ordering(self, request, queryset, view):
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(field.lstrip("-") in ("pk", "id") for field in ordering):
            ordering.append("-pk")
        return ordering
