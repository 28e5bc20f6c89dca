"""What every app's API shares: reading a request body or query, naming a related object."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request


def body(serializer_class, request: Request) -> dict:
    """The request body validated by ``serializer_class`` (a 400 with field errors if not)."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def query(serializer_class, request: Request) -> dict:
    """The query string validated by ``serializer_class`` (a 400 with field errors if not)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class RefSerializer(serializers.Serializer):
    """A related object as ``{"id", "name"}``."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="__str__")

    def to_representation(self, instance) -> dict:
        # The fields above document the shape; building it directly spares DRF's
        # per-field machinery (a list page carries hundreds of these).
        return {"id": instance.pk, "name": str(instance)}


@extend_schema_field(OpenApiTypes.STR)
class LabelField(serializers.Field):
    """A choice's label (e.g. ``state`` → 「已立案」), read-only: what ``get_FOO_display``
    answers, without DRF calling a bound method per row."""

    def __init__(self, choices, **kwargs) -> None:
        self.labels = dict(choices)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return str(self.labels.get(value, value))
