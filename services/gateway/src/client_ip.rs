//! The client's IP: the peer, or `X-Forwarded-For` when the peer is a trusted proxy.

use std::net::IpAddr;
use std::str::FromStr;

use anyhow::{anyhow, Context};

/// An IP address or a CIDR block (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: IpAddr,
    prefix_len: u8,
}

impl IpRange {
    /// Whether `ip` lies in this range.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                same_prefix(&net.octets(), &ip.octets(), self.prefix_len)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(&net.octets(), &ip.octets(), self.prefix_len)
            }
            _ => false,
        }
    }
}

impl FromStr for IpRange {
    type Err = anyhow::Error;

    fn from_str(raw: &str) -> anyhow::Result<Self> {
        let (addr, len) = match raw.split_once('/') {
            Some((addr, len)) => (addr, Some(len)),
            None => (raw, None),
        };
        let network = canonical(
            addr.trim()
                .parse::<IpAddr>()
                .with_context(|| format!("{raw:?} is not an IP address or CIDR block"))?,
        );
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix_len = match len {
            None => max,
            Some(len) => len
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|len| *len <= max)
                .ok_or_else(|| anyhow!("{raw:?} has an invalid prefix length"))?,
        };
        Ok(Self {
            network,
            prefix_len,
        })
    }
}

fn same_prefix(a: &[u8], b: &[u8], prefix_len: u8) -> bool {
    let full = usize::from(prefix_len / 8);
    let rest = prefix_len % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

/// IPv4-mapped IPv6 addresses (dual-stack sockets) compare as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Every `X-Forwarded-For` line of `headers` as one list (RFC 9110 §5.3): a proxy that
/// appends its own line (HAProxy's `option forwardfor`) adds the hop the client cannot
/// forge, so reading only the first line would let the client choose its address. An
/// unreadable line stands as junk, where the walk from the right stops.
pub fn forwarded_for(headers: &actix_web::http::header::HeaderMap) -> Option<String> {
    let lines: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .map(|line| line.to_str().unwrap_or("unreadable"))
        .collect();
    (!lines.is_empty()).then(|| lines.join(","))
}

/// The client's address: walking `X-Forwarded-For` from the right while hops are trusted,
/// so a client cannot choose its own rate-limit key by sending the header itself.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[IpRange],
) -> Option<IpAddr> {
    let peer = canonical(peer?);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|range| range.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut client = peer;
    if let Some(header) = forwarded_for {
        for hop in header.rsplit(',') {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) => {
                    client = canonical(ip);
                    if !is_trusted(client) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_forwarded_for_line_counts_and_the_rightmost_untrusted_hop_wins() {
        use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
        let mut headers = HeaderMap::new();
        let name = HeaderName::from_static("x-forwarded-for");
        headers.append(name.clone(), HeaderValue::from_static("6.6.6.6"));
        headers.append(name, HeaderValue::from_static("198.51.100.4, 10.0.0.7"));
        let joined = forwarded_for(&headers);
        assert_eq!(joined.as_deref(), Some("6.6.6.6,198.51.100.4, 10.0.0.7"));
        let trusted = ["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), joined.as_deref(), &trusted),
            Some(ip("198.51.100.4"))
        );
        assert_eq!(forwarded_for(&HeaderMap::new()), None);
    }

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn ranges_match_addresses_and_blocks() {
        let block: IpRange = "10.1.0.0/16".parse().unwrap();
        assert!(block.contains(ip("10.1.200.3")));
        assert!(!block.contains(ip("10.2.0.1")));
        let odd: IpRange = "192.168.0.0/23".parse().unwrap();
        assert!(odd.contains(ip("192.168.1.9")));
        assert!(!odd.contains(ip("192.168.2.9")));
        let single: IpRange = "127.0.0.1".parse().unwrap();
        assert!(single.contains(ip("::ffff:127.0.0.1")));
        let v6: IpRange = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        assert!("10.0.0.0/33".parse::<IpRange>().is_err());
        assert!("proxy".parse::<IpRange>().is_err());
    }

    #[test]
    fn forwarded_for_is_only_believed_from_trusted_peers() {
        let trusted = vec!["10.0.0.0/8".parse().unwrap()];
        let spoofed = Some("1.2.3.4");
        assert_eq!(
            client_ip(Some(ip("5.6.7.8")), spoofed, &trusted),
            Some(ip("5.6.7.8"))
        );
        assert_eq!(
            client_ip(
                Some(ip("10.0.0.2")),
                Some("9.9.9.9, 1.2.3.4, 10.0.0.7"),
                &trusted
            ),
            Some(ip("1.2.3.4"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), Some("junk, 10.0.0.7"), &trusted),
            Some(ip("10.0.0.7"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.2")), None, &trusted),
            Some(ip("10.0.0.2"))
        );
    }
}
