//! What the scheduler sees: nodes with the pods bound to them (the scheduler cache).
//! Pods with the same namespace and labels share a "label set" id, so a selector is matched
//! once per set per cycle rather than once per pod — the hot loops count by set.

use crate::eks::nodes::Node;
use crate::eks::objects::{HostPort, PodSpec, Resources};
use crate::eks::selector::{LabelSelector, Labels};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Scheduler defaults for a container with no request (K8S pkg/scheduler/util/non_zero.go).
pub const DEFAULT_MILLI_CPU: i64 = 100;
pub const DEFAULT_MEMORY: i64 = 200 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct PodInfo {
    pub name: String,
    pub namespace: String,
    pub labels: Labels,
    pub spec: Arc<PodSpec>,
    /// Effective request: max(Σ containers, max init) + overhead (fit.go computePodResourceRequest).
    pub requests: Resources,
    /// The same with the non-zero defaults, for LeastAllocated.
    pub nonzero_cpu: i64,
    pub nonzero_memory: i64,
    /// Selector of the controller that owns the pod (its ReplicaSet): the system default
    /// topology spreading selects by it. None for a bare Pod.
    pub owner_selector: Option<LabelSelector>,
}

impl PodInfo {
    pub fn new(name: String, namespace: String, labels: Labels, spec: Arc<PodSpec>, owner_selector: Option<LabelSelector>) -> PodInfo {
        let mut sum = Resources::default();
        let (mut nz_cpu, mut nz_mem) = (0, 0);
        for c in &spec.containers {
            add(&mut sum, &c.requests);
            nz_cpu += if c.has_cpu { c.requests.cpu } else { DEFAULT_MILLI_CPU };
            nz_mem += if c.has_memory { c.requests.memory } else { DEFAULT_MEMORY };
        }
        for c in &spec.init_containers {
            sum.cpu = sum.cpu.max(c.requests.cpu);
            sum.memory = sum.memory.max(c.requests.memory);
            sum.ephemeral = sum.ephemeral.max(c.requests.ephemeral);
            for (n, v) in &c.requests.extended {
                match sum.extended.iter_mut().find(|(m, _)| m == n) {
                    Some(x) => x.1 = x.1.max(*v),
                    None => sum.extended.push((n.clone(), *v)),
                }
            }
            nz_cpu = nz_cpu.max(if c.has_cpu { c.requests.cpu } else { DEFAULT_MILLI_CPU });
            nz_mem = nz_mem.max(if c.has_memory { c.requests.memory } else { DEFAULT_MEMORY });
        }
        add(&mut sum, &spec.overhead);
        PodInfo {
            name,
            namespace,
            labels,
            nonzero_cpu: nz_cpu + spec.overhead.cpu,
            nonzero_memory: nz_mem + spec.overhead.memory,
            requests: sum,
            spec,
            owner_selector,
        }
    }

    /// Whether every filter and score plugin sees the two pods alike: the same namespace,
    /// labels, owner and spec (pods of one template; the name is the only difference).
    pub fn schedules_like(&self, other: &PodInfo) -> bool {
        self.namespace == other.namespace
            && self.labels == other.labels
            && self.owner_selector == other.owner_selector
            && (Arc::ptr_eq(&self.spec, &other.spec) || self.spec == other.spec)
    }

    pub fn best_effort(&self) -> bool {
        self.requests.cpu == 0 && self.requests.memory == 0
    }
}

