"""Fictional people and organisations for the demo county. Names are drawn at random from
common characters and ID numbers are format-valid (GB 11643 check digit) but invented."""

import datetime as dt
import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶"
    "黎贺顾毛郝龚邵万钱严武戴孔汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国峰晨宇浩然欣怡子"
    "涵雨轩梓萱思远嘉琪博文俊杰佳怡志强海燕丹凤"
)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def fake_id_number(rng: random.Random, *, region_code: str) -> str:
    born = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 47 * 365))
    first17 = f"{region_code}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + id_check_digit(first17)


def fake_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def credit_code_check(first17: str) -> str:
    """GB 32100 check character of a unified social credit code (统一社会信用代码)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(alphabet.index(c) * w for c, w in zip(first17, weights, strict=True))
    return alphabet[(31 - total % 31) % 31]


def fake_credit_code(serial: int, *, region_code: str) -> str:
    first17 = f"91{region_code}MA2N{serial:05d}"
    return first17 + credit_code_check(first17)
