//! ARNs, and resolving the names-or-ARNs users write wherever AWS takes an ARN.

/// Builds deterministic ARNs for one scenario (account 123456789012, the documentation's).
#[derive(Debug, Clone)]
pub struct Arns {
    pub region: String,
    pub account: String,
    pub cluster: String,
}

impl Arns {
    pub fn new(region: &str, cluster: &str) -> Arns {
        Arns { region: region.into(), account: "123456789012".into(), cluster: cluster.into() }
    }
    fn ecs(&self, rest: &str) -> String {
        format!("arn:aws:ecs:{}:{}:{rest}", self.region, self.account)
    }
    pub fn cluster_arn(&self) -> String {
        self.ecs(&format!("cluster/{}", self.cluster))
    }
    pub fn task_definition(&self, family: &str, revision: u32) -> String {
        self.ecs(&format!("task-definition/{family}:{revision}"))
    }
    pub fn service(&self, name: &str) -> String {
        self.ecs(&format!("service/{}/{name}", self.cluster))
    }
    pub fn task(&self, id: &str) -> String {
        self.ecs(&format!("task/{}/{id}", self.cluster))
    }
    pub fn container_instance(&self, id: &str) -> String {
        self.ecs(&format!("container-instance/{}/{id}", self.cluster))
    }
    pub fn target_group(&self, name: &str) -> String {
        format!("arn:aws:elasticloadbalancing:{}:{}:targetgroup/{name}/{}", self.region, self.account, hex_id(name, 16))
    }
    pub fn load_balancer(&self, name: &str, network: bool) -> String {
        let kind = if network { "net" } else { "app" };
        format!("arn:aws:elasticloadbalancing:{}:{}:loadbalancer/{kind}/{name}/{}", self.region, self.account, hex_id(name, 16))
    }
}

/// A stable hex id derived from a name (FNV-1a, then mixed), so ARNs are the same on every run.
pub fn hex_id(seed: &str, len: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(len.next_multiple_of(16));
    let mut round = 0u64;
    while out.len() < len {
        let h = round_hash(seed, round);
        // `{h:016x}` without the formatter: loading 5,000 instances makes 10,000 of these.
        for shift in (0..16).rev() {
            out.push(HEX[(h >> (shift * 4)) as usize & 15] as char);
        }
        round += 1;
    }
    out.truncate(len);
    out
}

/// Round `round`'s 64 bits of `hex_id`: FNV-1a of the seed, then splitmix64's finaliser, so
/// similar names give unrelated ids.
fn round_hash(seed: &str, round: u64) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325 ^ round;
    for b in seed.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d049bb133111eb);
    h ^ (h >> 31)
}

/// The last path segment of an ARN (`.../service/cluster/web` → `web`), or the text itself.
pub fn name_of(reference: &str) -> &str {
    if reference.starts_with("arn:") {
        reference.rsplit('/').next().unwrap_or(reference)
    } else {
        reference
    }
}

/// `family`, `family:3`, or a task-definition ARN → `(family, Some(revision))`.
pub fn task_definition_ref(reference: &str) -> (String, Option<u32>) {
    let tail = if reference.starts_with("arn:") {
        reference.rsplit_once("task-definition/").map_or(reference, |(_, t)| t)
    } else {
        reference
    };
    match tail.rsplit_once(':') {
        Some((family, rev)) if rev.parse::<u32>().is_ok() => (family.to_string(), rev.parse().ok()),
        _ => (tail.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(task_definition_ref("web"), ("web".into(), None));
        assert_eq!(task_definition_ref("web:3"), ("web".into(), Some(3)));
        assert_eq!(task_definition_ref("arn:aws:ecs:us-east-1:123456789012:task-definition/web:7"), ("web".into(), Some(7)));
        assert_eq!(name_of("arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/web-tg/abc"), "abc");
        assert_eq!(name_of("web-tg"), "web-tg");
        let arns = Arns::new("eu-west-1", "prod");
        assert_eq!(arns.service("web"), "arn:aws:ecs:eu-west-1:123456789012:service/prod/web");
        assert_eq!(hex_id("x", 32).len(), 32);
        assert_eq!(hex_id("x", 32), hex_id("x", 32));
    }

    /// The ids are in users' saved reports and links: the hand-written hex must give what
    /// `{:016x}` gave, digit for digit, at every length.
    #[test]
    fn hex_ids_are_the_formatted_hashes() {
        fn by_format(seed: &str, len: usize) -> String {
            let mut out: String = (0..len.div_ceil(16) as u64).map(|round| format!("{:016x}", round_hash(seed, round))).collect();
            out.truncate(len);
            out
        }
        for seed in ["", "x", "prod/ci/0", "subnet7", "a much longer seed than sixteen bytes"] {
            for len in [1, 8, 15, 16, 17, 32, 33] {
                assert_eq!(hex_id(seed, len), by_format(seed, len), "{seed:?} at {len}");
            }
        }
    }
}
