"""What a question asks for (a number, a time) and whether a sentence could give it."""
import pytest

from qa.text.answer_type import can_answer, expected_type


@pytest.mark.parametrize("question, kind", [
    ("How many soldiers would Turkey send?", "number"),
    ("how much did the bridge cost", "number"),
    ("كم يوما يحتاج دي ميستورا؟", "number"),
    ("وكم عدد القتلى؟", "number"),
    ("ما نسبة المشاركة في الانتخابات؟", "number"),
    ("combien de soldats l'Arabie saoudite enverrait-elle ?", "number"),
    ("¿Cuántos días necesita de Mistura?", "number"),
    ("Wie viele Tage braucht de Mistura?", "number"),
    ("Сколько дней нужно де Мистуре?", "number"),
    ("de Mistura kaç gün istiyor?", "number"),
    ("When did the consultations begin?", "time"),
    ("In which year was the university founded?", "time"),
    ("متى بدأت المشاورات؟", "time"),
    ("في أي عام تأسست الجامعة؟", "time"),
    ("Quand la réunion a-t-elle eu lieu ?", "time"),
    ("¿Qué día habló Zajárova?", "time"),
    ("An welchem Tag tritt der Sicherheitsrat zusammen?", "time"),
    ("Когда начались консультации?", "time"),
    ("Türkiye kara harekâtına hangi tarihte başlayacak?", "time"),
    ("Who proposed a ground operation?", "any"),
    ("من اقترح عملية برية؟", "any"),
    ("What does Russia accuse Ankara of?", "any"),
    ("ما هو موقف الاتحاد الأوروبي؟", "any"),
    ("Wer hat eine Bodenoffensive vorgeschlagen?", "any"),
    ("Qui préside le groupe de soutien ?", "any"),
    ("And when did they meet?", "time"),
    ("The talks were held when?", "time"),
    ("What happens when the ceasefire ends?", "any"),  # a clause, not a question about a time
    ("Que se passe-t-il quand la trêve expire ?", "any"),
    ("¿Qué pasa cuando termina la tregua?", "any"),
    # Arabic as many write it, and as `normalize` leaves it: ى as ي, ة as ه, أ as ا
    ("متي بدأت المشاورات؟", "time"),
    ("في اي سنه تأسست الجامعة؟", "time"),
    ("ما نسبه المشاركة في الانتخابات؟", "number"),
    ("En cuanto a la economía, ¿qué dijo Zajárova?", "any"),  # "regarding", no "how many"
    ("¿En cuántos países hay tropas turcas?", "number"),
    ("Yılın hangi ayında görüşecekler?", "time"),
    ("Hangi ayrıntılar açıklandı?", "any"),  # "ayrıntı" (detail) is no "ay" (month)
    ("Hangi ayda görüşecekler?", "time"),
    ("Saat kaçta başladı?", "time"),
    ("Wie lang ist die Brücke?", "number"),
])
def test_expected_type(question, kind):
    assert expected_type(question) == kind


@pytest.mark.parametrize("text, kind, can", [
    ("وكانت تركيا دعت الثلاثاء الي تدخل عسكري بري", "time", True),  # a day
    ("قررت في12 فبراير وقف الاعمال العدائية", "time", True),  # a figure glued to a word, next to a month
    ("قررت في12 فبراير وقف الاعمال العدائية", "number", False),  # a date is no count
    ("The agency was founded in 1957", "time", True),
    ("The theatre ran from 1870 to 1939", "number", True),  # "how long did it run?"
    ("Turkey would send 300 soldiers", "time", False),  # a count is no time
    ("Turkey would send 300 soldiers", "number", True),
    ("وقالت ماريا زخاروفا ان المشاورات تجري", "time", False),
    ("اننا بحاجة إلي عشرة أيام حتي نستعد", "number", True),  # a number word
    ("وصل بثلاثة آلاف جندي", "number", True),  # after a one-letter preposition
    ("نريد عملية برية مع حلفائنا الدوليين", "number", False),
    ("لن تقوم بعملية عسكرية من جانب واحد", "number", False),  # "unilaterally": "one" is no count
    ("The union wants a 22 % rise", "number", True),
    ("Talks resumed on Tuesday", "time", True),
    ("Talks resumed after the meeting", "time", False),
    ("The delegation counted three hundred people", "number", True),
    ("١٢ شخصا", "number", True),  # Arabic-Indic digits
    ("Several soldiers were wounded", "number", True),  # a quantity with no figure
    ("ففاز بالكأس مرتين", "number", True),
    ("وعاد الاهتمام به في التسعينيات", "time", True),  # a decade
    ("By 9000 BP Europe was fully forested", "time", True),  # an era dates a large figure
    ("By 9000 BP Europe was fully forested", "number", False),
    ("يحدث نقص المناعة عندما يكون الجهاز المناعي أقل نشاطا", "time", True),  # dated by an event
    ("The Doctor rarely travels alone", "number", True),  # "how often…?"
    ("Any sentence at all", "any", True),
    # Weekdays whose light stem is a common word: only the day itself is a time
    ("قال أحد المسؤولين إن الوضع صعب", "time", False),  # أحد: "one of", not Sunday
    ("اجتمعوا الأحد في جنيف", "time", True),
    ("تأجل الاجتماع للجمعة", "time", True),
    ("ووصل الوفد الاثنين", "time", True),
    ("ووصل الوفد الاثنين", "number", False),  # Monday, not "two"
    ("جمع التبرعات للاجئين", "time", False),  # "gathered", not Friday
    ("بعد صلاة الجمعة", "time", True),
])
def test_can_answer(text, kind, can):
    assert can_answer(text, kind) is can
