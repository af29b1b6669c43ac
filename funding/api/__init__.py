"""The public read API of calls (/api/v1/): JSON, read-only, no sign-in (see the README)."""
