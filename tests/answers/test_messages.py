"""The answer's messages, one table per language."""
from qa.answers.messages import MESSAGES
from qa.text.language import LANGUAGES
from qa.web.chatformat import LABELS


def test_every_language_has_every_message_and_label():
    assert set(LANGUAGES) == set(MESSAGES) == {"ar", "en", "fr", "es", "de", "ru", "tr"}
    assert all(set(m) == set(MESSAGES["en"]) for m in MESSAGES.values())
    assert set(LABELS) == set(LANGUAGES) and all(set(v) == set(LABELS["en"]) for v in LABELS.values())
    assert len({m["not_found"] for m in MESSAGES.values()}) == len(MESSAGES)  # each really translated
