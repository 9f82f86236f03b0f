//! Achievement: admitted / target × 100, per unit and rolled up the tree.
//!
//! The exact ratio is kept (12/11 stays 12/11); only display rounds, to a
//! whole percent as committees report it (135 %, 109 %).

use crate::org::{OrgPath, UnitCode};
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::fmt;

/// An achievement ratio `admitted / target`, target > 0 by construction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Percent {
    admitted: u64,
    target: u64,
}

impl Percent {
    /// `None` when there is no target (or a zero one): no percent, never a division error.
    pub fn of(admitted: u64, target: Option<u64>) -> Option<Percent> {
        match target {
            Some(t) if t > 0 => Some(Percent {
                admitted,
                target: t,
            }),
            _ => None,
        }
    }

    /// The exact value as a float: 109.0909… for 12/11.
    pub fn exact(self) -> f64 {
        self.admitted as f64 * 100.0 / self.target as f64
    }

    /// Rounded half up to a whole percent, computed in integers so that
    /// 122.5 % becomes 123 % without float surprises.
    pub fn rounded(self) -> u64 {
        (self.admitted * 200 + self.target) / (self.target * 2)
    }

    pub fn admitted(self) -> u64 {
        self.admitted
    }

    pub fn target(self) -> u64 {
        self.target
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.rounded())
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.exact())
    }
}

/// One row of an achievement report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AchievementRow {
    pub code: UnitCode,
    pub name: String,
    /// Depth below the report's root (0 for the root itself).
    pub depth: usize,
    pub target: Option<u64>,
    pub admitted: u64,
    pub percent: Option<Percent>,
}

/// A unit as the roll-up needs it.
#[derive(Debug, Clone)]
pub struct UnitNode {
    pub id: i64,
    pub code: UnitCode,
    pub name: String,
    pub path: OrgPath,
}

/// Rolls per-unit admission counts up the tree and produces report rows in
/// tree order (pre-order, siblings by code) for the subtree under `root`.
///
/// `own_admitted` maps a unit id to the admissions registered directly in
/// it; `targets` maps a unit id to its own target. A unit's admitted figure
/// is the sum over its whole subtree; its target is its own (targets are set
/// per unit by its congress and are not summed).
pub fn roll_up(
    root: &OrgPath,
    units: &[UnitNode],
    own_admitted: &HashMap<i64, u64>,
    targets: &HashMap<i64, u64>,
    max_depth: Option<usize>,
) -> Vec<AchievementRow> {
    let base_depth = root.depth();
    let in_tree: Vec<&UnitNode> = units.iter().filter(|u| root.contains(&u.path)).collect();
    // Sum each unit's own count into every ancestor within the subtree.
    let mut total: HashMap<i64, u64> = HashMap::new();
    for u in &in_tree {
        let n = own_admitted.get(&u.id).copied().unwrap_or(0);
        for anc in u.path.ids().into_iter().skip(base_depth) {
            *total.entry(anc).or_default() += n;
        }
    }
    let mut children: HashMap<i64, Vec<&UnitNode>> = HashMap::new();
    let mut top = None;
    for u in &in_tree {
        if &u.path == root {
            top = Some(*u);
        } else if let Some(p) = u.path.parent() {
            if let Some(pid) = p.ids().last() {
                children.entry(*pid).or_default().push(u);
            }
        }
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| a.code.cmp(&b.code));
    }
    let mut rows = Vec::new();
    let mut stack: Vec<&UnitNode> = top.into_iter().collect();
    while let Some(u) = stack.pop() {
        let depth = u.path.depth() - base_depth;
        if max_depth.is_some_and(|m| depth > m) {
            continue;
        }
        let admitted = total.get(&u.id).copied().unwrap_or(0);
        let target = targets.get(&u.id).copied();
        rows.push(AchievementRow {
            code: u.code.clone(),
            name: u.name.clone(),
            depth,
            target,
            admitted,
            percent: Percent::of(admitted, target),
        });
        if let Some(kids) = children.get(&u.id) {
            stack.extend(kids.iter().rev());
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_exact_and_rounded() {
        let p = Percent::of(12, Some(11)).unwrap();
        assert!((p.exact() - 109.090909).abs() < 1e-4);
        assert_eq!(p.rounded(), 109);
        assert_eq!(p.to_string(), "109 %");
        assert_eq!(Percent::of(54, Some(40)).unwrap().rounded(), 135);
        assert_eq!(Percent::of(49, Some(40)).unwrap().rounded(), 123);
        assert_eq!(Percent::of(1, Some(3)).unwrap().rounded(), 33);
        assert_eq!(Percent::of(2, Some(3)).unwrap().rounded(), 67);
        assert!(Percent::of(5, None).is_none());
        assert!(Percent::of(5, Some(0)).is_none());
        assert_eq!(serde_json::to_string(&p).unwrap(), "109.0909090909091");
    }

    fn node(id: i64, code: &str, path: &OrgPath) -> UnitNode {
        UnitNode {
            id,
            code: UnitCode::parse(code).unwrap(),
            name: code.to_string(),
            path: path.clone(),
        }
    }

    #[test]
    fn roll_up_sums_subtrees_in_tree_order() {
        let r = OrgPath::root(1);
        let a = r.child(2);
        let a1 = a.child(4);
        let b = r.child(3);
        let units = vec![
            node(1, "R", &r),
            node(3, "B", &b),
            node(2, "A", &a),
            node(4, "A1", &a1),
        ];
        let own = HashMap::from([(4, 5), (2, 1), (3, 2)]);
        let targets = HashMap::from([(1, 4), (2, 6)]);
        let rows = roll_up(&r, &units, &own, &targets, None);
        let got: Vec<_> = rows
            .iter()
            .map(|r| (r.code.as_str(), r.admitted, r.depth))
            .collect();
        assert_eq!(
            got,
            vec![("R", 8, 0), ("A", 6, 1), ("A1", 5, 2), ("B", 2, 1)]
        );
        assert_eq!(rows[0].percent.unwrap().rounded(), 200);
        assert_eq!(rows[1].percent.unwrap().rounded(), 100);
        assert!(rows[2].percent.is_none());
        let shallow = roll_up(&r, &units, &own, &targets, Some(1));
        assert_eq!(shallow.len(), 3);
        let sub = roll_up(&a, &units, &own, &targets, None);
        assert_eq!(sub.iter().map(|r| r.depth).collect::<Vec<_>>(), vec![0, 1]);
    }
}
