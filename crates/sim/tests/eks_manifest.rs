//! EKS manifest input: YAML streams and JSON arrays, errors at their paths, never a panic.

use stevedore_sim::eks::manifest::parse;

const CLUSTER: &str = r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata:
  name: shop
  region: us-west-2
availabilityZones: [us-west-2a, us-west-2b, us-west-2c]
managedNodeGroups:
  - name: general
    instanceType: m5.large
    desiredCapacity: 3
    minSize: 1
    maxSize: 5
    labels: {role: general}
  - name: gpu
    instanceTypes: [g4dn.xlarge]
    desiredCapacity: 1
    spot: true
    taints:
      - {key: nvidia.com/gpu, value: "true", effect: NoSchedule}
    maxPodsPerNode: 20
"#;

/// A `kubectl get deploy -o yaml` paste: status, managedFields, annotations, resourceVersion.
const DEPLOY_PASTE: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    deployment.kubernetes.io/revision: "1"
  creationTimestamp: "2025-03-01T10:00:00Z"
  generation: 1
  managedFields:
  - apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1:
      f:spec:
        f:replicas: {}
    manager: kubectl-client-side-apply
    operation: Update
  name: web
  namespace: default
  resourceVersion: "12345"
  uid: 0b6f7c1e-1111-2222-3333-444455556666
spec:
  progressDeadlineSeconds: 600
  replicas: 3
  revisionHistoryLimit: 10
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
    type: RollingUpdate
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - image: nginx:1.27
        imagePullPolicy: IfNotPresent
        name: web
        ports:
        - containerPort: 80
          protocol: TCP
        resources:
          requests:
            cpu: 250m
            memory: 128974848
          limits:
            cpu: "1.5"
            memory: 1Gi
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      terminationGracePeriodSeconds: 30
status:
  availableReplicas: 3
  conditions:
  - type: Available
    status: "True"
  observedGeneration: 1
  readyReplicas: 3
  replicas: 3
"#;

#[test]
fn reads_a_cluster_config_and_a_real_deployment_paste() {
    let text = format!("{CLUSTER}\n---\n{DEPLOY_PASTE}\n---\n");
    let m = parse(&text).expect("valid");
    let c = m.cluster.unwrap();
    assert_eq!((c.name.as_str(), c.region.as_str()), ("shop", "us-west-2"));
    assert_eq!(c.node_groups.len(), 2);
    let g = &c.node_groups[0];
    assert_eq!((g.desired, g.min, g.max, g.managed), (3, 1, 5, true));
    assert_eq!(g.labels["role"], "general");
    let gpu = &c.node_groups[1];
    assert!(gpu.spot);
    assert_eq!(gpu.max_pods_per_node, Some(20));
    assert_eq!(gpu.taints[0].key, "nvidia.com/gpu");
    let d = &m.deployments[0];
    assert_eq!((d.name.as_str(), d.replicas), ("web", 3));
    let r = &d.template.spec.containers[0].requests;
    assert_eq!((r.cpu, r.memory), (250, 128_974_848));
}

#[test]
fn json_array_works_like_yaml() {
    let json = r#"[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
        "spec":{"containers":[{"name":"c","image":"i","resources":{"requests":{"cpu":1.5,"memory":"1Gi"}}}]}}]"#;
    let m = parse(json).unwrap();
    assert_eq!(m.pods[0].spec.containers[0].requests.cpu, 1500);
    assert_eq!(m.pods[0].spec.containers[0].requests.memory, 1 << 30);
    assert_eq!(m.pods[0].namespace, "default");
}

#[test]
fn limits_only_become_requests() {
    let y = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources: {limits: {cpu: 500m, memory: 256Mi}}\n";
    let c = &parse(y).unwrap().pods[0].spec.containers[0];
    assert_eq!((c.requests.cpu, c.requests.memory, c.has_cpu), (500, 256 << 20, true));
}

#[test]
fn every_error_at_its_path_at_once() {
    let y = r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: c, region: us-west-2}
