//! Checking the shaped rows against the database: the rows to write,
//! and every problem found.

use super::limits::Work;
use super::read::Raw;
use super::shape::{id_number, member_status, parse_day, phone, Fields, RowIn, Shaped};
use super::{ImportKind, RowError};
use crate::targets::{parse_target, Period};
use crate::{visible_unit, Actor, AppError, Scope};
use ranks_domain::procedure::{Dossier, GateKind, Profile, Step};
use ranks_domain::text::fold;
use ranks_domain::{
    BirthDate, Date, Gender, IdNumber, MemberStatus, Phone, TermName, UnitCode, UnitKind,
};
use ranks_store::records::members::{self, NewPerson};
use ranks_store::records::units::{self, UnitRow};
use ranks_store::records::{movements, terms};
use ranks_store::Conn;
use std::collections::HashMap;

/// A new person as a row describes them.
#[derive(Debug, Clone)]
pub(super) struct PersonIn {
    pub(super) person: NewPerson,
    pub(super) id_number: Option<IdNumber>,
    pub(super) phone: Option<Phone>,
}

#[derive(Debug, Clone)]
pub(super) enum Planned {
    Unit {
        row: usize,
        code: UnitCode,
        name: String,
        kind: UnitKind,
        parent: Option<UnitCode>,
        created_on: Date,
    },
    Member {
        row: usize,
        unit: UnitCode,
        person: PersonIn,
        status: MemberStatus,
        admitted_on: Date,
        official_on: Option<Date>,
    },
    Candidate {
        row: usize,
        cell: UnitCode,
        person: PersonIn,
        general_grade: u8,
        area: String,
        movement_id: Option<i64>,
        /// The stages entered, in order, with their days: the last is the
        /// current stage.
        history: Vec<(String, Date)>,
    },
    Target {
        row: usize,
        unit: UnitCode,
        period: Period,
        target: u32,
    },
}

/// What the checks need besides the rows.
pub(super) struct Checker<'a> {
    conn: &'a mut Conn,
    actor: &'a Actor,
    profile: &'a Profile,
    today: Date,
    /// Units looked up so far: `None` for unknown or outside the actor's scope.
    units: HashMap<UnitCode, Option<UnitRow>>,
    work: &'a Work,
    checked: u64,
    /// Probable duplicates of people already registered: imported anyway.
    warnings: Vec<RowError>,
}

