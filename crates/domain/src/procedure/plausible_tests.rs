//! Issue 15: who records which step, the registry's eligible, and the dates
//! the texts space in time.

use super::*;
use crate::Date;

fn d(s: &str) -> Date {
    Date::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn vote(e: u32, p: u32, f: u32, a: u32) -> Option<Vote> {
    Some(Vote {
        eligible: e,
        present: p,
        in_favour: f,
        against: a,
    })
}

#[test]
fn the_profile_says_who_records_each_step() {
    let p = Profile::default_cpv();
    for s in p.stages.iter().chain(&p.exits) {
        assert!(s.recorded_by.is_some(), "stage {} has no recorder", s.key);
    }
    assert!(p.may_record("cell_vote", Level::Cell));
    assert!(p.may_record("ceremony", Level::Cell));
    assert!(!p.may_record("grassroots_vote", Level::Cell));
    assert!(!p.may_record("decision", Level::Cell));
    assert!(!p.may_record("decision", Level::Grassroots));
    assert!(p.may_record("decision", Level::Superior));
    assert!(
        p.may_record("cell_vote", Level::Grassroots),
        "a committee above records for the cell"
    );
    let r = p.check_recorder("decision", Level::Cell).unwrap_err();
    assert_eq!(r.rule, "recorder");
    assert!(r.message.contains("competent committee"), "{r}");
    assert!(r.source.contains("4.3.1"), "{r}");
    assert_eq!(
        p.voters(p.stage("cell_vote").unwrap()),
        Voters::CellOfficialMembers
    );
    assert_eq!(
        p.voters(p.stage("grassroots_vote").unwrap()),
        Voters::CommitteeMembers
    );
    assert!(p
        .rules()
        .iter()
        .any(|(k, _)| k == "stage decision recorded by superior"));
}

#[test]
fn a_cell_votes_eligible_is_the_registrys_unless_a_reason_is_given() {
    let p = Profile::default_cpv();
    let on = d("2026-06-01");
    p.check_eligible("cell_vote", vote(9, 9, 9, 0), Some(9), on, None)
        .unwrap();
    let r = p
        .check_eligible("cell_vote", vote(3, 3, 3, 0), Some(9), on, None)
        .unwrap_err();
    assert_eq!(r.rule, "vote.eligible");
    assert!(r.message.contains("9 official members"), "{r}");
    p.check_eligible(
        "cell_vote",
        vote(8, 8, 8, 0),
        Some(9),
        on,
        Some("one transferred out on 30/5"),
    )
    .unwrap();
    assert!(p
        .check_eligible("cell_vote", vote(3, 3, 3, 0), Some(9), on, Some("  "))
        .is_err());
    // The committee's vote is not checked against the cell's registry.
    p.check_eligible("grassroots_vote", vote(7, 6, 6, 0), Some(9), on, None)
        .unwrap();
}

#[test]
fn two_thirds_count_on_the_registry_never_on_fewer() {
    let p = Profile::default_cpv();
    let dos = super::tests::ready_for_cell_vote();
    let step = |v| Step {
        stage: "cell_vote".into(),
        on: d("2026-06-01"),
        vote: v,
        skip_reason: None,
    };
    p.check(&dos, &step(vote(3, 3, 3, 0)), d("2026-11-24"))
        .unwrap();
    let nine = Dossier {
        cell_official_members: Some(9),
        ..dos
    };
    let r = p
        .check(&nine, &step(vote(3, 3, 3, 0)), d("2026-11-24"))
        .unwrap_err();
    assert_eq!(r.rule, "cell_vote_two_thirds");
    assert!(r.message.contains("3 in favour of 9 eligible"), "{r}");
    p.check(&nine, &step(vote(9, 7, 6, 1)), d("2026-11-24"))
        .unwrap();
}

#[test]
fn steps_the_texts_space_are_refused_on_one_day() {
    let p = Profile::default_cpv();
    let mut dos = Dossier::default();
    dos.history.push(("cell_vote".into(), d("2026-06-01")));
    let g = p
        .gates
        .iter()
        .find(|g| g.id == "grassroots_after_cell")
        .unwrap();
    let GateKind::Interval {
        after,
        min_months,
        min_days,
    } = &g.kind
    else {
        panic!()
    };
    let step = Step {
        stage: "grassroots_vote".into(),
        on: d("2026-06-01"),
        vote: None,
        skip_reason: None,
    };
    let said = plausible::interval(&dos, &step, after, *min_months, *min_days).unwrap();
    let msg = &said.text;
    assert!(msg.contains("earliest allowed date is 2026-06-02"), "{msg}");
    assert_eq!(said.key, "refusal-interval");
    let next = Step {
        on: d("2026-06-02"),
        ..step
    };
    assert!(plausible::interval(&dos, &next, after, *min_months, *min_days).is_none());
}

#[test]
fn probation_papers_are_dated_as_probation_ends() {
    let p = Profile::default_cpv();
    let mut dos = Dossier::default();
    let r = p
        .check_document_date(&dos, "10-KNĐ", d("2026-01-01"))
        .unwrap_err();
    assert_eq!(r.rule, "probation_papers");
    dos.history.push(("ceremony".into(), d("2025-12-15")));
    let r = p
        .check_document_date(&dos, "10-KNĐ", d("2025-12-15"))
        .unwrap_err();
    assert!(
        r.message.contains("earliest allowed date is 2026-11-15"),
        "{r}"
    );
    p.check_document_date(&dos, "10-KNĐ", d("2026-11-16"))
        .unwrap();
    let r = p
        .check_document_date(&dos, "13-KNĐ", d("2026-11-16"))
        .unwrap_err();
    assert_eq!(r.rule, "recognition_papers");
    p.check_document_date(&dos, "13-KNĐ", d("2026-12-15"))
        .unwrap();
    // Other papers are not concerned.
    p.check_document_date(&Dossier::default(), "1-KNĐ", d("2026-01-01"))
        .unwrap();
}