/// FNV-1a of namespace, a separator and name (a filter before the exact comparison).
fn name_key(namespace: &str, name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in namespace.bytes().chain([0u8]).chain(name.bytes()) {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn sub(from: &mut Resources, r: &Resources) {
    from.cpu -= r.cpu;
    from.memory -= r.memory;
    from.ephemeral -= r.ephemeral;
    for (n, v) in &r.extended {
        if let Some(x) = from.extended.iter_mut().find(|(m, _)| m == n) {
            x.1 -= v;
        }
    }
}

fn add(into: &mut Resources, r: &Resources) {
    into.cpu += r.cpu;
    into.memory += r.memory;
    into.ephemeral += r.ephemeral;
    for (n, v) in &r.extended {
        match into.extended.iter_mut().find(|(m, _)| m == n) {
            Some(x) => x.1 += v,
            None => into.extended.push((n.clone(), *v)),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NodeInfo {
    pub node: Node,
    pub requested: Resources,
    pub nonzero_cpu: i64,
    pub nonzero_memory: i64,
    pub pod_count: i64,
    /// (label set id, pods of that set on this node), few entries.
    pub sets: Vec<(u32, u32)>,
    pub ports: Vec<HostPort>,
}

#[derive(Debug, Clone)]
pub struct BoundPod {
    pub pod: PodInfo,
    pub node: usize,
    pub set: u32,
}

#[derive(Debug, Clone, Default)]
pub struct ClusterState {
    pub nodes: Vec<NodeInfo>,
    /// Boxed: `unbind` removes from the middle, and moving a pointer per later pod is much
    /// cheaper than moving a whole `PodInfo` (that memmove was a visible share of a day).
    pub pods: Vec<Box<BoundPod>>,
    /// `name_key` of each bound pod, parallel to `pods`: `unbind` scans these words instead
    /// of comparing thousands of names.
    pod_keys: Vec<u64>,
    /// Each bound pod's node, parallel to `pods`: scans by node (CA's scale-down, a node's
    /// removal) read these words instead of following every pod's box.
    pod_nodes: Vec<usize>,
    /// (namespace, labels) of each label set.
    pub sets: Vec<(String, Labels)>,
    set_ids: BTreeMap<(String, Labels), u32>,
    /// `sets`' length at which `compact_sets_some` next looks.
    next_set_gc: usize,
    /// Bound pods that carry pod (anti-)affinity terms, for the symmetric checks.
    pub affinity_pods: Vec<usize>,
    /// Namespace labels, for `namespaceSelector`.
    pub namespaces: BTreeMap<String, Labels>,
    /// Per well-known topology key, each node's domain as a small id (None: label absent), so
    /// spreading counts index vectors instead of comparing label strings in the hot loop.
    topology: BTreeMap<String, Vec<Option<u32>>>,
    /// (namespace, selector) of every Service with a selector: they feed PodTopologySpread's
    /// system default constraints (`helper.DefaultSelector`).
    pub service_selectors: Vec<(String, Labels)>,
    /// Per zone domain id: (label set, bound pods) over all its nodes, so spreading by zone
    /// reads a zone's count without walking its nodes.
    zone_sets: Vec<Vec<(u32, u32)>>,
}

/// Keys whose domain ids are built once with the nodes.
const INDEXED_KEYS: &[&str] = &["kubernetes.io/hostname", ZONE_KEY];
const ZONE_KEY: &str = "topology.kubernetes.io/zone";

impl ClusterState {
    /// `helper.DefaultSelector`: the labels of every Service in the pod's namespace that
    /// selects it, merged, AND its controlling ReplicaSet's selector. None when both are empty
    /// (a bare Pod no Service selects gets no default spreading).
    pub fn default_selector(&self, pod: &PodInfo) -> Option<LabelSelector> {
        let mut sel = pod.owner_selector.clone().unwrap_or_default();
        for (ns, s) in &self.service_selectors {
            if *ns == pod.namespace && !s.is_empty() && s.iter().all(|(k, v)| pod.labels.get(k) == Some(v)) {
                sel.match_labels.extend(s.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        (!sel.match_labels.is_empty() || !sel.match_expressions.is_empty()).then_some(sel)
    }

    pub fn new(nodes: Vec<Node>) -> ClusterState {
        let nodes = nodes
            .into_iter()
            .map(|node| NodeInfo { node, requested: Resources::default(), nonzero_cpu: 0, nonzero_memory: 0, pod_count: 0, sets: Vec::new(), ports: Vec::new() })
            .collect();
        let mut s = ClusterState { nodes, ..ClusterState::default() };
        for key in INDEXED_KEYS {
            let ids = s.compute_domains(key);
            s.topology.insert(key.to_string(), ids);
        }
        s.rebuild_zone_sets();
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            s.add_namespace(ns, Labels::new());
        }
        s
    }

    /// A node joining the cluster mid-run (a Fargate node, a scaled-up group's node): only its
    /// own topology ids are worked out (renumbering every node's, and recounting every pod by
    /// zone, was a twentieth of a busy day).
    pub fn add_node(&mut self, node: Node) -> usize {
        self.nodes.push(NodeInfo { node, requested: Resources::default(), nonzero_cpu: 0, nonzero_memory: 0, pod_count: 0, sets: Vec::new(), ports: Vec::new() });
        let last = self.nodes.len() - 1;
        for key in INDEXED_KEYS {
            let id = self.new_domain_id(key, last);
            self.topology.entry(key.to_string()).or_default().push(id);
        }
        // A new node has no pods: its zone's counts stand; a new zone id needs its (empty) list.
        if let Some(Some(z)) = self.topology.get(ZONE_KEY).and_then(|ids| ids.last()) {
            if self.zone_sets.len() <= *z as usize {
                self.zone_sets.resize(*z as usize + 1, Vec::new());
            }
        }
        last
    }

    /// The domain id for `key` of node `last`, just pushed: that of an earlier node with the same
    /// value, else the lowest id no node holds. Ids are only compared and used as indices, never
    /// ordered, so they need not be numbered as `compute_domains` would number them; reusing
    /// the lowest free one keeps them below the most nodes the cluster has held at once, and so
    /// every table sized by them, over endless churn. A free zone id's counts are all zero: its pods unbound with its nodes.
    fn new_domain_id(&self, key: &str, last: usize) -> Option<u32> {
        let v = self.nodes[last].node.labels.get(key)?;
        let ids = self.topology.get(key).map_or(&[][..], |ids| ids.as_slice());
        let same = self.nodes[..last].iter().zip(ids).find(|(n, id)| id.is_some() && n.node.labels.get(key) == Some(v));
        if let Some((_, id)) = same {
            return *id;
        }
        let mut used = vec![false; ids.len() + 1];
        for &id in ids.iter().flatten() {
            if let Some(u) = used.get_mut(id as usize) {
                *u = true;
            }
        }
        used.iter().position(|u| !u).map(|k| k as u32)
    }

    /// A node leaving the cluster (scaled down, its instance terminated). Pods still bound
    /// there are forgotten with it; later nodes move down one index and bound pods follow, so
    /// every index stays dense (O(nodes + pods), once per removal).
    pub fn remove_node(&mut self, i: usize) -> Node {
        let here: Vec<(String, String)> = (0..self.pods.len()).filter(|&k| self.pod_nodes[k] == i).map(|k| (self.pods[k].pod.namespace.clone(), self.pods[k].pod.name.clone())).collect();
        for (ns, name) in here {
            self.unbind(&ns, &name);
        }
        let gone = self.nodes.remove(i);
        for (p, n) in self.pods.iter_mut().zip(self.pod_nodes.iter_mut()) {
            if *n > i {
                *n -= 1;
                p.node -= 1;
            }
        }
        // The others keep their domain ids (an id may go unused: no node, so no feasible one).
        for ids in self.topology.values_mut() {
            if i < ids.len() {
                ids.remove(i);
            }
        }
        gone.node
    }

    fn zone_of(&self, node: usize) -> Option<u32> {
        self.topology.get(ZONE_KEY).and_then(|ids| ids.get(node).copied().flatten())
    }

    fn rebuild_zone_sets(&mut self) {
        let width = self.topology.get(ZONE_KEY).map_or(0, |ids| ids.iter().flatten().max().map_or(0, |m| *m as usize + 1));
        self.zone_sets = vec![Vec::new(); width];
        for k in 0..self.pods.len() {
            let (node, set) = (self.pods[k].node, self.pods[k].set);
            self.zone_add(node, set, 1);
        }
    }

    fn zone_add(&mut self, node: usize, set: u32, delta: i32) {
        let Some(z) = self.zone_of(node) else { return };
        let Some(list) = self.zone_sets.get_mut(z as usize) else { return };
        match list.iter_mut().find(|(s, _)| *s == set) {
            Some(x) => x.1 = (x.1 as i32 + delta).max(0) as u32,
            None if delta > 0 => list.push((set, delta as u32)),
            None => {}
        }
    }

    /// Pods in zone domain `zone` (all its nodes) whose label set is marked in `matching`.
    pub fn count_in_zone(&self, zone: u32, matching: &[bool]) -> i64 {
        self.zone_sets.get(zone as usize).map_or(0, |l| l.iter().filter(|(s, _)| matching.get(*s as usize).copied().unwrap_or(false)).map(|(_, c)| *c as i64).sum())
    }

    /// Every namespace carries `kubernetes.io/metadata.name` (set by the API server).
    pub fn add_namespace(&mut self, name: &str, mut labels: Labels) {
        labels.insert("kubernetes.io/metadata.name".into(), name.into());
        self.namespaces.insert(name.into(), labels);
    }

    fn compute_domains(&self, key: &str) -> Vec<Option<u32>> {
        let mut values: BTreeMap<&str, u32> = BTreeMap::new();
        self.nodes
            .iter()
            .map(|n| {
                let v = n.node.labels.get(key)?;
                let next = values.len() as u32;
                Some(*values.entry(v.as_str()).or_insert(next))
            })
            .collect()
    }

    /// Each node's domain id for `key` (precomputed for hostname and zone).
    pub fn domains(&self, key: &str) -> std::borrow::Cow<'_, [Option<u32>]> {
        match self.topology.get(key) {
            Some(ids) => std::borrow::Cow::Borrowed(ids.as_slice()),
            None => std::borrow::Cow::Owned(self.compute_domains(key)),
        }
    }

    pub fn set_id(&mut self, namespace: &str, labels: &Labels) -> u32 {
        let key = (namespace.to_string(), labels.clone());
        if let Some(id) = self.set_ids.get(&key) {
            return *id;
        }
        let id = self.sets.len() as u32;
        self.sets.push(key.clone());
        self.set_ids.insert(key, id);
        id
    }

    /// Forgets label sets no bound pod has (each Job's pods have their own `job-name`, so a
    /// CronJob makes a set a minute) once `sets` has doubled since the last look: ids are
    /// renumbered in order (only counts are ever taken over them).
    pub fn compact_sets_some(&mut self) {
        if self.sets.len() < self.next_set_gc {
            return;
        }
        let mut used = vec![false; self.sets.len()];
        self.pods.iter().for_each(|p| used[p.set as usize] = true);
        let mut to = vec![u32::MAX; self.sets.len()];
        let mut kept = 0u32;
        for (k, u) in used.iter().enumerate() {
            if *u {
                to[k] = kept;
                kept += 1;
            }
        }
        if (kept as usize) < self.sets.len() {
            let mut k = 0;
            self.sets.retain(|_| {
                k += 1;
                used[k - 1]
            });
            self.set_ids = self.sets.iter().cloned().zip(0..).collect();
            self.pods.iter_mut().for_each(|p| p.set = to[p.set as usize]);
            for n in &mut self.nodes {
                n.sets.retain(|(s, c)| *c > 0 && used[*s as usize]);
                n.sets.iter_mut().for_each(|(s, _)| *s = to[*s as usize]);
            }
            self.rebuild_zone_sets();
        }
        self.next_set_gc = (2 * self.sets.len()).max(256);
    }

    /// Records the pod on the node (the scheduler cache's "assume").
    pub fn bind(&mut self, pod: PodInfo, node: usize) {
        let set = self.set_id(&pod.namespace, &pod.labels);
        let n = &mut self.nodes[node];
        add(&mut n.requested, &pod.requests);
        n.nonzero_cpu += pod.nonzero_cpu;
        n.nonzero_memory += pod.nonzero_memory;
        n.pod_count += 1;
        match n.sets.iter_mut().find(|(s, _)| *s == set) {
            Some(x) => x.1 += 1,
            None => n.sets.push((set, 1)),
        }
        n.ports.extend(pod.spec.host_ports.iter().cloned());
        if pod.spec.affinity.has_pod_terms() {
            self.affinity_pods.push(self.pods.len());
        }
        self.pod_keys.push(name_key(&pod.namespace, &pod.name));
        self.pod_nodes.push(node);
        self.pods.push(Box::new(BoundPod { pod, node, set }));
        self.zone_add(node, set, 1);
    }

    /// Where the bound pod is in `pods`: a plain scan of the key words, the names compared
    /// only where a key matches.
    fn bound_index(&self, namespace: &str, name: &str) -> Option<usize> {
        let key = name_key(namespace, name);
        let mut from = 0;
        loop {
            let i = from + self.pod_keys[from..].iter().position(|&k| k == key)?;
            if self.pods[i].pod.name == name && self.pods[i].pod.namespace == namespace {
                return Some(i);
            }
            from = i + 1;
        }
    }

    /// Forgets a bound pod (it terminated): its requests, ports and label-set count leave the
    /// node. False when no such pod is bound.
    pub fn unbind(&mut self, namespace: &str, name: &str) -> bool {
        let Some(i) = self.bound_index(namespace, name) else { return false };
        self.pod_keys.remove(i);
        self.pod_nodes.remove(i);
        let bp = self.pods.remove(i);
        self.zone_add(bp.node, bp.set, -1);
        let n = &mut self.nodes[bp.node];
        sub(&mut n.requested, &bp.pod.requests);
        n.nonzero_cpu -= bp.pod.nonzero_cpu;
        n.nonzero_memory -= bp.pod.nonzero_memory;
        n.pod_count -= 1;
        if let Some(k) = n.sets.iter().position(|(s, _)| *s == bp.set) {
            n.sets[k].1 -= 1;
            if n.sets[k].1 == 0 {
                n.sets.remove(k);
            }
        }
        for hp in &bp.pod.spec.host_ports {
            if let Some(k) = n.ports.iter().position(|x| x == hp) {
                n.ports.remove(k);
            }
        }
        self.affinity_pods.retain(|x| *x != i);
        for x in &mut self.affinity_pods {
            if *x > i {
                *x -= 1;
            }
        }
        true
    }

    /// For each label set: does it fall in `namespaces` and match `selector`?
    pub fn matching_sets(&self, selector: &LabelSelector, namespaces: &dyn Fn(&str) -> bool) -> Vec<bool> {
        self.sets.iter().map(|(ns, labels)| namespaces(ns) && selector.matches(labels)).collect()
    }

    /// Each bound pod's node, parallel to `pods`.
    pub fn pod_nodes(&self) -> &[usize] {
        &self.pod_nodes
    }

    /// Pods on `node` whose label set is marked in `matching`.
    pub fn count_on(&self, node: usize, matching: &[bool]) -> i64 {
        self.nodes[node].sets.iter().filter(|(s, _)| matching.get(*s as usize).copied().unwrap_or(false)).map(|(_, c)| *c as i64).sum()
    }
}
