"""Text analysis the index and the search share: normalization, index terms, name keys.

Pure functions over strings; no files, no model, no scores.
"""
