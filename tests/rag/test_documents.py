"""Reading and cleaning articles: what each seed's cleaning must remove and keep, the
metadata read from the text, the other readers (HTML, Markdown) and legacy encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.documents import clean_spans, decode, load_document, parse_document, read_text
from rag.errors import IngestError
from rag.schemas import Document
from tests.conftest import ROOT, SEEDS

SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def seed(prefix: str) -> Document:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return load_document(path)


def kept(doc: Document) -> str:
    return "\n".join(doc.text[s:e] for s, e in doc.spans)


# --- every seed ----------------------------------------------------------------


def test_five_seed_articles():
    assert [p.stem[:3] for p in SEED_FILES] == ["000", "001", "002", "003", "004"]


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="no ../shared/seeds beside this checkout")
def test_seeds_are_byte_identical_to_the_shared_copy():
    shared = sorted(p.name for p in SHARED_SEEDS.iterdir() if p.is_file())
    assert sorted(p.name for p in SEEDS.iterdir() if p.is_file()) == shared
    for name in shared:
        assert (SEEDS / name).read_bytes() == (SHARED_SEEDS / name).read_bytes(), name


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem[:3])
def test_seed_keeps_original_text_and_maps_spans_into_it(path: Path):
    doc = load_document(path)
    assert doc.doc_id == path.stem
    assert doc.text == path.read_bytes().decode("utf-8")  # the original, not a cleaned copy
    assert doc.language == "fr"
    assert doc.title == " ".join(doc.title.split())
    assert doc.title or path.stem.startswith("003")  # 003 opens with its lead: no headline
    assert doc.spans == sorted(doc.spans)
    for (s1, e1), (s2, _) in zip(doc.spans, doc.spans[1:], strict=False):
        assert 0 <= s1 < e1 <= s2, "spans must be ordered and disjoint"
    for s, e in doc.spans:
        assert doc.text[s:e] == doc.text[s:e].strip(), "a kept span has no edge whitespace"
    assert load_document(path).content_hash == doc.content_hash  # stable across reads


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem[:3])
def test_no_paragraph_is_kept_twice(path: Path):
    doc = load_document(path)
    paragraphs = [" ".join(doc.text[s:e].split()) for s, e in doc.spans]
    assert len(paragraphs) == len(set(paragraphs))


# --- 000: Euronews page with site chrome ---------------------------------------


def test_000_drops_menus_ads_share_buttons_and_trailing_links():
    doc = seed("000")
    text = kept(doc)
    for chrome in (
        "Newsletter",
        "Africanews",
        "Loader",
        "Suivez-nous",
        "Publicité",
        "Partager",
        "Close Button",
        "Publié le",
        "Tous droits réservés",
        "AP Photo",
        "Accéder aux raccourcis",
        "À découvrir également",
        "Le sud de l'Italie",  # the three "À découvrir" links
        "Scandale",
        "Les jeunes Français musulmans",
    ):
        assert chrome not in text, chrome
    assert text.startswith('"Coalition des volontaires" : Paris annonce')
    assert text.endswith("\"dans l'espoir de finaliser\" l'accord.")


def test_000_photo_caption_repeating_the_lead_is_kept_once():
    text = kept(seed("000"))
    lead = 'La "coalition des volontaires" va mettre en place une "plateforme" pour centraliser'
    assert seed("000").text.count(lead) == 3  # caption, caption + credit, article
    assert text.count(lead) == 1
    assert "a annoncé mardi l''Élysée" in text  # the article's version, the longest


def test_000_metadata():
    doc = seed("000")
    assert doc.title == (
        '"Coalition des volontaires" : Paris annonce une nouvelle "plateforme" '
        "commune avec les États-Unis"
    )
    assert doc.outlet == "Euronews"
    assert doc.authors == ["Vincent Reynier"]
    assert doc.date is None  # "Publié le Mis à jour" states no date
    assert doc.photo_credit == "AP Photo/Alex Brandon"


# --- 001: Reuters wire with a date prefix ----------------------------------------


def test_001_metadata():
    doc = seed("001")
    assert doc.date == "2026-01-06"
    assert doc.outlet == "Reuters"
    assert doc.authors[0] == "John Irish"
    assert "Sophie Louet" not in doc.authors  # the editor, not an author
    assert doc.title == (
        'Ukraine-La "coalition des volontaires" prête à adopter un système de garanties '
        "contraignantes"
    )


def test_001_date_prefix_is_not_article_text():
    doc = seed("001")
    assert "date 2026" not in kept(doc)
    s, _ = doc.spans[0]
    assert doc.text[s:].startswith("Ukraine-La")


# --- 002: stray template markup, headline pasted three times -----------------------


def test_002_drops_stray_markup_and_repeated_headline():
    doc = seed("002")
    text = kept(doc)
    assert "#}" not in text
    headline = (
        "Les alliés occidentaux cherchent à finaliser les garanties de sécurité pour "
        "l'Ukraine et à obtenir le soutien des États-Unis"
    )
    assert doc.text.count(headline) == 3
    assert text.count(headline) == 1
    assert doc.title == headline
    assert doc.outlet is None and doc.date is None


def test_003_opens_with_its_lead_so_has_no_title():
    # It used to get its lead's first sentence, shortened, as a title: an invented headline.
    doc = seed("003")
    assert doc.title == ""
    assert doc.date is None and doc.outlet is None and doc.authors == []
    assert kept(doc).startswith("Le président français Emmanuel Macron a accueilli")


# --- 004: repeated paragraph and a doubled sentence tail ----------------------------


def test_004_near_duplicate_paragraph_is_kept_once():
    doc = seed("004")
    text = kept(doc)
    start = "Certains dirigeants ont participé en personne aux négociations de Paris"
    assert doc.text.count(start) == 2
    assert text.count(start) == 1


def test_004_doubled_tail_is_trimmed():
    doc = seed("004")
    text = kept(doc)
    assert "communiqué.accroître" in doc.text
    assert "communiqué.accroître" not in text
    assert text.count("pour accroître les chances d'une solution diplomatique") == 1
    para = next(doc.text[s:e] for s, e in doc.spans if "Si la partie russe" in doc.text[s:e])
    assert para.endswith("», indique le communiqué.")


def test_004_trailing_chrome_and_title():
    doc = seed("004")
    assert "Today" not in kept(doc)
    assert doc.title == (
        "Coalition de volontaires : 26 pays acceptent de déployer des troupes ou du "
        "matériel en Ukraine après la guerre"
    )


# --- metadata from the page's structure (small invented pages) ---------------------------

LEAD_FR = (
    "Les pêcheurs de Port-Lumen ont repris la mer mardi matin, trois jours après la tempête "
    "qui avait endommagé une vingtaine de bateaux, a indiqué la capitainerie."
)
BODY_FR = (
    "Le port reste fermé aux plaisanciers jusqu'à vendredi. La criée a rouvert ses portes "
    "et les prix du poisson sont restés stables, selon la chambre de commerce locale."
)
LEAD_EN = (
    "Fishing crews in Port Lumen went back to sea on Tuesday, three days after a storm "
    "damaged about twenty boats, the harbour office said."
)
BODY_EN = (
    "The harbour stays closed to pleasure boats until Friday. The fish market reopened and "
    "prices held steady, the local chamber of commerce said."
)
HEADLINE_FR = "Les pêcheurs de Port-Lumen reprennent la mer après la tempête"
HEADLINE_EN = "Port Lumen fishing crews head back to sea after storm"


def page(*blocks: str) -> Document:
    text = "\n\n".join(blocks) + "\n"
    return parse_document("page", text, text.encode())


def test_a_site_name_above_the_headline_is_the_outlet_not_the_title():
    doc = page("Gazette Boréale", HEADLINE_FR, LEAD_FR, BODY_FR)
    assert doc.title == HEADLINE_FR
    assert doc.outlet == "Gazette Boréale"


def test_a_rubric_above_the_headline_is_neither_title_nor_outlet():
    # "Pêche" is also written in lower case on the page: a common noun, a rubric
    doc = page("Pêche", HEADLINE_FR, LEAD_FR, BODY_FR + " La pêche reprend.")
    assert doc.title == HEADLINE_FR
    assert doc.outlet is None


def test_app_promos_and_menus_above_the_headline_are_skipped():
    doc = page(
        "Get the Harbour Times app",
        "Watch Harbour TV",
        "Newsletter Podcasts Menu",
        HEADLINE_EN,
        LEAD_EN,
        BODY_EN,
    )
    assert doc.title == HEADLINE_EN


def test_breadcrumbs_skip_links_and_timestamps_are_not_headlines_nor_prose():
    doc = page(
        "Aller au contenu", "Accueil > Régions > Littoral", "Il y a 2 heures", HEADLINE_FR, LEAD_FR
    )
    assert doc.title == HEADLINE_FR
    assert kept(doc).startswith(HEADLINE_FR)
    doc = page(
        "Skip to main content", "Home / World / Coasts", "Updated 2 hours ago", HEADLINE_EN, LEAD_EN
    )
    assert doc.title == HEADLINE_EN
    assert kept(doc).startswith(HEADLINE_EN)


def test_a_dateline_with_pipes_is_not_a_breadcrumb():
    lead = "Lyon, France | AFP | jeudi 07/11/2030 - " + LEAD_FR
    assert lead in kept(page(HEADLINE_FR, lead, BODY_FR))


def test_a_dictionary_word_above_the_headline_is_a_rubric_not_an_outlet():
    assert page("Sport", HEADLINE_FR, LEAD_FR, BODY_FR).outlet is None


def test_a_page_opening_with_its_lead_has_no_title():
    assert page(LEAD_FR, BODY_FR).title == ""
    assert page(" date 2031-03 " + LEAD_FR, BODY_FR).title == ""


def test_a_date_line_or_byline_is_never_the_title():
    doc = page(" date 2031-03 publié le 12/03/2031 à 17:05", LEAD_FR, BODY_FR)
    assert doc.title == ""
    doc = page("+++De l’envoyé spécial de l’XPS, Oumar Ba+++", LEAD_FR, BODY_FR)
    assert doc.title == ""


def test_a_headline_on_the_date_prefix_line_is_the_title():
    doc = page(" date 2031-11 " + HEADLINE_FR, LEAD_FR, BODY_FR)
    assert doc.title == HEADLINE_FR
    assert doc.date == "2031-11"
    assert "date 2031" not in kept(doc)


def test_a_headline_repeated_with_its_standfirst_is_the_title_once():
    doc = page(HEADLINE_FR, HEADLINE_FR + " " + LEAD_FR, BODY_FR)
    assert doc.title == HEADLINE_FR


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("publié le 12/03/2031 à 17:05", "2031-03-12"),
        ("Le 4 janvier 2030 - 512 mots", "2030-01-04"),
        ("Mis à jour le 1er février 2030", "2030-02-01"),
        ("Updated Feb. 18, 2029", "2029-02-18"),
        ("Publié le 5 mars 2030 à 10h00, mis à jour le 6 mars 2030 à 08h00", "2030-03-05"),
        ("March 5, 2029 / 10:32 AM / Updated 2 hours ago", "2029-03-05"),
        ("Published 7 March 2029 at 10:15 GMT", "2029-03-07"),
        ("2029-06-30", "2029-06-30"),
        ("Juin 2029", "2029-06"),
    ],
)
def test_date_lines_at_the_top_give_the_article_date(line: str, date: str):
    assert page(HEADLINE_FR, line, LEAD_FR, BODY_FR).date == date
    assert line not in kept(page(HEADLINE_FR, line, LEAD_FR, BODY_FR))


def test_a_month_only_prefix_gives_a_month_date():
    assert page(" date 2031-03 " + LEAD_FR, BODY_FR).date == "2031-03"


def test_a_month_only_prefix_takes_its_day_from_the_dateline():
    doc = page(" date 2031-12 ", "Dakar, 14 déc (XPS) – " + LEAD_FR, BODY_FR)
    assert doc.date == "2031-12-14"
    assert doc.outlet == "XPS"
    other_month = page(" date 2031-11 ", "Dakar, 14 déc (XPS) – " + LEAD_FR, BODY_FR)
    assert other_month.date == "2031-11"


def test_a_pipe_dateline_gives_agency_and_date():
    doc = page(" date 2030-11 " + HEADLINE_FR, "Lyon, France | AFP | jeudi 07/11/2030 - " + LEAD_FR)
    assert (doc.outlet, doc.date) == ("AFP", "2030-11-07")


def test_dates_of_the_news_are_not_the_article_date():
    caption = (
        "Port Lumen captain Ann Example checks her nets on Sunday, September 27, 2029, in "
        "Port Lumen. Pool via REUTERS/Tom Ashdown"
    )
    sentencing = "Sentencing is set for Nov. 1, 2029, the court said in a statement on Monday."
    doc = page(HEADLINE_EN, caption, LEAD_EN, BODY_EN, sentencing)
    assert doc.date is None
    assert page(LEAD_FR, "Le 16 septembre, le marché rouvrira. " + BODY_FR).date is None


def test_a_full_date_prefix_wins_over_dates_in_captions():
    caption = "A boat on Wednesday, Feb. 13, 2029, in Port Lumen. Photo: Ann Example, AP"
    doc = page(" date 2029-02-18 " + HEADLINE_EN, caption, LEAD_EN)
    assert doc.date == "2029-02-18"


@pytest.mark.parametrize(
    ("byline", "authors", "outlet"),
    [
        ("Par Aline Verdier · La Vigie du Nord", ["Aline Verdier"], "La Vigie du Nord"),
        ("Par Aline Verdier & Borealnews", ["Aline Verdier"], "Borealnews"),
        ("By Tom Ashdown and Mia Quill", ["Tom Ashdown", "Mia Quill"], None),
        ("By Tom Ashdown | Associated Press", ["Tom Ashdown"], "Associated Press"),
        (
            "By Mia Quill and Tom Ashdown, Harbour Times",
            ["Mia Quill", "Tom Ashdown"],
            "Harbour Times",
        ),
        ("*Par Jean Lune, envoyé spécial à Port-Lumen*", ["Jean Lune"], None),
        ("+++De l’envoyé spécial de l’XPS, Oumar Ba+++", ["Oumar Ba"], "XPS"),
        ("De notre correspondante à Dakar, Awa Ndiaye", ["Awa Ndiaye"], None),
        ("By MIA QUILL, Associated Press", ["MIA QUILL"], "Associated Press"),
        ("By Mia Quill, Staff Writer", ["Mia Quill"], None),
        ("By the Associated Press", [], "Associated Press"),
    ],
)
def test_bylines(byline: str, authors: list[str], outlet: str | None):
    doc = page(HEADLINE_FR, byline, LEAD_FR, BODY_FR)
    assert (doc.authors, doc.outlet) == (authors, outlet)
    assert doc.title == HEADLINE_FR
    assert byline.strip("+") not in kept(doc)


def test_a_sentence_starting_with_par_is_prose_not_a_byline():
    sentence = "Par ailleurs, le maire de Port-Lumen a annoncé une aide de 40 000 euros."
    doc = page(HEADLINE_FR, LEAD_FR, sentence)
    assert doc.authors == []
    assert sentence in kept(doc)


def test_wire_credit_names_reporters_and_writers_not_editors():
    credit = "(Reportage de Jean Lune avec Marc Soleil; rédigé par Ana Terre, édité par Paul Ciel)"
    doc = page(HEADLINE_FR, LEAD_FR, BODY_FR, credit)
    assert doc.authors == ["Jean Lune", "Marc Soleil", "Ana Terre"]


@pytest.mark.parametrize(
    ("lead", "outlet"),
    [
        ("RIVERTON, Wyo. (AP) — " + LEAD_EN, "AP"),
        ("NORTHFIELD, Mass. (KXYZ) — " + LEAD_EN, "KXYZ"),
        (LEAD_EN[:-1] + ", AFP reports.", "AFP"),
        (LEAD_EN + " A skipper told Reuters the storm was the worst in years.", "Reuters"),
        ("KINGSTON, Ont. — " + LEAD_EN, None),  # a dateline that names no agency
    ],
)
def test_outlet_from_datelines_and_wire_phrases(lead: str, outlet: str | None):
    assert page(lead, BODY_EN).outlet == outlet


def test_outlet_from_an_agency_credit_line_and_a_self_reference():
    assert page(LEAD_FR, "Agence France-Presse", BODY_FR).outlet == "Agence France-Presse"
    assert "Agence France-Presse" not in kept(page(LEAD_FR, "Agence France-Presse", BODY_FR))
    summary = "La Gazette Boréale vous résume les dégâts, quai par quai."
    assert page(LEAD_FR, summary, BODY_FR).outlet == "La Gazette Boréale"
    first = "Le QDN s'est intéressé au port dès sa réouverture, et les quais ont changé."
    assert page(LEAD_FR, first, BODY_FR).outlet == "QDN"


def test_a_person_told_by_name_is_not_an_outlet():
    assert page(LEAD_EN, "The mayor told Ann Example the port would reopen.").outlet is None


@pytest.mark.parametrize(
    ("credit_text", "credit"),
    [
        ("Photo: Ann Example, AP Photo: Ann Example, AP Image 1 of / 3", "Ann Example, AP"),
        ("(Photo Credit: Northfield University)", "Northfield University"),
        ("Crédit photo : Studio Aurore", "Studio Aurore"),
        ("© Jean Lune", "Jean Lune"),
        ("Tous droits réservés AP Photo/Ann Example", "AP Photo/Ann Example"),
    ],
)
def test_photo_credits(credit_text: str, credit: str):
    doc = page(HEADLINE_EN, "A boat in Port Lumen. " + credit_text, LEAD_EN, BODY_EN)
    assert doc.photo_credit == credit
    assert credit not in kept(doc)  # the credit is not prose...
    assert "A boat in Port Lumen." in kept(doc)  # ...the caption before it is kept


def test_the_first_photo_credit_is_kept_when_there_are_several():
    doc = page(
        HEADLINE_EN,
        "A boat at dawn. Pool via REUTERS/Ann Example",
        LEAD_EN,
        "A net on the quay. Pool via REUTERS/Tom Ashdown",
        BODY_EN,
    )
    assert doc.photo_credit == "Pool via REUTERS/Ann Example"


def test_a_copyright_year_and_slashes_in_prose_are_not_photo_credits():
    doc = page(HEADLINE_EN, LEAD_EN, "Winds reached 90 km/h. © 2029 Harbour Times")
    assert doc.photo_credit is None


def test_html_title_with_site_suffix(tmp_path: Path):
    path = tmp_path / "port.html"
    path.write_text(
        f"<html><head><title>{HEADLINE_FR} | La Vigie du Nord</title></head>"
        f"<body><p>{LEAD_FR}</p><p>{BODY_FR}</p></body></html>",
        encoding="utf-8",
    )
    doc = load_document(path)
    assert (doc.title, doc.outlet) == (HEADLINE_FR, "La Vigie du Nord")


# --- other readers --------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<title>Sommet de Paris : les alliés promettent des garanties</title>
<style>p { color: red }</style><script>var ad = "Publicité";</script></head>
<body>
<nav><ul><li>Accueil</li><li>Newsletters</li></ul></nav>
<article>
<h1>Sommet de Paris : les alliés promettent des garanties</h1>
<p>Publié le 6 janvier 2026</p>
<p>Les dirigeants de trente pays se sont réunis mardi à Paris. Ils ont promis des garanties
de sécurité à l'Ukraine.</p>
<p>M. Macron a salué une <em>étape décisive</em> pour la sécurité européenne.</p>
<aside><p>À lire aussi : autre chose</p></aside>
</article>
<footer><p>Mentions légales</p></footer>
</body></html>
"""


