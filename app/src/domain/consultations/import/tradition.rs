//! Drafting traditions: the unit keywords and the numbering of the OSCE region's main ways of
//! writing a law, and which one a draft is written in.
//!
//! A tradition gives
//! - its heading keywords, each with the [`SectionKind`] it is stored as, its *tier* (smaller is
//!   further out: a Part holds Chapters, a Chapter holds Articles) and its anchor prefix;
//! - its *ladder*: the marker styles of the units below an article, from the outside in
//!   (German: Absatz `(1)` > Nummer `1.` > Buchstabe `a)` > Doppelbuchstabe `aa)`);
//! - the words that may end a line before a list item ("and", "oder", "ou", "або").
//!
//! Keywords of every tradition are known in every draft (a treaty prints its English and its
//! Dutch text one after the other); the tradition decides the tiers, the ladder and what is
//! not a heading at all (`§ 1.` is a paragraph in Polish law, a section in German law).

use super::SectionKind;

/// A drafting tradition. The codes are stable (stored with each imported version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tradition {
    /// Commonwealth and UK: Part / Chapter / Division / section `8`, `(1)` `(1A)`, `(a)`,
    /// `(i)`, `(A)`.
    English,
    /// EU acts and treaties in English: `CHAPTER I`, `Article 5`, `1.`, `(a)`, `(i)`.
    Eu,
    /// US federal: Title / Chapter / Part / Subpart / `§ 214.11`, `(a)`, `(1)`, `(i)`, `(A)`.
    Us,
    /// French: Livre / Titre / Chapitre / Section / Article 1er, `I.`, `1°`, `a)`.
    French,
    /// German, Austrian, Swiss: Buch / Teil / Abschnitt / Titel / `§` or Art., `(1)`, `1.`,
    /// `a)`, `aa)`.
    German,
    /// Dutch: Boek / Titel / Hoofdstuk / Afdeling / Paragraaf / Artikel, `1.`, `a.`, `1°`.
    Dutch,
    /// Russian: Раздел / Глава / Статья, `1.`, `1)`, `а)`.
    Russian,
    /// Ukrainian: Розділ / Глава / Стаття, `1.`, `1)`, `а)`.
    Ukrainian,
    /// Polish: Dział / Rozdział / Art., `§ 1.`, `1.`, `1)`, `a)`, `–`.
    Polish,
    /// Spanish: Título / Capítulo / Sección / Artículo, `1.`, `a)`, `1.º`.
    Spanish,
    /// Italian: Titolo / Capo / Sezione / Articolo, `1.`, `a)`, `1)`.
    Italian,
}

/// A heading keyword of a tradition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Keyword {
    /// As written, lower case; a final `.` marks an abbreviation ("art.").
    pub(super) word: &'static str,
    /// What the unit is stored as.
    pub(super) kind: SectionKind,
    /// Nesting: smaller is further out.
    pub(super) tier: u8,
    /// The anchor prefix of the unit ("div" for Division 3 → `div3`).
    pub(super) slug: &'static str,
}

const fn kw(word: &'static str, kind: SectionKind, tier: u8, slug: &'static str) -> Keyword {
    Keyword {
        word,
        kind,
        tier,
        slug,
    }
}

use SectionKind::{Article, Chapter, Part, Section};

/// Tiers shared by every tradition, so keywords of different traditions nest sensibly.
pub(super) const TIER_BOOK: u8 = 5;
pub(super) const TIER_PART: u8 = 10;
pub(super) const TIER_CHAPTER: u8 = 20;
pub(super) const TIER_SECTION: u8 = 30;
pub(super) const TIER_ARTICLE: u8 = 40;

/// The tier a heading of `kind` has when nothing more is known.
pub(super) fn default_tier(kind: SectionKind) -> u8 {
    match kind {
        SectionKind::Part => TIER_PART,
        SectionKind::Chapter => TIER_CHAPTER,
        SectionKind::Section => TIER_SECTION,
        _ => TIER_ARTICLE,
    }
}

