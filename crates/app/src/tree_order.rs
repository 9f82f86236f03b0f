//! A subtree laid out once in preorder (root first, then depth first with
//! siblings by code), so that every unit's own subtree is the contiguous
//! range `pos .. end[pos]`: per-unit questions over a subtree become one
//! pass over ranges or prefix sums instead of a search of the whole tree
//! per unit.

use ranks_store::records::units::UnitRow;
use std::collections::HashMap;

pub(crate) struct TreeOrder<'a> {
    /// The units in preorder.
    pub order: Vec<&'a UnitRow>,
    /// `end[i]`: one past the last unit of the subtree at `i`.
    pub end: Vec<usize>,
    pos_of_code: HashMap<&'a str, usize>,
}

impl<'a> TreeOrder<'a> {
    /// `tree` holds the subtree of `root` (any order).
    pub fn new(tree: &'a [UnitRow], root_id: i64) -> Self {
        let mut kids: HashMap<i64, Vec<&UnitRow>> = HashMap::new();
        for u in tree {
            if let Some(p) = u.parent_id {
                kids.entry(p).or_default().push(u);
            }
        }
        for k in kids.values_mut() {
            k.sort_by(|a, b| b.code.cmp(&a.code));
        }
        let mut order = Vec::with_capacity(tree.len());
        let mut parent_of: Vec<Option<usize>> = Vec::with_capacity(tree.len());
        let mut stack: Vec<(&UnitRow, Option<usize>)> = tree
            .iter()
            .filter(|u| u.id == root_id)
            .map(|u| (u, None))
            .collect();
        while let Some((u, parent)) = stack.pop() {
            let at = order.len();
            order.push(u);
            parent_of.push(parent);
            if let Some(k) = kids.get(&u.id) {
                stack.extend(k.iter().map(|c| (*c, Some(at))));
            }
        }
        let n = order.len();
        let mut end: Vec<usize> = (1..=n).collect();
        for i in (0..n).rev() {
            if let Some(p) = parent_of[i] {
                end[p] = end[p].max(end[i]);
            }
        }
        let pos_of_code = order
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.as_str(), i))
            .collect();
        TreeOrder {
            order,
            end,
            pos_of_code,
        }
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn pos_of_code(&self, code: &str) -> Option<usize> {
        self.pos_of_code.get(code).copied()
    }

    /// Prefix sums over preorder positions of per-unit values: the sum over
    /// the subtree at `i` is `p[end[i]] - p[i]`.
    pub fn prefix(&self, value: impl Fn(usize) -> u64) -> Vec<u64> {
        let mut p = Vec::with_capacity(self.len() + 1);
        p.push(0);
        for i in 0..self.len() {
            let last = *p.last().expect("non-empty");
            p.push(last + value(i));
        }
        p
    }

    /// The subtree sum at `i` from prefix sums made by [`TreeOrder::prefix`].
    pub fn sum(&self, prefix: &[u64], i: usize) -> u64 {
        prefix[self.end[i]] - prefix[i]
    }
}
