//! The one place the app touches the sim's EKS API: a manifest in, an `EksPicture` out (plain
//! data the picture, the inspector and the test hook read). Everything decided here was
//! decided by `stevedore_sim::eks`; this file only copies it into drawable shapes.
//!
//! Time: the session keeps one `eks::engine::Engine` (explain mode on, for "Why this node?")
//! and steps it forward to the current sim second (`advance_to`); a rewind rebuilds it from the
//! start and steps to the target. The engine runs instant by instant however the calls slice
//! the clock, so the picture at second t is the same however the frames fell.

use stevedore_sim::sort::SortSmall;
use stevedore_sim::eks;
use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::{read, Manifest};
use stevedore_sim::eks::run::EksRun;
use stevedore_sim::error::{Errors, ValidationError};
use stevedore_sim::scenario::NarrativeStep;

#[path = "eks_adapter_objects.rs"]
mod objects;
#[path = "eks_adapter_lbs.rs"]
mod lbs;
#[path = "eks_adapter_history.rs"]
pub mod history;

#[derive(Debug, Clone, PartialEq)]
pub struct NodeView {
    pub name: String,
    pub zone: String,
    pub group: String,
    pub managed: bool,
    pub spot: bool,
    pub instance_type: String,
    pub internal_ip: String,
    /// Allocatable (what pods may request): cpu millicores, memory bytes, pods.
    pub cpu_m: i64,
    pub memory: i64,
    pub max_pods: i64,
    pub capacity_cpu_m: i64,
    pub capacity_memory: i64,
    /// Requests of the pods bound here.
    pub used_cpu_m: i64,
    pub used_memory: i64,
    /// Indexes into `EksPicture::pods`, in bind order.
    pub pods: Vec<usize>,
    /// `spec.unschedulable` (kubectl's STATUS `Ready,SchedulingDisabled`).
    pub cordoned: bool,
    /// A `kubectl drain` is evicting its pods.
    pub draining: bool,
    /// Tainted for removal by Cluster Autoscaler (`ToBeDeletedByClusterAutoscaler`) or
    /// Karpenter (`karpenter.sh/disrupted`): on its way out.
    pub removing: bool,
    /// A Fargate node: its pod's `CapacityProvisioned` size (`0.25vCPU 0.5GB`).
    pub fargate: Option<String>,
    /// The VPC CNI's (ENIs, IPv4 addresses per ENI) for its instance type (0, 0 on Fargate).
    pub enis: (u32, u32),
    /// When it joined Ready: its first pod's bind (aws-node and kube-proxy are bound as a node
    /// joins; a Fargate node's pod as its node is Ready); 0 for the first nodes.
    pub joined_s: i64,
}

/// A node that is on its way: launched by Cluster Autoscaler or Karpenter, or Fargate
/// provisioning one.
#[derive(Debug, Clone, PartialEq)]
pub struct LaunchView {
    pub group: String,
    pub zone: String,
    pub instance_type: String,
    /// Seconds until it joins Ready.
    pub joins_in_s: i64,
    /// Fargate: the pod's name and its `CapacityProvisioned` size.
    pub fargate: Option<(String, String)>,
    /// Karpenter: the NodeClaim's name and its offering's price (USD per hour).
    pub claim: Option<(String, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    pub name: String,
    pub image: String,
    pub cpu_m: i64,
    pub memory: i64,
}

/// A filter verdict: passed, or the plugin that said no and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub node: String,
    pub rejected: Option<(String, Vec<String>)>,
    /// (plugin, raw, normalized, weight, weighted) for every score plugin; empty when the node
    /// was not scored (rejected, or the only feasible node).
    pub scores: Vec<(String, i64, i64, i64, i64)>,
    pub total: Option<i64>,
}

/// "Why this node?" for one scheduled (or unschedulable) pod.
#[derive(Debug, Clone, PartialEq)]
pub struct Why {
    pub chosen: Option<String>,
    pub message: Option<String>,
    pub evaluated: usize,
    pub verdicts: Vec<Verdict>,
}

