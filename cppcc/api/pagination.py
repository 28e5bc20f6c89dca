from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-number pagination; views order by a unique key so pages are stable."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
