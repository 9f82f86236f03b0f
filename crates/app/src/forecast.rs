//! The forecast use case: for the unit asked and its direct subordinates
//! (a page of them), the admissions expected by the end of the term (and of
//! the calendar year) from its pipeline and its inflow, learned from the
//! whole visible tree's history.
//!
//! Everything comes from memory: the files from the maintained summary
//! ([`App::due_summary`]: each file's stages as (stage index, day) and its
//! unit's preorder position, exact after every committed write), the
//! admissions so far and the term targets from the roll-up index. The
//! model is learned from the compact files of the actor's visible range
//! ([`Model::learn_compact`]); a row's open files are those of its
//! position range. Only the page's year targets and the names of the
//! candidates listed (the unit asked's first [`CANDIDATES_SHOWN`] by
//! chance) are read from the database. [`App::forecast_reference`]
//! computes the same from scratch; the story tests compare the two.

use crate::index::TreeIndex;
use crate::overview::PAGE_MAX;
use crate::summaries::{all_stages, date_of, day_of, DueSummary};
use crate::{Actor, App, AppError};
use chrono::Datelike;
use ranks_domain::forecast::{forecast_of_law, Inflow, Law, Model};
use ranks_domain::procedure::Profile;
use ranks_domain::{Date, DomainError, TermName};
use ranks_store::records::{files, terms};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The most candidates a forecast lists (the unit asked's, by chance).
pub const CANDIDATES_SHOWN: usize = 50;

/// A candidate counted in a unit's forecast, with its chance.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Counted {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub stage: String,
    pub chance: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ForecastRow {
    pub code: String,
    pub name: String,
    /// 0 for the unit asked, 1 for its direct subordinates.
    pub depth: usize,
    pub target: Option<u64>,
    pub admitted: u64,
    pub expected: f64,
    pub low: u64,
    pub high: u64,
    pub chance_of_target: Option<f64>,
    pub at_risk: bool,
    /// Expected admissions from people not yet in the pool.
    pub from_inflow: f64,
    /// The same by the end of the as-of date's calendar year.
    pub year: Option<YearForecast>,
    /// Open files of the subtree with a chance of admission by the horizon.
    pub counted: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct YearForecast {
    pub year: i32,
    pub target: Option<u64>,
    pub admitted: u64,
    pub expected: f64,
    pub low: u64,
    pub high: u64,
    pub at_risk: bool,
}

/// A page of the forecast: the unit asked first, then its direct
/// subordinates by code.
#[derive(Debug, Clone, Serialize)]
pub struct ForecastReport {
    pub term: String,
    pub as_of: Date,
    pub horizon: Date,
    /// Rows in all (the unit asked and its direct subordinates).
    pub total: usize,
    /// Whether rows follow this page (the next cursor: the last row's code).
    pub more: bool,
    pub rows: Vec<ForecastRow>,
    /// The unit asked's counted candidates, most likely first (then by
    /// id): the first
    /// [`CANDIDATES_SHOWN`] of `candidates_total`.
    pub candidates: Vec<Counted>,
    pub candidates_total: u64,
}

/// An open file of the subtree as it stood on the as-of date.
struct OpenFile {
    id: i64,
    pos: u32,
    stage: u8,
    /// Chances of a decision by the term's horizon and by the year's end.
    term: f64,
    year: f64,
}

/// An open file as it stood: (its current stage's day, id, unit position,
/// stage index, day it entered that stage as of the forecast day).
type Stood = (i32, i64, u32, u8, i32);

/// The subtree's files as they stood on `as_of`: the open ones (ordered as
/// the reference orders them: by their current stage's day, then id) and
/// the position of every file that arrived in the inflow window.
fn as_they_stood(
    profile: &Profile,
    sum: &DueSummary,
    at: usize,
    as_of: Date,
) -> (Vec<Stood>, Vec<u32>) {
    let open_stage: Vec<bool> = all_stages(profile)
        .map(|s| profile.is_open(&s.key) && !profile.is_admitted(&s.key))
        .collect();
    let day = day_of(as_of);
    let window = day_of(as_of - chrono::Days::new(730));
    let mut open = Vec::new();
    let mut arrivals = Vec::new();
    for e in sum.files_in(at) {
        let mut seen = e.steps.iter().filter(|s| s.1 <= day);
        let Some(first) = seen.next() else { continue };
        if first.1 > window {
            arrivals.push(e.pos);
        }
        let last = seen.next_back().unwrap_or(first);
        if open_stage.get(last.0 as usize).copied().unwrap_or(false) {
            let since = e.steps.last().map_or(last.1, |s| s.1);
            open.push((since, e.id, e.pos, last.0, last.1));
        }
    }
    open.sort_unstable_by_key(|o| (o.0, o.1));
    (open, arrivals)
}

/// Subtrees with at most this many open files take their law from their
/// files one at a time, in the reference's order (bit for bit as before);
/// bigger ones combine their own files' law with their direct
/// subordinates' laws ([`Law::and`]), which costs far less for a country.
pub(crate) const DIRECT: usize = 4096;

/// A subtree's open files' laws by the term's horizon and by the year's end.
struct Laws {
    term: Law,
    year: Law,
    /// Files with a chance of admission by the horizon.
    counted: u64,
}

/// What a forecast of the unit at `at` computes once per summary (a write
/// makes a new summary, so it is computed again, exactly): the subtree's
/// open files with their chances, their arrivals, the unit's counted
/// candidates, and the subtrees' laws as rows ask for them.
pub(crate) struct Prepared {
    at: usize,
    open: Vec<OpenFile>,
    /// Indices into `open` bucketed by position: `by_pos[off[q - at]..off[q - at + 1]]`
    /// are the open files of the unit at `q`, in the reference's order.
    by_pos: Vec<u32>,
    off: Vec<u32>,
    /// Arrivals in the inflow window at positions before `at + k`.
    arrivals_before: Vec<u32>,
    /// The unit's first [`CANDIDATES_SHOWN`] counted files (indices into
    /// `open`), most likely first, then by id; how many it counts in all.
    counted: Vec<u32>,
    counted_total: u64,
    direct: usize,
    laws: Mutex<HashMap<usize, Arc<Laws>>>,
}

impl Prepared {
    fn new(
        ix: &TreeIndex,
        at: usize,
        open: Vec<OpenFile>,
        arrivals: &[u32],
        direct: usize,
    ) -> Prepared {
        let n = ix.end(at) - at;
        let mut off = vec![0u32; n + 1];
        for o in &open {
            off[o.pos as usize - at + 1] += 1;
        }
        let mut arrivals_before = vec![0u32; n + 1];
        for q in arrivals {
            arrivals_before[*q as usize - at + 1] += 1;
        }
        for k in 0..n {
            off[k + 1] += off[k];
            arrivals_before[k + 1] += arrivals_before[k];
        }
        let mut fill = off.clone();
        let mut by_pos = vec![0u32; open.len()];
        for (i, o) in open.iter().enumerate() {
            let f = &mut fill[o.pos as usize - at];
            by_pos[*f as usize] = i as u32;
            *f += 1;
        }
        let mut counted: Vec<u32> = (0..open.len() as u32)
            .filter(|i| open[*i as usize].term > 0.0)
            .collect();
        // Only the first ones are shown: selected, then sorted.
        let order = |a: &u32, b: &u32| {
            let (a, b) = (&open[*a as usize], &open[*b as usize]);
            b.term.total_cmp(&a.term).then(a.id.cmp(&b.id))
        };
        let counted_total = counted.len() as u64;
        if counted.len() > CANDIDATES_SHOWN {
            counted.select_nth_unstable_by(CANDIDATES_SHOWN, order);
            counted.truncate(CANDIDATES_SHOWN);
        }
        counted.sort_by(order);
        Prepared {
            at,
            open,
            by_pos,
            off,
            arrivals_before,
            counted,
            counted_total,
            direct,
            laws: Mutex::new(HashMap::new()),
        }
    }

    /// The laws of the subtree at `p` (inside the range at `at`).
    fn laws(&self, ix: &TreeIndex, p: usize) -> Arc<Laws> {
        let mut memo = self.laws.lock().unwrap_or_else(|e| e.into_inner());
        self.laws_in(ix, p, &mut memo)
    }

    fn laws_in(&self, ix: &TreeIndex, p: usize, memo: &mut HashMap<usize, Arc<Laws>>) -> Arc<Laws> {
        if let Some(l) = memo.get(&p) {
            return l.clone();
        }
        let (lo, hi) = (p - self.at, ix.end(p) - self.at);
        let (from, to) = (self.off[lo] as usize, self.off[hi] as usize);
        let of = |idx: &[u32]| {
            let files = idx.iter().map(|i| &self.open[*i as usize]);
            let term: Vec<f64> = files.clone().map(|o| o.term).collect();
            let year: Vec<f64> = files.map(|o| o.year).collect();
            Laws {
                term: Law::of(&term),
                year: Law::of(&year),
                counted: term.iter().filter(|c| **c > 0.0).count() as u64,
            }
        };
        let laws = if to - from <= self.direct {
            // The subtree's files in the reference's order.
            let mut idx = self.by_pos[from..to].to_vec();
            idx.sort_unstable();
            of(&idx)
        } else {
            let mut laws = of(&self.by_pos[from..self.off[lo + 1] as usize]);
            for c in ix.children(p) {
                let l = self.laws_in(ix, c, memo);
                laws.term = laws.term.and(&l.term);
                laws.year = laws.year.and(&l.year);
                laws.counted += l.counted;
            }
            laws
        };
        let laws = Arc::new(laws);
        memo.insert(p, laws.clone());
        laws
    }
}

/// What the rows of a page share.
struct Shared<'a> {
    ix: &'a TreeIndex,
    model: &'a Model,
    prepared: &'a Prepared,
    term: &'a terms::TermRow,
    as_of: Date,
    horizon: Date,
    /// The year's end, when its forecast is made.
    year_end: Option<Date>,
    depth0: u8,
}

impl Shared<'_> {
    /// The row of the unit at `p` (its whole subtree's files).
    fn row(&self, p: usize, year_target: Option<u64>) -> ForecastRow {
        let ix = self.ix;
        let pr = self.prepared;
        let laws = pr.laws(ix, p);
        let inflow = Inflow {
            arrivals: u64::from(
                pr.arrivals_before[ix.end(p) - pr.at] - pr.arrivals_before[p - pr.at],
            ),
            days: 730,
        };
        let (t0, t1) = (
            self.term.term.starts_on,
            self.as_of.min(self.term.term.ends_on),
        );
        let admitted = if t0 <= t1 {
            ix.admitted_total(p, t0, t1)
        } else {
            0
        };
        let target = ix.target_of(self.term.id, p).map(u64::from);
        let fc = forecast_of_law(
            self.model,
            admitted,
            &laws.term,
            inflow,
            self.horizon,
            target,
        );
        let year = self.year_end.map(|year_end| {
            let y0 = Date::from_ymd_opt(self.as_of.year(), 1, 1).expect("valid");
            let admitted = ix.admitted_total(p, y0, self.as_of);
            let y = forecast_of_law(
                self.model,
                admitted,
                &laws.year,
                inflow,
                year_end,
                year_target,
            );
            YearForecast {
                year: self.as_of.year(),
                target: y.target,
                admitted: y.admitted,
                expected: y.expected,
                low: y.low,
                high: y.high,
                at_risk: y.at_risk,
            }
        });
        ForecastRow {
            code: ix.code(p).to_string(),
            name: ix.name(p).to_string(),
            depth: usize::from(ix.b.depth[p] - self.depth0),
            target,
            admitted: fc.admitted,
            expected: fc.expected,
            low: fc.low,
            high: fc.high,
            chance_of_target: fc.chance_of_target,
            at_risk: fc.at_risk,
            from_inflow: fc.from_inflow,
            year,
            counted: laws.counted,
        }
    }
}

