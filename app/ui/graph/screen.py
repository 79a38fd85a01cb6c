"""The Graph screen: the concept map, its toolbar, the concept panel and 'next up'."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.services.application import Application
from app.ui.graph.legend import MapLegend
from app.ui.graph.map_view import MapView
from app.ui.graph.next_up import NextUpList
from app.ui.graph.node_layer import DETAIL_LOD
from app.ui.graph.panel import ConceptPanel
from app.ui.graph.scene import ConceptScene
from app.ui.graph.toolbar import MapToolbar
from app.ui.keys import bind
from app.ui.screen import Screen
from app.ui.theme import is_dark

PANEL_WIDTH = 400  # the concept panel's share; the map takes the rest


class GraphScreen(Screen):
    """Map + toolbar + panel. Study actions are forwarded as signals to the main window."""

    study_requested = Signal(list, str)  # card ids, title
    quiz_requested = Signal(str)  # concept id
    WATCHES = Changes.PROGRESS | Changes.CONTENT | Changes.SETTINGS

    def __init__(self, app: Application) -> None:
        super().__init__()
        self.setObjectName("graph")
        self.service = app.graph
        # The concept of the card under review, if any (the window tells): where the map opens.
        self.current_concept: Callable[[], str | None] = lambda: None
        self.bank = app.bank
        self.scene = ConceptScene(is_dark(), self)
        self.view = MapView(self.scene)
        self.view.setObjectName("map")
        self.panel = ConceptPanel(self.bank)
        self.toolbar = MapToolbar(self.bank)
        self.next_list = NextUpList(self.bank, self.service.threshold, self)
        self.mastery: dict[str, float] = {}
        self.next_up: list[str] = []
        self.local_centre: str | None = None
        self._restoring = True
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(400)
        self._save_timer.timeout.connect(self.save_view)
        self._build()
        self._populate()
        self._restore_view()
        self._restoring = False

    # -- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.toolbar.search.textChanged.connect(self._on_search)
        self.toolbar.search.returnPressed.connect(self._select_search_hit)
        self.toolbar.filters_changed.connect(self._apply_filters)
        self.toolbar.fit_requested.connect(self.fit)
        self.toolbar.panel_button.toggled.connect(self.set_panel_open)
        self.view.zoomed.connect(self._on_zoom)
        self.view.zoom_anchor = self._selection_in_sight

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 0, 8)
        left_layout.addWidget(self.toolbar)
        left_layout.addWidget(self.view, 1)
        self.legend = MapLegend()
        left_layout.addWidget(self.legend)

        right = self.side = QWidget()
        right.setObjectName("graph-side")
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.panel, 3)
        self.next_list.threshold_changed.connect(self._on_threshold)
        self.next_list.concept_chosen.connect(self.select_concept)
        right_layout.addWidget(self.next_list.header)
        below = QVBoxLayout()
        below.setContentsMargins(12, 0, 12, 8)
        below.addWidget(self.next_list.list)
        right_layout.addLayout(below, 1)

        splitter = self.splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setCollapsible(0, False)
        splitter.setSizes([10_000, PANEL_WIDTH])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)

        self.scene.node_selected.connect(self._on_selection)
        self.scene.node_dropped.connect(lambda cid, x, y: self._on_drop(cid, x, y))
        self.panel.link_clicked.connect(self.select_concept)
        self.panel.study.connect(self._study)
        self.panel.quiz.connect(self.quiz_requested.emit)
        on_map = Qt.ShortcutContext.WidgetShortcut
        bind(self.view, ["F"], self.fit, "fit the map (or the filtered part) to the window", on_map)
        bind(self, ["/"], self.toolbar.search.setFocus, "find a concept by title as you type")
        bind(self, ["P"], self.toolbar.panel_button.toggle, "hide or show the concept panel")
        view = self.view
        bind(view, ["+", "="], lambda: view.zoom_key(1.25), "zoom in about the selection", on_map)
        bind(view, ["-"], lambda: view.zoom_key(0.8), "zoom out about the selection", on_map)
        for key, dx, dy in (("Left", -1, 0), ("Right", 1, 0), ("Up", 0, -1), ("Down", 0, 1)):
            bind(view, [key], partial(view.pan, dx, dy), "pan the map", on_map)
        self._framed = False

    def _populate(self) -> None:
        concepts = {
            c.id: (
                c.title,
                self.bank.areas[c.area].color if c.area in self.bank.areas else "#888888",
            )
            for c in self.bank.concepts.values()
        }
        shape = self.service.shape
        self.scene.populate(
            concepts, list(shape.requires), list(shape.related), self.service.layout()
        )
        self.legend.show_areas(
            [(a.title, a.color) for a in sorted(self.bank.areas.values(), key=lambda a: a.order)],
            {name: self.scene.colors[name].name() for name in ("edge", "text", "next")},
        )
        self.refresh_knowledge()

    def refresh_for(self, changes: Changes) -> None:
        """Reviews, quizzes or settings recolour the map; new content may reshape it."""
        if changes & Changes.CONTENT:
            self.reload_content()
        else:
            self.refresh_knowledge()

    def reload_content(self) -> None:
        """The bank changed (a user card or concept): rebuild the map only if its shape did."""
        if not self.service.reload():
            self.refresh_knowledge()
            return
        selected = self.panel.concept_id
        self._populate()
        self._apply_filters()
        if selected in self.scene.nodes:
            self.select_concept(selected, centre=False)

    # -- knowledge ------------------------------------------------------------------------
    def refresh_knowledge(self) -> None:
        """Recolour nodes from the current FSRS state (call after reviews)."""
        self.mastery = self.service.mastery()
        self.next_up = self.service.next_up(self.mastery)
        self.scene.set_knowledge(self.mastery, set(self.next_up))
        self.next_list.show_concepts(self.next_up, self.mastery)
        if self.panel.concept_id:
            self._fill_panel(self.panel.concept_id)

    # -- selection and panel --------------------------------------------------------------
    def select_concept(self, concept_id: str | None, centre: bool = True) -> None:
        if not concept_id or concept_id not in self.scene.nodes:
            return
        if not self.scene.is_shown(concept_id):
            if self.toolbar.local.isChecked():
                self.local_centre = concept_id
                self._apply_filters()
            else:
                self.toolbar.show_area(self.bank.concepts[concept_id].area)
        self.scene.select(concept_id)
        if centre:
            self.view.fly_to(
                self.neighbourhood_rect(concept_id), self.scene.node_centre(concept_id)
            )
            self._schedule_save()

    def neighbourhood_rect(self, concept_id: str) -> QRectF:
        """The node and its visible neighbours: what framing a concept shows."""
        rect = self.scene.node_rect(concept_id)
        for other in self.scene.edges.neighbours_of(concept_id):
            if self.scene.is_shown(other):
                rect |= self.scene.node_rect(other)
        return rect

    def _selection_in_sight(self) -> QPointF | None:
        selected = self.scene.selected
        if selected is None or not self.scene.is_shown(selected):
            return None
        point = self.scene.node_centre(selected)
        in_view = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        return point if in_view.contains(point) else None

    def set_panel_open(self, on: bool) -> None:
        """Collapse the panel and 'next up' to give the map the whole width, or reopen it."""
        if self.toolbar.panel_button.isChecked() != on:
            self.toolbar.panel_button.setChecked(on)  # comes back here through `toggled`
            return
        self.side.setVisible(on)
        if on:
            total = sum(self.splitter.sizes()) or self.splitter.width()
            self.splitter.setSizes([max(1, total - PANEL_WIDTH), PANEL_WIDTH])
        self._schedule_save()

    def _on_selection(self, concept_id: str) -> None:
        self._fill_panel(concept_id)
        if self.toolbar.local.isChecked() and concept_id != self.local_centre:
            self.local_centre = concept_id
            self._apply_filters()

    def _fill_panel(self, concept_id: str) -> None:
        clock = self.service.clock
        self.panel.show_concept(
            concept_id,
            self.mastery.get(concept_id, 0.0),
            self.service.card_statuses(concept_id),
            (self.service.prerequisites_of(concept_id), self.service.dependents_of(concept_id)),
            clock.now(),
            clock.local_tz,
        )

    def _study(self, concept_id: str, with_prerequisites: bool) -> None:
        concepts = (
            self.service.with_prerequisites(concept_id) if with_prerequisites else {concept_id}
        )
        title = self.bank.concepts[concept_id].title + (
            " + prerequisites" if with_prerequisites else ""
        )
        self.study_requested.emit(self.service.card_ids(concepts), title)

    # -- search, filters, layout ----------------------------------------------------------
    def _on_search(self, text: str) -> None:
        hit = self.service.search(text)
        if hit:
            self.select_concept(hit)

    def _select_search_hit(self) -> None:
        self._on_search(self.toolbar.search.text())
        self.view.setFocus()

    def _on_local_toggled(self, on: bool) -> None:
        """A local graph is small: it opens in the force layout, which reads best there."""
        if on and self.toolbar.layered():
            self.toolbar.layout_mode.blockSignals(True)
            self.toolbar.layout_mode.setCurrentText("Force")
            self.toolbar.layout_mode.blockSignals(False)

    def _apply_filters(self) -> None:
        wanted = self.toolbar.map_filter(self.local_centre or self.panel.concept_id)
        self.toolbar.depth_box.setEnabled(wanted.local)
        arrangement = self.service.arrange(wanted, self.next_up)
        if wanted.local:
            self.local_centre = arrangement.centre
        self.scene.show_only(arrangement.visible)
        self.scene.move_nodes(arrangement.positions)
        if not self._restoring:
            if (
                wanted.local
                and self.local_centre is not None
                and self.local_centre in self.scene.nodes
            ):
                centre = self.scene.node_centre(self.local_centre)
                self.view.frame(self.scene.visible_rect(), centre)
            else:
                self.fit()
            self._schedule_save()

    def visible_concepts(self) -> set[str]:
        layer = self.scene.layer
        return {layer.ids[i] for i in layer.visible_indices()}

    def fit(self) -> None:
        self.view.fit(self.scene.visible_rect())

    def set_dark(self, dark: bool) -> None:
        """The theme changed: the map's own colours follow it."""
        self.scene.set_dark(dark)
        self.legend.show_areas(
            [(a.title, a.color) for a in sorted(self.bank.areas.values(), key=lambda a: a.order)],
            {name: self.scene.colors[name].name() for name in ("edge", "text", "next")},
        )

    def _on_threshold(self, percent: int) -> None:
        changes = self.service.set_threshold(percent / 100)
        self.refresh_knowledge()
        self.report(changes)

    def _on_zoom(self, value: float) -> None:
        self.scene.set_overview(value < DETAIL_LOD)
        self.toolbar.show_zoom(value)
        self._schedule_save()

    def _on_drop(self, concept_id: str, x: float, y: float) -> None:
        if self.toolbar.layered() and not self.toolbar.local.isChecked():
            self.report(self.service.pin(concept_id, (x, y)))

    # -- persistence of the view ----------------------------------------------------------
    def _schedule_save(self) -> None:
        if not self._restoring:
            self._save_timer.start()

    def save_view(self) -> None:
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        saved = self.service.save_view_state(
            {
                "zoom": self.view.zoom(),
                "centre": [centre.x(), centre.y()],
                **self.toolbar.state(),
                "selected": self.panel.concept_id,
                "panel": self.toolbar.panel_button.isChecked(),
            }
        )
        self.report(saved)

    def _restore_view(self) -> None:
        state = self.service.view_state()
        self.toolbar.restore(state)
        selected = state.get("selected")
        if isinstance(selected, str) and selected in self.bank.concepts:
            self.local_centre = selected
            self.select_concept(selected, centre=False)
        self.toolbar.local.setChecked(bool(state.get("local", False)))
        self.toolbar.local.toggled.connect(self._on_local_toggled)
        self.set_panel_open(bool(state.get("panel", True)))
        self._apply_filters()
        self._restore_saved_view(state)
        self._on_zoom(self.view.zoom())

    def _restore_saved_view(self, state: dict[str, Any]) -> bool:
        if "zoom" in state and "centre" in state:
            self.view.set_zoom(float(state["zoom"]))
            x, y = state["centre"]
            self.view.centerOn(float(x), float(y))
            return True
        return False

    def first_view(self) -> None:
        """Where the map opens: the saved view if there is one, else the neighbourhood of the
        card under review, else of the first 'next up' concept, framed at a readable zoom."""
        if not self.isVisible():  # closed before it was framed: frame when shown again
            self._framed = False
            return
        if self._restore_saved_view(self.service.view_state()):
            return
        focus = self.starting_concept()
        if focus is None:
            self.fit()
            return
        if self.panel.concept_id is None:
            self.select_concept(focus, centre=False)
        self.view.frame(self.neighbourhood_rect(focus), self.scene.node_centre(focus))

    def starting_concept(self) -> str | None:
        current = self.current_concept()
        visible = self.visible_concepts()
        for candidate in ([current] if current else []) + self.next_up:
            if candidate in visible:
                return candidate
        return None

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._framed:
            # Framed once the layout has given the view its real size, never before.
            self._framed = True
            if self.side.isVisible():
                self.splitter.setSizes([max(1, self.splitter.width() - PANEL_WIDTH), PANEL_WIDTH])
            QTimer.singleShot(0, self, self.first_view)
