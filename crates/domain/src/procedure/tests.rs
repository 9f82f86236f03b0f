use super::*;
use crate::calendar::WorkCalendar;
use crate::Date;
use std::collections::BTreeMap;

fn d(s: &str) -> Date {
    Date::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn profile() -> Profile {
    Profile::default_cpv()
}

const TODAY: &str = "2026-11-24";

/// A candidate with everything needed for the cell vote on 2026-06-01.
pub(super) fn ready_for_cell_vote() -> Dossier {
    let mut docs = BTreeMap::new();
    for c in [
        "NQ-GIUPDO",
        "CN-NTVĐ",
        "1-KNĐ",
        "2-KNĐ",
        "TTLL",
        "3-KNĐ",
        "5-KNĐ",
        "6-KNĐ",
    ] {
        docs.insert(c.to_string(), d("2026-01-05"));
    }
    Dossier {
        // Outside youth age: two official members suffice (see the Youth
        // Union route in `introducers_by_the_youth_union_route`).
        birth_date: Some(d("1990-03-10")),
        general_grade: 12,
        area: None,
        history: vec![
            ("pool".into(), d("2025-01-06")),
            ("sympathiser".into(), d("2025-02-03")),
            ("course".into(), d("2025-04-07")),
            ("application".into(), d("2025-05-05")),
            ("personal_history".into(), d("2025-06-02")),
            ("verification".into(), d("2025-08-04")),
            ("introduction".into(), d("2025-09-01")),
            ("comments".into(), d("2025-10-06")),
        ],
        documents: docs,
        certificate_issued: Some(d("2025-04-07")),
        introducers: vec![
            Introducer::Member {
                name: "Nông Văn Ba".into(),
                official_since: Some(d("2010-05-01")),
                together_since: d("2020-01-01"),
            },
            Introducer::Member {
                name: "Hoàng Thị Tư".into(),
                official_since: Some(d("2015-05-01")),
                together_since: d("2022-01-01"),
            },
        ],
        mentors: 2,
        probation_mentors: 0,
        unit_kind: None,
        received: BTreeMap::new(),
        cell_official_members: None,
        left_party_on: None,
        unit_has: Organisations::default(),
        member_of: Memberships::default(),
        party_exit: PartyExit::default(),
    }
}

fn vote(eligible: u32, present: u32, in_favour: u32, against: u32) -> Option<Vote> {
    Some(Vote {
        eligible,
        present,
        in_favour,
        against,
    })
}

fn cell_vote(on: &str, v: Option<Vote>) -> Step {
    Step {
        stage: "cell_vote".into(),
        on: d(on),
        vote: v,
        skip_reason: None,
    }
}

fn refused(dossier: &Dossier, step: &Step) -> Refusal {
    let r = profile()
        .check(dossier, step, d(TODAY))
        .expect_err("should be refused");
    // Every refusal also carries its message key, with its arguments named
    // once each, for the interface's languages.
    assert!(r.key.starts_with("refusal-"), "{r:?}");
    let mut names: Vec<&str> = r.args.iter().map(|a| a.0.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), r.args.len(), "{r:?}");
    r
}

#[test]
fn the_shipped_profile_is_valid_and_every_rule_has_a_source() {
    let p = profile();
    assert_eq!(p.stages.first().unwrap().key, "pool");
    assert_eq!(p.admission_stage().key, "decision");
    assert_eq!(p.recognition_stage().key, "recognised");
    assert!(p.rules().len() > 25);
    for (rule, s) in p.rules() {
        assert!(!s.title.is_empty() && !s.article.is_empty(), "{rule}");
    }
    assert!(p.is_open("cell_vote") && !p.is_open("recognised") && !p.is_open("withdrawn"));
    assert!(p.is_admitted("ceremony") && !p.is_admitted("grassroots_vote"));
}

#[test]
fn a_valid_cell_vote_passes() {
    let p = profile();
    p.check(
        &ready_for_cell_vote(),
        &cell_vote("2026-06-01", vote(9, 8, 6, 2)),
        d(TODAY),
    )
    .unwrap();
}

