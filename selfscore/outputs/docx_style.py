"""Page, fonts and styles of the Word 自评报告: GB/T 9704-2012 (党政机关公文格式) in python-docx.

A4, margins 上 37 mm 下 35 mm 左 28 mm 右 26 mm; title 方正小标宋简体 二号, level-1 headings
黑体 三号, level-2 headings 楷体_GB2312 三号, body 仿宋_GB2312 三号 at a fixed 28-point line
spacing with a two-character first-line indent; page numbers “— 1 —” in 宋体 四号, odd pages
right and even pages left.  Fonts are set for East Asian text (``w:eastAsia``) as well as Latin,
and declared in the font table with the GB2312 character set and a Windows alternate.

python-docx is imported inside the functions, so this module loads without it.
"""

from __future__ import annotations

from typing import Any

from selfscore.core.errors import DependencyError

__all__ = ["FONT_BODY", "FONT_H1", "FONT_H2", "FONT_PAGE_NUMBER", "FONT_TITLE", "LINE", "SIZE_2", "SIZE_3", "SIZE_4",
           "SIZE_5", "SIZE_SMALL_2", "add_page_numbers", "add_run", "append_child", "declare_fonts", "define_styles",
           "first_line_indent", "fixed_spacing", "python_docx", "set_fonts", "set_page"]

FONT_TITLE = "方正小标宋简体"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_BODY = "仿宋_GB2312"
FONT_PAGE_NUMBER = "宋体"
# Fonts standard Windows has, named in the font table (w:altName) for a Word that lacks the GB2312 ones.
_FONT_ALTERNATES = {FONT_BODY: "仿宋", FONT_H2: "楷体", FONT_TITLE: "宋体"}

SIZE_2, SIZE_SMALL_2, SIZE_3, SIZE_4, SIZE_5 = 22.0, 18.0, 16.0, 14.0, 10.5  # 二号, 小二, 三号, 四号, 五号 (points)
LINE = 28.0  # fixed line spacing of the body, points (22 lines a page)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}


def python_docx() -> Any:
    try:
        import docx
    except ImportError:
        raise DependencyError('需要安装 python-docx：pip install "selfscore[docx]" '
                              "(python-docx is needed to write .docx)") from None
    return docx


# --- low-level formatting (python-docx objects are typed Any: the library is optional) ---------------------


def set_fonts(rpr: Any, name: str, size: float | None = None) -> None:
    """Set one font for Latin and East Asian text on an ``w:rPr``, dropping theme fonts that would win."""
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), name)
    if size is not None:
        from docx.shared import Pt

        rpr.get_or_add_sz().val = Pt(size)
        complex_size = rpr.find(qn("w:szCs"))
        if complex_size is not None:
            complex_size.set(qn("w:val"), str(round(size * 2)))


def append_child(parent: Any, tag: str) -> Any:
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    parent.append(el)
    return el


def add_run(paragraph: Any, text: str, font: str, size: float, *, bold: bool = False, placeholder: bool = False) -> Any:
    run = paragraph.add_run(text)
    set_fonts(run._r.get_or_add_rPr(), font, size)
    if bold:
        run.font.bold = True
    if placeholder:
        from docx.enum.text import WD_COLOR_INDEX

        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


def first_line_indent(paragraph_format: Any, chars: int, size: float) -> None:
    """Indent the first line by ``chars`` characters (w:firstLineChars, with the same length in points)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph_format.first_line_indent = Pt(chars * size)
    ind = paragraph_format.element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def fixed_spacing(paragraph_format: Any, line: float) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(line)
    paragraph_format.space_before = paragraph_format.space_after = Pt(0)


def define_styles(doc: Any) -> None:
    """Normal is the body text; Heading 1/2 are the 黑体/楷体 headings (so Word's navigation pane lists them)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr, FONT_BODY, SIZE_3)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), FONT_BODY, SIZE_3)
    fixed_spacing(normal.paragraph_format, LINE)
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    normal.paragraph_format.widow_control = False  # a fixed grid of 22 lines, as printed documents have
    for name, font in (("Heading 1", FONT_H1), ("Heading 2", FONT_H2)):
        style = doc.styles[name]
        set_fonts(style.element.get_or_add_rPr(), font, SIZE_3)
        style.font.bold = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
        fixed_spacing(style.paragraph_format, LINE)
        first_line_indent(style.paragraph_format, 2, SIZE_3)
        style.paragraph_format.keep_with_next = True
    cell = doc.styles.add_style("表格文字", 1)  # WD_STYLE_TYPE.PARAGRAPH
    cell.base_style = normal
    set_fonts(cell.element.get_or_add_rPr(), FONT_BODY, SIZE_5)
    cell.paragraph_format.line_spacing = 1.0
    cell.paragraph_format.space_before = cell.paragraph_format.space_after = Pt(1)
    cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT


def declare_fonts(doc: Any) -> None:
    """Declare the Chinese fonts (GB2312 character set) in word/fontTable.xml, with their alternates."""
    import importlib

    from docx.oxml.ns import qn

    etree: Any = importlib.import_module("lxml.etree")
    part = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name in (FONT_TITLE, FONT_H1, FONT_H2, FONT_BODY, FONT_PAGE_NUMBER):
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        if name in _FONT_ALTERNATES:
            etree.SubElement(font, qn("w:altName")).set(qn("w:val"), _FONT_ALTERNATES[name])
        for tag, value in (("w:charset", "86"), ("w:family", "modern"), ("w:pitch", "fixed")):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)  # a plain Part: its bytes


def set_page(section: Any, *, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    m = MARGINS_MM
    if landscape:
        # the portrait page turned a quarter: its binding edge (left) is now the top
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(m["left"]), Mm(m["right"])
        section.left_margin, section.right_margin = Mm(m["top"]), Mm(m["bottom"])
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(m["top"]), Mm(m["bottom"])
        section.left_margin, section.right_margin = Mm(m["left"]), Mm(m["right"])
    section.header_distance = Mm(15)
    section.footer_distance = section.bottom_margin - Mm(12)  # “— 1 —” (四号, about 5 mm) 7 mm below the text


def _page_number_field(paragraph: Any) -> None:
    """“— N —” with a PAGE field, in 宋体 四号."""
    from docx.oxml.ns import qn

    add_run(paragraph, "— ", FONT_PAGE_NUMBER, SIZE_4)
    for kind in ("begin", "instr", "separate", "shown", "end"):
        run = add_run(paragraph, "1" if kind == "shown" else "", FONT_PAGE_NUMBER, SIZE_4)
        if kind == "instr":
            instr = append_child(run._r, "w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
        elif kind != "shown":
            append_child(run._r, "w:fldChar").set(qn("w:fldCharType"), kind)
    add_run(paragraph, " —", FONT_PAGE_NUMBER, SIZE_4)


def add_page_numbers(doc: Any) -> None:
    """Odd pages right, even pages left, one character in from the edge of the text (GB/T 9704 7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = doc.styles["Normal"]
        paragraph.paragraph_format.alignment = align
        paragraph.paragraph_format.line_spacing = 1.0
        paragraph.paragraph_format.first_line_indent = Pt(0)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(SIZE_4)
        else:
            paragraph.paragraph_format.left_indent = Pt(SIZE_4)
        _page_number_field(paragraph)
