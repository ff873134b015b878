//! What EKS costs, as pure functions for the EKS report to call: the control plane per
//! cluster-hour, and Fargate pods priced at the Fargate configuration a pod is given.
//!
//! Sources (stored copies searched 2026-12-01):
//! - Control plane: $0.10 per cluster per hour in standard support, $0.60 in extended support
//!   ("HAQM EKS clusters running on a Kubernetes version in the extended support window will be
//!   charged a total of $0.60 per cluster per hour ... standard support is unchanged — you will
//!   continue to pay $0.10", AWS Containers blog, "Amazon EKS extended support for Kubernetes
//!   versions pricing"). A cluster is charged extended support only while its version is in
//!   the extended window, not for having the upgrade policy set
//!   (<https://docs.aws.amazon.com/eks/latest/userguide/enable-extended-support.html>).
//!   UNVERIFIED: the granularity. Stevedore prorates the hourly price per second with no
//!   minimum; no stored AWS page says how a partial cluster-hour is billed.
//! - Fargate pods: <https://docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html>
//!   (the size rule, `fargate_pod_size`), billed like ECS tasks: per second from the image pull
//!   to the pod's end, one-minute minimum, Linux/x86 rates ("Windows Operating System and ARM
//!   CPU Architecture are currently only available for Amazon ECS",
//!   <https://aws.amazon.com/fargate/pricing/>). Fargate Spot is ECS-only too.

use super::billing::{self, FargateSize, Usage};
use super::prices;

pub const CLUSTER_USD_PER_HOUR_STANDARD: f64 = 0.10;
pub const CLUSTER_USD_PER_HOUR_EXTENDED: f64 = 0.60;

/// The control plane's charge for a cluster that existed from `start_ms` to `end_ms`, whose
/// Kubernetes version entered extended support at `extended_from_ms` (if it did): one usage line
/// per support tier it spent time in.
pub fn control_plane_charge(start_ms: u64, end_ms: u64, extended_from_ms: Option<u64>) -> Vec<Usage> {
    let end = end_ms.max(start_ms);
    let switch = extended_from_ms.map_or(end, |t| t.clamp(start_ms, end));
    let hours = |a: u64, b: u64| (b - a).div_ceil(1000) as f64 / 3600.0;
    let mut out = Vec::new();
    if switch > start_ms || extended_from_ms.is_none() {
        out.push(billing::usage("control plane, standard support", hours(start_ms, switch), "cluster-hours", CLUSTER_USD_PER_HOUR_STANDARD));
    }
    if end > switch {
        out.push(billing::usage("control plane, extended support", hours(switch, end), "cluster-hours", CLUSTER_USD_PER_HOUR_EXTENDED));
    }
    out
}

/// A container's CPU (millicores) and memory (MiB) requests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requests {
    pub cpu_millis: u32,
    pub memory_mib: u32,
}

/// Memory Fargate adds to every pod for the kubelet, kube-proxy and containerd.
pub const KUBERNETES_COMPONENTS_MIB: u32 = 256;

/// vCPU (millicores) and the memory sizes (GiB: first, last, step) Fargate offers with it.
const CONFIGURATIONS: &[(u32, u32, u32, u32)] = &[(250, 0, 0, 0), (500, 1, 4, 1), (1000, 2, 8, 1), (2000, 4, 16, 1), (4000, 8, 30, 1), (8000, 16, 60, 4), (16000, 32, 120, 8)];

/// The Fargate configuration a pod is given, per AWS: the larger of the largest init container
/// request and the sum of the long-running containers' requests (CPU and memory each), plus
/// 256 MiB of memory, rounded up to the smallest listed vCPU/memory combination that holds both.
/// A pod asking for nothing gets the smallest (0.25 vCPU, 0.5 GB). `None`: larger than any.
pub fn fargate_pod_size(init: &[Requests], containers: &[Requests]) -> Option<FargateSize> {
    let max_init = |f: fn(&Requests) -> u32| init.iter().map(f).max().unwrap_or(0);
    let sum = |f: fn(&Requests) -> u32| containers.iter().map(f).fold(0u32, u32::saturating_add);
    let cpu = max_init(|r| r.cpu_millis).max(sum(|r| r.cpu_millis));
    let memory = max_init(|r| r.memory_mib).max(sum(|r| r.memory_mib)).saturating_add(KUBERNETES_COMPONENTS_MIB);
    for &(vcpu_m, first, last, step) in CONFIGURATIONS {
        if cpu > vcpu_m {
            continue;
        }
        // 0.25 vCPU offers 0.5, 1 and 2 GB.
        let sizes_mib: Vec<u32> = if vcpu_m == 250 { vec![512, 1024, 2048] } else { (first..=last).step_by(step as usize).map(|g| g * 1024).collect() };
        if let Some(&m) = sizes_mib.iter().find(|&&m| m >= memory) {
            return Some(FargateSize { vcpu: vcpu_m as f64 / 1000.0, memory_gb: m as f64 / 1024.0, storage_gb: prices::FARGATE_FREE_STORAGE_GIB as f64 });
        }
    }
    None
}