const ENGLISH: &[Keyword] = &[
    kw("schedule", Part, 8, "sch"),
    kw("part", Part, TIER_PART, "part"),
    // Australian Acts put Chapters outside Parts, UK Acts inside: see `Builder::chapter_tier`.
    kw("chapter", Chapter, TIER_CHAPTER, "ch"),
    kw("division", Section, 25, "div"),
    kw("subdivision", Section, 27, "sdiv"),
    kw("section", Article, TIER_ARTICLE, "sec"),
    kw("sec.", Article, TIER_ARTICLE, "sec"),
    kw("s.", Article, TIER_ARTICLE, "sec"),
    kw("article", Article, TIER_ARTICLE, "art"),
    kw("regulation", Article, TIER_ARTICLE, "reg"),
    kw("rule", Article, TIER_ARTICLE, "rule"),
];

const EU: &[Keyword] = &[
    kw("annex", Part, 8, "annex"),
    kw("part", Part, TIER_PART, "part"),
    kw("title", Part, 12, "title"),
    kw("chapter", Chapter, TIER_CHAPTER, "ch"),
    kw("chap.", Chapter, TIER_CHAPTER, "ch"),
    kw("section", Section, TIER_SECTION, "sec"),
    kw("subsection", Section, 32, "ssec"),
    kw("article", Article, TIER_ARTICLE, "art"),
    kw("art.", Article, TIER_ARTICLE, "art"),
    kw("art", Article, TIER_ARTICLE, "art"),
];

const US: &[Keyword] = &[
    kw("title", Part, TIER_BOOK, "title"),
    kw("subtitle", Part, 7, "stitle"),
    kw("chapter", Chapter, TIER_PART, "ch"),
    kw("subchapter", Chapter, 12, "sch"),
    kw("part", Part, TIER_CHAPTER, "part"),
    kw("subpart", Section, 25, "spart"),
    kw("§", Article, TIER_ARTICLE, "sec"),
    kw("section", Article, TIER_ARTICLE, "sec"),
    kw("sec.", Article, TIER_ARTICLE, "sec"),
];

const FRENCH: &[Keyword] = &[
    kw("livre", Part, TIER_BOOK, "livre"),
    kw("partie", Part, 8, "part"),
    kw("titre", Part, TIER_PART, "titre"),
    kw("sous-titre", Part, 12, "stitre"),
    kw("chapitre", Chapter, TIER_CHAPTER, "ch"),
    kw("sous-chapitre", Chapter, 22, "sch"),
    kw("section", Section, TIER_SECTION, "sec"),
    kw("sous-section", Section, 32, "ssec"),
    kw("paragraphe", Section, 34, "para"),
    kw("sous-paragraphe", Section, 36, "spara"),
    kw("article", Article, TIER_ARTICLE, "art"),
    kw("art.", Article, TIER_ARTICLE, "art"),
];

const GERMAN: &[Keyword] = &[
    kw("buch", Part, TIER_BOOK, "buch"),
    kw("teil", Part, TIER_PART, "teil"),
    kw("kapitel", Chapter, TIER_CHAPTER, "kap"),
    kw("abschnitt", Section, 25, "abschn"),
    kw("unterabschnitt", Section, 27, "uabschn"),
    kw("titel", Section, TIER_SECTION, "titel"),
    kw("untertitel", Section, 32, "utitel"),
    kw("§", Article, TIER_ARTICLE, "par"),
    kw("artikel", Article, TIER_ARTICLE, "art"),
    kw("art.", Article, TIER_ARTICLE, "art"),
];

const DUTCH: &[Keyword] = &[
    kw("boek", Part, TIER_BOOK, "boek"),
    kw("deel", Part, 8, "deel"),
    kw("titel", Part, TIER_PART, "titel"),
    kw("hoofdstuk", Chapter, TIER_CHAPTER, "hfd"),
    kw("afdeling", Section, 25, "afd"),
    kw("paragraaf", Section, TIER_SECTION, "par"),
    kw("§", Section, TIER_SECTION, "par"),
    kw("artikel", Article, TIER_ARTICLE, "art"),
    kw("art.", Article, TIER_ARTICLE, "art"),
];

