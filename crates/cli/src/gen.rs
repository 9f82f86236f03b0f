//! `ranks gen --members N [--seed S] [--out DIR]`: a synthetic national
//! organisation in the import formats (docs/import.md): `units.csv`,
//! `members.csv`, `candidates.csv` and `targets.csv`.
//!
//! The tree is Central → 34 provinces → superior committees → grassroots
//! committees → cells, with the counts below the provinces scaled to
//! N / 5,600,000 of the national ones (about 700 superior committees, 52,000
//! grassroots committees, 260,000 cells and 250,000 candidates). The run is
//! deterministic for a seed (its own SplitMix64 generator, one stream per
//! file) and streams every row to a buffered writer: only the tree (a few
//! bytes per cell) is held in memory. The data are as of 31 December 2025.

use anyhow::{bail, Context, Result};
use clap::Args;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct GenArgs {
    /// Members to generate (5600000 is the national size).
    #[arg(long)]
    pub members: u64,
    /// Seed: the same seed writes the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Folder to write the CSV files into (created if missing).
    #[arg(long, default_value = "national")]
    pub out: PathBuf,
}

/// The national sizes the counts are scaled from.
const NATIONAL_MEMBERS: f64 = 5_600_000.0;
const NATIONAL_SUPERIORS: f64 = 700.0;
const NATIONAL_GRASSROOTS: f64 = 52_000.0;
const NATIONAL_CELLS: f64 = 260_000.0;
const NATIONAL_CANDIDATES: f64 = 250_000.0;

/// The day the data describe.
const AS_OF: (i32, u32, u32) = (2025, 12, 31);

pub const UNITS_HEADER: &str = "code,name,kind,parent,created_on";
pub const MEMBERS_HEADER: &str = "unit,full_name,gender,birth_date,id_number,phone,ethnicity,education,occupation,status,admitted_on,official_on";
pub const CANDIDATES_HEADER: &str = "cell,full_name,gender,birth_date,id_number,phone,ethnicity,education,occupation,general_grade,area,stage,since,history";
pub const TARGETS_HEADER: &str = "unit,period,target";

// ---------------------------------------------------------------------------
// The generator: SplitMix64, one stream per purpose.

#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    /// A stream of its own for `purpose`, from the seed.
    fn stream(seed: u64, purpose: u64) -> Rng {
        let mut r = Rng(seed ^ purpose.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        ranks_domain::rng::splitmix64(&mut self.0)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// An item by weight: `(item, weight)` pairs.
    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|i| i.1).sum();
        let mut x = self.below(u64::from(total)) as u32;
        for &(item, w) in items {
            if x < w {
                return item;
            }
            x -= w;
        }
        items[items.len() - 1].0
    }
}

// ---------------------------------------------------------------------------
// Days as numbers (days since 1970-01-01), civil dates without a library.

fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The same day `months` later (the last day of the month when it has no such day).
fn add_months(day: i32, months: u32) -> i32 {
    let (y, m, d) = civil_from_days(day);
    let total = (m - 1) + months;
    let (y, m) = (y + (total / 12) as i32, total % 12 + 1);
    let last = days_in_month(y, m);
    days_from_civil(y, m, d.min(last))
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn day(y: i32, m: u32, d: u32) -> i32 {
    days_from_civil(y, m, d)
}

// ---------------------------------------------------------------------------
// Writing fields fast.

fn push_num(buf: &mut Vec<u8>, n: u64, width: usize) {
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

fn push_date(buf: &mut Vec<u8>, d: i32) {
    let (y, m, dd) = civil_from_days(d);
    push_num(buf, y as u64, 4);
    buf.push(b'-');
    push_num(buf, u64::from(m), 2);
    buf.push(b'-');
    push_num(buf, u64::from(dd), 2);
}

fn push_str(buf: &mut Vec<u8>, s: &str) {
    buf.extend_from_slice(s.as_bytes());
}

// ---------------------------------------------------------------------------
// Names and places.

/// The 34 provincial-level units since 1 July 2025: name, centrally run
/// city, the province code that starts a citizen ID (CCCD) number, and a
/// weight (population in hundreds of thousands, roughly).
const PROVINCES: [(&str, bool, u16, u32); 34] = [
    ("Hà Nội", true, 1, 87),
    ("Huế", true, 46, 14),
    ("Lai Châu", false, 12, 5),
    ("Điện Biên", false, 11, 7),
    ("Sơn La", false, 14, 13),
    ("Lạng Sơn", false, 20, 8),
    ("Quảng Ninh", false, 22, 14),
    ("Thanh Hóa", false, 38, 37),
    ("Nghệ An", false, 40, 34),
    ("Hà Tĩnh", false, 42, 13),
    ("Cao Bằng", false, 4, 6),
    ("Tuyên Quang", false, 8, 19),
    ("Lào Cai", false, 10, 17),
    ("Thái Nguyên", false, 19, 18),
    ("Phú Thọ", false, 25, 40),
    ("Bắc Ninh", false, 27, 36),
    ("Hưng Yên", false, 33, 36),
    ("Hải Phòng", true, 31, 47),
    ("Ninh Bình", false, 37, 44),
    ("Quảng Trị", false, 45, 19),
    ("Đà Nẵng", true, 48, 31),
    ("Quảng Ngãi", false, 51, 22),
    ("Gia Lai", false, 64, 36),
    ("Khánh Hòa", false, 56, 23),
    ("Lâm Đồng", false, 68, 39),
    ("Đắk Lắk", false, 66, 33),
    ("Hồ Chí Minh", true, 79, 140),
    ("Đồng Nai", false, 75, 45),
    ("Tây Ninh", false, 72, 33),
    ("Cần Thơ", true, 92, 42),
    ("Vĩnh Long", false, 86, 43),
    ("Đồng Tháp", false, 87, 44),
    ("Cà Mau", false, 96, 26),
    ("An Giang", false, 89, 50),
];

fn province_name(p: usize) -> String {
    match PROVINCES[p] {
        ("Hồ Chí Minh", ..) => "Thành phố Hồ Chí Minh".into(),
        (name, true, ..) => format!("thành phố {name}"),
        (name, false, ..) => format!("tỉnh {name}"),
    }
}

/// Place names for districts, communes, villages and schools.
const PLACES: &[&str] = &[
    "An Bình",
    "An Phú",
    "Bình An",
    "Bình Minh",
    "Cẩm Giang",
    "Chiến Thắng",
    "Đại Đồng",
    "Đông Hưng",
    "Đông Sơn",
    "Đồng Tâm",
    "Hòa Bình",
    "Hòa Thuận",
    "Hồng Phong",
    "Hưng Đạo",
    "Hương Sơn",
    "Kim Sơn",
    "Lam Sơn",
    "Liên Minh",
    "Long Hưng",
    "Minh Khai",
    "Nam Sơn",
    "Nghĩa Hưng",
    "Ngọc Lâm",
    "Phú Lộc",
    "Phú Mỹ",
    "Phúc Thành",
    "Phước Long",
    "Quang Trung",
    "Quyết Thắng",
    "Sơn Thủy",
    "Tân An",
    "Tân Hiệp",
    "Tân Lập",
    "Tân Phú",
    "Tân Thành",
    "Thạch Bàn",
    "Thanh Bình",
    "Thành Công",
    "Thống Nhất",
    "Thuận An",
    "Thủy Nguyên",
    "Tiên Phong",
    "Trần Phú",
    "Trung Hòa",
    "Trường Sơn",
    "Vạn Ninh",
    "Việt Hưng",
    "Vĩnh Hòa",
    "Vĩnh Phúc",
    "Xuân Hòa",
    "Xuân Lộc",
    "Yên Bình",
    "Yên Lạc",
    "Yên Thế",
    "Đức Thọ",
    "Bắc Sơn",
    "Hải Châu",
    "Hoàng Mai",
    "Lê Lợi",
    "Nguyễn Trãi",
];

const DEPARTMENTS: &[&str] = &[
    "Nội",
    "Ngoại",
    "Sản",
    "Nhi",
    "Hồi sức cấp cứu",
    "Kế hoạch tổng hợp",
    "Tổ chức cán bộ",
    "Tài chính kế toán",
    "Hành chính",
    "Dược",
    "Xét nghiệm",
    "Chẩn đoán hình ảnh",
    "Kỹ thuật",
    "Kinh doanh",
    "Văn phòng",
    "Thanh tra",
    "Giáo vụ",
    "Tổng hợp",
];

const FAMILY_NAMES: &[(&str, u32)] = &[
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 30),
    ("Huỳnh", 21),
    ("Phan", 45),
    ("Vũ", 20),
    ("Võ", 19),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
    ("Đinh", 6),
    ("Trương", 6),
    ("Lương", 4),
    ("Đào", 5),
    ("Mai", 4),
    ("Tạ", 3),
    ("Cao", 3),
    ("Lâm", 3),
    ("Hà", 4),
    ("Nông", 3),
    ("Triệu", 2),
    ("Vi", 1),
];

const MALE_MIDDLE: &[&str] = &[
    "Văn", "Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thanh", "Ngọc", "Xuân", "Đình",
    "Quang", "Mạnh", "Trung", "Anh",
];
const FEMALE_MIDDLE: &[&str] = &[
    "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Hồng", "Phương", "Thùy",
    "Mai", "Bích", "Diệu",
];
const MALE_GIVEN: &[&str] = &[
    "Anh", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Hiếu", "Hoàng", "Huy", "Khánh", "Long", "Minh",
    "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Tuấn", "Việt", "Tùng", "Trung", "Đạt", "Đức",
    "Quang", "Lâm", "Khoa", "Kiên", "Hưng", "Toàn", "Thịnh", "Vinh", "Phúc", "Lộc", "Tâm", "Tiến",
    "Thái", "Nghĩa", "Hậu", "Chiến",
];
const FEMALE_GIVEN: &[&str] = &[
    "Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Loan",
    "Mai", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thủy", "Trang", "Tuyết",
    "Vân", "Yến", "Nga", "Hiền", "Giang", "Hồng", "Liên", "Thư", "Nhàn", "Duyên", "Trinh", "Tâm",
    "My",
];

const ETHNICITIES: &[(&str, u32)] = &[
    ("Kinh", 860),
    ("Tày", 24),
    ("Thái", 18),
    ("Mường", 15),
    ("Khmer", 10),
    ("Hoa", 5),
    ("Nùng", 11),
    ("H'Mông", 6),
    ("Dao", 6),
    ("Gia Rai", 3),
    ("Ê Đê", 3),
    ("Ba Na", 2),
    ("Sán Chay", 2),
    ("Chăm", 2),
];

const OCCUPATIONS: &[(&str, u32)] = &[
    ("Công chức", 30),
    ("Viên chức", 14),
    ("Giáo viên", 14),
    ("Bác sĩ", 4),
    ("Điều dưỡng", 4),
    ("Công nhân", 8),
    ("Nông dân", 12),
    ("Kỹ sư", 4),
    ("Bộ đội", 5),
    ("Công an", 5),
    ("Kinh doanh", 3),
    ("Nhân viên văn phòng", 4),
];

const PHONE_PREFIXES: &[&str] = &[
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039", "088",
    "091", "094", "083", "084", "085", "081", "082", "089", "090", "093", "070", "079", "077",
    "076", "078", "092", "056", "058", "099", "059",
];

/// The open stages a generated candidate may be at (before the admission
/// decision), with how many of a hundred are there, and the usual days
/// from entering the stage to entering the next one.
const OPEN_STAGES: [(&str, u32, (i64, i64)); 10] = [
    ("pool", 30, (60, 300)),
    ("sympathiser", 18, (30, 180)),
    ("course", 13, (15, 120)),
    ("application", 9, (5, 45)),
    ("personal_history", 7, (10, 60)),
    ("verification", 6, (20, 120)),
    ("introduction", 5, (5, 40)),
    ("comments", 5, (5, 40)),
    ("cell_vote", 4, (5, 30)),
    ("grassroots_vote", 3, (10, 50)),
];

#[derive(Clone, Copy)]
struct Person {
    male: bool,
    birth: i32,
}

fn push_name(buf: &mut Vec<u8>, rng: &mut Rng, male: bool) {
    push_str(buf, rng.weighted(FAMILY_NAMES));
    buf.push(b' ');
    if male {
        push_str(buf, rng.pick(MALE_MIDDLE));
        buf.push(b' ');
        push_str(buf, rng.pick(MALE_GIVEN));
    } else {
        push_str(buf, rng.pick(FEMALE_MIDDLE));
        buf.push(b' ');
        push_str(buf, rng.pick(FEMALE_GIVEN));
    }
}

/// Unique citizen ID numbers (CCCD): the province code, a digit for the
/// century and gender, the birth year's last two digits and a six-digit
/// serial, unique per (province, century and gender, year).
struct IdNumbers {
    next: Vec<u32>,
}

impl IdNumbers {
    fn new() -> Self {
        IdNumbers {
            next: vec![0; PROVINCES.len() * 4 * 100],
        }
    }

    fn push(&mut self, buf: &mut Vec<u8>, province: usize, p: Person) -> Result<()> {
        let (year, ..) = civil_from_days(p.birth);
        let century = if year >= 2000 { 2 } else { 0 } + u64::from(!p.male);
        let yy = year.rem_euclid(100) as u64;
        let key = province * 400 + century as usize * 100 + yy as usize;
        let c = self.next[key];
        if c >= 1_000_000 {
            bail!("more than a million people born in one year in one province: too many members");
        }
        self.next[key] += 1;
        // A bijection of 0..10^6 (738163 is prime to 10^6), shifted per key.
        let serial = (u64::from(c) * 738_163 + key as u64 * 7_919) % 1_000_000;
        push_num(buf, u64::from(PROVINCES[province].2), 3);
        push_num(buf, century, 1);
        push_num(buf, yy, 2);
        push_num(buf, serial, 6);
        Ok(())
    }
}

fn push_phone(buf: &mut Vec<u8>, rng: &mut Rng) {
    push_str(buf, rng.pick(PHONE_PREFIXES));
    push_num(buf, rng.below(10_000_000), 7);
}

// ---------------------------------------------------------------------------
// The tree.

struct Superior {
    province: u8,
    no: u32,
    created: i32,
}

struct Grassroots {
    superior: u32,
    no: u32,
    created: i32,
}

struct Cell {
    grassroots: u32,
    no: u32,
    members: u32,
    candidates: u32,
}

struct Tree {
    superiors: Vec<Superior>,
    grassroots: Vec<Grassroots>,
    cells: Vec<Cell>,
    province_created: Vec<i32>,
}

impl Tree {
    fn superior_code(&self, s: usize) -> String {
        let sup = &self.superiors[s];
        format!("P{:02}.S{:03}", sup.province + 1, sup.no)
    }

    fn grassroots_code(&self, g: usize) -> String {
        let gr = &self.grassroots[g];
        format!("{}.G{:04}", self.superior_code(gr.superior as usize), gr.no)
    }

    fn cell_code(&self, c: usize) -> String {
        let cell = &self.cells[c];
        format!(
            "{}.CB{}",
            self.grassroots_code(cell.grassroots as usize),
            cell.no
        )
    }

    fn province_of_cell(&self, c: usize) -> usize {
        let g = self.cells[c].grassroots as usize;
        let s = self.grassroots[g].superior as usize;
        self.superiors[s].province as usize
    }
}

/// `total` split over `weights.len()` parts, each at least `min`, the rest
/// in proportion to the weights; the parts sum to `total` exactly.
fn allocate(total: u64, weights: &[f64], min: u64) -> Vec<u64> {
    let k = weights.len() as u64;
    let rest = total.saturating_sub(min * k);
    let sum: f64 = weights.iter().sum();
    let mut out = Vec::with_capacity(weights.len());
    let (mut cum, mut given) = (0.0, 0u64);
    for (i, w) in weights.iter().enumerate() {
        cum += w;
        let upto = if i + 1 == weights.len() {
            rest
        } else {
            ((rest as f64 * cum / sum).floor() as u64).min(rest)
        };
        out.push(min + upto - given);
        given = upto;
    }
    out
}

fn scaled(national: f64, members: u64) -> u64 {
    (national * members as f64 / NATIONAL_MEMBERS).round() as u64
}

fn build_tree(members: u64, seed: u64) -> Tree {
    let mut rng = Rng::stream(seed, 1);
    let n_sup = scaled(NATIONAL_SUPERIORS, members).max(PROVINCES.len() as u64);
    let n_gr = scaled(NATIONAL_GRASSROOTS, members).max(n_sup);
    let n_cells = scaled(NATIONAL_CELLS, members).max(2 * n_gr);
    let n_cand = scaled(NATIONAL_CANDIDATES, members);

    let pw: Vec<f64> = PROVINCES.iter().map(|p| f64::from(p.3)).collect();
    let per_province = allocate(n_sup, &pw, 1);
    let province_created: Vec<i32> = (0..PROVINCES.len())
        .map(|_| day(1930, 3, 1) + rng.range(0, 15 * 365) as i32)
        .collect();
    let mut superiors = Vec::new();
    for (p, n) in per_province.iter().enumerate() {
        for no in 1..=*n {
            superiors.push(Superior {
                province: p as u8,
                no: no as u32,
                created: province_created[p] + rng.range(30, 5 * 365) as i32,
            });
        }
    }
    let sw: Vec<f64> = superiors
        .iter()
        .map(|s| {
            pw[s.province as usize] / per_province[s.province as usize] as f64 * (0.5 + rng.unit())
        })
        .collect();
    let mut grassroots = Vec::new();
    for (s, n) in allocate(n_gr, &sw, 1).into_iter().enumerate() {
        for no in 1..=n {
            grassroots.push(Grassroots {
                superior: s as u32,
                no: no as u32,
                created: superiors[s].created + rng.range(30, 5 * 365) as i32,
            });
        }
    }
    // Each grassroots committee's share of its superior's weight, so that
    // the cells (and members) follow the provinces' sizes at any scale.
    let mut per_superior = vec![0u32; superiors.len()];
    for gr in &grassroots {
        per_superior[gr.superior as usize] += 1;
    }
    let gw: Vec<f64> = grassroots
        .iter()
        .map(|gr| {
            sw[gr.superior as usize] / f64::from(per_superior[gr.superior as usize])
                * (0.4 + rng.unit() * 1.2)
        })
        .collect();
    let mut cells = Vec::new();
    for (g, n) in allocate(n_cells, &gw, 2).into_iter().enumerate() {
        for no in 1..=n {
            cells.push(Cell {
                grassroots: g as u32,
                no: no as u32,
                members: 0,
                candidates: 0,
            });
        }
    }
    // Uneven cells: 5 to 40 members in proportion.
    let cw: Vec<f64> = cells.iter().map(|_| 5.0 + rng.unit() * 35.0).collect();
    for (c, n) in allocate(members, &cw, 0).into_iter().enumerate() {
        cells[c].members = n as u32;
    }
    let kw: Vec<f64> = cells
        .iter()
        .map(|c| f64::from(c.members) * (0.3 + rng.unit() * 1.4) + 0.1)
        .collect();
    for (c, n) in allocate(n_cand, &kw, 0).into_iter().enumerate() {
        cells[c].candidates = n as u32;
    }
    Tree {
        superiors,
        grassroots,
        cells,
        province_created,
    }
}

// ---------------------------------------------------------------------------
// Progress on stderr: a bar on a terminal, else a line every few seconds.

struct Progress {
    total: u64,
    done: u64,
    started: Instant,
    last: Instant,
    tty: bool,
}

impl Progress {
    fn new(total: u64) -> Self {
        let now = Instant::now();
        Progress {
            total,
            done: 0,
            started: now,
            last: now,
            tty: std::io::stderr().is_terminal(),
        }
    }

    #[inline]
    fn tick(&mut self, file: &str) {
        self.done += 1;
        if self.done & 8191 == 0 {
            self.show(file, false);
        }
    }

    fn show(&mut self, file: &str, last: bool) {
        let now = Instant::now();
        let every = if self.tty {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(5)
        };
        if !last && now.duration_since(self.last) < every {
            return;
        }
        self.last = now;
        let share = self.done as f64 / self.total.max(1) as f64;
        let secs = now.duration_since(self.started).as_secs_f64();
        let rate = self.done as f64 / secs.max(1e-9);
        if self.tty {
            let width = 30;
            let filled = ((share * width as f64) as usize).min(width);
            eprint!(
                "\r[{}{}] {:>3.0} % {:<14} {}/{} rows, {:.0} rows/s ",
                "#".repeat(filled),
                "-".repeat(width - filled),
                share * 100.0,
                file,
                self.done,
                self.total,
                rate
            );
            if last {
                eprintln!();
            }
        } else if !last {
            eprintln!(
                "gen: {:.0} % ({} of {} rows, {file}), {:.0} s",
                share * 100.0,
                self.done,
                self.total,
                secs
            );
        }
    }
}

// ---------------------------------------------------------------------------
// The files.

struct Out {
    w: BufWriter<File>,
    rows: u64,
    bytes: u64,
    name: &'static str,
}

impl Out {
    fn create(dir: &Path, name: &'static str, header: &str) -> Result<Out> {
        let path = dir.join(name);
        let f = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
        let mut out = Out {
            w: BufWriter::with_capacity(1 << 20, f),
            rows: 0,
            bytes: 0,
            name,
        };
        out.write_raw(header.as_bytes())?;
        out.write_raw(b"\n")?;
        Ok(out)
    }

    fn write_raw(&mut self, b: &[u8]) -> Result<()> {
        self.bytes += b.len() as u64;
        self.w
            .write_all(b)
            .with_context(|| format!("cannot write {}", self.name))
    }

    /// One row (the buffer holds the line without its end), then clears the buffer.
    fn row(&mut self, line: &mut Vec<u8>, progress: &mut Progress) -> Result<()> {
        line.push(b'\n');
        self.write_raw(line)?;
        line.clear();
        self.rows += 1;
        progress.tick(self.name);
        Ok(())
    }

    fn finish(mut self) -> Result<(&'static str, u64, u64)> {
        self.w
            .flush()
            .with_context(|| format!("cannot write {}", self.name))?;
        Ok((self.name, self.rows, self.bytes))
    }
}

fn unit_row(line: &mut Vec<u8>, code: &str, name: &str, kind: &str, parent: &str, created: i32) {
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

fn write_units(
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
fn person_columns(
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

fn write_members(
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

fn write_candidates(
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
            let quoted = at > 0;
            if quoted {
                line.push(b'"');
            }
            for i in 0..=at {
                if i > 0 {
                    line.push(b';');
                }
                push_str(&mut line, OPEN_STAGES[i].0);
                line.push(b':');
                push_date(&mut line, days[i]);
            }
            if quoted {
                line.push(b'"');
            }
            out.row(&mut line, progress)?;
        }
    }
    out.finish()
}

fn write_targets(
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

/// Writes the four files; returns (file, rows, bytes) for each.
pub fn generate(members: u64, seed: u64, dir: &Path) -> Result<Vec<(&'static str, u64, u64)>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tree = build_tree(members, seed);
    let units =
        1 + PROVINCES.len() + tree.superiors.len() + tree.grassroots.len() + tree.cells.len();
    let candidates: u64 = tree.cells.iter().map(|c| u64::from(c.candidates)).sum();
    let targets = 2 * (PROVINCES.len() + tree.superiors.len() + tree.grassroots.len());
    let total = units as u64 + members + candidates + targets as u64;
    let mut progress = Progress::new(total);
    let mut ids = IdNumbers::new();
    let files = vec![
        write_units(dir, &tree, seed, &mut progress)?,
        write_members(dir, &tree, seed, &mut ids, &mut progress)?,
        write_candidates(dir, &tree, seed, &mut ids, &mut progress)?,
        write_targets(dir, &tree, seed, &mut progress)?,
    ];
    progress.show("done", true);
    Ok(files)
}

pub fn run(args: &GenArgs) -> Result<()> {
    if args.members == 0 {
        bail!("members: give at least 1");
    }
    let started = Instant::now();
    let files = generate(args.members, args.seed, &args.out)?;
    let secs = started.elapsed().as_secs_f64();
    let rows: u64 = files.iter().map(|f| f.1).sum();
    for (name, n, bytes) in &files {
        println!(
            "{:<15} {:>10} rows {:>10.1} MB",
            name,
            n,
            *bytes as f64 / 1e6
        );
    }
    println!(
        "{rows} rows in {secs:.1} s ({:.0} rows/s), seed {}, into {}",
        rows as f64 / secs.max(1e-9),
        args.seed,
        args.out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for z in (day(1900, 1, 1)..day(2100, 12, 31)).step_by(7) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(day(1970, 1, 1), 0);
        assert_eq!(civil_from_days(day(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(
            civil_from_days(add_months(day(2024, 2, 29), 12)),
            (2025, 2, 28)
        );
        assert_eq!(
            civil_from_days(add_months(day(2024, 11, 30), 3)),
            (2025, 2, 28)
        );
        let mut b = Vec::new();
        push_date(&mut b, day(2005, 3, 9));
        assert_eq!(b, b"2005-03-09");
    }

    #[test]
    fn allocation_sums_and_respects_the_minimum() {
        let w = [1.0, 5.0, 0.1, 3.0];
        let a = allocate(100, &w, 2);
        assert_eq!(a.iter().sum::<u64>(), 100);
        assert!(a.iter().all(|x| *x >= 2));
        assert_eq!(allocate(3, &[1.0, 1.0, 1.0, 1.0], 1), vec![1, 1, 1, 1]);
    }

    #[test]
    fn national_shape() {
        let t = build_tree(5_600_000, 1);
        assert_eq!(t.superiors.len(), 700);
        assert_eq!(t.grassroots.len(), 52_000);
        assert_eq!(t.cells.len(), 260_000);
        assert_eq!(
            t.cells.iter().map(|c| u64::from(c.members)).sum::<u64>(),
            5_600_000
        );
        assert_eq!(
            t.cells.iter().map(|c| u64::from(c.candidates)).sum::<u64>(),
            250_000
        );
        let small = build_tree(1000, 1);
        assert_eq!(small.superiors.len(), 34);
        assert_eq!(small.grassroots.len(), 34);
        assert_eq!(small.cells.len(), 68);
    }

    #[test]
    fn no_word_needs_quoting() {
        let mut all: Vec<&str> = Vec::new();
        all.extend(PROVINCES.iter().map(|p| p.0));
        all.extend(PLACES);
        all.extend(DEPARTMENTS);
        all.extend(FAMILY_NAMES.iter().map(|x| x.0));
        all.extend(MALE_MIDDLE.iter().chain(FEMALE_MIDDLE));
        all.extend(MALE_GIVEN.iter().chain(FEMALE_GIVEN));
        all.extend(ETHNICITIES.iter().map(|x| x.0));
        all.extend(OCCUPATIONS.iter().map(|x| x.0));
        for w in all {
            assert!(!w.contains([',', ';', '"', '\n']), "{w}");
        }
    }

    #[test]
    fn id_numbers_are_unique() {
        let mut ids = IdNumbers::new();
        let mut seen = std::collections::HashSet::new();
        let p = Person {
            male: false,
            birth: day(1990, 5, 1),
        };
        for _ in 0..20_000 {
            let mut b = Vec::new();
            ids.push(&mut b, 0, p).unwrap();
            assert_eq!(b.len(), 12);
            assert!(b.starts_with(b"001190"));
            assert!(seen.insert(b));
        }
    }
}
