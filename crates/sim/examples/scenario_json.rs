//! Prints a benchmark scenario as JSON for the CLI (`/usr/bin/time -v stevedore run`):
//! `cargo run --release -p stevedore-sim --example scenario_json -- day 7d > day-7d.json`
//! (the day benchmark's 1,000 instances, run for 7 days) or `-- tiny 3650d` (2 instances,
//! 2 tasks: what a run costs when the cluster is small and the time is long).

#[path = "../benches/support/day.rs"]
mod day;

use serde_json::json;

fn main() {
    let mut args = std::env::args().skip(1);
    let (which, duration) = (args.next().unwrap_or_else(|| "day".into()), args.next().unwrap_or_else(|| "24h".into()));
    let doc = match which.as_str() {
        "day" => day::doc(&duration),
        "tiny" => json!({
            "cluster": {"clusterName": "tiny"}, "duration": duration, "seed": 1,
            "containerInstances": [{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": 2}],
            "taskDefinitions": [{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1", "cpu": 256, "memory": 512}]}],
            "services": [{"serviceName": "web", "taskDefinition": "web", "desiredCount": 2, "launchType": "EC2"}],
        }),
        other => panic!("unknown scenario {other}: day or tiny"),
    };
    println!("{doc}");
}
