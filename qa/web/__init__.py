"""The web chat (Gradio): app wiring, message rendering, and the documents panel's file handling.

A thin edge over the library: no retrieval or scoring logic lives here.
"""
