"""The on-disk index: a directory of plain files per generation, and its incremental, atomic build.

Writes and reads generations; ranking them is the search stage's job.
"""
