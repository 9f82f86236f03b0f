//! The forecast computed from scratch, the way it was before the summaries:
//! every stage history of the visible tree read from the database, a row
//! for every unit of the subtree, each with every candidate it counts. The
//! reference [`App::forecast`] is checked against (story tests, both
//! engines); too slow above a grassroots organisation to serve a page.

use crate::forecast::{Counted, ForecastRow, YearForecast};
use crate::tree_order::TreeOrder;
use crate::{Actor, App, AppError};
use chrono::{Datelike, Days};
use ranks_domain::forecast::{forecast, FileHistory, Inflow, Model};
use ranks_domain::procedure::Profile;
use ranks_domain::{Date, DomainError, TermName};
use ranks_store::records::candidates::CandidateView;
use ranks_store::records::{candidates, terms, units};
use std::collections::HashMap;

/// A unit's row of the reference forecast, with every candidate it counts.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferenceRow {
    pub row: ForecastRow,
    pub candidates: Vec<Counted>,
}

/// An open file as it stood on the as-of date.
struct Open<'a> {
    id: i64,
    name: &'a str,
    unit: String,
    stage: String,
    entered: Date,
}

/// Each candidate as it stood on the as-of date: the files open then, and
/// every file's arrival (its unit and first day).
fn as_they_stood<'a>(
    profile: &Profile,
    list: &'a [CandidateView],
    histories: &HashMap<i64, Vec<(String, Date)>>,
    as_of: Date,
) -> (Vec<Open<'a>>, Vec<(String, Date)>) {
    let mut open = Vec::new();
    let mut arrivals: Vec<(String, Date)> = Vec::new();
    for c in list {
        let Some(h) = histories.get(&c.id) else {
            continue;
        };
        let seen: Vec<&(String, Date)> = h.iter().filter(|x| x.1 <= as_of).collect();
        let Some(first) = seen.first() else { continue };
        arrivals.push((c.unit_code.to_string(), first.1));
        let last = seen.last().expect("non-empty");
        if profile.is_open(&last.0) && !profile.is_admitted(&last.0) {
            open.push(Open {
                id: c.id,
                name: &c.full_name,
                unit: c.unit_code.to_string(),
                stage: last.0.clone(),
                entered: last.1,
            });
        }
    }
    (open, arrivals)
}

impl App {
    /// Every unit of the subtree's forecast, computed from the database.
    #[doc(hidden)]
    pub async fn forecast_reference(
        &self,
        actor: &Actor,
        term: &str,
        as_of: Option<Date>,
        org: Option<&str>,
    ) -> Result<Vec<ReferenceRow>, AppError> {
        let today = self.clock().today();
        let as_of = as_of.unwrap_or(today);
        if as_of > today {
            return Err(
                DomainError::invalid("as_of", as_of.to_string(), "a date not after today").into(),
            );
        }
        let name = TermName::parse(term)?;
        let mut conn = self.db().read().await?;
        let root = crate::root_on(&mut conn, actor, org, as_of).await?;
        let t = terms::by_name(&mut conn, &name)
            .await?
            .ok_or(AppError::NotFound {
                what: "term",
                key: name.to_string(),
            })?;
        let horizon = t.term.ends_on;
        // Learn from everything the actor may see, not only the report's subtree.
        let top = crate::default_root(&mut conn, actor).await?;
        let histories = candidates::histories_in_subtree(&mut conn, &top.path).await?;
        let files: Vec<FileHistory> = histories
            .iter()
            .map(|(id, h)| FileHistory {
                id: *id,
                history: h.clone(),
            })
            .collect();
        let model = Model::learn(self.profile(), &files, as_of);

        let tree = units::subtree(&mut conn, &root.path).await?;
        let list = candidates::in_subtree(&mut conn, &root.path).await?;
        let (open, arrivals) = as_they_stood(self.profile(), &list, &histories, as_of);
        let year = as_of.year();
        let year_start = Date::from_ymd_opt(year, 1, 1).expect("valid");
        let year_end = Date::from_ymd_opt(year, 12, 31).expect("valid");
        let term_targets = terms::term_targets(&mut conn, t.id).await?;
        let year_targets = terms::year_targets(&mut conn, year).await?;
        let window = as_of - Days::new(730);

        // One preorder layout: each unit's subtree is a range of positions,
        // its sums two prefix look-ups, its open files the buckets of its range.
        let ord = TreeOrder::new(&tree, root.id);
        let n = ord.len();
        // Admissions so far, rolled up, from the roll-up index.
        let index = self.tree_index().await?;
        let at = index
            .position(root.code.as_str())
            .ok_or(AppError::NotFound {
                what: "unit",
                key: root.code.to_string(),
            })?;
        let rolled = |from: Date, to: Date| -> HashMap<&str, u64> {
            let counts = if from <= to {
                index.rollup_counts(at, from, to)
            } else {
                vec![0; index.b.end[at] as usize - at]
            };
            counts
                .iter()
                .enumerate()
                .map(|(i, n)| (&*index.b.codes[at + i], *n))
                .collect()
        };
        let term_sums = rolled(t.term.starts_on, as_of.min(t.term.ends_on));
        let year_sums = rolled(year_start, as_of);
        let admitted = |m: &HashMap<&str, u64>, u: &units::UnitRow| {
            m.get(u.code.as_str()).copied().unwrap_or(0)
        };
        let mut recent = vec![0u64; n];
        for a in arrivals.iter().filter(|a| a.1 > window) {
            if let Some(p) = ord.pos_of_code(&a.0) {
                recent[p] += 1;
            }
        }
        let recent = ord.prefix(|i| recent[i]);
        let mut open_at: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (k, o) in open.iter().enumerate() {
            if let Some(p) = ord.pos_of_code(&o.unit) {
                open_at[p].push(k);
            }
        }
        let ctx = RowContext {
            model: &model,
            horizon,
            year,
            year_end,
            depth0: root.path.depth(),
        };
        let mut rows = Vec::with_capacity(n);
        for (i, u) in ord.order.iter().enumerate() {
            // The subtree's open files in the order of the candidate list.
            let mut ks: Vec<usize> = open_at[i..ord.end[i]].iter().flatten().copied().collect();
            ks.sort_unstable();
            let mine: Vec<&Open> = ks.iter().map(|k| &open[*k]).collect();
            let inflow = Inflow {
                arrivals: ord.sum(&recent, i),
                days: 730,
            };
            rows.push(ctx.row(
                u,
                &mine,
                inflow,
                (admitted(&term_sums, u), term_targets.get(&u.id).copied()),
                (admitted(&year_sums, u), year_targets.get(&u.id).copied()),
                as_of,
            ));
        }
        Ok(rows)
    }
}

