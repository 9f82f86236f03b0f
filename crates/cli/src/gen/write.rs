//! The files: one buffered writer each, every row built in a reused buffer
//! and streamed out.

use super::days::{add_months, civil_from_days, day};
use super::names::{
    province_name, push_name, push_phone, IdNumbers, Person, DEPARTMENTS, ETHNICITIES, OCCUPATIONS,
    OPEN_STAGES, PLACES, PROVINCES,
};
use super::progress::Progress;
use super::rng::Rng;
use super::tree::Tree;
use anyhow::{Context, Result};
use ranks_app::export::{CsvOut, LineEnd};
use std::fs::File;
use std::io::Write;
use std::path::Path;

/// The day the data describe.
const AS_OF: (i32, u32, u32) = (2025, 12, 31);

pub const UNITS_HEADER: &str = "code,name,kind,parent,created_on";
pub const MEMBERS_HEADER: &str = "unit,full_name,gender,birth_date,id_number,phone,ethnicity,education,occupation,status,admitted_on,official_on";
pub const CANDIDATES_HEADER: &str = "cell,full_name,gender,birth_date,id_number,phone,ethnicity,education,occupation,general_grade,area,stage,since,history";
pub const TARGETS_HEADER: &str = "unit,period,target";

pub(super) fn push_num(buf: &mut Vec<u8>, n: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in (digits.len() - i)..width {
        buf.push(b'0');
    }
    buf.extend_from_slice(&digits[i..]);
}

pub(super) fn push_date(buf: &mut Vec<u8>, d: i32) {
    let (y, m, dd) = civil_from_days(d);
    push_num(buf, y as u64, 4);
    buf.push(b'-');
    push_num(buf, u64::from(m), 2);
    buf.push(b'-');
    push_num(buf, u64::from(dd), 2);
}

pub(super) fn push_str(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(s.as_bytes());
}

/// A file's bytes counted on their way out.
struct Counted {
    f: File,
    bytes: u64,
}

impl Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.f.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.f.flush()
    }
}

/// One CSV file, written through the shared CSV writer of every export
/// (its quoting and its rule against formulas). A row is built in a reused
/// buffer with its fields separated by commas (no generated word holds a
/// comma, see the tests) and handed to the writer field by field.
pub(super) struct Out {
    w: CsvOut<Counted>,
    rows: u64,
    name: &'static str,
}

impl Out {
    pub(super) fn create(dir: &Path, name: &'static str, header: &str) -> Result<Out> {
        let path = dir.join(name);
        let f = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut out = Out {
            w: CsvOut::new(Counted { f, bytes: 0 }, LineEnd::Lf, 1 << 20),
            rows: 0,
            name,
        };
        out.w
            .record(header.split(','))
            .with_context(|| format!("cannot write {name}"))?;
        Ok(out)
    }

    /// One row (the buffer holds the line without its end), then clears the buffer.
    pub(super) fn row(&mut self, line: &mut Vec<u8>, progress: &mut Progress) -> Result<()> {
        self.w
            .record(line.split(|b| *b == b','))
            .with_context(|| format!("cannot write {}", self.name))?;
        line.clear();
        self.rows += 1;
        progress.tick(self.name);
        Ok(())
    }

    pub(super) fn finish(self) -> Result<(&'static str, u64, u64)> {
        let name = self.name;
        let mut inner = self
            .w
            .into_inner()
            .with_context(|| format!("cannot write {name}"))?;
        inner
            .flush()
            .with_context(|| format!("cannot write {name}"))?;
        Ok((name, self.rows, inner.bytes))
    }
}

pub(super) fn unit_row(
    line: &mut Vec<u8>,
    code: &str,
    name: &str,
    kind: &str,
    parent: &str,
    created: i32,
) {
    push_str(line, code);
    line.push(b',');
    push_str(line, name);
    line.push(b',');
    push_str(line, kind);
    line.push(b',');
    push_str(line, parent);
    line.push(b',');
    push_date(line, created);
}

