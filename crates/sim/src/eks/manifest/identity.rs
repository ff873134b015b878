//! What a pod's AWS calls may run as (eks-semantics §8): `v1` ServiceAccounts with IRSA's
//! `eks.amazonaws.com/role-arn` annotation, eksctl's `iam.serviceAccounts[]` and
//! `iam.podIdentityAssociations[]`, each node group's instance role and IMDS reach, and the
//! Scenario's `spec.roles` (IAM roles in ECS's CreateRole shape, evaluated by `crate::iam`).

use super::read::{self, key_path};
use crate::error::Errors;
use crate::iam::{self, Effect, Role, Statement};
use serde_json::Value;

/// IRSA's ServiceAccount annotation (EKSUG iam-roles-for-service-accounts).
pub const ROLE_ARN_ANNOTATION: &str = "eks.amazonaws.com/role-arn";
/// The account roles are named in when an ARN does not say (the AWS documentation's).
pub const DEFAULT_ACCOUNT: &str = "123456789012";
/// The policies eksctl attaches to a node group's instance role when `iam.attachPolicyARNs`
/// is not set (eksctl `iam.go`; the EKS user guide's node IAM role page).
pub const NODE_POLICIES: &[&str] = &["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"];

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAccount {
    pub name: String,
    pub namespace: String,
    /// IRSA: the role the pod's web identity token is exchanged for.
    pub role_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PodIdentityAssociation {
    pub namespace: String,
    pub service_account: String,
    pub role_arn: String,
}

/// A node group's instance role and whether its pods reach IMDS.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeGroupIdentity {
    pub group: String,
    pub role_arn: String,
    /// The launch template's `HttpPutResponseHopLimit`: a container on the pod network is one
    /// hop further than the host, so 1 keeps it from IMDS.
    pub hop_limit: i64,
    /// eksctl `disablePodIMDS`: only host-network pods reach IMDS.
    pub pod_imds_disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Identity {
    pub service_accounts: Vec<ServiceAccount>,
    pub associations: Vec<PodIdentityAssociation>,
    pub node_groups: Vec<NodeGroupIdentity>,
    /// Scenario `spec.roles` plus the roles eksctl creates (service accounts, node groups).
    pub roles: Vec<Role>,
    /// The cluster's OIDC issuer when the account has no IAM OIDC provider for it (a
    /// ClusterConfig without `iam.withOIDC: true`): IRSA's `AssumeRoleWithWebIdentity` fails.
    /// None: a provider exists (`withOIDC: true`, or no ClusterConfig in the file [our choice:
    /// a cluster described only by its objects is taken as set up for IRSA]).
    pub oidc_missing: Option<String>,
}

impl Identity {
    pub fn role(&self, arn: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.arn == arn)
    }
}

fn managed(arn: &str, p: &str, e: &mut Errors) -> Option<Statement> {
    match iam::managed_policy(arn) {
        Some(actions) => Some(Statement { effect: Effect::Allow, actions: actions.iter().map(|a| a.to_string()).collect(), resources: vec!["*".into()], source: arn.rsplit('/').next().unwrap_or(arn).to_string() }),
        None => {
            e.push(p, format!("`{arn}` is not a managed policy Stevedore knows (e.g. AmazonS3ReadOnlyAccess, AmazonDynamoDBReadOnlyAccess, AmazonEKSWorkerNodePolicy); write it as an inline policy"));
            None
        }
    }
}

fn one_or_many(v: &Value, key: &str, p: &str, e: &mut Errors) -> Option<Vec<String>> {
    match read::field(v, key)? {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(_) => Some(read::strings(v, key, p, e)),
        other => {
            e.push(key_path(p, key), format!("must be a string or a list of strings, not {}", read::type_name(other)));
            None
        }
    }
}

