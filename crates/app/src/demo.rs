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

use crate::ops::{self, Ctx};
use crate::scope::Visible;
use crate::{Actor, App, AppError};
use chrono::{Datelike, Days, Months, Weekday};
use ranks_domain::calendar::WorkCalendar;
use ranks_domain::procedure::{Profile, Vote};
use ranks_domain::{Date, MemberStatus, Term, TermName, UnitCode, UnitKind};
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
            let vote = Vote {
                eligible: 9,
                present: 8,
                in_favour: 8,
                against: 0,
            };
            let input = crate::pipeline::StepInput {
                stage: "cell_vote".into(),
                on: Some(on),
                vote: Some(vote),
                skip_reason: None,
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

async fn build(
    cx: &mut Ctx<'_>,
    today: Date,
    cal: &WorkCalendar,
) -> Result<(DemoSummary, Option<i64>), AppError> {
    let mut g = Generator {
        rng: Rng(0x5EED_2025_0054_0040),
        today,
    };
    let founded = ymd((1992, 1, 1));
    let root = ops::create_unit(
        cx,
        &UnitCode::parse(ROOT_CODE)?,
        ROOT_NAME,
        UnitKind::Superior,
        None,
        founded,
    )
    .await?;
    let mut terms = Vec::new();
    for (i, (name, from, to)) in TERMS.iter().enumerate() {
        let term = Term::new(TermName::parse(name)?, ymd(*from), ymd(*to))?;
        ops::create_term(cx, &term).await?;
        ops::set_term_target(cx, &root, &term.name, ROOT_TERM_TARGETS[i]).await?;
        terms.push(term);
    }
    ops::set_year_target(cx, &root, 2025, ROOT_YEAR_2025).await?;
    let mut movements = Vec::new();
    for (code, name, started) in MOVEMENTS {
        movements.push(ops::add_movement(cx, code, name, ymd(started)).await?);
    }

    let mut n_units = 1;
    let mut n_members = 0;
    let mut n_candidates = 0;
    let mut stage_cycle = OPEN_STAGES.iter().cycle();
    let mut stalled = None;
    let mut root_secretary = None;
    // Committee members, one per unit, who will supervise another unit.
    let mut committee: Vec<(Visible<UnitRow>, Visible<MemberRow>)> = Vec::new();
    let mut unit_rows = Vec::new();

    for spec in UNITS {
        let unit = ops::create_unit(
            cx,
            &UnitCode::parse(spec.code)?,
            spec.name,
            UnitKind::GrassrootsCommittee,
            Some(&root),
            founded,
        )
        .await?;
        n_units += 1;
        for (i, term) in terms.iter().enumerate() {
            ops::set_term_target(cx, &unit, &term.name, spec.terms[i].0).await?;
        }
        ops::set_year_target(cx, &unit, 2025, spec.year_2025).await?;
        let mut cells = Vec::new();
        for (i, name) in spec.cells.iter().enumerate() {
            let code = UnitCode::parse(&format!("{}.CB{}", spec.code, i + 1))?;
            cells.push(
                ops::create_unit(cx, &code, name, UnitKind::Cell, Some(&unit), founded).await?,
            );
            n_units += 1;
        }

        // Admission dates: the three terms as specified, the rest before 2015.
        let recent_end = (today - Days::new(10)).min(terms[2].ends_on);
        let mut admissions: Vec<(Date, bool)> = Vec::new(); // (date, has a pipeline history)
        for (i, term) in terms.iter().enumerate() {
            let end = if i == 2 { recent_end } else { term.ends_on };
            for _ in 0..spec.terms[i].1 {
                admissions.push((g.rng.weekday_between(term.starts_on, end), i > 0));
            }
        }
        let recent = spec.terms.iter().map(|t| t.1).sum::<usize>();
        for _ in recent..spec.members {
            admissions.push((
                g.rng.weekday_between(ymd((1993, 1, 1)), ymd((2015, 6, 30))),
                false,
            ));
        }
        // The newest admission of the largest unit is days old: ceremony still ahead.
        if spec.code == "BVDK" {
            let last = admissions
                .iter_mut()
                .filter(|a| a.0 > terms[2].starts_on)
                .last();
            if let Some(a) = last {
                a.0 = g
                    .rng
                    .weekday_between(today - Days::new(14), today - Days::new(10));
            }
        }

        let mut cell_members: Vec<Vec<DemoMember>> = cells.iter().map(|_| Vec::new()).collect();
        let mut histories = Vec::new();
        let mut secretary_id = None;
        for (k, (admitted, tracked)) in admissions.iter().enumerate() {
            let ci = k % cells.len();
            let birth = g.birth_for(*admitted);
            let occupation = *g.rng.pick(spec.staff);
            let mut person = g.person(birth, occupation);
            if spec.code == "CQSYT" && k == spec.members - 1 {
                person.full_name = "Nguyễn Thế Toàn".into();
                person.gender = "Nam".into();
                person.occupation = "Giám đốc Sở Y tế, Bí thư Đảng ủy".into();
            }
            if spec.code == "BVPHCN" && k == spec.members - 1 {
                person.full_name = "Triệu Quang Phú".into();
                person.gender = "Nam".into();
                person.occupation = "Giám đốc Bệnh viện, Bí thư Đảng ủy".into();
            }
            let ceremony = *admitted + Days::new(g.rng.range(10, 28));
            let official = ceremony
                .checked_add_months(Months::new(12))
                .expect("date in range");
            let (status, official_on) = if official <= today {
                (MemberStatus::Official, Some(official))
            } else {
                (MemberStatus::Probationary, None)
            };
            let person_id = ops::add_person(cx, &person).await?;
            let member_id =
                ops::add_member(cx, &person_id, &cells[ci], status, *admitted, official_on).await?;
            n_members += 1;
            if k == spec.members - 1 && spec.code == "BVPHCN" {
                secretary_id = Some(member_id.clone());
            }
            if k == spec.members - 1 && spec.code == "CQSYT" {
                root_secretary = Some(member_id.clone());
            }
            cell_members[ci].push(DemoMember {
                member: member_id.clone(),
                official_on,
            });
            if *tracked {
                histories.push((ci, person_id, member_id, *admitted, ceremony, official_on));
            }
        }

        // A few who left, admitted long ago: not counted today.
        for (k, status) in [MemberStatus::TransferredOut, MemberStatus::Deceased]
            .into_iter()
            .enumerate()
        {
            if spec.members > 30 {
                let admitted = g
                    .rng
                    .weekday_between(ymd((1995, 1, 1)), ymd((2010, 12, 31)));
                let birth = g.birth_for(admitted);
                let person = g.person(birth, spec.staff[0]);
                let pid = ops::add_person(cx, &person).await?;
                let official = admitted.checked_add_months(Months::new(13));
                ops::add_member(
                    cx,
                    &pid,
                    &cells[k % cells.len()],
                    status,
                    admitted,
                    official,
                )
                .await?;
            }
        }

        // Pipeline histories of the admissions since 2020.
        for (ci, person_id, member_id, admitted, ceremony, official_on) in histories {
            let movement = source(&mut g, &movements, spec.staff, &cells[ci]);
            let mut steps = backwards_from(&mut g, admitted);
            steps.push(("decision", admitted));
            if ceremony <= today {
                steps.push(("ceremony", ceremony));
            }
            if let Some(o) = official_on {
                let vote = o + Days::new(g.rng.range(3, 20));
                if vote <= today {
                    steps.push(("recognition_cell_vote", vote));
                    let gv = vote + Days::new(g.rng.range(5, 15));
                    if gv <= today {
                        steps.push(("recognition_grassroots_vote", gv));
                        let dec = gv + Days::new(g.rng.range(5, 20));
                        if dec <= today {
                            steps.push(("recognised", dec));
                        }
                    }
                }
            }
            let cid = write_file(
                cx,
                &mut g,
                &person_id,
                &cells[ci],
                movement,
                &steps,
                &cell_members[ci],
            )
            .await?;
            ops::link_candidate_member(cx, &cid, &member_id).await?;
            n_candidates += 1;
        }

        // The open pipeline: every unit has people on the way.
        let open = 1 + spec.members / 30;
        for k in 0..open {
            let ci = k % cells.len();
            let stage = *stage_cycle.next().expect("cycle");
            let since = g
                .rng
                .weekday_between(today - Days::new(45), today - Days::new(3));
            let birth = g
                .rng
                .weekday_between(years_before(today, 35), years_before(today, 22));
            let occupation = *g.rng.pick(spec.staff);
            let person = g.person(birth, occupation);
            let person_id = ops::add_person(cx, &person).await?;
            let mut steps = backwards_until(&mut g, stage, since);
            steps.push((stage, since));
            let movement = source(&mut g, &movements, spec.staff, &cells[ci]);
            write_file(
                cx,
                &mut g,
                &person_id,
                &cells[ci],
                movement,
                &steps,
                &cell_members[ci],
            )
            .await?;
            n_candidates += 1;
        }
        // The cases a supervisor must see: a file that stalled for years
        // (its certificate lapsed; the cell's vote will be refused), a
        // decision overdue, and one due in a few days.
        if spec.code == "CDC" {
            let birth = g
                .rng
                .weekday_between(years_before(today, 34), years_before(today, 28));
            let person = g.person(birth, "Bác sĩ y học dự phòng");
            let pid = ops::add_person(cx, &person).await?;
            let start = ymd((2020, 9, 15));
            let steps: Steps = vec![
                ("pool", start),
                ("sympathiser", ymd((2020, 11, 10))),
                ("course", ymd((2021, 3, 15))),
                ("application", ymd((2021, 5, 4))),
                ("personal_history", ymd((2021, 6, 8))),
                ("verification", ymd((2021, 8, 17))),
                ("introduction", ymd((2021, 9, 7))),
                ("comments", ymd((2021, 10, 12))),
            ];
            let cid = write_file(
                cx,
                &mut g,
                &pid,
                &cells[0],
                Some(movements[0]),
                &steps,
                &cell_members[0],
            )
            .await?
            .id;
            let (by, at) = (cx.actor.name.clone(), cx.at.clone());
            candidates::add_document(
                cx.tx.conn(),
                cid,
                "6-KNĐ",
                working_days_before(cal, today, 4),
                &by,
                &at,
            )
            .await?;
            stalled = Some(cid);
            n_candidates += 1;

            let birth = g
                .rng
                .weekday_between(years_before(today, 30), years_before(today, 24));
            let person = g.person(birth, "Kỹ thuật viên xét nghiệm");
            let pid = ops::add_person(cx, &person).await?;
            let cell_vote = working_days_before(cal, today, 70);
            let mut steps = backwards_until(&mut g, "cell_vote", cell_vote);
            steps.push(("cell_vote", cell_vote));
            steps.push(("grassroots_vote", cell_vote + Days::new(12)));
            write_file(cx, &mut g, &pid, &cells[1], None, &steps, &cell_members[1]).await?;
            n_candidates += 1;
        }
        if spec.code == "BVSN" {
            let birth = g
                .rng
                .weekday_between(years_before(today, 29), years_before(today, 23));
            let person = g.person(birth, "Hộ sinh");
            let pid = ops::add_person(cx, &person).await?;
            let cell_vote = working_days_before(cal, today, 55);
            let mut steps = backwards_until(&mut g, "cell_vote", cell_vote);
            steps.push(("cell_vote", cell_vote));
            steps.push(("grassroots_vote", cell_vote + Days::new(20)));
            write_file(
                cx,
                &mut g,
                &pid,
                &cells[0],
                Some(movements[0]),
                &steps,
                &cell_members[0],
            )
            .await?;
            n_candidates += 1;
        }
        // Not everyone in the pool becomes a member: files that ended in
        // withdrawal over the years (the forecast learns conversion from them).
        for _ in 0..(spec.terms[1].1 / 2 + 1) {
            let start = g
                .rng
                .weekday_between(ymd((2019, 1, 1)), today - Days::new(200));
            let birth = g
                .rng
                .weekday_between(years_before(start, 35), years_before(start, 22));
            let occupation = *g.rng.pick(spec.staff);
            let person = g.person(birth, occupation);
            let pid = ops::add_person(cx, &person).await?;
            let mut steps: Steps = vec![
                ("pool", start),
                ("sympathiser", start + Days::new(g.rng.range(30, 90))),
            ];
            if g.rng.below(2) == 0 {
                let last = steps[1].1;
                steps.push(("course", last + Days::new(g.rng.range(30, 120))));
            }
            let last = steps.last().expect("steps").1;
            steps.push(("withdrawn", last + Days::new(g.rng.range(60, 200))));
            let ci = g.rng.below(cells.len() as u64) as usize;
            let movement = source(&mut g, &movements, spec.staff, &cells[ci]);
            write_file(
                cx,
                &mut g,
                &pid,
                &cells[ci],
                movement,
                &steps,
                &cell_members[ci],
            )
            .await?;
            n_candidates += 1;
        }
        // One who withdrew from the pool.
        if spec.members > 30 {
            let birth = g
                .rng
                .weekday_between(years_before(today, 30), years_before(today, 23));
            let person = g.person(birth, spec.staff[0]);
            let pid = ops::add_person(cx, &person).await?;
            let start = today - Days::new(g.rng.range(200, 400));
            let steps = [
                ("pool", start),
                ("sympathiser", start + Days::new(60)),
                ("withdrawn", start + Days::new(150)),
            ];
            write_file(cx, &mut g, &pid, &cells[0], None, &steps, &cell_members[0]).await?;
            n_candidates += 1;
        }

        // Grassroots committee members in charge of each cell.
        let senior: Vec<Visible<MemberRow>> = cell_members
            .iter()
            .filter_map(|ms| {
                ms.iter()
                    .find(|m| m.official_on.is_some())
                    .map(|m| m.member.clone())
            })
            .collect();
        for (i, cell) in cells.iter().enumerate() {
            let who = &senior[(i + 1) % senior.len()];
            ops::add_supervisor(
                cx,
                cell,
                who,
                "Đảng ủy viên phụ trách chi bộ",
                terms[1].starts_on,
            )
            .await?;
        }
        // The unit's secretary: the article names the Rehabilitation Hospital's.
        let secretary = match spec.code {
            "BVPHCN" => secretary_id.unwrap_or_else(|| senior[0].clone()),
            _ => senior[senior.len() - 1].clone(),
        };
        ops::add_leader(cx, &unit, &secretary, "Bí thư Đảng ủy", terms[1].starts_on).await?;
        committee.push((unit.clone(), senior[0].clone()));
        unit_rows.push(unit);
    }

    // Nguyễn Thế Toàn, director of the department, is the committee's secretary.
    if let Some(id) = root_secretary {
        ops::add_leader(cx, &root, &id, "Bí thư Đảng ủy Sở Y tế", terms[1].starts_on).await?;
    }
    // The department committee's members each supervise a unit other than their own.
    for (i, unit) in unit_rows.iter().enumerate() {
        let (_, who) = &committee[(i + 3) % committee.len()];
        ops::add_supervisor(
            cx,
            unit,
            who,
            "Đảng ủy viên Đảng bộ Sở phụ trách",
            terms[1].starts_on,
        )
        .await?;
    }

    Ok((
        DemoSummary {
            loaded: true,
            units: n_units,
            members: n_members,
            candidates: n_candidates,
        },
        stalled,
    ))
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
                for m in &mentors {
                    let since = *on - Days::new(g.rng.range(400, 2000));
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
