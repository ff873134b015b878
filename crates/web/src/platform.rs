//! The Platform tab: what surrounds the cluster — ECR repositories with their lifecycle
//! preview, IAM roles, Cloud Map names and records, schedules, and containers' AWS calls.
//! Everything shown is read from the sim; nothing is decided here.

use stevedore_sim::sort::SortSmall;
use stevedore_sim::engine::discovery::ApiCall;
use stevedore_sim::iam::Effect;
use stevedore_sim::model::platform::{NamespaceKind, RecordType};
use stevedore_sim::report::{format_bytes, iso_at};
use stevedore_sim::time::format_iso;
use stevedore_sim::Sim;
use yew::prelude::*;

pub fn view(sim: &Sim) -> Html {
    let s = &sim.scenario;
    let empty = sim.repositories.is_empty() && s.roles.is_none() && s.discovery_services.is_empty() && s.schedules.is_empty() && sim.api_calls.is_empty();
    html! {
        <section class="platform" id="platform">
            if empty { <p>{ "This scenario uses no ECR repositories, IAM roles, Cloud Map names or schedules. The lessons ECR images, Task role vs instance role, Service discovery and Batch and scheduled tasks do." }</p> }
            { repositories(sim) }
            { discovery(sim) }
            { schedules(sim) }
            { api_calls(sim) }
            { roles(sim) }
        </section>
    }
}

fn repositories(sim: &Sim) -> Html {
    if sim.repositories.is_empty() {
        return html! {};
    }
    html! {
        <div id="ecr">
            <h3>{ "ECR repositories" }</h3>
            { for sim.repositories.iter().enumerate().map(|(r, repo)| {
                let preview = sim.lifecycle_preview(r);
                let expiring = |digest: &str| preview.iter().find(|p| p.image_digest == digest).map(|p| p.applied_rule_priority);
                let mut order: Vec<usize> = (0..repo.images.len()).collect();
                order.sort_small_by_key(|&i| std::cmp::Reverse(repo.images[i].pushed_at_unix_s));
                html! {
                    <div class="repository">
                        <p><span class="mono">{ &repo.uri }</span>{ format!(" · {}{}", if repo.public { "public · " } else { "" }, format!("{} tags{}", repo.tag_mutability.as_str(), if repo.mutability_exclusions.is_empty() { String::new() } else { format!(" (except {})", repo.mutability_exclusions.join(", ")) })) }{ if repo.scan_on_push { " · scan on push" } else { "" } }</p>
                        <table class="images">
                            <thead><tr><th>{ "Tags" }</th><th>{ "Digest" }</th><th>{ "Size" }</th><th>{ "Pushed" }</th><th>{ "Findings" }</th><th>{ "Lifecycle" }</th></tr></thead>
                            <tbody>
                            { for order.iter().map(|&i| {
                                let img = &repo.images[i];
                                let rule = expiring(&img.digest);
                                let findings = if img.scanned { img.findings.iter().filter(|(_, n)| **n > 0).map(|(s, n)| format!("{n} {s}")).collect::<Vec<_>>().join(", ") } else { "not scanned".into() };
                                html! {
                                    <tr class={classes!(rule.map(|_| "expiring"))}>
                                        <td class="mono">{ if img.tags.is_empty() { "<untagged>".to_string() } else { img.tags.join(", ") } }</td>
                                        <td class="mono">{ img.digest.get(7..19).unwrap_or(&img.digest) }</td>
                                        <td>{ format_bytes(img.size_bytes) }</td>
                                        <td>{ format_iso(img.pushed_at_unix_s).get(..10).unwrap_or_default().to_string() }</td>
                                        <td>{ if findings.is_empty() { "none".to_string() } else { findings } }</td>
                                        <td>{ rule.map(|p| format!("expires (rule {p})")).unwrap_or_else(|| "kept".into()) }</td>
                                    </tr>
                                }
                            }) }
                            </tbody>
                        </table>
                        if let Some(p) = &repo.lifecycle {
                            <p class="label">{ format!("Lifecycle policy preview: {} image(s) would expire now; the policy runs within 24 hours.", preview.len()) }</p>
                            <ol class="rules">{ for p.rules.iter().map(|r| html! { <li>{ format!("priority {}: {}", r.priority, if r.description.is_empty() { "(no description)" } else { &r.description }) }</li> }) }</ol>
                        }
                    </div>
                }
            }) }
        </div>
    }
}

