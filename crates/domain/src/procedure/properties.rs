use super::*;
use crate::Date;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Action {
    Doc(usize),
    Mentor,
    ProbationMentor,
    Certificate(u16),
    Introducer {
        official: bool,
        months: u8,
    },
    YouthUnion,
    Step {
        stage: usize,
        days: u8,
        vote: (u8, u8, u8, u8),
        skip: bool,
    },
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0usize..30).prop_map(Action::Doc),
        Just(Action::Mentor),
        Just(Action::ProbationMentor),
        (0u16..2200).prop_map(Action::Certificate),
        (any::<bool>(), 0u8..40)
            .prop_map(|(official, months)| Action::Introducer { official, months }),
        Just(Action::YouthUnion),
        (
            0usize..20,
            0u8..90,
            (0u8..12, 0u8..12, 0u8..12, 0u8..12),
            any::<bool>()
        )
            .prop_map(|(stage, days, vote, skip)| Action::Step {
                stage,
                days,
                vote,
                skip
            }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Random sequences of steps never reach a state the profile forbids,
    /// and every refusal names its rule and source.
    #[test]
    fn the_engine_never_admits_a_forbidden_state(actions in proptest::collection::vec(action(), 1..120)) {
        let p = Profile::default_cpv();
        let today = Date::from_ymd_opt(2030, 12, 31).unwrap();
        let mut now = Date::from_ymd_opt(2020, 1, 6).unwrap();
        let all: Vec<&StageDef> = p.stages.iter().chain(&p.exits).collect();
        let docs: Vec<String> = p.documents.keys().cloned().collect();
        let known_rules: Vec<String> = p.gates.iter().map(|g| g.id.clone()).chain(
            ["stage.unknown", "date.future", "date.order", "stage.closed", "sequence", "skip", "documents", "vote.missing", "vote.counts"].map(String::from)
        ).collect();
        let mut dos = Dossier { birth_date: Some(Date::from_ymd_opt(1999, 5, 5).unwrap()), general_grade: 12, ..Dossier::default() };
        let mut accepted_votes: Vec<(String, Vote)> = Vec::new();
        for a in actions {
            match a {
                Action::Doc(i) => { dos.documents.entry(docs[i % docs.len()].clone()).or_insert(now); }
                Action::Mentor => dos.mentors += 1,
                Action::ProbationMentor => dos.probation_mentors += 1,
                Action::Certificate(days) => dos.certificate_issued = Some(now - chrono::Days::new(u64::from(days))),
                Action::Introducer { official, months } => dos.introducers.push(Introducer::Member {
                    name: "X".into(),
                    official_since: official.then_some(Date::from_ymd_opt(2000, 1, 1).unwrap()),
                    together_since: now - chrono::Months::new(u32::from(months)),
                }),
                Action::YouthUnion => dos.introducers.push(Introducer::YouthUnion),
                Action::Step { stage, days, vote, skip } => {
                    now = now + chrono::Days::new(u64::from(days));
                    let def = all[stage % all.len()];
                    let v = Vote { eligible: u32::from(vote.0), present: u32::from(vote.1), in_favour: u32::from(vote.2), against: u32::from(vote.3) };
                    let step = Step {
                        stage: def.key.clone(),
                        on: now,
                        vote: def.vote.then_some(v),
                        skip_reason: (skip && !def.skip_reasons.is_empty()).then(|| def.skip_reasons[0].clone()),
                    };
                    match p.check(&dos, &step, today) {
                        Ok(()) => {
                            dos.history.push((step.stage.clone(), step.on));
                            if let Some(v) = step.vote { accepted_votes.push((step.stage.clone(), v)); }
                        }
                        Err(r) => {
                            prop_assert!(!r.rule.is_empty() && !r.source.is_empty() && !r.message.is_empty());
                            prop_assert!(known_rules.contains(&r.rule), "unknown rule {}", r.rule);
                        }
                    }
                }
            }
        }
        // The history obeys the profile.
        if let Some(first) = dos.history.first() {
            prop_assert_eq!(&first.0, "pool");
        }
        let mut last_pos = None;
        for (i, (s, on)) in dos.history.iter().enumerate() {
            if i > 0 { prop_assert!(*on >= dos.history[i - 1].1); }
            prop_assert!(*on <= today);
            match p.position(s) {
                Some(pos) => {
                    prop_assert_eq!(pos, last_pos.map_or(0, |l: usize| l + 1), "stage {} out of order", s);
                    last_pos = Some(pos);
                }
                None => {
                    let exit = p.stage(s).unwrap();
                    prop_assert_eq!(i, dos.history.len() - 1, "nothing after an exit");
                    let from = &dos.history[i - 1].0;
                    prop_assert!(exit.from.contains(from));
                }
            }
        }
        // Every vote that counted reached two thirds of those entitled, and added up.
        for (_, v) in &accepted_votes {
            prop_assert!(v.in_favour * 3 >= v.eligible * 2 && v.present <= v.eligible && v.in_favour + v.against <= v.present);
        }
        // Admission only after both votes.
        if dos.entered("decision").is_some() {
            prop_assert!(dos.entered("cell_vote").is_some() && dos.entered("grassroots_vote").is_some());
        }
    }
}