pub(super) fn write_units(
    dir: &Path,
    tree: &Tree,
    seed: u64,
    progress: &mut Progress,
) -> Result<(&'static str, u64, u64)> {
    let mut rng = Rng::stream(seed, 2);
    let mut out = Out::create(dir, "units.csv", UNITS_HEADER)?;
    let mut line = Vec::with_capacity(256);
    unit_row(
        &mut line,
        "TW",
        "Đảng bộ Trung ương",
        "central",
        "",
        day(1930, 2, 3),
    );
    out.row(&mut line, progress)?;
    let (mut s, mut g, mut c) = (0usize, 0usize, 0usize);
    for (p, province) in PROVINCES.iter().enumerate() {
        let pname = province_name(p);
        let pcode = format!("P{:02}", p + 1);
        unit_row(
            &mut line,
            &pcode,
            &format!("Đảng bộ {pname}"),
            "provincial",
            "TW",
            tree.province_created[p],
        );
        out.row(&mut line, progress)?;
        let offset = rng.below(PLACES.len() as u64) as usize;
        while s < tree.superiors.len() && tree.superiors[s].province as usize == p {
            let sup = &tree.superiors[s];
            let scode = tree.superior_code(s);
            let k = sup.no as usize - 1;
            let sname = match k {
                0 => format!("Đảng bộ các cơ quan Đảng {pname}"),
                1 => format!("Đảng bộ Ủy ban nhân dân {pname}"),
                2 => format!("Đảng bộ Công an {pname}"),
                3 => format!("Đảng bộ Quân sự {pname}"),
                _ => {
                    let place = PLACES[(offset + k) % PLACES.len()];
                    let round = (k - 4) / PLACES.len();
                    let kind = if province.1 { "quận" } else { "huyện" };
                    if round == 0 {
                        format!("Đảng bộ {kind} {place}")
                    } else {
                        format!("Đảng bộ {kind} {place} {}", round + 1)
                    }
                }
            };
            unit_row(&mut line, &scode, &sname, "superior", &pcode, sup.created);
            out.row(&mut line, progress)?;
            while g < tree.grassroots.len() && tree.grassroots[g].superior as usize == s {
                let gr = &tree.grassroots[g];
                let gcode = tree.grassroots_code(g);
                let place = rng.pick(PLACES);
                let gname = match rng.below(8) {
                    0..=2 => format!("Đảng bộ xã {place}"),
                    3 => format!("Đảng bộ phường {place}"),
                    4 => format!("Đảng bộ Bệnh viện đa khoa {place}"),
                    5 => format!("Đảng bộ Trường Trung học phổ thông {place}"),
                    6 => format!("Đảng bộ Công ty cổ phần {place}"),
                    _ => format!("Đảng bộ cơ sở {place}"),
                };
                unit_row(
                    &mut line,
                    &gcode,
                    &gname,
                    "grassroots_committee",
                    &scode,
                    gr.created,
                );
                out.row(&mut line, progress)?;
                while c < tree.cells.len() && tree.cells[c].grassroots as usize == g {
                    let cell = &tree.cells[c];
                    let ccode = format!("{gcode}.CB{}", cell.no);
                    let cname = match rng.below(6) {
                        0 | 1 => format!("Chi bộ thôn {}", rng.pick(PLACES)),
                        2 => format!("Chi bộ khu phố {}", cell.no),
                        3 => format!("Chi bộ Tổ dân phố số {}", cell.no),
                        4 => format!("Chi bộ Phòng {}", rng.pick(DEPARTMENTS)),
                        _ => format!("Chi bộ Khoa {}", rng.pick(DEPARTMENTS)),
                    };
                    let created = gr.created + rng.range(0, 3 * 365) as i32;
                    unit_row(&mut line, &ccode, &cname, "cell", &gcode, created);
                    out.row(&mut line, progress)?;
                    c += 1;
                }
                g += 1;
            }
            s += 1;
        }
    }
    out.finish()
}

