//! ECR: lifecycle policy evaluation (AWS's worked examples), the documented invalid policies,
//! tag immutability, image pulls, the per-instance image cache and CannotPullContainerError.

mod common;
use common::*;
use serde_json::{json, Value};
use stevedore_sim::ecr::lifecycle::{self, wildcard_match};
use stevedore_sim::ecr::{parse_image, valid_repository_name, Image, Registry};
use stevedore_sim::engine::TaskStatus;
use stevedore_sim::error::Errors;

const NOW: i64 = 1_704_067_200;
const DAY: i64 = 86_400;

fn img(tags: &[&str], days_ago: i64) -> Image {
    Image {
        digest: format!("sha256:{:064x}", days_ago),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        size_bytes: 1,
        pushed_at_unix_s: NOW - days_ago * DAY,
        architecture: "amd64".into(),
        findings: Default::default(),
        scanned: false,
    }
}

fn policy(rules: Value) -> lifecycle::LifecyclePolicy {
    let mut e = Errors::default();
    let p = lifecycle::parse("$.p", &json!({ "rules": rules }), &mut e);
    assert!(e.is_empty(), "{:?}", e.list);
    p.unwrap()
}

fn tagged_count(priority: i64, pattern: &str, n: u32) -> Value {
    json!({"rulePriority": priority, "selection": {"tagStatus": "tagged", "tagPatternList": [pattern], "countType": "imageCountMoreThan", "countNumber": n}, "action": {"type": "expire"}})
}

/// Which images (by letter, A = first) expire and by which rule.
fn expired(p: &lifecycle::LifecyclePolicy, images: &[Image]) -> Vec<(char, i64)> {
    p.preview(images, NOW).into_iter().map(|(i, r)| ((b'A' + i as u8) as char, r)).collect()
}

#[test]
fn multiple_rules_example_a_expires_only_image_a() {
    // ECR user guide, "Filtering on multiple rules", example A: rule 1 keeps one prod*, rule 2
    // keeps one beta*. Rule 2 would expire B too, but B matches rule 1's tags, which has priority.
    let p = policy(json!([tagged_count(1, "prod*", 1), tagged_count(2, "beta*", 1)]));
    let images = [img(&["beta-1", "prod-1"], 10), img(&["beta-2", "prod-2"], 9), img(&["beta-3"], 8)];
    assert_eq!(expired(&p, &images), vec![('A', 1)]);
}

#[test]
fn multiple_rules_example_b_expires_a_b_and_c() {
    // Example B: five images. Rule 1 expires A and B (keeps D); rule 2 sees A, B, C, E, keeps E,
    // and of A, B, C may only take C (A and B are already marked).
    let p = policy(json!([tagged_count(1, "prod*", 1), tagged_count(2, "beta*", 1)]));
    let images = [img(&["beta-1", "prod-1"], 12), img(&["beta-2", "prod-2"], 11), img(&["beta-3"], 10), img(&["prod-3"], 9), img(&["beta-4"], 8)];
    assert_eq!(expired(&p, &images), vec![('A', 1), ('B', 1), ('C', 2)]);
}

