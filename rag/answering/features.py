"""Generic features of a candidate sentence, and of a mention in it, for one question.

Nothing here knows an article: each feature measures how a sentence relates to the
question through the question's words (lemmas, stems, the bilingual dictionary), the kind
of thing asked against the sentence's mentions, the roles of the parse against the role
asked, negation and absence, the question's names nearby, and retrieval's own scores. The
weights that combine them are fitted on data (``rag.answering.scoring``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from rag.answering.candidates import Candidate, dateline_end, meets, name_met, precision_ok
from rag.answering.corpus import CorpusView
from rag.answering.question import Question, Term, noun_kind
from rag.corpus_index import NAME_KINDS
from rag.lexical import analyze
from rag.schemas import Mention, Predicate

SENTENCE_FEATURES = (
    "cov",  # idf-weighted share of the question's words the sentence meets
    "cov_asked",  # the same for the words outside the names the question gives
    "cov_asked_win",  # ... met in the sentence or a neighbour
    "names",  # share of the question's names met in the sentence
    "names_win",  # ... in the sentence or a neighbour
    "names_doc",  # ... anywhere in the document
    "missing_rare",  # how specific the most specific asked word that is not met nearby is
    "dense",  # the passage's dense (cosine) score
    "keyword",  # the passage's keyword score over the context's best
    "rank",  # 1 / the passage's rank
    "typed",  # the question wants a kind of thing (person, number, date, place, name)
    "has_option",  # the sentence holds such a thing that the question does not give
    "option_near",  # how close the nearest such thing is to an asked word
    "focus",  # the asked noun (what is counted, the class asked for) is next to one
    "role",  # one fills the asked role of a verb the question uses (parse)
    "verb",  # the sentence has a verb the question uses
    "negated",  # the best such thing is negated or absent ("en l'absence de X")
    "verb_negated",  # the question's verb is negated in the sentence, not in the question
    "precision",  # when: the date is as precise as asked (a day for "quel jour")
    "reason",  # why: the sentence gives a reason or a purpose
    "lead",  # one of the document's first two sentences
    "position",  # where in the document (0 first, 1 last)
    "length",  # log length
    "doc",  # the document's best passage score over the context's best
    "local",  # share of the asked words met within reach of the best such thing
    "neighbour_option",  # no such thing here, but one in a neighbouring sentence
    "no_option",  # the question wants a kind of thing and the sentence has none
    "focus_missing",  # the asked noun qualifies none of the things the sentence holds
    "swapped",  # the question's doer is not the doer of the sentence's verb, another name is
    "attached",  # one depends on a word the question uses
    "doc_missing",  # idf-weighted share of the asked words the whole document never meets
    "doc_missing_rare",  # how specific the most specific of them is
)
# What the confidence model reads: whether anything in the context is about the question
# at all. Few features on purpose: with every sentence feature it fitted the fit questions
# and generalised worse (out-of-fold AUC 0.64 against 0.93 for off-topic questions).
CONFIDENCE_FEATURES = (
    "best_cov",  # the best coverage of the question among all candidates
    "best_dense",  # the best passage dense score among them
    "doc_missing",  # share of the asked words the best candidate's document never meets
    "best_names",  # the best share of the question's names any candidate's document has
    "unknown_names",  # share of the question's names no article of the corpus ever uses
    "all_unknown",  # the question gives names and the corpus uses none of them
    "share",  # the best candidate's share of the ranker's softmax
    "margin",  # its lead over the second
    "uncounted",  # how many: no number of the best sentences counts the asked noun
)
MENTION_FEATURES = (
    "near",  # closeness to the nearest asked word
    "role",  # fills the asked role of a verb the question uses
    "focus",  # the asked noun is its head, its unit, or right before it
    "negated",
    "preferred",  # the kind the question type wants first (a person for who)
    "first",  # the first such mention of the sentence
    "in_subject",  # in the sentence's first subject
    "attached",  # depends on a word the question uses ("signé le 2 mai" for "quand signé")
    "other_unit",  # a number that counts something else than the asked noun ("6,9 séismes"
    # for "combien de morts", "deux chefs" for "combien d'accords")
    "with_name",  # an argument of a verb another of whose arguments is a name the question
    # gives ("the U.S. Geological Survey measured it at 6.7")
    "dateline",  # in the dateline opening the sentence ("Paris, France | AFP | mardi -")
)
# Reasons and purposes: connectives, a generic language resource.
_REASON = re.compile(
    r"\b(?:afin (?:de|d['’]|que)|dans l['’]espoir|parce qu|car\b|en raison d|pour (?:que|qu['’])|"
    r"pour [a-zéè]+(?:er|ir|re)\b|à cause d|grâce à|suite à|du fait d|faute d|because|"
    r"in order to|so that|due to|owing to|thanks to|in the hope|as a result of|after|"
    r"since\b|en vue d)",
    re.IGNORECASE,
)
# The nouns that ask for a kind of number: a percentage answers "what percentage", an amount
# of money "how much money" (generic words, both languages).
_KIND_WORDS = {
    "PERCENT": frozenset(analyze("pourcentage percentage percent pourcent taux rate part share")),
    "MONEY": frozenset(analyze("montant amount somme sum money argent prix price coût cost")),
}
# words that count people of any kind: a count of them meets a question counting a kind of
# person, "150 personnes" for "combien de gens", "killed 74 people" for "how many dead"
_PEOPLE = frozenset(analyze("people persons person personnes gens individus individuals"))
# what a measure is counted in, a generic resource: "3,25 mètres" answers "what height",
# "85 kg" "quel poids" (the measure's nouns, then its units, both languages)
_MEASURES = tuple(
    (frozenset(analyze(nouns)), frozenset(analyze(units)))
    for nouns, units in (
        (
            "height hauteur level niveau depth profondeur length longueur distance width "
            "largeur altitude",
            "mètre mètres metre metres meter meters centimètre centimètres centimetres "
            "kilomètre kilomètres kilometre kilometres kilometers km cm mm mile miles foot feet "
            "pied pieds inch inches pouce pouces",
        ),
        (
            "weight poids masse mass",
            "kilo kilos kilogramme kilogrammes kilogram kilograms kg gramme grammes gram grams "
            "tonne tonnes ton tons pound pounds livre livres",
        ),
        ("temperature température", "degré degrés degree degrees"),
        ("area superficie surface", "hectare hectares acre acres"),
        ("age âge", "an ans year years année années"),
    )
)
NEAR_CHARS = 60.0
# a coordinating conjunction: a whole word ("Sept protocoles et accords"), or found in the
# text between two coordinated names (spans)
CONJUNCTION = re.compile(r"\b(?:et|and|ou|or|ainsi que|as well as)\b|&", re.IGNORECASE)
LOCAL_CHARS = 80
FOCUS_WORDS_BEFORE = 4  # "le ministre de l'Économie Antoine Armand", "referee Martin Atkinson"


def _indexed(token: str) -> bool:
    """A token of the keyword index (not an English stem or a skeleton, which it lacks)."""
    return not token.startswith(("en:", "#"))


def idf_weights(q: Question, corpus: CorpusView) -> dict[str, float]:
    """Each question word's weight: the idf of its rarest index token."""
    return {
        t.word: max(
            (corpus.idf(x) for x in t.tokens | t.translations if _indexed(x)),
            default=0.0,
        )
        for t in q.terms
    }


