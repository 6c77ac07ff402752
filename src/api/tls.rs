//! The one TLS configuration of the program's HTTPS clients: rustls with ring, the platform's
//! certificate verifier (the system's roots), plus the certificates of `--cacert` when given.
//! reqwest and the heartbeat connections of `simulate` both take it from here.

use crate::error::{Error, Result};
use rustls::ClientConfig;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
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

/// The certificates of a PEM file: at least one, or a usage error naming the flag and file.
fn read_pem_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path)
        .map_err(|err| Error::usage(format!("--cacert {}: {err}", path.display())))?;
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
}
