//! Amazon EKS on Fargate (eks-semantics §6; EKS user guide fargate-profile.html and
//! fargate-pod-configuration.html): which profile takes a pod, the size Fargate provisions for
//! it, the `CapacityProvisioned` annotation, and what cannot run there.

use crate::eks::nodes::Node;
use crate::eks::objects::{Effect, PodSpec, Resources, Taint};
use crate::eks::selector::Labels;

/// The label that forces one profile, and the one EKS puts on a matched pod.
pub const PROFILE_LABEL: &str = "eks.amazonaws.com/fargate-profile";
/// Every Fargate node carries this label and a NoSchedule taint with it.
pub const COMPUTE_TYPE_LABEL: &str = "eks.amazonaws.com/compute-type";
/// At most five selectors per profile.
pub const MAX_SELECTORS: usize = 5;
/// Memory Fargate adds to every pod for kubelet, kube-proxy and containerd.
pub const OVERHEAD_MIB: i64 = 256;

/// `fargateProfiles[]` (eksctl) / `CreateFargateProfile`.
#[derive(Debug, Clone, PartialEq)]
pub struct FargateProfile {
    pub name: String,
    pub selectors: Vec<ProfileSelector>,
    pub subnets: Vec<String>,
    pub pod_execution_role_arn: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProfileSelector {
    /// May hold `*` (any run of characters) and `?` (one character).
    pub namespace: String,
    /// Every label must match; keys and values may hold wildcards.
    pub labels: Labels,
}

/// `*` matches any run (also empty), `?` exactly one character. Iterative with backtracking
/// to the last `*`, so it is linear-ish and never recurses.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

impl ProfileSelector {
    pub fn matches(&self, namespace: &str, labels: &Labels) -> bool {
        wildcard_match(&self.namespace, namespace)
            && self.labels.iter().all(|(k, v)| labels.iter().any(|(lk, lv)| wildcard_match(k, lk) && wildcard_match(v, lv)))
    }
}

impl FargateProfile {
    pub fn matches(&self, namespace: &str, labels: &Labels) -> bool {
        self.selectors.iter().any(|s| s.matches(namespace, labels))
    }
}

/// The profile that takes a new pod: the one named by its `eks.amazonaws.com/fargate-profile`
/// label (if that profile matches it), else the alphanumerically first matching profile name.
/// None: the pod goes to the default scheduler (EC2 nodes), or stays Pending if there are none.
pub fn select_profile<'a>(profiles: &'a [FargateProfile], namespace: &str, labels: &Labels) -> Option<&'a FargateProfile> {
    if let Some(forced) = labels.get(PROFILE_LABEL) {
        return profiles.iter().find(|p| &p.name == forced && p.matches(namespace, labels));
    }
    profiles.iter().filter(|p| p.matches(namespace, labels)).min_by(|a, b| a.name.cmp(&b.name))
}

/// A supported vCPU value (in millicores) with its memory choices (MiB).
const COMBINATIONS: &[(i64, &[i64])] = &[
    (250, &[512, 1024, 2048]),
    (500, &[1024, 2048, 3072, 4096]),
    (1000, &[2048, 3072, 4096, 5120, 6144, 7168, 8192]),
];

/// Rows given as a range (GiB from, to, step).
const RANGES: &[(i64, i64, i64, i64)] = &[(2000, 4, 16, 1), (4000, 8, 30, 1), (8000, 16, 60, 4), (16000, 32, 120, 8)];

fn rows() -> impl Iterator<Item = (i64, Vec<i64>)> {
    COMBINATIONS
        .iter()
        .map(|(c, m)| (*c, m.to_vec()))
        .chain(RANGES.iter().map(|&(c, from, to, step)| (c, (from..=to).step_by(step as usize).map(|g| g * 1024).collect())))
}

/// What Fargate provisions for one pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FargateSize {
    pub cpu_m: i64,
    pub memory_mib: i64,
}

impl FargateSize {
    /// The `CapacityProvisioned` annotation value, e.g. `0.25vCPU 0.5GB`, `2vCPU 9GB`.
    pub fn annotation(self) -> String {
        format!("{}vCPU {}GB", decimal(self.cpu_m, 1000), decimal(self.memory_mib, 1024))
    }
    pub fn vcpu(self) -> f64 {
        self.cpu_m as f64 / 1000.0
    }
    pub fn memory_gb(self) -> f64 {
        self.memory_mib as f64 / 1024.0
    }
}

/// `n / unit` printed without trailing zeros (0.25, 0.5, 2).
fn decimal(n: i64, unit: i64) -> String {
    let whole = n / unit;
    let frac = n % unit;
    if frac == 0 {
        return whole.to_string();
    }
    let s = format!("{:.3}", frac as f64 / unit as f64);
    format!("{whole}{}", s.trim_start_matches('0').trim_end_matches('0'))
}

/// The pod's request as Fargate counts it: max(Σ app containers, max init container) per
/// resource (cpu m, memory bytes).
pub fn pod_request(spec: &PodSpec) -> (i64, i64) {
    let sum = |f: fn(&Resources) -> i64| spec.containers.iter().map(|c| f(&c.requests)).sum::<i64>();
    let init = |f: fn(&Resources) -> i64| spec.init_containers.iter().map(|c| f(&c.requests)).max().unwrap_or(0);
    (sum(|r| r.cpu).max(init(|r| r.cpu)), sum(|r| r.memory).max(init(|r| r.memory)))
}