def coverage(terms: Sequence[Term], tokens: set[str], weights: dict[str, float]) -> float:
    total = sum(weights.get(t.word, 0.0) for t in terms)
    hit = sum(weights.get(t.word, 0.0) * meets(t, tokens) for t in terms)
    return hit / total if total else 0.0


def sentence_features(
    q: Question,
    c: Candidate,
    corpus: CorpusView,
    weights: dict[str, float],
    doc_tokens: set[str],
    top_keyword: float,
    doc_score: float = 1.0,
) -> dict[str, float]:
    asked = q.asked
    f: dict[str, float] = dict.fromkeys(SENTENCE_FEATURES, 0.0)
    f["cov"] = coverage(q.terms, c.tokens, weights)
    f["cov_asked"] = coverage(asked, c.tokens, weights)
    f["cov_asked_win"] = coverage(asked, c.window_tokens, weights)
    if q.names:
        nw = [max((corpus.idf(t) for t in n.tokens), default=1.0) or 1.0 for n in q.names]
        total = sum(nw)
        f["names"] = (
            sum(w * name_met(n, c.tokens) for n, w in zip(q.names, nw, strict=True)) / total
        )
        f["names_win"] = (
            sum(w * name_met(n, c.window_tokens) for n, w in zip(q.names, nw, strict=True)) / total
        )
        f["names_doc"] = (
            sum(w * name_met(n, doc_tokens) for n, w in zip(q.names, nw, strict=True)) / total
        )
    else:
        f["names"] = f["names_win"] = f["names_doc"] = 1.0
    missing = [weights.get(t.word, 0.0) for t in asked if not meets(t, c.window_tokens)]
    top = max(weights.values(), default=1.0) or 1.0
    f["missing_rare"] = max(missing, default=0.0) / top
    absent = [weights.get(t.word, 0.0) for t in asked if not meets(t, doc_tokens)]
    total = sum(weights.get(t.word, 0.0) for t in asked)
    f["doc_missing"] = sum(absent) / total if total else 0.0
    f["doc_missing_rare"] = max(absent, default=0.0) / top
    p = c.passage
    f["dense"] = max(p.dense_score or 0.0, 0.0)
    f["keyword"] = (p.keyword_score or 0.0) / top_keyword if top_keyword else 0.0
    f["rank"] = 1.0 / max(p.rank, 1)
    f["typed"] = float(bool(q.expects))
    f["lead"] = float(0 <= c.index < 2)
    f["position"] = c.index / max(c.doc_size - 1, 1) if c.index >= 0 else 0.5
    f["doc"] = doc_score
    f["neighbour_option"] = float(bool(q.expects) and not c.options and bool(c.neighbour_options))
    f["no_option"] = float(bool(q.expects) and not c.options)
    f["length"] = math.log1p(len(c.text)) / 6.0
    f["reason"] = float(q.qtype == "why" and bool(_REASON.search(c.text)))
    verbs = matched_predicates(q, c)
    f["verb"] = float(bool(verbs))
    f["verb_negated"] = float(any(v.negated for v in verbs) and not q.negated)
    f["swapped"] = float(_swapped(q, c, verbs))
    if c.options:
        ranked = [mention_features(q, c, m, verbs) for m in c.options]
        f["has_option"] = 1.0
        f["option_near"] = max(r["near"] for r in ranked)
        f["focus"] = max(r["focus"] for r in ranked)
        f["focus_missing"] = float(q.focus is not None and f["focus"] == 0.0)
        f["role"] = max(r["role"] for r in ranked)
        f["attached"] = max(r["attached"] for r in ranked)
        best = max(range(len(ranked)), key=lambda i: ranked[i]["score_hint"])
        f["local"] = _local(q, c, c.options[best], weights)
        # a negated or absent answer is right only for a negated question ("not vaccinated")
        f["negated"] = abs(max(ranked, key=lambda r: r["score_hint"])["negated"] - q.negated)
        if q.qtype == "when":
            f["precision"] = max(precision_ok(q, m, _surface(c, m)) for m in c.options)
    return f


