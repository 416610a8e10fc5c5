#!/usr/bin/env python3
"""Extract Plan 121/KH-UBND (Can Tho, 2023) from the seed text into SQL.

Developer helper only: the project never runs this at build or test time.
It reads ../shared/seeds/000_c48acc517a7429e1.txt (path overridable with
--seed) and writes sql/0003_plan_data.sql.  Every Vietnamese string
that lands in the SQL is cut out of the seed by this script; nothing is
retyped by hand.  What IS hand-written here is the structure the seed does
not spell out in machine-readable form: which printed name is which org
unit, how an implementer cell splits into units and unit classes, which
items of a task each of several lead agencies covers (Annex III VI.3), and
the quantified targets.  Each of those hand-written pieces is checked
against the seed text before it is used (substring/ordering assertions), so
a wrong guess fails loudly instead of producing wrong data.

Transformations applied to the seed (documented in docs/plan-data.md):
  T1  HTML markup <b> </b> <i> </i> <p> </p> is removed, nothing else; the
      text between tags (including the single space printed between
      "</p> <p>") is kept byte for byte.
  T2  A cell split by a page break is joined: previous part + one space +
      continuation part (joined before T1, so "phương</p>" + "<p>tiện"
      becomes "phương tiện").
  T3  Decimal commas become decimal points for numeric columns only.
  T4  A cell holding code and name together ("<b>II Công khai, ...</b>")
      is split at the first space into printed code and name; the Annex III
      V cell listing three sub-criteria ("<p>1. Dịch vụ ...</p> <p>2. ...")
      is split into three criteria with printed codes "1", "2", "3".
  T5  Lettered items a), b) ... are cut out of the task text (which keeps
      them): the item text is what follows "x) " up to the space before the
      next marker.
No other change: double spaces, typos, and lowercase/uppercase variants
are kept as printed.

Usage: python3 scripts/dev/plan_extract.py [--seed PATH] [--out PATH]
"""
import argparse
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
DEFAULT_SEED = os.path.normpath(os.path.join(
    ROOT, '..', 'shared', 'seeds', '000_c48acc517a7429e1.txt'))
DEFAULT_OUT = os.path.join(ROOT, 'sql', '0003_plan_data.sql')

TAG = re.compile(r'</?(?:b|i|p)>')
PLAN = '121/KH-UBND'
VI_LETTERS = ['a', 'b', 'c', 'd', 'đ', 'e', 'g', 'h', 'i', 'k', 'l', 'm', 'n']


def die(msg):
    sys.exit('plan_extract: ' + msg)


def check(cond, msg):
    if not cond:
        die(msg)


def clean(raw):
    """T1: strip the markup tags and nothing else."""
    out = TAG.sub('', raw)
    check('<' not in out and '>' not in out, 'unexpected markup in %r' % raw)
    return out


def num(printed):
    """T3: '3,2047' -> '3.2047' (kept as a string, exact)."""
    check(re.fullmatch(r'\d+(,\d+)?', printed) is not None,
          'not a number: %r' % printed)
    return printed.replace(',', '.')


# ---------------------------------------------------------------------------
# Seed reading
# ---------------------------------------------------------------------------

class Seed:
    def __init__(self, path):
        with open(path, 'rb') as f:
            data = f.read()
        self.text = data.decode('utf-8')
        self.nfc = unicodedata.is_normalized('NFC', self.text)
        self.lines = self.text.split('\n')
        self.clean_text = clean(self.text)

    def fields(self, lineno):
        return self.lines[lineno - 1].split('\t')

    def table_rows(self, first, last, width):
        """Yield (lineno, fields) for table rows from the first header row on,
        skipping repeated headers and blank lines."""
        started = False
        for n in range(first, last + 1):
            line = self.lines[n - 1]
            if line.startswith('STT\t'):
                started = True
                continue
            if line == '' or not started:
                continue
            f = line.split('\t')
            check(len(f) == width, 'line %d: %d fields, want %d' % (n, len(f), width))
            yield n, f


def find_line(seed, pred, what):
    hits = [i + 1 for i, l in enumerate(seed.lines) if pred(l)]
    check(len(hits) == 1, 'expected one line for %s, found %r' % (what, hits))
    return hits[0]


# ---------------------------------------------------------------------------
# Org units, aliases, unit classes (hand-written, verified against the seed)
# ---------------------------------------------------------------------------

# code, name, kind, category, parent, note
UNITS = [
    ('UBND-TP', 'Ủy ban nhân dân thành phố Cần Thơ', 'city', None, None, 'Ban hành Kế hoạch 121/KH-UBND.'),
    ('VP-UBND', 'Văn phòng Ủy ban nhân dân thành phố', 'department', None, 'UBND-TP', None),
    ('SNV', 'Sở Nội vụ', 'department', None, 'UBND-TP', 'Theo dõi, tổng hợp việc thực hiện Kế hoạch (mục IV.3).'),
    ('STP', 'Sở Tư pháp', 'department', None, 'UBND-TP', None),
    ('STC', 'Sở Tài chính', 'department', None, 'UBND-TP', None),
    ('STTTT', 'Sở Thông tin và Truyền thông', 'department', None, 'UBND-TP', None),
    ('SKHDT', 'Sở Kế hoạch và Đầu tư', 'department', None, 'UBND-TP', None),
    ('SLDTBXH', 'Sở Lao động, Thương binh và Xã hội', 'department', None, 'UBND-TP', None),
    ('STNMT', 'Sở Tài nguyên và Môi trường', 'department', None, 'UBND-TP', None),
    ('SYT', 'Sở Y tế', 'department', None, 'UBND-TP', None),
    ('SGDDT', 'Sở Giáo dục và Đào tạo', 'department', None, 'UBND-TP', None),
    ('SCT', 'Sở Công Thương', 'department', None, 'UBND-TP', None),
    ('SGTVT', 'Sở Giao thông vận tải', 'department', None, 'UBND-TP', None),
    ('SNNPTNT', 'Sở Nông nghiệp và Phát triển nông thôn', 'department', None, 'UBND-TP', None),
    ('SVHTTDL', 'Sở Văn hóa, Thể thao và Du lịch', 'department', None, 'UBND-TP', 'Chỉ được nêu ở mục IV.5 của Kế hoạch.'),
    ('TTTP', 'Thanh tra thành phố', 'department', None, 'UBND-TP', None),
    ('BQL-KCXCN', 'Ban Quản lý các khu chế xuất và công nghiệp Cần Thơ', 'other', 'agency', 'UBND-TP', None),
    ('DAI-PTTH', 'Đài Phát thanh và Truyền hình thành phố', 'other', 'public_service_unit', 'UBND-TP', None),
    ('CONG-TTDT', 'Cổng thông tin điện tử thành phố', 'other', 'portal', None, 'Cơ quan chủ trì tiêu chí 7.3.2 (Phụ lục I).'),
    ('TTR-SYT', 'Thanh tra Sở Y tế', 'other', 'inspectorate', 'SYT', None),
    ('TTR-SGDDT', 'Thanh tra Sở Giáo dục và Đào tạo', 'other', 'inspectorate', 'SGDDT', None),
    ('CA-TP', 'Công an thành phố', 'other', 'vertical_agency', None, None),
    ('BHXH-TP', 'Bảo hiểm xã hội thành phố', 'other', 'vertical_agency', None, None),
    ('BUUDIEN-TP', 'Bưu điện thành phố Cần Thơ', 'other', 'enterprise', None, 'Thực hiện điều tra xã hội học SIPAS (mục IV.7).'),
    ('BAO-CT', 'Báo Cần Thơ', 'other', 'press', None, None),
    ('UBMTTQ-TP', 'Ủy ban Mặt trận Tổ quốc Việt Nam thành phố', 'other', 'mass_org', None, None),
    ('HCCB-TP', 'Hội Cựu chiến binh thành phố', 'other', 'mass_org', None, None),
    ('THANHUY', 'Thành ủy Cần Thơ', 'other', 'party', None, 'Nơi nhận: TT TU (Thường trực Thành ủy).'),
    ('HDND-TP', 'Hội đồng nhân dân thành phố', 'other', 'council', None, 'Nơi nhận: TT HĐND TP (Thường trực HĐND thành phố).'),
    ('Q-NINHKIEU', 'Quận Ninh Kiều', 'district', None, 'UBND-TP', None),
    ('Q-BINHTHUY', 'Quận Bình Thủy', 'district', None, 'UBND-TP', None),
    ('Q-CAIRANG', 'Quận Cái Răng', 'district', None, 'UBND-TP', None),
    ('Q-OMON', 'Quận Ô Môn', 'district', None, 'UBND-TP', None),
    ('Q-THOTNOT', 'Quận Thốt Nốt', 'district', None, 'UBND-TP', None),
    ('H-PHONGDIEN', 'Huyện Phong Điền', 'district', None, 'UBND-TP', None),
    ('H-CODO', 'Huyện Cờ Đỏ', 'district', None, 'UBND-TP', None),
    ('H-THOILAI', 'Huyện Thới Lai', 'district', None, 'UBND-TP', None),
    ('H-VINHTHANH', 'Huyện Vĩnh Thạnh', 'district', None, 'UBND-TP', None),
    ('BNV', 'Bộ Nội vụ', 'other', 'external', None, 'Cơ quan trung ương; hướng dẫn điều tra SIPAS, nơi nhận Kế hoạch.'),
    ('BCD-CCHC-CP', 'Ban Chỉ đạo Cải cách hành chính của Chính phủ', 'other', 'external', None, 'Công bố PAR-INDEX và SIPAS.'),
    ('UNDP', 'Chương trình Phát triển Liên hợp quốc', 'other', 'external', None, 'Công bố PAPI.'),
]
DISTRICTS_NOT_IN_SEED = {'Q-NINHKIEU', 'Q-BINHTHUY', 'Q-CAIRANG', 'Q-OMON', 'Q-THOTNOT',
                         'H-PHONGDIEN', 'H-CODO', 'H-THOILAI', 'H-VINHTHANH'}

# Every printed variant of a unit's name (each must occur in the seed).
UNIT_ALIASES = {
    'UBND-TP': ['Ủy ban nhân dân thành phố', 'UBND thành phố', 'UBND TP'],
    'VP-UBND': ['Văn phòng UBND TP', 'Văn phòng UBND thành phố', 'VP UBND TP'],
    'SNV': ['Sở Nội vụ'],
    'STP': ['Sở Tư pháp'],
    'STC': ['Sở Tài chính'],
    'STTTT': ['Sở Thông tin và Truyền thông', 'Sở Thông tin và Truyền thông (Sở TTTT)',
              'Sở thông tin và Truyền thông', 'Sở TTTT'],
    'SKHDT': ['Sở Kế hoạch và Đầu tư'],
    'SLDTBXH': ['Sở Lao động, Thương binh và Xã hội'],
    'STNMT': ['Sở Tài nguyên và Môi trường'],
    'SYT': ['Sở Y tế'],
    'SGDDT': ['Sở Giáo dục và Đào tạo'],
    'SCT': ['Sở Công Thương'],
    'SGTVT': ['Sở Giao thông vận tải'],
    'SNNPTNT': ['Sở Nông nghiệp và Phát triển nông thôn'],
    'SVHTTDL': ['Sở Văn hóa, Thể thao và Du lịch'],
    'TTTP': ['Thanh tra thành phố'],
    'BQL-KCXCN': ['Ban Quản lý các khu chế xuất và công nghiệp Cần Thơ', 'BQL KCX&CN Cần Thơ'],
    'DAI-PTTH': ['Đài Phát thanh và Truyền hình thành phố', 'Đài PTTH TPCT'],
    'CONG-TTDT': ['Cổng TTĐT TP', 'Công TTĐT TP', 'Cổng TTĐT thành phố',
                  'Cổng thông tin điện tử thành phố'],
    'TTR-SYT': ['Thanh tra Sở Y tế'],
    'TTR-SGDDT': ['Thanh tra Sở Giáo dục và Đào tạo'],
    'CA-TP': ['Công an thành phố'],
    'BHXH-TP': ['Bảo hiểm xã hội thành phố'],
    'BUUDIEN-TP': ['Bưu điện thành phố', 'Bưu điện TP Cần Thơ'],
    'BAO-CT': ['Báo Cần Thơ'],
    'UBMTTQ-TP': ['Ủy ban Mặt trận Tổ quốc Việt Nam thành phố', 'UBMTTQVN TP',
                  'Mặt trận Tổ quốc thành phố'],
    'HCCB-TP': ['Hội Cựu chiến binh thành phố'],
    'THANHUY': ['Thành ủy', 'TT TU'],
    'HDND-TP': ['HĐND thành phố', 'TT HĐND TP'],
    'BNV': ['Bộ Nội vụ'],
    'BCD-CCHC-CP': ['Ban Chỉ đạo Cải cách hành chính của Chính phủ'],
    'UNDP': ['Chương trình Phát triển Liên hợp quốc'],
}

# code, name, body, condition, note
CLASSES = [
    ('CQCM-TP', 'Cơ quan chuyên môn thuộc UBND thành phố', 'UBND', None, None),
    ('SBN-TP', 'Sở, ban, ngành thành phố', None, None,
     'Các cơ quan chuyên môn cộng với các ban thuộc UBND thành phố (BQL KCX&CN). "Sở, ngành TP" được coi là cách viết khác của lớp này.'),
    ('SN-QPPL', 'Sở, ngành thành phố tham mưu ban hành văn bản QPPL', None,
     'Chỉ các sở, ngành có tham mưu ban hành văn bản QPPL', None),
    ('CQHC-TP', 'Cơ quan hành chính cấp thành phố', None, None, None),
    ('SNCL-TP', 'Đơn vị sự nghiệp công lập thuộc thành phố', None, None, None),
    ('DV-THUOC-UBND', 'Các sở, ngành, đơn vị thuộc UBND thành phố', None, None, None),
    ('UBND-HUYEN', 'UBND cấp huyện', 'UBND', None, None),
    ('UBND-XA', 'UBND cấp xã', 'UBND', None, 'Các xã, phường, thị trấn được nhập sau từ tệp CSV.'),
    ('HDND-HUYEN', 'HĐND cấp huyện', 'HĐND', None,
     'Hội đồng nhân dân; mở rộng về đơn vị cấp huyện (đơn vị hành chính), không phải UBND.'),
    ('HDND-XA', 'HĐND cấp xã', 'HĐND', None,
     'Hội đồng nhân dân; mở rộng về đơn vị cấp xã (đơn vị hành chính), không phải UBND.'),
    ('CQDV-KLTT', 'Cơ quan, đơn vị có kết luận sau thanh tra, kiểm tra, kiểm toán', None,
     'Chỉ cơ quan, đơn vị có kết luận, kiến nghị sau thanh tra, kiểm tra, kiểm toán', None),
    ('THANHTRA-SN', 'Thanh tra sở, ngành', None,
     'Thanh tra của từng sở, ngành; báo cáo qua sở, ngành', None),
    ('DV-TT-SYT', 'Các đơn vị trực thuộc Sở Y tế', None, None, None),
    ('BENHVIEN', 'Các bệnh viện trên địa bàn thành phố', None, None, None),
    ('DOANTHE', 'Các đoàn thể', None, None, None),
    ('AP-KV', 'Các ấp, khu vực', None, None, 'Cấp dưới xã, phường, thị trấn; nhập sau cùng với cấp xã.'),
    ('CQDV-TUYENDUNG', 'Các cơ quan, đơn vị có thẩm quyền tuyển dụng', None,
     'Chỉ cơ quan, đơn vị có thẩm quyền tuyển dụng', None),
]