const RUSSIAN: &[Keyword] = &[
    kw("раздел", Part, TIER_PART, "razd"),
    kw("подраздел", Part, 12, "podrazd"),
    kw("глава", Chapter, TIER_CHAPTER, "gl"),
    kw("параграф", Section, TIER_SECTION, "par"),
    kw("§", Section, TIER_SECTION, "par"),
    kw("статья", Article, TIER_ARTICLE, "st"),
    kw("ст.", Article, TIER_ARTICLE, "st"),
];

const UKRAINIAN: &[Keyword] = &[
    kw("розділ", Part, TIER_PART, "rozd"),
    kw("підрозділ", Part, 12, "pidrozd"),
    kw("глава", Chapter, TIER_CHAPTER, "gl"),
    kw("параграф", Section, TIER_SECTION, "par"),
    kw("§", Section, TIER_SECTION, "par"),
    kw("стаття", Article, TIER_ARTICLE, "st"),
    kw("ст.", Article, TIER_ARTICLE, "st"),
];

const POLISH: &[Keyword] = &[
    kw("księga", Part, TIER_BOOK, "ks"),
    kw("część", Part, 8, "cz"),
    kw("tytuł", Part, TIER_PART, "tyt"),
    kw("dział", Part, 15, "dz"),
    kw("rozdział", Chapter, TIER_CHAPTER, "rozdz"),
    kw("oddział", Section, TIER_SECTION, "odd"),
    kw("artykuł", Article, TIER_ARTICLE, "art"),
    kw("art.", Article, TIER_ARTICLE, "art"),
];

const SPANISH: &[Keyword] = &[
    kw("libro", Part, TIER_BOOK, "libro"),
    kw("título", Part, TIER_PART, "tit"),
    kw("titulo", Part, TIER_PART, "tit"),
    kw("capítulo", Chapter, TIER_CHAPTER, "cap"),
    kw("capitulo", Chapter, TIER_CHAPTER, "cap"),
    kw("sección", Section, TIER_SECTION, "sec"),
    kw("seccion", Section, TIER_SECTION, "sec"),
    kw("subsección", Section, 32, "ssec"),
    kw("artículo", Article, TIER_ARTICLE, "art"),
    kw("articulo", Article, TIER_ARTICLE, "art"),
    kw("art.", Article, TIER_ARTICLE, "art"),
    // The provisions after the last Título stand outside it ("Disposición adicional primera").
    kw("disposición adicional", Article, TIER_PART, "da"),
    kw("disposición transitoria", Article, TIER_PART, "dt"),
    kw("disposición derogatoria", Article, TIER_PART, "dd"),
    kw("disposición final", Article, TIER_PART, "df"),
];

const ITALIAN: &[Keyword] = &[
    kw("libro", Part, TIER_BOOK, "libro"),
    kw("parte", Part, 8, "parte"),
    kw("titolo", Part, TIER_PART, "tit"),
    kw("capo", Chapter, TIER_CHAPTER, "capo"),
    kw("sezione", Section, TIER_SECTION, "sez"),
    kw("paragrafo", Section, 32, "par"),
    kw("articolo", Article, TIER_ARTICLE, "art"),
    kw("art.", Article, TIER_ARTICLE, "art"),
];

/// Keywords of the first version of the importer, for drafts in no known tradition.
const GENERIC: &[Keyword] = &[
    kw("partie", Part, TIER_PART, "part"),
    kw("part", Part, TIER_PART, "part"),
    kw("titre", Part, TIER_PART, "part"),
    kw("title", Part, TIER_PART, "part"),
    kw("chapitre", Chapter, TIER_CHAPTER, "ch"),
    kw("chapter", Chapter, TIER_CHAPTER, "ch"),
    kw("chap.", Chapter, TIER_CHAPTER, "ch"),
    kw("section", Section, TIER_SECTION, "sec"),
    kw("article", Article, TIER_ARTICLE, "art"),
    kw("art.", Article, TIER_ARTICLE, "art"),
    kw("art", Article, TIER_ARTICLE, "art"),
];

