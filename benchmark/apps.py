from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """`manage.py benchmark` (issue 13): builds the SMALL and LARGE databases, serves the
    portal with its own settings and URL module (the floor view) and writes
    docs/benchmarks.md. Installed for its command only: it has no models."""

    name = "benchmark"
    verbose_name = "Benchmark"
