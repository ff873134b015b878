//! EKS on Fargate: profile selection, sizing and the CapacityProvisioned annotation, with the
//! EKS user guide's examples (docs.aws.amazon.com/eks/latest/userguide/fargate-pod-configuration.html,
//! fargate-profile.html).

use stevedore_sim::eks::fargate::{self, pod_request, select_profile, size, unsupported, wildcard_match, FargateProfile, FargateSize, PodFacts, ProfileSelector, Unsupported};
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::objects::{Container, HostPort, PodSpec, Resources};
use stevedore_sim::eks::selector::Labels;

const MIB: i64 = 1 << 20;
const GIB: i64 = 1 << 30;

fn gb(cpu_m: i64, mem_bytes: i64) -> String {
    size(cpu_m, mem_bytes).unwrap().annotation()
}

#[test]
fn user_guide_sizing_examples() {
    // "If you don't specify a vCPU and memory combination, then the smallest available
    // combination is used (.25 vCPU and 0.5 GB memory)."
    assert_eq!(gb(0, 0), "0.25vCPU 0.5GB");
    // "a Pod with 1 vCPU and 8 GB memory ... +256 MB ... is rounded up to 2 vCPU and 9 GB".
    assert_eq!(gb(1000, 8 * GIB), "2vCPU 9GB");
    assert_eq!(size(1000, 8 * GIB), Some(FargateSize { cpu_m: 2000, memory_mib: 9 * 1024 }));
}

#[test]
fn rounding_follows_the_table() {
    assert_eq!(gb(100, 200 * MIB), "0.25vCPU 0.5GB"); // 200 + 256 = 456 MiB
    assert_eq!(gb(250, 300 * MIB), "0.25vCPU 1GB"); // 556 MiB > 0.5 GB
    assert_eq!(gb(250, 2 * GIB), "0.5vCPU 3GB"); // 2.25 GB: too big for 0.25 vCPU's 2 GB
    assert_eq!(gb(500, 512 * MIB), "0.5vCPU 1GB");
    assert_eq!(gb(1500, GIB), "2vCPU 4GB");
    assert_eq!(gb(4000, 16 * GIB), "4vCPU 17GB");
    assert_eq!(gb(4000, 30 * GIB), "8vCPU 32GB"); // 30.25 GB: 8 vCPU row steps by 4 GB from 16
    assert_eq!(gb(8000, 17 * GIB), "8vCPU 20GB");
    assert_eq!(gb(16000, 100 * GIB), "16vCPU 104GB");
    assert_eq!(size(16000, 120 * GIB), None); // 120.25 GB: no size
    assert_eq!(size(16001, 0), None);
}

fn container(name: &str, cpu: i64, mem: i64) -> Container {
    Container { name: name.into(), image: "x".into(), requests: Resources { cpu, memory: mem, ..Resources::default() }, has_cpu: true, has_memory: true }
}

#[test]
fn pod_request_is_max_of_init_and_sum_of_app_containers() {
    let spec = PodSpec {
        containers: vec![container("app", 500, 512 * MIB), container("sidecar", 250, 256 * MIB)],
        init_containers: vec![container("migrate", 1000, 256 * MIB)],
        ..PodSpec::default()
    };
    assert_eq!(pod_request(&spec), (1000, 768 * MIB));
    let (c, m) = pod_request(&spec);
    assert_eq!(size(c, m).unwrap().annotation(), "1vCPU 2GB"); // 768 + 256 = 1024 MiB
}

fn profile(name: &str, ns: &str, labels: &[(&str, &str)]) -> FargateProfile {
    FargateProfile {
        name: name.into(),
        selectors: vec![ProfileSelector { namespace: ns.into(), labels: labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }],
        subnets: vec![],
        pod_execution_role_arn: String::new(),
    }
}

