//! The app in EKS mode: an EKS manifest running instead of an ECS scenario. The same toolbar,
//! narrative banner, canvas (zoom, pan, click) and Scenario tab; the picture is `eks_scene`, the
//! inspector `eks_inspector`, the clock re-asks `eks_adapter` for the picture at its second.

use super::*;
use crate::eks_adapter::EksSession;
use crate::eks_scene::{self, EksView};

impl App {
    /// Validates and runs an EKS manifest, as `apply` does an ECS scenario.
    pub(super) fn apply_eks(&mut self, text: &str) -> bool {
        match EksSession::load(text) {
            Ok(session) => {
                self.eks = Some(session);
                self.scenario = None;
                self.sim = None;
                self.checkpoints = None;
                self.selection = None;
                self.editor_errors.clear();
                self.compare = None;
                self.has_variants = false;
                if self.tab == Tab::Compare || self.tab == Tab::Platform {
                    self.tab = Tab::Inspect;
                }
                self.applied = true;
                self.playing = false;
                self.seek_eks(0);
                storage::save_scenario(text);
                true
            }
            Err(errors) => {
                self.editor_errors = EditorError::from_manifest(text, &errors);
                self.applied = false;
                false
            }
        }
    }

    pub(super) fn seek_eks(&mut self, t: u64) {
        let Some(eks) = self.eks.as_mut() else { return };
        let t = t.min(eks.duration_ms);
        eks.at(t);
        self.sim_time_ms = t as f64;
        self.scene = None;
        // A seek shows the nodes at `t` in place.
        self.eks_motion.reset();
    }

    /// One frame of play: wall time × speed, the picture at the new second.
    pub(super) fn advance_eks(&mut self, elapsed_ms: f64) {
        let Some(eks) = self.eks.as_mut() else { return };
        let end = eks.duration_ms as f64;
        self.sim_time_ms = (self.sim_time_ms + elapsed_ms * SPEEDS[self.speed] as f64).min(end);
        eks.at(self.sim_time_ms as u64);
        if self.sim_time_ms >= end {
            self.playing = false;
        }
    }

    /// → : the next timeline action or narrative step, else 10 s on.
    pub(super) fn next_eks_moment(&self) -> Option<u64> {
        let eks = self.eks.as_ref()?;
        let now = self.sim_time_ms as u64;
        Some(eks.moments.iter().copied().find(|&m| m > now).unwrap_or(now + 10_000).min(eks.duration_ms))
    }

    pub(super) fn draw_eks(&mut self) {
        if self.eks.is_none() {
            return;
        }
        let Some((ctx, w, h, dpr, _)) = canvas_input::canvas_2d(self) else { return };
        let Some(eks) = &self.eks else { return };
        let (selected_pod, selected_node) = match self.selection {
            Some(Selection::Task(k)) => (Some(k), None),
            Some(Selection::Instance(i)) => (None, Some(i)),
            None => (None, None),
        };
        // Nodes joining and leaving move only while playing, and not under reduced motion.
        let names: Vec<String> = eks.picture.nodes.iter().map(|n| n.name.clone()).collect();
        let last_cards = self.scene.as_ref().map(|s| s.instance_cards.clone()).unwrap_or_default();
        self.eks_motion.observe(&names, &last_cards, self.now_wall_ms, self.playing && !reduced_motion());
        let motion = self.eks_motion.frame(self.now_wall_ms);
        let scene = eks_scene::layout(&eks.picture, &EksView { width: w, height: h, projection: self.projection, selected_pod, selected_node, motion: Some(&motion) });
        paint::paint(&ctx, &scene, dpr, &self.zoom);
        // The hook follows every frame while a node moves (the test reads the motion).
        if !self.playing || !motion.is_empty() || self.now_wall_ms - self.last_hook_ms >= 1000.0 {
            self.last_hook_ms = self.now_wall_ms;
            canvas_input::set_hook(&format!("{{\"zoom\":[{},{},{}],\"projection\":{},\"canvas\":[{w},{h}],\"orchestrator\":\"eks\",\"narrative\":{:?},\"scene\":{}}}", self.zoom.scale, self.zoom.x, self.zoom.y, self.projection, eks.narrative.iter().map(|n| n.at).collect::<Vec<_>>(), scene.hook_json()));
        }
        self.scene = Some(scene);
    }

