"""Answer: the quote, the evidence, the decision to answer or say "not found", and the messages.

Works on a search's ranked passages; renders no HTML (the web stage does).
"""