/// What every row of a forecast shares.
struct RowContext<'m> {
    model: &'m Model,
    horizon: Date,
    year: i32,
    year_end: Date,
    depth0: usize,
}

impl RowContext<'_> {
    /// One unit's row from its subtree's open files, inflow, and (admitted,
    /// target) for the term and for the year.
    fn row(
        &self,
        u: &units::UnitRow,
        mine: &[&Open],
        inflow: Inflow,
        term: (u64, Option<u64>),
        year: (u64, Option<u64>),
        as_of: Date,
    ) -> ReferenceRow {
        let files: Vec<(i64, String, Date)> = mine
            .iter()
            .map(|o| (o.id, o.stage.clone(), o.entered))
            .collect();
        let fc = forecast(
            self.model,
            term.0,
            &files,
            inflow,
            self.horizon.max(as_of),
            term.1,
        );
        let yfc = (self.year_end <= self.horizon || self.year_end > as_of).then(|| {
            let y = forecast(self.model, year.0, &files, inflow, self.year_end, year.1);
            YearForecast {
                year: self.year,
                target: y.target,
                admitted: y.admitted,
                expected: y.expected,
                low: y.low,
                high: y.high,
                at_risk: y.at_risk,
            }
        });
        let mut counted: Vec<Counted> = fc
            .candidates
            .iter()
            .zip(mine)
            .filter(|(c, _)| c.chance > 0.0)
            .map(|(c, o)| Counted {
                id: c.id,
                name: o.name.to_string(),
                unit: o.unit.clone(),
                stage: c.stage.clone(),
                chance: c.chance,
            })
            .collect();
        counted.sort_by(|a, b| b.chance.total_cmp(&a.chance).then(a.id.cmp(&b.id)));
        let row = ForecastRow {
            code: u.code.to_string(),
            name: u.name.clone(),
            depth: u.path.depth() - self.depth0,
            target: term.1,
            admitted: fc.admitted,
            expected: fc.expected,
            low: fc.low,
            high: fc.high,
            chance_of_target: fc.chance_of_target,
            at_risk: fc.at_risk,
            from_inflow: fc.from_inflow,
            year: yfc,
            counted: counted.len() as u64,
        };
        ReferenceRow {
            row,
            candidates: counted,
        }
    }
}

/// Units of the subtree, root first, then depth-first with siblings by code.
pub(crate) fn units_in_tree_order<'a>(
    tree: &'a [units::UnitRow],
    root: &units::UnitRow,
) -> Vec<&'a units::UnitRow> {
    TreeOrder::new(tree, root.id).order
}