#[test]
fn broken_profiles_are_refused_with_line_numbers() {
    let good = DEFAULT_PROFILE;
    // A stage asking for a document nobody listed.
    let bad = good.replacen("documents = [\"1-KNĐ\"]", "documents = [\"99-KNĐ\"]", 1);
    let line = bad.lines().position(|l| l.contains("99-KNĐ")).unwrap() + 1;
    let e = Profile::parse(&bad).unwrap_err();
    assert!(
        e.0.iter()
            .any(|x| x.message.contains("99-KNĐ") && x.line.abs_diff(line) <= 8),
        "{e}"
    );
    // An unknown gate kind.
    let bad = good.replacen("kind = \"age\"", "kind = \"height\"", 1);
    let e = Profile::parse(&bad).unwrap_err().to_string();
    assert!(e.contains("kind 'height'") && e.starts_with("line "), "{e}");
    // A syntax error names its line.
    let bad = good.replacen("valid_months = 60", "valid_months = = 60", 1);
    let line = bad.lines().position(|l| l.contains("= = 60")).unwrap() + 1;
    let e = Profile::parse(&bad).unwrap_err();
    assert_eq!(e.0[0].line, line, "{e}");
    // A deadline running backwards, a source nobody listed, a field nobody knows.
    let bad = good.replacen(
        "from = \"cell_vote\"\nuntil = \"decision\"",
        "from = \"decision\"\nuntil = \"cell_vote\"",
        1,
    );
    assert!(Profile::parse(&bad)
        .unwrap_err()
        .to_string()
        .contains("does not come after"));
    let bad = good.replacen(
        "doc = \"hd12\", article = \"mẫu 2-KNĐ\"",
        "doc = \"hd99\", article = \"x\"",
        1,
    );
    assert!(Profile::parse(&bad)
        .unwrap_err()
        .to_string()
        .contains("'hd99' is not listed"));
    let bad = good.replacen("min_years = 18", "min_years = 18\nminimum_height = 2", 1);
    assert!(Profile::parse(&bad)
        .unwrap_err()
        .to_string()
        .contains("minimum_height"));
    // Several problems are all reported, in line order.
    let bad = good
        .replacen("kind = \"age\"", "kind = \"height\"", 1)
        .replacen("unit = \"months\"", "unit = \"fortnights\"", 1);
    let e = Profile::parse(&bad).unwrap_err();
    assert_eq!(e.0.len(), 2, "{e}");
    assert!(e.0[0].line < e.0[1].line);
}

#[test]
fn age_is_counted_in_whole_months_at_the_vote() {
    let mut dos = ready_for_cell_vote();
    // Introduced by two official members and, for the youth-age candidate,
    // the Youth Union (of which they are a member) as well.
    dos.member_of.youth_union = true;
    dos.introducers.push(Introducer::YouthUnion);
    dos.documents.insert("4-KNĐ".into(), d("2026-01-05"));
    // 18 years old on 2026-06-01 exactly: allowed; one day younger: refused.
    dos.birth_date = Some(d("2008-06-01"));
    profile()
        .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
        .unwrap();
    dos.birth_date = Some(d("2008-06-02"));
    let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
    assert_eq!(r.rule, "age");
    assert!(r.message.contains("17 years 11 months"), "{r}");
    assert!(r.source.contains("294-QĐ/TW"), "{r}");
    // 60 years exactly: allowed; 60 years and a month: the cell may consider
    // only with the conditions recorded (issue 14.2; see the over-60 test).
    dos.birth_date = Some(d("1966-06-01"));
    profile()
        .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
        .unwrap();
    dos.birth_date = Some(d("1966-05-01"));
    let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
    assert_eq!(r.rule, "age");
    assert!(r.message.contains("DK-TREN60"), "{r}");
}

/// A dossier through the cell vote of 2026-06-01 and the grassroots vote of
/// 2026-06-15, with the decision's form recorded.
fn ready_for_decision() -> Dossier {
    let mut dos = ready_for_cell_vote();
    dos.history.push(("cell_vote".into(), d("2026-06-01")));
    dos.history
        .push(("grassroots_vote".into(), d("2026-06-15")));
    for c in ["8-KNĐ", "9-KNĐ"] {
        dos.documents.insert(c.into(), d("2026-06-15"));
    }
    dos
}

fn step(stage: &str, on: &str) -> Step {
    Step {
        stage: stage.into(),
        on: d(on),
        vote: None,
        skip_reason: None,
    }
}

/// Issue 14.2: over 60, the conditions (health and prestige; a place without
/// a party organisation or members, or a special requirement) come before the
/// cell's consideration, and the provincial standing committee's written
/// consent before the admission decision, not before the cell vote.
#[test]
fn over_sixty_conditions_at_the_vote_consent_at_the_decision() {
    let mut dos = ready_for_cell_vote();
    dos.birth_date = Some(d("1965-01-10"));
    let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
    assert!(r.message.contains("health and prestige"), "{r}");
    // Conditions recorded: the cell may vote without the consent (the old
    // profile refused this: it asked for the consent at the vote).
    dos.documents.insert("DK-TREN60".into(), d("2026-05-25"));
    profile()
        .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
        .unwrap();
    let mut dec = ready_for_decision();
    dec.birth_date = dos.birth_date;
    dec.documents.insert("DK-TREN60".into(), d("2026-05-25"));
    let r = refused(&dec, &step("decision", "2026-07-01"));
    assert_eq!(r.rule, "age");
    assert!(
        r.message.contains("DY-TREN60") && r.message.contains("admission decision"),
        "{r}"
    );
    assert!(r.source.contains("06-HD/TW mục 1.1"), "{r}");
    // Consent dated after the decision does not count.
    dec.documents.insert("DY-TREN60".into(), d("2026-07-02"));
    assert_eq!(refused(&dec, &step("decision", "2026-07-01")).rule, "age");
    dec.documents.insert("DY-TREN60".into(), d("2026-06-20"));
    profile()
        .check(&dec, &step("decision", "2026-07-01"), d(TODAY))
        .unwrap();
    // Under 60 at the cell vote, nothing more is asked at the decision.
    profile()
        .check(
            &ready_for_decision(),
            &step("decision", "2026-07-01"),
            d(TODAY),
        )
        .unwrap();
}

