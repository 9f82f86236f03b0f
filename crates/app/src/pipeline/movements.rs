//! Member movements after admission (DOMAIN.md §4).

use super::{check_version, visible_member};
use crate::{visible_unit, Actor, App, AppError};
use ranks_domain::procedure::{MemberRules, Refusal, Said};
use ranks_domain::text::{bounded, limits};
use ranks_domain::{Date, DomainError, MemberStatus};
use ranks_store::records::members::{self};
use serde_json::json;

/// A movement of a member (DOMAIN.md §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Movement {
    /// Official transfer to another cell in the tree.
    TransferTo {
        cell: String,
    },
    /// Official transfer out of the tree.
    TransferOut {
        destination: String,
    },
    /// Temporary activity in another cell until a date; still counted at home.
    Temporary {
        cell: String,
        until: Date,
        /// For study (a longer band than for work or residence).
        study: bool,
    },
    /// Back from a temporary transfer.
    ReturnHome,
    /// Exempted from activities, fully or partly (or no longer: "").
    Exempt {
        level: String,
    },
    Remove {
        reason: String,
    },
    Expel {
        reason: String,
    },
    Death,
    Card {
        number: String,
    },
}

impl App {
    pub async fn member_movement(
        &self,
        actor: &Actor,
        member_id: i64,
        movement: Movement,
        on: Option<Date>,
    ) -> Result<(), AppError> {
        self.member_movement_at(actor, member_id, movement, on, None)
            .await
    }

    /// A movement recorded on the member as the user saw it (`version`, see
    /// [`crate::history::MemberRecord::version`]); a stale view is a conflict.
    pub async fn member_movement_at(
        &self,
        actor: &Actor,
        member_id: i64,
        movement: Movement,
        on: Option<Date>,
        version: Option<i64>,
    ) -> Result<(), AppError> {
        let on = self.check_date("date", on.unwrap_or(self.clock().today()))?;
        let rules = self.profile().members.clone();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let before = visible_member(cx.tx.conn(), cx.actor, member_id).await?;
                check_version(cx.tx.conn(), "member", member_id, version).await?;
                if !before.status.is_current() {
                    return Err(AppError::Conflict(format!(
                        "member {member_id} is {}; only current members move",
                        before.status.as_str()
                    )));
                }
                if matches!(movement, Movement::TransferTo { .. } | Movement::TransferOut { .. } | Movement::Temporary { .. }) {
                    // A transfer file still open decides where the member goes.
                    crate::transfers::refuse_if_open(cx, member_id).await?;
                }
                let mut m = (*before).clone();
                let mut detail = json!({});
                let kind = match &movement {
                    Movement::TransferTo { cell } => {
                        let cell = visible_unit(cx.tx.conn(), cx.actor, cell).await?;
                        if !cell.kind.holds_members() || cell.id == m.unit_id {
                            return Err(AppError::Conflict(format!("{} is not another cell", cell.code)));
                        }
                        detail = json!({"from_unit": m.unit_id, "to": cell.code});
                        m.unit_id = cell.id;
                        m.host_unit_id = None;
                        m.host_until = None;
                        "transfer"
                    }
                    Movement::TransferOut { destination } => {
                        detail = json!({"destination": bounded("destination", destination, limits::LINE)?});
                        m.status = MemberStatus::TransferredOut;
                        m.left_on = Some(on);
                        "transfer_out"
                    }
                    Movement::Temporary { cell, until, study } => {
                        let host = visible_unit(cx.tx.conn(), cx.actor, cell).await?;
                        if !host.kind.holds_members() || host.id == m.unit_id {
                            return Err(AppError::Conflict(format!("{} is not another cell", host.code)));
                        }
                        if let Some(r) = &rules {
                            temporary_band(r, on, *until, *study)?;
                        }
                        detail = json!({"host": host.code, "until": until, "study": study});
                        m.host_unit_id = Some(host.id);
                        m.host_until = Some(*until);
                        "temporary_transfer"
                    }
                    Movement::ReturnHome => {
                        if m.host_unit_id.is_none() {
                            return Err(AppError::Conflict(format!("member {member_id} is not on a temporary transfer")));
                        }
                        m.host_unit_id = None;
                        m.host_until = None;
                        "return"
                    }
                    Movement::Exempt { level } => {
                        if !matches!(level.as_str(), "full" | "partial" | "") {
                            return Err(DomainError::invalid("level", level.clone(), "full, partial, or empty to end the exemption").into());
                        }
                        m.exempted = level.clone();
                        detail = json!({"level": level});
                        "exempt"
                    }
                    Movement::Remove { reason } => {
                        m.status = MemberStatus::Removed;
                        m.left_on = Some(on);
                        detail = json!({"reason": bounded("reason", reason, limits::NOTE)?});
                        "remove"
                    }
                    Movement::Expel { reason } => {
                        m.status = MemberStatus::Expelled;
                        m.left_on = Some(on);
                        detail = json!({"reason": bounded("reason", reason, limits::NOTE)?});
                        "expel"
                    }
                    Movement::Death => {
                        m.status = MemberStatus::Deceased;
                        m.left_on = Some(on);
                        "death"
                    }
                    Movement::Card { number } => {
                        if m.status != MemberStatus::Official {
                            return Err(AppError::Conflict(format!(
                                "member {member_id} is {}; the party card is issued to official members only",
                                m.status.as_str()
                            )));
                        }
                        let number = bounded("number", number, limits::SHORT)?;
                        if number.is_empty() {
                            return Err(DomainError::invalid("number", number, "the card's number").into());
                        }
                        m.card_number = Some(number.clone());
                        detail = json!({"number": number});
                        "card"
                    }
                };
                members::update(cx.tx.conn(), &m).await?;
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                members::add_event(cx.tx.conn(), member_id, kind, on, &detail, &by, &at).await?;
                cx.audit(kind, "member", member_id, Some(before.to_json()), Some(m.to_json())).await
            })
        })
        .await
    }
}