/// A marker style: how a paragraph or point number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Style {
    /// `(1)`, `(1a)`, `(1A)`, `(4b)`.
    ParenNumber,
    /// `1.`, `2a.`, `1-bis.`.
    DotNumber,
    /// `1)`, `2a)`.
    CloseNumber,
    /// `1°`, `1º`, `1.º`.
    Degree,
    /// `§ 1.` (a paragraph of a Polish article).
    SectionSign,
    /// `(a)`, `(aa)`.
    ParenLetter,
    /// `a)`, `a-bis)`.
    CloseLetter,
    /// `a.`.
    DotLetter,
    /// `aa)`, `bb)` (German Doppelbuchstaben).
    DoubleLetter,
    /// `(i)`, `(iv)`.
    ParenRoman,
    /// `i)`, `iv)`.
    CloseRoman,
    /// `(A)`, `(B)`.
    ParenUpper,
    /// `I.`, `II.` (French article paragraphs).
    UpperRomanDot,
    /// `а)`, `б)` (Cyrillic letters).
    Cyrillic,
}

use Style::*;

const LADDER_ENGLISH: &[&[Style]] = &[
    &[ParenNumber, DotNumber],
    &[ParenLetter],
    &[ParenRoman],
    &[ParenUpper],
];
const LADDER_EU: &[&[Style]] = &[
    &[DotNumber, ParenNumber],
    &[ParenLetter, CloseLetter],
    &[ParenRoman, CloseRoman],
];
// Subsection (a), paragraph (1), then (A) and (i) in either order: the U.S. Code writes
// subparagraph (A) > clause (i), the CFR (i) > (A). Whichever comes first is level 2 (see
// `Builder::ladder_rank`).
const LADDER_US: &[&[Style]] = &[&[ParenLetter], &[ParenNumber], &[ParenUpper, ParenRoman]];
const LADDER_FRENCH: &[&[Style]] = &[&[UpperRomanDot], &[Degree, DotNumber], &[CloseLetter]];
const LADDER_GERMAN: &[&[Style]] = &[
    &[ParenNumber],
    &[DotNumber],
    // "a)" in Germany, "a." in Switzerland.
    &[CloseLetter, DotLetter],
    &[DoubleLetter],
];
const LADDER_DUTCH: &[&[Style]] = &[&[DotNumber], &[DotLetter, CloseLetter], &[Degree]];
const LADDER_SLAVIC: &[&[Style]] = &[&[DotNumber], &[CloseNumber], &[Cyrillic]];
const LADDER_POLISH: &[&[Style]] = &[&[SectionSign], &[DotNumber], &[CloseNumber], &[CloseLetter]];
const LADDER_SPANISH: &[&[Style]] = &[&[DotNumber], &[CloseLetter], &[Degree]];
const LADDER_ITALIAN: &[&[Style]] = &[&[DotNumber], &[CloseLetter], &[CloseNumber]];

impl Tradition {
    /// Every tradition, in the order the secretariat is offered them.
    pub const ALL: [Tradition; 11] = [
        Tradition::English,
        Tradition::Eu,
        Tradition::Us,
        Tradition::French,
        Tradition::German,
        Tradition::Dutch,
        Tradition::Russian,
        Tradition::Ukrainian,
        Tradition::Polish,
        Tradition::Spanish,
        Tradition::Italian,
    ];

