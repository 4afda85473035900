//! The job workers: threads that take the oldest queued file, make it and record how
//! it went. Orders wake them; they also look again every few seconds, so jobs queued by
//! another process are found.

use crate::Downloads;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// How long an idle worker sleeps before looking at the queue again.
const IDLE: Duration = Duration::from_secs(2);

/// The bell orders ring.
#[derive(Default)]
pub struct Queue {
    rung: Mutex<u64>,
    bell: Condvar,
}

impl Downloads {
    /// Start `settings.workers` worker threads; they run as long as the process.
    pub fn start(self: &Arc<Self>) -> std::io::Result<()> {
        for i in 0..self.settings.workers {
            let me = Arc::clone(self);
            std::thread::Builder::new().name(format!("fjord-download-{}", i + 1)).spawn(move || me.work())?;
        }
        Ok(())
    }

    /// Tell the workers new jobs are queued.
    pub fn wake(&self) {
        *self.queue.rung.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.queue.bell.notify_all();
    }

    fn work(&self) {
        loop {
            let seen = *self.queue.rung.lock().unwrap_or_else(|e| e.into_inner());
            match self.db.claim() {
                Ok(Some(job)) => self.run(&job),
                Ok(None) => {
                    let rung = self.queue.rung.lock().unwrap_or_else(|e| e.into_inner());
                    let _ = self.queue.bell.wait_timeout_while(rung, IDLE, |r| *r == seen);
                }
                Err(e) => {
                    tracing::error!(error = %e, "the download queue cannot be read");
                    std::thread::sleep(IDLE);
                }
            }
        }
    }

    /// Make one file and record the outcome (a panic in the job is a failure too).
    pub fn run(&self, job: &crate::db::FileRow) {
        let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.make(job)));
        let outcome = match made {
            Ok(Ok(m)) => Ok(m),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("the job failed unexpectedly; it has been logged".to_string()),
        };
        match &outcome {
            Ok(m) => tracing::info!(file = %job.key, bytes = m.size, "download file made"),
            Err(why) => tracing::warn!(file = %job.key, %why, "download file failed"),
        }
        if let Err(e) = self.db.finish(&job.key, outcome, crate::now()) {
            tracing::error!(error = %e, file = %job.key, "the outcome of a download job could not be recorded");
        }
    }
}
