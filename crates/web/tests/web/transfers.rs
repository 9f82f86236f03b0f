//! Transfers seen from both ends over the pages and the API (issue 17,
//! part 4), on SQLite and PostgreSQL.

use axum::http::StatusCode;
use ranks_app::auth::Role;
use ranks_app::{Actor, App};
use ranks_domain::UnitKind;
use ranks_testkit::http::sign_in;
use ranks_testkit::{both_backends, TestDb};
use serde_json::json;

const PW: &str = "demo-ranks-2025";

/// The demo with staff of the rehabilitation hospital (the sender), of the
/// eye hospital (the receiver) and of a third unit (neither end).
async fn demo_ends(db: &TestDb) -> (App, axum::Router, String, String) {
    let app = db.app().await;
    let sys = Actor::system();
    assert!(app.load_demo(&sys).await.unwrap().loaded);
    let first_cell = |code: &'static str| {
        let app = app.clone();
        async move {
            app.children(&Actor::system(), code, Some(UnitKind::Cell))
                .await
                .unwrap()[0]
                .code
                .to_string()
        }
    };
    let from = first_cell("BVPHCN").await;
    let to = first_cell("BVSN").await;
    let third = app
        .children(&sys, "DBSYT", None)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.code.to_string())
        .find(|c| c != "BVPHCN" && c != "BVSN")
        .unwrap();
    for (user, unit) in [
        ("guidi", "BVPHCN"),
        ("nhanve", "BVSN"),
        ("khac", third.as_str()),
    ] {
        app.add_user(&sys, user, PW, Role::Staff, Some(unit), None)
            .await
            .unwrap();
    }
    let router = ranks_web::router(app.clone());
    (app, router, from, to)
}

async fn count(app: &App, code: &str) -> u64 {
    app.member_count(&Actor::system(), Some(code))
        .await
        .unwrap()
}