#[test]
fn several_patterns_in_one_rule_all_must_match() {
    // "Filtering on multiple tags in a single rule": an image is selected only if every pattern
    // matches one of its tags. Only C carries both alpha and beta tags.
    let rule = json!({"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["alpha*", "beta*"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 5}, "action": {"type": "expire"}});
    let p = policy(json!([rule]));
    let images = [img(&["alpha-1"], 12), img(&["beta-1"], 11), img(&["alpha-2", "beta-2"], 10), img(&["alpha-3", "beta-3"], 4)];
    assert_eq!(expired(&p, &images), vec![('C', 1)], "D has both tags but is only 4 days old");
}

#[test]
fn age_untagged_and_any_rules() {
    // Expire prod* older than 14 days; keep one untagged image.
    let p = policy(json!([
        {"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["prod*"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14}, "action": {"type": "expire"}},
        {"rulePriority": 2, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}},
        {"rulePriority": 3, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 2}, "action": {"type": "expire"}}
    ]));
    let images = [img(&["prod-1"], 30), img(&["prod-2"], 10), img(&[], 9), img(&[], 8), img(&["dev-1"], 7), img(&["dev-2"], 6), img(&["dev-3"], 5)];
    // A: prod older than 14 days (rule 1). C: untagged beyond the newest one (rule 2). Rule 3
    // keeps the two youngest of all images (F, G); of the rest it may only expire images no
    // higher rule's tags match: E (dev-1). B matches rule 1's tags, D rule 2's.
    assert_eq!(expired(&p, &images), vec![('A', 1), ('C', 2), ('E', 3)]);
}

#[test]
fn prefix_list_and_wildcards() {
    let p = policy(json!([{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["v1"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]));
    let images = [img(&["v1.0"], 3), img(&["v2.0"], 2), img(&["v1.1"], 1)];
    assert_eq!(expired(&p, &images), vec![('A', 1)]);
    assert!(wildcard_match("prod*", "prod-1") && wildcard_match("*-rc*", "2.0-rc1") && wildcard_match("a*b*c", "aXbYc"));
    assert!(!wildcard_match("prod*", "preprod") && !wildcard_match("a*c", "abd"));
}

fn policy_errors(rules: Value) -> Vec<(String, String)> {
    let mut e = Errors::default();
    let r = lifecycle::parse("$.p", &json!({ "rules": rules }), &mut e);
    assert_eq!(r.is_none(), !e.is_empty());
    e.list.into_iter().map(|x| (x.path, x.message)).collect()
}

fn has(errs: &[(String, String)], path: &str, needle: &str) {
    assert!(errs.iter().any(|(p, m)| p == path && m.contains(needle)), "expected {path} ~ {needle:?}, got {errs:#?}");
}

#[test]
fn documented_invalid_policies_are_refused_at_their_path() {
    let sel = |s: Value| json!({"rulePriority": 1, "selection": s, "action": {"type": "expire"}});
    // tagged needs a prefix or pattern list.
    has(&policy_errors(json!([sel(json!({"tagStatus": "tagged", "countType": "imageCountMoreThan", "countNumber": 1}))])), "$.p.rules[0].selection.tagStatus", "tagPrefixList or tagPatternList");
    // untagged must omit it.
    has(&policy_errors(json!([sel(json!({"tagStatus": "untagged", "tagPrefixList": ["a"], "countType": "imageCountMoreThan", "countNumber": 1}))])), "$.p.rules[0].selection", "must omit");
    // countUnit only with sinceImagePushed; sinceImagePushed needs days.
    has(&policy_errors(json!([sel(json!({"tagStatus": "any", "countType": "imageCountMoreThan", "countUnit": "days", "countNumber": 1}))])), "$.p.rules[0].selection.countUnit", "can't be used");
    has(&policy_errors(json!([sel(json!({"tagStatus": "any", "countType": "sinceImagePushed", "countNumber": 1}))])), "$.p.rules[0].selection.countUnit", "needs countUnit days");
    has(&policy_errors(json!([sel(json!({"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "hours", "countNumber": 1}))])), "$.p.rules[0].selection.countUnit", "only unit is days");
    // countNumber must be positive.
    has(&policy_errors(json!([sel(json!({"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 0}))])), "$.p.rules[0].selection.countNumber", "0 is not accepted");
    // Prefix and pattern lists together; too many wildcards.
    has(&policy_errors(json!([sel(json!({"tagStatus": "tagged", "tagPrefixList": ["a"], "tagPatternList": ["b*"], "countType": "imageCountMoreThan", "countNumber": 1}))])), "$.p.rules[0].selection", "can't be used in the same rule");
    has(&policy_errors(json!([sel(json!({"tagStatus": "tagged", "tagPatternList": ["*a*b*c*d*"], "countType": "imageCountMoreThan", "countNumber": 1}))])), "$.p.rules[0].selection.tagPatternList[0]", "more than 4 wildcards");
    // Across rules: unique priorities, any last, one untagged rule, unique prefixes.
    let any = |p: i64| json!({"rulePriority": p, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 5}, "action": {"type": "expire"}});
    let untagged = |p: i64| json!({"rulePriority": p, "selection": {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}});
    has(&policy_errors(json!([tagged_count(1, "a*", 1), tagged_count(1, "b*", 1)])), "$.p.rules[1].rulePriority", "must be unique");
    has(&policy_errors(json!([any(1), tagged_count(2, "a*", 1)])), "$.p.rules[0].rulePriority", "highest rulePriority");
    has(&policy_errors(json!([untagged(1), untagged(2)])), "$.p.rules[1].selection.tagStatus", "only one rule may select untagged");
    has(&policy_errors(json!([tagged_count(1, "a*", 1), tagged_count(2, "a*", 3)])), "$.p.rules[1].selection", "unique across rules");
    // Action type and missing pieces.
    has(&policy_errors(json!([{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "delete"}}])), "$.p.rules[0].action.type", "not an action type");
    has(&policy_errors(json!([{"selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}])), "$.p.rules[0].rulePriority", "missing required");
    // More than 50 rules.
    let many: Vec<Value> = (1..=51).map(|i| tagged_count(i, &format!("t{i}-*"), 1)).collect();
    has(&policy_errors(json!(many)), "$.p.rules", "at most 50");
    // The policy text is a JSON string as AWS takes it; bad JSON is an error, not a panic.
    let mut e = Errors::default();
    assert!(lifecycle::parse("$.p", &json!("{\"rules\": ["), &mut e).is_none());
    assert!(e.list[0].message.contains("not valid JSON"));
}

#[test]
fn image_references_and_repository_names() {
    let r = parse_image("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/orders:1.4.2");
    assert_eq!((r.registry, r.repository.as_str(), r.tag.as_deref()), (Registry::EcrPrivate, "team/orders", Some("1.4.2")));
    let r = parse_image("public.ecr.aws/nginx/nginx:stable");
    assert_eq!((r.registry, r.repository.as_str()), (Registry::EcrPublic { alias: "nginx".into() }, "nginx"));
    let r = parse_image("nginx");
    assert_eq!((r.registry, r.tag.as_deref()), (Registry::Other, Some("latest")));
    let d = format!("sha256:{}", "a".repeat(64));
    let r = parse_image(&format!("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@{d}"));
    assert_eq!((r.tag, r.digest), (None, Some(d)));
    assert!(valid_repository_name("team/orders-api") && valid_repository_name("a.b__c"));
    assert!(!valid_repository_name("Orders") && !valid_repository_name("a") && !valid_repository_name("-ab") && !valid_repository_name("a//b"));
}

const URI: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders";

fn ecr_doc(image_tag: &str, instances: u32, desired: u32) -> Value {
    json!({
        "stevedore": 1, "seed": 3,
        "containerInstances": [{"instanceType": "m5.large", "availabilityZone": "us-east-1a", "count": instances}],
        "repositories": [{"repositoryName": "orders", "imageTagMutability": "IMMUTABLE", "images": [
            {"imageTags": ["1.0"], "imageSizeInBytes": 500 * 1024 * 1024, "imagePushedAt": "-2d"}
        ]}],
        "taskDefinitions": [{"family": "orders", "containerDefinitions": [{"name": "app", "image": format!("{URI}:{image_tag}"), "memory": 256}]}],
        "services": [{"serviceName": "orders", "taskDefinition": "orders", "desiredCount": desired}]
    })
}

#[test]
fn pull_time_grows_with_size_and_the_instance_cache_skips_it() {
    // 500 MiB at 50 MiB/s + 2 s fixed + 3 s container start = 15 s in PENDING on a cold instance.
    let mut s = sim(&ecr_doc("1.0", 1, 1));
    run_sim(&mut s, 14);
    assert_eq!(s.tasks[0].last_status, TaskStatus::Pending);
    run_sim(&mut s, 16);
    assert_eq!(s.tasks[0].last_status, TaskStatus::Running);
    assert!(!s.tasks[0].pulls[0].cached);
    // A second task on the same instance finds the layers: 1 s manifest check + 3 s start.
    let mut doc = ecr_doc("1.0", 1, 1);
    doc["timeline"] = json!([{"at": "1m", "action": "UpdateService", "input": {"service": "orders", "desiredCount": 2}}]);
    let s = run(&doc, 65);
    let second = &s.tasks[1];
    assert!(second.pulls[0].cached, "the second task reuses the cached image");
    assert_eq!(second.last_status, TaskStatus::Running, "4 s after 1m it runs");
}

#[test]
fn a_missing_tag_stops_the_task_with_cannot_pull_container_error() {
    let s = run(&ecr_doc("1.1", 1, 1), 8);
    let t = &s.tasks[0];
    assert_eq!(t.last_status, TaskStatus::Stopped);
    assert_eq!(t.stop_code.as_deref(), Some("TaskFailedToStart"));
    let reason = t.stopped_reason.as_deref().unwrap();
    assert!(reason.starts_with("CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref") && reason.contains(&format!("{URI}:1.1: not found")), "{reason}");
    // The service keeps trying: a replacement is started.
    assert!(s.tasks.len() > 1);
    // An unknown repository fails the same way.
    let mut doc = ecr_doc("1.0", 1, 1);
    doc["taskDefinitions"][0]["containerDefinitions"][0]["image"] = json!("123456789012.dkr.ecr.us-east-1.amazonaws.com/billing:1.0");
    let s = run(&doc, 8);
    assert!(s.tasks[0].stopped_reason.as_deref().unwrap().contains("repository does not exist"));
    // Without a `repositories` key images are assumed to exist (older scenarios run as before).
    let mut doc = ecr_doc("9.9", 1, 1);
    doc.as_object_mut().unwrap().remove("repositories");
    assert_eq!(run(&doc, 30).tasks[0].last_status, TaskStatus::Running);
}

#[test]
fn immutable_tags_refuse_a_repush_and_mutable_tags_move() {
    let mut doc = ecr_doc("1.0", 1, 0);
    doc["timeline"] = json!([
        {"at": "1m", "action": "PutImage", "input": {"repositoryName": "orders", "imageTag": "1.0", "imageSizeInBytes": 1000}},
        {"at": "2m", "action": "PutImage", "input": {"repositoryName": "orders", "imageTag": "1.1", "imageSizeInBytes": 1000}}
    ]);
    let s = run(&doc, 180);
    assert!(s.log.iter().any(|l| l.message.contains("ImageTagAlreadyExistsException: The image tag '1.0' already exists in the 'orders' repository and cannot be overwritten because the repository is immutable.")));
    assert_eq!(s.repositories[0].images.len(), 2);
    doc["repositories"][0]["imageTagMutability"] = json!("MUTABLE");
    let s = run(&doc, 180);
    let images = &s.repositories[0].images;
    assert_eq!(images.len(), 3);
    assert!(images[0].tags.is_empty(), "the old image lost its tag and is now untagged");
    assert_eq!(images[1].tags, vec!["1.0".to_string()]);
    // Scenario images that repeat a tag in an IMMUTABLE repository are refused at load.
    let mut doc = ecr_doc("1.0", 1, 0);
    doc["repositories"][0]["images"] = json!([{"imageTags": ["1.0"], "imagePushedAt": "-3d"}, {"imageTags": ["1.0"], "imagePushedAt": "-1d"}]);
    assert_error(&doc, "$.repositories[0].images[1].imageTags", "ImageTagAlreadyExistsException");
}

#[test]
fn lifecycle_policy_expires_in_the_run_and_new_tasks_then_fail_to_pull() {
    let mut doc = ecr_doc("1.0", 2, 1);
    doc["repositories"][0]["imageTagMutability"] = json!("MUTABLE");
    doc["repositories"][0]["images"] = json!([
        {"imageTags": ["1.0"], "imageSizeInBytes": 1000, "imagePushedAt": "-30d"},
        {"imageTags": ["1.1"], "imageSizeInBytes": 1000, "imagePushedAt": "-20d"},
        {"imageTags": ["1.2"], "imageSizeInBytes": 1000, "imagePushedAt": "-1d"}
    ]);
    doc["repositories"][0]["lifecyclePolicyText"] = json!(r#"{"rules":[{"rulePriority":1,"description":"keep two","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}"#);
    doc["timeline"] = json!([{"at": "2h", "action": "UpdateService", "input": {"service": "orders", "desiredCount": 2}}]);
    let mut s = sim(&doc);
    let preview = s.lifecycle_preview(0);
    assert_eq!(preview.len(), 1);
    assert_eq!((preview[0].image_tags.clone(), preview[0].applied_rule_priority), (vec!["1.0".to_string()], 1));
    run_sim(&mut s, 7300);
    assert_eq!(s.repositories[0].images.len(), 2, "1.0 expired an hour in");
    assert!(s.log.iter().any(|l| l.message.contains("expired by rule 1")));
    // The running task is unaffected; the new one lands on the other instance, which never
    // pulled 1.0, and fails.
    assert_eq!(s.tasks[0].last_status, TaskStatus::Running);
    assert!(s.tasks.iter().any(|t| t.stopped_reason.as_deref().is_some_and(|r| r.contains("not found"))));
}

#[test]
fn tag_mutability_exclusions() {
    let push = |mutability: &str, filter: &str, tag: &str| {
        let mut doc = ecr_doc("1.0", 1, 0);
        doc["repositories"][0]["imageTagMutability"] = json!(mutability);
        doc["repositories"][0]["imageTagMutabilityExclusionFilters"] = json!([{"filterType": "WILDCARD", "filter": filter}]);
        doc["repositories"][0]["images"] = json!([{"imageTags": ["1.0", "latest", "release-1"], "imagePushedAt": "-1d"}]);
        doc["timeline"] = json!([{"at": "1m", "action": "PutImage", "input": {"repositoryName": "orders", "imageTag": tag, "imageSizeInBytes": 1000}}]);
        let s = run(&doc, 90);
        !s.log.iter().any(|l| l.message.contains("ImageTagAlreadyExistsException"))
    };
    // Immutable except `latest`: latest moves, 1.0 doesn't.
    assert!(push("IMMUTABLE_WITH_EXCLUSION", "latest", "latest"));
    assert!(!push("IMMUTABLE_WITH_EXCLUSION", "latest", "1.0"));
    // Mutable except release-*: release tags are fixed, the rest move.
    assert!(!push("MUTABLE_WITH_EXCLUSION", "release-*", "release-1"));
    assert!(push("MUTABLE_WITH_EXCLUSION", "release-*", "latest"));
    // The exclusion settings need filters; the plain ones take none.
    let mut doc = ecr_doc("1.0", 1, 0);
    doc["repositories"][0]["imageTagMutability"] = json!("IMMUTABLE_WITH_EXCLUSION");
    assert_error(&doc, "$.repositories[0].imageTagMutabilityExclusionFilters", "needs at least one exclusion filter");
    doc["repositories"][0]["imageTagMutability"] = json!("IMMUTABLE");
    doc["repositories"][0]["imageTagMutabilityExclusionFilters"] = json!([{"filterType": "WILDCARD", "filter": "latest"}]);
    assert_error(&doc, "$.repositories[0].imageTagMutabilityExclusionFilters", "apply only with");
}
