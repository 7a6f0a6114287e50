"""Who did what to whom: a claim's doers and the ones it acts upon, against the parse of the
passage it cites (stored at ingest). A doer made the one acted upon, a named doer the passage
gives another verb, a person the passage says was absent made to act; the claim itself is
read by its own parse where a pipeline is loaded, by word order where none is."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rag.answering import bilingual
from rag.answering.claim_text import (
    LIGHT_VERBS,
    REPORTING_SET,
    Cited,
    hay_words,
    meets,
    text_words,
    translated_tokens,
)
from rag.answering.states import adjective_states, states_in
from rag.lexical import QueryWord, analyze, fold
from rag.schemas import Predicate, SentenceAnnotation


def cited_predicates(qwords: Sequence[QueryWord], cited: Cited) -> list[tuple[Predicate, int]]:
    """The cited sentences' verbs that a claim word meets (by lemma, stem or translation),
    with the index of their sentence."""
    out = []
    for i, ann in enumerate(cited.annotations):
        if ann is None:
            continue
        for p in ann.predicates:
            toks = set(analyze(p.lemma))
            if toks and any(w.tokens & toks or w.translations & toks for w in qwords):
                out.append((p, i))
    return out


def reversed_roles(
    claim: str,
    qwords: Sequence[QueryWord],
    names: Sequence[tuple[str, list[QueryWord]]],
    verbs: Sequence[tuple[Predicate, int]],
    cited: Cited,
) -> bool:
    """Who did what to whom is the other way round: around the verb the claim shares with
    the passage, the claim's doer is the passage's patient, or its patient the doer.

    On each side the doer is the nearest name before the verb, the patient the first after
    it, swapped when the verb is passive with its agent after it ("accueilli par X",
    "was welcomed by X"). The passage's names and voice come from the parse stored at
    ingest; the claim is read by word order alone (no pipeline is loaded at query time).
    """
    if len(names) < 2 or not verbs:  # ``names``: the claim's, days and months left out
        return False
    folded = fold(claim)
    claim_spans = [(m.start(), m.end(), ws) for (_, ws), m in _locate(claim, names)]
    for pred, i in verbs:
        ann = cited.annotations[i]
        if ann is None:
            continue
        at = _verb_position(folded, qwords, set(analyze(pred.lemma)))
        if at is None:
            continue
        c_doer, c_patient = _sides(claim, at, [(a, b) for a, b, _ in claim_spans])
        doc = cited.doc_texts[i]
        p_names = [
            (m.start, m.end)
            for m in ann.mentions
            if m.kind in ("PER", "ORG", "LOC", "MISC") and not (m.start <= pred.start < m.end)
        ]
        p_doer, p_patient = _sides(doc, pred.start, p_names, pred.end, pred.passive)
        c_doer_ws = next((ws for a, b, ws in claim_spans if (a, b) == c_doer), None)
        c_patient_ws = next((ws for a, b, ws in claim_spans if (a, b) == c_patient), None)
        pd = set(analyze(doc[p_doer[0] : p_doer[1]])) if p_doer else set()
        pp = set(analyze(doc[p_patient[0] : p_patient[1]])) if p_patient else set()
        if not pd or not pp or pd == pp:
            continue
        doer_swapped = c_doer_ws is not None and _is(c_doer_ws, pp) and not _is(c_doer_ws, pd)
        patient_swapped = (
            c_patient_ws is not None and _is(c_patient_ws, pd) and not _is(c_patient_ws, pp)
        )
        if doer_swapped or patient_swapped:
            return True
    return False


_AGENT = re.compile(r"\s*(?:[\w'’-]+\s+){0,6}?(?:by|par)\b", re.IGNORECASE)
_PASSIVE_AUX = re.compile(
    r"\b(?:was|were|been|being|is|are|be|été|est|sont|sera|seront|fut|furent)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)


def _sides(
    text: str,
    at: int,
    spans: Sequence[tuple[int, int]],
    verb_end: int | None = None,
    passive: bool | None = None,
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(doer, patient) spans around the verb at ``at`` by word order and voice (``passive``
    from the parse when known; else read off an auxiliary before the verb)."""
    word = re.match(r"[\w'’-]*", text[at:])
    end = verb_end if verb_end is not None else at + len(word.group() if word else "")
    before = [s for s in spans if s[1] <= at]
    after = [s for s in spans if s[0] >= end]
    agent = _AGENT.match(text, end)
    if passive is None:
        passive = bool(_PASSIVE_AUX.search(text[max(0, at - 40) : at]))
    if passive and agent:
        by = [s for s in after if s[0] >= agent.end() - 3]
        return (by[0] if by else None), (before[-1] if before else None)
    return (before[-1] if before else None), (after[0] if after else None)