/// Issue 14.6: a grassroots cell (chi bộ cơ sở) has no grassroots committee
/// vote; its resolution goes to the superior committee directly.
#[test]
fn a_grassroots_cell_goes_from_its_vote_to_the_decision() {
    let mut dos = ready_for_cell_vote();
    dos.history.push(("cell_vote".into(), d("2026-06-01")));
    dos.documents.insert("9-KNĐ".into(), d("2026-06-10"));
    // A cell under a grassroots committee still needs the committee's vote.
    dos.unit_kind = Some(crate::UnitKind::Cell);
    let r = refused(&dos, &step("decision", "2026-06-20"));
    assert!(r.message.contains("'grassroots_vote' is required"), "{r}");
    dos.unit_kind = Some(crate::UnitKind::GrassrootsCell);
    profile()
        .check(&dos, &step("decision", "2026-06-20"), d(TODAY))
        .unwrap();
    // And the committee vote itself is refused, naming why.
    let mut v = step("grassroots_vote", "2026-06-20");
    v.vote = vote(5, 5, 5, 0);
    dos.documents.insert("8-KNĐ".into(), d("2026-06-10"));
    let r = refused(&dos, &v);
    assert_eq!(r.rule, "sequence.unit_kind");
    assert!(r.message.contains("chi bộ cơ sở"), "{r}");
}

/// Issue 14.5: the ceremony's 30 working days count from the day the cell
/// received the decision; until that is recorded the decision's date is
/// assumed, and said to be.
#[test]
fn the_ceremony_counts_from_the_receipt_of_the_decision() {
    let p = profile();
    let cal = WorkCalendar::new();
    let mut dos = ready_for_decision();
    dos.history.push(("decision".into(), d("2026-07-01")));
    let ceremony = |dos: &Dossier| {
        p.deadlines_for(dos, &cal, d("2026-07-02"))
            .into_iter()
            .find(|x| x.rule == "ceremony_after_decision")
            .unwrap()
    };
    let assumed = ceremony(&dos);
    assert!(assumed.assumed_start);
    assert_eq!(assumed.started, d("2026-07-01"));
    assert_eq!(assumed.due, cal.add_working_days(d("2026-07-01"), 30));
    dos.received.insert("decision".into(), d("2026-07-15"));
    let counted = ceremony(&dos);
    assert!(!counted.assumed_start);
    assert_eq!(counted.started, d("2026-07-15"));
    assert_eq!(counted.due, cal.add_working_days(d("2026-07-15"), 30));
    assert!(counted.due > assumed.due);
    assert!(counted.source.contains("mục 4.1"), "{}", counted.source);
}

/// Issue 14.7: border areas and fishermen have the primary-school exception;
/// a village elder who only reads and writes needs the provincial consent
/// before the decision; the spouse's side of the verification.
#[test]
fn education_and_verification_exceptions_as_the_guidance_names_them() {
    let mut dos = ready_for_cell_vote();
    dos.general_grade = 5;
    for area in ["border", "fishermen"] {
        dos.area = Some(area.into());
        profile()
            .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
            .unwrap_or_else(|r| panic!("{area}: {r}"));
    }
    dos.area = Some("village_elder".into());
    dos.general_grade = 0;
    profile()
        .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
        .unwrap();
    let mut dec = ready_for_decision();
    dec.area = Some("village_elder".into());
    dec.general_grade = 0;
    let r = refused(&dec, &step("decision", "2026-07-01"));
    assert_eq!(r.rule, "education");
    assert!(r.message.contains("DY-UYTIN"), "{r}");
    dec.documents.insert("DY-UYTIN".into(), d("2026-06-25"));
    profile()
        .check(&dec, &step("decision", "2026-07-01"), d(TODAY))
        .unwrap();
    // The spouse case waives only the spouse's side: the reason is accepted,
    // the verification's own document is still needed.
    let mut ver = ready_for_cell_vote();
    ver.history.truncate(5); // through personal_history
    ver.documents.remove("TTLL");
    let mut s = step("verification", "2025-08-04");
    s.skip_reason = Some("spouse_side".into());
    let r = profile()
        .check(&ver, &s, d(TODAY))
        .expect_err("TTLL missing");
    assert!(r.message.contains("TTLL"), "{r}");
    ver.documents.insert("TTLL".into(), d("2025-08-01"));
    profile().check(&ver, &s, d(TODAY)).unwrap();
    s.skip_reason = Some("relative_member".into());
    ver.documents.remove("TTLL");
    profile().check(&ver, &s, d(TODAY)).unwrap();
}

