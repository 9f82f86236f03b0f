//! Issue 12: what a hostile user of each role tried, tried again.

use super::*;
use ranks_app::auth::Role;

const PW: &str = "mật khẩu kiểm thử phạm vi";

struct Demo {
    app: ranks_app::App,
    router: axum::Router,
}

async fn demo_with_users(db: &TestDb) -> Demo {
    let users = [
        ("staff", Role::Staff, "BVPHCN"),
        ("secretary", Role::Secretary, "BVPHCN.CB1"),
        ("viewer", Role::Viewer, "BVPHCN"),
    ];
    let app = ranks_testkit::demo_with_users(db, PW, &users).await;
    let router = ranks_web::router(app.clone());
    Demo { app, router }
}

/// An official member of a unit's subtree, and its person.
async fn official_of(app: &ranks_app::App, code: &str) -> (i64, i64) {
    let page = app.unit_page(&Actor::system(), code, None).await.unwrap();
    let m = page
        .members
        .iter()
        .find(|m| m.status == ranks_domain::MemberStatus::Official)
        .unwrap();
    let person = app
        .member_record(&Actor::system(), m.id)
        .await
        .unwrap()
        .person_id;
    (m.id, person)
}

/// A form's path, its fields ({x} for the record), the outside record, the ghost.
type FormCase<'a> = (String, Vec<(&'a str, &'a str)>, &'a str, &'a str);

/// The audit entries after a position, but for sign-ins, tokens and reads.
async fn writes_since(app: &ranks_app::App, pos: i64) -> Vec<(String, String)> {
    use sqlx::Row;
    let mut conn = app.db().read().await.unwrap();
    sqlx::query("SELECT entity, action FROM audit_log WHERE id > $1 ORDER BY id")
        .bind(pos)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<String, _>(1)))
        .filter(|(e, a)| a != "read" && !matches!(e.as_str(), "user" | "api_token" | "sign_in"))
        .collect()
}

/// Replaces the outside record's id by the ghost's, so that two answers
/// can be compared word for word.
fn same_as_ghost(outside: &Resp, ghost: &Resp, id: &str, ghost_id: &str, what: &str) {
    assert_eq!(
        outside.status,
        StatusCode::NOT_FOUND,
        "{what}: outside must be 404: {}",
        outside.body
    );
    assert_eq!(
        (outside.status, outside.body.replace(id, ghost_id)),
        (ghost.status, ghost.body.clone()),
        "{what}: outside answers exactly as nonexistent"
    );
}