def _is(ws: Sequence[QueryWord], toks: set[str]) -> bool:
    return any(meets(w, toks) for w in ws)


def _locate(claim: str, names: Sequence[tuple[str, list[QueryWord]]]) -> list:
    out = []
    start = 0
    for text, ws in names:
        k = claim.find(text, start)
        if k < 0:
            continue
        m = re.compile(re.escape(text)).search(claim, k)
        if m:
            out.append(((text, ws), m))
            start = m.end()
    return out


def _verb_position(folded: str, qwords: Sequence[QueryWord], lemma: set[str]) -> int | None:
    for w in qwords:
        if w.tokens & lemma or w.translations & lemma:
            m = re.search(r"\b" + re.escape(w.word) + r"\b", folded)
            if m:
                return m.start()
    return None


def absent_actors(
    claim: str,
    names: Sequence[tuple[str, list[QueryWord]]],
    cited: Cited,
    parsed: SentenceAnnotation | None = None,
    lang: str = "en",
) -> list[str]:
    """The claim's names that the passage mentions only as absent or excluded ("en l'absence
    de Marco Rubio") and that the claim makes do what the passage's verb says ("Rubio
    attended"): a person given an action the passage denies. A claim that says why the person
    was away ("held back in his country") gives no such action. Without the claim's parse,
    any such name counts."""
    out = []
    for text, ws in names:
        seen = absent = False
        for ann, doc in zip(cited.annotations, cited.doc_texts, strict=True):
            for m in ann.mentions if ann else []:
                if m.kind not in ("PER", "ORG", "MISC", "LOC"):
                    continue
                toks = set(analyze(doc[m.start : m.end]))
                if any(meets(w, toks) for w in ws):
                    seen = True
                    absent = absent or m.negated
        if seen and absent and (parsed is None or _acts(claim, ws, parsed, cited, lang)):
            out.append(text)
    return out


def _acts(
    claim: str, ws: Sequence[QueryWord], parsed: SentenceAnnotation, cited: Cited, lang: str
) -> bool:
    """The name is the doer of a claim verb that translates a verb of the passage."""
    for c, _, _ in paired_predicates(claim, lang, parsed, cited):
        for role, a, b in c.args:
            if role == ("agent" if c.passive else "subj"):
                if any(meets(w, set(analyze(claim[a:b]))) for w in ws):
                    return True
    return False


def paired_predicates(
    claim: str, lang: str, parsed: SentenceAnnotation, cited: Cited
) -> list[tuple[Predicate, Predicate, int]]:
    """(claim verb, passage verb, its sentence) for the verbs that translate each other."""
    out = []
    for c in parsed.predicates:
        if fold(c.lemma) in LIGHT_VERBS:
            continue
        mine = translated_tokens(c.lemma, lang)
        for i, ann in enumerate(cited.annotations):
            for p in ann.predicates if ann else []:
                if mine & translated_tokens(p.lemma, cited.languages[i]):
                    out.append((c, p, i))
    return out


def mismatched_polarity(
    claim_predicates: Sequence[Predicate], pairs: Sequence[tuple[Predicate, Predicate, int]]
) -> bool:
    """Some verb of the claim is paired only with passage verbs of the other polarity."""
    for c in claim_predicates:
        mine = [p for cc, p, _ in pairs if cc is c]
        if mine and all(p.negated != c.negated for p in mine):
            return True
    return False


