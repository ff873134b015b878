//! The platform around ECS: `repositories` (ECR), `roles` (IAM), `ssmParameters` and
//! `secretsManagerSecrets` (secret stores), `namespaces` and `discoveryServices` (Cloud Map),
//! services' `serviceRegistries` / `serviceConnectConfiguration`, `schedules` (EventBridge
//! Scheduler) and `serviceCalls`.
//!
//! Each part is opt-in: without `roles` Stevedore does not check permissions, without secret
//! stores every secret exists, without `repositories` every image exists. A scenario written
//! before these keys existed runs as it did.

use super::{list, typed, valid_name, Scenario};
use crate::ecr::{self, lifecycle, Image, Repository, TagMutability};
use crate::error::Errors;
use crate::iam::{self, Effect, Role, Statement};
use crate::model::platform::*;
use crate::model::NetworkMode;
use crate::scenario::hex_id;
use stevedore_derive::FromJson;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct RepositoryInput {
    repository_name: Option<String>,
    image_tag_mutability: Option<String>,
    image_tag_mutability_exclusion_filters: Option<Vec<ExclusionFilter>>,
    image_scanning_configuration: Option<ScanConfig>,
    /// Stevedore: an ECR Public repository, with the registry's gallery alias.
    public: Option<bool>,
    gallery_alias: Option<String>,
    images: Option<Vec<ImageInput>>,
    /// PutLifecyclePolicy's `lifecyclePolicyText` (a string), or the same JSON as an object.
    lifecycle_policy_text: Option<Value>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct ExclusionFilter {
    filter_type: Option<String>,
    filter: Option<String>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct ScanConfig {
    scan_on_push: Option<bool>,
}

/// A DescribeImages `imageDetails` entry.
#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
pub(super) struct ImageInput {
    pub image_tags: Option<Vec<String>>,
    pub image_digest: Option<String>,
    pub image_size_in_bytes: Option<i64>,
    /// ISO 8601, or a duration before the scenario's start ("-20d").
    pub image_pushed_at: Option<String>,
    pub architecture: Option<String>,
    pub image_scan_findings_summary: Option<FindingsSummary>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
pub(super) struct FindingsSummary {
    pub finding_severity_counts: Option<BTreeMap<String, i64>>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct RoleInput {
    role_name: Option<String>,
    /// Stevedore shorthand: actions allowed on every resource.
    #[serde(rename = "allowedActions")]
    allowed_actions: Option<Vec<String>>,
    managed_policy_arns: Option<Vec<String>>,
    policies: Option<Vec<InlinePolicy>>,
    instance_profile_name: Option<String>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct InlinePolicy {
    policy_name: Option<String>,
    policy_document: Option<PolicyDocument>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct PolicyDocument {
    statement: Option<OneOrMany<StatementInput>>,
}

/// serde's `untagged`: an object, else a list of them.
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T: crate::json::FromJson> crate::json::FromJson for OneOrMany<T> {
    fn from_json(v: &Value) -> Result<Self, crate::json::JsonError> {
        // Like serde's untagged enums: each shape in turn, the inner errors not reported.
        if let Ok(one) = T::from_json(v) {
            return Ok(OneOrMany::One(one));
        }
        Vec::<T>::from_json(v).map(OneOrMany::Many).map_err(|_| crate::json::no_variant("OneOrMany"))
    }
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
    }
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct StatementInput {
    effect: Option<String>,
    action: Option<OneOrMany<String>>,
    resource: Option<OneOrMany<String>>,
    condition: Option<Value>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct ParameterInput {
    name: Option<String>,
    #[serde(rename = "Type")]
    kind: Option<String>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct SecretInput {
    name: Option<String>,
    /// Stevedore: the keys of a JSON secret (values are never part of a scenario).
    #[serde(rename = "jsonKeys")]
    json_keys: Option<Vec<String>>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct NamespaceInput {
    name: Option<String>,
    /// `DNS_PRIVATE` (CreatePrivateDnsNamespace, the default) or `HTTP` (CreateHttpNamespace).
    #[serde(rename = "Type")]
    kind: Option<String>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct DiscoveryServiceInput {
    name: Option<String>,
    namespace_id: Option<String>,
    dns_config: Option<DnsConfig>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct DnsConfig {
    dns_records: Option<Vec<DnsRecord>>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct DnsRecord {
    #[serde(rename = "Type")]
    kind: Option<String>,
    #[serde(rename = "TTL")]
    ttl: Option<i64>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct ServiceRegistryInput {
    registry_arn: Option<String>,
    container_name: Option<String>,
    container_port: Option<i64>,
    port: Option<i64>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct ServiceConnectInput {
    enabled: Option<bool>,
    namespace: Option<String>,
    services: Option<Vec<ServiceConnectService>>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct ServiceConnectService {
    port_name: Option<String>,
    discovery_name: Option<String>,
    client_aliases: Option<Vec<ClientAlias>>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct ClientAlias {
    port: Option<i64>,
    dns_name: Option<String>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct ScheduleInput {
    name: Option<String>,
    schedule_expression: Option<String>,
    schedule_expression_timezone: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    state: Option<String>,
    flexible_time_window: Option<FlexibleWindow>,
    target: Option<ScheduleTarget>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct FlexibleWindow {
    mode: Option<String>,
    maximum_window_in_minutes: Option<i64>,
}

#[derive(FromJson)]
#[serde(rename_all = "PascalCase")]
struct ScheduleTarget {
    arn: Option<String>,
    role_arn: Option<String>,
    ecs_parameters: Option<Map<String, Value>>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ServiceCallInput {
    from: Option<String>,
    to: Option<String>,
    requests_per_second_per_task: Option<f64>,
}

pub fn load(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    load_repositories(root, s, errors);
    load_roles(root, s, errors);
    load_secret_stores(root, s, errors);
    check_images(s, errors);
    load_discovery(root, s, errors);
    load_schedules(root, s, errors);
    load_service_calls(root, s, errors);
}

fn load_repositories(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    s.ecr_modelled = root.contains_key("repositories");
    let mut repos = std::mem::take(&mut s.repositories);
    repositories_at(root, "$", &s.arns, s.start_unix_s, &mut repos, errors);
    s.repositories = repos;
}

/// The `repositories` key of the object `root` at `prefix`, appended to `out`: ECS's scenario
/// root, and the EKS Scenario's `spec` (eks::engine::image_pull), read by the same rules.
pub fn repositories_at(root: &Map<String, Value>, prefix: &str, arns: &super::Arns, start_unix_s: i64, out: &mut Vec<Repository>, errors: &mut Errors) {
    let inputs: Vec<(String, RepositoryInput)> = super::list_at(root, prefix, "repositories", errors);
    for (path, r) in inputs {
        let name = r.repository_name.clone().unwrap_or_default();
        if !ecr::valid_repository_name(&name) {
            errors.push(format!("{path}.repositoryName"), "a repository name is 2-256 lowercase letters, numbers, and `.`, `_`, `-` or `/` between them");
        }
        if out.iter().any(|x| x.name == name) {
            errors.push(format!("{path}.repositoryName"), format!("RepositoryAlreadyExistsException: The repository with name '{name}' already exists in the registry with id '{}'", arns.account));
        }
        let tag_mutability = match r.image_tag_mutability.as_deref() {
            None | Some("MUTABLE") => TagMutability::Mutable,
            Some("IMMUTABLE") => TagMutability::Immutable,
            Some("IMMUTABLE_WITH_EXCLUSION") => TagMutability::ImmutableWithExclusion,
            Some("MUTABLE_WITH_EXCLUSION") => TagMutability::MutableWithExclusion,
            Some(o) => {
                errors.push(format!("{path}.imageTagMutability"), format!("`{o}` is not MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION"));
                TagMutability::Mutable
            }
        };
        let mut mutability_exclusions = Vec::new();
        for (k, f) in r.image_tag_mutability_exclusion_filters.iter().flatten().enumerate() {
            let fp = format!("{path}.imageTagMutabilityExclusionFilters[{k}]");
            if f.filter_type.as_deref() != Some("WILDCARD") {
                errors.push(format!("{fp}.filterType"), "filterType is WILDCARD");
            }
            match f.filter.as_deref() {
                Some(x) if !x.is_empty() && x.len() <= 128 && x.chars().all(|c| c.is_ascii_alphanumeric() || "._-*".contains(c)) => mutability_exclusions.push(x.to_string()),
                _ => errors.push(format!("{fp}.filter"), "a filter is 1-128 letters, digits, `.`, `_`, `-` and `*` wildcards"),
            }
        }
        let with_exclusion = matches!(tag_mutability, TagMutability::ImmutableWithExclusion | TagMutability::MutableWithExclusion);
        if with_exclusion && mutability_exclusions.is_empty() {
            errors.push(format!("{path}.imageTagMutabilityExclusionFilters"), format!("{} needs at least one exclusion filter", tag_mutability.as_str()));
        } else if !with_exclusion && !mutability_exclusions.is_empty() {
            errors.push(format!("{path}.imageTagMutabilityExclusionFilters"), "exclusion filters apply only with IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION");
        }
        let public = r.public.unwrap_or(false);
        let uri = if public {
            match &r.gallery_alias {
                Some(alias) if !alias.is_empty() => format!("public.ecr.aws/{alias}/{name}"),
                _ => {
                    errors.push(format!("{path}.galleryAlias"), "a public repository needs the registry's gallery alias (public.ecr.aws/<alias>/<name>)");
                    String::new()
                }
            }
        } else {
            format!("{}.dkr.ecr.{}.amazonaws.com/{name}", arns.account, arns.region)
        };
        let arn = if public { format!("arn:aws:ecr-public::{}:repository/{name}", arns.account) } else { format!("arn:aws:ecr:{}:{}:repository/{name}", arns.region, arns.account) };
        let mut repo = Repository {
            name,
            arn,
            uri,
            public,
            tag_mutability,
            mutability_exclusions,
            scan_on_push: r.image_scanning_configuration.and_then(|c| c.scan_on_push).unwrap_or(false),
            images: vec![],
            lifecycle: None,
        };
        for (k, i) in r.images.iter().flatten().enumerate() {
            let ip = format!("{path}.images[{k}]");
            if let Some(image) = image(&ip, i, &repo.name, start_unix_s, errors) {
                if let Err(e) = repo.push(image) {
                    errors.push(format!("{ip}.imageTags"), e);
                }
            }
        }
        if let Some(text) = &r.lifecycle_policy_text {
            if public {
                errors.push(format!("{path}.lifecyclePolicyText"), "lifecycle policies apply to private repositories only");
            }
            repo.lifecycle = lifecycle::parse(&format!("{path}.lifecyclePolicyText"), text, errors);
        }
        out.push(repo);
    }
}

/// An image as DescribeImages lists it. A missing digest is derived from the repository and
/// tags, so the same scenario always gets the same digests.
pub(super) fn image(path: &str, i: &ImageInput, repo: &str, start_unix_s: i64, errors: &mut Errors) -> Option<Image> {
    let before = errors.list.len();
    let tags = i.image_tags.clone().unwrap_or_default();
    for (k, t) in tags.iter().enumerate() {
        let ok = !t.is_empty() && t.len() <= 300 && t.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) && !t.starts_with(['.', '-']);
        if !ok {
            errors.push(format!("{path}.imageTags[{k}]"), format!("`{t}`: a tag is 1-300 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`"));
        }
    }
    let digest = match &i.image_digest {
        Some(d) => {
            if !(d.len() == 71 && d.starts_with("sha256:") && d[7..].bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())) {
                errors.push(format!("{path}.imageDigest"), "a digest is sha256: followed by 64 lowercase hex digits");
            }
            d.clone()
        }
        None => format!("sha256:{}", hex_id(&format!("{repo}@{}@{:?}", tags.join(","), i.image_pushed_at), 64)),
    };
    let size = match i.image_size_in_bytes {
        None => 100 * 1024 * 1024,
        Some(n) if (1..=10 * 1024 * 1024 * 1024 * 1024i64).contains(&n) => n as u64,
        Some(_) => {
            errors.push(format!("{path}.imageSizeInBytes"), "a size in bytes, more than 0");
            0
        }
    };
    let pushed = match i.image_pushed_at.as_deref() {
        None => start_unix_s,
        Some(t) if t.starts_with('-') => crate::time::parse_duration_ms(&t[1..]).map(|ms| start_unix_s - (ms / 1000) as i64).unwrap_or_else(|m| {
            errors.push(format!("{path}.imagePushedAt"), m);
            0
        }),
        Some(t) => crate::time::parse_iso_seconds(t).unwrap_or_else(|m| {
            errors.push(format!("{path}.imagePushedAt"), m);
            0
        }),
    };
    let architecture = i.architecture.clone().unwrap_or_else(|| "amd64".into());
    if !["amd64", "arm64"].contains(&architecture.as_str()) {
        errors.push(format!("{path}.architecture"), "amd64 or arm64");
    }
    let mut findings = BTreeMap::new();
    let scanned = i.image_scan_findings_summary.is_some();
    for (sev, n) in i.image_scan_findings_summary.as_ref().and_then(|f| f.finding_severity_counts.clone()).unwrap_or_default() {
        if !["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"].contains(&sev.as_str()) || n < 0 {
            errors.push(format!("{path}.imageScanFindingsSummary.findingSeverityCounts.{sev}"), "severities are CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL, UNDEFINED with counts ≥ 0");
            continue;
        }
        findings.insert(sev, n as u32);
    }
    (errors.list.len() == before).then_some(Image { digest, tags, size_bytes: size, pushed_at_unix_s: pushed, architecture, findings, scanned })
}

fn load_roles(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    if !root.contains_key("roles") {
        return;
    }
    let inputs: Vec<(String, RoleInput)> = list(root, "roles", errors);
    let mut roles = Vec::new();
    for (path, r) in inputs {
        let name = r.role_name.clone().unwrap_or_default();
        if name.is_empty() || name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)) {
            errors.push(format!("{path}.RoleName"), "a role name is 1-64 letters, digits and +=,.@_-");
        }
        let mut statements = Vec::new();
        if let Some(actions) = r.allowed_actions {
            statements.push(Statement { effect: Effect::Allow, actions, resources: vec!["*".into()], source: "allowedActions".into() });
        }
        for (k, arn) in r.managed_policy_arns.iter().flatten().enumerate() {
            match iam::managed_policy(arn) {
                Some(actions) => statements.push(Statement { effect: Effect::Allow, actions: actions.iter().map(|a| a.to_string()).collect(), resources: vec!["*".into()], source: super::name_of(arn).to_string() }),
                None => errors.push(format!("{path}.ManagedPolicyArns[{k}]"), format!("`{arn}` is not a managed policy Stevedore knows (AmazonECSTaskExecutionRolePolicy, AmazonEC2ContainerServiceforEC2Role, AmazonS3ReadOnlyAccess, AmazonS3FullAccess, AmazonDynamoDBReadOnlyAccess, AmazonDynamoDBFullAccess, SecretsManagerReadWrite, AmazonSSMReadOnlyAccess); write it as an inline policy")),
            }
        }
        for (k, p) in r.policies.into_iter().flatten().enumerate() {
            let pp = format!("{path}.Policies[{k}]");
            let pname = p.policy_name.unwrap_or_else(|| format!("policy {k}"));
            let Some(doc) = p.policy_document else {
                errors.push(format!("{pp}.PolicyDocument"), "required");
                continue;
            };
            for (j, st) in doc.statement.map(OneOrMany::into_vec).unwrap_or_default().into_iter().enumerate() {
                let sp = format!("{pp}.PolicyDocument.Statement[{j}]");
                let effect = match st.effect.as_deref() {
                    Some("Allow") => Effect::Allow,
                    Some("Deny") => Effect::Deny,
                    _ => {
                        errors.push(format!("{sp}.Effect"), "Effect is Allow or Deny");
                        continue;
                    }
                };
                if st.condition.is_some() {
                    // Ignoring a condition would allow what AWS may deny: refuse it instead.
                    errors.push(format!("{sp}.Condition"), "conditions are not modelled: Stevedore can't evaluate them, so it won't pretend to (drop the Condition or split the statement)");
                    continue;
                }
                let (Some(actions), Some(resources)) = (st.action, st.resource) else {
                    errors.push(sp, "a statement needs Action and Resource (NotAction and NotResource are not modelled)");
                    continue;
                };
                statements.push(Statement { effect, actions: actions.into_vec(), resources: resources.into_vec(), source: format!("inline policy {pname}") });
            }
        }
        let arn = format!("arn:aws:iam::{}:role/{name}", s.arns.account);
        let instance_profiles = vec![r.instance_profile_name.unwrap_or_else(|| name.clone())];
        roles.push(Role { name, arn, instance_profiles, statements });
    }
    // Every role a task definition, instance or schedule names must exist.
    for (t, td) in s.task_defs.iter().enumerate() {
        for (key, arn) in [("taskRoleArn", &td.task_role_arn), ("executionRoleArn", &td.execution_role_arn)] {
            if let Some(arn) = arn.as_deref().filter(|a| !a.is_empty()) {
                if !roles.iter().any(|r: &Role| r.name == super::name_of(arn)) {
                    errors.push(format!("$.taskDefinitions[{t}].{key}"), format!("role `{arn}` is not in roles: ECS can't assume a role that doesn't exist"));
                }
            }
        }
    }
    let known = |p: &str| roles.iter().any(|r| r.instance_profiles.iter().any(|x| x == super::name_of(p)));
    let mut missing: Vec<(String, &String)> = Vec::new();
    for p in s.instances.iter().filter(|i| i.capacity_provider.is_none()).filter_map(|i| i.iam_instance_profile.as_ref()) {
        missing.push(("$.containerInstances".into(), p));
    }
    for (g, p) in s.auto_scaling_groups.iter().enumerate().filter_map(|(g, a)| a.iam_instance_profile.as_ref().map(|p| (g, p))) {
        missing.push((format!("$.autoScalingGroups[{g}].IamInstanceProfile"), p));
    }
    missing.retain(|(_, p)| !known(p));
    missing.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    for (path, p) in missing {
        errors.push(path, format!("instance profile `{p}` holds no role in roles (a role's InstanceProfileName, or its RoleName)"));
    }
    s.roles = Some(roles);
}

fn load_secret_stores(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    if root.contains_key("ssmParameters") {
        let inputs: Vec<(String, ParameterInput)> = list(root, "ssmParameters", errors);
        let mut names = Vec::new();
        for (path, p) in inputs {
            let name = p.name.unwrap_or_default();
            if name.is_empty() || name.len() > 2048 {
                errors.push(format!("{path}.Name"), "a parameter name is 1-2048 characters");
            }
            if !matches!(p.kind.as_deref(), None | Some("String" | "StringList" | "SecureString")) {
                errors.push(format!("{path}.Type"), "Type is String, StringList or SecureString");
            }
            names.push(name);
        }
        s.ssm_parameters = Some(names);
    }
    if root.contains_key("secretsManagerSecrets") {
        let inputs: Vec<(String, SecretInput)> = list(root, "secretsManagerSecrets", errors);
        let mut secrets = Vec::new();
        for (path, x) in inputs {
            let name = x.name.unwrap_or_default();
            if name.is_empty() || name.len() > 512 || !name.chars().all(|c| c.is_ascii_alphanumeric() || "/_+=.@-".contains(c)) {
                errors.push(format!("{path}.Name"), "a secret name is 1-512 letters, digits and /_+=.@-");
            }
            // Secrets Manager appends a hyphen and six random characters to the name in the ARN.
            let suffix: String = hex_id(&format!("secret/{name}"), 6);
            let arn = format!("arn:aws:secretsmanager:{}:{}:secret:{name}-{suffix}", s.arns.region, s.arns.account);
            secrets.push(SecretDef { name, arn, json_keys: x.json_keys.unwrap_or_default() });
        }
        s.secrets_manager = Some(secrets);
    }
}

/// Parses a `valueFrom`: an SSM parameter name or ARN, or a Secrets Manager ARN with an
/// optional `:json-key:version-stage:version-id` tail.
pub fn secret_source(value_from: &str, region: &str, account: &str) -> SecretSource {
    if let Some(rest) = value_from.strip_prefix("arn:aws:secretsmanager:") {
        // region:account:secret:name[:json-key:stage:id]
        let parts: Vec<&str> = rest.splitn(6, ':').collect();
        let name = parts.get(3).copied().unwrap_or_default().to_string();
        let json_key = parts.get(4).filter(|k| !k.is_empty()).map(|k| k.to_string());
        let arn = format!("arn:aws:secretsmanager:{}", parts[..parts.len().min(4)].join(":"));
        return SecretSource::SecretsManager { arn, name, json_key };
    }
    if let Some(rest) = value_from.strip_prefix("arn:aws:ssm:") {
        let name = rest.split_once(":parameter").map_or("", |(_, n)| n);
        // `parameter/prod/x` names `/prod/x`; `parameter/x` names `x`.
        let name = match name.strip_prefix('/') {
            Some(n) if n.contains('/') => format!("/{n}"),
            Some(n) => n.to_string(),
            None => name.to_string(),
        };
        return SecretSource::Ssm { name, arn: value_from.to_string() };
    }
    let arn = format!("arn:aws:ssm:{region}:{account}:parameter{}{value_from}", if value_from.starts_with('/') { "" } else { "/" });
    SecretSource::Ssm { name: value_from.to_string(), arn }
}

/// Images in ECR must name a repository in `repositories` (when the key is given). A tag that
/// doesn't exist is *not* an error here: ECS accepts the task definition and the task fails
/// to start with CannotPullContainerError, which is what a lesson shows.
fn check_images(s: &Scenario, errors: &mut Errors) {
    if !s.ecr_modelled {
        return;
    }
    for (t, td) in s.task_defs.iter().enumerate() {
        for (c, cd) in td.containers.iter().enumerate() {
            let r = ecr::parse_image(&cd.image);
            let ecr_hosted = !matches!(r.registry, ecr::Registry::Other);
            if ecr_hosted && r.digest.as_ref().is_some_and(|d| !d.starts_with("sha256:")) {
                errors.push(format!("$.taskDefinitions[{t}].containerDefinitions[{c}].image"), "an image digest is @sha256: followed by 64 hex digits");
            }
        }
    }
}

fn load_discovery(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    let inputs: Vec<(String, NamespaceInput)> = list(root, "namespaces", errors);
    for (path, n) in inputs {
        let name = n.name.unwrap_or_default();
        let kind = match n.kind.as_deref() {
            None | Some("DNS_PRIVATE") => NamespaceKind::DnsPrivate,
            Some("HTTP") => NamespaceKind::Http,
            Some(o) => {
                errors.push(format!("{path}.Type"), format!("`{o}` is not DNS_PRIVATE or HTTP (public DNS namespaces are not modelled)"));
                NamespaceKind::DnsPrivate
            }
        };
        let dns_ok = name.split('.').all(|l| !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if name.is_empty() || name.len() > 253 || (kind == NamespaceKind::DnsPrivate && !dns_ok) {
            errors.push(format!("{path}.Name"), "a namespace name is a DNS name such as shop.local (an HTTP namespace may be any 1-1024 characters)");
        }
        if s.namespaces.iter().any(|x| x.name == name) {
            errors.push(format!("{path}.Name"), format!("NamespaceAlreadyExists: `{name}`"));
        }
        let id = format!("ns-{}", hex_id(&format!("ns/{name}"), 16));
        let arn = format!("arn:aws:servicediscovery:{}:{}:namespace/{id}", s.arns.region, s.arns.account);
        s.namespaces.push(Namespace { name, id, arn, kind });
    }
    let inputs: Vec<(String, DiscoveryServiceInput)> = list(root, "discoveryServices", errors);
    for (path, d) in inputs {
        let name = d.name.unwrap_or_default();
        let Some(ns) = find_namespace(&s.namespaces, d.namespace_id.as_deref().unwrap_or_default()) else {
            errors.push(format!("{path}.NamespaceId"), format!("no namespace `{}` in namespaces", d.namespace_id.unwrap_or_default()));
            continue;
        };
        let mut records = Vec::new();
        for (k, r) in d.dns_config.and_then(|c| c.dns_records).unwrap_or_default().iter().enumerate() {
            let kind = match r.kind.as_deref() {
                Some("A") => RecordType::A,
                Some("SRV") => RecordType::Srv,
                o => {
                    errors.push(format!("{path}.DnsConfig.DnsRecords[{k}].Type"), format!("{}: ECS registers A or SRV records (AAAA and CNAME are not modelled)", o.unwrap_or("missing")));
                    continue;
                }
            };
            records.push((kind, r.ttl.unwrap_or(60).clamp(0, 2_147_483_647) as u32));
        }
        if s.namespaces[ns].kind == NamespaceKind::DnsPrivate && records.is_empty() {
            errors.push(format!("{path}.DnsConfig"), "a service in a DNS namespace needs DnsConfig.DnsRecords (A and/or SRV)");
        }
        let id = format!("srv-{}", hex_id(&format!("srv/{name}/{ns}"), 16));
        let arn = format!("arn:aws:servicediscovery:{}:{}:service/{id}", s.arns.region, s.arns.account);
        if s.discovery_services.iter().any(|x| x.name == name && x.namespace == ns) {
            errors.push(format!("{path}.Name"), format!("ServiceAlreadyExists: `{name}` in namespace {}", s.namespaces[ns].name));
        }
        s.discovery_services.push(DiscoveryService { name, id, arn, namespace: ns, records });
    }
    let services: Vec<Value> = root.get("services").and_then(Value::as_array).cloned().unwrap_or_default();
    for (i, raw) in services.iter().enumerate() {
        let path = format!("$.services[{i}]");
        let name = raw.get("serviceName").and_then(Value::as_str).unwrap_or_default();
        let Some(si) = s.services.iter().position(|x| x.name == name) else { continue };
        if let Some(v) = raw.get("serviceRegistries").filter(|v| !v.is_null()) {
            if let Some(items) = typed::<Vec<ServiceRegistryInput>>(&format!("{path}.serviceRegistries"), v, errors) {
                if items.len() > 1 {
                    errors.push(format!("{path}.serviceRegistries"), "a service has at most one service registry");
                }
                for (k, r) in items.iter().enumerate() {
                    service_registry(&format!("{path}.serviceRegistries[{k}]"), si, r, s, errors);
                }
            }
        }
        if let Some(v) = raw.get("serviceConnectConfiguration").filter(|v| !v.is_null()) {
            if let Some(sc) = typed::<ServiceConnectInput>(&format!("{path}.serviceConnectConfiguration"), v, errors) {
                service_connect(&format!("{path}.serviceConnectConfiguration"), si, sc, s, errors);
            }
        }
    }
}

fn find_namespace(list: &[Namespace], reference: &str) -> Option<usize> {
    list.iter().position(|n| n.name == reference || n.id == reference || n.arn == reference)
}

/// ECS's rules for `serviceRegistries` (CreateService): bridge and host tasks can only use SRV
/// records and must name a container and port; awsvpc tasks may use A records.
fn service_registry(path: &str, si: usize, r: &ServiceRegistryInput, s: &mut Scenario, errors: &mut Errors) {
    let reference = r.registry_arn.as_deref().unwrap_or_default();
    let Some(ds) = s.discovery_services.iter().position(|d| d.arn == reference || d.id == reference || d.name == reference) else {
        errors.push(format!("{path}.registryArn"), format!("no Cloud Map service `{reference}` in discoveryServices"));
        return;
    };
    let td = &s.task_defs[s.services[si].task_def];
    let srv = s.discovery_services[ds].records.iter().any(|(k, _)| *k == RecordType::Srv);
    let a = s.discovery_services[ds].records.iter().any(|(k, _)| *k == RecordType::A);
    let container = match (&r.container_name, r.container_port) {
        (Some(name), Some(port)) => {
            let ok = td.containers.iter().any(|c| &c.name == name && c.ports.iter().any(|p| p.container_port as i64 == port));
            if !ok {
                errors.push(format!("{path}.containerPort"), format!("container `{name}` of {} has no portMappings entry with containerPort {port}", td.family_revision()));
                return;
            }
            Some((name.clone(), port as u16))
        }
        (None, None) => None,
        _ => {
            errors.push(path.to_string(), "containerName and containerPort go together");
            return;
        }
    };
    if td.network_mode != NetworkMode::Awsvpc {
        if a {
            errors.push(format!("{path}.registryArn"), format!("{} uses {} network mode: only SRV records are supported, so the Cloud Map service can't have an A record", td.family_revision(), td.network_mode.as_str()));
        }
        if container.is_none() {
            errors.push(path.to_string(), "with bridge or host network mode you must specify containerName and containerPort");
        }
    } else if srv && container.is_none() && r.port.is_none() {
        errors.push(path.to_string(), "an SRV record needs containerName and containerPort, or port");
    }
    if r.port.is_some() && container.is_some() {
        errors.push(format!("{path}.port"), "use either port or containerName and containerPort");
    }
    let port = r.port.and_then(|p| u16::try_from(p).ok());
    s.registrations.push(Registration { service: si, discovery_service: ds, container, port, client_alias: None });
}

/// Service Connect: each `services[]` entry publishes a port (by its portMappings name) under a
/// discovery name in the namespace; clients reach it at `dnsName:port` through the proxy.
fn service_connect(path: &str, si: usize, sc: ServiceConnectInput, s: &mut Scenario, errors: &mut Errors) {
    if !sc.enabled.unwrap_or(false) {
        return;
    }
    let Some(ns) = find_namespace(&s.namespaces, sc.namespace.as_deref().unwrap_or_default()) else {
        errors.push(format!("{path}.namespace"), format!("no namespace `{}` in namespaces", sc.namespace.unwrap_or_default()));
        return;
    };
    s.service_connect_members.push((si, ns));
    let td = s.task_defs[s.services[si].task_def].clone();
    for (k, e) in sc.services.unwrap_or_default().into_iter().enumerate() {
        let ep = format!("{path}.services[{k}]");
        let port_name = e.port_name.unwrap_or_default();
        let named = td.containers.iter().find_map(|c| {
            let raw = td.source.get("containerDefinitions")?.as_array()?.iter().find(|x| x.get("name").and_then(Value::as_str) == Some(c.name.as_str()))?;
            raw.get("portMappings")?.as_array()?.iter().find(|p| p.get("name").and_then(Value::as_str) == Some(port_name.as_str()))?.get("containerPort")?.as_u64().map(|p| (c.name.clone(), p as u16))
        });
        let Some(container) = named else {
            errors.push(format!("{ep}.portName"), format!("no portMappings entry named `{port_name}` in {}", td.family_revision()));
            continue;
        };
        let discovery_name = e.discovery_name.unwrap_or_else(|| port_name.clone());
        if !valid_name(&discovery_name, 64) {
            errors.push(format!("{ep}.discoveryName"), "a discovery name is 1-64 letters, numbers, hyphens and underscores");
        }
        let alias = match e.client_aliases.unwrap_or_default().first() {
            Some(a) => {
                let port = a.port.filter(|p| (1..=65535).contains(p)).map(|p| p as u16);
                if port.is_none() {
                    errors.push(format!("{ep}.clientAliases[0].port"), "a client alias needs a port 1-65535");
                }
                Some((a.dns_name.clone().unwrap_or_else(|| format!("{discovery_name}.{}", s.namespaces[ns].name)), port.unwrap_or(0)))
            }
            None => None,
        };
        let id = format!("srv-{}", hex_id(&format!("sc/{discovery_name}/{ns}"), 16));
        let arn = format!("arn:aws:servicediscovery:{}:{}:service/{id}", s.arns.region, s.arns.account);
        s.discovery_services.push(DiscoveryService { name: discovery_name, id, arn, namespace: ns, records: vec![] });
        let ds = s.discovery_services.len() - 1;
        s.registrations.push(Registration { service: si, discovery_service: ds, container: Some(container), port: None, client_alias: alias });
    }
}

fn load_schedules(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    let inputs: Vec<(String, ScheduleInput)> = list(root, "schedules", errors);
    for (path, x) in inputs {
        let before = errors.list.len();
        let name = x.name.unwrap_or_default();
        if name.is_empty() || name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) {
            errors.push(format!("{path}.Name"), "a schedule name is 1-64 letters, digits and -_.");
        }
        let zone = match &x.schedule_expression_timezone {
            None => crate::schedule::Zone::Fixed(0),
            Some(z) => crate::schedule::parse_zone(z).unwrap_or_else(|m| {
                errors.push(format!("{path}.ScheduleExpressionTimezone"), m);
                crate::schedule::Zone::Fixed(0)
            }),
        };
        let schedule = match crate::schedule::parse(x.schedule_expression.as_deref().unwrap_or_default(), zone) {
            Ok(sc) => Some(sc),
            Err(m) => {
                errors.push(format!("{path}.ScheduleExpression"), m);
                None
            }
        };
        let date = |key: &str, v: &Option<String>, errors: &mut Errors| {
            v.as_ref().and_then(|t| crate::time::parse_iso_seconds(t).map_err(|m| errors.push(format!("{path}.{key}"), m)).ok())
        };
        let start = date("StartDate", &x.start_date, errors).unwrap_or(s.start_unix_s);
        let end = date("EndDate", &x.end_date, errors);
        let enabled = match x.state.as_deref() {
            None | Some("ENABLED") => true,
            Some("DISABLED") => false,
            Some(o) => {
                errors.push(format!("{path}.State"), format!("`{o}` is not ENABLED or DISABLED"));
                true
            }
        };
        let window = match x.flexible_time_window {
            None => {
                errors.push(format!("{path}.FlexibleTimeWindow"), "required: {\"Mode\": \"OFF\"} or {\"Mode\": \"FLEXIBLE\", \"MaximumWindowInMinutes\": 1-1440}");
                0
            }
            Some(w) => match (w.mode.as_deref(), w.maximum_window_in_minutes) {
                (Some("OFF"), None) => 0,
                (Some("FLEXIBLE"), Some(m)) if (1..=1440).contains(&m) => m as u32,
                _ => {
                    errors.push(format!("{path}.FlexibleTimeWindow"), "Mode OFF (no MaximumWindowInMinutes), or Mode FLEXIBLE with MaximumWindowInMinutes 1-1440");
                    0
                }
            },
        };
        let Some(target) = x.target else {
            errors.push(format!("{path}.Target"), "required: the cluster ARN, RoleArn and EcsParameters");
            continue;
        };
        if target.arn.as_deref().map(super::name_of) != Some(s.arns.cluster.as_str()) {
            errors.push(format!("{path}.Target.Arn"), format!("the target is this scenario's cluster, {}", s.arns.cluster_arn()));
        }
        let role_arn = target.role_arn.unwrap_or_default();
        if role_arn.is_empty() {
            errors.push(format!("{path}.Target.RoleArn"), "required: the role EventBridge Scheduler assumes to call ecs:RunTask");
        }
        let Some(params) = target.ecs_parameters else {
            errors.push(format!("{path}.Target.EcsParameters"), "required (TaskDefinitionArn at least)");
            continue;
        };
        let run_input = run_task_from_ecs_parameters(&params);
        let Some(run) = typed::<super::types::RunTask>(&format!("{path}.Target.EcsParameters"), &run_input, errors) else { continue };
        let Some(mut run) = super::services::run_task(&format!("{path}.Target.EcsParameters"), &run, s, errors) else { continue };
        run.at = 0;
        if errors.list.len() > before {
            continue;
        }
        let Some(schedule) = schedule else { continue };
        s.schedules.push(ScheduleDef { name, schedule, zone, start_unix_s: start, end_unix_s: end, enabled, flexible_window_min: window, run, role_arn });
    }
}

/// EventBridge Scheduler's EcsParameters are RunTask's fields in PascalCase.
fn run_task_from_ecs_parameters(p: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (k, v) in p {
        let key = match k.as_str() {
            "TaskDefinitionArn" => "taskDefinition",
            "TaskCount" => "count",
            "LaunchType" => "launchType",
            "Group" => "group",
            "CapacityProviderStrategy" => "capacityProviderStrategy",
            "PlacementConstraints" => "placementConstraints",
            "PlacementStrategy" => "placementStrategy",
            "PlatformVersion" => "platformVersion",
            "NetworkConfiguration" => {
                let vpc = v.get("awsvpcConfiguration").cloned().unwrap_or(Value::Null);
                let lower = |key: &str| vpc.get(key).cloned().unwrap_or(Value::Null);
                out.insert("networkConfiguration".into(), serde_json::json!({"awsvpcConfiguration": {"subnets": lower("Subnets"), "securityGroups": lower("SecurityGroups"), "assignPublicIp": lower("AssignPublicIp")}}));
                continue;
            }
            _ => continue,
        };
        out.insert(key.into(), v.clone());
    }
    Value::Object(out)
}

fn load_service_calls(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    let inputs: Vec<(String, ServiceCallInput)> = list(root, "serviceCalls", errors);
    for (path, c) in inputs {
        let from = c.from.unwrap_or_default();
        let Some(si) = s.services.iter().position(|x| x.name == from) else {
            errors.push(format!("{path}.from"), format!("no service `{from}`"));
            continue;
        };
        let to = c.to.unwrap_or_default();
        let (host, port) = match to.rsplit_once(':') {
            Some((h, p)) => match p.parse::<u16>() {
                Ok(p) => (h.to_string(), Some(p)),
                Err(_) => {
                    errors.push(format!("{path}.to"), "`host:port` with a port 1-65535");
                    continue;
                }
            },
            None => (to.clone(), None),
        };
        if host.is_empty() {
            errors.push(format!("{path}.to"), "required: the name the caller resolves (a Cloud Map name such as orders.shop.local, or a Service Connect alias)");
            continue;
        }
        let rate = c.requests_per_second_per_task.unwrap_or(1.0);
        if !(0.0..=100_000.0).contains(&rate) {
            errors.push(format!("{path}.requestsPerSecondPerTask"), "0-100000");
        }
        s.service_calls.push(ServiceCall { from: si, to, host, port, per_task_per_s: rate });
    }
}
