"""Staff support: send one person's alerts now (they go through the ledger, so never twice)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from funding import alerts
from funding.models import Call


class Command(BaseCommand):
    help = "Send one person's call alerts, digest or deadline reminders now."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="email address of the person")
        parser.add_argument(
            "--kind", required=True, choices=["instant", "daily", "weekly", "reminders"]
        )
        parser.add_argument(
            "--call",
            help="slug of the call (instant alerts; default: all "
            "calls published in the last 7 days)",
        )

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(email__iexact=options["user"]).first()
        if user is None:
            raise CommandError(f"No user with email {options['user']}.")
        kind = options["kind"]
        now = timezone.now()
        if kind == "instant":
            calls = Call.objects.published()
            if options["call"]:
                calls = calls.filter(slug=options["call"])
                if not calls.exists():
                    raise CommandError(f"No published call with slug {options['call']}.")
            else:
                calls = calls.filter(published_at__gte=now - alerts.DIGEST_PERIOD["weekly"])
            written = 0
            for call in calls:
                found = alerts.instant_recipients(call, at=now).get(user.pk)
                if found:
                    written += alerts.call_alerts_send(
                        call_id=call.pk,
                        entries=[[user.pk, found["searches"], found["cooperative_alerts"]]],
                        at=now,
                    )
        elif kind in ("daily", "weekly"):
            written = alerts.digests_build(frequency=kind, user_ids=[user.pk], at=now)
        else:
            written = alerts.reminders_send(user_ids=[user.pk], at=now)
        self.stdout.write(
            f"{written} email(s) queued for {user.email}"
            + ("" if written else " (nothing new, or already sent: see the email ledger)")
        )
