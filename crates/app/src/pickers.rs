//! Pickers: what a person types where a code is wanted (a unit, an
//! emulation movement) resolved to that code. A code typed exactly, a
//! choice offered as "Name (CODE)", or a name typed with or without tone
//! marks (đ as d, any case) that names exactly one choice.

use crate::index::{Base, TreeIndex};
use crate::{Actor, App, AppError, Scope};
use ranks_domain::org::UnitKind;
use ranks_domain::text::fold;
use ranks_store::records::movements;
use serde::Serialize;
use std::sync::Arc;

/// Something a picker offers: its code and its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub code: String,
    pub name: String,
}

impl Choice {
    /// What a picker shows and sends back: "Name (CODE)".
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.code)
    }
}

/// What a typed value names among the choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// Exactly one: its code.
    One(String),
    /// Nothing.
    None,
    /// Several (the first few of them), the person must choose.
    Many(Vec<Choice>),
}

/// How many of the matches an ambiguous answer lists.
const MANY: usize = 8;

/// Resolves `typed` among `choices`: an exact code (any case), a trailing
/// "(CODE)", then the whole name folded (tone marks, đ, case, spaces),
/// then names of which every typed word begins a word.
pub fn pick(typed: &str, choices: &[Choice]) -> Picked {
    let typed = typed.trim();
    if typed.is_empty() {
        return Picked::None;
    }
    let by_code = |c: &str| {
        choices
            .iter()
            .find(|x| x.code.eq_ignore_ascii_case(c.trim()))
            .map(|x| x.code.clone())
    };
    if let Some(code) = by_code(typed) {
        return Picked::One(code);
    }
    if let Some(code) = typed
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once('('))
        .and_then(|(_, c)| by_code(c))
    {
        return Picked::One(code);
    }
    let want = fold(typed);
    let whole: Vec<&Choice> = choices.iter().filter(|c| fold(&c.name) == want).collect();
    let found = if whole.is_empty() {
        let words: Vec<&str> = want.split(' ').filter(|w| !w.is_empty()).collect();
        choices
            .iter()
            .filter(|c| words_begin(&words, &fold(&c.name)))
            .collect()
    } else {
        whole
    };
    match found.as_slice() {
        [] => Picked::None,
        [one] => Picked::One(one.code.clone()),
        many => Picked::Many(many.iter().take(MANY).map(|c| (*c).clone()).collect()),
    }
}

/// The units' names as the pickers compare them, in the roll-up index's
/// preorder: folded once per tree, not per request (a national admin's
/// picker reads 312,735 units).
pub struct UnitNames {
    tree: Arc<Base>,
    folded: Vec<Box<str>>,
    cell: Vec<bool>,
}

impl UnitNames {
    fn build(ix: &TreeIndex, kinds: Vec<(i64, String)>) -> UnitNames {
        let n = ix.units();
        let mut cell = vec![false; n];
        for (id, kind) in kinds {
            if let (Some(p), Ok(k)) = (ix.position_of_id(id), UnitKind::parse(&kind)) {
                cell[p] = k.holds_members();
            }
        }
        UnitNames {
            tree: ix.b.clone(),
            folded: ix.b.names.iter().map(|n| fold(n).into()).collect(),
            cell,
        }
    }

    fn choice(&self, p: usize) -> Choice {
        Choice {
            code: self.tree.codes[p].to_string(),
            name: self.tree.names[p].to_string(),
        }
    }
}

/// Every typed word begins a word of the folded name.
fn words_begin(words: &[&str], folded: &str) -> bool {
    words
        .iter()
        .all(|w| folded.split(' ').any(|t| t.starts_with(w)))
}

impl App {
    /// The pickers' names on the current tree, built on first use.
    async fn unit_names(&self) -> Result<(Arc<TreeIndex>, Arc<UnitNames>), AppError> {
        let ix = self.tree_index().await?;
        let mut guard = self.index_cell().summaries.unit_names.lock().await;
        // An index rebuilt for its members keeps its units where they were.
        let same = |n: &&Arc<UnitNames>| {
            Arc::ptr_eq(&n.tree, &ix.b) || crate::summaries::same_layout(&n.tree, &ix.b)
        };
        if let Some(n) = guard.as_ref().filter(same) {
            return Ok((ix, n.clone()));
        }
        let kinds = {
            let mut conn = self.db().upkeep().await?;
            ranks_store::index::unit_kinds(&mut conn).await?
        };
        let names = Arc::new(UnitNames::build(&ix, kinds));
        *guard = Some(names.clone());
        Ok((ix, names))
    }

    /// The preorder ranges of the units the actor sees: the roots by code
    /// for the whole tree, else each unit of the scope not inside another.
    fn scope_ranges(ix: &TreeIndex, actor: &Actor) -> Vec<(usize, usize)> {
        let b = &ix.b;
        let range = |p: usize| (p, b.end[p] as usize);
        let mut out: Vec<(usize, usize)> = match &actor.scope {
            Scope::All => {
                let mut roots: Vec<usize> = (0..ix.units()).filter(|p| b.depth[*p] == 0).collect();
                roots.sort_by(|x, y| b.codes[*x].cmp(&b.codes[*y]));
                return roots.into_iter().map(range).collect();
            }
            Scope::Subtree(p) => p
                .ids()
                .last()
                .and_then(|id| ix.position_of_id(*id))
                .map(range)
                .into_iter()
                .collect(),
            Scope::Units(ps) => ps
                .iter()
                .filter_map(|p| p.ids().last().and_then(|id| ix.position_of_id(*id)))
                .map(range)
                .collect(),
        };
        out.sort_unstable();
        let mut kept: Vec<(usize, usize)> = Vec::with_capacity(out.len());
        for r in out {
            if kept.last().is_none_or(|k| r.0 >= k.1) {
                kept.push(r);
            }
        }
        kept
    }

