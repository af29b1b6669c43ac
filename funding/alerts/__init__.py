"""Call alerts: saved searches, the cooperative-profile alert, instant alerts, digests, reminders.

What an alert matches is decided by the catalogue's own `CallFilterSet` (saved searches) and
by the stored call-to-cooperative matches (the cooperative alert): there is no second
definition of "matches". Every email goes through the delivery ledger (`core.mail`) with a key
naming recipient and reason, so re-running any job here sends nothing twice:

    call-alert:user-7:call-31
    digest:weekly:user-7:2026-W48
    reminder:user-7:deadline-31:14d

A module per concern; each imports only those above it in this table:

| module        | what                                                                       |
|---------------|----------------------------------------------------------------------------|
| `criteria`    | queries normalised and validated; `match_queries`, `match_cooperatives`    |
| `searches`    | a person's saved searches: `saved_search_create`, `searches_with_matches`  |
| `audience`    | who receives email, `CHUNK_SIZE`, the end of a membership's alerts         |
| `emails`      | an alert email's common context and headers, `CallCard`                    |
| `instant`     | `instant_recipients` of a published call, `call_alerts_send`               |
| `outbox`      | dispatch rows and their chunks: record, process, send a chunk, the sweep   |
| `digests`     | daily and weekly digests: who is due, the run's matches, `digests_build`   |
| `reminders`   | deadline reminders of followed calls                                       |
| `preferences` | stop everything, reminders on or off, the one-click unsubscribe kinds      |

The names below are re-exported for callers (`from funding import alerts`;
`alerts.digests_build(...)`). A test or the benchmark that replaces a name must replace it on
the module that looks it up when called, not here: `criteria.match_queries`,
`criteria.MATCH_CHUNK`, `searches.MAX_SEARCHES_PER_USER`, `audience.CHUNK_SIZE`,
`instant.instant_recipients`, `outbox.queue_dispatch`, `outbox.queue_alert_chunk`. The
tunable numbers are therefore not re-exported: setting them here would change nothing.
"""

# saved_search_create raises Django's ValidationError; callers catch it as alerts.ValidationError.
from django.core.exceptions import ValidationError

from funding.alerts.audience import cooperative_alerts_end, membership_ended
from funding.alerts.criteria import (
    filterset_for,
    match_cooperatives,
    match_queries,
    normalize_query,
    saved_search_query_errors,
)
from funding.alerts.digests import (
    DIGEST_CALLS_SHOWN,
    DIGEST_PERIOD,
    digest_due_user_ids,
    digest_key,
    digest_matches,
    digest_period_key,
    digest_user_ids,
    digest_window_start,
    digests_build,
)
from funding.alerts.instant import call_alert_key, call_alerts_send, instant_recipients
from funding.alerts.outbox import (
    MAX_DISPATCH_ATTEMPTS,
    alert_chunk_send,
    alert_dispatch_process,
    alert_dispatch_record,
    alert_dispatches_sweep,
    unannounced_calls_record,
)
from funding.alerts.preferences import (
    alerts_resume_all,
    alerts_stop_all,
    preference_for,
    reminders_set,
    unsubscribe_kinds_register,
)
from funding.alerts.reminders import (
    deadline_moved_key,
    deadline_moved_notify,
    reminder_key,
    reminder_offset_for,
    reminder_offsets,
    reminder_user_ids,
    reminders_send,
)
from funding.alerts.searches import saved_search_create, searches_with_matches

__all__ = [
    "DIGEST_CALLS_SHOWN",
    "DIGEST_PERIOD",
    "MAX_DISPATCH_ATTEMPTS",
    "ValidationError",
    "alert_chunk_send",
    "alert_dispatch_process",
    "alert_dispatch_record",
    "alert_dispatches_sweep",
    "alerts_resume_all",
    "alerts_stop_all",
    "call_alert_key",
    "call_alerts_send",
    "cooperative_alerts_end",
    "deadline_moved_key",
    "deadline_moved_notify",
    "digest_due_user_ids",
    "digest_key",
    "digest_matches",
    "digest_period_key",
    "digest_user_ids",
    "digest_window_start",
    "digests_build",
    "filterset_for",
    "instant_recipients",
    "match_cooperatives",
    "match_queries",
    "membership_ended",
    "normalize_query",
    "preference_for",
    "reminder_key",
    "reminder_offset_for",
    "reminder_offsets",
    "reminder_user_ids",
    "reminders_send",
    "reminders_set",
    "saved_search_create",
    "saved_search_query_errors",
    "searches_with_matches",
    "unannounced_calls_record",
    "unsubscribe_kinds_register",
]
