//! The bench's HTTP/1.1 client: one keep-alive connection per user, a GET
//! with a bearer token, the whole body read (Content-Length or chunked),
//! and a deadline per request (a request past it is reported as timed out
//! and its connection dropped, never waited for).

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What one request got.
pub enum Got {
    /// Status and body.
    Answer(u16, Vec<u8>),
    /// No whole answer within the deadline.
    TimedOut,
    /// The connection failed or the answer was not HTTP.
    Broken(String),
}

/// A keep-alive connection to the bench's server, opened on first use and
/// again after a failure or a time-out.
pub struct Client {
    addr: SocketAddr,
    token: String,
    conn: Option<TcpStream>,
}

impl Client {
    pub fn new(addr: SocketAddr, token: &str) -> Client {
        Client {
            addr,
            token: token.to_string(),
            conn: None,
        }
    }

    /// GET `path`, within `deadline`.
    pub async fn get(&mut self, path: &str, deadline: Duration) -> Got {
        match tokio::time::timeout(deadline, self.exchange(path)).await {
            Ok(Ok((status, body))) => Got::Answer(status, body),
            Ok(Err(e)) => {
                self.conn = None;
                Got::Broken(e)
            }
            Err(_) => {
                self.conn = None;
                Got::TimedOut
            }
        }
    }

    async fn exchange(&mut self, path: &str) -> Result<(u16, Vec<u8>), String> {
        if self.conn.is_none() {
            let s = TcpStream::connect(self.addr)
                .await
                .map_err(|e| e.to_string())?;
            let _ = s.set_nodelay(true);
            self.conn = Some(s);
        }
        let s = self.conn.as_mut().ok_or("no connection")?;
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {}\r\nAccept-Language: vi\r\n\r\n",
            self.token
        );
        s.write_all(req.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let r = read_answer(s).await;
        if r.is_err() {
            self.conn = None;
        }
        r
    }
}

async fn fill(s: &mut TcpStream, data: &mut Vec<u8>) -> Result<(), String> {
    let mut buf = [0u8; 1 << 16];
    let n = s.read(&mut buf).await.map_err(|e| e.to_string())?;
    if n == 0 {
        return Err("the server closed the connection".into());
    }
    data.extend_from_slice(&buf[..n]);
    Ok(())
}

/// Reads one answer: status and body.
async fn read_answer(s: &mut TcpStream) -> Result<(u16, Vec<u8>), String> {
    let mut data: Vec<u8> = Vec::with_capacity(1 << 16);
    let end = loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        fill(s, &mut data).await?;
    };
    let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .ok_or("no HTTP status")?;
    let mut rest = data.split_off(end + 4);
    if let Some(len) = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        while rest.len() < len {
            fill(s, &mut rest).await?;
        }
        rest.truncate(len);
        return Ok((status, rest));
    }
    if head.contains("transfer-encoding: chunked") {
        return Ok((status, dechunk(s, rest).await?));
    }
    Ok((status, rest))
}

/// The body of a chunked answer, `rest` being what was read already.
async fn dechunk(s: &mut TcpStream, mut rest: Vec<u8>) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let line_end = loop {
            if let Some(i) = rest[at..].windows(2).position(|w| w == b"\r\n") {
                break at + i;
            }
            fill(s, &mut rest).await?;
        };
        let size_text = String::from_utf8_lossy(&rest[at..line_end]).to_string();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        let start = line_end + 2;
        while rest.len() < start + size + 2 {
            fill(s, &mut rest).await?;
        }
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&rest[start..start + size]);
        at = start + size + 2;
        if at > (1 << 20) {
            rest.drain(..at);
            at = 0;
        }
    }
}
