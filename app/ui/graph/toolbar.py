"""The map's toolbar: find a concept, areas shown, the local graph and its depth, the layout,
fit, the zoom."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
)

from app.domain.content import ContentBank
from app.services.graph_service import MapFilter


class MapToolbar(QWidget):
    """Its choices as a `MapFilter`; any change of them is `filters_changed`."""

    filters_changed = Signal()
    fit_requested = Signal()

    def __init__(self, bank: ContentBank) -> None:
        super().__init__()
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setObjectName("graph-search")
        self.search.setPlaceholderText("Find a concept…")
        self.search.setClearButtonEnabled(True)
        self.areas_button = QToolButton()
        self.areas_button.setObjectName("area-filter")
        self.areas_button.setText("Areas")
        self.areas_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.areas_menu = QMenu(self.areas_button)
        self.area_actions: dict[str, QAction] = {}
        for area in sorted(bank.areas.values(), key=lambda a: a.order):
            action = self.areas_menu.addAction(f"● {area.title}")
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(lambda *_: self.filters_changed.emit())
            self.area_actions[area.id] = action
        self.areas_button.setMenu(self.areas_menu)
        self.local = QCheckBox("Local graph")
        self.local.setObjectName("local-graph")
        self.local.toggled.connect(lambda *_: self.filters_changed.emit())
        self.depth_box = QSpinBox()
        self.depth_box.setObjectName("local-depth")
        self.depth_box.setRange(1, 6)
        self.depth_box.setValue(2)
        self.depth_box.setPrefix("depth ")
        self.depth_box.valueChanged.connect(lambda *_: self.filters_changed.emit())
        self.layout_mode = QComboBox()
        self.layout_mode.setObjectName("layout-mode")
        self.layout_mode.addItems(["Layered", "Force"])
        self.layout_mode.currentIndexChanged.connect(lambda *_: self.filters_changed.emit())
        fit = QPushButton("Fit (F)")
        fit.setObjectName("fit")
        fit.clicked.connect(self.fit_requested.emit)
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("zoom-label")
        self.panel_button = QToolButton()
        self.panel_button.setObjectName("panel-toggle")
        self.panel_button.setText("Panel (P)")
        self.panel_button.setCheckable(True)
        self.panel_button.setChecked(True)
        self.panel_button.setToolTip("Show or hide the concept panel and 'next up' (P)")
        bar.addWidget(self.search, 2)
        tool: QWidget
        for tool in (self.areas_button, self.local, self.depth_box, self.layout_mode, fit):
            bar.addWidget(tool)
        bar.addWidget(self.zoom_label)
        bar.addWidget(self.panel_button)

    def hidden_areas(self) -> frozenset[str]:
        return frozenset(aid for aid, action in self.area_actions.items() if not action.isChecked())

    def map_filter(self, centre: str | None) -> MapFilter:
        """What the toolbar asks for, around `centre` when the local graph is on."""
        return MapFilter(
            hidden_areas=self.hidden_areas(),
            local=self.local.isChecked(),
            centre=centre,
            depth=self.depth_box.value(),
            force=not self.layered(),
        )

    def layered(self) -> bool:
        return self.layout_mode.currentText() == "Layered"

    def show_area(self, area_id: str) -> None:
        self.area_actions[area_id].setChecked(True)

    def show_zoom(self, value: float) -> None:
        self.zoom_label.setText(f"{round(value * 100)}%")

    def state(self) -> dict[str, Any]:
        """The choices, as the saved view keeps them."""
        return {
            "hidden_areas": sorted(self.hidden_areas()),
            "local": self.local.isChecked(),
            "depth": self.depth_box.value(),
            "mode": self.layout_mode.currentText(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        """The saved choices, but the local graph (see `GraphScreen._restore_view`)."""
        for area_id in state.get("hidden_areas", []):
            if area_id in self.area_actions:
                self.area_actions[area_id].setChecked(False)
        self.depth_box.setValue(int(state.get("depth", 2)))
        self.layout_mode.setCurrentText(str(state.get("mode", "Layered")))
