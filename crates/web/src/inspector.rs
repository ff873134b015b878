//! The side panel for a selected task or instance: what it is, what it holds, and for a task
//! "Why here?" — every candidate instance with the stage that dropped it or its rank.

use stevedore_sim::engine::discovery::ApiCall;
use stevedore_sim::engine::task::format_ip;
use stevedore_sim::iam::CallIdentity;
use stevedore_sim::report::container_state;
use stevedore_sim::scenario::name_of;
use stevedore_sim::time::format_clock;
use stevedore_sim::placement::Explanation;
use stevedore_sim::Sim;
use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    Task(usize),
    Instance(usize),
}

/// Rows of the candidate table shown before "… more".
const CANDIDATE_ROWS: usize = 60;

pub fn view(sim: &Sim, selection: Option<Selection>, select: &Callback<Selection>) -> Html {
    match selection {
        None => html! {
            <section class="inspector empty">
                <h2>{ "Inspector" }</h2>
                <p>{ "Click a task to see its definition and why ECS placed it there, or an instance to see its attributes and resources." }</p>
            </section>
        },
        Some(Selection::Task(t)) if t < sim.tasks.len() => task(sim, t, select),
        Some(Selection::Instance(i)) if i < sim.instances.len() => instance(sim, i, select),
        Some(_) => html! {},
    }
}

fn task(sim: &Sim, t: usize, select: &Callback<Selection>) -> Html {
    let task = &sim.tasks[t];
    let td = &sim.scenario.task_defs[task.task_def];
    let host = match task.instance {
        Some(i) => {
            let on_click = select.reform(move |_| Selection::Instance(i));
            html! { <button class="link" onclick={on_click}>{ &sim.instances[i].spec.ec2_instance_id }</button> }
        }
        None => html! { { "Fargate" } },
    };
    let eni = task.private_ip.map(|ip| {
        let subnet = task.subnet.map(|s| sim.scenario.subnets[s].id.clone()).unwrap_or_default();
        html! { <><dt>{ "ENI" }</dt><dd>{ format!("{} in {subnet}", format_ip(ip)) }</dd></> }
    });
    html! {
        <section class="inspector" id="inspector" data-kind="task">
            <h2 title={task.arn.clone()}>{ format!("Task {}", crate::event_log::short_subject(&task.id)) }</h2>
            <dl class="facts">
                <dt>{ "Group" }</dt><dd>{ &task.group }</dd>
                <dt>{ "Status" }</dt><dd>{ format!("{} (desired {})", task.last_status.as_str(), if task.desired_running { "RUNNING" } else { "STOPPED" }) }</dd>
                <dt>{ "Launch" }</dt><dd>{ if task.fargate { "FARGATE" } else { "EC2" } }{ task.capacity_provider.as_ref().map(|c| format!(" via {c}")).unwrap_or_default() }</dd>
                <dt>{ "Where" }</dt><dd>{ host }{ format!(" · {}", task.availability_zone) }</dd>
                <dt>{ "Task definition" }</dt><dd>{ format!("{} · {} · {} CPU units · {} MiB", td.family_revision(), td.network_mode.as_str(), td.reserved_cpu(), td.reserved_memory_mib()) }</dd>
                { for eni }
                { for task.stopped_reason.as_ref().map(|r| html! { <><dt>{ "Stopped reason" }</dt><dd id="stopped-reason">{ r }{ task.stop_code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default() }</dd></> }) }
            </dl>
            { identity(sim, t) }
            { for td.containers.iter().enumerate().map(|(k, c)| container(sim, t, k, c)) }
            { why_here(task.explanation.as_deref(), &sim.instances, !task.live()) }
        </section>
    }
}

