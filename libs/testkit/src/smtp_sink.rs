//! A minimal SMTP server that accepts every message and keeps it, for tests.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A running sink; `messages()` returns what it received, raw.
#[derive(Clone)]
pub struct SmtpSink {
    /// `smtp://127.0.0.1:<port>`.
    pub url: String,
    received: Arc<Mutex<Vec<String>>>,
}

impl SmtpSink {
    /// Starts the sink on a random loopback port.
    pub async fn start() -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("smtp://{}", listener.local_addr()?);
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = serve(socket, store).await;
                });
            }
        });
        Ok(Self { url, received })
    }

    /// Every message received so far (headers and body).
    pub fn messages(&self) -> Vec<String> {
        self.received.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Waits up to `seconds` for a message containing `needle`.
    pub async fn wait_for(&self, needle: &str, seconds: u64) -> Option<String> {
        for _ in 0..seconds * 20 {
            if let Some(found) = self.messages().into_iter().find(|m| m.contains(needle)) {
                return Some(found);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        None
    }
}

async fn serve(
    socket: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<String>>>,
) -> anyhow::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 kefu-test-sink ESMTP\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            write
                .write_all(b"250-kefu-test-sink\r\n250 8BITMIME\r\n")
                .await?;
        } else if command.starts_with("DATA") {
            write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
            let mut message = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                message.push_str(&line);
            }
            if let Ok(mut all) = store.lock() {
                all.push(message);
            }
            write.write_all(b"250 queued\r\n").await?;
        } else if command.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"250 ok\r\n").await?;
        }
    }
}
