//! Forecast: how many admissions a unit will reach by a horizon (the end of
//! its term or year), from its current pipeline and its usual inflow.
//!
//! Learned from the files' histories as they stood on the forecast day:
//! - for each stage, the share of files that went on to the admission
//!   decision (files decided either way, plus files stuck for over two
//!   years, which count as lost) and the days they took, pooled over the
//!   tree (a unit with little history borrows the tree's figures);
//! - for each open file at stage `s`, entered `e` days ago, the chance of a
//!   decision by the horizon, `p·(F(h) − F(e)) / (1 − p·F(e))`: the longer a
//!   file has waited, the less likely it is to move;
//! - new entrants to the pool arrive at the unit's rate over the last two
//!   years, and each is admitted in time with the pool's chance.
//!
//! The total is the admissions so far, plus a sum of independent chances
//! (a Poisson-binomial law, computed exactly), plus a Poisson count for
//! newcomers; the 80 % interval runs from its 10th to its 90th percentile.

use crate::procedure::{Effect, Profile};
use crate::Date;
use std::collections::HashMap;

/// A candidate's file: the stages entered, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHistory {
    pub id: i64,
    pub history: Vec<(String, Date)>,
}

#[derive(Debug, Clone, Default)]
struct StageStats {
    won: f64,
    lost: f64,
    /// Days from entering the stage to the decision, sorted.
    days: Vec<i64>,
}

/// What the forecast learned from history.
#[derive(Debug, Clone)]
pub struct Model {
    as_of: Date,
    decision: String,
    stages: HashMap<String, StageStats>,
    first_stage: String,
}

/// Files open longer than this at a stage count as lost when learning.
const STALE_DAYS: i64 = 730;

