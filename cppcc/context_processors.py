"""Template context every page needs: what the user may do, the top bar, the to-do
badge and unread notifications."""

from django.http import HttpRequest

from cppcc.navigation import menu
from members.capabilities import capabilities_of
from proposals import work_centre
from proposals.models import Notification


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        # What the navigation and the pages may offer (members.capabilities).
        "can": capabilities_of(user),
        "menu": menu(user, request.path),
        "todo_count": work_centre.cached_count(user),
        "unread_count": Notification.objects.filter(user=user, read_at__isnull=True).count(),
    }
