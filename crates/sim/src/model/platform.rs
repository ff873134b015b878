//! The rest of the platform around ECS: secret stores, Cloud Map, schedules, service calls.

use super::RunTaskDef;

/// A Secrets Manager secret (CreateSecret). Its value is never held: only the JSON keys a
/// `valueFrom` may select.
#[derive(Debug, Clone)]
pub struct SecretDef {
    pub name: String,
    /// `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>`.
    pub arn: String,
    pub json_keys: Vec<String>,
}

/// Where a container's `secrets[].valueFrom` points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// SSM Parameter Store: the parameter name (`/prod/db/password` or `db-password`) and the ARN.
    Ssm { name: String, arn: String },
    /// Secrets Manager: the secret ARN as written (without the JSON key part), its name part
    /// and the optional JSON key.
    SecretsManager { arn: String, name: String, json_key: Option<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NamespaceKind {
    DnsPrivate,
    Http,
}

/// A Cloud Map namespace (CreatePrivateDnsNamespace / CreateHttpNamespace).
#[derive(Debug, Clone)]
pub struct Namespace {
    pub name: String,
    pub id: String,
    pub arn: String,
    pub kind: NamespaceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RecordType {
    A,
    #[serde(rename = "SRV")]
    Srv,
}

/// A Cloud Map service (servicediscovery CreateService): a name in a namespace.
#[derive(Debug, Clone)]
pub struct DiscoveryService {
    pub name: String,
    pub id: String,
    pub arn: String,
    pub namespace: usize,
    /// DnsConfig.DnsRecords (empty for an HTTP namespace).
    pub records: Vec<(RecordType, u32)>,
}

/// How an ECS service registers its tasks in Cloud Map: `serviceRegistries[]`, or one of the
/// names a Service Connect configuration publishes.
#[derive(Debug, Clone)]
pub struct Registration {
    pub service: usize,
    pub discovery_service: usize,
    /// The container and port whose address is registered (the host port for bridge/host).
    pub container: Option<(String, u16)>,
    /// `port` for awsvpc SRV records without a container.
    pub port: Option<u16>,
    /// Service Connect: the client alias `dnsName:port` that reaches it through the proxy.
    pub client_alias: Option<(String, u16)>,
}

/// An EventBridge Scheduler schedule that runs ECS tasks (CreateSchedule with an ECS target).
#[derive(Debug, Clone)]
pub struct ScheduleDef {
    pub name: String,
    pub schedule: crate::schedule::Schedule,
    pub zone: crate::schedule::Zone,
    pub start_unix_s: i64,
    pub end_unix_s: Option<i64>,
    pub enabled: bool,
    /// FlexibleTimeWindow MaximumWindowInMinutes (0 = OFF).
    pub flexible_window_min: u32,
    pub run: RunTaskDef,
    /// The RoleArn the scheduler assumes to call ecs:RunTask.
    pub role_arn: String,
}

/// Requests one service's tasks make to another, by the name they resolve.
#[derive(Debug, Clone)]
pub struct ServiceCall {
    pub from: usize,
    /// As written: `orders.shop.local`, `orders.shop.local:8080` or a Service Connect alias.
    pub to: String,
    pub host: String,
    pub port: Option<u16>,
    pub per_task_per_s: f64,
}
