"""Keeping the stored matches: the outbox, scoped refreshes, the full rebuild, the daily
prune, and the catch-up a reader does before it reads. A module per concern:

| module                 | what                                                            |
|------------------------|-----------------------------------------------------------------|
| `outbox`               | `refresh_record` (a change records its pending rows), the doorbell |
| `processing`           | the worker: `refreshes_process`, `refreshes_sweep`              |
| `call_matches`         | `call_matches_refresh`: a call changed                          |
| `request_matches`      | `request_matches_refresh`: a request changed                    |
| `cooperative_matches`  | `cooperative_matches_refresh`: a cooperative changed            |
| `changes`              | what a "not relevant" mark or a project touches                 |
| `pairs`, `catch_up`    | a reader's catch-up: `pending_pairs_apply`, `pending_calls_refresh` |
| `prune`                | `matches_prune`, daily                                          |
| `rebuild`              | `matches_rebuild` (`manage.py rebuild_matches`)                 |
| `ranking`, `tops`      | shared: the kept lists' order and caps; a cooperative's best calls and requests |

What is kept is each cooperative's best `CALLS_KEPT` calls and best `REQUESTS_KEPT`
requests, and each request's best `CANDIDATES_KEPT` cooperatives (`matches.engine`), not
every pair: pages show 10 or 20 rows, the slack absorbs dismissals and closings. So the
cooperative-profile alert and the weekly digest announce a new call or request to a
cooperative when it is among that cooperative's best 50 (or, for a request, the cooperative
is among the request's best 50 candidates): a cooperative with more matches than that hears
about the best ones, which is the point of a profile alert.

Scopes (all scoring on compact facts, `matches.engine`):
- a call: scored against every active cooperative it can share something with; it enters
  a cooperative's kept calls where it beats the cooperative's K-th (one window query) and
  pushes that one out; where an edit lowers it to the bottom of a full list, an unkept call
  may now rank above it, so that cooperative is refreshed (queued);
- a cooperative: its kept calls and requests recomputed, and whether it enters each
  request's best candidates; its own requests queued (their facts read their owner);
- a request: its best candidates recomputed, and whether it enters each cooperative's kept
  requests;
- a project: its participants' requests and the requests on its call (queued as requests);
- the daily prune (`matches_prune`): rows of closed calls and closed or answered requests
  deleted, and the cooperatives left with fewer visible rows than a page shows refreshed.

Approximations, all repaired by the next refresh of the cooperative or request: a call's or
request's order among equals reads the stored next deadline (`Call.next_deadline_at`) and
Python's lower-casing of names; a request's candidate list is not refilled when candidates
drop out (its page shows 20 of 50). Every refresh is idempotent.

Readers (`matches.readers`) call `pending_pairs_apply` first, so a page is right even when a
refresh task was lost or has not run yet. Callers import from the module that owns a name.
"""