/// What `kubectl get pods` shows in STATUS, with the Ready condition: the four looks of a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    /// Not bound to a node (the Pending lane).
    #[default]
    Pending,
    /// Bound; the kubelet is pulling images and creating containers.
    ContainerCreating,
    /// Containers running, readiness probe not yet passed: not an endpoint.
    NotReady,
    /// Condition Ready: an endpoint of the Services that select it.
    Ready,
    /// Deleted (`metadata.deletionTimestamp` set): SIGTERM sent, out of the endpoints.
    Terminating,
    /// Bound, and a container waits for a reason the sim gives (`ErrImagePull`,
    /// `ImagePullBackOff`: `PodView::waiting`), kubectl's STATUS.
    Waiting,
}

impl Phase {
    /// kubectl's words: STATUS, and READY for a one-container pod.
    pub fn words(self) -> &'static str {
        match self {
            Phase::Pending => "Pending",
            Phase::ContainerCreating => "ContainerCreating",
            Phase::NotReady => "Running, not Ready",
            Phase::Ready => "Running, Ready",
            Phase::Terminating => "Terminating",
            Phase::Waiting => "Waiting",
        }
    }
}

/// A Kubernetes Service: its type, ClusterIP and ports as `kubectl get svc` prints them, and
/// the pods its Endpoints list as ready (unready ones are counted, not linked).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceView {
    pub name: String,
    pub namespace: String,
    pub kind: String,
    pub cluster_ip: String,
    /// `PORT(S)`: `80/TCP` or `80:30080/TCP`.
    pub ports: String,
    /// Indexes into `EksPicture::pods` of the Ready endpoints.
    pub ready: Vec<usize>,
    pub not_ready: usize,
}

/// An ALB (Ingress) or NLB (LoadBalancer Service) the AWS Load Balancer Controller made, and
/// its registered targets.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadBalancerView {
    pub name: String,
    /// `ALB` or `NLB`.
    pub kind: &'static str,
    /// `Ingress web` / `Service tcp`.
    pub owner: String,
    pub internet_facing: bool,
    pub target_type_ip: bool,
    /// Target ports (the NodePort for instance targets, the container port for ip).
    pub ports: Vec<u16>,
    pub dns: String,
    pub targets: Vec<LbTargetView>,
}

/// One registered target: a pod (ip) or a node (instance), with its health.
#[derive(Debug, Clone, PartialEq)]
pub struct LbTargetView {
    pub pod: Option<usize>,
    pub node: Option<usize>,
    /// The pod's IP or the node's instance id.
    pub id: String,
    pub port: u16,
    pub state: stevedore_sim::engine::TargetState,
}

/// One Event as `kubectl get events` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventView {
    /// LAST SEEN, as a sim second.
    pub last_s: i64,
    /// `Normal` or `Warning`.
    pub kind: &'static str,
    pub reason: String,
    /// OBJECT: `pod/web-…`, `deployment/web`, `replicaset/web-…`.
    pub object: String,
    pub message: String,
    pub count: i64,
}

/// The taints that mark a node for removal: Cluster Autoscaler's scale-down, Karpenter's
/// disruption (`eks::karpenter::DISRUPTED_TAINT`).
const REMOVAL_TAINTS: [&str; 2] = ["ToBeDeletedByClusterAutoscaler", eks::karpenter::DISRUPTED_TAINT];

/// How many of the latest Events the picture keeps.
pub const EVENTS_SHOWN: usize = 12;

#[derive(Debug, Clone, PartialEq)]
pub struct PodView {
    pub name: String,
    pub namespace: String,
    /// The Deployment that owns it, if any (its colour in the picture).
    pub deployment: Option<usize>,
    /// aws-node and kube-proxy: DaemonSet pods on the host network.
    pub system: bool,
    pub cpu_m: i64,
    pub memory: i64,
    pub node: Option<usize>,
    pub ip: Option<String>,
    pub host_ip: Option<String>,
    /// FailedScheduling text for a Pending pod.
    pub pending_reason: Option<String>,
    pub containers: Vec<Container>,
    pub node_selector: Vec<(String, String)>,
    pub tolerations: usize,
    pub why: Option<Why>,
    /// Its ReplicaSet's revision, and whether that is an older one than the Deployment's newest
    /// (a rolling update in progress).
    pub revision: Option<i64>,
    pub old: bool,
    pub phase: Phase,
    /// While `phase` is `Waiting`: why, in the sim's words, and when the kubelet tries again.
    pub waiting: Option<WaitingView>,
}

