//! EKS pods pull through the ECR model ECS uses (issue #14): `spec.repositories` in the
//! Scenario, pull time from `ecr::pull_time_ms`, cached per node, a missing tag → ErrImagePull
//! then ImagePullBackOff with the kubelet's 10 s → 300 s image back-off
//! (K8S pkg/kubelet/images/image_manager.go; pkg/kubelet/kubelet.go imageBackOffPeriod).

use serde_json::Value;
use stevedore_sim::ecr;
use stevedore_sim::eks::engine::image_pull::backoff_s;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};

const REPO: &str = "123456789012.dkr.ecr.us-west-2.amazonaws.com/web";
const SIZE: u64 = 500 * 1024 * 1024;

fn manifest(image: &str, replicas: usize, repositories: bool) -> String {
    let repos = if repositories {
        format!("  repositories:\n    - repositoryName: web\n      images:\n        - {{imageTags: [v1], imageSizeInBytes: {SIZE}}}\n")
    } else {
        String::new()
    };
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: c, region: us-west-2}}\navailabilityZones: [us-west-2a, us-west-2b]\nmanagedNodeGroups:\n  - {{name: ng, instanceType: m5.large, desiredCapacity: 1}}\n---\napiVersion: stevedore.dev/v1\nkind: Scenario\nmetadata: {{name: s}}\nspec:\n  duration: 10m\n{repos}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers:\n        - name: web\n          image: \"{image}\"\n          resources: {{requests: {{cpu: 100m, memory: 64Mi}}}}\n"
    )
}

fn web_pods(r: &EksRun) -> Vec<Value> {
    output::list(r, 0)["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Pod" && i["metadata"]["labels"]["app"] == "web").cloned().collect()
}

fn web_started(r: &EksRun) -> Vec<i64> {
    r.pods.iter().filter(|p| p.info.name.starts_with("web-")).filter_map(|p| Some(p.started_at? - p.scheduled_at?)).collect()
}

#[test]
fn an_ecr_image_takes_the_ecs_pull_time_once_per_node() {
    let m = parse(&manifest(&format!("{REPO}:v1"), 2, true)).unwrap();
    let r = run_until(&m, false, 300);
    let pull = ecr::pull_time_ms(SIZE).div_ceil(1000) as i64;
    assert_eq!(pull, 12); // 2 s + 500 MiB at 50 MiB/s
    // Both pods land on the one node at the same time; the image is pulled once.
    assert_eq!(web_started(&r), vec![pull + 1, pull + 1]);
    let pulled: Vec<&str> = r.events.iter().filter(|e| e.reason == "Pulled").map(|e| e.message.as_str()).collect();
    assert!(pulled.contains(&format!("Successfully pulled image \"{REPO}:v1\" in {pull}s ({pull}s including waiting)").as_str()), "{pulled:?}");
    assert!(pulled.contains(&format!("Container image \"{REPO}:v1\" already present on machine").as_str()), "{pulled:?}");
    assert!(web_pods(&r).iter().all(|p| p["status"]["phase"] == "Running"));
}

#[test]
fn images_outside_ecr_or_without_repositories_keep_the_fixed_pull() {
    for (image, repos) in [("nginx:1.27", true), (&format!("{REPO}:v1") as &str, false), (&format!("{REPO}:missing") as &str, false)] {
        let m = parse(&manifest(image, 1, repos)).unwrap();
        let r = run_until(&m, false, 300);
        assert_eq!(web_started(&r), vec![stevedore_sim::eks::engine::PULL_S + 1], "{image} {repos}");
    }
}

#[test]
fn the_image_back_off_doubles_from_10s_to_300s() {
    let got: Vec<i64> = (1..=8).map(backoff_s).collect();
    assert_eq!(got, vec![10, 20, 40, 80, 160, 300, 300, 300]);
}

