//! The SMTP client: lettre over tokio, rustls for STARTTLS or implicit TLS,
//! authentication when a user is configured, a timeout on every command.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain SMTP (a relay on the same host or network).
    Off,
    /// STARTTLS, required: the server must offer it (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

impl TlsMode {
    pub fn parse(s: &str) -> Option<TlsMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "off" | "none" | "false" => Some(TlsMode::Off),
            "starttls" | "on" | "true" => Some(TlsMode::StartTls),
            "tls" | "wrapper" | "smtps" => Some(TlsMode::Tls),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::Off => "off",
            TlsMode::StartTls => "starttls",
            TlsMode::Tls => "tls",
        }
    }
}

/// Where and how digests are sent.
#[derive(Clone)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// Authenticate with this user and password (none: no AUTH).
    pub user: Option<String>,
    pub password: Option<String>,
    /// The sender, `Ranks <nhac-han@example.vn>`.
    pub from: String,
    /// The name given in EHLO.
    pub helo: String,
    /// The longest any SMTP command may take.
    pub timeout: Duration,
    /// The address the links in a digest start with (`https://ranks.example.vn`).
    pub base_url: String,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .field("from", &self.from)
            .field("helo", &self.helo)
            .field("timeout", &self.timeout)
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// A composed digest.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    pub lang: &'static str,
}

/// The SMTP client of one run.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Checks the settings (the sender's address, the TLS parameters).
    pub fn new(s: &MailSettings) -> Result<Mailer, String> {
        let from: Mailbox = s
            .from
            .parse()
            .map_err(|e| format!("mail from: '{}' is not an address ({e})", s.from))?;
        let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host)
            .port(s.port)
            .timeout(Some(s.timeout))
            .hello_name(ClientId::Domain(s.helo.clone()));
        let params = || {
            TlsParameters::new(s.host.clone())
                .map_err(|e| format!("mail tls: cannot set up TLS for {}: {e}", s.host))
        };
        b = match s.tls {
            TlsMode::Off => b.tls(Tls::None),
            TlsMode::StartTls => b.tls(Tls::Required(params()?)),
            TlsMode::Tls => b.tls(Tls::Wrapper(params()?)),
        };
        if let Some(user) = &s.user {
            b = b.credentials(Credentials::new(
                user.clone(),
                s.password.clone().unwrap_or_default(),
            ));
        }
        Ok(Mailer {
            transport: b.build(),
            from,
        })
    }

    /// Sends one message; the error is the server's answer or the
    /// connection's failure, in one line.
    pub async fn send(&self, m: &Mail) -> Result<(), String> {
        let to: Mailbox =
            m.to.parse()
                .map_err(|e| format!("recipient '{}' is not an address ({e})", m.to))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .message_id(Some(m.message_id.clone()))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Content-Language"),
                m.lang.to_string(),
            ))
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(m.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(m.html.clone()),
                    ),
            )
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| one_line(&e))
    }
}

/// An error and its causes, in one line.
fn one_line(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cause = c.source();
    }
    s.replace(['\r', '\n'], " ")
}
