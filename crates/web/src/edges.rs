//! The AWS services around the cluster, as labelled nodes in a column at the edge of the
//! diagram (only those the scenario uses), and animated arrows while one acts: an image pull
//! to an instance, a secret fetched by the execution role (red when refused), a container's
//! call going out as its task role or the instance profile, an alarm in ALARM driving the
//! scaling policy, an Auto Scaling group launching, a schedule firing RunTask.

use crate::layout::{Ctx, GAP};
use crate::scene::{fit_parts, Align, Dash, Rect, Scene, Shape};
use stevedore_sim::engine::TaskStatus;
use stevedore_sim::Sim;

/// Arrows from the Auto Scaling groups node to instances it just registered, at most.
const MAX_LAUNCH_ARROWS: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    Ecr,
    Ssm,
    SecretsManager,
    Iam,
    CloudWatch,
    AppAutoScaling,
    AutoScalingGroups,
    Scheduler,
    CloudMap,
}

impl Node {
    pub fn name(self) -> &'static str {
        match self {
            Node::Ecr => "Amazon ECR",
            Node::Ssm => "SSM Parameter Store",
            Node::SecretsManager => "Secrets Manager",
            Node::Iam => "IAM roles",
            Node::CloudWatch => "CloudWatch alarms",
            Node::AppAutoScaling => "Application Auto Scaling",
            Node::AutoScalingGroups => "Auto Scaling groups",
            Node::Scheduler => "EventBridge Scheduler",
            Node::CloudMap => "AWS Cloud Map",
        }
    }
    /// A short name when the long one doesn't fit.
    fn short(self) -> &'static str {
        match self {
            Node::Ecr => "ECR",
            Node::Ssm => "SSM params",
            Node::SecretsManager => "Secrets",
            Node::Iam => "IAM",
            Node::CloudWatch => "Alarms",
            Node::AppAutoScaling => "App scaling",
            Node::AutoScalingGroups => "ASG",
            Node::Scheduler => "Scheduler",
            Node::CloudMap => "Cloud Map",
        }
    }
}

fn uses_secret(sim: &Sim, prefix: &str) -> bool {
    sim.scenario.task_defs.iter().flat_map(|td| &td.containers).flat_map(|c| &c.secrets).any(|(_, from)| from.starts_with(prefix) || (prefix == "arn:aws:ssm" && !from.starts_with("arn:")))
}

/// The services this scenario uses, in a fixed order.
pub fn nodes(sim: &Sim) -> Vec<Node> {
    let s = &sim.scenario;
    let mut out = Vec::new();
    if s.ecr_modelled || !s.repositories.is_empty() {
        out.push(Node::Ecr);
    }
    if s.ssm_parameters.is_some() || uses_secret(sim, "arn:aws:ssm") {
        out.push(Node::Ssm);
    }
    if s.secrets_manager.is_some() || uses_secret(sim, "arn:aws:secretsmanager") {
        out.push(Node::SecretsManager);
    }
    if s.roles.is_some() {
        out.push(Node::Iam);
    }
    if !s.alarms.is_empty() {
        out.push(Node::CloudWatch);
    }
    if !s.scalable_targets.is_empty() {
        out.push(Node::AppAutoScaling);
    }
    if !s.auto_scaling_groups.is_empty() {
        out.push(Node::AutoScalingGroups);
    }
    if !s.schedules.is_empty() {
        out.push(Node::Scheduler);
    }
    if !s.namespaces.is_empty() {
        out.push(Node::CloudMap);
    }
    out
}

