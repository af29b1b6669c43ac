import time

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The session key of the person's last write (`WriteStampMiddleware`).
WRITE_STAMP_SESSION_KEY = "write_stamp"


class LanguageMiddleware:
    """Chooses the UI language: the visitor's explicit choice, then their profile, then Italian.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the portal's users
    are Italian cooperatives and the agency wants Italian unless someone picks otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = self.language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response

    def language_for(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in self.supported:
            return chosen
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.supported:
            return user.language
        return settings.LANGUAGE_CODE


class RejectNullCharactersMiddleware:
    """Answers 400 to a request whose path, query or form data holds a NUL byte.

    No text the portal keeps or looks up can contain one, and PostgreSQL refuses it in any
    string ("A string literal cannot contain NUL"), so a NUL that reached a query was a 500.
    Django's form fields refuse it already, but admin changelist filters, django-filter's
    lookups and views that read `request.GET`/`request.POST` directly do not: one check at
    the door covers them all. Uploaded files are not inspected (they are bytes).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or self._has_nul(request.GET):
            raise BadRequest("NUL character in the URL.")
        if request.method == "POST" and self._has_nul(request.POST):
            raise BadRequest("NUL character in the form data.")
        return self.get_response(request)

    @staticmethod
    def _has_nul(data):
        return any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in data.lists()
        )


class WriteStampMiddleware:
    """Stamps the session of a signed-in person after each write of theirs that succeeded
    (a POST, PUT, PATCH or DELETE answered below 400).

    Parts of pages kept rendered for one person (`core.fragments.personal_html`) are keyed on
    the stamp, so whatever the person just did shows on their next page at once, whichever
    web worker serves it and whether the workers share a cache or not. Changes by others
    reach those parts through the data's version tokens (`core.versions`).
    """

    WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in self.WRITES
            and response.status_code < 400
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            request.session[WRITE_STAMP_SESSION_KEY] = time.time_ns()
        return response
