import doctest
import gzip

import pytest

from qa.search import translation
from qa.text import dictd
from qa.text.terms import terms
from qa.search.translation import Dictionary, english_words


def _b64(n: int) -> str:
    digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    out = ""
    while True:
        out = digits[n % 64] + out
        n //= 64
        if not n:
            return out


def _write_dictd(folder, entries):
    """A dictd pair (index + gzip data) in the layout of Debian's freedict packages."""
    data, lines = b"", []
    for headword, body in entries:
        text = f"{headword} /pron/\n{body}\n".encode()
        lines.append(f"{headword}\t{_b64(len(data))}\t{_b64(len(text))}")
        data += text
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "freedict-eng-ara.index").write_text("00databaseshort\tA\tB\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with gzip.open(folder / "freedict-eng-ara.dict.dz", "wb") as fh:
        fh.write(data)


@pytest.fixture
def fresh(monkeypatch):
    """No dictionary loaded yet, and no other place to find one than the test's."""
    monkeypatch.setattr(translation, "_loaded", {})
    translation.translations.cache_clear()
    yield
    translation.translations.cache_clear()


def test_english_words_keep_content_words_only():
    assert english_words("Who proposed a ground operation in 2015?") == ["proposed", "ground", "operation"]
    assert english_words("من اقترح عملية برية؟") == []


def test_a_synthetic_dictionary_translates_base_forms_to_arabic_terms(tmp_path):
    _write_dictd(tmp_path, [("Tower", "البرج"), ("tower", "الصرح"), ("propose", "اقترح"), ("city", "المدينة")])
    book = Dictionary(tmp_path / "freedict-eng-ara.index", tmp_path / "freedict-eng-ara.dict.dz")
    assert len(book) == 3  # headwords are case-folded; the first entry of one wins
    assert book.translate("towers") == frozenset(terms("البرج"))
    assert book.translate("proposed") == frozenset(terms("اقترح"))
    assert book.translate("cities") == frozenset(terms("المدينة"))
    assert book.translate("chocolate") == frozenset()


def test_malformed_index_lines_are_skipped_and_the_rest_read(tmp_path):
    _write_dictd(tmp_path, [("tower", "البرج"), ("city", "المدينة")])
    index = tmp_path / "freedict-eng-ara.index"
    index.write_text(index.read_text(encoding="utf-8") + "broken\t!!\tB\nno tabs at all\n", encoding="utf-8")
    book = Dictionary(index, tmp_path / "freedict-eng-ara.dict.dz")
    assert len(book) == 2 and book.translate("cities") == frozenset(terms("المدينة"))
    assert book.translate("broken") == frozenset()


def test_the_dictionary_is_found_through_the_environment_and_missing_is_not_an_error(tmp_path, monkeypatch, fresh):
    monkeypatch.setattr(dictd, "dictionary_dirs", lambda: [tmp_path / "nowhere"])
    with pytest.warns(UserWarning, match="make dictionary"):
        assert translation.dictionary() is None
    assert translation.translations("When was the tower built?") == ()
    _write_dictd(tmp_path / "dict", [("tower", "البرج")])
    monkeypatch.undo()  # back to the real search path, led by QA_DICTIONARY_DIR
    monkeypatch.setattr(translation, "_loaded", {})
    translation.translations.cache_clear()
    monkeypatch.setenv("QA_DICTIONARY_DIR", str(tmp_path / "dict"))
    assert dictd.dictionary_dirs()[0] == tmp_path / "dict"
    assert translation.translations("When was the tower built?") == (frozenset(terms("البرج")), frozenset())


def test_a_broken_dictionary_is_skipped_with_a_warning(tmp_path, monkeypatch, fresh):
    (tmp_path / "freedict-eng-ara.index").write_text("tower\t!!\tB\n", encoding="utf-8")
    (tmp_path / "freedict-eng-ara.dict.dz").write_bytes(b"not gzip")
    monkeypatch.setattr(dictd, "dictionary_dirs", lambda: [tmp_path])
    with pytest.warns(UserWarning) as caught:
        assert translation.dictionary() is None
    messages = [str(w.message) for w in caught]
    assert "cannot read the dictionary" in messages[0] and "make dictionary" in messages[-1]


def test_make_installs_the_real_dictionary(fresh):
    """`make setup` unpacks Debian's dict-freedict-eng-ara into the venv: the real data, looked up."""
    book = translation.dictionary()
    assert book is not None, "run `make dictionary` (Debian's dict-freedict-eng-ara)"
    assert len(book) > 80_000
    assert "برج" in book.translate("tower")
    assert any(t.startswith("عمل") for t in book.translate("operations"))


def test_doctests():
    assert doctest.testmod(translation).failed == 0
