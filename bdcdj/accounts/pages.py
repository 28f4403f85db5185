"""Catalogue of console pages that permissions refer to. Add a page here before guarding it."""

PAGES: dict[str, str] = {
    "register.units": "不动产单元查询",
    "register.chain": "登簿事件链校验",
    "register.pii": "权利人信息（未脱敏）",
    "accounts.audit": "审计日志",
    "accounts.users": "用户与角色",
    "standards.dictionaries": "数据字典",
}
