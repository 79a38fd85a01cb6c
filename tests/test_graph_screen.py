"""The Graph screen as a user drives it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from app.domain.scheduling import Grade
from app.services.review_service import ReviewService


def open_graph(qtbot, window):  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.review, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen() == "graph"
    return window.graph


def node_centre_on_screen(graph, concept_id: str) -> QPoint:  # type: ignore[no-untyped-def]
    return graph.view.mapFromScene(graph.scene.nodes[concept_id].pos)


def node_in_sight(graph, concept_id: str) -> bool:  # type: ignore[no-untyped-def]
    shown = graph.view.mapFromScene(graph.scene.nodes[concept_id].bounds).boundingRect()
    return graph.view.viewport().rect().contains(shown)


def test_search_flies_to_and_frames_the_node(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    graph.view.set_zoom(0.1)
    graph.view.centerOn(5000, 5000)  # far away, too small to read
    qtbot.keyClick(graph.view, Qt.Key.Key_Slash)
    assert graph.toolbar.search.hasFocus()
    qtbot.keyClicks(graph.toolbar.search, "gam")
    assert graph.view.flying()  # a short flight, not a jump
    qtbot.waitUntil(lambda: not graph.view.flying(), timeout=2000)
    assert node_in_sight(graph, "gamma")
    assert graph.view.zoom() >= 0.6
    assert graph.panel.concept_id == "gamma"


def test_clicking_a_node_fills_the_panel(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    graph.fit()
    qtbot.mouseClick(
        graph.view.viewport(), Qt.MouseButton.LeftButton, pos=node_centre_on_screen(graph, "beta")
    )
    assert graph.panel.concept_id == "beta"
    assert "Beta" in graph.panel.title.text()
    assert "Builds on:" in graph.panel.links.text() and 'href="alpha"' in graph.panel.links.text()
    assert graph.panel.card_model.rowCount() == 1
    assert graph.panel.card_model.index(0, 1).data() == "new"
    assert graph.panel.mastery.text().startswith("Mastery 0%")


def test_prerequisite_link_navigates(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    graph.select_concept("beta")
    graph.panel.links.linkActivated.emit("alpha")
    assert graph.panel.concept_id == "alpha"


def test_study_this_concept_starts_a_restricted_review(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    graph.select_concept("gamma")
    qtbot.mouseClick(graph.panel.study_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "review"
    assert window.review.current.card.id == "gamma-what"
    assert "Gamma" in window.review.scope_label.text()
    qtbot.keyClick(window.review, Qt.Key.Key_Space)
    qtbot.keyClick(window.review, Qt.Key.Key_4)
    assert window.review.current is None  # only gamma's card was in scope
    window.review.clear_scope_button.click()
    assert window.review.current.card.id == "alpha-what"


def test_study_with_prerequisites_covers_the_chain(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    graph.select_concept("gamma")
    with qtbot.waitSignal(graph.study_requested) as blocker:
        graph.panel.study_prereq_button.click()
    assert sorted(blocker.args[0]) == ["alpha-what", "alpha-why", "beta-what", "gamma-what"]


def test_local_graph_depth_filters_nodes(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    graph.select_concept("gamma")
    graph.toolbar.local.setChecked(True)
    graph.toolbar.depth_box.setValue(1)
    assert graph.visible_concepts() == {"gamma", "beta", "alpha"}  # alpha is related to gamma
    graph.toolbar.area_actions["ml-foundations"].setChecked(False)
    assert graph.visible_concepts() == {"gamma", "beta"}


def test_mastery_colours_nodes_and_next_up_moves(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    assert [
        graph.next_list.model.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(graph.next_list.model.rowCount())
    ] == ["alpha"]
    service = ReviewService(
        ctx.bank, ctx.db_path, ctx.clock, ctx.settings, scope=["alpha-what", "alpha-why"]
    )
    for _ in range(2):
        due = service.next_card()
        service.answer(due, Grade.EASY)
    clock.advance(hours=1)
    window.show_screen("graph")
    # One viewing is not mastery: recall a month ahead is still under the 80 % threshold.
    first = graph.scene.nodes["alpha"].mastery
    assert 0.6 < first < 0.8
    assert graph.scene.nodes["alpha"].next_up and not graph.scene.nodes["beta"].next_up
    assert graph.next_list.model.item(0).data(Qt.ItemDataRole.UserRole) == "alpha"
    # Coming back when the cards are due and recalling them again makes the memory durable.
    clock.advance(days=11)  # past the Easy interval, fuzz included
    service = ReviewService(
        ctx.bank, ctx.db_path, ctx.clock, ctx.settings, scope=["alpha-what", "alpha-why"]
    )
    for _ in range(2):
        service.answer(service.next_card(), Grade.GOOD)
    graph.refresh_knowledge()
    assert graph.scene.nodes["alpha"].mastery > 0.8 > first
    assert graph.scene.nodes["beta"].next_up
    assert graph.next_list.model.item(0).data(Qt.ItemDataRole.UserRole) == "beta"


def test_dragged_nodes_filters_and_zoom_persist(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    from app.services.application import Application
    from app.ui.graph import GraphScreen

    graph = open_graph(qtbot, window)
    graph.fit()
    start = node_centre_on_screen(graph, "beta")
    qtbot.mousePress(graph.view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(graph.view.viewport(), start + QPoint(20, 60))
    qtbot.mouseMove(graph.view.viewport(), start + QPoint(40, 120))
    qtbot.mouseRelease(
        graph.view.viewport(), Qt.MouseButton.LeftButton, pos=start + QPoint(40, 120)
    )
    moved = graph.scene.nodes["beta"].pos
    assert moved.y() > 50
    # The link into beta follows it: hovering beta highlights a curve ending at its left side.
    assert graph.scene.edges.highlight_path.boundingRect().contains(
        graph.scene.nodes["beta"].pill.left(), moved.y()
    )
    graph.toolbar.area_actions["llm"].setChecked(False)
    graph.view.set_zoom(1.5)
    graph.save_view()

    again = GraphScreen(Application(ctx))
    qtbot.addWidget(again)
    assert again.scene.nodes["beta"].pos == moved
    assert not again.scene.nodes["gamma"].visible
    assert abs(again.view.zoom() - 1.5) < 1e-6


def test_keyboard_zoom_and_fit(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    graph.view.setFocus()
    graph.view.set_zoom(1.0)
    qtbot.keyClick(graph.view, Qt.Key.Key_Plus)
    assert graph.view.zoom() > 1.2
    qtbot.keyClick(graph.view, Qt.Key.Key_Minus)
    qtbot.keyClick(graph.view, Qt.Key.Key_Minus)
    assert graph.view.zoom() < 1.0
    qtbot.keyClick(graph.view, Qt.Key.Key_F)
    visible = graph.view.mapFromScene(graph.scene.visible_rect()).boundingRect()
    assert graph.view.viewport().rect().contains(visible)


def test_mastery_threshold_is_a_setting(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    service = ReviewService(
        ctx.bank, ctx.db_path, ctx.clock, ctx.settings, scope=["alpha-what", "alpha-why"]
    )
    for _ in range(2):
        service.answer(service.next_card(), Grade.GOOD)
    clock.advance(minutes=10)
    for _ in range(2):
        service.answer(service.next_card(), Grade.GOOD)
    clock.advance(days=3)
    graph.refresh_knowledge()
    alpha = graph.mastery["alpha"]
    assert 0.5 < alpha < 0.99
    graph.next_list.threshold.setValue(int(alpha * 100) + 1)
    assert graph.next_list.model.item(0).data(Qt.ItemDataRole.UserRole) == "alpha"
    graph.next_list.threshold.setValue(int(alpha * 100) - 1)
    assert graph.next_list.model.item(0).data(Qt.ItemDataRole.UserRole) == "beta"
    assert abs(graph.service.threshold - (int(alpha * 100) - 1) / 100) < 1e-9


def test_far_out_every_node_is_a_dot_from_cached_tiles(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    graph.view.resize(900, 500)
    graph.select_concept("beta", centre=False)
    graph.view.set_zoom(0.1)
    graph.view.centerOn(graph.scene.visible_rect().center())
    assert graph.scene.overview
    tiles = graph.scene.edges.tiles
    image = graph.view.viewport().grab().toImage()
    drawn = tiles.rendered
    assert drawn > 0
    for concept_id, node in graph.scene.nodes.items():  # each dot in its area's colour
        at = graph.view.mapFromScene(node.pos)
        colour = graph.scene.layer.palette[
            graph.scene.layer.color[graph.scene.layer.index[concept_id]]
        ]
        pixel = image.pixelColor(at)
        assert abs(pixel.red() - colour.red()) + abs(pixel.blue() - colour.blue()) < 60, concept_id
    graph.scene.set_hovered("beta")  # hover and selection draw on top: the tiles are kept
    graph.view.viewport().grab()
    assert tiles.rendered == drawn
    graph.view.set_zoom(1.0)
    assert not graph.scene.overview


def test_the_review_concept_chip_opens_the_graph_on_that_concept(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    assert 'href="alpha"' in window.review.concept_label.text()
    window.review.concept_label.linkActivated.emit("alpha")
    assert window.current_screen() == "graph"
    assert window.graph.panel.concept_id == "alpha"


# The offscreen platform cannot raise the tooltip window, and says so.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_hovering_a_node_shows_its_mastery_as_a_tooltip(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    graph = open_graph(qtbot, window)
    graph.fit()
    viewport = graph.view.viewport()
    pos = node_centre_on_screen(graph, "beta")
    QApplication.sendEvent(
        viewport, QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos))
    )
    assert QToolTip.text() == "Beta — 0% mastered"
    QToolTip.hideText()
