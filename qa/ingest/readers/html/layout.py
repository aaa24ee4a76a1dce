"""Layout tables turned into <div>s before trafilatura reads the page.

Job: old sites set the whole page, navigation and footer included, in one table, and
trafilatura takes a table for content whole. A table whose cells hold paragraphs,
divisions, tables, lists or forms, that has a single column (a box of links or comments)
or role="presentation" becomes <div>s (`unwrap_layout_tables`), so its menus, sidebars and
footer are judged as they are on any other page.

Not here: data tables (rows of text cells) stay tables, which `assembly` writes as rows.
"""
from __future__ import annotations



_LAYOUT_BLOCKS = frozenset(
    {"p", "div", "table", "ul", "ol", "dl", "form", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
     "article", "section", "aside", "nav", "header", "footer", "main", "iframe", "marquee"}
)
_TABLE_PARTS = frozenset({"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption"})


def unwrap_layout_tables(tree) -> None:
    """Layout tables become <div>s: cells holding paragraphs, divisions, tables, lists or
    forms, a single column (a box of links or comments), or role="presentation".

    Old sites set the whole page, navigation and footer included, in one table; trafilatura
    takes a table for content whole. As <div>s, its menus, sidebars and footer are judged as
    they are on any other page. Data tables (rows of text cells) stay tables.
    """
    layout = [table for table in tree.iter("table") if _is_layout_table(table)]
    # Every table's own parts are found before any tag changes: once a table is a <div>, its
    # rows' nearest table is the one around it, and they would stay rows outside any table.
    # A table inside a cell is a part of its own (a data table stays, a layout one is listed).
    parts = [
        element
        for table in layout
        for element in table.iter(*_TABLE_PARTS)
        if element is table or (element.tag != "table" and nearest_table(element) is table)
    ]
    for element in parts:
        element.tag = "div"


def _is_layout_table(table) -> bool:
    if (table.get("role") or "").strip().lower() in {"presentation", "none"}:
        return True
    widest = 0
    for row in table.iter("tr"):
        if nearest_table(row) is not table:
            continue
        cells = [cell for cell in row if isinstance(cell.tag, str) and cell.tag in {"td", "th"}]
        widest = max(widest, len(cells))
        for cell in cells:
            if any(isinstance(child.tag, str) and child.tag in _LAYOUT_BLOCKS for child in cell.iter() if child is not cell):
                return True
    # One column: a box of links or comments set as a table, not rows of data.
    return widest <= 1


def nearest_table(element):
    """The nearest <table> around `element`, or None."""
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent
