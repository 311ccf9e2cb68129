"""The one way to run a named query, with a sync and an async face over the same checks.

Every call goes through `prepare`, which finds the query in the registry, binds its label slots
from their allow-lists, checks the mode the caller expects against the query's header and the
parameters against its declared ones (none missing, none unknown). Then the runner sends it with
READ routing and a read transaction for `mode: read` queries and a managed write transaction
otherwise (the driver retries both after transient errors), under a timeout, and hands back rows
whose values `values.to_python` made plain.

Notifications: the queries name labels and properties a young database has not seen yet, so
the server's UNRECOGNIZED notifications and every INFORMATION one are switched off (per session
for the sync runner; on the API's async driver, `driver.open_async_driver`); any other warning
is logged once per query and code on one line, never once per call.

A write query whose header says `// counts: rows` returns `count(*) AS rows`, the number of its
`$rows` it wrote; the runner raises `RowsLostError` when that is fewer than were sent, so a row
whose node was missing fails its batch instead of vanishing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any, LiteralString

from neo4j import (
    READ_ACCESS,
    WRITE_ACCESS,
    AsyncDriver,
    Driver,
    ManagedTransaction,
    Query,
    Record,
    ResultSummary,
    RoutingControl,
    Session,
    Transaction,
    unit_of_work,
)

from cibgraph.neo4j.driver import NOTIFICATIONS
from cibgraph.neo4j.registry import NamedQuery, QueryMode, get_query, registry
from cibgraph.neo4j.values import to_python
from cibgraph.settings import get_settings

logger = logging.getLogger(__name__)

Row = Mapping[str, Any]
Labels = Mapping[str, str]

DEFAULT_BATCH_SIZE = 5_000


class QueryCallError(ValueError):
    """A named query called wrongly: unknown, wrong mode, parameters or label slots."""


class RowsLostError(RuntimeError):
    """A `counts: rows` query wrote fewer of its rows than it was sent (nodes were missing)."""

    def __init__(self, query: str, sent: int, linked: int) -> None:
        super().__init__(f"{query}: {sent - linked} of {sent} rows found no node to link")
        self.query = query
        self.sent = sent
        self.linked = linked


@dataclass(frozen=True, slots=True)
class Call:
    """A checked call: the query with its label slots bound, and its parameters."""

    query: NamedQuery
    params: dict[str, Any]

    @property
    def text(self) -> LiteralString:
        # The text comes from a `.cypher` file of the package, never from a user; labels were
        # filled from the slot's allow-list by `NamedQuery.bind`.
        text: LiteralString = self.query.text
        return text

    @property
    def is_read(self) -> bool:
        return self.query.mode is QueryMode.READ


def resolve(query: NamedQuery | str) -> NamedQuery:
    """The named query itself, or the registry's query of that name (`QueryCallError` if none)."""
    if isinstance(query, NamedQuery):
        return query
    try:
        return get_query(query)
    except KeyError as exc:
        raise QueryCallError(str(exc.args[0])) from None


def prepare(
    query: NamedQuery | str,
    params: Mapping[str, Any] | None = None,
    *,
    labels: Labels | None = None,
    mode: QueryMode | None = None,
) -> Call:
    """Check a call of a named query (by name or as a `NamedQuery`) before anything is sent."""
    q = resolve(query)
    if labels:
        try:
            q = q.bind(**labels)
        except ValueError as exc:
            raise QueryCallError(str(exc)) from None
    elif q.label_slots:
        raise QueryCallError(
            f"query {q.name}: bind its label slots {sorted(q.label_slots)} before running it"
        )
    if mode is not None and q.mode is not mode:
        raise QueryCallError(f"query {q.name} is {q.mode.value}, not {mode.value}")
    given = dict(params or {})
    missing = sorted(set(q.params) - set(given))
    unknown = sorted(set(given) - set(q.params))
    if missing or unknown:
        raise QueryCallError(f"query {q.name}: missing params {missing}, unknown {unknown}")
    if q.counts_rows and not isinstance(given.get("rows"), list):
        raise QueryCallError(f"query {q.name}: counts its rows, so $rows must be a list")
    return Call(q, given)


