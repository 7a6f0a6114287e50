"""Short answers: the exact span, coordinated names together, rendered in the reader's language."""

from __future__ import annotations

import pytest

from rag.answering.question import analyze_question
from rag.answering.spans import coordinated, render, render_date, render_number
from rag.schemas import Mention

TEXT = (
    "Le port est représenté par son directeur, Ilan Berthier, et sa adjointe Maud Tessier, "
    "en l'absence de Joël Narbonne. Vingt-six barques sont arrivées mardi."
)


def mention(surface: str, kind: str, **kw) -> Mention:
    start = TEXT.index(surface)
    return Mention(start=start, end=start + len(surface), kind=kind, **kw)


class _Cand:
    """The two fields of a Candidate that coordination reads (a plain record, not a mock)."""

    def __init__(self, options: list[Mention]) -> None:
        self.options = options
        self.start = 0
        self.text = TEXT


def test_coordinated_names_answer_together_but_not_an_aside():
    berthier = mention("Ilan Berthier", "PER")
    tessier = mention("Maud Tessier", "PER")
    narbonne = mention("Joël Narbonne", "PER", negated=True)
    cand = _Cand([berthier, tessier, narbonne])
    group = coordinated(cand, berthier)  # type: ignore[arg-type]
    assert [TEXT[m.start : m.end] for m in group] == ["Ilan Berthier", "Maud Tessier"]


APPOSED = (
    "Selon l'Institut des rivières, Ilan Berthier, son directeur, et l'Office du port ont "
    "lancé deux barques, Aurore et Zéphyr."
)


def test_a_person_after_a_bare_comma_is_an_apposition_not_a_list():
    def at(surface: str, kind: str) -> Mention:
        start = APPOSED.index(surface)
        return Mention(start=start, end=start + len(surface), kind=kind)

    institute, director = at("Institut des rivières", "ORG"), at("Ilan Berthier", "PER")
    office = at("Office du port", "ORG")
    boats = [at("Aurore", "MISC"), at("Zéphyr", "PER")]  # the tagger's kinds, one wrong
    cand = _Cand([institute, director, office, *boats])
    cand.text = APPOSED

    def shown(group: list[Mention]) -> list[str]:
        return [APPOSED[m.start : m.end] for m in group]

    assert shown(coordinated(cand, director)) == ["Ilan Berthier"]  # type: ignore[arg-type]
    assert shown(coordinated(cand, institute)) == ["Institut des rivières"]  # type: ignore[arg-type]
    # through a conjunction, names of any kinds answer together
    assert shown(coordinated(cand, boats[0])) == ["Aurore", "Zéphyr"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "lang", "shown"),
    [
        ("2026-01-06", "en", "Tuesday 6 January 2026"),
        ("2026-01-06", "fr", "mardi 6 janvier 2026"),
        ("2019-09", "en", "September 2019"),
        ("2007", "fr", "2007"),
    ],
)
def test_dates_are_written_out_in_the_readers_language(value, lang, shown):
    assert render_date(value, lang) == shown


def test_a_relative_day_is_resolved_and_keeps_its_quote():
    q = analyze_question("When did the boats arrive?", "en")
    tuesday = mention("mardi", "DATE", value="2026-01-06")
    shown, quote = render(q, [tuesday], TEXT, "fr", "en")
    assert shown == "Tuesday 6 January 2026" and quote == "mardi"
    shown, quote = render(q, [tuesday], TEXT, "fr", "fr")
    assert shown == "mardi 6 janvier 2026" and quote == "mardi"


@pytest.mark.parametrize(
    ("value", "unit", "kind", "lang", "shown"),
    [
        ("26", "barque", "NUM", "en", "26 boats"),
        ("2389", "emploi", "NUM", "en", "2,389 jobs"),
        ("3500000", "EUR", "MONEY", "en", "3.5 million EUR"),
        ("59.3", "%", "PERCENT", "fr", "59,3 %"),
        ("12500000000", "year", "NUM", "fr", "12,5 milliards ans"),
    ],
)
def test_numbers_in_the_readers_conventions(value, unit, kind, lang, shown):
    m = Mention(start=0, end=1, kind=kind, value=value, unit=unit)
    assert render_number(m, lang) == shown