/// `spec.roles[]` of the Scenario: `RoleName`, `ManagedPolicyArns`, inline `Policies`
/// (`PolicyName`, `PolicyDocument.Statement[]` with `Effect`, `Action`, `Resource`) and the
/// shorthand `allowedActions` (Allow on `*`), as the ECS scenario's `roles`.
pub fn roles(s: &Value, sp: &str, e: &mut Errors) -> Vec<Role> {
    let mut out: Vec<Role> = Vec::new();
    for (p, r) in read::list(s, "roles", sp, e) {
        let name = read::string(r, "RoleName", &p, e).unwrap_or_default();
        if name.is_empty() || name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)) {
            e.push(key_path(&p, "RoleName"), "a role name is 1-64 letters, digits and +=,.@_-");
        }
        if out.iter().any(|o| o.name == name) {
            e.push(key_path(&p, "RoleName"), format!("role {name:?} is declared twice"));
        }
        let mut statements = Vec::new();
        if read::field(r, "allowedActions").is_some() {
            statements.push(Statement { effect: Effect::Allow, actions: read::strings(r, "allowedActions", &p, e), resources: vec!["*".into()], source: "allowedActions".into() });
        }
        for (mp, arn) in read::list(r, "ManagedPolicyArns", &p, e) {
            match arn.as_str() {
                Some(a) => statements.extend(managed(a, &mp, e)),
                None => e.push(mp, "must be a policy ARN string"),
            }
        }
        for (k, (pp, pol)) in read::list(r, "Policies", &p, e).into_iter().enumerate() {
            let pname = read::string(pol, "PolicyName", &pp, e).unwrap_or_else(|| format!("policy {k}"));
            let Some((dp, doc)) = read::object(pol, "PolicyDocument", &pp, e) else {
                e.push(key_path(&pp, "PolicyDocument"), "is required");
                continue;
            };
            let sts: Vec<(String, &Value)> = match read::field(doc, "Statement") {
                Some(x @ Value::Object(_)) => vec![(key_path(&dp, "Statement"), x)],
                _ => read::list(doc, "Statement", &dp, e),
            };
            for (stp, st) in sts {
                let effect = match read::string(st, "Effect", &stp, e).as_deref() {
                    Some("Allow") => Effect::Allow,
                    Some("Deny") => Effect::Deny,
                    _ => {
                        e.push(key_path(&stp, "Effect"), "Effect is Allow or Deny");
                        continue;
                    }
                };
                if read::field(st, "Condition").is_some() {
                    e.push(key_path(&stp, "Condition"), "conditions are not modelled: Stevedore can't evaluate them, so it won't pretend to");
                    continue;
                }
                let (Some(actions), Some(resources)) = (one_or_many(st, "Action", &stp, e), one_or_many(st, "Resource", &stp, e)) else {
                    e.push(stp, "a statement needs Action and Resource (NotAction and NotResource are not modelled)");
                    continue;
                };
                statements.push(Statement { effect, actions, resources, source: format!("inline policy {pname}") });
            }
        }
        let arn = iam::role_arn(DEFAULT_ACCOUNT, &name);
        out.push(Role { instance_profiles: vec![name.clone()], name, arn, statements });
    }
    out
}

fn check_arn(arn: &str, p: &str, e: &mut Errors) {
    let ok = arn.strip_prefix("arn:aws:iam::").and_then(|x| x.split_once(":role/")).is_some_and(|(acct, name)| acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty());
    if !ok {
        e.push(p, format!("{arn:?} must be an IAM role ARN (arn:aws:iam::123456789012:role/NAME)"));
    }
}

/// A `v1` ServiceAccount document.
pub fn service_account(meta: &Value, mp: &str, name: String, namespace: String, e: &mut Errors) -> ServiceAccount {
    let ann = read::string_map(meta, "annotations", mp, e);
    let role_arn = ann.get(ROLE_ARN_ANNOTATION).cloned();
    if let Some(a) = &role_arn {
        check_arn(a, &key_path(&key_path(mp, "annotations"), ROLE_ARN_ANNOTATION), e);
    }
    ServiceAccount { name, namespace, role_arn }
}

