//! Each kind of record checked as it streams by and turned into the rows
//! of its tables, with the ids the load assigns. A record with a problem
//! is refused (the problem noted) and nothing of it is queued.

use super::csv::{clean, clean_into, iso, iso_into};
use super::load::{Batch, Line, Load};
use super::BulkKind;
use crate::import::parse_day;
use crate::targets::Period;
use crate::AppError;
use ranks_domain::{BirthDate, Gender, IdNumber, MemberStatus, Phone, UnitCode, UnitKind};
use ranks_store::bulk::Rows;

impl Load {
    /// A unit, under a unit there already or earlier in the load.
    pub(super) fn unit(&mut self, l: &Line<'_>, batch: &mut Batch) -> bool {
        let code = match UnitCode::parse(l.g("code")) {
            Ok(c) => c.to_string(),
            Err(e) => return self.refuse(l, "code", e),
        };
        let kind = match UnitKind::parse(l.g("kind")) {
            Ok(k) => k,
            Err(e) => return self.refuse(l, "kind", e),
        };
        let Some(created) = iso(l.g("created_on")).or_else(|| {
            l.g("created_on")
                .is_empty()
                .then(|| "1930-02-03".to_string())
        }) else {
            return self.refuse(
                l,
                "created_on",
                format!("{:?} is not a date", l.g("created_on")),
            );
        };
        if self.units.contains_key(&code) {
            return self.refuse(l, "code", format!("{code} exists already"));
        }
        let parent = l.g("parent");
        let (parent_id, parent_path) = if parent.is_empty() {
            (None, "/".to_string())
        } else {
            match self.units.get(&parent.to_uppercase()) {
                Some((id, path, _)) => (Some(*id), path.clone()),
                None => return self.refuse(l, "parent", format!("unknown unit {parent:?}")),
            }
        };
        let id = self.next.unit;
        self.next.unit += 1;
        let path = format!("{parent_path}{id}/");
        batch.a.push_values(&[
            Some(id.to_string()),
            Some(code.clone()),
            Some(clean(l.g("name"))),
            Some(kind.as_str().to_string()),
            parent_id.map(|p| p.to_string()),
            Some(path.clone()),
            Some(created),
        ]);
        self.units
            .insert(code, (id, path, kind.as_str().to_string()));
        true
    }

    /// A member or a candidate: the person, then the membership or the
    /// candidacy.
    pub(super) fn person(&mut self, kind: BulkKind, l: &Line<'_>, batch: &mut Batch) -> bool {
        let mark = batch.a.mark();
        let Some(unit_id) = self.person_row(kind, l, &mut batch.a) else {
            batch.a.rewind(mark);
            return false;
        };
        let person = self.next.person;
        let queued = if kind == BulkKind::Members {
            self.member(l, person, unit_id, batch)
        } else {
            self.candidate(l, person, unit_id, batch)
        };
        if queued {
            self.next.person += 1;
        } else {
            batch.a.rewind(mark);
        }
        queued
    }