# class, match_kind, match_category, match_parent_unit, match_parent_kind, unit, include_class
CLASS_RULES = [
    ('CQCM-TP', 'department', None, None, None, None, None),
    ('SBN-TP', None, None, None, None, None, 'CQCM-TP'),
    ('SBN-TP', None, None, None, None, 'BQL-KCXCN', None),
    ('SN-QPPL', None, None, None, None, None, 'SBN-TP'),
    ('CQHC-TP', None, None, None, None, None, 'SBN-TP'),
    ('SNCL-TP', 'other', 'public_service_unit', 'UBND-TP', None, None, None),
    ('DV-THUOC-UBND', None, None, None, None, None, 'SBN-TP'),
    ('DV-THUOC-UBND', None, None, None, None, None, 'SNCL-TP'),
    ('UBND-HUYEN', 'district', None, None, None, None, None),
    ('UBND-XA', 'commune', None, None, None, None, None),
    ('HDND-HUYEN', 'district', None, None, None, None, None),
    ('HDND-XA', 'commune', None, None, None, None, None),
    ('CQDV-KLTT', None, None, None, None, None, 'SBN-TP'),
    ('CQDV-KLTT', None, None, None, None, None, 'SNCL-TP'),
    ('CQDV-KLTT', None, None, None, None, None, 'UBND-HUYEN'),
    ('CQDV-KLTT', None, None, None, None, None, 'UBND-XA'),
    ('THANHTRA-SN', None, None, None, None, None, 'SBN-TP'),
    ('DV-TT-SYT', 'other', 'public_service_unit', 'SYT', None, None, None),
    ('BENHVIEN', 'other', 'hospital', None, None, None, None),
    ('DOANTHE', 'other', 'mass_org', None, None, None, None),
    ('AP-KV', 'other', 'hamlet', None, 'commune', None, None),
    ('CQDV-TUYENDUNG', None, None, None, None, None, 'SBN-TP'),
    ('CQDV-TUYENDUNG', None, None, None, None, None, 'SNCL-TP'),
    ('CQDV-TUYENDUNG', None, None, None, None, None, 'UBND-HUYEN'),
]

CLASS_ALIASES = {
    'CQCM-TP': ['CQCM TP', 'Cơ quan chuyên môn thuộc UBND thành phố',
                'Cơ quan chuyên môn cấp thành phố', 'Các cơ quan chuyên môn thuộc UBND TP'],
    'SBN-TP': ['Sở, ban, ngành TP', 'Các sở, ban, ngành thành phố', 'Sở, ngành TP'],
    'SN-QPPL': ['Sở, ngành thành phố tham mưu ban hành văn bản QPPL'],
    'CQHC-TP': ['Cơ quan hành chính cấp TP'],
    'SNCL-TP': ['đơn vị SNCL thuộc TP'],
    'DV-THUOC-UBND': ['các sở, ngành, đơn vị thuộc UBND TP'],
    'UBND-HUYEN': ['UBND cấp huyện'],
    'UBND-XA': ['UBND cấp xã'],
    'CQDV-KLTT': ['Cơ quan, đơn vị có kết luận sau thanh tra, kiểm tra, kiểm toán'],
    'THANHTRA-SN': ['Thanh tra sở, ngành'],
    'DV-TT-SYT': ['các đơn vị trực thuộc Sở'],
    'BENHVIEN': ['các bệnh viện trên địa bàn thành phố'],
    'DOANTHE': ['các đoàn thể'],
    'AP-KV': ['các ấp, khu vực'],
    'CQDV-TUYENDUNG': ['các cơ quan, đơn vị có thẩm quyền tuyển dụng'],
}

H = ('UBND cấp huyện', 'C:UBND-HUYEN')
XE = ('cấp xã', 'C:UBND-XA')          # elliptical "…, cấp xã" after "UBND cấp huyện"
X = ('UBND cấp xã', 'C:UBND-XA')