    /// The stable code, stored with each version.
    pub fn code(self) -> &'static str {
        match self {
            Tradition::English => "en",
            Tradition::Eu => "eu",
            Tradition::Us => "us",
            Tradition::French => "fr",
            Tradition::German => "de",
            Tradition::Dutch => "nl",
            Tradition::Russian => "ru",
            Tradition::Ukrainian => "uk",
            Tradition::Polish => "pl",
            Tradition::Spanish => "es",
            Tradition::Italian => "it",
        }
    }

    /// The tradition of a code from [`Tradition::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        Tradition::ALL.into_iter().find(|t| t.code() == code)
    }

    /// Its heading keywords.
    pub(super) fn keywords(self) -> &'static [Keyword] {
        match self {
            Tradition::English => ENGLISH,
            Tradition::Eu => EU,
            Tradition::Us => US,
            Tradition::French => FRENCH,
            Tradition::German => GERMAN,
            Tradition::Dutch => DUTCH,
            Tradition::Russian => RUSSIAN,
            Tradition::Ukrainian => UKRAINIAN,
            Tradition::Polish => POLISH,
            Tradition::Spanish => SPANISH,
            Tradition::Italian => ITALIAN,
        }
    }

    /// The marker styles below an article, from the outside in.
    pub(super) fn ladder(self) -> &'static [&'static [Style]] {
        match self {
            Tradition::English => LADDER_ENGLISH,
            Tradition::Eu => LADDER_EU,
            Tradition::Us => LADDER_US,
            Tradition::French => LADDER_FRENCH,
            Tradition::German => LADDER_GERMAN,
            Tradition::Dutch => LADDER_DUTCH,
            Tradition::Russian | Tradition::Ukrainian => LADDER_SLAVIC,
            Tradition::Polish => LADDER_POLISH,
            Tradition::Spanish => LADDER_SPANISH,
            Tradition::Italian => LADDER_ITALIAN,
        }
    }

    /// The level of `style` on the ladder, if it is on it.
    pub(super) fn level_of(self, style: Style) -> Option<u8> {
        self.ladder()
            .iter()
            .position(|styles| styles.contains(&style))
            .and_then(|p| u8::try_from(p).ok())
    }

    /// Words a line may end with before a list item on the next line ("…; and").
    pub(super) fn connectors(self) -> &'static [&'static str] {
        match self {
            Tradition::English | Tradition::Eu | Tradition::Us => &["and", "or", "but"],
            Tradition::French => &["et", "ou"],
            Tradition::German => &["und", "oder", "sowie"],
            Tradition::Dutch => &["en", "of"],
            Tradition::Russian => &["и", "или", "либо"],
            Tradition::Ukrainian => &["і", "й", "та", "або", "чи"],
            Tradition::Polish => &["i", "oraz", "lub", "albo"],
            Tradition::Spanish => &["y", "o", "e", "u"],
            Tradition::Italian => &["e", "o", "ed", "od"],
        }
    }

    /// Whether a section is written as its bare number and title ("8  Are you entitled to
    /// an ABN?", "1 Slavery, servitude and forced or compulsory labour").
    pub(super) fn bare_sections(self) -> bool {
        self == Tradition::English
    }

    /// Whether an article has no title, its text following its number on the same line
    /// ("Art. 1. Ustawa określa…").
    pub(super) fn untitled_articles(self) -> bool {
        self == Tradition::Polish
    }

    /// Finds the tradition a text is written in: its language (whatlang), then for English
    /// which of the three English-language traditions its headings and numbering follow.
    /// `None` when neither tells.
    pub fn detect(text: &str) -> Option<Tradition> {
        let sample = sample_of(text, 60_000);
        // Line starts are counted over the whole text: an EU act's recitals can fill the
        // first hundred kilobytes before its first Article.
        let counts = LineCounts::of(text);
        // A few lines tell nothing reliable about their language.
        if sample.chars().filter(|c| c.is_alphabetic()).count() < 400 {
            return None;
        }
        // The language of the beginning decides: a treaty printed in two languages is read in
        // its first (the Palermo Protocol in English, then in Dutch).
        let reliable = |text: &str| {
            whatlang::detect(text)
                .filter(|info| info.is_reliable())
                .map(|info| info.lang())
        };
        let lang = reliable(opening(sample, 3_000)).or_else(|| reliable(sample));
        use whatlang::Lang;
        Some(match lang? {
            Lang::Deu => Tradition::German,
            Lang::Nld => Tradition::Dutch,
            Lang::Fra => Tradition::French,
            Lang::Spa | Lang::Cat => Tradition::Spanish,
            Lang::Ita => Tradition::Italian,
            Lang::Pol => Tradition::Polish,
            Lang::Rus | Lang::Bel => Tradition::Russian,
            Lang::Ukr => Tradition::Ukrainian,
            Lang::Eng => {
                if counts.us_sections > 0 && counts.us_sections >= counts.articles {
                    Tradition::Us
                } else if counts.articles >= 2 && counts.articles >= counts.bare_sections {
                    Tradition::Eu
                } else {
                    Tradition::English
                }
            }
            _ => return None,
        })
    }
}

/// The first lines of `text` that hold at least `letters` letters (all of it if it is shorter).
fn opening(text: &str, letters: usize) -> &str {
    let mut count = 0usize;
    let mut end = 0usize;
    for line in text.split_inclusive('\n') {
        end += line.len();
        count += line.chars().filter(|c| c.is_alphabetic()).count();
        if count >= letters {
            break;
        }
    }
    text.get(..end).unwrap_or(text)
}

