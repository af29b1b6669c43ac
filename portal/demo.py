"""Demo data of the portal: a demo person follows a few demo calls.

The follows are in `portal/demo_data/invented.yaml`. Runs after members and funding (their
people and calls must exist); a person or call not loaded is skipped. Idempotent.
"""

from core import demo_loader
from funding.models import Follow


def load():
    data = demo_loader.read("portal", demo_loader.INVENTED, today=None)
    lookups = demo_loader.Lookups()
    follows, people = 0, 0
    for record in data["funding.Follow"]:
        values, _many = demo_loader.values_of(Follow, record, lookups)
        people += values["user"] is not None
        if values["user"] is None or values["call"] is None:
            continue
        demo_loader.save(Follow, record, lookups, lookup=["user", "call"])
        follows += 1
    return {"followed calls": follows} if people else {}
