//! Pipeline analytics: where candidates stall, how long each stage takes
//! (in working days), which stages are bottlenecks, how mentors fare, and
//! which emulation movements feed admissions.

use crate::index::TreeIndex;
use crate::summaries::{
    all_stages, date_of, day_of, stage_index, DueSummary, FileEntry, UNKNOWN_STAGE,
};
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::calendar::WorkCalendar;
use ranks_domain::procedure::{Effect, Profile};
use ranks_domain::Date;
use ranks_store::records::candidates;
use ranks_store::records::units::UnitRow;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageStats {
    pub stage: String,
    /// Files that entered the stage.
    pub entered: u64,
    /// Of those, the files that went on to the next stage.
    pub advanced: u64,
    /// Files that left the pipeline from this stage (withdrawn, not recognised).
    pub lost: u64,
    /// advanced / (advanced + lost); None before any file is settled.
    pub conversion: Option<f64>,
    /// Working days spent in the stage by files that advanced.
    pub median_days: Option<i64>,
    pub p90_days: Option<i64>,
    /// Files at this stage today, and the longest wait among them.
    pub waiting: u64,
    pub longest_wait_days: Option<i64>,
    /// waiting × median: the queue delay this stage causes; ranks bottlenecks.
    pub bottleneck_score: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MentorStats {
    pub member_id: i64,
    pub name: String,
    /// Candidates mentored whose file is still open before admission.
    pub current: u64,
    pub total: u64,
    pub admitted: u64,
    pub lost: u64,
    pub conversion: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MovementFunnel {
    pub movement: String,
    pub pool: u64,
    pub course: u64,
    pub admitted: u64,
    pub official: u64,
    /// Admissions per unit directly under the organisation.
    pub admitted_by_unit: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Analytics {
    pub stages: Vec<StageStats>,
    /// Stage keys, worst bottleneck first.
    pub bottlenecks: Vec<String>,
    pub mentors: Vec<MentorStats>,
    pub movements: Vec<MovementFunnel>,
}

#[cfg(test)]
fn percentile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let idx = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    Some(sorted[idx])
}

/// Stage statistics over files' histories, on `today`.
pub fn stage_stats(
    profile: &Profile,
    files: &[&Vec<(String, Date)>],
    cal: &WorkCalendar,
    today: Date,
) -> Vec<StageStats> {
    let compact: Vec<Vec<(u8, i32)>> = files
        .iter()
        .map(|h| {
            h.iter()
                .map(|(k, d)| (stage_index(profile, k), day_of(*d)))
                .collect()
        })
        .collect();
    stage_stats_of(profile, compact.iter().map(|h| h.as_slice()), cal, today)
}

/// The same over files as the summaries hold them: stages as profile
/// positions, days since 1970, in one pass per file.
pub(crate) fn stage_stats_of<'a>(
    profile: &Profile,
    files: impl Iterator<Item = &'a [(u8, i32)]>,
    cal: &WorkCalendar,
    today: Date,
) -> Vec<StageStats> {
    let admit = profile
        .position(&profile.admission_stage().key)
        .unwrap_or(usize::MAX)
        .min(profile.stages.len().saturating_sub(1));
    let exit: Vec<bool> = all_stages(profile).map(|s| s.is_exit).collect();
    let mut acc = vec![Acc::default(); admit];
    let mut seen = vec![false; admit];
    let now = day_of(today);
    let mut upto = UpTo {
        cal,
        today: now,
        memo: Vec::new(),
    };
    for h in files {
        seen.iter_mut().for_each(|x| *x = false);
        for (pos, (stage, day)) in h.iter().enumerate() {
            let i = *stage as usize;
            if i >= admit || seen[i] {
                continue;
            }
            seen[i] = true;
            let a = &mut acc[i];
            a.entered += 1;
            match h.get(pos + 1) {
                Some((k, d)) if *k as usize == i + 1 => {
                    a.advanced += 1;
                    a.days.push(upto.between(*day, *d));
                }
                Some((k, _)) if exit.get(*k as usize).copied().unwrap_or(false) => a.lost += 1,
                Some(_) => {}
                None => {
                    a.waiting += 1;
                    let w = upto.between(*day, now);
                    a.longest = Some(a.longest.map_or(w, |l: i64| l.max(w)));
                }
            }
        }
    }
    profile
        .stages
        .iter()
        .zip(acc)
        .map(|(stage, mut a)| {
            let (median, p90) = percentiles(&mut a.days);
            StageStats {
                stage: stage.key.clone(),
                entered: a.entered,
                advanced: a.advanced,
                lost: a.lost,
                conversion: (a.advanced + a.lost > 0)
                    .then(|| a.advanced as f64 / (a.advanced + a.lost) as f64),
                median_days: median,
                p90_days: p90,
                waiting: a.waiting,
                longest_wait_days: a.longest,
                bottleneck_score: a.waiting as f64 * median.unwrap_or(0) as f64,
            }
        })
        .collect()
}

/// [`percentile`] 0.5 and 0.9 of `days`, by selection instead of a sort
/// (the same elements: the ones a sort would put at those places).
fn percentiles(days: &mut [i64]) -> (Option<i64>, Option<i64>) {
    if days.is_empty() {
        return (None, None);
    }
    let at = |q: f64| ((days.len() as f64 - 1.0) * q).round() as usize;
    let (m, n) = (at(0.5), at(0.9));
    let (_, median, above) = days.select_nth_unstable(m);
    let median = *median;
    let p90 = if n == m {
        median
    } else {
        *above.select_nth_unstable(n - m - 1).1
    };
    (Some(median), Some(p90))
}

/// Working days between days of the files, from each day's count up to
/// today (computed once per day): `between(a, b)` is
/// `working_days_between(a, b)`, the working days in `(a, b]` being those
/// in `(a, today]` less those in `(b, today]`.
struct UpTo<'a> {
    cal: &'a WorkCalendar,
    today: i32,
    /// `memo[k]`: working days in `(today − k, today]`, once computed.
    memo: Vec<Option<i64>>,
}

