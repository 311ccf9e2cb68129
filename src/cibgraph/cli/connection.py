"""The CLI's Neo4j driver, checked once per process so a command meets a bad connection at once."""

from __future__ import annotations

from neo4j import Driver, RoutingControl

from cibgraph.neo4j.driver import get_driver
from cibgraph.settings import get_settings

_checked: Driver | None = None


def connect() -> Driver:
    """The process-wide driver, after proving that the server, the login and the database answer.

    Without the check an unreachable server costs 30-60 s of the driver's retries (and a log line
    per retry) before a command fails; `verify_connectivity` fails at once, and the one small
    read after it names a missing database before any work starts.
    """
    global _checked
    driver = get_driver()
    if driver is not _checked:
        driver.verify_connectivity()
        driver.execute_query(
            "RETURN 1", database_=get_settings().neo4j_database, routing_=RoutingControl.READ
        )
        _checked = driver
    return driver