def test_html_reader_keeps_article_blocks_only(tmp_path: Path):
    path = tmp_path / "sommet.html"
    path.write_text(PAGE, encoding="utf-8")
    doc = load_document(path)
    text = kept(doc)
    assert doc.doc_id == "sommet"
    assert doc.title == "Sommet de Paris : les alliés promettent des garanties"
    assert doc.date == "2026-01-06"  # "6 janvier 2026"
    assert doc.language == "fr"
    assert "Ils ont promis des garanties de sécurité à l'Ukraine." in text
    assert "une étape décisive pour" in text  # inline markup flattened, words kept
    for chrome in ("Accueil", "Newsletters", "Publicité", "color: red", "autre chose", "Mentions"):
        assert chrome not in doc.text, chrome
    assert text.count("Sommet de Paris") == 1


def test_markdown_reader_strips_heading_markers_from_title_and_spans(tmp_path: Path):
    path = tmp_path / "note.md"
    path.write_text(
        "# Les alliés se réunissent à Paris\n\nPar Jeanne Martin\n\n"
        "Les dirigeants de trente pays se sont réunis mardi à Paris.\n\n"
        "## Une force de réassurance\n\nM. Macron a salué une étape décisive.\n",
        encoding="utf-8",
    )
    doc = load_document(path)
    assert doc.title == "Les alliés se réunissent à Paris"
    assert doc.authors == ["Jeanne Martin"]
    spans = [doc.text[s:e] for s, e in doc.spans]
    assert spans == [
        "Les alliés se réunissent à Paris",
        "Les dirigeants de trente pays se sont réunis mardi à Paris.",
        "Une force de réassurance",
        "M. Macron a salué une étape décisive.",
    ]
    assert doc.text.startswith("# Les alliés")  # offsets still point into the original


