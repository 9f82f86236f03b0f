//! Maintained per-unit summaries of the candidates' files, kept exact by the
//! audit-overlay technique of the roll-up index ([`crate::index`]).
//!
//! The earliest deadlines: every open file's next deadline, bucketed by the
//! preorder position of its unit and sorted by (due day, candidate id)
//! inside each unit. A subtree is the position range `pos .. end[pos]`, so
//! its total is a sum over that range and its first page the smallest keys
//! of the range, without computing any file of the country.
//!
//! The files themselves, compact: each file's unit position, stages (as
//! profile positions) with their days, movement and next deadline, bucketed
//! by unit position. Analytics of a subtree (stage counts, dwell times in
//! working days, conversion, waiting, movements' funnels) are one pass over
//! the range's buckets, with no query and no calendar walk.
//!
//! Exact after writes: every write to a file appends an audit entry naming
//! the candidate; before answering, the entries newer than the last seen are
//! read and the files they name recomputed into an overlay. A change of
//! the tree (the roll-up index rebuilt), of the calendar, a bulk load, a new
//! day or a large overlay rebuilds the whole summary.

use crate::index::{Base, TreeIndex};
use crate::rebuild::{Background, Use};
use crate::{App, AppError};
use ranks_domain::calendar::WorkCalendar;
use ranks_domain::forecast::Model;
use ranks_domain::procedure::{Dossier, Profile};
use ranks_domain::Date;
use ranks_store::index as q;
use ranks_store::records::files::{self, FileRow};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// Look-back window in audit ids (late commits on PostgreSQL), as the index.
const WINDOW: i64 = 512;
/// The overlay size at which a rebuild starts in the background.
pub(crate) const REBUILD_AFTER: usize = 20_000;
/// The overlay size at which readers wait for a rebuild.
const REBUILD_NOW: usize = 400_000;