managedNodeGroups: [{name: g, instanceType: m5.huge}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: s}
---
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: i}]
  tolerations: [{key: a, operator: Maybe}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  replicas: three
  selector: {matchLabels: {app: d}, matchExpressions: [{key: tier, operator: Like, values: [x]}]}
  template:
    metadata: {labels: {app: d}}
    spec:
      containers:
      - name: c
        resources: {requests: {cpu: 1GB, memory: 1GB}}
"#;
    let errs = parse(y).unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    for want in [
        "$[0].managedNodeGroups[0].instanceType",
        "$[1].kind",
        "$[2].spec.tolerations[0].operator",
        "$[3].spec.replicas",
        "$[3].spec.selector.matchExpressions[0].operator",
        "$[3].spec.template.spec.containers[0].resources.requests.cpu",
        "$[3].spec.template.spec.containers[0].resources.requests.memory",
    ] {
        assert!(paths.contains(&want), "missing {want} in {paths:?}");
    }
    let cpu = errs.iter().find(|e| e.path.ends_with("requests.cpu")).unwrap();
    assert!(cpu.message.contains("\"1GB\"") && cpu.message.contains("Kubernetes quantity"), "{}", cpu.message);
    let kind = errs.iter().find(|e| e.path == "$[1].kind").unwrap();
    assert!(kind.message.contains("networking.k8s.io/v1 NetworkPolicy is not a kind"), "{}", kind.message);
}

#[test]
fn tabs_in_indentation_are_named() {
    let y = "apiVersion: v1\nkind: Pod\nmetadata:\n\tname: p\n";
    let e = parse(y).unwrap_err();
    assert!(e[0].message.contains("line 4") && e[0].message.contains("tab"), "{}", e[0].message);
}

#[test]
fn alias_bomb_is_capped() {
    let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        y.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    let e = parse(&y).unwrap_err();
    assert!(e[0].message.contains("anchors and aliases are capped"), "{}", e[0].message);
    // A modest, legitimate use of anchors still works.
    let ok = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: &l {app: x}}\nspec:\n  nodeSelector: *l\n  containers: [{name: c}]\n";
    assert_eq!(parse(ok).unwrap().pods[0].spec.node_selector["app"], "x");
}

#[test]
fn syntax_errors_and_odd_documents_do_not_panic() {
    for text in ["", "---\n---\n", "[1, 2]", "{", "a: [", "- 1\n- 2\n", "apiVersion: v1\nkind: Pod\n", "key: : :", "[{\"kind\": 3}]", "\u{feff}apiVersion: v1"] {
        let _ = parse(text);
    }
    assert!(parse("a: [").unwrap_err()[0].message.contains("YAML syntax error"));
    assert!(parse("- 1\n").unwrap_err()[0].message.contains("must be an object"));
    let dup = parse("apiVersion: v1\nkind: Pod\nkind: Pod\n").unwrap_err();
    assert!(dup[0].message.contains("line 3") && dup[0].message.contains("\"kind\" appears twice"), "{}", dup[0].message);
}

#[test]
fn scenario_document() {
    let y = "apiVersion: stevedore.dev/v1\nkind: Scenario\nmetadata: {name: s}\nspec: {seed: 7, start: \"2025-06-01T09:00:00Z\", duration: 10m}\n";
    let s = parse(y).unwrap().scenario.unwrap();
    assert_eq!((s.seed, s.duration_s), (7, 600));
    let bad = parse("apiVersion: stevedore.dev/v1\nkind: Scenario\nspec: {duration: soon}\n").unwrap_err();
    assert_eq!(bad[0].path, "$[0].spec.duration");
}

#[test]
fn affinity_tolerations_spread_and_host_ports() {
    let y = r#"
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: a}}
spec:
  containers: [{name: c, ports: [{containerPort: 80, hostPort: 8080}]}]
  nodeSelector: {kubernetes.io/arch: arm64}
  tolerations: [{operator: Exists}]
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms: [{matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [us-west-2a]}]}]
      preferredDuringSchedulingIgnoredDuringExecution:
      - {weight: 50, preference: {matchExpressions: [{key: role, operator: Exists}]}}
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - {labelSelector: {matchLabels: {app: a}}, topologyKey: kubernetes.io/hostname}
  topologySpreadConstraints:
  - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: a}}}
