"""Demo saved searches for the demo people of the members demo (idempotent)."""

from django.contrib.auth import get_user_model

from funding.models import AlertFrequency, SavedSearch

DEMO_SEARCHES = [
    ("giulia.ferri@coop.example", "Digitale, bandi aperti", "status=open&theme=digital-transition",
     AlertFrequency.WEEKLY),
    ("giulia.ferri@coop.example", "Horizon Europe", "level=eu", AlertFrequency.INSTANT),
    ("sara.venturi@coop.example", "Agroalimentare", "q=food", AlertFrequency.DAILY),
]  # fmt: skip


def load():
    users = {
        user.email: user
        for user in get_user_model().objects.filter(
            email__in={email for email, *_rest in DEMO_SEARCHES}
        )
    }
    count = 0
    for email, name, query, frequency in DEMO_SEARCHES:
        user = users.get(email)
        if user is None:
            continue
        SavedSearch.objects.get_or_create(  # one alert per person and query
            user=user, query=query, defaults={"name": name, "frequency": frequency}
        )
        count += 1
    return {"saved searches": count} if count else {}
