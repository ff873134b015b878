//! Load balancer capacity units from the traffic the sim models.
//!
//! An ALB LCU is 25 new connections per second, 3,000 active connections per minute, 1 GB per
//! hour processed (EC2, container and IP targets) or 1,000 rule evaluations per second; an NLB
//! NLCU (TCP) is 800 new flows per second, 100,000 active flows or 1 GB per hour. Each hour is
//! billed at the largest of its dimensions (aws.amazon.com/elasticloadbalancing/pricing/).
//!
//! The sim models requests per target group per minute (the ALB's RequestCount, the NLB's
//! NewFlowCount), nothing below that, so the dimensions are derived with these ASSUMPTIONS:
//! - new connections: one per request (clients that do not reuse connections: the dearest case);
//! - active connections: each connection lasts `CONNECTION_S` seconds, so the connections open
//!   at once are the new-connection rate × that duration;
//! - processed bytes: `BYTES_PER_REQUEST` per request, request and response together;
//! - rule evaluations: 0, because scenarios give listeners only default actions and the first
//!   10 rules processed are free.

pub const BYTES_PER_REQUEST: f64 = 10_000.0;
pub const CONNECTION_S: f64 = 1.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balancer {
    Application,
    Network,
}

/// Capacity units for one billed hour that carried `requests`, and the dimension that set them.
pub fn capacity_units(kind: Balancer, requests: f64) -> (f64, &'static str) {
    let new_per_s = requests / 3600.0;
    let active = new_per_s * CONNECTION_S;
    let gb = requests * BYTES_PER_REQUEST / 1e9;
    let (new_per_unit, active_per_unit) = match kind {
        Balancer::Application => (25.0, 3000.0),
        Balancer::Network => (800.0, 100_000.0),
    };
    let dims = [(new_per_s / new_per_unit, "new connections"), (active / active_per_unit, "active connections"), (gb, "processed bytes")];
    dims.into_iter().fold((0.0, "new connections"), |best, d| if d.0 > best.0 { d } else { best })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_dimension_sets_the_units() {
        // 100 requests/s for an hour: 4 LCU of new connections (100 / 25), 3.6 GB processed.
        let (lcu, dim) = capacity_units(Balancer::Application, 100.0 * 3600.0);
        assert!((lcu - 4.0).abs() < 1e-9, "{lcu}");
        assert_eq!(dim, "new connections");
        // The same flows on an NLB: 3.6 GB processed beats 100/800 new flows.
        let (nlcu, dim) = capacity_units(Balancer::Network, 100.0 * 3600.0);
        assert!((nlcu - 3.6).abs() < 1e-9, "{nlcu}");
        assert_eq!(dim, "processed bytes");
        assert_eq!(capacity_units(Balancer::Application, 0.0).0, 0.0);
    }
}
