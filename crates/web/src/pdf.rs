//! Printable PDFs with Vietnamese text: a small A4 layout (headings, lines,
//! tables that break across pages with their header repeated) over
//! pdf-writer, with DejaVu Sans embedded (a font with every Vietnamese
//! letter and tone mark) as a CID font. Only the glyphs a document uses are
//! kept in the embedded copy, cut by the `subsetter` crate (made for PDF
//! embedding; it renumbers the glyphs it keeps), so a report weighs tens of
//! kilobytes, not the font's 760. The CIDs in the content streams, the
//! widths and the ToUnicode map are the glyph ids of the bundled font; a
//! CIDToGIDMap stream leads each to its glyph in the subset.
//! A ToUnicode map keeps the text searchable and copyable.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::{GlyphMetrics, Metrics};
use skrifa::{FontRef, GlyphId, MetadataProvider};
use std::collections::BTreeMap;
use subsetter::GlyphRemapper;

static FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// What the layout and the PDF's font objects need from the bundled font,
/// read with skrifa, in font units (unscaled, default instance).
struct Face {
    charmap: Charmap<'static>,
    advances: GlyphMetrics<'static>,
    metrics: Metrics,
}

impl Face {
    fn parse(data: &'static [u8]) -> Option<Face> {
        let font = FontRef::new(data).ok()?;
        Some(Face {
            charmap: font.charmap(),
            advances: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            metrics: font.metrics(Size::unscaled(), LocationRef::default()),
        })
    }

    /// The glyph for a character, or None where the font has none.
    fn glyph_index(&self, c: char) -> Option<u16> {
        let g = self.charmap.map(c)?;
        u16::try_from(g.to_u32()).ok()
    }

    /// A glyph's advance width, in font units.
    fn glyph_hor_advance(&self, g: u16) -> Option<f32> {
        self.advances.advance_width(GlyphId::new(g.into()))
    }
}

const A4: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 42.0;

/// Horizontal alignment of a table column.
#[derive(Clone, Copy, PartialEq)]
pub enum Align {
    Left,
    Right,
}

enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
}

/// A document being laid out, top to bottom, page after page.
pub struct Doc {
    face: Face,
    pages: Vec<Vec<Op>>,
    y: f32,
    footer: String,
}

impl Default for Doc {
    fn default() -> Self {
        Self::new("")
    }
}

impl Doc {
    /// A new document; `footer` is printed at the bottom of every page with the page number.
    pub fn new(footer: &str) -> Doc {
        Doc {
            face: Face::parse(FONT).expect("the bundled font parses"),
            pages: vec![Vec::new()],
            y: A4.1 - MARGIN,
            footer: footer.to_string(),
        }
    }

    fn width_of(&self, text: &str, size: f32) -> f32 {
        let upem = self.face.metrics.units_per_em as f32;
        text.chars()
            .map(|c| {
                self.face
                    .glyph_index(c)
                    .and_then(|g| self.face.glyph_hor_advance(g))
                    .unwrap_or(0.0)
            })
            .sum::<f32>()
            * size
            / upem
    }

    /// The text cut with an ellipsis to fit `width`.
    fn fit(&self, text: &str, size: f32, width: f32) -> String {
        if self.width_of(text, size) <= width {
            return text.to_string();
        }
        let mut out = String::new();
        for c in text.chars() {
            let trial = format!("{out}{c}…");
            if self.width_of(&trial, size) > width {
                break;
            }
            out.push(c);
        }
        format!("{out}…")
    }

