//! Captions for the room in EKS mode: the scaling events of the last few seconds — Cluster
//! Autoscaler's scale-up (`ScaledUpGroup`, or the pods' `TriggeredScaleUp`), its refusals
//! (`NotTriggerScaleUp`), its scale-downs, the HPA's `SuccessfulRescale`, a pod's first failed
//! image pull (the kubelet's `Failed to pull image …`), Karpenter's `Nominated` (a pod's
//! NodeClaim), `DisruptionLaunching` and the Node's `DisruptionTerminating` (`Disrupting Node:
//! Empty`) — in kubectl's words,
//! on a strip above the zones. Read from the Events the adapter copied; nothing decided here.

use crate::eks_adapter::{EksPicture, EventView};
use crate::eks_cards::Cx;
use crate::layout::GAP;
use crate::scene::{fit_words, Align, Dash, Rect, Scene};

const MAX_CAPTIONS: usize = 2;

/// Who said it, as the room knows them.
fn speaker(e: &EventView) -> String {
    match e.reason.as_str() {
        "SuccessfulRescale" => format!("HPA {}", e.object.split('/').nth(1).unwrap_or("")),
        "TriggeredScaleUp" | "NotTriggerScaleUp" => format!("Cluster Autoscaler ({})", e.object),
        "Failed" => format!("kubelet ({})", e.object),
        // A node's object is its private DNS name: the room reads its first label.
        "Nominated" | "DisruptionLaunching" | "DisruptionTerminating" => format!("Karpenter ({})", e.object.split('.').next().unwrap_or_default()),
        _ => "Cluster Autoscaler".into(),
    }
}

/// The captions now, newest first: (reason, text, warning).
pub fn captions(p: &EksPicture) -> Vec<(String, String, bool)> {
    let recent = p.scaling.iter().rev();
    let has_group = p.scaling.iter().any(|e| e.reason == "ScaledUpGroup");
    let mut out: Vec<(String, String, bool)> = Vec::new();
    for e in recent {
        // One caption per reason; the group's scale-up says what each pod's TriggeredScaleUp does.
        // Karpenter's termination says it on the Node and on its NodeClaim: the Node's is shown.
        let claim_twin = e.reason == "DisruptionTerminating" && !e.object.starts_with("node/");
        if claim_twin || out.iter().any(|(r, _, _)| *r == e.reason) || (e.reason == "TriggeredScaleUp" && has_group) {
            continue;
        }
        // Karpenter nominates each pod of a batch: one caption says how many, so the room
        // reads the NodeClaim's name rather than a pod's.
        let nominated = p.scaling.iter().filter(|x| x.reason == "Nominated" && x.message == e.message).count();
        let who = if e.reason == "Nominated" && nominated > 1 { format!("Karpenter ({nominated} pods)") } else { speaker(e) };
        out.push((e.reason.clone(), format!("{who}: {}", e.message), e.kind == "Warning"));
        if out.len() == MAX_CAPTIONS {
            break;
        }
    }
    out
}

/// The strip, when there is something to say; returns its height.
pub fn draw(cx: &Cx, area: Rect, scene: &mut Scene) -> Option<f64> {
    let (ty, c) = (cx.ty, cx.c);
    let lines = captions(cx.p);
    if lines.is_empty() {
        return None;
    }
    let row = ty.small + 8.0;
    let r = Rect { h: row * lines.len() as f64 + 6.0, ..area };
    scene.rect(r, c.caption, None, 5.0);
    scene.frame(r, c.caption_text, 1.5, Dash::Solid, 5.0);
    for (k, (reason, text, warning)) in lines.iter().enumerate() {
        let y = r.y + 3.0 + row * (k as f64 + 1.0) - 6.0;
        let colour = if *warning { c.unhealthy } else { c.caption_text };
        scene.text(r.x + GAP, y, fit_words(text, r.w - 2.0 * GAP, ty.small), ty.small, colour, Align::Left, true);
        scene.object("caption", reason.clone(), Rect { y: r.y + 3.0 + row * k as f64, h: row, ..r }, text.clone());
    }
    Some(r.h)
}
