"""One Neo4j driver per process, plus the wait-for-database step used at start-up."""

from __future__ import annotations

import atexit
import logging
import time
from typing import Any

from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    Driver,
    GraphDatabase,
    NotificationDisabledClassification,
    NotificationMinimumSeverity,
)
from neo4j.exceptions import AuthError, ServiceUnavailable, SessionExpired

from cibgraph.settings import Settings, get_settings

logger = logging.getLogger(__name__)

_driver: Driver | None = None
DRIVER_POOL_SIZE = 100  # the driver's own default
#: The notifications a server sends back (`runner`): none of the UNRECOGNIZED ones (queries name
#: labels and properties a young database has not seen yet), nothing below WARNING. Set per
#: session by the sync runner, on the API's async driver for its `execute_query` calls.
NOTIFICATIONS: dict[str, Any] = {
    "notifications_min_severity": NotificationMinimumSeverity.WARNING,
    "notifications_disabled_classifications": [NotificationDisabledClassification.UNRECOGNIZED],
}


def _auth(s: Settings) -> tuple[str, str]:
    return (s.neo4j_user, s.neo4j_password.get_secret_value())


def get_driver(settings: Settings | None = None) -> Driver:
    """The process-wide driver, created on first use."""
    global _driver
    if _driver is None:
        s = settings or get_settings()
        _driver = GraphDatabase.driver(s.neo4j_uri, auth=_auth(s), user_agent="cibgraph")
        atexit.register(close_driver)
    return _driver


def open_async_driver(settings: Settings, *, pool_size: int | None = None) -> AsyncDriver:
    """The API's driver: one per process, opened in the app's lifespan (`pool_size`: at most
    that many connections; default the driver's).

    Its notification filter (`NOTIFICATIONS`) is set on the driver because the async runner
    sends through `execute_query`, which takes no session configuration."""
    return AsyncGraphDatabase.driver(
        settings.neo4j_uri,
        auth=_auth(settings),
        user_agent="cibgraph-api",
        max_connection_pool_size=DRIVER_POOL_SIZE if pool_size is None else pool_size,
        **NOTIFICATIONS,
    )


def close_driver() -> None:
    """Close the process-wide driver, if one was opened."""
    global _driver
    if _driver is not None:
        _driver.close()
        _driver = None


def wait_for_database(driver: Driver, *, database: str, timeout: float = 60.0) -> None:
    """Block until `database` answers a query, or raise `TimeoutError` after `timeout` seconds.

    Authentication failures are raised at once: waiting would not mend a wrong password.
    """
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            driver.execute_query("RETURN 1", database_=database)
            return
        except AuthError:
            raise
        except (ServiceUnavailable, SessionExpired, OSError) as exc:
            last = exc
            time.sleep(0.5)
    raise TimeoutError(f"Neo4j did not answer within {timeout:.0f}s: {last}")
