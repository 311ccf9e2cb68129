"""Writing a load's batches: node and link writers in background threads, one transaction each."""

from __future__ import annotations

import queue
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from neo4j import Driver
from neo4j.exceptions import ServiceUnavailable, SessionExpired

from cibgraph.ingest.rows import Item, LoadError
from cibgraph.neo4j.runner import QueryRunner, RowsLostError

if TYPE_CHECKING:
    from cibgraph.ingest.base import Loader

# A writer whose answer came back waits for the parsing thread to hand over the GIL. With a 1 ms
# switch interval instead of Python's 5 ms, loads ran 12-13% faster (bench/load_bench.py). The
# interval is process-wide, so library code never sets it on its own: a process that does
# nothing but load (the CLI's load commands, the bench) asks `run_load` for it.
LOAD_SWITCH_INTERVAL = 0.001

_switch_lock = threading.Lock()
_switch_users = 0
_switch_saved = 0.0


@contextmanager
def switch_interval(seconds: float | None) -> Iterator[None]:
    """Python's thread switch interval at most `seconds` inside the block; None leaves it be.

    Loads running at once share one setting: the first sets it, the last restores it.
    """
    global _switch_users, _switch_saved
    if seconds is None:
        yield
        return
    with _switch_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, seconds))
        _switch_users += 1
    try:
        yield
    finally:
        with _switch_lock:
            _switch_users -= 1
            if _switch_users == 0:
                sys.setswitchinterval(_switch_saved)


class _Writer:
    """One background thread writing its queue's batches in order, one transaction each."""

    def __init__(self, owner: BatchWriter, name: str) -> None:
        self.queue: queue.Queue[tuple[list[Item], list[threading.Event], threading.Event] | None]
        self.queue = queue.Queue(maxsize=2)
        self._owner = owner
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        owner = self._owner
        with QueryRunner(owner.driver, database=owner.database).session() as session:
            while (job := self.queue.get()) is not None:
                items, after, done = job
                for event in after:  # the batch's nodes, written by the node writers
                    event.wait()
                if items and owner.error is None:
                    try:
                        session.execute_write(owner.loader.write, items, owner.params)
                    except RowsLostError as exc:
                        owner.error = LoadError(str(exc))
                    except (ServiceUnavailable, SessionExpired) as exc:
                        owner.error = LoadError(
                            "Neo4j stopped answering during the load "
                            f"({' '.join(str(exc).split())}); the batches written so far are "
                            "kept, and loading the file again finishes it"
                        )
                    except BaseException as exc:  # handed to the caller's thread
                        owner.error = exc
                done.set()


class BatchWriter:
    """Writes batches in the background while the caller parses the next one.

    A batch's node items (`Loader.node_kinds`) go to two node writers, split by key; the rest
    goes to the link writer, which starts on a batch once its nodes are committed. So batch
    i+1's nodes are written while batch i's relationships are, and parsing overlaps both. An
    endpoint (`Loader.endpoint_kinds`) whose key went out lately is not sent again. Each writer
    writes its share of each batch in order, one managed (retried) transaction each; the first
    error stops the load and is raised by `submit` or `close`.
    """

    NODE_WRITERS = 2
    RECENT_KEYS = 100_000  # endpoint keys remembered, so memory stays bounded

    def __init__(
        self, driver: Driver, loader: Loader, params: dict[str, Any], database: str
    ) -> None:
        self.driver, self.loader, self.params, self.database = driver, loader, params, database
        self.error: BaseException | None = None
        self._nodes = (
            [_Writer(self, f"cibgraph-nodes-{i}") for i in range(self.NODE_WRITERS)]
            if loader.node_kinds
            else []
        )
        self._links = _Writer(self, "cibgraph-links")
        self._recent: OrderedDict[str, None] = OrderedDict()

    def _sent_recently(self, key: str) -> bool:
        """Whether an endpoint with `key` went to a node writer lately; remembers it now."""
        recent = self._recent
        if key in recent:
            recent.move_to_end(key)
            return True
        recent[key] = None
        if len(recent) > self.RECENT_KEYS:
            recent.popitem(last=False)
        return False

    def submit(self, batch: list[Item]) -> None:
        if self.error is not None:
            raise self.error
        parts: list[list[Item]] = [[] for _ in self._nodes]
        links: list[Item] = []
        node_kinds, endpoint_kinds = self.loader.node_kinds, self.loader.endpoint_kinds
        for item in batch:
            if item.kind in node_kinds:
                key = item.row["key"]
                # An endpoint sent with an earlier batch is committed before this batch's
                # relationships are written: they wait for every node writer's job of this
                # batch, and each node writer works through its jobs in order.
                if item.kind in endpoint_kinds and self._sent_recently(f"{item.kind}\x1f{key}"):
                    continue
                parts[hash(key) % len(parts)].append(item)
            else:
                links.append(item)
        # Every node writer gets a job, empty or not, so that the batch's relationships wait
        # for every node any batch so far sent, skipped endpoints included.
        written: list[threading.Event] = []
        for writer, part in zip(self._nodes, parts, strict=True):
            written.append(threading.Event())
            writer.queue.put((part, [], written[-1]))
        if links:
            self._links.queue.put((links, written, threading.Event()))

    def close(self) -> None:
        for writer in (*self._nodes, self._links):
            writer.queue.put(None)
        for writer in (*self._nodes, self._links):
            writer.thread.join()
        if self.error is not None:
            raise self.error
