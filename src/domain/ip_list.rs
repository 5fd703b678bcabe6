//! Lists of IP addresses and CIDR ranges, as whitelists are typed and stored: comma or
//! space separated, each an address (one host) or a network, written back in one form.

use ipnet::IpNet;
use std::net::IpAddr;

/// The most entries a whitelist holds: enough for any customer's sites, small enough to
/// stay readable in a form and in a switch's configuration.
pub const MAX_ENTRIES: usize = 50;

/// Reads a typed list; empty means any address. A range with host bits set is refused
/// rather than silently widened, since the operator meant one of the two.
pub fn parse(text: &str) -> Result<Vec<IpNet>, String> {
    let mut nets: Vec<IpNet> = Vec::new();
    for word in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        let net = match word.parse::<IpAddr>() {
            Ok(addr) => IpNet::from(addr),
            Err(_) => {
                let net: IpNet = word.parse().map_err(|_| {
                    format!("'{word}' is not an IP address or a CIDR range such as 10.0.0.0/24")
                })?;
                if net.trunc() != net {
                    return Err(format!(
                        "'{word}' has host bits set; the range is {}",
                        net.trunc()
                    ));
                }
                net
            }
        };
        if !nets.contains(&net) {
            nets.push(net);
        }
    }
    if nets.len() > MAX_ENTRIES {
        return Err(format!("at most {MAX_ENTRIES} addresses or ranges"));
    }
    Ok(nets)
}

/// The stored and shown form: single hosts without a prefix length, comma separated.
pub fn format(nets: &[IpNet]) -> String {
    nets.iter()
        .map(|n| {
            if n.prefix_len() == n.max_prefix_len() {
                n.addr().to_string()
            } else {
                n.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_ranges_are_read_and_written_back_alike() {
        let nets = parse(" 10.0.0.0/24,203.0.113.9  2001:db8::/32, 203.0.113.9").unwrap();
        assert_eq!(format(&nets), "10.0.0.0/24, 203.0.113.9, 2001:db8::/32");
        assert_eq!(parse(&format(&nets)).unwrap(), nets);
        assert_eq!(parse("").unwrap(), vec![]);
    }

    #[test]
    fn bad_entries_are_named() {
        assert!(parse("10.0.0.300").unwrap_err().contains("'10.0.0.300'"));
        assert_eq!(
            parse("10.0.0.5/24").unwrap_err(),
            "'10.0.0.5/24' has host bits set; the range is 10.0.0.0/24"
        );
        let many: Vec<String> = (0..51).map(|i| format!("10.0.{i}.1")).collect();
        assert!(parse(&many.join(",")).unwrap_err().contains("at most 50"));
    }
}
