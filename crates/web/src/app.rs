//! The app shell: owns the sim, drives it from requestAnimationFrame, and routes input.
//! Time: wall-clock milliseconds × speed become sim milliseconds; the sim is event-driven, so
//! a slow frame only means a bigger `advance_to` step, never a different run. Going back in
//! time restores the nearest checkpoint and replays from there (runs are deterministic).

use stevedore_sim::sort::SortSmall;
use crate::inspector::{self, Selection};
use crate::layout::{layout, Hit, Scene, View};
use crate::zoom::Zoom;
use crate::editor::{self, EditorCallbacks, EditorError, EditorProps, ShareState};
use crate::{event_log, keys, narrative, paint, scenarios, share, storage};
use gloo::file::callbacks::FileReader;
use gloo::events::EventListener;
use gloo::render::{request_animation_frame, AnimationFrame};
use stevedore_sim::engine::TaskStatus;
use stevedore_sim::query::{Query, QueryError};
use stevedore_sim::time::format_clock;
use stevedore_sim::{Scenario, Sim};
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlInputElement};
use yew::prelude::*;

// The EKS mode's view, drawing and clock (a child module: it reads the app's fields).
#[path = "eks_view.rs"]
mod eks_view;
#[path = "canvas_input.rs"]
mod canvas_input;

pub const SPEEDS: &[u32] = &[1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];
const DEFAULT_SPEED: usize = 3; // 10×

pub enum Msg {
    Frame(f64),
    TogglePlay,
    SetSpeed(usize),
    Faster,
    Slower,
    Step,
    Back,
    Seek(u64),
    CanvasClick(f64, f64),
    Select(Selection),
    Deselect,
    Query(String),
    LogFilter(String),
    ToggleProjection,
    ToggleHelp,
    /// Canvas zoom and pan: wheel (screen point, steps), drag, double-click, keys.
    Wheel(f64, f64, f64),
    DragStart(f64, f64),
    DragMove(f64, f64),
    DragEnd,
    Focus(f64, f64),
    ZoomIn,
    ZoomOut,
    ZoomFit,
    ToggleSide,
    Tab(Tab),
    Lesson(String),
    EditorInput(String),
    Apply,
    Import(web_sys::File),
    Imported(Result<String, String>),
    Share,
    /// Whether the clipboard took the share link.
    Shared(bool),
    /// A task named by its id (the event log's links to stopped tasks).
    SelectTaskId(String),
    PasteTaskDefinition(String),
    ChartService(usize),
    Compare(crate::compare_view::CompareMsg),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Inspect,
    Charts,
    Platform,
    Scenario,
    Compare,
}

pub struct App {
    scenario: Option<Scenario>,
    /// An EKS manifest running instead of an ECS scenario (then `scenario` and `sim` are None).
    eks: Option<crate::eks_adapter::EksSession>,
    sim: Option<Sim>,
    load_errors: Vec<String>,
    playing: bool,
    speed: usize,
    sim_time_ms: f64,
    last_frame_ms: Option<f64>,
    canvas: NodeRef,
    frame: Option<AnimationFrame>,
    scene: Option<Scene>,
    selection: Option<Selection>,
    query: String,
    query_hits: Result<Option<Vec<bool>>, QueryError>,
    log_filter: String,
    projection: bool,
    help: bool,
    shown_second: u64,
    /// Wall time of the last DOM render while playing (the canvas redraws every frame).
    last_render_ms: f64,
    tab: Tab,
    /// The editor's text as typed (saved as a draft on every keystroke).
    editor_text: String,
    editor_errors: Vec<EditorError>,
    /// True while the editor shows exactly the scenario that is running.
    applied: bool,
    /// The built-in lesson running, or empty for the user's own scenario.
    lesson: String,
    share_link: Option<String>,
    share_state: ShareState,
    /// Select the share link's text at the next render (once: later renders must not steal focus).
    select_share: bool,
    /// The side panel, scrolled to the top when the selection changes.
    side: NodeRef,
    side_shows: Option<Selection>,
    paste_error: Option<String>,
    reader: Option<FileReader>,
    chart_service: usize,
    /// Tasks seen so far, and the ones still sliding in: (task, wall-clock start in ms).
    known_tasks: usize,
    /// Copies of the run for rewinding (`stevedore_sim::checkpoints`).
    checkpoints: Option<stevedore_sim::checkpoints::Checkpoints>,
    arrivals: Vec<(usize, f64)>,
    /// Instances seen so far, and the new ones still sliding in: (instance, wall start in ms).
    known_instances: usize,
    instance_arrivals: Vec<(usize, f64)>,
    /// Tasks that just stopped: where their block was, its colour, and when they left (wall ms).
    departures: Vec<(crate::layout::Rect, &'static str, f64)>,
    now_wall_ms: f64,
    /// EKS nodes arriving and leaving (wall clock only).
    eks_motion: crate::eks_motion::NodeMotion,
    /// The cost meter and its per-minute history (a RefCell: `view` reads the meter).
    cost: std::cell::RefCell<crate::cost_meter::CostHistory>,
    /// The Compare view's runs, built when its tab opens; `Err` when a variant fails to load.
    compare: Option<Result<crate::compare_view::Compare, String>>,
    has_variants: bool,
    _keys: Option<EventListener>,
    zoom: Zoom,
    /// A drag in progress: where it was last, and whether it moved (then it is not a click).
    drag: Option<(f64, f64)>,
    dragged: bool,
    /// The side panel folded away (S), so the picture fills the screen.
    side_folded: bool,
    /// Wall time the test hook (`window.__stevedoreScene`) was last written.
    last_hook_ms: f64,
    /// The minimap as last drawn (None: not shown), and whether a drag started on it.
    minimap: Option<crate::minimap::Minimap>,
    minimap_drag: bool,
    /// The canvas size and zoom of the last paint (None: the canvas must be painted).
    painted: Option<(u32, u32, Zoom)>,
    /// What the last draw's canvas calls took (ms; 0 when the picture was unchanged).
    paint_ms: f64,
    /// When the frame being handled began (its DOM render, if any, ends its work).
    frame_began: Option<f64>,
}

/// Events one → press runs at most while looking for the next logged moment.
const MAX_STEP_EVENTS: usize = 100_000;

/// Sim work per frame at most (ms), so advance + layout + paint fit in a 60 Hz frame.
const ADVANCE_BUDGET_MS: f64 = 7.0;

/// Wall time a caption stays on the canvas.
const CAPTION_WALL_MS: u64 = 6_000;

/// How often the DOM side panel follows the clock while playing.
const DOM_REFRESH_MS: f64 = 250.0;

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// How long a new task takes to travel from the pending queue to its instance (wall time).
const ARRIVAL_MS: f64 = 700.0;
/// How long a new instance's card takes to slide in (wall time), and how many at once at most.
const INSTANCE_ARRIVAL_MS: f64 = 900.0;
const MAX_ANIMATED_INSTANCES: usize = 20;
/// Stopped tasks fading out at once, at most (each costs a translucent fill per frame).
const MAX_ANIMATED_DEPARTURES: usize = 60;
/// More new tasks than this in one frame appear in place: a burst of thousands is a blur.
const MAX_ANIMATED_ARRIVALS: usize = 200;

impl App {
    fn request_frame(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.frame = Some(request_animation_frame(move |ts| link.send_message(Msg::Frame(ts))));
    }