/// Days since 1970-01-01 (the summaries' day numbers).
pub fn day_number(d: Date) -> i32 {
    (d - Date::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

impl Model {
    /// Learns from the files as they stood on `as_of` (later entries are ignored).
    pub fn learn(profile: &Profile, files: &[FileHistory], as_of: Date) -> Model {
        let decision = profile.admission_stage().key.clone();
        let mut stages: HashMap<String, StageStats> = HashMap::new();
        for f in files {
            let seen: Vec<&(String, Date)> = f.history.iter().filter(|h| h.1 <= as_of).collect();
            let decided = seen.iter().find(|h| h.0 == decision).map(|h| h.1);
            let exited = seen.iter().any(|h| {
                profile
                    .stage(&h.0)
                    .is_some_and(|s| s.is_exit && s.effect == Some(Effect::Withdraw))
            });
            for (stage, entered) in seen.iter().map(|h| (&h.0, h.1)) {
                if profile.position(stage) >= profile.position(&decision) {
                    continue;
                }
                let st = stages.entry(stage.clone()).or_default();
                match decided {
                    Some(d) => {
                        st.won += 1.0;
                        st.days.push((d - entered).num_days());
                    }
                    None if exited || (as_of - entered).num_days() > STALE_DAYS => st.lost += 1.0,
                    None => {}
                }
            }
        }
        for st in stages.values_mut() {
            st.days.sort_unstable();
        }
        Model {
            as_of,
            decision,
            stages,
            first_stage: profile.first_stage().key.clone(),
        }
    }

    /// [`Model::learn`] from compact files: each step is (the stage's index
    /// among the profile's stages then its exits, days since 1970-01-01),
    /// oldest first, as the maintained summaries hold them. The same model
    /// as `learn` over the same histories (a step of an index the profile
    /// does not have is ignored).
    pub fn learn_compact<'a>(
        profile: &Profile,
        files: impl IntoIterator<Item = &'a [(u8, i32)]>,
        as_of: Date,
    ) -> Model {
        let decision = profile.admission_stage().key.clone();
        let all: Vec<&crate::procedure::StageDef> =
            profile.stages.iter().chain(&profile.exits).collect();
        let in_sequence = profile.stages.len();
        let decision_at = profile.position(&decision).unwrap_or(usize::MAX);
        let withdraws: Vec<bool> = all
            .iter()
            .map(|s| s.is_exit && s.effect == Some(Effect::Withdraw))
            .collect();
        let today = day_number(as_of);
        let mut stats: Vec<Option<StageStats>> = vec![None; all.len()];
        for steps in files {
            let seen = || {
                steps
                    .iter()
                    .filter(|s| s.1 <= today && (s.0 as usize) < all.len())
            };
            let decided = seen().find(|s| s.0 as usize == decision_at).map(|s| s.1);
            let exited = seen().any(|s| withdraws[s.0 as usize]);
            for &(stage, entered) in seen() {
                let at = stage as usize;
                if at < in_sequence && at >= decision_at {
                    continue;
                }
                let st = stats[at].get_or_insert_with(StageStats::default);
                match decided {
                    Some(d) => {
                        st.won += 1.0;
                        st.days.push(i64::from(d - entered));
                    }
                    None if exited || i64::from(today - entered) > STALE_DAYS => st.lost += 1.0,
                    None => {}
                }
            }
        }
        let mut stages = HashMap::new();
        for (at, st) in stats.into_iter().enumerate() {
            if let Some(mut st) = st {
                st.days.sort_unstable();
                stages.insert(all[at].key.clone(), st);
            }
        }
        Model {
            as_of,
            decision,
            stages,
            first_stage: profile.first_stage().key.clone(),
        }
    }

    /// The share of files at `stage` that reached the decision (a weak prior of 1/2 when there is no history).
    pub fn conversion(&self, stage: &str) -> f64 {
        match self.stages.get(stage) {
            Some(s) => (s.won + 1.0) / (s.won + s.lost + 2.0),
            None => 0.5,
        }
    }

    /// The share of decided files that took at most `days` from `stage`.
    fn cdf(&self, stage: &str, days: i64) -> f64 {
        let Some(s) = self.stages.get(stage).filter(|s| !s.days.is_empty()) else {
            // No history: spread evenly over two years.
            return (days as f64 / 730.0).clamp(0.0, 1.0);
        };
        let n = s.days.partition_point(|d| *d <= days);
        n as f64 / s.days.len() as f64
    }

    /// Chance that a file entered at `stage` on `entered` is decided by `horizon`.
    pub fn chance(&self, stage: &str, entered: Date, horizon: Date) -> f64 {
        if stage == self.decision || horizon <= self.as_of {
            return 0.0;
        }
        let p = self.conversion(stage);
        let waited = (self.as_of - entered).num_days().max(0);
        let total = (horizon - entered).num_days();
        let (f_e, f_h) = (self.cdf(stage, waited), self.cdf(stage, total));
        let denom = 1.0 - p * f_e;
        if denom <= 1e-9 {
            return 0.0;
        }
        (p * (f_h - f_e) / denom).clamp(0.0, 1.0)
    }

    /// Expected admissions by `horizon` from pool entries arriving at `per_day` from tomorrow.
    pub fn inflow_mean(&self, per_day: f64, horizon: Date) -> f64 {
        let days = (horizon - self.as_of).num_days();
        if days <= 0 || per_day <= 0.0 {
            return 0.0;
        }
        let p = self.conversion(&self.first_stage);
        // Sum over weekly slices of arrivals.
        let mut mean = 0.0;
        let mut u = 0;
        while u < days {
            let width = 7.min(days - u);
            let left = days - u - width / 2;
            mean += per_day * width as f64 * p * self.cdf(&self.first_stage, left);
            u += width;
        }
        mean
    }
}

/// One candidate counted in a forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    pub id: i64,
    pub stage: String,
    pub chance: f64,
}

/// A unit's forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub admitted: u64,
    pub target: Option<u64>,
    pub expected: f64,
    pub low: u64,
    pub high: u64,
    /// Chance of reaching the target (None without one).
    pub chance_of_target: Option<f64>,
    pub at_risk: bool,
    pub from_inflow: f64,
    pub candidates: Vec<Contribution>,
}

