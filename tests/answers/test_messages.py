"""The answer's language and messages."""
import pytest

from qa.answers.messages import LANGUAGES, MESSAGES, language_of
from qa.web.chatformat import LABELS


@pytest.mark.parametrize("question, language", [
    ("من اقترح عملية برية؟", "ar"),
    ("Who proposed a ground operation?", "en"),
    ("who said it", "en"),
    ("Qui a proposé une opération terrestre ?", "fr"),
    ("quand la réunion a-t-elle eu lieu", "fr"),
    ("¿Quién propuso una operación terrestre?", "es"),
    ("cuándo fue la reunión", "es"),
    ("Wer hat eine Bodenoperation vorgeschlagen?", "de"),
    ("wann war das Treffen", "de"),
    ("Кто предложил наземную операцию?", "ru"),
    ("Kara harekâtını kim önerdi?", "tr"),
    ("toplantı ne zaman yapıldı", "tr"),
    ("?!", "en"),
    ("Erdoğan", "en"),  # a name alone says nothing of the asker's language
    ("What did Erdoğan say about the ground operation?", "en"),
    ("Que pense Erdoğan de l'opération ?", "fr"),
    ("Why did Peña Nieto resign?", "en"),
    ("Erdoğan ne dedi?", "tr"),
    ("Straße gesperrt?", "de"),
    ("¡Quién ganó!", "es"),
])
def test_language_of(question, language):
    assert language_of(question) == language


def test_every_language_has_every_message_and_label():
    assert set(LANGUAGES) == {"ar", "en", "fr", "es", "de", "ru", "tr"}
    assert all(set(m) == set(MESSAGES["en"]) for m in MESSAGES.values())
    assert set(LABELS) == set(LANGUAGES) and all(set(v) == set(LABELS["en"]) for v in LABELS.values())
    assert len({m["not_found"] for m in MESSAGES.values()}) == len(MESSAGES)  # each really translated