#[test]
fn education_with_hardship_exceptions() {
    let mut dos = ready_for_cell_vote();
    dos.general_grade = 8;
    assert_eq!(
        refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0))).rule,
        "education"
    );
    dos.area = Some("mountain".into());
    profile()
        .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
        .unwrap();
    dos.general_grade = 4;
    assert_eq!(
        refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0))).rule,
        "education"
    );
}

#[test]
fn the_certificate_must_be_valid_at_the_vote() {
    let mut dos = ready_for_cell_vote();
    dos.certificate_issued = Some(d("2021-06-01"));
    // Valid through 60 months: 2026-06-01 is the last day.
    profile()
        .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
        .unwrap();
    let r = refused(&dos, &cell_vote("2026-06-02", vote(9, 9, 9, 0)));
    assert_eq!(r.rule, "certificate");
    assert!(r.message.contains("expired"), "{r}");
    dos.certificate_issued = None;
    assert_eq!(
        refused(&dos, &cell_vote("2026-06-02", vote(9, 9, 9, 0))).rule,
        "certificate"
    );
}

#[test]
fn introducers_must_be_official_and_long_enough_together() {
    let mut dos = ready_for_cell_vote();
    dos.introducers[0] = Introducer::Member {
        name: "Lý Văn Dự".into(),
        official_since: None,
        together_since: d("2020-01-01"),
    };
    let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
    assert_eq!(r.rule, "introducers");
    assert!(
        r.message.contains("Lý Văn Dự is a probationary member"),
        "{r}"
    );
    dos.introducers[0] = Introducer::Member {
        name: "Lý Văn Mới".into(),
        official_since: Some(d("2010-01-01")),
        together_since: d("2025-07-01"),
    };
    let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
    assert!(r.message.contains("less than 12 months"), "{r}");
    // A youth-age candidate: one member and the Youth Union's resolution suffice.
    dos.birth_date = Some(d("1998-03-10"));
    dos.member_of.youth_union = true;
    dos.introducers[0] = Introducer::YouthUnion;
    let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
    assert!(r.message.contains("4-KNĐ"), "{r}");
    dos.documents.insert("4-KNĐ".into(), d("2025-09-01"));
    profile()
        .check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
        .unwrap();
    // Not for a candidate over the youth age.
    dos.birth_date = Some(d("1990-01-01"));
    assert_eq!(
        refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0))).rule,
        "introducers"
    );
}

fn official(name: &str) -> Introducer {
    Introducer::Member {
        name: name.into(),
        official_since: Some(d("2010-05-01")),
        together_since: d("2020-01-01"),
    }
}

/// The dossier of `ready_for_cell_vote` for a candidate born on `birth`.
fn born(birth: &str) -> Dossier {
    Dossier {
        birth_date: Some(d(birth)),
        ..ready_for_cell_vote()
    }
}

#[test]
fn introducers_by_the_youth_union_route() {
    let on = cell_vote("2026-06-01", vote(9, 9, 9, 0));
    // 28 years old where the unit has a Youth Union: two official members
    // alone are refused (the old profile accepted them), naming the route.
    let mut dos = born("1998-03-10");
    dos.member_of.youth_union = true;
    let r = refused(&dos, &on);
    assert_eq!(r.rule, "introducers");
    assert!(r.message.contains("Youth Union"), "{r}");
    assert!(r.message.contains("4-KNĐ"), "{r}");
    assert!(r.message.contains("alone do not suffice"), "{r}");
    // The Youth Union resolution without its form recorded: still refused.
    dos.introducers = vec![official("Nông Văn Ba"), Introducer::YouthUnion];
    let r = refused(&dos, &on);
    assert!(r.message.contains("form 4-KNĐ is not recorded"), "{r}");
    // With 4-KNĐ and one official member: accepted.
    dos.documents.insert("4-KNĐ".into(), d("2025-09-01"));
    profile().check(&dos, &on, d(TODAY)).unwrap();
    // The form recorded after the step does not count.
    dos.documents.insert("4-KNĐ".into(), d("2026-06-02"));
    assert_eq!(refused(&dos, &on).rule, "introducers");
    dos.documents.insert("4-KNĐ".into(), d("2025-09-01"));
    // The resolution alone is not enough: one official member besides it.
    dos.introducers = vec![Introducer::YouthUnion];
    let r = refused(&dos, &on);
    assert!(
        r.message.contains("0 valid official member(s) besides"),
        "{r}"
    );
    // A candidate of youth age who is not a Youth Union member is refused.
    dos.introducers = vec![official("Nông Văn Ba"), Introducer::YouthUnion];
    dos.member_of.youth_union = false;
    let r = refused(&dos, &on);
    assert!(
        r.message.contains("not recorded as a Youth Union member"),
        "{r}"
    );
    // Youth age ends at 30 counted in whole months: 30 years and 11 months
    // is still youth age, 31 is not.
    let mut dos = born("1995-06-02");
    assert!(refused(&dos, &on).message.contains("Youth Union"));
    dos.birth_date = Some(d("1995-06-01"));
    profile().check(&dos, &on, d(TODAY)).unwrap();
}

