//! `coordsim serve`: flags to the app's caps, the socket bound (127.0.0.1 unless asked
//! otherwise, with a warning), the browser opened on request; the app itself is
//! `coordsim::serve`. Ctrl-C goes through `interrupt`, which removes the download folder.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use coordsim::serve::{Caps, Config, router};

use crate::cli::ServeArgs;
use crate::error::CommandError;
use crate::interrupt;

/// `coordsim serve`.
pub fn serve(args: &ServeArgs) -> Result<(), CommandError> {
    let ip: IpAddr = args.bind.parse().map_err(|_| {
        CommandError::Usage(format!(
            "--bind {}: expected an IP address such as 127.0.0.1 or 0.0.0.0",
            args.bind
        ))
    })?;
    let caps = Caps {
        max_communities: args.max_communities,
        max_ticks: args.max_ticks,
        max_replicates: args.max_replicates,
        max_jobs: args.max_jobs.max(1),
        max_sessions: args.max_sessions.max(1),
    };
    let work_dir = work_dir();
    let _ = std::fs::remove_dir_all(&work_dir);
    std::fs::create_dir_all(&work_dir)
        .map_err(|e| CommandError::Failed(format!("cannot create {}: {e}", work_dir.display())))?;
    interrupt::remove_on_interrupt(work_dir.clone());
    interrupt::set_hint("the server stopped".into());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CommandError::Failed(format!("cannot start the server: {e}")))?;
    let result = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, args.port))
            .await
            .map_err(|e| {
                CommandError::Usage(format!("cannot listen on {ip}:{}: {e}", args.port))
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| CommandError::Failed(e.to_string()))?;
        if !ip.is_loopback() {
            eprintln!(
                "warning: listening on {addr}: anyone who can reach this machine can run simulations here (the default, 127.0.0.1, serves only this computer)"
            );
        }
        let url = format!(
            "http://{}:{}/",
            if ip.is_unspecified() { "127.0.0.1".to_string() } else { ip.to_string() },
            addr.port()
        );
        println!("coordsim serve: open {url} in a browser (Ctrl-C stops the server)");
        if args.open {
            open_browser(&url);
        }
        let app = router(Config {
            caps,
            work_dir: work_dir.clone(),
        });
        axum::serve(listener, app)
            .await
            .map_err(|e| CommandError::Failed(format!("the server failed: {e}")))
    });
    let _ = std::fs::remove_dir_all(&work_dir);
    result
}

/// The private folder downloads are staged in, one per server process.
fn work_dir() -> PathBuf {
    std::env::temp_dir().join(format!("coordsim-serve-{}", std::process::id()))
}

/// Opens the page in the desktop's browser; says so when it cannot.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("could not open a browser ({opener}: {e}); open {url} yourself");
    }
}
