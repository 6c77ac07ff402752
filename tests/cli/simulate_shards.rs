//! One fleet split into shards: N processes started as a Kubernetes Indexed Job starts its
//! pods (`JOB_COMPLETION_INDEX=i`, `--shard $(JOB_COMPLETION_INDEX)/N`) reach, together, the
//! agents one unsharded run reaches; and the Job manifest in deploy/kubernetes splits the
//! fleet the way the flags do.

use crate::common::dev::Dev;
use crate::common::*;
use agentctl::commands::Command as AgentctlCommand;
use agentctl::commands::heartbeat::HeartbeatCommand;
use agentctl::simulate::shard::Shard;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, SystemTime};

/// The ids of every agent `dev` has, through `agent list`.
fn agent_ids(dev: &Dev, world: &World) -> BTreeSet<String> {
    let ran = run(world
        .cmd_at(&dev.url)
        .args(["agent", "list", "-o", "ndjson"]));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    ran.stdout
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).unwrap();
            record["uuid"].as_str().unwrap().to_owned()
        })
        .collect()
}

const FLEET: [&str; 12] = [
    "heartbeat",
    "simulate",
    "--agents",
    "10",
    "--interval",
    "300ms",
    "--beats",
    "2",
    "--prefix",
    "fleet-",
    "-o",
    "json",
];

#[test]
fn shards_started_as_an_indexed_job_reach_the_agents_of_one_unsharded_run() {
    let world = World::new();
    let sharded = Dev::start();
    let start_at =
        humantime::format_rfc3339_millis(SystemTime::now() + Duration::from_secs(2)).to_string();
    // As the kubelet starts each pod: JOB_COMPLETION_INDEX in the environment, expanded into
    // the --shard argument (here by a shell, there by Kubernetes).
    let children: Vec<std::process::Child> = (0..4)
        .map(|index| {
            let mut command = std::process::Command::new("sh");
            command
                .arg("-c")
                .arg(r#"exec "$0" "$@" --shard "$JOB_COMPLETION_INDEX/4" --start-at "$START_AT""#)
                .arg(env!("CARGO_BIN_EXE_agentctl"))
                .args(FLEET)
                .env("JOB_COMPLETION_INDEX", index.to_string())
                .env("START_AT", &start_at)
                .env("AGENTCTL_CONFIG_DIR", world.config_dir())
                .env("HOME", world.home())
                .env("AGENTCTL_HOST", &sharded.url)
                .env("AGENTCTL_TOKEN", TOKEN)
                .env_remove("AGENTCTL_SHARD")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            command.spawn().unwrap()
        })
        .collect();
    // One unsharded run of the same fleet, on its own server, while the shards wait for
    // their common start.
    let unsharded = Dev::start();
    let one_run = run(world.cmd_at(&unsharded.url).args(FLEET));
    let mut summaries = String::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        summaries.push_str(&String::from_utf8(output.stdout).unwrap());
    }
    let merged = run(world
        .cmd()
        .args(["heartbeat", "summary", "-", "-o", "json"])
        .write_stdin(summaries));
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    assert_eq!(merged.stderr, "", "no shard missing or doubled");
    let merged: Value = serde_json::from_str(&merged.stdout).unwrap();

    assert_eq!(one_run.code, 0, "{}", one_run.stderr);
    let one_run: Value = serde_json::from_str(&one_run.stdout).unwrap();

    let agents = agent_ids(&sharded, &world);
    assert_eq!(agents.len(), 10);
    assert_eq!(agents, agent_ids(&unsharded, &world));
    assert!(agents.contains("fleet-0001") && agents.contains("fleet-0010"));
    for key in ["agents", "sent", "ok"] {
        assert_eq!(merged[key], one_run[key], "{key}");
    }
    assert_eq!(merged["sent"], 20);
    let shards: Vec<Shard> = serde_json::from_value(merged["merged"].clone()).unwrap();
    assert_eq!(
        shards,
        (0..4)
            .map(|index| Shard { index, count: 4 })
            .collect::<Vec<_>>()
    );
    // All four waited for the common start.
    let started = humantime::parse_rfc3339(merged["started_at"].as_str().unwrap()).unwrap();
    assert!(
        started >= humantime::parse_rfc3339_weak(&start_at).unwrap() - Duration::from_millis(1)
    );
}

