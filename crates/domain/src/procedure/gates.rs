//! What each gate kind finds wrong, if anything: the English text and its
//! message key with arguments ([`Said`]).

use super::engine::said;
use super::engine::{plus_months, whole_months, Dossier, Introducer, Said, Step, Vote};
use crate::Date;
use std::collections::BTreeMap;

/// The age at `at` (the cell's consideration). At the cell vote, over the
/// maximum needs the conditions recorded; at the decision (`decision`), the
/// provincial standing committee's written consent recorded by `on`.
pub(super) fn age(
    dossier: &Dossier,
    at: Date,
    on: Date,
    (min_years, max_years): (u32, u32),
    document: &Option<String>,
    decision: bool,
) -> Option<Said> {
    let Some(birth) = dossier.birth_date else {
        return Some(said!(
            "refusal-age-no-birth-date",
            "the birth date is not recorded".into()
        ));
    };
    let months = whole_months(birth, at);
    let (y, m) = (months.div_euclid(12), months.rem_euclid(12));
    if months < i64::from(min_years) * 12 {
        return (!decision).then(|| {
            said!(
                "refusal-age-young",
                format!(
                    "aged {y} years {m} months on {at}; at least {min_years} years are required"
                ),
                years = y,
                months = m,
                on = at,
                min = min_years
            )
        });
    }
    if months > i64::from(max_years) * 12 {
        let recorded = document
            .as_ref()
            .and_then(|d| dossier.documents.get(d))
            .is_some_and(|d| *d <= on);
        if !recorded {
            let code = document.clone().unwrap_or_default();
            let doc = document
                .as_ref()
                .map(|d| format!(" (document {d})"))
                .unwrap_or_default();
            return Some(if decision {
                said!(
                    "refusal-age-old-decision",
                    format!(
                        "aged {y} years {m} months when the cell considered the candidate; over {max_years} years the admission decision needs the prior written consent of the provincial standing committee{doc}"
                    ),
                    years = y,
                    months = m,
                    max = max_years,
                    document = code
                )
            } else {
                said!(
                    "refusal-age-old",
                    format!(
                        "aged {y} years {m} months on {at}; over {max_years} years the cell may consider a candidate only with health and prestige and working or living where there is no party organisation or no party member, or for a special requirement, recorded first{doc}"
                    ),
                    years = y,
                    months = m,
                    on = at,
                    max = max_years,
                    document = code
                )
            });
        }
    }
    None
}

/// At the decision: an exception that needs the provincial standing
/// committee's written consent (a village elder who only reads and writes).
pub(super) fn education_consent(
    dossier: &Dossier,
    on: Date,
    consent_documents: &BTreeMap<String, String>,
) -> Option<Said> {
    let area = dossier.area.as_ref()?;
    let doc = consent_documents.get(area)?;
    dossier.documents.get(doc).is_none_or(|d| *d > on).then(|| {
        said!(
            "refusal-education-consent",
            format!(
                "the education exception for '{area}' needs the provincial standing committee's written consent before the admission decision (document {doc})"
            ),
            area = area,
            document = doc
        )
    })
}

pub(super) fn education(
    dossier: &Dossier,
    min_grade: u8,
    exceptions: &BTreeMap<String, u8>,
) -> Option<Said> {
    let need = dossier
        .area
        .as_ref()
        .and_then(|a| exceptions.get(a))
        .copied()
        .unwrap_or(min_grade);
    (dossier.general_grade < need).then(|| {
        said!(
            "refusal-education",
            format!(
                "general education grade {} is below the required {need}{}",
                dossier.general_grade,
                dossier
                    .area
                    .as_ref()
                    .map(|a| format!(" for area '{a}'"))
                    .unwrap_or_default()
            ),
            grade = dossier.general_grade,
            required = need
        )
    })
}

