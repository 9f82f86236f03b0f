//! Names and places: the provinces, place names, Vietnamese names, ethnic
//! groups and occupations the generated people and units are drawn from,
//! with unique citizen ID numbers and phone numbers.

use super::days::civil_from_days;
use super::rng::Rng;
use super::write::{push_num, push_str};
use anyhow::{bail, Result};

/// The 34 provincial-level units since 1 July 2025: name, centrally run
/// city, the province code that starts a citizen ID (CCCD) number, and a
/// weight (population in hundreds of thousands, roughly).
pub(super) const PROVINCES: [(&str, bool, u16, u32); 34] = [
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

pub(super) fn province_name(p: usize) -> String {
    match PROVINCES[p] {
        ("Hồ Chí Minh", ..) => "Thành phố Hồ Chí Minh".into(),
        (name, true, ..) => format!("thành phố {name}"),
        (name, false, ..) => format!("tỉnh {name}"),
    }
}

/// Place names for districts, communes, villages and schools.
pub(super) const PLACES: &[&str] = &[
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

pub(super) const DEPARTMENTS: &[&str] = &[
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

pub(super) const FAMILY_NAMES: &[(&str, u32)] = &[
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

pub(super) const MALE_MIDDLE: &[&str] = &[
    "Văn", "Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thanh", "Ngọc", "Xuân", "Đình",
    "Quang", "Mạnh", "Trung", "Anh",
];
pub(super) const FEMALE_MIDDLE: &[&str] = &[
    "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Hồng", "Phương", "Thùy",
    "Mai", "Bích", "Diệu",
];
pub(super) const MALE_GIVEN: &[&str] = &[
    "Anh", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Hiếu", "Hoàng", "Huy", "Khánh", "Long", "Minh",
    "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Tuấn", "Việt", "Tùng", "Trung", "Đạt", "Đức",
    "Quang", "Lâm", "Khoa", "Kiên", "Hưng", "Toàn", "Thịnh", "Vinh", "Phúc", "Lộc", "Tâm", "Tiến",
    "Thái", "Nghĩa", "Hậu", "Chiến",
];
pub(super) const FEMALE_GIVEN: &[&str] = &[
    "Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Loan",
    "Mai", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Thủy", "Trang", "Tuyết",
    "Vân", "Yến", "Nga", "Hiền", "Giang", "Hồng", "Liên", "Thư", "Nhàn", "Duyên", "Trinh", "Tâm",
    "My",
];

pub(super) const ETHNICITIES: &[(&str, u32)] = &[
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

pub(super) const OCCUPATIONS: &[(&str, u32)] = &[
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

pub(super) const PHONE_PREFIXES: &[&str] = &[
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039", "088",
    "091", "094", "083", "084", "085", "081", "082", "089", "090", "093", "070", "079", "077",
    "076", "078", "092", "056", "058", "099", "059",
];

/// The open stages a generated candidate may be at (before the admission
/// decision), with how many of a hundred are there, and the usual days
/// from entering the stage to entering the next one.
pub(super) const OPEN_STAGES: [(&str, u32, (i64, i64)); 10] = [
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
pub(super) struct Person {
    pub(super) male: bool,
    pub(super) birth: i32,
}

pub(super) fn push_name(buf: &mut Vec<u8>, rng: &mut Rng, male: bool) {
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
pub(super) struct IdNumbers {
    pub(super) next: Vec<u32>,
}

impl IdNumbers {
    pub(super) fn new() -> Self {
        IdNumbers {
            next: vec![0; PROVINCES.len() * 4 * 100],
        }
    }

    pub(super) fn push(&mut self, buf: &mut Vec<u8>, province: usize, p: Person) -> Result<()> {
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

pub(super) fn push_phone(buf: &mut Vec<u8>, rng: &mut Rng) {
    push_str(buf, rng.pick(PHONE_PREFIXES));
    push_num(buf, rng.below(10_000_000), 7);
}