/// A container's `state.waiting` after a failed image pull, as the sim reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingView {
    /// `state.waiting.reason`: kubectl's STATUS.
    pub reason: &'static str,
    /// `state.waiting.message`: the runtime's error, then `Back-off pulling image "…"`.
    pub message: String,
    /// The kubelet's latest event for the pod (`Failed`, `BackOff`), in its words.
    pub last_event: Option<String>,
    /// The sim second of the next pull attempt (after the kubelet's image back-off).
    pub retry_s: i64,
    pub failures: u32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ZoneView {
    pub name: String,
    /// eksctl's default VPC: one private /19 per zone (from the nodes' addresses).
    pub cidr: String,
    /// Node indexes, grouped by node group (in manifest order, Fargate last), then by name.
    pub nodes: Vec<usize>,
    /// Indexes into `EksPicture::launching` of the nodes on their way to this zone.
    pub launching: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct EksPicture {
    pub cluster: String,
    pub region: String,
    pub zones: Vec<ZoneView>,
    pub nodes: Vec<NodeView>,
    pub pods: Vec<PodView>,
    /// Pending pods, indexes into `pods`.
    pub pending: Vec<usize>,
    pub deployments: Vec<String>,
    /// The manifest's Services (not the API server's own `kubernetes`).
    pub services: Vec<ServiceView>,
    /// The latest Events, oldest first (at most `EVENTS_SHOWN`).
    pub events: Vec<EventView>,
    /// The load balancer controller's ALBs and NLBs (`eks_adapter_lbs`).
    pub load_balancers: Vec<LoadBalancerView>,
    /// `1.32`: the Kubernetes minor the model pins.
    pub kubernetes: String,
    pub at_s: i64,
    /// Pods' AWS calls (`eks_identity`) and Spot nodes under notice (`eks_spot`).
    pub identity: crate::eks_identity::IdentityView,
    pub spot_notices: Vec<(String, i64)>,
    /// The scaling events of the last `objects::CAPTION_S` seconds, oldest first.
    pub scaling: Vec<EventView>,
    /// Nodes still to join, in the order they will.
    pub launching: Vec<LaunchView>,
    /// Node group names in the picture's order (manifest order, then Fargate profiles).
    pub groups: Vec<String>,
}

/// A loaded manifest and the picture at the current sim second.
pub struct EksSession {
    manifest: Manifest,
    engine: Engine,
    pub title: String,
    pub description: String,
    pub narrative: Vec<NarrativeStep>,
    pub duration_ms: u64,
    /// Timeline moments (ms), for the Step button.
    pub moments: Vec<u64>,
    pub picture: EksPicture,
    /// What the Charts tab plots, sampled up to the current second.
    pub history: history::History,
}

pub fn is_manifest(text: &str) -> bool {
    eks::is_manifest(text)
}

impl EksSession {
    /// Parses `text`; every error with its path, as the editor shows ECS errors.
    pub fn load(text: &str) -> Result<EksSession, Vec<ValidationError>> {
        let manifest = eks::manifest::parse(text)?;
        let (title, description, narrative) = app_fields(text)?;
        let duration_s = manifest.scenario.as_ref().map_or(600, |s| s.duration_s);
        let mut moments: Vec<u64> = manifest.scenario.iter().flat_map(|s| &s.timeline).map(|t| t.at_s.max(0) as u64 * 1000).collect();
        moments.extend(narrative.iter().map(|n| n.at));
        moments.sort_unstable();
        moments.dedup();
        let title = if title.is_empty() { manifest.cluster.as_ref().map_or("EKS manifest".into(), |c| format!("EKS cluster {}", c.name)) } else { title };
        let mut engine = Engine::new(&manifest, true);
        let mut history = history::History::new(&manifest);
        history.advance(&mut engine, 0);
        let picture = picture(&manifest, &engine);
        Ok(EksSession { manifest, engine, title, description, narrative, duration_ms: duration_s.max(0) as u64 * 1000, moments, picture, history })
    }

    /// The picture at sim time `t_ms`: the engine stepped forward to that second, or rebuilt
    /// and stepped from 0 when the clock went back (only when the second changes).
    pub fn at(&mut self, t_ms: u64) {
        let s = (t_ms.min(self.duration_ms) / 1000) as i64;
        if s == self.picture.at_s {
            return;
        }
        if s < self.engine.now {
            self.engine = Engine::new(&self.manifest, true);
            self.history.reset();
        }
        self.history.advance(&mut self.engine, s);
        self.picture = picture(&self.manifest, &self.engine);
    }
}

/// What the app reads from the `stevedore.dev/v1` `Scenario` document and the sim ignores:
/// `spec.title`, `spec.description` and `spec.narrative[] {at, title, text}`, checked here with
/// errors at their paths like every other key.
fn app_fields(text: &str) -> Result<(String, String, Vec<NarrativeStep>), Vec<ValidationError>> {
    let docs = eks::manifest::yaml::documents(text).map_err(|e| vec![e])?;
    let mut e = Errors::default();
    let (mut title, mut description, mut steps) = (String::new(), String::new(), Vec::new());
    for (i, doc) in docs.iter().enumerate() {
        if doc.get("kind").and_then(|k| k.as_str()) != Some("Scenario") {
            continue;
        }
        let Some((sp, spec)) = read::object(doc, "spec", &format!("$[{i}]"), &mut e) else { continue };
        title = read::string(spec, "title", &sp, &mut e).unwrap_or_default();
        description = read::string(spec, "description", &sp, &mut e).unwrap_or_default();
        for (np, n) in read::list(spec, "narrative", &sp, &mut e) {
            let at = read::string(n, "at", &np, &mut e);
            let t = read::string(n, "title", &np, &mut e);
            let x = read::string(n, "text", &np, &mut e);
            let at_ms = at.as_deref().and_then(duration_ms);
            if at.is_some() && at_ms.is_none() {
                e.push(read::key_path(&np, "at"), format!("{:?} is not a duration like 90s, 2m or 1h30m", at.clone().unwrap_or_default()));
            }
            for (key, v) in [("at", &at), ("title", &t), ("text", &x)] {
                if v.is_none() && read::field(n, key).is_none() {
                    e.push(read::key_path(&np, key), "is required");
                }
            }
            if let (Some(at), Some(title), Some(text)) = (at_ms, t, x) {
                steps.push(NarrativeStep { at, title, text });
            }
        }
    }
    steps.sort_small_by_key(|s| s.at);
    if e.is_empty() { Ok((title, description, steps)) } else { Err(e.list) }
}

/// `90s`, `2m`, `1h30m`, `0` → milliseconds.
fn duration_ms(s: &str) -> Option<u64> {
    if s == "0" {
        return Some(0);
    }
    let (mut total, mut num, mut any) = (0u64, String::new(), false);
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3_600_000,
            'm' => 60_000,
            's' => 1000,
            _ => return None,
        };
        total = total.checked_add(num.parse::<u64>().ok()?.checked_mul(unit)?)?;
        num.clear();
        any = true;
    }
    (any && num.is_empty()).then_some(total)
}