/// Rounds a request up to the smallest supported combination: the smallest vCPU row that
/// holds the cpu, then its smallest memory that holds request + 256 MiB; when that row's
/// memory is too small, the next row. None: more than 16 vCPU / 120 GB.
/// Units: "GB" in the table is taken as GiB and 256 MB as MiB (eks-semantics §6.2, unverified).
pub fn size(cpu_m: i64, memory_bytes: i64) -> Option<FargateSize> {
    let need_mib = (memory_bytes + (1 << 20) - 1) / (1 << 20) + OVERHEAD_MIB;
    rows().filter(|(c, _)| *c >= cpu_m).find_map(|(c, mems)| mems.into_iter().find(|m| *m >= need_mib).map(|m| FargateSize { cpu_m: c, memory_mib: m }))
}

/// Why a pod cannot run on Fargate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsupported {
    DaemonSet,
    Privileged(String),
    HostPort(i64),
    HostNetwork,
    Gpu(String),
    Arm64,
    Windows,
    TooLarge,
}

impl Unsupported {
    /// Our wording (EKS emits no single documented message); each names the user-guide rule.
    pub fn message(&self) -> String {
        match self {
            Unsupported::DaemonSet => "DaemonSets aren't supported on Fargate".into(),
            Unsupported::Privileged(c) => format!("container {c} is privileged; privileged containers aren't supported on Fargate"),
            Unsupported::HostPort(p) => format!("hostPort {p}: HostPort and HostNetwork aren't supported on Fargate"),
            Unsupported::HostNetwork => "hostNetwork: HostPort and HostNetwork aren't supported on Fargate".into(),
            Unsupported::Gpu(r) => format!("{r}: GPUs aren't available on Fargate"),
            Unsupported::Arm64 => "kubernetes.io/arch arm64: Arm processors aren't supported on EKS Fargate".into(),
            Unsupported::Windows => "kubernetes.io/os windows: Windows containers aren't supported on EKS Fargate".into(),
            Unsupported::TooLarge => "the pod requests more than 16 vCPU / 120 GB, the largest Fargate size".into(),
        }
    }
}

/// What the pod spec model does not hold, told by the engine.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodFacts {
    pub owned_by_daemonset: bool,
    pub host_network: bool,
    /// Names of containers with `securityContext.privileged: true`.
    pub privileged: Vec<String>,
}

/// Every reason the pod cannot run on Fargate (empty: it can).
pub fn unsupported(spec: &PodSpec, facts: &PodFacts) -> Vec<Unsupported> {
    let mut out = Vec::new();
    if facts.owned_by_daemonset {
        out.push(Unsupported::DaemonSet);
    }
    out.extend(facts.privileged.iter().cloned().map(Unsupported::Privileged));
    out.extend(spec.host_ports.iter().map(|h| Unsupported::HostPort(h.port)));
    if facts.host_network {
        out.push(Unsupported::HostNetwork);
    }
    for c in spec.containers.iter().chain(&spec.init_containers) {
        for (r, v) in &c.requests.extended {
            if *v > 0 && (r.ends_with("/gpu") || r.contains("neuron")) && !out.contains(&Unsupported::Gpu(r.clone())) {
                out.push(Unsupported::Gpu(r.clone()));
            }
        }
    }
    if spec.node_selector.get("kubernetes.io/arch").is_some_and(|a| a == "arm64") {
        out.push(Unsupported::Arm64);
    }
    if spec.node_selector.get("kubernetes.io/os").is_some_and(|a| a == "windows") {
        out.push(Unsupported::Windows);
    }
    let (cpu, mem) = pod_request(spec);
    if size(cpu, mem).is_none() {
        out.push(Unsupported::TooLarge);
    }
    out
}

/// The node one Fargate pod runs on: named after its IP, `eks.amazonaws.com/compute-type:
/// fargate` with the matching NoSchedule taint, and sized as provisioned. Its allocatable is
/// the provisioned size less the 256 MiB the Fargate agents keep, and it holds one pod.
pub fn node(ip: &str, region: &str, zone: &str, profile: &str, size: FargateSize) -> Node {
    let domain = if region == "us-east-1" { "ec2.internal".to_string() } else { format!("{region}.compute.internal") };
    let name = format!("fargate-ip-{}.{domain}", ip.replace('.', "-"));
    let mut labels = Labels::new();
    for (k, v) in [
        ("kubernetes.io/hostname", name.as_str()),
        ("kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("topology.kubernetes.io/region", region),
        ("topology.kubernetes.io/zone", zone),
        (COMPUTE_TYPE_LABEL, "fargate"),
        (PROFILE_LABEL, profile),
    ] {
        labels.insert(k.into(), v.into());
    }
    let mib = 1024 * 1024;
    let capacity = Resources { cpu: size.cpu_m, memory: size.memory_mib * mib, ephemeral: 20 * 1024 * mib, extended: Vec::new() };
    let allocatable = Resources { memory: (size.memory_mib - OVERHEAD_MIB) * mib, ..capacity.clone() };
    Node {
        name,
        labels,
        taints: vec![Taint { key: COMPUTE_TYPE_LABEL.into(), value: "fargate".into(), effect: Effect::NoSchedule }],
        unschedulable: false,
        instance_type: String::new(),
        zone: zone.into(),
        node_group: format!("fargate/{profile}"),
        internal_ip: ip.into(),
        capacity,
        allocatable,
        max_pods: 1,
    }
}

/// The Linux/x86 On-Demand price per hour of a size (no Fargate Spot on EKS).
pub fn usd_per_hour(size: FargateSize) -> f64 {
    let r = crate::cost::prices::fargate(false, false, false);
    size.vcpu() * r.usd_per_vcpu_hour + size.memory_gb() * r.usd_per_gb_hour
}
