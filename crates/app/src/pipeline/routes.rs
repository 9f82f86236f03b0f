//! The introducers' routes (Charter Điều 4 khoản 1): the mass organisations
//! present at a unit, a candidate's memberships of them, and the
//! resolutions of the Youth Union and the trade union that introduce them.

use super::visible_candidate;
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::procedure::{GateKind, Profile};
use ranks_domain::Date;
use ranks_store::records::candidates::{self};
use ranks_store::records::units::{self};
use ranks_store::Conn;
use serde_json::json;

/// Which organisation's committee introduces the candidate by resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The grassroots Youth Union committee (form 4-KNĐ).
    YouthUnion,
    /// The grassroots trade-union committee (form 4A-KNĐ).
    TradeUnion,
}

impl Resolution {
    /// The introducer kind as stored.
    pub fn kind(self) -> &'static str {
        match self {
            Resolution::YouthUnion => "youth_union",
            Resolution::TradeUnion => "trade_union",
        }
    }

    /// The form that records the resolution, as the profile's introducers
    /// gate names it.
    pub fn document(self, profile: &Profile) -> Option<String> {
        profile.gates.iter().find_map(|g| match &g.kind {
            GateKind::Introducers {
                youth_document,
                union_document,
                ..
            } => match self {
                Resolution::YouthUnion => youth_document.clone(),
                Resolution::TradeUnion => union_document.clone(),
            },
            _ => None,
        })
    }
}

/// The introducer of `kind` with its form: recorded on `on` unless the form
/// is already there.
pub(crate) async fn record_resolution(
    conn: &mut Conn,
    profile: &Profile,
    candidate_id: i64,
    which: Resolution,
    on: Date,
    by: &str,
    at: &str,
) -> Result<Option<String>, AppError> {
    candidates::add_introducer(conn, candidate_id, None, which.kind(), None, on).await?;
    let Some(doc) = which.document(profile) else {
        return Ok(None);
    };
    if candidates::documents(conn, candidate_id)
        .await?
        .contains_key(&doc)
    {
        return Ok(None);
    }
    candidates::add_document(conn, candidate_id, &doc, on, by, at).await?;
    Ok(Some(doc))
}

impl App {
    /// The mass organisations present at a unit: (Youth Union organisation,
    /// trade union).
    pub async fn unit_organisations(
        &self,
        actor: &Actor,
        code: &str,
    ) -> Result<(bool, bool), AppError> {
        let mut conn = self.db().read().await?;
        let unit = visible_unit(&mut conn, actor, code).await?;
        Ok(units::organisations(&mut conn, unit.id).await?)
    }

    /// Records which mass organisations a unit has; `None` keeps one as is.
    /// Returns them as recorded.
    pub async fn set_unit_organisations(
        &self,
        actor: &Actor,
        code: &str,
        youth_union: Option<bool>,
        trade_union: Option<bool>,
    ) -> Result<(bool, bool), AppError> {
        let code = code.to_string();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let unit = visible_unit(cx.tx.conn(), cx.actor, &code).await?;
                let before = units::organisations(cx.tx.conn(), unit.id).await?;
                let after = (
                    youth_union.unwrap_or(before.0),
                    trade_union.unwrap_or(before.1),
                );
                units::set_organisations(cx.tx.conn(), unit.id, after.0, after.1).await?;
                cx.audit(
                    "organisations",
                    "unit",
                    unit.id,
                    Some(json!({"youth_union": before.0, "trade_union": before.1})),
                    Some(json!({"youth_union": after.0, "trade_union": after.1})),
                )
                .await?;
                Ok(after)
            })
        })
        .await
    }

    /// Records a candidate's memberships of the Youth Union and the trade
    /// union; `None` keeps one as is. Returns them as recorded.
    pub async fn set_memberships(
        &self,
        actor: &Actor,
        candidate_id: i64,
        youth_union: Option<bool>,
        trade_union: Option<bool>,
    ) -> Result<(bool, bool), AppError> {
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                let before = candidates::memberships(cx.tx.conn(), c.id).await?;
                let after = (
                    youth_union.unwrap_or(before.0),
                    trade_union.unwrap_or(before.1),
                );
                candidates::set_memberships(cx.tx.conn(), c.id, after.0, after.1).await?;
                cx.audit(
                    "memberships",
                    "candidate",
                    c.id,
                    Some(json!({"youth_union": before.0, "trade_union": before.1})),
                    Some(json!({"youth_union": after.0, "trade_union": after.1})),
                )
                .await?;
                Ok(after)
            })
        })
        .await
    }

    /// Records the trade-union committee's resolution introducing the
    /// candidate, and its form (4A-KNĐ) on the same day unless already
    /// recorded. (The Youth Union's is [`App::add_introducer`] without a
    /// member.)
    pub async fn add_trade_union_introducer(
        &self,
        actor: &Actor,
        candidate_id: i64,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        let on = self.check_date("date", on.unwrap_or(self.clock().today()))?;
        let profile = self.profile().clone();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let c = visible_candidate(cx.tx.conn(), cx.actor, candidate_id).await?;
                let already = candidates::introducers(cx.tx.conn(), c.id).await?;
                if already
                    .iter()
                    .any(|i| i.member_id.is_none() && i.kind == "trade_union")
                {
                    return Err(AppError::Conflict(format!(
                        "this introducer is already recorded for candidate {}; nothing was saved",
                        c.id
                    )));
                }
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                let doc = record_resolution(
                    cx.tx.conn(),
                    &profile,
                    c.id,
                    Resolution::TradeUnion,
                    on,
                    &by,
                    &at,
                )
                .await?;
                cx.audit(
                    "introducer",
                    "candidate",
                    c.id,
                    None,
                    Some(json!({"trade_union": true, "document": doc, "on": on})),
                )
                .await
            })
        })
        .await
    }
}