    fn page(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    fn room(&mut self, height: f32) -> bool {
        if self.y - height < MARGIN + 20.0 {
            self.pages.push(Vec::new());
            self.y = A4.1 - MARGIN;
            false
        } else {
            true
        }
    }

    fn text_at(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        let y = self.y;
        self.page().push(Op::Text {
            x,
            y,
            size,
            bold,
            text: text.to_string(),
        });
    }

    pub fn title(&mut self, text: &str) {
        for line in self.wrap(text, 16.0, A4.0 - 2.0 * MARGIN) {
            self.room(22.0);
            self.y -= 20.0;
            self.text_at(MARGIN, 16.0, true, &line);
        }
        self.y -= 8.0;
    }

    /// Lines of at most `width`, broken between words (a word too long
    /// for a line is cut with an ellipsis).
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let trial = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if self.width_of(&trial, size) > width && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line = self.fit(word, size, width);
            } else {
                line = self.fit(&trial, size, width);
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    pub fn heading(&mut self, text: &str) {
        self.room(30.0);
        self.y -= 20.0;
        let t = self.fit(text, 12.0, A4.0 - 2.0 * MARGIN);
        self.text_at(MARGIN, 12.0, true, &t);
        self.y -= 4.0;
        let y = self.y;
        self.page().push(Op::Line {
            x1: MARGIN,
            y1: y,
            x2: A4.0 - MARGIN,
            y2: y,
            width: 0.6,
        });
        self.y -= 4.0;
    }

    /// A paragraph, wrapped at the margins.
    pub fn para(&mut self, text: &str) {
        for line in self.wrap(text, 10.0, A4.0 - 2.0 * MARGIN) {
            self.room(14.0);
            self.y -= 14.0;
            self.text_at(MARGIN, 10.0, false, &line);
        }
    }

    /// A table: `widths` are fractions of the text width; the header row is
    /// repeated on every page the table runs over; `bold_rows` are emphasised.
    pub fn table(
        &mut self,
        headers: &[&str],
        widths: &[f32],
        align: &[Align],
        rows: &[Vec<String>],
        bold_rows: &[usize],
    ) {
        let size = 9.0;
        let row_h = 14.0;
        let total = A4.0 - 2.0 * MARGIN;
        let xs: Vec<(f32, f32)> = widths
            .iter()
            .scan(MARGIN, |x, w| {
                let start = *x;
                *x += w * total;
                Some((start, w * total))
            })
            .collect();
        let header = |doc: &mut Doc| {
            doc.y -= row_h;
            let y = doc.y;
            doc.page().push(Op::Fill {
                x: MARGIN,
                y: y - 4.0,
                w: total,
                h: row_h,
                grey: 0.92,
            });
            for (i, h) in headers.iter().enumerate() {
                doc.cell(xs[i], align[i], size, true, h);
            }
        };
        self.room(row_h * 3.0);
        header(self);
        for (n, r) in rows.iter().enumerate() {
            // Left-aligned cells wrap between words; the row grows to fit.
            let cells: Vec<Vec<String>> = r
                .iter()
                .enumerate()
                .take(xs.len())
                .map(|(i, v)| match align[i] {
                    Align::Left => {
                        let indent = v.len() - v.trim_start().len();
                        let mut lines = self.wrap(v, size, xs[i].1 - 6.0 - indent as f32 * 2.5);
                        if let Some(first) = lines.first_mut() {
                            *first = format!("{}{first}", &v[..indent]);
                        }
                        lines
                    }
                    Align::Right => vec![v.clone()],
                })
                .collect();
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let h = row_h + (lines - 1) as f32 * 11.0;
            if !self.room(h) {
                header(self);
            }
            self.y -= row_h;
            let top = self.y;
            for (i, cell) in cells.iter().enumerate() {
                for (k, line) in cell.iter().enumerate() {
                    self.y = top - k as f32 * 11.0;
                    self.cell(xs[i], align[i], size, bold_rows.contains(&n), line);
                }
            }
            self.y = top - (lines - 1) as f32 * 11.0;
            let y = self.y - 4.0;
            self.page().push(Op::Line {
                x1: MARGIN,
                y1: y,
                x2: MARGIN + total,
                y2: y,
                width: 0.2,
            });
        }
    }

    fn cell(&mut self, (x, w): (f32, f32), align: Align, size: f32, bold: bool, text: &str) {
        let t = self.fit(text, size, w - 6.0);
        let x = match align {
            Align::Left => x + 3.0,
            Align::Right => x + w - 3.0 - self.width_of(&t, size),
        };
        self.text_at(x, size, bold, &t);
    }

    /// A page's drawing operations as a PDF content stream.
    fn content(&self, ops: &[Op]) -> Vec<u8> {
        let mut c = Content::new();
        for op in ops {
            match op {
                Op::Fill { x, y, w, h, grey } => {
                    c.save_state();
                    c.set_fill_gray(*grey);
                    c.rect(*x, *y, *w, *h);
                    c.fill_nonzero();
                    c.restore_state();
                }
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => {
                    c.set_line_width(*width);
                    c.move_to(*x1, *y1);
                    c.line_to(*x2, *y2);
                    c.stroke();
                }
                Op::Text {
                    x,
                    y,
                    size,
                    bold,
                    text,
                } => {
                    let glyphs: Vec<u8> = text
                        .chars()
                        .filter_map(|ch| self.face.glyph_index(ch))
                        .flat_map(|g| g.to_be_bytes())
                        .collect();
                    if *bold {
                        // Fill and stroke: a bold face without a second font.
                        c.save_state();
                        c.set_text_rendering_mode(pdf_writer::types::TextRenderingMode::FillStroke);
                        c.set_line_width(size * 0.04);
                    }
                    c.begin_text();
                    c.set_font(Name(b"F1"), *size);
                    c.next_line(*x, *y);
                    c.show(Str(&glyphs));
                    c.end_text();
                    if *bold {
                        c.restore_state();
                    }
                }
            }
        }
        c.finish().to_vec()
    }

    /// The finished PDF.
    pub fn finish(mut self) -> Vec<u8> {
        let n = self.pages.len();
        let footer = self.footer.clone();
        for i in 0..n {
            let text = format!("{footer}   {}/{n}", i + 1);
            let x = A4.0 - MARGIN - self.width_of(&text, 8.0);
            self.pages[i].push(Op::Text {
                x,
                y: MARGIN - 10.0,
                size: 8.0,
                bold: false,
                text,
            });
        }
        // Every glyph the document uses, and the characters they stand for.
        let mut used: BTreeMap<u16, char> = BTreeMap::new();
        for page in &self.pages {
            for op in page {
                if let Op::Text { text, .. } = op {
                    for c in text.chars() {
                        if let Some(g) = self.face.glyph_index(c) {
                            used.entry(g).or_insert(c);
                        }
                    }
                }
            }
        }
        let upem = self.face.metrics.units_per_em as f32;
        let scale = 1000.0 / upem;

        let mut pdf = Pdf::new();
        let mut next = 1;
        let mut alloc = || {
            let r = Ref::new(next);
            next += 1;
            r
        };
        let catalog = alloc();
        let tree = alloc();
        let font = alloc();
        let cid = alloc();
        let descriptor = alloc();
        let file = alloc();
        let cmap = alloc();
        let gid_map = alloc();
        let page_ids: Vec<(Ref, Ref)> = (0..n).map(|_| (alloc(), alloc())).collect();

        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().map(|p| p.0))
            .count(n as i32);
        for (ops, (page, content)) in self.pages.iter().zip(&page_ids) {
            let mut p = pdf.page(*page);
            p.media_box(Rect::new(0.0, 0.0, A4.0, A4.1))
                .parent(tree)
                .contents(*content);
            p.resources().fonts().pair(Name(b"F1"), font);
            p.finish();
            let bytes = deflate(&self.content(ops));
            pdf.stream(*content, &bytes).filter(Filter::FlateDecode);
        }

        let name = Name(b"RANKSU+DejaVuSans");
        pdf.type0_font(font)
            .base_font(name)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let info = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        // The subset and where each CID's glyph is in it (the whole font,
        // glyph ids unchanged, if it cannot be cut).
        let (program, cid_to_gid) = match subset(used.keys().copied()) {
            Some((program, map)) => (program, Some(map)),
            None => {
                tracing::warn!("the bundled font could not be subset; embedding it whole");
                (FONT.to_vec(), None)
            }
        };
        let mut cf = pdf.cid_font(cid);
        cf.subtype(CidFontType::Type2)
            .base_font(name)
            .system_info(info)
            .font_descriptor(descriptor)
            .default_width(0.0);
        if cid_to_gid.is_some() {
            cf.cid_to_gid_map_stream(gid_map);
        } else {
            cf.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        {
            let mut w = cf.widths();
            for g in used.keys() {
                let adv = self.face.glyph_hor_advance(*g).unwrap_or(0.0);
                w.consecutive(*g, [adv * scale]);
            }
        }
        cf.finish();
        let m = &self.face.metrics;
        let bb = m.bounds.unwrap_or_default();
        pdf.font_descriptor(descriptor)
            .name(name)
            .flags(FontFlags::NON_SYMBOLIC)
            .bbox(Rect::new(
                bb.x_min * scale,
                bb.y_min * scale,
                bb.x_max * scale,
                bb.y_max * scale,
            ))
            .italic_angle(0.0)
            .ascent(m.ascent * scale)
            .descent(m.descent * scale)
            .cap_height(m.cap_height.unwrap_or(700.0) * scale)
            .stem_v(80.0)
            .font_file2(file);
        pdf.stream(file, &deflate(&program))
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), program.len() as i32);
        if let Some(map) = cid_to_gid {
            pdf.stream(gid_map, &deflate(&map))
                .filter(Filter::FlateDecode);
        }
        let mut map = UnicodeCmap::new(Name(b"Ranks-UTF16"), info);
        for (g, ch) in &used {
            map.pair(*g, *ch);
        }
        pdf.cmap(cmap, &map.finish());
        pdf.finish()
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

/// The bundled font cut to the glyphs `used` (with .notdef and the glyphs
/// they are composed of), and the CIDToGIDMap from the bundled font's glyph
/// ids to the subset's: two bytes per CID up to the largest used, 0
/// (.notdef) for a CID not used. None if the font cannot be cut.
fn subset(used: impl Iterator<Item = u16>) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut remapper = GlyphRemapper::new();
    let used: Vec<u16> = used.collect();
    for g in &used {
        remapper.remap(*g);
    }
    let program = subsetter::subset(FONT, 0, &remapper).ok()?;
    let last = used.iter().copied().max().unwrap_or(0);
    let mut map = vec![0u8; 2 * (usize::from(last) + 1)];
    for g in used {
        let at = 2 * usize::from(g);
        map[at..at + 2].copy_from_slice(&remapper.get(g)?.to_be_bytes());
    }
    Some((program, map))
}

