"""The map at laptop size, driven by keyboard and mouse: framing, flights, zoom anchors, the
panel, the local graph, the legend and nodes that never overlap."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from app.domain.clock import FakeClock
from app.domain.graph_layout import force_layout, layered_layout, overlaps
from app.locations import content_dir
from app.services.application import Application
from app.services.context import open_context
from app.ui.graph.node_layer import LABEL_LOD
from tests.benchmarks.synthetic import synthetic_shape, write_synthetic_content


def open_graph(qtbot, window):  # type: ignore[no-untyped-def]
    qtbot.keyClick(window.review, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    graph = window.graph
    qtbot.waitUntil(lambda: graph._framed)
    settle()
    return graph


def settle() -> None:
    """Let queued layout requests and the map's first framing run, as they would on screen."""
    from PySide6.QtWidgets import QApplication

    for _ in range(3):
        QApplication.processEvents()


def on_screen(graph, concept_id: str) -> QPoint:  # type: ignore[no-untyped-def]
    return graph.view.mapFromScene(graph.scene.nodes[concept_id].pos)


def in_sight(graph, concept_id: str) -> bool:  # type: ignore[no-untyped-def]
    shown = graph.view.mapFromScene(graph.scene.nodes[concept_id].bounds)
    return graph.view.viewport().rect().contains(shown.boundingRect())