"#;
    let p = &parse(y).unwrap().pods[0];
    assert_eq!(p.spec.host_ports[0].port, 8080);
    assert_eq!(p.spec.affinity.node_preferred[0].0, 50);
    assert_eq!(p.spec.affinity.anti_required[0].topology_key, "kubernetes.io/hostname");
    assert!(p.spec.topology_spread[0].do_not_schedule);
    let bad = y.replace("maxSkew: 1", "maxSkew: 0").replace("weight: 50", "weight: 500");
    let paths: Vec<String> = parse(&bad).unwrap_err().into_iter().map(|e| e.path).collect();
    assert!(paths.contains(&"$[0].spec.topologySpreadConstraints[0].maxSkew".to_string()), "{paths:?}");
    assert!(paths.contains(&"$[0].spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight".to_string()), "{paths:?}");
}

/// `kubectl get deploy -o yaml` with no name prints a `v1` `List` (status, managedFields and
/// all); `kubectl apply -f` takes its items, and so does the simulator, errors under `items[j]`.
#[test]
fn a_kubectl_list_paste_is_read_item_by_item() {
    let list = "apiVersion: v1\nkind: List\nmetadata: {resourceVersion: \"\"}\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n    namespace: default\n    resourceVersion: \"1234\"\n    managedFields: [{manager: kubectl-client-side-apply, operation: Update, fieldsType: FieldsV1}]\n  spec:\n    replicas: 2\n    selector: {matchLabels: {app: web}}\n    template:\n      metadata: {creationTimestamp: null, labels: {app: web}}\n      spec:\n        containers: [{name: nginx, image: nginx, resources: {}, terminationMessagePolicy: File}]\n        restartPolicy: Always\n  status: {availableReplicas: 2, replicas: 2}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: web}\n  spec: {selector: {app: web}, ports: [{port: 80}]}\n";
    let m = parse(list).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((m.deployments.len(), m.deployments[0].replicas, m.services.len()), (1, 2, 1));
    let bad = parse(&list.replace("replicas: 2\n    selector", "replicas: two\n    selector")).unwrap_err();
    assert!(bad.iter().any(|e| e.path == "$[0].items[0].spec.replicas"), "{bad:?}");
    let bad = parse("apiVersion: v1\nkind: List\nitems: [3]\n").unwrap_err();
    assert_eq!(bad[0].path, "$[0].items[0]");
}

/// What a new user writes: `1GB`, a misspelt kind, an old apiVersion — each error says what to
/// write instead.
#[test]
fn common_mistakes_get_a_hint() {
    let pod = |mem: &str| format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec: {{containers: [{{name: c, resources: {{requests: {{memory: {mem}}}}}}}]}}\n");
    let msg = |text: &str| parse(text).unwrap_err().iter().map(|e| format!("{}: {}", e.path, e.message)).collect::<Vec<_>>().join("\n");
    assert!(msg(&pod("1GB")).contains("quantities have no \"B\": write 1G (powers of 10) or 1Gi (powers of 2)"), "{}", msg(&pod("1GB")));
    assert!(msg(&pod("512MiB")).contains("write 512Mi"));
    assert!(msg(&pod("500kB")).contains("write 500k (powers of 10) or 500Ki"));
    assert!(!msg(&pod("lots")).contains("no \"B\""));
    let kind = |api: &str, k: &str| msg(&format!("apiVersion: {api}\nkind: {k}\nmetadata: {{name: x}}\n"));
    assert!(kind("apps/v1", "Deploymnet").contains("$[0].kind: apps/v1 Deploymnet is not a kind the simulator reads (did you mean apps/v1 Deployment?)"));
    assert!(kind("extensions/v1beta1", "Deployment").contains("(did you mean apps/v1 Deployment?)"));
    assert!(!kind("v1", "ConfigMap").contains("did you mean"));
}
