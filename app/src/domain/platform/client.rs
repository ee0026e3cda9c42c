//! The client's address, as rate limits count it.
//!
//! Behind a reverse proxy every request comes from the proxy, so the limits would give all
//! people one allowance. `X-Forwarded-For` names the client, but anybody can send that header:
//! it is believed only when the TCP peer is one of the configured trusted proxies, and then
//! only up to the first address (from the right, the nearest hop) that is not a trusted proxy.
//! IPv6 clients are counted by their /64 network: one host can use any of 2^64 addresses.

use std::net::IpAddr;

use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed (`ROUNDTABLE_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Reads a comma-separated list of addresses or networks (`10.0.0.0/8, ::1`); empty means
    /// none. The error names the entry that is not an address.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let net = entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("`{entry}` is not an address or network"))?;
            nets.push(net);
        }
        Ok(Self(nets))
    }

    /// Whether `ip` is a trusted proxy.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|n| n.contains(&ip))
    }
}

/// The client's address: the TCP peer, or, when the peer is a trusted proxy, the nearest
/// address in `X-Forwarded-For` (all its header lines, in order) that is not a trusted proxy.
/// A malformed entry stops the walk at the hop that added it.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded_for: impl IntoIterator<Item = &'a str>,
    trusted: &TrustedProxies,
) -> IpAddr {
    let mut client = peer.to_canonical();
    if !trusted.contains(client) {
        return client;
    }
    let hops: Vec<&str> = forwarded_for
        .into_iter()
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            break;
        };
        client = ip.to_canonical();
        if !trusted.contains(client) {
            break;
        }
    }
    client
}

/// What the limits count by: an IPv4 address itself, an IPv6 address's /64 network.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let trusted = TrustedProxies::parse("10.0.0.0/8, ::1").expect("list");
        // Not from a proxy: the header is ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), ["198.51.100.1"], &trusted),
            ip("203.0.113.9")
        );
        // From the proxy: the nearest untrusted hop, not a client-supplied first entry.
        assert_eq!(
            client_address(
                ip("10.0.0.2"),
                ["6.6.6.6, 198.51.100.7", "10.0.0.9"],
                &trusted
            ),
            ip("198.51.100.7")
        );
        // A proxy with no header: the proxy itself.
        assert_eq!(client_address(ip("10.0.0.2"), [], &trusted), ip("10.0.0.2"));
        // A malformed hop is not believed past.
        assert_eq!(
            client_address(ip("::1"), ["198.51.100.7, garbage"], &trusted),
            ip("::1")
        );
        assert_eq!(
            TrustedProxies::parse("10.0.0.0/8, nonsense"),
            Err("`nonsense` is not an address or network".to_owned())
        );
        assert!(TrustedProxies::parse("").expect("empty").0.is_empty());
    }

    #[test]
    fn ipv6_counts_by_network() {
        assert_eq!(
            limit_key(ip("2001:db8:1:2:aaaa::1")),
            limit_key(ip("2001:db8:1:2:ffff:1:2:3"))
        );
        assert_ne!(
            limit_key(ip("2001:db8:1:2::1")),
            limit_key(ip("2001:db8:1:3::1"))
        );
        assert_eq!(limit_key(ip("192.0.2.1")), ip("192.0.2.1"));
        assert_eq!(limit_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }
}
