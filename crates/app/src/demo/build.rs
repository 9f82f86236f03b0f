//! The scenario written step by step: the committee with its terms,
//! targets and movements; then each unit (its cells, members, those who
//! left, the pipeline histories of recent admissions, the open files, the
//! cases a supervisor must see, the withdrawals, its leaders); then the
//! committee's secretary and supervisors. The generator is drawn from in
//! one fixed order, so every load gives the same database.

use super::{
    backwards_from, backwards_until, source, working_days_before, write_file, years_before, ymd,
    DemoMember, DemoSummary, Generator, Rng, Steps, UnitSpec, MOVEMENTS, OPEN_STAGES, ROOT_CODE,
    ROOT_NAME, ROOT_TERM_TARGETS, ROOT_YEAR_2025, TERMS, UNITS,
};
use crate::ops::{self, Ctx};
use crate::scope::Visible;
use crate::AppError;
use chrono::{Days, Months};
use ranks_domain::calendar::WorkCalendar;
use ranks_domain::{Date, MemberStatus, Term, TermName, UnitCode, UnitKind};
use ranks_store::records::candidates;
use ranks_store::records::members::{MemberRow, PersonRow};
use ranks_store::records::units::UnitRow;

/// An admission with a pipeline history to write: (cell index, person,
/// member, admitted, ceremony, official).
type History = (
    usize,
    Visible<PersonRow>,
    Visible<MemberRow>,
    Date,
    Date,
    Option<Date>,
);

/// The scenario as written so far.
struct Demo<'c> {
    g: Generator,
    today: Date,
    cal: &'c WorkCalendar,
    founded: Date,
    root: Visible<UnitRow>,
    terms: Vec<Term>,
    movements: Vec<i64>,
    n_units: usize,
    n_members: usize,
    n_candidates: usize,
    stage_cycle: std::iter::Cycle<std::slice::Iter<'static, &'static str>>,
    /// The file whose vote will be refused (its certificate lapsed).
    stalled: Option<i64>,
    root_secretary: Option<Visible<MemberRow>>,
    /// Committee members, one per unit, who will supervise another unit.
    committee: Vec<(Visible<UnitRow>, Visible<MemberRow>)>,
    unit_rows: Vec<Visible<UnitRow>>,
}

/// Writes the scenario; its summary and the stalled file's candidate id.
pub(super) async fn build(
    cx: &mut Ctx<'_>,
    today: Date,
    cal: &WorkCalendar,
) -> Result<(DemoSummary, Option<i64>), AppError> {
    let mut demo = Demo::start(cx, today, cal).await?;
    for spec in UNITS {
        demo.unit(cx, spec).await?;
    }
    demo.finish(cx).await
}

impl<'c> Demo<'c> {
    /// The committee, its terms with their targets, the 2025 target and the
    /// emulation movements.
    async fn start(
        cx: &mut Ctx<'_>,
        today: Date,
        cal: &'c WorkCalendar,
    ) -> Result<Demo<'c>, AppError> {
        let g = Generator {
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
        Ok(Demo {
            g,
            today,
            cal,
            founded,
            root,
            terms,
            movements,
            n_units: 1,
            n_members: 0,
            n_candidates: 0,
            stage_cycle: OPEN_STAGES.iter().cycle(),
            stalled: None,
            root_secretary: None,
            committee: Vec::new(),
            unit_rows: Vec::new(),
        })
    }

    /// One grassroots committee with everything under it.
    async fn unit(&mut self, cx: &mut Ctx<'_>, spec: &UnitSpec) -> Result<(), AppError> {
        let (unit, cells) = self.unit_and_cells(cx, spec).await?;
        let admissions = self.admissions(spec);
        let (cell_members, histories, secretary_id) =
            self.members(cx, spec, &cells, &admissions).await?;
        self.leavers(cx, spec, &cells).await?;
        self.histories(cx, spec, &cells, &cell_members, histories)
            .await?;
        self.open_files(cx, spec, &cells, &cell_members).await?;
        self.supervisor_cases(cx, spec, &cells, &cell_members)
            .await?;
        self.withdrawals(cx, spec, &cells, &cell_members).await?;
        self.leaders(cx, spec, unit, &cells, &cell_members, secretary_id)
            .await
    }

