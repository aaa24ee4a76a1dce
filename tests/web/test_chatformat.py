"""Chat rendering: escaping, per-paragraph direction, highlights, citations that match their sources."""
from __future__ import annotations

import dataclasses
import doctest

import pytest
import html
import re

import qa.web.chatformat
from qa.answers.answering import Answer
from qa.web.chatformat import (answer_html, answer_messages, change_summary, document_rows, highlight, literal, para,
                           searching_message, sources_html, status_line, user_message, when)
from qa.web.library import IndexedDocument, Rejected, Status
from qa.search.results import Passage

ARABIC = "وكانت تركيا دعت الثلاثاء الي تدخل عسكري بري في سوريا."
P1 = Passage("Intro sentence. " + ARABIC + " <b>tail</b>", "news/a&b.txt", 100, 100 + 16 + len(ARABIC) + 12, 1.5, "c1")
P2 = Passage("Another passage.", "b.txt", 0, 16, 1.2, "c2")


def found(language: str = "ar") -> Answer:
    start = P1.start + 16
    return Answer(f"{ARABIC} [1]", ARABIC, True, (P1, P2), P1.source, start, start + len(ARABIC), 1, 2.0, language)


def test_doctests():
    assert doctest.testmod(qa.web.chatformat).failed == 0


def test_document_markup_becomes_text_on_one_line_for_the_markdown_renderer():
    """Before, a passage kept its raw blank lines: the chat's Markdown then drew a document's image,
    table and link (the browser fetched the image). Now no newline and no Markdown character is raw."""
    text = "# Title\n\n![x](http://127.0.0.2/p.png) <script>x</script>\n\n| a | b |\n|---|---|\n*$5* `c` ~d~ [e](f)"
    passage = Passage(text, "t.md", 0, len(text), 0.5, "c")
    rendered = highlight(passage, text.index("!"), text.index("<script>"))
    assert "\n" not in rendered and "\r" not in rendered
    assert not any(c in re.sub(r"</?mark>|<br>|&#?\w+;", "", rendered) for c in "#![]()<>|*$`~:\\")
    assert html.unescape(rendered.replace("<br>", "\n").replace("<mark>", "").replace("</mark>", "")) == text
    assert rendered.count("<mark>") == 1 and literal("a\r\nb\rc") == "a<br>b<br>c"


def test_para_escapes_and_splits_paragraphs_each_with_its_own_direction():
    assert para("<img src=x onerror=alert(1)>") == ('<p dir="auto">&lt;img src=x onerror=alert&#40;1&#41;&gt;'
                                                   '</p>')
    assert para("a\nb\n\n\nc", "k") == '<p dir="auto" class="k">a<br>b</p><p dir="auto" class="k">c</p>'
    assert user_message("<b>hi</b>") == {"role": "user", "content": '<p dir="auto" class="qa-user">&lt;b&gt;hi&lt;/b&gt;</p>'}


def test_highlight_marks_document_offsets_inside_the_passage():
    text = highlight(P1, P1.start + 16, P1.start + 16 + len(ARABIC))
    assert text == f"Intro sentence. <mark>{ARABIC}</mark> &lt;b&gt;tail&lt;/b&gt;"
    assert highlight(P1, -1, -1) == "Intro sentence. " + ARABIC + " &lt;b&gt;tail&lt;/b&gt;"
    assert highlight(P1, P1.start - 5, P1.start + 5).startswith("<mark>Intro</mark> sentence.")  # clipped
    assert highlight(P1, 0, 5) == highlight(P1, -1, -1)  # a span before the passage marks nothing


def test_answer_cites_a_source_entry_with_file_position_and_score():
    ans = found("ar")
    main, sources = answer_messages(ans)
    # How sure first (confidence 2.0 in this fake answer: "sure"), then the quote.
    assert main["content"].startswith('<p dir="auto" class="qa-label qa-sure">الإجابة</p>'
                                      '<blockquote dir="auto" class="qa-quote">' + ARABIC)
    assert '<span class="qa-cite">[1]</span>' in main["content"]
    assert "المصدر: <code><bdi>a&amp;b.txt</bdi></code>" in main["content"]
    # The main message gives the quote's own position in the file, not the whole passage's.
    assert f'</code>، الأحرف <bdi dir="ltr">{ans.quote_start}–{ans.quote_end}</bdi>' in main["content"]  # Arabic comma
    assert sources["metadata"] == {"title": "المصادر (2)", "status": "done"}
    first, second = sources["content"].split('<div class="qa-passage')[1:]
    assert first.startswith(' qa-cited" title="الدرجة 1.500">') and "[1] <code><bdi>news/a&amp;b.txt</bdi></code>" in first
    assert f"<mark>{ARABIC}</mark>" in first and "&lt;b&gt;tail" in first
    assert "[2] <code><bdi>b.txt</bdi></code>" in second and "<mark>" not in second


def test_english_labels_and_not_found():
    assert "Source: <code><bdi>a&amp;b.txt</bdi></code>, chars" in answer_html(found("en"))
    nothing = Answer("I could not find <it>.", "", False, (P2,), language="en")
    main, sources = answer_messages(nothing)
    assert main["content"] == ('<p dir="auto" class="qa-label qa-none">Not found</p>'
                               '<p dir="auto" class="qa-notfound">I could not find &lt;it&gt;.</p>')
    assert sources["metadata"]["title"] == "Sources (1)" and "<mark>" not in sources_html(nothing)
    assert answer_messages(Answer("none", "", False, ())) == [
        {"role": "assistant", "content": '<p dir="auto" class="qa-label qa-none">Not found</p>'
                                         '<p dir="auto" class="qa-notfound">none</p>'}]