impl App {
    /// Records why a former member left the Party (removed or expelled): a
    /// ground from the fixed list re-admission judges
    /// ([`ranks_domain::procedure::EXIT_GROUNDS`]), and for a criminal
    /// conviction the day the record was cleared, when it is.
    pub async fn record_exit_ground(
        &self,
        actor: &Actor,
        member_id: i64,
        ground: &str,
        record_cleared_on: Option<Date>,
        version: Option<i64>,
    ) -> Result<(), AppError> {
        if ranks_domain::procedure::exit_ground_label(ground).is_none() {
            return Err(DomainError::invalid(
                "ground",
                ground.to_string(),
                "one of abandoned_activities, asked_to_leave, asked_to_leave_family_hardship, serious_disunity, corruption_conviction, serious_crime_conviction, minor_crime_conviction, other",
            )
            .into());
        }
        let record_cleared_on = record_cleared_on
            .map(|d| self.check_date("record_cleared_on", d))
            .transpose()?;
        let ground = ground.to_string();
        self.run(actor, move |cx| {
            Box::pin(async move {
                let m = visible_member(cx.tx.conn(), cx.actor, member_id).await?;
                check_version(cx.tx.conn(), "member", member_id, version).await?;
                let Some(left) = m.left_on.filter(|_| matches!(m.status, MemberStatus::Removed | MemberStatus::Expelled)) else {
                    return Err(AppError::Conflict(format!(
                        "member {member_id} is {}; a ground of leaving is recorded for a removed or expelled member",
                        m.status.as_str()
                    )));
                };
                let before = members::memberships(cx.tx.conn(), m.person_id)
                    .await?
                    .into_iter()
                    .find(|x| x.id == member_id)
                    .expect("the member exists");
                members::set_exit_ground(cx.tx.conn(), member_id, &ground, record_cleared_on).await?;
                let detail = json!({"ground": ground, "record_cleared_on": record_cleared_on, "left_on": left});
                let (by, at) = (cx.actor.name.clone(), cx.at.clone());
                members::add_event(cx.tx.conn(), member_id, "exit_ground", left, &detail, &by, &at).await?;
                cx.audit(
                    "exit_ground",
                    "member",
                    member_id,
                    Some(json!({"left_ground": before.left_ground, "record_cleared_on": before.record_cleared_on})),
                    Some(json!({"left_ground": ground, "record_cleared_on": record_cleared_on})),
                )
                .await
            })
        })
        .await
    }
}

/// A temporary transfer lasts the profile's band of whole months (for
/// study its own band, where the profile has one), counted from `from`.
pub(crate) fn temporary_band(
    r: &MemberRules,
    from: Date,
    until: Date,
    study: bool,
) -> Result<(), AppError> {
    let (lo, hi) = match (study, r.temporary_transfer_study_months) {
        (true, Some(band)) => band,
        _ => r.temporary_transfer_months,
    };
    let what = if study {
        "for study"
    } else {
        "for work or residence"
    };
    let months = ranks_domain::procedure::whole_months(from, until);
    if months < i64::from(lo) || months > i64::from(hi) {
        return Err(AppError::Refused(Refusal::new(
            "temporary_transfer",
            r.source.cite(),
            Said {
                key: if study {
                    "refusal-temporary-transfer-study"
                } else {
                    "refusal-temporary-transfer"
                },
                args: vec![
                    ("min", lo.to_string()),
                    ("max", hi.to_string()),
                    ("from", from.to_string()),
                    ("until", until.to_string()),
                    ("months", months.to_string()),
                ],
                text: format!(
                    "a temporary transfer {what} lasts {lo} to {hi} whole months; {from} to {until} is {months}"
                ),
            },
        )));
    }
    Ok(())
}
