//! The seed scenario (DOMAIN.md §1): the Party Committee of the Lạng Sơn
//! provincial Department of Health, generated deterministically.
//!
//! Only the facts of the article are fixed: the units, 328 current members,
//! the term 2020-2025 with target 40 and 54 admissions (135 %), the
//! Provincial Rehabilitation Hospital with target 11 and 12 admissions
//! (109 %), the 2025 annual target of 15, the two emulation movements.
//! Everything else (names, dates, cells, the pipeline) is drawn from a
//! seeded generator, so every load gives the same database. The figures a
//! report shows are not stored anywhere: they are counted from these member
//! records by the same code that computes any report.
//!
//! Dates of finished history are fixed; the open pipeline and the most
//! recent admissions are placed relative to the clock's today, so that the
//! demo always shows work in progress.

mod build;

use crate::ops::{self, Ctx};
use crate::scope::Visible;
use crate::{Actor, App, AppError};
use build::build;
use chrono::{Datelike, Days, Months, Weekday};
use ranks_domain::calendar::WorkCalendar;
use ranks_domain::procedure::{whole_months, Profile, Vote};
use ranks_domain::{Date, UnitCode};
use ranks_store::records::candidates::{self, CandidateRow};
use ranks_store::records::members::{MemberRow, NewPerson, PersonRow};
use ranks_store::records::units::{self, UnitRow};

pub const ROOT_CODE: &str = "DBSYT";
pub const ROOT_NAME: &str = "Đảng bộ Sở Y tế tỉnh Lạng Sơn";

struct UnitSpec {
    code: &'static str,
    name: &'static str,
    members: usize,
    cells: &'static [&'static str],
    /// (target, admitted) for the terms 2015-2020, 2020-2025, 2025-2030 (so far).
    terms: [(u32, usize); 3],
    year_2025: u32,
    /// What most members do, for the occupation field.
    staff: &'static [&'static str],
}

const HOSPITAL: &[&str] = &[
    "Bác sĩ",
    "Bác sĩ",
    "Điều dưỡng",
    "Điều dưỡng",
    "Điều dưỡng",
    "Dược sĩ",
    "Kỹ thuật viên",
    "Cán bộ hành chính",
];