@pytest.mark.parametrize("found, confidence, label", [(True, 0.93, "Answer"),
                                                      (True, 0.12, "Possible answer — check the source"),
                                                      (False, 0.4, "Not found")])
def test_every_answer_says_how_sure_it_is_in_words(found, confidence, label):
    """Before, a wrong answer looked exactly like a right one: only a raw score, hidden in the sources."""
    ans = Answer("x", "quote" if found else "", found, (P2,), P2.source, 0, 5, 1 if found else 0, confidence, "en")
    assert f">{label}</p>" in answer_html(ans)
    assert "0.12" not in answer_html(ans) and "0.93" not in answer_html(ans)  # words, not numbers
    french = Answer("x", "quote", True, (P2,), P2.source, 0, 5, 1, 0.12, "fr")
    assert ">Réponse possible — vérifiez la source</p>" in answer_html(french)


def test_searching_speaks_the_question_language():
    assert "searching…" in searching_message("Who?")["content"]
    assert "جارٍ البحث…" in searching_message("من؟")["content"]


def test_status_line_documents_and_summaries():
    assert when("2024-05-01T12:03:09+00:00") == "2024-05-01 12:03 UTC"
    assert when("not a date") == "not a date"
    line = status_line(Status("multilingual-e5-small", 3, 12, "2024-05-01T12:03:09+00:00", 4))
    assert "multilingual-e5-small" in line and "3 documents · 12 chunks · built 2024-05-01 12:03 UTC" in line
    assert "1 document ·" in status_line(Status("m", 1, 2, "x", 1))
    assert "No index yet" in status_line(None)
    docs = (IndexedDocument("تقرير.txt", 3, "2024-05-01T12:03:09+00:00", 10),)
    assert document_rows(docs) == [["تقرير.txt", "", "text", "", 3, "2024-05-01 12:03 UTC"]]
    summary = change_summary(["a.txt"], [Rejected("<x>.pdf", "not a .txt or .md file")], note="Index updated.")
    assert summary == ('<p dir="auto">Added a.txt.</p><p dir="auto">Skipped &lt;x&gt;.pdf&#58; not a .txt or .md file.</p>'
                       '<p dir="auto">Index updated.</p>')
    assert change_summary(removed="a.txt") == '<p dir="auto">Removed a.txt.</p>'


def _generated(**fields) -> Answer:
    from qa.answers.generation import Generated

    return dataclasses.replace(found("en"), generated=Generated(**{"model": "gemma<1>", **fields}))


def test_a_draft_is_marked_as_being_written_above_the_quote():
    shown = answer_html(_generated(text="Turkey <b>called [1]."))
    assert "gemma&lt;1&gt; is writing an answer" in shown and 'class="qa-draft">Turkey &lt;b&gt;called' in shown
    assert shown.index("qa-draft") < shown.index("qa-quote") and "qa-generated" not in shown


def test_a_checked_answer_leads_with_the_quote_and_its_translation_below():
    shown = answer_html(_generated(text="Turkey called for it [1].", final=True, grounded=True, citations=(1,),
                                   translation="Turkey had called on Tuesday for a ground intervention in Syria."))
    assert re.search(r'class="qa-answer-text">Turkey called for it &#91;1&#93;\.</p>', shown)
    assert "Written by gemma&lt;1&gt; from the cited passages" in shown
    assert shown.index("qa-generated") < shown.index("qa-quote") < shown.index("qa-translation")
    assert "Translation by gemma&lt;1&gt;" in shown and "qa-llm-note" not in shown


@pytest.mark.parametrize("failed, lead", [(True, "gemma<1> did not answer (timed out)"),
                                          (False, "The answer gemma<1> wrote was not shown (timed out)")])
def test_when_the_model_fails_or_fails_the_check_the_quote_stands_with_one_line(failed, lead):
    shown = answer_html(_generated(text="Egypt [1].", final=True, failed=failed, note="timed out"))
    assert lead in html.unescape(shown) and "qa-generated" not in shown and "Egypt" not in shown
    assert "qa-quote" in shown and shown.count('class="qa-llm-note"') == 1


def test_the_note_is_in_the_questions_language():
    from qa.answers.generation import Generated

    ans = dataclasses.replace(found("ar"), generated=Generated("x", "m", final=True, failed=True, note="HTTP 500"))
    assert "لم يُجب m (HTTP 500)" in html.unescape(answer_html(ans))
    unknown = dataclasses.replace(ans, generated=Generated("", "", final=True, failed=True, note="connection error"))
    assert "لم يُجب النموذج اللغوي (connection error)" in html.unescape(answer_html(unknown))


def test_glosses_sit_under_the_quote_each_beside_its_word_and_spelled_ones_marked():
    from qa.answers.glosses import Gloss

    ans = dataclasses.replace(found("en"), glosses=(Gloss("تركيا", "Turkey"), Gloss("دعت", "d't", True)))
    shown = answer_html(ans)
    assert shown.index("qa-quote") < shown.index("qa-glosses") < shown.index("qa-source")
    assert '<span class="qa-gloss"><bdi dir="rtl">تركيا</bdi> Turkey</span>' in shown
    assert 'class="qa-gloss qa-spelled" title="not in the dictionary: spelled in Latin letters"' in shown
    assert "Word glosses from a dictionary, not a translation" in shown
    assert "qa-glosses" not in answer_html(found("en"))  # none without glosses