def check_rows(call: Call, records: list[Record]) -> None:
    """Raise `RowsLostError` when a `counts: rows` query wrote fewer rows than it was sent."""
    if not call.query.counts_rows:
        return
    sent = len(call.params["rows"])
    linked = sum(int(r["rows"]) for r in records)
    if linked < sent:
        raise RowsLostError(call.query.name, sent, linked)


class _Notices:
    """Logs each (query, notification code) once per process, on one line."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def note(self, name: str, summary: ResultSummary | None) -> None:
        if summary is None:
            return
        for n in summary.gql_status_objects:
            if not n.is_notification:
                continue
            key = (name, n.gql_status)
            with self._lock:
                first = key not in self._seen
                if first and len(self._seen) < self.LIMIT:
                    self._seen.add(key)
            text = " ".join(n.status_description.split())
            log = logger.warning if first else logger.debug
            log("query %s: %s (GQLSTATUS %s)", name, text, n.gql_status)


notices = _Notices()
# The driver logs every notification of every call, over several lines, on this logger; the
# runner's one line per query and code replaces it (set the level back to see them all).
logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


def run_in(tx: ManagedTransaction | Transaction, call: Call) -> list[Record]:
    """Run a checked call in the caller's transaction (several queries in one), checking rows."""
    result = tx.run(call.text, call.params)
    records = list(result)
    notices.note(call.query.name, result.consume())
    check_rows(call, records)
    return records


def plain_rows(records: Iterable[Record]) -> list[dict[str, Any]]:
    """Records as maps of plain Python values (`values.to_python`)."""
    return [{k: to_python(v) for k, v in dict(r).items()} for r in records]


