//! Pods' AWS calls on the EKS picture, drawn as the ECS picture draws containers' calls: an IAM
//! box beside the control plane, and from each pod that called in the last minute a line to it,
//! green and solid when allowed, red and dotted when denied, with who the pod ran as (IRSA role,
//! Pod Identity role, node role, or no credentials) in the box. Pure: built from `EksPicture`.

use crate::eks_cards::Cx;
use crate::layout::GAP;
use crate::scene::{first_fit, text_width, Align, Dash, Rect, Scene};
use stevedore_sim::eks::identity::PodCredentials;
use stevedore_sim::eks::run::EksRun;

/// Calls drawn at once (the newest), and for how long after they were made.
const SHOWN: usize = 8;
const RECENT_S: i64 = 60;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdentityView {
    /// The file has `CallAwsApi` entries: the IAM box is drawn from the start.
    pub has_calls: bool,
    /// The last minute's calls, newest first.
    pub calls: Vec<CallView>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallView {
    pub pod: String,
    pub allowed: bool,
    pub action: String,
    /// `IRSA reports-reader`, `Pod Identity reports-writer`, `node role …`, `no credentials`.
    pub identity: String,
}

fn short(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

pub fn identity_words(c: &PodCredentials) -> String {
    match c {
        PodCredentials::Irsa { role_arn, .. } => format!("IRSA {}", short(role_arn)),
        PodCredentials::PodIdentity { role_arn, .. } => format!("Pod Identity {}", short(role_arn)),
        PodCredentials::NodeRole { role_arn, .. } => format!("node role {}", short(role_arn)),
        PodCredentials::None { .. } => "no credentials".into(),
    }
}

pub fn view(run: &EksRun, has_calls: bool) -> IdentityView {
    let calls = run
        .aws_calls
        .iter()
        .rev()
        .take_while(|c| c.at_s + RECENT_S >= run.until_s)
        .take(SHOWN)
        .map(|c| CallView { pod: c.pod.clone(), allowed: c.allowed, action: c.action.clone(), identity: identity_words(&c.identity) })
        .collect();
    IdentityView { has_calls, calls }
}

/// The IAM box's width beside the control plane (0: no calls in the file).
pub fn box_w(cx: &Cx) -> f64 {
    if !cx.p.identity.has_calls {
        return 0.0;
    }
    (cx.v.width * 0.4).clamp(text_width("IAM", cx.ty.body) + 4.0 * GAP, 640.0)
}

/// The IAM box in `r`; returns it for the call lines.
pub fn draw_box(cx: &Cx, r: Rect, scene: &mut Scene) -> Option<Rect> {
    if r.w <= 0.0 {
        return None;
    }
    let (c, ty) = (cx.c, cx.ty);
    scene.rect(r, c.subnet, Some(c.alb), 5.0);
    let title_w = text_width("IAM", ty.body);
    scene.text(r.x + GAP, r.y + ty.body + 4.0, "IAM", ty.body, c.card_text, Align::Left, true);
    let calls = &cx.p.identity.calls;
    let (ok, denied) = (calls.iter().filter(|x| x.allowed).count(), calls.iter().filter(|x| !x.allowed).count());
    let latest = calls.first().map(|x| format!("{} {} as {}", x.action, if x.allowed { "allowed" } else { "denied" }, x.identity)).unwrap_or_default();
    let counts = format!("{ok} allowed · {denied} denied");
    let short = calls.first().map(|x| format!("{} {}", if x.allowed { "allowed" } else { "denied" }, x.identity)).unwrap_or_default();
    let candidates = if calls.is_empty() { vec!["pods' AWS calls".to_string()] } else { vec![format!("{latest} · {counts}"), latest, short, counts.clone()] };
    let words = first_fit(&candidates, r.w - title_w - 3.0 * GAP, ty.small);
    scene.text(r.x + 2.0 * GAP + title_w, r.y + ty.body + 4.0, words, ty.small, if calls.first().is_some_and(|x| !x.allowed) { c.unhealthy } else { c.muted_text }, Align::Left, false);
    scene.object("iam", "IAM", r, counts);
    Some(r)
}

/// From each recent caller's block to the IAM box: from the block's top edge, so the line
/// leaves the card upwards, and broken wherever it would cross a label.
pub fn draw_calls(cx: &Cx, iam: Option<Rect>, scene: &mut Scene) {
    let Some(iam) = iam else { return };
    let mut drawn: Vec<&str> = Vec::new();
    let labels: Vec<Rect> = scene.text_boxes().into_iter().map(|(r, _, _)| r).collect();
    for call in &cx.p.identity.calls {
        if drawn.contains(&call.pod.as_str()) {
            continue; // the newest call of each pod
        }
        let Some(block) = scene.objects.iter().find(|o| o.kind == "pod" && o.id == call.pod).map(|o| o.r) else { continue };
        drawn.push(&call.pod);
        let from = (block.x + block.w / 2.0, block.y);
        let to = (iam.x + iam.w / 2.0, iam.bottom());
        let (colour, dash) = if call.allowed { (cx.c.healthy, Dash::Solid) } else { (cx.c.unhealthy, Dash::Dotted) };
        // Broken under the zone, subnet and node titles it passes, so they stay readable.
        for (a, z) in crate::eks_services::around_labels(from, to, &labels) {
            scene.shapes.push(crate::scene::Shape::Line { from: a, to: z, colour: colour.to_string(), width: cx.line, dash });
        }
        scene.shapes.push(crate::scene::Shape::Arrow { from, to, colour: colour.to_string(), size: 4.0 * cx.line });
        let bbox = Rect { x: from.0.min(to.0), y: from.1.min(to.1), w: (to.0 - from.0).abs(), h: (to.1 - from.1).abs() };
        scene.object(if call.allowed { "call-allowed" } else { "call-denied" }, call.pod.clone(), bbox, format!("{} as {}", call.action, call.identity));
    }
}

#[cfg(test)]
mod tests {
    use crate::eks_adapter::EksSession;
    use crate::eks_scene::{layout, EksView};

    fn overlaps(scene: &crate::scene::Scene) -> Vec<String> {
        let texts = scene.text_boxes();
        let mut bad = Vec::new();
        for (k, (a, ta, _)) in texts.iter().enumerate() {
            for (b, tb, _) in &texts[k + 1..] {
                if a.overlaps(b, 0.5) {
                    bad.push(format!("{ta:?} / {tb:?}"));
                }
            }
        }
        bad
    }

    #[test]
    fn the_irsa_lesson_draws_allowed_and_denied_calls_to_iam() {
        let mut s = EksSession::load(crate::scenarios::find("eks-irsa-vs-task-role").unwrap().json).unwrap();
        for (w, h, projection) in [(880.0, 570.0, true), (1520.0, 930.0, false)] {
            s.at(125_000);
            let scene = layout(&s.picture, &EksView { width: w, height: h, projection, ..EksView::default() });
            let kinds = |k: &str| scene.objects.iter().filter(|o| o.kind == k).count();
            assert_eq!(kinds("iam"), 1);
            assert_eq!(kinds("call-denied"), 2, "both reports pods were denied s3:PutObject at 2m");
            assert_eq!(kinds("call-allowed"), 1, "uploader's PutObject at 1m30s, still within the minute");
            assert!(scene.objects.iter().any(|o| o.kind == "call-denied" && o.note == "s3:PutObject as IRSA reports-reader"));
            assert!(overlaps(&scene).is_empty(), "{:?}", overlaps(&scene));
            let iam = scene.objects.iter().find(|o| o.kind == "iam").unwrap().r;
            let cp = scene.objects.iter().find(|o| o.kind == "control-plane").unwrap().r;
            assert!(iam.x >= cp.right() && (iam.y - cp.y).abs() < 0.5, "IAM beside the control plane");
        }
    }

    #[test]
    fn the_spot_lesson_marks_the_node_under_notice_then_drops_it() {
        let mut s = EksSession::load(crate::scenarios::find("eks-spot-pdb").unwrap().json).unwrap();
        let view = EksView { width: 880.0, height: 570.0, projection: true, ..EksView::default() };
        s.at(100_000);
        let scene = layout(&s.picture, &view);
        let marks: Vec<_> = scene.objects.iter().filter(|o| o.kind == "spot-notice").collect();
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].note, "reclaimed in 1m 20s");
        let node = marks[0].id.clone();
        assert!(overlaps(&scene).is_empty(), "{:?}", overlaps(&scene));
        s.at(181_000);
        let scene = layout(&s.picture, &view);
        assert!(!scene.objects.iter().any(|o| o.kind == "node" && o.id == node), "the reclaimed node is gone");
        assert_eq!(scene.objects.iter().filter(|o| o.kind == "node").count(), 3, "the replacement took its place");
        assert_eq!(scene.objects.iter().filter(|o| o.kind == "pod").count(), 6);
    }
}
