"""What the answer says in the asker's language: the language guess and the fixed messages.

Languages: Arabic, English, French, Spanish, German, Russian, Turkish; any
other falls back to English. The guess needs no model: the script (Arabic,
Cyrillic, Latin), then, for Latin script, letters only one language uses
(ğ ı ş → Turkish, ñ ¿ → Spanish, ß → German; outside names) add to
the count of each language's commonest short words. Only the words live here; HTML and chat
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
_OWN_LETTERS = {"tr": set("ğış"), "es": set("ñ"), "de": set("ß")}
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
    "en": {"not_found": "I could not find an answer to this in the documents. The closest passages are under Sources.",
           "source": "Source", "sure": "Answer", "unsure": "Possible answer — check the source",
           "none": "Not found",
           "writing": "{model} is writing an answer from the passages…",
           "written": "Written by {model} from the cited passages",
           "translation": "Translation by {model}",
           "llm_failed": "{model} did not answer ({why}); this is the quoted answer.",
           "llm_rejected": "The answer {model} wrote was not shown ({why}); this is the quoted answer.",
           "llm": "the language model"},
    "ar": {"not_found": "لم أجد إجابة عن هذا السؤال في المستندات. أقرب المقاطع تحت «المصادر».",
           "source": "المصدر", "sure": "الإجابة", "unsure": "إجابة محتملة — تحقق من المصدر", "none": "لم يُعثر على إجابة",
           "writing": "يكتب {model} إجابة من المقاطع…",
           "written": "كتبها {model} من المقاطع المذكورة",
           "translation": "ترجمة {model}",
           "llm_failed": "لم يُجب {model} ({why})؛ هذه هي الإجابة المقتبسة.",
           "llm_rejected": "لم تُعرض الإجابة التي كتبها {model} ({why})؛ هذه هي الإجابة المقتبسة.",
           "llm": "النموذج اللغوي"},
    "fr": {"not_found": "Je n'ai pas trouvé de réponse à cette question dans les documents. "
                        "Les passages les plus proches sont sous Sources.",
           "source": "Source", "sure": "Réponse", "unsure": "Réponse possible — vérifiez la source",
           "none": "Introuvable",
           "writing": "{model} rédige une réponse à partir des passages…",
           "written": "Rédigé par {model} à partir des passages cités",
           "translation": "Traduction par {model}",
           "llm_failed": "{model} n'a pas répondu ({why}) ; voici la réponse citée.",
           "llm_rejected": "La réponse rédigée par {model} n'est pas affichée ({why}) ; voici la réponse citée.",
           "llm": "le modèle de langue"},
    "es": {"not_found": "No encontré una respuesta a esta pregunta en los documentos. "
                        "Los pasajes más cercanos están en Fuentes.",
           "source": "Fuente", "sure": "Respuesta", "unsure": "Respuesta posible — compruebe la fuente",
           "none": "No encontrado",
           "writing": "{model} está redactando una respuesta a partir de los pasajes…",
           "written": "Redactado por {model} a partir de los pasajes citados",
           "translation": "Traducción de {model}",
           "llm_failed": "{model} no respondió ({why}); esta es la respuesta citada.",
           "llm_rejected": "La respuesta de {model} no se muestra ({why}); esta es la respuesta citada.",
           "llm": "el modelo de lenguaje"},
    "de": {"not_found": "Ich habe in den Dokumenten keine Antwort auf diese Frage gefunden. "
                        "Die nächstliegenden Passagen stehen unter Quellen.",
           "source": "Quelle", "sure": "Antwort", "unsure": "Mögliche Antwort — bitte Quelle prüfen",
           "none": "Nicht gefunden",
           "writing": "{model} schreibt eine Antwort aus den Passagen…",
           "written": "Von {model} aus den zitierten Passagen geschrieben",
           "translation": "Übersetzung von {model}",
           "llm_failed": "{model} hat nicht geantwortet ({why}); dies ist die zitierte Antwort.",
           "llm_rejected": "Die Antwort von {model} wird nicht gezeigt ({why}); dies ist die zitierte Antwort.",
           "llm": "das Sprachmodell"},
    "ru": {"not_found": "Я не нашёл ответа на этот вопрос в документах. Ближайшие фрагменты — в разделе «Источники».",
           "source": "Источник", "sure": "Ответ", "unsure": "Возможный ответ — проверьте источник",
           "none": "Не найдено",
           "writing": "{model} пишет ответ по фрагментам…",
           "written": "Написано {model} по цитируемым фрагментам",
           "translation": "Перевод {model}",
           "llm_failed": "{model} не ответил ({why}); это цитируемый ответ.",
           "llm_rejected": "Ответ {model} не показан ({why}); это цитируемый ответ.",
           "llm": "языковая модель"},
    "tr": {"not_found": "Belgelerde bu sorunun yanıtını bulamadım. En yakın bölümler Kaynaklar altında.",
           "source": "Kaynak", "sure": "Yanıt", "unsure": "Olası yanıt — kaynağı kontrol edin", "none": "Bulunamadı",
           "writing": "{model} bölümlerden bir yanıt yazıyor…",
           "written": "{model} tarafından alıntılanan bölümlerden yazıldı",
           "translation": "{model} çevirisi",
           "llm_failed": "{model} yanıt vermedi ({why}); bu alıntılanan yanıttır.",
           "llm_rejected": "{model} tarafından yazılan yanıt gösterilmedi ({why}); bu alıntılanan yanıttır.",
           "llm": "dil modeli"},
}
# A found answer whose calibrated probability (answers.abstention) is below this is shown as a
# possible answer: about one in two such answers is wrong (docs/quality.md, "What the labels mean").
SURE_CONFIDENCE = 0.5
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
    words = _WORD.findall(text)
    counts = {lang: sum(1 for w in words if w.lower() in stop) for lang, stop in _STOP.items()}
    # Letters only one language writes count as one more word, and only outside capitalised words:
    # "What did Erdoğan say?" is English about a Turk.
    lowercase = "".join(w for w in words if not w[:1].isupper())
    for lang, own in _OWN_LETTERS.items():
        # German capitalises its nouns, and "ß" starts no name: it counts in any word.
        where = "".join(words) if lang == "de" else lowercase
        if any(ch in own for ch in where) or (lang == "es" and ("¿" in text or "¡" in text)):
            counts[lang] += 1
    best = max(counts, key=lambda lang: (counts[lang], lang == "en"))
    return best if counts[best] > 0 else "en"


_ANY_STOP = frozenset().union(*_STOP.values())


def is_stop_word(word: str) -> bool:
    """One of the commonest short words of a Latin-script language here ("the", "der", "une", "bir")."""
    return word.lower() in _ANY_STOP


def certainty(found: bool, confidence: float) -> str:
    """"sure", "unsure" or "none": which label an answer gets (the words are MESSAGES[lang][...])."""
    if not found:
        return "none"
    return "sure" if confidence >= SURE_CONFIDENCE else "unsure"
