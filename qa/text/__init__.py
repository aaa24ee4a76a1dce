"""Text analysis the index and the search share: normalization, index terms, name keys, dictd dictionaries.

Pure functions over strings, except `dictd`, which reads the FreeDict files
`make dictionary` installs; no model, no scores.
"""
