"""The seed article as real producers write it (a saved page, PDFs, Word, an e-book, an e-mail, a feed):
each reads back as the article and answers the seed's questions as the `.txt` does (real model, real index)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import SEED_FILE
from helpers import has_turkish_ground
from qa.answers.answering import answer
from qa.search.fusion import Retriever
from qa.store.build import build_index

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# The docx, epub and feed copies hold more than the article (a report header, a table, an English
# second story): the French question must be answered beside them as from the .txt alone.
SEED_AS = ["html/ar_seed.chromium.html", "html/ar_seed.cp1256-undeclared.html", "pdf/ar_seed.chromium.pdf",
           "pdf/ar_seed.libreoffice.pdf", "pdf/ar_seed.fpdf2.pdf", "eml/cp1256_qp.eml",
           "docx/python_docx_news.docx", "docx/libreoffice_roundtrip.docx", "epub/handmade_news.epub",
           "feed/news.rss"]
QUESTIONS = ["Who proposed a ground operation?", "من اقترح عملية برية؟",
             "What did Russia ask the Security Council to do?", "متى دعت تركيا إلى تدخل عسكري بري في سوريا؟",
             "Qui a proposé une opération terrestre ?"]
# What a right quote holds for each question (the article's words). Copies paragraph the article their own
# way, and a quote keeps to its paragraph, so the quote may differ from the `.txt`'s and still be right.
RUSSIA_ASKS = ("ستدعو إلي اجتماع لمجلس الأمن", "دعوة مجلس الأمن الي اجتماع", "مشروع قرار يدعو")
HOLDS = {QUESTIONS[0]: has_turkish_ground, QUESTIONS[1]: has_turkish_ground,
         QUESTIONS[2]: lambda quote: any(s in quote for s in RUSSIA_ASKS),
         QUESTIONS[3]: lambda quote: "الثلاثاء" in quote, QUESTIONS[4]: has_turkish_ground}


def _retriever(base: Path, source: Path, embedder) -> Retriever:
    (base / "seeds").mkdir(parents=True)
    shutil.copy2(source, base / "seeds" / source.name)
    report = build_index(base / "seeds", base / "index", embedder)
    assert report.skipped == () and report.chunks >= 1, report
    return Retriever(embedder, base / "index")


@pytest.fixture(scope="module")
def as_text(tmp_path_factory, real_embedder) -> dict[str, tuple[bool, str]]:
    retriever = _retriever(tmp_path_factory.mktemp("txt"), SEED_FILE, real_embedder)
    return {q: (a.found, a.quote) for q in QUESTIONS for a in [answer(retriever, q)]}


@pytest.mark.parametrize("fixture", SEED_AS)
def test_the_seed_in_another_format_answers_as_the_text_does(fixture, as_text, tmp_path, real_embedder):
    """What the `.txt` answers, the copy answers with a right quote; what it refuses, the copy refuses or
    answers right (a copy may hold more around the article: a header, a table, a second story)."""
    retriever = _retriever(tmp_path, FIXTURES / fixture, real_embedder)
    answers = {q: answer(retriever, q) for q in QUESTIONS}
    answered = [q for q, (found, _) in as_text.items() if found]
    assert len(answered) >= 4, as_text  # the .txt answers all but at most one of them
    assert all(HOLDS[q](as_text[q][1]) for q in answered), as_text  # the .txt's quotes are right
    refused = {q: round(answers[q].confidence, 3) for q in answered if not answers[q].found}
    assert not refused, refused
    wrong = {q: a.quote for q, a in answers.items() if a.found and not HOLDS[q](a.quote)}
    assert not wrong, wrong
    arabic = answers[QUESTIONS[1]]
    cited = arabic.passages[arabic.citation - 1]
    assert cited.title or fixture.startswith("eml/") or fixture.endswith(".docx"), cited