COUNT = "Sur les 61 cas confirmés, 54 malades n'étaient pas vaccinés, et deux chefs ont signé."


class _Sentence:
    """The fields of a Candidate that mention features read (a plain record, not a mock)."""

    def __init__(self, options: list[Mention]) -> None:
        self.options = options
        self.hits: list[tuple[int, object]] = []
        self.start = 0
        self.text = COUNT


def test_a_number_counting_another_noun_than_the_asked_one_is_marked():
    from rag.answering.features import mention_features

    q = analyze_question("Combien de malades n'étaient pas vaccinés ?", "fr")
    assert q.focus is not None and q.focus.word == "malades"

    def at(surface: str, unit: str) -> Mention:
        start = COUNT.index(surface)
        return Mention(start=start, end=start + len(surface), kind="NUM", value=surface, unit=unit)

    cases, sick, heads = at("61", "cas"), at("54", "malades"), at("deux", "chefs")
    sent = _Sentence([cases, sick, heads])
    feats = {m.unit: mention_features(q, sent, m, []) for m in sent.options}  # type: ignore[arg-type]
    assert feats["cas"]["other_unit"] == 1.0 and feats["chefs"]["other_unit"] == 1.0
    assert feats["malades"]["other_unit"] == 0.0 and feats["malades"]["focus"] == 1.0


def test_a_number_counts_the_nouns_coordinated_after_it():
    from rag.answering.features import mention_features

    text = "Sept protocoles et accords ont été signés par les deux chefs d'Etat."
    q = analyze_question("Combien d'accords ont été signés ?", "fr")

    def at(surface: str, unit: str) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind="NUM", value="7", unit=unit)

    seven, two = at("Sept", "protocole"), at("deux", "chef")
    sent = _Sentence([seven, two])
    sent.text = text
    feats = [mention_features(q, sent, m, []) for m in (seven, two)]  # type: ignore[arg-type]
    assert feats[0]["focus"] == 1.0 and feats[0]["other_unit"] == 0.0
    assert feats[1]["focus"] == 0.0 and feats[1]["other_unit"] == 1.0


def test_a_mention_is_tied_to_the_question_by_its_head_not_by_being_there():
    """A sentence ranked below the quoted ones is quoted for the short answer only when one
    of its mentions is tied to the question (``tied``): its head is an asked word here."""
    from rag.answering.spans import tied

    text = "« Bienvenue », sourit la présidente Odile Marchand, face à Paul Henri."
    q = analyze_question("Who presided over the first hearing?", "en")

    def at(surface: str, head: str | None) -> Mention:
        start = text.index(surface)
        return Mention(start=start, end=start + len(surface), kind="PER", head=head)

    sent = _Sentence([at("Odile Marchand", "présidente")])
    sent.text, sent.annotation = text, None
    assert tied(q, sent)  # type: ignore[arg-type]
    bare = _Sentence([at("Paul Henri", "face")])
    bare.text, bare.annotation = text, None
    assert not tied(q, bare)  # type: ignore[arg-type]


class _Quoted:
    """The fields of a Candidate that ``expansion`` reads (a plain record, not a mock)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.start = 0


@pytest.mark.parametrize(
    ("question", "lang", "sentence", "expanded"),
    [
        ("What does the acronym Cnil stand for?", "en",
         "La Cnil (Commission nationale de l'informatique et des libertés) a tranché.",
         "Commission nationale de l'informatique et des libertés"),
        ("Que signifie OMS ?", "fr",
         "Selon l'Organisation mondiale de la santé (OMS), le virus recule.",
         "Organisation mondiale de la santé"),
        ("What does NATO stand for?", "en",
         "The North Atlantic Treaty Organization (NATO) met on Monday.",
         "North Atlantic Treaty Organization"),
        ("Que veut dire SNCF ?", "fr", "La SNCF a annoncé une grève.", None),
    ],
)  # fmt: skip
def test_a_definition_reads_what_a_name_stands_for_off_the_sentence(
    question, lang, sentence, expanded
):
    from rag.answering.spans import expansion

    q = analyze_question(question, lang)
    span = expansion(q, _Quoted(sentence), sentence)  # type: ignore[arg-type]
    assert (sentence[span[0] : span[1]] if span else None) == expanded
