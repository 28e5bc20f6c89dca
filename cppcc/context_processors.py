"""Template context every page needs: what the user may do, and unread notifications."""

from django.http import HttpRequest

from members.capabilities import capabilities_of
from proposals.models import Notification


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        # What the navigation and the pages may offer (members.capabilities).
        "can": capabilities_of(user),
        "unread_count": Notification.objects.filter(user=user, read_at__isnull=True).count(),
    }
