"""The landing page: who you are and the proposals you can see, by state.

The full browser UI per role comes on top of this; it already reads through the
one visibility rule (``Proposal.objects.visible_to``).
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from members.roles import roles_of
from proposals.choices import State
from proposals.models import Proposal


@login_required
def home(request: HttpRequest) -> HttpResponse:
    counts = dict(
        Proposal.objects.visible_to(request.user)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    by_state = [(label, counts.get(value, 0)) for value, label in State.choices]
    roles = sorted(role.label for role in roles_of(request.user))
    return render(
        request,
        "home.html",
        {"by_state": by_state, "total": sum(counts.values()), "roles": roles},
    )
