"""The hall's domain: tickets, windows, categories and the rules between them.

Nothing here knows about Flask, Socket.IO or SQL.
"""
