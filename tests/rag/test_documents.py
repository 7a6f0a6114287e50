"""Reading and cleaning articles: what each seed's cleaning must remove and keep, the
metadata read from the text, the other readers (HTML, Markdown) and legacy encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.documents import clean_spans, decode, load_document, read_text
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
    assert doc.title and doc.title == " ".join(doc.title.split())
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


def test_003_title_is_its_first_sentence_shortened():
    doc = seed("003")
    assert doc.title.startswith("Le président français Emmanuel Macron a accueilli")
    assert len(doc.title) <= 121
    assert doc.date is None


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