impl UpTo<'_> {
    fn until_today(&mut self, day: i32) -> Option<i64> {
        let k = usize::try_from(self.today - day).ok()?;
        if k >= self.memo.len() {
            self.memo.resize(k + 1, None);
        }
        let cal = self.cal;
        let today = self.today;
        Some(
            *self.memo[k]
                .get_or_insert_with(|| cal.working_days_between(date_of(day), date_of(today))),
        )
    }

    fn between(&mut self, from: i32, to: i32) -> i64 {
        match (self.until_today(from), self.until_today(to)) {
            (Some(a), Some(b)) => a - b,
            _ => self.cal.working_days_between(date_of(from), date_of(to)),
        }
    }
}

/// One stage's counts while files are read.
#[derive(Debug, Clone, Default)]
struct Acc {
    entered: u64,
    advanced: u64,
    lost: u64,
    waiting: u64,
    days: Vec<i64>,
    longest: Option<i64>,
}

/// Stage keys with files waiting, worst bottleneck first.
fn rank_bottlenecks(stages: &[StageStats]) -> Vec<String> {
    let mut ranked: Vec<&StageStats> = stages.iter().filter(|s| s.waiting > 0).collect();
    ranked.sort_by(|a, b| {
        b.bottleneck_score
            .total_cmp(&a.bottleneck_score)
            .then(b.waiting.cmp(&a.waiting))
    });
    ranked.iter().map(|s| s.stage.clone()).collect()
}

