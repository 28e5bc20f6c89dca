"""The terms that describe a proposal, and their weights.

A proposal is described by the words jieba finds (养老, 居家养老, 新能源汽车: a long one
makes a match specific) and the character pairs inside the longer words (robust to words
split differently and to synonyms sharing a character: 居家养老 also gives 居家, 家养,
养老). Pairs with a function character (的, 和, 在 …) and the words of ``stopwords.txt``
(the 关于…的提案 boilerplate, 进一步加强 …) are dropped; the title counts three times.

Weights are tf-idf: ``(1 + log tf) · idf`` with ``idf = log((N + 1) / (df + 1)) + 1``
from the last training's document frequencies; a proposal keeps its ``DOCUMENT_TERMS``
strongest terms, a query its ``QUERY_TERMS``, each vector scaled to unit length so that
a dot product is the cosine.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

from proposals.models.text import TERM_LENGTH
from proposals.search import tokenizer

STOPWORDS_FILE = Path(__file__).with_name("stopwords.txt")
FUNCTION_CHARACTERS = frozenset(
    "的了和与及在是对为等把被将而并或其之这那也都就要有以于中个些着从向"
)
CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
LATIN_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
TITLE_TIMES = 3
DOCUMENT_TERMS = 48
QUERY_TERMS = 32
# A term in more than this share of the proposals is the corpus's boilerplate (套话 the
# stop-word list does not know yet): it says nothing and its postings are the longest.
COMMON_SHARE = 0.2
COMMON_FROM = 200  # ... once there are this many proposals to tell

Vector = dict[str, float]


@cache
def stopwords() -> frozenset[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@cache
def _stopword_pattern() -> re.Pattern:
    longest_first = sorted(stopwords(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, longest_first)))


def terms(text: str) -> Iterator[str]:
    """The terms of ``text``, repeated as often as they occur: each word jieba finds, and
    the character pairs inside the longer ones (a pair across two words says nothing). A
    stop-word is cut out first, so 进一步加强 leaves no 一步 or 步加 behind."""
    text = _stopword_pattern().sub(" ", (text or "").lower())
    for word in tokenizer().cut(text):
        if CJK_RUN.fullmatch(word):
            if len(word) > 2:
                for i in range(len(word) - 1):
                    pair = word[i : i + 2]
                    if pair[0] not in FUNCTION_CHARACTERS and pair[1] not in FUNCTION_CHARACTERS:
                        yield pair
            if 2 <= len(word) <= TERM_LENGTH and word[0] not in FUNCTION_CHARACTERS:
                yield word
        elif LATIN_WORD.fullmatch(word) and len(word) <= TERM_LENGTH:
            yield word


def counts(title: str, body: str) -> Counter[str]:
    """How often each term occurs, the title's counted ``TITLE_TIMES``."""
    found = Counter(terms(body))
    for term in terms(title):
        found[term] += TITLE_TIMES
    return found


def idf(documents: int, frequency: int) -> float:
    return math.log((documents + 1) / (frequency + 1)) + 1.0


def vector(
    found: Mapping[str, int], frequencies: Mapping[str, int], documents: int, keep: int
) -> Vector:
    """The ``keep`` strongest tf-idf weights of ``found``, scaled to unit length; a term
    never seen in training counts as seen once, a common one (``COMMON_SHARE``) not at all."""
    common = COMMON_SHARE * documents if documents >= COMMON_FROM else math.inf
    weights = {
        term: (1.0 + math.log(tf)) * idf(documents, frequencies.get(term, 1))
        for term, tf in found.items()
        if frequencies.get(term, 1) <= common
    }
    strongest = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))[:keep]
    norm = math.sqrt(sum(w * w for _, w in strongest)) or 1.0
    return {term: w / norm for term, w in strongest}


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(term, 0.0) for term, w in a.items())
