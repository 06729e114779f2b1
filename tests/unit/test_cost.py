"""bench/cost.py: the bill's arithmetic, on figures small enough to check by hand."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from bench import cost


def test_tiers_price_each_slice_at_its_rate() -> None:
    tiers = ((10, 1.0), (math.inf, 0.5))
    assert cost.tiered(4, tiers) == 4
    assert cost.tiered(30, tiers) == 10 + 10


def test_idle_stack_costs_its_alarms_polls_and_schedule_only() -> None:
    bill = cost.idle_bill(tracker=False)
    assert bill.lines["CloudWatch"] == pytest.approx(21 * 0.10)
    assert bill.total < 5
    with_tracker = cost.idle_bill(tracker=True).total
    assert with_tracker - bill.total == pytest.approx(cost.tracker_month())
    assert 30 < cost.tracker_month() < 60  # 0.5 vCPU, 1 GB, an ALB and three addresses


def test_views_and_uploads_add_their_costs() -> None:
    idle = cost.SCENARIOS["idle"]
    base = cost.month(idle)[0].total
    viewed = cost.month(replace(idle, views=1000, watch_minutes=1, viewed_mbit=8, api_requests_per_view=1))[0]
    # 1,000 minutes at 8 Mbit/s are 60 GB at CloudFront's first-tier price, plus requests.
    assert viewed.lines["CloudFront"] == pytest.approx(60 * 0.085, rel=0.05)
    assert viewed.total > base
    assert 0.2 < cost.per_upload_hour() < 2  # Lambda transcoding dominates


def test_peer_to_peer_lowers_the_edge_bill() -> None:
    small = cost.SCENARIOS["small"]
    assert cost.month(replace(small, p2p_share=0.5))[0].lines["CloudFront"] < cost.month(small)[0].lines["CloudFront"]


def test_report_names_region_and_date() -> None:
    text = cost.report(cost.SCENARIOS["small"])
    assert cost.REGION in text and cost.PRICES_AS_OF in text and "one always-on server" in text
