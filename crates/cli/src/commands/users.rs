//! Users who sign in, and the demo's users.

use crate::output::table;
use anyhow::Result;
use clap::Subcommand;
use ranks_app::{Actor, App};

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user (password from a prompt, or from standard input with --password-stdin).
    Add {
        #[arg(long)]
        username: String,
        /// admin, staff, supervisor, secretary or viewer.
        #[arg(long)]
        role: String,
        /// The unit the user works for (staff, secretary: a cell, viewer).
        #[arg(long)]
        org: Option<String>,
        /// For a supervisor: their member id.
        #[arg(long)]
        member: Option<i64>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (ends their sessions and revokes their tokens).
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable a user: they cannot sign in, their sessions end and their tokens are revoked.
    Disable { username: String },
    /// Enable a disabled user again (their old sessions and tokens stay ended).
    Enable { username: String },
    /// List the users.
    List,
    /// Show or set a user's reminders by e-mail (docs/reminders.md); the
    /// options given change, the others stay.
    Reminders {
        username: String,
        /// The address digests go to ("" removes it and turns digests off).
        #[arg(long)]
        email: Option<String>,
        /// vi, en or de.
        #[arg(long)]
        lang: Option<String>,
        /// off, daily or weekly.
        #[arg(long)]
        digest: Option<String>,
        /// Working days ahead (0 to 60).
        #[arg(long)]
        days: Option<i64>,
    },
}

fn read_password(from_stdin: bool) -> Result<String> {
    use std::io::BufRead;
    if !from_stdin {
        eprint!("password: ");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

pub async fn user(app: &App, actor: &Actor, cmd: UserCmd) -> Result<()> {
    use ranks_app::auth::Role;
    match cmd {
        UserCmd::Add {
            username,
            role,
            org,
            member,
            password_stdin,
        } => {
            let role = Role::parse(&role)?;
            let password = read_password(password_stdin)?;
            let id = app
                .add_user(actor, &username, &password, role, org.as_deref(), member)
                .await?;
            println!("user {username} added (id {id}, role {})", role.as_str());
        }
        UserCmd::Passwd {
            username,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            app.set_password(actor, &username, &password).await?;
            println!("password of {username} changed; their sessions ended and tokens revoked");
        }
        UserCmd::Disable { username } => {
            app.set_user_disabled(actor, &username, true).await?;
            println!("{username} disabled; their sessions ended and tokens revoked");
        }
        UserCmd::Enable { username } => {
            app.set_user_disabled(actor, &username, false).await?;
            println!("{username} enabled");
        }
        UserCmd::Reminders {
            username,
            email,
            lang,
            digest,
            days,
        } => {
            use ranks_app::notify::Every;
            let mut p = app.user_reminders(actor, &username).await?;
            let changed = email.is_some() || lang.is_some() || digest.is_some() || days.is_some();
            if let Some(e) = email {
                if e.trim().is_empty() {
                    p.every = Every::Off;
                }
                p.email = e;
            }
            if let Some(l) = lang {
                p.lang = l;
            }
            if let Some(d) = digest {
                p.every = Every::parse(&d)?;
            }
            if let Some(n) = days {
                p.days_ahead = n;
            }
            if changed {
                app.set_user_reminders(actor, &username, p.clone()).await?;
            }
            println!(
                "{username}: digest {}, {} working days ahead, in {}, to {}",
                p.every.as_str(),
                p.days_ahead,
                p.lang,
                if p.email.is_empty() {
                    "(no address)"
                } else {
                    &p.email
                }
            );
        }
        UserCmd::List => {
            let body: Vec<Vec<String>> = app
                .users()
                .await?
                .into_iter()
                .map(|u| {
                    vec![
                        u.username,
                        u.role,
                        u.unit_id.map(|x| x.to_string()).unwrap_or_default(),
                        if u.disabled {
                            "disabled".into()
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect();
            print!(
                "{}",
                table(
                    &["username", "role", "unit", ""],
                    &body,
                    &[false, false, true, false]
                )
            );
        }
    }
    Ok(())
}

/// The demo's users, one per role, created once; their names and passwords are printed.
pub async fn demo_users(app: &App, actor: &Actor) -> Result<()> {
    use ranks_app::auth::Role;
    let existing: Vec<String> = app.users().await?.into_iter().map(|u| u.username).collect();
    let page = app.unit_page(actor, "CDC", None).await?;
    let supervisor = page
        .supervisors
        .iter()
        .find(|s| s.unit_code.as_str() == "CDC")
        .map(|s| s.member_id);
    let users: [(&str, Role, Option<&str>, Option<i64>); 5] = [
        ("admin", Role::Admin, None, None),
        ("canbo.bvphcn", Role::Staff, Some("BVPHCN"), None),
        ("phutrach.cdc", Role::Supervisor, None, supervisor),
        (
            "bithu.bvphcn.cb1",
            Role::Secretary,
            Some("BVPHCN.CB1"),
            None,
        ),
        ("xem.dbsyt", Role::Viewer, Some("DBSYT"), None),
    ];
    println!("demo users (password: demo-ranks-2025):");
    for (name, role, org, member) in users {
        if !existing.iter().any(|e| e == name) {
            app.add_user(actor, name, "demo-ranks-2025", role, org, member)
                .await?;
        }
        println!("  {name:<18} {}", role.as_str());
    }
    Ok(())
}