    fn draw(&mut self) {
        if self.eks.is_some() {
            return self.draw_eks();
        }
        if self.sim.is_none() {
            return;
        }
        // Resizing clears the canvas: the next paint must happen (`canvas_2d` drops the key).
        let Some((ctx, w, h, dpr, (pw, ph))) = canvas_input::canvas_2d(self) else { return };
        let Some(sim) = &self.sim else { return };
        let highlight = self.query_hits.as_ref().ok().and_then(|h| h.as_deref());
        let (selected_task, selected_instance) = match self.selection {
            Some(Selection::Task(t)) => (Some(t), None),
            Some(Selection::Instance(i)) => (None, Some(i)),
            None => (None, None),
        };
        let arriving: Vec<(usize, f64)> = self.arrivals.iter().map(|&(t, start)| (t, (self.now_wall_ms - start) / ARRIVAL_MS)).collect();
        let arriving_instances: Vec<(usize, f64)> = self.instance_arrivals.iter().map(|&(i, start)| (i, (self.now_wall_ms - start) / INSTANCE_ARRIVAL_MS)).collect();
        let departing: Vec<(crate::layout::Rect, &str, f64)> = self.departures.iter().map(|&(r, c, start)| (r, c, (self.now_wall_ms - start) / ARRIVAL_MS)).collect();
        // Captions last about six seconds of wall time at the current speed.
        let caption_window_ms = (SPEEDS[self.speed] as u64 * CAPTION_WALL_MS).max(CAPTION_WALL_MS);
        let view = View { width: w, height: h, projection: self.projection, highlight, selected_task, selected_instance, arriving: &arriving, arriving_instances: &arriving_instances, departing: &departing, phase_s: if self.playing { self.now_wall_ms / 1000.0 } else { 0.0 }, caption_window_ms, zoom: self.zoom };
        let mut scene = layout(sim, &view);
        // Past a few hundred instances, zoomed in: the whole picture small in a corner.
        let legend_h = crate::legend::strip_height(crate::scene::Type::new(self.projection, w));
        self.minimap = crate::minimap::place(sim.instances.len(), &self.zoom, (w, h), legend_h);
        if let Some(m) = &self.minimap {
            let shapes = m.shapes(&scene, &self.zoom, (w, h), crate::palette::Colours::for_mode(self.projection));
            scene.overlay.extend(shapes);
            let v = m.viewport(&self.zoom, (w, h));
            scene.object("minimap", "", m.frame, format!("{:.0},{:.0},{:.0},{:.0}", v.x, v.y, v.w, v.h));
        }
        // The same picture at the same zoom is already on the canvas: skip the raster.
        let key = (pw, ph, self.zoom);
        if self.painted != Some(key) || !self.scene.as_ref().is_some_and(|old| old.same_picture(&scene)) {
            let t = now_ms();
            paint::paint(&ctx, &scene, dpr, &self.zoom);
            self.paint_ms = now_ms() - t;
            self.painted = Some(key);
        } else {
            self.paint_ms = 0.0;
        }
        // Test hook: the drawn objects and texts as JSON, while paused (building it costs a few
        // ms at scale, which a playing frame can't spare) and once a second while playing.
        if !self.playing || self.now_wall_ms - self.last_hook_ms >= 1000.0 {
            self.last_hook_ms = self.now_wall_ms;
            canvas_input::set_hook(&format!("{{\"zoom\":[{},{},{}],\"projection\":{},\"canvas\":[{w},{h}],\"narrative\":{:?},\"scene\":{}}}", self.zoom.scale, self.zoom.x, self.zoom.y, self.projection, sim.scenario.narrative.iter().map(|n| n.at).collect::<Vec<_>>(), scene.hook_json()));
        }
        self.scene = Some(scene);
    }