impl Checker<'_> {
    /// Counts a row checked and, every 256 rows, lets the runtime's other
    /// tasks run: checking 200,000 rows is seconds of work between awaits
    /// that may never wait, and must not hold a thread other requests need.
    async fn tick(&mut self) {
        self.checked += 1;
        if self.checked.is_multiple_of(256) {
            self.work.done(256);
            tokio::task::yield_now().await;
        }
    }

    async fn unit(&mut self, code: &UnitCode) -> Result<Option<UnitRow>, AppError> {
        if let Some(u) = self.units.get(code) {
            return Ok(u.clone());
        }
        let u = match visible_unit(self.conn, self.actor, code.as_str()).await {
            Ok(u) => Some(u.into_inner()),
            Err(AppError::NotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        self.units.insert(code.clone(), u.clone());
        Ok(u)
    }

    /// A unit that holds members, as a row names it in `column`.
    async fn cell(
        &mut self,
        r: &mut RowIn<'_>,
        column: &'static str,
    ) -> Result<Option<UnitCode>, AppError> {
        let Some(text) = r.required(column) else {
            return Ok(None);
        };
        let Ok(code) = UnitCode::parse(&text) else {
            r.err(column, format!("unknown unit \"{text}\""));
            return Ok(None);
        };
        match self.unit(&code).await? {
            None => {
                r.err(column, format!("unknown unit \"{text}\""));
                Ok(None)
            }
            Some(u) if !u.kind.holds_members() => {
                r.err(
                    column,
                    format!(
                        "{} is a {}; members and candidates belong to a cell",
                        u.code,
                        u.kind.as_str()
                    ),
                );
                Ok(None)
            }
            Some(u) => Ok(Some(u.code)),
        }
    }

    /// The people already registered whom a row probably describes (same
    /// name without marks and case, same birth date; the ID number is
    /// checked above), among those the actor may see. A row without an ID
    /// number naming someone already held by the row's own unit is refused:
    /// importing the same sheet twice must not register everyone twice, and
    /// updating the record from the sheet could overwrite what was corrected
    /// since. A match elsewhere is a warning.
    async fn registered(
        &mut self,
        r: &mut RowIn<'_>,
        name: &str,
        birth: Date,
        id_number: Option<&IdNumber>,
        unit: Option<&UnitCode>,
    ) -> Result<(), AppError> {
        let found = crate::duplicates::find(self.conn, self.actor, name, birth, None).await?;
        for d in found.visible {
            let born = birth.format("%d/%m/%Y");
            let same_unit = unit.is_some_and(|u| d.units.iter().any(|c| c == u.as_str()));
            if same_unit && id_number.is_none() {
                r.err(
                    "full_name",
                    format!(
                        "{name}, born {born}, is already registered in {} (person {}); a row without an ID number is not imported twice: remove the row, or give the ID number",
                        d.units.join(", "),
                        d.person_id
                    ),
                );
            } else {
                self.warnings.push(RowError::at(
                    r.row(),
                    Some("full_name"),
                    format!(
                        "probably the same person as {} (person {}, born {born}, {}): check before importing",
                        d.full_name,
                        d.person_id,
                        d.units.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The person columns shared by members and candidates.
    async fn person(
        &mut self,
        r: &mut RowIn<'_>,
        seen: &mut HashMap<String, usize>,
        unit: Option<&UnitCode>,
    ) -> Result<Option<PersonIn>, AppError> {
        let full_name = r.required("full_name");
        if let Some(n) = &full_name {
            if n.split_whitespace().count() < 2 {
                r.err(
                    "full_name",
                    format!("\"{n}\" needs a family and a given name"),
                );
            }
        }
        let gender_text = r.required("gender");
        let gender = gender_text.as_deref().and_then(|g| match Gender::parse(g) {
            Ok(out) => Some(out),
            Err(_) => {
                r.err("gender", format!("\"{g}\" is not a gender (Nam or Nữ)"));
                None
            }
        });
        let birth_date = r.date("birth_date", true, self.today);
        let id_number = match id_number(r.raw("id_number")) {
            Ok(v) => v,
            Err(e) => {
                r.err("id_number", e);
                None
            }
        };
        let phone = match phone(r.raw("phone")) {
            Ok(v) => v,
            Err(e) => {
                r.err("phone", e);
                None
            }
        };
        let ethnicity = r.text("ethnicity").unwrap_or_default();
        let education = r.text("education").unwrap_or_default();
        let occupation = r.text("occupation").unwrap_or_default();
        // The same limits as a form or the API (ranks_domain::text::limits).
        {
            use ranks_domain::text::{bounded, limits};
            let checks = [
                (
                    "full_name",
                    full_name.clone().unwrap_or_default(),
                    limits::NAME,
                ),
                (
                    "gender",
                    gender_text.clone().unwrap_or_default(),
                    limits::SHORT,
                ),
                ("ethnicity", ethnicity.clone(), limits::SHORT),
                ("education", education.clone(), limits::SHORT),
                ("occupation", occupation.clone(), limits::LINE),
            ];
            for (column, value, max) in checks {
                if let Err(e) = bounded(column, &value, max) {
                    r.err(column, e.to_string());
                }
            }
        }
        let birth_date = birth_date.and_then(|b| match BirthDate::new(b, self.today) {
            Ok(b) => Some(b.date()),
            Err(_) => {
                r.err(
                    "birth_date",
                    format!(
                        "{} is not a date of birth from 1900 to today",
                        b.format("%d/%m/%Y")
                    ),
                );
                None
            }
        });
        if let Some(id) = &id_number {
            if let Some(first) = seen.insert(format!("id:{id}"), r.row()) {
                r.err(
                    "id_number",
                    format!("{id} is already in row {first} of this file"),
                );
            } else if let Some(pid) = members::person_by_id_number(self.conn, id.as_str()).await? {
                // Within the actor's part of the tree the person is named;
                // outside it nothing is said of them but that the number
                // is taken (a national ID number is registered once).
                let msg = match crate::scope::person(self.conn, self.actor, pid).await {
                    Ok(p) => format!("{id} is already registered: {} (person {})", p.full_name, p.id),
                    Err(AppError::NotFound { .. }) => format!(
                        "{id} cannot be registered from here: the number is held by a record outside your part of the tree; the committee above both can move the record"
                    ),
                    Err(e) => return Err(e),
                };
                r.err("id_number", msg);
            }
        } else if let (Some(n), Some(b)) = (&full_name, birth_date) {
            let key = format!("name:{}|{b}", fold(n));
            if let Some(first) = seen.insert(key, r.row()) {
                r.err(
                    "full_name",
                    format!(
                        "{n}, born {}, is already in row {first} of this file",
                        b.format("%d/%m/%Y")
                    ),
                );
            }
        }
        if let (Some(n), Some(b)) = (&full_name, birth_date) {
            self.registered(r, n, b, id_number.as_ref(), unit).await?;
        }
        Ok(match (full_name, gender, birth_date) {
            (Some(full_name), Some(gender), Some(birth_date)) => Some(PersonIn {
                person: NewPerson {
                    full_name,
                    gender: gender.to_string(),
                    birth_date,
                    ethnicity,
                    education,
                    occupation,
                },
                id_number,
                phone,
            }),
            _ => None,
        })
    }
}

/// Checks every row; the rows to write, and every problem found.
pub(super) async fn check(
    conn: &mut Conn,
    actor: &Actor,
    profile: &Profile,
    today: Date,
    shaped: &Shaped,
    work: &Work,
) -> Result<(Vec<Planned>, Vec<RowError>, Vec<RowError>), AppError> {
    let mut cx = Checker {
        conn,
        actor,
        profile,
        today,
        units: HashMap::new(),
        work,
        checked: 0,
        warnings: Vec::new(),
    };
    let mut errors = Vec::new();
    let mut planned = Vec::new();
    match shaped.kind {
        ImportKind::Units => check_units(&mut cx, &shaped.rows, &mut errors, &mut planned).await?,
        ImportKind::Members => {
            check_members(&mut cx, &shaped.rows, &mut errors, &mut planned).await?
        }
        ImportKind::Candidates => {
            check_candidates(&mut cx, &shaped.rows, &mut errors, &mut planned).await?
        }
        ImportKind::Targets => {
            check_targets(&mut cx, &shaped.rows, &mut errors, &mut planned).await?
        }
    }
    Ok((planned, errors, cx.warnings))
}

pub(super) async fn check_units(
    cx: &mut Checker<'_>,
    rows: &[Fields],
    errors: &mut Vec<RowError>,
    planned: &mut Vec<Planned>,
) -> Result<(), AppError> {
    // Where each code is defined in the file, to tell "later in the file" from "unknown".
    let mut defined_at: HashMap<UnitCode, usize> = HashMap::new();
    for f in rows {
        if let Some(Ok(code)) = f.cells.get("code").map(|c| UnitCode::parse(&c.display())) {
            defined_at.entry(code).or_insert(f.row);
        }
    }
    let mut in_file: HashMap<UnitCode, (usize, UnitKind)> = HashMap::new();
    for f in rows {
        cx.tick().await;
        let mut r = RowIn { fields: f, errors };
        let code = match r.required("code") {
            Some(t) => {
                match UnitCode::parse(&t) {
                    Ok(c) => Some(c),
                    Err(_) => {
                        r.err(
                        "code",
                        format!("\"{t}\" is not a unit code (1 to 40 letters, digits, '.', '-' or '_')"),
                    );
                        None
                    }
                }
            }
            None => None,
        };
        let name = r.required("name");
        let kind = r.required("kind").and_then(|k| {
            match UnitKind::parse(&k.to_lowercase().replace([' ', '-'], "_")) {
                Ok(kind) => Some(kind),
                Err(_) => {
                    r.err(
                        "kind",
                        format!("\"{k}\" is not a unit kind (central, provincial, superior, grassroots_committee, grassroots_cell or cell)"),
                    );
                    None
                }
            }
        });
        let parent_text = r.text("parent");
        let mut parent = None;
        let mut parent_ok = true;
        match &parent_text {
            None => {
                if cx.actor.scope != Scope::All {
                    r.err(
                        "parent",
                        "a parent unit is required (only a top-level administrator creates a root unit)",
                    );
                    parent_ok = false;
                }
            }
            Some(p) => match UnitCode::parse(p) {
                Err(_) => {
                    r.err("parent", format!("unknown unit \"{p}\""));
                    parent_ok = false;
                }
                Ok(pc) => {
                    let parent_kind = if let Some((_, k)) = in_file.get(&pc) {
                        Some(*k)
                    } else if let Some(at) = defined_at.get(&pc).filter(|at| **at >= f.row) {
                        r.err(
                            "parent",
                            format!("{pc} is defined in row {at}, after this row; list a unit after its parent"),
                        );
                        None
                    } else if let Some(u) = cx.unit(&pc).await? {
                        Some(u.kind)
                    } else {
                        r.err("parent", format!("unknown unit \"{p}\""));
                        None
                    };
                    match parent_kind {
                        Some(k) if k.holds_members() => {
                            r.err(
                                "parent",
                                format!("{pc} is a {}, which has no units under it", k.as_str()),
                            );
                            parent_ok = false;
                        }
                        Some(_) => parent = Some(pc),
                        None => parent_ok = false,
                    }
                }
            },
        }
        let created_on = r.date("created_on", false, cx.today).unwrap_or(cx.today);
        if let Some(c) = &code {
            if let Some((first, _)) = in_file.get(c) {
                r.err(
                    "code",
                    format!("{c} is already in row {first} of this file"),
                );
            } else if units::by_code(cx.conn, c).await?.is_some() {
                r.err("code", format!("{c} already exists"));
            }
        }
        if let (Some(code), Some(kind)) = (&code, kind) {
            in_file.entry(code.clone()).or_insert((f.row, kind));
        }
        if let (Some(code), Some(name), Some(kind), true) = (code, name, kind, parent_ok) {
            planned.push(Planned::Unit {
                row: f.row,
                code,
                name,
                kind,
                parent,
                created_on,
            });
        }
    }
    Ok(())
}

pub(super) async fn check_members(
    cx: &mut Checker<'_>,
    rows: &[Fields],
    errors: &mut Vec<RowError>,
    planned: &mut Vec<Planned>,
) -> Result<(), AppError> {
    let mut seen = HashMap::new();
    for f in rows {
        cx.tick().await;
        let mut r = RowIn { fields: f, errors };
        let unit = cx.cell(&mut r, "unit").await?;
        let person = cx.person(&mut r, &mut seen, unit.as_ref()).await?;
        let status = r.text("status").and_then(|s| match member_status(&s) {
            Ok(st) => Some(st),
            Err(e) => {
                r.err("status", e);
                None
            }
        });
        let status_given = !r.raw("status").is_empty();
        let admitted_on = r.date("admitted_on", true, cx.today);
        let official_on = r.date("official_on", false, cx.today);
        let status = match (status, status_given) {
            (Some(s), _) => Some(s),
            (None, false) if official_on.is_some() => Some(MemberStatus::Official),
            (None, false) => Some(MemberStatus::Probationary),
            (None, true) => None,
        };
        if let (Some(p), Some(a)) = (&person, admitted_on) {
            if a <= p.person.birth_date {
                r.err("admitted_on", "the admission comes before the birth date");
            }
        }
        let mut dates_ok = true;
        match (status, admitted_on, official_on) {
            (Some(MemberStatus::Official), _, None) if r.raw("official_on").is_empty() => {
                r.err(
                    "official_on",
                    "an official member needs the date of recognition",
                );
                dates_ok = false;
            }
            (Some(MemberStatus::Probationary), _, Some(_)) => {
                r.err(
                    "official_on",
                    "a probationary member has no date of recognition; the status should be official",
                );
                dates_ok = false;
            }
            (_, Some(a), Some(o)) if o < a => {
                r.err("official_on", "the recognition comes before the admission");
                dates_ok = false;
            }
            _ => {}
        }
        if let (Some(unit), Some(person), Some(status), Some(admitted_on), true) =
            (unit, person, status, admitted_on, dates_ok)
        {
            planned.push(Planned::Member {
                row: f.row,
                unit,
                person,
                status,
                admitted_on,
                official_on,
            });
        }
    }
    Ok(())
}

pub(super) async fn check_candidates(
    cx: &mut Checker<'_>,
    rows: &[Fields],
    errors: &mut Vec<RowError>,
    planned: &mut Vec<Planned>,
) -> Result<(), AppError> {
    let mut seen = HashMap::new();
    let movements = movements::all(cx.conn).await?;
    let areas: Vec<String> = cx
        .profile
        .gates
        .iter()
        .filter_map(|g| match &g.kind {
            GateKind::Education { exceptions, .. } => Some(exceptions.keys().cloned()),
            _ => None,
        })
        .flatten()
        .collect();
    let first = cx.profile.first_stage().key.clone();
    let admission = cx
        .profile
        .position(&cx.profile.admission_stage().key)
        .unwrap_or(usize::MAX);
    for f in rows {
        cx.tick().await;
        let before = errors.len();
        let mut r = RowIn { fields: f, errors };
        let cell = cx.cell(&mut r, "cell").await?;
        let person = cx.person(&mut r, &mut seen, cell.as_ref()).await?;
        let general_grade = general_grade(&mut r);
        let area = area(&mut r, &areas);
        let movement_id = match r.text("movement") {
            None => Some(None),
            Some(m) => match movements.iter().find(|x| x.code.eq_ignore_ascii_case(&m)) {
                Some(x) => Some(Some(x.id)),
                None => {
                    r.err("movement", format!("unknown movement \"{m}\""));
                    None
                }
            },
        };
        let history = history(&mut r, cx.profile, &first, admission, cx.today);
        let started = history.as_ref().and_then(|h| h.first()).map(|i| i.1);
        if let (Some(p), Some(s)) = (&person, started) {
            if s <= p.person.birth_date {
                let column = if r.raw("history").is_empty() {
                    "since"
                } else {
                    "history"
                };
                r.err(column, "the date comes before the birth date");
            }
        }
        if let Some((st, on)) = history.as_ref().and_then(|h| h.first()) {
            if *st == first {
                let step = Step {
                    stage: first.clone(),
                    on: *on,
                    vote: None,
                    skip_reason: None,
                };
                if let Err(refusal) = cx.profile.check(&Dossier::default(), &step, cx.today) {
                    r.err("stage", refusal.to_string());
                }
            }
        }
        let failed = r.errors.len() > before;
        if let (
            Some(cell),
            Some(person),
            Some(general_grade),
            Some(area),
            Some(movement_id),
            Some(history),
            false,
        ) = (
            cell,
            person,
            general_grade,
            area,
            movement_id,
            history,
            failed,
        ) {
            planned.push(Planned::Candidate {
                row: f.row,
                cell,
                person,
                general_grade,
                area,
                movement_id,
                history,
            });
        }
    }
    Ok(())
}

/// The school grade a candidate finished (12 when empty).
fn general_grade(r: &mut RowIn<'_>) -> Option<u8> {
    match r.raw("general_grade").clone() {
        Raw::Empty => Some(12),
        raw => {
            let t = raw.display();
            match t.parse::<u8>() {
                Ok(g) if g <= 12 => Some(g),
                _ => {
                    r.err(
                        "general_grade",
                        format!("\"{t}\" is not a school grade (a whole number from 0 to 12)"),
                    );
                    None
                }
            }
        }
    }
}

/// The area of an education exception, by key (any text when the profile has none).
fn area(r: &mut RowIn<'_>, areas: &[String]) -> Option<String> {
    match r.text("area") {
        None => Some(String::new()),
        Some(a) => {
            let key = a.to_lowercase().replace([' ', '-'], "_");
            if areas.is_empty() || areas.contains(&key) {
                Some(if areas.is_empty() { a } else { key })
            } else {
                r.err(
                    "area",
                    format!("\"{a}\" is not an area; one of {}", areas.join(", ")),
                );
                None
            }
        }
    }
}

/// The stages a candidate entered, with their days: from the columns
/// stage and since, or from history (whose last item is the stage and
/// since, which it gives when their columns are empty).
fn history(
    r: &mut RowIn<'_>,
    profile: &Profile,
    first: &str,
    admission: usize,
    today: Date,
) -> Option<Vec<(String, Date)>> {
    let stage_given = !r.raw("stage").is_empty();
    let since_given = !r.raw("since").is_empty();
    let stage = match r.text("stage") {
        None => Some(first.to_string()),
        Some(s) => match open_stage(profile, &s, admission) {
            Ok(key) => Some(key),
            Err(e) => {
                r.err("stage", e);
                None
            }
        },
    };
    let since = if since_given {
        r.date("since", false, today)
    } else {
        Some(today)
    };
    let history = match r.text("history") {
        None => None,
        Some(h) => match parse_history(profile, &h, admission, today) {
            Ok(items) if items.is_empty() => None,
            Ok(items) => Some(items),
            Err(e) => {
                r.err("history", e);
                None
            }
        },
    };
    let (stage, since) = match &history {
        None => (stage, since),
        Some(items) => {
            let (last_stage, last_on) = items.last().expect("not empty").clone();
            let stage = match stage {
                Some(st) if stage_given && st != last_stage => {
                    r.err(
                        "history",
                        format!("the last item is {last_stage}, not the stage {st}"),
                    );
                    None
                }
                Some(_) => Some(last_stage),
                None => None,
            };
            let since = match since {
                Some(on) if since_given && on != last_on => {
                    r.err(
                        "history",
                        format!(
                            "the last item is dated {}, not the day in since ({})",
                            last_on.format("%d/%m/%Y"),
                            on.format("%d/%m/%Y")
                        ),
                    );
                    None
                }
                Some(_) => Some(last_on),
                None => None,
            };
            (stage, since)
        }
    };
    match (&history, &stage, since) {
        (Some(items), _, _) => Some(items.clone()),
        (None, Some(st), Some(on)) => Some(vec![(st.clone(), on)]),
        _ => None,
    }
}

/// A stage before the admission decision, by key or by name: its key.
pub(super) fn open_stage(profile: &Profile, s: &str, admission: usize) -> Result<String, String> {
    let want = s.trim().to_lowercase();
    let found = profile.stages.iter().find(|st| {
        st.key == want
            || [&st.vi, &st.en, &st.de]
                .iter()
                .any(|n| n.to_lowercase() == want)
    });
    match found {
        Some(st) if profile.position(&st.key).is_some_and(|p| p < admission) => Ok(st.key.clone()),
        Some(st) => Err(format!(
            "{} comes at or after the admission decision; import admitted people as members",
            st.key
        )),
        None => Err(format!(
            "\"{s}\" is not a stage of the procedure before the admission decision"
        )),
    }
}

/// A stage history as `stage:date` items separated by `;`: stages before
/// the admission decision, in the procedure's order (a stage may be left
/// out, none repeated), days not decreasing and not after today.
pub(super) fn parse_history(
    profile: &Profile,
    text: &str,
    admission: usize,
    today: Date,
) -> Result<Vec<(String, Date)>, String> {
    let mut items: Vec<(String, Date)> = Vec::new();
    let mut last_pos = None;
    for (i, item) in text
        .split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .enumerate()
    {
        let n = i + 1;
        let Some((stage, day)) = item.split_once(':') else {
            return Err(format!("item {n} \"{item}\" is not stage:date"));
        };
        let key = open_stage(profile, stage, admission).map_err(|e| format!("item {n}: {e}"))?;
        let Some(on) = parse_day(day) else {
            return Err(format!("item {n}: \"{}\" is not a date", day.trim()));
        };
        if on > today {
            return Err(format!(
                "item {n}: {} is after today",
                on.format("%d/%m/%Y")
            ));
        }
        let pos = profile.position(&key).expect("a stage of the profile");
        if let (Some(prev), Some((prev_key, prev_on))) = (last_pos, items.last()) {
            if pos <= prev {
                return Err(format!(
                    "item {n}: {key} does not come after {prev_key} in the procedure; list the stages in their order"
                ));
            }
            if on < *prev_on {
                return Err(format!(
                    "item {n}: {key} on {} is before {prev_key} on {}",
                    on.format("%d/%m/%Y"),
                    prev_on.format("%d/%m/%Y")
                ));
            }
        }
        last_pos = Some(pos);
        items.push((key, on));
    }
    Ok(items)
}

pub(super) async fn check_targets(
    cx: &mut Checker<'_>,
    rows: &[Fields],
    errors: &mut Vec<RowError>,
    planned: &mut Vec<Planned>,
) -> Result<(), AppError> {
    let mut seen: HashMap<(UnitCode, String), usize> = HashMap::new();
    let mut known_terms: HashMap<TermName, bool> = HashMap::new();
    for f in rows {
        cx.tick().await;
        let before = errors.len();
        let mut r = RowIn { fields: f, errors };
        let unit = match r.required("unit") {
            None => None,
            Some(text) => match UnitCode::parse(&text) {
                Ok(code) => match cx.unit(&code).await? {
                    Some(u) => Some(u.code),
                    None => {
                        r.err("unit", format!("unknown unit \"{text}\""));
                        None
                    }
                },
                Err(_) => {
                    r.err("unit", format!("unknown unit \"{text}\""));
                    None
                }
            },
        };
        let period = match r.required("period") {
            None => None,
            Some(text) => match Period::parse(&text) {
                Ok(p) => Some(p),
                Err(_) => {
                    r.err(
                        "period",
                        format!("\"{text}\" is not a period (a term like 2025-2030 or a year like 2026)"),
                    );
                    None
                }
            },
        };
        if let Some(Period::Term(name)) = &period {
            let known = match known_terms.get(name) {
                Some(k) => *k,
                None => {
                    let k = terms::by_name(cx.conn, name).await?.is_some();
                    known_terms.insert(name.clone(), k);
                    k
                }
            };
            if !known && cx.actor.scope != Scope::All {
                r.err(
                    "period",
                    format!("unknown term {name} (a top-level administrator creates it)"),
                );
            }
        }
        let target = match r.required("target") {
            None => None,
            Some(text) => match parse_target(&text) {
                Ok(t) => Some(t),
                Err(_) => {
                    r.err(
                        "target",
                        format!("\"{text}\" is not a whole number of new members, 0 or more"),
                    );
                    None
                }
            },
        };
        if let (Some(u), Some(p)) = (&unit, &period) {
            let key = match p {
                Period::Term(t) => t.to_string(),
                Period::Year(y) => y.to_string(),
            };
            if let Some(first) = seen.insert((u.clone(), key.clone()), f.row) {
                r.err(
                    "period",
                    format!("{u} {key} is already in row {first} of this file"),
                );
            }
        }
        let failed = r.errors.len() > before;
        if let (Some(unit), Some(period), Some(target), false) = (unit, period, target, failed) {
            planned.push(Planned::Target {
                row: f.row,
                unit,
                period,
                target,
            });
        }
    }
    Ok(())
}