/// Every id a write names in its body goes through the actor's scope: a
/// person, mentor, introducer, leader or cell of another subtree is "not
/// found", word for word as one that does not exist, over the API (cookie
/// and token) and the forms; nothing is written.
async fn referenced_ids_go_through_scope(db: TestDb) {
    let d = demo_with_users(&db).await;
    let sys = Actor::system();
    let (m_out, p_out) = official_of(&d.app, "CDC").await;
    let (m_in, _) = official_of(&d.app, "BVPHCN.CB1").await;
    let cdc = d.app.unit_page(&sys, "CDC", None).await.unwrap();
    let c_in = d
        .app
        .unit_page(&sys, "BVPHCN.CB1", None)
        .await
        .unwrap()
        .candidates_by_stage
        .iter()
        .flat_map(|(_, c)| c)
        .next()
        .unwrap()
        .id;
    let audit_before = d.app.audit_position().await.unwrap();
    const GHOST: &str = "999999";
    // (route, body with {x} for the referenced record, the outside record, the ghost)
    let m_out_s = m_out.to_string();
    let p_out_s = p_out.to_string();
    let cases: Vec<(String, String, String, String)> = vec![
        (
            "/api/v1/candidates".into(),
            r#"{"cell": "BVPHCN.CB1", "person_id": {x}}"#.into(),
            p_out_s.clone(),
            GHOST.into(),
        ),
        (
            format!("/api/v1/candidates/{c_in}/mentors"),
            r#"{"member_id": {x}}"#.into(),
            m_out_s.clone(),
            GHOST.into(),
        ),
        (
            format!("/api/v1/candidates/{c_in}/introducers"),
            r#"{"member_id": {x}, "since": "2020-01-06"}"#.into(),
            m_out_s.clone(),
            GHOST.into(),
        ),
        (
            format!("/api/v1/members/{m_in}/movements"),
            r#"{"kind": "transfer", "cell": "{x}"}"#.into(),
            "CDC.CB1".into(),
            "KHONGCO.CB9".into(),
        ),
        (
            format!("/api/v1/members/{m_in}/movements"),
            r#"{"kind": "temporary", "cell": "{x}", "until": "2027-06-01"}"#.into(),
            "CDC.CB1".into(),
            "KHONGCO.CB9".into(),
        ),
        (
            "/api/v1/candidates".into(),
            r#"{"cell": "{x}", "full_name": "Lý Thị Thử", "birth_date": "1999-02-03"}"#.into(),
            "CDC.CB1".into(),
            "KHONGCO.CB9".into(),
        ),
        // Transfer files: the member sent, the cell an arrival is received
        // into, the former member taken back.
        (
            "/api/v1/transfers".into(),
            r#"{"member_id": {x}, "kind": "official", "cell": "BVPHCN.CB1"}"#.into(),
            m_out_s.clone(),
            GHOST.into(),
        ),
        (
            "/api/v1/arrivals".into(),
            r#"{"cell": "{x}", "origin": "Đảng bộ xã Hữu Lũng", "sent_on": "2026-11-02", "person": {"full_name": "Lý Văn Đến", "birth_date": "1990-04-05", "status": "official", "admitted_on": "2015-05-19", "official_on": "2016-05-19"}}"#.into(),
            "CDC.CB1".into(),
            "KHONGCO.CB9".into(),
        ),
        (
            "/api/v1/arrivals".into(),
            r#"{"cell": "BVPHCN.CB1", "origin": "Đảng bộ xã Hữu Lũng", "sent_on": "2026-11-02", "former_member_id": {x}}"#.into(),
            m_out_s.clone(),
            GHOST.into(),
        ),
    ];
    let mut tried = 0;
    for user in ["staff", "secretary"] {
        let client = sign_in(&d.router, user, PW).await.unwrap();
        let token = d.app.create_token(user, "scope", 1).await.unwrap();
        for (route, body, outside, ghost) in &cases {
            let body_of = |x: &str| -> serde_json::Value {
                serde_json::from_str(&body.replace("{x}", x)).unwrap()
            };
            let g = client.post(route, body_of(ghost)).await;
            for r in [
                client.post(route, body_of(outside)).await,
                bearer(&d.router, "POST", route, &token, Some(body_of(outside))).await,
            ] {
                same_as_ghost(&r, &g, outside, ghost, &format!("{user} POST {route}"));
                tried += 1;
            }
        }
        // The same through the forms of the candidate and member pages.
        let forms: [FormCase; 3] = [
            (
                format!("/candidates/{c_in}/mentor"),
                vec![("member", "{x}")],
                &m_out_s,
                GHOST,
            ),
            (
                format!("/candidates/{c_in}/introducer"),
                vec![("member", "{x}"), ("since", "06/01/2020")],
                &m_out_s,
                GHOST,
            ),
            (
                format!("/members/{m_in}/movement"),
                vec![("kind", "transfer"), ("cell", "{x}")],
                "CDC.CB1",
                "KHONGCO.CB9",
            ),
        ];
        for (path, fields, outside, ghost) in &forms {
            let fill = |x: &str| -> Vec<(String, String)> {
                let mut f: Vec<(String, String)> = fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.replace("{x}", x)))
                    .collect();
                f.push(("csrf".into(), client.csrf.clone()));
                f
            };
            let send = |x: &str| {
                let f = fill(x);
                let client = client.clone();
                let path = path.clone();
                async move {
                    let refs: Vec<(&str, &str)> =
                        f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                    client.form(&path, &refs).await
                }
            };
            let (o, g) = (send(outside).await, send(ghost).await);
            assert!(
                o.status.is_client_error(),
                "{user} {path}: {} {}",
                o.status,
                o.body
            );
            // The CSRF token is random and may contain the id's digits.
            let mask = |b: &str| b.replace(&client.csrf, "CSRF");
            assert_eq!(
                (o.status, mask(&o.body).replace(outside, ghost)),
                (g.status, mask(&g.body)),
                "{user} form {path}: outside answers as nonexistent"
            );
            tried += 1;
        }
    }
    // The staff's evaluation writes: a leader of another organisation, and
    // the plan page's forms naming another organisation in their body.
    let cdc_path = d.app.unit(&sys, "CDC").await.unwrap().path;
    let leader_out = ranks_testkit::leaders_in_subtree(&d.app, &cdc_path).await[0].1;
    let staff = sign_in(&d.router, "staff", PW).await.unwrap();
    let body = |x: &str| -> serde_json::Value {
        serde_json::from_str(&format!(
            r#"{{"member_id": {x}, "year": 2025, "score": 1}}"#
        ))
        .unwrap()
    };
    let route = "/api/v1/units/BVPHCN/leader-scores";
    let g = staff.post(route, body(GHOST)).await;
    let o = staff.post(route, body(&leader_out.to_string())).await;
    same_as_ghost(&o, &g, &leader_out.to_string(), GHOST, "leader score");
    tried += 1;
    for (path, fields) in [
        (
            "/units/BVPHCN/plan/target",
            vec![("period", "2025"), ("value", "3")],
        ),
        (
            "/units/BVPHCN/plan/score",
            vec![
                ("criterion", "political_tasks"),
                ("year", "2025"),
                ("value", "1"),
            ],
        ),
    ] {
        let send = |org: &'static str| {
            let mut f: Vec<(&str, &str)> = fields.clone();
            f.push(("org", org));
            f.push(("csrf", &staff.csrf));
            let staff = staff.clone();
            let f: Vec<(String, String)> = f
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            async move {
                let refs: Vec<(&str, &str)> =
                    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                staff.form(path, &refs).await
            }
        };
        let (o, g) = (send("CDC").await, send("KHONGCO.CB9").await);
        assert!(
            o.status.is_client_error(),
            "{path}: {} {}",
            o.status,
            o.body
        );
        assert_eq!(
            (o.status, o.body.replace("CDC", "KHONGCO.CB9")),
            (g.status, g.body.clone()),
            "form {path}: another organisation answers as a nonexistent one"
        );
        tried += 1;
    }
    // A supervisor's page: one who supervises only outside, and one who
    // does not exist, answer alike.
    let sup_out = cdc
        .supervisors
        .iter()
        .find(|s| s.unit_code.as_str() == "CDC")
        .unwrap()
        .member_id;
    let token = d.app.create_token("staff", "sup", 1).await.unwrap();
    let o = bearer(
        &d.router,
        "GET",
        &format!("/api/v1/supervisors/{sup_out}?term=2025-2030"),
        &token,
        None,
    )
    .await;
    let g = bearer(
        &d.router,
        "GET",
        &format!("/api/v1/supervisors/{GHOST}?term=2025-2030"),
        &token,
        None,
    )
    .await;
    same_as_ghost(&o, &g, &sup_out.to_string(), GHOST, "supervisor page");
    tried += 1;
    // Nothing was written by any of them (the sign-ins and tokens aside).
    let c = d.app.candidate_file(&sys, c_in).await.unwrap();
    assert!(c.mentors.len() <= 2 && c.introducers.len() <= 2);
    let file = d.app.search_members(&sys, Some("CDC"), "").await.unwrap();
    assert!(file.iter().any(|m| m.id == m_out));
    let written = writes_since(&d.app, audit_before).await;
    assert!(written.is_empty(), "nothing written: {written:?}");
    eprintln!(
        "referenced ids: {tried} hostile requests, each answered as for a nonexistent record"
    );
}