_BY = re.compile(r"\b(?:par|by)\s+", re.IGNORECASE)


def _roles(text: str, pred: Predicate, lang: str) -> tuple[set[str], set[str]]:
    """Tokens (with translations) of a verb's doer and of the one it acts upon.

    A passive verb's agent that the parse hung lower ("accueilli sur le perron de l'Élysée
    par X": "par X" under "Élysée") is read off its oblique; a participle's subject span
    that runs over the verb ("Zelensky, accueilli ...") stops before it."""
    doer: set[str] = set()
    patient: set[str] = set()
    for role, a, b in _active_args(text, pred):
        toks = _span_tokens(text, a, b, lang)  # "Moscou" is "la Russie", "un diplomate russe"
        if role in ("subj", "agent"):
            doer |= toks
        elif role in ("obj", "iobj"):
            patient |= toks
    return doer, patient


_RELATIVES = frozenset("qui who that which".split())
_CLEFT = re.compile(
    r"\b(?:c['’](?:est|était)|it\s+(?:is|was)|it['’]s)\s+(?:(?:en effet|indeed)\s+)?",
    re.IGNORECASE,
)


# a relative pronoun that is not the subject of its verb, which French may then put after the
# verb ("le sommet auquel participerait X", "l'accord que signera X")
_OBJECT_RELATIVE = re.compile(
    r"(?:\b(?:que|auquel|auxquels|auxquelles|laquelle|lequel|lesquels|lesquelles|duquel|"
    r"desquels|desquelles|dont|où)|\bqu['’])\s*$",
    re.IGNORECASE,
)


def _cleft_focus(text: str, at: int) -> tuple[int, int] | None:
    """The phrase a cleft puts first ("C'est X qui ...", "It was X that ..."), for the
    relative pronoun at ``at``: the verb's doer."""
    start = max(at - 80, 0)
    found = list(_CLEFT.finditer(text, start, at))
    if not found:
        return None
    a = found[-1].end()
    b = len(text[:at].rstrip(" ,"))
    return (a, b) if a < b else None


def _active_args(text: str, pred: Predicate) -> Iterator[tuple[str, int, int]]:
    """The verb's arguments with their roles in the active voice (a passive's subject is the
    one acted upon, its agent the doer); a passive agent the parse hung lower is read off its
    oblique, and a subject span that runs over the verb stops before it."""
    has_agent = _has_agent(pred)
    inverted = not pred.passive and any(
        role == "subj" and _OBJECT_RELATIVE.search(text[a : min(b, pred.start)])
        for role, a, b in pred.args
    )
    for role, a, b in pred.args:
        if a <= pred.start < b:
            b = pred.start
        if inverted and role in ("subj", "obj"):
            # "un sommet auquel prendrait part X": the antecedent is no subject, and the
            # name after the verb, read as its object, is the subject put after it
            if role == "obj" and a >= pred.end:
                yield "subj", a, b
            continue
        if role == "subj" and fold(text[a:b].strip()) in _RELATIVES:
            a, b = _cleft_focus(text, a) or (a, b)  # "c'est Ana Ruiz qui conduisait"
        if pred.passive and not has_agent and role == "obl":
            # "par" inside the span, or just before it when the parse leaves it out
            by = _BY.search(text, max(a - 4, 0), b)
            if by is None:
                continue
            role, a = "agent", max(by.end(), a)
        if pred.passive:
            role = {"subj": "obj", "agent": "subj"}.get(role, role)
        yield role, a, b


def swapped_args(claim: str, lang: str, c: Predicate, p: Predicate, cited: Cited, i: int) -> bool:
    """The claim's doer is the passage verb's patient and not its doer, or the other way.

    A reporting verb takes what was said, and French puts its subject after it ("...,
    indique l'Élysée"), which the parse reads as its object: only its doer is compared, and
    only where both subjects come before the verb ("Estonia announced that it was expelling
    a Russian diplomat" - "La Russie a annoncé l'expulsion d'un diplomate estonien")."""
    if _bare_participle(claim, c):
        return False
    c_doer, c_patient = _roles(claim, c, lang)
    p_doer, p_patient = _roles(cited.doc_texts[i], p, cited.languages[i])
    if not (p_doer and p_patient):
        return False
    a = bool(c_doer & p_patient) and not c_doer & p_doer
    if fold(c.lemma) in REPORTING_SET or fold(p.lemma) in REPORTING_SET:
        return a and _subject_first(claim, c) and _subject_first(cited.doc_texts[i], p)
    b = bool(c_patient & p_doer) and not c_patient & p_patient
    return a or b