pub(super) fn certificate(dossier: &Dossier, on: Date, valid_months: u32) -> Option<Said> {
    match dossier.certificate_issued {
        None => Some(said!(
            "refusal-certificate-missing",
            "no Party-awareness course certificate is recorded".into()
        )),
        Some(issued) if issued > on => Some(said!(
            "refusal-certificate-later",
            format!("the certificate is dated {issued}, after {on}"),
            issued = issued,
            on = on
        )),
        Some(issued) if plus_months(issued, valid_months) < on => Some(said!(
            "refusal-certificate-expired",
            format!(
                "the certificate of {issued} expired after {valid_months} months, on {}",
                plus_months(issued, valid_months)
            ),
            issued = issued,
            months = valid_months,
            expired = plus_months(issued, valid_months)
        )),
        Some(_) => None,
    }
}

pub(super) fn introducers(
    dossier: &Dossier,
    on: Date,
    count: u32,
    min_months_together: u32,
    youth_max_age: Option<u32>,
    youth_document: &Option<String>,
) -> Option<Said> {
    let (valid, problems) = official_introducers(dossier, on, min_months_together);
    let youth = dossier.introducers.contains(&Introducer::YouthUnion);
    let young = match (youth_max_age, dossier.birth_date) {
        (Some(max), Some(b)) => whole_months(b, on) < i64::from(max + 1) * 12,
        _ => false,
    };
    let youth_ok = youth
        && young
        && youth_document
            .as_ref()
            .is_none_or(|d| dossier.documents.get(d).is_some_and(|x| *x <= on));
    let needed = if youth_ok {
        count.saturating_sub(1)
    } else {
        count
    };
    if valid < needed {
        let mut msg = format!("{valid} valid introducer(s), {needed} required");
        if youth && !youth_ok {
            msg.push_str("; the Youth Union resolution counts only for a youth-age candidate with form 4-KNĐ recorded");
        }
        return Some(with_problems(
            said!(
                if youth && !youth_ok {
                    "refusal-introducers-youth-age"
                } else {
                    "refusal-introducers"
                },
                msg,
                valid = valid,
                required = needed
            ),
            &problems,
        ));
    }
    None
}

/// What is wrong with each introducer who does not count: in the English
/// text, and their names as `$invalid` (empty when all count).
fn with_problems(mut said: Said, problems: &[(String, String)]) -> Said {
    if !problems.is_empty() {
        said.text.push_str(": ");
        let texts: Vec<&str> = problems.iter().map(|p| p.1.as_str()).collect();
        said.text.push_str(&texts.join("; "));
    }
    let names: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
    said.args.push(("invalid", names.join(", ")));
    said
}

/// The numbers of a re-admission gate, borrowed from the profile.
pub(super) struct Readmission<'a> {
    pub(super) min_months: u32,
    pub(super) excluded_grounds: &'a [String],
    pub(super) months_after_record_cleared: &'a BTreeMap<String, u32>,
    pub(super) consent_document: &'a Option<String>,
    pub(super) consent_stage: &'a Option<String>,
    pub(super) only_once: bool,
}