    /// Test hook: what the last frame cost, in ms, as `data-frame-cost="advance draw paint
    /// started"` on the canvas (draw: layout + paint; started: tasks the frame's advance
    /// created): the frame-time test reports where the time goes, bursts apart.
    fn record_frame_cost(&self, advance_ms: f64, draw_ms: f64, started: usize) {
        if let Some(canvas) = self.canvas.cast::<HtmlCanvasElement>() {
            let _ = canvas.set_attribute("data-frame-cost", &format!("{advance_ms:.2} {draw_ms:.2} {:.2} {started}", self.paint_ms));
        }
    }

    /// Test hook: the whole frame's work in ms (advance, layout, paint, DOM render) as
    /// `data-frame-work` on the canvas.
    fn record_frame_work(&self, began: f64) {
        if let Some(canvas) = self.canvas.cast::<HtmlCanvasElement>() {
            let _ = canvas.set_attribute("data-frame-work", &format!("{:.2}", now_ms() - began));
        }
    }

    /// Moves the clock to `t`, replaying from the nearest checkpoint when going back.
    fn seek(&mut self, t: u64) {
        if self.eks.is_some() {
            return self.seek_eks(t);
        }
        let Some(scenario) = &self.scenario else { return };
        let t = t.min(scenario.duration);
        let rebuilt = self.sim.as_ref().is_none_or(|s| s.now() > t);
        if self.sim.is_none() {
            let start = Sim::new(scenario.clone());
            self.checkpoints = Some(stevedore_sim::checkpoints::Checkpoints::new(&start));
            self.sim = Some(start);
        }
        // Back, or ahead past a copy: start from the nearest copy at or before `t`; the cost
        // history then starts over from that copy's time (its samples before it are kept).
        if let Some(store) = &self.checkpoints {
            let (start, restored) = store.start_for(t, self.sim.take());
            if restored {
                self.cost.get_mut().rewound(start.now());
            }
            self.sim = Some(start);
        }
        // A jump (back in time, or more than a minute ahead) shows the state at `t` without
        // animating every task that came and went on the way; a step animates.
        let jump = rebuilt || (t as f64 - self.sim_time_ms).abs() > 60_000.0;
        if let Some(sim) = self.sim.as_mut() {
            self.cost.get_mut().advance(sim, t);
            if jump {
                self.known_tasks = sim.tasks_created();
                self.known_instances = sim.instances.len();
                self.arrivals.clear();
                self.instance_arrivals.clear();
                self.departures.clear();
                // The last frame's scene may belong to the run just replaced.
                self.scene = None;
            }
        }
        self.sim_time_ms = t as f64;
        self.refresh_query();
    }

    fn canvas_size(&self) -> (f64, f64) {
        self.canvas.cast::<HtmlCanvasElement>().map_or((1.0, 1.0), |c| (c.client_width().max(1) as f64, c.client_height().max(1) as f64))
    }

    /// Centres the view on the world point under a minimap point; false if it is off the map.
    fn minimap_to(&mut self, x: f64, y: f64) -> bool {
        let Some((wx, wy)) = self.minimap.and_then(|m| m.to_world(x, y)) else { return false };
        self.zoom = self.zoom.centre_on(wx, wy, self.canvas_size());
        self.redraw_if_paused();
        true
    }

    /// While playing the next frame repaints anyway; paused, zoom and pan repaint now.
    fn redraw_if_paused(&mut self) {
        if !self.playing {
            self.draw();
        }
    }

