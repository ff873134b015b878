//! Services on the cluster: a ClusterIP from the EKS service CIDR and NodePorts from
//! 30000–32767, both allocated deterministically (seeded, in manifest order, skipping what the
//! manifest asked for), and endpoints that follow the Ready pods the selector matches.
//!
//! EKS picks the service CIDR `10.100.0.0/16`, or `172.20.0.0/16` when the VPC is in 10.0.0.0/8
//! (EKSUG "Create a cluster": "Kubernetes service IP address range"); the sim's VPC is
//! 192.168.0.0/16, so `10.100.0.0/16`, with `10.100.0.1` the `kubernetes` Service.

use crate::eks::manifest::service::{NODE_PORT_MAX, NODE_PORT_MIN};
use crate::eks::objects::Service;
use rand_core::{RngCore, SeedableRng};
use rand_pcg::Pcg64;

/// What the API server filled in for one Service.
#[derive(Debug, Clone, PartialEq)]
pub struct Allocated {
    pub cluster_ip: String,
    /// One per port: the nodePort (None for ClusterIP Services).
    pub node_ports: Vec<Option<i64>>,
}

/// The default `kubernetes` Service every cluster has in `default`.
pub fn kubernetes_service() -> Service {
    Service {
        name: "kubernetes".into(),
        namespace: "default".into(),
        kind: "ClusterIP".into(),
        selector: None,
        ports: vec![crate::eks::objects::ServicePort { name: "https".into(), protocol: "TCP".into(), port: 443, target_port: 443, target_port_name: None, node_port: None }],
        cluster_ip: Some("10.100.0.1".into()),
        path: String::new(),
        external_traffic_policy: String::new(),
    }
}

pub fn allocate(services: &[Service], seed: u64) -> Vec<Allocated> {
    let mut rng = Pcg64::seed_from_u64(seed ^ 0x5e41_1ce5);
    let mut ips: Vec<String> = services.iter().filter_map(|s| s.cluster_ip.clone()).collect();
    ips.push("10.100.0.1".into());
    let mut ports: Vec<i64> = services.iter().flat_map(|s| s.ports.iter().filter_map(|p| p.node_port)).collect();
    let span = (NODE_PORT_MAX - NODE_PORT_MIN + 1) as u64;
    services
        .iter()
        .map(|s| {
            let cluster_ip = s.cluster_ip.clone().unwrap_or_else(|| {
                // Bounded: at most 65,534 addresses, far more than a manifest declares.
                for _ in 0..100_000 {
                    let n = 2 + rng.next_u64() % 65_532;
                    let ip = format!("10.100.{}.{}", n / 256, n % 256);
                    if !ips.contains(&ip) {
                        ips.push(ip.clone());
                        return ip;
                    }
                }
                "None".into()
            });
            let node_ports = s
                .ports
                .iter()
                .map(|p| {
                    if s.kind == "ClusterIP" {
                        return None;
                    }
                    p.node_port.or_else(|| {
                        for _ in 0..100_000 {
                            let n = NODE_PORT_MIN + (rng.next_u64() % span) as i64;
                            if !ports.contains(&n) {
                                ports.push(n);
                                return Some(n);
                            }
                        }
                        None
                    })
                })
                .collect();
            Allocated { cluster_ip, node_ports }
        })
        .collect()
}
