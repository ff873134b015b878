//! Colours: one per service, and the meaning colours (health, state) used everywhere. Two
//! sets: the screen's, and a high-contrast one for projectors that wash colours out (darker
//! ground, brighter and more saturated marks, white text).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colours {
    pub background: &'static str,
    pub region: &'static str,
    pub vpc: &'static str,
    pub lane: &'static str,
    pub lane_text: &'static str,
    pub subnet: &'static str,
    pub card: &'static str,
    pub card_draining: &'static str,
    pub card_text: &'static str,
    pub muted_text: &'static str,
    /// The empty part of an instance's CPU × memory box.
    pub free: &'static str,
    pub memory_bar: &'static str,
    pub healthy: &'static str,
    pub initial: &'static str,
    pub draining: &'static str,
    pub unhealthy: &'static str,
    pub alb: &'static str,
    pub nlb: &'static str,
    pub request: &'static str,
    pub call: &'static str,
    pub query_match: &'static str,
    pub veil: &'static str,
    pub selected: &'static str,
    pub edge: &'static str,
    pub caption: &'static str,
    pub caption_text: &'static str,
    /// Text drawn on a service-coloured block.
    pub on_block: &'static str,
    pub services: &'static [&'static str],
}

pub const SCREEN: Colours = Colours {
    background: "#0f172a",
    region: "#475569",
    vpc: "#3b82f6",
    lane: "#172033",
    lane_text: "#cbd5e1",
    subnet: "#1e293b",
    card: "#334155",
    card_draining: "#4a3b1f",
    card_text: "#f8fafc",
    muted_text: "#94a3b8",
    free: "#1e293b",
    memory_bar: "#cbd5e1",
    healthy: "#22c55e",
    initial: "#f59e0b",
    draining: "#94a3b8",
    unhealthy: "#ef4444",
    alb: "#f97316",
    nlb: "#2dd4bf",
    request: "#fde68a",
    call: "#e879f9",
    query_match: "#facc15",
    veil: "rgba(15,23,42,0.65)",
    selected: "#ffffff",
    edge: "#273449",
    caption: "#0b1120",
    caption_text: "#fde68a",
    on_block: "#0f172a",
    services: &["#60a5fa", "#f472b6", "#34d399", "#fbbf24", "#c084fc", "#f87171", "#2dd4bf", "#a3e635"],
};

pub const HIGH_CONTRAST: Colours = Colours {
    background: "#000000",
    region: "#9ca3af",
    vpc: "#60a5fa",
    lane: "#0b0f19",
    lane_text: "#ffffff",
    subnet: "#111827",
    card: "#1f2937",
    card_draining: "#5c4000",
    card_text: "#ffffff",
    muted_text: "#e5e7eb",
    free: "#000000",
    memory_bar: "#e5e7eb",
    healthy: "#4ade80",
    initial: "#fbbf24",
    draining: "#d1d5db",
    unhealthy: "#ff5c5c",
    alb: "#ff8a3d",
    nlb: "#5eead4",
    request: "#fff3b0",
    call: "#f0abfc",
    query_match: "#fde047",
    veil: "rgba(0,0,0,0.7)",
    selected: "#ffffff",
    edge: "#1f2937",
    caption: "#000000",
    caption_text: "#fff3b0",
    on_block: "#000000",
    services: &["#7cb8ff", "#ff8ac9", "#4ef0b0", "#ffd23f", "#d7a6ff", "#ff7b7b", "#3ff0dc", "#c6f65a"],
};

impl Colours {
    pub fn for_mode(high_contrast: bool) -> &'static Colours {
        if high_contrast {
            &HIGH_CONTRAST
        } else {
            &SCREEN
        }
    }
    /// A stable colour per service (by index); standalone tasks are light grey.
    pub fn service(&self, index: Option<usize>) -> &'static str {
        match index {
            Some(i) => self.services[i % self.services.len()],
            None => "#e2e8f0",
        }
    }
}

/// The screen colour of a service (for callers outside the picture).
pub fn service(index: Option<usize>) -> &'static str {
    SCREEN.service(index)
}

/// `#rrggbb` with an alpha, as `rgba(r,g,b,a)`; anything else comes back unchanged.
pub fn with_alpha(hex: &str, alpha: f64) -> String {
    let channel = |i: usize| hex.get(i..i + 2).and_then(|c| u8::from_str_radix(c, 16).ok());
    match (hex.len(), channel(1), channel(3), channel(5)) {
        (7, Some(r), Some(g), Some(b)) => format!("rgba({r},{g},{b},{alpha:.2})"),
        _ => hex.to_string(),
    }
}
