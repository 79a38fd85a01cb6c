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
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.scheduling import CardState
from app.services.application import Application
from app.services.graph_service import MapFilter
from app.services.render import render_markdown
from app.ui.graph.map_view import MapView
from app.ui.graph.node_item import DETAIL_LOD, NodeItem
from app.ui.graph.panel import ConceptPanel
from app.ui.graph.scene import ConceptScene
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
        self.panel = ConceptPanel()
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
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("graph-search")
        self.search.setPlaceholderText("Find a concept…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search)
        self.search.returnPressed.connect(self._select_search_hit)
        self.areas_button = QToolButton()
        self.areas_button.setObjectName("area-filter")
        self.areas_button.setText("Areas")
        self.areas_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.areas_menu = QMenu(self.areas_button)
        self.area_actions = {}
        for area in sorted(self.bank.areas.values(), key=lambda a: a.order):
            action = self.areas_menu.addAction(f"● {area.title}")
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(self._apply_filters)
            self.area_actions[area.id] = action
        self.areas_button.setMenu(self.areas_menu)
        self.local = QCheckBox("Local graph")
        self.local.setObjectName("local-graph")
        self.local.toggled.connect(self._apply_filters)
        self.depth_box = QSpinBox()
        self.depth_box.setObjectName("local-depth")
        self.depth_box.setRange(1, 6)
        self.depth_box.setValue(2)
        self.depth_box.setPrefix("depth ")
        self.depth_box.valueChanged.connect(self._apply_filters)
        self.layout_mode = QComboBox()
        self.layout_mode.setObjectName("layout-mode")
        self.layout_mode.addItems(["Layered", "Force"])
        self.layout_mode.currentIndexChanged.connect(self._apply_filters)
        fit = QPushButton("Fit (F)")
        fit.setObjectName("fit")
        fit.clicked.connect(self.fit)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoom-label")
        self.view.zoomed.connect(self._on_zoom)
        bar.addWidget(self.search, 2)
        tool: QWidget
        for tool in (
            self.areas_button,
            self.local,
            self.depth_box,
            self.layout_mode,
            fit,
            self.zoom_label,
        ):
            bar.addWidget(tool)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 0, 8)
        left_layout.addLayout(bar)
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
        next_title = QLabel("<b>Next up</b> — prerequisites mastered, this one not yet")
        next_title.setTextFormat(Qt.TextFormat.RichText)
        self.threshold = QSpinBox()
        self.threshold.setObjectName("mastery-threshold")
        self.threshold.setRange(50, 99)
        self.threshold.setSuffix(" %")
        self.threshold.setPrefix("mastered at ")
        self.threshold.setValue(round(self.service.threshold * 100))
        self.threshold.setToolTip("Predicted recall a concept needs to count as mastered")
        self.threshold.valueChanged.connect(self._on_threshold)
        next_header = QHBoxLayout()
        next_header.setContentsMargins(12, 0, 12, 0)
        next_header.addWidget(next_title, 1)
        next_header.addWidget(self.threshold)
        self.next_model = QStandardItemModel(self)
        self.next_list = QListView()
        self.next_list.setObjectName("next-up")
        self.next_list.setModel(self.next_model)
        self.next_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.next_list.clicked.connect(
            lambda index: self.select_concept(index.data(Qt.ItemDataRole.UserRole))
        )
        right_layout.addLayout(next_header)
        right_layout.addWidget(self.next_list, 1)

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
        find.activated.connect(self.search.setFocus)

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
        self.next_model.clear()
        for concept_id in self.next_up[:30]:
            concept = self.bank.concepts[concept_id]
            item = QStandardItem(f"{concept.title}  ·  {round(self.mastery[concept_id] * 100)}%")
            item.setData(concept_id, Qt.ItemDataRole.UserRole)
            self.next_model.appendRow(item)
        if self.panel.concept_id:
            self._fill_panel(self.panel.concept_id)

    # -- selection and panel --------------------------------------------------------------
    def select_concept(self, concept_id: str | None, centre: bool = True) -> None:
        if not concept_id or concept_id not in self.scene.nodes:
            return
        node = self.scene.nodes[concept_id]
        if not node.isVisible():
            if self.local.isChecked():
                self.local_centre = concept_id
                self._apply_filters()
            else:
                self.area_actions[self.bank.concepts[concept_id].area].setChecked(True)
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
        if self.local.isChecked() and concept_id != self.local_centre:
            self.local_centre = concept_id
            self._apply_filters()

    def _fill_panel(self, concept_id: str) -> None:
        concept = self.bank.concepts[concept_id]
        area = self.bank.areas.get(concept.area)
        panel = self.panel
        panel.concept_id = concept_id
        color = area.color if area else "#888"
        panel.title.setText(
            f'<h3 style="margin:0">{html.escape(concept.title)}</h3>'
            f'<span style="color:{color}">● {html.escape(area.title if area else concept.area)}</span>'
        )
        share = self.mastery.get(concept_id, 0.0)
        cards = self.service.card_statuses(concept_id)
        seen = sum(1 for c in cards if c.state is not CardState.NEW)
        panel.mastery.setText(
            f"Mastery {round(share * 100)}% · {seen} of {len(cards)} cards studied"
        )
        panel.summary.show_html(render_markdown(concept.summary, is_dark()))

        def links(ids: list[str]) -> str:
            if not ids:
                return "<i>none</i>"
            return ", ".join(
                f'<a href="{cid}">{html.escape(self.bank.concepts[cid].title)}</a>' for cid in ids
            )

        panel.links.setText(
            f"<b>Builds on:</b> {links(self.service.prerequisites_of(concept_id))}<br>"
            f"<b>Leads to:</b> {links(self.service.dependents_of(concept_id))}<br>"
            f"<b>Related:</b> {links([r for r in concept.related if r in self.bank.concepts])}"
        )
        clock = self.service.clock
        panel.card_model.set_rows(cards, clock.now(), clock.local_tz)
        for button in (panel.study_button, panel.study_prereq_button, panel.quiz_button):
            button.setEnabled(True)

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
        self._on_search(self.search.text())
        self.view.setFocus()

    def map_filter(self) -> MapFilter:
        """What the toolbar asks for."""
        return MapFilter(
            hidden_areas=frozenset(
                aid for aid, action in self.area_actions.items() if not action.isChecked()
            ),
            local=self.local.isChecked(),
            centre=self.local_centre or self.panel.concept_id,
            depth=self.depth_box.value(),
            force=self.layout_mode.currentText() == "Force",
        )

    def _apply_filters(self) -> None:
        wanted = self.map_filter()
        self.depth_box.setEnabled(wanted.local)
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
        self.zoom_label.setText(f"{round(value * 100)}%")
        self._schedule_save()

    def _on_drop(self, concept_id: str, x: float, y: float) -> None:
        if self.layout_mode.currentText() == "Layered" and not self.local.isChecked():
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
                "hidden_areas": sorted(
                    a for a, act in self.area_actions.items() if not act.isChecked()
                ),
                "local": self.local.isChecked(),
                "depth": self.depth_box.value(),
                "mode": self.layout_mode.currentText(),
                "selected": self.panel.concept_id,
            }
        )
        self.report(saved)

    def _restore_view(self) -> None:
        state = self.service.view_state()
        for area_id in state.get("hidden_areas", []):
            if area_id in self.area_actions:
                self.area_actions[area_id].setChecked(False)
        self.depth_box.setValue(int(state.get("depth", 2)))
        self.layout_mode.setCurrentText(str(state.get("mode", "Layered")))
        selected = state.get("selected")
        if isinstance(selected, str) and selected in self.bank.concepts:
            self.local_centre = selected
            self.select_concept(selected, centre=False)
        self.local.setChecked(bool(state.get("local", False)))
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