/// Every key of a JSON value, with its value, at any depth.
fn walk<'a>(v: &'a serde_json::Value, path: &str, out: &mut Vec<(String, &'a serde_json::Value)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                out.push((k.clone(), x));
                walk(x, &format!("{path}.{k}"), out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, path, out)),
        _ => {}
    }
}

/// A viewer sees no personal details in any representation: every JSON
/// field of every GET route of the API, the pages, the CSV and XLSX
/// exports. The same requests by the staff of the unit show them (so the
/// check is not vacuous). Exports with personal details are logged as reads.
async fn a_viewer_gets_no_personal_details_anywhere(db: TestDb) {
    use ranks_app::privacy::PERSONAL_FIELDS;
    let d = demo_with_users(&db).await;
    let sys = Actor::system();
    let c = d
        .app
        .unit_page(&sys, "BVPHCN", None)
        .await
        .unwrap()
        .candidates_by_stage
        .iter()
        .flat_map(|(_, c)| c)
        .next()
        .unwrap()
        .id;
    let (m, _) = official_of(&d.app, "BVPHCN").await;
    let sup = d
        .app
        .unit_page(&sys, "BVPHCN", None)
        .await
        .unwrap()
        .supervisors
        .iter()
        .find(|s| s.unit_code.as_str() == "BVPHCN")
        .unwrap()
        .member_id;
    // A transfer file of the unit (issue 17): to a cell outside the system.
    let transfer = d
        .app
        .create_transfer(
            &sys,
            ranks_app::transfers::TransferInput {
                member_id: m,
                temporary: false,
                to: ranks_app::transfers::Destination::Outside("Đảng bộ nơi khác".into()),
                sent_on: None,
                decided_on: None,
                until: None,
                study: false,
                documents: vec![],
            },
        )
        .await
        .unwrap();
    // Every GET route of the API, filled in.
    let fill = |p: &str| {
        let p = p.replace(
            "/api/v1/transfers/{id}",
            &format!("/api/v1/transfers/{transfer}"),
        );
        p.replace("{code}", "BVPHCN")
            .replace("{id}", &c.to_string())
            .replace("{member}", &sup.to_string())
            .replace("{year}", "2025")
    };
    let query = |p: &str| -> &'static str {
        match p {
            "/api/v1/units/{code}/achievement" => "?term=2020-2025",
            "/api/v1/rollup" => "?term=2020-2025",
            "/api/v1/allocation" => "?period=2025&org=BVPHCN",
            "/api/v1/members" => "?org=BVPHCN",
            "/api/v1/due" => "?org=BVPHCN",
            "/api/v1/forecast" => "?term=2025-2030&org=BVPHCN",
            "/api/v1/analytics" => "?org=BVPHCN",
            "/api/v1/evaluation" => "?year=2025&org=BVPHCN",
            "/api/v1/supervisors/{member}" => "?term=2025-2030",
            _ => "",
        }
    };
    let api: Vec<String> = ranks_web::api_routes()
        .iter()
        .filter(|r| r.method == "get")
        // A meeting's roll names members and the reasons of their absence:
        // its routes answer a viewer 403 (tests/web/meetings.rs checks it).
        .filter(|r| !r.path.contains("meetings"))
        // A person's export and consents answer a viewer 403 (web/subject.rs).
        .filter(|r| !r.path.starts_with("/api/v1/people/"))
        .map(|r| format!("{}{}", fill(r.path), query(r.path)))
        .collect();
    assert!(api.len() >= 14, "{api:?}");
    let mut fields_checked = 0;
    let mut shown_to_staff = 0;
    for user in ["viewer", "staff"] {
        let token = d.app.create_token(user, "privacy", 1).await.unwrap();
        for uri in &api {
            let r = bearer(&d.router, "GET", uri, &token, None).await;
            assert_eq!(r.status, StatusCode::OK, "{user} {uri}: {}", r.body);
            let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
            let mut all = Vec::new();
            walk(&v, "", &mut all);
            for (k, x) in all {
                if PERSONAL_FIELDS.contains(&k.as_str()) {
                    if user == "viewer" {
                        assert!(x.is_null(), "viewer {uri}: {k} = {x}");
                        fields_checked += 1;
                    } else if !x.is_null() {
                        shown_to_staff += 1;
                    }
                }
            }
        }
    }
    assert!(shown_to_staff > 0, "staff see personal details somewhere");

    // Pages and exports: no date of birth of anyone in the unit. Only the
    // births before the unit's founding (1992) are looked for, so that no
    // admission or stage date can be mistaken for one.
    let mut births = Vec::new();
    for m in d
        .app
        .search_members(&sys, Some("BVPHCN"), "")
        .await
        .unwrap()
    {
        births.push(m.birth_date.unwrap());
    }
    for c in d
        .app
        .search_candidates(&sys, Some("BVPHCN"), "")
        .await
        .unwrap()
    {
        births.push(c.birth_date.unwrap());
    }
    let founded = ranks_domain::parse_date("d", "1992-01-01").unwrap();
    let births: Vec<String> = births
        .into_iter()
        .filter(|b| *b < founded)
        .flat_map(|b| {
            [
                b.format("%d/%m/%Y").to_string(),
                b.to_string(),
                b.format("%d.%m.%Y").to_string(),
            ]
        })
        .collect();
    assert!(births.len() > 30);
    let pages = [
        "/units/BVPHCN".to_string(),
        "/units/BVPHCN?lang=en".into(),
        "/members?org=BVPHCN".into(),
        "/members?q=nguyen&lang=de".into(),
        format!("/members/{m}"),
        format!("/candidates/{c}"),
        "/export/members?org=BVPHCN".into(),
        "/export/members?org=BVPHCN&format=xlsx".into(),
        "/export/candidates?org=BVPHCN".into(),
        "/export/candidates?org=BVPHCN&format=xlsx".into(),
    ];
    for user in ["viewer", "staff"] {
        let client = sign_in(&d.router, user, PW).await.unwrap();
        let mut found = 0;
        for uri in &pages {
            let r = client.get(uri, None).await;
            assert_eq!(r.status, StatusCode::OK, "{user} {uri}");
            let hits: Vec<&String> = births
                .iter()
                .filter(|b| r.body.contains(b.as_str()))
                .collect();
            if user == "viewer" {
                assert!(
                    hits.is_empty(),
                    "viewer {uri} shows dates of birth {hits:?}"
                );
            }
            found += hits.len();
        }
        if user == "staff" {
            assert!(found > 0, "staff see dates of birth on the pages");
        }
    }
    // The staff's exports of their own unit leave no trace; the province's do.
    let above = Actor {
        name: "tỉnh".into(),
        scope: ranks_app::Scope::All,
        role: Role::Staff,
    };
    let before = d.app.audit_position().await.unwrap();
    d.app
        .log_bulk_read(&above, "members", Some("BVPHCN"), 300)
        .await
        .unwrap();
    let logged = ranks_testkit::audit_of(&d.app, "export", "members:BVPHCN").await;
    assert!(
        logged
            .iter()
            .any(|e| e.actor == "tỉnh" && e.action == "read"),
        "{logged:?}"
    );
    assert!(
        logged.iter().all(|e| e.actor != "staff"),
        "own unit's staff: no trace"
    );
    assert!(d.app.audit_position().await.unwrap() > before);
    eprintln!("viewer: {fields_checked} personal fields checked null over {} API routes, {} pages and exports", api.len(), pages.len());
}

