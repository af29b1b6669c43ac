"""The on-demand benchmark of issue 13 (`manage.py benchmark`), never run by the tests.

`settings` and `urls` serve the portal under gunicorn with the floor view beside it;
`data` builds the SMALL and LARGE databases; `drive` measures pages over HTTP; `measure`
times the background jobs in-process; `report` writes docs/benchmarks.md.
"""