async fn a_transfer_over_the_pages_and_the_api(db: TestDb) {
    let (app, router, from, to) = demo_ends(&db).await;
    let sender = sign_in(&router, "guidi", PW).await.unwrap();
    let receiver = sign_in(&router, "nhanve", PW).await.unwrap();
    let other = sign_in(&router, "khac", PW).await.unwrap();
    let found = sender
        .get(&format!("/api/v1/members?org={from}&limit=1"), None)
        .await
        .json();
    let member = found["members"][0]["id"].as_i64().unwrap();
    let name = found["members"][0]["full_name"]
        .as_str()
        .unwrap()
        .to_string();
    let (home, away) = (count(&app, &from).await, count(&app, &to).await);
    // The member's page leads to the unit's transfers with the member filled in.
    let page = sender.get(&format!("/members/{member}"), None).await;
    assert!(
        page.body
            .contains(&format!("/units/{from}/transfers?member={member}#start")),
        "{}",
        page.body
    );
    let list = sender
        .get(&format!("/units/{from}/transfers?member={member}"), None)
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert!(list.body.contains(&format!("value=\"{member}\"")));
    assert!(list
        .body
        .contains("Giấy giới thiệu sinh hoạt đảng chính thức (loại 10 ô)"));
    // Started by the form: to a cell of another committee.
    let sent = sender
        .form(
            &format!("/units/{from}/transfers"),
            &[
                ("csrf", &sender.csrf),
                ("member", &member.to_string()),
                ("kind", "official"),
                ("cell", &to),
                ("destination", ""),
                ("sent_on", "2026-11-02"),
                ("decided_on", "2026-10-01"),
                ("doc_letter", "1"),
                ("doc_dossier", "1"),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let id: i64 = sent
        .location
        .trim_start_matches("/transfers/")
        .parse()
        .unwrap();
    let seen = sender.get(&sent.location, None).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(
        seen.body
            .contains("data-status=\"sent\">Đã giới thiệu chuyển đi<"),
        "{}",
        seen.body
    );
    assert!(
        seen.body.contains("14/12/2026"),
        "30 working days from 2 Nov"
    );
    assert!(seen.body.contains("còn 14 ngày làm việc"), "{}", seen.body);
    assert!(
        !seen.body.contains("id=\"receive-form\""),
        "the sender does not receive"
    );
    // The receiving end: its incoming list, the file, and the form to receive.
    let inc = receiver.get("/units/BVSN/transfers", None).await;
    assert!(
        inc.body
            .contains(&format!("data-transfer=\"{id}\" data-status=\"sent\"")),
        "{}",
        inc.body
    );
    assert!(inc.body.contains(&name));
    let theirs = receiver.get(&format!("/transfers/{id}"), None).await;
    assert!(theirs.body.contains("id=\"receive-form\""));
    assert!(
        !theirs.body.contains(&format!("/members/{member}\"")),
        "no record to open yet"
    );
    let api = receiver
        .get(&format!("/api/v1/transfers/{id}"), None)
        .await
        .json();
    // Printed for docs/transfers.md (`-- --nocapture`).
    println!(
        "RECEIVER SEES (sent): {}",
        serde_json::to_string_pretty(&api).unwrap()
    );
    assert_eq!(api["member"]["member_id"], json!(null));
    assert_eq!(api["status"], "sent");
    assert_eq!(api["deadlines"][1]["due"], "2026-12-14");
    // Nobody else: the page and the API answer as for no such file.
    assert_eq!(
        other.get(&format!("/transfers/{id}"), None).await.status,
        StatusCode::NOT_FOUND
    );
    let hidden = other.get(&format!("/api/v1/transfers/{id}"), None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(
        hidden.body,
        format!(r#"{{"error":"unknown transfer: {id}"}}"#)
    );
    let refused = other
        .post(
            &format!("/api/v1/transfers/{id}/actions"),
            json!({"action": "register"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    // The sender cannot answer for the receiver.
    let refused = sender
        .post(
            &format!("/api/v1/transfers/{id}/actions"),
            json!({"action": "receive"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    // A refusal without its reason is shown by the form, and writes nothing.
    let bad = receiver
        .form(
            &format!("/transfers/{id}/action"),
            &[
                ("csrf", &receiver.csrf),
                ("action", "refuse"),
                ("reason", " "),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("id=\"transfer-error\""), "{}", bad.body);
    // Received by the form, with the papers found.
    let got = receiver
        .form(
            &format!("/transfers/{id}/action"),
            &[
                ("csrf", &receiver.csrf),
                ("action", "receive"),
                ("doc_letter", "1"),
                ("date", "2026-11-10"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.body);
    assert_eq!(
        (count(&app, &from).await, count(&app, &to).await),
        (home, away)
    );
    // Registered over the API: the count moves now.
    let reg = receiver
        .post(
            &format!("/api/v1/transfers/{id}/actions"),
            json!({"action": "register", "date": "2026-11-12"}),
        )
        .await;
    assert_eq!(reg.status, StatusCode::NO_CONTENT, "{}", reg.body);
    assert_eq!(
        (count(&app, &from).await, count(&app, &to).await),
        (home - 1, away + 1)
    );
    // Every text of both pages in Vietnamese and German (no missing message).
    for lang in ["vi", "de"] {
        for uri in [
            format!("/transfers/{id}?lang={lang}"),
            format!("/units/{from}/transfers?lang={lang}"),
        ] {
            let p = sender.get(&uri, None).await;
            assert_eq!(p.status, StatusCode::OK, "{uri}");
            assert!(
                !p.body.contains(">?<") && !p.body.contains("transfer."),
                "{uri}: {}",
                p.body
            );
        }
    }
    let de = sender.get(&format!("/transfers/{id}?lang=de"), None).await;
    assert!(de.body.contains(">Unterlagen eingegangen<"), "{}", de.body);
    // The sender sees the whole history, in English too.
    let done = sender.get(&format!("/transfers/{id}?lang=en"), None).await;
    assert!(
        done.body.contains("data-status=\"registered\">Registered<"),
        "{}",
        done.body
    );
    let history = done.body.split("id=\"transfer-history\"").nth(1).unwrap();
    let history = history.split("</ol>").next().unwrap();
    let order: Vec<usize> = ["Sent", "Papers received", "Registered"]
        .iter()
        .map(|s| history.find(&format!("<strong>{s}</strong>")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{history}");
    let paper = done.body.split("data-paper=\"dossier\"").nth(1).unwrap();
    assert!(
        paper.starts_with(" class=\"late\""),
        "handed over, not found: {paper}"
    );
    let out = sender
        .get(
            &format!("/api/v1/units/{from}/transfers?end=outgoing"),
            None,
        )
        .await
        .json();
    let whole = sender
        .get(&format!("/api/v1/transfers/{id}"), None)
        .await
        .json();
    println!(
        "SENDER SEES (registered): {}",
        serde_json::to_string_pretty(&whole).unwrap()
    );
    println!(
        "SENDER'S OUTGOING: {}",
        serde_json::to_string_pretty(&out).unwrap()
    );
    assert_eq!(out["outgoing"][0]["id"], id);
    assert_eq!(out["outgoing"][0]["status"], "registered");
    assert!(out.get("incoming").is_none());
    let both = receiver
        .get("/api/v1/units/BVSN/transfers", None)
        .await
        .json();
    assert_eq!(both["incoming"][0]["id"], id);
    assert_eq!(both["outgoing"], json!([]));
    let bad_end = sender
        .get(
            &format!("/api/v1/units/{from}/transfers?end=sideways"),
            None,
        )
        .await;
    assert_eq!(bad_end.status, StatusCode::BAD_REQUEST);
    assert!(bad_end.body.contains("end:"), "{}", bad_end.body);
}

async fn out_of_the_system_over_the_api(db: TestDb) {
    let (app, router, from, _) = demo_ends(&db).await;
    let sender = sign_in(&router, "guidi", PW).await.unwrap();
    let found = sender
        .get(&format!("/api/v1/members?org={from}&limit=1"), None)
        .await
        .json();
    let member = found["members"][0]["id"].as_i64().unwrap();
    let home = count(&app, &from).await;
    let created = sender
        .post(
            "/api/v1/transfers",
            json!({"member_id": member, "kind": "official", "destination": "Đảng ủy Công an tỉnh Cao Bằng", "sent_on": "2026-11-02", "documents": ["letter", "nope"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::BAD_REQUEST, "{}", created.body);
    assert!(created.body.contains("documents"), "{}", created.body);
    let created = sender
        .post(
            "/api/v1/transfers",
            json!({"member_id": member, "kind": "official", "destination": "Đảng ủy Công an tỉnh Cao Bằng", "sent_on": "2026-11-02", "documents": ["letter"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    for (action, status) in [
        ("receive", StatusCode::NO_CONTENT),
        ("register", StatusCode::NO_CONTENT),
    ] {
        let r = sender
            .post(
                &format!("/api/v1/transfers/{id}/actions"),
                json!({"action": action}),
            )
            .await;
        assert_eq!(r.status, status, "{action}: {}", r.body);
    }
    assert_eq!(count(&app, &from).await, home - 1);
    // Back in, over the API, to the same cell.
    let back = sender
        .post(
            "/api/v1/arrivals",
            json!({"cell": from, "origin": "Đảng ủy Công an tỉnh Cao Bằng", "former_member_id": member, "sent_on": "2026-11-20"}),
        )
        .await;
    assert_eq!(back.status, StatusCode::CREATED, "{}", back.body);
    let back = back.json()["id"].as_i64().unwrap();
    let page = sender.get(&format!("/units/{from}/transfers"), None).await;
    let incoming = page.body.split("id=\"incoming-list\"").nth(1).unwrap();
    assert!(
        incoming.contains(&format!(
            "data-transfer=\"{back}\" data-status=\"received\""
        )),
        "{incoming}"
    );
    assert!(
        incoming.contains("Đảng ủy Công an tỉnh Cao Bằng (ngoài hệ thống)"),
        "{incoming}"
    );
    let r = sender
        .post(
            &format!("/api/v1/transfers/{back}/actions"),
            json!({"action": "register"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(count(&app, &from).await, home);
}

both_backends!(
    a_transfer_over_the_pages_and_the_api,
    out_of_the_system_over_the_api,
);
