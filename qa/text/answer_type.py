"""What kind of answer a question asks for (a number, a time, or any) and whether a text could give it.

"How many soldiers…?" is answered by a sentence with a number in it and "When…?" by one with
a date, a day, a month or a relative time ("yesterday", "أمس"); a sentence with none cannot
answer, however similar it is. This is the answer-type check of classic question answering,
without a model: the interrogatives of the seven question languages (`language.LANGUAGES`),
and digits, number words and time words as documents in those languages write them. A question
this module cannot type asks for "any", which every text can give.

>>> [expected_type(q) for q in ("How many soldiers would Turkey send?", "كم دولة تضم المجموعة؟",
...  "متى دعت تركيا الى تدخل بري؟", "¿Qué día habló Zajárova?", "Who proposed a ground operation?")]
['number', 'number', 'time', 'time', 'any']
>>> can_answer("وكانت تركيا دعت الثلاثاء الي تدخل عسكري بري", "time"), can_answer("نريد عملية برية", "number")
(True, False)
"""
from __future__ import annotations

import re
from typing import Literal

from .terms import normalize, terms

AnswerType = Literal["number", "time", "any"]

_NUMBER_QUESTION = re.compile("|".join((
    r"\bhow (many|much|long|old|far|big|large|high|tall|often)\b",
    r"\bwhat (percentage|percent|proportion|number|amount|share)\b",
    r"\bcombien\b", r"\bquel(le)?s? (pourcentage|nombre|montant)\b",
    # "en cuanto a" is "regarding"; "¿en cuántos países…?" still asks how many.
    r"\bcuánt[oa]s?\b", r"(?<!\ben )\bcuanto\b", r"\bcuant(a|os|as)\b",
    r"\bqu[eé] (porcentaje|n[uú]mero|cantidad)\b",
    r"\bwie ?viel(e|en)?\b", r"\bwie (lange?|alt|weit|hoch|oft|gro(ß|ss))\b",
    r"\bсколько\b",
    r"\bkaç\b", r"\bka[çc][ıi]nc[ıi]", r"\bne kadar\b",
    # Arabic in both spellings: as written, and as `normalize` leaves it (ة→ه, ى→ي, أ→ا).
    r"(?<!\w)[وف]?ب?كم(?!\w)", r"(?<!\w)[وف]?(ما|كم) (عدد|نسب[ةه]|حجم|مقدار|قيم[ةه])(?!\w)",
)))
# "when", "quand", "cuando" and "когда" also open a clause ("What happens when the immune system
# fails?"): they ask for a time only first in the question (after "and", "so", "et", "y", "и") or last.
_CLAUSE_WHEN = r"(when|quand|cuando|cu[aá]ndo|когда)"
_TIME_QUESTION = re.compile("|".join((
    rf"^\W*((and|so|but|et|mais|y|pero|и|а) )?{_CLAUSE_WHEN}\b", rf"\b{_CLAUSE_WHEN}\W*$", r"\bdepuis quand\b",
    r"\b(since|until) when\b", r"\b(what|which) (year|day|date|month|time|century|decade)\b",
    r"\bquel(le)? (ann[ée]e|jour|date|mois|heure|si[èe]cle)\b",
    r"\bcuándo\b", r"\bqu[eé] (a[ñn]o|d[ií]a|fecha|mes|hora|siglo)\b",
    r"\bwann\b", r"\bwelche[mnrs]? (jahr|tag|datum|monat|uhrzeit|jahrhundert)\b",
    r"\bв как(ом|ой|ие) (году|месяце|веке|день|дни)\b", r"\bкакого числа\b",
    r"\bne zaman\b", r"\bkaçta\b", r"\bhangi (gün|yıl|tarih|saat|hafta)", r"\bhangi ay(lar)?(da|ı|ın|ında|ları)?\b",
    r"(?<!\w)[وف]?مت[ىي](?!\w)", r"(?<!\w)[اأ]ي (عام|سن[ةه]|يوم|شهر|تاريخ|قرن|وقت|ساع[ةه])(?!\w)",
    r"(?<!\w)ما (تاريخ|موعد)(?!\w)",
)))

