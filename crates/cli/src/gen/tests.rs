use super::days::{add_months, civil_from_days, day, days_from_civil};
use super::names::*;
use super::tree::{allocate, build_tree};
use super::write::push_date;

#[test]
fn days_round_trip() {
    for z in (day(1900, 1, 1)..day(2100, 12, 31)).step_by(7) {
        let (y, m, d) = civil_from_days(z);
        assert_eq!(days_from_civil(y, m, d), z);
    }
    assert_eq!(day(1970, 1, 1), 0);
    assert_eq!(civil_from_days(day(2024, 2, 29)), (2024, 2, 29));
    assert_eq!(
        civil_from_days(add_months(day(2024, 2, 29), 12)),
        (2025, 2, 28)
    );
    assert_eq!(
        civil_from_days(add_months(day(2024, 11, 30), 3)),
        (2025, 2, 28)
    );
    let mut b = Vec::new();
    push_date(&mut b, day(2005, 3, 9));
    assert_eq!(b, b"2005-03-09");
}

#[test]
fn allocation_sums_and_respects_the_minimum() {
    let w = [1.0, 5.0, 0.1, 3.0];
    let a = allocate(100, &w, 2);
    assert_eq!(a.iter().sum::<u64>(), 100);
    assert!(a.iter().all(|x| *x >= 2));
    assert_eq!(allocate(3, &[1.0, 1.0, 1.0, 1.0], 1), vec![1, 1, 1, 1]);
}

#[test]
fn national_shape() {
    let t = build_tree(5_600_000, 1);
    assert_eq!(t.superiors.len(), 700);
    assert_eq!(t.grassroots.len(), 52_000);
    assert_eq!(t.cells.len(), 260_000);
    assert_eq!(
        t.cells.iter().map(|c| u64::from(c.members)).sum::<u64>(),
        5_600_000
    );
    assert_eq!(
        t.cells.iter().map(|c| u64::from(c.candidates)).sum::<u64>(),
        250_000
    );
    let small = build_tree(1000, 1);
    assert_eq!(small.superiors.len(), 34);
    assert_eq!(small.grassroots.len(), 34);
    assert_eq!(small.cells.len(), 68);
}

#[test]
fn no_word_needs_quoting() {
    let mut all: Vec<&str> = Vec::new();
    all.extend(PROVINCES.iter().map(|p| p.0));
    all.extend(PLACES);
    all.extend(DEPARTMENTS);
    all.extend(FAMILY_NAMES.iter().map(|x| x.0));
    all.extend(MALE_MIDDLE.iter().chain(FEMALE_MIDDLE));
    all.extend(MALE_GIVEN.iter().chain(FEMALE_GIVEN));
    all.extend(ETHNICITIES.iter().map(|x| x.0));
    all.extend(OCCUPATIONS.iter().map(|x| x.0));
    for w in all {
        assert!(!w.contains([',', ';', '"', '\n']), "{w}");
    }
}

#[test]
fn id_numbers_are_unique() {
    let mut ids = IdNumbers::new();
    let mut seen = std::collections::HashSet::new();
    let p = Person {
        male: false,
        birth: day(1990, 5, 1),
    };
    for _ in 0..20_000 {
        let mut b = Vec::new();
        ids.push(&mut b, 0, p).unwrap();
        assert_eq!(b.len(), 12);
        assert!(b.starts_with(b"001190"));
        assert!(seen.insert(b));
    }
}
