//! Fonts and line breaking: the embedded faces, their glyphs and widths, and
//! a greedy word wrap (a word longer than the line is broken by characters).

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

use crate::CaseFileError;

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// One embedded face: krilla's handle for drawing, skrifa's tables for measuring.
pub(crate) struct Face {
    pub font: Font,
    tables: FontRef<'static>,
    units_per_em: f32,
}

pub(crate) struct Faces {
    pub regular: Face,
    pub bold: Face,
}

impl Faces {
    pub fn load() -> Result<Faces, CaseFileError> {
        Ok(Faces {
            regular: Face::load(REGULAR)?,
            bold: Face::load(BOLD)?,
        })
    }
}

impl Face {
    fn load(bytes: &'static [u8]) -> Result<Face, CaseFileError> {
        let font = Font::new(bytes.into(), 0).ok_or(CaseFileError::Font)?;
        let tables = FontRef::new(bytes).map_err(|_| CaseFileError::Font)?;
        let units_per_em = f32::from(
            tables
                .metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        Ok(Face {
            font,
            tables,
            units_per_em,
        })
    }

    /// One glyph per character (no shaping: Latin and Cyrillic need none),
    /// each mapped back to its character so the text extracts as written.
    pub fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        let charmap = self.tables.charmap();
        let metrics = self
            .tables
            .glyph_metrics(Size::unscaled(), LocationRef::default());
        text.char_indices()
            .map(|(i, c)| {
                let gid = charmap.map(c).unwrap_or(skrifa::GlyphId::NOTDEF);
                let advance = metrics.advance_width(gid).unwrap_or(0.0) / self.units_per_em;
                KrillaGlyph::new(
                    GlyphId::new(gid.to_u32()),
                    advance,
                    0.0,
                    0.0,
                    0.0,
                    i..i + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.glyphs(text).iter().map(|g| g.x_advance).sum::<f32>() * size
    }

    /// `text` broken into lines no wider than `max` points at `size`.
    /// Line breaks in the text are kept; tabs become spaces; an empty
    /// paragraph stays an empty line.
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let paragraph: String = paragraph
                .chars()
                .filter(|&c| c != '\r')
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            let mut line = String::new();
            for word in paragraph.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone: break it by characters while too long.
                for c in word.chars() {
                    let mut next = line.clone();
                    next.push(c);
                    if !line.is_empty() && self.width(&next, size) > max {
                        lines.push(std::mem::take(&mut line));
                        next = c.to_string();
                    }
                    line = next;
                }
            }
            lines.push(line);
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fit_and_keep_every_word() {
        let faces = Faces::load().unwrap();
        let text = "Здравствуйте! Посылка по заказу MP-10001 не пришла, трек-номер \
                    не обновляется уже неделю.\n\nПрошу вернуть деньги. \
                    Оченьоченьоченьоченьоченьоченьоченьдлинноеслово";
        let lines = faces.regular.wrap(text, 10.0, 120.0);
        assert!(lines.len() > 5, "{lines:?}");
        for l in &lines {
            assert!(faces.regular.width(l, 10.0) <= 120.0, "{l}");
        }
        assert!(lines.iter().any(String::is_empty), "the blank line is kept");
        let joined: String = lines.concat().split_whitespace().collect();
        let original: String = text.split_whitespace().collect();
        assert_eq!(joined, original);
    }

    #[test]
    fn cyrillic_has_glyphs_in_the_embedded_face() {
        let faces = Faces::load().unwrap();
        let glyphs = faces.bold.glyphs("Дело № SB-000001");
        assert!(glyphs.iter().all(|g| g.glyph_id.to_u32() != 0));
        assert!(faces.bold.width("Ж", 10.0) > 0.0);
    }
}
