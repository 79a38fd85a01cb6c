"""The Browse screen (Ctrl+4, Ctrl+F): table models, the card details, the actions, the screen."""

from app.ui.browse.screen import BrowseScreen

__all__ = ["BrowseScreen"]
