//! The case file's PDF: laid out first into pages of positioned text runs
//! (so the footer can say "page N of M"), then drawn with krilla.

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;

use crate::layout::{Face, Faces};
use crate::{CaseFile, CaseFileError, Fact};

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const BOTTOM: f32 = PAGE_H - MARGIN;
const WIDTH: f32 = PAGE_W - 2.0 * MARGIN;
const LABEL_W: f32 = 165.0;
const BODY: f32 = 10.0;
const SMALL: f32 = 8.5;

/// A file as the PDF lists it: its name, type, size, digest and archive path.
pub(crate) struct Listed<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size: usize,
    pub sha256: &'a str,
    pub path: &'a str,
}

struct Run {
    x: f32,
    y: f32,
    bold: bool,
    size: f32,
    text: String,
}

/// Pages of runs and a cursor; starts a new page when the next line does not fit.
struct Pages<'f> {
    faces: &'f Faces,
    pages: Vec<Vec<Run>>,
    y: f32,
}

impl<'f> Pages<'f> {
    fn new(faces: &'f Faces) -> Self {
        Pages {
            faces,
            pages: vec![Vec::new()],
            y: MARGIN,
        }
    }

    fn face(&self, bold: bool) -> &'f Face {
        if bold {
            &self.faces.bold
        } else {
            &self.faces.regular
        }
    }

    /// Room for `height` more points on this page, or a new page.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    /// A block of wrapped text at `x`, `width` wide.
    fn text(&mut self, x: f32, width: f32, text: &str, bold: bool, size: f32) {
        let lead = size * 1.35;
        for line in self.face(bold).wrap(text, size, width) {
            self.room(lead);
            self.y += lead;
            if !line.is_empty() {
                self.push(x, self.y - size * 0.3, bold, size, line);
            }
        }
    }

    fn push(&mut self, x: f32, y: f32, bold: bool, size: f32, text: String) {
        if let Some(page) = self.pages.last_mut() {
            page.push(Run {
                x,
                y,
                bold,
                size,
                text,
            });
        }
    }

    fn gap(&mut self, points: f32) {
        self.y += points;
    }

    fn heading(&mut self, text: &str) {
        self.room(40.0);
        self.gap(10.0);
        self.text(MARGIN, WIDTH, text, true, 12.5);
        self.gap(3.0);
    }

    /// Label and value side by side; both wrap in their columns.
    fn row(&mut self, fact: &Fact) {
        let lead = BODY * 1.35;
        let labels = self.faces.bold.wrap(&fact.label, BODY, LABEL_W - 8.0);
        let values = self.faces.regular.wrap(&fact.value, BODY, WIDTH - LABEL_W);
        for i in 0..labels.len().max(values.len()) {
            self.room(lead);
            self.y += lead;
            let base = self.y - BODY * 0.3;
            if let Some(l) = labels.get(i).filter(|l| !l.is_empty()) {
                self.push(MARGIN, base, true, BODY, l.clone());
            }
            if let Some(v) = values.get(i).filter(|v| !v.is_empty()) {
                self.push(MARGIN + LABEL_W, base, false, BODY, v.clone());
            }
        }
    }
}

pub(crate) fn render(case: &CaseFile, files: &[Listed<'_>]) -> Result<Vec<u8>, CaseFileError> {
    let faces = Faces::load()?;
    let mut p = Pages::new(&faces);
    p.text(
        MARGIN,
        WIDTH,
        &format!("Дело по обращению {0} / Case file {0}", case.number),
        true,
        16.0,
    );
    p.gap(2.0);
    p.text(MARGIN, WIDTH, &case.subject, false, 11.5);
    p.gap(2.0);
    p.text(
        MARGIN,
        WIDTH,
        &format!(
            "Сформировано / Generated: {}. Время / Times: {}",
            case.when(case.generated_at),
            case.zone_name()
        ),
        false,
        SMALL,
    );

    p.heading("Обращение / Ticket");
    case.facts.iter().for_each(|f| p.row(f));
    p.heading("Стороны / Parties");
    case.parties.iter().for_each(|f| p.row(f));
    p.heading("Претензия / Claim");
    match &case.claim {
        Some(facts) => facts.iter().for_each(|f| p.row(f)),
        None => p.text(
            MARGIN,
            WIDTH,
            "Претензия не подавалась / No claim was filed",
            false,
            BODY,
        ),
    }

    p.heading("Переписка / Dialogue");
    if case.entries.is_empty() {
        p.text(MARGIN, WIDTH, "Сообщений нет / No messages", false, BODY);
    }
    for e in &case.entries {
        p.room(BODY * 4.0);
        p.gap(6.0);
        let mut head = format!("{} · {} · {}", case.when(e.at), e.author, e.channel);
        if let Some(n) = &e.merged_from {
            head.push_str(&format!(" · {n}"));
        }
        p.text(MARGIN, WIDTH, &head, true, 9.0);
        p.text(MARGIN + 8.0, WIDTH - 8.0, &e.body, false, BODY);
        for hash in &e.files {
            let name = files
                .iter()
                .find(|f| f.sha256 == hash)
                .map_or(hash.as_str(), |f| f.path);
            p.text(
                MARGIN + 8.0,
                WIDTH - 8.0,
                &format!("Вложение / Attachment: {name}"),
                false,
                SMALL,
            );
        }
    }

    p.heading("Вложения / Attachments");
    if files.is_empty() {
        p.text(MARGIN, WIDTH, "Вложений нет / No attachments", false, BODY);
    }
    for f in files {
        p.room(SMALL * 6.0);
        p.gap(4.0);
        p.text(MARGIN, WIDTH, f.file_name, true, BODY);
        p.text(
            MARGIN + 8.0,
            WIDTH - 8.0,
            &format!(
                "{}, {} байт / bytes; в архиве / in the archive: {}",
                f.content_type, f.size, f.path
            ),
            false,
            SMALL,
        );
        p.text(
            MARGIN + 8.0,
            WIDTH - 8.0,
            &format!("SHA-256: {}", f.sha256),
            false,
            SMALL,
        );
    }
    draw(case, &faces, p.pages)
}

fn draw(case: &CaseFile, faces: &Faces, pages: Vec<Vec<Run>>) -> Result<Vec<u8>, CaseFileError> {
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| CaseFileError::Pdf("page size".into()))?;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(format!("Дело по обращению {} / Case file", case.number))
            .language("ru".into())
            .creator("Switchboard".into()),
    );
    let total = pages.len();
    for (i, runs) in pages.into_iter().enumerate() {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        let footer = format!(
            "{} · стр. {} из {} / page {} of {}",
            case.number,
            i + 1,
            total,
            i + 1,
            total
        );
        let footer = Run {
            x: MARGIN,
            y: PAGE_H - MARGIN / 2.0,
            bold: false,
            size: 7.5,
            text: footer,
        };
        for run in runs.iter().chain(std::iter::once(&footer)) {
            let face = if run.bold {
                &faces.bold
            } else {
                &faces.regular
            };
            let glyphs = face.glyphs(&run.text);
            surface.draw_glyphs(
                Point::from_xy(run.x, run.y),
                &glyphs,
                face.font.clone(),
                &run.text,
                run.size,
                false,
            );
        }
        surface.finish();
        page.finish();
    }
    doc.finish()
        .map_err(|e| CaseFileError::Pdf(format!("{e:?}")))
}
