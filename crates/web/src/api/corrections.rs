//! Correcting a mistake in a candidate's file over the API: withdrawing or
//! correcting an entry, with a reason (issue 15).

use super::{app_err, opt_date};
use crate::error::WebError;
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use ranks_app::pipeline::{CorrectionEntry, Entry};
use ranks_domain::procedure::Vote;
use serde::Deserialize;

/// An entry of the file: `kind` and `key` as the file shows them.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalBody {
    /// document, mentor, probation_mentor, introducer, certificate, vote or step.
    pub kind: String,
    /// A document's form code, a mentor's member id, an introducer's or a
    /// certificate's id, a step's stage (only the latest step).
    pub key: String,
    /// Why: kept with the entry and in the audit log.
    pub reason: String,
}

/// The corrected value of an entry.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    /// document, mentor, probation_mentor, introducer, certificate or vote.
    pub kind: String,
    /// A document's form code, a mentor's member id, an introducer's or a
    /// certificate's id, a vote's stage.
    pub key: String,
    /// Why: kept with the old value and in the audit log.
    pub reason: String,
    /// The corrected date (a document's, a mentor's assignment, an
    /// introduction's, a certificate's issue).
    #[schemars(extend("format" = "date"))]
    pub date: Option<String>,
    /// An introducer's working together since.
    #[schemars(extend("format" = "date"))]
    pub since: Option<String>,
    /// A certificate's number.
    pub number: Option<String>,
    /// A vote's counts.
    pub vote: Option<super::candidates::VoteBody>,
}

pub async fn withdraw(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<WithdrawalBody>,
) -> Result<StatusCode, WebError> {
    let entry = Entry::parse(&b.kind, &b.key).map_err(|e| app_err(e.into()))?;
    st.app
        .withdraw_entry(&auth.actor, id, entry, &b.reason)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn correct(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
    ApiJson(b): ApiJson<CorrectionBody>,
) -> Result<StatusCode, WebError> {
    let entry = Entry::parse(&b.kind, &b.key).map_err(|e| app_err(e.into()))?;
    let value = entry
        .corrected(
            opt_date("date", &b.date)?,
            opt_date("since", &b.since)?,
            b.number,
            b.vote.map(|v| Vote {
                eligible: v.eligible,
                present: v.present,
                in_favour: v.in_favour,
                against: v.against,
            }),
        )
        .map_err(|e| app_err(e.into()))?;
    st.app
        .correct_entry(&auth.actor, id, entry, value, &b.reason)
        .await
        .map_err(app_err)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list(
    State(st): State<AppState>,
    auth: crate::auth::Auth,
    Path(id): Path<i64>,
) -> Result<Json<Vec<CorrectionEntry>>, WebError> {
    Ok(Json(
        st.app.corrections(&auth.actor, id).await.map_err(app_err)?,
    ))
}