/// Which identities the task involves: who its containers' AWS calls run as, and who started it.
fn identity(sim: &Sim, t: usize) -> Html {
    let td = &sim.scenario.task_defs[sim.tasks[t].task_def];
    let calls = match sim.call_identity(t) {
        CallIdentity::TaskRole { role_arn } => format!("task role {}", name_of(&role_arn)),
        CallIdentity::InstanceProfile { instance_profile, role_arn } => format!(
            "no task role: the EC2 instance profile {instance_profile}{} (every task on the instance shares it)",
            role_arn.map(|a| format!(" → role {}", name_of(&a))).unwrap_or_default()
        ),
        CallIdentity::None if !sim.tasks[t].fargate => "no credentials".to_string(),
        CallIdentity::None => "no credentials: no task role, and Fargate tasks can't use an instance profile".to_string(),
    };
    let exec = match td.execution_role_arn.as_deref() {
        Some(a) if !a.is_empty() => format!("{} (pulls the image, reads the secrets)", name_of(a)),
        _ if sim.tasks[t].fargate => "none: a private ECR image or a secret would fail".to_string(),
        _ => "none: the agent pulls with the instance profile".to_string(),
    };
    let recent: Vec<&ApiCall> = sim.api_calls.iter().rev().filter(|c| c.task_arn == sim.tasks[t].arn).take(4).collect();
    html! {
        <div class="identity" id="identity">
            <h3>{ "Identity" }</h3>
            <dl class="facts">
                <dt>{ "AWS calls from containers" }</dt><dd id="call-identity">{ calls }</dd>
                <dt>{ "Execution role" }</dt><dd>{ exec }</dd>
            </dl>
            if !recent.is_empty() {
                <ul class="api-calls">
                    { for recent.iter().map(|c| crate::platform::api_call_item(c)) }
                </ul>
            }
        </div>
    }
}

fn container(sim: &Sim, t: usize, k: usize, c: &stevedore_sim::model::ContainerDef) -> Html {
    let task = &sim.tasks[t];
    let (status, exit_code) = container_state(sim, task, k);
    let pull = task.pulls.get(k).and_then(|p| {
        let size = p.size_bytes? as f64 / (1024.0 * 1024.0);
        let how = if p.cached { format!("{size:.0} MiB image already on the instance: started in {:.0} s", p.ms as f64 / 1000.0) } else { format!("pulled {size:.0} MiB in {:.0} s", p.ms as f64 / 1000.0) };
        // What ECR's scan found in that image (it may have been re-tagged or expired since).
        let digest = p.digest.as_deref()?;
        let image = sim.repositories.iter().flat_map(|r| r.images.iter()).find(|i| i.digest == digest);
        let scan = match image {
            Some(i) if i.scanned => {
                let found: Vec<String> = i.findings.iter().filter(|(_, n)| **n > 0).map(|(s, n)| format!("{n} {s}")).collect();
                format!(" · scan: {}", if found.is_empty() { "no findings".to_string() } else { found.join(", ") })
            }
            Some(_) => " · not scanned".to_string(),
            None => " · no longer in the repository".to_string(),
        };
        Some(format!("{how} · {}{scan}", digest.get(..19).unwrap_or(digest)))
    });
    let ports: Vec<String> = task
        .bindings
        .iter()
        .filter(|b| b.container_name == c.name)
        .map(|b| if task.private_ip.is_some() { format!("{}/{} on the task ENI", b.container_port, b.protocol.as_str()) } else { format!("{} → host {}/{}", b.container_port, b.host_port, b.protocol.as_str()) })
        .collect();
    html! {
        <div class="container-def">
            <h3>{ format!("Container {}", c.name) }{ if c.essential { " (essential)" } else { "" } }</h3>
            <p class="mono">{ &c.image }</p>
            <p>{ status }{ exit_code.map(|code| format!(" · exit code {code}")).unwrap_or_default() }{ c.exit_after_ms.map(|ms| format!(" · exits {} after start", format_clock(ms))).unwrap_or_default() }</p>
            if let Some(p) = pull { <p class="pull">{ p }</p> }
            if !ports.is_empty() { <p>{ format!("Ports: {}", ports.join(", ")) }</p> }
            if !c.environment.is_empty() {
                <p class="label">{ "Environment" }</p>
                <ul class="kv">{ for c.environment.iter().map(|(k, v)| html! { <li><span class="mono">{ k }</span>{ " = " }<span class="mono">{ v }</span></li> }) }</ul>
            }
            if !c.secrets.is_empty() {
                <p class="label">{ "Secrets (injected at start; values never shown)" }</p>
                <ul class="kv secrets">{ for c.secrets.iter().map(|(k, from)| {
                    let store = if from.starts_with("arn:aws:secretsmanager:") { "Secrets Manager" } else { "SSM Parameter Store" };
                    html! { <li><span class="mono">{ k }</span>{ " ← " }<span class="store">{ store }</span>{ " " }<span class="mono">{ from }</span></li> }
                }) }</ul>
            }
        </div>
    }
}