# Implementer cell (after T1/T2) -> ordered parts (printed fragment, target).
# Target "U:code" is an org unit, "C:code" a unit class.  A fragment may be
# listed twice in a row when it names two targets ("HĐND" = HĐND cấp huyện
# and cấp xã).
IMPLEMENTERS = {
    'Sở, ngành thành phố tham mưu ban hành văn bản QPPL, HĐND, UBND cấp huyện, cấp xã':
        [('Sở, ngành thành phố tham mưu ban hành văn bản QPPL', 'C:SN-QPPL'),
         ('HĐND', 'C:HDND-HUYEN'), ('HĐND', 'C:HDND-XA'), H, XE],
    'CQCM TP, BQL KCX&CN Cần Thơ, UBND cấp huyện, cấp xã':
        [('CQCM TP', 'C:CQCM-TP'), ('BQL KCX&CN Cần Thơ', 'U:BQL-KCXCN'), H, XE],
    'Sở, ban, ngành TP, UBND cấp huyện': [('Sở, ban, ngành TP', 'C:SBN-TP'), H],
    'Sở, ban, ngành TP, UBND cấp huyện, cấp xã': [('Sở, ban, ngành TP', 'C:SBN-TP'), H, XE],
    'Sở, ban, ngành TP, UBND cấp huyện, UBND cấp xã': [('Sở, ban, ngành TP', 'C:SBN-TP'), H, X],
    'Cơ quan, đơn vị có kết luận sau thanh tra, kiểm tra, kiểm toán':
        [('Cơ quan, đơn vị có kết luận sau thanh tra, kiểm tra, kiểm toán', 'C:CQDV-KLTT')],
    'Cơ quan hành chính cấp TP, đơn vị SNCL thuộc TP, UBND cấp huyện, cấp xã':
        [('Cơ quan hành chính cấp TP', 'C:CQHC-TP'), ('đơn vị SNCL thuộc TP', 'C:SNCL-TP'), H, XE],
    'Cơ quan chuyên môn thuộc UBND thành phố; BQL KCX&CN Cần Thơ, UBND cấp huyện, cấp xã':
        [('Cơ quan chuyên môn thuộc UBND thành phố', 'C:CQCM-TP'),
         ('BQL KCX&CN Cần Thơ', 'U:BQL-KCXCN'), H, XE],
    'Cơ quan chuyên môn cấp thành phố; BQL KCX&CN Cần Thơ, UBND cấp huyện, cấp xã':
        [('Cơ quan chuyên môn cấp thành phố', 'C:CQCM-TP'),
         ('BQL KCX&CN Cần Thơ', 'U:BQL-KCXCN'), H, XE],
    'Sở, ngành TP, UBND cấp huyện, cấp xã': [('Sở, ngành TP', 'C:SBN-TP'), H, XE],
    'Sở Nội vụ, Sở Thông tin và Truyền thông, UBND cấp huyện, cấp xã':
        [('Sở Nội vụ', 'U:SNV'), ('Sở Thông tin và Truyền thông', 'U:STTTT'), H, XE],
    'Sở Nội vụ, UBND cấp xã': [('Sở Nội vụ', 'U:SNV'), X],
    'UBND cấp huyện, UBND cấp xã, các ấp, khu vực': [H, X, ('các ấp, khu vực', 'C:AP-KV')],
    'Các sở, ban, ngành thành phố; UBND cấp huyện, cấp xã':
        [('Các sở, ban, ngành thành phố', 'C:SBN-TP'), H, XE],
    'UBND cấp huyện, cấp xã': [H, XE],
    'Sở Tài nguyên và Môi trường, UBND cấp huyện, cấp xã':
        [('Sở Tài nguyên và Môi trường', 'U:STNMT'), H, XE],
    'Thanh tra thành phố; Thanh tra sở, ngành; UBND cấp huyện, cấp xã':
        [('Thanh tra thành phố', 'U:TTTP'), ('Thanh tra sở, ngành', 'C:THANHTRA-SN'), H, XE],
    'Sở Tư pháp, UBND cấp huyện, cấp xã': [('Sở Tư pháp', 'U:STP'), H, XE],
    'Thanh tra Sở Y tế; các đơn vị trực thuộc Sở':
        [('Thanh tra Sở Y tế', 'U:TTR-SYT'), ('các đơn vị trực thuộc Sở', 'C:DV-TT-SYT')],
    'Thanh tra Sở Giáo dục và Đào tạo; UBND cấp huyện':
        [('Thanh tra Sở Giáo dục và Đào tạo', 'U:TTR-SGDDT'), H],
    'Sở Nội vụ; Thanh tra thành phố; các cơ quan, đơn vị có thẩm quyền tuyển dụng':
        [('Sở Nội vụ', 'U:SNV'), ('Thanh tra thành phố', 'U:TTTP'),
         ('các cơ quan, đơn vị có thẩm quyền tuyển dụng', 'C:CQDV-TUYENDUNG')],
    'Thanh tra thành phố; các sở, ngành, đơn vị thuộc UBND TP; UBND cấp huyện, cấp xã':
        [('Thanh tra thành phố', 'U:TTTP'),
         ('các sở, ngành, đơn vị thuộc UBND TP', 'C:DV-THUOC-UBND'), H, XE],
    'Các cơ quan chuyên môn thuộc UBND TP; UBND cấp huyện, cấp xã':
        [('Các cơ quan chuyên môn thuộc UBND TP', 'C:CQCM-TP'), H, XE],
    'Bảo hiểm xã hội thành phố, Sở Y tế, các bệnh viện trên địa bàn thành phố. UBND cấp huyện, cấp xã':
        [('Bảo hiểm xã hội thành phố', 'U:BHXH-TP'), ('Sở Y tế', 'U:SYT'),
         ('các bệnh viện trên địa bàn thành phố', 'C:BENHVIEN'), H, XE],
    'Sở Giáo dục và Đào tạo, UBND cấp huyện, cấp xã, Mặt trận Tổ quốc thành phố và các đoàn thể':
        [('Sở Giáo dục và Đào tạo', 'U:SGDDT'), H, XE,
         ('Mặt trận Tổ quốc thành phố', 'U:UBMTTQ-TP'), ('các đoàn thể', 'C:DOANTHE')],
    'Sở Công Thương; UBND cấp huyện': [('Sở Công Thương', 'U:SCT'), H],
    'Sở Giao thông vận tải; UBND cấp huyện': [('Sở Giao thông vận tải', 'U:SGTVT'), H],
    'Sở Nông nghiệp và Phát triển nông thôn; UBND cấp huyện':
        [('Sở Nông nghiệp và Phát triển nông thôn', 'U:SNNPTNT'), H],
    'Công an thành phố; UBND cấp huyện, cấp xã': [('Công an thành phố', 'U:CA-TP'), H, XE],
    'Sở Tài nguyên và Môi trường; Ban Quản lý các khu chế xuất và công nghiệp Cần Thơ; UBND cấp huyện, cấp xã':
        [('Sở Tài nguyên và Môi trường', 'U:STNMT'),
         ('Ban Quản lý các khu chế xuất và công nghiệp Cần Thơ', 'U:BQL-KCXCN'), H, XE],
    'Văn phòng UBND TP, Sở Thông tin và Truyền thông':
        [('Văn phòng UBND TP', 'U:VP-UBND'), ('Sở Thông tin và Truyền thông', 'U:STTTT')],
    'Sở Thông tin và Truyền thông; UBND cấp huyện, cấp xã':
        [('Sở Thông tin và Truyền thông', 'U:STTTT'), H, XE],
}

# Lead cells naming more than one lead (all others are a single unit alias).
LEAD_SPLITS = {
    'Văn phòng UBND TP, Sở thông tin và Truyền thông':
        ['Văn phòng UBND TP', 'Sở thông tin và Truyền thông'],
}

CADENCE = {
    'Thường xuyên': ('continuous', []),
    'Báo cáo tiến độ định kỳ quý/ 6 tháng/ 9 tháng và năm':
        ('periodic', ['quarter', 'half_year', 'nine_months', 'year']),
    'Báo cáo độ tiến độ định kỳ quý/ 6 tháng/ 9 tháng và năm':
        ('periodic', ['quarter', 'half_year', 'nine_months', 'year']),
}

# Quantified targets: task key -> [(printed, kind, min, min_incl, max, max_incl, unit, relative_to)]
# Task key: Annex I first covered criterion code, Annex II printed STT,
# Annex III criterion code.
TARGETS = {
    ('I', '3.4.1'): [('từ 99% trở lên', 'at_least', '99', True, None, None, 'percent', None)],
    ('I', '3.4.2'): [('từ 99% trở lên', 'at_least', '99', True, None, None, 'percent', None)],
    ('I', '3.4.3'): [('từ 99% trở lên', 'at_least', '99', True, None, None, 'percent', None)],
    ('I', '5.4'): [('không có CBCCVC bị kỷ luật', 'at_most', None, None, '0', True, 'count', None)],
    ('I', '6.1.1'): [('từ 80% đến 100%', 'range', '80', True, '100', True, 'percent', None)],
    ('I', '6.1.3'): [('từ 90% đến 100%', 'range', '90', True, '100', True, 'percent', None)],
    ('I', '8.4'): [('từ 20% trở lên', 'at_least', '20', True, None, None, 'percent', None)],
    ('I', '8.5'): [('bằng hoặc cao hơn năm 2022', 'at_least_baseline', None, None, None, None, None, 'năm 2022')],
    ('II', '1'): [('tiến tới 100% hồ sơ đúng và trước hạn', 'exactly', '100', True, '100', True, 'percent', None)],
}

