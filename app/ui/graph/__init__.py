"""The Graph screen (Ctrl+3): scene items, the map view, the concept panel, the screen."""

from app.ui.graph.screen import GraphScreen

__all__ = ["GraphScreen"]