fn why_here(explanation: Option<&Explanation>, instances: &[stevedore_sim::engine::Instance], stopped: bool) -> Html {
    let Some(e) = explanation else {
        return html! { <div class="why"><h3>{ "Why here?" }</h3><p>{ "Fargate places tasks itself: it spreads them across the Availability Zones of the service's subnets." }</p></div> };
    };
    let dropped: Vec<String> = e.dropped().iter().map(|(stage, n)| format!("{n} dropped at {stage}")).collect();
    let more = e.notes.len().saturating_sub(CANDIDATE_ROWS);
    let candidates = e.candidates(instances);
    html! {
        <div class="why" id="why-here">
            <h3>{ "Why here?" }</h3>
            <p class="outcome">{ e.outcome(instances) }</p>
            <p>{ format!("Constraints: {}", if e.constraints().is_empty() { "none".to_string() } else { e.constraints().join(", ") }) }</p>
            <p>{ format!("Strategies, in order: {}", e.strategies().join(" → ")) }</p>
            if !dropped.is_empty() { <p>{ dropped.join(" · ") }</p> }
            if !candidates.is_empty() {
                <table class="candidates">
                    <thead><tr><th>{ "Instance" }</th><th>{ "Verdict (lower wins)" }</th><th>{ "Rank" }</th></tr></thead>
                    <tbody>
                        { for candidates.iter().take(CANDIDATE_ROWS).map(|c| {
                            let verdict = match (&c.dropped_at, &c.reason) {
                                (Some(stage), Some(reason)) => format!("dropped at {stage}: {reason}"),
                                _ => c.scores.iter().map(|(s, v)| format!("{s} {v}")).collect::<Vec<_>>().join(" · "),
                            };
                            html! {
                                <tr class={classes!(c.chosen.then_some("chosen"), c.dropped_at.map(|_| "dropped"))}>
                                    <td><span class="mono">{ &c.ec2_instance_id[..c.ec2_instance_id.len().min(10)] }</span><br/><span class="az">{ &c.availability_zone }</span></td>
                                    <td>{ verdict }</td>
                                    <td>{ c.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()) }{ if c.chosen { " ✔" } else { "" } }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
            if more > 0 { <p>{ format!("… and {more} more instances") }</p> }
            // The sim drops the per-instance notes when a task stops (they were most of a long run's memory).
            if stopped && candidates.is_empty() { <p class="muted">{ "Each instance's verdict is kept while the task runs." }</p> }
        </div>
    }
}

/// What the instance holds on disk: the images ECR pulls put in its cache, and the images of
/// tasks running from registries the scenario does not model (pulled all the same).
pub fn image_cache(sim: &Sim, i: usize) -> String {
    let inst = &sim.instances[i];
    let mut names: Vec<String> = inst
        .image_cache
        .iter()
        .map(|digest| {
            let tagged = sim.repositories.iter().find_map(|r| r.images.iter().find(|im| &im.digest == digest).map(|im| (r, im)));
            match tagged {
                Some((r, im)) if !im.tags.is_empty() => format!("{}:{}", r.name, im.tags.join(",")),
                Some((r, _)) => format!("{}@{}", r.name, digest.get(..19).unwrap_or(digest)),
                None => digest.get(..19).unwrap_or(digest).to_string(),
            }
        })
        .collect();
    for &t in &inst.tasks {
        let task = &sim.tasks[t];
        if !task.live() {
            continue;
        }
        for (k, c) in sim.scenario.task_defs[task.task_def].containers.iter().enumerate() {
            let untracked = task.pulls.get(k).is_none_or(|p| p.digest.is_none());
            if untracked && !names.contains(&c.image) {
                names.push(c.image.clone());
            }
        }
    }
    match names.len() {
        0 => "empty".to_string(),
        1 => format!("1 image: {}", names[0]),
        n => format!("{n} images: {}", names.join(", ")),
    }
}

fn instance(sim: &Sim, i: usize, select: &Callback<Selection>) -> Html {
    let inst = &sim.instances[i];
    let ports: Vec<String> = inst.bound_tcp.iter().map(|p| p.to_string()).collect();
    html! {
        <section class="inspector" id="inspector" data-kind="instance">
            <h2>{ format!("Instance {}", inst.spec.ec2_instance_id) }</h2>
            <dl class="facts">
                <dt>{ "Type" }</dt><dd>{ format!("{} · {}", inst.spec.instance_type, if inst.spec.spot { "Spot" } else { "On-Demand" }) }</dd>
                <dt>{ "Status" }</dt><dd>{ inst.status.as_str() }</dd>
                <dt>{ "Zone" }</dt><dd>{ format!("{} · {} · {}", inst.spec.availability_zone, inst.spec.subnet_id, format_ip(inst.private_ip)) }</dd>
                <dt>{ "CPU" }</dt><dd>{ format!("{} of {} units free", inst.remaining_cpu, inst.registered_cpu) }</dd>
                <dt>{ "Memory" }</dt><dd>{ format!("{} of {} MiB free", inst.remaining_memory_mib, inst.registered_memory_mib) }</dd>
                <dt>{ "Host ports" }</dt><dd>{ if ports.is_empty() { "none bound".to_string() } else { ports.join(", ") } }</dd>
                <dt>{ "awsvpc ENIs" }</dt><dd>{ format!("{} of {} in use", inst.awsvpc_used, inst.awsvpc_limit) }</dd>
                <dt>{ "Instance profile" }</dt><dd>{ sim.instance_profile(i) }{ if inst.spec.iam_instance_profile.is_none() { " (assumed: the agent needs one to register)" } else { "" } }</dd>
                <dt>{ "Image cache" }</dt><dd id="image-cache">{ image_cache(sim, i) }</dd>
            </dl>
            <p class="label">{ "Tasks" }</p>
            <ul class="tasks">
                { for inst.tasks.iter().map(|&t| {
                    let on_click = select.reform(move |_| Selection::Task(t));
                    html! { <li><button class="link" onclick={on_click}>{ format!("{} · {} · {}", crate::event_log::short_subject(&sim.tasks[t].id), sim.tasks[t].group, sim.tasks[t].last_status.as_str()) }</button></li> }
                }) }
            </ul>
            <p class="label">{ "Attributes" }</p>
            <table class="attributes">
                { for inst.attributes.iter().map(|(k, v)| html! { <tr><td class="mono">{ k }</td><td class="mono">{ v }</td></tr> }) }
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::image_cache;
    use stevedore_sim::Sim;

    fn lesson_at(id: &str, ms: u64) -> Sim {
        let mut sim = Sim::new(stevedore_sim::load(crate::scenarios::find(id).unwrap().json).unwrap());
        sim.advance_to(ms);
        sim
    }

    #[test]
    fn an_instance_running_an_image_never_says_its_cache_is_empty() {
        for (id, at) in [("first-light", 60_000), ("ecr-images", 120_000), ("secrets-environment", 60_000)] {
            let sim = lesson_at(id, at);
            for (i, inst) in sim.instances.iter().enumerate() {
                let running = inst.tasks.iter().any(|&t| sim.tasks[t].live());
                let text = image_cache(&sim, i);
                assert_eq!(text == "empty", !running && inst.image_cache.is_empty(), "{id} {}: {text}", inst.spec.ec2_instance_id);
            }
        }
    }
}