/// At most `max` bytes of `text`, cut at a char boundary.
fn sample_of(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    &text[..cut]
}

/// Counts of line starts that tell the English-language traditions apart.
#[derive(Debug, Default)]
struct LineCounts {
    /// "Article 5", "ARTICLE 5", "Art. 5".
    articles: usize,
    /// "§ 214.11", "Sec. 2.".
    us_sections: usize,
    /// "8  Title" or "(1A)": Commonwealth sections and inserted subsections.
    bare_sections: usize,
}

impl LineCounts {
    fn of(text: &str) -> Self {
        let mut counts = LineCounts::default();
        for line in text.lines() {
            let line = line.trim_start_matches(|c: char| c.is_whitespace() || c == '#' || c == '*');
            // "§\u{202f}1589.": any space counts as one.
            let spaced: String = line
                .chars()
                .take(40)
                .map(|c| if c.is_whitespace() { ' ' } else { c })
                .collect();
            let line = spaced.as_str();
            let lower: String = line.chars().take(12).flat_map(char::to_lowercase).collect();
            if lower.starts_with("article ") || lower.starts_with("art. ") {
                counts.articles += 1;
            } else if lower.starts_with("§ ") || lower.starts_with("sec. ") {
                let rest = line
                    .get(lower.find(' ').map_or(0, |i| i + 1)..)
                    .unwrap_or("");
                let number: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                // "§ 214.11" (CFR), "§ 1589." (U.S. Code); "Sec. 2." only with a dot inside.
                let section_sign = lower.starts_with("§ ") && !number.is_empty();
                if section_sign || (number.contains('.') && !number.ends_with('.')) {
                    counts.us_sections += 1;
                }
            } else if line.starts_with("(1A)")
                || line.split_once("  ").is_some_and(|(n, t)| {
                    !n.is_empty()
                        && n.len() <= 4
                        && n.bytes().all(|b| b.is_ascii_alphanumeric())
                        && n.starts_with(|c: char| c.is_ascii_digit())
                        && t.starts_with(|c: char| c.is_uppercase())
                })
            {
                counts.bare_sections += 1;
            }
        }
        counts
    }
}

