//! Pickers: what a person types where a code is wanted (a unit, an
//! emulation movement) resolved to that code. A code typed exactly, a
//! choice offered as "Name (CODE)", or a name typed with or without tone
//! marks (đ as d, any case) that names exactly one choice.

use crate::{Actor, App, AppError, Scope};
use ranks_domain::text::fold;
use ranks_store::records::{movements, units};
use serde::Serialize;

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
            .filter(|c| {
                let name = fold(&c.name);
                let tokens: Vec<&str> = name.split(' ').collect();
                words
                    .iter()
                    .all(|w| tokens.iter().any(|t| t.starts_with(w)))
            })
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

/// The choices whose name holds every typed word at the start of one of
/// its words (folded), or whose code starts with the typed text; at most
/// `limit`, in the choices' order.
pub fn matching(typed: &str, choices: &[Choice], limit: usize) -> Vec<Choice> {
    let want = fold(typed);
    let words: Vec<&str> = want.split(' ').filter(|w| !w.is_empty()).collect();
    let upper = typed.trim().to_uppercase();
    choices
        .iter()
        .filter(|c| {
            if !upper.is_empty() && c.code.starts_with(&upper) {
                return true;
            }
            let name = fold(&c.name);
            let tokens: Vec<&str> = name.split(' ').collect();
            words
                .iter()
                .all(|w| tokens.iter().any(|t| t.starts_with(w)))
        })
        .take(limit)
        .cloned()
        .collect()
}

impl App {
    /// The units the actor sees, in tree order; `cells` keeps only those
    /// that hold members. At most `limit`.
    pub async fn unit_choices(
        &self,
        actor: &Actor,
        cells: bool,
        limit: usize,
    ) -> Result<Vec<Choice>, AppError> {
        let mut conn = self.db().read().await?;
        let roots = match &actor.scope {
            Scope::All => units::roots(&mut conn)
                .await?
                .into_iter()
                .map(|u| u.path)
                .collect(),
            Scope::Subtree(p) => vec![p.clone()],
            Scope::Units(ps) => ps.clone(),
        };
        let mut out: Vec<Choice> = Vec::new();
        for root in roots {
            // Only as many units as the list may still take: a national
            // scope has tens of thousands.
            let left = limit.saturating_sub(out.len());
            for u in units::subtree_first(&mut conn, &root, cells, left).await? {
                if out.len() >= limit {
                    return Ok(out);
                }
                let code = u.code.to_string();
                if (!cells || u.kind.holds_members()) && !out.iter().any(|c| c.code == code) {
                    out.push(Choice { code, name: u.name });
                }
            }
        }
        Ok(out)
    }

    /// What `typed` names among the units the actor sees (`cells`: only
    /// those that hold members). A code, or a suggestion "Name (CODE)",
    /// is one look-up; a name reads the units of the scope.
    pub async fn pick_unit(
        &self,
        actor: &Actor,
        typed: &str,
        cells: bool,
    ) -> Result<Picked, AppError> {
        let t = typed.trim();
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
        let choices = self.unit_choices(actor, cells, usize::MAX).await?;
        Ok(pick(typed, &choices))
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
        let sug = matching("lam s", &all, 10);
        assert_eq!(sug.len(), 3, "{sug:?}");
        assert_eq!(matching("bvphcn", &all, 10).len(), 2);
        assert_eq!(matching("", &all, 2).len(), 2);
    }
}
