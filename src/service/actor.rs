//! Who is at the keyboard: the OS user, the SSH client's address, and their role.

use crate::domain::Actor;
use crate::store::Store;

/// Builds the actor for this process: its OS account and SSH client. The role comes from the
/// operators table; operators not listed there get the "operator" role.
pub fn actor_from_env(store: &Store) -> Actor {
    // The account the process runs as, from the password database: $USER can be unset (cron)
    // or set to anyone, and the audit log must name who really made a change.
    let name = whoami::username()
        .ok()
        .filter(|n| !n.is_empty())
        .or_else(|| {
            ["USER", "LOGNAME", "USERNAME"]
                .iter()
                .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        })
        .unwrap_or_else(|| "unknown".into());
    let ip = client_ip(
        std::env::var("SSH_CONNECTION").ok().as_deref(),
        std::env::var("SSH_CLIENT").ok().as_deref(),
    );
    let role = store
        .operator_role(&name)
        .ok()
        .flatten()
        .unwrap_or_else(|| "operator".into());
    Actor { name, ip, role }
}

/// The client address is the first word of SSH_CONNECTION ("client port server port"),
/// or SSH_CLIENT ("client port server-port"); without either the session is local.
fn client_ip(ssh_connection: Option<&str>, ssh_client: Option<&str>) -> String {
    ssh_connection
        .into_iter()
        .chain(ssh_client)
        .find_map(|v| v.split_whitespace().next())
        .map_or_else(
            || "local".into(),
            // The audit log keeps an address, not whatever the variable was set to.
            |word| match word.parse::<std::net::IpAddr>() {
                Ok(ip) => ip.to_string(),
                Err(_) => "unknown".into(),
            },
        )
}

#[cfg(test)]
mod tests {
    use super::client_ip;

    #[test]
    fn ip_comes_from_the_ssh_variables() {
        assert_eq!(
            client_ip(Some("203.0.113.9 50122 10.0.0.5 22"), None),
            "203.0.113.9"
        );
        assert_eq!(client_ip(None, Some("2001:db8::7 50122 22")), "2001:db8::7");
        assert_eq!(client_ip(None, None), "local");
        assert_eq!(client_ip(Some("garbage 1 2 3"), None), "unknown");
    }
}