#[cfg(test)]
mod tests {
    use super::*;
    use skrifa::outline::{DrawSettings, OutlinePen};

    fn inflate(d: &[u8]) -> Vec<u8> {
        miniz_oxide::inflate::decompress_to_vec_zlib(d).unwrap()
    }

    /// The streams of a PDF, inflated.
    fn streams(pdf: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut rest = pdf;
        while let Some(i) = rest.windows(7).position(|w| w == b"stream\n") {
            let start = i + 7;
            let end = rest[start..]
                .windows(9)
                .position(|w| w == b"endstream")
                .unwrap()
                + start;
            let mut data = &rest[start..end];
            while data.last() == Some(&b'\n') {
                data = &data[..data.len() - 1];
            }
            out.push(miniz_oxide::inflate::decompress_to_vec_zlib(data).unwrap_or(data.to_vec()));
            rest = &rest[end + 9..];
        }
        out
    }

    /// The stream of the object a dictionary key refers to (`/Key 9 0 R`), inflated.
    fn stream_of(pdf: &[u8], key: &str) -> Vec<u8> {
        let at = pdf
            .windows(key.len())
            .position(|w| w == key.as_bytes())
            .unwrap_or_else(|| panic!("no {key}"));
        let rest = String::from_utf8_lossy(&pdf[at + key.len()..at + key.len() + 12]).into_owned();
        let id: u32 = rest.split_whitespace().next().unwrap().parse().unwrap();
        let head = format!("\n{id} 0 obj");
        let obj = pdf
            .windows(head.len())
            .position(|w| w == head.as_bytes())
            .expect("the object");
        streams(&pdf[obj..]).swap_remove(0)
    }

