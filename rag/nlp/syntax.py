"""Who did what to whom, read from the dependency parse.

The French pipeline speaks Universal Dependencies (nsubj, nsubj:pass, obl:agent, obj,
iobj, obl:mod...), the English one ClearNLP's (nsubj, nsubjpass, agent + pobj, dobj,
dative, prep + pobj, neg). Both are mapped onto one small set of roles: subj, agent, obj,
iobj, obl, appos, nmod, conj (resolved to the role of the first conjunct), other.
Negation comes from the clause's own words (neg, "ne ... pas"), absence from the frame a
phrase sits in ("en l'absence de X", "sans X", "without X", "X was absent"): the words of
those frames are closed-class resources (``rag.nlp.lexicon``), never names.
"""

from __future__ import annotations

from typing import Any

from rag.lexical import fold
from rag.nlp.lexicon import (
    ABSENCE_BEFORE,
    ABSENCE_NOUNS,
    ABSENT_PREDICATES,
    EXCLUSION_PREPOSITIONS,
    NEGATION_ADVERBS,
    NEGATION_PARTICLES,
    NEGATIVE_DETERMINERS,
    NEGATIVE_PRONOUNS,
)
from rag.schemas import Predicate

Token = Any  # spacy.tokens.Token, kept out of the imports: spaCy loads only at ingest

SUBJ = frozenset({"nsubj", "nsubj:pass", "nsubjpass", "csubj", "csubjpass", "csubj:pass"})
OBJ = frozenset({"obj", "dobj"})
OBL = frozenset({"obl", "obl:arg", "obl:mod", "obl:tmod", "npadvmod"})
NMOD = frozenset({"nmod", "poss", "nmod:poss"})
# inside one noun phrase: a name's parts, a number on its noun, a compound
INNER = frozenset(
    {"compound", "flat", "flat:name", "flat:foreign", "fixed", "nummod", "quantmod", "nmod:num"}
)
PASSIVE_MARKS = frozenset({"aux:pass", "auxpass", "nsubj:pass", "nsubjpass", "expl:pass"})
RELATIVE = frozenset({"acl:relcl", "relcl"})
FUTURE_AUX = frozenset({"will", "'ll", "shall", "wo"})


def outer(t: Token) -> Token:
    """The token that carries the phrase's role: up from a name part or a number."""
    while t.dep_ in INNER and t.head.i != t.i:
        t = t.head
    return t


def role_of(t: Token) -> tuple[str, Token | None]:
    """(role, governing token) of the phrase headed by ``t``."""
    t = outer(t)
    while t.dep_ == "conj" and t.head.i != t.i:
        t = outer(t.head)
    dep = t.dep_
    if dep == "pobj":
        prep = t.head
        if prep.dep_ == "agent":
            return "agent", prep.head
        if prep.dep_ == "dative":
            return "iobj", prep.head
        gov = prep.head
        return ("obl" if gov.pos_ in ("VERB", "AUX", "ADJ") else "nmod"), gov
    if dep == "ROOT" or t.head.i == t.i:
        return "other", None
    if dep in SUBJ:
        return "subj", t.head
    if dep == "obl:agent":
        return "agent", t.head
    if dep in OBJ:
        return "obj", t.head
    if dep in ("iobj", "dative"):
        return "iobj", t.head
    if dep in OBL:
        return "obl", t.head
    if dep == "appos":
        return "appos", t.head
    if dep in NMOD:
        return "nmod", t.head
    return "other", t.head


def clause_head(t: Token) -> Token:
    """The verb (or predicate adjective / noun with a copula) whose clause holds ``t``."""
    while t.head.i != t.i:
        if t.pos_ in ("VERB", "AUX") or any(c.dep_ == "cop" for c in t.children):
            return t
        t = t.head
    return t