/// The person columns shared by members and candidates, up to occupation.
pub(super) fn person_columns(
    line: &mut Vec<u8>,
    rng: &mut Rng,
    ids: &mut IdNumbers,
    cell_code: &str,
    province: usize,
    p: Person,
    as_of: i32,
) -> Result<()> {
    push_str(line, cell_code);
    line.push(b',');
    push_name(line, rng, p.male);
    line.push(b',');
    push_str(line, if p.male { "Nam" } else { "Nữ" });
    line.push(b',');
    push_date(line, p.birth);
    line.push(b',');
    ids.push(line, province, p)?;
    line.push(b',');
    push_phone(line, rng);
    line.push(b',');
    push_str(line, rng.weighted(ETHNICITIES));
    line.push(b',');
    push_str(line, if rng.chance(0.9) { "12/12" } else { "9/12" });
    line.push(b',');
    let age = (as_of - p.birth) / 365;
    if age >= 62 && rng.chance(0.9) {
        push_str(line, "Hưu trí");
    } else if age < 23 && rng.chance(0.6) {
        push_str(line, "Sinh viên");
    } else {
        push_str(line, rng.weighted(OCCUPATIONS));
    }
    Ok(())
}

pub(super) fn write_members(
    dir: &Path,
    tree: &Tree,
    seed: u64,
    ids: &mut IdNumbers,
    progress: &mut Progress,
) -> Result<(&'static str, u64, u64)> {
    let mut rng = Rng::stream(seed, 3);
    let mut out = Out::create(dir, "members.csv", MEMBERS_HEADER)?;
    let mut line = Vec::with_capacity(256);
    let as_of = day(AS_OF.0, AS_OF.1, AS_OF.2);
    let (recent_from, early_from) = (day(2020, 1, 1), day(1960, 1, 1));
    // Admissions in the last 12 months before the day are still on probation.
    let probation_from = day(AS_OF.0 - 1, AS_OF.1, AS_OF.2);
    for c in 0..tree.cells.len() {
        let n = tree.cells[c].members;
        if n == 0 {
            continue;
        }
        let code = tree.cell_code(c);
        let province = tree.province_of_cell(c);
        for _ in 0..n {
            // About a fifth admitted in 2020-2025, the rest more often the later.
            let admitted = if rng.chance(0.2) {
                recent_from + rng.below((as_of - recent_from + 1) as u64) as i32
            } else {
                early_from + ((recent_from - early_from) as f64 * rng.unit().sqrt()) as i32
            };
            let max_age = if admitted < day(1975, 1, 1) { 25 } else { 44 };
            let u = rng.unit();
            let age_years = 18 + ((max_age - 18 + 1) as f64 * u * u) as i32;
            let birth = admitted - age_years * 365 - (age_years / 4) - rng.range(1, 364) as i32;
            let p = Person {
                male: rng.chance(0.62),
                birth,
            };
            person_columns(&mut line, &mut rng, ids, &code, province, p, as_of)?;
            line.push(b',');
            if admitted > probation_from {
                push_str(&mut line, "probationary,");
                push_date(&mut line, admitted);
                line.push(b',');
            } else {
                push_str(&mut line, "official,");
                push_date(&mut line, admitted);
                line.push(b',');
                push_date(&mut line, add_months(admitted, 12));
            }
            out.row(&mut line, progress)?;
        }
    }
    out.finish()
}

