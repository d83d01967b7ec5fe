"""Input and output of batch runs: document readers, crash-safe JSON Lines writers, run locks.

Nothing here imports spaCy; HTML extraction (trafilatura) is imported only when an HTML input
is met.
"""
