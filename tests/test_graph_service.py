"""The map's filter and layout policy (GraphService.arrange), without a GUI."""

from __future__ import annotations

import pytest

from app.services import graph_service
from app.services.context import AppContext
from app.services.graph_service import GraphService, MapFilter


def test_hidden_areas_leave_the_map_and_layered_positions_are_the_maps(ctx: AppContext) -> None:
    service = GraphService(ctx)
    everything = service.arrange(MapFilter())
    assert everything.visible == {"alpha", "beta", "gamma"}
    assert everything.positions == service.layout()
    assert everything.centre is None
    without = service.arrange(MapFilter(hidden_areas=frozenset({"ml-foundations"})))
    assert without.visible == {"beta", "gamma"}
    assert set(without.positions) == {"beta", "gamma"}


def test_the_local_graph_centres_on_the_choice_else_next_up_else_the_first(
    ctx: AppContext,
) -> None:
    service = GraphService(ctx)
    chosen = service.arrange(MapFilter(local=True, centre="gamma", depth=1))
    assert chosen.centre == "gamma" and chosen.visible == {"gamma", "beta", "alpha"}
    assert service.arrange(MapFilter(local=True, depth=1), next_up=["beta"]).centre == "beta"
    assert service.arrange(MapFilter(local=True, depth=1)).centre == "alpha"


def test_force_layout_is_for_small_views_and_centres_a_local_graph(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = GraphService(ctx)
    local = service.arrange(MapFilter(local=True, centre="beta", depth=1, force=True))
    assert local.positions["beta"] == (0.0, 0.0)  # the neighbourhood is laid out around it
    assert service.arrange(MapFilter(force=True)).positions != service.layout()
    monkeypatch.setattr(graph_service, "FORCE_LIMIT", 2)  # three concepts: now too many
    assert service.arrange(MapFilter(force=True)).positions == service.layout()