# Number words as the seven languages write them, with quantities that carry no figure ("several",
# "twice", "the majority") and frequencies ("rarely": "how often…?" asks for a number too). Left out: "one" (واحد), which news writes as a
# pronoun or in idioms ("one of", "من جانب واحد": unilaterally), and words that are common function
# words elsewhere ("on" is Turkish ten, "once" Spanish eleven, "bin" Turkish thousand and an Arabic name).
_NUMBER_WORDS = """
اثنان اثنين اثنتين اثنتان ثلاث ثلاثة ثلاثين ثلاثون أربع أربعة أربعين أربعون خمس خمسة خمسين خمسون
ست ستة ستين ستون سبع سبعة سبعين سبعون ثماني ثمانية ثمانين ثمانون تسع تسعة تسعين تسعون عشر عشرة عشرين عشرون
عشرات مئة مائة مئات مائتين مئتين مائتي ألف آلاف ألفين ألوف مليون ملايين مليار مليارات نصف ربع ثلث بالمئة بالمائة
مرتين مرتان عدة بضع بضعة العديد غالبية أغلبية
two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands
million millions billion billions dozen dozens half quarter percent twice several majority
deux trois quatre cinq sept huit neuf dix onze douze vingt trente quarante cinquante soixante cent cents mille
milliers milliard milliards douzaine moitié pourcent plusieurs majorité
dos tres cuatro cinco seis siete ocho nueve diez doce veinte treinta cuarenta cincuenta cien ciento cientos mil
millón millones docena mitad varios varias mayoría
zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig hundert tausend millionen milliarde
milliarden dutzend hälfte prozent zweimal mehrere mehrheit
два две три четыре пять шесть семь восемь девять десять двадцать тридцать сто тысяча тысячи тысяч миллион
миллиона миллионов миллиард миллиарда половина процент процентов дважды несколько большинство
iki üç dört beş altı yedi sekiz dokuz yirmi otuz kırk elli yüz milyon milyar yarım yüzde birkaç çoğunluk
نادرا أحيانا دائما rarely sometimes often always usually never rarement parfois souvent toujours jamais
raramente siempre nunca selten manchmal immer niemals редко иногда часто всегда никогда nadiren bazen daima
"""
# Months (Gregorian in Egyptian and Levantine names, Hijri): a figure next to one is a date.
_MONTH_WORDS = """
يناير فبراير مارس أبريل ابريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس اغسطس سبتمبر أكتوبر اكتوبر نوفمبر ديسمبر
كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين محرم ربيع جمادى رجب شعبان رمضان شوال القعدة الحجة
january february march april june july august september october november december
janvier février mars avril mai juin juillet août septembre octobre novembre décembre
enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre
januar februar märz juni juli oktober dezember
января февраля марта апреля мая июня июля августа сентября октября ноября декабря
ocak şubat nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık
"""
# Days, relative times, durations of two (Arabic duals), decades, and the words that date by an
# event ("when the war ended", "في نهاية الحرب").
_TIME_WORDS = """
الثلاثاء الأربعاء الخميس السبت أمس غدا اليوم الليلة صباح مساء أسبوع أسابيع شهر أشهر
شهور سنة سنوات يوم يوما أيام ساعة ساعات قرن حاليا الآن يومين أسبوعين شهرين سنتين ساعتين
العشرينيات الثلاثينيات الأربعينيات الخمسينيات الستينيات السبعينيات الثمانينيات التسعينيات
عندما حينما نهاية بداية أواخر أوائل مطلع when whenever lorsque cuando wenn
monday tuesday wednesday thursday friday saturday sunday yesterday today tomorrow tonight week weeks month months
year years decade century morning evening night ago
lundi mardi mercredi jeudi vendredi samedi dimanche hier demain aujourd semaine semaines mois année années ans
lunes martes miércoles jueves viernes sábado domingo ayer mañana hoy semana semanas mes meses año años
montag dienstag mittwoch donnerstag freitag samstag sonntag gestern morgen heute woche wochen monat monate jahr
jahre jahren
понедельник вторник среда среду четверг пятница пятницу суббота субботу воскресенье вчера завтра сегодня неделя
недели неделю месяц месяца год года лет
pazartesi salı çarşamba perşembe cuma cumartesi dün yarın bugün hafta yıl
"""
# Weekdays whose stem is a common word (الأحد→احد "one", الاثنين→اثن "two", الجمعة→جمع "gathered"):
# matched as the whole normalized word, with the article and an optional و, ف, ب or ل before it.
_WEEKDAYS_AS_WRITTEN = "الأحد الاثنين الإثنين الجمعة"
# Eras: a figure next to one is a date, however large ("9000 BP", "500 قبل الميلاد").
_ERA_WORDS = "bp bc bce ad الميلاد ميلادي هجري"
_ONE_LETTER_PROCLITICS = ("و", "ف", "ب", "ل", "ك")