# Annex III VI.3 has three leads printed on three rows beside one task cell;
# the table does not say which items each covers.  Resolved by content:
# a)-c) electricity (Công Thương), d)-h) roads/transport (Giao thông vận
# tải), i) rural clean water (Nông nghiệp và PTNT).  Recorded with
# items_basis = 'content'.
CONTENT_ITEMS = {
    ('6.3', 'SCT'): ['a', 'b', 'c'],
    ('6.3', 'SGTVT'): ['d', 'đ', 'e', 'g', 'h'],
    ('6.3', 'SNNPTNT'): ['i'],
}

# Annex I rows whose "Nhiệm vụ, giải pháp" cell holds a note about the
# criterion (the score's source), not a task.  The row has no lead.
A1_NOTE_IN_TASK_COLUMN = {'2.4', '8.1'}
# Annex I: the 2.4.2 task cell is split by a page break into the 2.4.3 row
# (the 2.4.3 cell starts mid-sentence "ngũ công chức ..."), so one task
# covers 2.4.2 and 2.4.3.
A1_TASK_CELL_SPLIT_INTO_NEXT_ROW = {'2.4.2': '2.4.3'}

ROMAN = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X']


# ---------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------

class Criterion:
    def __init__(self, index, code, printed, name, parent, maxp=None, score=None,
                 note=None, note_col=None, annex=None, order=None, line=None):
        self.index, self.code, self.printed, self.name = index, code, printed, name
        self.parent, self.maxp, self.score = parent, maxp, score
        self.note, self.note_col = note, note_col
        self.annex, self.order, self.line = annex, order, line
        self.mirror = None


class Task:
    def __init__(self, annex, seq, key):
        self.annex, self.seq, self.key = annex, seq, key
        self.id = {'I': 100, 'II': 200, 'III': 300}[annex] + seq
        self.raw_parts = []     # raw text parts (T2 joins them with one space)
        self.criteria = []
        self.note_raw = []
        self.printed_stt = None
        self.cells_from = None  # task id whose row prints the merged cells
        self.assignments = []   # list of dicts
        self.line = None

    @property
    def text(self):
        return clean(' '.join(self.raw_parts))


def new_assignment(leads_raw, impl_raw, time_raw, items=None, basis='whole_task'):
    return {'leads_raw': leads_raw, 'impl_raw': impl_raw, 'time_raw': time_raw,
            'items': items, 'basis': basis}


# ---------------------------------------------------------------------------
# Annex I
# ---------------------------------------------------------------------------

def parse_annex1(seed, first, last, criteria, tasks):
    rows = []   # dicts with code,name,maxp,score,cells(list of lists of raw parts)
    for n, f in seed.table_rows(first, last, 9):
        code = clean(f[0])
        if code:
            rows.append({'line': n, 'bold': f[0].startswith('<b>') or f[1].startswith('<b>'),
                         'code': code, 'cols': [[x] if x else [] for x in f]})
        else:
            check(rows, 'continuation before any row at %d' % n)
            # T2: each non-empty cell continues the most recent row that has
            # text in that column.
            for c, x in enumerate(f):
                if not x:
                    continue
                check(c in (1, 4, 5, 6, 7, 8), 'line %d: continuation in column %d' % (n, c))
                tgt = next(r for r in reversed(rows) if r['cols'][c])
                tgt['cols'][c].append(x)
    # the 2.4.2 task cell split into the 2.4.3 row
    for a, b in A1_TASK_CELL_SPLIT_INTO_NEXT_ROW.items():
        ra = next(r for r in rows if r['code'] == a)
        rb = next(r for r in rows if r['code'] == b)
        check(rows.index(rb) == rows.index(ra) + 1, 'split rows not adjacent')
        check(rb['cols'][4][0][:1].islower(), '%s task cell does not continue mid-sentence' % b)
        check(not ra['cols'][4][-1].endswith('.'), '%s task cell ends a sentence' % a)
        check(not rb['cols'][5] and not ra['cols'][5], 'split rows print a lead')
        ra['cols'][4].extend(rb['cols'][4])
        rb['cols'][4] = []
        rb['covered_by_split'] = True

    order = 0
    group = None
    task = None
    block = None   # row dict that starts the current lead/implementer block
    for r in rows:
        order += 1
        code = r['code']
        cols = r['cols']
        name = clean(' '.join(cols[1]))
        check(re.fullmatch(r'\d+(\.\d+)*', code) is not None, 'bad code %r' % code)
        if r['bold']:
            check(not any(cols[c] for c in range(2, 9)), 'group row %s has cells' % code)
            criteria.append(Criterion('PAR-INDEX', code, code, name, None, annex='I',
                                      order=order, line=r['line']))
            group, task, block = code, None, None
            continue
        parent = max((c for c in criteria if c.index == 'PAR-INDEX'
                      and code.startswith(c.code + '.')), key=lambda c: len(c.code))
        maxp = num(clean(' '.join(cols[2])))
        score = num(clean(' '.join(cols[3])))
        crit = Criterion('PAR-INDEX', code, code, name, parent.code, maxp, score,
                         annex='I', order=order, line=r['line'])
        criteria.append(crit)
        if code in A1_NOTE_IN_TASK_COLUMN:
            check(not any(cols[c] for c in (5, 6, 7, 8)), '%s prints more than a note' % code)
            crit.note = clean(' '.join(cols[4]))
            crit.note_col = 'task_column'
            task, block = None, None
            continue
        if cols[5]:
            block = r
        if cols[4]:
            task = Task('I', len([t for t in tasks if t.annex == 'I']) + 1, code)
            task.line = r['line']
            task.raw_parts = cols[4]
            check(block is not None, 'task %s without a lead' % code)
            blk = block
            if blk is not r:
                # lead/implementers/timeline/note printed once for the block
                check(not r['cols'][8], '%s prints a note but no lead' % code)
                task.cells_from = next(t for t in tasks if t.line == blk['line']).id
            check(all(blk['cols'][c] for c in (5, 6, 7)), 'block at %d incomplete' % blk['line'])
            task.note_raw = blk['cols'][8]
            task.assignments.append(new_assignment(blk['cols'][5], blk['cols'][6], blk['cols'][7]))
            tasks.append(task)
        else:
            check(task is not None, 'criterion %s has no task' % code)
            check(not cols[5], '%s has lead but no task' % code)
        task.criteria.append(('PAR-INDEX', code))


# ---------------------------------------------------------------------------
# Annex II
# ---------------------------------------------------------------------------