def _bare_participle(text: str, pred: Predicate) -> bool:
    """A verb read as passive with neither auxiliary nor agent: the parse's guess from a
    participle form alone ("L'Ukraine mise sur la coalition" read as "placed"), too weak to
    say who was acted upon."""
    return (
        pred.passive
        and not _has_agent(pred)
        and not _PASSIVE_AUX.search(text[max(0, pred.start - 40) : pred.start])
        and not _BY.search(text, pred.end, pred.end + 60)
    )


def other_state_doer(
    claim: str, c: Predicate, theirs: Sequence[tuple[Predicate, int]], cited: Cited
) -> bool:
    """The claim's verb and the passage verbs it translates (``theirs``) have states for
    doers, and none the same ("maintenu par les Européens" for "que les Américains devront
    maintenir"): the action is given to another state. One passage verb whose doer shares
    the claim's state clears it ("le chancelier allemand, qui participait" beside "auquel
    participerait le président ukrainien")."""
    mine = _doer_states(claim, c)
    if not mine:
        return False
    stated = [s for p, i in theirs if (s := _doer_states(cited.doc_texts[i], p))]
    return _another_state(mine, stated)


def other_state_for_patient(claim: str, lang: str, c: Predicate, cited: Cited, i: int) -> bool:
    """A claim verb the passage does not have gives the act on a thing to a state, while the
    passage has another state act on that same thing ("Ce plan a été soumis par Kiev" for
    "le plan de paix en 28 points proposé par Washington"): the act is given to another
    state. The thing is read off each verb's object (a passive's subject). Only a passive
    with its agent counts: the claim then names who did it on purpose."""
    if not (c.passive and _has_agent(c)):
        return False  # only an act the claim gives to someone by name: "soumis par Kiev"
    mine = _doer_states(claim, c)
    thing = _patient_words(claim, c, lang)
    if not mine or not thing:
        return False
    stated = []
    for p in sentence_predicates(cited, i):
        if not _patient_words(cited.doc_texts[i], p, cited.languages[i]) & thing:
            continue
        if states := _doer_states(cited.doc_texts[i], p):
            stated.append(states)
    return _another_state(mine, stated)


def _another_state(mine: frozenset[str], stated: Sequence[frozenset[str]]) -> bool:
    """Some passage doers name states, and none of them the claim's doer's."""
    return bool(stated) and not any(mine & s for s in stated)


def _has_agent(pred: Predicate) -> bool:
    return any(role == "agent" for role, _, _ in pred.args)


def sentence_predicates(cited: Cited, i: int) -> list[Predicate]:
    """The verbs of the ``i``-th cited sentence (none without its annotation)."""
    ann = cited.annotations[i] if cited.annotations else None
    return ann.predicates if ann is not None else []


def _patient_words(text: str, pred: Predicate, lang: str) -> set[str]:
    """The content words of the verb's object (in the active voice), with translations,
    numbers left out, up to a relative clause."""
    out: set[str] = set()
    for role, a, b in _active_args(text, pred):
        if role == "obj":
            phrase = _RELATIVE_CLAUSE.split(text[a:b], maxsplit=1)[0]
            words = [w for w in analyze(phrase) if not w.isdigit()]
            out |= set().union(*(translated_tokens(w, lang) for w in words))
    return out