/// Days since 1970-01-01.
pub(crate) fn day_of(d: Date) -> i32 {
    (d - Date::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

pub(crate) fn date_of(day: i32) -> Date {
    Date::from_ymd_opt(1970, 1, 1).expect("epoch") + chrono::Duration::days(i64::from(day))
}

/// A file's next deadline on `today` (the stages recorded after `today`
/// ignored), as `due_as_of` computes it; None when the file is closed or
/// nothing is due.
pub(crate) fn next_due(
    profile: &Profile,
    cal: &WorkCalendar,
    f: &FileRow,
    today: Date,
) -> Option<Date> {
    let history: Vec<(String, Date)> = f.history.iter().filter(|x| x.1 <= today).cloned().collect();
    let (stage, _) = history.last()?;
    if !profile.is_open(stage) {
        return None;
    }
    let dossier = Dossier {
        history,
        received: f.received.clone(),
        ..Dossier::default()
    };
    profile
        .deadlines_for(&dossier, cal, today)
        .into_iter()
        .next()
        .map(|d| d.due)
}

/// A stage not in the profile.
pub(crate) const UNKNOWN_STAGE: u8 = u8::MAX;

/// One file as the summaries hold it (its stages up to the summary's day).
#[derive(Debug, Clone, PartialEq)]
pub struct FileEntry {
    pub id: i64,
    pub pos: u32,
    /// (profile position of the stage, day), oldest first.
    pub steps: Box<[(u8, i32)]>,
    /// Index into [`DueSummary::movements`].
    pub movement: Option<u32>,
    pub due: Option<i32>,
    /// The stage the candidates table records (`candidates.stage`), as a
    /// profile position: what the dashboard's pipeline counts.
    pub stage: u8,
    /// `candidates.stage_since`, as a day: the unit page's stage lists
    /// are ordered by (since, id).
    pub since: i32,
    /// `candidates.movement_id` and whether `candidates.member_id` is set:
    /// the unit page's movements feeding the subtree.
    pub movement_id: Option<i64>,
    pub admitted: bool,
}

/// The summaries, as of audit entry `seen` and day `today`.
#[derive(Clone)]
pub struct DueSummary {
    pub(crate) tree: Arc<Base>,
    pub(crate) today: Date,
    /// `files[file_off[p]..file_off[p + 1]]`: the files of the unit at `p`.
    file_off: Arc<Vec<u32>>,
    files: Arc<Vec<FileEntry>>,
    /// (candidate id, position) of every file in `files`, by id.
    by_id: Arc<Vec<(i64, u32)>>,
    /// Movement names, as files refer to them.
    pub(crate) movements: Arc<Vec<String>>,
    /// `items[off[p]..off[p + 1]]`: (due day, candidate id) of the open
    /// files of the unit at position `p`, sorted.
    off: Arc<Vec<u32>>,
    items: Arc<Vec<(i32, i64)>>,
    /// (candidate id, position, due day) of every file in `items`, by id.
    base: Arc<Vec<(i64, u32, i32)>>,
    /// Files changed since the build, as they are now (None: gone).
    overlay: HashMap<i64, Option<FileEntry>>,
    seen: i64,
    applied: BTreeSet<i64>,
    /// Which files this version holds: a new number for every build and
    /// every refresh that changed a file, the same after a write that
    /// touched none (a sign-in, a user, a target). Results computed from
    /// the files alone (forecast models and laws, analytics) are kept per
    /// version, so such writes do not make them computed again.
    pub(crate) version: u64,
}

/// A number no summary version had before.
fn new_version() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// One file of a page: (due day, candidate id).
pub type DueKey = (i32, i64);

impl DueSummary {
    async fn build(
        db: &ranks_store::Db,
        conn: &mut ranks_store::Conn,
        tree: &TreeIndex,
        profile: &Profile,
        cal: &WorkCalendar,
        today: Date,
    ) -> Result<DueSummary, AppError> {
        let seen = ranks_store::records::audit::newest_id(conn).await?;
        let applied: BTreeSet<i64> = q::audit_ids_after(conn, seen - WINDOW)
            .await?
            .into_iter()
            .collect();
        let n = tree.units();
        let mut movements: Vec<String> = Vec::new();
        let mut entries: Vec<FileEntry> = Vec::new();
        for f in files::all_files(db, conn).await? {
            if let Some(e) = entry(profile, cal, &f, tree, today, &mut movements) {
                entries.push(e);
            }
        }
        entries.sort_unstable_by_key(|e| (e.pos, e.id));
        let mut file_off = vec![0u32; n + 1];
        for e in &entries {
            file_off[e.pos as usize + 1] += 1;
        }
        for i in 0..n {
            file_off[i + 1] += file_off[i];
        }
        let mut by_id: Vec<(i64, u32)> = entries.iter().map(|e| (e.id, e.pos)).collect();
        by_id.sort_unstable();
        let mut base: Vec<(i64, u32, i32)> = entries
            .iter()
            .filter_map(|e| e.due.map(|d| (e.id, e.pos, d)))
            .collect();
        let mut per = vec![0u32; n + 1];
        for (_, p, _) in &base {
            per[*p as usize + 1] += 1;
        }
        for i in 0..n {
            per[i + 1] += per[i];
        }
        let mut fill = per.clone();
        let mut items = vec![(0i32, 0i64); base.len()];
        for (id, p, d) in &base {
            items[fill[*p as usize] as usize] = (*d, *id);
            fill[*p as usize] += 1;
        }
        for i in 0..n {
            items[per[i] as usize..per[i + 1] as usize].sort_unstable();
        }
        base.sort_unstable_by_key(|b| b.0);
        Ok(DueSummary {
            tree: tree.b.clone(),
            today,
            file_off: Arc::new(file_off),
            by_id: Arc::new(by_id),
            files: Arc::new(entries),
            movements: Arc::new(movements),
            off: Arc::new(per),
            items: Arc::new(items),
            base: Arc::new(base),
            overlay: HashMap::new(),
            seen,
            applied,
            version: new_version(),
        })
    }

    fn base_of(&self, id: i64) -> Option<(u32, i32)> {
        self.base
            .binary_search_by_key(&id, |b| b.0)
            .ok()
            .map(|i| (self.base[i].1, self.base[i].2))
    }

    /// The open files of the subtree at `root` due on or before `cutoff`:
    /// how many, and the first `limit` after `after`, by (due, id).
    pub fn page(
        &self,
        root: usize,
        cutoff: Option<i32>,
        after: Option<DueKey>,
        limit: usize,
    ) -> (u64, Vec<(DueKey, usize)>) {
        let end = self.tree.end[root] as usize;
        let cut = cutoff.unwrap_or(i32::MAX);
        let inside = |p: u32| (p as usize) >= root && (p as usize) < end;
        let mut total: i64 = 0;
        let mut found: Vec<(DueKey, usize)> = Vec::new();
        for p in root..end {
            let s = &self.items[self.off[p] as usize..self.off[p + 1] as usize];
            if s.is_empty() {
                continue;
            }
            let upto = s.partition_point(|k| k.0 <= cut);
            total += upto as i64;
            let from = after.map_or(0, |a| s.partition_point(|k| *k <= a));
            let mine = s[from.min(upto)..upto]
                .iter()
                .filter(|k| !self.overlay.contains_key(&k.1))
                .take(limit);
            found.extend(mine.map(|k| (*k, p)));
        }
        for (id, now) in &self.overlay {
            if let Some((bp, bd)) = self.base_of(*id) {
                if inside(bp) && bd <= cut {
                    total -= 1;
                }
            }
            if let Some((p, d)) = now.as_ref().and_then(|e| e.due.map(|d| (e.pos, d))) {
                if inside(p) && d <= cut {
                    total += 1;
                    let k = (d, *id);
                    if !matches!(after, Some(a) if k <= a) {
                        found.push((k, p as usize));
                    }
                }
            }
        }
        if found.len() > limit {
            found.select_nth_unstable_by_key(limit, |x| x.0);
            found.truncate(limit);
        }
        found.sort_unstable_by_key(|x| x.0);
        (total.max(0) as u64, found)
    }
}

/// A file as the summaries hold it; None for a file of a unit the tree
/// does not know. A file without any stage by `today` is kept (its stage
/// counts in the pipeline) but left out of [`DueSummary::files_in`] and
/// [`DueSummary::file`].
fn entry(
    profile: &Profile,
    cal: &WorkCalendar,
    f: &FileRow,
    tree: &TreeIndex,
    today: Date,
    movements: &mut Vec<String>,
) -> Option<FileEntry> {
    let pos = tree.position_of_id(f.unit_id)? as u32;
    let steps: Box<[(u8, i32)]> = f
        .history
        .iter()
        .filter(|x| x.1 <= today)
        .map(|(k, d)| (stage_index(profile, k), day_of(*d)))
        .collect();
    let movement = f.movement.as_ref().map(|m| {
        let at = movements.iter().position(|x| x == m).unwrap_or_else(|| {
            movements.push(m.clone());
            movements.len() - 1
        });
        at as u32
    });
    Some(FileEntry {
        id: f.id,
        pos,
        steps,
        movement,
        due: next_due(profile, cal, f, today).map(day_of),
        stage: stage_index(profile, &f.stage),
        since: day_of(f.stage_since),
        movement_id: f.movement_id,
        admitted: f.admitted,
    })
}

/// A stage's index among the profile's stages then its exits
/// ([`all_stages`]), [`UNKNOWN_STAGE`] if it has none.
pub(crate) fn stage_index(profile: &Profile, key: &str) -> u8 {
    all_stages(profile)
        .position(|s| s.key == key)
        .and_then(|p| u8::try_from(p).ok())
        .filter(|p| *p != UNKNOWN_STAGE)
        .unwrap_or(UNKNOWN_STAGE)
}

/// The profile's stages in sequence, then its exits: what a stage index counts.
pub(crate) fn all_stages(
    profile: &Profile,
) -> impl Iterator<Item = &ranks_domain::procedure::StageDef> {
    profile.stages.iter().chain(&profile.exits)
}

impl DueSummary {
    /// Every file of the subtree at `root` as it is now (the overlay applied).
    pub fn files_in(&self, root: usize) -> impl Iterator<Item = &FileEntry> {
        self.all_files_in(root).filter(|e| !e.steps.is_empty())
    }

    /// Every file of the subtree at `root`, those without a stage by the
    /// summary's day too.
    fn all_files_in(&self, root: usize) -> impl Iterator<Item = &FileEntry> {
        let end = self.tree.end[root] as usize;
        let base = self.files[self.file_off[root] as usize..self.file_off[end] as usize]
            .iter()
            .filter(|e| !self.overlay.contains_key(&e.id));
        let changed = self
            .overlay
            .values()
            .flatten()
            .filter(move |e| (e.pos as usize) >= root && (e.pos as usize) < end);
        base.chain(changed)
    }

    /// How many files the summary was built with.
    pub fn files_count(&self) -> usize {
        self.by_id.len()
    }

    /// One file as it is now, by candidate id.
    pub fn file(&self, id: i64) -> Option<&FileEntry> {
        if let Some(now) = self.overlay.get(&id) {
            return now.as_ref().filter(|e| !e.steps.is_empty());
        }
        let pos = self.by_id[self.by_id.binary_search_by_key(&id, |b| b.0).ok()?].1 as usize;
        let s = &self.files[self.file_off[pos] as usize..self.file_off[pos + 1] as usize];
        s.binary_search_by_key(&id, |e| e.id)
            .ok()
            .map(|i| &s[i])
            .filter(|e| !e.steps.is_empty())
    }

    /// How many files of the subtree at `root` stand at each stage (as the
    /// candidates table records it), by profile position: `counts[k]` for
    /// the stage [`all_stages`] lists k-th. One pass over the range's files.
    pub fn stage_counts(&self, root: usize) -> Vec<u64> {
        let mut counts = vec![0u64; usize::from(UNKNOWN_STAGE) + 1];
        for e in self.all_files_in(root) {
            counts[usize::from(e.stage)] += 1;
        }
        counts
    }

    /// The first `n` files of each stage of the subtree at `root`, by
    /// (stage since, candidate id) as the candidates table records them
    /// (the unit page's stage lists): `firsts[k]` for the stage
    /// [`all_stages`] lists k-th. One pass over the range's files.
    pub fn stage_firsts(&self, root: usize, n: usize) -> Vec<Vec<(i32, i64)>> {
        firsts_per_stage(self.all_files_in(root).map(|e| (e.stage, e.since, e.id)), n)
    }

    /// The emulation movements feeding the subtree at `root`: (movement
    /// id, files, admitted), by movement id. One pass over the range.
    pub fn sources(&self, root: usize) -> Vec<(i64, u64, u64)> {
        let mut per: std::collections::BTreeMap<i64, (u64, u64)> = Default::default();
        for e in self.all_files_in(root) {
            if let Some(m) = e.movement_id {
                let s = per.entry(m).or_default();
                s.0 += 1;
                s.1 += u64::from(e.admitted);
            }
        }
        per.into_iter().map(|(m, (n, a))| (m, n, a)).collect()
    }
}

/// The `n` smallest (since, id) of each stage of `files` ((stage, since,
/// id)), sorted: `firsts[k]` for stage k. Keeps at most 2n per stage.
fn firsts_per_stage(files: impl Iterator<Item = (u8, i32, i64)>, n: usize) -> Vec<Vec<(i32, i64)>> {
    let mut firsts: Vec<Vec<(i32, i64)>> = vec![Vec::new(); usize::from(UNKNOWN_STAGE) + 1];
    for (stage, since, id) in files {
        let list = &mut firsts[usize::from(stage)];
        list.push((since, id));
        if list.len() >= 2 * n.max(1) {
            list.select_nth_unstable(n.saturating_sub(1));
            list.truncate(n);
        }
    }
    for list in &mut firsts {
        list.sort_unstable();
        list.truncate(n);
    }
    firsts
}

/// The summaries of an [`App`], built on first use.
#[derive(Default)]
pub struct SummaryCell {
    due: tokio::sync::Mutex<Option<Arc<DueSummary>>>,
    /// The units' folded names for the pickers, laid out on the index.
    pub(crate) unit_names: tokio::sync::Mutex<Option<Arc<crate::pickers::UnitNames>>>,
    /// Forecast models learned from the current summary (see [`ModelKey`]).
    models: std::sync::Mutex<Vec<KeptModel>>,
    /// Forecast models learned so far (tests, benchmarks).
    pub(crate) learned: std::sync::atomic::AtomicU64,
    /// Forecasts' open files, chances and laws for the current summary
    /// (see [`PreparedKey`]).
    pub(crate) forecasts: Kept<PreparedKey, crate::forecast::Prepared>,
    /// Today's analytics of subtrees (by position) but the mentors'.
    pub(crate) analytics: Kept<usize, crate::analytics::SubtreeStats>,
    /// [`crate::forecast::DIRECT`] unless a test lowers it (0: the default).
    direct: std::sync::atomic::AtomicUsize,
    /// A whole rebuild in the background (a large overlay, or the next
    /// day's summary made before midnight), see [`crate::rebuild`].
    background: Background<DueSummary>,
    /// The version last brought up to date inside a request's
    /// `at_generation`, with that generation (see [`App::due_summary`]).
    #[allow(clippy::type_complexity)]
    checked: std::sync::Mutex<
        Option<(
            crate::generation::Generation,
            Arc<TreeIndex>,
            Arc<DueSummary>,
        )>,
    >,
}

/// A learned model's key: the summary's files' version
/// ([`DueSummary::version`]), the range's top position, the as-of day.
pub(crate) type ModelKey = (usize, usize, Date);

/// A model kept with its key (which holds the files' version).
type KeptModel = (ModelKey, Arc<Model>);

/// Models kept per summary (tops and days asked).
const MODELS_KEPT: usize = 16;

/// A prepared forecast's key: the actor's top position, the unit asked's
/// position, the as-of day, the term's horizon and the year's end (if
/// forecast).
pub(crate) type PreparedKey = (usize, usize, Date, Date, Option<Date>);

/// Results computed from one version of the files, kept (at most 32)
/// until results of a newer version come: a write to a file makes a new
/// version, so nothing kept outlives the files it was computed from.
pub(crate) struct Kept<K, V> {
    items: std::sync::Mutex<Vec<KeptItem<K, V>>>,
}

/// A result kept with its key and the version of the files it was
/// computed from.
type KeptItem<K, V> = (K, u64, Arc<V>);

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept {
            items: std::sync::Mutex::new(Vec::new()),
        }
    }
}

