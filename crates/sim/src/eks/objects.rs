//! The Kubernetes objects the EKS model reads, reduced to the fields that change a decision.

use crate::eks::fenceposts::IntOrPercent;
use crate::eks::selector::{LabelSelector, Labels, Requirement};

/// Requested amounts: cpu in millicores, memory and ephemeral storage in bytes, plus extended
/// resources (`nvidia.com/gpu`) by name, in whole units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resources {
    pub cpu: i64,
    pub memory: i64,
    pub ephemeral: i64,
    pub extended: Vec<(String, i64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    NoSchedule,
    PreferNoSchedule,
    NoExecute,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::NoSchedule => "NoSchedule",
            Effect::PreferNoSchedule => "PreferNoSchedule",
            Effect::NoExecute => "NoExecute",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: Effect,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Toleration {
    /// Empty key with `Exists` tolerates every taint.
    pub key: String,
    pub exists: bool,
    pub value: String,
    /// None tolerates every effect.
    pub effect: Option<Effect>,
}

impl Toleration {
    /// `v1.Toleration.ToleratesTaint`.
    pub fn tolerates(&self, t: &Taint) -> bool {
        if self.effect.is_some_and(|e| e != t.effect) {
            return false;
        }
        if !self.key.is_empty() && self.key != t.key {
            return false;
        }
        self.exists || self.value == t.value
    }
}

/// One `nodeSelectorTerms` entry: its expressions are ANDed (terms are ORed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NodeSelectorTerm {
    pub match_expressions: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PodAffinityTerm {
    /// None (absent) matches no pod, as a nil selector does.
    pub label_selector: Option<LabelSelector>,
    pub topology_key: String,
    /// Empty with no namespace selector ⇒ the pod's own namespace.
    pub namespaces: Vec<String>,
    pub namespace_selector: Option<LabelSelector>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Affinity {
    pub node_required: Option<Vec<NodeSelectorTerm>>,
    pub node_preferred: Vec<(i64, NodeSelectorTerm)>,
    pub pod_required: Vec<PodAffinityTerm>,
    pub pod_preferred: Vec<(i64, PodAffinityTerm)>,
    pub anti_required: Vec<PodAffinityTerm>,
    pub anti_preferred: Vec<(i64, PodAffinityTerm)>,
}

impl Affinity {
    pub fn has_pod_terms(&self) -> bool {
        !(self.pod_required.is_empty() && self.pod_preferred.is_empty() && self.anti_required.is_empty() && self.anti_preferred.is_empty())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SpreadConstraint {
    pub max_skew: i64,
    pub topology_key: String,
    pub do_not_schedule: bool,
    /// None (absent) matches no pod, as a nil selector does.
    pub label_selector: Option<LabelSelector>,
    pub min_domains: i64,
    pub match_label_keys: Vec<String>,
    /// nodeAffinityPolicy Honor (default) / Ignore.
    pub honor_node_affinity: bool,
    /// nodeTaintsPolicy Honor / Ignore (default).
    pub honor_taints: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HostPort {
    pub protocol: String,
    pub ip: String,
    pub port: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub requests: Resources,
    /// Whether cpu / memory requests were set at all (unset ⇒ the scheduler's non-zero defaults).
    pub has_cpu: bool,
    pub has_memory: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PodSpec {
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
    pub node_name: Option<String>,
    pub node_selector: Labels,
    pub affinity: Affinity,
    pub tolerations: Vec<Toleration>,
    pub topology_spread: Vec<SpreadConstraint>,
    pub host_ports: Vec<HostPort>,
    pub priority: i64,
    pub scheduler_name: String,
    pub overhead: Resources,
    /// The first container's `readinessProbe` (None: Ready as soon as its containers start).
    pub readiness: Option<Probe>,
    /// `terminationGracePeriodSeconds`; None ⇒ the API default, 30.
    pub termination_grace_s: Option<i64>,
    /// `serviceAccountName`; empty ⇒ the namespace's `default` ServiceAccount.
    pub service_account: String,
    /// `hostNetwork`: the pod shares the node's network (IMDS is one hop away).
    pub host_network: bool,
    /// Names of containers (and init containers) with `securityContext.privileged: true`.
    pub privileged: Vec<String>,
    /// Every container's `ports[]` (what a Service's named `targetPort` resolves against).
    pub container_ports: Vec<ContainerPort>,
    /// The template's `metadata.annotations` the node autoscalers read (`PodAnnotations::of`).
    pub node_scaler: PodAnnotations,
}

/// Pod annotations that keep a node in place (eks-semantics §4.1, §4.2). Values are strings;
/// like the controllers, only the exact values below count, any other is as if unset.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PodAnnotations {
    /// `karpenter.sh/do-not-disrupt: "true"`: Karpenter does not voluntarily disrupt its node.
    pub do_not_disrupt: bool,
    /// `cluster-autoscaler.kubernetes.io/safe-to-evict`: `"true"` / `"false"`.
    pub safe_to_evict: Option<bool>,
}

impl PodAnnotations {
    pub fn of(a: &Labels) -> PodAnnotations {
        let safe = a.get("cluster-autoscaler.kubernetes.io/safe-to-evict").and_then(|v| match v.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        });
        PodAnnotations { do_not_disrupt: a.get("karpenter.sh/do-not-disrupt").is_some_and(|v| v == "true"), safe_to_evict: safe }
    }
}

/// `containers[].ports[]`: `{name, containerPort, protocol}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerPort {
    pub name: String,
    pub container_port: i64,
    pub protocol: String,
}

impl ServicePort {
    /// The endpoints controller's `FindPort`: a number as given; a name is the first container
    /// port (containers in order) with that name and the Service port's protocol. None: this pod
    /// has no such port and is left out of this port's endpoints.
    pub fn resolve(&self, pod_ports: &[ContainerPort]) -> Option<i64> {
        match &self.target_port_name {
            None => Some(self.target_port),
            Some(n) => pod_ports.iter().find(|c| c.name == *n && c.protocol == self.protocol).map(|c| c.container_port),
        }
    }
}

/// A probe's timing (`initialDelaySeconds`, `periodSeconds`, `successThreshold`), with the API
/// defaults 0 / 10 / 1. The probe's handler is not run: in the sim every probe succeeds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probe {
    pub initial_delay_s: i64,
    pub period_s: i64,
    pub success_threshold: i64,
}

impl PodSpec {
    pub fn grace_s(&self) -> i64 {
        self.termination_grace_s.unwrap_or(30)
    }
}

/// `policy/v1` PodDisruptionBudget: exactly one of `minAvailable` / `maxUnavailable` (or neither:
/// the API accepts it and every disruption is allowed).
#[derive(Debug, Clone, PartialEq)]
pub struct PodDisruptionBudget {
    pub name: String,
    pub namespace: String,
    pub selector: LabelSelector,
    pub min_available: Option<IntOrPercent>,
    pub max_unavailable: Option<IntOrPercent>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PodTemplate {
    pub labels: Labels,
    pub spec: PodSpec,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pod {
    pub name: String,
    pub namespace: String,
    pub labels: Labels,
    pub spec: PodSpec,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    pub name: String,
    pub namespace: String,
    pub labels: Labels,
    pub replicas: i64,
    pub selector: LabelSelector,
    pub template: PodTemplate,
    pub strategy: Strategy,
}

/// `spec.strategy` and the timing fields, with the API defaults (`SetDefaults_Deployment`).
#[derive(Debug, Clone, PartialEq)]
pub struct Strategy {
    /// `Recreate` instead of `RollingUpdate`.
    pub recreate: bool,
    pub max_surge: IntOrPercent,
    pub max_unavailable: IntOrPercent,
    pub min_ready_seconds: i64,
    pub revision_history_limit: i64,
    pub progress_deadline_seconds: i64,
    /// `spec.paused`.
    pub paused: bool,
}

impl Default for Strategy {
    fn default() -> Self {
        Strategy {
            recreate: false,
            max_surge: IntOrPercent::Percent(25),
            max_unavailable: IntOrPercent::Percent(25),
            min_ready_seconds: 0,
            revision_history_limit: 10,
            progress_deadline_seconds: 600,
            paused: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Namespace {
    pub name: String,
    pub labels: Labels,
}

/// A managed (`managedNodeGroups[]`) or self-managed (`nodeGroups[]`) eksctl node group.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeGroup {
    pub name: String,
    pub managed: bool,
    pub instance_types: Vec<String>,
    pub desired: i64,
    pub min: i64,
    pub max: i64,
    pub spot: bool,
    pub labels: Labels,
    pub taints: Vec<Taint>,
    pub max_pods_per_node: Option<i64>,
    pub availability_zones: Vec<String>,
    pub volume_size_gib: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClusterConfig {
    pub name: String,
    pub region: String,
    pub availability_zones: Vec<String>,
    pub node_groups: Vec<NodeGroup>,
    /// `vpc.subnets` the nodes use (one per zone); empty ⇒ eksctl's default VPC.
    pub subnets: Vec<crate::model::Subnet>,
    /// The `vpc-cni` addon's `ENABLE_PREFIX_DELEGATION=true`: Nitro nodes take /28 prefixes.
    pub prefix_delegation: bool,
}

/// `stevedore.dev/v1` `Scenario`: what Kubernetes has no object for.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioDoc {
    pub seed: u64,
    /// RFC 3339 start of the run; default 2025-01-01T00:00:00Z.
    pub start: String,
    pub duration_s: i64,
    /// `spec.timeline[]`, sorted by time.
    pub timeline: Vec<crate::eks::manifest::timeline::TimelineEntry>,
    /// `SetPodUsage` entries of the timeline, sorted by time.
    pub pod_usage: Vec<crate::eks::manifest::pod_usage::PodUsage>,
    /// `SetPodMetric` / `SetObjectMetric` / `SetExternalMetric` entries (the HPA's custom and
    /// external metrics).
    pub metrics: crate::eks::manifest::metric_sources::MetricSources,
    /// `spec.traffic`: requests per Service and their cost (pods' cpu and memory usage).
    pub traffic: Vec<crate::eks::manifest::traffic::ServiceTraffic>,
    /// `spec.traffic.ingresses`: requests at an Ingress's ALB, routed by its rules.
    pub ingress_traffic: Vec<crate::eks::manifest::traffic::IngressTraffic>,
}

/// `v1` Service, the fields that decide its endpoints and ports.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    pub namespace: String,
    /// `ClusterIP` (default), `NodePort` or `LoadBalancer` (its load balancer is part 2).
    pub kind: String,
    /// None: no selector (endpoints are managed by hand, so the sim lists none).
    pub selector: Option<Labels>,
    pub ports: Vec<ServicePort>,
    /// `spec.clusterIP` as written (`None` allocates one).
    pub cluster_ip: Option<String>,
    /// `$[i].spec`, for errors found across documents (a nodePort taken twice).
    pub path: String,
    /// `spec.externalTrafficPolicy` (`Cluster` | `Local`; NodePort / LoadBalancer only, default
    /// `Cluster`; empty for ClusterIP).
    pub external_traffic_policy: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServicePort {
    pub name: String,
    pub protocol: String,
    pub port: i64,
    /// The container port traffic goes to (default: `port`); 0 when it is named.
    pub target_port: i64,
    /// `targetPort` given as a name: a container port's `name`, resolved per pod.
    pub target_port_name: Option<String>,
    /// Asked for in the manifest; NodePort/LoadBalancer ports without one are allocated.
    pub node_port: Option<i64>,
}
