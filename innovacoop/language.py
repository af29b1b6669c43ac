from django.conf import settings
from django.views.i18n import set_language as django_set_language


def set_language(request):
    """Django's language switch, also remembered on the signed-in person's profile.

    The profile's language decides the language of the emails they get, so a person who
    switches the pages to English gets English emails too.
    """
    response = django_set_language(request)
    language = request.POST.get("language")
    supported = {code for code, _name in settings.LANGUAGES}
    user = request.user
    if (
        request.method == "POST"
        and language in supported
        and user.is_authenticated
        and user.language != language
    ):
        user.language = language
        user.save(update_fields=["language"])
    return response