def _swapped(q: Question, c: Candidate, verbs: Sequence[Predicate]) -> bool:
    """The sentence's verb that the question uses has for doer another name of the question,
    not the one the question makes the doer ("did Ukraine launch" - "la Russie a tiré")."""
    if q.agent is None or len(q.names) < 2 or not verbs:
        return False
    text = c.text
    others = [n for n in q.names if n is not q.agent]
    for v in verbs:
        for role, a, b in v.args:
            if role != ("agent" if v.passive else "subj"):
                continue
            toks = set(analyze(text[max(a - c.start, 0) : b - c.start]))
            if not toks & q.agent.tokens and any(toks & n.tokens for n in others):
                return True
    return False


def _local(q: Question, c: Candidate, m: Mention, weights: dict[str, float]) -> float:
    """Idf-weighted share of the asked words met within ``LOCAL_CHARS`` of the mention."""
    total = sum(weights.get(t.word, 0.0) for t in q.asked)
    near = {t.word for pos, t in c.hits if _gap(m, pos) <= LOCAL_CHARS}
    return sum(weights.get(w, 0.0) for w in near) / total if total else 0.0


def unknown_names(q: Question, corpus: CorpusView) -> float:
    """Share of the question's names that no article uses, in any spelling ("Australia" in a
    corpus about Ukraine): a question about something the articles never mention."""
    if not q.names:
        return 0.0
    vocab = corpus.index.vocab
    return sum(not any(t in vocab for t in n.tokens) for n in q.names) / len(q.names)