/// A former member: re-admitted only once, not on an excluded ground, after
/// the waiting time, with the written consent recorded before its stage.
pub(super) fn readmission(dossier: &Dossier, step: &Step, r: Readmission<'_>) -> Option<Said> {
    let on = step.on;
    let left = dossier.left_party_on?;
    let exit = &dossier.party_exit;
    if let Some(again) = exit.readmitted_on.filter(|_| r.only_once) {
        return Some(said!(
            "refusal-readmit-once",
            format!("already re-admitted once, on {again}; a person is re-admitted only once"),
            on = again
        ));
    }
    if !r.excluded_grounds.is_empty() {
        let Some(ground) = &exit.ground else {
            return Some(said!(
                "refusal-readmit-ground-unknown",
                format!(
                    "left the Party on {left}; the ground of leaving is not recorded (one of {})",
                    super::EXIT_GROUNDS
                        .iter()
                        .map(|g| g.0)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                left = left
            ));
        };
        if r.excluded_grounds.contains(ground) {
            return Some(said!(
                "refusal-readmit-ground",
                format!(
                    "left the Party on {left} on the ground '{ground}' ({}): not re-admitted on this ground (294-QĐ/TW mục 3.5.2)",
                    super::exit_ground_label(ground).unwrap_or(ground)
                ),
                left = left,
                ground = ground
            ));
        }
    }
    let special = exit
        .ground
        .as_ref()
        .and_then(|g| r.months_after_record_cleared.get(g).map(|m| (g, *m)));
    match special {
        Some((ground, months)) => match exit.record_cleared_on {
            None => {
                return Some(said!(
                    "refusal-readmit-record-unknown",
                    format!(
                        "left the Party on {left} on the ground '{ground}': the day the criminal record was cleared is not recorded; re-admission is possible {months} months after it"
                    ),
                    left = left,
                    ground = ground,
                    months = months
                ))
            }
            Some(cleared) if plus_months(cleared, months) > on => {
                return Some(said!(
                    "refusal-readmit-record-wait",
                    format!(
                        "the criminal record was cleared on {cleared}; re-admission is possible from {}",
                        plus_months(cleared, months)
                    ),
                    cleared = cleared,
                    from = plus_months(cleared, months)
                ))
            }
            Some(_) => {}
        },
        None if plus_months(left, r.min_months) > on => {
            return Some(said!(
                "refusal-readmit-wait",
                format!(
                    "left the Party on {left}; re-admission is possible from {}",
                    plus_months(left, r.min_months)
                ),
                left = left,
                from = plus_months(left, r.min_months)
            ))
        }
        None => {}
    }
    if let (Some(doc), Some(stage)) = (r.consent_document, r.consent_stage) {
        let consented = dossier.documents.get(doc).is_some_and(|d| *d <= on);
        if step.stage == *stage && !consented {
            return Some(said!(
                "refusal-readmit-consent",
                format!(
                    "re-admission needs the written consent of the provincial standing committee (document {doc}) recorded before '{stage}'"
                ),
                document = doc,
                stage = stage
            ));
        }
    }
    None
}

/// The official members among the introducers who may introduce on `on`,
/// and what is wrong with the others (name, English text).
fn official_introducers(
    dossier: &Dossier,
    on: Date,
    min_months_together: u32,
) -> (u32, Vec<(String, String)>) {
    let mut valid = 0u32;
    let mut problems = Vec::new();
    for i in &dossier.introducers {
        if let Introducer::Member {
            name,
            official_since,
            together_since,
        } = i
        {
            let problem = match official_since {
                None => format!("{name} is a probationary member"),
                Some(o) if *o > on => format!("{name} was not yet an official member on {on}"),
                Some(_) if plus_months(*together_since, min_months_together) > on => format!(
                    "{name} has worked with the candidate since {together_since}, less than {min_months_together} months"
                ),
                Some(_) => {
                    valid += 1;
                    continue;
                }
            };
            problems.push((name.clone(), problem));
        }
    }
    (valid, problems)
}

/// The routes of the Charter (Điều 4 khoản 1): a candidate of youth age
/// where there is a Youth Union organisation must be a Youth Union member
/// and is introduced by the grassroots Youth Union committee's resolution
/// and official members (one fewer); outside youth age, where there is a
/// trade union, the trade-union committee's resolution may take the place
/// of one member; otherwise `count` official members.
pub(super) fn introducer_routes(
    dossier: &Dossier,
    on: Date,
    count: u32,
    min_months_together: u32,
    youth_max_age: u32,
    youth_document: &Option<String>,
    union_document: &Option<String>,
) -> Option<Said> {
    let (valid, problems) = official_introducers(dossier, on, min_months_together);
    let has = |k: &Introducer| dossier.introducers.iter().any(|i| i == k);
    let recorded = |d: &Option<String>| {
        d.as_ref()
            .is_none_or(|d| dossier.documents.get(d).is_some_and(|x| *x <= on))
    };
    let form = |d: &Option<String>, default: &'static str| {
        d.clone().unwrap_or_else(|| default.to_string())
    };
    let young = dossier
        .birth_date
        .is_some_and(|b| whole_months(b, on) < i64::from(youth_max_age + 1) * 12);
    let one_fewer = count.saturating_sub(1);
    if young && dossier.unit_has.youth_union {
        let route = format!(
            "a candidate of youth age (up to {youth_max_age}) where there is a Youth Union organisation must be a Youth Union member and be introduced by the grassroots Youth Union committee's resolution (form {}) and {one_fewer} official member(s)",
            form(youth_document, "4-KNĐ")
        );
        let document = form(youth_document, "4-KNĐ");
        if !dossier.member_of.youth_union {
            return Some(said!(
                "refusal-youth-route-not-member",
                format!("{route}; the candidate is not recorded as a Youth Union member"),
                max = youth_max_age,
                document = document,
                members = one_fewer
            ));
        }
        if !has(&Introducer::YouthUnion) {
            return Some(with_problems(
                said!(
                    "refusal-youth-route-no-resolution",
                    format!(
                        "{route}; no Youth Union resolution is recorded, and {valid} official member(s) alone do not suffice"
                    ),
                    max = youth_max_age,
                    document = document,
                    members = one_fewer,
                    valid = valid
                ),
                &problems,
            ));
        }
        if !recorded(youth_document) {
            return Some(said!(
                "refusal-youth-route-form",
                format!("{route}; form {document} is not recorded on or before {on}"),
                document = document,
                on = on
            ));
        }
        if valid < one_fewer {
            return Some(with_problems(
                said!(
                    "refusal-youth-route-members",
                    format!(
                        "{valid} valid official member(s) besides the Youth Union resolution, {one_fewer} required"
                    ),
                    valid = valid,
                    required = one_fewer
                ),
                &problems,
            ));
        }
        return None;
    }
    let union_claimed = has(&Introducer::TradeUnion);
    let union_ok = union_claimed
        && !young
        && union_document.is_some()
        && dossier.unit_has.trade_union
        && dossier.member_of.trade_union
        && recorded(union_document);
    let needed = if union_ok { one_fewer } else { count };
    if valid < needed {
        let mut msg = format!("{valid} valid introducer(s), {needed} required");
        let mut key = "refusal-introducers";
        if has(&Introducer::YouthUnion) {
            key = "refusal-introducers-youth-route";
        }
        if union_claimed && !union_ok {
            key = "refusal-introducers-union";
            msg.push_str(&format!(
                "; the trade-union resolution counts only outside youth age, for a trade-union member where there is a trade union, with form {} recorded",
                form(union_document, "4A-KNĐ")
            ));
        }
        if has(&Introducer::YouthUnion) {
            msg.push_str("; the Youth Union resolution counts only for a candidate of youth age where there is a Youth Union organisation");
        }
        return Some(with_problems(
            said!(
                key,
                msg,
                valid = valid,
                required = needed,
                document = form(union_document, "4A-KNĐ")
            ),
            &problems,
        ));
    }
    None
}

pub(super) fn share(vote: Option<Vote>, numerator: u32, denominator: u32) -> Option<Said> {
    let v = vote?;
    (u64::from(v.in_favour) * u64::from(denominator) < u64::from(v.eligible) * u64::from(numerator))
        .then(|| {
            said!(
                "refusal-vote-share",
                format!(
                    "{} in favour of {} eligible; at least {numerator}/{denominator} of them must be in favour",
                    v.in_favour, v.eligible
                ),
                in_favour = v.in_favour,
                eligible = v.eligible,
                share = format!("{numerator}/{denominator}")
            )
        })
}

/// Mentors assigned against those required (at the ceremony, for probation).
pub(super) fn mentors(assigned: u32, count: u32, probation: bool) -> Option<Said> {
    (assigned < count).then(|| {
        if probation {
            said!(
                "refusal-probation-mentors",
                format!(
                    "{assigned} probation mentor(s) assigned, {count} required at the ceremony"
                ),
                count = assigned,
                required = count
            )
        } else {
            said!(
                "refusal-mentors",
                format!("{assigned} mentor(s) assigned, {count} required"),
                count = assigned,
                required = count
            )
        }
    })
}
