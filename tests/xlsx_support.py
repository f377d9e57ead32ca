"""Hand-made .xlsx files for reader tests: exact control over the XML (stray cells, cell types, damage)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

#: Style 0 General, 1 0%, 2 a date (yyyy-mm-dd).
STYLES = (f'<?xml version="1.0"?><styleSheet {_NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
          '</numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="9"/><xf numFmtId="164"/></cellXfs></styleSheet>')


def cell(ref: str, value: object = None, *, t: str = "", s: int = 0, f: str | None = None) -> str:
    """One ``<c>`` element: ``t="inlineStr"`` for text given as str without ``t``."""
    attrs = f' r="{ref}"' + (f' s="{s}"' if s else "")
    if isinstance(value, str) and not t:
        return f'<c{attrs} t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    inner = (f"<f>{escape(f)}</f>" if f is not None else "") + (f"<v>{escape(str(value))}</v>" if value is not None else "")
    return f'<c{attrs}{f" t={chr(34)}{t}{chr(34)}" if t else ""}>{inner}</c>'


def rows_xml(rows: dict[int, list[str]], extra: str = "") -> str:
    body = "".join(f'<row r="{n}">{"".join(cells)}</row>' for n, cells in sorted(rows.items()))
    return f'<?xml version="1.0"?><worksheet {_NS}><sheetData>{body}</sheetData>{extra}</worksheet>'


def table_rows(header: list[str], data: list[list[object]], start: int = 1) -> dict[int, list[str]]:
    """Rows of text and numbers from A1 (a str is inline text, an int/float a number)."""
    out: dict[int, list[str]] = {}
    for i, values in enumerate([header, *data]):
        n = start + i
        cells = []
        for j, v in enumerate(values):
            ref = f"{chr(65 + j)}{n}"
            if isinstance(v, str):
                cells.append(cell(ref, v) if v else "")
            elif v is not None:
                cells.append(cell(ref, v))
        out[n] = cells
    return out


def write_xlsx(path: Path, sheet_xml: str, *, shared: list[str] | None = None, styles: str = STYLES,
               sheet_name: str = "Sheet1") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        z.writestr("_rels/.rels", f'<?xml version="1.0"?><Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
                   f'Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {_NS} {_RNS}><sheets><sheet name="{sheet_name}" '
                   'sheetId="1" r:id="rId1"/></sheets></workbook>')
        rels = (f'<Relationship Id="rId1" Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
                f'<Relationship Id="rId2" Type="{_OFFICE}/styles" Target="styles.xml"/>'
                + (f'<Relationship Id="rId3" Type="{_OFFICE}/sharedStrings" Target="sharedStrings.xml"/>'
                   if shared is not None else ""))
        z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0"?><Relationships xmlns="{_PKG}">{rels}'
                   "</Relationships>")
        z.writestr("xl/styles.xml", styles)
        if shared is not None:
            items = "".join(f"<si><t>{escape(t)}</t></si>" for t in shared)
            z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0"?><sst {_NS}>{items}</sst>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path
