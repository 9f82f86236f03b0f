//! `ranks token create|list|revoke`: tokens for scripts calling the JSON API
//! (`Authorization: Bearer rk_…`), each acting as a user with that user's
//! role and subtree.

use anyhow::Result;
use clap::Subcommand;
use ranks_app::App;

#[derive(Subcommand, Debug)]
pub enum TokenCmd {
    /// Create a token for a user; it is printed once and never stored.
    Create {
        #[arg(long)]
        username: String,
        /// What the token is for (shown by `token list`).
        #[arg(long)]
        name: String,
        /// Days until it expires.
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// Every token: id, user, name, created, expires, revoked (never the token).
    List,
    /// Revoke a token by its id.
    Revoke { id: i64 },
}

pub async fn run(app: &App, cmd: TokenCmd) -> Result<()> {
    match cmd {
        TokenCmd::Create {
            username,
            name,
            days,
        } => {
            let token = app.create_token(&username, &name, days).await?;
            eprintln!("token for {username} ({name}), valid {days} days; it is shown only now:");
            println!("{token}");
        }
        TokenCmd::List => {
            for t in app.tokens().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}{}",
                    t.id,
                    t.username,
                    t.name,
                    t.created_at,
                    t.expires_at,
                    if t.revoked { "\trevoked" } else { "" }
                );
            }
        }
        TokenCmd::Revoke { id } => {
            app.revoke_token(id).await?;
            println!("token {id} revoked");
        }
    }
    Ok(())
}
