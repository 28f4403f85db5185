"""One extractor per document kind: it recognises its kind by title words and pulls fields out
of the normalised text by their Chinese anchors (姓名, 抵押权人, 不动产单元号 …). Values come back
normalised (dates ISO, amounts in 万元 with 4 decimals, areas in m² with 2) with a confidence:
the reading confidence of the line it was found on, lowered when the value fails its own check
(an ID number with a wrong check character, a unit code of the wrong length)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bdcdj.recognition.reader import Line

CN_NAME = r"[\u4e00-\u9fa5·]{2,40}"
UNIT_CODE = re.compile(r"\d{12}[A-Z]{2}\d{5}[A-Z]\d{8}")
DATE = r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class Value:
    value: str
    confidence: float


def id_number_valid(value: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == value[17]


def _date(text: str) -> str | None:
    match = re.search(DATE, text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1900 <= year <= 2200 and 1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _dates(text: str) -> list[str]:
    return [d for d in (_date(m.group(0)) for m in re.finditer(DATE, text)) if d]


def wan(text: str) -> str | None:
    """An amount as 万元 with 4 decimals: '150万元', '人民币1,500,000.00元', '80.0000 万元'."""
    match = re.search(r"([\d,，]+(?:\.\d+)?)\s*(万元|万|元)", text)
    if not match:
        return None
    try:
        amount = Decimal(match.group(1).replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    if match.group(2) == "元":
        amount = amount / Decimal(10000)
    return f"{amount.quantize(Decimal('0.0001'))}"


def area(text: str) -> str | None:
    match = re.search(r"(\d+(?:\.\d+)?)\s*(?:平方米|㎡|m2|m²)", text)
    if not match:
        return None
    return f"{Decimal(match.group(1)).quantize(Decimal('0.01'))}"


def names(text: str) -> str:
    """'李四、王芳' → '李四、王芳' with separators unified and stray punctuation removed."""
    parts = [p.strip(" ,，;；。.") for p in re.split(r"[、,，;；/]", text)]
    return "、".join(p for p in parts if p)


@dataclass(frozen=True)
class FieldSpec:
    code: str
    label: str
    anchors: tuple[str, ...]  # regexes; group 1 (or the rest of the line) is the raw value
    parse: Callable[[str], str | None] = lambda raw: raw.strip() or None
    personal: bool = False  # masked on display, encrypted at rest
    check: Callable[[str], bool] = lambda value: True


@dataclass(frozen=True)
class Extractor:
    kind: str
    label: str
    titles: tuple[str, ...]  # words that identify the document kind
    fields: tuple[FieldSpec, ...]
    stops: tuple[str, ...] = ()  # anchors that end a value on the same line

    def score(self, text: str) -> int:
        head = text[:200]
        return sum(3 if title in head else 1 for title in self.titles if title in text)

    def extract(self, lines: list[Line]) -> dict[str, Value]:
        text = "\n".join(line.text for line in lines)
        starts, offset = [], 0
        for line in lines:
            starts.append(offset)
            offset += len(line.text) + 1
        found: dict[str, Value] = {}
        for spec in self.fields:
            for match in (m for anchor in spec.anchors for m in re.finditer(anchor, text)):
                raw = match.group(1) if match.groups() else text[match.end() :].split("\n", 1)[0]
                value = spec.parse(self._cut(raw))
                if not value:
                    continue
                index = max(i for i, s in enumerate(starts) if s <= match.start())
                confidence = lines[index].confidence * (1.0 if spec.check(value) else 0.5)
                found[spec.code] = Value(value, round(confidence, 3))
                break
        return found

    def _cut(self, raw: str) -> str:
        for stop in self.stops:
            position = raw.find(stop)
            if position > 0:
                raw = raw[:position]
        return raw.strip(" :")


def _id_parse(raw: str) -> str | None:
    match = re.search(r"\d{17}[\dXx]", raw.replace(" ", ""))
    return match.group(0).upper() if match else None


def _unit_parse(raw: str) -> str | None:
    cleaned = raw.replace(" ", "").upper()
    match = UNIT_CODE.search(cleaned)
    if match:
        return match.group(0)
    match = re.search(r"[0-9A-Z]{20,30}", cleaned)
    return match.group(0) if match else None


def _name_parse(raw: str) -> str | None:
    value = names(raw)
    return value if re.fullmatch(rf"{CN_NAME}(?:、{CN_NAME})*", value) else None


def _first_date(raw: str) -> str | None:
    return _date(raw)


def _period_start(raw: str) -> str | None:
    found = _dates(raw)
    return found[0] if found else None


def _period_end(raw: str) -> str | None:
    found = _dates(raw)
    return found[1] if len(found) > 1 else None


def _case_number(raw: str) -> str | None:
    match = re.search(r"[（(]\d{4}[）)][\u4e00-\u9fa5\d]{2,20}号", raw.replace(" ", ""))
    return match.group(0).replace("(", "（").replace(")", "）") if match else None


def _court(raw: str) -> str | None:
    match = re.search(r"[\u4e00-\u9fa5]{2,30}人民法院", raw)
    return match.group(0) if match else None


def _proof_number(raw: str) -> str | None:
    match = re.search(
        r"[\u4e00-\u9fa5][（(]\d{4}[）)][\u4e00-\u9fa5]{1,20}不动产(?:证明|权)第\d{4,12}号", raw
    )
    return match.group(0).replace("(", "（").replace(")", "）") if match else None


UNIT = FieldSpec(
    "unit_code",
    "不动产单元号",
    (r"不动产单元号:?([^\n]+)",),
    _unit_parse,
    check=lambda v: bool(UNIT_CODE.fullmatch(v)),
)


def _place(raw: str) -> str | None:
    """A 坐落 or 住址: from its first CJK character to its last 室/号/CJK character (OCR adds
    stray marks at the ends of lines)."""
    match = re.search(r"[\u4e00-\u9fa5][\u4e00-\u9fa5\d\-－#]*[\u4e00-\u9fa5]", raw)
    return match.group(0) if match else None


LOCATION = FieldSpec("location", "坐落", (r"(?:房屋坐落|坐落)(?:位置)?:?([^\n]+)",), _place)

ID_CARD = Extractor(
    kind="id_card",
    label="居民身份证",
    titles=("居民身份证", "公民身份号码", "住址"),
    stops=("性别", "民族", "出生", "公民身份号码"),
    fields=(
        FieldSpec("name", "姓名", (r"姓名:?([^\n]+)",), _name_parse, personal=True),
        FieldSpec(
            "id_number",
            "公民身份号码",
            (r"公民身份号码:?([^\n]+)", r"(\d{17}[\dXx])"),
            _id_parse,
            personal=True,
            check=id_number_valid,
        ),
        FieldSpec("address", "住址", (r"住址:?([^\n]+)",), _place, personal=True),
    ),
)

SALE_CONTRACT = Extractor(
    kind="sale_contract",
    label="房屋买卖合同",
    titles=("买卖合同", "出卖人", "买受人"),
    stops=("(以下", "（以下"),
    fields=(
        FieldSpec(
            "seller",
            "出卖人",
            (r"(?:出卖人|卖方)[^:\n]{0,8}:?([^\n]+)",),
            _name_parse,
            personal=True,
        ),
        FieldSpec(
            "buyer",
            "买受人",
            (r"(?:买受人|买方)[^:\n]{0,8}:?([^\n]+)",),
            _name_parse,
            personal=True,
        ),
        UNIT,
        LOCATION,
        FieldSpec(
            "price", "成交价格（万元）", (r"(?:成交价格|总价款|房屋总价|成交价)[^\n]*?:?([^\n]+)",), wan
        ),
        FieldSpec("area", "建筑面积（m²）", (r"建筑面积:?([^\n]+)",), area),
    ),
)

MORTGAGE_CONTRACT = Extractor(
    kind="mortgage_contract",
    label="抵押合同",
    titles=("抵押合同", "抵押权人", "抵押人"),
    stops=("(以下", "（以下"),
    fields=(
        FieldSpec("mortgagee", "抵押权人", (r"抵押权人[^:\n]{0,8}:?([^\n]+)",), _name_parse),
        FieldSpec(
            "mortgagor",
            "抵押人",
            (r"(?<!权)抵押人[^:\n]{0,8}:?([^\n]+)",),
            _name_parse,
            personal=True,
        ),
        FieldSpec(
            "amount",
            "被担保主债权数额（万元）",
            (r"(?:被担保主债权数额|主债权数额|最高债权额|借款金额)[^\n:]*:?([^\n]+)",),
            wan,
        ),
        FieldSpec(
            "term_start", "债务履行起始日期", (r"(?:债务.{0,3}期限|借款期限):?([^\n]+)",), _period_start
        ),
        FieldSpec("term_end", "债务履行结束日期", (r"(?:债务.{0,3}期限|借款期限):?([^\n]+)",), _period_end),
        UNIT,
        LOCATION,
    ),
)

COURT_ORDER = Extractor(
    kind="court_order",
    label="法院裁定书/协助执行通知书",
    titles=("人民法院", "裁定书", "协助执行通知书", "查封"),
    fields=(
        FieldSpec("court", "查封机关", (r"(?m)^([^\n]*?人民法院)",), _court),
        FieldSpec("case_number", "文号", (r"(?:文号|案号)?:?([（(]\d{4}[）)][^\n]{2,30}号)",), _case_number),
        FieldSpec("seized_person", "被执行人", (r"被执行人:?([^\n]+)",), _name_parse, personal=True),
        UNIT,
        LOCATION,
        FieldSpec(
            "start", "查封起始日期", (r"查封期限[^\n]*?([^\n]+)", r"(?:自|起始日期:?)([^\n]+)"), _period_start
        ),
        FieldSpec(
            "end", "查封结束日期", (r"查封期限[^\n]*?([^\n]+)", r"(?:自|起始日期:?)([^\n]+)"), _period_end
        ),
    ),
)

DISCHARGE = Extractor(
    kind="discharge",
    label="抵押权注销证明",
    titles=("注销", "抵押", "还款证明", "同意注销"),
    fields=(
        FieldSpec("mortgagee", "抵押权人", (r"抵押权人:?([^\n]+)",), _name_parse),
        FieldSpec("mortgagor", "抵押人", (r"(?<!权)抵押人:?([^\n]+)",), _name_parse, personal=True),
        FieldSpec(
            "proof_number", "不动产登记证明号", (r"(?:证明号|登记证明)[^\n]*?:?([^\n]+)",), _proof_number
        ),
        UNIT,
    ),
)

EXTRACTORS: dict[str, Extractor] = {
    e.kind: e for e in (ID_CARD, SALE_CONTRACT, MORTGAGE_CONTRACT, COURT_ORDER, DISCHARGE)
}
KIND_LABELS = {**{k: e.label for k, e in EXTRACTORS.items()}, "unknown": "未识别的材料"}


def classify(text: str, *, hint: str = "") -> str:
    """The kind of a document: the expected kind (`hint`, from the checklist) when its title
    words are there, else the best-scoring extractor; "unknown" when nothing scores."""
    if hint in EXTRACTORS and EXTRACTORS[hint].score(text) >= 3:
        return hint
    if "注销" in text[:200] and "抵押" in text[:200]:
        return DISCHARGE.kind
    scores = {kind: e.score(text) for kind, e in EXTRACTORS.items() if kind != DISCHARGE.kind}
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 3 else "unknown"
