"""Who was active when: the day each user last logged in and each channel last published,
and how many have that day as their last (the users and channels active over a day, a week
and a month in /api/v1/server/stats, counted without reading them all)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from chalicelib.store.models.base import TableItem


class LastActive(TableItem, discriminator="LastActive"):
    """`ACTIVE#<users|channels>#<id>` / ENTITY: the member's last active day (UTC)."""

    day = UnicodeAttribute()  # YYYY-MM-DD


class ActiveDay(TableItem, discriminator="ActiveDay"):
    """`ACTIVEDAYS#<users|channels>` / `DAY#<YYYY-MM-DD>`: how many members were last
    active that day; a member moves from its previous day to today the first time it is
    active today."""

    members = NumberAttribute(default=0)
