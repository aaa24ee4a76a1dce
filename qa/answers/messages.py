"""What the answer says in the asker's language (`text.language` guesses which): the fixed messages.

Arabic, English, French, Spanish, German, Russian, Turkish. Only the words
live here; HTML and chat rendering are `qa.web.chatformat`'s.
"""
from __future__ import annotations

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


def certainty(found: bool, confidence: float) -> str:
    """"sure", "unsure" or "none": which label an answer gets (the words are MESSAGES[lang][...])."""
    if not found:
        return "none"
    return "sure" if confidence >= SURE_CONFIDENCE else "unsure"