def parse_annex2(seed, first, last, criteria, tasks):
    order = 0
    group = None
    block = None
    expect_stt = 1
    for n, f in seed.table_rows(first, last, 5):
        order += 1
        check(f[0] != '', 'Annex II continuation line %d not expected' % n)
        if f[0].startswith('<b>'):
            printed = clean(f[0])
            ordinal = len([c for c in criteria if c.index == 'SIPAS']) + 1
            check(ROMAN[ordinal - 1] == printed, 'SIPAS group numbering %s' % printed)
            group = Criterion('SIPAS', str(ordinal), printed, clean(f[1]), None,
                              annex='II', order=order, line=n)
            group.mirror = ('PAR-INDEX', '8.1.%d' % ordinal)
            criteria.append(group)
            block = None
            continue
        check(f[0] == str(expect_stt), 'Annex II STT %r' % f[0])
        expect_stt += 1
        task = Task('II', int(f[0]), f[0])
        task.printed_stt = f[0]
        task.line = n
        task.raw_parts = [f[1]]
        task.criteria.append(('SIPAS', group.code))
        if f[2]:
            block = task
            task.assignments.append(new_assignment([f[2]], [f[3]], [f[4]]))
        else:
            check(block is not None and not f[3] and not f[4], 'Annex II row %d' % n)
            task.cells_from = block.id
            task.assignments.append(dict(block.assignments[0]))
        tasks.append(task)


# ---------------------------------------------------------------------------
# Annex III
# ---------------------------------------------------------------------------

def parse_annex3(seed, first, last, criteria, tasks):
    order = 0
    dim = None
    task = None
    last_row_cols = None  # column -> list of raw parts of the most recent row
    history = []          # rows (dict col->list) in order, for continuations
    dims = 0
    for n, f in seed.table_rows(first, last, 6):
        order += 1
        if f[0].startswith('<b>'):
            dims += 1
            if f[1]:
                printed, name = clean(f[0]), clean(f[1])
            else:
                # T4: "<b>II Công khai, ...</b>" -> "II" + name
                printed, name = clean(f[0]).split(' ', 1)
            check(re.fullmatch(r'[IVX]+', printed) is not None, 'dimension %r' % printed)
            dim = Criterion('PAPI', str(dims), printed, name, None, annex='III',
                            order=order, line=n)
            criteria.append(dim)
            task = None
            continue
        if f[0]:
            check(re.fullmatch(r'\d+', f[0]) is not None, 'PAPI STT %r' % f[0])
            code = '%s.%s' % (dim.code, f[0])
            row = {c: ([f[c]] if f[c] else []) for c in range(6)}
            row['crit'] = Criterion('PAPI', code, f[0], None, dim.code, annex='III',
                                    order=order, line=n)
            criteria.append(row['crit'])
            history.append(row)
            task = Task('III', len([t for t in tasks if t.annex == 'III']) + 1, code)
            task.line = n
            task.criteria.append(('PAPI', code))
            task.rows = [row]
            tasks.append(task)
            continue
        if f[1].startswith('<p>1. '):
            # T4: Annex III V: one cell lists three sub-criteria; one task.
            names = re.findall(r'(?:^| )(\d+)\. (.*?)(?= \d+\. |$)', clean(f[1]))
            check([p for p, _ in names] == ['1', '2', '3'], 'V sub-criteria %r' % names)
            task = Task('III', len([t for t in tasks if t.annex == 'III']) + 1, dim.code + '.1')
            task.line = n
            row = {c: ([f[c]] if f[c] else []) for c in range(6)}
            row[1] = []
            row['crit'] = None
            history.append(row)
            for p, nm in names:
                code = '%s.%s' % (dim.code, p)
                c = Criterion('PAPI', code, p, nm, dim.code, annex='III', order=order, line=n)
                criteria.append(c)
                task.criteria.append(('PAPI', code))
            task.rows = [row]
            tasks.append(task)
            continue
        check(task is not None, 'Annex III line %d outside a task' % n)
        if f[3]:
            # an extra lead printed on its own row beside the same task
            row = {c: ([f[c]] if f[c] else []) for c in range(6)}
            row['crit'] = None
            history.append(row)
            task.rows.append(row)
            continue
        # T2 continuation line
        for c, x in enumerate(f):
            if not x:
                continue
            check(c in (1, 2, 4), 'Annex III continuation column %d at %d' % (c, n))
            tgt = next(r for r in reversed(history) if r[c])
            tgt[c].append(x)

    # finish criteria names and tasks
    for t in tasks:
        if t.annex != 'III':
            continue
        first_row = t.rows[0]
        if first_row['crit'] is not None:
            first_row['crit'].name = clean(' '.join(first_row[1]))
        t.raw_parts = [x for r in t.rows for x in r[2]]
        for r in t.rows:
            check(r[3] and r[4] and r[5], 'task %s: incomplete lead row' % t.key)
            t.assignments.append(new_assignment(r[3], r[4], r[5]))
        t.row_texts = [clean(' '.join(r[2])) for r in t.rows]


def split_items(text, whole=True):
    """T5: lettered items a) b) ... -> [(label, item text)].  With
    whole=False the text is one lead's row of a task and may start at a
    later letter."""
    marks = [m for m in re.finditer(r'(?:^| )([a-zđ])\) ', text)]
    if not marks:
        return []
    labels = [m.group(1) for m in marks]
    k = 0 if whole else VI_LETTERS.index(labels[0])
    check(labels == VI_LETTERS[k:k + len(labels)], 'item labels %r in %r' % (labels, text[:60]))
    check(marks[0].start() == 0, 'text before first item: %r' % text[:60])
    items = []
    for i, m in enumerate(marks):
        start = m.end()
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        items.append((m.group(1), text[start:end]))
    return items


# ---------------------------------------------------------------------------
# Resolution helpers
# ---------------------------------------------------------------------------

def alias_index():
    idx = {}
    for code, aliases in UNIT_ALIASES.items():
        for a in aliases:
            check(a not in idx, 'alias %r twice' % a)
            idx[a] = code
    return idx


def split_parts(cell, parts):
    """Check the parts appear in order in the cell, separated only by
    punctuation/space/"và"; return them."""
    pos = 0
    prev = None
    for text, _ in parts:
        if prev is not None and text == prev[0]:
            continue  # same fragment naming a second target
        i = cell.find(text, pos)
        check(i >= 0, 'part %r not in %r after %d' % (text, cell, pos))
        gap = cell[pos:i]
        check(re.fullmatch(r'[,;. ]*(?:và )?', gap) is not None,
              'gap %r before %r in %r' % (gap, text, cell))
        pos = i + len(text)
        prev = (text,)
    check(re.fullmatch(r'[,;. ]*', cell[pos:]) is not None, 'tail %r in %r' % (cell[pos:], cell))
    return parts


# ---------------------------------------------------------------------------
# SQL emission
# ---------------------------------------------------------------------------

def q(v):
    if v is None:
        return 'NULL'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    s = str(v)
    check('\\' not in s, 'backslash in %r' % s)
    check(unicodedata.is_normalized('NFC', s), 'not NFC: %r' % s)
    return "'" + s.replace("'", "''") + "'"


def qnum(v):
    return 'NULL' if v is None else v


