"""Lines in visual order (qa/ingest/readers/pdf/lines.py)."""
from __future__ import annotations

from qa.ingest.readers.pdf.glyphs import Glyph
from qa.ingest.readers.pdf.lines import SPACE_GAP, lines_of
from qa.ingest.readers.pdf.logical import _reorder


def test_a_kashida_left_out_of_the_font_map_stretches_a_word_without_breaking_it():
    """LibreOffice justifies Arabic with kashidas that its ToUnicode map leaves out: ink, no text."""
    def glyph(text: str, x0: float, x1: float, index: int, filler: bool = False):
        return Glyph(text=text, x0=x0, x1=x1, y=100.0, size=10.0, index=index, filler=filler)

    # "يا سلام" as drawn, left to right: meem, alef, lam, two kashidas, seen; a space; alef, yeh.
    glyphs = [glyph("م", 0, 5, 0), glyph("ا", 5, 8, 1), glyph("ل", 8, 12, 2), glyph("", 12, 14.5, 3, True),
              glyph("", 14.5, 17, 4, True), glyph("س", 17, 23, 5), glyph("ا", 27, 30, 6), glyph("ي", 30, 35, 7)]
    (line,) = lines_of(glyphs, SPACE_GAP)
    assert line.visual == "مالس اي"
    assert "".join(ch for ch, _ in _reorder(line.visual, rtl=True)) == "يا سلام"
