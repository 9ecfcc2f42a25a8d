//! Ctrl-C (SIGINT) and SIGTERM: remove what the command was staging, say what to do next, and
//! exit 130. A sweep's work folder is kept (that is what `--resume` continues from); a run's or
//! comparison's staging folder and the folder lock are removed, so nothing is left behind.

use std::sync::Mutex;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// What to tell the user if interrupted now (a sweep sets how to resume it).
static HINT: Mutex<Option<String>> = Mutex::new(None);

/// A folder to remove on an interrupt (the server's download folder).
static REMOVE: Mutex<Option<std::path::PathBuf>> = Mutex::new(None);

/// Removes `dir` on an interrupt.
pub fn remove_on_interrupt(dir: std::path::PathBuf) {
    if let Ok(mut r) = REMOVE.lock() {
        *r = Some(dir);
    }
}

/// Sets the line printed on an interrupt.
pub fn set_hint(hint: String) {
    if let Ok(mut h) = HINT.lock() {
        *h = Some(hint);
    }
}

/// Starts the thread that waits for an interrupt. Without it the default action would kill the
/// process with staging folders and the lock file still on disk.
pub fn install() {
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            coordsim::output::folder::abandon_all();
            if let Some(dir) = REMOVE.lock().ok().and_then(|r| r.clone()) {
                let _ = std::fs::remove_dir_all(dir);
            }
            let hint = HINT.lock().ok().and_then(|h| h.clone());
            match hint {
                Some(hint) => eprintln!("\ninterrupted: {hint}"),
                None => eprintln!("\ninterrupted: nothing was written"),
            }
            std::process::exit(130);
        }
    });
}