    fn draw_charts(&self) {
        if let (Some(eks), Some(document)) = (&self.eks, web_sys::window().and_then(|w| w.document())) {
            for chart in crate::eks_charts::charts(&eks.history, eks.picture.at_s) {
                if let Some(canvas) = document.get_element_by_id(&chart.id).and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok()) {
                    crate::charts::draw(canvas, &chart, self.projection);
                }
            }
            return;
        }
        let (Some(sim), Some(document)) = (&self.sim, web_sys::window().and_then(|w| w.document())) else { return };
        for chart in self.cost.borrow().charts(sim) {
            if let Some(canvas) = document.get_element_by_id(&chart.id).and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok()) {
                crate::charts::draw(canvas, &chart, self.projection);
            }
        }
        if self.chart_service >= sim.services.len() {
            return;
        }
        for chart in crate::chart_data::service_charts(sim, self.chart_service) {
            if let Some(canvas) = document.get_element_by_id(&chart.id).and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok()) {
                crate::charts::draw(canvas, &chart, self.projection);
            }
        }
    }

    /// Notes tasks created since the last frame so they can slide in from the pending queue.
    fn track_arrivals(&mut self, now_ms: f64) {
        self.now_wall_ms = now_ms;
        self.arrivals.retain(|&(_, start)| now_ms - start < ARRIVAL_MS);
        let Some(sim) = &self.sim else { return };
        // Slots of expired tasks are reused: new tasks are those created since (by `seq`).
        let (known, new) = (self.known_tasks, sim.tasks_created().saturating_sub(self.known_tasks));
        if new > 0 && new <= MAX_ANIMATED_ARRIVALS {
            self.arrivals.extend((0..sim.tasks.len()).filter(|&t| sim.tasks[t].exists() && sim.tasks[t].seq >= known && (sim.tasks[t].instance.is_some() || sim.tasks[t].fargate)).map(|t| (t, now_ms)));
        }
        self.known_tasks = sim.tasks_created();
        // New instances (an Auto Scaling group's launch) slide in; a burst appears in place.
        self.instance_arrivals.retain(|&(_, start)| now_ms - start < INSTANCE_ARRIVAL_MS);
        let new = sim.instances.len().saturating_sub(self.known_instances);
        if new > 0 && new <= MAX_ANIMATED_INSTANCES {
            self.instance_arrivals.extend((self.known_instances..sim.instances.len()).map(|i| (i, now_ms)));
        }
        self.known_instances = sim.instances.len();
        // Tasks drawn last frame that have stopped since fade out where they stood.
        self.departures.retain(|&(_, _, start)| now_ms - start < ARRIVAL_MS);
        if let Some(scene) = self.scene.as_ref().filter(|_| self.departures.len() < MAX_ANIMATED_DEPARTURES) {
            // `get`: a scene drawn from a previous run may name tasks this run doesn't have.
            let gone: Vec<_> = scene
                .task_blocks
                .iter()
                .filter_map(|&(t, r)| sim.tasks.get(t).filter(|task| !task.live()).map(|task| (r, crate::palette::service(task.service), now_ms)))
                .take(MAX_ANIMATED_DEPARTURES - self.departures.len())
                .collect();
            self.departures.extend(gone);
        }
    }

    /// Validates and runs `text`. On errors the running scenario is kept and the errors are
    /// shown against the text as typed. Returns whether it applied.
    fn apply(&mut self, text: &str) -> bool {
        self.editor_text = text.to_string();
        if crate::eks_adapter::is_manifest(text) {
            return self.apply_eks(text);
        }
        match stevedore_sim::load(text) {
            Ok(scenario) => {
                self.eks = None;
                self.scenario = Some(scenario);
                self.sim = None;
                self.selection = None;
                self.editor_errors.clear();
                self.compare = None;
                self.has_variants = crate::compare_view::has_variants(text);
                if self.tab == Tab::Compare {
                    self.compare = crate::compare_view::Compare::new(text).transpose();
                }
                self.applied = true;
                self.playing = false;
                self.seek(0);
                storage::save_scenario(text);
                true
            }
            Err(errors) => {
                self.editor_errors = EditorError::from_validation(text, &errors);
                self.applied = false;
                false
            }
        }
    }

    /// The text of the scenario that is running (the editor may hold unapplied edits).
    fn editor_text_applied(&self) -> String {
        if self.applied {
            self.editor_text.clone()
        } else {
            storage::load_scenario().unwrap_or_else(|| self.editor_text.clone())
        }
    }

    fn start_lesson(&mut self, id: &str) {
        if let Some(lesson) = scenarios::find(id) {
            if self.apply(&lesson.text()) {
                self.lesson = id.to_string();
            }
        }
    }

    /// An explicit choice (a lesson, a shared link) replaces the editor text and its draft.
    fn start_lesson_from_user(&mut self, id: &str) {
        self.start_lesson(id);
        storage::save_draft(&self.editor_text);
    }

    /// Runs events until one writes to the event log, so every → stop has a line there (a
    /// metrics tick alone is not a stop). Returns that moment, or the last event's if none does.
    fn next_logged_moment(&mut self) -> Option<u64> {
        let sim = self.sim.as_mut()?;
        let (before, end) = (sim.log.len(), sim.scenario.duration);
        let mut reached = None;
        for _ in 0..MAX_STEP_EVENTS {
            let Some(t) = sim.next_event_time().filter(|&t| t <= end) else { break };
            sim.advance_to(t);
            reached = Some(t);
            if sim.log.len() > before {
                break;
            }
        }
        reached
    }

    fn refresh_query(&mut self) {
        let Some(sim) = &self.sim else { return };
        self.query_hits = if self.query.trim().is_empty() {
            Ok(None)
        } else {
            Query::parse(&self.query).map(|q| Some(sim.instances.iter().map(|i| q.matches(i)).collect()))
        };
    }
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let window = web_sys::window();
        let search = window.as_ref().and_then(|w| w.location().search().ok()).unwrap_or_default();
        let hash = window.as_ref().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        let projection = search.contains("projection=1") || search.contains("dashboard=true");
        let mut app = App {
            scenario: None,
            eks: None,
            sim: None,
            load_errors: vec![],
            playing: false,
            speed: DEFAULT_SPEED,
            sim_time_ms: 0.0,
            last_frame_ms: None,
            canvas: NodeRef::default(),
            frame: None,
            scene: None,
            selection: None,
            query: String::new(),
            query_hits: Ok(None),
            log_filter: String::new(),
            projection,
            help: false,
            shown_second: 0,
            last_render_ms: 0.0,
            tab: Tab::Inspect,
            editor_text: String::new(),
            editor_errors: vec![],
            applied: true,
            lesson: String::new(),
            share_link: None,
            share_state: ShareState::None,
            select_share: false,
            side: NodeRef::default(),
            side_shows: None,
            paste_error: None,
            reader: None,
            chart_service: 0,
            known_tasks: 0,
            checkpoints: None,
            arrivals: Vec::new(),
            known_instances: 0,
            instance_arrivals: Vec::new(),
            departures: Vec::new(),
            now_wall_ms: 0.0,
            eks_motion: Default::default(),
            cost: Default::default(),
            compare: None,
            has_variants: false,
            _keys: keys::listen(ctx.link().clone()),
            zoom: Zoom::default(),
            drag: None,
            dragged: false,
            minimap: None,
            minimap_drag: false,
            painted: None,
            side_folded: false,
            last_hook_ms: f64::NEG_INFINITY,
            paint_ms: 0.0,
            frame_began: None,
        };
        // Read the draft first: starting a scenario below must not overwrite it.
        let draft = storage::load_draft();
        // A shared link wins, then the user's saved scenario, then the default lesson.
        let mut started = false;
        let mut from_link = false;
        match share::from_hash(&hash) {
            Some(Ok(text)) => {
                started = app.apply(&text);
                from_link = started;
            }
            Some(Err(e)) => app.load_errors.push(format!("The shared link could not be opened: {e}")),
            None => {}
        }
        if !started {
            if let Some(text) = storage::load_scenario() {
                started = app.apply(&text);
            }
        }
        if !started {
            app.start_lesson(scenarios::default().id);
        }
        // Whatever was typed last, valid or not, comes back into the editor.
        // (A shared link shows its own scenario; the draft stays stored for the next visit.)
        if let Some(draft) = draft.filter(|_| !from_link) {
            if draft != app.editor_text {
                app.editor_text = draft;
                app.applied = false;
            }
        }
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(ts) => {
                let t_start = now_ms();
                let elapsed = self.last_frame_ms.map_or(0.0, |last| (ts - last).clamp(0.0, 250.0));
                self.last_frame_ms = Some(ts);
                if self.playing && self.eks.is_some() {
                    self.advance_eks(elapsed);
                }
                if let (true, Some(sim)) = (self.playing, self.sim.as_mut()) {
                    let end = sim.scenario.duration as f64;
                    self.sim_time_ms = (self.sim_time_ms + elapsed * SPEEDS[self.speed] as f64).min(end);
                    // A burst (hundreds of tasks starting at once) is spread over frames: the
                    // clock waits for the sim rather than the frame waiting for both.
                    let deadline = t_start + ADVANCE_BUDGET_MS;
                    if !sim.advance_within(self.sim_time_ms as u64, || now_ms() < deadline) {
                        self.sim_time_ms = sim.now() as f64;
                    }
                    if self.sim_time_ms >= end {
                        self.playing = false;
                    }
                    self.cost.get_mut().record(sim);
                }
                if let (Tab::Compare, Some(Ok(c))) = (self.tab, self.compare.as_mut()) {
                    c.advance_to(self.sim_time_ms as u64);
                }
                if let (Some(store), Some(sim)) = (self.checkpoints.as_mut(), self.sim.as_ref()) {
                    store.observe(sim);
                }
                let t_advanced = now_ms();
                let known = self.known_tasks;
                self.track_arrivals(ts);
                let started = self.known_tasks.saturating_sub(known);
                self.draw();
                self.request_frame(ctx);
                let second = self.sim_time_ms as u64 / 1000;
                let changed = second != self.shown_second;
                // The DOM (clock, summary, event log, inspector) follows at most every
                // DOM_REFRESH_MS while playing: at 3600× the sim second changes every frame, and
                // re-rendering hundreds of log entries per frame costs more than the canvas.
                let due = !self.playing || ts - self.last_render_ms >= DOM_REFRESH_MS;
                if changed && due {
                    self.shown_second = second;
                    self.last_render_ms = ts;
                    if self.query_hits.as_ref().is_ok_and(|h| h.is_some()) {
                        self.refresh_query();
                    }
                }
                self.record_frame_cost(t_advanced - t_start, now_ms() - t_advanced, started);
                let render = (changed && due) || !self.playing;
                // The frame's whole work ends here, or after the DOM render it asks for.
                if render {
                    self.frame_began = Some(t_start);
                } else {
                    self.record_frame_work(t_start);
                }
                render
            }
            Msg::TogglePlay => {
                if !self.playing && (self.sim.as_ref().is_some_and(|s| s.now() >= s.scenario.duration) || self.eks.as_ref().is_some_and(|e| self.sim_time_ms as u64 >= e.duration_ms)) {
                    self.seek(0);
                }
                self.playing = !self.playing;
                true
            }
            Msg::SetSpeed(i) => {
                self.speed = i.min(SPEEDS.len() - 1);
                true
            }
            Msg::Faster => {
                self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
                true
            }
            Msg::Slower => {
                self.speed = self.speed.saturating_sub(1);
                true
            }
            Msg::Step => {
                self.playing = false;
                if let Some(t) = self.next_logged_moment().or_else(|| self.next_eks_moment()) {
                    self.seek(t);
                }
                true
            }
            Msg::Back => {
                self.playing = false;
                self.seek((self.sim_time_ms as u64).saturating_sub(10_000));
                true
            }
            Msg::Seek(t) => {
                self.seek(t);
                true
            }
            Msg::CanvasClick(x, y) => {
                if std::mem::take(&mut self.dragged) {
                    return false;
                }
                let (x, y) = self.zoom.to_world(x, y);
                self.selection = match self.scene.as_ref().and_then(|s| s.hit(x, y)) {
                    Some(Hit::Task(t)) => Some(Selection::Task(t)),
                    Some(Hit::Instance(i)) => Some(Selection::Instance(i)),
                    None => None,
                };
                true
            }
            Msg::Select(s) => {
                self.selection = Some(s);
                true
            }
            Msg::Deselect => {
                let had = self.selection.is_some() || self.help;
                self.selection = None;
                self.help = false;
                had
            }
            Msg::Query(q) => {
                self.query = q;
                self.refresh_query();
                true
            }
            Msg::LogFilter(f) => {
                self.log_filter = f;
                true
            }
            Msg::ToggleProjection => {
                self.projection = !self.projection;
                self.zoom = Zoom::default();
                true
            }
            Msg::ToggleHelp => {
                self.help = !self.help;
                true
            }
            Msg::Wheel(x, y, steps) => {
                self.zoom = self.zoom.zoom_at(crate::zoom::STEP.powf(steps), x, y, self.canvas_size());
                self.redraw_if_paused();
                false
            }
            Msg::DragStart(x, y) => {
                self.drag = Some((x, y));
                // On the minimap: move the view there (and the click that follows selects nothing).
                self.minimap_drag = self.minimap_to(x, y);
                self.dragged = self.minimap_drag;
                false
            }
            Msg::DragMove(x, y) => {
                if self.minimap_drag {
                    self.minimap_to(x, y);
                } else if let Some((lx, ly)) = self.drag {
                    if (x - lx).abs() + (y - ly).abs() > 2.0 || self.dragged {
                        self.dragged = true;
                        self.zoom = self.zoom.pan(x - lx, y - ly, self.canvas_size());
                        self.drag = Some((x, y));
                        self.redraw_if_paused();
                    }
                }
                false
            }
            Msg::DragEnd => {
                self.drag = None;
                self.minimap_drag = false;
                false
            }
            Msg::Focus(x, y) => {
                if self.minimap.is_some_and(|m| m.frame.contains(x, y)) {
                    return false;
                }
                let (wx, wy) = self.zoom.to_world(x, y);
                let target = self.scene.as_ref().and_then(|s| match s.hit(wx, wy) {
                    // A task: frame its service's tasks; an instance: frame its card.
                    Some(Hit::Task(t)) => s.service_extent(self.sim.as_ref()?, t),
                    Some(Hit::Instance(i)) => s.instance_cards.iter().find(|(k, _)| *k == i).map(|(_, r)| *r),
                    None => None,
                });
                self.zoom = match target {
                    Some(r) => Zoom::focus(r, self.canvas_size()),
                    None => Zoom::default(),
                };
                self.redraw_if_paused();
                false
            }
            Msg::ZoomIn | Msg::ZoomOut => {
                let (w, h) = self.canvas_size();
                let factor = if matches!(msg, Msg::ZoomIn) { crate::zoom::STEP } else { 1.0 / crate::zoom::STEP };
                self.zoom = self.zoom.zoom_at(factor, w / 2.0, h / 2.0, (w, h));
                self.redraw_if_paused();
                false
            }
            Msg::ZoomFit => {
                self.zoom = Zoom::default();
                self.redraw_if_paused();
                false
            }
            Msg::ToggleSide => {
                self.side_folded = !self.side_folded;
                true
            }
            Msg::Tab(tab) => {
                self.tab = tab;
                if tab == Tab::Compare && self.compare.is_none() {
                    self.compare = crate::compare_view::Compare::new(&self.editor_text_applied()).transpose();
                }
                true
            }
            Msg::Lesson(id) => {
                if id.is_empty() {
                    self.lesson.clear();
                } else {
                    self.start_lesson_from_user(&id);
                }
                true
            }
            Msg::EditorInput(text) => {
                storage::save_draft(&text);
                self.editor_text = text;
                self.applied = false;
                true
            }
            Msg::Apply => {
                let text = self.editor_text.clone();
                storage::save_draft(&text);
                if self.apply(&text) {
                    self.lesson.clear();
                }
                true
            }
            Msg::Import(file) => {
                let link = ctx.link().clone();
                self.reader = Some(gloo::file::callbacks::read_as_text(&gloo::file::File::from(file), move |result| {
                    link.send_message(Msg::Imported(result.map_err(|e| e.to_string())));
                }));
                false
            }
            Msg::Imported(result) => {
                self.reader = None;
                match result {
                    Ok(text) => {
                        storage::save_draft(&text);
                        if self.apply(&text) {
                            self.lesson.clear();
                        }
                    }
                    Err(e) => self.editor_errors = vec![EditorError { path: "$".into(), message: format!("could not read the file: {e}"), line: None }],
                }
                true
            }
            Msg::Share => {
                let fragment = format!("#s={}", share::encode(&self.editor_text_applied()));
                if let Some(w) = web_sys::window() {
                    let base = w.location().href().unwrap_or_default();
                    let base = base.split('#').next().unwrap_or_default().to_string();
                    if let Ok(history) = w.history() {
                        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&fragment));
                    }
                    let link = format!("{base}{fragment}");
                    self.share_state = ShareState::None;
                    editor::copy_to_clipboard(&link, ctx.link().callback(Msg::Shared));
                    self.share_link = Some(link);
                }
                true
            }
            Msg::Shared(copied) => {
                self.share_state = if copied { ShareState::Copied } else { ShareState::SelectToCopy };
                self.select_share = !copied;
                true
            }
            Msg::SelectTaskId(id) => {
                if let Some(t) = self.sim.as_ref().and_then(|s| s.find_task(&id)) {
                    self.selection = Some(Selection::Task(t));
                    self.tab = Tab::Inspect;
                }
                true
            }
            Msg::Compare(m) => {
                if let Some(Ok(c)) = self.compare.as_mut() {
                    c.update(m);
                    c.advance_to(self.sim_time_ms as u64);
                }
                true
            }
            Msg::ChartService(s) => {
                self.chart_service = s;
                true
            }
            Msg::PasteTaskDefinition(text) => {
                match add_task_definition(&self.editor_text, &text) {
                    Ok(updated) => {
                        self.paste_error = None;
                        storage::save_draft(&updated);
                        if self.apply(&updated) {
                            self.lesson.clear();
                        }
                    }
                    Err(e) => self.paste_error = Some(e),
                }
                true
            }
        }
    }

    fn rendered(&mut self, ctx: &Context<Self>, first_render: bool) {
        if let Some(began) = self.frame_began.take() {
            self.record_frame_work(began);
        }
        if first_render {
            self.draw();
            self.request_frame(ctx);
        }
        if self.tab == Tab::Charts {
            self.draw_charts();
        }
        if let (Tab::Compare, Some(Ok(c))) = (self.tab, &self.compare) {
            c.draw_charts(self.projection);
        }
        // A new selection starts at the top of the panel, not where the last one was scrolled.
        if self.selection != self.side_shows {
            self.side_shows = self.selection;
            if let Some(side) = self.side.cast::<web_sys::Element>() {
                side.set_scroll_top(0);
            }
        }
        if std::mem::take(&mut self.select_share) {
            editor::select_share_link();
        }
        if self.tab == Tab::Scenario {
            editor::sync_gutter();
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        if let Some(eks) = &self.eks {
            return self.view_eks(ctx, eks);
        }
        let link = ctx.link();
        let Some(sim) = &self.sim else {
            return html! {
                <div class="app">
                    <header class="toolbar"><h1 class="brand">{ "Stevedore" }</h1><span>{ "The scenario failed to load" }</span></header>
                    { for self.load_errors.iter().map(|e| html! { <p class="error">{ e }</p> }) }
                </div>
            };
        };
        let duration = sim.scenario.duration;
        let input = canvas_input::CanvasInput::new(link);
        let on_query = link.callback(|e: InputEvent| Msg::Query(e.target_unchecked_into::<HtmlInputElement>().value()));
        let summary = summary(sim, !self.playing);
        // Test hook: where the first task block and instance card are drawn (CSS pixels).
        let centre = |r: &crate::layout::Rect| format!("{:.0},{:.0}", r.x + r.w / 2.0, r.y + r.h / 2.0);
        let first_task = self.scene.as_ref().and_then(|s| s.task_blocks.first()).map(|(_, r)| centre(r)).unwrap_or_default();
        let first_instance = self.scene.as_ref().and_then(|s| s.instance_cards.first()).map(|(_, r)| format!("{:.0},{:.0}", r.x + r.w - 12.0, r.y + 10.0)).unwrap_or_default();
        let matches = match &self.query_hits {
            Ok(Some(h)) => html! { <span class="query-count" id="query-count">{ format!("{} of {} instances match", h.iter().filter(|m| **m).count(), h.len()) }</span> },
            Ok(None) => html! {},
            Err(e) => html! { <span class="query-error" id="query-error">{ format!("{e}") }<br/><span class="mono caret">{ format!("{}^", " ".repeat(e.column.saturating_sub(1))) }</span></span> },
        };
        html! {
            <div class={classes!("app", self.projection.then_some("projection"), self.side_folded.then_some("side-folded"))}>
                <header class="toolbar">
                    <h1 class="brand">{ "Stevedore" }</h1>
                    <span class="scenario-name" title={sim.scenario.description.clone()}>{ &sim.scenario.name }</span>
                    { self.transport(link, "Step to the next moment the event log records (→)") }
                    <span class="clocks">
                        <output id="clock" class="clock" title="Time since the scenario started (the narrative and the event log use this clock)">{ format_clock(self.sim_time_ms as u64) }</output>
                        if let Some(wall) = wall_clock(sim, self.sim_time_ms as u64) {
                            <output id="wall-clock" class="wall-clock" title="The scenario's own time of day: its start plus the elapsed time">{ wall }</output>
                        }
                    </span>
                    { { let (usd, rate) = self.cost.borrow_mut().totals(sim); crate::cost_meter::meter_view(usd, rate) } }
                    { self.timeline(duration, &input) }
                    { self.view_toggles(link) }
                    <output id="summary" class="summary"
                        data-tasks={summary.tasks.to_string()} data-running={summary.running.to_string()}
                        data-instances={summary.instances.to_string()} data-healthy-targets={summary.healthy_targets.to_string()}
                        data-placements={summary.placements}>
                        { format!("{} tasks ({} running) · {} instances · {} healthy targets", summary.tasks, summary.running, summary.instances, summary.healthy_targets) }
                    </output>
                </header>
                { narrative::view(sim, self.sim_time_ms as u64, &link.callback(Msg::Seek)) }
                <main class={classes!("main", (self.tab == Tab::Compare).then_some("comparing"))}>
                    { self.cluster_canvas(&input, first_task, Some(first_instance), "Cluster view: Availability Zones, container instances and their tasks") }
                    <aside class="side" ref={self.side.clone()}>
                        <nav class="tabs" role="tablist">
                            { self.tab_button(link, "tab-inspect", Tab::Inspect, self.tab == Tab::Inspect, "Inspect") }
                            { self.tab_button(link, "tab-charts", Tab::Charts, self.tab == Tab::Charts, "Charts") }
                            { self.tab_button(link, "tab-platform", Tab::Platform, self.tab == Tab::Platform, "Platform") }
                            { self.tab_button(link, "tab-scenario", Tab::Scenario, self.tab == Tab::Scenario, "Scenario") }
                            if self.has_variants { { self.tab_button(link, "tab-compare", Tab::Compare, self.tab == Tab::Compare, "Compare") } }
                        </nav>
                        if self.tab == Tab::Charts {
                            { self.charts_view(ctx) }
                            { crate::cost_meter::charts_view(&self.cost.borrow().charts(sim), self.projection) }
                        } else if self.tab == Tab::Compare {
                            { crate::compare_view::tab(self.compare.as_ref(), &link.callback(Msg::Compare), self.projection) }
                        } else if self.tab == Tab::Platform {
                            { crate::platform::view(sim) }
                        } else if self.tab == Tab::Scenario {
                            { self.editor_panel(link) }
                        } else {
                        <section class="query">
                            <label for="query">{ "Cluster query" }</label>
                            <input id="query" type="text" class="mono" placeholder="attribute:ecs.instance-type =~ m5.*" value={self.query.clone()} oninput={on_query} spellcheck="false" />
                            { matches }
                        </section>
                        { inspector::view(sim, self.selection, &link.callback(Msg::Select)) }
                        { crate::cost_meter::selection_view(sim, self.selection) }
                        { event_log::view(sim, &self.log_filter, link.callback(Msg::LogFilter), &link.callback(Msg::Seek), &link.callback(Msg::SelectTaskId)) }
                        }
                    </aside>
                </main>
                if self.help { { keys::help(link.callback(|_| Msg::ToggleHelp)) } }
            </div>
        }
    }
}

