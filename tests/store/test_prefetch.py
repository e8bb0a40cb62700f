"""Reading ahead keeps order, raises the reader's errors in the writer, and stops early."""

from __future__ import annotations

import threading

import pytest

from kgtwin.errors import InputError
from kgtwin.store.prefetch import batched, read_ahead


def test_batches_arrive_whole_and_in_order():
    assert list(read_ahead(batched(range(10), 3))) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


def test_a_reader_error_is_raised_in_the_writer_as_it_was():
    def records():
        yield 1
        raise InputError("edges.tsv", 7, "bad record")

    with pytest.raises(InputError, match=r"edges\.tsv:7: bad record"):
        list(read_ahead(batched(records(), 1)))


def test_a_writer_that_stops_early_stops_the_reader():
    produced = []

    def endless():
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    for batch in read_ahead(batched(endless(), 10), depth=2):
        assert batch[0] == 0
        break
    assert not any(t.name == "kgtwin-read-ahead" for t in threading.enumerate())
    assert len(produced) < 100  # bounded: at most a few batches ahead