# --- encodings and bad files ------------------------------------------------------------

FRENCH = (
    "Réunion à l’Élysée : « très fortes » garanties\n\n"
    "Le président a reçu ses homologues à Noël ; déjà, l’été dernier, "
    "il avait évoqué cette œuvre commune. Coût : 140 milliards d’euros.\n"
)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_encodings_are_decoded(tmp_path: Path, encoding: str):
    text = FRENCH if encoding == "cp1252" else FRENCH.replace("’", "'").replace("œ", "oe")
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    doc = load_document(path)
    assert doc.text == text
    assert doc.title == text.splitlines()[0]


@pytest.mark.parametrize(
    "text",
    [
        "Élysée",
        "déjà",
        "Café crème, œuvre « très » forte — déjà vu, ça et là. L'été à Noël.",
        "Les garanties de sécurité — « très fortes » — ont été évoquées à Genève.",
    ],
)
def test_short_cp1252_text_is_not_mistaken_for_another_encoding(text: str):
    # charset-normalizer alone reads these as cp1250 ("crčme") or UTF-16
    assert decode(text.encode("cp1252")) == text


def test_utf8_bom_and_utf16_are_decoded(tmp_path: Path):
    assert decode("\ufeffÉlysée".encode()) == "Élysée"
    path = tmp_path / "utf16.txt"
    path.write_bytes(FRENCH.encode("utf-16"))  # with its BOM, as Notepad writes it
    assert load_document(path).text == FRENCH


def test_other_8bit_encodings_are_not_forced_into_cp1252():
    text = "Президент Франции провёл встречу с союзниками Украины в Париже во вторник."
    assert decode(text.encode("cp1251")) == text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.md", b"  \n\n\t\n", "empty file"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", "unsupported file type .exe"),
        ("README", b"no extension", "unsupported file type (none)"),
    ],
)
def test_files_that_are_not_articles_raise_with_a_reason(
    tmp_path: Path, name: str, data: bytes, reason: str
):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_text(path)


def test_text_with_nothing_but_chrome_is_rejected(tmp_path: Path):
    path = tmp_path / "menu.txt"
    path.write_text("Newsletter Newsletters Events Podcasts\nPublicité\nPartager\n#}\n")
    assert clean_spans(path.read_text()) == []
    with pytest.raises(IngestError, match="no article text"):
        load_document(path)
