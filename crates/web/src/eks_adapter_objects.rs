//! The adapter's second half: what the engine knows beyond placement — each pod's phase, the
//! Services with their Ready endpoints, and the latest Events in kubectl's words. A child of
//! `eks_adapter` (still the only code reading `stevedore_sim::eks`).

use stevedore_sim::sort::SortSmall;
use super::{EksPicture, EventView, Phase, ServiceView, WaitingView, EVENTS_SHOWN};
use stevedore_sim::eks::engine::image_pull::{backoff_s, PullFailure};

/// The events the captions speak of: Cluster Autoscaler's scale-ups, refusals and scale-downs,
/// the HPA's rescales, and Karpenter's nominations (`Nominated`) and disruptions.
pub const SCALING_REASONS: &[&str] = &["ScaledUpGroup", "TriggeredScaleUp", "NotTriggerScaleUp", "SuccessfulRescale", "ScaleDown", "ScaleDownEmpty", "Nominated", "DisruptionLaunching", "DisruptionTerminating"];
/// A caption stays this many sim seconds after its event.
pub const CAPTION_S: i64 = 20;
use stevedore_sim::eks::engine::PodRecord;
use stevedore_sim::eks::run::EksRun;

/// The pod's look now, from its record's instants (`PodRecord::ready` is the Ready condition).
/// A container not started whose image failed to pull shows the sim's waiting reason, as
/// `eks::output` reports it in `containerStatuses[].state.waiting` (a pod stuck with
/// `FailedCreatePodSandBox` stays ContainerCreating, as kubectl shows it).
pub fn phase(r: &PodRecord, now: i64) -> Phase {
    if r.node.is_none() {
        Phase::Pending
    } else if r.deleting_at.is_some() {
        Phase::Terminating
    } else if !r.started(now) {
        match pull_failure(r, now) {
            Some(_) => Phase::Waiting,
            None => Phase::ContainerCreating,
        }
    } else if r.ready(now) {
        Phase::Ready
    } else {
        Phase::NotReady
    }
}

fn pull_failure(r: &PodRecord, now: i64) -> Option<&PullFailure> {
    r.pull_failure.as_ref().filter(|f| f.at <= now)
}

/// The waiting pod's message, its kubelet's latest event and the next retry, from the sim.
/// The latest event skips `Error: <reason>` (it repeats the STATUS already shown) and one
/// saying what the waiting message says, so the panel keeps the one that says why (in
/// back-off: `Failed to pull image "…": <the runtime's error>`).
fn waiting(r: &PodRecord, run: &EksRun, now: i64) -> Option<WaitingView> {
    let f = pull_failure(r, now)?;
    let (reason, message) = f.waiting(now);
    let last_event = run.events.iter().filter(|e| e.kind == "Pod" && e.namespace == r.info.namespace && e.name == r.info.name && e.source == "kubelet" && e.last_s <= now && !e.message.starts_with("Error: ") && e.message != message).max_by_key(|e| e.last_s).map(|e| e.message.clone());
    Some(WaitingView { reason, message, last_event, retry_s: f.at + backoff_s(f.failures), failures: f.failures })
}

pub fn fill(p: &mut EksPicture, run: &EksRun) {
    let recs: crate::lookups::Lookup<(&str, &str), &PodRecord> = crate::lookups::Lookup::new(run.pods.iter().map(|r| ((r.info.namespace.as_str(), r.info.name.as_str()), r)));
    let now = run.until_s;
    for q in p.pods.iter_mut() {
        q.phase = match recs.get(&(q.namespace.as_str(), q.name.as_str())) {
            Some(r) => {
                q.waiting = if phase(r, now) == Phase::Waiting { waiting(r, run, now) } else { None };
                phase(r, now)
            }
            None if q.node.is_some() => Phase::Ready,
            None => Phase::Pending,
        };
    }
    // Endpoints: the pods the selector matches in the Service's namespace; Ready ones are
    // addresses, the rest notReadyAddresses (a selector-less Service lists none).
    for (svc, alloc) in &run.services {
        let Some(sel) = &svc.selector else { continue };
        let (mut ready, mut not_ready) = (Vec::new(), 0);
        for (k, q) in p.pods.iter().enumerate() {
            let Some(r) = recs.get(&(q.namespace.as_str(), q.name.as_str())) else { continue };
            if q.node.is_none() || q.namespace != svc.namespace || !sel.iter().all(|(key, v)| r.info.labels.get(key) == Some(v)) {
                continue;
            }
            if q.phase == Phase::Ready {
                ready.push(k);
            } else {
                not_ready += 1;
            }
        }
        let ports = svc.ports.iter().zip(&alloc.node_ports).map(|(sp, np)| match np {
            Some(n) => format!("{}:{n}/{}", sp.port, sp.protocol),
            None => format!("{}/{}", sp.port, sp.protocol),
        });
        p.services.push(ServiceView { name: svc.name.clone(), namespace: svc.namespace.clone(), kind: svc.kind.clone(), cluster_ip: alloc.cluster_ip.clone(), ports: ports.collect::<Vec<_>>().join(","), ready, not_ready });
    }
    // Events: the engine's (scheduler, kubelet, ReplicaSet controller) and each Deployment's
    // (ScalingReplicaSet), by last time seen; ties keep the order they were recorded in.
    let mut events: Vec<EventView> = run
        .events
        .iter()
        .map(|e| EventView { last_s: e.last_s, kind: if e.warning { "Warning" } else { "Normal" }, reason: e.reason.to_string(), object: format!("{}/{}", e.kind.to_lowercase(), e.name), message: e.message.clone(), count: e.count })
        .collect();
    for r in &run.rollouts {
        events.extend(r.events.iter().map(|e| EventView { last_s: e.at, kind: "Normal", reason: e.reason.to_string(), object: format!("deployment/{}", r.deployment.name), message: e.message.clone(), count: 1 }));
    }
    events.sort_small_by_key(|e| e.last_s);
    // The scaling events of the last few seconds, for the captions, however many others the
    // scale itself caused (a scale-down's deletions would push its rescale out of the log).
    // A pod's first failed image pull is captioned too (its repeats are the chip's to show).
    let first_pull_failure = |e: &EventView| e.reason == "Failed" && e.count == 1 && e.message.starts_with("Failed to pull image");
    p.scaling = events.iter().filter(|e| (SCALING_REASONS.contains(&e.reason.as_str()) || first_pull_failure(e)) && e.last_s <= now && now - e.last_s <= CAPTION_S).cloned().collect();
    // The latest few Warnings stay in view however many Normal events followed them (a
    // FailedScheduling is what the class should see); the rest of the room goes to the latest.
    let warnings: Vec<usize> = (0..events.len()).rev().filter(|&i| events[i].kind == "Warning").take(EVENTS_SHOWN / 3).collect();
    let normals: Vec<usize> = (0..events.len()).rev().filter(|&i| events[i].kind != "Warning").take(EVENTS_SHOWN - warnings.len()).collect();
    let mut keep: Vec<usize> = warnings.into_iter().chain(normals).collect();
    keep.sort_unstable();
    p.events = keep.into_iter().map(|i| events[i].clone()).collect();
}