const UNITS: &[UnitSpec] = &[
    UnitSpec {
        code: "BVDK",
        name: "Đảng bộ Bệnh viện Đa khoa tỉnh",
        members: 86,
        cells: &[
            "Chi bộ Khoa Nội",
            "Chi bộ Khoa Ngoại",
            "Chi bộ Hồi sức cấp cứu",
            "Chi bộ Cận lâm sàng",
            "Chi bộ Hành chính – Tổng hợp",
        ],
        terms: [(9, 11), (9, 12), (10, 2)],
        year_2025: 3,
        staff: HOSPITAL,
    },
    UnitSpec {
        code: "BVPHCN",
        name: "Đảng bộ Bệnh viện Phục hồi chức năng tỉnh",
        members: 34,
        cells: &[
            "Chi bộ Lâm sàng",
            "Chi bộ Cận lâm sàng",
            "Chi bộ Hành chính",
        ],
        terms: [(5, 6), (11, 12), (6, 1)],
        year_2025: 3,
        staff: &[
            "Bác sĩ",
            "Kỹ thuật viên phục hồi chức năng",
            "Kỹ thuật viên phục hồi chức năng",
            "Điều dưỡng",
            "Cán bộ hành chính",
        ],
    },
    UnitSpec {
        code: "CDC",
        name: "Đảng bộ Trung tâm Kiểm soát bệnh tật tỉnh",
        members: 38,
        cells: &[
            "Chi bộ Phòng chống bệnh truyền nhiễm",
            "Chi bộ Xét nghiệm",
            "Chi bộ Hành chính – Tổ chức",
        ],
        terms: [(5, 6), (4, 6), (5, 1)],
        year_2025: 2,
        staff: &[
            "Bác sĩ y học dự phòng",
            "Cử nhân y tế công cộng",
            "Kỹ thuật viên xét nghiệm",
            "Cán bộ hành chính",
        ],
    },
    UnitSpec {
        code: "BTXH",
        name: "Đảng bộ Cơ sở Bảo trợ xã hội tổng hợp tỉnh",
        members: 18,
        cells: &["Chi bộ Chăm sóc – Nuôi dưỡng", "Chi bộ Hành chính"],
        terms: [(2, 2), (2, 3), (2, 0)],
        year_2025: 1,
        staff: &[
            "Nhân viên công tác xã hội",
            "Điều dưỡng",
            "Cán bộ hành chính",
        ],
    },
    UnitSpec {
        code: "CQSYT",
        name: "Đảng bộ Cơ quan Văn phòng Sở Y tế",
        members: 22,
        cells: &["Chi bộ Văn phòng", "Chi bộ Các phòng chuyên môn"],
        terms: [(3, 3), (2, 2), (3, 1)],
        year_2025: 1,
        staff: &["Chuyên viên", "Chuyên viên", "Thanh tra viên", "Kế toán"],
    },
    UnitSpec {
        code: "BVYHCT",
        name: "Đảng bộ Bệnh viện Y dược cổ truyền tỉnh",
        members: 30,
        cells: &[
            "Chi bộ Lâm sàng",
            "Chi bộ Cận lâm sàng – Dược",
            "Chi bộ Hành chính",
        ],
        terms: [(4, 5), (3, 5), (4, 1)],
        year_2025: 1,
        staff: &[
            "Bác sĩ y học cổ truyền",
            "Dược sĩ",
            "Điều dưỡng",
            "Kỹ thuật viên",
            "Cán bộ hành chính",
        ],
    },
    UnitSpec {
        code: "BVP",
        name: "Đảng bộ Bệnh viện Phổi tỉnh",
        members: 24,
        cells: &["Chi bộ Lâm sàng", "Chi bộ Hành chính – Cận lâm sàng"],
        terms: [(3, 3), (2, 3), (3, 1)],
        year_2025: 1,
        staff: HOSPITAL,
    },
    UnitSpec {
        code: "BVSN",
        name: "Đảng bộ Bệnh viện Sản Nhi tỉnh",
        members: 32,
        cells: &[
            "Chi bộ Khối Sản",
            "Chi bộ Khối Nhi",
            "Chi bộ Hành chính – Cận lâm sàng",
        ],
        terms: [(4, 5), (3, 5), (5, 1)],
        year_2025: 1,
        staff: &[
            "Bác sĩ",
            "Hộ sinh",
            "Hộ sinh",
            "Điều dưỡng",
            "Kỹ thuật viên",
            "Cán bộ hành chính",
        ],
    },
    UnitSpec {
        code: "CDYT",
        name: "Đảng bộ Trường Cao đẳng Y tế Lạng Sơn",
        members: 26,
        cells: &[
            "Chi bộ Khoa Y",
            "Chi bộ Khoa Dược – Điều dưỡng",
            "Chi bộ Hành chính",
        ],
        terms: [(3, 5), (2, 4), (4, 1)],
        year_2025: 1,
        staff: &["Giảng viên", "Giảng viên", "Cán bộ hành chính"],
    },
    UnitSpec {
        code: "TTGDYK",
        name: "Đảng bộ Trung tâm Giám định y khoa – Pháp y tỉnh",
        members: 18,
        cells: &["Chi bộ Giám định y khoa", "Chi bộ Pháp y"],
        terms: [(2, 3), (2, 2), (3, 0)],
        year_2025: 1,
        staff: &["Giám định viên", "Bác sĩ pháp y", "Cán bộ hành chính"],
    },
];

/// (name, first day, last day) of the three terms in the demo.
type Ymd = (i32, u32, u32);

const TERMS: [(&str, Ymd, Ymd); 3] = [
    ("2015-2020", (2015, 7, 1), (2020, 6, 30)),
    ("2020-2025", (2020, 7, 1), (2025, 6, 30)),
    ("2025-2030", (2025, 7, 1), (2030, 6, 30)),
];
/// The committee's own term targets: set by its congresses.
const ROOT_TERM_TARGETS: [u32; 3] = [40, 40, 45];
const ROOT_YEAR_2025: u32 = 15;

