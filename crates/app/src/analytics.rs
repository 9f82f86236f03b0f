//! Pipeline analytics: where candidates stall, how long each stage takes
//! (in working days), which stages are bottlenecks, how mentors fare, and
//! which emulation movements feed admissions.

use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::calendar::WorkCalendar;
use ranks_domain::procedure::{Effect, Profile};
use ranks_domain::Date;
use ranks_store::records::candidates;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

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
                    days.push(cal.working_days_between(h[pos].1, *d));
                }
                Some((k, _)) if profile.stage(k).is_some_and(|s| s.is_exit) => lost += 1,
                Some(_) => {}
                None => {
                    waiting += 1;
                    let w = cal.working_days_between(h[pos].1, today);
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
            conversion: (advanced + lost > 0).then(|| advanced as f64 / (advanced + lost) as f64),
            median_days: median,
            p90_days: percentile(&days, 0.9),
            waiting,
            longest_wait_days: longest,
            bottleneck_score: waiting as f64 * median.unwrap_or(0) as f64,
        });
    }
    out
}

impl App {
    pub async fn analytics(&self, actor: &Actor, org: Option<&str>) -> Result<Analytics, AppError> {
        self.analytics_as_of(actor, org, None).await
    }

    /// The analytics as they stood on `as_of`: steps recorded later are ignored.
    pub async fn analytics_as_of(
        &self,
        actor: &Actor,
        org: Option<&str>,
        as_of: Option<Date>,
    ) -> Result<Analytics, AppError> {
        let cal = self.calendar().await?;
        let today = as_of.unwrap_or(self.clock().today());
        if today > self.clock().today() {
            return Err(ranks_domain::DomainError::invalid(
                "as_of",
                today.to_string(),
                "a date not after today",
            )
            .into());
        }
        let profile = self.profile().clone();
        let mut conn = self.db().read().await?;
        let root = match org {
            Some(c) => visible_unit(&mut conn, actor, c).await?,
            None => crate::default_root(&mut conn, actor).await?,
        };
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
        let mut ranked: Vec<&StageStats> = stages.iter().filter(|s| s.waiting > 0).collect();
        ranked.sort_by(|a, b| {
            b.bottleneck_score
                .total_cmp(&a.bottleneck_score)
                .then(b.waiting.cmp(&a.waiting))
        });
        let bottlenecks = ranked.iter().map(|s| s.stage.clone()).collect();

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
        // Mentors.
        let mut mentors: BTreeMap<i64, MentorStats> = BTreeMap::new();
        for (cand, member, name) in
            candidates::mentor_links_in_subtree(&mut conn, &root.path).await?
        {
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
            if reached(cand, &admit) {
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
                m.conversion = (m.admitted + m.lost > 0)
                    .then(|| m.admitted as f64 / (m.admitted + m.lost) as f64);
                m
            })
            .collect();
        mentors.sort_by(|a, b| {
            b.current
                .cmp(&a.current)
                .then(b.total.cmp(&a.total))
                .then(a.member_id.cmp(&b.member_id))
        });

        // Movements: the funnel, and which units they feed.
        let tree = ranks_store::records::units::subtree(&mut conn, &root.path).await?;
        let code_of: HashMap<i64, &str> = tree.iter().map(|u| (u.id, u.code.as_str())).collect();
        let depth = root.path.depth();
        let top_unit: HashMap<String, String> = tree
            .iter()
            .map(|u| {
                let ids = u.path.ids();
                let top = ids.get(depth + 1).copied().unwrap_or(root.id);
                let code = code_of.get(&top).copied().unwrap_or_default();
                (u.code.to_string(), code.to_string())
            })
            .collect();
        let mut funnels: BTreeMap<String, MovementFunnel> = BTreeMap::new();
        for c in &list {
            let Some(mv) = &c.movement else { continue };
            let f = funnels.entry(mv.clone()).or_insert_with(|| MovementFunnel {
                movement: mv.clone(),
                pool: 0,
                course: 0,
                admitted: 0,
                official: 0,
                admitted_by_unit: BTreeMap::new(),
            });
            f.pool += 1;
            if reached(c.id, "course") {
                f.course += 1;
            }
            if reached(c.id, &admit) {
                f.admitted += 1;
                let unit = top_unit
                    .get(c.unit_code.as_str())
                    .cloned()
                    .unwrap_or_default();
                *f.admitted_by_unit.entry(unit).or_default() += 1;
            }
            if reached(c.id, &recognised) {
                f.official += 1;
            }
        }
        Ok(Analytics {
            stages,
            bottlenecks,
            mentors,
            movements: funnels.into_values().collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_from_str(s, "%Y-%m-%d").unwrap()
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
