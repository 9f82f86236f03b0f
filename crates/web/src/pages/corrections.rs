//! Correcting a mistake on the dossier (issue 15): a small "correct" and
//! "withdraw" form per entry, each with its reason, and the list of what
//! was withdrawn or corrected, with who, when and why.

use super::form_date;
use crate::i18n::Tr;
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use ranks_app::pipeline::{Correctable, CorrectionEntry, Entry};
use ranks_domain::procedure::{Profile, Vote};
use serde::Deserialize;

/// One entry with its forms.
pub struct FixView {
    pub kind: String,
    pub key: String,
    /// What the entry is, in the page's language.
    pub label: String,
    pub correctable: bool,
    /// The current values, to prefill the correction form (ISO dates).
    pub date: String,
    pub since: String,
    pub number: String,
    pub vote: [u32; 4],
}

/// The dossier's correction forms (for a role that records) and what
/// was corrected or withdrawn.
pub async fn views(
    st: &AppState,
    auth: &crate::auth::Auth,
    f: &ranks_app::pipeline::CandidateFile,
    lang: &crate::extract::PageLang,
) -> Result<(Vec<FixView>, Vec<String>), crate::error::WebError> {
    use crate::extract::PageResult;
    let tr = Tr { lang: lang.lang };
    let profile = st.app.profile();
    let fixes = if auth.actor.role.writes() {
        let list = st.app.correctable(&auth.actor, f.id).await.page(lang)?;
        fix_views(&tr, profile, list)
    } else {
        Vec::new()
    };
    Ok((fixes, kept_views(&tr, profile, &f.corrections)))
}

pub fn fix_views(tr: &Tr, profile: &Profile, entries: Vec<Correctable>) -> Vec<FixView> {
    entries
        .into_iter()
        .map(|e| {
            let date = e.date.map(|d| tr.date(&d)).unwrap_or_default();
            let what = tr.get(&format!("fix.kind.{}", e.kind));
            let label = match e.kind.as_str() {
                "step" | "vote" => format!("{what}: {} — {date}", tr.stage(profile, &e.key)),
                "document" => format!("{what}: {} — {date}", e.key),
                "certificate" => {
                    format!("{what}: {} — {date}", e.number.clone().unwrap_or_default())
                }
                _ => format!(
                    "{what}: {} — {date}",
                    e.name.clone().unwrap_or_else(|| {
                        let key = match e.introducer.as_deref() {
                            Some("trade_union") => "cand.trade_union",
                            _ => "cand.youth_union",
                        };
                        tr.get(key).to_string()
                    })
                ),
            };
            FixView {
                correctable: true,
                label,
                date: e.date.map(|d| d.to_string()).unwrap_or_default(),
                since: e.since.map(|d| d.to_string()).unwrap_or_default(),
                number: e.number.unwrap_or_default(),
                vote: e.vote.unwrap_or_default(),
                kind: e.kind,
                key: e.key,
            }
        })
        .collect()
}

/// What was withdrawn or corrected, as the page lists it.
pub fn kept_views(tr: &Tr, profile: &Profile, list: &[CorrectionEntry]) -> Vec<String> {
    list.iter()
        .map(|c| {
            let what = tr.get(&format!("fix.kind.{}", c.kind));
            let key = ["stage", "code", "name", "number"]
                .iter()
                .find_map(|k| c.entry.get(*k).and_then(|v| v.as_str()))
                .map(|v| {
                    if c.kind == "stage" || c.kind == "vote" {
                        tr.stage(profile, v)
                    } else {
                        v.to_string()
                    }
                })
                .unwrap_or_default();
            let action = tr.get(&format!("fix.{}", c.action));
            let at = c.at.get(..10).unwrap_or(&c.at);
            let at =
                ranks_domain::parse_date("at", at).map_or_else(|_| at.to_string(), |d| tr.date(&d));
            format!(
                "{what} {key}: {action} — {}, {at}. {}: {}",
                c.by,
                tr.get("fix.reason"),
                c.reason
            )
        })
        .collect()
}

#[derive(Deserialize)]
pub struct FixForm {
    pub kind: String,
    pub key: String,
    pub reason: String,
    pub date: Option<String>,
    pub since: Option<String>,
    pub number: Option<String>,
    /// A vote's counts (named apart from the step form's own).
    pub vote_eligible: Option<u32>,
    pub vote_present: Option<u32>,
    pub vote_in_favour: Option<u32>,
    pub vote_against: Option<u32>,
}

/// After a correction form: as the other forms of the dossier, and a role
/// that may not change the entry is told so next to the corrections (403),
/// with who may.
async fn outcome(
    st: &AppState,
    auth: &crate::auth::Auth,
    id: i64,
    lang: &crate::extract::PageLang,
    result: Result<(), ranks_app::AppError>,
) -> Result<Response, crate::error::WebError> {
    match result {
        Err(ranks_app::AppError::Forbidden(msg)) => super::with_status(
            super::candidate::candidate_page(
                st,
                auth,
                id,
                lang,
                Some(super::fix::FormError::of(
                    crate::i18n::Tr { lang: lang.lang },
                    "corrections",
                    &ranks_app::AppError::Forbidden(msg),
                )),
                super::vote_view::Entered::default(),
            )
            .await,
            axum::http::StatusCode::FORBIDDEN,
        ),
        result => super::candidate::form_outcome(st, auth, id, lang, "corrections", result).await,
    }
}

/// Withdraws an entry; a refusal is shown next to the corrections.
pub async fn candidate_withdraw(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: crate::extract::PageLang,
    crate::extract::CsrfForm { auth, form: f }: crate::extract::CsrfForm<FixForm>,
) -> Result<Response, crate::error::WebError> {
    let result = match Entry::parse(&f.kind, &f.key) {
        Ok(entry) => {
            st.app
                .withdraw_entry(&auth.actor, id, entry, &f.reason)
                .await
        }
        Err(e) => Err(e.into()),
    };
    outcome(&st, &auth, id, &lang, result).await
}

/// Corrects an entry; a refusal is shown next to the corrections.
pub async fn candidate_correct(
    State(st): State<AppState>,
    Path(id): Path<i64>,
    lang: crate::extract::PageLang,
    crate::extract::CsrfForm { auth, form: f }: crate::extract::CsrfForm<FixForm>,
) -> Result<Response, crate::error::WebError> {
    let run = async {
        let entry = Entry::parse(&f.kind, &f.key)?;
        let vote = match (
            f.vote_eligible,
            f.vote_present,
            f.vote_in_favour,
            f.vote_against,
        ) {
            (Some(e), Some(p), Some(i), Some(a)) => Some(Vote {
                eligible: e,
                present: p,
                in_favour: i,
                against: a,
            }),
            _ => None,
        };
        let value = entry.corrected(
            form_date("date", f.date.as_deref())?,
            form_date("since", f.since.as_deref())?,
            f.number.clone(),
            vote,
        )?;
        st.app
            .correct_entry(&auth.actor, id, entry, value, &f.reason)
            .await
    };
    let result = run.await;
    outcome(&st, &auth, id, &lang, result).await
}