# Verbs that tell one event from either end (generic language resource, both languages):
# "Kiev a reçu des signaux des Américains" is "the Americans sent Kyiv signals".
_CONVERSES: tuple[tuple[frozenset[str], frozenset[str]], ...] = tuple(
    (frozenset(a.split()), frozenset(b.split()))
    for a, b in (
        ("send sent envoyer adresser transmettre expedier", "receive received recevoir"),
        ("give gave given donner offrir remettre accorder", "receive received recevoir"),
        ("sell sold vendre", "buy bought acheter purchase"),
        ("lend lent preter", "borrow emprunter"),
        ("win won gagner remporter", "lose lost perdre"),
        ("teach taught enseigner", "learn apprendre"),
    )
)


def converse_verbs(a: str, b: str) -> bool:
    """One verb tells the event from the other end ("send" / "recevoir")."""
    x, y = fold(a), fold(b)
    return any((x in g and y in h) or (x in h and y in g) for g, h in _CONVERSES)


def converse_same_doer(
    claim: str, lang: str, c: Predicate, p: Predicate, cited: Cited, i: int
) -> bool:
    """The claim's verb is the converse of the passage's ("sent" for "a reçu") and both give
    it the same named doer: "Kyiv sent the Americans signals" for "Kiev a reçu des signaux
    des Américains" turns the exchange around."""
    if not converse_verbs(c.lemma, p.lemma):
        return False
    mine = _doer_names(claim, c, lang)
    return bool(mine & _doer_names(cited.doc_texts[i], p, cited.languages[i]))


_ELISION = re.compile(r"^(?:[ldjmnstc]|qu)['’]", re.IGNORECASE)


def capitalised(text: str) -> str:
    """The capitalised words of a phrase, its first word past an elided article ("l'Estonie
    a déclaré": "Estonie"; not "sur le perron de l'Élysée", a place in the phrase)."""
    words = text.split()
    if words:
        words[0] = _ELISION.sub("", words[0])
    return " ".join(w for w in words if w[:1].isupper())


def _doer_names(text: str, pred: Predicate, lang: str) -> set[str]:
    """Tokens (with translations and states) of the capitalised words of a verb's doer."""
    out: set[str] = set()
    for role, a, b in _active_args(text, pred):
        if role in ("subj", "agent"):
            named = capitalised(text[a:b])
            out |= _span_tokens(named, 0, len(named), lang)
    return out


def _doer_states(text: str, pred: Predicate) -> frozenset[str]:
    """The states a verb's doer names by capitalised words ("les Européens", "Washington";
    not "la réunion", a meeting) or by a nationality adjective of its head, which French
    writes in lower case ("toute force européenne"; not "pour de nombreux partenaires
    européens"). A relative clause after the doer says more about it, not who it is ("X, who
    both arrived at the Élysée")."""
    found: frozenset[str] = frozenset()
    for role, a, b in _active_args(text, pred):
        if role in ("subj", "agent"):
            phrase = _RELATIVE_CLAUSE.split(text[a:b], maxsplit=1)[0]
            head = _PREPOSITION.split(phrase, maxsplit=1)[0]
            found |= states_in(capitalised(phrase)) | adjective_states(head)
    return found


# where a relative clause opens in a doer's phrase (not "que" / "that", also conjunctions)
_RELATIVE_CLAUSE = re.compile(r"(?:,\s*|\s)(?:qui|lequel|laquelle|who|whom|which)\b", re.I)
# where a noun phrase's head ends: its first preposition
_PREPOSITION = re.compile(
    r"(?:^|\s)(?:de|du|des|à|au|aux|en|pour|par|avec|sur|dans|contre|chez|of|for|to|"
    r"in|at|on|with|by|from|against)(?:\s|$)|\bd['’]",
    re.I,
)


def _subject_first(text: str, pred: Predicate) -> bool:
    """The verb has a subject before it, and is no incise (", indique l'Élysée", ", a
    déclaré X": the subject follows, whatever the parse says)."""
    if _INCISE.search(text[max(pred.start - 40, 0) : pred.start]):
        return False
    return any(role == "subj" and b <= pred.start for role, _, b in pred.args)


_INCISE = re.compile(
    r"[,«»\"“”]\s*(?:(?:a|ont|avait|avaient|aurait|a-t-il|a-t-elle|ont-ils|avait-il|has|had|"
    r"have|also|encore|aussi|pourtant|alors)\s+){0,2}$",
    re.IGNORECASE,
)


