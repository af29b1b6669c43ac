"""Demo data of the portal: a demo person follows a few demo calls.

Runs after members and funding (their people and calls must exist). Idempotent.
"""

from funding.models import Call, Follow
from innovacoop.models import User

# Giulia Ferri (administrator of Nodo Digitale) follows calls that fit her cooperative.
DEMO_FOLLOWER = "giulia.ferri@coop.example"
DEMO_FOLLOWED_CALLS = ["interreg-europe-fifth-call", "er-fesr-ricerca-industriale"]


def load():
    person = User.objects.filter(email=DEMO_FOLLOWER).first()
    if person is None:
        return {}
    follows = 0
    for call in Call.objects.filter(slug__in=DEMO_FOLLOWED_CALLS):
        Follow.objects.get_or_create(user=person, call=call)
        follows += 1
    return {"followed calls": follows}