/// Implausible input is refused with its field named, and nothing is
/// written: dates of birth in the future or before 1900, over-long text in
/// any field (its own limit, and 2,000 characters for any field at all),
/// bodies over 64 KB (413, not 400), over the API and through the forms.
async fn implausible_input_is_refused_with_its_field(db: TestDb) {
    let d = demo_with_users(&db).await;
    let client = sign_in(&d.router, "staff", PW).await.unwrap();
    let before = d.app.audit_position().await.unwrap();
    let (m_in, _) = official_of(&d.app, "BVPHCN.CB1").await;
    let new = |name: &str, born: &str| serde_json::json!({"cell": "BVPHCN.CB1", "full_name": name, "birth_date": born});
    let cases: Vec<(String, serde_json::Value, StatusCode, &str)> = vec![
        (
            "/api/v1/candidates".into(),
            new("Lò Văn Sớm", "2099-01-01"),
            StatusCode::BAD_REQUEST,
            "birth_date",
        ),
        (
            "/api/v1/candidates".into(),
            new("Lò Văn Già", "1899-12-31"),
            StatusCode::BAD_REQUEST,
            "birth_date",
        ),
        (
            "/api/v1/candidates".into(),
            new(&"Lò Văn Dài ".repeat(20), "1990-01-01"),
            StatusCode::BAD_REQUEST,
            "full_name",
        ),
        (
            "/api/v1/candidates".into(),
            new(&"x".repeat(3000), "1990-01-01"),
            StatusCode::BAD_REQUEST,
            "full_name: at most 2000",
        ),
        (
            "/api/v1/candidates".into(),
            serde_json::json!({"cell": "BVPHCN.CB1", "full_name": "Lò Thị Ở", "birth_date": "1990-01-01", "area": "a".repeat(301)}),
            StatusCode::BAD_REQUEST,
            "area",
        ),
        (
            format!("/api/v1/members/{m_in}/movements"),
            serde_json::json!({"kind": "expel", "reason": "r".repeat(2001)}),
            StatusCode::BAD_REQUEST,
            "reason",
        ),
        (
            "/api/v1/candidates".into(),
            new(&"x".repeat(1_500_000), "1990-01-01"),
            StatusCode::PAYLOAD_TOO_LARGE,
            "64 KB",
        ),
        (
            "/api/v1/candidates".into(),
            new(&"x".repeat(3_000_000), "1990-01-01"),
            StatusCode::PAYLOAD_TOO_LARGE,
            "64 KB",
        ),
    ];
    for (uri, body, status, names) in &cases {
        let r = client.post(uri, body.clone()).await;
        assert_eq!(
            r.status,
            *status,
            "{uri}: {}",
            &r.body[..r.body.len().min(300)]
        );
        assert!(
            r.body.contains(names),
            "{uri}: names {names}: {}",
            &r.body[..r.body.len().min(300)]
        );
        assert!(
            r.body.len() < 2_000,
            "the refusal does not echo the input back"
        );
    }
    // The same through the unit page's form.
    let long = "y".repeat(2_500);
    for (name, born, status) in [
        (long.as_str(), "1990-01-01", StatusCode::BAD_REQUEST),
        ("Lò Văn Sớm", "2099-01-01", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let r = client
            .form(
                "/units/BVPHCN.CB1/candidates",
                &[
                    ("csrf", &client.csrf),
                    ("full_name", name),
                    ("birth_date", born),
                    ("gender", "Nam"),
                ],
            )
            .await;
        assert_eq!(r.status, status, "{}", &r.body[..r.body.len().min(300)]);
    }
    let huge = "z".repeat(100_000);
    let r = client
        .form(
            "/units/BVPHCN.CB1/candidates",
            &[
                ("csrf", &client.csrf),
                ("full_name", &huge),
                ("birth_date", "1990-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let written = writes_since(&d.app, before).await;
    assert!(written.is_empty(), "nothing written: {written:?}");
}

both_backends!(
    implausible_input_is_refused_with_its_field,
    referenced_ids_go_through_scope,
    a_viewer_gets_no_personal_details_anywhere
);