def clause_negated(v: Token) -> bool:
    """ "not", "never", "n't"; "ne ... pas / jamais / plus / guère / point / rien"; for a verb
    under a negated one ("n'a pas pu venir"), that one's negation too. A "ne" alone is not a
    negation when it restricts ("ne compte que 12 membres") or is expletive, in a
    subjunctive clause ("craint qu'il ne parte")."""
    heads: tuple[Token, ...] = (v,)
    if v.dep_ == "xcomp":
        # "Il ne s'agit en aucun cas, a précisé la présidence, de déployer": the parse
        # hangs the infinitive on the reporting verb between commas, not on its clause
        heads = (v, v.head.head if _incise(v.head, v) else v.head)
    for head in heads:
        kids = list(head.children)
        for c in kids:
            word = fold(c.text)
            if c.dep_ == "neg" or (word in NEGATION_ADVERBS and c.dep_ == "advmod"):
                return True
            if word in NEGATIVE_PRONOUNS and c.dep_ in SUBJ | OBJ:
                return True
        if any(fold(c.text) in NEGATION_PARTICLES for c in kids):
            restrictive = any(
                g.dep_ == "mark" and fold(g.text) in ("que", "qu'", "qu’")
                for c in kids
                if c.pos_ not in ("VERB", "AUX")
                for g in c.children
            )
            if not restrictive and "Sub" not in head.morph.get("Mood"):
                return True
    return False


def _incise(h: Token, after: Token) -> bool:
    """``h`` is a reporting verb set between commas inside another clause ("…, a précisé la
    présidence, …"), and ``after`` comes past its closing comma."""
    if h.dep_ not in ("conj", "parataxis") or h.head.i >= h.i:
        return False
    commas = [c.i for c in h.children if c.text == ","]
    return any(i < h.i for i in commas) and any(h.i < i < after.i for i in commas)


def mention_negated(root: Token, before: str) -> bool:
    """A phrase in a negated clause, under a negative determiner, or in an absence frame.

    ``before`` is the sentence text before the phrase, for frames the parse attached elsewhere.
    """
    t = outer(root)
    if any(fold(c.text) in NEGATIVE_DETERMINERS for c in t.children):
        return True
    if _in_absence_frame(t):
        return True
    role, gov = role_of(t)
    if role == "subj" and gov is not None:
        complements = [gov, *(c for c in gov.children if c.dep_ in ("acomp", "attr"))]
        if any(fold(x.lemma_) in ABSENT_PREDICATES for x in complements):
            return True
    if clause_negated(clause_head(t)):
        return True
    return ABSENCE_BEFORE.search(before[-60:]) is not None


def _in_absence_frame(t: Token) -> bool:
    x = t
    for _ in range(4):
        if any(
            c.dep_ in ("case", "prep", "mark", "fixed") and fold(c.text) in EXCLUSION_PREPOSITIONS
            for c in x.children
        ):
            return True
        if x.dep_ == "pobj":
            prep = x.head
            if fold(prep.text) in EXCLUSION_PREPOSITIONS or fold(prep.head.text) in (
                EXCLUSION_PREPOSITIONS
            ):
                return True
            gov = prep.head
        else:
            gov = x.head
        if gov.i == x.i:
            return False
        if fold(gov.lemma_) in ABSENCE_NOUNS:
            return True
        if x.dep_ not in (INNER | NMOD | {"appos", "conj", "pobj"}):
            return False
        x = gov
    return False


def future(v: Token) -> bool:
    """The clause is in the future or the conditional ("se réuniront", "va se réunir",
    "will meet"). Past participles are not read as past: "attendue mi-avril" is ahead."""
    v = clause_head(v)
    if "Fut" in v.morph.get("Tense") or "Cnd" in v.morph.get("Mood"):
        return True
    if v.dep_ == "xcomp" and fold(v.head.lemma_) == "aller" and "Pres" in v.head.morph.get("Tense"):
        return True
    aux = [c for c in v.children if c.dep_ in ("aux", "aux:tense", "aux:pass", "auxpass")]
    return any(fold(a.text) in FUTURE_AUX or "Fut" in a.morph.get("Tense") for a in aux)


