//! TLS with rustls: a private CA through --cacert, and failures that say why (exit 6).

use crate::common::stub::{Leaf, TlsStub};
use crate::common::*;

const AGENT: &str = r#"{"uuid":"a1","status":"online"}"#;

fn show(world: &World, url: &str, cacert: Option<&std::path::Path>) -> Ran {
    let mut cmd = world.cmd_at(url);
    cmd.args(["agent", "show", "a1", "-o", "json", "--retries", "0"]);
    if let Some(path) = cacert {
        cmd.arg("--cacert").arg(path);
    }
    run(&mut cmd)
}

fn write_ca(world: &World, stub: &TlsStub) -> std::path::PathBuf {
    let path = world.home().join("ca.pem");
    std::fs::write(&path, &stub.ca_pem).unwrap();
    path
}

#[test]
fn a_private_ca_is_trusted_with_cacert_and_only_then() {
    let stub = TlsStub::start(Leaf::Good, AGENT);
    let world = World::new();
    let ran = show(&world, &stub.url("localhost"), None);
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    assert!(ran.stderr.contains("unknown issuer"), "{}", ran.stderr);
    assert!(ran.stderr.contains("--cacert"), "{}", ran.stderr);

    let ca = write_ca(&world, &stub);
    let ran = show(&world, &stub.url("localhost"), Some(&ca));
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains(r#""uuid": "a1""#), "{}", ran.stdout);
}

#[test]
fn expired_and_wrong_name_certificates_say_so() {
    let world = World::new();
    let expired = TlsStub::start(Leaf::Expired, AGENT);
    let ca = write_ca(&world, &expired);
    let ran = show(&world, &expired.url("localhost"), Some(&ca));
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    assert!(ran.stderr.contains("expired"), "{}", ran.stderr);

    let other = TlsStub::start(Leaf::OtherName, AGENT);
    let ca = write_ca(&world, &other);
    let ran = show(&world, &other.url("localhost"), Some(&ca));
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("not valid for localhost"),
        "{}",
        ran.stderr
    );
}

#[test]
fn a_cacert_that_is_not_pem_is_a_usage_error() {
    let world = World::new();
    let bad = world.home().join("not-a-cert.pem");
    std::fs::write(&bad, "hello").unwrap();
    let ran = show(&world, "https://localhost:1", Some(&bad));
    assert_eq!(ran.code, 2, "{}", ran.stderr);
    assert!(
        ran.stderr.contains("--cacert") && ran.stderr.contains("not-a-cert.pem"),
        "{}",
        ran.stderr
    );
    let ran = show(
        &world,
        "https://localhost:1",
        Some(&world.home().join("missing.pem")),
    );
    assert_eq!(ran.code, 2, "{}", ran.stderr);
}