def batched(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    """Split an iterable into lists of at most `size` rows without materialising it."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


class QueryRunner:
    """Runs named queries on a sync driver: `read`, `write`, `run` (mode from the header),
    `stream` (rows as they arrive), `records` (the driver's records) and `write_batches`."""

    def __init__(
        self, driver: Driver, *, database: str | None = None, timeout: float | None = None
    ) -> None:
        self.driver = driver
        self.database = database or get_settings().neo4j_database
        self.timeout = timeout

    def session(self, *, read: bool = False) -> Session:
        """A session with the runner's database, access mode and notification filters."""
        return self.driver.session(
            database=self.database,
            default_access_mode=READ_ACCESS if read else WRITE_ACCESS,
            **NOTIFICATIONS,
        )

    def records(
        self,
        query: NamedQuery | str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Labels | None = None,
        mode: QueryMode | None = None,
        timeout: float | None = None,
    ) -> list[Record]:
        """The driver's records of one checked call, in one retried transaction."""
        call = prepare(query, params, labels=labels, mode=mode)
        work = unit_of_work(timeout=self.timeout if timeout is None else timeout)(run_in)
        with self.session(read=call.is_read) as session:
            if call.is_read:
                return session.execute_read(work, call)
            return session.execute_write(work, call)

    def run(
        self,
        query: NamedQuery | str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Labels | None = None,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """Run a query with READ or WRITE routing as its header says; plain rows."""
        return plain_rows(self.records(query, params, labels=labels, timeout=timeout))

    def read(
        self,
        query: NamedQuery | str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Labels | None = None,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """Run a `mode: read` query (any other is refused); plain rows."""
        records = self.records(query, params, labels=labels, mode=QueryMode.READ, timeout=timeout)
        return plain_rows(records)

    def write(
        self,
        query: NamedQuery | str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Labels | None = None,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """Run a `mode: write` query (any other is refused); plain rows."""
        records = self.records(query, params, labels=labels, mode=QueryMode.WRITE, timeout=timeout)
        return plain_rows(records)

    def stream(
        self,
        query: NamedQuery | str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Labels | None = None,
        convert: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """Yield a read query's rows as they arrive, from one READ transaction (nothing held).

        A stream cannot be retried halfway, so it runs in an explicit transaction under the
        runner's timeout. `convert=False` keeps the driver's values (an export writing Cypher
        literals needs to tell a date from a datetime and keep durations).
        """
        call = prepare(query, params, labels=labels, mode=QueryMode.READ)
        with (
            self.session(read=True) as session,
            session.begin_transaction(timeout=self.timeout) as tx,
        ):
            result = tx.run(call.text, call.params)
            for record in result:
                row = dict(record)
                yield {k: to_python(v) for k, v in row.items()} if convert else row
            notices.note(call.query.name, result.consume())

    def write_batches(
        self,
        query: NamedQuery | str,
        rows: Iterable[Row],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        params: Mapping[str, Any] | None = None,
        labels: Labels | None = None,
    ) -> int:
        """Send `rows` to an `UNWIND $rows AS row ...` write query, one transaction per batch.

        The query must be idempotent (MERGE on constrained keys): the driver retries a batch
        after a transient error, and a load interrupted midway is resumed by running it again.
        Every batch is checked by `prepare` and, for `counts: rows` queries, `check_rows`.
        Returns the number of batches written.
        """
        named = resolve(query)
        if "$rows" not in named.text:
            raise QueryCallError(f"query {named.name}: a batched write must UNWIND $rows")
        first = prepare(named, {**(params or {}), "rows": []}, labels=labels, mode=QueryMode.WRITE)
        extra = dict(params or {})
        work = unit_of_work(timeout=self.timeout)(run_in)
        n = 0
        with self.session() as session:
            for chunk in batched(rows, batch_size):
                call = Call(first.query, {**extra, "rows": list(chunk)})
                session.execute_write(work, call)
                n += 1
        return n


class AsyncQueryRunner:
    """Runs named queries on an async driver, with the checks of `prepare`; counts its calls.

    The count lets a test assert that a request's queries do not grow with its results.
    """

    def __init__(
        self, driver: AsyncDriver, *, database: str | None = None, timeout: float | None = None
    ) -> None:
        self.driver = driver
        self.database = database or get_settings().neo4j_database
        self.timeout = timeout
        self.queries = 0

    async def records(
        self,
        query: NamedQuery | str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Labels | None = None,
        mode: QueryMode | None = None,
        timeout: float | None = None,
    ) -> list[Record]:
        call = prepare(query, params, labels=labels, mode=mode)
        self.queries += 1
        # `execute_query` is a managed transaction (retried as `execute_read` is) whose BEGIN
        # goes out with the RUN: one round trip fewer than a session's transaction function
        # (one API worker served ~440 look-ups a second instead of ~330). No bookmark manager:
        # each call stands alone, as each session did.
        result = await self.driver.execute_query(
            Query(call.text, timeout=self.timeout if timeout is None else timeout),
            call.params,
            routing_=RoutingControl.READ if call.is_read else RoutingControl.WRITE,
            database_=self.database,
            bookmark_manager_=None,
        )
        notices.note(call.query.name, result.summary)
        check_rows(call, result.records)
        return result.records

    async def run(
        self,
        query: NamedQuery | str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Labels | None = None,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """Run a query with READ or WRITE routing as its header says; plain rows."""
        return plain_rows(await self.records(query, params, labels=labels, timeout=timeout))

    async def read(
        self,
        query: NamedQuery | str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Labels | None = None,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """Run a `mode: read` query (any other is refused); plain rows."""
        records = await self.records(
            query, params, labels=labels, mode=QueryMode.READ, timeout=timeout
        )
        return plain_rows(records)

    async def write(
        self,
        query: NamedQuery | str,
        params: Mapping[str, Any] | None = None,
        *,
        labels: Labels | None = None,
        timeout: float | None = None,
    ) -> list[dict[str, Any]]:
        """Run a `mode: write` query (any other is refused); plain rows."""
        records = await self.records(
            query, params, labels=labels, mode=QueryMode.WRITE, timeout=timeout
        )
        return plain_rows(records)


def named_by_text(text: str) -> NamedQuery:
    """The registry query whose text this is (for callers still passing `.text`)."""
    by_text = {q.text: q for q in registry().values()}
    try:
        return by_text[text]
    except KeyError:
        raise QueryCallError("not the text of a named query of cypher/") from None
