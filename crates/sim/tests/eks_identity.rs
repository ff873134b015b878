//! Who a pod's AWS calls run as (eks-semantics §8; EKSUG manage-access/aws-access/
//! service-accounts.adoc, iam-roles-for-service-accounts.adoc, pod-identities.adoc,
//! nodes/al2023.adoc): its ServiceAccount's IRSA role, else its EKS Pod Identity association
//! (not on Fargate), else the node's instance role when IMDS is reachable (hop limit 2 for a
//! container; AL2023 managed node groups default to 1) — each call judged by the same IAM
//! code as ECS task roles, denials in IAM's AccessDenied wording.

use stevedore_sim::eks::engine::events::KEvent;
use stevedore_sim::eks::identity::PodCredentials;
use stevedore_sim::eks::manifest::parse;
use stevedore_sim::eks::output;
use stevedore_sim::eks::run::{run_until, EksRun};

fn cluster(group_extra: &str, iam: &str) -> String {
    // IRSA needs the cluster's IAM OIDC provider (`withOIDC`), as eksctl sets it up.
    let iam = if iam.is_empty() { "iam:\n  withOIDC: true\n" } else { iam };
    format!("apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata: {{name: c, region: us-west-2}}\navailabilityZones: [us-west-2a, us-west-2b]\n{iam}managedNodeGroups:\n  - {{name: ng, instanceType: m5.large, desiredCapacity: 1{group_extra}}}\n")
}

fn pod(name: &str, spec_extra: &str) -> String {
    format!("---\napiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, labels: {{app: {name}}}}}\nspec:\n{spec_extra}  containers: [{{name: app, image: \"app:1\", resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}}}]\n")
}

fn sa(name: &str, role: &str) -> String {
    format!("---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  annotations: {{eks.amazonaws.com/role-arn: \"arn:aws:iam::123456789012:role/{role}\"}}\n")
}

const ROLES: &str = "  roles:\n    - {RoleName: s3-reader, ManagedPolicyArns: [\"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\"]}\n    - RoleName: no-secrets\n      allowedActions: [\"s3:*\"]\n      Policies:\n        - PolicyName: deny-secret\n          PolicyDocument: {Statement: [{Effect: Deny, Action: \"s3:GetObject\", Resource: \"arn:aws:s3:::bucket/secret/*\"}]}\n";

fn scenario(calls: &[(&str, &str, &str)]) -> String {
    let mut s = format!("---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  duration: 5m\n{ROLES}  timeline:\n");
    for (who, action, resource) in calls {
        s.push_str(&format!("    - {{at: 1m, action: CallAwsApi, input: {{pod: {who}, action: \"{action}\", resource: \"{resource}\"}}}}\n"));
    }
    s
}

fn run(text: &str) -> EksRun {
    run_until(&parse(text).unwrap_or_else(|e| panic!("{e:?}")), false, 120)
}

fn events<'a>(r: &'a EksRun, reason: &str) -> Vec<&'a KEvent> {
    r.events.iter().filter(|e| e.reason == reason).collect()
}

const OBJ: &str = "arn:aws:s3:::bucket/report.csv";

#[test]
fn irsa_runs_as_the_service_accounts_role_and_denials_use_iams_wording() {
    let text = format!("{}{}{}{}", cluster("", ""), sa("reader", "s3-reader"), pod("api", "  serviceAccountName: reader\n"), scenario(&[("api", "s3:GetObject", OBJ), ("api", "s3:PutObject", OBJ)]));
    let r = run(&text);
    assert_eq!(r.aws_calls.len(), 2);
    let irsa = PodCredentials::Irsa { role_arn: "arn:aws:iam::123456789012:role/s3-reader".into(), service_account: "default/reader".into() };
    assert!(r.aws_calls.iter().all(|c| c.identity == irsa));
    assert!(r.aws_calls[0].allowed);
    assert_eq!(events(&r, "AwsApiCall")[0].message, format!("s3:GetObject on {OBJ}: allowed as role s3-reader by AmazonS3ReadOnlyAccess"));
    let denied = events(&r, "AccessDenied");
    assert_eq!(denied.len(), 1);
    assert!(denied[0].warning);
    // IAM's wording for an implicit deny (docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
    assert_eq!(denied[0].message, format!("AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/s3-reader/api is not authorized to perform: s3:PutObject on resource: {OBJ} because no identity-based policy allows the s3:PutObject action"));
    // The List report shows the pod's identity.
    let list = output::list(&r, 0);
    let p = list["items"].as_array().unwrap().iter().find(|i| i["kind"] == "Pod" && i["metadata"]["name"] == "api").unwrap();
    assert_eq!(p["metadata"]["annotations"]["stevedore.dev/aws-identity"], "IRSA: service account default/reader → arn:aws:iam::123456789012:role/s3-reader");
}

