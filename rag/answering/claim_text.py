"""What a claim and its cited sentences are read as, for every check of a claim: their words,
tokens and translations, the cited sentences with their annotations, and the closed classes
of both languages that more than one check needs (negation words, reporting verbs)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from rag.lexical import QueryWord, analyze, fold
from rag.schemas import SentenceAnnotation

NEGATION = frozenset(
    "not n't never no nobody none nothing neither nor without absent cannot "
    "ne n pas jamais aucun aucune rien sans absence absente guere nullement".split()
)
# verbs and phrases that report speech, in both languages: any of them renders any other
REPORTING = tuple(
    "say said says saying tell told state stated declare declared announce announced "
    "according add added explain explained indicate indicated affirm affirmed assert asserted "
    "claim claimed note noted stress stressed underline underlined insist insisted "
    "dire dit declarer declare affirmer affirme annoncer annonce selon ajouter ajoute "
    "expliquer explique indiquer indique estimer estime souligner souligne preciser precise "
    "assurer assure confier confie juger juge penser pense considerer considere think thought "
    "believe believed consider considered judge judged warn warned avertir averti prevenir "
    "previent prevenu rappeler rappelle remind reminded repeat repeated repeter repete "
    "reiterate reiterated reiterer reitere mention mentioned mentionner mentionne".split()
)
REPORTING_SET = frozenset(REPORTING)
# marks a token of a cited text's word translated into the claim's language
BACK = "»"
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


@dataclass
class Cited:
    """The cited sentences a claim is judged against, with the language layer's readings."""

    sentences: list[str]
    tokens: list[set[str]]  # per sentence: its tokens and their translations (verify.text_tokens)
    annotations: list[SentenceAnnotation | None]
    languages: list[str]
    doc_texts: list[str]  # each sentence's document text (the annotations' offsets point there)
    meta: set[str] = field(default_factory=set)  # the cited articles' title and date tokens

    @property
    def all_tokens(self) -> set[str]:
        return set().union(self.meta, *self.tokens)

    @functools.cached_property
    def lemma_tokens(self) -> frozenset[str]:
        """The stems of the cited sentences' lemmas and of their translations: a claim's
        verb in either language meets them whatever the inflection ("joined", "rejoint")."""
        out: set[str] = set()
        for ann, lang in zip(self.annotations, self.languages, strict=True):
            for lemma in ann.lemmas if ann else []:
                out |= translated_tokens(lemma, lang)
            for p in ann.predicates if ann else []:
                out |= translated_tokens(p.lemma, lang)
        return frozenset(out)


def meets(w: QueryWord, toks: set[str]) -> bool:
    """The claim word is in the cited tokens: itself, a translation, or translated back."""
    return bool(w.tokens & toks or w.translations & toks or any(BACK + t in toks for t in w.tokens))


def text_words(text: str) -> list[str]:
    return [fold(m.group()) for m in WORD.finditer(text)]


def negated(text: str) -> bool:
    """The text holds a negation ("ne ... que", only, is not one)."""
    folded = fold(text).replace("’", "'")
    return bool(_cues(folded, NEGATION)) or bool(EXCLUDED.search(folded))


def _cues(folded: str, among: frozenset[str]) -> set[str]:
    """The words of ``among`` in a folded text; a lone "ne" that restricts ("ne ... que")
    is none."""
    found = set(re.findall(r"n't|[a-z]+", IDIOMS.sub(" ", folded))) & among
    if found <= {"ne", "n"} and RESTRICTIVE.search(folded):
        return set()
    return found


# the words that frame an absence ("en l'absence de X", "sans X", "faute de"), beside the
# negations proper ("ne ... pas", "not", "aucun")
ABSENCE_CUES = frozenset("sans absence absente absent absents absentes without faute".split())


def added_negation(claim: str, sentence: str) -> bool:
    """The claim keeps the sentence's absence frame and adds a negation proper that the
    sentence lacks ("en l'absence d'accord, Moscou ne chercherait pas à…" for "en l'absence
    d'un accord, Moscou était prête à…")."""

    def cues(text: str) -> tuple[bool, bool]:
        folded = fold(text).replace("’", "'")
        return bool(_cues(folded, ABSENCE_CUES)), bool(_cues(folded, NEGATION - ABSENCE_CUES))

    claim_absent, claim_negated = cues(claim)
    sentence_absent, sentence_negated = cues(sentence)
    return claim_absent and sentence_absent and claim_negated and not sentence_negated


# "sans" / "without" in set phrases that negate nothing the claim states: "sans ambiguïté"
# is "clearly", "sans doute" "probably", "without delay" "at once", "il ne fait aucun doute"
# "surely" (folded)
IDIOMS = re.compile(
    r"\b(?:sans (?:ambiguite|equivoque|doute|aucun doute|cesse|delai|tarder|relache|conteste|"
    r"detour|reserve|precedent|prejuger)|without (?:doubt|delay|a doubt|question|precedent|"
    r"hesitation|reservation)|(?:ne |n')fait (?:aucun|pas de|plus de) doute|no doubt)\b"
)
RESTRICTIVE = re.compile(r"\bn(?:e\b|')[^.;:]{0,60}?\bque?\b")  # "ne ... que": only
# a negation said with words, not with a particle: "deploying troops is out of the question",
# "il est exclu de déployer", "ruled out sending troops"
EXCLUDED = re.compile(
    r"\b(?:out of the question|rul(?:e|es|ed|ing) out|hors de question|"
    r"(?:est|etait|serait|sera) exclu(?:e|s|es)? (?:de|d'|que))"
)


# verbs that carry no claim of their own (auxiliaries, copulas)
LIGHT_VERBS = frozenset("be have do etre avoir faire get".split())
# verbs whose claim is the verb they govern (modals, the near future) or no verb at all (the
# parse of "according to"): they are never "unsaid"
GOVERNING = LIGHT_VERBS | frozenset(
    "devoir pouvoir vouloir falloir aller must can could would should may might will shall "
    "accord".split()
)


@functools.cache
def translated_tokens(lemma: str, lang: str) -> frozenset[str]:
    """A word's tokens and its translations' (both directions of the dictionary)."""
    from rag.answering import bilingual

    other = bilingual.translate(lemma, lang)[:3]
    return frozenset(analyze(lemma)) | frozenset(analyze(" ".join(other)))


def verb_tokens(lemma: str, lang: str) -> frozenset[str]:
    """What a claim verb meets: its tokens and translations; a reporting verb, any other
    ("said" renders "a estimé", "a déclaré", "selon")."""
    if fold(lemma) in REPORTING_SET:
        return REPORTING_TOKENS
    return translated_tokens(lemma, lang)


REPORTING_TOKENS = frozenset(analyze(" ".join(REPORTING)))


def hay_words(hay: set[str]) -> set[str]:
    return {t.lstrip(BACK) for t in hay}