    #[test]
    fn vietnamese_text_is_embedded_with_its_glyphs_and_unicode() {
        let mut d = Doc::new("Ranks");
        d.title("Báo cáo kết quả phát triển đảng viên");
        d.para("Đảng bộ Sở Y tế tỉnh Lạng Sơn: Nguyễn Thị Hằng, Trịnh Quốc Việt, Lê Ưng, người giới thiệu.");
        let rows: Vec<Vec<String>> = (0..120)
            .map(|i| vec![format!("Chi bộ {i}"), format!("{i}")])
            .collect();
        d.table(
            &["Đơn vị", "Số"],
            &[0.8, 0.2],
            &[Align::Left, Align::Right],
            &rows,
            &[0],
        );
        let pdf = d.finish();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/FontFile2") && text.contains("/Identity-H"));
        assert!(text.contains("/Count 3"), "120 rows run over three pages");
        // Widths in thousandths of an em: the space's and the digits' advances
        // in DejaVu Sans are 651 and 1303 of its 2048 units.
        assert!(text.contains("/W [3 [317.8711] "), "space width");
        assert!(text.contains(" 19 [636.23047] "), "digit zero width");
        let all = streams(&pdf);
        // The ToUnicode map holds the tone-marked letters (ệ U+1EC7, ư U+01B0, ạ U+1EA1).
        let cmap = all
            .iter()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .find(|s| s.contains("beginbfchar"))
            .expect("a ToUnicode map");
        for cp in ["1EC7", "01B0", "1EA1", "0110"] {
            assert!(cmap.contains(cp), "{cp} missing from the ToUnicode map");
        }
        // The embedded font is a working subset: it parses, and 'ệ' has its outline.
        let font = all
            .iter()
            .find(|s| s.starts_with(&[0, 1, 0, 0]))
            .expect("the embedded font");
        assert!(font.len() < FONT.len() / 4, "subset: {} bytes", font.len());
        let subset = FontRef::new(font).expect("the subset parses");
        let full = FontRef::new(FONT).unwrap();
        // A letter's CID: its glyph id in the bundled font.
        let cid = |c: char| full.charmap().map(c).expect("the font has the letter");
        // Its glyph in the subset, by the CIDToGIDMap (0, .notdef, if not kept).
        let map = stream_of(&pdf, "/CIDToGIDMap");
        let in_subset = |c: char| {
            let at = 2 * cid(c).to_u32() as usize;
            let new = map
                .get(at..at + 2)
                .map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
            GlyphId::new(new.into())
        };
        struct Count(usize);
        impl OutlinePen for Count {
            fn move_to(&mut self, _: f32, _: f32) {
                self.0 += 1
            }
            fn line_to(&mut self, _: f32, _: f32) {}
            fn quad_to(&mut self, _: f32, _: f32, _: f32, _: f32) {}
            fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, _: f32, _: f32) {}
            fn close(&mut self) {}
        }
        // The number of contours of a glyph's outline (none for an empty glyph).
        let contours = |font: &FontRef, g: GlyphId| {
            let mut count = Count(0);
            if let Some(outline) = font.outline_glyphs().get(g) {
                let unhinted = DrawSettings::unhinted(Size::unscaled(), LocationRef::default());
                outline
                    .draw(unhinted, &mut count)
                    .expect("the outline draws");
            }
            count.0
        };
        assert!(contours(&subset, in_subset('ệ')) > 0);
        assert_eq!(contours(&subset, in_subset('ệ')), contours(&full, cid('ệ')));
        // A glyph never used (the Greek Ω) is not in the subset.
        assert!(contours(&full, cid('Ω')) > 0);
        assert_eq!(in_subset('Ω'), GlyphId::new(0));
        assert!(pdf.len() < 120_000, "{} bytes", pdf.len());
        let _ = inflate;
    }
}
