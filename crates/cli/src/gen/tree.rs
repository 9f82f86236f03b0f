//! The tree: Central → 34 provinces → superior committees → grassroots
//! committees → cells, with the counts below the provinces scaled to
//! N / 5,600,000 of the national ones.

use super::days::day;
use super::names::PROVINCES;
use super::rng::Rng;

/// The national sizes the counts are scaled from.
const NATIONAL_MEMBERS: f64 = 5_600_000.0;
const NATIONAL_SUPERIORS: f64 = 700.0;
const NATIONAL_GRASSROOTS: f64 = 52_000.0;
const NATIONAL_CELLS: f64 = 260_000.0;
const NATIONAL_CANDIDATES: f64 = 250_000.0;

pub(super) struct Superior {
    pub(super) province: u8,
    pub(super) no: u32,
    pub(super) created: i32,
}

pub(super) struct Grassroots {
    pub(super) superior: u32,
    pub(super) no: u32,
    pub(super) created: i32,
}

pub(super) struct Cell {
    pub(super) grassroots: u32,
    pub(super) no: u32,
    pub(super) members: u32,
    pub(super) candidates: u32,
}

pub(super) struct Tree {
    pub(super) superiors: Vec<Superior>,
    pub(super) grassroots: Vec<Grassroots>,
    pub(super) cells: Vec<Cell>,
    pub(super) province_created: Vec<i32>,
}

impl Tree {
    pub(super) fn superior_code(&self, s: usize) -> String {
        let sup = &self.superiors[s];
        format!("P{:02}.S{:03}", sup.province + 1, sup.no)
    }

    pub(super) fn grassroots_code(&self, g: usize) -> String {
        let gr = &self.grassroots[g];
        format!("{}.G{:04}", self.superior_code(gr.superior as usize), gr.no)
    }

    pub(super) fn cell_code(&self, c: usize) -> String {
        let cell = &self.cells[c];
        format!(
            "{}.CB{}",
            self.grassroots_code(cell.grassroots as usize),
            cell.no
        )
    }

    pub(super) fn province_of_cell(&self, c: usize) -> usize {
        let g = self.cells[c].grassroots as usize;
        let s = self.grassroots[g].superior as usize;
        self.superiors[s].province as usize
    }
}

/// `total` split over `weights.len()` parts, each at least `min`, the rest
/// in proportion to the weights; the parts sum to `total` exactly.
pub(super) fn allocate(total: u64, weights: &[f64], min: u64) -> Vec<u64> {
    let k = weights.len() as u64;
    let rest = total.saturating_sub(min * k);
    let sum: f64 = weights.iter().sum();
    let mut out = Vec::with_capacity(weights.len());
    let (mut cum, mut given) = (0.0, 0u64);
    for (i, w) in weights.iter().enumerate() {
        cum += w;
        let upto = if i + 1 == weights.len() {
            rest
        } else {
            ((rest as f64 * cum / sum).floor() as u64).min(rest)
        };
        out.push(min + upto - given);
        given = upto;
    }
    out
}

pub(super) fn scaled(national: f64, members: u64) -> u64 {
    (national * members as f64 / NATIONAL_MEMBERS).round() as u64
}

pub(super) fn build_tree(members: u64, seed: u64) -> Tree {
    let mut rng = Rng::stream(seed, 1);
    let n_sup = scaled(NATIONAL_SUPERIORS, members).max(PROVINCES.len() as u64);
    let n_gr = scaled(NATIONAL_GRASSROOTS, members).max(n_sup);
    let n_cells = scaled(NATIONAL_CELLS, members).max(2 * n_gr);
    let n_cand = scaled(NATIONAL_CANDIDATES, members);

    let pw: Vec<f64> = PROVINCES.iter().map(|p| f64::from(p.3)).collect();
    let per_province = allocate(n_sup, &pw, 1);
    let province_created: Vec<i32> = (0..PROVINCES.len())
        .map(|_| day(1930, 3, 1) + rng.range(0, 15 * 365) as i32)
        .collect();
    let mut superiors = Vec::new();
    for (p, n) in per_province.iter().enumerate() {
        for no in 1..=*n {
            superiors.push(Superior {
                province: p as u8,
                no: no as u32,
                created: province_created[p] + rng.range(30, 5 * 365) as i32,
            });
        }
    }
    let sw: Vec<f64> = superiors
        .iter()
        .map(|s| {
            pw[s.province as usize] / per_province[s.province as usize] as f64 * (0.5 + rng.unit())
        })
        .collect();
    let mut grassroots = Vec::new();
    for (s, n) in allocate(n_gr, &sw, 1).into_iter().enumerate() {
        for no in 1..=n {
            grassroots.push(Grassroots {
                superior: s as u32,
                no: no as u32,
                created: superiors[s].created + rng.range(30, 5 * 365) as i32,
            });
        }
    }
    // Each grassroots committee's share of its superior's weight, so that
    // the cells (and members) follow the provinces' sizes at any scale.
    let mut per_superior = vec![0u32; superiors.len()];
    for gr in &grassroots {
        per_superior[gr.superior as usize] += 1;
    }
    let gw: Vec<f64> = grassroots
        .iter()
        .map(|gr| {
            sw[gr.superior as usize] / f64::from(per_superior[gr.superior as usize])
                * (0.4 + rng.unit() * 1.2)
        })
        .collect();
    let mut cells = Vec::new();
    for (g, n) in allocate(n_cells, &gw, 2).into_iter().enumerate() {
        for no in 1..=n {
            cells.push(Cell {
                grassroots: g as u32,
                no: no as u32,
                members: 0,
                candidates: 0,
            });
        }
    }
    // Uneven cells: 5 to 40 members in proportion.
    let cw: Vec<f64> = cells.iter().map(|_| 5.0 + rng.unit() * 35.0).collect();
    for (c, n) in allocate(members, &cw, 0).into_iter().enumerate() {
        cells[c].members = n as u32;
    }
    let kw: Vec<f64> = cells
        .iter()
        .map(|c| f64::from(c.members) * (0.3 + rng.unit() * 1.4) + 0.1)
        .collect();
    for (c, n) in allocate(n_cand, &kw, 0).into_iter().enumerate() {
        cells[c].candidates = n as u32;
    }
    Tree {
        superiors,
        grassroots,
        cells,
        province_created,
    }
}
