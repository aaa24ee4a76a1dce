"""Ingest: files in the seeds folder become documents, chunks and sentences.

Reads and decodes files and splits text; it does not embed or store anything.
"""
