//! Withdrawing, or moving the date of, the latest step when that step
//! changed the member registry (the admission decision made a probationary
//! member, the recognition made them official, the refusal of recognition
//! removed them): the registry change is undone, or follows the new date,
//! in the same transaction, audited; refused, naming what, when something
//! since relied on the member record.

use crate::ops::Ctx;
use crate::AppError;
use ranks_domain::procedure::{Effect, Profile, Refusal, Said};
use ranks_domain::{Date, MemberStatus};
use ranks_store::records::candidates::CandidateRow;
use ranks_store::records::corrections::{self as store, StageRecord};
use ranks_store::records::members::{self, MemberRow};
use serde_json::{json, Value};

/// The member-history kind a step with this effect writes.
fn event_kind(effect: Effect) -> Option<&'static str> {
    match effect {
        Effect::Recognise => Some("recognised"),
        Effect::Remove => Some("removed_not_recognised"),
        _ => None,
    }
}

/// The registry effect of a stage, when it has one.
pub(super) fn registry_effect(profile: &Profile, stage: &str) -> Option<Effect> {
    profile
        .stage(stage)
        .and_then(|s| s.effect)
        .filter(|e| matches!(e, Effect::Admit | Effect::Recognise | Effect::Remove))
}

/// A refusal of undoing `step`'s registry change, under the corrections'
/// rule, citing the step's own source.
fn refused(
    profile: &Profile,
    step: &StageRecord,
    key: &'static str,
    text: String,
    args: Vec<(&'static str, String)>,
) -> AppError {
    let source = profile
        .stage(&step.stage)
        .map(|s| s.source.cite())
        .unwrap_or_default();
    let mut all = vec![("stage", step.stage.clone())];
    all.extend(args);
    AppError::Refused(Refusal::new(
        "correction.relied_on",
        source,
        Said {
            key,
            args: all,
            text,
        },
    ))
}

/// The member record `step` made or changed, as long as nothing since
/// relied on it: no later entry in its history, no other use of it (when
/// `uses`: a mentor, an introducer, a committee, a leader, an account,
/// another file), no later membership of the person. Answers the row and
/// the history entry the step wrote.
async fn untouched(
    cx: &mut Ctx<'_>,
    profile: &Profile,
    c: &CandidateRow,
    step: &StageRecord,
    effect: Effect,
    uses: bool,
) -> Result<(MemberRow, Option<i64>), AppError> {
    let member_id = c
        .member_id
        .ok_or_else(|| AppError::Conflict(format!("candidate {} has no member record", c.id)))?;
    let row = members::row(cx.tx.conn(), member_id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            what: "member",
            key: member_id.to_string(),
        })?;
    let events = store::member_events(cx.tx.conn(), member_id).await?;
    let own = event_kind(effect).and_then(|k| events.iter().rposition(|e| e.1 == k));
    let later = match own {
        Some(i) => events.get(i + 1),
        None => events.first(),
    };
    if let Some((_, kind, on)) = later {
        return Err(refused(
            profile,
            step,
            "refusal-registry-changed",
            format!(
                "the member record of the step '{}' was changed since ({kind} on {}): undo that first",
                step.stage,
                on.format("%d/%m/%Y")
            ),
            vec![("on", on.to_string())],
        ));
    }
    let expected = match effect {
        Effect::Admit => MemberStatus::Probationary,
        Effect::Recognise => MemberStatus::Official,
        _ => MemberStatus::Removed,
    };
    if row.status != expected
        || row.unit_id != c.unit_id
        || (effect == Effect::Admit && row.left_on.is_some())
    {
        return Err(refused(
            profile,
            step,
            "refusal-registry-changed-now",
            format!(
                "the member record of the step '{}' is no longer as the step left it (now {} in another state or unit): undo that first",
                step.stage,
                row.status.as_str()
            ),
            vec![],
        ));
    }
    let mut found = if uses {
        store::member_uses(cx.tx.conn(), member_id, c.id).await?
    } else {
        Vec::new()
    };
    match effect {
        // An account or a leader's role needs no official status.
        Effect::Recognise => found.retain(|(what, _)| !matches!(*what, "user" | "leader")),
        // Back on probation, the member may be named as before.
        Effect::Remove => found.clear(),
        _ => {}
    }
    let others = members::for_person(cx.tx.conn(), row.person_id)
        .await?
        .into_iter()
        .filter(|m| m.id != member_id)
        .count();
    if others > 0 && effect != Effect::Admit {
        found.push(("membership", others as i64));
    }
    if let Some((what, n)) = found.first() {
        return Err(refused(
            profile,
            step,
            "refusal-registry-used",
            format!(
                "the member record of the step '{}' is relied on since: named as {what} ({n}); remove that first",
                step.stage
            ),
            vec![("what", (*what).to_string()), ("count", n.to_string())],
        ));
    }
    Ok((row, own.map(|i| events[i].0)))
}

/// Undoes the registry change of `step`, which is being withdrawn:
/// answers what the member record held, for the correction kept.
pub(super) async fn undo(
    cx: &mut Ctx<'_>,
    profile: &Profile,
    c: &CandidateRow,
    step: &StageRecord,
) -> Result<Option<Value>, AppError> {
    let Some(effect) = registry_effect(profile, &step.stage) else {
        return Ok(None);
    };
    let (row, event) = untouched(cx, profile, c, step, effect, true).await?;
    let before = row.to_json();
    if effect == Effect::Admit {
        store::delete_member(cx.tx.conn(), row.id, c.id).await?;
        cx.audit(
            "withdraw",
            "member",
            row.id,
            Some(before.clone()),
            Some(json!({"deleted": true})),
        )
        .await?;
        cx.audit(
            "link",
            "candidate",
            c.id,
            Some(json!({"member_id": row.id})),
            Some(json!({"member_id": null})),
        )
        .await?;
        return Ok(Some(before));
    }
    let mut after = row.clone();
    after.status = MemberStatus::Probationary;
    if effect == Effect::Recognise {
        after.official_on = None;
    } else {
        after.left_on = None;
    }
    members::update(cx.tx.conn(), &after).await?;
    if let Some(id) = event {
        store::delete_member_event(cx.tx.conn(), id).await?;
    }
    cx.audit(
        "withdraw",
        "member",
        row.id,
        Some(before.clone()),
        Some(after.to_json()),
    )
    .await?;
    Ok(Some(before))
}

/// The registry follows `step` moved to `on`: the admission day of the
/// member an admission decision made, the day a refusal of recognition
/// removed them, the day in the member's history. (Recognition takes
/// effect twelve months after the ceremony, whatever the decision's day.)
pub(super) async fn redate(
    cx: &mut Ctx<'_>,
    profile: &Profile,
    c: &CandidateRow,
    step: &StageRecord,
    on: Date,
) -> Result<(), AppError> {
    let Some(effect) = registry_effect(profile, &step.stage) else {
        return Ok(());
    };
    let (row, event) = untouched(cx, profile, c, step, effect, false).await?;
    let mut after = row.clone();
    match effect {
        Effect::Admit => {
            store::set_admitted_on(cx.tx.conn(), row.id, on).await?;
            after.admitted_on = on;
        }
        Effect::Remove => {
            after.left_on = Some(on);
            members::update(cx.tx.conn(), &after).await?;
        }
        _ => {}
    }
    if let Some(id) = event {
        store::set_member_event_date(cx.tx.conn(), id, on).await?;
    }
    cx.audit(
        "correct",
        "member",
        row.id,
        Some(row.to_json()),
        Some(after.to_json()),
    )
    .await
}
