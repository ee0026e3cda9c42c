//! Rate limits on the sign-in paths and on what signed-out visitors may leave on the server,
//! per client address (an IPv6 client by its /64 network, see [`super::client`]) and per
//! account.
//!
//! Per-address limits answer 429. Per-account limits never lock the real person out: too many
//! link requests for one address only stop *new* mails (the answer stays the same, so nobody
//! learns whether the address is known), and every link already sent still works; second-factor
//! attempts are only reachable after the first factor, so an account limit there only slows
//! someone who already holds the mailbox.
//!
//! The counters live in this process's memory: with several server processes each enforces
//! its own share, which multiplies the limits by the number of processes.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota};

use super::client::limit_key;
use crate::model::AppError;

/// The limiters of one server process.
#[derive(Debug)]
pub struct Limits {
    link_request_ip: DefaultKeyedRateLimiter<IpAddr>,
    link_request_account: DefaultKeyedRateLimiter<String>,
    link_use_ip: DefaultKeyedRateLimiter<IpAddr>,
    oidc_ip: DefaultKeyedRateLimiter<IpAddr>,
    second_factor_ip: DefaultKeyedRateLimiter<IpAddr>,
    second_factor_account: DefaultKeyedRateLimiter<String>,
    visitor_state_ip: DefaultKeyedRateLimiter<IpAddr>,
}

fn quota(burst: u32, per: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(per / burst.get())
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl Default for Limits {
    fn default() -> Self {
        let hour = Duration::from_secs(3600);
        let quarter = Duration::from_secs(900);
        Self {
            link_request_ip: DefaultKeyedRateLimiter::keyed(quota(20, hour)),
            link_request_account: DefaultKeyedRateLimiter::keyed(quota(5, hour)),
            link_use_ip: DefaultKeyedRateLimiter::keyed(quota(30, quarter)),
            oidc_ip: DefaultKeyedRateLimiter::keyed(quota(30, quarter)),
            second_factor_ip: DefaultKeyedRateLimiter::keyed(quota(30, quarter)),
            second_factor_account: DefaultKeyedRateLimiter::keyed(quota(10, quarter)),
            visitor_state_ip: DefaultKeyedRateLimiter::keyed(quota(10, hour)),
        }
    }
}

fn check<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
) -> Result<(), AppError> {
    limiter.check_key(key).map_err(|_| AppError::RateLimited)
}

impl Limits {
    /// A sign-in link request from `ip`.
    pub fn link_request_from(&self, ip: IpAddr) -> Result<(), AppError> {
        check(&self.link_request_ip, &limit_key(ip))
    }

    /// Whether another mail may go to this account now (false: send nothing, answer alike).
    pub fn link_mail_allowed(&self, account: &str) -> bool {
        self.link_request_account
            .check_key(&account.to_owned())
            .is_ok()
    }

    /// An attempt to use a sign-in or invitation link from `ip`.
    pub fn link_use_from(&self, ip: IpAddr) -> Result<(), AppError> {
        check(&self.link_use_ip, &limit_key(ip))
    }

    /// An OpenID Connect start or callback from `ip`.
    pub fn oidc_from(&self, ip: IpAddr) -> Result<(), AppError> {
        check(&self.oidc_ip, &limit_key(ip))
    }

    /// A second-factor attempt from `ip` for `account`.
    pub fn second_factor(&self, ip: IpAddr, account: &str) -> Result<(), AppError> {
        check(&self.second_factor_ip, &limit_key(ip))?;
        check(&self.second_factor_account, &account.to_owned())
    }

    /// A signed-out visitor's request that would keep something in a session (typed text
    /// kept for after sign-in): at most 10 an hour per address, so sessions created by
    /// visitors stay bounded.
    pub fn visitor_state_from(&self, ip: IpAddr) -> Result<(), AppError> {
        check(&self.visitor_state_ip, &limit_key(ip))
    }

    /// Forgets counters that have fully recovered (called now and then to bound memory).
    pub fn shrink(&self) {
        self.link_request_ip.retain_recent();
        self.link_request_account.retain_recent();
        self.link_use_ip.retain_recent();
        self.oidc_ip.retain_recent();
        self.second_factor_ip.retain_recent();
        self.second_factor_account.retain_recent();
        self.visitor_state_ip.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_address_and_account() {
        let limits = Limits::default();
        let ip: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..20 {
            limits.link_request_from(ip).expect("within the limit");
        }
        assert_eq!(limits.link_request_from(ip), Err(AppError::RateLimited));
        // Another address is not affected.
        limits
            .link_request_from([10, 0, 0, 2].into())
            .expect("other address");
        for _ in 0..5 {
            assert!(limits.link_mail_allowed("acct"));
        }
        assert!(!limits.link_mail_allowed("acct"));
        assert!(limits.link_mail_allowed("other"));
        // IPv6 addresses of one /64 share one allowance.
        for i in 0..20u16 {
            let ip: IpAddr = std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 1, i, 0, 0, 1).into();
            limits.link_request_from(ip).expect("within the limit");
        }
        let rotated: IpAddr = std::net::Ipv6Addr::new(0x2001, 0xdb8, 0, 1, 99, 9, 9, 9).into();
        assert_eq!(
            limits.link_request_from(rotated),
            Err(AppError::RateLimited)
        );
    }
}
