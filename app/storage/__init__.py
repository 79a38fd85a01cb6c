"""Storage layer: SQLModel tables on one SQLite file, and the queries the services need."""
