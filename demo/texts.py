"""Names and texts of the demo's people, units and proposals."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from demo import names
from demo.figures import FILED_BY_CATEGORY_2023


@dataclass(frozen=True)
class Title:
    text: str
    category: str
    topic: str
    stem: str


class Namer:
    """People's names (unique in the world), proposal titles and their texts."""

    def __init__(self, rng: random.Random, reserved: Sequence[str] = ()) -> None:
        self.rng = rng
        self.used: set[str] = set(reserved)

    def person(self) -> str:
        rng = self.rng
        while True:
            given = rng.choice(names.GIVEN_FIRST)
            if rng.random() < 0.85:
                given += rng.choice(names.GIVEN_SECOND)
            name = rng.choice(names.SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name

    def phone(self) -> str:
        return "13" + "".join(str(self.rng.randint(0, 9)) for _ in range(9))

    def category(self) -> str:
        cats = list(FILED_BY_CATEGORY_2023)
        return self.rng.choices(cats, weights=list(FILED_BY_CATEGORY_2023.values()))[0]

    def title(self, category: str, place: str = "我市") -> Title:
        rng = self.rng
        topics = names.TITLE_STEMS[category]
        topic = rng.choice(list(topics))
        stems = topics[topic]
        stem = rng.choice(stems)
        text = stem
        if rng.random() < 0.2:
            text = f"{stem}、{rng.choice([s for s in stems if s != stem])}"
        prefix = rng.choice(names.TITLE_PREFIXES).replace("我市", place)
        suffix = rng.choice(names.TITLE_SUFFIXES)
        return Title(f"关于{prefix}{text}的{suffix}", category, topic, stem)

    def similar(self, other: Title) -> Title:
        """A title on the same matter, as proposals that end up merged (并案) have."""
        for prefix in ("进一步", "加快", "切实", "着力"):
            text = f"关于{prefix}{other.stem}的建议"
            if text != other.text:
                return Title(text, other.category, other.topic, other.stem)
        return Title(f"关于{other.stem}的几点建议", other.category, other.topic, other.stem)

    def background(self, title: Title, place: str = "我市") -> str:
        problems = self.rng.sample(names.PROBLEMS[title.category], 2)
        return (
            f"{title.topic}事关高质量发展和群众切身利益。近年来，{place}围绕{title.stem}"
            f"做了大量工作，取得积极成效。但调研发现，仍存在{problems[0]}、{problems[1]}"
            "等问题，需要进一步研究解决。"
        )

    def suggestions(self, title: Title) -> str:
        measures = self.rng.sample(names.MEASURES[title.category], 3)
        return f"一是{measures[0]}；二是{measures[1]}；三是{measures[2]}。"

    def reply_text(self, title: str, classification: str) -> str:
        return (
            f"您提出的《{title}》收悉。经认真研究，现答复如下：我单位高度重视，"
            f"结合职责进行了专题研究。{names.REPLY_CONCLUSIONS[classification]}"
            "感谢您对我市工作的关心和支持。"
        )


# ---- one committee's reference data -----------------------------------------------------------