const MOVEMENTS: [(&str, &str, Ymd); 2] = [
    (
        "HCM",
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        (2016, 5, 15),
    ),
    ("TTTRE", "Thầy thuốc trẻ làm theo lời Bác", (2013, 3, 26)),
];

const FAMILY: &[(&str, u32)] = &[
    ("Nguyễn", 24),
    ("Hoàng", 10),
    ("Trần", 6),
    ("Lê", 5),
    ("Nông", 6),
    ("Vi", 4),
    ("Lương", 4),
    ("Phạm", 4),
    ("Lý", 3),
    ("Vũ", 3),
    ("Đặng", 3),
    ("Triệu", 3),
    ("Lộc", 3),
    ("Hà", 3),
    ("Chu", 2),
    ("Bùi", 2),
    ("Dương", 2),
    ("Đỗ", 2),
    ("Lăng", 2),
    ("Đinh", 2),
    ("Ngô", 2),
    ("Phan", 2),
    ("Mạc", 1),
    ("Tô", 1),
    ("Mông", 1),
];
const MIDDLE_M: &[&str] = &[
    "Văn", "Văn", "Đức", "Minh", "Quang", "Thế", "Hữu", "Xuân", "Ngọc", "Mạnh", "Tiến", "Công",
    "Thanh", "Trung",
];
const MIDDLE_F: &[&str] = &[
    "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Thúy", "Hồng", "Phương", "Bích", "Kim",
];
const GIVEN_M: &[&str] = &[
    "Anh", "Bình", "Cường", "Dũng", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khánh", "Kiên",
    "Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Thành", "Trung", "Tuấn", "Việt", "Vinh",
    "Tùng", "Hưng", "Lâm", "Quyết", "Tài", "Hào", "Định",
];
const GIVEN_F: &[&str] = &[
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hiền", "Hoa", "Huyền", "Hương", "Lan",
    "Liên", "Linh", "Loan", "Mai", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo",
    "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Nga", "Thơ",
];
const ETHNICITY: &[(&str, u32)] = &[
    ("Kinh", 45),
    ("Tày", 30),
    ("Nùng", 20),
    ("Dao", 3),
    ("Hoa", 2),
];

/// SplitMix64 (ranks_domain::rng), with the demo's own draws on top.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        ranks_domain::rng::splitmix64(&mut self.0)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn weighted<'a>(&mut self, xs: &'a [(&'a str, u32)]) -> &'a str {
        let total: u32 = xs.iter().map(|x| x.1).sum();
        let mut r = self.below(u64::from(total)) as u32;
        for (s, w) in xs {
            if r < *w {
                return s;
            }
            r -= w;
        }
        xs[0].0
    }
    /// A working day (Monday to Friday) between two dates, inclusive.
    fn weekday_between(&mut self, from: Date, to: Date) -> Date {
        let span = (to - from).num_days().max(0) as u64;
        let weekend = |d: Date| matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        let mut d = from + Days::new(self.below(span + 1));
        while weekend(d) && d < to {
            d = d + Days::new(1);
        }
        while weekend(d) && d > from {
            d = d - Days::new(1);
        }
        d
    }
}

fn ymd((y, m, d): Ymd) -> Date {
    Date::from_ymd_opt(y, m, d).expect("valid demo date")
}

fn years_before(d: Date, years: u32) -> Date {
    d.checked_sub_months(Months::new(12 * years))
        .expect("date in range")
}

struct Generator {
    rng: Rng,
    today: Date,
}

impl Generator {
    fn person(&mut self, birth: Date, occupation: &str) -> NewPerson {
        // Health workers are mostly women.
        let female = self.rng.below(100) < 62;
        let family = self.rng.weighted(FAMILY);
        let (middle, given) = if female {
            (*self.rng.pick(MIDDLE_F), *self.rng.pick(GIVEN_F))
        } else {
            (*self.rng.pick(MIDDLE_M), *self.rng.pick(GIVEN_M))
        };
        NewPerson {
            full_name: format!("{family} {middle} {given}"),
            gender: if female { "Nữ" } else { "Nam" }.into(),
            birth_date: birth,
            ethnicity: self.rng.weighted(ETHNICITY).into(),
            education: "12/12".into(),
            occupation: occupation.into(),
        }
    }