fn discovery(sim: &Sim) -> Html {
    let s = &sim.scenario;
    if s.discovery_services.is_empty() {
        return html! {};
    }
    html! {
        <div id="cloud-map">
            <h3>{ "Cloud Map" }</h3>
            { for (0..s.discovery_services.len()).map(|ds| {
                let d = &s.discovery_services[ds];
                let ns = &s.namespaces[d.namespace];
                let via = s.registrations.iter().filter(|r| r.discovery_service == ds).map(|r| {
                    let svc = &sim.services[r.service].def.name;
                    match &r.client_alias {
                        Some((h, p)) => format!("{svc} via Service Connect, clients use {h}:{p}"),
                        None => format!("{svc} via serviceRegistries"),
                    }
                }).collect::<Vec<_>>().join("; ");
                let kinds: Vec<String> = d.records.iter().map(|(k, ttl)| format!("{} (TTL {ttl} s)", match k { RecordType::A => "A", RecordType::Srv => "SRV" })).collect();
                html! {
                    <div class="discovery-service">
                        <p><span class="mono">{ sim.discovery_name(ds) }</span>{ format!(" · {} · {via}", if ns.kind == NamespaceKind::Http { "HTTP namespace (API only, no DNS)".to_string() } else { format!("private DNS: {}", kinds.join(", ")) }) }</p>
                        if !sim.discovery[ds].is_empty() {
                            <table class="records">
                                <thead><tr><th title="Cloud Map instance id: the task id">{ "Task" }</th><th title="AWS_INSTANCE_IPV4">{ "IPv4" }</th><th title="AWS_INSTANCE_PORT">{ "Port" }</th><th>{ "Zone" }</th></tr></thead>
                                <tbody>{ for sim.discovery[ds].iter().map(|i| html! {
                                    <tr><td class="mono">{ format!("{}…", i.instance_id.get(..8).unwrap_or(&i.instance_id)) }</td><td class="mono">{ &i.ipv4 }</td><td class="mono">{ i.port.map(|p| p.to_string()).unwrap_or_else(|| "—".into()) }</td><td>{ &i.availability_zone }</td></tr>
                                }) }</tbody>
                            </table>
                        } else {
                            <p class="label">{ "No instances registered: the name doesn't resolve." }</p>
                        }
                    </div>
                }
            }) }
            if !s.service_calls.is_empty() {
                <p class="label">{ "Service-to-service calls (pink lines)" }</p>
                <ul>{ for s.service_calls.iter().enumerate().map(|(k, c)| {
                    let n = sim.resolve(c.from, &c.host, c.port).len();
                    html! { <li>{ format!("{} → {}: ", sim.services[c.from].def.name, c.to) }<strong>{ if n == 0 { "does not resolve".to_string() } else { format!("{n} endpoint(s)") } }</strong>{ format!(" (call {k})") }</li> }
                }) }</ul>
            }
        </div>
    }
}

fn schedules(sim: &Sim) -> Html {
    let s = &sim.scenario;
    if s.schedules.is_empty() {
        return html! {};
    }
    html! {
        <div id="schedules">
            <h3>{ "EventBridge Scheduler" }</h3>
            <ul>{ for s.schedules.iter().map(|d| {
                // Counted as they start: stopped tasks expire after an hour.
                let (started, last) = sim.tasks_started_by(&format!("scheduler/{}", d.name)).map_or((0, None), |(n, at)| (n, Some(format_iso(iso_at(sim, at)))));
                html! { <li>{ format!("{} → RunTask {} ×{} · {} tasks started{}", d.name, s.task_defs[d.run.task_def].family_revision(), d.run.count, started, last.map(|l| format!(", last at {l}")).unwrap_or_default()) }{ if d.enabled { "" } else { " · DISABLED" } }</li> }
            }) }</ul>
        </div>
    }
}

fn roles(sim: &Sim) -> Html {
    let Some(roles) = &sim.scenario.roles else { return html! {} };
    html! {
        <div id="roles">
            <h3>{ "IAM roles" }</h3>
            { for roles.iter().map(|r| html! {
                <div class="role">
                    <p><span class="mono">{ &r.name }</span></p>
                    <ul>{ for r.statements.iter().map(|st| html! {
                        <li class={if st.effect == Effect::Deny { "deny" } else { "allow" }}>{ format!("{} {} on {} ({})", if st.effect == Effect::Deny { "Deny" } else { "Allow" }, st.actions.join(", "), st.resources.join(", "), st.source) }</li>
                    }) }</ul>
                </div>
            }) }
        </div>
    }
}

fn api_calls(sim: &Sim) -> Html {
    if sim.api_calls.is_empty() {
        return html! {};
    }
    html! {
        <div id="calls">
            <h3>{ "Containers' AWS calls" }</h3>
            <ul class="api-calls" id="api-calls">{ for sim.api_calls.iter().rev().take(20).map(api_call_item) }</ul>
        </div>
    }
}

/// One container call: the action, IAM's answer, and AWS's message (Platform tab and inspector).
pub fn api_call_item(c: &ApiCall) -> Html {
    html! {
        <li class={if c.allowed { "allowed" } else { "denied" }}><span class="mono">{ &c.action }</span>{ format!(" {} · ", if c.allowed { "allowed" } else { "DENIED" }) }<span class="detail">{ &c.message }</span></li>
    }
}
