from rest_framework.pagination import PageNumberPagination

from cppcc.counting import COUNT_CAP, CappedPaginator


class Pagination(PageNumberPagination):
    """Page-number pagination; views order by a unique key so pages are stable.

    ``count`` is exact up to ``COUNT_CAP`` rows; past it the count stops at
    ``COUNT_CAP + 1`` with ``count_exact`` false, and so do the pages (narrow the filters,
    or walk everything with a ``cursor``). Counting a whole province on every page would
    cost more than the page.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.exact
        return response

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["description"] = (
            f"匹配的条数；超过 {COUNT_CAP} 条时为 {COUNT_CAP + 1}（count_exact 为 false）"
            f" · rows matched, capped at {COUNT_CAP + 1}"
        )
        answer["properties"]["count_exact"] = {
            "type": "boolean",
            "description": "count 是否为确切条数 · whether count is exact (false past the cap)",
        }
        answer["required"] = [*answer.get("required", []), "count_exact"]
        return answer