/// The law of the number of successes of independent trials.
#[cfg(test)]
fn poisson_binomial(ps: &[f64]) -> Vec<f64> {
    let (offset, window) = poisson_binomial_window(ps);
    let mut dist = vec![0.0; offset];
    dist.extend(window);
    dist.resize(ps.len() + 1, 0.0);
    dist
}

/// Below this, a tail entry of a long law is dropped (the mass lost over
/// 250,000 trials stays under 1e-12, the tolerance of [`quantile`]).
const NEGLIGIBLE: f64 = 1e-18;

/// Laws shorter than this are computed in full, bit for bit as before.
const TRIM_FROM: usize = 256;

/// The Poisson-binomial law as `(offset, window)`: `window[k]` is the
/// chance of `offset + k` successes; outside the window the chance is
/// below [`NEGLIGIBLE`] per entry. Trials of chance 0 change nothing and
/// are skipped; the window keeps the cost at O(trials × spread) instead of
/// O(trials²) for a country's files.
#[cfg(test)]
fn poisson_binomial_window(ps: &[f64]) -> (usize, Vec<f64>) {
    let law = Law::of(ps);
    (law.offset, law.window)
}

/// The law of the number of successes of independent trials (a
/// Poisson-binomial law), kept as a window: `window[k]` is the chance of
/// `offset + k` successes, every chance outside it below [`NEGLIGIBLE`].
/// Laws of disjoint sets of trials combine ([`Law::and`]): a unit's law is
/// its own files' law combined with its subordinates' laws.
#[derive(Debug, Clone, PartialEq)]
pub struct Law {
    pub offset: usize,
    pub window: Vec<f64>,
    /// The sum of the chances (the expected number of successes).
    pub mean: f64,
}

impl Default for Law {
    fn default() -> Law {
        Law::none()
    }
}

impl Law {
    /// No trial: 0 successes for certain.
    pub fn none() -> Law {
        Law {
            offset: 0,
            window: vec![1.0],
            mean: 0.0,
        }
    }

    /// The law of trials of chances `ps`, one trial after another (in
    /// their order): each entry k becomes `q[k]·(1−p) + q[k−1]·p`. Trials of
    /// chance 0 are skipped; once the law is longer than [`TRIM_FROM`],
    /// tails under [`NEGLIGIBLE`] per entry are dropped (O(trials × spread)).
    pub fn of(ps: &[f64]) -> Law {
        let mut offset = 0usize;
        let mut dist: Vec<f64> = Vec::with_capacity(64);
        dist.push(1.0);
        let mut next: Vec<f64> = Vec::with_capacity(64);
        for &p in ps {
            if p == 0.0 {
                continue;
            }
            // A second buffer filled front to back: the same two products
            // added in the same order as in place (bit for bit), in a loop
            // the compiler vectorises.
            let keep = 1.0 - p;
            next.clear();
            next.push(dist[0] * keep);
            next.extend(
                dist[1..]
                    .iter()
                    .zip(&dist[..dist.len() - 1])
                    .map(|(q, below)| q * keep + below * p),
            );
            next.push(dist[dist.len() - 1] * p);
            std::mem::swap(&mut dist, &mut next);
            if dist.len() > TRIM_FROM {
                offset += trim(&mut dist);
            }
        }
        Law {
            offset,
            window: dist,
            mean: ps.iter().sum(),
        }
    }

    /// The law of both sets of trials together (the convolution of the
    /// two), its tails under [`NEGLIGIBLE`] dropped as in [`Law::of`].
    pub fn and(&self, other: &Law) -> Law {
        let (a, b) = if self.window.len() <= other.window.len() {
            (&self.window, &other.window)
        } else {
            (&other.window, &self.window)
        };
        let mut out = vec![0.0; a.len() + b.len() - 1];
        for (i, x) in a.iter().enumerate() {
            if *x == 0.0 {
                continue;
            }
            for (o, y) in out[i..i + b.len()].iter_mut().zip(b) {
                *o += x * y;
            }
        }
        let mut offset = self.offset + other.offset;
        if out.len() > TRIM_FROM {
            offset += trim(&mut out);
        }
        Law {
            offset,
            window: out,
            mean: self.mean + other.mean,
        }
    }
}

