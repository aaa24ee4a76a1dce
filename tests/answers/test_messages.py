"""The answer's language and messages."""
from qa.answers.messages import MESSAGES, language_of


def test_language_of():
    assert language_of("من اقترح عملية برية؟") == "ar"
    assert language_of("Who proposed a ground operation?") == "en"
    assert language_of("¿Quién propuso una operación terrestre?") == "en"
    assert language_of("?!") == "en"


def test_every_language_has_every_message():
    assert all(set(m) == set(MESSAGES["en"]) for m in MESSAGES.values())
