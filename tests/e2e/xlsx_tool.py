#!/usr/bin/python3
# What test_xlsx.c needs done to a spreadsheet the way a clerk's program
# would do it, with openpyxl (Debian's python3-openpyxl; run it with
# /usr/bin/python3, not a pyenv python without it):
#   xlsx_tool.py fill IN OUT SPEC   fills the template's rows: SPEC is JSON,
#       {"TASK_ID": {"HEADER": value or {"value": v, "format": "0%"}}},
#       rows found by the hidden "Mã nhiệm vụ", columns by header name
#   xlsx_tool.py insert IN OUT      inserts a numbering column "STT" before
#       the first, as a clerk might: every template column moves right
#   xlsx_tool.py inspect FILE       prints what the template looks like (JSON)
#   xlsx_tool.py bad KIND OUT       writes a hostile or broken .xlsx:
#       noworkbook, dtd, bomb (a sheet inflating past the reader's cap),
#       lying (the same with sizes in the zip headers that say 1000 bytes)
import io
import json
import struct
import sys
import zipfile

TASK = "Mã nhiệm vụ"


def headers(ws):
    return {cell.value: cell.column for cell in ws[1] if cell.value}


def fill(src, dst, spec):
    import openpyxl
    wb = openpyxl.load_workbook(src)
    ws = wb["Báo cáo"]
    cols = headers(ws)
    for row in range(2, ws.max_row + 1):
        task = ws.cell(row=row, column=cols[TASK]).value
        values = spec.get(str(task))
        if values is None:
            continue
        for header, value in values.items():
            cell = ws.cell(row=row, column=cols[header])
            if isinstance(value, dict):
                cell.value = value["value"]
                cell.number_format = value["format"]
            else:
                cell.value = value
    wb.save(dst)


def insert(src, dst):
    import openpyxl
    wb = openpyxl.load_workbook(src)
    ws = wb["Báo cáo"]
    ws.insert_cols(1)
    ws.cell(row=1, column=1).value = "STT"
    for row in range(2, ws.max_row + 1):
        ws.cell(row=row, column=1).value = row - 1
    wb.save(dst)


def inspect(path):
    import openpyxl
    wb = openpyxl.load_workbook(path)
    ws = wb["Báo cáo"]
    cols = headers(ws)
    letters = {name: openpyxl.utils.get_column_letter(c) for name, c in cols.items()}
    out = {
        "sheets": wb.sheetnames,
        "headers": [c.value for c in ws[1]],
        "hidden": {name: bool(ws.column_dimensions[l].hidden) for name, l in letters.items()},
        "width": {name: ws.column_dimensions[l].width for name, l in letters.items()},
        "locked": {name: bool(ws.cell(row=2, column=c).protection.locked)
                   for name, c in cols.items()},
        "wrap": {name: bool(ws.cell(row=2, column=c).alignment.wrap_text)
                 for name, c in cols.items()},
        "protected": bool(ws.protection.sheet),
        "freeze": ws.freeze_panes,
        "validations": [{"type": v.type, "formula1": v.formula1, "formula2": v.formula2,
                         "sqref": str(v.sqref), "prompt": v.prompt, "error": v.error}
                        for v in ws.data_validations.dataValidation],
        "rows": [[c.value for c in r] for r in ws.iter_rows(min_row=2)],
        "help": "\n".join(str(c.value) for r in wb["Hướng dẫn"].iter_rows() for c in r
                          if c.value),
    }
    print(json.dumps(out, ensure_ascii=False, default=str))


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                 'openxmlformats.org/package/2006/content-types"/>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Báo cáo"'
            ' sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                 'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                 'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join('<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % (i - 1 if i > 1 else "")) * 10)
                    for i in range(1, 10))
          + ']><workbook><sheets><sheet name="&lol9;" r:id="rId1"/></sheets></workbook>')


def bad(kind, dst):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        if kind == "noworkbook":
            z.writestr("hello.txt", "xin chào")
        else:
            z.writestr("_rels/.rels", RELS)
            z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
            z.writestr("xl/workbook.xml", LAUGHS if kind == "dtd" else WORKBOOK)
        if kind in ("bomb", "lying"):
            with z.open("xl/worksheets/sheet1.xml", "w") as f:
                f.write(b"<worksheet><sheetData>")
                chunk = b" " * (1 << 20)
                for _ in range(100):  # 100 MiB of blanks, about 100 KiB deflated
                    f.write(chunk)
                f.write(b"</sheetData></worksheet>")
    data = bytearray(buf.getvalue())
    if kind == "lying":  # the sheet's uncompressed size, as both headers give it
        name = b"xl/worksheets/sheet1.xml"
        at = 0
        while (at := data.find(b"PK\x03\x04", at)) >= 0:
            if data[at + 30:at + 30 + len(name)] == name:
                struct.pack_into("<I", data, at + 22, 1000)
            at += 4
        at = 0
        while (at := data.find(b"PK\x01\x02", at)) >= 0:
            if data[at + 46:at + 46 + len(name)] == name:
                struct.pack_into("<I", data, at + 24, 1000)
            at += 4
    with open(dst, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    if sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))
    elif sys.argv[1] == "insert":
        insert(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "inspect":
        inspect(sys.argv[2])
    elif sys.argv[1] == "bad":
        bad(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: xlsx_tool.py fill|insert|inspect|bad …")