    /// A birth date giving an age at `admitted` between 22 and 36 and an age
    /// today of at most 59 (members are serving staff).
    fn birth_for(&mut self, admitted: Date) -> Date {
        let oldest = years_before(self.today, 59);
        let youngest = years_before(admitted, 22);
        let early = years_before(admitted, 36).max(oldest);
        if early >= youngest {
            return years_before(admitted, 19);
        }
        self.rng.weekday_between(early, youngest)
    }
}

struct DemoMember {
    member: Visible<MemberRow>,
    official_on: Option<Date>,
}

/// What a demo load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// False when the scenario was already in the database (nothing written).
    pub loaded: bool,
    pub units: usize,
    pub members: usize,
    pub candidates: usize,
}

impl App {
    /// Loads the seed scenario in one transaction; does nothing if the
    /// committee already exists.
    pub async fn load_demo(&self, actor: &Actor) -> Result<DemoSummary, AppError> {
        let today = self.clock().today();
        let mut tx = self.write().await?;
        let root_code = UnitCode::parse(ROOT_CODE)?;
        check_profile(self.profile())?;
        if units::by_code(tx.conn(), &root_code).await?.is_some() {
            tx.rollback().await?;
            return Ok(DemoSummary {
                loaded: false,
                units: 0,
                members: 0,
                candidates: 0,
            });
        }
        let mut cx = Ctx {
            tx: &mut tx,
            actor,
            at: self.clock().stamp(),
            today: self.clock().today(),
        };
        let cal = self.calendar().await?;
        let (summary, stalled) = build(&mut cx, today, &cal).await?;
        tx.commit().await?;
        // The stalled file's cell vote, tried today through the procedure:
        // refused (the certificate lapsed), and the refusal is kept.
        if let Some(id) = stalled {
            let on = working_days_before(&cal, today, 3);
            let eligible = self
                .registry_eligible(actor, id, "cell_vote", on)
                .await?
                .unwrap_or(9);
            let vote = Vote {
                eligible,
                present: eligible,
                in_favour: eligible,
                against: 0,
            };
            let input = crate::pipeline::StepInput {
                stage: "cell_vote".into(),
                on: Some(on),
                vote: Some(vote),
                skip_reason: None,
                eligible_reason: None,
                version: None,
            };
            match self.record_step(actor, id, input).await {
                Err(AppError::Refused(_)) => {}
                Ok(_) => {
                    return Err(AppError::Conflict(
                        "demo: the stalled file's vote should have been refused".into(),
                    ))
                }
                Err(e) => return Err(e),
            }
        }
        Ok(summary)
    }
}

/// The demo writes the CPV profile's stages; a custom profile must know them.
fn check_profile(profile: &Profile) -> Result<(), AppError> {
    let missing: Vec<&str> = DEMO_STAGES
        .iter()
        .copied()
        .filter(|s| profile.stage(s).is_none())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "the demo needs the CPV profile's stages; profile '{}' lacks {}",
            profile.id,
            missing.join(", ")
        )))
    }
}

/// The day `n` working days before `day`.
fn working_days_before(cal: &WorkCalendar, day: Date, n: u32) -> Date {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d = d - Days::new(1);
        if cal.is_working_day(d) {
            left -= 1;
        }
    }
    d
}

/// Stages a candidate can be waiting in before the admission decision (CPV profile keys).
const OPEN_STAGES: [&str; 10] = [
    "pool",
    "sympathiser",
    "course",
    "application",
    "personal_history",
    "verification",
    "introduction",
    "comments",
    "cell_vote",
    "grassroots_vote",
];