    /// The unit with its targets, and its cells.
    async fn unit_and_cells(
        &mut self,
        cx: &mut Ctx<'_>,
        spec: &UnitSpec,
    ) -> Result<(Visible<UnitRow>, Vec<Visible<UnitRow>>), AppError> {
        let founded = self.founded;
        let unit = ops::create_unit(
            cx,
            &UnitCode::parse(spec.code)?,
            spec.name,
            UnitKind::GrassrootsCommittee,
            Some(&self.root),
            founded,
        )
        .await?;
        self.n_units += 1;
        for (i, term) in self.terms.iter().enumerate() {
            ops::set_term_target(cx, &unit, &term.name, spec.terms[i].0).await?;
        }
        ops::set_year_target(cx, &unit, 2025, spec.year_2025).await?;
        let mut cells = Vec::new();
        for (i, name) in spec.cells.iter().enumerate() {
            let code = UnitCode::parse(&format!("{}.CB{}", spec.code, i + 1))?;
            cells.push(
                ops::create_unit(cx, &code, name, UnitKind::Cell, Some(&unit), founded).await?,
            );
            self.n_units += 1;
        }
        Ok((unit, cells))
    }

    /// Admission dates: the three terms as specified, the rest before 2015;
    /// each with whether it has a pipeline history.
    fn admissions(&mut self, spec: &UnitSpec) -> Vec<(Date, bool)> {
        let (g, terms, today) = (&mut self.g, &self.terms, self.today);
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
        admissions
    }

