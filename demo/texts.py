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


@dataclass(frozen=True)
class Content:
    """What a proposal says: its title, the problems it finds, the measures it asks for.
    ``retold``: a second proposer's words for the same matter (a paraphrase)."""

    title: Title
    problems: tuple[str, ...]
    measures: tuple[str, ...]
    retold: bool = False


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

    def content(self, title: Title) -> Content:
        """Two or three of the topic's problems and measures, and one of the category's."""
        rng = self.rng
        problems = rng.sample(names.TOPIC_PROBLEMS[title.topic], rng.choice([2, 2, 3]))
        measures = rng.sample(names.TOPIC_MEASURES[title.topic], 2)
        measures.insert(rng.randint(0, 2), rng.choice(names.MEASURES[title.category]))
        return Content(title, tuple(problems), tuple(measures))

    def retold(self, content: Content) -> Content:
        """The same matter in another proposer's words: a new title, the problems in
        another order, the measures reordered with one left out, near synonyms."""
        rng = self.rng
        swaps = rng.sample(names.SYNONYMS, 4)

        def reword(text: str) -> str:
            for old, new in swaps:
                text = text.replace(old, new)
            return text

        title = content.title
        stem = reword(title.stem)
        prefix = rng.choice(["进一步", "加快", "切实", "着力", ""])
        retitled = Title(f"关于{prefix}{stem}的建议", title.category, title.topic, stem)
        if retitled.text == title.text:
            retitled = Title(f"关于{stem}的几点建议", title.category, title.topic, stem)
        problems = [reword(p) for p in reversed(content.problems)]
        measures = [reword(m) for m in content.measures]
        rng.shuffle(measures)
        if len(measures) > 2 and rng.random() < 0.6:
            measures.pop()
        return Content(retitled, tuple(problems), tuple(measures), retold=True)

    def background(self, content: Content, place: str = "我市") -> str:
        title, problems = content.title, "、".join(content.problems)
        if content.retold:
            return (
                f"调研发现，{place}在{title.stem}方面仍面临{problems}等突出短板。"
                f"{title.topic}关系民生福祉和长远发展，亟须统筹研究解决。"
            )
        return (
            f"{title.topic}事关高质量发展和群众切身利益。近年来，{place}围绕{title.stem}"
            f"做了大量工作，取得积极成效。但调研发现，仍存在{problems}"
            "等问题，需要进一步研究解决。"
        )

    def suggestions(self, content: Content) -> str:
        ordinals = "一二三四五"
        return "；".join(f"{ordinals[i]}是{m}" for i, m in enumerate(content.measures)) + "。"

    def reply_text(self, title: str, classification: str) -> str:
        return (
            f"您提出的《{title}》收悉。经认真研究，现答复如下：我单位高度重视，"
            f"结合职责进行了专题研究。{names.REPLY_CONCLUSIONS[classification]}"
            "感谢您对我市工作的关心和支持。"
        )


# ---- one committee's reference data -----------------------------------------------------------