/// Ordinal and number words written instead of a number ("Erster Abschnitt", "Livre premier",
/// "Título preliminar", "Artículo único"), with their value.
pub(super) fn ordinal_word(word: &str) -> Option<u32> {
    const UNITS: &[(&str, u32)] = &[
        ("ein", 1),
        ("zwei", 2),
        ("drei", 3),
        ("vier", 4),
        ("fünf", 5),
        ("sechs", 6),
        ("sieben", 7),
        ("acht", 8),
        ("neun", 9),
    ];
    const TENS: &[(&str, u32)] = &[
        ("zwanzig", 20),
        ("dreißig", 30),
        ("dreissig", 30),
        ("vierzig", 40),
        ("fünfzig", 50),
    ];
    const SIMPLE: &[(&str, u32)] = &[
        // German: erste(r/s/n/m) … neunzehnte(r)
        ("erst", 1),
        ("zweit", 2),
        ("dritt", 3),
        ("viert", 4),
        ("fünft", 5),
        ("sechst", 6),
        ("siebent", 7),
        ("siebt", 7),
        ("acht", 8),
        ("neunt", 9),
        ("zehnt", 10),
        ("elft", 11),
        ("zwölft", 12),
        ("dreizehnt", 13),
        ("vierzehnt", 14),
        ("fünfzehnt", 15),
        ("sechzehnt", 16),
        ("siebzehnt", 17),
        ("achtzehnt", 18),
        ("neunzehnt", 19),
    ];
    const WORDS: &[(&str, u32)] = &[
        // Dutch
        ("eerste", 1),
        ("tweede", 2),
        ("derde", 3),
        ("vierde", 4),
        ("vijfde", 5),
        ("zesde", 6),
        // Spanish and Italian
        ("preliminar", 0),
        ("único", 1),
        ("unico", 1),
        ("única", 1),
        ("primero", 1),
        ("primera", 1),
        ("primo", 1),
        ("segundo", 2),
        ("segunda", 2),
        ("secondo", 2),
        ("tercero", 3),
        ("tercera", 3),
        ("terzo", 3),
        ("cuarto", 4),
        ("quarto", 4),
        ("quinto", 5),
        ("sexto", 6),
        ("sesto", 6),
        ("séptimo", 7),
        ("settimo", 7),
        ("octavo", 8),
        ("ottavo", 8),
        ("noveno", 9),
        ("nono", 9),
        ("décimo", 10),
        ("decimo", 10),
        // English
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("fourth", 4),
        ("fifth", 5),
        ("preliminary", 0),
        // French ("Livre premier", "Titre préliminaire")
        ("préliminaire", 0),
        ("unique", 1),
        // Russian and Ukrainian ordinals of parts
        ("первая", 1),
        ("вторая", 2),
        ("третья", 3),
        ("перша", 1),
        ("друга", 2),
        ("третя", 3),
        // Russian and Ukrainian ordinals of sections ("РАЗДЕЛ ПЕРВЫЙ", "Розділ перший")
        ("первый", 1),
        ("второй", 2),
        ("третий", 3),
        ("четвертый", 4),
        ("четвёртый", 4),
        ("пятый", 5),
        ("шестой", 6),
        ("седьмой", 7),
        ("восьмой", 8),
        ("девятый", 9),
        ("десятый", 10),
        ("перший", 1),
        ("другий", 2),
        ("третій", 3),
        ("четвертий", 4),
        ("п'ятий", 5),
        ("шостий", 6),
        // Spanish and Italian (further)
        ("undécimo", 11),
        ("duodécimo", 12),
        ("sétima", 7),
        ("séptima", 7),
        ("octava", 8),
        ("novena", 9),
        ("décima", 10),
        ("cuarta", 4),
        ("quinta", 5),
        ("sexta", 6),
    ];
    let lower = word.to_lowercase();
    if let Some(&(_, v)) = WORDS.iter().find(|(w, _)| *w == lower) {
        return Some(v);
    }
    // German adjectival endings: Erster, Erstes, Ersten, Erste; Einundzwanzigster.
    let stem = ["er", "es", "en", "em", "e"]
        .iter()
        .find_map(|ending| lower.strip_suffix(ending))?;
    if let Some(&(_, v)) = SIMPLE.iter().find(|(w, _)| *w == stem) {
        return Some(v);
    }
    let tens_stem = stem.strip_suffix("st")?;
    if let Some(&(_, v)) = TENS.iter().find(|(w, _)| *w == tens_stem) {
        return Some(v);
    }
    let (unit, tens) = tens_stem.split_once("und")?;
    let unit = UNITS.iter().find(|(w, _)| *w == unit)?.1;
    let tens = TENS.iter().find(|(w, _)| *w == tens)?.1;
    Some(unit + tens)
}

/// Latin suffixes of inserted units ("5 bis", "18-ter", "1-quater").
pub(super) const LATIN_SUFFIXES: &[&str] = &[
    "bis",
    "ter",
    "quater",
    "quinquies",
    "sexies",
    "septies",
    "octies",
    "novies",
    "nonies",
    "decies",
    "undecies",
    "duodecies",
    "terdecies",
    "quaterdecies",
    "quinquiesdecies",
];

/// Whether `word` (any case) is a latin suffix of an inserted unit.
pub(super) fn is_latin_suffix(word: &str) -> bool {
    LATIN_SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(word))
}

