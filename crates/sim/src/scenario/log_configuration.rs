//! A container's `logConfiguration` (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_LogConfiguration.html)
//! and the awslogs driver's options (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html).

use super::types::LogConfigurationInput;
use crate::error::Errors;
use crate::model::LogConfig;

/// LogConfiguration's `logDriver` values.
const DRIVERS: [&str; 9] = ["awslogs", "fluentd", "gelf", "json-file", "journald", "logentries", "syslog", "splunk", "awsfirelens"];
/// "For tasks on AWS Fargate, the supported log drivers are awslogs, splunk, and awsfirelens."
const FARGATE_DRIVERS: [&str; 3] = ["awslogs", "splunk", "awsfirelens"];
/// The options the awslogs driver knows; Docker refuses any other ("unknown log opt").
const AWSLOGS_OPTIONS: [&str; 9] = [
    "awslogs-create-group",
    "awslogs-region",
    "awslogs-endpoint",
    "awslogs-group",
    "awslogs-stream-prefix",
    "awslogs-datetime-format",
    "awslogs-multiline-pattern",
    "mode",
    "max-buffer-size",
];

pub fn log_configuration(path: &str, input: &LogConfigurationInput, fargate: bool, errors: &mut Errors) -> Option<LogConfig> {
    let Some(driver) = input.log_driver.clone() else {
        errors.push(format!("{path}.logDriver"), format!("required: one of {}", DRIVERS.join(", ")));
        return None;
    };
    if !DRIVERS.contains(&driver.as_str()) {
        errors.push(format!("{path}.logDriver"), format!("`{driver}` is not one of {}", DRIVERS.join(", ")));
        return None;
    }
    if fargate && !FARGATE_DRIVERS.contains(&driver.as_str()) {
        errors.push(format!("{path}.logDriver"), format!("`{driver}`: for tasks on AWS Fargate, the supported log drivers are awslogs, splunk, and awsfirelens"));
    }
    let options: Vec<(String, String)> = input.options.clone().unwrap_or_default().into_iter().collect();
    if driver == "awslogs" {
        let has = |k: &str| options.iter().any(|(o, _)| o == k);
        for (k, v) in &options {
            let op = format!("{path}.options.{k}");
            if !AWSLOGS_OPTIONS.contains(&k.as_str()) {
                errors.push(op, format!("unknown log opt '{k}' for awslogs log driver"));
                continue;
            }
            match k.as_str() {
                "awslogs-create-group" if v != "true" && v != "false" => errors.push(op, "\"true\" or \"false\""),
                "mode" if v != "blocking" && v != "non-blocking" => errors.push(op, "\"blocking\" (the default) or \"non-blocking\""),
                "awslogs-group" if v.is_empty() || v.len() > 512 || !v.chars().all(|c| c.is_ascii_alphanumeric() || "_-/.#".contains(c)) => {
                    errors.push(op, "a log group name is 1-512 letters, digits and _-/.#")
                }
                _ => {}
            }
        }
        // The group is where the logs go: without it there is nothing to model. AWS lists
        // awslogs-region (and, on Fargate, awslogs-stream-prefix) as required too, but
        // RegisterTaskDefinition takes task definitions without them (console exports do):
        // Stevedore's choice is to default the region to the scenario's and, without a prefix,
        // name the stream after the task.
        if !has("awslogs-group") {
            errors.push(format!("{path}.options"), "awslogs needs awslogs-group");
        }
    }
    Some(LogConfig { driver, options })
}