def other_doers(
    claim: str,
    lang: str,
    parsed: SentenceAnnotation,
    pairs: Sequence[tuple[Predicate, Predicate, int]],
    cited: Cited,
) -> list[str]:
    """A claim verb's named doer is not the doer of the passage verb it translates, though the
    passage sentence names it elsewhere: an action given to the wrong one of the passage's
    people or bodies ("X confirmed" where the passage has Y confirm and names X only beside).

    Every passage verb the claim verb pairs with must have a doer that does not hold the
    claim's; a reporting verb counts only where both subjects come before it (French puts
    the speaker after: ", indique X")."""
    out: list[str] = []
    by_verb: dict[int, list[tuple[Predicate, int]]] = {}
    for c, p, i in pairs:
        by_verb.setdefault(id(c), []).append((p, i))
    for c in parsed.predicates:
        found = by_verb.get(id(c))
        span = _doer_span(c)
        if not found or span is None or not _is_name(claim, parsed, *span):
            continue
        mine = _span_tokens(claim, *span, lang)
        if not mine:
            continue
        stem = set(analyze(c.lemma))
        same = [(p, i) for p, i in found if stem & set(analyze(p.lemma))]
        # else the verbs it translates; in its own language only a near-synonym ("tenir"
        # and "maintenir" share "keep" in English, and say different things)
        akin = [(p, i) for p, i in found if cited.languages[i] != lang or _synonyms(c, p, lang)]
        verdicts = []
        for p, i in same or akin:  # the same verb, where the passage has it
            doc = cited.doc_texts[i]
            if (fold(c.lemma) in REPORTING_SET or fold(p.lemma) in REPORTING_SET) and not (
                _subject_first(claim, c) and _subject_first(doc, p)
            ):
                continue
            theirs, _ = _roles(doc, p, cited.languages[i])
            ann = cited.annotations[i]
            at = _doer_span(p)
            if not theirs or ann is None or at is None or not _is_name(doc, ann, *at):
                continue  # a doer that is no name ("the talks") may be a paraphrase's
            theirs |= _names_over(doc, *at, ann, cited.languages[i])
            verdicts.append(not mine & theirs and bool(mine & hay_words(cited.tokens[i])))
        if verdicts and all(verdicts):
            out.append(claim[span[0] : span[1]])
    return out


def _synonyms(c: Predicate, p: Predicate, lang: str) -> bool:
    """Two verbs of one language are near-synonyms (French: ``rag/data/near_synonyms_fr.tsv``)."""
    if lang != "fr":
        return False
    theirs = set(analyze(p.lemma))
    return any(set(analyze(w)) & theirs for w in bilingual.near_synonyms(c.lemma))


def _doer_span(pred: Predicate) -> tuple[int, int] | None:
    """The verb's agent ("rédigé par X", passive or not in the parse), else its active
    subject."""
    agent = next(((a, b) for r, a, b in pred.args if r == "agent"), None)
    if agent is not None or pred.passive:
        return agent
    return next(((a, b) for r, a, b in pred.args if r == "subj"), None)


def _is_name(text: str, parsed: SentenceAnnotation, a: int, b: int) -> bool:
    """The span is a name, bar its articles and titles: names cover most of its words."""
    named = sum(
        len(text_words(text[m.start : m.end]))
        for m in parsed.mentions
        if m.kind in ("PER", "ORG", "LOC", "MISC") and a <= m.start and m.end <= b
    )
    return named > 0 and 2 * named >= len(text_words(text[a:b]))


def _names_over(doc: str, a: int, b: int, ann: SentenceAnnotation, lang: str) -> set[str]:
    """The tokens of the names a passage verb's doer span overlaps, whole: a parse that cut a
    name ("le président Jean | Dupont") still names its doer."""
    out: set[str] = set()
    for m in ann.mentions:
        if m.kind in ("PER", "ORG", "LOC", "MISC") and m.start < b and a < m.end:
            out |= _span_tokens(doc, m.start, m.end, lang)
    return out


