"""Public reference data of the national standards: dictionaries and RecType catalogue (no login)."""

from django.http import HttpRequest
from ninja import Router, Schema

from bdcdj.standards.models import Dictionary
from bdcdj.standards.selectors import dictionaries, dictionary_get, rectypes, standard_version

router = Router(tags=["standards"])


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str]


class DictionarySummaryOut(Schema):
    code: str
    version: str
    name: str
    source: str


class DictionaryItemOut(Schema):
    code: str
    label: str
    parent_code: str


class DictionaryOut(Schema):
    code: str
    version: str
    name: str
    items: list[DictionaryItemOut]


class RecTypeOut(Schema):
    scheme: str
    rectype: str
    djlx: str
    category: str
    name: str
    main_table: str
    tables: list[str]


@router.get(
    "/dictionaries",
    response=list[DictionarySummaryOut],
    auth=None,
    summary="字典列表",
    description="全部国家标准字典（代码表）及其版本；可用 version 只列出某一版本。",
)
def list_dictionaries(request: HttpRequest, version: str | None = None) -> list[Dictionary]:
    return dictionaries(version=version)


@router.get(
    "/dictionaries/{code}",
    response={200: DictionaryOut, 404: ErrorOut},
    auth=None,
    summary="字典内容",
    description="一个字典的启用代码项；version 缺省为系统默认版本（BDCDJ_STANDARD_VERSION，默认 2021）。",
)
def get_dictionary(request: HttpRequest, code: str, version: str | None = None) -> DictionaryOut:
    entry = dictionary_get(code=code.upper(), version=version or standard_version())
    items = [DictionaryItemOut(code=i.code, label=i.label, parent_code=i.parent_code) for i in entry.items]
    return DictionaryOut(code=entry.code, version=entry.version, name=entry.name, items=items)


@router.get(
    "/rectypes",
    response={200: list[RecTypeOut], 400: ErrorOut},
    auth=None,
    summary="业务编码（RecType）列表",
    description="接入报文业务编码及其应携带的数据表；scheme 为 2015（原版）或 revised（修订版）。",
)
def list_rectypes(request: HttpRequest, scheme: str = "revised") -> list[RecTypeOut]:
    return [
        RecTypeOut(
            scheme=rt.scheme,
            rectype=rt.rectype,
            djlx=rt.djlx,
            category=rt.category,
            name=rt.name,
            main_table=rt.main_table,
            tables=list(rt.tables),
        )
        for rt in rectypes(scheme=scheme)
    ]
