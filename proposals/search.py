"""Chinese full-text search over proposals, without a database extension.

PostgreSQL's ``simple`` text configuration splits on spaces, and Chinese has none, so
the words are found here, with jieba (its dictionary ships in the package, plus the
committee's own terms in ``search_words.txt``, editable as data, and the handling units'
names): each proposal keeps a segmented ``search_document`` and a weighted
``search_vector`` (title and number ``A``, the text, proposer names and reply letters
``B``) behind a GIN index. A query is segmented the same way; every word must match
(``&``), ranked with ``ts_rank_cd``; fragments are highlighted with ``ts_headline``.

The document is rebuilt as soon as a saved proposal commits (every action saves it,
replies included; ``proposals.receivers``) and for everything by ``manage.py
reindex_search``. SQLite (the demo) keeps a plain
substring match.
"""

from __future__ import annotations

import html
import logging
import re
from functools import cache
from pathlib import Path

import jieba
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value

from proposals.models import Cosigner, Proposal, Reply

logger = logging.getLogger(__name__)
WORDS_FILE = Path(__file__).with_name("search_words.txt")
WORD = re.compile(r"\w+")
# Between two CJK characters a space only separates jieba's words: shown without it.
CJK = "\u3000-\u9fff\uff00-\uffef"
CJK_SPACE = re.compile(rf"(?<=[{CJK}>])\s+(?=[{CJK}<])")
MARK_START, MARK_STOP = "\x02", "\x03"  # ts_headline's markers, turned into <mark> after escaping


@cache
def tokenizer() -> jieba.Tokenizer:
    """jieba with the committee's words, once per process (``proposals.text`` shares it)."""
    made = jieba.Tokenizer()
    made.initialize()
    if WORDS_FILE.exists():
        made.load_userdict(str(WORDS_FILE))
    return made


def add_words(words) -> None:
    """Teach the segmenter names it should keep whole (handling units, places)."""
    segmenter = tokenizer()
    for word in words:
        if word:
            segmenter.add_word(word)


def words(text: str) -> list[str]:
    """Every word of ``text`` jieba finds, long ones and the words inside them (search
    mode: 养老服务体系 gives 养老, 服务, 体系 and 服务体系), lower-cased, no punctuation."""
    return [w.lower() for w in tokenizer().cut_for_search(text or "") if WORD.fullmatch(w)]


def query_words(text: str) -> list[str]:
    """The words a query must all match: the smallest ones (a query of 养老服务 asks for
    养老 and 服务, found in 居家养老服务 too), each once, in order."""
    found = list(dict.fromkeys(words(text)))
    return [w for w in found if not any(o != w and o in w for o in found)]


def segmented(text: str) -> str:
    return " ".join(words(text))


def readable(text: str) -> str:
    """``text`` split into its smallest words, in order, punctuation kept, each once — the
    document ``ts_headline`` marks words in (``words`` repeats a long word's parts)."""
    out = []
    for token in tokenizer().cut(text or ""):
        if token.isspace():
            continue
        parts = [w for w in tokenizer().cut_for_search(token) if w != token and w in token]
        smallest = [w for w in parts if not any(o != w and o in w for o in parts)]
        out.extend(smallest if "".join(smallest) == token else [token])
    return " ".join(out)


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


# ---- the index ------------------------------------------------------------------------------


def _texts(proposal: Proposal) -> tuple[str, str]:
    """(title, body) as searched: the title and number; the text, the proposer,
    organization and co-signers, and the replies."""
    people = [str(proposal.proposer) if proposal.proposer_id else ""]
    if proposal.organization_id:
        people.append(str(proposal.organization))
    people += Cosigner.objects.filter(proposal=proposal).values_list("member__name", flat=True)
    replies = Reply.objects.filter(assignment__proposal=proposal).values_list("content", flat=True)
    body = "\n".join(t for t in [proposal.background, proposal.suggestions, *people, *replies] if t)
    return f"{proposal.title} {proposal.number}".strip(), body


def reindex(proposal: Proposal) -> None:
    """Rebuild one proposal's search document (and vector, on PostgreSQL)."""
    title, body = _texts(proposal)
    fields: dict = {"search_document": readable(f"{title}\n{body}")}
    if on_postgresql():
        fields["search_vector"] = SearchVector(
            Value(segmented(title)), weight="A", config="simple"
        ) + SearchVector(Value(segmented(body)), weight="B", config="simple")
    Proposal.objects.filter(pk=proposal.pk).update(**fields)


def reindex_committed(proposal_id: int) -> None:
    """``reindex`` after a commit: a failure is logged, never the request's (the document
    stays as it was until the next save or ``manage.py reindex_search``)."""
    try:
        proposal = Proposal.objects.select_related("proposer", "organization").get(pk=proposal_id)
        reindex(proposal)
    except Exception:  # the change itself is committed: searching it can wait
        logger.warning("search document of proposal %s left as it was", proposal_id, exc_info=True)


# ---- querying -------------------------------------------------------------------------------


def _raw_query(text: str) -> SearchQuery | None:
    terms = query_words(text)
    if not terms:
        return None
    return SearchQuery(" & ".join(terms), search_type="raw", config="simple")


def matching(queryset: QuerySet, text: str) -> QuerySet:
    """The proposals of ``queryset`` matching ``text``, annotated with ``search_rank``."""
    text = (text or "").strip()
    if not text:
        return queryset
    if not on_postgresql():
        return queryset.filter(
            Q(title__icontains=text)
            | Q(number__icontains=text)
            | Q(background__icontains=text)
            | Q(suggestions__icontains=text)
        )
    query = _raw_query(text)
    if query is None:  # nothing but punctuation: nothing matches
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    return queryset.filter(search_vector=query).annotate(
        search_rank=SearchRank(F("search_vector"), query, cover_density=True)
    )


def ranked(text: str | None) -> bool:
    """Whether a list filtered by ``text`` is ordered by relevance (``search_rank``)."""
    return bool((text or "").strip()) and on_postgresql()


def with_headlines(queryset: QuerySet, text: str) -> QuerySet:
    """Annotate ``search_headline``: up to two fragments with the matched words marked."""
    query = _raw_query(text) if on_postgresql() and text else None
    if query is None:
        return queryset
    return queryset.annotate(
        search_headline=SearchHeadline(
            "search_document",
            query,
            config="simple",
            start_sel=MARK_START,
            stop_sel=MARK_STOP,
            max_fragments=2,
            max_words=24,
            min_words=8,
            fragment_delimiter=" … ",
        )
    )


def headline_html(headline: str | None) -> str:
    """A headline as safe HTML: the text escaped, the markers made ``<mark>``, and the
    spaces between Chinese words removed."""
    if not headline:
        return ""
    text = html.escape(headline).replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    return CJK_SPACE.sub("", text)