pub fn column_width(cx: &Ctx, region_w: f64) -> f64 {
    let want = crate::scene::text_width("Application Auto Scaling", cx.ty.small) + 2.0 * GAP;
    want.min(region_w * 0.22).max(120.0)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The node's state line: what it holds or is doing now.
fn state(sim: &Sim, node: Node) -> String {
    let s = &sim.scenario;
    match node {
        // A push in the last two minutes, refused or not; else what it holds.
        Node::Ecr => match sim.log.iter().rev().take(200).take_while(|e| e.at + 120_000 >= sim.now()).find(|e| e.kind == "action" && e.subject.starts_with("ecr/") && e.message.starts_with("PutImage ")) {
            Some(e) => {
                // "shop/orders:1.3" → "orders:1.3": the node has room for a few words a line.
                let what = e.message["PutImage ".len()..].split(' ').next().unwrap_or("").trim_end_matches(',');
                let what = what.rsplit('/').next().unwrap_or(what);
                if e.message.contains("ImageTagAlreadyExistsException") {
                    format!("push {what} REFUSED: tag immutable")
                } else if e.message.contains(" failed: ") {
                    format!("push {what} REFUSED")
                } else {
                    format!("pushed {what}")
                }
            }
            // Else the newest task's pull of the last minute: a cached image starts at once.
            None => match sim.tasks.iter().filter(|t| t.exists() && t.created_at + 60_000 >= sim.now()).max_by_key(|t| t.created_at).and_then(|t| t.pulls.first()) {
                Some(p) if p.cached => format!("image cached on the instance: started in {} s", p.ms.div_ceil(1000)),
                Some(stevedore_sim::engine::startup::Pull { size_bytes: Some(b), ms, .. }) => format!("pulled {} MiB in {} s", b / (1024 * 1024), ms.div_ceil(1000)),
                _ => plural(sim.repositories.len(), "repository", "repositories"),
            },
        },
        Node::Ssm => s.ssm_parameters.as_ref().map_or("parameters".into(), |p| plural(p.len(), "parameter", "parameters")),
        Node::SecretsManager => s.secrets_manager.as_ref().map_or("secrets".into(), |p| plural(p.len(), "secret", "secrets")),
        // The latest container call of the last minute: who it went out as, and the verdict.
        Node::Iam => match sim.api_calls.iter().rev().take_while(|a| a.at + 60_000 >= sim.now()).next() {
            Some(call) => {
                let who = match &call.identity {
                    stevedore_sim::iam::CallIdentity::TaskRole { role_arn } => format!("as task role {}", role_arn.rsplit('/').next().unwrap_or(role_arn)),
                    stevedore_sim::iam::CallIdentity::InstanceProfile { instance_profile, .. } => format!("as instance profile {instance_profile}"),
                    stevedore_sim::iam::CallIdentity::None => "with no credentials".into(),
                };
                format!("{}: {} {who}", if call.allowed { "allowed" } else { "DENIED" }, call.action)
            }
            None => plural(s.roles.as_ref().map_or(0, |r| r.len()), "role", "roles"),
        },
        Node::CloudWatch => {
            let alarm = sim.alarm_states.iter().position(|a| a.state == stevedore_sim::engine::metrics::AlarmState::Alarm);
            match alarm {
                Some(k) => format!("ALARM {}", s.alarms[k].name),
                None => format!("{} OK", s.alarms.len()),
            }
        }
        Node::AppAutoScaling => match sim.activities.last() {
            Some(a) => a.description.trim_end_matches('.').replace("Setting desired count to", "desired count →"),
            None => plural(s.policies.len(), "policy", "policies"),
        },
        Node::AutoScalingGroups => {
            let desired: u32 = sim.groups_state.iter().map(|g| g.desired).sum();
            let launching: u32 = sim.groups_state.iter().map(|g| g.launching).sum();
            if launching > 0 { format!("desired {desired} · launching {launching}") } else { format!("desired {desired}") }
        }
        Node::Scheduler => plural(s.schedules.len(), "schedule", "schedules"),
        // Each name and how many instances answer it now (0: NXDOMAIN).
        Node::CloudMap => s
            .discovery_services
            .iter()
            .enumerate()
            .map(|(k, d)| format!("{}.{} {}", d.name, s.namespaces.get(d.namespace).map_or("", |n| n.name.as_str()), sim.discovery.get(k).map_or(0, |v| v.len())))
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

pub fn draw(cx: &mut Ctx, nodes: &[Node], column: Rect, scene: &mut Scene) {
    let (sim, c, ty) = (cx.sim, cx.c, cx.ty);
    scene.text(column.x, column.y + ty.small + 4.0, fit_parts(&["AWS services"], column.w, ty.small), ty.small, c.muted_text, Align::Left, true);
    let top = column.y + ty.small + 10.0;
    // Four lines where the column has room (the name and three of state), else what fits.
    let h = (ty.small * 4.0 + 25.0).min((column.bottom() - top) / nodes.len() as f64 - GAP);
    let mut at = NodeAt(Vec::with_capacity(nodes.len()));
    for (k, &node) in nodes.iter().enumerate() {
        let r = Rect { x: column.x, y: top + k as f64 * (h + GAP), w: column.w, h };
        let st = state(sim, node);
        let alarm = (node == Node::CloudWatch && st.starts_with("ALARM")) || st.contains("REFUSED");
        scene.rect(r, c.edge, Some(if alarm { c.unhealthy } else { c.alb }), 4.0);
        // The AWS-style tile: a square mark on the left.
        scene.rect(Rect { x: r.x + 4.0, y: r.y + 4.0, w: 6.0, h: r.h - 8.0 }, if alarm { c.unhealthy } else { c.alb }, None, 0.0);
        let name = crate::scene::first_fit(&[node.name().to_string(), node.short().to_string()], r.w - 20.0, ty.small);
        scene.text(r.x + 16.0, r.y + ty.small + 4.0, name, ty.small, c.card_text, Align::Left, true);
        // The state in whole words over as many lines as the node holds.
        let mut rest = st.as_str();
        let mut line = 1.0;
        while !rest.is_empty() && r.y + (line + 1.0) * (ty.small + 5.0) <= r.bottom() {
            let words = crate::scene::fit_words(rest, r.w - 20.0, ty.small);
            let taken = words.trim_end_matches(" …");
            if taken.is_empty() || !rest.starts_with(taken) {
                break;
            }
            let last = taken.len() >= rest.len() || r.y + (line + 2.0) * (ty.small + 5.0) > r.bottom();
            scene.text(r.x + 16.0, r.y + (line + 1.0) * (ty.small + 5.0) - 2.0, if last { words.clone() } else { taken.to_string() }, ty.small, if alarm { c.unhealthy } else { c.muted_text }, Align::Left, false);
            rest = rest.get(taken.len()..).unwrap_or("").trim_start();
            line += 1.0;
        }
        scene.object("edge", node.name(), r, st);
        at.0.push((node, r));
    }
    arrows(cx, &at, scene);
}

/// An arrow from `from` to `to`, dashed while it streams, with a head at `to`.
pub fn arrow(cx: &Ctx, from: (f64, f64), to: (f64, f64), colour: &str, dash: Dash, out: &mut Vec<Shape>) {
    out.push(Shape::Line { from, to, colour: colour.to_string(), width: cx.line, dash });
    out.push(Shape::Arrow { from, to, colour: colour.to_string(), size: if cx.view.projection { 14.0 } else { 10.0 } });
}

const MAX_ARROWS: usize = 24;

/// Where each node was drawn (a handful: a list, not a map type of its own in the wasm).
struct NodeAt(Vec<(Node, Rect)>);

impl NodeAt {
    fn get(&self, node: &Node) -> Option<&Rect> {
        self.0.iter().find(|(n, _)| n == node).map(|(_, r)| r)
    }
}

fn arrows(cx: &mut Ctx, at: &NodeAt, scene: &mut Scene) {
    let sim = cx.sim;
    let c = cx.c;
    let blocks = crate::lookups::ByTask::from_pairs(&scene.task_blocks);
    let left = |r: &Rect| (r.x, r.y + r.h / 2.0);
    // A task's end of an arrow: the top of its block (unambiguous between neighbours).
    let right = |r: &Rect| (r.x + r.w / 2.0, r.y);
    let mut out = Vec::new();
    let mut n = 0;
    // Refused fetches and pulls, for their "who was refused" tags.
    let mut refused_tags: Vec<((f64, f64), (f64, f64), Node)> = Vec::new();
    let mut push = |kind: &str, id: String, from: (f64, f64), to: (f64, f64), colour: &str, dash: Dash, out: &mut Vec<Shape>, scene: &mut Scene| {
        if n < MAX_ARROWS {
            n += 1;
            arrow(cx, from, to, colour, dash, out);
            scene.object("arrow", id, Rect { x: from.0, y: from.1, w: to.0 - from.0, h: to.1 - from.1 }, kind.to_string());
        }
    };
    for (t, task) in sim.tasks.iter().enumerate() {
        let Some(b) = blocks.get(&t) else { continue };
        let td = &sim.scenario.task_defs[task.task_def];
        if task.last_status == TaskStatus::Pending {
            // Layers stream from ECR while the task is PENDING; a cached image needs no arrow.
            if let Some(ecr) = at.get(&Node::Ecr) {
                if task.pulls.iter().any(|p| !p.cached) {
                    push("pull", task.id.clone(), left(ecr), right(b), c.request, Dash::Dashed, &mut out, scene);
                }
            }
            // Secrets are fetched by the execution role as the task starts.
            for (node, prefix) in [(Node::Ssm, "ssm"), (Node::SecretsManager, "secretsmanager")] {
                let Some(r) = at.get(&node) else { continue };
                let wants = td.containers.iter().flat_map(|c| &c.secrets).any(|(_, from)| if prefix == "ssm" { !from.contains(":secretsmanager:") } else { from.contains(":secretsmanager:") });
                if wants {
                    push("secret", task.id.clone(), left(r), right(b), c.healthy, Dash::Solid, &mut out, scene);
                }
            }
        }
        // Refused: the task stops with the reason (the caption tells it).
        if let (Some(why), true) = (&task.start_failure, task.live()) {
            let node = if why.contains("secretsmanager") { Node::SecretsManager } else if why.contains("ssm") { Node::Ssm } else { Node::Ecr };
            if let Some(r) = at.get(&node) {
                push("refused", task.id.clone(), left(r), right(b), c.unhealthy, Dash::Dotted, &mut out, scene);
                refused_tags.push((left(r), right(b), node));
            }
        }
    }
    // A task that stopped in the last minute because a secret or image was refused: a red arrow
    // from the service that refused to the instance it was on (the task itself is gone).
    let instances = crate::lookups::Lookup::new(scene.objects.iter().filter(|o| o.kind == "instance").map(|o| (o.id.as_str(), o.r)));
    let mut refusals = Vec::new();
    for e in sim.log.iter().rev().take(300).take_while(|e| e.at + 60_000 >= sim.now()).filter(|e| e.kind == "taskStopped") {
        let node = if e.message.contains("CannotPullContainerError") {
            Node::Ecr
        } else if e.message.contains("ResourceInitializationError") {
            if e.message.contains("secretsmanager") { Node::SecretsManager } else { Node::Ssm }
        } else {
            continue;
        };
        let Some(t) = sim.find_task(&e.subject) else { continue };
        let Some(card) = sim.tasks[t].instance.and_then(|i| instances.get(&sim.instances[i].spec.ec2_instance_id.as_str())) else { continue };
        if let Some(r) = at.get(&node) {
            refusals.push((e.subject.clone(), left(r), (card.right() - 4.0, card.y + card.h / 2.0), node));
        }
    }
    // Instances an Auto Scaling group registered in the last minute (arrows drawn below).
    let launched: Vec<(String, Rect)> = sim
        .log
        .iter()
        .rev()
        .take(300)
        .take_while(|e| e.at + 60_000 >= sim.now())
        .filter(|e| e.kind == "instance" && e.message.ends_with("by cluster auto scaling"))
        .filter_map(|e| instances.get(&e.subject.as_str()).map(|r| (e.subject.clone(), *r)))
        .take(MAX_LAUNCH_ARROWS)
        .collect();
    for (id, from, to, node) in refusals.into_iter().take(3) {
        push("refused", id, from, to, c.unhealthy, Dash::Dotted, &mut out, scene);
        refused_tags.push((from, to, node));
    }
    // Containers' AWS calls in the last minute go out to IAM, green allowed, red denied.
    if let Some(iam) = at.get(&Node::Iam) {
        let recent = sim.api_calls.iter().rev().take_while(|a| a.at + 60_000 >= sim.now()).take(8);
        for call in recent {
            let Some(t) = sim.find_task(&call.task_arn) else { continue };
            let Some(b) = blocks.get(&t) else { continue };
            let colour = if call.allowed { c.healthy } else { c.unhealthy };
            push(if call.allowed { "call-allowed" } else { "call-denied" }, sim.tasks[t].id.clone(), right(b), left(iam), colour, if call.allowed { Dash::Solid } else { Dash::Dotted }, &mut out, scene);
        }
    }
    // An alarm in ALARM drives the scaling policy.
    if let (Some(cw), Some(aas)) = (at.get(&Node::CloudWatch), at.get(&Node::AppAutoScaling)) {
        if sim.alarm_states.iter().any(|a| a.state == stevedore_sim::engine::metrics::AlarmState::Alarm) {
            push("alarm", String::new(), (cw.x + cw.w / 2.0, cw.bottom()), (aas.x + aas.w / 2.0, aas.y), c.unhealthy, Dash::Solid, &mut out, scene);
        }
    }
    // An Auto Scaling group launching instances points into the cluster while they boot, then
    // at each instance it registered in the last minute.
    if let Some(asg) = at.get(&Node::AutoScalingGroups) {
        for (id, card) in launched.into_iter() {
            push("launch", id, left(asg), (card.right(), card.y + card.h / 2.0), c.initial, Dash::Dashed, &mut out, scene);
        }
        if sim.groups_state.iter().any(|g| g.launching > 0) {
            push("launch", String::new(), left(asg), (asg.x - 2.0 * GAP - 40.0, asg.y + asg.h / 2.0), c.initial, Dash::Dashed, &mut out, scene);
        }
    }
    // A schedule firing RunTask: arrows to the tasks it started, while they start.
    if let Some(sch) = at.get(&Node::Scheduler) {
        for (t, task) in sim.tasks.iter().enumerate() {
            if task.started_by.as_deref().is_some_and(|s| s.contains("schedule")) && task.last_status < TaskStatus::Running {
                if let Some(b) = blocks.get(&t) {
                    push("schedule", task.id.clone(), left(sch), right(b), c.query_match, Dash::Solid, &mut out, scene);
                }
            }
        }
    }
    scene.shapes.extend(out);
    refusal_tags(cx, &refused_tags, scene);
}

/// Who was refused, on the refused arrow's middle: the execution role fetches secrets and
/// pulls images before the task starts (the task role isn't used yet). Opaque tags over the
/// picture, like captions; one per arrow, at most three.
fn refusal_tags(cx: &Ctx, tags: &[((f64, f64), (f64, f64), Node)], scene: &mut Scene) {
    let (c, ty) = (cx.c, cx.ty);
    let mut placed: Vec<Rect> = Vec::new();
    // Arrows along the same path (a service retrying) share one tag, with how many.
    let mut groups: Vec<((f64, f64), (f64, f64), Node, usize)> = Vec::new();
    for &(from, to, node) in tags {
        match groups.iter_mut().find(|g| g.2 == node && (g.0 .0 - from.0).abs() < 2.0 && (g.0 .1 - from.1).abs() < 2.0 && (g.1 .0 - to.0).abs() < 2.0 && (g.1 .1 - to.1).abs() < 2.0) {
            Some(g) => g.3 += 1,
            None => groups.push((from, to, node, 1)),
        }
    }
    for &(from, to, node, n) in groups.iter().take(3) {
        let what = if node == Node::Ecr { "image pull refused" } else { "execution role refused" };
        let text = &if n > 1 { format!("{what} ×{n}") } else { what.to_string() };
        let (w, h) = (crate::scene::text_width(text, ty.small) + 12.0, ty.small + 8.0);
        let (mx, my) = ((from.0 + to.0) / 2.0, (from.1 + to.1) / 2.0);
        let mut r = Rect { x: (mx - w / 2.0).clamp(4.0, (scene.world.w - w - 4.0).max(4.0)), y: (my - h / 2.0).clamp(4.0, (scene.world.h - h - 4.0).max(4.0)), w, h };
        while placed.iter().any(|p| p.overlaps(&r, 0.0)) && r.bottom() + h < scene.world.h {
            r.y += h + 4.0;
        }
        scene.callouts.push(Shape::Rect { r, fill: c.caption.to_string(), stroke: Some(c.unhealthy.to_string()), radius: 4.0 });
        scene.callouts.push(Shape::Text { x: r.x + w / 2.0, y: r.y + ty.small + 2.0, text: text.to_string(), size: ty.small, colour: c.unhealthy.to_string(), align: crate::scene::Align::Centre, bold: true });
        scene.object("refused-tag", String::new(), r, text);
        placed.push(r);
    }
}
