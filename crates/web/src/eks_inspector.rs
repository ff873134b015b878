//! The side panel for an EKS pod or node: the pod's spec in brief and "Why this node?" —
//! every node's filter verdict (plugin and reason) and, for the nodes that passed, every score
//! plugin's raw, normalised and weighted score with the total, as kube-scheduler computed them.

use crate::eks_adapter::{EksPicture, PodView, Why};
use crate::inspector::Selection;
use yew::prelude::*;

fn mib(bytes: i64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

fn short(node: &str) -> &str {
    node.split('.').next().unwrap_or(node)
}

pub fn view(p: &EksPicture, selection: Option<Selection>, select: &Callback<Selection>) -> Html {
    match selection {
        Some(Selection::Task(k)) if k < p.pods.len() => pod(p, k, select),
        Some(Selection::Instance(i)) if i < p.nodes.len() => node(p, i, select),
        _ => html! {
            <section class="inspector empty">
                <h2>{ "Inspector" }</h2>
                <p>{ "Click a pod to see its spec and why kube-scheduler put it on its node, or a node to see its capacity and pods." }</p>
                { events(p) }
            </section>
        },
    }
}

/// The latest Events, Warnings first, then newest first, each with `kubectl get events`' LAST SEEN, TYPE, REASON and
/// OBJECT on one line and its MESSAGE under them (a narrow panel cannot hold five columns).
fn events(p: &EksPicture) -> Html {
    if p.events.is_empty() {
        return html! {};
    }
    html! {
        <div class="eks-events" id="eks-events">
            <h3>{ "Events (kubectl get events)" }</h3>
            <ol>
                { for p.events.iter().rev().filter(|e| e.kind == "Warning").chain(p.events.iter().rev().filter(|e| e.kind != "Warning")).map(|e| html! {
                    <li class={classes!((e.kind == "Warning").then_some("warning"))} data-reason={e.reason.clone()}>
                        <span class="event-head">{ format!("{} · {} · {} · ", age(p.at_s - e.last_s), e.kind, e.reason) }<span class="mono">{ &e.object }</span></span>
                        <span class="event-message">{ if e.count > 1 { format!("{} (x{})", e.message, e.count) } else { e.message.clone() } }</span>
                    </li>
                }) }
            </ol>
        </div>
    }
}

/// The waiting message, the kubelet's last event and when it pulls again (the image back-off
/// after the n-th failure: 10 s doubling to 300 s), one per line.
fn waiting(now: i64, w: &crate::eks_adapter::WaitingView) -> String {
    let (n, r) = (w.failures, w.retry_s);
    let when = if r > now { format!("in {}", age(r - now)) } else { "now".into() };
    let last = w.last_event.as_ref().map_or(String::new(), |e| format!("\nLast event: {e}"));
    format!("{}{last}\nNext pull {when}, after {n} failed pull{}", w.message, if n == 1 { "" } else { "s" })
}

/// kubectl's age: `45s`, `3m12s`, `12m`.
fn age(s: i64) -> String {
    let s = s.max(0);
    match s {
        0..=119 => format!("{s}s"),
        120..=599 => format!("{}m{}s", s / 60, s % 60),
        _ => format!("{}m", s / 60),
    }
}

fn pod(p: &EksPicture, k: usize, select: &Callback<Selection>) -> Html {
    let q = &p.pods[k];
    let owner = q.deployment.map(|d| format!("Deployment {} (its newest ReplicaSet)", p.deployments[d])).unwrap_or_else(|| if q.system { "DaemonSet (kube-system)".into() } else { "none: a bare Pod".into() });
    let status = if let Some(w) = &q.waiting { w.reason.to_string() } else if q.node.is_some() { q.phase.words().to_string() } else { "Pending (PodScheduled=False, Unschedulable)".to_string() };
    let node = q.node.map(|i| {
        let on_click = select.reform(move |_| Selection::Instance(i));
        html! { <><button class="link" onclick={on_click}>{ short(&p.nodes[i].name) }</button>{ format!(" · {}", p.nodes[i].zone) }</> }
    });
    html! {
        <section class="inspector eks" id="inspector" data-kind="pod">
            <h2 title={q.name.clone()}>{ format!("Pod {}", q.name) }</h2>
            <dl class="facts">
                <dt>{ "Namespace" }</dt><dd>{ &q.namespace }</dd>
                <dt>{ "Owner" }</dt><dd>{ owner }</dd>
                <dt>{ "Status" }</dt><dd id="pod-status">{ status }</dd>
                if let Some(w) = &q.waiting { <dt>{ "Waiting" }</dt><dd id="pod-waiting" class="mono">{ waiting(p.at_s, w) }</dd> }
                <dt>{ "Node" }</dt><dd>{ node.unwrap_or_else(|| html! { "none yet" }) }</dd>
                <dt>{ "Pod IP" }</dt><dd id="pod-ip">{ q.ip.clone().unwrap_or_else(|| "none (not scheduled)".into()) }{ if q.system { " (host network: the node's IP)" } else { "" } }</dd>
                <dt>{ "Requests" }</dt><dd>{ format!("cpu {}m · memory {}", q.cpu_m, mib(q.memory)) }</dd>
                <dt>{ "Image" }</dt><dd class="mono">{ q.containers.iter().map(|c| c.image.as_str()).collect::<Vec<_>>().join(", ") }</dd>
                if !q.node_selector.is_empty() {
                    <dt>{ "nodeSelector" }</dt><dd class="mono">{ q.node_selector.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ") }</dd>
                }
                if q.tolerations > 0 { <dt>{ "Tolerations" }</dt><dd>{ q.tolerations }</dd> }
            </dl>
            { why(q) }
            { for q.containers.iter().map(|c| html! {
                <div class="container-def">
                    <h3>{ format!("Container {}", c.name) }</h3>
                    <p class="mono">{ &c.image }</p>
                    <p>{ format!("requests: cpu {}m, memory {}", c.cpu_m, mib(c.memory)) }</p>
                </div>
            }) }
        </section>
    }
}

fn why(q: &PodView) -> Html {
    let Some(w) = &q.why else {
        let text = if q.system {
            "The DaemonSet controller runs one of these pods on every node; it is bound to its node, not chosen among them."
        } else {
            "Not scheduled by the default scheduler (spec.nodeName or another schedulerName)."
        };
        return html! { <div class="why" id="why-node"><h3>{ "Why this node?" }</h3><p>{ text }</p></div> };
    };
    let best = w.verdicts.iter().filter_map(|v| v.total).max();
    let tied = w.verdicts.iter().filter(|v| v.total.is_some() && v.total == best).count();
    let summary = match (&w.chosen, &w.message) {
        (Some(n), _) if tied > 1 => format!("Bound to {}: {tied} nodes tied on the highest total ({}), and kube-scheduler picks one of the tied nodes at random (here from the scenario's seed).", short(n), best.unwrap_or(0)),
        (Some(n), _) if w.verdicts.iter().filter(|v| v.rejected.is_none()).count() == 1 => format!("Bound to {}: the only node that passed every filter, so it was not scored.", short(n)),
        (Some(n), _) => format!("Bound to {}: the highest total score of the nodes that passed the filters.", short(n)),
        (None, Some(m)) => format!("FailedScheduling: {m}"),
        (None, None) => "Not scheduled.".into(),
    };
    html! {
        <div class="why" id="why-node">
            <h3>{ "Why this node?" }</h3>
            <p id="why-summary">{ summary }</p>
            <p class="label">{ format!("Filters ({} nodes evaluated)", w.evaluated) }</p>
            <table class="why-filters" id="why-filters">
                <thead><tr><th>{ "Node" }</th><th>{ "Filter verdict" }</th></tr></thead>
                <tbody>
                    { for w.verdicts.iter().map(|v| html! {
                        <tr class={classes!((w.chosen.as_deref() == Some(v.node.as_str())).then_some("chosen"))}>
                            <td class="mono">{ short(&v.node) }</td>
                            <td>{ match &v.rejected {
                                None => html! { <span class="ok">{ "passed" }</span> },
                                Some((plugin, reasons)) => html! { <span class="bad">{ format!("{plugin}: {}", reasons.join("; ")) }</span> },
                            } }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            { scores(w) }
        </div>
    }
}

/// `NodeResourcesBalancedAllocation` with a zero-width space before each inner capital, so a
/// narrow panel wraps it between words instead of pushing the numbers out.
fn camel_breaks(name: &str) -> String {
    let mut out = String::new();
    for (k, ch) in name.chars().enumerate() {
        if k > 0 && ch.is_ascii_uppercase() {
            out.push('\u{200B}');
        }
        out.push(ch);
    }
    out
}

/// One table per scored node (narrow enough for the side panel at projection size).
fn scores(w: &Why) -> Html {
    let scored: Vec<_> = w.verdicts.iter().filter(|v| v.total.is_some()).collect();
    if scored.is_empty() {
        return html! {};
    }
    html! {
        <>
            <p class="label">{ "Scores: raw → normalised (0–100) × weight = weighted; the highest total wins" }</p>
            { for scored.iter().map(|v| html! {
                <table class={classes!("why-scores", (w.chosen.as_deref() == Some(v.node.as_str())).then_some("chosen"))} data-node={v.node.clone()}>
                    <caption>{ format!("{} · total {}", short(&v.node), v.total.unwrap_or(0)) }</caption>
                    <thead><tr><th>{ "plugin" }</th><th>{ "raw" }</th><th>{ "norm" }</th><th>{ "×w" }</th><th>{ "=" }</th></tr></thead>
                    <tbody>
                        { for v.scores.iter().map(|(plugin, raw, norm, weight, weighted)| html! {
                            <tr><td>{ camel_breaks(plugin) }</td><td>{ raw }</td><td>{ norm }</td><td>{ weight }</td><td>{ weighted }</td></tr>
                        }) }
                        <tr class="total"><td>{ "total" }</td><td></td><td></td><td></td><td>{ v.total.unwrap_or(0) }</td></tr>
                    </tbody>
                </table>
            }) }
        </>
    }
}

fn node(p: &EksPicture, i: usize, select: &Callback<Selection>) -> Html {
    let n = &p.nodes[i];
    html! {
        <section class="inspector eks" id="inspector" data-kind="node">
            <h2 title={n.name.clone()}>{ format!("Node {}", short(&n.name)) }</h2>
            <dl class="facts">
                <dt>{ "Instance" }</dt><dd>{ format!("{} · {}", n.instance_type, if n.spot { "Spot" } else { "On-Demand" }) }</dd>
                <dt>{ "Node group" }</dt><dd>{ format!("{} ({})", n.group, if n.managed { "managed" } else { "self-managed" }) }</dd>
                <dt>{ "Zone" }</dt><dd>{ format!("{} · {}", n.zone, n.internal_ip) }</dd>
                <dt>{ "CPU" }</dt><dd>{ format!("{}m requested of {}m allocatable ({}m capacity)", n.used_cpu_m, n.cpu_m, n.capacity_cpu_m) }</dd>
                <dt>{ "Memory" }</dt><dd>{ format!("{} requested of {} allocatable ({} capacity)", mib(n.used_memory), mib(n.memory), mib(n.capacity_memory)) }</dd>
                <dt>{ "Pods" }</dt><dd>{ format!("{} of {} (VPC CNI max pods)", n.pods.len(), n.max_pods) }</dd>
            </dl>
            <ul class="tasks">
                { for n.pods.iter().map(|&k| {
                    let on_click = select.reform(move |_| Selection::Task(k));
                    let q = &p.pods[k];
                    html! { <li><button class="link" onclick={on_click}>{ format!("{} · {}", q.name, q.ip.clone().unwrap_or_default()) }</button></li> }
                }) }
            </ul>
        </section>
    }
}
