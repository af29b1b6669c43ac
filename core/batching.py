"""Splitting work into batches (queries with bounded IN lists, task chunks)."""

from itertools import islice


def chunked(items, size):
    """Lists of up to `size` items, in order, from any iterable (read once, lazily)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
