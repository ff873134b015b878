//! A pod whose image will not pull (the fixture `tests/e2e/fixtures/eks-image-pull.yaml`): its
//! chip, legend, caption and waiting facts say what the sim's `kubectl get pods -o json` says,
//! second by second.

use crate::eks_adapter::{EksSession, Phase};
use crate::eks_scene::{layout, EksView};
use stevedore_sim::eks::{manifest::parse, output, run::run_until};

const FIXTURE: &str = include_str!("../../../tests/e2e/fixtures/eks-image-pull.yaml");

/// Each web pod's (name, waiting reason) as the sim's JSON reports it at `t`.
fn sim_waiting(t: i64) -> Vec<(String, Option<String>)> {
    let m = parse(FIXTURE).unwrap();
    let r = run_until(&m, false, t);
    let items = output::list(&r, 0)["items"].as_array().unwrap().clone();
    let mut out: Vec<(String, Option<String>)> = items
        .iter()
        .filter(|i| i["kind"] == "Pod" && i["metadata"]["labels"]["app"] == "web" && i["metadata"]["deletionTimestamp"].is_null() && !i["spec"]["nodeName"].is_null())
        .map(|i| (i["metadata"]["name"].as_str().unwrap().to_string(), i["status"]["containerStatuses"][0]["state"]["waiting"]["reason"].as_str().map(str::to_string)))
        .collect();
    out.sort();
    out
}

#[test]
fn the_pod_shows_the_sims_waiting_reason_every_second() {
    let mut s = EksSession::load(FIXTURE).unwrap();
    let mut seen = Vec::new();
    for t in (55..=200).step_by(3) {
        s.at(t as u64 * 1000);
        let mut ours: Vec<(String, Option<String>)> = s.picture.pods.iter().filter(|q| q.deployment.is_some() && q.node.is_some() && q.phase != Phase::Terminating).map(|q| (q.name.clone(), match q.phase {
            Phase::Waiting => Some(q.waiting.as_ref().unwrap().reason.to_string()),
            Phase::ContainerCreating => Some("ContainerCreating".into()),
            _ => None,
        })).collect();
        ours.sort();
        assert_eq!(ours, sim_waiting(t), "t={t}");
        seen.extend(ours.into_iter().filter_map(|(_, r)| r));
    }
    for want in ["ErrImagePull", "ImagePullBackOff"] {
        assert!(seen.iter().any(|r| r == want), "{want} never seen: {seen:?}");
    }
}

#[test]
fn the_chip_the_legend_the_caption_and_the_retry_say_so() {
    let mut s = EksSession::load(FIXTURE).unwrap();
    // The first failure, and the kubelet's back-off from it.
    let first = (60..120).find(|&t| {
        s.at(t * 1000);
        s.picture.pods.iter().any(|q| q.waiting.as_ref().is_some_and(|w| w.reason == "ErrImagePull"))
    });
    let first = first.expect("the new pod fails its pull") as i64;
    let q = s.picture.pods.iter().find(|q| q.waiting.as_ref().is_some_and(|w| w.reason == "ErrImagePull")).unwrap();
    let w = q.waiting.clone().unwrap();
    assert_eq!((w.failures, w.retry_s), (1, first + 10), "first retry after the 10 s image back-off");
    assert!(w.message.contains("web:v2: not found"), "{}", w.message);
    assert!(w.last_event.as_deref().unwrap().starts_with("Failed to pull image \"123456789012.dkr.ecr.us-west-2.amazonaws.com/web:v2\""));
    for (w_, h, projection) in [(1280.0, 720.0, true), (1920.0, 1080.0, false)] {
        s.at(first as u64 * 1000 + 2000);
        let scene = layout(&s.picture, &EksView { width: w_ - 400.0, height: h - 150.0, projection, ..EksView::default() });
        let chip = scene.objects.iter().find(|o| o.kind == "pod-waiting").expect("a waiting chip");
        let r = chip.r;
        let inside: Vec<&str> = scene.text_boxes().into_iter().filter(|(b, _, _)| b.x >= r.x - 1.0 && b.x + b.w <= r.x + r.w + 1.0 && b.y >= r.y - 1.0 && b.y + b.h <= r.y + r.h + 1.0).map(|(_, t, _)| t).collect();
        assert!(inside.iter().any(|t| *t == "ImagePullBackOff" || *t == "BackOff"), "{w_}: the chip says it: {inside:?} {r:?} {:?}", scene.objects.iter().filter(|o| o.kind == "node").map(|o| o.r).collect::<Vec<_>>());
        let all: Vec<&str> = scene.text_boxes().into_iter().map(|(_, t, _)| t).collect();
        assert!(all.contains(&"ImagePullBackOff"), "{w_}: the legend names it");
        assert!(scene.objects.iter().any(|o| o.kind == "caption" && o.note.starts_with("kubelet (pod/web-") && o.note.contains("Failed to pull image")), "{w_}: captioned");
    }
    // A while later the caption is gone, the chip still says ImagePullBackOff, and back-off grew.
    s.at((first as u64 + 100) * 1000);
    let q = s.picture.pods.iter().find(|q| q.waiting.is_some()).unwrap();
    assert_eq!((q.phase, q.waiting.as_ref().unwrap().reason), (Phase::Waiting, "ImagePullBackOff"));
    let w = q.waiting.clone().unwrap();
    assert!(w.failures >= 3 && w.retry_s > first + 100, "{w:?}");
    assert_eq!(w.message, "Back-off pulling image \"123456789012.dkr.ecr.us-west-2.amazonaws.com/web:v2\"");
    // The panel's last event says why, not the message again.
    assert!(w.last_event.as_deref().is_some_and(|e| e.starts_with("Failed to pull image") && e.ends_with("web:v2: not found")), "{w:?}");
}