/// eksctl's `iam` section and each node group's `iam`, `disablePodIMDS` and hop limit, read
/// from the ClusterConfig document; the roles eksctl would create join `id.roles`.
pub fn cluster_identity(v: &Value, path: &str, cluster: &str, region: &str, id: &mut Identity, e: &mut Errors) {
    let iam_section = read::object(v, "iam", path, e);
    // `iam.withOIDC`: eksctl associates an IAM OIDC provider with the cluster (eks-semantics §8:
    // IRSA needs one per cluster). Without it eksctl refuses `iam.serviceAccounts`
    // (ValidateClusterConfig's wording) and IRSA's token exchange finds no provider.
    let with_oidc = iam_section.as_ref().and_then(|(ip, i)| read::boolean(i, "withOIDC", ip, e)).unwrap_or(false);
    if !with_oidc {
        id.oidc_missing = Some(format!("https://oidc.eks.{region}.amazonaws.com/id/{}", crate::scenario::hex_id(&format!("oidc/{cluster}/{region}"), 32).to_ascii_uppercase()));
        if let Some((ip, i)) = &iam_section {
            if !read::list(i, "serviceAccounts", ip, &mut Errors::default()).is_empty() {
                e.push(key_path(ip, "withOIDC"), "iam.withOIDC must be enabled explicitly for iam.serviceAccounts to be created");
            }
        }
    }
    if let Some((ip, i)) = iam_section {
        for (p, sa) in read::list(i, "serviceAccounts", &ip, e) {
            let (mp, m) = read::object(sa, "metadata", &p, e).unwrap_or_else(|| (key_path(&p, "metadata"), &Value::Null));
            let name = read::string(m, "name", &mp, e).unwrap_or_default();
            if name.is_empty() {
                e.push(key_path(&mp, "name"), "is required");
            }
            let namespace = read::string(m, "namespace", &mp, e).unwrap_or_else(|| "default".into());
            let attach = read::string(sa, "attachRoleARN", &p, e);
            let role_arn = match attach {
                Some(a) => {
                    check_arn(&a, &key_path(&p, "attachRoleARN"), e);
                    a
                }
                None => {
                    // eksctl creates the role (CloudFormation names it; ours is the readable stem).
                    let rn = read::string(sa, "roleName", &p, e).unwrap_or_else(|| format!("eksctl-{cluster}-addon-iamserviceaccount-{namespace}-{name}"));
                    let statements: Vec<Statement> = read::list(sa, "attachPolicyARNs", &p, e).into_iter().filter_map(|(pp, a)| a.as_str().and_then(|a| managed(a, &pp, e))).collect();
                    if statements.is_empty() {
                        e.push(p.clone(), "an iam.serviceAccounts entry needs attachPolicyARNs (the role eksctl creates) or attachRoleARN");
                    }
                    let arn = iam::role_arn(DEFAULT_ACCOUNT, &rn);
                    id.roles.push(Role { name: rn.clone(), arn: arn.clone(), instance_profiles: vec![], statements });
                    arn
                }
            };
            id.service_accounts.push(ServiceAccount { name, namespace, role_arn: Some(role_arn) });
        }
        for (p, a) in read::list(i, "podIdentityAssociations", &ip, e) {
            let namespace = read::string(a, "namespace", &p, e).unwrap_or_default();
            let sa = read::string(a, "serviceAccountName", &p, e).unwrap_or_default();
            let role = read::string(a, "roleARN", &p, e).unwrap_or_default();
            for (k, x) in [("namespace", &namespace), ("serviceAccountName", &sa), ("roleARN", &role)] {
                if x.is_empty() {
                    e.push(key_path(&p, k), "is required");
                }
            }
            if !role.is_empty() {
                check_arn(&role, &key_path(&p, "roleARN"), e);
            }
            // EKS: one role per service account (eks-semantics §8 limits).
            if id.associations.iter().any(|o| o.namespace == namespace && o.service_account == sa) {
                e.push(p.clone(), format!("service account {namespace}/{sa} already has a Pod Identity association (one role per service account)"));
            }
            id.associations.push(PodIdentityAssociation { namespace, service_account: sa, role_arn: role });
        }
    }
    for (key, managed_group) in [("managedNodeGroups", true), ("nodeGroups", false)] {
        for (p, g) in read::list(v, key, path, e) {
            let group = read::string(g, "name", &p, e).unwrap_or_default();
            let mut role_arn = None;
            let mut policies: Option<Vec<Statement>> = None;
            if let Some((gp, gi)) = read::object(g, "iam", &p, e) {
                if let Some(a) = read::string(gi, "instanceRoleARN", &gp, e) {
                    check_arn(&a, &key_path(&gp, "instanceRoleARN"), e);
                    role_arn = Some(a);
                }
                if read::field(gi, "attachPolicyARNs").is_some() {
                    policies = Some(read::list(gi, "attachPolicyARNs", &gp, e).into_iter().filter_map(|(pp, a)| a.as_str().and_then(|a| managed(a, &pp, e))).collect());
                }
            }
            // AL2023 managed node groups default the hop limit to 1 (EKSUG nodes/al2023.adoc,
            // newer than the launch-template page's 2: eks-semantics §8, §12.3). Self-managed
            // groups: eksctl's own launch template, 2 [our choice: AWS's EC2 default is 1, eksctl
            // raises it so pods keep working].
            let hop_limit = read::int(g, "httpPutResponseHopLimit", &p, 1, 64, e).unwrap_or(if managed_group { 1 } else { 2 });
            let pod_imds_disabled = read::boolean(g, "disablePodIMDS", &p, e).unwrap_or(false);
            let role_arn = role_arn.unwrap_or_else(|| {
                let name = format!("eksctl-{cluster}-nodegroup-{group}-NodeInstanceRole");
                let statements = policies.unwrap_or_else(|| NODE_POLICIES.iter().filter_map(|n| managed(&format!("arn:aws:iam::aws:policy/{n}"), &p, e)).collect());
                let arn = iam::role_arn(DEFAULT_ACCOUNT, &name);
                id.roles.push(Role { name: name.clone(), arn: arn.clone(), instance_profiles: vec![name], statements });
                arn
            });
            id.node_groups.push(NodeGroupIdentity { group, role_arn, hop_limit, pod_imds_disabled });
        }
    }
}
