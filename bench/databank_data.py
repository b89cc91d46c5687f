"""Generated bilingual projects for the databank benchmark: names and summaries in Chinese and
English built from the vocabulary of Chinese technology parks (batteries, chips, biomedicine…),
deterministic for a seed, so every run searches the same data.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

# sector -> [(Chinese, English)] core technologies
TECHNOLOGIES: dict[str, list[tuple[str, str]]] = {
    "new_energy": [
        ("固态电池", "solid-state battery"),
        ("硫化物固态电池", "sulfide solid-state battery"),
        ("钠离子电池", "sodium-ion battery"),
        ("氢燃料电池", "hydrogen fuel cell"),
        ("钙钛矿光伏", "perovskite photovoltaics"),
        ("储能系统", "energy storage system"),
        ("动力电池回收", "power battery recycling"),
        ("电解水制氢", "water electrolysis hydrogen"),
    ],
    "semiconductors": [
        ("碳化硅功率器件", "silicon carbide power devices"),
        ("氮化镓射频芯片", "gallium nitride RF chips"),
        ("车规级芯片", "automotive-grade chips"),
        ("光刻胶", "photoresist"),
        ("晶圆检测设备", "wafer inspection equipment"),
        ("存算一体芯片", "compute-in-memory chips"),
        ("激光雷达芯片", "lidar chips"),
    ],
    "ai": [
        ("医疗影像人工智能", "medical imaging AI"),
        ("工业视觉检测", "industrial machine vision"),
        ("大语言模型", "large language models"),
        ("智能驾驶", "autonomous driving"),
        ("语音识别", "speech recognition"),
        ("智能客服机器人", "customer service robots"),
        ("知识图谱", "knowledge graphs"),
    ],
    "biotech": [
        ("单克隆抗体", "monoclonal antibodies"),
        ("细胞治疗", "cell therapy"),
        ("mRNA疫苗", "mRNA vaccines"),
        ("基因编辑", "gene editing"),
        ("合成生物学", "synthetic biology"),
        ("小分子靶向药", "small-molecule targeted drugs"),
    ],
    "medtech": [
        ("手术机器人", "surgical robots"),
        ("可穿戴心电监测", "wearable ECG monitoring"),
        ("体外诊断试剂", "in-vitro diagnostics"),
        ("医用超声探头", "medical ultrasound probes"),
        ("康复外骨骼", "rehabilitation exoskeletons"),
    ],
    "advanced_materials": [
        ("石墨烯导热膜", "graphene thermal films"),
        ("碳纤维复合材料", "carbon fibre composites"),
        ("高熵合金", "high-entropy alloys"),
        ("生物可降解塑料", "biodegradable plastics"),
        ("气凝胶隔热材料", "aerogel insulation"),
    ],
    "advanced_manufacturing": [
        ("工业机器人", "industrial robots"),
        ("金属增材制造", "metal additive manufacturing"),
        ("精密减速器", "precision reducers"),
        ("数控机床", "CNC machine tools"),
        ("协作机械臂", "collaborative robot arms"),
    ],
    "digital_economy": [
        ("工业互联网平台", "industrial internet platform"),
        ("跨境电商SaaS", "cross-border e-commerce SaaS"),
        ("供应链金融", "supply chain finance"),
        ("数字孪生", "digital twins"),
        ("隐私计算", "privacy-preserving computation"),
    ],
    "agritech": [
        ("智慧农业无人机", "agricultural drones"),
        ("植物工厂", "vertical farming"),
        ("种业育种", "seed breeding"),
        ("水产养殖监测", "aquaculture monitoring"),
    ],
    "environment": [
        ("碳捕集", "carbon capture"),
        ("工业废水处理", "industrial wastewater treatment"),
        ("固废资源化", "solid waste recycling"),
        ("大气污染监测", "air pollution monitoring"),
    ],
    "consumer": [
        ("新式茶饮", "new-style tea drinks"),
        ("宠物智能硬件", "smart pet devices"),
        ("预制菜", "ready-to-cook meals"),
        ("国潮美妆", "guochao cosmetics"),
    ],
    "other": [
        ("低空经济", "low-altitude economy"),
        ("商业航天", "commercial spaceflight"),
        ("海洋装备", "marine equipment"),
    ],
}

PRODUCTS: list[tuple[str, str]] = [
    ("电芯", "cells"),
    ("模组", "modules"),
    ("平台", "platform"),
    ("系统", "system"),
    ("解决方案", "solution"),
    ("装备", "equipment"),
    ("材料", "materials"),
    ("研发中心", "R&D centre"),
    ("产业化项目", "industrialisation project"),
]
QUALIFIERS: list[tuple[str, str]] = [
    ("高能量密度", "high energy density"),
    ("低成本", "low-cost"),
    ("国产化", "domestically made"),
    ("高可靠", "high-reliability"),
    ("智能化", "intelligent"),
    ("绿色", "green"),
    ("新一代", "next-generation"),
    ("微型", "miniature"),
]
APPLICATIONS: list[tuple[str, str]] = [
    ("新能源汽车", "electric vehicles"),
    ("储能电站", "grid storage"),
    ("数据中心", "data centres"),
    ("医院", "hospitals"),
    ("工厂", "factories"),
    ("消费电子", "consumer electronics"),
    ("轨道交通", "rail transit"),
    ("农业园区", "agricultural parks"),
    ("航空航天", "aerospace"),
]
REGIONS: list[str] = [
    "Zhejiang", "Jiangsu", "Guangdong", "Shanghai", "Beijing", "Anhui", "Shandong", "Sichuan",
    "Hubei", "Fujian", "Hunan", "Shaanxi", "Tianjin", "Chongqing", "Henan", "Liaoning",
    "Jiangxi", "Hebei", "Yunnan", "Guangxi", "Hong Kong", "Singapore",
]  # fmt: skip
CITIES: list[tuple[str, str]] = [
    ("金华", "Jinhua"),
    ("杭州", "Hangzhou"),
    ("苏州", "Suzhou"),
    ("深圳", "Shenzhen"),
    ("合肥", "Hefei"),
    ("成都", "Chengdu"),
    ("武汉", "Wuhan"),
    ("宁波", "Ningbo"),
    ("无锡", "Wuxi"),
    ("常州", "Changzhou"),
]
STAGES = ["idea", "prototype", "seed", "series_a", "series_b_plus", "growth"]
VISIBILITIES = ["teaser_public"] * 4 + ["full_subscribers"] * 4 + ["full_on_introduction"] * 2
CURRENCIES = ["CNY"] * 8 + ["USD", "HKD"]


@dataclass(frozen=True, slots=True)
class GeneratedProject:
    name_en: str
    name_zh: str
    summary_en: str
    summary_zh: str
    sector: str
    stage: str
    region: str
    funding_sought: int
    currency: str
    visibility: str
    withdrawn: bool


def generate(count: int, seed: int) -> Iterator[GeneratedProject]:
    rng = random.Random(seed)
    sectors = list(TECHNOLOGIES)
    for number in range(count):
        sector = rng.choice(sectors)
        tech_zh, tech_en = rng.choice(TECHNOLOGIES[sector])
        product_zh, product_en = rng.choice(PRODUCTS)
        qualifier_zh, qualifier_en = rng.choice(QUALIFIERS)
        city_zh, city_en = rng.choice(CITIES)
        app_zh, app_en = rng.choice(APPLICATIONS)
        other_zh, other_en = rng.choice(TECHNOLOGIES[rng.choice(sectors)])
        code = f"{number:05d}"
        efficiency = rng.randint(12, 60)
        patents = rng.randint(3, 80)
        yield GeneratedProject(
            name_en=f"{city_en} {qualifier_en} {tech_en} {product_en} {code}",
            name_zh=f"{city_zh}{qualifier_zh}{tech_zh}{product_zh}{code}",
            summary_en=(
                f"We build {qualifier_en} {tech_en} {product_en} for {app_en}, cutting costs by "
                f"{efficiency}% against imported products. The team holds {patents} patents and works with "
                f"partners in {other_en}."
            ),
            summary_zh=(
                f"团队研发面向{app_zh}的{qualifier_zh}{tech_zh}{product_zh}，成本较进口产品降低{efficiency}%。"
                f"已获授权专利{patents}项，并与{other_zh}领域的伙伴合作。"
            ),
            sector=sector,
            stage=rng.choice(STAGES),
            region=rng.choice(REGIONS),
            funding_sought=rng.choice([0, 1, 1, 1]) * rng.randint(5, 2000) * 100_000,
            currency=rng.choice(CURRENCIES),
            visibility=rng.choice(VISIBILITIES),
            withdrawn=rng.random() < 0.05,
        )
