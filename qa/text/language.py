"""Which language a text is in, for the seven the messages speak, without a model.

Arabic, English, French, Spanish, German, Russian, Turkish; any other falls
back to English. The script (Arabic, Cyrillic, Latin), then, for Latin
script, letters only one language uses (ğ ı ş → Turkish, ñ ¿ → Spanish, ß →
German; outside names) add to the count of each language's commonest short
words. Answers use it for their messages, names for how the question's
language writes sounds (`names.latin_key`).

>>> [language_of(q) for q in ("من اقترح عملية برية؟", "Who proposed a ground operation?",
...  "Qui a proposé une opération terrestre ?", "¿Quién propuso una operación terrestre?",
...  "Wer hat eine Bodenoperation vorgeschlagen?", "Кто предложил наземную операцию?",
...  "Kara harekâtını kim önerdi?")]
['ar', 'en', 'fr', 'es', 'de', 'ru', 'tr']
"""
from __future__ import annotations

import re

from .terms import normalize

LANGUAGES = ("ar", "en", "fr", "es", "de", "ru", "tr")
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
# Russian is told by its script, so its function words serve `is_function_word` only.
_RUSSIAN_FUNCTION_WORDS = frozenset("""
и в во не что как а то все но да к у же за бы по от из о об до для при с со на кто где когда почему
какой какая какие который сколько ли или это этот эта был была были есть его ее их он она они
""".split())


def language_of(text: str) -> str:
    """The language of the messages for `text` (one of LANGUAGES; 'en' when unsure)."""
    scripts = _script_counts(text)
    letters = sum(scripts.values())
    if not letters:
        return "en"
    # At least half, not the most: a Latin question quoting one Arabic word is asked in a Latin language.
    if scripts["arabic"] * 2 >= letters:
        return "ar"
    if scripts["cyrillic"] * 2 >= letters:
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


def script_of(text: str) -> str:
    """"arabic", "cyrillic" or "latin": the script most of `text`'s letters are in ("" without letters).

    >>> script_of("وكانت تركيا دعت الثلاثاء (AFP)"), script_of("Кто предложил?"), script_of("Who?"), script_of("12")
    ('arabic', 'cyrillic', 'latin', '')
    """
    counts = _script_counts(text)
    return max(counts, key=counts.get) if any(counts.values()) else ""


def _script_counts(text: str) -> dict[str, int]:
    """How many of `text`'s letters are Arabic, Cyrillic and Latin (any other letter counts as Latin)."""
    letters = _LETTER.findall(text)
    arabic = sum(1 for ch in letters if _ARABIC_LETTER.match(ch))
    cyrillic = sum(1 for ch in letters if _CYRILLIC_LETTER.match(ch))
    return {"arabic": arabic, "cyrillic": cyrillic, "latin": len(letters) - arabic - cyrillic}


def is_stop_word(word: str) -> bool:
    """One of the commonest short words of a Latin-script language here ("the", "der", "une", "bir")."""
    return word.lower() in _ANY_STOP


# Arabic function words, normalized (`terms.normalize`): no gloss of "in" or "that" helps a reader, and
# sharing one with a question says nothing.
ARABIC_FUNCTION_WORDS = frozenset(normalize(w) for w in """
في من على إلى الى عن أن ان إن لا ما مع هذا هذه ذلك تلك التي الذي الذين كان كانت قد بعد قبل بين حتى أو او ثم
كما لم لن عند كل هو هي هم أي اي لقد وقد إنه انه أنه بأن وأن فإن لكن غير منذ خلال حول ضد دون عبر
""".split())


def is_function_word(word: str, language: str) -> bool:
    """A word that carries no content of its own in `language` ("the" in English, "der" in German, "في" in
    Arabic): one language's list, so English "war" or "die" stay content words."""
    key = normalize(word)
    if language == "ar":
        return key in ARABIC_FUNCTION_WORDS
    return key in (_RUSSIAN_FUNCTION_WORDS if language == "ru" else _STOP.get(language, frozenset()))