impl App {
    /// The Scenario tab's editor, the same for an ECS scenario and an EKS manifest.
    fn editor_panel(&self, link: &yew::html::Scope<Self>) -> Html {
        editor::view(&EditorProps {
            text: &self.editor_text,
            errors: &self.editor_errors,
            applied: self.applied,
            lesson: &self.lesson,
            share_link: self.share_link.as_deref(),
            share_state: self.share_state,
            paste_error: self.paste_error.as_deref(),
        }, &EditorCallbacks {
            on_lesson: link.callback(Msg::Lesson),
            on_input: link.callback(Msg::EditorInput),
            on_apply: link.callback(|_| Msg::Apply),
            on_import: link.callback(Msg::Import),
            on_share: link.callback(|_| Msg::Share),
            on_paste_task_definition: link.callback(Msg::PasteTaskDefinition),
        })
    }

    fn charts_view(&self, ctx: &Context<Self>) -> Html {
        let Some(sim) = &self.sim else { return html! {} };
        if sim.services.is_empty() {
            return html! { <p>{ "No services to chart." }</p> };
        }
        let charts = crate::chart_data::service_charts(sim, self.chart_service.min(sim.services.len() - 1));
        let (w, h) = if self.projection { (340, 220) } else { (370, 180) };
        let on_pick = ctx.link().callback(|e: Event| Msg::ChartService(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value().parse().unwrap_or(0)));
        html! {
            <section class="charts" id="charts">
                <label for="chart-service">{ "Service" }</label>
                <select id="chart-service" onchange={on_pick}>
                    { for sim.services.iter().enumerate().map(|(k, s)| html! { <option value={k.to_string()} selected={k == self.chart_service}>{ &s.def.name }</option> }) }
                </select>
                if charts.iter().all(|c| c.lines.iter().all(|l| l.points.is_empty())) { <p>{ "Datapoints arrive once a minute: play the scenario." }</p> }
                { for charts.iter().map(|c| chart_figure(c, (w, h))) }
                <p class="label">{ "Orange verticals: scaling activities." }</p>
            </section>
        }
    }
}

