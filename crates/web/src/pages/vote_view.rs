//! The vote of a step as the dossier and the checklist show it, and the
//! step form's vote fields: labelled by who votes, eligible proposed from
//! the registry, the values entered kept after a refusal.

use crate::i18n::{Arg, Tr};
use ranks_app::pipeline::{CandidateFile, VoteEntry};
use ranks_domain::procedure::{Level, Profile, StageDef, Voters};
use ranks_domain::Date;

/// "3/3 in favour (100%), 3 present, 0 against".
pub fn vote_text(tr: &Tr, v: &VoteEntry) -> String {
    let share = if v.eligible > 0 {
        v.in_favour as f64 * 100.0 / v.eligible as f64
    } else {
        0.0
    };
    tr.args(
        "cand.vote_result",
        &[
            ("for", Arg::Number(v.in_favour as f64)),
            ("eligible", Arg::Number(v.eligible as f64)),
            ("share", Arg::Text(format!("{}%", tr.num(share, 1)))),
            ("present", Arg::Number(v.present as f64)),
            ("against", Arg::Number(v.against as f64)),
        ],
    )
}

/// The vote recorded with the step entered on `on` into `stage`, if any.
pub fn vote_of<'a>(f: &'a CandidateFile, stage: &str, on: &Date) -> Option<&'a VoteEntry> {
    f.votes
        .iter()
        .rev()
        .find(|v| v.stage == stage && v.on == *on)
}

/// The latest vote of the file with its stage's name, for the header.
pub fn latest_vote(tr: &Tr, profile: &Profile, f: &CandidateFile) -> String {
    f.votes
        .last()
        .map(|v| format!("{}: {}", tr.stage(profile, &v.stage), vote_text(tr, v)))
        .unwrap_or_default()
}

/// What the step form shows and holds: the values entered (or proposed),
/// the label of eligible, the registry's hint.
#[derive(Default)]
pub struct StepFields {
    pub date: String,
    pub eligible: String,
    pub present: String,
    pub in_favour: String,
    pub against: String,
    pub reason: String,
    pub eligible_label: String,
    pub hint: String,
    /// A vote of the cell: eligible is checked against the registry.
    pub cell_vote: bool,
}

/// The values a refused step was sent with.
#[derive(Default, Clone)]
pub struct Entered {
    pub date: Option<String>,
    pub eligible: Option<u32>,
    pub present: Option<u32>,
    pub in_favour: Option<u32>,
    pub against: Option<u32>,
    pub reason: Option<String>,
}

impl StepFields {
    pub fn new(
        tr: &Tr,
        profile: &Profile,
        next: Option<&StageDef>,
        on: Date,
        registry: Option<u32>,
        entered: Entered,
    ) -> StepFields {
        let num = |v: Option<u32>| v.map(|n| n.to_string()).unwrap_or_default();
        let cell_vote =
            next.is_some_and(|n| n.vote && profile.voters(n) == Voters::CellOfficialMembers);
        let eligible = entered.eligible.or(registry);
        StepFields {
            date: entered.date.unwrap_or_else(|| on.to_string()),
            eligible: num(eligible),
            present: num(entered.present),
            in_favour: num(entered.in_favour),
            against: num(entered.against),
            reason: entered.reason.unwrap_or_default(),
            eligible_label: tr
                .get(if cell_vote {
                    "cand.eligible_cell"
                } else {
                    "cand.eligible_committee"
                })
                .to_string(),
            hint: match registry {
                Some(n) => tr.args(
                    "cand.registry_count",
                    &[
                        ("count", Arg::Number(f64::from(n))),
                        ("date", Arg::Text(tr.date(&on))),
                    ],
                ),
                None => tr.get("cand.committee_hint").to_string(),
            },
            cell_vote,
        }
    }
}

/// Who records a step the actor may not: "recorded by the grassroots
/// party committee; you record for the cell".
pub fn recorded_by(tr: &Tr, profile: &Profile, stage: &StageDef, you: Level) -> String {
    let body = profile.recorder(&stage.key).unwrap_or(Level::Superior);
    tr.args(
        "cand.recorded_by",
        &[
            ("stage", Arg::Text(stage.name(tr.lang.code()).to_string())),
            (
                "body",
                Arg::Text(tr.get(&format!("level.{}", body.as_str())).to_string()),
            ),
            (
                "you",
                Arg::Text(tr.get(&format!("level_own.{}", you.as_str())).to_string()),
            ),
        ],
    )
}

#[derive(askama::Template)]
#[template(path = "eligible_field.html")]
struct EligibleField {
    step: StepFields,
}

#[derive(serde::Deserialize)]
pub struct EligibleQuery {
    pub stage: String,
    pub date: Option<String>,
}

/// The eligible field for the day chosen in the step form (htmx swaps it
/// in when the date changes): the registry's count on that day.
pub async fn candidate_eligible(
    axum::extract::State(st): axum::extract::State<crate::AppState>,
    auth: crate::auth::Auth,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::extract::Query(q): axum::extract::Query<EligibleQuery>,
    lang: crate::extract::PageLang,
) -> Result<axum::response::Response, crate::error::WebError> {
    use crate::extract::PageResult;
    let tr = Tr { lang: lang.lang };
    let profile = st.app.profile();
    let on = q
        .date
        .as_deref()
        .and_then(|d| ranks_domain::parse_date("date", d).ok())
        .unwrap_or_else(|| st.app.clock().today());
    let registry = st
        .app
        .registry_eligible(&auth.actor, id, &q.stage, on)
        .await
        .page(&lang)?;
    let step = StepFields::new(
        &tr,
        profile,
        profile.stage(&q.stage),
        on,
        registry,
        Entered::default(),
    );
    super::render(&EligibleField { step }, &lang)
}
