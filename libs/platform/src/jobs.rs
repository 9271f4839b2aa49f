//! Periodic work (scanners, schedulers, clean-up): every N seconds, a span per run, and
//! a bounded shutdown. Each service's `jobs/` starts its work with [`every`].

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::AbortHandle;
use tracing::Instrument;

/// A running periodic job, shared by the clones of a service's state; it stops when
/// [`Job::shutdown`] is called or the last clone is dropped (after the run in progress).
#[derive(Clone)]
pub struct Job(Arc<Running>);

struct Running {
    name: &'static str,
    stop: watch::Sender<bool>,
    done: watch::Receiver<bool>,
    abort: AbortHandle,
}

/// Runs `run` every `period` (the first run one period after the start), each run in a
/// `job.run` span named `name`; a failed run is logged with its causes and the next one
/// comes on time. A run that takes longer than the period delays the next one rather
/// than queueing runs up.
pub fn every<F, Fut>(name: &'static str, period: Duration, mut run: F) -> Job
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let (stop, mut stopped) = watch::channel(false);
    let (finished, done) = watch::channel(false);
    let handle = tokio::spawn(async move {
        // Told by the sender's value or by its drop: either way the loop ends.
        let _finished = Finished(finished);
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopped.changed() => return,
            }
            let span = tracing::info_span!("job.run", job = name);
            if let Err(error) = run().instrument(span.clone()).await {
                tracing::warn!(parent: &span, job = name, error = format!("{error:#}"), "periodic job failed");
            }
            if *stopped.borrow() {
                return;
            }
        }
    });
    Job(Arc::new(Running {
        name,
        stop,
        done,
        abort: handle.abort_handle(),
    }))
}

/// Marks the job finished when its task ends, however it ends.
struct Finished(watch::Sender<bool>);

impl Drop for Finished {
    fn drop(&mut self) {
        let _ = self.0.send(true);
    }
}

impl Job {
    /// Stops the job: a run in progress may finish within `grace`, then it is cut off.
    /// Whether it stopped by itself in time.
    pub async fn shutdown(&self, grace: Duration) -> bool {
        let _ = self.0.stop.send(true);
        let mut done = self.0.done.clone();
        let finished = tokio::time::timeout(grace, async move {
            let _ = done.wait_for(|finished| *finished).await;
        })
        .await;
        match finished {
            Ok(()) => true,
            Err(_) => {
                tracing::warn!(
                    job = self.0.name,
                    "periodic job did not stop in time; cut off"
                );
                self.0.abort.abort();
                false
            }
        }
    }
}

/// Shuts every job down at once, each with `grace` for its run in progress (a stopping
/// process waits at most `grace`, however many jobs it has).
pub async fn shutdown_all(jobs: &[Job], grace: Duration) {
    futures_util::future::join_all(jobs.iter().map(|job| job.shutdown(grace))).await;
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn runs_every_period_survives_a_failed_run_and_stops_when_told() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let job = every("test", Duration::from_secs(10), move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                anyhow::ensure!(n != 0, "the first run fails");
                Ok(())
            }
        });
        tokio::time::sleep(Duration::from_secs(35)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3, "at 10, 20 and 30 s");
        assert!(job.shutdown(Duration::from_secs(1)).await);
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3, "no run after the shutdown");
    }

    #[tokio::test(start_paused = true)]
    async fn a_run_that_overstays_the_grace_is_cut_off() {
        let job = every("slow", Duration::from_secs(1), || async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(())
        });
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(!job.shutdown(Duration::from_secs(5)).await);
    }
}
