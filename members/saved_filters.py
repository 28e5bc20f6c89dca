"""Saving and removing 常用筛选 (``SavedFilter``) from a list's filter bar."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.models import SavedFilter

# The lists whose filters can be saved (URL names).
LISTS = frozenset({"proposals:list", "proposals:inbox"})
NOT_FILTERS = ("page", "csrfmiddlewaretoken")


def for_list(user, path: str) -> list[SavedFilter]:
    return list(SavedFilter.objects.filter(user=user, path=path))


def _list_path(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return path if match.view_name in LISTS else None


@login_required
@require_POST
def save(request: HttpRequest) -> HttpResponse:
    path = _list_path(request.POST.get("path", ""))
    if path is None:
        messages.error(request, _("只能保存提案列表和办理工作台的筛选。"))
        return redirect("home")
    pairs = [(k, v) for k, v in parse_qsl(request.POST.get("query", "")) if k not in NOT_FILTERS]
    query = urlencode(pairs)
    back = f"{path}?{query}" if query else path
    name = request.POST.get("name", "").strip()
    problem = None
    if not name:
        problem = _("请为常用筛选起个名字。")
    elif len(name) > 40:
        problem = _("名称不能超过 40 个字。")
    elif not pairs:
        problem = _("当前没有筛选条件，无需保存。")
    elif len(query) > 1000:
        problem = _("筛选条件过长，无法保存。")
    if problem:
        messages.error(request, problem)
        return redirect(back)
    with transaction.atomic():
        kept = SavedFilter.objects.select_for_update().filter(user=request.user, path=path)
        if kept.count() >= SavedFilter.MAX_PER_LIST and not kept.filter(name=name).exists():
            messages.error(
                request,
                _("每个列表最多保存 {n} 个常用筛选，请先删除不用的。").format(
                    n=SavedFilter.MAX_PER_LIST
                ),
            )
            return redirect(back)
        SavedFilter.objects.update_or_create(
            user=request.user, path=path, name=name, defaults={"query": query}
        )
    messages.success(request, _("已保存常用筛选「{name}」。").format(name=name))
    return redirect(back)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedFilter, pk=pk, user=request.user)
    saved.delete()
    messages.success(request, _("已删除常用筛选「{name}」。").format(name=saved.name))
    return redirect(saved.path)
