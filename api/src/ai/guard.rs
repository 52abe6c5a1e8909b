//! The outbound guard: every call to a user-configured endpoint goes through one client that
//! refuses what a server-side request forgery would aim at.
//!
//! - A host is resolved by the guard itself; loopback, private (RFC 1918, CGNAT 100.64/10, ULA
//!   fc00::/7), link-local (169.254/16, fe80::/10, so the cloud metadata addresses too),
//!   unspecified, multicast, broadcast and reserved addresses are refused, and so are IPv6
//!   forms carrying such an IPv4 address (`::ffff:127.0.0.1`, NAT64).
//! - Hosts are parsed as browsers parse them (the WHATWG URL parser of `url`), so `2130706433`
//!   and `0x7f000001` are the IPv4 address 127.0.0.1 and refused like it.
//! - The client's own resolver checks again and hands the connector only the addresses it
//!   checked (the address is pinned: a second DNS answer cannot swap in a private one).
//! - No redirect is followed, no proxy is used.
//!
//! The operator may allow `host:port` entries (`JOAN_AI_ALLOW_HOSTS`) and the Ollama URL they
//! configured; a URL a user typed (their settings' local LLM URL included) is never allowed by
//! itself being typed.
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;

/// Why the guard refused an endpoint. Messages name the endpoint's host, never more.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuardError {
    #[error("the endpoint must be an http:// or https:// URL with a host")]
    NotHttp,
    #[error("the endpoint may not carry a user name or password")]
    Credentials,
    #[error("the endpoint's host {0} could not be resolved")]
    Unresolvable(String),
    #[error("the endpoint {0} is not one of the hosts the operator allows (JOAN_AI_ONLY_ALLOWED)")]
    NotListed(String),
    #[error(
        "the endpoint {0} is a loopback, private, link-local or metadata address; \
         the operator may allow it in JOAN_AI_ALLOW_HOSTS"
    )]
    Forbidden(String),
}

/// The operator's allowed `host:port` pairs, in the URL parser's spelling of the host.
#[derive(Debug, Clone, Default)]
pub struct AllowList {
    pairs: HashSet<(String, u16)>,
    /// Refuse every other host, public ones too (egress limited to the list).
    only_listed: bool,
}

impl AllowList {
    /// `entries` as `host:port` (or a URL, whose host and port count).
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        let mut pairs = HashSet::new();
        for entry in entries {
            let entry = entry.as_ref().trim();
            if entry.is_empty() {
                continue;
            }
            let url = if entry.contains("://") {
                Url::parse(entry)
            } else {
                Url::parse(&format!("http://{entry}"))
            };
            let pair = url.ok().and_then(|u| host_port(&u));
            pairs.insert(pair.ok_or_else(|| format!("{entry} is not a host:port"))?);
        }
        Ok(Self {
            pairs,
            only_listed: false,
        })
    }

    /// Only the listed hosts may be reached, public ones included.
    pub fn only_listed(mut self, only: bool) -> Self {
        self.only_listed = only;
        self
    }

    /// Adds the host and port of `url` (the operator's Ollama URL).
    pub fn with_url(mut self, url: &Url) -> Self {
        if let Some(pair) = host_port(url) {
            self.pairs.insert(pair);
        }
        self
    }

    pub fn allows(&self, url: &Url) -> bool {
        host_port(url).is_some_and(|pair| self.pairs.contains(&pair))
    }

    /// Host names (not addresses) allowed on some port: the resolver sees no port.
    fn names(&self) -> HashSet<String> {
        self.pairs
            .iter()
            .filter(|(host, _)| host.parse::<IpAddr>().is_err() && !host.starts_with('['))
            .map(|(host, _)| host.clone())
            .collect()
    }
}

fn host_port(url: &Url) -> Option<(String, u16)> {
    Some((url.host_str()?.to_ascii_lowercase(), url.port_or_known_default()?))
}

/// The guard and its one client.
#[derive(Clone)]
pub struct Guard {
    allow: Arc<AllowList>,
    client: reqwest::Client,
    /// How long the guard's own DNS lookup may take.
    timeout: Duration,
}

impl std::fmt::Debug for Guard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Guard").field("allow", &self.allow).finish()
    }
}

impl Guard {
    /// The guarded client, each request ending after `timeout`.
    pub fn new(allow: AllowList, timeout: Duration) -> Self {
        crate::tls::install_crypto_provider();
        let resolver = Arc::new(PinningResolver {
            allowed_names: Arc::new(allow.names()),
            only_listed: allow.only_listed,
        });
        let client = reqwest::Client::builder()
            .dns_resolver(resolver)
            .redirect(Policy::none())
            .no_proxy()
            .timeout(timeout)
            .connect_timeout(timeout)
            .build()
            // Building fails only when TLS cannot be set up at all: a broken install.
            .expect("the TLS backend of the outbound client");
        Self {
            allow: Arc::new(allow),
            client,
            timeout,
        }
    }

    /// The client: use it only for URLs that [`Guard::check`] passed.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Parses `raw` and checks where it leads: at create and at every call (DNS changes).
    pub async fn check_str(&self, raw: &str) -> Result<Url, GuardError> {
        let url = Url::parse(raw).map_err(|_| GuardError::NotHttp)?;
        self.check(&url).await?;
        Ok(url)
    }

