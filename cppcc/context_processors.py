"""Template context every page needs: the user's roles and unread notifications."""

from django.http import HttpRequest

from members.roles import Role, roles_of
from proposals.models import Notification


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = roles_of(user)
    return {
        "nav": {
            "writer": bool(roles & {Role.MEMBER, Role.COLLECTIVE}),
            "staff": bool(roles & {Role.STAFF, Role.ADMIN}),
            "unit": Role.UNIT in roles,
            "supervisor": Role.SUPERVISOR in roles,
            "admin": Role.ADMIN in roles,
        },
        "unread_count": Notification.objects.filter(user=user, read_at__isnull=True).count(),
    }
