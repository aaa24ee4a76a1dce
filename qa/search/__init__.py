"""Search: rank the chunks of a loaded index for a question by fusing dense, sparse and lexical signals.

Ranks passages and exposes per-sentence scores; choosing a quote and abstaining is the answer stage.
"""