    /// The Charts tab: each HPA's metric and replicas, and the nodes per node group.
    fn eks_charts_view(&self, eks: &EksSession) -> Html {
        let charts = crate::eks_charts::charts(&eks.history, eks.picture.at_s);
        let size = if self.projection { (340, 220) } else { (370, 180) };
        html! {
            <section class="charts" id="charts" data-orchestrator="eks">
                if eks.history.hpas.is_empty() { <p>{ "No HorizontalPodAutoscaler in this manifest: only the node groups are charted." }</p> }
                { for charts.iter().map(|c| super::chart_figure(c, size)) }
                <p class="label">{ "Orange verticals: the HPA changed its desired replicas. A sample every 5 s of sim time." }</p>
            </section>
        }
    }

    pub(super) fn view_eks(&self, ctx: &Context<Self>, eks: &EksSession) -> Html {
        let link = ctx.link();
        let p = &eks.picture;
        let input = canvas_input::CanvasInput::new(link);
        let apps = p.pods.iter().filter(|q| !q.system).count();
        let running = p.pods.iter().filter(|q| !q.system && q.node.is_some()).count();
        // Test hook: where the first application pod block is drawn (CSS pixels).
        let first_pod = self.scene.as_ref().and_then(|s| s.task_blocks.iter().find(|(k, _)| p.pods.get(*k).is_some_and(|q| !q.system && q.node.is_some()))).map(|(_, r)| format!("{:.0},{:.0}", r.x + r.w / 2.0, r.y + r.h / 2.0)).unwrap_or_default();
        html! {
            <div class={classes!("app", self.projection.then_some("projection"), self.side_folded.then_some("side-folded"))}>
                <header class="toolbar">
                    <h1 class="brand">{ "Stevedore" }</h1>
                    <span class="scenario-name" title={eks.description.clone()}>{ &eks.title }</span>
                    { self.transport(link, "Step to the next kubectl action or lesson step (→)") }
                    <span class="clocks"><output id="clock" class="clock" title="Time since the scenario started">{ format_clock(self.sim_time_ms as u64) }</output></span>
                    { self.timeline(eks.duration_ms, &input) }
                    { self.view_toggles(link) }
                    <output id="summary" class="summary" data-orchestrator="eks"
                        data-tasks={apps.to_string()} data-running={running.to_string()}
                        data-instances={p.nodes.len().to_string()} data-pending={p.pending.len().to_string()}>
                        { format!("{apps} pods ({running} running, {} Pending) · {} nodes", p.pending.len(), p.nodes.len()) }
                    </output>
                </header>
                { narrative::view_steps(&eks.narrative, self.sim_time_ms as u64, &link.callback(Msg::Seek)) }
                <main class="main">
                    { self.cluster_canvas(&input, first_pod, None, "Cluster view: the EKS control plane, Availability Zones, nodes and their pods") }
                    <aside class="side" ref={self.side.clone()}>
                        <nav class="tabs" role="tablist">
                            { self.tab_button(link, "tab-inspect", Tab::Inspect, self.tab != Tab::Scenario && self.tab != Tab::Charts, "Inspect") }
                            { self.tab_button(link, "tab-charts", Tab::Charts, self.tab == Tab::Charts, "Charts") }
                            { self.tab_button(link, "tab-scenario", Tab::Scenario, self.tab == Tab::Scenario, "Scenario") }
                        </nav>
                        if self.tab == Tab::Scenario {
                            { self.editor_panel(link) }
                        } else if self.tab == Tab::Charts {
                            { self.eks_charts_view(eks) }
                        } else {
                            { crate::eks_inspector::view(p, self.selection, &link.callback(Msg::Select)) }
                        }
                    </aside>
                </main>
                if self.help { { keys::help(link.callback(|_| Msg::ToggleHelp)) } }
            </div>
        }
    }
}

/// The user asked for less motion (`prefers-reduced-motion: reduce`), read through
/// `window.matchMedia` (js_sys, so web-sys needs no extra feature).
fn reduced_motion() -> bool {
    let Some(w) = web_sys::window() else { return false };
    let Ok(f) = js_sys::Reflect::get(&w, &"matchMedia".into()).and_then(|f| f.dyn_into::<js_sys::Function>().map_err(|e| e)) else { return false };
    f.call1(&w, &"(prefers-reduced-motion: reduce)".into()).and_then(|m| js_sys::Reflect::get(&m, &"matches".into())).is_ok_and(|v| v.is_truthy())
}
