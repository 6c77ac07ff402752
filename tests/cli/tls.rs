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

/// The transcript, the stub's port and the world's home written as placeholders.
fn pinned(ran: &Ran, world: &World, stub: Option<&TlsStub>) -> String {
    let home = world.home().display().to_string();
    let port = stub.map(|stub| format!(":{}", stub.addr.port()));
    let mut pins = vec![(home.as_str(), "[HOME]")];
    if let Some(port) = &port {
        pins.push((port.as_str(), ":PORT"));
    }
    ran.transcript_with(&pins)
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
    insta::assert_snapshot!(pinned(&ran, &world, Some(&stub)), @"
    [exit status: 6]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: TLS failed: the server's certificate is signed by an unknown issuer (error sending request for url (https://localhost:PORT/api/v1/agents/a1): client error (Connect): invalid peer certificate: UnknownIssuer)
    hint: for a private CA pass --cacert <FILE> with its PEM certificate
    ");

    let ca = write_ca(&world, &stub);
    let ran = show(&world, &stub.url("localhost"), Some(&ca));
    insta::assert_snapshot!(pinned(&ran, &world, Some(&stub)), @r#"
    [exit status: 0]
    ----- stdout -----
    {
      "uuid": "a1",
      "status": "online"
    }
    ----- stderr -----
    "#);
}

#[test]
fn expired_and_wrong_name_certificates_say_so() {
    let world = World::new();
    let expired = TlsStub::start(Leaf::Expired, AGENT);
    let ca = write_ca(&world, &expired);
    let ran = show(&world, &expired.url("localhost"), Some(&ca));
    // The message quotes the verification time, which is now: not pinned.
    assert_eq!(ran.code, 6, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("TLS failed: the server's certificate has expired")
            && ran.stderr.contains(
                "hint: the server needs a renewed certificate (or this machine's clock is wrong)"
            ),
        "{}",
        ran.stderr
    );

    let other = TlsStub::start(Leaf::OtherName, AGENT);
    let ca = write_ca(&world, &other);
    let ran = show(&world, &other.url("localhost"), Some(&ca));
    insta::assert_snapshot!(pinned(&ran, &world, Some(&other)), @r#"
    [exit status: 6]
    ----- stdout -----
    ----- stderr -----
    error: agent a1: TLS failed: the server's certificate is not valid for localhost (error sending request for url (https://localhost:PORT/api/v1/agents/a1): client error (Connect): invalid peer certificate: certificate not valid for name "localhost"; certificate is only valid for DnsName("other.example"))
    hint: use the host name the certificate was issued for in --host
    "#);
}

#[test]
fn a_cacert_that_is_not_pem_is_a_usage_error() {
    let world = World::new();
    let bad = world.home().join("not-a-cert.pem");
    std::fs::write(&bad, "hello").unwrap();
    let ran = show(&world, "https://localhost:1", Some(&bad));
    let missing = show(
        &world,
        "https://localhost:1",
        Some(&world.home().join("missing.pem")),
    );
    insta::assert_snapshot!(
        pinned(&ran, &world, None) + &pinned(&missing, &world, None),
        @"
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: --cacert [HOME]/not-a-cert.pem: no PEM certificate found in the file
    hint: the file must hold one or more '-----BEGIN CERTIFICATE-----' blocks
    [exit status: 2]
    ----- stdout -----
    ----- stderr -----
    error: --cacert [HOME]/missing.pem: No such file or directory (os error 2)
    "
    );
}
