"""What the answer says in the asker's language: the language guess and the fixed messages.

Languages: Arabic, English, French, Spanish, German, Russian, Turkish; any
other falls back to English. The guess needs no model: the script (Arabic,
Cyrillic, Latin), then, for Latin script, letters only one language uses
(ğ ı ş → Turkish, ñ ¿ ¡ → Spanish, ß → German) and the share of each
language's commonest short words. Only the words live here; HTML and chat
rendering are `qa.web.chatformat`'s.

>>> [language_of(q) for q in ("من اقترح عملية برية؟", "Who proposed a ground operation?",
...  "Qui a proposé une opération terrestre ?", "¿Quién propuso una operación terrestre?",
...  "Wer hat eine Bodenoperation vorgeschlagen?", "Кто предложил наземную операцию?",
...  "Kara harekâtını kim önerdi?")]
['ar', 'en', 'fr', 'es', 'de', 'ru', 'tr']
"""
from __future__ import annotations

import re

_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_CYRILLIC_LETTER = re.compile("[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Letters (or marks) that, in news text, only one of the Latin-script languages here writes.
_OWN_LETTERS = {"tr": set("ğışİ"), "es": set("ñ¿¡"), "de": set("ß")}
# Each language's commonest short words in questions; shared ones ("a", "de") count for each.
_STOP_WORDS = {
    "en": "the a an of to in on is was were are did does do who what when where which why how many much and for "
          "with by from at that this it has have said",
    "fr": "le la les un une des du de et est sont a ont qui que quoi quel quelle quels quand où pourquoi comment "
          "combien dans sur pour par avec au aux ce cette il elle ils",
    "es": "el la los las un una unos de del y es son fue qué quién quiénes cuándo dónde cuál cuáles por cómo cuánto "
          "cuántos en con para al se lo su",
    "de": "der die das den dem des ein eine einen und ist sind war wurde wer was wann wo warum wie welche welcher "
          "viele hat haben mit von zu im in auf für nach",
    "tr": "bir ve ne kim nerede neden nasıl hangi kaç mı mi mu mü ile bu şu için da de olarak oldu kimdir nedir "
          "zaman",
}
_STOP = {lang: frozenset(words.split()) for lang, words in _STOP_WORDS.items()}

MESSAGES = {
    "en": {"not_found": "I could not find an answer to this in the documents. The closest passages are listed below.",
           "source": "Source"},
    "ar": {"not_found": "لم أجد إجابة عن هذا السؤال في المستندات. أقرب المقاطع مدرجة أدناه.",
           "source": "المصدر"},
    "fr": {"not_found": "Je n'ai pas trouvé de réponse à cette question dans les documents. "
                        "Les passages les plus proches sont listés ci-dessous.",
           "source": "Source"},
    "es": {"not_found": "No encontré una respuesta a esta pregunta en los documentos. "
                        "Los pasajes más cercanos aparecen a continuación.",
           "source": "Fuente"},
    "de": {"not_found": "Ich habe in den Dokumenten keine Antwort auf diese Frage gefunden. "
                        "Die nächstliegenden Passagen stehen unten.",
           "source": "Quelle"},
    "ru": {"not_found": "Я не нашёл ответа на этот вопрос в документах. Ближайшие фрагменты приведены ниже.",
           "source": "Источник"},
    "tr": {"not_found": "Belgelerde bu sorunun yanıtını bulamadım. En yakın bölümler aşağıda listelenmiştir.",
           "source": "Kaynak"},
}
LANGUAGES = tuple(MESSAGES)


def language_of(text: str) -> str:
    """The language of the messages for `text` (one of LANGUAGES; 'en' when unsure)."""
    letters = _LETTER.findall(text)
    if not letters:
        return "en"
    arabic = sum(1 for ch in letters if _ARABIC_LETTER.match(ch))
    if arabic * 2 >= len(letters):
        return "ar"
    cyrillic = sum(1 for ch in letters if _CYRILLIC_LETTER.match(ch))
    if cyrillic * 2 >= len(letters):
        return "ru"
    lowered = text.lower()
    for lang, own in _OWN_LETTERS.items():
        if any(ch in own for ch in text) or (lang == "es" and "¿" in lowered):
            return lang
    words = _WORD.findall(lowered)
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOP.items()}
    best = max(counts, key=lambda lang: (counts[lang], lang == "en"))
    return best if counts[best] > 0 else "en"