    /// The units the actor sees, in tree order; `cells` keeps only those
    /// that hold members. At most `limit`.
    pub async fn unit_choices(
        &self,
        actor: &Actor,
        cells: bool,
        limit: usize,
    ) -> Result<Vec<Choice>, AppError> {
        let (ix, names) = self.unit_names().await?;
        Ok(Self::scope_ranges(&ix, actor)
            .into_iter()
            .flat_map(|(a, z)| a..z)
            .filter(|p| !cells || names.cell[*p])
            .take(limit)
            .map(|p| names.choice(p))
            .collect())
    }

    /// The units the actor sees (`cells`: those that hold members) whose
    /// name holds every typed word at the start of one of its words
    /// (folded), or whose code starts with the typed text; at most `limit`,
    /// in tree order ([`matching`] over [`App::unit_choices`]).
    pub async fn unit_suggestions(
        &self,
        actor: &Actor,
        typed: &str,
        cells: bool,
        limit: usize,
    ) -> Result<Vec<Choice>, AppError> {
        let (ix, names) = self.unit_names().await?;
        let want = fold(typed);
        let words: Vec<&str> = want.split(' ').filter(|w| !w.is_empty()).collect();
        let upper = typed.trim().to_uppercase();
        Ok(Self::scope_ranges(&ix, actor)
            .into_iter()
            .flat_map(|(a, z)| a..z)
            .filter(|p| !cells || names.cell[*p])
            .filter(|p| {
                (!upper.is_empty() && ix.b.codes[*p].starts_with(&upper))
                    || words_begin(&words, &names.folded[*p])
            })
            .take(limit)
            .map(|p| names.choice(p))
            .collect())
    }

    /// What `typed` names among the units the actor sees (`cells`: only
    /// those that hold members). A code, or a suggestion "Name (CODE)",
    /// is one look-up; a name is compared with the scope's folded names
    /// ([`pick`]'s rules: the whole name first, then every word's start).
    pub async fn pick_unit(
        &self,
        actor: &Actor,
        typed: &str,
        cells: bool,
    ) -> Result<Picked, AppError> {
        let t = typed.trim();
        if t.is_empty() {
            return Ok(Picked::None);
        }
        let code = t
            .strip_suffix(')')
            .and_then(|x| x.rsplit_once('('))
            .map_or(t, |(_, c)| c.trim());
        if !code.is_empty() && !code.contains(char::is_whitespace) {
            match self.unit(actor, code).await {
                Ok(u) if !cells || u.kind.holds_members() => {
                    return Ok(Picked::One(u.code.to_string()))
                }
                Ok(_) | Err(AppError::NotFound { .. } | AppError::Invalid(_)) => {}
                Err(e) => return Err(e),
            }
        }
        let (ix, names) = self.unit_names().await?;
        let want = fold(t);
        let words: Vec<&str> = want.split(' ').filter(|w| !w.is_empty()).collect();
        let (mut whole, mut begun) = (Vec::new(), Vec::new());
        for p in Self::scope_ranges(&ix, actor)
            .into_iter()
            .flat_map(|(a, z)| a..z)
            .filter(|p| !cells || names.cell[*p])
        {
            if ix.b.codes[p].eq_ignore_ascii_case(code) {
                return Ok(Picked::One(ix.b.codes[p].to_string()));
            }
            let f = &names.folded[p];
            if **f == *want {
                whole.push(p);
                if whole.len() > MANY {
                    break;
                }
            } else if whole.is_empty() && begun.len() <= MANY && words_begin(&words, f) {
                begun.push(p);
            }
        }
        let found = if whole.is_empty() { begun } else { whole };
        Ok(match found.as_slice() {
            [] => Picked::None,
            [one] => Picked::One(ix.b.codes[*one].to_string()),
            many => Picked::Many(many.iter().take(MANY).map(|p| names.choice(*p)).collect()),
        })
    }

    /// The emulation movements candidates come from (shared by all units).
    pub async fn movement_choices(&self) -> Result<Vec<Choice>, AppError> {
        let mut conn = self.db().read().await?;
        Ok(movements::all(&mut conn)
            .await?
            .into_iter()
            .map(|m| Choice {
                code: m.code,
                name: m.name,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str, name: &str) -> Choice {
        Choice {
            code: code.into(),
            name: name.into(),
        }
    }

    #[test]
    fn codes_labels_and_names_without_tone_marks() {
        let all = [
            c("BVPHCN.CB2", "Chi bộ Cận lâm sàng"),
            c("BVDK.CB4", "Chi bộ Cận lâm sàng"),
            c("BVPHCN.CB1", "Chi bộ Lâm sàng"),
            c("DK", "Đảng bộ Đa khoa"),
        ];
        assert_eq!(pick("bvphcn.cb1", &all), Picked::One("BVPHCN.CB1".into()));
        assert_eq!(
            pick("Chi bộ Cận lâm sàng (BVDK.CB4)", &all),
            Picked::One("BVDK.CB4".into())
        );
        assert_eq!(
            pick("chi bo lam sang", &all),
            Picked::One("BVPHCN.CB1".into())
        );
        assert_eq!(pick("dang bo da khoa", &all), Picked::One("DK".into()));
        assert_eq!(pick("đa kh", &all), Picked::One("DK".into()));
        assert!(matches!(pick("can lam sang", &all), Picked::Many(m) if m.len() == 2));
        assert_eq!(pick("nha thuoc", &all), Picked::None);
        assert_eq!(pick("  ", &all), Picked::None);
    }
}