def _span_tokens(text: str, a: int, b: int, lang: str) -> set[str]:
    span = text[a:b]
    return {t for w in text_words(span) for t in translated_tokens(w, lang)} | states_in(span)


def named_doer(claim: str, pred: Predicate, parsed: SentenceAnnotation) -> bool:
    """The verb's doer (a passive's agent, a cleft's focus) is or holds a name the claim's
    parse recognised."""
    names = [m for m in parsed.mentions if m.kind in ("PER", "ORG", "LOC", "MISC")]
    for role, a, b in _active_args(claim, pred):
        if role == "subj" and any(a <= m.start and m.end <= b for m in names):
            return True
    return False


# what an action is aimed at, named after "against" ("des frappes contre la Russie",
# "sanctions against Moscow"): the two words before it say what the action is, the four
# after it (not across a clause) at whom
_AGAINST = re.compile(
    r"((?:[\w'’-]+\s+){0,2})(?:contre|against|envers|towards?|visant)\s+"
    r"((?:(?!(?:et|and|mais|but|si|if|que|that|qui|which|who)\b)[\w'’-]+\s*){1,4})",
    re.IGNORECASE,
)


# a commitment and whom it is owed to, after "to" ("its commitment to the United States",
# "committed to Kyiv"): "to" follows too many words to read an aim after any of them
_PLEDGED_TO = re.compile(
    r"\b(commitments?|committed|pledges?|pledged|engagements?|engagée?s?|loyalty|allegiance)"
    r"\s+(?:to|towards?|envers|vis-à-vis\s+d(?:e|u|es|['’]))\s+"
    r"((?:(?!(?:et|and|mais|but|si|if|que|that|qui|which|who)\b)[\w'’-]+\s*){1,4})",
    re.IGNORECASE,
)


# an act of force and the state after its "de" / "by" ("attaque armée de la Russie",
# "invasion de l'Ukraine", "attack by Russia"): whatever role the preposition gives, the same
# act with another state there is another act
_ACT_OF = re.compile(
    r"\b(attaques?|offensives?|invasions?|agressions?|frappes?|bombardements?|attacks?|"
    r"invasions?|aggression|strikes?|bombings?)(?:\s+[a-zà-ÿ-]+){0,1}?\s+"
    r"(?:de la|de l['’]|du|des|de|d['’]|by|of)\s*"
    r"((?:(?!(?:et|and|mais|but|si|if|que|that|qui|which|who|par|by|contre|against|en|in|à|"
    r"on|sur)\b)[\w'’-]+\s*){1,3})",
    re.IGNORECASE,
)


def _named_acts(
    pattern: re.Pattern[str], text: str, lang: str
) -> list[tuple[frozenset[str], frozenset[str]]]:
    """(the act, in both languages; the states the pattern names for it) of each act that
    ``pattern`` finds: its first group says what the act is, its second who is named."""
    out = []
    for m in pattern.finditer(text):
        states = states_in(m.group(2))
        if states:
            what = frozenset().union(*(translated_tokens(w, lang) for w in text_words(m.group(1))))
            out.append((what, states))
    return out


def swapped_targets(claim: str, lang: str, sentence: str, sentence_lang: str) -> bool:
    """The claim aims an action at a state that its sentence names, but the sentence aims
    the same action at another ("projets européens de frappes contre la Russie" where the
    sentence has "projets russes de frappes contre d'autres pays européens"), or it gives
    an act of force of another state ("attaque armée de l'Ukraine" for "attaque armée de la
    Russie"): direction through nouns, which the verbs' roles do not see."""
    named = states_in(sentence)
    acts = {p: _named_acts(p, sentence, sentence_lang) for p in (_AGAINST, _ACT_OF, _PLEDGED_TO)}
    acts[_PLEDGED_TO] += acts[_AGAINST]  # the sentence's aims, whatever words bring them
    for pattern, theirs in acts.items():
        for what, states in _named_acts(pattern, claim, lang):
            same = [s for w, s in theirs if w & what]
            if same and not any(s & states for s in same) and states & named:
                return True
    return False
