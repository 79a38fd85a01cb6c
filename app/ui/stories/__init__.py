"""The Stories screen (Ctrl+6) and the behavioural round the Quiz reaches from its setup page."""
