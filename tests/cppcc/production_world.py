"""Data for the production-shape test, written by ``manage.py shell`` inside the deployed
settings (a separate process from the test and from gunicorn).

Prints the ids and logins the test needs as one JSON line.
"""

from __future__ import annotations

import json

from proposals.models import Reply
from proposals.services import drafting
from tests import flows
from tests import sample_files as files
from tests.factories import World
from tests.proposals.test_statistics import build_small


def build() -> None:
    w = World.build()
    build_small(w)  # figures for the dashboard
    elsewhere = World.build(prefix="x")
    p = flows.draft(w)
    attachment = drafting.add_attachment(w.member.user, p, files.pdf("调研报告.pdf"))
    drafting.submit(w.member.user, p, today=flows.DAY)
    answered = flows.replied(w, "A", letter=files.pdf("关于提案的答复.pdf"))
    reply = Reply.objects.get(assignment__proposal=answered)
    print(
        json.dumps(
            {
                "attachment": attachment.pk,
                "reply": reply.pk,
                "member": w.member.user.username,
                "staff": w.staff.username,
                "other_member": w.other_member.user.username,
                "other_staff": elsewhere.staff.username,
            }
        )
    )


def build_people() -> None:
    """A committee with its people, and nothing in progress (nothing left to e-mail)."""
    w = World.build()
    print(
        json.dumps(
            {
                "member": w.member.user.username,
                "cosigner": w.cosigner.user.username,
                "cosigner_member": w.cosigner.pk,
                "cosigner_email": w.cosigner.user.email,
                "staff": w.staff.username,
            }
        )
    )
