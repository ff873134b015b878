//! `maxSurge` / `maxUnavailable`: int-or-percent values resolved against the replica count
//! the way the Deployment controller does (`deployment_util.go` `ResolveFenceposts`).

/// `intstr.IntOrString` as a Deployment strategy reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOrPercent {
    Int(i64),
    Percent(i64),
}

impl IntOrPercent {
    /// `"25%"` or a bare integer string; anything else is an error message.
    pub fn parse(s: &str) -> Result<IntOrPercent, String> {
        let bad = || format!("{s:?} must be an integer or a percentage like \"25%\"");
        match s.strip_suffix('%') {
            Some(p) => p.parse::<i64>().ok().filter(|p| *p >= 0).map(IntOrPercent::Percent).ok_or_else(bad),
            None => s.parse::<i64>().ok().filter(|p| *p >= 0).map(IntOrPercent::Int).ok_or_else(bad),
        }
    }

    pub fn is_zero(self) -> bool {
        matches!(self, IntOrPercent::Int(0) | IntOrPercent::Percent(0))
    }

    /// `intstr.GetScaledValueFromIntOrPercent`: percentages round up or down as asked.
    fn scaled(self, total: i64, round_up: bool) -> i64 {
        match self {
            IntOrPercent::Int(v) => v,
            IntOrPercent::Percent(p) => {
                let n = p.saturating_mul(total);
                if round_up { (n + 99).div_euclid(100) } else { n.div_euclid(100) }
            }
        }
    }

    pub fn to_json(self) -> serde_json::Value {
        match self {
            IntOrPercent::Int(v) => v.into(),
            IntOrPercent::Percent(p) => format!("{p}%").into(),
        }
    }
}

/// `(surge, unavailable)` for `replicas`: surge rounds up, unavailable rounds down, and when
/// both come to 0 unavailable becomes 1 so a rollout can always make progress.
pub fn resolve_fenceposts(max_surge: IntOrPercent, max_unavailable: IntOrPercent, replicas: i64) -> (i64, i64) {
    let surge = max_surge.scaled(replicas, true);
    let mut unavailable = max_unavailable.scaled(replicas, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

/// `MaxUnavailable(d)`: 0 for 0 replicas, and never more than the replicas.
pub fn max_unavailable(max_surge: IntOrPercent, max_unavailable: IntOrPercent, replicas: i64) -> i64 {
    if replicas <= 0 {
        return 0;
    }
    resolve_fenceposts(max_surge, max_unavailable, replicas).1.min(replicas)
}