def _vocabulary(words: str) -> frozenset[str]:
    return frozenset(terms(words))


_NUMBERS = _vocabulary(_NUMBER_WORDS)
_MONTHS = _vocabulary(_MONTH_WORDS)
_ERAS = _vocabulary(_ERA_WORDS)
_DATING = _MONTHS | _ERAS
_TIMES = _vocabulary(_TIME_WORDS) | _MONTHS
_WEEKDAYS = frozenset(form for w in normalize(_WEEKDAYS_AS_WRITTEN).split()
                     for form in [p + w for p in ("", "و", "ف", "ب", "وب")] + ["لل" + w[2:], "ولل" + w[2:]])
_TOKEN = re.compile(r"\d+|[^\W\d_]+", re.UNICODE)  # "في12" is a word and a figure


def expected_type(question: str) -> AnswerType:
    """"number", "time" or "any": what the question's interrogative asks for."""
    text = normalize(question)
    # The Arabic patterns hold both spellings; the Latin ones are also tried on the question as
    # written, whose accents `normalize` keeps but whose letters it may unify.
    if _NUMBER_QUESTION.search(text) or _NUMBER_QUESTION.search(question.casefold()):
        return "number"
    if _TIME_QUESTION.search(text) or _TIME_QUESTION.search(question.casefold()):
        return "time"
    return "any"


def can_answer(text: str, kind: AnswerType) -> bool:
    """Could `text` give an answer of this kind?

    A number: a figure that is not a date (next to a month or an era), or a number word ("how
    many…?" is not answered by "on 12 February"; a year can answer "how long…?"). A time: a day, a
    month, a relative time word, a year or a figure next to a month or an era (a count alone,
    "300 soldiers", answers no "when?").
    """
    if kind == "any":
        return True
    tokens = _TOKEN.findall(normalize(text))
    words = [_term(t) if not t.isdigit() else "" for t in tokens]
    for i, token in enumerate(tokens):
        if token.isdigit():
            dated = any(words[n] in _DATING for n in (i - 1, i + 1) if 0 <= n < len(tokens))
            if (dated or _is_year(token)) if kind == "time" else not dated:
                return True
        elif token in _WEEKDAYS:
            if kind == "time":
                return True
        elif words[i] in (_NUMBERS if kind == "number" else _TIMES):
            return True
    return False


def _is_year(figure: str) -> bool:
    return len(figure) == 4 and 1000 <= int(figure) <= 2100


def _term(word: str) -> str:
    """The word's index term, without a one-letter preposition light stemming keeps ("بثلاثة", "لسنوات")."""
    found = terms(word)
    term = found[0] if found else ""
    if term not in _NUMBERS and term not in _TIMES and term[:1] in _ONE_LETTER_PROCLITICS and len(term) > 3:
        rest = terms(word[1:])
        return rest[0] if rest else term
    return term