/// The keywords to try for `tradition` (its own first, then every other tradition's), with
/// the longest spelling first where one is a prefix of another.
pub(super) fn keywords_for(tradition: Option<Tradition>) -> &'static [Keyword] {
    use std::sync::OnceLock;
    static TABLES: OnceLock<Vec<Vec<Keyword>>> = OnceLock::new();
    let tables = TABLES.get_or_init(|| {
        let mut tables = Vec::new();
        let all: Vec<Option<Tradition>> = std::iter::once(None)
            .chain(Tradition::ALL.into_iter().map(Some))
            .collect();
        for t in all {
            let own: &[Keyword] = t.map_or(GENERIC, Tradition::keywords);
            let mut list: Vec<Keyword> = own.to_vec();
            let others = Tradition::ALL
                .into_iter()
                .filter(|o| Some(*o) != t)
                .flat_map(|o| o.keywords().iter().copied());
            for k in GENERIC.iter().copied().chain(others) {
                // Polish law numbers paragraphs with §: never a heading there.
                if t == Some(Tradition::Polish) && k.word == "§" {
                    continue;
                }
                if !list.iter().any(|l| l.word == k.word) {
                    // Another tradition's keyword keeps its place by kind only.
                    list.push(Keyword {
                        tier: default_tier(k.kind),
                        ..k
                    });
                }
            }
            list.sort_by_key(|k| std::cmp::Reverse(k.word.chars().count()));
            tables.push(list);
        }
        tables
    });
    let index = match tradition {
        None => 0,
        Some(t) => Tradition::ALL
            .iter()
            .position(|o| *o == t)
            .map_or(0, |p| p + 1),
    };
    tables.get(index).map_or(&[], Vec::as_slice)
}

/// The keyword a printed number starts with ("Division 3" → division), for its tier and slug.
pub(super) fn keyword_of(tradition: Option<Tradition>, number: &str) -> Option<Keyword> {
    let number = number.trim_start();
    // "The Schedule".
    let number = number
        .strip_prefix("The ")
        .or_else(|| number.strip_prefix("THE "))
        .filter(|rest| keyword_at_start(tradition, rest).is_some())
        .unwrap_or(number);
    // "Erster Abschnitt": the keyword after the ordinal.
    if let Some((word, after)) = number.split_once(char::is_whitespace)
        && ordinal_word(word).is_some()
        && let Some(k) = keyword_at_start(tradition, after.trim_start())
    {
        return Some(k);
    }
    keyword_at_start(tradition, number)
}

/// The keyword `number` starts with.
fn keyword_at_start(tradition: Option<Tradition>, number: &str) -> Option<Keyword> {
    let lower = number.to_lowercase();
    keywords_for(tradition).iter().copied().find(|k| {
        lower.starts_with(k.word)
            && lower.get(k.word.len()..).is_some_and(|rest| {
                rest.is_empty()
                    || k.word.ends_with('.')
                    || rest.starts_with(char::is_whitespace)
                    || rest.starts_with(|c: char| c.is_ascii_digit()) && k.word == "§"
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_ordinals() {
        for (word, value) in [
            ("Erster", 1),
            ("Zweites", 2),
            ("Siebenter", 7),
            ("Siebter", 7),
            ("Zwölfter", 12),
            ("Zwanzigster", 20),
            ("Einundzwanzigster", 21),
            ("Dreißigster", 30),
            ("Eerste", 1),
            ("preliminar", 0),
        ] {
            assert_eq!(ordinal_word(word), Some(value), "{word}");
        }
        assert_eq!(ordinal_word("Besonderer"), None);
        assert_eq!(ordinal_word("Allgemeiner"), None);
    }

    #[test]
    fn codes_round_trip() {
        for t in Tradition::ALL {
            assert_eq!(Tradition::from_code(t.code()), Some(t));
        }
        let codes: Vec<&str> = Tradition::ALL.iter().map(|t| t.code()).collect();
        assert_eq!(
            codes,
            crate::model::consultation::TRADITIONS,
            "the pages offer every tradition"
        );
        assert_eq!(Tradition::from_code("xx"), None);
    }

    #[test]
    fn keywords_longest_first() {
        let list = keywords_for(Some(Tradition::German));
        let unter = list.iter().position(|k| k.word == "unterabschnitt");
        let abschnitt = list.iter().position(|k| k.word == "abschnitt");
        assert!(unter < abschnitt);
        assert!(
            keywords_for(Some(Tradition::Polish))
                .iter()
                .all(|k| k.word != "§")
        );
        assert_eq!(
            keyword_of(Some(Tradition::English), "Division 3").map(|k| k.slug),
            Some("div")
        );
        assert_eq!(
            keyword_of(Some(Tradition::German), "§ 232").map(|k| k.tier),
            Some(TIER_ARTICLE)
        );
    }
}
