//! The text of a PDF written by `ranks_web::pdf`, read back the way a viewer
//! does for search and copy: each shown string's CIDs through the font's
//! ToUnicode map. Enough for the PDFs Ranks writes (hex strings shown with
//! `Tj`, one `beginbfchar` map), not a general PDF reader.

use std::collections::HashMap;

/// The streams of a PDF, inflated where they are compressed.
fn streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = pdf;
    while let Some(i) = rest.windows(7).position(|w| w == b"stream\n") {
        let start = i + 7;
        let len = rest[start..]
            .windows(10)
            .position(|w| w == b"\nendstream")
            .expect("endstream");
        let data = &rest[start..start + len];
        out.push(miniz_oxide::inflate::decompress_to_vec_zlib(data).unwrap_or(data.to_vec()));
        rest = &rest[start + len + 10..];
    }
    out
}

fn hex_u16s(hex: &str) -> Vec<u16> {
    (0..hex.len() / 4)
        .map(|i| u16::from_str_radix(&hex[4 * i..4 * i + 4], 16).expect("hex"))
        .collect()
}

/// The text of every line shown, one line of the result each.
pub fn text_of(pdf: &[u8]) -> String {
    let streams: Vec<String> = streams(pdf)
        .iter()
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect();
    let cmap = streams
        .iter()
        .find(|s| s.contains("beginbfchar"))
        .expect("a ToUnicode map");
    let mut to_unicode: HashMap<u16, String> = HashMap::new();
    for line in cmap.lines() {
        if let Some((cid, utf16)) = line
            .strip_prefix('<')
            .and_then(|l| l.strip_suffix('>'))
            .and_then(|l| l.split_once("> <"))
        {
            let [cid] = hex_u16s(cid)[..] else { continue };
            to_unicode.insert(cid, String::from_utf16(&hex_u16s(utf16)).expect("UTF-16"));
        }
    }
    let mut text = String::new();
    for content in streams.iter().filter(|s| s.contains(" Tj")) {
        for line in content.lines() {
            if let Some(hex) = line.strip_prefix('<').and_then(|l| l.strip_suffix("> Tj")) {
                for cid in hex_u16s(hex) {
                    text.push_str(to_unicode.get(&cid).map_or("\u{fffd}", String::as_str));
                }
                text.push('\n');
            }
        }
    }
    text
}
