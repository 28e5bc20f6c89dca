"""Factories for tests (factory_boy), and a small ready-made world with every role."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import factory
from django.contrib.auth.models import Group

from committees.models import Committee, HandlingUnit, Organization, Sector, Session
from members.models import Member, User
from members.roles import Role

PASSWORD = "pw-test-123"  # every factory-made user's


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee

    code = factory.Sequence(lambda n: f"c{n}")
    name = factory.Sequence(lambda n: f"测试市政协{n}")
    level = Committee.Level.CITY


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    committee = factory.SubFactory(CommitteeFactory)
    code = factory.Sequence(lambda n: f"S{n:02d}")
    name = factory.Sequence(lambda n: f"界别{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"民主党派{n}")
    kind = Organization.Kind.PARTY


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    committee = factory.SubFactory(CommitteeFactory)
    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"市第{n}局")
    kind = HandlingUnit.Kind.MUNICIPAL_DEPARTMENT


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    committee = factory.SubFactory(CommitteeFactory)
    term = 14
    meeting = factory.Sequence(lambda n: n + 1)
    plenary_start = datetime.date(2025, 1, 10)
    plenary_end = datetime.date(2025, 1, 14)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)
    committee = factory.SubFactory(CommitteeFactory)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            # get_or_create: transactional tests flush the groups the migration made.
            self.groups.add(Group.objects.get_or_create(name=Role(role))[0])


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(
        UserFactory,
        committee=factory.SelfAttribute("..committee"),
        roles=[Role.MEMBER],
    )
    committee = factory.SubFactory(CommitteeFactory)
    name = factory.LazyAttribute(lambda m: m.user.display_name)
    number = factory.Sequence(lambda n: f"M{n:04d}")
    sector = factory.SubFactory(SectorFactory, committee=factory.SelfAttribute("..committee"))


@dataclass
class World:
    """One committee with a person in every role."""

    committee: Committee
    session: Session
    sector: Sector
    organization: Organization
    units: list[HandlingUnit]
    member: Member
    cosigner: Member
    other_member: Member
    collective: User
    staff: User
    admin: User
    supervisor: User
    lead_handler: User
    co_handler: User
    other_handler: User

    @classmethod
    def build(cls, committee: Committee | None = None, prefix: str = "") -> World:
        committee = committee or CommitteeFactory(name=f"{prefix}太原市政协", code=f"{prefix}ty")
        session = SessionFactory(
            committee=committee,
            term=14,
            meeting=2,
            plenary_start=datetime.date(2025, 1, 10),
            plenary_end=datetime.date(2025, 1, 14),
        )
        sector = SectorFactory(committee=committee, name="经济界")
        organization = OrganizationFactory(committee=committee, name=f"{prefix}民革市委会")
        units = [UnitFactory(committee=committee) for _ in range(3)]

        def user(role: Role, **kw) -> User:
            return UserFactory(committee=committee, roles=[role], **kw)

        return cls(
            committee=committee,
            session=session,
            sector=sector,
            organization=organization,
            units=units,
            member=MemberFactory(committee=committee, sector=sector),
            cosigner=MemberFactory(committee=committee, sector=sector),
            other_member=MemberFactory(committee=committee, sector=sector),
            collective=user(Role.COLLECTIVE, organization=organization),
            staff=user(Role.STAFF),
            admin=user(Role.ADMIN),
            supervisor=user(Role.SUPERVISOR),
            lead_handler=user(Role.UNIT, unit=units[0]),
            co_handler=user(Role.UNIT, unit=units[1]),
            other_handler=user(Role.UNIT, unit=units[2]),
        )
