"""Made-up attendees: plausible Chinese names and the places they work, drawn reproducibly."""

from __future__ import annotations

import random
from dataclasses import dataclass

SURNAMES = [
    ("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
    ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
    ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"),
    ("罗", "Luo"), ("高", "Gao"), ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"),
    ("唐", "Tang"), ("许", "Xu"), ("韩", "Han"), ("冯", "Feng"), ("邓", "Deng"), ("曹", "Cao"),
    ("彭", "Peng"), ("曾", "Zeng"), ("蒋", "Jiang"), ("傅", "Fu"), ("沈", "Shen"), ("叶", "Ye"),
]  # fmt: skip

GIVEN_NAMES = [
    ("建华", "Jianhua"), ("晓明", "Xiaoming"), ("丽娟", "Lijuan"), ("志强", "Zhiqiang"), ("海燕", "Haiyan"),
    ("国平", "Guoping"), ("雪梅", "Xuemei"), ("文博", "Wenbo"), ("子涵", "Zihan"), ("浩然", "Haoran"),
    ("欣怡", "Xinyi"), ("宇航", "Yuhang"), ("思琪", "Siqi"), ("俊杰", "Junjie"), ("佳怡", "Jiayi"),
    ("明远", "Mingyuan"), ("瑞华", "Ruihua"), ("立新", "Lixin"), ("婉清", "Wanqing"), ("振宇", "Zhenyu"),
    ("一鸣", "Yiming"), ("嘉欣", "Jiaxin"), ("天翔", "Tianxiang"), ("慧敏", "Huimin"), ("卫东", "Weidong"),
    ("春雨", "Chunyu"), ("晨曦", "Chenxi"), ("安琪", "Anqi"), ("博文", "Bowen"), ("书瑶", "Shuyao"),
]  # fmt: skip

ORGANISATIONS = {
    "science": [
        "浙江大学", "中国科学院宁波材料所", "之江实验室", "西湖大学", "上海交通大学", "复旦大学",
        "中国科学技术大学", "南京大学", "浙江师范大学", "苏州大学", "东南大学", "同济大学",
    ],
    "business": [
        "金华智造科技有限公司", "义乌跨境数字贸易有限公司", "永康五金新材料有限公司", "兰溪生物医药有限公司",
        "杭州云栖智能有限公司", "苏州纳米光电有限公司", "合肥量子传感有限公司", "东阳影视科技有限公司",
    ],
    "investor": ["西湖天使基金", "长三角科创投资", "浙商创投", "金华金投集团", "苏州元禾控股", "合肥产投资本"],
    "overseas": [
        "Imperial College London", "University of Cambridge", "University of Oxford", "MIT",
        "Stanford University", "Johns Hopkins University", "Sorbonne Université", "École Polytechnique",
        "Institut Pasteur", "University of Manchester", "UC Berkeley", "Université Paris-Saclay",
    ],
    "academy": ["中国科学院", "中国工程院"],
}  # fmt: skip


@dataclass(slots=True, frozen=True)
class Person:
    number: int
    name_zh: str
    name_en: str
    email: str

    @property
    def display_name(self) -> str:
        return f"{self.name_zh} {self.name_en}"


def make_people(count: int, rng: random.Random) -> list[Person]:
    people = []
    for number in range(1, count + 1):
        surname_zh, surname_en = rng.choice(SURNAMES)
        given_zh, given_en = rng.choice(GIVEN_NAMES)
        people.append(
            Person(
                number=number,
                name_zh=surname_zh + given_zh,
                name_en=f"{surname_en} {given_en}",
                email=f"guest{number:04d}@luyan.demo",
            )
        )
    return people


def organisation_for(group: str, rng: random.Random) -> str:
    return rng.choice(ORGANISATIONS[group])