#[test]
fn introducers_where_there_is_no_youth_union() {
    let on = cell_vote("2026-06-01", vote(9, 9, 9, 0));
    // In youth age but no Youth Union organisation at the unit: two
    // official members, as outside youth age.
    let mut dos = born("1998-03-10");
    dos.unit_has.youth_union = false;
    profile().check(&dos, &on, d(TODAY)).unwrap();
    // ... and a Youth Union resolution does not replace one of them there.
    dos.introducers = vec![official("Nông Văn Ba"), Introducer::YouthUnion];
    dos.documents.insert("4-KNĐ".into(), d("2025-09-01"));
    let r = refused(&dos, &on);
    assert!(
        r.message.contains("1 valid introducer(s), 2 required"),
        "{r}"
    );
    // The trade-union route is for candidates outside youth age.
    dos.member_of.trade_union = true;
    dos.introducers = vec![official("Nông Văn Ba"), Introducer::TradeUnion];
    dos.documents.insert("4A-KNĐ".into(), d("2025-09-01"));
    let r = refused(&dos, &on);
    assert!(
        r.message.contains("trade-union resolution counts only"),
        "{r}"
    );
}

#[test]
fn introducers_by_the_trade_union_route() {
    let on = cell_vote("2026-06-01", vote(9, 9, 9, 0));
    // 35 years old: the trade-union committee's resolution (4A-KNĐ) and one
    // official member.
    let mut dos = born("1991-01-15");
    dos.member_of.trade_union = true;
    dos.introducers = vec![official("Nông Văn Ba"), Introducer::TradeUnion];
    let r = refused(&dos, &on);
    assert!(r.message.contains("4A-KNĐ"), "{r}");
    dos.documents.insert("4A-KNĐ".into(), d("2025-09-01"));
    profile().check(&dos, &on, d(TODAY)).unwrap();
    // Not where the unit has no trade union, nor for a non-member.
    dos.unit_has.trade_union = false;
    assert_eq!(refused(&dos, &on).rule, "introducers");
    dos.unit_has.trade_union = true;
    dos.member_of.trade_union = false;
    assert_eq!(refused(&dos, &on).rule, "introducers");
    // Two official members remain accepted outside youth age.
    let dos = born("1991-01-15");
    profile().check(&dos, &on, d(TODAY)).unwrap();
    // The shipped profile lists 4A-KNĐ and cites the Charter's Điều 4 khoản 1.
    let p = profile();
    assert!(p.documents.contains_key("4A-KNĐ"));
    let gate = p.gates.iter().find(|g| g.id == "introducers").unwrap();
    assert!(
        gate.source.article.contains("Điều 4, khoản 1"),
        "{:?}",
        gate.source
    );
    assert!(!gate.source.confirmed);
}

#[test]
fn votes_must_add_up_and_reach_two_thirds() {
    let dos = ready_for_cell_vote();
    for v in [vote(9, 10, 9, 0), vote(9, 8, 7, 2), vote(0, 0, 0, 0)] {
        assert_eq!(
            refused(&dos, &cell_vote("2026-06-01", v)).rule,
            "vote.counts"
        );
    }
    assert_eq!(
        refused(&dos, &cell_vote("2026-06-01", None)).rule,
        "vote.missing"
    );
    // 2/3 of all official members, present or not: 6 of 9 passes, 5 of 9 does not.
    profile()
        .check(&dos, &cell_vote("2026-06-01", vote(9, 6, 6, 0)), d(TODAY))
        .unwrap();
    let r = refused(&dos, &cell_vote("2026-06-01", vote(9, 9, 5, 4)));
    assert_eq!(r.rule, "cell_vote_two_thirds");
    assert!(r.source.contains("Điều 4"), "{r}");
    // The grassroots committee: its own threshold over its members.
    let mut dos = dos;
    dos.history.push(("cell_vote".into(), d("2026-06-01")));
    dos.documents.insert("8-KNĐ".into(), d("2026-06-10"));
    let gv = |v| Step {
        stage: "grassroots_vote".into(),
        on: d("2026-06-15"),
        vote: v,
        skip_reason: None,
    };
    profile()
        .check(&dos, &gv(vote(7, 6, 5, 1)), d(TODAY))
        .unwrap();
    assert_eq!(
        refused(&dos, &gv(vote(7, 7, 4, 3))).rule,
        "grassroots_vote_two_thirds"
    );
}

