"""Lattice: an offline study app for AI / ML / LLM engineering interviews."""

__version__ = "0.1.0"
APP_NAME = "Lattice"
ORG_NAME = "Lattice"