def insert(out, table, cols, rows):
    if not rows:
        return
    out.append('INSERT INTO %s (%s) VALUES' % (table, ', '.join(cols)))
    out.append(',\n'.join('  (' + ', '.join(r) + ')' for r in rows) + ';\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', default=DEFAULT_SEED)
    ap.add_argument('--out', default=DEFAULT_OUT)
    args = ap.parse_args()
    seed = Seed(args.seed)
    check(seed.nfc, 'seed is not NFC')

    a1 = find_line(seed, lambda l: l == '## PHỤ LỤC I', 'Annex I')
    a2 = find_line(seed, lambda l: l == '## Phụ lục II', 'Annex II')
    a3 = find_line(seed, lambda l: l == '### Phụ lục III', 'Annex III')
    criteria, tasks = [], []
    parse_annex1(seed, a1, a2 - 1, criteria, tasks)
    parse_annex2(seed, a2, a3 - 1, criteria, tasks)
    parse_annex3(seed, a3, len(seed.lines), criteria, tasks)

    aliases = alias_index()
    joined = [t.text for t in tasks] + [clean(' '.join(a[k])) for t in tasks
                                        for a in t.assignments
                                        for k in ('leads_raw', 'impl_raw', 'time_raw')]
    for a in list(aliases) + [a for v in CLASS_ALIASES.values() for a in v]:
        check(a in seed.clean_text or any(a in j for j in joined),
              'alias %r not printed in the seed' % a)
    check('CHỦ TỊCH' in seed.text, 'signer title')
    unit_codes = {u[0] for u in UNITS}
    class_codes = {c[0] for c in CLASSES}
    for u in UNITS:
        if u[0] not in DISTRICTS_NOT_IN_SEED:
            check(u[0] in UNIT_ALIASES, 'unit %s has no printed name' % u[0])

    out = []
    out.append('-- Plan 121/KH-UBND (Can Tho, 6 June 2023): data.')
    out.append('-- Generated by scripts/dev/plan_extract.py from')
    out.append('-- ../shared/seeds/000_c48acc517a7429e1.txt; every Vietnamese text is cut')
    out.append('-- from the seed (see docs/plan-data.md for the transformations).')
    out.append('-- Plain string literals with doubled quotes only, no backslashes: the')
    out.append('-- file means the same with standard_conforming_strings on or off.')
    out.append('-- Requires 0002_plan_schema.sql.\n')

    # ---- report period kinds
    insert(out, 'report_period_kind', ['code', 'months', 'name'], [
        [q('quarter'), '3', q('quý')],
        [q('half_year'), '6', q('6 tháng')],
        [q('nine_months'), '9', q('9 tháng')],
        [q('year'), '12', q('năm')],
    ])

    # ---- org units (parents first)
    rows = []
    for code, name, kind, cat, parent, note in UNITS:
        rows.append([q(code), q(name), q(kind), q(cat), q(parent), 'NULL', 'NULL', q(note)])
    insert(out, 'org_unit', ['code', 'name', 'kind', 'category', 'parent_code',
                             'valid_from', 'valid_until', 'note'], rows)
    rows = [[q(a), q(c)] for a, c in sorted(aliases.items(), key=lambda x: (x[1], x[0]))]
    insert(out, 'org_unit_alias', ['alias', 'unit_code'], rows)

    # ---- unit classes
    insert(out, 'unit_class', ['code', 'name', 'body', 'condition_text', 'note'],
           [[q(c), q(n), q(b), q(cond), q(note)] for c, n, b, cond, note in CLASSES])
    rows = []
    for cls, kind, cat, parent, pkind, unit, inc in CLASS_RULES:
        check(cls in class_codes and (unit is None or unit in unit_codes)
              and (inc is None or inc in class_codes), 'bad rule %r' % (cls,))
        rows.append([q(cls), q(kind), q(cat), q(parent), q(pkind), q(unit), q(inc)])
    insert(out, 'unit_class_rule', ['class_code', 'match_kind', 'match_category',
                                    'match_parent_code', 'match_parent_kind',
                                    'match_unit_code', 'include_class_code'], rows)
    rows = []
    for cls, al in CLASS_ALIASES.items():
        for a in al:
            rows.append([q(a), q(cls)])
    insert(out, 'unit_class_alias', ['alias', 'class_code'], rows)

    # ---- plan, indices, results, targets
    intro = next(l for l in seed.lines if l.startswith('Ngày 19 tháng 4 năm 2023'))
    goal = next(l for l in seed.lines if l.startswith('Thành phố Cần Thơ thuộc nhóm 20'))
    title_line = next(l for l in seed.lines if l.startswith('### **Cải thiện và nâng cao'))
    title = title_line[len('### **'):-len('**')]
    check('**31 tháng 7 năm 2023**' in seed.text, 'deadline text')
    check('Số: 121 /KH-UBND' in seed.text and 'Cần Thơ, ngày 06 tháng 6 năm 2023' in seed.text,
          'plan number/date')
    signer = 'Trần Việt Trường'
    check('**%s**' % signer in seed.text, 'signer')
    out.append("INSERT INTO plan (code, number_printed, issued_on, issuer_code, title, signed_by, "
               "signer_title, base_year, unit_plan_deadline, unit_plan_deadline_text) VALUES")
    out.append('  (%s, %s, %s, %s, %s, %s, %s, 2022, %s, %s);\n' % (
        q(PLAN), q('121 /KH-UBND'), q('2023-06-06'), q('UBND-TP'), q(title), q(signer),
        q('CHỦ TỊCH'),
        q('2023-07-31'), q('31 tháng 7 năm 2023')))

    insert(out, 'gov_index', ['code', 'name', 'name_en', 'unit', 'publisher_code'], [
        [q('PAR-INDEX'), q('Chỉ số cải cách hành chính'), q('Public Administration Reform Index'),
         q('percent'), q('BCD-CCHC-CP')],
        [q('SIPAS'), q('Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước'),
         q('Satisfaction Index of Public Administrative Services'), q('percent'), q('BCD-CCHC-CP')],
        [q('PAPI'), q('Chỉ số Hiệu quả Quản trị và hành chính công cấp tỉnh'),
         q('Provincial Governance and Public Administration Performance Index'), q('points'),
         q('UNDP')],
    ])
    for frag in ['Chỉ số cải cách hành chính (PAR-INDEX)',
                 'Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước (SIPAS)',
                 'Chỉ số Hiệu quả Quản trị và hành chính công cấp tỉnh (PAPI)']:
        check(frag in intro, 'index name %r' % frag)

    # results as printed in the first paragraph
    res = [
        ('PAR-INDEX', 'Chỉ số PAR-INDEX năm 2022 của thành phố Cần Thơ đạt 86,11%, xếp hạng 26/63 tỉnh, thành phố cả nước, tăng 1,14%, tăng 25 bậc so năm 2021 (hạng 51)',
         '86,11', 'percent', 26, 63, None, '2023-04-19', '1,14', 25, 51),
        ('SIPAS', 'Chỉ số SIPAS năm 2022 đạt 79,10%, xếp hạng 36/63, giảm 6,4%, tăng 12 bậc so với năm 2021 (hạng 48)',
         '79,10', 'percent', 36, 63, None, '2023-04-19', '-6,4', 12, 48),
        ('PAPI', 'Chỉ số PAPI năm 2022 của Cần Thơ đạt 39,97 điểm, xếp hạng 55/61 tỉnh, thành phố, giảm 1,26 điểm và 13 bậc so với năm 2021 (hạng 42)',
         '39,97', 'points', 55, 61, 63, '2023-04-12', '-1,26', -13, 42),
    ]
    check('công bố Chỉ số Hiệu quả Quản trị và hành chính công cấp tỉnh (PAPI) năm 2022 của 63 tỉnh, thành phố' in intro,
          'PAPI published count')
    rows = []
    for code, frag, val, unit, rank, outof, published, pubdate, change, rchange, rank21 in res:
        check(frag in intro, 'result fragment %r' % frag)
        v = num(val)
        c = change.replace(',', '.')
        rows.append([q(code), '2022', v, q(unit), str(rank), str(outof),
                     'NULL' if published is None else str(published), q(pubdate),
                     c, str(rchange), 'false', 'NULL', q(frag)])
        from decimal import Decimal
        v21 = str(Decimal(v) - Decimal(c))
        rows.append([q(code), '2021', v21, q(unit), str(rank21), 'NULL', 'NULL', 'NULL',
                     'NULL', 'NULL', 'true',
                     q('value = 2022 value - printed change (%s); rank printed' % change), q(frag)])
    insert(out, 'gov_index_result', ['index_code', 'year', 'value', 'unit', 'rank', 'out_of',
                                     'entities_published', 'published_on', 'change_vs_previous',
                                     'rank_change', 'value_derived', 'derivation', 'source_text'],
           rows)
    insert(out, 'gov_index_target', ['plan_code', 'index_code', 'from_year', 'until_year',
                                     'rank_at_most', 'printed_text'],
           [[q(PLAN), q(i), '2023', 'NULL', '20', q(goal)] for i in ('PAR-INDEX', 'SIPAS', 'PAPI')])

    # ---- criteria (parents before children: printed order guarantees it)
    rows = []
    for c in criteria:
        check(c.name, 'criterion %s %s has no name' % (c.index, c.code))
        rows.append([q(c.index), q(c.code), q(c.printed), q(c.name),
                     q(c.parent), qnum(c.maxp), q(c.note), q(c.note_col),
                     q(c.mirror[0] if c.mirror else None), q(c.mirror[1] if c.mirror else None),
                     q(c.annex), str(c.order)])
    insert(out, 'criterion', ['index_code', 'code', 'printed_code', 'name', 'parent_code',
                              'max_points', 'note', 'note_printed_in', 'mirrors_index_code',
                              'mirrors_code', 'annex', 'annex_row'], rows)
    rows = [[q(c.index), q(c.code), '2022', c.score] for c in criteria if c.score is not None]
    insert(out, 'criterion_score', ['index_code', 'criterion_code', 'year', 'score'], rows)

    # ---- tasks
    trows, irows, tgrows, tcrows = [], [], [], []
    arows, alrows, airows, aimrows, aprows = [], [], [], [], []
    for t in tasks:
        text = t.text
        note = clean(' '.join(t.note_raw)) if t.note_raw else None
        trows.append([str(t.id), q(PLAN), q(t.annex), str(t.seq), q(t.printed_stt), q(text),
                      q(note), 'NULL' if t.cells_from is None else str(t.cells_from)])
        items = split_items(text) if t.annex == 'III' else []
        labels = [l for l, _ in items]
        for o, (label, itext) in enumerate(items, 1):
            check(itext in text, 'item not in text')
            irows.append([str(t.id), q(label), str(o), q(itext)])
        for o, tg in enumerate(TARGETS.get((t.annex, t.key), []), 1):
            printed, kind, mn, mni, mx, mxi, unit, rel = tg
            check(text.count(printed) >= 1, 'target %r not in task %s' % (printed, t.key))
            tgrows.append([str(t.id), str(o), 'NULL', q(printed), q(kind), qnum(mn), q(mni), qnum(mx),
                           q(mxi), q(unit), q(rel)])
        for idx, code in t.criteria:
            tcrows.append([str(t.id), q(idx), q(code)])
        # assignments
        n_assign = len(t.assignments)
        for s, a in enumerate(t.assignments, 1):
            aid = t.id * 10 + s
            leads = clean(' '.join(a['leads_raw']))
            impl = clean(' '.join(a['impl_raw']))
            tl = clean(' '.join(a['time_raw']))
            check(tl in CADENCE, 'timeline %r' % tl)
            cadence, periods = CADENCE[tl]
            if n_assign == 1:
                basis, covered = 'whole_task', labels
            elif t.annex == 'III' and all(r[2] for r in t.rows):
                basis = 'layout'
                covered = [l for l, _ in split_items(t.row_texts[s - 1], whole=False)]
                check(set(covered) <= set(labels), 'layout items')
            else:
                basis = 'content'
                lead_code = aliases[leads]
                covered = CONTENT_ITEMS.get((t.key, lead_code))
                check(covered is not None, 'no item resolution for %s/%s' % (t.key, lead_code))
            arows.append([str(aid), str(t.id), str(s), q(leads), q(impl), q(tl), q(cadence),
                          q(basis)])
            lead_parts = LEAD_SPLITS.get(leads, [leads])
            split_parts(leads, [(p, None) for p in lead_parts])
            for ls, p in enumerate(lead_parts, 1):
                check(p in aliases, 'lead %r is no unit alias' % p)
                alrows.append([str(aid), str(ls), q(aliases[p]), q(p)])
            for lbl in covered:
                airows.append([str(aid), str(t.id), q(lbl)])
            check(impl in IMPLEMENTERS, 'implementer cell %r not mapped' % impl)
            parts = split_parts(impl, IMPLEMENTERS[impl])
            for ps, (p, target) in enumerate(parts, 1):
                kind, code = target.split(':')
                if kind == 'U':
                    check(code in unit_codes and aliases.get(p) == code,
                          'implementer %r -> %s' % (p, code))
                else:
                    check(code in class_codes, 'class %s' % code)
                aimrows.append([str(aid), str(ps), q(p), q(code if kind == 'U' else None),
                                q(code if kind == 'C' else None)])
            for p in periods:
                aprows.append([str(aid), q(p)])
    insert(out, 'task', ['id', 'plan_code', 'annex', 'seq', 'printed_stt', 'text', 'note',
                         'cells_printed_with_task_id'], trows)
    insert(out, 'task_item', ['task_id', 'label', 'ord', 'text'], irows)
    insert(out, 'task_target', ['task_id', 'ord', 'item_label', 'printed_text', 'kind', 'min_value',
                                'min_inclusive', 'max_value', 'max_inclusive', 'unit',
                                'relative_to'], tgrows)
    insert(out, 'task_criterion', ['task_id', 'index_code', 'criterion_code'], tcrows)
    insert(out, 'task_assignment', ['id', 'task_id', 'seq', 'leads_text', 'implementers_text',
                                    'timeline_text', 'cadence', 'items_basis'], arows)
    insert(out, 'assignment_lead', ['assignment_id', 'seq', 'unit_code', 'printed_text'], alrows)
    insert(out, 'assignment_item', ['assignment_id', 'task_id', 'label'], airows)
    insert(out, 'assignment_implementer', ['assignment_id', 'seq', 'printed_text', 'unit_code',
                                           'class_code'], aimrows)
    insert(out, 'assignment_report_period', ['assignment_id', 'period_kind'], aprows)

    sql = '\n'.join(out)
    with open(args.out, 'w', encoding='utf-8', newline='\n') as f:
        f.write(sql)
    print('wrote %s: %d criteria, %d tasks (I %d, II %d, III %d), %d items, %d assignments'
          % (args.out, len(criteria), len(tasks),
             sum(t.annex == 'I' for t in tasks), sum(t.annex == 'II' for t in tasks),
             sum(t.annex == 'III' for t in tasks), len(irows), len(arows)))


if __name__ == '__main__':
    main()