/// One chart: its title, its canvas (drawn after render by `draw_charts`) and an HTML legend.
pub(crate) fn chart_figure(c: &crate::chart_data::Chart, (w, h): (u32, u32)) -> Html {
    html! {
        <figure class="chart-box">
            <figcaption class="chart-title">{ &c.title }</figcaption>
            <canvas id={c.id.clone()} class="chart" width={w.to_string()} height={h.to_string()} aria-label={c.title.clone()}></canvas>
            <ul class="legend" aria-label={format!("Legend: {}", c.title)}>
                { for c.lines.iter().map(|l| html! {
                    <li><span class={classes!("swatch", match l.stroke { crate::chart_data::Stroke::Dashed => "dashed", crate::chart_data::Stroke::Marked => "marked", crate::chart_data::Stroke::Solid => "solid" })} style={format!("--swatch: {}", l.colour)}></span>{ &l.label }</li>
                }) }
            </ul>
        </figure>
    }
}

/// The scenario's wall-clock time (`01:50:30 UTC`) when it differs from the elapsed clock:
/// a scenario that starts at midnight needs no second clock.
fn wall_clock(sim: &Sim, t: u64) -> Option<String> {
    let start = sim.scenario.start_unix_s;
    if start.rem_euclid(86_400) == 0 {
        return None;
    }
    let iso = stevedore_sim::time::format_iso(start + (t / 1000) as i64);
    Some(format!("{} UTC", iso.get(11..19)?))
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
    if with_placements && sim.tasks.len() <= 2000 {
        for t in sim.tasks.iter().filter(|t| t.live()) {
            let host = t.instance.map_or("fargate", |i| sim.instances[i].spec.ec2_instance_id.as_str());
            let port = t.bindings.first().map_or(0, |b| b.host_port);
            placements.push(format!("{}@{host}:{port}", t.id));
        }
        placements.sort_small();
    }
    Summary {
        placements: placements.join(","),
        tasks: sim.tasks.iter().filter(|t| t.live()).count(),
        running: sim.tasks.iter().filter(|t| t.last_status == TaskStatus::Running).count(),
        instances: sim.instances.len(),
        healthy_targets: (0..sim.aws.elb.len()).map(|tg| sim.healthy_targets(tg)).sum(),
    }
}