fn labels(l: &[(&str, &str)]) -> Labels {
    l.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn profile_selection() {
    let profiles = vec![profile("z-web", "prod", &[("app", "web")]), profile("a-prod", "prod*", &[]), profile("batch", "b?tch", &[("tier", "*")])];
    // Several match: the alphanumerically first name wins.
    assert_eq!(select_profile(&profiles, "prod", &labels(&[("app", "web")])).unwrap().name, "a-prod");
    // The label forces one (when it matches).
    assert_eq!(select_profile(&profiles, "prod", &labels(&[("app", "web"), (fargate::PROFILE_LABEL, "z-web")])).unwrap().name, "z-web");
    assert!(select_profile(&profiles, "dev", &labels(&[(fargate::PROFILE_LABEL, "z-web")])).is_none());
    // Wildcards: * any run, ? exactly one character; every selector label must match.
    assert_eq!(select_profile(&profiles, "production", &labels(&[])).unwrap().name, "a-prod");
    assert_eq!(select_profile(&profiles, "batch", &labels(&[("tier", "low")])).unwrap().name, "batch");
    assert!(select_profile(&profiles, "batch", &labels(&[])).is_none());
    assert!(select_profile(&profiles, "btch", &labels(&[("tier", "x")])).is_none());
    assert!(select_profile(&profiles, "default", &labels(&[])).is_none());
    assert!(wildcard_match("*", ""));
    assert!(wildcard_match("a*b*c", "aXXbYYc"));
    assert!(!wildcard_match("a*b*c", "aXXbYY"));
}

#[test]
fn what_cannot_run_on_fargate() {
    let mut spec = PodSpec { containers: vec![container("app", 100, 100 * MIB)], ..PodSpec::default() };
    assert!(unsupported(&spec, &PodFacts::default()).is_empty());
    spec.host_ports.push(HostPort { protocol: "TCP".into(), ip: String::new(), port: 8080 });
    spec.containers[0].requests.extended.push(("nvidia.com/gpu".into(), 1));
    spec.node_selector.insert("kubernetes.io/arch".into(), "arm64".into());
    let facts = PodFacts { owned_by_daemonset: true, host_network: true, privileged: vec!["app".into()] };
    let got = unsupported(&spec, &facts);
    assert_eq!(got, vec![
        Unsupported::DaemonSet,
        Unsupported::Privileged("app".into()),
        Unsupported::HostPort(8080),
        Unsupported::HostNetwork,
        Unsupported::Gpu("nvidia.com/gpu".into()),
        Unsupported::Arm64,
    ]);
    assert_eq!(got[0].message(), "DaemonSets aren't supported on Fargate");
}

#[test]
fn fargate_node_holds_one_pod_and_is_tainted() {
    let s = size(500, 512 * MIB).unwrap();
    let n = fargate::node("192.168.120.7", "us-west-2", "us-west-2b", "fp-default", s);
    assert_eq!(n.name, "fargate-ip-192-168-120-7.us-west-2.compute.internal");
    assert_eq!(n.max_pods, 1);
    assert_eq!(n.labels["eks.amazonaws.com/compute-type"], "fargate");
    assert_eq!(n.taints[0].key, "eks.amazonaws.com/compute-type");
    assert_eq!(n.capacity.memory, 1024 * MIB);
    // 0.5 vCPU × $0.04048 + 1 GB × $0.004445 per hour.
    assert!((fargate::usd_per_hour(s) - 0.024685).abs() < 1e-9);
}

#[test]
fn parses_fargate_profiles_from_cluster_config() {
    let m = parse(
        r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: us-west-2}
fargateProfiles:
  - name: fp-default
    selectors:
      - namespace: default
      - namespace: kube-system
        labels: {k8s-app: kube-dns}
"#,
    )
    .unwrap();
    assert_eq!(m.fargate_profiles.len(), 1);
    assert_eq!(m.fargate_profiles[0].selectors[1].labels["k8s-app"], "kube-dns");
    let errs = parse(
        r#"
apiVersion: eksctl.io/v1alpha5
kind: ClusterConfig
metadata: {name: shop, region: us-west-2}
fargateProfiles:
  - name: a
    selectors: [{namespace: a}, {namespace: b}, {namespace: c}, {namespace: d}, {namespace: e}, {namespace: f}]
  - name: a
    selectors: [{labels: {x: y}}]
  - selectors: []
"#,
    )
    .unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"$[0].fargateProfiles[0].selectors"), "{errs:?}");
    assert!(paths.contains(&"$[0].fargateProfiles[1].name"));
    assert!(paths.contains(&"$[0].fargateProfiles[1].selectors[0].namespace"));
    assert!(paths.contains(&"$[0].fargateProfiles[2].name"));
    assert!(paths.contains(&"$[0].fargateProfiles[2].selectors"));
}