/// Copies out what is drawn from the engine's state now.
fn picture(m: &Manifest, engine: &Engine) -> EksPicture {
    let run = &EksRun::of(engine);
    let at_s = run.until_s;
    let mut groups: Vec<String> = m.cluster.iter().flat_map(|c| &c.node_groups).map(|g| g.name.clone()).collect();
    groups.extend(m.node_pools.iter().map(|np| format!("karpenter/{}", np.name)));
    let mut fargate_groups: Vec<String> = m.fargate_profiles.iter().map(|f| format!("fargate/{}", f.name)).collect();
    stevedore_sim::sort::SortSmall::sort_small(&mut fargate_groups[..]);
    groups.extend(fargate_groups);
    let draining = engine.draining_nodes();
    let size_of = |node: usize| {
        let pod = run.state.pods.iter().find(|bp| bp.node == node)?;
        let r = run.record(&pod.pod.namespace, &pod.pod.name)?;
        r.annotations.iter().find(|(k, _)| k == eks::engine::fargate_nodes::CAPACITY_ANNOTATION).map(|(_, v)| v.clone())
    };
    let nodes: Vec<NodeView> = run
        .state
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let nd = &n.node;
            let group = m.cluster.iter().flat_map(|c| &c.node_groups).find(|g| g.name == nd.node_group);
            NodeView {
                name: nd.name.clone(),
                zone: nd.zone.clone(),
                group: nd.node_group.clone(),
                managed: group.is_some_and(|g| g.managed),
                spot: group.is_some_and(|g| g.spot),
                instance_type: nd.instance_type.clone(),
                internal_ip: nd.internal_ip.clone(),
                cpu_m: nd.allocatable.cpu,
                memory: nd.allocatable.memory,
                max_pods: nd.max_pods,
                capacity_cpu_m: nd.capacity.cpu,
                capacity_memory: nd.capacity.memory,
                used_cpu_m: n.requested.cpu,
                used_memory: n.requested.memory,
                pods: Vec::new(),
                cordoned: nd.unschedulable,
                draining: draining.contains(&i),
                removing: nd.taints.iter().any(|t| t.key == REMOVAL_TAINTS[0] || t.key == REMOVAL_TAINTS[1]),
                fargate: if eks::engine::fargate_nodes::is_fargate(nd) { Some(size_of(i).unwrap_or_default()) } else { None },
                enis: if eks::engine::fargate_nodes::is_fargate(nd) { (0, 0) } else { eks::vpc_cni::eni_limits(&nd.instance_type) },
                joined_s: run.pods.iter().filter(|r| r.node == Some(i)).filter_map(|r| r.scheduled_at).min().unwrap_or(0),
            }
        })
        .collect();
    let mut p = EksPicture { cluster: m.cluster.as_ref().map_or(String::new(), |c| c.name.clone()), region: m.cluster.as_ref().map_or(String::new(), |c| c.region.clone()), nodes, deployments: m.deployments.iter().map(|d| d.name.clone()).collect(), kubernetes: kubernetes_minor(), at_s, ..EksPicture::default() };
    p.launching = engine.launching().into_iter().map(|l| LaunchView { group: l.group, zone: l.zone, instance_type: l.instance_type, joins_in_s: l.ready_at - at_s, fargate: l.fargate.map(|(pod, size)| (pod.split('/').nth(1).unwrap_or_default().to_string(), size)), claim: None }).collect();
    // Karpenter's NodeClaims whose instance is launched and not yet Ready (the engine's
    // `launching` covers node groups and Fargate only); each node's group is `karpenter/POOL`.
    for c in run.node_claims.iter().filter(|c| c.node_name.is_some() && c.ready_s.is_none() && c.deleted_s.is_none()) {
        let joins_in_s = c.created_s + eks::engine::karpenter_engine::REGISTER_S - at_s;
        p.launching.push(LaunchView { group: format!("karpenter/{}", c.pool_name), zone: c.offering.zone.clone(), instance_type: c.offering.instance_type.to_string(), joins_in_s, fargate: None, claim: Some((c.name.clone(), c.offering.usd_per_hour)) });
    }
    // Decisions name pods `namespace/name`.
    let why_of = |pod: &eks::scheduler::state::PodInfo| {
        let key = format!("{}/{}", pod.namespace, pod.name);
        run.decisions.iter().rev().find(|d| d.pod == key).map(|d| why(run, d))
    };
    let deployment_of = |pod: &eks::scheduler::state::PodInfo| {
        // `NAME-HASH-SUFFIX`: the Deployment's name is everything before the last two parts.
        pod.owner_selector.as_ref()?;
        m.deployments.iter().position(|d| d.namespace == pod.namespace && pod.name.strip_prefix(d.name.as_str()).is_some_and(|r| r.starts_with('-') && r.matches('-').count() == 2))
    };
    // Pod IPs are the engine's (from the node's subnet), as `kubectl get pods -o wide` prints them.
    let ips = crate::lookups::Lookup::new(run.pods.iter().filter_map(|r| Some(((r.info.namespace.as_str(), r.info.name.as_str()), r.ip.as_deref()?))));
    for bp in &run.state.pods {
        let n = &run.state.nodes[bp.node].node;
        let system = bp.pod.namespace == "kube-system";
        let ip = ips.get(&(bp.pod.namespace.as_str(), bp.pod.name.as_str())).map(|s| s.to_string());
        let k = p.pods.len();
        p.pods.push(pod_view(&bp.pod, deployment_of(&bp.pod), system, Some(bp.node), ip, Some(n.internal_ip.clone()), None, why_of(&bp.pod)));
        p.nodes[bp.node].pods.push(k);
    }
    for pp in &run.pending {
        p.pending.push(p.pods.len());
        // A pod a Fargate profile took waits for its own node, not for kube-scheduler.
        let on_fargate = p.launching.iter().any(|l| l.fargate.as_ref().is_some_and(|(pod, _)| *pod == pp.pod.name));
        let reason = pp.message.clone().or_else(|| Some(if on_fargate { "waiting for fargate-scheduler: its Fargate node is being provisioned".to_string() } else { format!("waiting for scheduler {:?}", pp.pod.spec.scheduler_name) }));
        p.pods.push(pod_view(&pp.pod, deployment_of(&pp.pod), false, None, None, None, reason, why_of(&pp.pod)));
    }
    // Which ReplicaSet each Deployment pod belongs to: its revision, and whether it is older.
    for q in p.pods.iter_mut() {
        let Some(r) = q.deployment.and_then(|d| run.rollouts.get(d)) else { continue };
        let newest = r.new_set().map(|s| s.hash.clone());
        if let Some(set) = r.sets.iter().find(|s| s.pods.iter().any(|sp| sp.name == q.name)) {
            q.revision = Some(set.revision);
            q.old = newest.as_deref() != Some(set.hash.as_str());
        }
    }
    objects::fill(&mut p, run);
    lbs::fill(&mut p, run);
    p.identity = crate::eks_identity::view(run, !m.aws_calls.is_empty());
    p.spot_notices = crate::eks_spot::notices(run);
    let mut zone_names: Vec<String> = m.cluster.iter().flat_map(|c| &c.availability_zones).cloned().collect();
    for z in p.nodes.iter().map(|n| &n.zone).chain(p.launching.iter().map(|l| &l.zone)) {
        if !zone_names.contains(z) {
            zone_names.push(z.clone());
        }
    }
    zone_names.sort_small();
    for z in zone_names {
        // A Fargate node leaves with its pod (as it leaves the List).
        let mut members: Vec<usize> = (0..p.nodes.len()).filter(|&i| p.nodes[i].zone == z && !run.removed_nodes.contains_key(&i) && (p.nodes[i].fargate.is_none() || !p.nodes[i].pods.is_empty())).collect();
        members.sort_small_by_key(|&i| (groups.iter().position(|g| *g == p.nodes[i].group).unwrap_or(groups.len()), p.nodes[i].name.clone()));
        // The config's own subnet for the zone (`vpc.subnets`), else eksctl's default /19 from
        // an EC2 node's address.
        let own = m.cluster.iter().flat_map(|c| &c.subnets).find(|s| s.availability_zone == z).map(|s| s.cidr.clone());
        let cidr = own.or_else(|| members.iter().find(|&&i| p.nodes[i].fargate.is_none()).or(members.first()).map(|&i| zone_cidr(&p.nodes[i].internal_ip))).unwrap_or_default();
        let launching = (0..p.launching.len()).filter(|&j| p.launching[j].zone == z).collect();
        p.zones.push(ZoneView { name: z, cidr, nodes: members, launching });
    }
    p.groups = groups;
    p
}

