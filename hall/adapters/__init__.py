"""Adapters: the database, the realtime publisher and other outside parts."""
