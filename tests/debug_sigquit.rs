//! `gokio::debug::dump_on_sigquit`: SIGQUIT prints the goroutine dump and exits with status 2,
//! as Go does. The test re-runs its own binary as the child that receives the signal (sent
//! with the `kill` command). Needs `--features sigquit`; Unix only.
#![cfg(all(unix, feature = "sigquit"))]

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

const CHILD: &str = "GOKIO_SIGQUIT_CHILD";

#[test]
fn sigquit_prints_the_dump_and_exits_with_status_2() {
    if std::env::var_os(CHILD).is_some() {
        child();
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "sigquit_prints_the_dump_and_exits_with_status_2",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    loop {
        line.clear();
        assert_ne!(stdout.read_line(&mut line).unwrap(), 0, "child ended early");
        if line.trim() == "ready" {
            break;
        }
    }
    let status = Command::new("kill")
        .args(["-QUIT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(2), "stderr:\n{stderr}");
    assert!(stderr.contains("SIGQUIT: quit\n\n"), "{stderr}");
    assert!(stderr.contains("[sync.WaitGroup.Wait]:"), "{stderr}");
    assert!(stderr.contains("name: stuck"), "{stderr}");
}

/// Parks a named goroutine on a WaitGroup forever and waits for the signal.
fn child() {
    gokio::debug::dump_on_sigquit().unwrap();
    gokio::run(async {
        let wg = gokio::WaitGroup::new();
        let _hold = wg.guard();
        let g = gokio::Builder::new().name("stuck").go({
            let wg = wg.clone();
            async move { wg.wait().await }
        });
        while gokio::debug::dump()
            .goroutines()
            .iter()
            .all(|x| x.id() != g.id() || x.wait_reason().is_none())
        {
            gokio::yield_now().await;
        }
        println!("ready");
        std::future::pending::<()>().await;
    });
}