#[test]
fn order_documents_and_dates() {
    let dos = ready_for_cell_vote();
    // A stage skipped that the profile requires.
    let mut early = dos.clone();
    early.history.truncate(6);
    let r = refused(&early, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
    assert_eq!(r.rule, "sequence");
    assert!(
        r.message
            .contains("'introduction' is required before 'cell_vote'"),
        "{r}"
    );
    // Documents the stage needs.
    let mut nodoc = dos.clone();
    nodoc.documents.remove("6-KNĐ");
    let r = refused(&nodoc, &cell_vote("2026-06-01", vote(9, 9, 9, 0)));
    assert_eq!(r.rule, "documents");
    assert!(r.message.contains("6-KNĐ"), "{r}");
    // Dates: not after today, not before the previous step.
    assert_eq!(
        refused(&dos, &cell_vote("2026-11-25", vote(9, 9, 9, 0))).rule,
        "date.future"
    );
    assert_eq!(
        refused(&dos, &cell_vote("2025-10-01", vote(9, 9, 9, 0))).rule,
        "date.order"
    );
    // Going back is refused too.
    let back = Step {
        stage: "course".into(),
        on: d("2026-06-01"),
        vote: None,
        skip_reason: None,
    };
    assert_eq!(refused(&dos, &back).rule, "sequence");
    // The verification may be entered without its result only for a legal reason.
    let mut v = dos.clone();
    v.history.truncate(5);
    v.documents.remove("TTLL");
    let step = |reason: Option<&str>| Step {
        stage: "verification".into(),
        on: d("2026-06-01"),
        vote: None,
        skip_reason: reason.map(str::to_string),
    };
    assert_eq!(refused(&v, &step(None)).rule, "documents");
    assert_eq!(refused(&v, &step(Some("busy"))).rule, "skip");
    profile()
        .check(&v, &step(Some("relative_member")), d(TODAY))
        .unwrap();
}

#[test]
fn ceremony_probation_recognition_and_readmission() {
    let p = profile();
    let mut dos = ready_for_cell_vote();
    for (s, on) in [
        ("cell_vote", "2025-11-03"),
        ("grassroots_vote", "2025-11-17"),
        ("decision", "2025-12-01"),
    ] {
        dos.history.push((s.into(), d(on)));
    }
    dos.documents.insert("BB-KN".into(), d("2025-12-10"));
    let ceremony = Step {
        stage: "ceremony".into(),
        on: d("2025-12-15"),
        vote: None,
        skip_reason: None,
    };
    assert_eq!(refused(&dos, &ceremony).rule, "probation_mentor");
    dos.probation_mentors = 1;
    p.check(&dos, &ceremony, d(TODAY)).unwrap();
    // A ceremony dated before the decision is refused.
    let before = Step {
        on: d("2025-11-20"),
        ..ceremony.clone()
    };
    assert_eq!(refused(&dos, &before).rule, "date.order");
    dos.history.push(("ceremony".into(), d("2025-12-15")));
    for c in ["10-KNĐ", "11-KNĐ", "12-KNĐ", "13-KNĐ"] {
        dos.documents.insert(c.into(), d("2026-11-01"));
    }
    let rv = |on: &str| Step {
        stage: "recognition_cell_vote".into(),
        on: d(on),
        vote: vote(9, 9, 9, 0),
        skip_reason: None,
    };
    let r = p.check(&dos, &rv("2026-11-20"), d(TODAY)).unwrap_err();
    assert_eq!(r.rule, "probation_complete");
    assert!(r.message.contains("2026-12-15"), "{r}");
    p.check(&dos, &rv("2026-11-20"), d("2026-12-20"))
        .unwrap_err();
    p.check(&dos, &rv("2026-12-16"), d("2026-12-20")).unwrap();
    // Not recognised is an exit from probation; withdrawn is not.
    let exit = |k: &str| Step {
        stage: k.into(),
        on: d("2026-11-20"),
        vote: None,
        skip_reason: None,
    };
    p.check(&dos, &exit("not_recognised"), d(TODAY)).unwrap();
    assert_eq!(refused(&dos, &exit("withdrawn")).rule, "sequence");

    // Re-admission: 36 months after leaving.
    let fresh = Dossier {
        left_party_on: Some(d("2023-12-01")),
        party_exit: PartyExit {
            ground: Some("other".into()),
            ..PartyExit::default()
        },
        ..Dossier::default()
    };
    let pool = |on: &str| Step {
        stage: "pool".into(),
        on: d(on),
        vote: None,
        skip_reason: None,
    };
    let r = p
        .check(&fresh, &pool("2026-11-30"), d("2026-12-31"))
        .unwrap_err();
    assert_eq!(r.rule, "readmission");
    assert!(r.message.contains("2026-12-01"), "{r}");
    p.check(&fresh, &pool("2026-12-01"), d("2026-12-31"))
        .unwrap();
}

#[test]
fn mentors_are_required_for_a_sympathiser() {
    let dos = Dossier {
        history: vec![("pool".into(), d("2026-01-05"))],
        documents: BTreeMap::from([("NQ-GIUPDO".to_string(), d("2026-02-01"))]),
        ..Dossier::default()
    };
    let step = Step {
        stage: "sympathiser".into(),
        on: d("2026-02-02"),
        vote: None,
        skip_reason: None,
    };
    assert_eq!(refused(&dos, &step).rule, "mentors");
    let ok = Dossier { mentors: 1, ..dos };
    profile().check(&ok, &step, d(TODAY)).unwrap();
}

#[test]
fn deadlines_in_working_days() {
    let p = profile();
    let cal = WorkCalendar::new();
    let mut dos = ready_for_cell_vote();
    dos.history.push(("cell_vote".into(), d("2026-06-01")));
    let due = p.deadlines_for(&dos, &cal, d("2026-06-01"));
    let decision = due
        .iter()
        .find(|x| x.rule == "decision_after_cell_vote")
        .unwrap();
    assert_eq!(decision.due, cal.add_working_days(d("2026-06-01"), 60));
    assert_eq!(decision.working_days_left, 60);
    assert_eq!(
        decision.extended,
        Some(cal.add_working_days(decision.due, 30))
    );
    assert!(decision.source.contains("Điều lệ"));
    // The certificate's 60 months run too, but the decision comes first.
    assert_eq!(due[0].rule, "decision_after_cell_vote");
    let later = p.deadlines_for(&dos, &cal, cal.add_working_days(decision.due, 2));
    assert_eq!(later[0].working_days_left, -2);
    assert!(later[0].overdue());
    // Recognition: the cell has 30 working days after the 12 months of probation.
    let mut prob = dos.clone();
    prob.history
        .push(("grassroots_vote".into(), d("2026-06-10")));
    prob.history.push(("decision".into(), d("2026-07-01")));
    prob.history.push(("ceremony".into(), d("2026-07-15")));
    let due = p.deadlines_for(&prob, &cal, d("2026-11-24"));
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].rule, "recognition_cell_vote_after_probation");
    assert_eq!(due[0].started, d("2027-07-15"));
    assert_eq!(due[0].due, cal.add_working_days(d("2027-07-15"), 30));
    // A closed file has no deadline.
    prob.history
        .push(("not_recognised".into(), d("2026-11-20")));
    assert!(p.deadlines_for(&prob, &cal, d("2026-11-24")).is_empty());
}