    /// The current members, cell by cell: the members of each cell, the
    /// admissions with a history to write, and the unit's secretary (the
    /// Rehabilitation Hospital's, whom the article names).
    #[allow(clippy::type_complexity)]
    async fn members(
        &mut self,
        cx: &mut Ctx<'_>,
        spec: &UnitSpec,
        cells: &[Visible<UnitRow>],
        admissions: &[(Date, bool)],
    ) -> Result<
        (
            Vec<Vec<DemoMember>>,
            Vec<History>,
            Option<Visible<MemberRow>>,
        ),
        AppError,
    > {
        let (g, today) = (&mut self.g, self.today);
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
            self.n_members += 1;
            if k == spec.members - 1 && spec.code == "BVPHCN" {
                secretary_id = Some(member_id.clone());
            }
            if k == spec.members - 1 && spec.code == "CQSYT" {
                self.root_secretary = Some(member_id.clone());
            }
            cell_members[ci].push(DemoMember {
                member: member_id.clone(),
                official_on,
            });
            if *tracked {
                histories.push((ci, person_id, member_id, *admitted, ceremony, official_on));
            }
        }
        Ok((cell_members, histories, secretary_id))
    }

    /// A few who left, admitted long ago: not counted today.
    async fn leavers(
        &mut self,
        cx: &mut Ctx<'_>,
        spec: &UnitSpec,
        cells: &[Visible<UnitRow>],
    ) -> Result<(), AppError> {
        let g = &mut self.g;
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
        Ok(())
    }

    /// Pipeline histories of the admissions since 2020.
    async fn histories(
        &mut self,
        cx: &mut Ctx<'_>,
        spec: &UnitSpec,
        cells: &[Visible<UnitRow>],
        cell_members: &[Vec<DemoMember>],
        histories: Vec<History>,
    ) -> Result<(), AppError> {
        let (g, today) = (&mut self.g, self.today);
        for (ci, person_id, member_id, admitted, ceremony, official_on) in histories {
            let movement = source(g, &self.movements, spec.staff, &cells[ci]);
            let mut steps = backwards_from(g, admitted);
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
                g,
                &person_id,
                &cells[ci],
                movement,
                &steps,
                &cell_members[ci],
            )
            .await?;
            ops::link_candidate_member(cx, &cid, &member_id).await?;
            self.n_candidates += 1;
        }
        Ok(())
    }

    /// The open pipeline: every unit has people on the way.
    async fn open_files(
        &mut self,
        cx: &mut Ctx<'_>,
        spec: &UnitSpec,
        cells: &[Visible<UnitRow>],
        cell_members: &[Vec<DemoMember>],
    ) -> Result<(), AppError> {
        let (g, today) = (&mut self.g, self.today);
        let open = 1 + spec.members / 30;
        for k in 0..open {
            let ci = k % cells.len();
            let stage = *self.stage_cycle.next().expect("cycle");
            let since = g
                .rng
                .weekday_between(today - Days::new(45), today - Days::new(3));
            let birth = g
                .rng
                .weekday_between(years_before(today, 35), years_before(today, 22));
            let occupation = *g.rng.pick(spec.staff);
            let person = g.person(birth, occupation);
            let person_id = ops::add_person(cx, &person).await?;
            let mut steps = backwards_until(g, stage, since);
            steps.push((stage, since));
            let movement = source(g, &self.movements, spec.staff, &cells[ci]);
            write_file(
                cx,
                g,
                &person_id,
                &cells[ci],
                movement,
                &steps,
                &cell_members[ci],
            )
            .await?;
            self.n_candidates += 1;
        }
        Ok(())
    }

    /// The cases a supervisor must see: a file that stalled for years (its
    /// certificate lapsed; the cell's vote will be refused), a decision
    /// overdue, and one due in a few days.
    async fn supervisor_cases(
        &mut self,
        cx: &mut Ctx<'_>,
        spec: &UnitSpec,
        cells: &[Visible<UnitRow>],
        cell_members: &[Vec<DemoMember>],
    ) -> Result<(), AppError> {
        let (g, today, cal) = (&mut self.g, self.today, self.cal);
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
                g,
                &pid,
                &cells[0],
                Some(self.movements[0]),
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
            self.stalled = Some(cid);
            self.n_candidates += 1;

            let birth = g
                .rng
                .weekday_between(years_before(today, 30), years_before(today, 24));
            let person = g.person(birth, "Kỹ thuật viên xét nghiệm");
            let pid = ops::add_person(cx, &person).await?;
            let cell_vote = working_days_before(cal, today, 70);
            let mut steps = backwards_until(g, "cell_vote", cell_vote);
            steps.push(("cell_vote", cell_vote));
            steps.push(("grassroots_vote", cell_vote + Days::new(12)));
            write_file(cx, g, &pid, &cells[1], None, &steps, &cell_members[1]).await?;
            self.n_candidates += 1;
        }
        if spec.code == "BVSN" {
            let birth = g
                .rng
                .weekday_between(years_before(today, 29), years_before(today, 23));
            let person = g.person(birth, "Hộ sinh");
            let pid = ops::add_person(cx, &person).await?;
            let cell_vote = working_days_before(cal, today, 55);
            let mut steps = backwards_until(g, "cell_vote", cell_vote);
            steps.push(("cell_vote", cell_vote));
            steps.push(("grassroots_vote", cell_vote + Days::new(20)));
            write_file(
                cx,
                g,
                &pid,
                &cells[0],
                Some(self.movements[0]),
                &steps,
                &cell_members[0],
            )
            .await?;
            self.n_candidates += 1;
        }
        Ok(())
    }

    /// Not everyone in the pool becomes a member: files that ended in
    /// withdrawal over the years (the forecast learns conversion from
    /// them), and one who withdrew from the pool lately.
    async fn withdrawals(
        &mut self,
        cx: &mut Ctx<'_>,
        spec: &UnitSpec,
        cells: &[Visible<UnitRow>],
        cell_members: &[Vec<DemoMember>],
    ) -> Result<(), AppError> {
        let (g, today) = (&mut self.g, self.today);
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
            let movement = source(g, &self.movements, spec.staff, &cells[ci]);
            write_file(cx, g, &pid, &cells[ci], movement, &steps, &cell_members[ci]).await?;
            self.n_candidates += 1;
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
            write_file(cx, g, &pid, &cells[0], None, &steps, &cell_members[0]).await?;
            self.n_candidates += 1;
        }
        Ok(())
    }

    /// Grassroots committee members in charge of each cell, and the unit's
    /// secretary (the article names the Rehabilitation Hospital's).
    async fn leaders(
        &mut self,
        cx: &mut Ctx<'_>,
        spec: &UnitSpec,
        unit: Visible<UnitRow>,
        cells: &[Visible<UnitRow>],
        cell_members: &[Vec<DemoMember>],
        secretary_id: Option<Visible<MemberRow>>,
    ) -> Result<(), AppError> {
        let terms = &self.terms;
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
        let secretary = match spec.code {
            "BVPHCN" => secretary_id.unwrap_or_else(|| senior[0].clone()),
            _ => senior[senior.len() - 1].clone(),
        };
        ops::add_leader(cx, &unit, &secretary, "Bí thư Đảng ủy", terms[1].starts_on).await?;
        self.committee.push((unit.clone(), senior[0].clone()));
        self.unit_rows.push(unit);
        Ok(())
    }

    /// The committee's secretary and its members' supervision of the
    /// units; the summary.
    async fn finish(self, cx: &mut Ctx<'_>) -> Result<(DemoSummary, Option<i64>), AppError> {
        let starts_on = self.terms[1].starts_on;
        // Nguyễn Thế Toàn, director of the department, is the committee's secretary.
        if let Some(id) = &self.root_secretary {
            ops::add_leader(cx, &self.root, id, "Bí thư Đảng ủy Sở Y tế", starts_on).await?;
        }
        // The department committee's members each supervise a unit other than their own.
        for (i, unit) in self.unit_rows.iter().enumerate() {
            let (_, who) = &self.committee[(i + 3) % self.committee.len()];
            ops::add_supervisor(
                cx,
                unit,
                who,
                "Đảng ủy viên Đảng bộ Sở phụ trách",
                starts_on,
            )
            .await?;
        }
        Ok((
            DemoSummary {
                loaded: true,
                units: self.n_units,
                members: self.n_members,
                candidates: self.n_candidates,
            },
            self.stalled,
        ))
    }
}
