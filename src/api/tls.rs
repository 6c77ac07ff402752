//! The one TLS configuration of the program's HTTPS clients: rustls with ring, the platform's
//! certificate verifier (the system's roots), plus the certificates of `--cacert` when given.
//! reqwest and the heartbeat connections of `simulate` both take it from here, and both have
//! their TLS failures told apart here, by what rustls says went wrong.

use crate::error::{Error, Result};
use crate::sanitize::sanitize;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{CertificateError, ClientConfig};
use std::error::Error as StdError;
use std::io;
use std::path::Path;
use std::sync::Arc;

/// The configuration for HTTPS, trusting the system's roots and those of `cacert`.
pub fn client_config(cacert: Option<&Path>) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = match cacert {
        Some(path) => {
            let roots = read_pem_certificates(path)?;
            rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
        }
        None => rustls_platform_verifier::Verifier::new(provider.clone()),
    }
    .map_err(|err| Error::usage(format!("could not set up HTTPS: {err}")))?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| Error::usage(format!("could not set up HTTPS: {err}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(config)
}

/// A CA bundle larger than this is refused (the system's whole bundle is a few hundred KiB).
const MAX_CACERT_BYTES: u64 = 16 * 1024 * 1024;

/// The certificates of a PEM file: at least one, or a usage error naming the flag and file.
fn read_pem_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = crate::files::read_file(path, MAX_CACERT_BYTES).map_err(|err| {
        err.into_error(
            &format!("--cacert {}", path.display()),
            crate::error::ErrorKind::Usage,
        )
    })?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
        .collect::<std::result::Result<_, _>>()
        .unwrap_or_default();
    if certs.is_empty() {
        return Err(Error::usage(format!(
            "--cacert {}: no PEM certificate found in the file",
            path.display()
        ))
        .with_hint("the file must hold one or more '-----BEGIN CERTIFICATE-----' blocks"));
    }
    Ok(certs)
}

/// What went wrong in a TLS handshake, as an operator can act on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsFailure {
    /// The server's certificate does not chain to a trusted root.
    UnknownIssuer,
    /// The server's certificate is past its `notAfter`.
    Expired,
    /// The server's certificate does not name the host.
    NotValidForName,
    /// Anything else rustls refused, or a server that closed the connection mid-handshake.
    Handshake,
}