impl<K: PartialEq, V> Kept<K, V> {
    /// What was kept for `key` computed from `sum`.
    pub(crate) fn get(&self, sum: &Arc<DueSummary>, key: &K) -> Option<Arc<V>> {
        let kept = self.items.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter()
            .find(|m| m.0 == *key && m.1 == sum.version)
            .map(|m| m.2.clone())
    }

    /// Keeps `v`, computed from `sum`; what older summaries gave goes.
    pub(crate) fn keep(&self, sum: &Arc<DueSummary>, key: K, v: Arc<V>) {
        let mut kept = self.items.lock().unwrap_or_else(|e| e.into_inner());
        kept.retain(|m| m.1 == sum.version);
        if kept.len() >= 32 {
            kept.remove(0);
        }
        kept.push((key, sum.version, v));
    }

    fn clear(&self) {
        self.items.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

impl SummaryCell {
    /// Forgets the version kept for a generation (before a refresh of it or
    /// of the index it holds: a version held here would be cloned rather
    /// than updated in place).
    pub(crate) fn forget_checked(&self) {
        *self.checked.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// The model learned for `key`, if it is kept.
    pub(crate) fn model_for(&self, key: ModelKey) -> Option<Arc<Model>> {
        let kept = self.models.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter().find(|m| m.0 == key).map(|m| m.1.clone())
    }

    /// Keeps a model learned from `sum`; models of older summaries go.
    pub(crate) fn keep_model(&self, key: ModelKey, model: Arc<Model>) {
        let mut kept = self.models.lock().unwrap_or_else(|e| e.into_inner());
        kept.retain(|m| m.0 .0 == key.0);
        if kept.len() >= MODELS_KEPT {
            kept.remove(0);
        }
        kept.push((key, model));
    }

    /// Subtrees with at most this many open files take their law directly.
    pub(crate) fn direct(&self) -> usize {
        match self.direct.load(std::sync::atomic::Ordering::Relaxed) {
            0 => crate::forecast::DIRECT,
            n => n,
        }
    }

    /// Sets [`SummaryCell::direct`] (0: the default) and forgets the
    /// prepared forecasts.
    pub(crate) fn set_direct(&self, n: usize) {
        self.direct.store(n, std::sync::atomic::Ordering::Relaxed);
        self.forecasts.clear();
    }

    pub(crate) async fn settle(&self) {
        self.background.settle().await;
    }

    pub(crate) fn builds(&self) -> u64 {
        self.background.builds()
    }
}

/// Whether two trees lay their units out alike (same units at the same
/// positions, same subtrees): a summary laid out on one holds for the other.
pub(crate) fn same_layout(a: &Base, b: &Base) -> bool {
    a.ids == b.ids && a.end == b.end
}

impl DueSummary {
    /// This summary laid out on `tree` if it lays units out as the one it
    /// was built on (an index rebuilt for its members' overlay, not for a
    /// change of the tree); None otherwise.
    fn on_tree(self: Arc<Self>, tree: &Arc<Base>) -> Option<Arc<Self>> {
        if Arc::ptr_eq(&self.tree, tree) {
            return Some(self);
        }
        if !same_layout(&self.tree, tree) {
            return None;
        }
        let mut s = Arc::try_unwrap(self).unwrap_or_else(|shared| (*shared).clone());
        s.tree = tree.clone();
        Some(Arc::new(s))
    }
}

impl App {
    /// A whole build of the summary for `today`, counted.
    async fn build_summary(
        &self,
        conn: &mut ranks_store::Conn,
        tree: &TreeIndex,
        cal: &WorkCalendar,
        today: Date,
    ) -> Result<Arc<DueSummary>, AppError> {
        let built = DueSummary::build(self.db(), conn, tree, self.profile(), cal, today).await?;
        self.index_cell().summaries.background.counted();
        Ok(Arc::new(built))
    }

    /// Starts building the summary of `day` in the background (the next
    /// day's, before midnight, so that its first reader does not wait for
    /// every file to be computed again); the first reader on that day takes
    /// it and applies the writes made since. Does nothing while another
    /// build runs or waits.
    pub fn prepare_due_summary(&self, day: Date) {
        let app = self.clone();
        self.index_cell().summaries.background.start(async move {
            let tree = app.tree_index().await?;
            let cal = app.calendar().await?;
            let mut conn = app.db().upkeep().await?;
            DueSummary::build(app.db(), &mut conn, &tree, app.profile(), &cal, day).await
        });
    }

    /// From 23:00 in Vietnam, prepares tomorrow's summary (see
    /// [`App::prepare_due_summary`]); `ranks serve` calls it every minute.
    pub fn prepare_next_day(&self) {
        let vn = chrono::FixedOffset::east_opt(7 * 3600).expect("valid offset");
        let now = self.clock().now().with_timezone(&vn);
        if chrono::Timelike::hour(&now) >= 23 {
            if let Some(tomorrow) = now.date_naive().succ_opt() {
                self.prepare_due_summary(tomorrow);
            }
        }
    }

    /// The earliest-deadline summary, brought up to date with every
    /// committed write, and the roll-up index it is laid out on.
    pub async fn due_summary(&self) -> Result<(Arc<TreeIndex>, Arc<DueSummary>), AppError> {
        // Inside a request's `at_generation`, as `tree_index`: the version
        // brought up to date at that generation, for the same day.
        let g = crate::generation::request_generation();
        let today = self.clock().today();
        if let Some(kept) = self.summary_checked_at(g, today) {
            return Ok(kept);
        }
        self.refreshed_summary(g).await
    }

    /// The version kept for generation `g` (and day `today`), if any.
    fn summary_checked_at(
        &self,
        g: Option<crate::generation::Generation>,
        today: Date,
    ) -> Option<(Arc<TreeIndex>, Arc<DueSummary>)> {
        let g = g?;
        let c = self
            .index_cell()
            .summaries
            .checked
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        c.as_ref()
            .filter(|c| c.0 == g && c.2.today == today)
            .map(|(_, tree, sum)| (tree.clone(), sum.clone()))
    }

    /// The due summary brought up to date (see [`App::due_summary`]), kept
    /// for the request's generation `g` before the lock is let go.
    async fn refreshed_summary(
        &self,
        g: Option<crate::generation::Generation>,
    ) -> Result<(Arc<TreeIndex>, Arc<DueSummary>), AppError> {
        let tree = self.tree_index().await?;
        let cal = self.calendar().await?;
        let today = self.clock().today();
        let cell = &self.index_cell().summaries;
        let mut guard = cell.due.lock().await;
        // Brought up to date for this generation while this request
        // waited for the lock (see `App::refreshed_index`).
        if let Some(kept) = self.summary_checked_at(g, today) {
            return Ok(kept);
        }
        cell.forget_checked();
        let (tree, sum) = self
            .refresh_summary_locked(&mut guard, tree, &cal, today)
            .await?;
        if let Some(g) = g {
            *cell.checked.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((g, tree.clone(), sum.clone()));
        }
        Ok((tree, sum))
    }

    /// [`App::refreshed_summary`]'s work, under the lock.
    async fn refresh_summary_locked(
        &self,
        guard: &mut tokio::sync::MutexGuard<'_, Option<Arc<DueSummary>>>,
        tree: Arc<TreeIndex>,
        cal: &WorkCalendar,
        today: Date,
    ) -> Result<(Arc<TreeIndex>, Arc<DueSummary>), AppError> {
        let cell = &self.index_cell().summaries;
        let mut conn = self.db().upkeep().await?;
        // A build finished in the background for today, newer than the
        // version at hand: start from it.
        let at_hand = guard.as_ref().filter(|s| s.today == today).map(|s| s.seen);
        let built = cell
            .background
            .take(|b| {
                if b.today > today {
                    Use::Keep
                } else if b.today < today || at_hand.is_some_and(|seen| b.seen < seen) {
                    Use::Drop
                } else {
                    Use::Take
                }
            })
            .await;
        let current = built
            .or_else(|| guard.take())
            .filter(|s| s.today == today)
            .and_then(|s| s.on_tree(&tree.b));
        let Some(sum) = current else {
            let built = self.build_summary(&mut conn, &tree, cal, today).await?;
            **guard = Some(built.clone());
            return Ok((tree, built));
        };
        let window = match self.db().backend() {
            ranks_store::Backend::Sqlite => 0,
            ranks_store::Backend::Postgres => WINDOW,
        };
        let changes = q::changes_after(&mut conn, sum.seen - window).await?;
        let fresh: Vec<&q::Change> = changes
            .iter()
            .filter(|c| c.id > sum.seen || !sum.applied.contains(&c.id))
            .collect();
        if fresh.is_empty() {
            **guard = Some(sum.clone());
            return Ok((tree, sum));
        }
        let mut ids: Vec<i64> = Vec::new();
        let mut rebuild = false;
        for c in &fresh {
            match c.entity.as_str() {
                "candidate" => ids.extend(c.entity_id.parse::<i64>().ok()),
                "unit" | "calendar" | "movement" => rebuild = true,
                _ if c.action == "bulk import" => rebuild = true,
                _ => {}
            }
        }
        if rebuild || sum.overlay.len() + ids.len() > REBUILD_NOW {
            let built = self.build_summary(&mut conn, &tree, cal, today).await?;
            **guard = Some(built.clone());
            return Ok((tree, built));
        }
        let mut next = Arc::try_unwrap(sum).unwrap_or_else(|shared| (*shared).clone());
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(500) {
            let rows = files::files_of(&mut (&mut *conn).into(), chunk).await?;
            let mut missing: BTreeSet<i64> = chunk.iter().copied().collect();
            for f in rows {
                missing.remove(&f.id);
                let mut names = (*next.movements).clone();
                let now = entry(self.profile(), cal, &f, &tree, today, &mut names);
                if names.len() != next.movements.len() {
                    next.movements = Arc::new(names);
                }
                next.overlay.insert(f.id, now);
            }
            for id in missing {
                next.overlay.insert(id, None);
            }
        }
        if !ids.is_empty() {
            next.version = new_version();
        }
        for c in fresh {
            next.seen = next.seen.max(c.id);
            next.applied.insert(c.id);
        }
        let floor = next.seen - WINDOW;
        next.applied.retain(|a| *a > floor);
        if next.overlay.len() > self.index_cell().limits().1 {
            // Exact as it is, slower with every change: rebuilt aside.
            self.prepare_due_summary(today);
        }
        let next = Arc::new(next);
        **guard = Some(next.clone());
        Ok((tree, next))
    }
}

#[cfg(test)]
mod tests {
    /// The first n of each stage equal a sort of everything, for lists
    /// shorter than n, of 2n and longer, with ties on the day.
    #[test]
    fn firsts_per_stage_equal_a_full_sort() {
        let mut seed = 7u64;
        for n in [0usize, 1, 3, 51] {
            let files: Vec<(u8, i32, i64)> = (0..2000i64)
                .map(|id| {
                    let r = ranks_domain::rng::splitmix64(&mut seed);
                    ((r % 5) as u8 * 3, (r >> 8) as i32 % 40, id)
                })
                .collect();
            let got = super::firsts_per_stage(files.iter().copied(), n);
            for (k, list) in got.iter().enumerate() {
                let mut want: Vec<(i32, i64)> = files
                    .iter()
                    .filter(|f| usize::from(f.0) == k)
                    .map(|f| (f.1, f.2))
                    .collect();
                want.sort_unstable();
                want.truncate(n);
                assert_eq!(*list, want, "stage {k}, n {n}");
            }
        }
    }
}