COUNTED_POOL = 5  # the best sentences where a count of the asked noun is looked for


def counts_a_noun(q: Question) -> bool:
    """The question asks how many of a noun ("how many fans", "combien de malades")."""
    return q.qtype == "how_many" and q.focus is not None


def confidence_features(
    scores: Sequence[float],
    shares: Sequence[float],
    rows: Sequence[dict[str, float]],
    unknown: float = 0.0,
    counting: bool = False,
) -> dict[str, float]:
    """The confidence model's input: ranker scores and candidate features, best first.
    ``counting``: the question counts a noun ("how many fans", "combien de malades"), and
    a number that counts it in the best sentences is what answers it."""
    f = {name: rows[0].get(name, 0.0) for name in CONFIDENCE_FEATURES}
    f["uncounted"] = 0.0
    if counting:
        top = list(zip(shares, rows, strict=False))[:COUNTED_POOL]
        f["uncounted"] = 1.0 - max(share * r.get("focus", 0.0) for share, r in top)
    f["unknown_names"] = unknown
    f["all_unknown"] = float(unknown >= 1.0)
    f["margin"] = scores[0] - scores[1] if len(scores) > 1 else 5.0
    f["share"] = shares[0] if shares else 0.0
    f["best_cov"] = max(r.get("cov", 0.0) for r in rows)
    f["best_dense"] = max(r.get("dense", 0.0) for r in rows)
    f["best_names"] = max(r.get("names_doc", 0.0) for r in rows)
    return f


def matched_predicates(q: Question, c: Candidate) -> list[Predicate]:
    """The sentence's verbs that the question uses (by lemma, stem or translation)."""
    if c.annotation is None:
        return []
    out = []
    for pred in c.annotation.predicates:
        toks = set(analyze(pred.lemma))
        if any(meets(t, toks) for t in q.asked):
            out.append(pred)
    return out


