"""The floor: the least a page of this stack can cost, measured beside every page."""

from django.db import connection
from django.http import HttpResponse
from django.template import engines

FLOOR_SQL = (
    "SELECT identifier, title, slug FROM funding_call "
    "WHERE publication_state = 'published' ORDER BY id DESC LIMIT 20"
)
# Compiled once, as a real page's template is after the first request (cached loader).
FLOOR_TEMPLATE = engines["django"].from_string(
    "<!doctype html><html><head><title>Floor</title></head><body><ul>"
    "{% for identifier, title, slug in calls %}"
    '<li><a href="/calls/{{ slug }}/">{{ identifier }}</a> {{ title }}</li>'
    "{% endfor %}</ul></body></html>"
)


def floor(request):
    """20 calls from one raw SQL query, rendered by a template string: no ORM, no context
    processors. The ratio page p95 / floor p95 cancels most of the machine's load."""
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL)
        calls = cursor.fetchall()
    return HttpResponse(FLOOR_TEMPLATE.render({"calls": calls}))
