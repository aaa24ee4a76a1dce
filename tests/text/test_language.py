"""Which language a question is in (no model: script, own letters, stop words)."""
import pytest

from qa.text.language import language_of


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