/// Mentors' figures from their links (candidate, member, name) and each
/// candidate's outcome: admitted, lost, or neither (current).
fn mentor_stats(
    links: Vec<(i64, i64, String)>,
    admitted: impl Fn(i64) -> bool,
    lost: impl Fn(i64) -> bool,
) -> Vec<MentorStats> {
    let mut mentors: BTreeMap<i64, MentorStats> = BTreeMap::new();
    for (cand, member, name) in links {
        let m = mentors.entry(member).or_insert_with(|| MentorStats {
            member_id: member,
            name,
            current: 0,
            total: 0,
            admitted: 0,
            lost: 0,
            conversion: None,
        });
        m.total += 1;
        if admitted(cand) {
            m.admitted += 1;
        } else if lost(cand) {
            m.lost += 1;
        } else {
            m.current += 1;
        }
    }
    let mut mentors: Vec<MentorStats> = mentors
        .into_values()
        .map(|mut m| {
            m.conversion =
                (m.admitted + m.lost > 0).then(|| m.admitted as f64 / (m.admitted + m.lost) as f64);
            m
        })
        .collect();
    mentors.sort_by(|a, b| {
        b.current
            .cmp(&a.current)
            .then(b.total.cmp(&a.total))
            .then(a.member_id.cmp(&b.member_id))
    });
    mentors
}

/// One file's part in the movements' funnels.
struct Fed<'a> {
    movement: &'a str,
    top_unit: &'a str,
    course: bool,
    admitted: bool,
    official: bool,
}

fn funnels<'a>(files: impl Iterator<Item = Fed<'a>>) -> Vec<MovementFunnel> {
    let mut funnels: BTreeMap<String, MovementFunnel> = BTreeMap::new();
    for c in files {
        let f = funnels
            .entry(c.movement.to_string())
            .or_insert_with(|| MovementFunnel {
                movement: c.movement.to_string(),
                pool: 0,
                course: 0,
                admitted: 0,
                official: 0,
                admitted_by_unit: BTreeMap::new(),
            });
        f.pool += 1;
        f.course += u64::from(c.course);
        if c.admitted {
            f.admitted += 1;
            *f.admitted_by_unit
                .entry(c.top_unit.to_string())
                .or_default() += 1;
        }
        f.official += u64::from(c.official);
    }
    funnels.into_values().collect()
}

/// Units in a subtree above which the mentors' links are read from the
/// mentors outwards (as the refusal log does).
const WIDE_SUBTREE: usize = 20_000;

/// Today's analytics of a subtree but the mentors': what the summary alone
/// gives, kept per summary and subtree.
pub(crate) struct SubtreeStats {
    stages: Vec<StageStats>,
    bottlenecks: Vec<String>,
    movements: Vec<MovementFunnel>,
}

/// One pass over the files of the subtree at `start`.
fn subtree_stats(
    profile: &Profile,
    tree: &TreeIndex,
    sum: &DueSummary,
    start: usize,
    cal: &WorkCalendar,
) -> SubtreeStats {
    let stages = stage_stats_of(
        profile,
        sum.files_in(start).map(|f| &*f.steps),
        cal,
        sum.today,
    );
    let bottlenecks = rank_bottlenecks(&stages);
    let admit = stage_index(profile, &profile.admission_stage().key);
    let recognised = stage_index(profile, &profile.recognition_stage().key);
    let course = stage_index(profile, "course");
    let reached = |f: &FileEntry, k: u8| k != UNKNOWN_STAGE && f.steps.iter().any(|x| x.0 == k);
    // Each position's unit directly under the root (the root's own for itself).
    let b = &tree.b;
    let end = b.end[start] as usize;
    let mut top = vec![start; end - start];
    for p in start + 1..end {
        top[p - start] = if b.parent[p] as usize == start {
            p
        } else {
            top[b.parent[p] as usize - start]
        };
    }
    let movements = funnels(sum.files_in(start).filter_map(|f| {
        let mv = sum.movements.get(f.movement? as usize)?;
        Some(Fed {
            movement: mv,
            top_unit: &b.codes[top[f.pos as usize - start]],
            course: reached(f, course),
            admitted: reached(f, admit),
            official: reached(f, recognised),
        })
    }));
    SubtreeStats {
        stages,
        bottlenecks,
        movements,
    }
}

