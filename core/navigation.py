"""Where a one-button action sends the person back to."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, fallback):
    """The `next` path the form or link asked for, if it is a path on this site, else `fallback`.

    Only absolute paths ("/calls/x/") are taken: a bare word such as "-1" is no URL at all, and
    `redirect()` would try to reverse it as a view name and fail with a 500.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and "\x00" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return fallback