#[test]
fn an_explicit_deny_wins_over_an_allow() {
    let text = format!("{}{}{}{}", cluster("", ""), sa("app", "no-secrets"), pod("api", "  serviceAccountName: app\n"), scenario(&[("api", "s3:GetObject", "arn:aws:s3:::bucket/secret/key"), ("api", "s3:GetObject", OBJ)]));
    let r = run(&text);
    assert!(!r.aws_calls[0].allowed);
    assert!(r.aws_calls[0].message.ends_with("with an explicit deny in an identity-based policy"), "{}", r.aws_calls[0].message);
    assert!(r.aws_calls[1].allowed);
    assert_eq!(r.aws_calls[1].message, "allowed as role no-secrets by allowedActions");
}

#[test]
fn without_a_pod_role_the_hop_limit_decides_whether_the_node_role_answers() {
    // AL2023 managed node groups: HttpPutResponseHopLimit 1 ⇒ a container can't reach IMDS.
    let calls = [("api", "ecr:BatchGetImage", "*"), ("host", "ecr:BatchGetImage", "*")];
    let text = format!("{}{}{}{}", cluster("", ""), pod("api", ""), pod("host", "  hostNetwork: true\n"), scenario(&calls));
    let r = run(&text);
    let api = r.aws_calls.iter().find(|c| c.pod == "api").unwrap();
    assert!(!api.allowed);
    assert_eq!(api.message, "NoCredentialProviders: Unable to locate credentials (no IRSA role or Pod Identity association, and IMDS is out of reach: node group ng has HttpPutResponseHopLimit 1 (a container needs 2))");
    // A host-network pod is one hop from IMDS: it runs as eksctl's node role, whose default
    // policies include AmazonEC2ContainerRegistryReadOnly.
    let host = r.aws_calls.iter().find(|c| c.pod == "host").unwrap();
    assert_eq!(host.identity, PodCredentials::NodeRole { role_arn: "arn:aws:iam::123456789012:role/eksctl-c-nodegroup-ng-NodeInstanceRole".into(), node: host.node.clone() });
    assert!(host.allowed, "{}", host.message);
    // Hop limit 2: every pod on the node shares the node role — and its limits.
    let text = format!("{}{}{}", cluster(", httpPutResponseHopLimit: 2", ""), pod("api", ""), scenario(&[("api", "s3:GetObject", OBJ), ("api", "ecr:GetDownloadUrlForLayer", "*")]));
    let r = run(&text);
    assert!(matches!(r.aws_calls[0].identity, PodCredentials::NodeRole { .. }));
    let node = r.aws_calls[0].node.clone();
    assert_eq!(r.aws_calls[0].message, format!("AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/eksctl-c-nodegroup-ng-NodeInstanceRole/{node} is not authorized to perform: s3:GetObject on resource: {OBJ} because no identity-based policy allows the s3:GetObject action"));
    assert!(r.aws_calls[1].allowed);
    // eksctl's disablePodIMDS blocks pods whatever the hop limit.
    let text = format!("{}{}{}", cluster(", httpPutResponseHopLimit: 2, disablePodIMDS: true", ""), pod("api", ""), scenario(&[("api", "ecr:BatchGetImage", "*")]));
    assert!(run(&text).aws_calls[0].message.contains("node group ng sets disablePodIMDS"));
}

#[test]
fn an_instance_role_from_the_config_is_used_and_evaluated() {
    let text = format!("{}{}{}", cluster(", httpPutResponseHopLimit: 2, iam: {instanceRoleARN: \"arn:aws:iam::123456789012:role/s3-reader\"}", ""), pod("api", ""), scenario(&[("api", "s3:GetObject", OBJ)]));
    let r = run(&text);
    assert_eq!(r.aws_calls[0].identity.role_arn(), Some("arn:aws:iam::123456789012:role/s3-reader"));
    assert!(r.aws_calls[0].allowed);
}

#[test]
fn pod_identity_associations_and_eksctl_service_accounts() {
    let iam = "iam:\n  withOIDC: true\n  serviceAccounts:\n    - metadata: {name: uploader, namespace: default}\n      attachPolicyARNs: [\"arn:aws:iam::aws:policy/AmazonS3FullAccess\"]\n  podIdentityAssociations:\n    - {namespace: default, serviceAccountName: reader, roleARN: \"arn:aws:iam::123456789012:role/s3-reader\"}\n";
    let text = format!("{}{}{}{}", cluster("", iam), pod("a", "  serviceAccountName: reader\n"), pod("b", "  serviceAccountName: uploader\n"), scenario(&[("a", "s3:GetObject", OBJ), ("b", "s3:PutObject", OBJ)]));
    let r = run(&text);
    assert_eq!(r.aws_calls[0].identity, PodCredentials::PodIdentity { role_arn: "arn:aws:iam::123456789012:role/s3-reader".into(), service_account: "default/reader".into() });
    assert!(r.aws_calls[0].allowed);
    assert_eq!(r.aws_calls[1].identity.role_arn(), Some("arn:aws:iam::123456789012:role/eksctl-c-addon-iamserviceaccount-default-uploader"));
    assert_eq!(r.aws_calls[1].message, "allowed as role eksctl-c-addon-iamserviceaccount-default-uploader by AmazonS3FullAccess");
}

