//! Streamed response bodies: a producer writes on a blocking thread into a sink that
//! hands 64 KiB chunks to the connection through a small channel. The channel's bound
//! is the back-pressure: when the client reads slowly the producer waits, so a response
//! of any size holds at most a few chunks in memory.

use axum::body::{Body, Bytes};
use fjord_ogc::Producer;
use std::io::{self, Write};
use tokio::sync::mpsc::{channel, Sender};

/// Bytes gathered before a chunk is handed on.
const CHUNK: usize = 64 * 1024;
/// Chunks in flight between the producer and the connection.
const IN_FLIGHT: usize = 4;

/// The sink a producer writes into.
struct ChunkWriter {
    buf: Vec<u8>,
    tx: Sender<io::Result<Bytes>>,
}

impl ChunkWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        // fails only when the client has gone: stop producing
        self.tx.blocking_send(Ok(chunk)).map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// A body written by `producer` on a blocking thread as the client reads it. A failure
/// half-way is logged and ends the body with an error, so the client sees a cut-off
/// transfer rather than a short answer that looks whole.
pub fn body(producer: Producer) -> Body {
    let (tx, rx) = channel(IN_FLIGHT);
    tokio::task::spawn_blocking(move || {
        let mut w = ChunkWriter { buf: Vec::with_capacity(CHUNK), tx };
        match producer(&mut w).and_then(|()| w.flush()) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => tracing::info!("client left during a streamed response"),
            Err(e) => {
                tracing::error!(error = %e, "streamed response failed");
                let _ = w.tx.blocking_send(Err(e));
            }
        }
    });
    Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }))
}
