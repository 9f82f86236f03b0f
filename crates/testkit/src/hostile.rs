//! Spreadsheets built to hurt an importer: cells far out in the sheet, a
//! deflate bomb, tags with a hundred thousand attributes. Each is a few
//! kilobytes to a few megabytes, made here byte by byte (no zip library),
//! so that what the file declares can differ from what it holds.

/// A zip entry: stored as is, or a raw deflate stream with the size and
/// CRC it declares (which may lie).
pub struct Entry {
    pub name: String,
    pub data: Vec<u8>,
    pub deflated: bool,
    pub declared_size: u32,
    pub crc: u32,
}

impl Entry {
    pub fn stored(name: &str, data: impl Into<Vec<u8>>) -> Entry {
        let data = data.into();
        Entry {
            name: name.into(),
            crc: crc32(&data),
            declared_size: data.len() as u32,
            data,
            deflated: false,
        }
    }
}

pub fn crc32(data: &[u8]) -> u32 {
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

/// The zip file of these entries.
pub fn zip(entries: &[Entry]) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    let mut central: Vec<u8> = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let header = |central_dir: bool| {
            let mut h: Vec<u8> = Vec::new();
            h.extend_from_slice(
                &if central_dir {
                    0x0201_4b50u32
                } else {
                    0x0403_4b50
                }
                .to_le_bytes(),
            );
            if central_dir {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0x0800u16.to_le_bytes());
            h.extend_from_slice(&(if e.deflated { 8u16 } else { 0 }).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&0x21u16.to_le_bytes());
            h.extend_from_slice(&e.crc.to_le_bytes());
            h.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            h.extend_from_slice(&e.declared_size.to_le_bytes());
            h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central_dir {
                h.extend_from_slice(&[0; 6]); // comment, disk, internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(e.name.as_bytes());
            h
        };
        out.extend(header(false));
        out.extend_from_slice(&e.data);
        central.extend(header(true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// The parts of a one-sheet workbook around the sheet given.
pub fn workbook_parts(sheet: Entry) -> Vec<Entry> {
    vec![
        Entry::stored(
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        Entry::stored(
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        Entry::stored(
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        Entry::stored(
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        sheet,
    ]
}

/// A workbook whose first sheet is this XML.
pub fn sheet_xlsx(sheet_xml: &str) -> Vec<u8> {
    zip(&workbook_parts(Entry::stored(
        "xl/worksheets/sheet1.xml",
        sheet_xml,
    )))
}

const SHEET_OPEN: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#;

/// Two cells: A1 and one far away (`"XFD1048576"`, `"ZZ200000"`), with
/// the used range declared (`declare`) or not. About 2 KB: a reader that
/// builds the sheet as a rectangle allocates rows × columns cells for it.
pub fn two_far_cells(far: &str, declare: bool) -> Vec<u8> {
    let row: String = far.chars().filter(char::is_ascii_digit).collect();
    let dimension = if declare {
        format!(r#"<dimension ref="A1:{far}"/>"#)
    } else {
        String::new()
    };
    sheet_xlsx(&format!(
        r#"{SHEET_OPEN}{dimension}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c></row><row r="{row}"><c r="{far}"><v>1</v></c></row></sheetData></worksheet>"#
    ))
}

/// Bits written least significant first, as deflate wants them.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u64, bits: u32) {
        self.acc |= value << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code: its bits go most significant first.
    fn code(&mut self, code: u64, len: u32) {
        let mut rev = 0;
        for i in 0..len {
            rev |= ((code >> i) & 1) << (len - 1 - i);
        }
        self.put(rev, len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A raw deflate stream of `prefix`, then `spaces` spaces (in runs of
/// 258 copied from one before: 13 bits per 258 bytes), then `suffix`.
pub fn deflate_spaces(prefix: &[u8], spaces: u64, suffix: &[u8]) -> Vec<u8> {
    let mut b = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // the last block
    b.put(1, 2); // fixed Huffman codes
    let literal = |b: &mut Bits, byte: u8| {
        if byte < 144 {
            b.code(0x30 + u64::from(byte), 8);
        } else {
            b.code(0x190 + u64::from(byte - 144), 9);
        }
    };
    for &c in prefix {
        literal(&mut b, c);
    }
    let mut left = spaces;
    if left > 0 {
        literal(&mut b, b' ');
        left -= 1;
    }
    while left >= 258 {
        b.code(0xC5, 8); // length 258 (symbol 285)
        b.code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        literal(&mut b, b' ');
    }
    for &c in suffix {
        literal(&mut b, c);
    }
    b.code(0, 7); // end of block
    b.finish()
}

/// A deflate bomb: a sheet that unpacks to `unpacked` bytes (mostly
/// spaces between two tags) from about `unpacked / 159` bytes, declaring
/// `declared_size` (which may lie: nothing stops a file from claiming 1 KB).
pub fn deflate_bomb(unpacked: u64, declared_size: u32) -> Vec<u8> {
    let prefix = format!("{SHEET_OPEN}<sheetData>");
    let suffix = "</sheetData></worksheet>";
    let fixed = (prefix.len() + suffix.len()) as u64;
    let data = deflate_spaces(
        prefix.as_bytes(),
        unpacked.saturating_sub(fixed),
        suffix.as_bytes(),
    );
    // A small one is a whole, valid file (to check this very encoder); a
    // big one's CRC is never reached: the importer stops long before.
    let crc = if unpacked <= 16 << 20 {
        let mut all = prefix.clone().into_bytes();
        all.resize(all.len() + unpacked.saturating_sub(fixed) as usize, b' ');
        all.extend_from_slice(suffix.as_bytes());
        crc32(&all)
    } else {
        0
    };
    zip(&workbook_parts(Entry {
        name: "xl/worksheets/sheet1.xml".into(),
        data,
        deflated: true,
        declared_size,
        crc,
    }))
}

/// A valid sheet of `unpacked` bytes, mostly spaces, deflated (its CRC
/// computed as the bytes would come out, without making them).
pub fn spaces_sheet(unpacked: u64) -> Vec<u8> {
    let prefix = format!("{SHEET_OPEN}<sheetData>");
    let suffix = "</sheetData></worksheet>";
    let spaces = unpacked.saturating_sub((prefix.len() + suffix.len()) as u64);
    let mut table = [0u32; 256];
    for (i, t) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *t = c;
    }
    let mut crc = 0xFFFF_FFFFu32;
    let mut feed = |b: u8| crc = table[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    prefix.bytes().for_each(&mut feed);
    (0..spaces).for_each(|_| feed(b' '));
    suffix.bytes().for_each(&mut feed);
    zip(&workbook_parts(Entry {
        name: "xl/worksheets/sheet1.xml".into(),
        data: deflate_spaces(prefix.as_bytes(), spaces, suffix.as_bytes()),
        deflated: true,
        declared_size: unpacked as u32,
        crc: !crc,
    }))
}

/// A sheet whose `<c>` start tag carries `n` attributes.
pub fn many_attributes(n: usize) -> Vec<u8> {
    let mut attrs = String::with_capacity(n * 10);
    for i in 0..n {
        attrs.push_str(&format!(" a{i}=\"\""));
    }
    sheet_xlsx(&format!(
        r#"{SHEET_OPEN}<sheetData><row r="1"><c r="A1"{attrs}><v>1</v></c></row></sheetData></worksheet>"#
    ))
}

/// A sheet whose root tag declares `n` namespaces.
pub fn many_namespaces(n: usize) -> Vec<u8> {
    let mut decls = String::with_capacity(n * 24);
    for i in 0..n {
        decls.push_str(&format!(" xmlns:n{i}=\"urn:n{i}\""));
    }
    sheet_xlsx(&format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"{decls}><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>"#
    ))
}

/// A members file of `rows` rows in `unit`, each with its own ID number
/// (from `first_id`), as CSV.
pub fn members_csv(unit: &str, rows: usize, first_id: u64) -> String {
    let mut s = String::from("unit,full_name,gender,birth_date,id_number,admitted_on\n");
    for i in 0..rows {
        s.push_str(&format!(
            "{unit},Nguyễn Văn Số {i},Nam,01/01/1990,{:012},19/05/2015\n",
            first_id + i as u64
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_streamed_crc_is_the_crc() {
        for n in [100_000, 300_000, 16 << 20] {
            assert_eq!(
                super::spaces_sheet(n),
                super::deflate_bomb(n, n as u32),
                "{n}"
            );
        }
    }
}