    /// Whether `url` may be called: allowed by the operator, or every address it resolves to
    /// is public.
    pub async fn check(&self, url: &Url) -> Result<(), GuardError> {
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(GuardError::NotHttp);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(GuardError::Credentials);
        }
        if self.allow.allows(url) {
            return Ok(());
        }
        let host = url.host_str().unwrap_or_default().to_string();
        if self.allow.only_listed {
            return Err(GuardError::NotListed(host));
        }
        let port = url.port_or_known_default().unwrap_or(80);
        let forbidden = || GuardError::Forbidden(host.clone());
        match url.host() {
            Some(url::Host::Ipv4(ip)) => refuse_if(IpAddr::V4(ip), forbidden),
            Some(url::Host::Ipv6(ip)) => refuse_if(IpAddr::V6(ip), forbidden),
            Some(url::Host::Domain(name)) => {
                let lookup = tokio::time::timeout(self.timeout, tokio::net::lookup_host((name, port)));
                let addrs: Vec<SocketAddr> = lookup
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .ok_or_else(|| GuardError::Unresolvable(host.clone()))?
                    .collect();
                if addrs.is_empty() {
                    return Err(GuardError::Unresolvable(host.clone()));
                }
                addrs.iter().try_for_each(|a| refuse_if(a.ip(), forbidden))
            }
            None => Err(GuardError::NotHttp),
        }
    }
}

fn refuse_if(ip: IpAddr, forbidden: impl Fn() -> GuardError) -> Result<(), GuardError> {
    if is_forbidden(ip) { Err(forbidden()) } else { Ok(()) }
}

/// Whether an address is one a user's endpoint may not reach.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0 // "this network", 0.0.0.0 included
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) and the deprecated IPv4-compatible form (::a.b.c.d) carry an IPv4.
    let embedded = Ipv4Addr::from((u32::from(segments[6]) << 16) | u32::from(segments[7]));
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] || (segments[..6] == [0; 6] && segments[6] != 0) {
        return forbidden_v4(embedded);
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00 // ULA fc00::/7 (fd00:ec2::254 included)
        || (segments[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (segments[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The client's resolver: resolves, keeps only the addresses the guard passes (all of them
/// for a host the operator allowed), and hands exactly those to the connector.
struct PinningResolver {
    allowed_names: Arc<HashSet<String>>,
    only_listed: bool,
}

impl Resolve for PinningResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let allowed = self.allowed_names.contains(&host);
        let refused = self.only_listed && !allowed;
        Box::pin(async move {
            if refused {
                return Err(Box::new(GuardError::NotListed(host)) as BoxError);
            }
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map_err(|e| Box::new(e) as BoxError)?
                .collect();
            let kept: Vec<SocketAddr> = addrs.into_iter().filter(|a| allowed || !is_forbidden(a.ip())).collect();
            if kept.is_empty() {
                return Err(Box::new(GuardError::Forbidden(host)) as BoxError);
            }
            Ok::<Addrs, BoxError>(Box::new(kept.into_iter()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(allow: &[&str]) -> Guard {
        Guard::new(AllowList::parse(allow).unwrap(), Duration::from_secs(1))
    }

    #[tokio::test]
    async fn the_ssrf_corpus_is_refused() {
        let g = guard(&[]);
        for url in [
            "http://127.0.0.1/",
            "http://[::1]:8080/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://0.0.0.0/",
            "http://[::]/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",
            "http://[fe80::1]/",
            "http://[fc00::1]/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://localhost:11434/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
        ] {
            assert!(
                matches!(g.check_str(url).await, Err(GuardError::Forbidden(_))),
                "{url} was not refused"
            );
        }
    }

    #[tokio::test]
    async fn with_only_listed_hosts_public_ones_are_refused_too() {
        let g = Guard::new(
            AllowList::parse(&["127.0.0.1:11434"]).unwrap().only_listed(true),
            Duration::from_secs(1),
        );
        assert!(g.check_str("http://127.0.0.1:11434/").await.is_ok());
        assert_eq!(
            g.check_str("https://93.184.216.34/v1").await,
            Err(GuardError::NotListed("93.184.216.34".into()))
        );
        assert!(matches!(
            g.check_str("https://api.openai.com/v1").await,
            Err(GuardError::NotListed(_))
        ));
    }

    #[tokio::test]
    async fn not_http_and_credentials_are_refused() {
        let g = guard(&[]);
        assert_eq!(g.check_str("file:///etc/passwd").await, Err(GuardError::NotHttp));
        assert_eq!(g.check_str("ftp://example.com/").await, Err(GuardError::NotHttp));
        assert_eq!(g.check_str("not a url").await, Err(GuardError::NotHttp));
        assert_eq!(
            g.check_str("http://user:pw@93.184.216.34/").await,
            Err(GuardError::Credentials)
        );
    }

    #[tokio::test]
    async fn public_addresses_pass_and_the_allow_list_is_per_port() {
        let g = guard(&["127.0.0.1:11434", "localhost:8080"]);
        assert!(g.check_str("https://93.184.216.34/v1").await.is_ok());
        assert!(g.check_str("http://127.0.0.1:11434/api/chat").await.is_ok());
        assert!(
            g.check_str("http://2130706433:11434/").await.is_ok(),
            "the same address, spelt otherwise"
        );
        assert!(g.check_str("http://127.0.0.1:11435/").await.is_err());
        assert!(g.check_str("http://LOCALHOST:8080/").await.is_ok());
        assert!(g.check_str("http://localhost:8081/").await.is_err());
    }
}
