from rest_framework.pagination import CursorPagination, PageNumberPagination

from cppcc.counting import COUNT_CAP, CappedPaginator


class Walk(CursorPagination):
    """``?cursor=``: every row, newest first, by a position in ``id`` (no count, no
    offset) — for clients that copy a whole list page after page."""

    ordering = ("-id",)
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request, queryset, view):
        return self.ordering  # a unique key, whatever ``ordering`` or ``q`` asked for


class Pagination(PageNumberPagination):
    """Page-number pagination; views order by a unique key so pages are stable.

    ``count`` is exact up to ``COUNT_CAP`` rows; past it the count stops at
    ``COUNT_CAP + 1`` with ``count_exact`` false, and so do the pages (narrow the filters,
    or walk everything with ``cursor``). Counting a whole province on every page would
    cost more than the page.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CappedPaginator
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.walk = Walk() if self.cursor_query_param in request.query_params else None
        if self.walk is not None:
            return self.walk.paginate_queryset(queryset, request, view)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.walk is not None:
            response = self.walk.get_paginated_response(data)
            response.data = {"count": None, "count_exact": False, **response.data}
            return response
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.exact
        return response

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "逐页遍历全部结果：首次传空值（cursor=），之后使用 next 中的链接；按 id 倒序，"
                    "不计总数 · walk every row: start with an empty cursor, then follow next "
                    "(newest first, no count)"
                ),
                "schema": {"type": "string"},
            },
        ]

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"].update(
            nullable=True,
            description=(
                f"匹配的条数；超过 {COUNT_CAP} 条时为 {COUNT_CAP + 1}（count_exact 为 false）；"
                f"按 cursor 遍历时为 null · rows matched, capped at {COUNT_CAP + 1}; "
                "null when walking with cursor"
            ),
        )
        answer["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "count 是否为确切条数 · whether count is exact",
        }
        answer["required"] = [*answer.get("required", []), "count_exact"]
        return answer