    /// The unit (its id) of a member or a candidate, their `people` row
    /// appended to `rows` (partly, on a refusal: the caller rewinds).
    fn person_row(&mut self, kind: BulkKind, l: &Line<'_>, rows: &mut Rows) -> Option<i64> {
        let unit_col = if kind == BulkKind::Members {
            "unit"
        } else {
            "cell"
        };
        let unit_id = match self.unit_id(l.g(unit_col)) {
            Ok(id) => id,
            Err(unit) => {
                self.refuse(l, unit_col, format!("unknown unit {unit:?}"));
                return None;
            }
        };
        // Trimmed already; in NFC it stays empty exactly when it is.
        if l.g("full_name").is_empty() {
            self.refuse(l, "full_name", "missing");
            return None;
        }
        let Some(birth) = parse_day(l.g("birth_date")) else {
            self.refuse(
                l,
                "birth_date",
                format!("{:?} is not a date (dd/mm/yyyy)", l.g("birth_date")),
            );
            return None;
        };
        let Ok(birth) = BirthDate::new(birth, self.today) else {
            self.refuse(
                l,
                "birth_date",
                format!(
                    "{:?} is not a date of birth from 1900 to today",
                    l.g("birth_date")
                ),
            );
            return None;
        };
        let gender = match Gender::parse(l.g("gender")) {
            Ok(g) => g,
            Err(_) => {
                let other = l.g("gender");
                self.refuse(l, "gender", format!("{other:?} is not Nam or Nữ"));
                return None;
            }
        };
        let id_number: Option<std::borrow::Cow<'_, str>> = match l.g("id_number") {
            "" => None,
            // Already as IdNumber::parse would leave it: no copy.
            n if (n.len() == 9 || n.len() == 12) && n.bytes().all(|b| b.is_ascii_digit()) => {
                Some(n.into())
            }
            n => match IdNumber::parse(n) {
                Ok(id) => Some(String::from(id).into()),
                Err(_) => {
                    self.refuse(l, "id_number", format!("{n:?} is not 9 or 12 digits"));
                    return None;
                }
            },
        };
        if let Some(n) = &id_number {
            if !self.seen_ids.insert(super::fast::id_key(n)) {
                self.refuse(l, "id_number", format!("{n} appears twice"));
                return None;
            }
        }
        let phone = match l.g("phone") {
            "" => None,
            p => match Phone::parse(p) {
                Ok(p) => Some(String::from(p)),
                Err(_) => {
                    self.refuse(
                        l,
                        "phone",
                        format!("{p:?} is not a phone number (10 digits starting with 0, or +84)"),
                    );
                    return None;
                }
            },
        };
        let grade = match l.g("general_grade") {
            "" => 12,
            s => match s.parse::<u8>() {
                Ok(v) if (1..=12).contains(&v) => v,
                _ => {
                    self.refuse(l, "general_grade", format!("{s:?} is not 1 to 12"));
                    return None;
                }
            },
        };
        rows.push_int(self.next.person);
        rows.push_with(|out| clean_into(out, l.g("full_name")));
        rows.push_str(gender.as_str());
        rows.push_with(|out| iso_into(out, birth.date()));
        match l.g("ethnicity") {
            "" => rows.push_str("Kinh"),
            e => rows.push_with(|out| clean_into(out, e)),
        }
        match l.g("education") {
            "" => rows.push_with(|out| {
                use std::fmt::Write;
                let _ = write!(out, "{grade}/12");
            }),
            e => rows.push_with(|out| clean_into(out, e)),
        }
        rows.push_with(|out| clean_into(out, l.g("occupation")));
        rows.push(id_number.as_deref());
        rows.push(phone.as_deref());
        rows.push_int(i64::from(grade));
        rows.push_with(|out| clean_into(out, l.g("area")));
        Some(unit_id)
    }

    /// The id of the unit of this code (as typed: any case), or the code
    /// upper-cased as the refusal names it.
    fn unit_id(&self, code: &str) -> Result<i64, String> {
        let found = if code.bytes().any(|b| b.is_ascii_lowercase()) || !code.is_ascii() {
            let upper = code.to_uppercase();
            match self.units.get(&upper) {
                Some(u) => Ok(u.0),
                None => Err(upper),
            }
        } else {
            self.units
                .get(code)
                .map(|u| u.0)
                .ok_or_else(|| code.to_string())
        };
        found
    }

    /// A member's row, after their person's.
    fn member(&mut self, l: &Line<'_>, person: i64, unit_id: i64, batch: &mut Batch) -> bool {
        let Some(admitted) = parse_day(l.g("admitted_on")) else {
            return self.refuse(
                l,
                "admitted_on",
                format!("{:?} is not a date", l.g("admitted_on")),
            );
        };
        // An empty status loads an official member (the generator's files
        // name every status; the checked importer infers it from official_on).
        let status = match l.g("status") {
            "" => MemberStatus::Official,
            s => match MemberStatus::parse_current(s) {
                Ok(st) => st,
                Err(_) => {
                    return self.refuse(
                        l,
                        "status",
                        format!("{s:?} is not official or probationary"),
                    )
                }
            },
        };
        let official = match l.g("official_on") {
            "" => None,
            s => match parse_day(s) {
                Some(d) => Some(d),
                None => return self.refuse(l, "official_on", format!("{s:?} is not a date")),
            },
        };
        let b = &mut batch.b;
        b.push_int(self.next.member);
        b.push_int(person);
        b.push_int(unit_id);
        b.push_str(status.as_str());
        b.push_with(|out| iso_into(out, admitted));
        match official {
            Some(d) => b.push_with(|out| iso_into(out, d)),
            None => b.push_null(),
        }
        self.next.member += 1;
        true
    }

    /// A candidate's row and their stages, after their person's.
    fn candidate(&mut self, l: &Line<'_>, person: i64, unit_id: i64, batch: &mut Batch) -> bool {
        let stage = match l.g("stage") {
            "" => "pool".to_string(),
            s => s.to_string(),
        };
        if !self.profile.is_open(&stage) || self.profile.stage(&stage).is_none() {
            return self.refuse(
                l,
                "stage",
                format!("{stage:?} is not an open stage of the profile"),
            );
        }
        let Some(history) = self.history(l, &stage) else {
            return false;
        };
        let since = history.last().map(|h| h.1.clone()).unwrap_or_default();
        if history.last().map(|h| h.0.as_str()) != Some(stage.as_str()) {
            return self.refuse(l, "history", "its last stage is not the candidate's stage");
        }
        let movement = match l.g("movement") {
            "" => None,
            m => match self.movements.get(m) {
                Some(id) => Some(id.to_string()),
                None => return self.refuse(l, "movement", format!("unknown movement {m:?}")),
            },
        };
        let cand = self.next.candidate;
        self.next.candidate += 1;
        batch.b.push_values(&[
            Some(cand.to_string()),
            Some(person.to_string()),
            Some(unit_id.to_string()),
            movement,
            None,
            Some(stage),
            Some(since),
            Some(history[0].1.clone()),
        ]);
        for (s, d) in history {
            let c = &mut batch.c;
            c.push_int(self.next.stage);
            c.push_int(cand);
            c.push_str(&s);
            c.push_str(&d);
            c.push_str("import");
            c.push_str(&self.now);
            self.next.stage += 1;
        }
        true
    }

    /// A candidate's stages with their ISO days: the column history
    /// (`stage:date;…`), or else the stage since `since` (today when empty).
    fn history(&mut self, l: &Line<'_>, stage: &str) -> Option<Vec<(String, String)>> {
        if l.g("history").is_empty() {
            let since = iso(l.g("since")).or_else(|| Some(self.today.to_string()))?;
            return Some(vec![(stage.to_string(), since)]);
        }
        let mut h = Vec::new();
        let mut bad = None;
        for item in l.g("history").split(';') {
            match item
                .split_once(':')
                .and_then(|(s, d)| iso(d).map(|d| (s.trim().to_string(), d)))
            {
                Some((s, d)) if self.profile.stage(&s).is_some() => h.push((s, d)),
                _ => bad = Some(item.to_string()),
            }
        }
        if let Some(item) = bad {
            self.refuse(l, "history", format!("{item:?} is not stage:date"));
            return None;
        }
        Some(h)
    }

    /// A target of a unit for a term (created, 1 July to 30 June, when
    /// new) or a year.
    pub(super) async fn target(
        &mut self,
        l: &Line<'_>,
        batch: &mut Batch,
    ) -> Result<bool, AppError> {
        let unit = l.g("unit").to_uppercase();
        let Some((unit_id, _, _)) = self.units.get(&unit) else {
            return Ok(self.refuse(l, "unit", format!("unknown unit {unit:?}")));
        };
        let unit_id = *unit_id;
        let target = match l.g("target").parse::<u32>() {
            Ok(t) => t,
            Err(_) => {
                return Ok(self.refuse(
                    l,
                    "target",
                    format!("{:?} is not a whole number ≥ 0", l.g("target")),
                ))
            }
        };
        match Period::parse(l.g("period")) {
            Ok(Period::Term(t)) => {
                let key = t.to_string();
                let term_id = match self.terms.get(&key) {
                    Some(id) => *id,
                    None => {
                        // Terms follow congress dates: 1 July to 30 June.
                        let id = self.next.term;
                        self.next.term += 1;
                        self.bulk
                            .insert_terms(vec![vec![
                                Some(id.to_string()),
                                Some(key.clone()),
                                Some(format!("{}-07-01", t.first_year)),
                                Some(format!("{}-06-30", t.last_year)),
                            ]])
                            .await?;
                        self.terms.insert(key, id);
                        id
                    }
                };
                batch.a.push_int(unit_id);
                batch.a.push_int(term_id);
                batch.a.push_int(i64::from(target));
            }
            Ok(Period::Year(y)) => {
                batch.b.push_int(unit_id);
                batch.b.push_str(&y.to_string());
                batch.b.push_int(i64::from(target));
            }
            Err(e) => return Ok(self.refuse(l, "period", e)),
        }
        Ok(true)
    }
}
