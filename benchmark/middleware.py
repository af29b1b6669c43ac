from django.db import connections


class QueryCountMiddleware:
    """Puts the number of SQL statements the request ran in the X-Bench-Queries header.

    First in the chain, so the session, user and every template's lazy querysets count.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _Counter()
        with connections["default"].execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(counter.count)
        return response


class _Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)
