//! A minimal XLSX writer: one sheet of strings and numbers, packed in a
//! stored (uncompressed) zip. Enough for the reports committees send up,
//! without a heavy dependency.

use std::io::Write;

/// A cell: text or a number.
#[derive(Clone)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn column(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ascii")
}

fn sheet_xml(rows: &[Vec<Cell>]) -> String {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        x.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", column(c), r + 1);
            match cell {
                Cell::Text(t) => x.push_str(&format!(
                    r#"<c r="{at}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                    xml_escape(t)
                )),
                Cell::Number(n) => x.push_str(&format!(r#"<c r="{at}"><v>{n}</v></c>"#)),
                Cell::Empty => {}
            }
        }
        x.push_str("</row>");
    }
    x.push_str("</sheetData></worksheet>");
    x
}

/// The workbook's bytes: one sheet named `sheet` holding `rows`.
pub fn workbook(sheet: &str, rows: &[Vec<Cell>]) -> Vec<u8> {
    let files: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", format!(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#, xml_escape(&sheet.chars().take(31).collect::<String>()))),
        ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
        ("xl/worksheets/sheet1.xml", sheet_xml(rows)),
    ];
    let mut out: Vec<u8> = Vec::new();
    let mut central: Vec<u8> = Vec::new();
    for (name, body) in &files {
        let data = body.as_bytes();
        let crc = crc32(data);
        let offset = out.len() as u32;
        let header = |sig: u32, central_dir: bool| {
            let mut h: Vec<u8> = Vec::new();
            h.write_all(&sig.to_le_bytes()).ok();
            if central_dir {
                h.write_all(&20u16.to_le_bytes()).ok(); // made by
            }
            h.write_all(&20u16.to_le_bytes()).ok(); // version needed
            h.write_all(&0x0800u16.to_le_bytes()).ok(); // UTF-8 names
            h.write_all(&0u16.to_le_bytes()).ok(); // stored
            h.write_all(&0u16.to_le_bytes()).ok(); // time
            h.write_all(&0x21u16.to_le_bytes()).ok(); // date 1980-01-01
            h.write_all(&crc.to_le_bytes()).ok();
            h.write_all(&(data.len() as u32).to_le_bytes()).ok();
            h.write_all(&(data.len() as u32).to_le_bytes()).ok();
            h.write_all(&(name.len() as u16).to_le_bytes()).ok();
            h.write_all(&0u16.to_le_bytes()).ok(); // extra
            if central_dir {
                h.write_all(&0u16.to_le_bytes()).ok(); // comment
                h.write_all(&0u16.to_le_bytes()).ok(); // disk
                h.write_all(&0u16.to_le_bytes()).ok(); // internal attrs
                h.write_all(&0u32.to_le_bytes()).ok(); // external attrs
                h.write_all(&offset.to_le_bytes()).ok();
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(files.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_columns() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(column(0), "A");
        assert_eq!(column(25), "Z");
        assert_eq!(column(26), "AA");
    }

    #[test]
    fn a_workbook_is_a_zip_with_the_sheet() {
        let wb = workbook(
            "Thành tích",
            &[vec![
                Cell::Text("Đảng bộ & <x>".into()),
                Cell::Number(109.5),
                Cell::Empty,
            ]],
        );
        assert_eq!(&wb[..4], b"PK\x03\x04");
        let text = String::from_utf8_lossy(&wb);
        assert!(text.contains("Đảng bộ &amp; &lt;x&gt;") && text.contains("<v>109.5</v>"));
        assert!(text.contains("xl/worksheets/sheet1.xml"));
    }
}