impl App {
    /// Today's analytics, from the maintained summaries.
    pub async fn analytics(&self, actor: &Actor, org: Option<&str>) -> Result<Analytics, AppError> {
        self.analytics_as_of(actor, org, None).await
    }

    /// The analytics as they stood on `as_of`: steps recorded later are
    /// ignored. Today's (`as_of` None) come from the maintained summaries;
    /// a past day's are computed from the files.
    pub async fn analytics_as_of(
        &self,
        actor: &Actor,
        org: Option<&str>,
        as_of: Option<Date>,
    ) -> Result<Analytics, AppError> {
        let today = as_of.unwrap_or(self.clock().today());
        if today > self.clock().today() {
            return Err(ranks_domain::DomainError::invalid(
                "as_of",
                today.to_string(),
                "a date not after today",
            )
            .into());
        }
        let root = {
            let mut conn = self.db().read().await?;
            match org {
                Some(c) => visible_unit(&mut conn, actor, c).await?,
                None => crate::default_root(&mut conn, actor).await?,
            }
        };
        match as_of {
            None => self.analytics_from_summaries(&root).await,
            Some(_) => self.analytics_from_files(&root, today).await,
        }
    }

    /// One pass over the subtree's range of the maintained summaries, kept
    /// for the summary (a second request reads it); the mentors' links
    /// are the one query.
    async fn analytics_from_summaries(&self, root: &UnitRow) -> Result<Analytics, AppError> {
        let (tree, sum) = self.due_summary().await?;
        let profile = self.profile().clone();
        let start = tree
            .position(root.code.as_str())
            .ok_or(AppError::NotFound {
                what: "unit",
                key: root.code.to_string(),
            })?;
        let kept = &self.index_cell().summaries.analytics;
        let stats = match kept.get(&sum, &start) {
            Some(s) => s,
            None => {
                let cal = self.calendar().await?;
                let s = Arc::new(subtree_stats(&profile, &tree, &sum, start, &cal));
                kept.keep(&sum, start, s.clone());
                s
            }
        };
        let admit = stage_index(&profile, &profile.admission_stage().key);
        let withdraw: Vec<bool> = all_stages(&profile)
            .map(|s| s.is_exit && s.effect == Some(Effect::Withdraw))
            .collect();
        let reached = |f: &FileEntry, k: u8| k != UNKNOWN_STAGE && f.steps.iter().any(|x| x.0 == k);
        let lost = |f: &FileEntry| {
            f.steps
                .last()
                .is_some_and(|x| withdraw.get(x.0 as usize).copied().unwrap_or(false))
        };
        // A subtree of most of the tree reads the links from the mentors outwards.
        let wide = tree.end(start) - start > WIDE_SUBTREE;
        let links = {
            let mut conn = self.db().read().await?;
            candidates::mentor_links_in_subtree(&mut conn, &root.path, wide).await?
        };
        let mentors = mentor_stats(
            links,
            |c| sum.file(c).is_some_and(|f| reached(f, admit)),
            |c| sum.file(c).is_some_and(&lost),
        );
        Ok(Analytics {
            stages: stats.stages.clone(),
            bottlenecks: stats.bottlenecks.clone(),
            mentors,
            movements: stats.movements.clone(),
        })
    }