#[test]
fn pod_identity_is_not_available_on_fargate_but_irsa_is() {
    let iam = "iam:\n  withOIDC: true\n  podIdentityAssociations:\n    - {namespace: default, serviceAccountName: reader, roleARN: \"arn:aws:iam::123456789012:role/s3-reader\"}\nfargateProfiles:\n  - {name: fp, selectors: [{namespace: default, labels: {app: f}}]}\n";
    let pod_f = |name: &str, sa: &str| pod(name, &format!("  serviceAccountName: {sa}\n")).replace(&format!("labels: {{app: {name}}}"), "labels: {app: f}");
    let text = format!("{}{}{}{}{}", cluster("", iam), sa("irsa", "s3-reader"), pod_f("pi", "reader"), pod_f("ir", "irsa"), scenario(&[("pi", "s3:GetObject", OBJ), ("ir", "s3:GetObject", OBJ)])).replace("at: 1m", "at: 100s");
    // A Fargate pod's node takes a minute to provision: the calls come once it runs.
    let r = run(&text);
    let pi = r.aws_calls.iter().find(|c| c.pod == "pi").unwrap();
    assert!(pi.node.starts_with("fargate-"), "{}", pi.node);
    assert!(!pi.allowed);
    assert_eq!(pi.message, "NoCredentialProviders: Unable to locate credentials (no IRSA role, and Fargate has no instance metadata)");
    let warn = events(&r, "PodIdentityNotSupported");
    assert_eq!(warn.len(), 1);
    assert_eq!(warn[0].name, "pi");
    assert!(warn[0].message.starts_with("EKS Pod Identity is not available on Fargate"));
    let ir = r.aws_calls.iter().find(|c| c.pod == "ir").unwrap();
    assert!(matches!(ir.identity, PodCredentials::Irsa { .. }));
    assert!(ir.allowed);
}

#[test]
fn a_role_that_is_not_declared_cannot_be_assumed() {
    let text = format!("{}{}{}{}", cluster("", ""), sa("x", "ghost"), pod("api", "  serviceAccountName: x\n"), scenario(&[("api", "s3:GetObject", OBJ)]));
    let r = run(&text);
    assert!(r.aws_calls[0].message.starts_with("AccessDenied: An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation"), "{}", r.aws_calls[0].message);
}

#[test]
fn a_selector_calls_from_every_running_pod_it_matches() {
    let text = format!("{}{}{}{}", cluster(", httpPutResponseHopLimit: 2", ""), pod("p1", "").replace("{app: p1}", "{app: w}"), pod("p2", "").replace("{app: p2}", "{app: w}"), scenario(&[]))
        + "    - {at: 1m, action: CallAwsApi, input: {selector: {matchLabels: {app: w}}, action: \"ecr:BatchGetImage\", resource: \"*\"}}\n    - {at: 2m, action: CallAwsApi, input: {selector: {matchLabels: {app: none}}, action: \"s3:GetObject\", resource: \"*\"}}\n";
    let r = run(&text);
    let mut pods: Vec<&str> = r.aws_calls.iter().map(|c| c.pod.as_str()).collect();
    pods.sort();
    assert_eq!(pods, ["p1", "p2"]);
    assert_eq!(r.timeline_errors, ["$[3].spec.timeline[1]: at 120s: CallAwsApi s3:GetObject: no Running pod in namespace \"default\" to make the call"]);
}

