"""Who may open the core app's pages: everyone. Nothing here is a person's or a cooperative's.

| URL name       | rule                                                                 |
|----------------|----------------------------------------------------------------------|
| healthz        | public (liveness for load balancers: says only "ok" or "error")     |
| set_language   | public                                                               |
| unsubscribe    | public: the signed token in the link is the permission (RFC 8058)    |
"""

PUBLIC_URLS = frozenset({"healthz", "set_language", "unsubscribe"})
