//! The org tree: unit codes, unit kinds and the materialized path.

use crate::error::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A unit's short code, unique in the whole tree: `BVPHCN`, `DBSYT`, `CDC.CB1`.
/// Upper-case ASCII letters, digits, `.`, `-` and `_`, 1 to 40 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let t = s.trim().to_ascii_uppercase();
        let ok = !t.is_empty()
            && t.len() <= 40
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if ok {
            Ok(UnitCode(t))
        } else {
            Err(DomainError::invalid(
                "code",
                s,
                "1 to 40 letters, digits, '.', '-' or '_'",
            ))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UnitCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        UnitCode::parse(&s)
    }
}

impl From<UnitCode> for String {
    fn from(c: UnitCode) -> String {
        c.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of party organisation a unit is (DOMAIN.md §2), top down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Central level.
    Central,
    /// Provincial-level party committee.
    Provincial,
    /// Superior committee of grassroots (e.g. the party committee of a provincial department).
    Superior,
    /// Grassroots party committee (đảng bộ cơ sở), with cells under it.
    GrassrootsCommittee,
    /// Grassroots cell (chi bộ cơ sở): a grassroots organisation without cells under it.
    GrassrootsCell,
    /// Party cell (chi bộ) under a grassroots committee.
    Cell,
}

impl UnitKind {
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Central,
        UnitKind::Provincial,
        UnitKind::Superior,
        UnitKind::GrassrootsCommittee,
        UnitKind::GrassrootsCell,
        UnitKind::Cell,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Central => "central",
            UnitKind::Provincial => "provincial",
            UnitKind::Superior => "superior",
            UnitKind::GrassrootsCommittee => "grassroots_committee",
            UnitKind::GrassrootsCell => "grassroots_cell",
            UnitKind::Cell => "cell",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        UnitKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::invalid(
                    "kind",
                    s,
                    "one of central, provincial, superior, grassroots_committee, grassroots_cell, cell",
                )
            })
    }

    /// Members are registered in cells, or directly in a grassroots cell.
    pub fn holds_members(self) -> bool {
        matches!(self, UnitKind::Cell | UnitKind::GrassrootsCell)
    }
}

/// A unit's position in the tree as the ids from the root down, written
/// `/1/5/23/`. Every descendant's path starts with its ancestor's path, so a
/// subtree is one B-tree range scan: `path >= lower AND path < upper`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OrgPath(String);

impl OrgPath {
    pub fn root(id: i64) -> Self {
        OrgPath(format!("/{id}/"))
    }

    pub fn child(&self, id: i64) -> Self {
        OrgPath(format!("{}{id}/", self.0))
    }

    /// Parses a stored path, refusing anything that is not `/id/…/id/`.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        let ok = s.len() >= 3
            && s.starts_with('/')
            && s.ends_with('/')
            && s[1..s.len() - 1]
                .split('/')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if ok {
            Ok(OrgPath(s.to_string()))
        } else {
            Err(DomainError::invalid("path", s, "a path like /1/5/23/"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ids from the root down to this unit.
    pub fn ids(&self) -> Vec<i64> {
        self.0
            .trim_matches('/')
            .split('/')
            .filter_map(|p| p.parse().ok())
            .collect()
    }

    /// 0 for a root.
    pub fn depth(&self) -> usize {
        self.0.matches('/').count() - 2
    }

    pub fn parent(&self) -> Option<OrgPath> {
        let trimmed = &self.0[..self.0.len() - 1];
        let cut = trimmed.rfind('/')?;
        if cut == 0 {
            None
        } else {
            Some(OrgPath(self.0[..=cut].to_string()))
        }
    }

    /// True when `other` is this unit or lies below it.
    pub fn contains(&self, other: &OrgPath) -> bool {
        other.0.starts_with(&self.0)
    }

    /// Bounds of the half-open range of paths in this subtree (this unit
    /// included): every such path starts with `lower`, and `/` + 1 is `0`.
    pub fn subtree_range(&self) -> (String, String) {
        let lower = self.0.clone();
        let mut upper = self.0[..self.0.len() - 1].to_string();
        upper.push('0');
        (lower, upper)
    }

    /// The path this unit's descendant `descendant` gets when this unit moves to `new_self`.
    pub fn rebase(&self, descendant: &OrgPath, new_self: &OrgPath) -> Option<OrgPath> {
        descendant
            .0
            .strip_prefix(&self.0)
            .map(|rest| OrgPath(format!("{}{rest}", new_self.0)))
    }
}

impl fmt::Display for OrgPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(UnitCode::parse(" bvphcn ").unwrap().as_str(), "BVPHCN");
        assert!(UnitCode::parse("").is_err());
        assert!(UnitCode::parse("A B").is_err());
        assert!(UnitCode::parse("Đ").is_err());
    }

    #[test]
    fn path_arithmetic() {
        let root = OrgPath::root(1);
        let unit = root.child(5);
        let cell = unit.child(23);
        assert_eq!(cell.as_str(), "/1/5/23/");
        assert_eq!(cell.depth(), 2);
        assert_eq!(cell.ids(), vec![1, 5, 23]);
        assert_eq!(cell.parent(), Some(unit.clone()));
        assert_eq!(root.parent(), None);
        assert!(unit.contains(&cell));
        assert!(!cell.contains(&unit));
        // /1/5/ must not contain /1/50/
        assert!(!unit.contains(&root.child(50)));
        let (lo, hi) = unit.subtree_range();
        for p in [&unit, &cell] {
            assert!(p.as_str() >= lo.as_str() && p.as_str() < hi.as_str());
        }
        let other = root.child(50);
        assert!(!(other.as_str() >= lo.as_str() && other.as_str() < hi.as_str()));
        let moved = root.child(7).child(5);
        assert_eq!(unit.rebase(&cell, &moved).unwrap().as_str(), "/1/7/5/23/");
        assert!(OrgPath::parse("/1/x/").is_err());
        assert_eq!(OrgPath::parse("/1/2/").unwrap(), root.child(2));
    }
}