/// The unit at `at` then its direct subordinates by code.
pub(crate) fn row_order(ix: &TreeIndex, at: usize) -> Vec<usize> {
    let mut kids = ix.children(at);
    kids.sort_by(|a, b| ix.code(*a).cmp(ix.code(*b)));
    std::iter::once(at).chain(kids).collect()
}

impl App {
    /// The first page of the forecast (the unit asked and up to 199 of its
    /// direct subordinates).
    pub async fn forecast(
        &self,
        actor: &Actor,
        term: &str,
        as_of: Option<Date>,
        org: Option<&str>,
    ) -> Result<ForecastReport, AppError> {
        self.forecast_page(actor, term, as_of, org, None, PAGE_MAX)
            .await
    }

    /// A page of the forecast of `org` (default: the actor's unit): rows
    /// after `cursor` (the code of the previous page's last row), at most
    /// `limit` (1 to 200), each row its whole subtree's.
    pub async fn forecast_page(
        &self,
        actor: &Actor,
        term: &str,
        as_of: Option<Date>,
        org: Option<&str>,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<ForecastReport, AppError> {
        let today = self.clock().today();
        let as_of = as_of.unwrap_or(today);
        if as_of > today {
            return Err(
                DomainError::invalid("as_of", as_of.to_string(), "a date not after today").into(),
            );
        }
        let name = TermName::parse(term)?;
        let (root, top, t) = {
            let mut conn = self.db().read().await?;
            let root = crate::root_on(&mut conn, actor, org, as_of).await?;
            let t = terms::by_name(&mut conn, &name)
                .await?
                .ok_or(AppError::NotFound {
                    what: "term",
                    key: name.to_string(),
                })?;
            // Learn from everything the actor may see, not only the report's subtree.
            let top = crate::default_root(&mut conn, actor).await?;
            (root.into_inner(), top.into_inner(), t)
        };
        let (ix, sum) = self.due_summary().await?;
        let pos = |code: &str| {
            ix.position(code).ok_or(AppError::NotFound {
                what: "unit",
                key: code.to_string(),
            })
        };
        let (at, top_at) = (pos(root.code.as_str())?, pos(top.code.as_str())?);
        let order = row_order(&ix, at);
        let from = crate::overview::page_from(&ix, &order, cursor)?;
        let limit = limit.clamp(1, PAGE_MAX);
        let page: Vec<usize> = order.iter().skip(from).take(limit).copied().collect();
        let model = self.forecast_model(&sum, top_at, as_of);
        let horizon = t.term.ends_on.max(as_of);
        let year_end = Date::from_ymd_opt(as_of.year(), 12, 31).expect("valid");
        let year_end = (year_end <= t.term.ends_on || year_end > as_of).then_some(year_end);
        let prepared =
            self.forecast_prepared(&ix, &sum, &model, (top_at, at), as_of, (horizon, year_end));
        let keys: Vec<&str> = all_stages(self.profile()).map(|s| s.key.as_str()).collect();
        let mut conn = self.db().read().await?;
        let ids: Vec<i64> = page.iter().map(|p| ix.b.ids[*p]).collect();
        let year_targets = terms::year_targets_of(&mut conn, as_of.year(), &ids).await?;
        let shared = Shared {
            ix: &ix,
            model: &model,
            prepared: &prepared,
            term: &t,
            as_of,
            horizon,
            year_end,
            depth0: ix.b.depth[at],
        };
        let rows: Vec<ForecastRow> = page
            .iter()
            .map(|p| shared.row(*p, year_targets.get(&ix.b.ids[*p]).copied()))
            .collect();
        // The unit asked's candidates, most likely first, then by id.
        let shown: Vec<&OpenFile> = prepared
            .counted
            .iter()
            .take(CANDIDATES_SHOWN)
            .map(|i| &prepared.open[*i as usize])
            .collect();
        let shown_ids: Vec<i64> = shown.iter().map(|o| o.id).collect();
        let names = files::names_of(&mut (&mut *conn).into(), &shown_ids).await?;
        let candidates = shown
            .iter()
            .map(|o| Counted {
                id: o.id,
                name: names.get(&o.id).map(|n| n.0.clone()).unwrap_or_default(),
                unit: ix.code(o.pos as usize).to_string(),
                stage: keys[o.stage as usize].to_string(),
                chance: o.term,
            })
            .collect();
        Ok(ForecastReport {
            term: name.to_string(),
            as_of,
            horizon: t.term.ends_on,
            total: order.len(),
            more: from + limit < order.len(),
            rows,
            candidates,
            candidates_total: prepared.counted_total,
        })
    }

    /// The open files of the subtree at `at` with their chances by the
    /// horizons, as they stood on `as_of`, and the laws of its subtrees;
    /// kept for the summary, so that a second request computes nothing.
    fn forecast_prepared(
        &self,
        ix: &TreeIndex,
        sum: &Arc<DueSummary>,
        model: &Model,
        (top, at): (usize, usize),
        as_of: Date,
        (horizon, year_end): (Date, Option<Date>),
    ) -> Arc<Prepared> {
        let cell = &self.index_cell().summaries;
        let key = (top, at, as_of, horizon, year_end);
        if let Some(p) = cell.forecasts.get(sum, &key) {
            return p;
        }
        let profile = self.profile();
        let keys: Vec<&str> = all_stages(profile).map(|s| s.key.as_str()).collect();
        let (open, arrivals) = as_they_stood(profile, sum, at, as_of);
        // A chance depends on the stage and the day it was entered only:
        // computed once per pair (a country's files share a few thousand).
        let mut chances: HashMap<(u8, i32), (f64, f64)> = HashMap::new();
        let open: Vec<OpenFile> = open
            .into_iter()
            .map(|(_, id, pos, stage, entered)| {
                let (term, year) = *chances.entry((stage, entered)).or_insert_with(|| {
                    let (key, entered) = (keys[stage as usize], date_of(entered));
                    (
                        model.chance(key, entered, horizon),
                        year_end.map_or(0.0, |y| model.chance(key, entered, y)),
                    )
                });
                OpenFile {
                    id,
                    pos,
                    stage,
                    term,
                    year,
                }
            })
            .collect();
        let prepared = Arc::new(Prepared::new(ix, at, open, &arrivals, cell.direct()));
        cell.forecasts.keep(sum, key, prepared.clone());
        prepared
    }

    /// Forecast models learned so far (each is kept while the files it was
    /// learned from stay as they are).
    pub fn forecast_models_learned(&self) -> u64 {
        self.index_cell()
            .summaries
            .learned
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The model learned from the files of the range at `top` as they
    /// stood on `as_of`; remembered for the version of the files it was learned from.
    fn forecast_model(&self, sum: &Arc<DueSummary>, top: usize, as_of: Date) -> Arc<Model> {
        let cell = &self.index_cell().summaries;
        let key = (sum.version as usize, top, as_of);
        if let Some(m) = cell.model_for(key) {
            return m;
        }
        cell.learned
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let model = Arc::new(Model::learn_compact(
            self.profile(),
            sum.files_in(top).map(|e| &*e.steps),
            as_of,
        ));
        cell.keep_model(key, model.clone());
        model
    }
}
