"""When the daily expand runs next: a pure function of now, HH:MM and the vault's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from homevoice.jobs.expand_workflow import job_id, next_expand_time, vault_zone

MOSCOW = ZoneInfo("Europe/Moscow")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("now", "at", "zone", "expected_utc"),
    [
        # Before today's time, after it, and exactly at it (then it is tomorrow's).
        (utc(2026, 6, 1, 10, 0), "21:00", UTC, utc(2026, 6, 1, 21, 0)),
        (utc(2026, 6, 1, 21, 0, 1), "21:00", UTC, utc(2026, 6, 2, 21, 0)),
        (utc(2026, 6, 1, 21, 0), "21:00", UTC, utc(2026, 6, 2, 21, 0)),
        # Moscow is UTC+3 all year: 21:00 there is 18:00 UTC.
        (utc(2026, 6, 1, 17, 0), "21:00", MOSCOW, utc(2026, 6, 1, 18, 0)),
        (utc(2026, 6, 1, 18, 30), "21:00", MOSCOW, utc(2026, 6, 2, 18, 0)),
        # 22:30 UTC on the 1st is already the 2nd in Moscow: its 00:10 is an hour and a half ahead.
        (utc(2026, 6, 1, 20, 0), "00:10", MOSCOW, utc(2026, 6, 1, 21, 10)),
        (utc(2026, 6, 1, 22, 30), "00:10", MOSCOW, utc(2026, 6, 2, 21, 10)),
        # New York: EST (UTC-5) before 8 March 2026, EDT (UTC-4) after.
        (utc(2026, 3, 7, 12, 0), "21:00", NEW_YORK, utc(2026, 3, 8, 2, 0)),
        (utc(2026, 3, 8, 3, 0), "21:00", NEW_YORK, utc(2026, 3, 9, 1, 0)),
        # 02:30 does not exist on 8 March in New York: it runs at the same moment, 03:30 EDT.
        (utc(2026, 3, 8, 5, 0), "02:30", NEW_YORK, utc(2026, 3, 8, 7, 30)),
        # 01:30 happens twice on 1 November: the first time (EDT) only.
        (utc(2026, 11, 1, 4, 0), "01:30", NEW_YORK, utc(2026, 11, 1, 5, 30)),
        (utc(2026, 11, 1, 5, 45), "01:30", NEW_YORK, utc(2026, 11, 2, 6, 30)),
        # London springs forward at 01:00 on 29 March 2026: 01:30 is 02:30 BST.
        (utc(2026, 3, 28, 23, 0), "01:30", LONDON, utc(2026, 3, 29, 1, 30)),
        (utc(2026, 10, 24, 12, 0), "21:00", LONDON, utc(2026, 10, 24, 20, 0)),
        (utc(2026, 10, 25, 12, 0), "21:00", LONDON, utc(2026, 10, 25, 21, 0)),
    ],
)
def test_next_expand_time(now: datetime, at: str, zone: ZoneInfo, expected_utc: datetime) -> None:
    moment = next_expand_time(now, at, zone)
    # In UTC: Python never finds a time in a fold equal to one of another zone.
    assert moment.astimezone(UTC) == expected_utc
    assert moment.tzinfo is zone  # its date is the vault's day, which names the job


def test_across_a_dst_change_a_day_is_23_or_25_hours_but_always_the_same_wall_time() -> None:
    moment = datetime(2026, 3, 6, 21, 0, tzinfo=NEW_YORK)
    hours = []
    for _ in range(5):
        following = next_expand_time(moment, "21:00", NEW_YORK)
        hours.append((following.astimezone(UTC) - moment.astimezone(UTC)) / timedelta(hours=1))
        assert (following.hour, following.minute) == (21, 0)
        moment = following
    assert hours == [24, 23, 24, 24, 24]
    before = datetime(2026, 10, 31, 21, 0, tzinfo=NEW_YORK)
    autumn = next_expand_time(before, "21:00", NEW_YORK)
    assert autumn.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=25)


def test_each_day_and_time_has_its_own_job_id() -> None:
    day = datetime(2026, 3, 8, tzinfo=NEW_YORK).date()
    assert job_id(day, "21:00") == "expand:2026-03-08@21:00"
    assert job_id(day, "21:00", 2) == "expand:2026-03-08@21:00#2"


def test_the_vault_zone_or_the_systems_with_its_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    assert vault_zone("Europe/Moscow") == MOSCOW
    monkeypatch.setenv("TZ", "America/New_York")
    zone = vault_zone(None)
    assert datetime(2026, 1, 1, 12, tzinfo=zone).utcoffset() == timedelta(hours=-5)
    assert datetime(2026, 7, 1, 12, tzinfo=zone).utcoffset() == timedelta(hours=-4)
