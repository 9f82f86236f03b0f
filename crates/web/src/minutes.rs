//! The minutes of a meeting as a PDF (issue 17, part 3): the unit, the day,
//! the agenda, the attendance with the reasons of absence, the votes and
//! their results, and the rule they were counted by with its source; in
//! the reader's language (Vietnamese by default). Made from the meeting's
//! data alone (no date of printing): the same data gives the same bytes.
//!
//! - `GET /meetings/{id}/minutes.pdf`

use crate::auth::Auth;
use crate::error::WebError;
use crate::extract::{PageLang, PageResult};
use crate::i18n::{Arg, Tr};
use crate::pdf::{Align, Doc};
use crate::printable::pdf_response;
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use ranks_app::meetings::Meeting;
use ranks_domain::procedure::{GateKind, Profile};

pub async fn minutes_pdf(
    State(st): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    lang: PageLang,
) -> Result<Response, WebError> {
    let tr = Tr { lang: lang.lang };
    let m = st.app.meeting(&auth.actor, id).await.page(&lang)?;
    let name = format!("minutes-{}-{}", m.unit, m.held_on);
    pdf_response(minutes(&m, tr, st.app.profile()), &name)
}

/// The rules the meeting's votes were counted by, cited once each.
fn rules_cited(m: &Meeting, profile: &Profile) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in &m.votes {
        for g in &profile.gates {
            if matches!(g.kind, GateKind::Vote { .. }) && g.stages.contains(&v.stage) {
                let line = format!("{}: {}", g.id, g.source.cite());
                if !out.contains(&line) {
                    out.push(line);
                }
            }
        }
    }
    out
}

/// The minutes' bytes.
pub fn minutes(m: &Meeting, tr: Tr, profile: &Profile) -> Vec<u8> {
    let day = tr.date(&m.held_on);
    let mut doc = Doc::new(&format!(
        "Ranks · {} · {} · {}",
        tr.get("meetings.minutes_title"),
        m.unit_name,
        day
    ));
    doc.title(&format!(
        "{} — {}",
        tr.get("meetings.minutes_title"),
        m.unit_name
    ));
    doc.para(&tr.args(
        "meetings.minutes_held",
        &[
            ("unit", Arg::from(m.unit_name.as_str())),
            ("code", Arg::from(m.unit.as_str())),
            ("date", Arg::from(day.as_str())),
        ],
    ));
    doc.heading(tr.get("meetings.agenda"));
    for line in m.agenda.lines().filter(|l| !l.trim().is_empty()) {
        doc.para(line);
    }
    doc.heading(tr.get("meetings.attendance"));
    doc.para(&tr.args(
        "meetings.minutes_counts",
        &[
            ("eligible", Arg::from(m.official_eligible as f64)),
            ("present", Arg::from(m.official_present as f64)),
            ("prob_present", Arg::from(m.probationary_present as f64)),
            ("prob", Arg::from(m.probationary_on_roll as f64)),
        ],
    ));
    let roll: Vec<Vec<String>> = m
        .roll
        .iter()
        .enumerate()
        .map(|(i, a)| {
            vec![
                (i + 1).to_string(),
                a.full_name.clone(),
                tr.get(&format!("status.{}", a.status)).to_string(),
                if a.present {
                    tr.get("meetings.is_present")
                } else {
                    tr.get("meetings.is_absent")
                }
                .to_string(),
                a.absence_reason.clone().unwrap_or_default(),
            ]
        })
        .collect();
    doc.table(
        &[
            "#",
            tr.get("name"),
            tr.get("meetings.status"),
            tr.get("meetings.attending"),
            tr.get("meetings.reason"),
        ],
        &[0.06, 0.34, 0.16, 0.14, 0.30],
        &[
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
        ],
        &roll,
        &[],
    );
    doc.heading(tr.get("meetings.votes"));
    if m.votes.is_empty() {
        doc.para(tr.get("meetings.no_votes"));
    } else {
        let rows: Vec<Vec<String>> = m
            .votes
            .iter()
            .map(|v| {
                vec![
                    v.full_name.clone(),
                    tr.stage(profile, &v.stage),
                    v.eligible.to_string(),
                    v.present.to_string(),
                    v.in_favour.to_string(),
                    v.against.to_string(),
                    if v.carried {
                        tr.get("meetings.carried")
                    } else {
                        tr.get("meetings.not_carried")
                    }
                    .to_string(),
                ]
            })
            .collect();
        doc.table(
            &[
                tr.get("meetings.candidate"),
                tr.get("stage"),
                tr.get("meetings.pdf_eligible"),
                tr.get("meetings.present"),
                tr.get("meetings.in_favour"),
                tr.get("meetings.against"),
                tr.get("meetings.result"),
            ],
            &[0.19, 0.19, 0.10, 0.09, 0.11, 0.17, 0.15],
            &[
                Align::Left,
                Align::Left,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Right,
                Align::Left,
            ],
            &rows,
            &[],
        );
        doc.para(tr.get("meetings.votes_explain"));
        for rule in rules_cited(m, profile) {
            doc.para(&rule);
        }
    }
    doc.para(&tr.args(
        "meetings.minutes_recorded",
        &[("by", Arg::from(m.recorded_by.as_str()))],
    ));
    doc.heading(tr.get("meetings.minutes_signatures"));
    doc.para(tr.get("meetings.minutes_sign"));
    doc.finish()
}