/// Drops the leading and trailing entries under [`NEGLIGIBLE`] (unless
/// every entry is); returns how many leading ones went.
fn trim(dist: &mut Vec<f64>) -> usize {
    let lead = dist.iter().take_while(|x| **x < NEGLIGIBLE).count();
    let keep = dist.len() - dist.iter().rev().take_while(|x| **x < NEGLIGIBLE).count();
    if lead < keep {
        dist.truncate(keep);
        dist.drain(..lead);
        lead
    } else {
        0
    }
}

/// Newcomers' admissions when the inflow rate itself is only estimated from
/// `seen` arrivals: a negative binomial with the given mean (a Poisson whose
/// rate is uncertain), wider than a Poisson when little was seen.
fn uncertain_poisson(mean: f64, seen: u64) -> Vec<f64> {
    if mean <= 0.0 {
        return vec![1.0];
    }
    let r = seen as f64 + 1.0;
    let q = r / (r + mean);
    let mut out = Vec::new();
    let mut term = q.powf(r);
    let mut cum = 0.0;
    let mut k = 0.0;
    while cum < 1.0 - 1e-9 && out.len() < 2000 {
        out.push(term);
        cum += term;
        term *= (k + r) / (k + 1.0) * (1.0 - q);
        k += 1.0;
    }
    out
}

fn convolve(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

fn quantile(dist: &[f64], q: f64) -> u64 {
    let mut cum = 0.0;
    for (k, p) in dist.iter().enumerate() {
        cum += p;
        if cum >= q - 1e-12 {
            return k as u64;
        }
    }
    dist.len().saturating_sub(1) as u64
}

/// The pool entries a unit saw over a past window, giving its inflow rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inflow {
    pub arrivals: u64,
    pub days: i64,
}

impl Inflow {
    pub fn per_day(self) -> f64 {
        if self.days <= 0 {
            0.0
        } else {
            self.arrivals as f64 / self.days as f64
        }
    }
}

/// Forecasts a unit: `admitted` so far in the period, its open files (id,
/// current stage, day it was entered), its recent pool inflow, the target.
pub fn forecast(
    model: &Model,
    admitted: u64,
    open: &[(i64, String, Date)],
    inflow: Inflow,
    horizon: Date,
    target: Option<u64>,
) -> Forecast {
    let candidates: Vec<Contribution> = open
        .iter()
        .map(|(id, stage, entered)| Contribution {
            id: *id,
            stage: stage.clone(),
            chance: model.chance(stage, *entered, horizon),
        })
        .collect();
    let ps: Vec<f64> = candidates.iter().map(|c| c.chance).collect();
    Forecast {
        candidates,
        ..forecast_of_chances(model, admitted, &ps, inflow, horizon, target)
    }
}

/// [`forecast`] from the open files' chances by `horizon` (each
/// `model.chance(stage, entered, horizon)`, in the same order), without
/// the list of contributions: the same figures, bit for bit.
pub fn forecast_of_chances(
    model: &Model,
    admitted: u64,
    ps: &[f64],
    inflow: Inflow,
    horizon: Date,
    target: Option<u64>,
) -> Forecast {
    forecast_of_law(model, admitted, &Law::of(ps), inflow, horizon, target)
}