#[test]
fn a_missing_tag_is_err_image_pull_then_image_pull_back_off_with_retries() {
    let image = format!("{REPO}:v2");
    let m = parse(&manifest(&image, 1, true)).unwrap();
    let bound = |r: &EksRun| r.pods.iter().find(|p| p.info.name.starts_with("web-")).unwrap().scheduled_at.unwrap();
    let r0 = run_until(&m, false, 0);
    let t0 = bound(&r0);
    let state = |t: i64| {
        let r = run_until(&m, false, t);
        let p = web_pods(&r).remove(0);
        (p["status"]["phase"].as_str().unwrap().to_string(), p["status"]["containerStatuses"][0]["state"]["waiting"].clone())
    };
    let (phase, w) = state(t0);
    assert_eq!((phase.as_str(), w["reason"].as_str()), ("Pending", Some("ErrImagePull")));
    assert!(w["message"].as_str().unwrap().ends_with(&format!("{image}: not found")), "{w}");
    let (_, w) = state(t0 + 5);
    assert_eq!(w["reason"], "ImagePullBackOff");
    assert_eq!(w["message"], format!("Back-off pulling image \"{image}\""));
    // Retries at +10, +30 (10 + 20), +70 (+40), +150, +310, +610: within 600 s, five failures.
    assert_eq!(state(t0 + 10).1["reason"], "ErrImagePull");
    assert_eq!(state(t0 + 29).1["reason"], "ImagePullBackOff");
    assert_eq!(state(t0 + 30).1["reason"], "ErrImagePull");
    let r = run_until(&m, false, t0 + 600);
    let ev = |reason: &str, msg: &str| r.events.iter().find(|e| e.reason == reason && e.message == msg).map(|e| (e.count, e.warning, e.first_s, e.last_s));
    let failed = format!("Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": {image}: not found");
    assert_eq!(ev("Failed", &failed), Some((6, true, t0, t0 + 310)));
    assert_eq!(ev("Failed", "Error: ErrImagePull"), Some((6, true, t0, t0 + 310)));
    assert_eq!(ev("Pulling", &format!("Pulling image \"{image}\"")), Some((6, false, t0, t0 + 310)));
    assert_eq!(ev("BackOff", &format!("Back-off pulling image \"{image}\"")), Some((6, false, t0 + 1, t0 + 311)));
    assert_eq!(ev("Failed", "Error: ImagePullBackOff"), Some((6, true, t0 + 1, t0 + 311)));
    assert!(r.pods.iter().all(|p| !p.info.name.starts_with("web-") || p.started_at.is_none()));
    // kubectl's STATUS column is the waiting reason.
    let table = stevedore_sim::eks::kubectl::get_pods(output::list(&r, 0)["items"].as_array().unwrap(), "1m", false, false);
    assert!(table.lines().any(|l| l.starts_with("web-") && l.contains("ImagePullBackOff")), "{table}");
}

#[test]
fn a_missing_repository_fails_the_pull_too() {
    let m = parse(&manifest("123456789012.dkr.ecr.us-west-2.amazonaws.com/api:v1", 1, true)).unwrap();
    let r = run_until(&m, false, 60);
    let e = r.events.iter().find(|e| e.reason == "Failed" && e.message.starts_with("Failed to pull image")).expect("Failed event");
    assert!(e.message.contains("The repository with name 'api' does not exist in the registry"), "{}", e.message);
}

#[test]
fn spec_repositories_are_validated_at_their_path_by_the_ecs_rules() {
    let bad = manifest(&format!("{REPO}:v1"), 1, true).replace("repositoryName: web", "repositoryName: Web_").replace("imageTags: [v1]", "imageTags: [\"-v1\"]");
    let errs = parse(&bad).unwrap_err();
    let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"$[1].spec.repositories[0].repositoryName"), "{errs:?}");
    assert!(paths.contains(&"$[1].spec.repositories[0].images[0].imageTags[0]"), "{errs:?}");
    let not_list = manifest(&format!("{REPO}:v1"), 1, false).replace("  duration: 10m\n", "  duration: 10m\n  repositories: web\n");
    let errs = parse(&not_list).unwrap_err();
    assert!(errs.iter().any(|e| e.path == "$[1].spec.repositories" && e.message == "must be a list"), "{errs:?}");
}

#[test]
fn a_node_role_without_ecr_read_cannot_pull() {
    // eksctl's default node role has AmazonEC2ContainerRegistryReadOnly (the first test pulls
    // with it); attachPolicyARNs replaces the defaults.
    let iam = "managedNodeGroups:\n  - {name: ng, instanceType: m5.large, desiredCapacity: 1, iam: {attachPolicyARNs: [\"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy\", \"arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy\"]}}\n";
    let text = manifest(&format!("{REPO}:v1"), 1, true).replace("managedNodeGroups:\n  - {name: ng, instanceType: m5.large, desiredCapacity: 1}\n", iam);
    let r = run_until(&parse(&text).unwrap(), false, 60);
    let e = r.events.iter().find(|e| e.reason == "Failed" && e.message.starts_with("Failed to pull image")).expect("Failed event");
    assert!(e.message.contains("no basic auth credentials"), "{}", e.message);
    assert!(e.message.contains("is not authorized to perform: ecr:GetAuthorizationToken"), "{}", e.message);
    assert!(e.message.contains("eksctl-c-nodegroup-ng-NodeInstanceRole"), "{}", e.message);
    assert!(web_started(&r).is_empty());
    // With the ECR policy added, the same pod pulls.
    let ok = text.replace("AmazonEKS_CNI_Policy\"]", "AmazonEKS_CNI_Policy\", \"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly\"]");
    assert_eq!(web_started(&run_until(&parse(&ok).unwrap(), false, 60)), vec![13]);
}

#[test]
fn a_digest_reference_pulls_the_image_it_names_or_fails() {
    let d = format!("sha256:{}", "ab".repeat(32));
    let text = |image: &str| manifest(image, 1, true).replace("{imageTags: [v1], ", &format!("{{imageTags: [v1], imageDigest: \"{d}\", "));
    let r = run_until(&parse(&text(&format!("{REPO}@{d}"))).unwrap(), false, 60);
    assert_eq!(web_started(&r), vec![13]);
    let other = format!("{REPO}@sha256:{}", "cd".repeat(32));
    let r = run_until(&parse(&text(&other)).unwrap(), false, 60);
    assert!(web_started(&r).is_empty());
    assert!(r.events.iter().any(|e| e.reason == "Failed" && e.message.ends_with(&format!("{other}: not found"))));
}