/// Every stage key the demo writes; the loaded profile must know them all.
pub const DEMO_STAGES: [&str; 16] = [
    "pool",
    "sympathiser",
    "course",
    "application",
    "personal_history",
    "verification",
    "introduction",
    "comments",
    "cell_vote",
    "grassroots_vote",
    "decision",
    "ceremony",
    "recognition_cell_vote",
    "recognition_grassroots_vote",
    "recognised",
    "withdrawn",
];

/// Typical days spent in each open stage before the next, (min, max).
fn stage_days(stage: &str) -> (u64, u64) {
    match stage {
        "pool" => (30, 120),
        "sympathiser" => (30, 150),
        "course" => (10, 60),
        "application" => (5, 20),
        "personal_history" => (20, 60),
        "verification" => (5, 25),
        "introduction" => (5, 20),
        "comments" => (5, 15),
        "cell_vote" => (5, 20),
        "grassroots_vote" => (15, 60),
        _ => (0, 0),
    }
}

type Steps = Vec<(&'static str, Date)>;

/// The open stages before `stage`, dated backwards from `until`.
fn backwards_until(g: &mut Generator, stage: &str, until: Date) -> Steps {
    let before: Vec<&'static str> = OPEN_STAGES
        .iter()
        .copied()
        .take_while(|s| *s != stage)
        .collect();
    let mut steps = Vec::new();
    let mut d = until;
    for s in before.iter().rev() {
        let (lo, hi) = stage_days(s);
        d = d - Days::new(g.rng.range(lo, hi));
        steps.push((*s, d));
    }
    steps.reverse();
    steps
}

/// All open stages, dated backwards from an admission decision.
fn backwards_from(g: &mut Generator, decision: Date) -> Steps {
    let vote = decision - Days::new(g.rng.range(15, 50));
    let mut steps = backwards_until(g, "grassroots_vote", vote);
    steps.push(("grassroots_vote", vote));
    steps
}

/// Where a candidate came from: young doctors mostly from the young
/// physicians' movement, others from the Ho Chi Minh movement or from work.
fn source(g: &mut Generator, movements: &[i64], staff: &[&str], cell: &UnitRow) -> Option<i64> {
    let doctors =
        staff.iter().any(|s| s.starts_with("Bác sĩ")) && !cell.name.contains("Hành chính");
    match g.rng.below(10) {
        0..=3 if doctors => Some(movements[1]),
        0..=5 => Some(movements[0]),
        _ => None,
    }
}

/// Writes a candidate's whole file as a cell would have kept it: each
/// stage's documents, the mentors, the certificate, the introducers, the
/// votes and the probation mentor, on the days of the steps.
async fn write_file(
    cx: &mut Ctx<'_>,
    g: &mut Generator,
    person: &Visible<PersonRow>,
    cell: &Visible<UnitRow>,
    movement: Option<i64>,
    steps: &[(&str, Date)],
    cell_members: &[DemoMember],
) -> Result<Visible<CandidateRow>, AppError> {
    let (first, first_date) = steps[0];
    let candidate = ops::add_candidate(cx, person, cell, movement, first, first_date).await?;
    let cid = candidate.id;
    let (by, at) = (cx.actor.name.clone(), cx.at.clone());
    // Staff of a public body are trade-union members; those of youth age
    // (to 30) Youth Union members, introduced by its committee's resolution
    // (4-KNĐ) and one official member (Charter Điều 4 khoản 1).
    let young = |on: Date| whole_months(person.birth_date, on) < 31 * 12;
    candidates::set_memberships(cx.tx.conn(), cid, young(first_date), true).await?;
    let mut mentors = Vec::new();
    for (stage, on) in &steps[1..] {
        for doc in documents_of(stage) {
            candidates::add_document(cx.tx.conn(), cid, doc, *on, &by, &at).await?;
        }
        let mut detail = None;
        match *stage {
            "sympathiser" => mentors = assign_mentors(cx, g, &candidate, cell_members, *on).await?,
            "course" => {
                let number = format!("{}/CN-TTCT", 100 + g.rng.below(900));
                candidates::add_certificate(cx.tx.conn(), cid, *on, &number).await?;
            }
            "introduction" => {
                let youth_route = young(*on);
                if youth_route {
                    candidates::add_introducer(cx.tx.conn(), cid, None, "youth_union", None, *on)
                        .await?;
                    candidates::add_document(cx.tx.conn(), cid, "4-KNĐ", *on, &by, &at).await?;
                }
                for (i, m) in mentors.iter().enumerate() {
                    let since = *on - Days::new(g.rng.range(400, 2000));
                    if youth_route && i > 0 {
                        continue;
                    }
                    candidates::add_introducer(
                        cx.tx.conn(),
                        cid,
                        Some(m.id),
                        "member",
                        Some(since),
                        *on,
                    )
                    .await?;
                }
            }
            "cell_vote"
            | "grassroots_vote"
            | "recognition_cell_vote"
            | "recognition_grassroots_vote" => {
                let eligible = if stage.contains("grassroots") {
                    7 + g.rng.below(3) as u32
                } else {
                    cell_members
                        .iter()
                        .filter(|m| m.official_on.is_some_and(|o| o <= *on))
                        .count()
                        .max(3) as u32
                };
                let present = eligible - g.rng.below(2) as u32;
                candidates::add_vote(cx.tx.conn(), cid, stage, *on, eligible, present, present, 0)
                    .await?;
                detail = Some(
                    serde_json::json!({"vote": {"eligible": eligible, "present": present, "in_favour": present, "against": 0}}),
                );
            }
            "ceremony" => {
                if let Some(m) = mentors.first() {
                    candidates::assign_mentor(cx.tx.conn(), cid, m.id, *on, true).await?;
                }
            }
            _ => {}
        }
        candidates::record_stage(cx.tx.conn(), cid, stage, *on, detail.as_ref(), &by, &at).await?;
        // Logged as the pipeline logs a step, so `ranks audit verify` finds
        // every candidate's stage in the log.
        cx.audit(
            "stage",
            "candidate",
            cid,
            None,
            Some(serde_json::json!({"stage": stage, "on": on, "detail": detail})),
        )
        .await?;
    }
    Ok(candidate)
}

/// The documents the CPV profile asks for at each stage.
fn documents_of(stage: &str) -> &'static [&'static str] {
    match stage {
        "sympathiser" => &["NQ-GIUPDO"],
        "course" => &["CN-NTVĐ"],
        "application" => &["1-KNĐ"],
        "personal_history" => &["2-KNĐ"],
        "verification" => &["TTLL"],
        "introduction" => &["3-KNĐ"],
        "comments" => &["5-KNĐ"],
        "cell_vote" => &["6-KNĐ"],
        "grassroots_vote" => &["8-KNĐ"],
        "decision" => &["9-KNĐ"],
        "ceremony" => &["BB-KN"],
        "recognition_cell_vote" => &["10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ"],
        "recognition_grassroots_vote" => &["15-KNĐ"],
        "recognised" => &["16-KNĐ"],
        _ => &[],
    }
}

/// Two official members of the cell mentor the candidate from the date the
/// cell takes them on as a sympathiser.
async fn assign_mentors(
    cx: &mut Ctx<'_>,
    g: &mut Generator,
    candidate: &Visible<CandidateRow>,
    cell_members: &[DemoMember],
    on: Date,
) -> Result<Vec<Visible<MemberRow>>, AppError> {
    let eligible: Vec<&Visible<MemberRow>> = cell_members
        .iter()
        .filter(|m| m.official_on.is_some_and(|o| o <= on))
        .map(|m| &m.member)
        .collect();
    let mut chosen = Vec::new();
    if eligible.is_empty() {
        return Ok(chosen);
    }
    let first = g.rng.below(eligible.len() as u64) as usize;
    chosen.push(eligible[first].clone());
    if eligible.len() > 1 {
        let second = (first + 1 + g.rng.below(eligible.len() as u64 - 1) as usize) % eligible.len();
        chosen.push(eligible[second].clone());
    }
    for m in &chosen {
        ops::assign_mentor(cx, candidate, m, on).await?;
    }
    Ok(chosen)
}
