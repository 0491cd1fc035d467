//! Base URLs, parsed and checked once (https; plain http only to loopback in Sandbox).

use std::net::IpAddr;

use prism_types::{Environment, Error};
use url::Url;

/// A validated base URL: `https`, or plain `http` only on a loopback host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    text: String,
    /// Parsed once: building each request's URL from it skips re-parsing the host (a sizeable
    /// share of a loopback call's CPU).
    parsed: Url,
}

impl BaseUrl {
    /// Whether the scheme is `https` (the others are plain `http` to a loopback host).
    pub fn is_https(&self) -> bool {
        self.parsed.scheme() == "https"
    }

    /// The URL without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The request URL for `path_and_query` (`/v1/customers`, `/x?y=z`): the base's path
    /// prefix followed by the path, and the query, set on a copy of the parsed base.
    pub fn url_for(&self, path_and_query: &str) -> Url {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (path_and_query, None),
        };
        let mut url = self.parsed.clone();
        let prefix = self.parsed.path().trim_end_matches('/');
        if prefix.is_empty() {
            url.set_path(path);
        } else {
            url.set_path(&format!("{prefix}{path}"));
        }
        url.set_query(query);
        url
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
    Ok(BaseUrl {
        text: url.as_str().trim_end_matches('/').to_owned(),
        parsed: url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_urls_match_joining_the_text() {
        for base in [
            "https://api.stripe.com",
            "https://api.stripe.com/",
            "http://127.0.0.1:9/stripe",
            "http://localhost:1/p/q/",
        ] {
            let b = validate_base_url(base, Environment::Sandbox).expect("valid");
            for path in [
                "/v1/customers",
                "/v1/customers/search?query=metadata%5B%27k%27%5D%3A%27v%27&limit=2",
                "/",
            ] {
                let joined = Url::parse(&format!("{}{path}", b.as_str())).expect("joined parses");
                assert_eq!(b.url_for(path), joined, "{base} + {path}");
            }
        }
    }

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
                .map(|b| b.url_for("/v1").to_string())
                .ok(),
            Some("http://localhost:1/p/v1".to_owned())
        );
    }
}
