//! The awslogs driver at container start: it creates the task's log stream (and, with
//! `awslogs-create-group`, the group) as the task execution role, or on EC2 without one the
//! instance profile (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html:
//! the execution role lets the task "send container logs to CloudWatch Logs using the awslogs log
//! driver"). A denied call stops the task before its containers start, with the error ECS
//! reports: ResourceInitializationError on Fargate, CannotStartContainerError from the Docker
//! daemon on EC2. PutLogEvents denied later drops the logs but the container runs on.

use super::Sim;

impl Sim {
    /// Why the awslogs driver can't start a container of this task, if it can't.
    pub(super) fn check_logging(&self, task: usize) -> Result<(), String> {
        let Some(roles) = self.scenario.roles.as_ref() else { return Ok(()) };
        let t = &self.tasks[task];
        let td = &self.scenario.task_defs[t.task_def];
        let exec_role = td.execution_role_arn.as_deref().filter(|a| !a.is_empty());
        for c in &td.containers {
            let Some(log) = c.log_configuration.as_ref().filter(|l| l.driver == "awslogs") else { continue };
            let (role, session) = match (t.instance, exec_role) {
                (Some(i), Some(arn)) if self.instances[i].spec.agent.awslogs_execution_role_override => (Some(crate::scenario::name_of(arn).to_string()), t.id.clone()),
                (Some(i), _) => (self.instance_role(i).map(|r| r.name.clone()), self.instances[i].spec.ec2_instance_id.clone()),
                (None, arn) => (arn.map(|a| crate::scenario::name_of(a).to_string()), t.id.clone()),
            };
            let region = log.option("awslogs-region").unwrap_or(&self.scenario.arns.region);
            let group = log.option("awslogs-group").unwrap_or_default();
            let group_arn = format!("arn:aws:logs:{region}:{}:log-group:{group}", self.scenario.arns.account);
            // "prefix-name/container-name/ecs-task-id"; without a prefix Docker names the stream
            // after the container id (Stevedore: the task id).
            let stream = match log.option("awslogs-stream-prefix") {
                Some(p) => format!("{p}/{}/{}", c.name, t.id),
                None => t.id.clone(),
            };
            let (group_step, stream_step) = if t.instance.is_none() {
                ("ResourceInitializationError: failed to validate logger args: failed to create Cloudwatch log group: ", "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ")
            } else {
                ("CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log group: ", "CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create Cloudwatch log stream: ")
            };
            let suffix = if t.instance.is_none() { " : exit status 1" } else { "" };
            let Some(role) = role.and_then(|n| roles.iter().find(|r| r.name == n)) else {
                return Err(format!("{stream_step}NoCredentialProviders: no valid providers in chain{suffix}"));
            };
            let deny = |action: &str, resource: &str| {
                let d = role.evaluate(action, resource);
                (!d.allowed).then(|| crate::iam::access_denied(&self.scenario.arns.account, &role.name, &session, action, resource, &d))
            };
            if log.option("awslogs-create-group") == Some("true") {
                if let Some(m) = deny("logs:CreateLogGroup", &group_arn) {
                    return Err(format!("{group_step}{m}{suffix}"));
                }
            }
            if let Some(m) = deny("logs:CreateLogStream", &format!("{group_arn}:log-stream:{stream}")) {
                return Err(format!("{stream_step}{m}{suffix}"));
            }
        }
        Ok(())
    }

    /// A RUNNING task whose log events can't be delivered: the container runs on, its logs are lost.
    pub(super) fn note_undeliverable_logs(&mut self, task: usize) {
        let Some(roles) = self.scenario.roles.as_ref() else { return };
        let t = &self.tasks[task];
        let td = &self.scenario.task_defs[t.task_def];
        let exec_role = td.execution_role_arn.as_deref().filter(|a| !a.is_empty());
        let role = match (t.instance, exec_role) {
            (Some(i), Some(arn)) if self.instances[i].spec.agent.awslogs_execution_role_override => Some(crate::scenario::name_of(arn).to_string()),
            (Some(i), _) => self.instance_role(i).map(|r| r.name.clone()),
            (None, arn) => arn.map(|a| crate::scenario::name_of(a).to_string()),
        };
        let Some(role) = role.and_then(|n| roles.iter().find(|r| r.name == n)) else { return };
        let lost: Vec<String> = td
            .containers
            .iter()
            .filter_map(|c| {
                let log = c.log_configuration.as_ref().filter(|l| l.driver == "awslogs")?;
                let region = log.option("awslogs-region").unwrap_or(&self.scenario.arns.region);
                let arn = format!("arn:aws:logs:{region}:{}:log-group:{}:log-stream:*", self.scenario.arns.account, log.option("awslogs-group").unwrap_or_default());
                (!role.evaluate("logs:PutLogEvents", &arn).allowed).then(|| c.name.clone())
            })
            .collect();
        if !lost.is_empty() {
            let id = t.id.clone();
            let msg = format!("awslogs: {} may not logs:PutLogEvents: the logs of {} are not delivered (the containers run on)", role.name, lost.join(", "));
            self.log("task", id, msg);
        }
    }
}
