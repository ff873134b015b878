//! Colours: one per service, and the meaning colours (health, status) used everywhere.

pub const BACKGROUND: &str = "#0f172a";
pub const LANE: &str = "#1e293b";
pub const LANE_TEXT: &str = "#cbd5e1";
pub const CARD: &str = "#334155";
pub const CARD_DRAINING: &str = "#4a3b1f";
pub const CARD_TEXT: &str = "#f8fafc";
pub const MUTED_TEXT: &str = "#94a3b8";
pub const CPU_BAR: &str = "#38bdf8";
pub const MEMORY_BAR: &str = "#a78bfa";
pub const BAR_TRACK: &str = "#0f172a";
pub const HEALTHY: &str = "#22c55e";
pub const INITIAL: &str = "#f59e0b";
pub const DRAINING: &str = "#94a3b8";
pub const UNHEALTHY: &str = "#ef4444";
pub const ALB: &str = "#f97316";
pub const NLB: &str = "#2dd4bf";
/// Requests travelling from a load balancer to a target.
pub const REQUEST: &str = "#fde68a";
/// Service-to-service calls resolved through Cloud Map or Service Connect.
pub const CALL: &str = "#e879f9";
pub const QUERY_MATCH: &str = "#facc15";
pub const VEIL: &str = "rgba(15,23,42,0.65)";
pub const SELECTED: &str = "#ffffff";

const SERVICE_COLOURS: &[&str] = &["#60a5fa", "#f472b6", "#34d399", "#fbbf24", "#c084fc", "#f87171", "#2dd4bf", "#a3e635"];

/// A stable colour per service (by index); standalone tasks are grey.
pub fn service(index: Option<usize>) -> &'static str {
    match index {
        Some(i) => SERVICE_COLOURS[i % SERVICE_COLOURS.len()],
        None => "#e2e8f0",
    }
}

/// `#rrggbb` with an alpha, as `rgba(r,g,b,a)`; anything else comes back unchanged.
pub fn with_alpha(hex: &str, alpha: f64) -> String {
    let channel = |i: usize| hex.get(i..i + 2).and_then(|c| u8::from_str_radix(c, 16).ok());
    match (hex.len(), channel(1), channel(3), channel(5)) {
        (7, Some(r), Some(g), Some(b)) => format!("rgba({r},{g},{b},{alpha:.2})"),
        _ => hex.to_string(),
    }
}
