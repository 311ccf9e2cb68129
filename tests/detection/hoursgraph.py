"""Accounts with known weekly clocks, for the operator-hours tests."""

from __future__ import annotations

from tests.detection.textgraph import P

MONDAY = 1_704_067_200  # 2024-01-01T00:00:00Z, a Monday (epoch seconds)
HOUR = 3600
DAY = 24 * HOUR


def weekday_posts(
    account: str,
    hours: tuple[int, ...],
    *,
    weeks: int = 2,
    minute: int = 0,
    start: int = MONDAY,
    every_day: bool = False,
) -> list[tuple[str, int]]:
    """(account, epoch seconds) at these UTC hours on each weekday (every day when asked)."""
    days = 7 if every_day else 5
    return [
        (account, start + (w * 7 + d) * DAY + h * HOUR + minute * 60)
        for w in range(weeks)
        for d in range(days)
        for h in hours
    ]


def clocks() -> dict[str, list[int]]:
    """Epoch ms per account: two UTC+8 office workers, a near miss, a night shift at UTC-5, an
    account posting all day every day, and one with too few posts."""
    events = (
        weekday_posts("o1", (1, 5, 9))
        + weekday_posts("o2", (1, 5, 9), minute=30)
        # an earlier owner's posts at night, 400 days before: outside recent_days
        + weekday_posts("o2", (20,), start=MONDAY - 400 * DAY)
        + weekday_posts("o3", (2, 4, 8))
        + weekday_posts("n1", (14, 18, 22))
        + weekday_posts("n2", (14, 18, 22), minute=10)
        + weekday_posts("s1", (0, 6, 12, 18), every_day=True)
        + weekday_posts("f1", (1,), weeks=1)
    )
    out: dict[str, list[int]] = {}
    for account, at in events:
        out.setdefault(f"twitter:{account}", []).append(at * 1000)
    return out


def clock_posts() -> list[P]:
    """The same clocks as posts, relative to textgraph.T0 (2023-11-14T22:13:20Z)."""
    from tests.detection.textgraph import T0

    return [
        P(account.partition(":")[2], f"{account.partition(':')[2]}-{i}", (at - T0) // 1000)
        for account, times in clocks().items()
        for i, at in enumerate(times)
    ]
