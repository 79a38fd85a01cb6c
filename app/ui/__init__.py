"""Qt user interface: screens that show services' data and forward the user's actions."""