/// A Fargate pod's charge from the image pull (`start_ms`) to its end: Linux/x86 On-Demand rates,
/// per second, one-minute minimum.
pub fn fargate_pod_charge(size: FargateSize, start_ms: u64, end_ms: u64) -> (u64, Vec<Usage>) {
    billing::fargate_charge(&prices::FARGATE_LINUX_X86, size, start_ms, end_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: u64 = 3_600_000;

    fn usd(lines: &[Usage]) -> f64 {
        lines.iter().map(|u| u.usd).sum()
    }

    #[test]
    fn control_plane_per_cluster_hour_by_support_tier() {
        // $0.10 per cluster-hour in standard support: $73 for a 730-hour month.
        assert_eq!(format!("{:.2}", usd(&control_plane_charge(0, 730 * HOUR, None))), "73.00");
        // Extended support: a total of $0.60 per cluster-hour, so 6 × standard.
        let ext = control_plane_charge(0, 24 * HOUR, Some(0));
        assert_eq!(ext.len(), 1);
        assert_eq!(ext[0].dimension, "control plane, extended support");
        assert!((usd(&ext) - 14.4).abs() < 1e-9);
        // Ten hours standard, then the version leaves standard support: 10 × 0.10 + 14 × 0.60.
        let both = control_plane_charge(0, 24 * HOUR, Some(10 * HOUR));
        assert_eq!(both.iter().map(|u| u.quantity).collect::<Vec<_>>(), [10.0, 14.0]);
        assert!((usd(&both) - 9.4).abs() < 1e-9);
        // A switch after the end leaves it all standard; per-second proration.
        assert!((usd(&control_plane_charge(0, HOUR / 2, Some(5 * HOUR))) - 0.05).abs() < 1e-12);
        assert_eq!(usd(&control_plane_charge(5, 5, None)), 0.0);
    }

    fn r(cpu_millis: u32, memory_mib: u32) -> Requests {
        Requests { cpu_millis, memory_mib }
    }

    fn size(init: &[Requests], containers: &[Requests]) -> (f64, f64) {
        let s = fargate_pod_size(init, containers).unwrap();
        (s.vcpu, s.memory_gb)
    }

    #[test]
    fn pod_sizes_follow_awss_rounding() {
        // AWS's example: 1 vCPU and 8 GB requested, plus 256 MB, and no 1 vCPU/9 GB exists:
        // the pod gets 2 vCPU and 9 GB.
        assert_eq!(size(&[], &[r(1000, 8192)]), (2.0, 9.0));
        // Nothing requested: the smallest combination.
        assert_eq!(size(&[], &[]), (0.25, 0.5));
        assert_eq!(size(&[], &[r(0, 0)]), (0.25, 0.5));
        // Long-running containers add up; 256 MB pushes 1 GB to 2 GB at 0.25 vCPU.
        assert_eq!(size(&[], &[r(100, 512), r(100, 512)]), (0.25, 2.0));
        // The larger of the biggest init container and the long-running sum, per resource.
        assert_eq!(size(&[r(1500, 1024), r(200, 6000)], &[r(250, 1024)]), (2.0, 7.0));
        // 8 vCPU memory comes in 4 GB steps; 16 vCPU in 8 GB steps.
        assert_eq!(size(&[], &[r(6000, 20_000)]), (8.0, 20.0));
        assert_eq!(size(&[], &[r(12_000, 33 * 1024)]), (16.0, 40.0));
        // Too big for any Fargate configuration.
        assert!(fargate_pod_size(&[], &[r(17_000, 1024)]).is_none());
        assert!(fargate_pod_size(&[], &[r(16_000, 120 * 1024)]).is_none(), "120 GB + 256 MB");
    }

    #[test]
    fn fargate_pods_bill_like_ecs_tasks_at_linux_x86_rates() {
        let s = fargate_pod_size(&[], &[r(1000, 8192)]).unwrap();
        let (secs, lines) = fargate_pod_charge(s, 0, 20_000);
        assert_eq!(secs, 60, "one-minute minimum");
        let (_, lines_h) = fargate_pod_charge(s, 0, HOUR);
        assert!((usd(&lines_h) - (2.0 * 0.04048 + 9.0 * 0.004445)).abs() < 1e-12);
        assert!(usd(&lines) < usd(&lines_h));
    }
}