fn kubernetes_minor() -> String {
    eks::output::KUBELET_VERSION.trim_start_matches('v').split('.').take(2).collect::<Vec<_>>().join(".")
}

/// `192.168.101.10` → `192.168.96.0/19`: the /19 eksctl's default VPC gives the node's zone.
fn zone_cidr(ip: &str) -> String {
    let o: Vec<u32> = ip.split('.').filter_map(|x| x.parse().ok()).collect();
    match o.as_slice() {
        [a, b, c, _] => format!("{a}.{b}.{}.0/19", c - c % 32),
        _ => String::new(),
    }
}

#[allow(clippy::too_many_arguments)]
fn pod_view(pod: &eks::scheduler::state::PodInfo, deployment: Option<usize>, system: bool, node: Option<usize>, ip: Option<String>, host_ip: Option<String>, pending_reason: Option<String>, why: Option<Why>) -> PodView {
    PodView {
        name: pod.name.clone(),
        namespace: pod.namespace.clone(),
        deployment,
        system,
        cpu_m: pod.requests.cpu,
        memory: pod.requests.memory,
        node,
        ip,
        host_ip,
        pending_reason,
        containers: pod.spec.containers.iter().map(|c| Container { name: c.name.clone(), image: c.image.clone(), cpu_m: c.requests.cpu, memory: c.requests.memory }).collect(),
        node_selector: pod.spec.node_selector.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        tolerations: pod.spec.tolerations.len(),
        why,
        revision: None,
        old: false,
        phase: Phase::Pending,
        waiting: None,
    }
}

