"""API representations of a committee's reference data (read-only)."""

from __future__ import annotations

from rest_framework import serializers

from committees.models import Committee, HandlingUnit, Organization, Sector, Session


class CommitteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Committee
        fields = ["id", "code", "name", "short_name", "level", "parent"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "committee", "code", "name"]


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "committee", "name", "kind", "sector", "is_active"]


class HandlingUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = HandlingUnit
        fields = ["id", "committee", "code", "name", "kind", "is_active"]


class SessionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Session
        fields = ["id", "committee", "name", "term", "meeting", "plenary_start", "plenary_end"]