impl TlsFailure {
    /// The TLS failure behind `err`, if it is one: the first `rustls::Error` down its chain of
    /// sources (looking inside the `io::Error`s that carry it, as tokio-rustls and hyper wrap
    /// it), told apart by its variant; the certificate errors of the platform verifier arrive
    /// as the same `CertificateError` variants. With `connecting` (no answer could have
    /// started yet), an end of stream counts too: on an https:// connection, only the
    /// handshake reads before the request is sent.
    pub fn of(err: &(dyn StdError + 'static), connecting: bool) -> Option<TlsFailure> {
        let mut eof = false;
        let mut current = Some(err);
        while let Some(err) = current {
            if let Some(tls) = err.downcast_ref::<rustls::Error>() {
                return Some(TlsFailure::from_rustls(tls));
            }
            if let Some(io) = err.downcast_ref::<io::Error>() {
                eof |= io.kind() == io::ErrorKind::UnexpectedEof;
                // `io::Error::source` skips the error it carries: look at that one itself.
                if let Some(inner) = io.get_ref() {
                    current = Some(inner as &(dyn StdError + 'static));
                    continue;
                }
            }
            current = err.source();
        }
        (eof && connecting).then_some(TlsFailure::Handshake)
    }

    fn from_rustls(err: &rustls::Error) -> TlsFailure {
        match err {
            rustls::Error::InvalidCertificate(certificate) => match certificate {
                CertificateError::UnknownIssuer => TlsFailure::UnknownIssuer,
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    TlsFailure::Expired
                }
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => TlsFailure::NotValidForName,
                _ => TlsFailure::Handshake,
            },
            _ => TlsFailure::Handshake,
        }
    }

    /// The failure in plain words (`host`: the host the connection was for).
    pub fn cause(self, host: Option<&str>) -> String {
        match self {
            TlsFailure::UnknownIssuer => {
                "the server's certificate is signed by an unknown issuer".into()
            }
            TlsFailure::Expired => "the server's certificate has expired".into(),
            TlsFailure::NotValidForName => format!(
                "the server's certificate is not valid for {}",
                sanitize(host.unwrap_or("the host"))
            ),
            TlsFailure::Handshake => "the TLS handshake failed".into(),
        }
    }

    /// What to do about it.
    pub fn hint(self) -> &'static str {
        match self {
            TlsFailure::UnknownIssuer => {
                "for a private CA pass --cacert <FILE> with its PEM certificate"
            }
            TlsFailure::Expired => {
                "the server needs a renewed certificate (or this machine's clock is wrong)"
            }
            TlsFailure::NotValidForName => {
                "use the host name the certificate was issued for in --host"
            }
            TlsFailure::Handshake => {
                "check that the host speaks HTTPS on that port; for a private CA pass --cacert <FILE>"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cacert_must_hold_a_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate").unwrap();
        let err = client_config(Some(&path)).unwrap_err();
        assert!(
            err.message.contains("no PEM certificate found"),
            "{}",
            err.message
        );
        let missing = client_config(Some(&dir.path().join("absent.pem"))).unwrap_err();
        assert!(
            missing.message.starts_with("--cacert "),
            "{}",
            missing.message
        );
        assert!(client_config(None).is_ok());
    }

    /// An error that says what it is and points at its cause, as hyper's and reqwest's do.
    #[derive(Debug)]
    struct Layer(&'static str, Box<dyn StdError + Send + Sync>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Layer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(self.1.as_ref())
        }
    }

    /// `err` as the two stacks hand it over: reqwest (layers over an `io::Error` carrying it)
    /// and tokio-rustls (the `io::Error` itself, in an anyhow error).
    fn as_delivered(err: rustls::Error) -> [anyhow::Error; 2] {
        let carried = |err| io::Error::new(io::ErrorKind::InvalidData, err);
        let reqwest_like = Layer(
            "error sending request",
            Box::new(Layer(
                "client error (Connect)",
                Box::new(carried(err.clone())),
            )),
        );
        [
            anyhow::Error::new(reqwest_like),
            anyhow::Error::new(carried(err)),
        ]
    }

    fn classify(err: &anyhow::Error, connecting: bool) -> Option<TlsFailure> {
        TlsFailure::of(err.as_ref(), connecting)
    }

    fn certificate(err: CertificateError) -> rustls::Error {
        rustls::Error::InvalidCertificate(err)
    }

    #[test]
    fn certificate_failures_are_told_apart_by_their_variant() {
        use rustls::pki_types::{ServerName, UnixTime};
        let at = |secs| UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs));
        let cases = [
            (
                certificate(CertificateError::UnknownIssuer),
                TlsFailure::UnknownIssuer,
            ),
            (certificate(CertificateError::Expired), TlsFailure::Expired),
            (
                certificate(CertificateError::ExpiredContext {
                    time: at(2_000_000_000),
                    not_after: at(1_000_000_000),
                }),
                TlsFailure::Expired,
            ),
            (
                certificate(CertificateError::NotValidForName),
                TlsFailure::NotValidForName,
            ),
            (
                certificate(CertificateError::NotValidForNameContext {
                    expected: ServerName::try_from("localhost").unwrap(),
                    presented: vec!["DnsName(\"other.example\")".into()],
                }),
                TlsFailure::NotValidForName,
            ),
            (
                certificate(CertificateError::NotValidYet),
                TlsFailure::Handshake,
            ),
            (
                certificate(CertificateError::BadSignature),
                TlsFailure::Handshake,
            ),
            (
                // What the platform verifier and webpki send when no variant fits
                // (`CaUsedAsEndEntity`, a platform's own reason).
                certificate(CertificateError::Other(rustls::OtherError(
                    std::sync::Arc::new(io::Error::other("CaUsedAsEndEntity")),
                ))),
                TlsFailure::Handshake,
            ),
            (
                rustls::Error::AlertReceived(rustls::AlertDescription::ProtocolVersion),
                TlsFailure::Handshake,
            ),
            (
                rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType),
                TlsFailure::Handshake,
            ),
            (
                rustls::Error::NoCertificatesPresented,
                TlsFailure::Handshake,
            ),
        ];
        for (err, expected) in cases {
            for delivered in as_delivered(err.clone()) {
                for connecting in [true, false] {
                    assert_eq!(
                        classify(&delivered, connecting),
                        Some(expected),
                        "{err:?}, connecting: {connecting}"
                    );
                }
            }
        }
    }

    #[test]
    fn rustls_is_found_under_any_number_of_io_errors_and_layers() {
        let err = certificate(CertificateError::UnknownIssuer);
        // xh meets it under two `io::Error`s.
        let twice = io::Error::other(io::Error::new(io::ErrorKind::InvalidData, err.clone()));
        assert_eq!(
            TlsFailure::of(&twice, false),
            Some(TlsFailure::UnknownIssuer)
        );
        // As a plain source, under an `io::Error` that carries a layer.
        let deep = io::Error::other(Layer("tls", Box::new(err)));
        assert_eq!(
            TlsFailure::of(&deep, false),
            Some(TlsFailure::UnknownIssuer)
        );
    }

    #[test]
    fn an_end_of_stream_is_a_handshake_failure_only_while_connecting() {
        let eof = io::Error::new(io::ErrorKind::UnexpectedEof, "tls handshake eof");
        let in_layers = anyhow::Error::new(Layer("client error (Connect)", Box::new(eof)));
        assert_eq!(classify(&in_layers, true), Some(TlsFailure::Handshake));
        assert_eq!(classify(&in_layers, false), None);
        let bare = anyhow::Error::new(io::Error::from(io::ErrorKind::UnexpectedEof));
        assert_eq!(classify(&bare, true), Some(TlsFailure::Handshake));
        assert_eq!(classify(&bare, false), None);
    }

    #[test]
    fn other_failures_are_not_tls_whatever_their_words_say() {
        for err in [
            io::Error::from(io::ErrorKind::ConnectionRefused),
            io::Error::new(
                io::ErrorKind::ConnectionReset,
                "tls handshake failed: certificate",
            ),
            io::Error::other(Layer(
                "expired",
                Box::new(io::Error::other("UnknownIssuer")),
            )),
        ] {
            let err = anyhow::Error::new(err);
            for connecting in [true, false] {
                assert_eq!(classify(&err, connecting), None, "{err:#}");
            }
        }
        let words = anyhow::anyhow!("invalid peer certificate: UnknownIssuer");
        assert_eq!(classify(&words, true), None);
    }

    #[test]
    fn each_failure_says_what_happened_and_what_to_do() {
        let host = Some("agents.example.com");
        assert_eq!(
            TlsFailure::UnknownIssuer.cause(host),
            "the server's certificate is signed by an unknown issuer"
        );
        assert!(TlsFailure::UnknownIssuer.hint().contains("--cacert <FILE>"));
        assert_eq!(
            TlsFailure::Expired.cause(host),
            "the server's certificate has expired"
        );
        assert!(TlsFailure::Expired.hint().contains("renewed certificate"));
        assert_eq!(
            TlsFailure::NotValidForName.cause(host),
            "the server's certificate is not valid for agents.example.com"
        );
        assert_eq!(
            TlsFailure::NotValidForName.cause(Some("a\u{1b}[2Jb")),
            "the server's certificate is not valid for a\\x1b[2Jb"
        );
        assert_eq!(
            TlsFailure::NotValidForName.cause(None),
            "the server's certificate is not valid for the host"
        );
        assert!(TlsFailure::NotValidForName.hint().contains("--host"));
        assert_eq!(
            TlsFailure::Handshake.cause(host),
            "the TLS handshake failed"
        );
        assert!(TlsFailure::Handshake.hint().contains("speaks HTTPS"));
    }
}
