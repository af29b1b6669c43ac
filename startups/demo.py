"""Demo startups, support programmes, applications in every stage and mentors (`is_demo`).

The records are in `startups/demo_data/invented.yaml`, modelled on Legacoop's calls for
cooperative startup ideas (Coopstartup); every name is invented. Parent organisations are
demo cooperatives and the universities of the networks demo, looked up by slug and skipped
when missing. Programme dates are relative to today (Europe/Rome), so a second run on the same
day changes nothing; rows are matched on slug, email or (programme, applicant) and saved only
when a value differs.
"""

import datetime
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone, translation

from core import demo_loader
from startups.models import (
    Application,
    ApplicationEvent,
    Mentor,
    MentorAssignment,
    Need,
    Startup,
    SupportProgramme,
)
from startups.vocabularies import load_needs

ROME = ZoneInfo("Europe/Rome")


def _applicant(record, *, verified):
    """The applicant's account, created without a usable password when missing."""
    User = get_user_model()
    user = User.objects.filter(email=record["email"]).first()
    if user is None:
        user = User(**record)
        user.set_unusable_password()
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": verified, "primary": True}
    )
    return user


def load(today=None):
    # The demo texts are Italian: a plain `description` fills the Italian column (bilingual
    # texts, startups/translation.py), whatever language the command runs in.
    with translation.override("it"):
        return _load(today)


def _load(today=None):
    today = today or timezone.localdate(timezone.now(), ROME)
    load_needs(Need)
    data = demo_loader.read("startups", demo_loader.INVENTED, today=today)
    lookups = demo_loader.Lookups()

    programmes = data["startups.SupportProgramme"]
    for record in programmes:
        demo_loader.save(SupportProgramme, record, lookups, lookup=["slug"])

    startups = data["startups.Startup"]
    for record in startups:
        slug = record["slug"]
        demo_loader.save(
            Startup,
            record,
            lookups,
            lookup=["slug"],
            extra={
                "contact_email": f"info@{slug}.example",
                "website": f"https://www.{slug}.example",
            },
        )

    people = {person["email"]: person for person in data[demo_loader.USER_MODEL_LABEL]}
    applications = data["startups.Application"]
    for record in applications:
        stage = record["stage"]
        person = people[record["applicant"]]
        applicant = _applicant(person, verified=stage != Application.Stage.AWAITING_CONFIRMATION)
        name = record["startup_name"]
        application = demo_loader.save(
            Application,
            record,
            lookups,
            lookup=["programme", "applicant"],
            extra={
                "applicant": applicant,
                "description": f"{name}: candidatura dimostrativa.",
                "team": f"{person['full_name']}, fondatrice o fondatore\nDue soci lavoratori",
                "team_size": 3,
                "submitted_at": datetime.datetime.combine(
                    record["submitted_at"], datetime.time(10), tzinfo=ROME
                ),
            },
        )
        # One event recording where the demo put it (no emails are sent for demo data).
        ApplicationEvent.objects.get_or_create(
            application=application,
            to_stage=stage,
            defaults={"from_stage": "", "note": "Demo data"},
        )

    mentors = data["startups.Mentor"]
    for record in mentors:
        mentor = demo_loader.save(Mentor, record, lookups, lookup=["email"])
        for assignment in record["assignments"]:
            values, _many = demo_loader.values_of(MentorAssignment, assignment, lookups)
            MentorAssignment.objects.get_or_create(
                mentor=mentor, startup=values["startup"], defaults={"since": values["since"]}
            )

    return {
        "support programmes": len(programmes),
        "startups": len(startups),
        "applications": len(applications),
        "mentors": len(mentors),
    }
