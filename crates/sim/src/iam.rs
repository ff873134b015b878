//! IAM as a task sees it: roles with identity policies, and which identity a call uses.
//!
//! Evaluation follows IAM's documented logic for a single identity policy set: an explicit
//! Deny wins, otherwise an Allow is needed, otherwise the call is implicitly denied. Action and
//! Resource patterns use `*` and `?` wildcards, case-insensitive for actions.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub effect: Effect,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
    /// Where it came from, to explain a decision ("inline policy s3-read", "AmazonECSTaskExecutionRolePolicy").
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub name: String,
    pub arn: String,
    /// Instance profile names that hold this role (EC2 container instances use these).
    pub instance_profiles: Vec<String>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub allowed: bool,
    /// `explicitDeny`, `allow` or `implicitDeny`.
    pub basis: &'static str,
    /// The statement's source that decided it (empty for an implicit deny).
    pub by: String,
}

/// AWS managed policies Stevedore knows, with the actions they grant (on `*`).
pub fn managed_policy(arn: &str) -> Option<&'static [&'static str]> {
    let name = arn.rsplit('/').next().unwrap_or(arn);
    Some(match name {
        "AmazonECSTaskExecutionRolePolicy" => &[
            "ecr:GetAuthorizationToken",
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ],
        "AmazonEC2ContainerServiceforEC2Role" => &[
            "ecs:CreateCluster",
            "ecs:DeregisterContainerInstance",
            "ecs:DiscoverPollEndpoint",
            "ecs:Poll",
            "ecs:RegisterContainerInstance",
            "ecs:StartTelemetrySession",
            "ecs:Submit*",
            "ecr:GetAuthorizationToken",
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ],
        "AmazonS3ReadOnlyAccess" => &["s3:Get*", "s3:List*", "s3:Describe*"],
        "AmazonS3FullAccess" => &["s3:*"],
        "AmazonDynamoDBReadOnlyAccess" => &["dynamodb:BatchGetItem", "dynamodb:Describe*", "dynamodb:List*", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PartiQLSelect"],
        "AmazonDynamoDBFullAccess" => &["dynamodb:*"],
        "SecretsManagerReadWrite" => &["secretsmanager:*"],
        "AmazonSSMReadOnlyAccess" => &["ssm:Describe*", "ssm:Get*", "ssm:List*"],
        // An EKS node's instance role (eksctl attaches these three by default).
        "AmazonEKSWorkerNodePolicy" => &["ec2:DescribeInstances", "ec2:DescribeInstanceTypes", "ec2:DescribeRouteTables", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVolumes", "ec2:DescribeVolumesModifications", "ec2:DescribeVpcs", "eks:DescribeCluster", "eks-auth:AssumeRoleForPodIdentity"],
        "AmazonEKS_CNI_Policy" => &["ec2:AssignPrivateIpAddresses", "ec2:AttachNetworkInterface", "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeInstances", "ec2:DescribeTags", "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceTypes", "ec2:DescribeSubnets", "ec2:DetachNetworkInterface", "ec2:ModifyNetworkInterfaceAttribute", "ec2:UnassignPrivateIpAddresses", "ec2:CreateTags"],
        "AmazonEC2ContainerRegistryReadOnly" => &["ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:GetRepositoryPolicy", "ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages", "ecr:BatchGetImage", "ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicyPreview", "ecr:ListTagsForResource", "ecr:DescribeImageScanFindings"],
        _ => return None,
    })
}

/// `*` matches any run of characters, `?` any one character.
pub fn glob(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    if case_insensitive {
        crate::wildcard::matches(&pattern.to_ascii_lowercase(), &text.to_ascii_lowercase(), true)
    } else {
        crate::wildcard::matches(pattern, text, true)
    }
}

impl Role {
    pub fn evaluate(&self, action: &str, resource: &str) -> Decision {
        let applies = |s: &&Statement| s.actions.iter().any(|a| glob(a, action, true)) && s.resources.iter().any(|r| glob(r, resource, false));
        if let Some(s) = self.statements.iter().filter(|s| s.effect == Effect::Deny).find(applies) {
            return Decision { allowed: false, basis: "explicitDeny", by: s.source.clone() };
        }
        if let Some(s) = self.statements.iter().filter(|s| s.effect == Effect::Allow).find(applies) {
            return Decision { allowed: true, basis: "allow", by: s.source.clone() };
        }
        Decision { allowed: false, basis: "implicitDeny", by: String::new() }
    }
}

/// A role's ARN from an ARN or a bare role name.
pub fn role_arn(account: &str, role: &str) -> String {
    if role.starts_with("arn:") {
        role.to_string()
    } else {
        format!("arn:aws:iam::{account}:role/{role}")
    }
}

/// AWS's AccessDenied wording for a denied call by an assumed role.
pub fn access_denied(account: &str, role: &str, session: &str, action: &str, resource: &str, d: &Decision) -> String {
    let why = if d.basis == "explicitDeny" {
        "with an explicit deny in an identity-based policy".to_string()
    } else {
        format!("because no identity-based policy allows the {action} action")
    };
    format!("AccessDeniedException: User: arn:aws:sts::{account}:assumed-role/{role}/{session} is not authorized to perform: {action} on resource: {resource} {why}")
}

/// Who a container's AWS SDK call runs as.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum CallIdentity {
    /// The task role (credentials from the ECS agent's endpoint).
    TaskRole { role_arn: String },
    /// No task role on EC2: the SDK falls back to the instance metadata, i.e. the container
    /// instance's instance profile role.
    InstanceProfile { instance_profile: String, role_arn: Option<String> },
    /// No task role on Fargate (or an instance without a profile): no credentials at all.
    None,
}
