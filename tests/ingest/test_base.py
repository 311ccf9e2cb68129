"""The loader machinery that needs no database: duplicate counting in bounded memory."""

from __future__ import annotations

from cibgraph.ingest.duplicates import DuplicateCounter


def test_repeats_are_counted_across_spilled_runs() -> None:
    rows = ["a,1", "b,2", "a,1", "c,3", "b,2", "d,4", "a,1", "a,2", "e,5"]
    with DuplicateCounter(run_rows=2) as counter:  # five runs: repeats sit in different runs
        for row in rows:
            counter.add(row)
        assert counter.duplicates() == 3  # two more "a,1", one more "b,2"
        assert counter.duplicates() == 3  # asking again reads the runs again
        counter.add("e,5")
        counter.add("f,6")
        assert counter.duplicates() == 4


def test_rows_that_differ_are_never_repeats() -> None:
    with DuplicateCounter(run_rows=1_000) as counter:
        for i in range(10_000):
            counter.add(f"{i}\x1faccount\x1f{i * 7}")
        assert (counter.rows, counter.duplicates()) == (10_000, 0)


def test_nothing_added_means_no_repeats() -> None:
    with DuplicateCounter() as counter:
        assert counter.duplicates() == 0