/// Appends a pasted task definition (RegisterTaskDefinition body, DescribeTaskDefinition output
/// or its `{"taskDefinition": ...}` wrapper) to the scenario's `taskDefinitions`.
fn add_task_definition(scenario: &str, pasted: &str) -> Result<String, String> {
    let td: serde_json::Value = serde_json::from_str(pasted).map_err(|e| format!("the pasted text is not JSON: {e}"))?;
    if !td.is_object() {
        return Err("a task definition is a JSON object".into());
    }
    let mut doc: serde_json::Value = serde_json::from_str(scenario).map_err(|e| format!("the scenario itself is not valid JSON yet: {e}"))?;
    let Some(root) = doc.as_object_mut() else { return Err("the scenario must be a JSON object".into()) };
    let list = root.entry("taskDefinitions").or_insert_with(|| serde_json::Value::Array(vec![]));
    let Some(list) = list.as_array_mut() else { return Err("taskDefinitions must be a list".into()) };
    list.push(td);
    serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::add_task_definition;

    #[test]
    fn pasting_a_task_definition_appends_it() {
        let out = add_task_definition(r#"{"name": "x"}"#, r#"{"taskDefinition": {"family": "web"}}"#).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["taskDefinitions"][0]["taskDefinition"]["family"], "web");
        assert!(add_task_definition(r#"{"name": "x"}"#, "not json").is_err());
        assert!(add_task_definition("[1]", "{}").is_err());
    }
}