fn why(run: &eks::run::EksRun, d: &eks::scheduler::decision::Decision) -> Why {
    let name = |i: usize| run.state.nodes.get(i).map_or(String::new(), |n| n.node.name.clone());
    let verdicts = d
        .verdicts
        .iter()
        .map(|v| {
            let score = d.scores.iter().find(|s| s.node == v.node);
            Verdict {
                node: name(v.node),
                rejected: v.rejected.as_ref().map(|r| (r.plugin.to_string(), r.reasons.iter().map(|x| x.to_string()).collect())),
                scores: score.map(|s| s.plugins.iter().map(|p| (p.plugin.to_string(), p.raw, p.normalized, p.weight, p.weighted)).collect()).unwrap_or_default(),
                total: score.map(|s| s.total),
            }
        })
        .collect();
    Why { chosen: d.node.map(name), message: d.message.clone(), evaluated: d.evaluated, verdicts }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LESSON: &str = include_str!("../../../www/eks-scenarios/eks-same-web-app.yaml");

    #[test]
    fn the_lesson_loads_with_its_narrative_and_draws_nodes_in_every_zone() {
        let mut s = EksSession::load(LESSON).unwrap();
        assert!(s.narrative.len() >= 4, "{:?}", s.narrative);
        s.at(30_000);
        let p = &s.picture;
        assert_eq!(p.zones.len(), 3);
        assert!(p.zones.iter().all(|z| !z.nodes.is_empty() && z.cidr.ends_with("/19")), "{:?}", p.zones);
        // Every node runs aws-node and kube-proxy, on the node's own IP (host network).
        for n in &p.nodes {
            let sys: Vec<&PodView> = n.pods.iter().map(|&k| &p.pods[k]).filter(|q| q.system).collect();
            assert_eq!(sys.len(), 2, "{}", n.name);
            assert!(sys.iter().all(|q| q.ip.as_deref() == Some(n.internal_ip.as_str())));
        }
        let web: Vec<&PodView> = p.pods.iter().filter(|q| q.deployment.is_some() && q.node.is_some()).collect();
        assert!(!web.is_empty());
        // Application pods get their own address, not the node's, and a "why" with every node.
        for q in web {
            assert_ne!(q.ip, q.host_ip);
            let why = q.why.as_ref().unwrap();
            assert_eq!(why.verdicts.len(), p.nodes.len());
            assert_eq!(why.chosen.as_deref(), Some(p.nodes[q.node.unwrap()].name.as_str()));
        }
    }

    #[test]
    fn pending_pods_carry_the_failed_scheduling_message() {
        let mut s = EksSession::load(LESSON).unwrap();
        s.at(s.duration_ms);
        let p = &s.picture;
        assert!(!p.pending.is_empty(), "the lesson ends with pods that do not fit");
        for &k in &p.pending {
            let r = p.pods[k].pending_reason.as_deref().unwrap();
            assert!(r.starts_with(&format!("0/{} nodes are available: ", p.nodes.len())), "{r}");
        }
    }

    #[test]
    fn app_keys_are_checked_at_their_paths() {
        let bad = "apiVersion: stevedore.dev/v1\nkind: Scenario\nmetadata: {name: x}\nspec:\n  narrative:\n    - {at: soon, title: A, text: B}\n    - {at: 1m}\n";
        let errors = EksSession::load(bad).err().unwrap();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert!(paths.contains(&"$[0].spec.narrative[0].at"), "{errors:?}");
        assert!(paths.contains(&"$[0].spec.narrative[1].title") && paths.contains(&"$[0].spec.narrative[1].text"), "{errors:?}");
        assert_eq!(duration_ms("1h30m"), Some(5_400_000));
        assert_eq!(duration_ms("90"), None);
    }

    #[test]
    fn a_rolling_update_shows_old_replica_set_pods_until_it_is_done() {
        let mut s = EksSession::load(LESSON).unwrap();
        let old_at = |s: &mut EksSession, t: u64| {
            s.at(t);
            s.picture.pods.iter().filter(|q| q.old).count()
        };
        assert_eq!(old_at(&mut s, 230_000), 0, "before set image, one ReplicaSet");
        assert!((240..260).any(|t| old_at(&mut s, t * 1000) > 0), "mid update, old pods remain");
        assert_eq!(old_at(&mut s, 330_000), 0, "done");
        assert!(s.picture.pods.iter().filter(|q| q.deployment.is_some()).all(|q| q.revision == Some(2)));
    }

    #[test]
    fn the_picture_only_changes_when_the_second_does() {
        let mut s = EksSession::load(LESSON).unwrap();
        s.at(10_400);
        let before = s.picture.clone();
        s.at(10_900);
        assert_eq!(s.picture, before);
        assert_eq!(zone_cidr("192.168.101.10"), "192.168.96.0/19");
    }

    #[test]
    fn stepping_the_engine_draws_what_a_direct_run_to_that_second_does() {
        let direct = |t: u64| {
            let mut s = EksSession::load(LESSON).unwrap();
            s.at(t);
            s.picture
        };
        // Frames falling unevenly forward, then a rewind, then forward again.
        let mut s = EksSession::load(LESSON).unwrap();
        let mut frames: Vec<u64> = (0..480).map(|k| k * 1013 % 481_000).collect();
        frames.sort_unstable();
        let checks = [0u64, 7_000, 125_000, 245_000, 363_000, 480_000];
        for t in frames {
            s.at(t);
            if let Some(&c) = checks.iter().find(|&&c| c / 1000 == t / 1000) {
                assert_eq!(s.picture, direct(c), "stepped to {t} ms");
            }
        }
        for &t in checks.iter().rev() {
            s.at(t);
            assert_eq!(s.picture, direct(t), "rewound to {t} ms");
        }
    }

    #[test]
    fn the_service_links_only_ready_pods_and_new_pods_pass_through_the_phases() {
        let mut s = EksSession::load(LESSON).unwrap();
        let mut seen = Vec::new();
        for t in (118..=140).chain(240..=300) {
            s.at(t * 1000);
            let p = &s.picture;
            let svc = p.services.iter().find(|v| v.name == "web").expect("the lesson's Service");
            assert_eq!((svc.kind.as_str(), svc.ports.as_str()), ("NodePort", "80:30080/TCP"));
            assert!(svc.cluster_ip.starts_with("10.100."), "{}", svc.cluster_ip);
            let web: Vec<&PodView> = p.pods.iter().filter(|q| q.deployment.is_some() && q.node.is_some()).collect();
            let ready: Vec<usize> = (0..p.pods.len()).filter(|&k| p.pods[k].deployment.is_some() && p.pods[k].phase == Phase::Ready).collect();
            assert_eq!(svc.ready, ready, "at {t} s the endpoints are exactly the Ready pods");
            assert_eq!(svc.not_ready, web.len() - ready.len());
            seen.extend(web.iter().map(|q| q.phase));
        }
        for phase in [Phase::ContainerCreating, Phase::NotReady, Phase::Ready, Phase::Terminating] {
            assert!(seen.contains(&phase), "{phase:?} never seen");
        }
    }

    #[test]
    fn the_event_log_has_kubectls_reasons_latest_last() {
        let mut s = EksSession::load(LESSON).unwrap();
        s.at(125_000);
        let reasons: Vec<&str> = s.picture.events.iter().map(|e| e.reason.as_str()).collect();
        assert!(reasons.contains(&"ScalingReplicaSet") && reasons.contains(&"Scheduled"), "{reasons:?}");
        let scaled = s.picture.events.iter().find(|e| e.reason == "ScalingReplicaSet").unwrap();
        assert_eq!(scaled.object, "deployment/web");
        assert!(scaled.message.starts_with("Scaled up replica set web-") && scaled.message.ends_with(" from 3 to 6"), "{}", scaled.message);
        assert!(s.picture.events.windows(2).all(|w| w[0].last_s <= w[1].last_s));
        assert!(s.picture.events.len() <= EVENTS_SHOWN);
        s.at(480_000);
        let failed = s.picture.events.iter().find(|e| e.reason == "FailedScheduling").expect("the pod that does not fit");
        assert_eq!(failed.kind, "Warning");
        assert!(failed.message.starts_with("0/3 nodes are available: 3 Insufficient cpu."), "{}", failed.message);
    }
}