    /// From the files as they stood on `today`, read from the database.
    async fn analytics_from_files(
        &self,
        root: &UnitRow,
        today: Date,
    ) -> Result<Analytics, AppError> {
        let cal = self.calendar().await?;
        let profile = self.profile().clone();
        let mut conn = self.db().read().await?;
        let mut histories = candidates::histories_in_subtree(&mut conn, &root.path).await?;
        for h in histories.values_mut() {
            h.retain(|x| x.1 <= today);
        }
        histories.retain(|_, h| !h.is_empty());
        let list: Vec<_> = candidates::in_subtree(&mut conn, &root.path)
            .await?
            .into_iter()
            .filter(|c| histories.contains_key(&c.id))
            .collect();
        let files: Vec<&Vec<(String, Date)>> = histories.values().collect();
        let stages = stage_stats(&profile, &files, &cal, today);
        let bottlenecks = rank_bottlenecks(&stages);
        let admit = profile.admission_stage().key.clone();
        let recognised = profile.recognition_stage().key.clone();
        let reached = |id: i64, key: &str| {
            histories
                .get(&id)
                .is_some_and(|h| h.iter().any(|x| x.0 == key))
        };
        let lost = |id: i64| {
            histories.get(&id).is_some_and(|h| {
                h.last()
                    .and_then(|x| profile.stage(&x.0))
                    .is_some_and(|s| s.is_exit && s.effect == Some(Effect::Withdraw))
            })
        };
        let links = candidates::mentor_links_in_subtree(&mut conn, &root.path, false).await?;
        let mentors = mentor_stats(links, |c| reached(c, &admit), lost);
        // Movements: the funnel, and which units they feed.
        let tree = ranks_store::records::units::subtree(&mut conn, &root.path).await?;
        let code_of: HashMap<i64, &str> = tree.iter().map(|u| (u.id, u.code.as_str())).collect();
        let depth = root.path.depth();
        let top_unit: HashMap<&str, &str> = tree
            .iter()
            .map(|u| {
                let ids = u.path.ids();
                let top = ids.get(depth + 1).copied().unwrap_or(root.id);
                (
                    u.code.as_str(),
                    code_of.get(&top).copied().unwrap_or_default(),
                )
            })
            .collect();
        let movements = funnels(list.iter().filter_map(|c| {
            Some(Fed {
                movement: c.movement.as_deref()?,
                top_unit: top_unit
                    .get(c.unit_code.as_str())
                    .copied()
                    .unwrap_or_default(),
                course: reached(c.id, "course"),
                admitted: reached(c.id, &admit),
                official: reached(c.id, &recognised),
            })
        }));
        Ok(Analytics {
            stages,
            bottlenecks,
            mentors,
            movements,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// The stage statistics as first written (a scan per stage and file,
    /// stage keys as strings): the one-pass version must give the same.
    fn reference(
        profile: &Profile,
        files: &[&Vec<(String, Date)>],
        cal: &WorkCalendar,
        today: Date,
    ) -> Vec<StageStats> {
        let admit = profile
            .position(&profile.admission_stage().key)
            .unwrap_or(usize::MAX);
        let mut out = Vec::new();
        for (i, stage) in profile.stages.iter().enumerate().take(admit) {
            let next = &profile.stages[i + 1].key;
            let (mut entered, mut advanced, mut lost, mut waiting) = (0u64, 0u64, 0u64, 0u64);
            let mut days = Vec::new();
            let mut longest: Option<i64> = None;
            for h in files {
                let Some(pos) = h.iter().position(|x| x.0 == stage.key) else {
                    continue;
                };
                entered += 1;
                match h.get(pos + 1) {
                    Some((k, d)) if k == next => {
                        advanced += 1;
                        days.push(cal.working_days_between_walked(h[pos].1, *d));
                    }
                    Some((k, _)) if profile.stage(k).is_some_and(|s| s.is_exit) => lost += 1,
                    Some(_) => {}
                    None => {
                        waiting += 1;
                        let w = cal.working_days_between_walked(h[pos].1, today);
                        longest = Some(longest.map_or(w, |l: i64| l.max(w)));
                    }
                }
            }
            days.sort_unstable();
            let median = percentile(&days, 0.5);
            out.push(StageStats {
                stage: stage.key.clone(),
                entered,
                advanced,
                lost,
                conversion: (advanced + lost > 0)
                    .then(|| advanced as f64 / (advanced + lost) as f64),
                median_days: median,
                p90_days: percentile(&days, 0.9),
                waiting,
                longest_wait_days: longest,
                bottleneck_score: waiting as f64 * median.unwrap_or(0) as f64,
            });
        }
        out
    }

    /// Many generated files: stages in order with skips, repeats, exits,
    /// unknown stages; the one-pass statistics equal the reference.
    #[test]
    fn one_pass_equals_the_reference() {
        let profile = Profile::default_cpv();
        let cal = WorkCalendar::new();
        let keys: Vec<String> = profile
            .stages
            .iter()
            .chain(&profile.exits)
            .map(|s| s.key.clone())
            .chain(["no_such_stage".to_string()])
            .collect();
        let mut seed = 11u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let mut files = Vec::new();
        for _ in 0..400 {
            let mut day = d("2019-01-01") + chrono::Days::new(next(1500));
            let mut at = 0usize;
            let mut h = Vec::new();
            for _ in 0..1 + next(12) {
                let k = match next(10) {
                    0 => next(keys.len() as u64) as usize,
                    1 => at,
                    _ => (at + 1).min(profile.stages.len() - 1),
                };
                at = k.min(profile.stages.len() - 1);
                h.push((keys[k].clone(), day));
                day = day + chrono::Days::new(next(120));
            }
            files.push(h);
        }
        let refs: Vec<&Vec<(String, Date)>> = files.iter().collect();
        let today = d("2026-11-24");
        assert_eq!(
            stage_stats(&profile, &refs, &cal, today),
            reference(&profile, &refs, &cal, today)
        );
    }

    /// Selection gives the percentiles a sort gives, for every length up
    /// to 60 and values with many repeats.
    #[test]
    fn selected_percentiles_equal_sorted_ones() {
        let mut seed = 5u64;
        for len in 0..60usize {
            for _ in 0..20 {
                let mut v: Vec<i64> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                        ((seed >> 33) % 9) as i64 - 2
                    })
                    .collect();
                let mut sorted = v.clone();
                sorted.sort_unstable();
                let want = (percentile(&sorted, 0.5), percentile(&sorted, 0.9));
                assert_eq!(percentiles(&mut v), want, "{sorted:?}");
            }
        }
    }

    #[test]
    fn conversion_times_and_bottlenecks() {
        let profile = Profile::default_cpv();
        let cal = WorkCalendar::new();
        let h = |steps: &[(&str, &str)]| {
            steps
                .iter()
                .map(|(s, x)| (s.to_string(), d(x)))
                .collect::<Vec<_>>()
        };
        let a = h(&[("pool", "2026-03-02"), ("sympathiser", "2026-03-09")]); // 5 working days
        let b = h(&[("pool", "2026-03-02"), ("sympathiser", "2026-03-16")]); // 10
        let c = h(&[("pool", "2026-03-02"), ("withdrawn", "2026-04-01")]);
        let w1 = h(&[("pool", "2026-10-01")]);
        let w2 = h(&[("pool", "2026-11-02"), ("sympathiser", "2026-11-03")]);
        let files = vec![&a, &b, &c, &w1, &w2];
        let stats = stage_stats(&profile, &files, &cal, d("2026-11-24"));
        let pool = &stats[0];
        assert_eq!(
            (pool.entered, pool.advanced, pool.lost, pool.waiting),
            (5, 3, 1, 1)
        );
        assert_eq!(pool.conversion, Some(0.75));
        assert_eq!(pool.median_days, Some(5));
        assert_eq!(pool.p90_days, Some(10));
        assert_eq!(
            pool.longest_wait_days,
            Some(cal.working_days_between(d("2026-10-01"), d("2026-11-24")))
        );
        assert_eq!(pool.bottleneck_score, 5.0);
        let symp = &stats[1];
        assert_eq!((symp.entered, symp.waiting, symp.median_days), (3, 3, None));
        assert_eq!(stats.len(), profile.position("decision").unwrap());
    }
}
