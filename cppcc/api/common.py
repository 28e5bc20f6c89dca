"""What every app's API shares: reading a request body or query, naming a related object."""

from __future__ import annotations

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