def mention_features(
    q: Question, c: Candidate, m: Mention, verbs: Sequence[Predicate]
) -> dict[str, float]:
    f: dict[str, float] = dict.fromkeys(MENTION_FEATURES, 0.0)
    # the asked noun is what a count or a date is read beside (``focus``): their nearness is
    # to the other asked words ("40 maisons privées d'eau" for "combien de maisons sans eau",
    # "local time on Oct. 10" for "what time"); a name's is to any, its title too ("host
    # Frank Marl said" for "who was the host")
    named = m.kind in NAME_KINDS
    hits = [pos for pos, t in c.hits if q.focus is None or named or t.word != q.focus.word]
    hits = hits or [pos for pos, _ in c.hits]
    if hits:
        f["near"] = math.exp(-min(_gap(m, pos) for pos in hits) / NEAR_CHARS)
    # the doer (or the one acted upon) a "who" question asks for; for other questions the
    # parse's roles hold no answer of theirs more often than chance (fit data: 0 of 24)
    f["role"] = float(q.qtype == "who" and any(_in_role(q, m, v) for v in verbs))
    f["focus"] = _focus(q, c, m)
    f["negated"] = float(m.negated != q.negated)
    f["preferred"] = float(m.kind == (PREFERRED.get(q.qtype) or q.wants))
    first = next((x for x in c.options if x.kind == m.kind), None)
    f["first"] = float(first is m)
    f["in_subject"] = float(m.role == "subj")
    head = set(analyze(m.head)) if m.head else set()
    f["attached"] = float(bool(head) and any(meets(t, head) for t in q.asked))
    f["other_unit"] = float(
        q.focus is not None and m.kind == "NUM" and bool(m.unit) and not f["focus"]
        and not any(meets(q.focus, set(analyze(x))) for x in (m.unit or "").split())
    )  # fmt: skip
    f["with_name"] = _with_name(q, c, m)
    f["dateline"] = _in_dateline(c, m)
    f["score_hint"] = f["near"] + f["role"] + f["focus"] - f["negated"]
    return f


def _surface(c: Candidate, m: Mention) -> str:
    return c.text[max(m.start - c.start, 0) : m.end - c.start]


def _with_name(q: Question, c: Candidate, m: Mention) -> float:
    """The mention and a name the question gives are arguments of one verb."""
    if c.annotation is None or not q.names:
        return 0.0
    for v in c.annotation.predicates:
        if not any(a <= m.start and m.end <= b for _, a, b in v.args):
            continue
        for _, a, b in v.args:
            if a <= m.start and m.end <= b:
                continue
            words = analyze(c.text[max(a - c.start, 0) : b - c.start])
            toks = set(words)
            # the name is the argument, not a word deep in it ("with his counterparts from
            # Norland, Estria and Valmont" does not make Estria the verb's argument)
            if any(2 * len(toks & n.tokens) >= len(words) for n in q.names):
                return 1.0
    return 0.0


def _in_dateline(c: Candidate, m: Mention) -> float:
    """The mention sits in a dateline opening the sentence (place, agency, date)."""
    return float(m.end - c.start <= dateline_end(c.text))


# The kind a question type wants first (a person for "who"); "which" and "name" questions
# want the kind their asked noun denotes ("which agency": an organisation), if any. (A kind
# drawn from a set here once made answers depend on Python's hash seed.)
PREFERRED = {"who": "PER", "where": "LOC", "when": "DATE", "how_many": "NUM"}


def _gap(m: Mention, pos: int) -> float:
    if m.start <= pos < m.end:
        return 0.0
    return float(min(abs(pos - m.end), abs(m.start - pos)))


def _in_role(q: Question, m: Mention, v: Predicate) -> bool:
    """The mention fills the role the question asks of this verb: the doer (active subject,
    passive agent), for "who was appointed" / "whom" the one acted upon, for "with whom" /
    "à qui" a complement."""
    if q.oblique:
        want = {"obl", "iobj"}
    else:
        want = {"obj", "iobj"} if q.patient else {"subj", "agent"}
    # the argument that holds the mention, or else one it overlaps: the parser can cut a
    # name in two ("Le président Jean | Morvel a accueilli")
    held = [r for r, a, b in v.args if a <= m.start and m.end <= b]
    held = held or [r for r, a, b in v.args if a < m.end and m.start < b]
    if not held:
        return False
    role = held[0]
    if v.passive:
        role = {"subj": "obj", "agent": "subj"}.get(role, role)
    return role in want