#[test]
fn whole_months_counts_completed_months() {
    assert_eq!(whole_months(d("2000-01-31"), d("2000-02-29")), 0);
    assert_eq!(whole_months(d("2000-01-31"), d("2000-03-31")), 2);
    assert_eq!(whole_months(d("2008-06-02"), d("2026-06-01")), 18 * 12 - 1);
}

/// A former member at the pool, re-admission checked on `on`.
fn former(left: &str, ground: Option<&str>) -> Dossier {
    Dossier {
        left_party_on: Some(d(left)),
        party_exit: PartyExit {
            ground: ground.map(str::to_string),
            ..PartyExit::default()
        },
        ..Dossier::default()
    }
}

fn pool(on: &str) -> Step {
    Step {
        stage: "pool".into(),
        on: d(on),
        vote: None,
        skip_reason: None,
    }
}

#[test]
fn readmission_is_refused_on_the_excluded_grounds() {
    let p = profile();
    // 294-QĐ/TW mục 3.5.2: five grounds exclude re-admission, however long ago.
    for g in [
        "abandoned_activities",
        "asked_to_leave",
        "serious_disunity",
        "corruption_conviction",
        "serious_crime_conviction",
    ] {
        let r = p
            .check(
                &former("2015-01-05", Some(g)),
                &pool("2026-11-02"),
                d(TODAY),
            )
            .unwrap_err();
        assert_eq!(r.rule, "readmission");
        assert!(r.message.contains(g) && r.message.contains("3.5.2"), "{r}");
        assert!(
            r.source.contains("294-QĐ/TW") && r.source.contains("mục 3.5.1–3.5.2"),
            "{r}"
        );
    }
    // Asked to leave for an especially difficult family reason, or another
    // ground: after 36 months.
    for g in ["asked_to_leave_family_hardship", "other"] {
        p.check(
            &former("2015-01-05", Some(g)),
            &pool("2026-11-02"),
            d(TODAY),
        )
        .unwrap();
    }
    // The ground must be recorded.
    let r = p
        .check(&former("2015-01-05", None), &pool("2026-11-02"), d(TODAY))
        .unwrap_err();
    assert!(
        r.message.contains("ground of leaving is not recorded"),
        "{r}"
    );
}

