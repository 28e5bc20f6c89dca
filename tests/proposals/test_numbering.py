"""Filing numbers stay unique and gap-free under concurrent filing (real threads)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from proposals.choices import State
from proposals.models import NumberSequence, Proposal
from proposals.services import review
from tests import flows

THREADS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_filing_gives_unique_gap_free_numbers():
    from tests.factories import World

    world = World.build()
    proposals = [flows.reviewed(world, cosigners=False, title=f"提案{i}") for i in range(24)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(chunk: list[Proposal]) -> None:
        try:
            barrier.wait()
            for p in chunk:
                review.file(world.staff, p.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(proposals[i::THREADS],)) for i in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    filed = Proposal.objects.filter(state=State.FILED)
    sequences = sorted(filed.values_list("sequence", flat=True))
    assert sequences == list(range(1, 25))
    numbers = set(filed.values_list("number", flat=True))
    assert len(numbers) == 24 and "14-2-0001" in numbers and "14-2-0024" in numbers
    assert NumberSequence.objects.get(session=world.session).last == 24


def test_failed_filing_gives_its_number_back(world):
    first = flows.filed(world, cosigners=False)
    assert first.number == "14-2-0001"
    not_ready = flows.confirmed(world, cosigners=False)  # no review yet: filing is refused
    with pytest.raises(Exception):  # noqa: B017 - InvalidTransition, checked below
        review.file(world.staff, not_ready)
    second = flows.filed(world, cosigners=False)
    assert second.number == "14-2-0002"


def test_number_format_is_configurable(world):
    from committees.models import RuleSet

    RuleSet.objects.create(committee=world.committee, number_format="{year}-{seq:03d}")
    p = flows.filed(world, cosigners=False)
    assert p.number == "2025-001"