# --- predicates ---------------------------------------------------------------------------


def phrase(t: Token, base: int) -> tuple[int, int]:
    """Character span of the whole argument phrase (its subtree), without its preposition."""
    toks = [x for x in t.subtree if not x.is_space]
    while len(toks) > 1 and toks[0].dep_ in ("case", "mark", "prep", "agent"):
        toks = toks[1:]
    while len(toks) > 1 and toks[-1].is_punct:
        toks = toks[:-1]
    return base + toks[0].idx, base + toks[-1].idx + len(toks[-1].text)


def noun_core(n: Token, base: int) -> tuple[int, int]:
    """A noun with its left part and name parts, without its relative clause or appositions."""
    right = [n, *(c for c in n.rights if c.dep_ in INNER)]
    last = max((x.right_edge for x in right), key=lambda x: x.i)
    return base + n.left_edge.idx, base + last.idx + len(last.text)


def _arguments(v: Token, base: int) -> list[tuple[str, int, int]]:
    args: list[tuple[str, int, int]] = []
    for c in v.children:
        dep, target = c.dep_, c
        if dep in ("agent", "dative", "prep") and c.pos_ == "ADP":
            target = next((x for x in c.children if x.dep_ == "pobj"), None)
            if target is None:
                continue
        role = _ARG_ROLES.get(dep)
        if role is None:
            continue
        relative = target.tag_ in ("WDT", "WP") or "Rel" in target.morph.get("PronType")
        if relative and v.dep_ in RELATIVE:
            args.append((role, *noun_core(v.head, base)))
        else:
            args.append((role, *phrase(target, base)))
    return args


_ARG_ROLES = {
    **dict.fromkeys(SUBJ, "subj"),
    "obl:agent": "agent",
    "agent": "agent",
    **dict.fromkeys(OBJ, "obj"),
    "iobj": "iobj",
    "dative": "iobj",
    **dict.fromkeys(OBL, "obl"),
    "prep": "obl",
}


def is_passive(v: Token) -> bool:
    if any(c.dep_ in PASSIVE_MARKS for c in v.children):
        return True
    if any(c.dep_ in ("aux", "aux:tense") and c.lemma_ in ("avoir", "have") for c in v.children):
        return False  # a compound past hung on a noun ("une idée que Kiev a rejetée")
    participle = v.tag_ == "VBN" or (
        "Part" in v.morph.get("VerbForm") and "Past" in v.morph.get("Tense")
    )
    return v.dep_ == "acl" and participle


def predicates(doc: Any, base: int) -> list[Predicate]:
    """Every verb of a sentence (a spaCy ``Doc``) with its arguments; a verb with no subject
    of its own takes the one it shares: a conjoined or controlled verb's, or the noun a
    participle modifies ("X, nommé par Y")."""
    out: dict[int, Predicate] = {}
    for v in doc:
        if v.pos_ != "VERB":
            continue
        out[v.i] = Predicate(
            lemma=fold(v.lemma_),
            start=base + v.idx,
            end=base + v.idx + len(v.text),
            negated=clause_negated(v),
            passive=is_passive(v),
            args=_arguments(v, base),
        )
    for i, p in out.items():  # in order: a verb's head comes before its conjuncts
        if not any(r == "subj" for r, _, _ in p.args):
            p.args = _inherited_subject(doc[i], out, base) + p.args
    return list(out.values())


def _inherited_subject(
    v: Token, known: dict[int, Predicate], base: int
) -> list[tuple[str, int, int]]:
    head = v.head
    if head.i == v.i:
        return []
    if v.dep_ in ("conj", "xcomp"):
        if head.i in known:
            return [a for a in known[head.i].args if a[0] == "subj"][:1]
        return [("subj", *phrase(c, base)) for c in head.children if c.dep_ in SUBJ][:1]
    if v.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN", "PRON"):
        return [("subj", *noun_core(head, base))]
    return []
