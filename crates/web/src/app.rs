//! The app shell: loads the built-in scenario, drives the sim from requestAnimationFrame and
//! paints the cluster. Time: wall-clock milliseconds × speed become sim milliseconds; the sim
//! is event-driven, so a slow frame only means a bigger `advance_to` step, never divergence.

use crate::layout::{layout, View};
use crate::{paint, scenarios};
use gloo::render::{request_animation_frame, AnimationFrame};
use stevedore_sim::engine::TaskStatus;
use stevedore_sim::time::format_clock;
use stevedore_sim::Sim;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

pub const SPEEDS: &[u32] = &[1, 10, 60, 600, 3600];

pub enum Msg {
    Frame(f64),
    TogglePlay,
    SetSpeed(u32),
}

pub struct App {
    sim: Option<Sim>,
    load_errors: Vec<String>,
    playing: bool,
    speed: u32,
    sim_time_ms: f64,
    last_frame_ms: Option<f64>,
    canvas: NodeRef,
    frame: Option<AnimationFrame>,
    shown_second: u64,
}

impl App {
    fn request_frame(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.frame = Some(request_animation_frame(move |ts| link.send_message(Msg::Frame(ts))));
    }

    fn draw(&self) {
        let (Some(sim), Some(canvas)) = (&self.sim, self.canvas.cast::<HtmlCanvasElement>()) else { return };
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let (w, h) = (canvas.client_width().max(1) as f64, canvas.client_height().max(1) as f64);
        let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
        if canvas.width() != pw || canvas.height() != ph {
            canvas.set_width(pw);
            canvas.set_height(ph);
        }
        let Some(ctx) = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok()) else { return };
        let scene = layout(sim, &View { width: w, height: h, text_scale: 1.0 });
        paint::paint(&ctx, &scene, dpr);
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(_ctx: &Context<Self>) -> Self {
        let (sim, load_errors) = match stevedore_sim::load(scenarios::default().json) {
            Ok(s) => {
                let mut sim = Sim::new(s);
                sim.advance_to(0); // what happens at second 0 (initial placements) is on screen at once
                (Some(sim), vec![])
            }
            Err(errors) => (None, errors.iter().map(|e| e.to_string()).collect()),
        };
        App { sim, load_errors, playing: false, speed: 10, sim_time_ms: 0.0, last_frame_ms: None, canvas: NodeRef::default(), frame: None, shown_second: 0 }
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(ts) => {
                let elapsed = self.last_frame_ms.map_or(0.0, |last| (ts - last).clamp(0.0, 250.0));
                self.last_frame_ms = Some(ts);
                if let (true, Some(sim)) = (self.playing, self.sim.as_mut()) {
                    let end = sim.scenario.duration as f64;
                    self.sim_time_ms = (self.sim_time_ms + elapsed * self.speed as f64).min(end);
                    sim.advance_to(self.sim_time_ms as u64);
                    if self.sim_time_ms >= end {
                        self.playing = false;
                    }
                }
                self.draw();
                self.request_frame(ctx);
                let second = self.sim_time_ms as u64 / 1000;
                let changed = second != self.shown_second;
                self.shown_second = second;
                changed || !self.playing
            }
            Msg::TogglePlay => {
                self.playing = !self.playing;
                true
            }
            Msg::SetSpeed(s) => {
                self.speed = s;
                true
            }
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if first_render {
            self.draw();
            self.request_frame(ctx);
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let toggle = link.callback(|_| Msg::TogglePlay);
        let clock = format_clock(self.sim_time_ms as u64);
        let (name, summary) = match &self.sim {
            Some(sim) => (sim.scenario.name.clone(), summary(sim, !self.playing)),
            None => ("Scenario failed to load".to_string(), Summary::default()),
        };
        html! {
            <div class="app">
                <header class="toolbar">
                    <h1 class="brand">{ "Stevedore" }</h1>
                    <span class="scenario-name">{ name }</span>
                    <button id="play" class="play" onclick={toggle} aria-label={ if self.playing { "Pause" } else { "Play" } }>
                        { if self.playing { "❚❚ Pause" } else { "▶ Play" } }
                    </button>
                    <label class="speed">{ "Speed " }
                        <select id="speed" onchange={link.callback(|e: Event| {
                            let v = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value();
                            Msg::SetSpeed(v.parse().unwrap_or(1))
                        })}>
                            { for SPEEDS.iter().map(|s| html! { <option value={s.to_string()} selected={*s == self.speed}>{ format!("{s}×") }</option> }) }
                        </select>
                    </label>
                    <output id="clock" class="clock">{ clock }</output>
                    <output id="summary" class="summary"
                        data-tasks={summary.tasks.to_string()} data-running={summary.running.to_string()}
                        data-instances={summary.instances.to_string()} data-healthy-targets={summary.healthy_targets.to_string()}
                        data-placements={summary.placements}>
                        { format!("{} tasks ({} running) on {} instances · {} healthy targets", summary.tasks, summary.running, summary.instances, summary.healthy_targets) }
                    </output>
                </header>
                { for self.load_errors.iter().map(|e| html! { <p class="error">{ e }</p> }) }
                <canvas id="cluster" ref={self.canvas.clone()} aria-label="Cluster view: Availability Zones, container instances and their tasks"></canvas>
            </div>
        }
    }
}

#[derive(Default)]
struct Summary {
    tasks: usize,
    running: usize,
    instances: usize,
    healthy_targets: usize,
    /// `task@ec2-instance:port` for every live task, sorted: lets the browser test compare the
    /// wasm run with the native CLI's. Filled only while paused (it is not free at scale).
    placements: String,
}

fn summary(sim: &Sim, with_placements: bool) -> Summary {
    let mut placements: Vec<String> = Vec::new();
    if with_placements {
        for t in sim.tasks.iter().filter(|t| t.live()) {
            let host = t.instance.map_or("fargate", |i| sim.instances[i].spec.ec2_instance_id.as_str());
            let port = t.bindings.first().map_or(0, |b| b.host_port);
            placements.push(format!("{}@{host}:{port}", t.id));
        }
        placements.sort();
    }
    Summary {
        placements: placements.join(","),
        tasks: sim.tasks.iter().filter(|t| t.live()).count(),
        running: sim.tasks.iter().filter(|t| t.last_status == TaskStatus::Running).count(),
        instances: sim.instances.len(),
        healthy_targets: (0..sim.targets.len()).map(|tg| sim.healthy_targets(tg)).sum(),
    }
}
