"""Accounts over the API: log in for a token, who am I, administrators' user management,
and the member list used to pick co-signers. Included at /api/v1/."""

from __future__ import annotations

import django_filters
from django.contrib.auth import authenticate, logout
from django.contrib.auth.models import update_last_login
from django.db.models import Q, QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from committees.scoping import restrict_to_committees
from cppcc.api.common import body
from cppcc.clients import client_address
from cppcc.pinyin import matching_initials
from members import serializers as s
from members import services, tokens
from members.capabilities import Capability, may
from members.models import ApiToken, Member, User
from members.roles import Role


class LoginRateThrottle(ScopedRateThrottle):
    """Failed logins per client address (scope ``login``); successful ones are not counted.

    A second line behind django-axes (``members.lockout``), which locks usernames and
    addresses in the database. The rate is read per request so tests can lower it.
    Without ``NUM_PROXIES`` the ``X-Forwarded-For`` header is not trusted: a client could
    otherwise pick a fresh "address" for every attempt.
    """

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: Request) -> str:
        return client_address(request._request)

    def get_cache_key(self, request: Request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def throttle_success(self) -> bool:
        return True  # counted in record_failure, once the password turned out wrong

    def record_failure(self, request: Request, view) -> None:
        if self.allow_request(request, view) and getattr(self, "key", None):
            self.history.insert(0, self.now)
            self.cache.set(self.key, self.history, self.duration)


class IsAdministrator(permissions.BasePermission):
    def has_permission(self, request: Request, view) -> bool:
        return may(request.user, Capability.ADMINISTER)


class TokenView(APIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        summary="登录取得令牌 · obtain an API token",
        request=s.TokenRequestSerializer,
        responses={200: s.TokenSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = body(s.TokenRequestSerializer, request)
        # The default backend refuses inactive accounts; say the same as for a bad password.
        # django-axes (the first backend) refuses a locked username or address; its
        # middleware then answers 429 with the wait (members.lockout).
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            LoginRateThrottle().record_failure(request, self)
            raise serializers.ValidationError(
                {"non_field_errors": [_("用户名或密码不正确，或账号已停用。")]}
            )
        token = tokens.issue(user)
        update_last_login(None, user)
        return Response({"token": token.key})


class LogoutView(APIView):
    @extend_schema(
        summary="注销令牌 · revoke the caller's API token",
        request=None,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            request.auth.delete()
        if request.user.is_authenticated and request.session.session_key:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(summary="当前用户 · the caller's account", responses=s.UserSerializer)
    def get(self, request: Request) -> Response:
        user = user_queryset().get(pk=request.user.pk)
        return Response(s.UserSerializer(user).data)


def user_queryset() -> QuerySet[User]:
    return User.objects.select_related(
        "committee", "unit", "organization", "member", "member__sector"
    ).prefetch_related("groups")


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("用户名或姓名"))
    role = django_filters.ChoiceFilter(
        choices=[(r.value, r.label) for r in Role], field_name="groups__name"
    )

    class Meta:
        model = User
        fields = ["q", "role", "is_active", "unit", "organization"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(username__icontains=value) | Q(display_name__icontains=value))


@extend_schema_view(
    list=extend_schema(summary="账号列表 · accounts of the administrator's committee"),
    retrieve=extend_schema(summary="账号详情 · one account"),
    create=extend_schema(
        summary="创建账号 · provision an account with one role",
        request=s.UserCreateSerializer,
        responses={201: s.UserSerializer},
    ),
    partial_update=extend_schema(
        summary="修改账号 · edit name, contact, password or active flag",
        request=s.UserUpdateSerializer,
        responses={200: s.UserSerializer},
    ),
)
class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Administrators only. Accounts are deactivated, never deleted."""

    serializer_class = s.UserSerializer
    permission_classes = [permissions.IsAuthenticated, IsAdministrator]
    filterset_class = UserFilterSet
    ordering_fields = ["id", "username", "display_name", "date_joined", "last_login"]
    ordering = ["id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[User]:
        queryset = restrict_to_committees(user_queryset(), self.request.user)
        if not self.request.user.is_superuser:
            # Otherwise an administrator could reset a superuser's password.
            queryset = queryset.filter(is_superuser=False)
        return queryset.distinct()

    def _fresh(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        return Response(s.UserSerializer(user_queryset().get(pk=pk)).data, status=code)

    def create(self, request: Request, *args, **kwargs) -> Response:
        user = services.provision_user(request.user, body(s.UserCreateSerializer, request))
        return self._fresh(user.pk, status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        user = self.get_object()
        services.update_user(request.user, user, body(s.UserUpdateSerializer, request))
        return self._fresh(user.pk)

    @extend_schema(
        summary="停用账号 · deactivate (its tokens stop working)",
        request=None,
        responses=s.UserSerializer,
    )
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, pk=None) -> Response:
        user = self.get_object()
        services.deactivate_user(request.user, user)
        return self._fresh(user.pk)


class MemberFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("姓名、拼音首字母或委员编号"))

    class Meta:
        model = Member
        fields = ["q", "sector", "is_active"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(
            Q(name__icontains=value)
            | Q(number__icontains=value)
            | matching_initials(queryset, value)
        )


@extend_schema_view(
    list=extend_schema(
        summary="委员列表 · members of the caller's committee (co-signer search; "
        "active only unless ?is_active=false)"
    ),
    retrieve=extend_schema(summary="委员详情 · one member"),
)
class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.MemberSerializer
    filterset_class = MemberFilterSet
    ordering_fields = ["id", "number", "name"]
    ordering = ["number", "id"]

    def get_queryset(self) -> QuerySet[Member]:
        queryset = restrict_to_committees(
            Member.objects.select_related("sector"), self.request.user
        )
        if self.action == "list" and "is_active" not in self.request.query_params:
            # Co-signers must be serving members who can still log in to answer.
            queryset = queryset.filter(is_active=True, user__is_active=True)
        return queryset


router = SimpleRouter()
router.register("users", UserViewSet, basename="user")
router.register("members", MemberViewSet, basename="member")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