pub(super) fn write_candidates(
    dir: &Path,
    tree: &Tree,
    seed: u64,
    ids: &mut IdNumbers,
    progress: &mut Progress,
) -> Result<(&'static str, u64, u64)> {
    let mut rng = Rng::stream(seed, 4);
    let mut out = Out::create(dir, "candidates.csv", CANDIDATES_HEADER)?;
    let mut line = Vec::with_capacity(512);
    let as_of = day(AS_OF.0, AS_OF.1, AS_OF.2);
    let stage_weights: Vec<(usize, u32)> = OPEN_STAGES
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.1))
        .collect();
    let mut days = [0i32; OPEN_STAGES.len()];
    for c in 0..tree.cells.len() {
        let n = tree.cells[c].candidates;
        if n == 0 {
            continue;
        }
        let code = tree.cell_code(c);
        let province = tree.province_of_cell(c);
        for _ in 0..n {
            let at = rng.weighted(&stage_weights);
            // Days in the current stage so far, then back through the earlier ones.
            let (lo, hi) = OPEN_STAGES[at].2;
            days[at] = as_of - rng.range(0, (lo + hi) / 2 + hi / 2) as i32;
            for i in (0..at).rev() {
                let (lo, hi) = OPEN_STAGES[i].2;
                days[i] = days[i + 1] - rng.range(lo, hi) as i32;
            }
            let age_at_pool = 18 + (rng.unit() * rng.unit() * 18.0) as i32;
            let birth = days[0] - age_at_pool * 365 - age_at_pool / 4 - rng.range(1, 364) as i32;
            let p = Person {
                male: rng.chance(0.5),
                birth,
            };
            person_columns(&mut line, &mut rng, ids, &code, province, p, as_of)?;
            line.push(b',');
            let grade = match rng.below(100) {
                0..=89 => 12,
                90..=95 => 11,
                96..=98 => 9,
                _ => 7,
            };
            push_num(&mut line, grade, 1);
            line.push(b',');
            if grade < 9 || rng.chance(0.03) {
                push_str(
                    &mut line,
                    if rng.chance(0.5) {
                        "mountain"
                    } else {
                        "ethnic_minority"
                    },
                );
            }
            line.push(b',');
            push_str(&mut line, OPEN_STAGES[at].0);
            line.push(b',');
            push_date(&mut line, days[at]);
            line.push(b',');
            for i in 0..=at {
                if i > 0 {
                    line.push(b';');
                }
                push_str(&mut line, OPEN_STAGES[i].0);
                line.push(b':');
                push_date(&mut line, days[i]);
            }
            out.row(&mut line, progress)?;
        }
    }
    out.finish()
}

pub(super) fn write_targets(
    dir: &Path,
    tree: &Tree,
    seed: u64,
    progress: &mut Progress,
) -> Result<(&'static str, u64, u64)> {
    let mut rng = Rng::stream(seed, 5);
    let mut out = Out::create(dir, "targets.csv", TARGETS_HEADER)?;
    let mut line = Vec::with_capacity(64);
    let mut gr_members = vec![0u64; tree.grassroots.len()];
    for cell in &tree.cells {
        gr_members[cell.grassroots as usize] += u64::from(cell.members);
    }
    let mut sup_members = vec![0u64; tree.superiors.len()];
    for (g, gr) in tree.grassroots.iter().enumerate() {
        sup_members[gr.superior as usize] += gr_members[g];
    }
    let mut prov_members = vec![0u64; PROVINCES.len()];
    for (s, sup) in tree.superiors.iter().enumerate() {
        prov_members[sup.province as usize] += sup_members[s];
    }
    let mut row = |code: &str,
                   members: u64,
                   line: &mut Vec<u8>,
                   out: &mut Out,
                   progress: &mut Progress|
     -> Result<()> {
        for term in ["2020-2025", "2025-2030"] {
            let rate = 0.04 + rng.unit() * 0.02;
            let target = ((members as f64 * rate).round() as u64).max(1);
            push_str(line, code);
            line.push(b',');
            push_str(line, term);
            line.push(b',');
            push_num(line, target, 1);
            out.row(line, progress)?;
        }
        Ok(())
    };
    let (mut s, mut g) = (0usize, 0usize);
    for (p, members) in prov_members.iter().enumerate() {
        row(
            &format!("P{:02}", p + 1),
            *members,
            &mut line,
            &mut out,
            progress,
        )?;
        while s < tree.superiors.len() && tree.superiors[s].province as usize == p {
            row(
                &tree.superior_code(s),
                sup_members[s],
                &mut line,
                &mut out,
                progress,
            )?;
            while g < tree.grassroots.len() && tree.grassroots[g].superior as usize == s {
                row(
                    &tree.grassroots_code(g),
                    gr_members[g],
                    &mut line,
                    &mut out,
                    progress,
                )?;
                g += 1;
            }
            s += 1;
        }
    }
    out.finish()
}
