use std::net::IpAddr;

use prism_types::{Environment, Error};
use reqwest::Url;

/// A validated base URL: `https`, or plain `http` only on a loopback host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// The URL without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `self` joined with `path` (which starts with `/`).
    pub fn join(&self, path: &str) -> String {
        let mut s = String::with_capacity(self.0.len() + path.len());
        s.push_str(&self.0);
        s.push_str(path);
        s
    }
}

/// Checks a base URL for `env` (SPEC §5): it must parse, have no query or fragment, use `https` —
/// or plain `http` on a loopback host (`127.0.0.0/8`, `::1`, `localhost`) outside `Production`.
pub fn validate_base_url(raw: &str, env: Environment) -> Result<BaseUrl, Error> {
    let url =
        Url::parse(raw).map_err(|e| Error::configuration(format!("base URL is malformed: {e}")))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::configuration(
            "base URL must not have a query or fragment",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::configuration(
            "base URL must not carry credentials; configure them on the connector",
        ));
    }
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => return Err(Error::configuration("base URL has no host")),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback && env == Environment::Sandbox => {}
        "http" if loopback => {
            return Err(Error::configuration(
                "Production requires an https base URL (plain http is allowed only for a loopback sandbox)",
            ))
        }
        "http" => {
            return Err(Error::configuration(
                "plain http is allowed only for loopback hosts; use https",
            ))
        }
        other => return Err(Error::configuration(format!("base URL scheme `{other}` is not https"))),
    }
    Ok(BaseUrl(url.as_str().trim_end_matches('/').to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let ok = |u, e| validate_base_url(u, e).is_ok();
        assert!(ok("https://api.stripe.com", Environment::Production));
        assert!(ok("https://api.stripe.com/", Environment::Sandbox));
        assert!(ok("http://127.0.0.1:12111", Environment::Sandbox));
        assert!(ok("http://localhost:1/prefix/", Environment::Sandbox));
        assert!(ok("http://[::1]:8080", Environment::Sandbox));
        assert!(!ok("http://127.0.0.1:12111", Environment::Production));
        assert!(!ok("http://10.0.0.1", Environment::Sandbox));
        assert!(!ok("http://example.com", Environment::Sandbox));
        assert!(!ok("ftp://example.com", Environment::Sandbox));
        assert!(!ok("not a url", Environment::Sandbox));
        assert!(!ok("https://user:pw@example.com", Environment::Sandbox));
        assert!(!ok("https://example.com/?a=b", Environment::Sandbox));
        assert_eq!(
            validate_base_url("http://localhost:1/p/", Environment::Sandbox)
                .map(|b| b.join("/v1"))
                .ok(),
            Some("http://localhost:1/p/v1".to_owned())
        );
    }
}
