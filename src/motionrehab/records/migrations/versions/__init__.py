"""The store's Alembic revisions, oldest first by number (0001 is motionrehab 0.1's schema)."""
