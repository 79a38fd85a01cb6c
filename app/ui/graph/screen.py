"""The Graph screen: the concept map, its toolbar, the concept panel and 'next up'."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.services.application import Application
from app.ui.graph.map_view import MapView
from app.ui.graph.next_up import NextUpList
from app.ui.graph.node_item import DETAIL_LOD, NodeItem
from app.ui.graph.panel import ConceptPanel
from app.ui.graph.scene import ConceptScene
from app.ui.graph.toolbar import MapToolbar
from app.ui.screen import Screen
from app.ui.theme import is_dark

READABLE_ZOOM = 0.6


class GraphScreen(Screen):
    """Map + toolbar + panel. Study actions are forwarded as signals to the main window."""

    study_requested = Signal(list, str)  # card ids, title
    quiz_requested = Signal(str)  # concept id
    WATCHES = Changes.PROGRESS | Changes.CONTENT | Changes.SETTINGS

    def __init__(self, app: Application) -> None:
        super().__init__()
        self.setObjectName("graph")
        self.service = app.graph
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
        self.view.zoomed.connect(self._on_zoom)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 0, 8)
        left_layout.addWidget(self.toolbar)
        left_layout.addWidget(self.view, 1)
        self.legend = QLabel()
        self.legend.setObjectName("legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        left_layout.addWidget(self.legend)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.panel, 3)
        self.next_list.threshold_changed.connect(self._on_threshold)
        self.next_list.concept_chosen.connect(self.select_concept)
        right_layout.addWidget(self.next_list.header)
        right_layout.addWidget(self.next_list.list, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 400])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)

        self.scene.selectionChanged.connect(self._on_selection)
        self.scene.node_dropped.connect(lambda cid, x, y: self._on_drop(cid, x, y))
        self.panel.link_clicked.connect(self.select_concept)
        self.panel.study.connect(self._study)
        self.panel.quiz.connect(self.quiz_requested.emit)
        shortcut = QShortcut(QKeySequence("F"), self.view)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(self.fit)
        find = QShortcut(QKeySequence("/"), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.toolbar.search.setFocus)

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
        self.legend.setText(
            " &nbsp; ".join(
                f'<span style="color:{a.color}">●</span> {html.escape(a.title)}'
                for a in sorted(self.bank.areas.values(), key=lambda a: a.order)
            )
            + " &nbsp; │ &nbsp;→ prerequisite &nbsp; ┄ related &nbsp; fill = mastery &nbsp; dashed ring = next up"
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
        for node in list(self.scene.nodes.values()):
            self.scene.removeItem(node)
        self.scene.nodes.clear()
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
        node = self.scene.nodes[concept_id]
        if not node.isVisible():
            if self.toolbar.local.isChecked():
                self.local_centre = concept_id
                self._apply_filters()
            else:
                self.toolbar.show_area(self.bank.concepts[concept_id].area)
        self.scene.clearSelection()
        node.setSelected(True)
        if centre:
            self.view.centerOn(node)
            self._schedule_save()

    def _on_selection(self) -> None:
        selected = [item for item in self.scene.selectedItems() if isinstance(item, NodeItem)]
        if not selected:
            return
        concept_id = selected[0].concept_id
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

    def _apply_filters(self) -> None:
        wanted = self.toolbar.map_filter(self.local_centre or self.panel.concept_id)
        self.toolbar.depth_box.setEnabled(wanted.local)
        arrangement = self.service.arrange(wanted, self.next_up)
        if wanted.local:
            self.local_centre = arrangement.centre
        for cid, node in self.scene.nodes.items():
            node.setVisible(cid in arrangement.visible)
        self.scene.move_nodes(arrangement.positions)
        if not self._restoring:
            self.fit()
            self._schedule_save()

    def visible_concepts(self) -> set[str]:
        return {cid for cid, node in self.scene.nodes.items() if node.isVisible()}

    def fit(self) -> None:
        self.view.fit(self.scene.visible_rect())

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
        self._apply_filters()
        if "zoom" in state and "centre" in state:
            self.view.set_zoom(float(state["zoom"]))
            x, y = state["centre"]
            self.view.centerOn(float(x), float(y))
        else:
            QTimer.singleShot(0, self.first_view)
        self._on_zoom(self.view.zoom())

    def first_view(self) -> None:
        """Fit the map; if that makes labels unreadable, start at the first 'next up' concept."""
        self.fit()
        if self.view.zoom() < READABLE_ZOOM and self.next_up:
            self.view.set_zoom(READABLE_ZOOM)
            self.view.centerOn(self.scene.nodes[self.next_up[0]])

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if not self.service.view_state():
            self.first_view()
