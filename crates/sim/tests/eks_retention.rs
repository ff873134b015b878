//! EKS memory follows the cluster, not the clock (ARCHITECTURE.md): gone pods' records are
//! freed (`engine/pod_compact.rs`) without changing any output, deleted Jobs go with them, and
//! Events live `--event-ttl` (1 h) after their last occurrence, as kube-apiserver keeps them
//! (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/).

use stevedore_sim::eks::engine::Engine;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};

/// One node; a Deployment scaled 1 ↔ 4 every 2 minutes and given a new image every 20; a
/// CronJob every minute (pods that finish after 20 s); a bare pod that never fits.
fn churn(hours: i64) -> String {
    let mut timeline = String::new();
    for m in (2..hours * 60).step_by(2) {
        let replicas = if m % 4 == 0 { 1 } else { 4 };
        timeline.push_str(&format!("    - {{at: {m}m, kubectl: \"scale deployment/web --replicas={replicas}\"}}\n"));
        if m % 20 == 0 {
            timeline.push_str(&format!("    - {{at: {m}m, kubectl: \"set image deployment/web web=nginx:1.{m}\"}}\n"));
        }
    }
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: c, region: us-west-2}}\navailabilityZones: [us-west-2a, us-west-2b]\n\
         managedNodeGroups:\n  - {{name: ng, instanceType: m5.xlarge, desiredCapacity: 1}}\n\
         ---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 2\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers: [{{name: web, image: nginx:1.0, resources: {{requests: {{cpu: 100m}}}}}}]\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata: {{name: huge}}\nspec:\n  containers: [{{name: c, image: busybox, resources: {{requests: {{cpu: \"64\"}}}}}}]\n\
         ---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: tick}}\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        metadata: {{annotations: {{stevedore.dev/run-seconds: \"20\"}}}}\n        spec:\n          restartPolicy: OnFailure\n          containers: [{{name: tick, image: busybox, resources: {{requests: {{cpu: 100m}}}}}}]\n\
         ---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  start: \"2025-01-01T00:00:00Z\"\n  duration: {hours}h\n  timeline:\n{timeline}"
    )
}

#[test]
fn freeing_gone_pods_changes_no_output() {
    let m = parse(&churn(2)).unwrap();
    let until = 2 * 3600;
    let whole = output::list(&run_until(&m, false, until), 0);
    let mut e = Engine::new(&m, false);
    let mut freed = 0;
    for t in (0..until).step_by(45).chain([until]) {
        e.advance_to(t);
        freed += e.compact_pods();
    }
    assert!(freed > 200, "the churn really freed records ({freed})");
    let compacted = output::list(&EksRun::from_engine(e), 0);
    let kinds = |l: &serde_json::Value| -> Vec<String> { l["items"].as_array().unwrap().iter().map(|i| format!("{} {}", i["kind"], i["metadata"]["name"])).collect() };
    assert_eq!(kinds(&whole), kinds(&compacted));
    assert!(whole == compacted);
}

#[test]
fn pod_records_jobs_and_events_stay_bounded_under_churn() {
    let hours = 8;
    let m = parse(&churn(hours)).unwrap();
    let mut e = Engine::new(&m, false);
    let mut sizes = Vec::new();
    for h in 1..=hours {
        e.advance_to(h * 3600);
        e.compact_pods();
        e.events.expire(e.now);
        let live = e.live_pods().count();
        // Kept beyond the live pods: finished pods of Jobs not yet deleted (history 3 + the
        // running one), and gone pods something still acts on this instant.
        assert!(e.pods.len() <= live + 8, "hour {h}: {} records for {live} live pods", e.pods.len());
        // successfulJobsHistoryLimit 3 + failedJobsHistoryLimit 1 + the active one.
        assert!(e.jobs.len() <= 5, "hour {h}: {} Jobs", e.jobs.len());
        assert!(e.events.list.iter().all(|x| e.now - x.last_s < 3600), "hour {h}: an event past its TTL");
        let old_empty = e.rollouts[0].sets.iter().filter(|s| s.replicas == 0 && s.pods.is_empty()).count();
        assert!(old_empty <= 10, "hour {h}: revisionHistoryLimit keeps 10 old ReplicaSets, not {old_empty}");
        assert!(e.rollouts[0].sets.len() <= 13, "hour {h}: and those still scaling down");
        // Label sets interned by the scheduler cache: each Job's pods have their own.
        assert!(e.state.sets.len() <= 260, "hour {h}: {} label sets", e.state.sets.len());
        sizes.push((e.pods.len(), e.events.list.len(), e.rollouts[0].events.len()));
    }
    let (first, last) = (sizes[1], sizes[hours as usize - 1]);
    assert!(last.1 <= first.1 * 5 / 4 + 10, "events follow the last hour, not the run: {sizes:?}");
    assert!(last.2 <= first.2 * 5 / 4 + 10, "Deployment events too: {sizes:?}");
}

#[test]
fn events_go_one_ttl_after_their_last_timestamp() {
    let m = parse(&churn(2)).unwrap();
    let at = |s: i64| run_until(&m, false, s);
    let scheduled_web = |r: &EksRun| r.events.iter().filter(|x| x.reason == "Scheduled" && x.first_s == 0).count();
    let r = at(3599);
    assert!(scheduled_web(&r) > 0, "at 59:59 the first pods' Scheduled events are there");
    let r = at(3600);
    assert_eq!(scheduled_web(&r), 0, "at 1 h they are gone");
    // The pod that never fits: FailedScheduling repeats, bumping count and lastTimestamp, so
    // the one event lives on past the hour, first seen at the start.
    let r = at(2 * 3600);
    let failed: Vec<_> = r.events.iter().filter(|x| x.reason == "FailedScheduling" && x.name == "huge").collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0].count > 10 && failed[0].first_s == 0 && 2 * 3600 - failed[0].last_s < 3600, "{:?}", failed[0]);
    // The List's Deployment events obey the same TTL.
    let list = output::list(&r, 1_735_689_600);
    let old: Vec<_> = list["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Event" && i["reason"] == "ScalingReplicaSet").filter(|i| i["lastTimestamp"].as_str().unwrap() <= "2025-01-01T01:00:00Z").collect();
    assert!(old.is_empty(), "{old:?}");
    assert!(list["items"].as_array().unwrap().iter().any(|i| i["kind"] == "Event" && i["reason"] == "ScalingReplicaSet"));
}

/// A managed Spot group of 4 m5.xlarge kept busy by 12 one-vCPU pods, one interruption
/// notice every `every_m` minutes for `hours`: each reclaimed node is replaced, so the cluster
/// stays 4 nodes while the run reclaims hundreds.
fn spot_churn(hours: i64, every_m: i64) -> String {
    let mut timeline = String::new();
    for m in (every_m..hours * 60).step_by(every_m as usize) {
        timeline.push_str(&format!("    - {{at: {m}m, action: SpotInterruption, input: {{nodeSelector: {{eks.amazonaws.com/nodegroup: spot}}}}}}\n"));
    }
    format!(
        "apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: c, region: us-west-2}}\navailabilityZones: [us-west-2a, us-west-2b]\n\
         managedNodeGroups:\n  - {{name: spot, instanceTypes: [m5.xlarge], spot: true, desiredCapacity: 4, minSize: 4, maxSize: 6}}\n\
         ---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  replicas: 12\n  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n    spec:\n      containers: [{{name: web, image: nginx:1.0, resources: {{requests: {{cpu: \"1\"}}}}}}]\n\
         ---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  start: \"2025-01-01T00:00:00Z\"\n  duration: {hours}h\n  timeline:\n{timeline}"
    )
}

#[test]
fn spot_reclaimed_nodes_and_their_instances_are_freed() {
    use stevedore_sim::eks::engine::{retention::DRAIN_LOG_KEPT, spot::REMOVED_KEPT};
    assert!(REMOVED_KEPT <= 16);
    let hours = 48;
    let m = parse(&spot_churn(hours, 2)).unwrap();
    let mut e = Engine::new(&m, false);
    for h in (4..=hours).step_by(4) {
        e.advance_to(h * 3600);
        let reclaimed = e.events.list.iter().filter(|x| x.reason == "RemovingNode").count();
        assert!(reclaimed > 0, "hour {h}: nodes were reclaimed in the last hour");
        // 4 live nodes, at most one replacement joining, and the reclaimed ones not yet
        // forgotten (`REMOVED_KEPT`); by hour 48 the run has reclaimed some 1,400.
        let bound = 4 + 1 + 16;
        assert!(e.state.nodes.len() <= bound, "hour {h}: {} scheduler nodes for 4 live ones", e.state.nodes.len());
        assert!(e.instances().len() <= bound, "hour {h}: {} EC2 instances for 4 live nodes", e.instances().len());
        assert!(e.drain_log.len() <= DRAIN_LOG_KEPT, "hour {h}: {} drain log lines", e.drain_log.len());
    }
    // Nothing listed was lost: the List has the 4 live nodes (and the ones joining).
    let list = output::list(&EksRun::from_engine(e), 0);
    let nodes = list["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "Node").count();
    assert!((4..=5).contains(&nodes), "{nodes} nodes listed");
}