/// [`forecast_of_chances`] from the law of the open files' decisions by
/// `horizon` ([`Law::of`] their chances, or the laws of parts of them
/// combined with [`Law::and`]).
pub fn forecast_of_law(
    model: &Model,
    admitted: u64,
    law: &Law,
    inflow: Inflow,
    horizon: Date,
    target: Option<u64>,
) -> Forecast {
    let from_inflow = model.inflow_mean(inflow.per_day(), horizon);
    let dist = convolve(
        &law.window,
        &uncertain_poisson(from_inflow, inflow.arrivals),
    );
    let base = admitted + law.offset as u64;
    let expected = admitted as f64 + law.mean + from_inflow;
    let chance_of_target = target.map(|t| {
        let need = t.saturating_sub(base) as usize;
        dist.iter().skip(need).sum::<f64>().clamp(0.0, 1.0)
    });
    Forecast {
        admitted,
        target,
        expected,
        low: base + quantile(&dist, 0.10),
        high: base + quantile(&dist, 0.90),
        at_risk: chance_of_target.is_some_and(|c| c < 0.5),
        chance_of_target,
        from_inflow,
        candidates: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn distributions_are_laws() {
        let pb = poisson_binomial(&[0.5, 0.5]);
        assert_eq!(pb, vec![0.25, 0.5, 0.25]);
        let nb = uncertain_poisson(2.0, 3);
        assert!((nb.iter().sum::<f64>() - 1.0).abs() < 1e-6);
        let mean: f64 = nb.iter().enumerate().map(|(k, p)| k as f64 * p).sum();
        assert!((mean - 2.0).abs() < 1e-3, "{mean}");
        // Wider than a Poisson of the same mean (variance mean + mean²/r).
        let var: f64 = nb
            .iter()
            .enumerate()
            .map(|(k, p)| (k as f64 - 2.0).powi(2) * p)
            .sum();
        assert!((var - (2.0 + 4.0 / 4.0)).abs() < 1e-2, "{var}");
        assert_eq!(quantile(&pb, 0.1), 0);
        assert_eq!(quantile(&pb, 0.9), 2);
    }

    /// The windowed law of many trials (trimmed tails, skipped zeros) equals
    /// the full quadratic computation: every chance within 1e-12 and the
    /// same 10th and 90th percentiles.
    #[test]
    fn the_windowed_law_equals_the_full_one() {
        fn full(ps: &[f64]) -> Vec<f64> {
            let mut dist = vec![1.0];
            for &p in ps {
                let mut next = vec![0.0; dist.len() + 1];
                for (k, q) in dist.iter().enumerate() {
                    next[k] += q * (1.0 - p);
                    next[k + 1] += q * p;
                }
                dist = next;
            }
            dist
        }
        let mut rng = Rng(7);
        let ps: Vec<f64> = (0..3000)
            .map(|i| match i % 7 {
                0 => 0.0,
                1 => 1.0,
                _ => rng.next() * 0.6,
            })
            .collect();
        let want = full(&ps);
        let (offset, window) = poisson_binomial_window(&ps);
        assert!(offset > 400, "the lower tail is trimmed: {offset}");
        assert!(window.len() < 1000, "{}", window.len());
        let got = poisson_binomial(&ps);
        assert_eq!(got.len(), want.len());
        for (k, (a, b)) in got.iter().zip(&want).enumerate() {
            assert!((a - b).abs() < 1e-12, "{k}: {a} vs {b}");
        }
        for q in [0.1, 0.5, 0.9] {
            assert_eq!(quantile(&got, q), quantile(&want, q));
            assert_eq!(offset as u64 + quantile(&window, q), quantile(&want, q));
        }
        // Short laws are computed in full, bit for bit.
        assert_eq!(poisson_binomial(&ps[..200]), full(&ps[..200]));
    }

    /// The law as first computed, in place from the top: [`Law::of`] must
    /// give the same, bit for bit.
    fn in_place(ps: &[f64]) -> (usize, Vec<f64>) {
        let mut offset = 0usize;
        let mut dist = vec![1.0];
        for &p in ps {
            if p == 0.0 {
                continue;
            }
            let keep = 1.0 - p;
            let last = *dist.last().unwrap();
            dist.push(last * p);
            for k in (1..dist.len() - 1).rev() {
                dist[k] = dist[k] * keep + dist[k - 1] * p;
            }
            dist[0] *= keep;
            if dist.len() > TRIM_FROM {
                offset += trim(&mut dist);
            }
        }
        (offset, dist)
    }

    fn chances(seed: u64, n: usize) -> Vec<f64> {
        let mut rng = Rng(seed);
        (0..n)
            .map(|i| match i % 7 {
                0 => 0.0,
                1 => 1.0,
                2 => rng.next() * 0.02,
                _ => rng.next() * 0.6,
            })
            .collect()
    }

    /// Laws of parts combined ([`Law::and`], as a unit's law is made of its
    /// subordinates') equal the law of all the trials at once: every chance
    /// within 1e-12, the same percentiles and the same chance of reaching
    /// any count within 1e-12; the one-at-a-time law is bit for bit the
    /// in-place computation it replaced.
    #[test]
    fn combined_laws_equal_the_law_of_all_trials() {
        for (seed, n) in [(3, 40), (5, 700), (9, 5000)] {
            let ps = chances(seed, n);
            let whole = Law::of(&ps);
            let (offset, window) = in_place(&ps);
            assert_eq!((whole.offset, &whole.window), (offset, &window));
            assert_eq!(whole.mean.to_bits(), ps.iter().sum::<f64>().to_bits());
            // Parts of uneven sizes, combined as a tree would combine them.
            let mut rng = Rng(seed + 1);
            let mut parts: Vec<Law> = Vec::new();
            let mut at = 0;
            while at < ps.len() {
                let len = 1 + (rng.next() * 300.0) as usize;
                parts.push(Law::of(&ps[at..(at + len).min(ps.len())]));
                at += len;
            }
            while parts.len() > 1 {
                let k = (rng.next() * (parts.len() - 1) as f64) as usize;
                let b = parts.remove(k + 1);
                parts[k] = parts[k].and(&b);
            }
            let combined = parts.pop().unwrap().and(&Law::none());
            assert!((combined.mean - whole.mean).abs() < 1e-9);
            let full = |l: &Law| {
                let mut d = vec![0.0; l.offset];
                d.extend(&l.window);
                d.resize(ps.len() + 1, 0.0);
                d
            };
            let (a, b) = (full(&combined), full(&whole));
            let (mut ta, mut tb) = (0.0, 0.0);
            for k in (0..a.len()).rev() {
                assert!((a[k] - b[k]).abs() < 1e-12, "{n}: {k}: {} {}", a[k], b[k]);
                ta += a[k];
                tb += b[k];
                assert!((ta - tb).abs() < 1e-12, "{n}: at least {k}: {ta} {tb}");
            }
            for q in [0.1, 0.5, 0.9] {
                assert_eq!(quantile(&a, q), quantile(&b, q), "{n} {q}");
            }
        }
    }

    /// Time of a country's law, one trial at a time and as parts combined
    /// (`cargo test --release -p ranks-domain law_timing -- --ignored
    /// --nocapture`).
    #[test]
    #[ignore]
    fn law_timing() {
        let ps = chances(11, 200_000);
        let t = std::time::Instant::now();
        let whole = Law::of(&ps);
        let one = t.elapsed();
        let t = std::time::Instant::now();
        let mut law = Law::none();
        for part in ps.chunks(4_000) {
            law = law.and(&Law::of(part));
        }
        let parts = t.elapsed();
        let t = std::time::Instant::now();
        let _ = in_place(&ps);
        let before = t.elapsed();
        println!(
            "200,000 trials: in place {before:?}, one at a time {one:?} ({} wide), 50 parts combined {parts:?}",
            whole.window.len()
        );
    }

    /// A tiny deterministic generator for the backtest.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 11) as f64) / ((1u64 << 53) as f64)
        }
        fn exp(&mut self, mean: f64) -> i64 {
            (-(1.0 - self.next()).ln() * mean).round() as i64
        }
    }

    /// Generated history: units with their own inflow and conversion,
    /// candidates moving stage by stage with random delays and losses.
    fn generate(
        profile: &Profile,
        seed: u64,
        units: usize,
        from: Date,
        to: Date,
    ) -> Vec<(usize, FileHistory)> {
        let mut rng = Rng(seed);
        let open: Vec<String> = profile
            .stages
            .iter()
            .take_while(|s| s.effect != Some(Effect::Admit))
            .map(|s| s.key.clone())
            .collect();
        let mut files = Vec::new();
        let mut id = 0;
        for u in 0..units {
            let rate = 0.004 + 0.012 * rng.next(); // 1.5 to 6 a year
            let keep = 0.90 + 0.08 * rng.next(); // per-stage survival
            let pace = 15.0 + 30.0 * rng.next(); // mean days per stage
            let mut day = from;
            loop {
                day = day + Days::new(rng.exp(1.0 / rate).max(1) as u64);
                if day > to {
                    break;
                }
                id += 1;
                let mut h = vec![(open[0].clone(), day)];
                let mut at = day;
                let mut admitted = true;
                for s in &open[1..] {
                    if rng.next() > keep {
                        admitted = false;
                        if rng.next() < 0.5 {
                            at = at + Days::new(rng.exp(pace).max(1) as u64);
                            h.push(("withdrawn".into(), at));
                        }
                        break;
                    }
                    at = at + Days::new(rng.exp(pace).max(1) as u64);
                    h.push((s.clone(), at));
                }
                if admitted {
                    at = at + Days::new(rng.exp(pace).max(1) as u64);
                    h.push(("decision".into(), at));
                }
                files.push((u, FileHistory { id, history: h }));
            }
        }
        files
    }

    /// Forecasts made at mid-term against what happened by the term's end:
    /// the share of outcomes inside the 80 % interval.
    pub fn backtest(seed: u64) -> (usize, usize, f64) {
        let profile = Profile::default_cpv();
        let units = 40;
        let files = generate(&profile, seed, units, d("2008-01-01"), d("2026-06-30"));
        let terms = [("2015-07-01", "2020-06-30"), ("2020-07-01", "2025-06-30")];
        let (mut inside, mut total, mut abs_err) = (0, 0, 0.0);
        for (start, end) in terms {
            let (start, end) = (d(start), d(end));
            let mid = start + Days::new(((end - start).num_days() / 2) as u64);
            let all: Vec<FileHistory> = files.iter().map(|f| f.1.clone()).collect();
            let model = Model::learn(&profile, &all, mid);
            for u in 0..units {
                let mine: Vec<&FileHistory> =
                    files.iter().filter(|f| f.0 == u).map(|f| &f.1).collect();
                let decided =
                    |f: &FileHistory| f.history.iter().find(|h| h.0 == "decision").map(|h| h.1);
                let admitted = mine
                    .iter()
                    .filter(|f| decided(f).is_some_and(|x| x >= start && x <= mid))
                    .count() as u64;
                let open: Vec<(i64, String, Date)> = mine
                    .iter()
                    .filter_map(|f| {
                        let seen: Vec<_> = f.history.iter().filter(|h| h.1 <= mid).collect();
                        let last = seen.last()?;
                        (profile.is_open(&last.0) && last.0 != "decision")
                            .then(|| (f.id, last.0.clone(), last.1))
                    })
                    .collect();
                let two_years = mid - Days::new(730);
                let arrivals = mine
                    .iter()
                    .filter(|f| f.history[0].1 > two_years && f.history[0].1 <= mid)
                    .count();
                let inflow = Inflow {
                    arrivals: arrivals as u64,
                    days: 730,
                };
                let fc = forecast(&model, admitted, &open, inflow, end, None);
                let outcome = mine
                    .iter()
                    .filter(|f| decided(f).is_some_and(|x| x >= start && x <= end))
                    .count() as u64;
                total += 1;
                abs_err += (fc.expected - outcome as f64).abs();
                if fc.low <= outcome && outcome <= fc.high {
                    inside += 1;
                }
            }
        }
        (inside, total, abs_err / total as f64)
    }

    #[test]
    fn the_80_percent_interval_is_calibrated_on_generated_history() {
        let mut inside = 0;
        let mut total = 0;
        for seed in [1, 2, 3] {
            let (i, t, mae) = backtest(seed);
            println!("backtest seed {seed}: {i} of {t} unit-terms inside the 80 % interval ({:.1} %), mean absolute error {mae:.2}", 100.0 * i as f64 / t as f64);
            inside += i;
            total += t;
            assert!(mae < 4.0, "mean absolute error {mae}");
        }
        let share = inside as f64 / total as f64;
        // An 80 % interval of integers covers at least 80 %; too wide is a failure too.
        assert!(
            (0.75..=0.92).contains(&share),
            "coverage {share} over {total} unit-terms"
        );
    }

    /// The model learned from compact steps is the model learned from the
    /// histories: every stage's counts and days, on several days.
    #[test]
    fn the_compact_model_equals_the_model_of_histories() {
        let profile = Profile::default_cpv();
        let files: Vec<FileHistory> = generate(&profile, 11, 30, d("2012-01-01"), d("2025-06-30"))
            .into_iter()
            .map(|f| f.1)
            .collect();
        let all: Vec<&str> = profile
            .stages
            .iter()
            .chain(&profile.exits)
            .map(|s| s.key.as_str())
            .collect();
        let compact: Vec<Vec<(u8, i32)>> = files
            .iter()
            .map(|f| {
                f.history
                    .iter()
                    .map(|(k, on)| {
                        let at = all
                            .iter()
                            .position(|x| x == k)
                            .expect("a stage of the profile");
                        (at as u8, day_number(*on))
                    })
                    .collect()
            })
            .collect();
        for as_of in ["2014-03-01", "2019-12-31", "2025-07-01"] {
            let want = Model::learn(&profile, &files, d(as_of));
            let got =
                Model::learn_compact(&profile, compact.iter().map(|c| c.as_slice()), d(as_of));
            assert_eq!(want.stages.len(), got.stages.len(), "{as_of}");
            for (k, w) in &want.stages {
                let g = &got.stages[k];
                assert_eq!(
                    (w.won, w.lost, &w.days),
                    (g.won, g.lost, &g.days),
                    "{as_of} {k}"
                );
            }
            assert_eq!(want.first_stage, got.first_stage);
            assert_eq!(want.decision, got.decision);
        }
    }

    #[test]
    fn a_file_that_waited_long_is_less_likely() {
        let profile = Profile::default_cpv();
        let files = generate(&profile, 7, 20, d("2015-01-01"), d("2024-12-31"));
        let all: Vec<FileHistory> = files.into_iter().map(|f| f.1).collect();
        let model = Model::learn(&profile, &all, d("2025-01-01"));
        let fresh = model.chance("cell_vote", d("2024-12-20"), d("2025-12-31"));
        let stale = model.chance("cell_vote", d("2023-01-01"), d("2025-12-31"));
        assert!(fresh > 0.5 && stale < fresh, "fresh {fresh}, stale {stale}");
        assert!(
            model.chance("pool", d("2024-12-20"), d("2025-01-15"))
                < model.chance("pool", d("2024-12-20"), d("2026-12-31"))
        );
        assert_eq!(
            model.chance("cell_vote", d("2024-12-20"), d("2024-12-31")),
            0.0,
            "horizon already past"
        );
        // At risk: little in the pipeline and a high target.
        let none = Inflow {
            arrivals: 0,
            days: 730,
        };
        let fc = forecast(
            &model,
            1,
            &[(1, "pool".into(), d("2024-12-01"))],
            none,
            d("2025-06-30"),
            Some(10),
        );
        assert!(fc.at_risk && fc.chance_of_target.unwrap() < 0.01);
        assert!(fc.low >= 1 && fc.high <= 2);
        let fc = forecast(
            &model,
            9,
            &[(1, "grassroots_vote".into(), d("2024-12-20"))],
            none,
            d("2025-12-31"),
            Some(10),
        );
        assert!(!fc.at_risk, "{fc:?}");
    }
}