#[test]
fn readmission_after_a_minor_crime_counts_60_months_from_the_cleared_record() {
    let p = profile();
    let mut dos = former("2015-01-05", Some("minor_crime_conviction"));
    let r = p.check(&dos, &pool("2026-11-02"), d(TODAY)).unwrap_err();
    assert!(
        r.message
            .contains("criminal record was cleared is not recorded"),
        "{r}"
    );
    dos.party_exit.record_cleared_on = Some(d("2022-03-01"));
    let r = p.check(&dos, &pool("2026-11-02"), d(TODAY)).unwrap_err();
    assert!(r.message.contains("2027-03-01"), "{r}");
    dos.party_exit.record_cleared_on = Some(d("2021-11-02"));
    p.check(&dos, &pool("2026-11-02"), d(TODAY)).unwrap();
}

#[test]
fn readmission_needs_the_provincial_consent_before_the_decision_and_happens_once() {
    let p = profile();
    let mut dos = ready_for_cell_vote();
    dos.left_party_on = Some(d("2020-06-01"));
    dos.party_exit.ground = Some("other".into());
    // The cell may vote before the consent arrives.
    p.check(&dos, &cell_vote("2026-06-01", vote(9, 9, 9, 0)), d(TODAY))
        .unwrap();
    dos.history.push(("cell_vote".into(), d("2026-06-01")));
    dos.history
        .push(("grassroots_vote".into(), d("2026-06-15")));
    dos.documents.insert("8-KNĐ".into(), d("2026-06-15"));
    dos.documents.insert("9-KNĐ".into(), d("2026-07-01"));
    let decision = Step {
        stage: "decision".into(),
        on: d("2026-07-01"),
        vote: None,
        skip_reason: None,
    };
    let r = p.check(&dos, &decision, d(TODAY)).unwrap_err();
    assert_eq!(r.rule, "readmission");
    assert!(r.message.contains("DY-KNL"), "{r}");
    // Recorded after the decision's date: still missing on that day.
    dos.documents.insert("DY-KNL".into(), d("2026-07-02"));
    assert_eq!(
        p.check(&dos, &decision, d(TODAY)).unwrap_err().rule,
        "readmission"
    );
    dos.documents.insert("DY-KNL".into(), d("2026-06-25"));
    p.check(&dos, &decision, d(TODAY)).unwrap();
    // Someone not re-admitted (never left) needs no consent.
    let mut first = dos.clone();
    first.left_party_on = None;
    first.documents.remove("DY-KNL");
    p.check(&first, &decision, d(TODAY)).unwrap();
    // Only once: a person already re-admitted is refused at the pool.
    let mut again = former("2015-01-05", Some("other"));
    again.party_exit.readmitted_on = Some(d("2010-03-01"));
    let r = p.check(&again, &pool("2026-11-02"), d(TODAY)).unwrap_err();
    assert!(
        r.message.contains("re-admitted only once") && r.message.contains("2010-03-01"),
        "{r}"
    );
}

#[test]
fn readmission_gates_are_validated_and_the_old_form_still_reads() {
    let base = DEFAULT_PROFILE;
    let start = base.find("[[gates]]\nid = \"readmission\"").unwrap();
    let end = start + base[start..].find("\n\n").unwrap();
    let with = |gate: &str| format!("{}{gate}{}", &base[..start], &base[end..]);
    // Only min_months, as profiles had it: 36 months, nothing else.
    let old = Profile::parse(&with(
        "[[gates]]\nid = \"readmission\"\nkind = \"readmission\"\nstages = [\"pool\"]\nmin_months = 36\nsource = { doc = \"qd294\", article = \"x\" }",
    ))
    .unwrap();
    old.check(&former("2020-01-05", None), &pool("2026-11-02"), d(TODAY))
        .unwrap();
    let e = Profile::parse(&with(
        "[[gates]]\nid = \"readmission\"\nkind = \"readmission\"\nstages = [\"pool\"]\nmin_months = 36\nexcluded_grounds = [\"laziness\"]\nconsent_document = \"DY-KNL\"\nconsent_stage = \"decision\"\nsource = { doc = \"qd294\", article = \"x\" }",
    ))
    .unwrap_err()
    .to_string();
    assert!(e.contains("ground 'laziness' is not one of"), "{e}");
    assert!(
        e.contains("consent_stage 'decision' is not one of the gate's stages"),
        "{e}"
    );
}
