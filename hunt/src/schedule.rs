//! The two phases of a hunt: every build first, `jobs` at a time, then every run, `jobs` at a
//! time, so that no build disturbs a timed run.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

/// The builds of one target folder, run in turn (cargo locks the folder).
#[derive(Debug, Clone, PartialEq)]
pub struct Folder<S> {
    /// The folder's name.
    pub name: String,
    /// Its builds, in order.
    pub steps: Vec<S>,
}

/// Queues `step` in folder `name`, after the folder's other steps; a new folder goes last.
pub fn enqueue<S>(folders: &mut Vec<Folder<S>>, name: &str, step: S) {
    match folders.iter_mut().find(|f| f.name == name) {
        Some(f) => f.steps.push(step),
        None => folders.push(Folder {
            name: name.to_owned(),
            steps: vec![step],
        }),
    }
}

/// Runs every build, `jobs` at a time, never two of one folder at once: whenever a worker is
/// free it takes the next step of the idle folder with the most steps left (the first such
/// folder on a tie), so that the folders end together. A fuzz build keeps about one core busy,
/// so this divides the build phase by about `jobs`.
pub fn build_all<S: Send>(folders: Vec<Folder<S>>, jobs: usize, build: impl Fn(S) + Sync) {
    struct State<S> {
        queues: Vec<(VecDeque<S>, bool)>,
    }
    let state = Mutex::new(State {
        queues: folders
            .into_iter()
            .map(|f| (VecDeque::from(f.steps), false))
            .collect(),
    });
    let ready = Condvar::new();
    let worker = || {
        loop {
            let (i, step) = {
                let mut s = state.lock().expect("no worker panicked");
                loop {
                    let idle = s
                        .queues
                        .iter()
                        .enumerate()
                        .filter(|(_, (q, busy))| !q.is_empty() && !busy)
                        .fold(
                            None,
                            |best: Option<(usize, usize)>, (i, (q, _))| match best {
                                Some((_, n)) if n >= q.len() => best,
                                _ => Some((i, q.len())),
                            },
                        );
                    if let Some((i, _)) = idle {
                        let (q, busy) = &mut s.queues[i];
                        *busy = true;
                        break (i, q.pop_front().expect("not empty"));
                    }
                    if s.queues.iter().all(|(q, _)| q.is_empty()) {
                        return;
                    }
                    s = ready.wait(s).expect("no worker panicked");
                }
            };
            build(step);
            state.lock().expect("no worker panicked").queues[i].1 = false;
            ready.notify_all();
        }
    };
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(worker);
        }
    });
}

/// Runs `items` in their order, `jobs` at a time.
pub fn run_all<T: Send>(items: Vec<T>, jobs: usize, run: impl Fn(T) + Sync) {
    let queue = Mutex::new(VecDeque::from(items));
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().expect("no worker panicked").pop_front();
                    match next {
                        Some(item) => run(item),
                        None => return,
                    }
                }
            });
        }
    });
}

/// The hunt's order of work: [`build_all`] the folders, then `plan` the runs from what was
/// built, then [`run_all`] of them.
pub fn two_phases<S: Send, T: Send>(
    folders: Vec<Folder<S>>,
    jobs: usize,
    build: impl Fn(S) + Sync,
    plan: impl FnOnce() -> Vec<T>,
    run: impl Fn(T) + Sync,
) {
    build_all(folders, jobs, build);
    run_all(plan(), jobs, run);
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    enum Event {
        Start(String),
        End(String),
    }

    fn folders(spec: &[(&str, usize)]) -> Vec<Folder<String>> {
        let mut v = Vec::new();
        for (name, n) in spec {
            for i in 0..*n {
                enqueue(&mut v, name, format!("{name}{i}"));
            }
        }
        v
    }

    /// Runs the fake builds and runs, each holding its worker for a moment, and returns the
    /// events in the order they happened.
    fn record(spec: &[(&str, usize)], runs: usize, jobs: usize) -> Vec<Event> {
        let log = Mutex::new(Vec::new());
        let work = |name: String| {
            log.lock().unwrap().push(Event::Start(name.clone()));
            std::thread::sleep(Duration::from_millis(5));
            log.lock().unwrap().push(Event::End(name));
        };
        two_phases(
            folders(spec),
            jobs,
            work,
            || (0..runs).map(|i| format!("run{i}")).collect(),
            work,
        );
        log.into_inner().unwrap()
    }

    /// The most items running at once, and whether two of one folder ever overlapped.
    fn overlap(events: &[Event]) -> (usize, bool) {
        let mut running: Vec<&str> = Vec::new();
        let (mut most, mut same_folder) = (0, false);
        let folder = |s: &str| s.trim_end_matches(char::is_numeric).to_owned();
        for e in events {
            match e {
                Event::Start(s) => {
                    same_folder |=
                        !s.starts_with("run") && running.iter().any(|r| folder(r) == folder(s));
                    running.push(s);
                    most = most.max(running.len());
                }
                Event::End(s) => running.retain(|r| r != s),
            }
        }
        (most, same_folder)
    }

    #[test]
    fn one_job_takes_the_folder_with_most_steps_left_first() {
        let events = record(&[("a", 1), ("b", 3), ("c", 2)], 2, 1);
        let starts: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                Event::Start(s) => Some(s.clone()),
                Event::End(_) => None,
            })
            .collect();
        assert_eq!(starts, ["b0", "b1", "c0", "a0", "b2", "c1", "run0", "run1"]);
    }

    #[test]
    fn builds_end_before_runs_start_and_jobs_bound_the_work() {
        for jobs in [1, 2, 3] {
            let events = record(&[("a", 3), ("b", 3), ("c", 1), ("d", 2)], 5, jobs);
            assert_eq!(events.len(), 2 * (9 + 5));
            let first_run = events
                .iter()
                .position(|e| *e == Event::Start("run0".into()))
                .unwrap();
            let builds_ended = events[..first_run]
                .iter()
                .filter(|e| matches!(e, Event::End(_)))
                .count();
            assert_eq!(
                builds_ended, 9,
                "jobs {jobs}: every build ended before the first run"
            );
            let (most, same_folder) = overlap(&events);
            assert!(most <= jobs, "jobs {jobs}: {most} at once");
            assert!(
                !same_folder,
                "jobs {jobs}: two builds of one folder at once"
            );
        }
    }

    #[test]
    fn runs_start_in_their_order_and_jobs_bound_them() {
        for jobs in [1, 2] {
            let busy = AtomicUsize::new(0);
            let most = AtomicUsize::new(0);
            let order = Mutex::new(Vec::new());
            run_all((0..8).collect(), jobs, |i| {
                let now = busy.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                order.lock().unwrap().push(i);
                std::thread::sleep(Duration::from_millis(2));
                busy.fetch_sub(1, Ordering::SeqCst);
            });
            assert!(most.load(Ordering::SeqCst) <= jobs);
            let mut started = order.into_inner().unwrap();
            if jobs == 1 {
                assert_eq!(started, (0..8).collect::<Vec<_>>());
            }
            started.sort();
            assert_eq!(started, (0..8).collect::<Vec<_>>(), "each run once");
        }
    }
}
