use crate::common::*;
use std::time::{Duration, Instant};

#[test]
fn the_demo_tours_the_main_commands_and_touches_no_config() {
    let world = World::new();
    let closed = ClosedPort::new();
    let started = Instant::now();
    // A host and token in the environment must not divert the tour (nor leak: `run` checks).
    let ran = run(world
        .cmd_at(&closed.url())
        .env("AGENTCTL_PROFILE", "prod")
        .arg("demo"));
    let elapsed = started.elapsed();
    assert_eq!(ran.code, 0, "{}\n{}", ran.stdout, ran.stderr);
    assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}");
    for needle in [
        "$ agentctl heartbeat send web-01 --version 1.4.2",
        "$ agentctl agent show web-01 db-01 -o wide",
        "$ agentctl agent list --region us-east-1",
        "$ agentctl watch trace-01",
        "trace-01  null -> online",
        "trace-01  online -> delayed",
        "trace-01  delayed -> offline",
        "env=prod,team=web",
    ] {
        assert!(
            ran.stdout.contains(needle),
            "missing {needle:?} in:\n{}",
            ran.stdout
        );
    }
    let row = ran
        .stdout
        .lines()
        .find(|l| l.starts_with("web-01   prod-web-01"))
        .unwrap();
    assert!(row.contains("online"), "{row}");
    assert!(
        !world.config_dir().exists(),
        "the demo wrote into the config dir"
    );
    let home: Vec<_> = std::fs::read_dir(world.home()).unwrap().collect();
    assert!(home.is_empty(), "the demo wrote into HOME: {home:?}");
}