#[test]
fn bad_identity_input_is_an_error_at_its_path() {
    let iam = "iam:\n  withOIDC: true\n  serviceAccounts:\n    - metadata: {namespace: default}\n  podIdentityAssociations:\n    - {namespace: default, roleARN: \"role/x\"}\n";
    let bad_sa = "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s, annotations: {eks.amazonaws.com/role-arn: \"s3-reader\"}}\n";
    let calls = "---\napiVersion: stevedore.dev/v1\nkind: Scenario\nspec:\n  roles:\n    - {RoleName: \"bad name\", ManagedPolicyArns: [\"arn:aws:iam::aws:policy/Nope\"]}\n  timeline:\n    - {at: 1m, action: CallAwsApi, input: {pod: a, selector: {matchLabels: {a: b}}, action: GetObject, resource: bucket}}\n    - {at: 1m, action: CallAwsApi}\n";
    let errs: Vec<String> = parse(&format!("{}{bad_sa}{calls}", cluster("", iam))).unwrap_err().into_iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    let has = |p: &str| errs.iter().any(|e| e.starts_with(p));
    for p in [
        "$[0].iam.serviceAccounts[0].metadata.name: is required",
        "$[0].iam.serviceAccounts[0]: an iam.serviceAccounts entry needs attachPolicyARNs",
        "$[0].iam.podIdentityAssociations[0].serviceAccountName: is required",
        "$[0].iam.podIdentityAssociations[0].roleARN: \"role/x\" must be an IAM role ARN",
        "$[1].metadata.annotations[\"eks.amazonaws.com/role-arn\"]: \"s3-reader\" must be an IAM role ARN",
        "$[2].spec.roles[0].RoleName: a role name is 1-64",
        "$[2].spec.roles[0].ManagedPolicyArns[0]: `arn:aws:iam::aws:policy/Nope` is not a managed policy",
        "$[2].spec.timeline[0].input.selector: give `selector`",
        "$[2].spec.timeline[0].input.action: is required: an IAM action",
        "$[2].spec.timeline[0].input.resource: is required: the resource's ARN",
        "$[2].spec.timeline[1].input: is required",
    ] {
        assert!(has(p), "missing {p}\n{errs:#?}");
    }
}

#[test]
fn explain_lists_each_call_with_its_identity() {
    let text = format!("{}{}{}{}", cluster("", ""), sa("reader", "s3-reader"), pod("api", "  serviceAccountName: reader\n"), scenario(&[("api", "s3:PutObject", OBJ)]));
    let r = run(&text);
    let j = stevedore_sim::eks::identity::calls_json(&r.aws_calls, 1_735_689_600);
    assert_eq!(j[0]["time"], "2025-01-01T00:01:00Z");
    assert_eq!(j[0]["pod"], "default/api");
    assert_eq!(j[0]["identity"]["kind"], "irsa");
    assert_eq!(j[0]["identity"]["roleArn"], "arn:aws:iam::123456789012:role/s3-reader");
    assert_eq!(j[0]["allowed"], false);
    assert!(j[0]["message"].as_str().unwrap().starts_with("AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/s3-reader/api"));
}

/// eks-semantics §8: IRSA needs an IAM OIDC provider per cluster. eksctl refuses
/// `iam.serviceAccounts` without `iam.withOIDC: true`; an annotated ServiceAccount in a cluster
/// with no provider gets STS's InvalidIdentityToken, and the SDK does not fall back to the
/// node role (which, with hop limit 2, would otherwise answer).
#[test]
fn irsa_without_an_oidc_provider_fails_the_token_exchange() {
    let iam = "iam:\n  serviceAccounts:\n    - metadata: {name: up}\n      attachPolicyARNs: [\"arn:aws:iam::aws:policy/AmazonS3FullAccess\"]\n";
    let errs: Vec<String> = parse(&cluster("", iam)).unwrap_err().into_iter().map(|e| format!("{}: {}", e.path, e.message)).collect();
    assert!(errs.contains(&"$[0].iam.withOIDC: iam.withOIDC must be enabled explicitly for iam.serviceAccounts to be created".to_string()), "{errs:#?}");
    for no_oidc in ["iam:\n  withOIDC: false\n", "iam: {}\n"] {
        let text = format!("{}{}{}{}", cluster(", httpPutResponseHopLimit: 2", no_oidc), sa("reader", "s3-reader"), pod("api", "  serviceAccountName: reader\n"), scenario(&[("api", "s3:GetObject", OBJ)]));
        let r = run(&text);
        assert_eq!(r.aws_calls.len(), 1);
        let c = &r.aws_calls[0];
        assert!(!c.allowed);
        assert!(matches!(c.identity, PodCredentials::Irsa { .. }), "the webhook still injects the token: {:?}", c.identity);
        assert!(c.message.starts_with("WebIdentityErr: failed to retrieve credentials caused by: InvalidIdentityToken: No OpenIDConnect provider found in your account for https://oidc.eks.us-west-2.amazonaws.com/id/"), "{}", c.message);
        let id = c.message.split("/id/").nth(1).unwrap().split(' ').next().unwrap();
        assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()), "{id}");
    }
    // With the provider the same call runs as the role.
    let ok = format!("{}{}{}{}", cluster(", httpPutResponseHopLimit: 2", ""), sa("reader", "s3-reader"), pod("api", "  serviceAccountName: reader\n"), scenario(&[("api", "s3:GetObject", OBJ)]));
    assert!(run(&ok).aws_calls[0].allowed);
}