# a determiner opening an apposition ("X, une habitante de", "Y, the host")
_APPOSITION = re.compile(
    r"^\s*,\s+(?:(?:un|une|le|la|les|the|a|an|son|sa|ses|his|her|its|their)\s+|l['’]\s*)?"
    r"([a-zà-ÿ][\w'’-]*(?:\s+[a-zà-ÿ][\w'’-]*)?)"
)


def _apposed(text: str) -> list[str]:
    """The words opening an apposition right after a name (", l'ancien maire de" -> ancien
    maire), where the noun that says what the name is stands."""
    m = _APPOSITION.match(text)
    return m.group(1).split() if m else []


# where the phrase before a mention stops: punctuation or a relative pronoun ("cette rivière,
# qui traverse la Marvelle": the river is not the Marvelle)
_CLAUSE_BREAK = re.compile(r"[,;:–—]|\b(?:qui|que|qu['’]|dont|où|who|whom|which|where)\b", re.I)


def _clause_tail(text: str) -> list[str]:
    """The last words before a mention, within its clause."""
    cut = 0
    for m in _CLAUSE_BREAK.finditer(text):
        cut = m.end()
    return text[cut:].split()[-FOCUS_WORDS_BEFORE:]


def _people(unit: str, asked: str, lang: str) -> bool:
    """One side counts people of any kind and the other a kind of person ("150 personnes"
    for "combien de gens", "1,2 million de visiteurs" for "how many people")."""
    unit_people, asked_people = set(analyze(unit)) & _PEOPLE, set(analyze(asked)) & _PEOPLE
    if unit_people and noun_kind(asked, lang) == "PER":
        return True
    return bool(asked_people) and "PER" in (noun_kind(unit, "fr"), noun_kind(unit, "en"))


def _measured(unit: str, asked: Term) -> bool:
    """The number's unit is one the asked measure is counted in ("mètres" for "height")."""
    units = set(analyze(unit))
    return any(
        units & measure_units and (asked.tokens | asked.translations) & nouns
        for nouns, measure_units in _MEASURES
    )


def _focus(q: Question, c: Candidate, m: Mention) -> float:
    """The asked noun qualifies the mention: its unit ("143 chevaux" for horses), its head
    ("le ministre X"), a word just before it ("referee Martin Atkinson") or, for a name, the
    common noun right after it ("the Davao Oriental province") or opening it ("lycée X")."""
    if q.focus is None:
        return 0.0
    toks: set[str] = set(_KIND_WORDS.get(m.kind, ()))
    # a number with a noun of its own counts that noun ("trente ans"), whatever the phrase
    # hangs on ("Habitante de Lerrain depuis trente ans" counts years, not residents)
    counted = m.kind == "NUM" and bool(m.unit)
    if counted and _people(m.unit or "", q.focus.word, q.lang):
        return 0.8  # as a translation meets it
    if counted and _measured(m.unit or "", q.focus):
        return 0.8
    for w in (m.unit,) if counted else (m.unit, m.head):
        if w:
            toks |= set(analyze(w))
    before = [] if counted else _clause_tail(c.text[: max(m.start - c.start, 0)])
    after = c.text[m.end - c.start :].split()[:4]
    if m.kind in ("NUM", "MONEY"):
        # the counted noun and, across a conjunction, the one it is coordinated with ("Sept
        # protocoles et accords")
        after = after[:3] if len(after) > 2 and CONJUNCTION.fullmatch(after[1]) else after[:2]
    else:  # a common noun right after a name ("the Davao Oriental province") or in an
        # apposition after it ("Hanna, une habitante de Dennemont")
        after = _apposed(c.text[m.end - c.start :]) or (
            after[:1] if after and after[0][:1].islower() else []
        )
    # a name that opens with its own common noun ("lycée Anne-Morvel", "rue Paul-Marchal")
    own = [] if m.kind in ("NUM", "MONEY", "PERCENT", "DATE") else _surface(c, m).split()[:1]
    toks |= set(analyze(" ".join(before + after + [w for w in own if w[:1].islower()])))
    return meets(q.focus, toks)