/// The manifest's documents, as Kubernetes reads them.
fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

/// `$(NAME)` in an argument replaced from `env`, as the kubelet expands container args.
fn expand(arg: &str, env: &[(&str, String)]) -> String {
    let mut expanded = arg.to_owned();
    for (name, value) in env {
        expanded = expanded.replace(&format!("$({name})"), value);
    }
    assert!(!expanded.contains("$("), "{arg}: an unknown variable");
    expanded
}

#[test]
fn the_indexed_job_manifest_splits_the_fleet_as_the_flags_do() {
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/kubernetes");
    let job = yaml(&deploy.join("job.yaml"));
    assert_eq!(job["apiVersion"], "batch/v1");
    assert_eq!(job["kind"], "Job");
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"], "Indexed");
    let count = spec["completions"].as_u64().unwrap();
    assert_eq!(spec["parallelism"].as_u64(), Some(count));
    assert!(count > 1);
    let pod = &spec["template"]["spec"];
    assert_eq!(pod["restartPolicy"], "Never");
    let containers = pod["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 1);
    let container = &containers[0];
    let args: Vec<&str> = container["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|arg| arg.as_str().expect("every arg is a string"))
        .collect();
    let after = |flag: &str| {
        let at = args
            .iter()
            .position(|arg| *arg == flag)
            .unwrap_or_else(|| panic!("{flag}"));
        args[at + 1]
    };
    assert_eq!(after("--shard"), format!("$(JOB_COMPLETION_INDEX)/{count}"));
    assert_eq!(after("-o"), "json");
    // Host and token from the Secret the example creates.
    let env = container["env"].as_array().unwrap();
    let secret = yaml(&deploy.join("secret.example.yaml"));
    let secret_name = secret["metadata"]["name"].as_str().unwrap();
    for (var, key) in [("AGENTCTL_HOST", "host"), ("AGENTCTL_TOKEN", "token")] {
        let entry = env
            .iter()
            .find(|e| e["name"] == var)
            .unwrap_or_else(|| panic!("{var}"));
        let reference = &entry["valueFrom"]["secretKeyRef"];
        assert_eq!(reference["name"], secret_name, "{var}");
        assert_eq!(reference["key"], key, "{var}");
        assert!(secret["stringData"][key].is_string(), "{key}");
    }
    let start_at = env
        .iter()
        .find(|e| e["name"] == "START_AT")
        .and_then(|e| e["value"].as_str())
        .unwrap()
        .to_owned();
    assert_eq!(after("--start-at"), "$(START_AT)");

    // Each pod's args, expanded as the kubelet does, parse as agentctl parses them, and the
    // pods' slices tile the fleet: every agent in exactly one pod.
    let mut covered = Vec::new();
    let mut fleet = None;
    for index in 0..count {
        let vars = [
            ("JOB_COMPLETION_INDEX", index.to_string()),
            ("START_AT", start_at.clone()),
        ];
        let argv: Vec<String> = std::iter::once("agentctl".to_owned())
            .chain(args.iter().map(|arg| expand(arg, &vars)))
            .collect();
        let invocation =
            agentctl::parse_args(&argv).unwrap_or_else(|err| panic!("{argv:?}: {err}"));
        let AgentctlCommand::Heartbeat(HeartbeatCommand::Simulate(simulate)) =
            invocation.cli.command
        else {
            panic!("{argv:?} is not heartbeat simulate");
        };
        assert_eq!(simulate.shard, Some(Shard { index, count }));
        assert!(simulate.start_at.is_some());
        assert!(
            simulate.fail_if.is_empty(),
            "thresholds belong on the merged summary"
        );
        assert_eq!(*fleet.get_or_insert(simulate.agents), simulate.agents);
        covered.extend(Shard { index, count }.range(simulate.agents));
    }
    let fleet = fleet.unwrap();
    assert_eq!(covered, (0..fleet).collect::<Vec<_>>());
    // A pod runs at most what one process may.
    assert!(fleet.div_ceil(count) <= 1_000_000);
}
