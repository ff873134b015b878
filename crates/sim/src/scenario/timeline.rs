//! Timeline entries: `{"at": "5m", "action": "<AWS call name>", "input": {<request body>}}`.

use crate::sort::SortSmall;
use super::types::*;
use super::{duration_input, list, typed, Scenario};
use crate::error::Errors;
use crate::model::*;
use stevedore_derive::FromJson;
use serde_json::{Map, Value};

pub const ACTIONS: &[&str] = &["UpdateService", "RunTask", "StopTask", "UpdateContainerInstancesState", "DeregisterContainerInstance", "RegisterContainerInstance", "PutMetricData", "SetTraffic", "SpotInterruption", "PutImage", "PutLifecyclePolicy", "CallAwsApi", "StartExperiment"];

/// Container instances per cluster (ECS quota), counting those registered by the timeline.
const MAX_INSTANCES: usize = super::infrastructure::MAX_INSTANCES;

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct UpdateServiceInput {
    service: Option<String>,
    desired_count: Option<i64>,
    task_definition: Option<String>,
    force_new_deployment: Option<bool>,
    availability_zone_rebalancing: Option<String>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct SpotInput {
    ec2_instance_id: Option<String>,
    task_arn: Option<String>,
    count: Option<i64>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct StopTaskInput {
    task: Option<String>,
    reason: Option<String>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct UpdateStateInput {
    container_instances: Option<Vec<String>>,
    status: Option<String>,
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct DeregisterInput {
    container_instance: Option<String>,
    force: Option<bool>,
}

pub fn load(root: &Map<String, Value>, s: &mut Scenario, errors: &mut Errors) {
    let entries: Vec<(String, TimelineEntry)> = list(root, "timeline", errors);
    let mut registered = s.instances.len();
    for (k, (path, entry)) in entries.into_iter().enumerate() {
        let Some(at) = duration_input(&format!("{path}.at"), &entry.at, errors) else { continue };
        let ip = format!("{path}.input");
        // Fault injection: one FIS action, or an experiment that expands into several.
        if super::faults::is_fis_action(&entry.action) {
            s.timeline.extend(super::faults::single(&ip, &entry.action, &entry.input, at, k, s, errors));
            continue;
        }
        if entry.action == "StartExperiment" {
            let actions = super::faults::start_experiment(&ip, &entry.input, at, k, s, errors);
            s.timeline.extend(actions);
            continue;
        }
        let action = match entry.action.as_str() {
            "UpdateService" => update_service(&ip, &entry.input, s, errors),
            "RunTask" => typed::<RunTask>(&ip, &entry.input, errors).and_then(|mut r| {
                r.at = None;
                run_task(&ip, &r, s, errors)
            }),
            "StopTask" => typed::<StopTaskInput>(&ip, &entry.input, errors).and_then(|i| match i.task {
                Some(task) => Some(Action::StopTask { task, reason: i.reason.unwrap_or_else(|| "Task stopped by user".into()) }),
                None => {
                    errors.push(format!("{ip}.task"), "required: the task ARN or id");
                    None
                }
            }),
            "UpdateContainerInstancesState" => typed::<UpdateStateInput>(&ip, &entry.input, errors).and_then(|i| {
                let draining = match i.status.as_deref() {
                    Some("DRAINING") => true,
                    Some("ACTIVE") => false,
                    o => {
                        errors.push(format!("{ip}.status"), format!("{}: status is ACTIVE or DRAINING", o.unwrap_or("missing")));
                        return None;
                    }
                };
                let instances = i.container_instances.unwrap_or_default();
                if instances.is_empty() || instances.len() > 10 {
                    errors.push(format!("{ip}.containerInstances"), "1-10 container instance ARNs, ids or EC2 instance ids");
                    return None;
                }
                Some(Action::UpdateContainerInstancesState { instances, draining })
            }),
            "DeregisterContainerInstance" => typed::<DeregisterInput>(&ip, &entry.input, errors).and_then(|i| match i.container_instance {
                Some(instance) => Some(Action::DeregisterContainerInstance { instance, force: i.force.unwrap_or(false) }),
                None => {
                    errors.push(format!("{ip}.containerInstance"), "required");
                    None
                }
            }),
            // Stevedore's shorthand for launching instances mid-run: the input is a
            // `containerInstances` entry (instanceType, availabilityZone, count, ...).
            "RegisterContainerInstance" => typed::<ContainerInstanceInput>(&ip, &entry.input, errors).and_then(|i| {
                let specs = super::infrastructure::instances(&ip, &i, None, registered, s, errors);
                registered += specs.len();
                if registered > MAX_INSTANCES {
                    errors.push(ip.clone(), format!("the cluster would hold {registered} container instances, over the quota of {MAX_INSTANCES}"));
                    return None;
                }
                (!specs.is_empty()).then_some(Action::RegisterContainerInstance(specs))
            }),
            "SpotInterruption" => typed::<SpotInput>(&ip, &entry.input, errors).and_then(|i| {
                let count = i.count.unwrap_or(1);
                match (&i.ec2_instance_id, &i.task_arn) {
                    (None, None) if i.count.is_none() => {
                        errors.push(ip.clone(), "give ec2InstanceId (an EC2 Spot instance), taskArn or count (Fargate Spot tasks)");
                        None
                    }
                    (Some(_), Some(_)) => {
                        errors.push(ip.clone(), "give either ec2InstanceId or taskArn, not both");
                        None
                    }
                    _ if !(1..=1000).contains(&count) => {
                        errors.push(format!("{ip}.count"), "1-1000 tasks");
                        None
                    }
                    _ => Some(Action::SpotInterruption { ec2_instance_id: i.ec2_instance_id, task: i.task_arn, count: count as u32 }),
                }
            }),
            "PutMetricData" => super::scaling::metric_data(&ip, &entry.input, errors).map(Action::PutMetricData),
            // Replaces a target group's traffic curve from this moment on (curve times stay absolute).
            "SetTraffic" => super::scaling::set_traffic(&ip, &entry.input, s, errors).map(Action::SetTraffic),
            "PutImage" => put_image(&ip, &entry.input, s, errors),
            "PutLifecyclePolicy" => put_lifecycle_policy(&ip, &entry.input, s, errors),
            "CallAwsApi" => call_aws_api(&ip, &entry.input, s, errors),
            other => {
                let fis: Vec<&str> = super::faults::FIS_ACTIONS.iter().map(|a| a.0).collect();
                errors.push(format!("{path}.action"), format!("unknown action `{other}` (known: {}, and the FIS actions {})", ACTIONS.join(", "), fis.join(", ")));
                None
            }
        };
        if let Some(action) = action {
            s.timeline.push(TimedAction { at, action, name: entry.action.clone() });
        }
    }
    // Stable sort: same-time actions keep file order.
    s.timeline.sort_small_by_key(|a| a.at);
}

fn update_service(ip: &str, input: &Value, s: &Scenario, errors: &mut Errors) -> Option<Action> {
    let i: UpdateServiceInput = typed(ip, input, errors)?;
    let Some(service) = i.service else {
        errors.push(format!("{ip}.service"), "required: the service name or ARN");
        return None;
    };
    let name = super::refs::name_of(&service).to_string();
    if !s.services.iter().any(|x| x.name == name) {
        errors.push(format!("{ip}.service"), format!("no service `{service}`"));
        return None;
    }
    let task_def = match &i.task_definition {
        None => None,
        Some(r) => Some(super::services::resolve_task_definition(&format!("{ip}.taskDefinition"), Some(r), s, errors)?),
    };
    let desired_count = match i.desired_count {
        None => None,
        Some(n) if (0..=5000).contains(&n) => Some(n as u32),
        Some(n) => {
            errors.push(format!("{ip}.desiredCount"), format!("{n}: desiredCount is 0-5000"));
            return None;
        }
    };
    let az_rebalancing = match i.availability_zone_rebalancing.as_deref() {
        None => None,
        Some(value) => {
            let def = s.services.iter().find(|x| x.name == name).expect("the service was found above");
            Some(super::services::az_rebalancing(&format!("{ip}.availabilityZoneRebalancing"), Some(value), def, errors))
        }
    };
    Some(Action::UpdateService { service: name, desired_count, task_def, force_new_deployment: i.force_new_deployment.unwrap_or(false), az_rebalancing })
}

fn run_task(ip: &str, r: &RunTask, s: &Scenario, errors: &mut Errors) -> Option<Action> {
    super::services::run_task(ip, r, s, errors).map(Action::RunTask)
}

fn repository(ip: &str, input: &Value, s: &Scenario, errors: &mut Errors) -> Option<usize> {
    let name = input.get("repositoryName").and_then(Value::as_str).unwrap_or_default();
    let found = s.repositories.iter().position(|r| r.name == name);
    if found.is_none() {
        errors.push(format!("{ip}.repositoryName"), format!("RepositoryNotFoundException: The repository with name '{name}' does not exist in the registry with id '{}'", s.arns.account));
    }
    found
}

/// `{"repositoryName", "imageTag", "imageDigest"?, "imageSizeInBytes"?, "architecture"?,
/// "imageScanFindingsSummary"?}`: PutImage with the image's DescribeImages facts.
fn put_image(ip: &str, input: &Value, s: &Scenario, errors: &mut Errors) -> Option<Action> {
    let repository = repository(ip, input, s, errors)?;
    let mut body = input.clone();
    if let (Some(obj), Some(tag)) = (body.as_object_mut(), input.get("imageTag").cloned()) {
        obj.insert("imageTags".into(), Value::Array(vec![tag]));
    }
    let parsed: super::platform::ImageInput = typed(ip, &body, errors)?;
    let image = super::platform::image(ip, &parsed, &s.repositories[repository].name, s.start_unix_s, errors)?;
    Some(Action::PutImage { repository, image })
}

fn put_lifecycle_policy(ip: &str, input: &Value, s: &Scenario, errors: &mut Errors) -> Option<Action> {
    let repository = repository(ip, input, s, errors)?;
    let text = input.get("lifecyclePolicyText").cloned().unwrap_or(Value::Null);
    let policy = crate::ecr::lifecycle::parse(&format!("{ip}.lifecyclePolicyText"), &text, errors)?;
    Some(Action::PutLifecyclePolicy { repository, policy })
}

#[derive(FromJson)]
#[serde(rename_all = "camelCase")]
struct CallInput {
    service: Option<String>,
    task: Option<String>,
    action: Option<String>,
    resource: Option<String>,
}

/// `{"service": "orders", "action": "s3:GetObject", "resource": "arn:aws:s3:::bucket/key"}`
fn call_aws_api(ip: &str, input: &Value, s: &Scenario, errors: &mut Errors) -> Option<Action> {
    let c: CallInput = typed(ip, input, errors)?;
    let action = c.action.unwrap_or_default();
    let ok = action.split_once(':').is_some_and(|(svc, op)| !svc.is_empty() && !op.is_empty() && !op.contains('*'));
    if !ok {
        errors.push(format!("{ip}.action"), "an IAM action such as s3:GetObject or dynamodb:PutItem");
    }
    let resource = c.resource.unwrap_or_else(|| "*".into());
    let service = match &c.service {
        Some(name) => {
            let found = s.services.iter().position(|x| x.name == super::refs::name_of(name));
            if found.is_none() {
                errors.push(format!("{ip}.service"), format!("no service `{name}`"));
            }
            found
        }
        None => None,
    };
    if c.service.is_none() && c.task.is_none() {
        errors.push(ip.to_string(), "give service (its RUNNING tasks call) or task (one task's id or ARN)");
    }
    ok.then_some(Action::CallAwsApi { service, task: c.task, action, resource })
}