def pill_overlaps(graph) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Pairs of shown nodes whose drawn pills overlap, measured on the scene itself."""
    pills = [(node.pill, cid) for cid, node in graph.scene.nodes.items() if node.visible]
    pills.sort(key=lambda p: p[0].left())
    found = []
    for i, (rect, cid) in enumerate(pills):
        for other, oid in pills[i + 1 :]:
            if other.left() >= rect.right():
                break
            if rect.intersects(other):
                found.append((cid, oid))
    return found


def test_the_map_opens_framed_on_the_card_under_review(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.resize(1366, 768)
    settle()
    concept = window.review.current.card.concept
    graph = open_graph(qtbot, window)
    assert graph.view.zoom() >= 0.6  # labels readable, not a strip
    assert in_sight(graph, concept)
    assert graph.view.width() > 0.6 * window.width()  # the map has most of the window


def test_panel_collapses_and_reopens_by_key_and_button(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.resize(1366, 768)
    graph = open_graph(qtbot, window)
    open_width = graph.view.width()
    qtbot.keyClick(graph.view, Qt.Key.Key_P)
    settle()
    assert not graph.side.isVisible()
    assert graph.view.width() > open_width + 250
    qtbot.mouseClick(graph.toolbar.panel_button, Qt.MouseButton.LeftButton)
    settle()
    assert graph.side.isVisible() and graph.panel.isVisible()
    assert abs(graph.view.width() - open_width) < 40


def test_plus_and_minus_zoom_about_the_selection(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    graph.select_concept("beta")
    qtbot.waitUntil(lambda: not graph.view.flying(), timeout=2000)
    graph.view.setFocus()
    before = on_screen(graph, "beta")
    # The mouse rests in a corner: keys must not zoom about it.
    qtbot.mouseMove(graph.view.viewport(), QPoint(5, 5))
    qtbot.keyClick(graph.view, Qt.Key.Key_Plus)
    after = on_screen(graph, "beta")
    assert (after - before).manhattanLength() <= 2
    qtbot.keyClick(graph.view, Qt.Key.Key_Minus)
    assert (on_screen(graph, "beta") - before).manhattanLength() <= 2


def test_plus_without_a_selection_zooms_about_the_view_centre(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    qtbot.mouseClick(graph.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert graph.view.hasFocus() and graph.scene.selected is None
    qtbot.mouseMove(graph.view.viewport(), QPoint(5, 5))  # keys must not zoom about it
    centre = graph.view.centre()
    zoom = graph.view.zoom()
    qtbot.keyClick(graph.view, Qt.Key.Key_Equal)
    assert graph.view.zoom() == pytest.approx(zoom * 1.25)
    moved = graph.view.centre() - centre
    assert abs(moved.x()) < 2 and abs(moved.y()) < 2


def test_local_graph_opens_in_force_layout_with_labels_at_every_depth(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    graph.select_concept("gamma")
    qtbot.mouseClick(graph.toolbar.local, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert graph.toolbar.local.isChecked()
    assert not graph.toolbar.layered()
    for depth in range(1, 7):
        graph.toolbar.depth_box.setValue(depth)
        assert graph.view.zoom() >= LABEL_LOD
        assert in_sight(graph, "gamma")
        assert pill_overlaps(graph) == []


def test_far_zoom_highlight_is_lines_not_filled_shapes(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    graph = open_graph(qtbot, window)
    graph.select_concept("beta", centre=False)
    graph.view.set_zoom(0.1)
    assert graph.scene.overview
    layer = graph.scene.edges
    image = QImage(800, 600, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    option = QStyleOptionGraphicsItem()
    option.exposedRect = layer.boundingRect()
    layer.paint(painter, option)
    assert painter.brush().style() == Qt.BrushStyle.NoBrush
    painter.end()


def test_legend_swatches_sit_beside_their_own_labels(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.resize(1366, 768)
    graph = open_graph(qtbot, window)
    entries = graph.legend.entries
    assert len(entries) == len(window.app.bank.areas) + 4
    for swatch, label in entries:
        s = swatch.mapTo(graph, swatch.rect().center())
        t = label.mapTo(graph, label.rect().topLeft())
        assert abs(s.y() - label.mapTo(graph, label.rect().center()).y()) <= 2
        assert 0 <= t.x() - s.x() <= 20  # the label starts just right of its swatch
        assert label.width() >= label.sizeHint().width() or label.text() in label.toolTip()


def test_next_up_list_is_never_cut_to_a_sliver(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.resize(1366, 768)
    graph = open_graph(qtbot, window)
    rows = graph.next_list.list
    assert rows.height() >= rows.fontMetrics().height() * 5
    central = window.centralWidget()
    assert rows.mapTo(central, QPoint(0, rows.height())).y() <= central.height()


# -- nodes never overlap ------------------------------------------------------------------
def test_layouts_never_overlap_on_a_synthetic_bank() -> None:
    shape = synthetic_shape(concepts=600, links=1500)
    widths = {n: 7.0 * 30 + 28 for n in shape.nodes}
    from dataclasses import replace

    shape = replace(shape, widths=widths)
    assert overlaps(layered_layout(shape), widths) == []
    some = shape.nodes[:300]
    assert overlaps(force_layout(shape, some), widths) == []


def _bank_screen(qtbot, data: Path, content: Path):  # type: ignore[no-untyped-def]
    from app.ui.application import make_app
    from app.ui.graph import GraphScreen

    make_app("light")
    ctx = open_context(data, content=content, clock=FakeClock())
    screen = GraphScreen(Application(ctx))
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    return ctx, screen


@pytest.mark.parametrize("bank", ["bundled", "synthetic"])
def test_nodes_never_overlap_in_either_layout(qtbot, tmp_path: Path, bank: str) -> None:  # type: ignore[no-untyped-def]
    content = content_dir()
    if bank == "synthetic":
        content = tmp_path / "content"
        write_synthetic_content(content, 300, 1, content_dir() / "areas.yaml")
    data = tmp_path / "data"
    data.mkdir()
    ctx, graph = _bank_screen(qtbot, data, content)
    try:
        assert pill_overlaps(graph) == []  # layered, the whole map
        graph.toolbar.layout_mode.setCurrentText("Force")
        for area in graph.toolbar.area_actions:  # force over one area at a time
            for other, action in graph.toolbar.area_actions.items():
                action.setChecked(other == area)
            assert pill_overlaps(graph) == [], area
        for action in graph.toolbar.area_actions.values():
            action.setChecked(True)
        graph.toolbar.local.setChecked(True)
        for centre in list(ctx.bank.concepts)[::40]:
            graph.select_concept(centre)
            for depth in (1, 3):
                graph.toolbar.depth_box.setValue(depth)
                assert pill_overlaps(graph) == [], (centre, depth)
    finally:
        ctx.close()


def test_far_out_a_click_on_a_dot_selects_its_concept(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    content = tmp_path / "content"
    write_synthetic_content(content, 300, 1, content_dir() / "areas.yaml")
    data = tmp_path / "data"
    data.mkdir()
    ctx, graph = _bank_screen(qtbot, data, content)
    try:
        graph.show()
        qtbot.waitUntil(lambda: graph._framed)
        settle()
        graph.view.set_zoom(0.1)
        graph.view.centerOn(graph.scene.nodes["s00150"].pos)
        settle()
        assert graph.scene.overview
        qtbot.mouseClick(
            graph.view.viewport(), Qt.MouseButton.LeftButton, pos=on_screen(graph, "s00150")
        )
        assert graph.panel.concept_id == "s00150"
        assert graph.scene.selected == "s00150"
        # Between dots the press pans instead, and leaves nothing selected.
        empty = on_screen(graph, "s00150") + QPoint(0, 200)
        assert graph.scene.layer.at(graph.view.mapToScene(empty)) is None
        qtbot.mouseClick(graph.view.viewport(), Qt.MouseButton.LeftButton, pos=empty)
        assert graph.scene.selected is None
    finally:
        ctx.close()
