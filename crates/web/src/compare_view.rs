//! The Compare view: the base scenario and its `variants` run on the app's clock, side by side
//! in one table (the columns of `stevedore compare`) and in overlaid charts, one colour each.
//! Each run is its own `Sim` built by `compare::scenarios`, so it is the CLI's run exactly.

use crate::chart_data::{Chart, Line, Stroke};
use crate::cost_meter::{money, CostHistory};
use crate::layout::{layout, View};
use stevedore_sim::compare::{self, Summary};
use stevedore_sim::model::scaling::Statistic;
use stevedore_sim::{Scenario, Sim};
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// One colour per run, in order (the base first).
const COLOURS: &[&str] = &["#94a3b8", "#38bdf8", "#f472b6", "#34d399", "#fbbf24", "#a78bfa", "#fb7185", "#2dd4bf"];

pub enum CompareMsg {
    Pick(usize),
    /// The patch text as typed (every keystroke): kept, so a redraw never puts back the old text.
    DraftPatch(usize, String),
    /// Rerun the variant with this patch text (on leaving the box, or its Rerun button).
    EditPatch(usize, String),
    /// Rerun the variant with the text last typed.
    Rerun(usize),
}

pub struct Run {
    pub name: String,
    scenario: Scenario,
    sim: Sim,
    cost: CostHistory,
    pub picked: bool,
    /// The variant's patch as the user last typed it (empty for the base).
    patch_text: String,
    error: Option<String>,
}

pub struct Compare {
    /// The scenario document the runs came from; patch edits go into it.
    doc: serde_json::Value,
    /// Bumped by every pick or edit, so the canvases redraw.
    generation: u64,
    pub runs: Vec<Run>,
}

fn run_of(name: String, scenario: Scenario, patch_text: String) -> Run {
    let mut sim = Sim::new(scenario.clone());
    sim.explain_full = false;
    Run { name, scenario, sim, cost: CostHistory::default(), picked: true, patch_text, error: None }
}

impl Compare {
    /// The runs of `text`, or `None` when it names no variants.
    pub fn new(text: &str) -> Result<Option<Compare>, String> {
        let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let patches: Vec<String> = match doc.get("variants").and_then(|v| v.as_array()) {
            Some(list) if !list.is_empty() => list.iter().map(|v| serde_json::to_string_pretty(&v["patch"]).unwrap_or_default()).collect(),
            _ => return Ok(None),
        };
        let runs = compare::scenarios(text).map_err(|es| es.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))?;
        let runs = runs.into_iter().enumerate().map(|(k, (name, s))| run_of(name, s, if k == 0 { String::new() } else { patches[k - 1].clone() })).collect();
        Ok(Some(Compare { doc, generation: 0, runs }))
    }

    /// Brings every picked run to sim time `t` (replaying one from the start to go back).
    pub fn advance_to(&mut self, t: u64) {
        for run in self.runs.iter_mut().filter(|r| r.picked) {
            let t = t.min(run.scenario.duration);
            if run.sim.now() > t {
                run.sim = Sim::new(run.scenario.clone());
                run.sim.explain_full = false;
            }
            run.cost.advance(&mut run.sim, t);
        }
    }

    pub fn update(&mut self, msg: CompareMsg) {
        self.generation += 1;
        match msg {
            CompareMsg::Pick(k) => {
                if let Some(run) = self.runs.get_mut(k) {
                    run.picked = !run.picked;
                }
            }
            CompareMsg::DraftPatch(k, text) => {
                if let Some(run) = self.runs.get_mut(k).filter(|_| k > 0) {
                    run.patch_text = text;
                }
            }
            CompareMsg::EditPatch(k, text) => self.edit_patch(k, text),
            CompareMsg::Rerun(k) => {
                if let Some(text) = self.runs.get(k).map(|r| r.patch_text.clone()) {
                    self.edit_patch(k, text);
                }
            }
        }
    }

    /// Puts the edited patch into the document and reruns that variant from the start; a patch
    /// that does not parse or apply keeps the old run and shows why.
    fn edit_patch(&mut self, k: usize, text: String) {
        if k == 0 || k >= self.runs.len() {
            return;
        }
        self.runs[k].patch_text = text.clone();
        let patch: serde_json::Value = match serde_json::from_str(&text) {
            Ok(p) => p,
            Err(e) => {
                self.runs[k].error = Some(format!("$.variants[{}].patch: not JSON: {e}", k - 1));
                return;
            }
        };
        let mut doc = self.doc.clone();
        doc["variants"][k - 1]["patch"] = patch;
        match compare::scenarios(&doc.to_string()) {
            Ok(mut runs) if runs.len() == self.runs.len() => {
                let (name, scenario) = runs.swap_remove(k);
                let picked = self.runs[k].picked;
                self.runs[k] = Run { picked, ..run_of(name, scenario, text) };
                self.doc = doc;
            }
            Ok(_) => self.runs[k].error = Some("the edited scenario has a different number of variants".into()),
            Err(es) => self.runs[k].error = Some(es.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")),
        }
    }

    /// Overlaid charts: cost so far and tasks running, one line per picked run.
    pub fn charts(&self) -> Vec<Chart> {
        let picked = || self.runs.iter().enumerate().filter(|(_, r)| r.picked);
        let cost = picked().map(|(k, r)| Line { label: r.name.clone(), colour: COLOURS[k % COLOURS.len()], points: r.cost.samples.iter().map(|s| (s.0, s.1)).collect(), reference: false, stroke: stroke(k) }).collect();
        let tasks = picked().map(|(k, r)| Line { label: r.name.clone(), colour: COLOURS[k % COLOURS.len()], points: running_tasks(&r.sim), reference: false, stroke: stroke(k) }).collect();
        vec![
            Chart { id: "compare-chart-cost".into(), title: "Cost so far (USD)".into(), lines: cost, marks: vec![] },
            Chart { id: "compare-chart-tasks".into(), title: "Tasks running".into(), lines: tasks, marks: vec![] },
        ]
    }

    /// Draws the charts and each run's picture, skipping canvases already showing this state
    /// (a paused app renders every frame; a canvas remembers what it shows in `data-drawn`).
    pub fn draw_charts(&self, large: bool) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let canvas = |id: &str| document.get_element_by_id(id).and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok());
        let state = format!("{}:{large}:{}", self.generation, self.runs.iter().map(|r| if r.picked { r.sim.now() } else { 0 }).map(|t| t.to_string()).collect::<Vec<_>>().join(","));
        let fresh = |c: &HtmlCanvasElement| {
            let done = c.get_attribute("data-drawn").as_deref() == Some(state.as_str());
            let _ = c.set_attribute("data-drawn", &state);
            !done
        };
        for chart in self.charts() {
            if let Some(c) = canvas(&chart.id).filter(|c| fresh(c)) {
                crate::charts::draw(c, &chart, large);
            }
        }
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        for (k, run) in self.runs.iter().enumerate().filter(|(_, r)| r.picked) {
            if let Some(c) = canvas(&format!("compare-picture-{k}")).filter(|c| fresh(c)) {
                draw_picture(&c, &run.sim, dpr);
            }
        }
    }

    pub fn view(&self, on: &Callback<CompareMsg>, large: bool) -> Html {
        let summaries: Vec<(usize, Summary)> = self.runs.iter().enumerate().filter(|(_, r)| r.picked).map(|(k, r)| (k, Summary::of(&r.name, &r.sim))).collect();
        let cells: Vec<[String; 12]> = summaries.iter().map(|(_, s)| compare::table::cells(s, money)).collect();
        let (w, h) = if large { (560, 240) } else { (520, 200) };
        html! {
            <section class="compare" id="compare">
                <h2>{ "Compare designs on the same traffic" }</h2>
                <p class="label">{ "Every run shares the seed and the traffic, and follows the clock above." }</p>
                <div class="compare-picks">
                    { for self.runs.iter().enumerate().map(|(k, r)| html! {
                        <label class="compare-pick" style={format!("--run-colour: {}", COLOURS[k % COLOURS.len()])}>
                            <input type="checkbox" id={format!("compare-pick-{k}")} checked={r.picked} onchange={on.reform(move |_| CompareMsg::Pick(k))} />
                            { &r.name }
                        </label>
                    }) }
                </div>
                <div class="compare-table-wrap">
                    <table class="compare-table" id="compare-table">
                        <thead><tr>
                            <th scope="col">{ "" }</th>
                            { for summaries.iter().map(|(k, s)| html! {
                                <th scope="col" data-run={s.name.clone()} data-cost={format!("{:.6}", s.cost_usd)} data-elapsed={s.elapsed_seconds.to_string()} style={format!("--run-colour: {}", COLOURS[k % COLOURS.len()])}>{ &s.name }</th>
                            }) }
                        </tr></thead>
                        <tbody>
                            { for compare::table::ROWS.iter().enumerate().map(|(row, label)| html! {
                                <tr>
                                    <th scope="row">{ *label }</th>
                                    { for cells.iter().map(|c| html! { <td class="mono">{ c[row].clone() }</td> }) }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                <div class="compare-pictures">
                    { for self.runs.iter().enumerate().filter(|(_, r)| r.picked).map(|(k, r)| html! {
                        <figure class="compare-picture" style={format!("--run-colour: {}", COLOURS[k % COLOURS.len()])}>
                            <figcaption>{ &r.name }</figcaption>
                            <canvas id={format!("compare-picture-{k}")} aria-label={format!("{}: the cluster", r.name)}></canvas>
                        </figure>
                    }) }
                </div>
                <div class="compare-charts">
                    { for self.charts().iter().map(|c| crate::cost_meter::figure(c, w, h)) }
                </div>
                <h3>{ "Variant patches (JSON Patch, RFC 6902)" }</h3>
                { for self.runs.iter().enumerate().skip(1).map(|(k, r)| html! {
                    <details class="compare-patch">
                        <summary>{ &r.name }</summary>
                        <textarea id={format!("compare-patch-{k}")} class="mono" spellcheck="false" rows="8" value={r.patch_text.clone()}
                            oninput={on.reform(move |e: InputEvent| CompareMsg::DraftPatch(k, e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value()))}
                            onchange={on.reform(move |e: Event| CompareMsg::EditPatch(k, e.target_unchecked_into::<web_sys::HtmlTextAreaElement>().value()))} />
                        <button id={format!("compare-rerun-{k}")} class="tool compare-rerun" onclick={on.reform(move |_| CompareMsg::Rerun(k))}>{ "Rerun this variant" }</button>
                        if let Some(e) = &r.error {
                            <p class="label">{ "This patch was not applied; the run shown is the last one that was." }</p>
                            <pre class="error" id={format!("compare-error-{k}")}>{ e }</pre>
                        }
                    </details>
                }) }
            </section>
        }
    }
}

/// Whether a scenario's text names variants (the Compare tab shows only then).
pub fn has_variants(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).ok().and_then(|v| v.get("variants")?.as_array().map(|a| !a.is_empty())).unwrap_or(false)
}

/// The Compare tab: the runs, or why there are none.
pub fn tab(compare: Option<&Result<Compare, String>>, on: &Callback<CompareMsg>, large: bool) -> Html {
    match compare {
        Some(Ok(c)) => c.view(on, large),
        Some(Err(e)) => html! { <section class="compare" id="compare"><p class="error">{ "A variant could not be loaded:" }</p><pre class="error">{ e }</pre></section> },
        None => html! { <section class="compare" id="compare"><p>{ "This scenario names no variants. Add \"variants\": [{\"name\": ..., \"patch\": [...]}] to compare designs (see docs/scenario-format.md)." }</p></section> },
    }
}

/// The layout the picture is made at, then shrunk to the canvas: the cluster view's own
/// proportions, so a shrunk run reads like the big one.
const PICTURE_W: f64 = 760.0;
const PICTURE_H: f64 = 470.0;

fn draw_picture(canvas: &HtmlCanvasElement, sim: &Sim, dpr: f64) {
    let w = canvas.client_width().max(1) as f64;
    let (pw, ph) = ((w * dpr).round() as u32, (w * PICTURE_H / PICTURE_W * dpr).round() as u32);
    if canvas.width() != pw || canvas.height() != ph {
        canvas.set_width(pw);
        canvas.set_height(ph);
    }
    let Some(ctx) = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok()) else { return };
    let view = View { width: PICTURE_W, height: PICTURE_H, projection: false, highlight: None, selected_task: None, selected_instance: None, arriving: &[], arriving_instances: &[], departing: &[], phase_s: 0.0, caption_window_ms: 0, zoom: crate::zoom::Zoom::default() };
    crate::paint::paint(&ctx, &layout(sim, &view), dpr * w / PICTURE_W, &crate::zoom::Zoom::default());
}

/// Runs with equal numbers draw on top of each other: patterns tell them apart, not colour alone.
fn stroke(k: usize) -> Stroke {
    [Stroke::Solid, Stroke::Dashed, Stroke::Marked][k % 3]
}

/// RUNNING tasks over all services, per minute.
fn running_tasks(sim: &Sim) -> Vec<(f64, f64)> {
    // Every (minute, value), then summed per minute in the same order as the series (a stable
    // sort keeps it), without a map type of its own in the wasm.
    let mut values: Vec<(u64, f64)> = Vec::new();
    for key in sim.metrics.keys().filter(|k| k.namespace == "ECS/ContainerInsights" && k.name == "RunningTaskCount") {
        let Some(series) = sim.metrics.get(key) else { continue };
        for m in series.minutes() {
            if let Some(v) = sim.metric_value(key, Statistic::Average, m, m + 1) {
                values.push((m, v));
            }
        }
    }
    stevedore_sim::sort::SortSmall::sort_small_by(&mut values[..], |a, b| a.0.cmp(&b.0));
    let mut out: Vec<(u64, f64)> = Vec::new();
    for (m, v) in values {
        match out.last_mut() {
            Some(last) if last.0 == m => last.1 += v,
            // From 0.0, as the map's entry started (so −0.0 sums as it did).
            _ => out.push((m, 0.0 + v)),
        }
    }
    out.into_iter().map(|(m, v)| (m as f64, v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(id: &str) -> &'static str {
        crate::scenarios::find(id).unwrap().json
    }

    #[test]
    fn the_runs_match_the_cli_comparison_on_one_clock() {
        let text = lesson("cost-spot-ondemand-fargate");
        let mut c = Compare::new(text).unwrap().expect("the lesson has variants");
        c.advance_to(3_600_000);
        let cli = compare::compare(text, Some(3_600_000)).unwrap();
        let app: Vec<Summary> = c.runs.iter().map(|r| Summary::of(&r.name, &r.sim)).collect();
        assert_eq!(app, cli);
        let charts = c.charts();
        assert_eq!(charts[0].lines.len(), 4);
        assert_eq!(charts[0].lines[0].points.len(), 60);
        assert!(charts[1].lines.iter().all(|l| l.points.last().is_some_and(|p| p.1 > 0.0)));
        // Going back replays.
        c.advance_to(600_000);
        assert!(c.runs.iter().all(|r| r.sim.now() == 600_000 && r.cost.samples.len() == 10));
    }

    #[test]
    fn unpicked_runs_stand_still_and_leave_the_charts() {
        let mut c = Compare::new(lesson("cost-binpack-vs-spread")).unwrap().unwrap();
        c.update(CompareMsg::Pick(0));
        c.advance_to(120_000);
        assert_eq!(c.runs[0].sim.now(), 0);
        assert_eq!(c.charts()[0].lines.len(), c.runs.len() - 1);
    }

    #[test]
    fn editing_a_patch_reruns_that_variant_and_a_bad_patch_says_where() {
        let text = lesson("cost-spot-ondemand-fargate");
        let mut c = Compare::new(text).unwrap().unwrap();
        c.advance_to(600_000);
        let before = Summary::of("x", &c.runs[1].sim).cost_usd;
        c.update(CompareMsg::EditPatch(1, "[]".into()));
        assert!(c.runs[1].error.is_none());
        assert_eq!(c.runs[1].sim.now(), 0, "the edited variant starts again");
        c.advance_to(600_000);
        assert_eq!(Summary::of("x", &c.runs[1].sim).cost_usd, Summary::of("x", &c.runs[0].sim).cost_usd, "an empty patch is the base");
        assert_ne!(before, Summary::of("x", &c.runs[1].sim).cost_usd);
        c.update(CompareMsg::EditPatch(1, r#"[{"op": "replace", "path": "/nope/0", "value": 1}]"#.into()));
        assert!(c.runs[1].error.as_deref().is_some_and(|e| e.contains("$.variants[0].patch")), "{:?}", c.runs[1].error);
        assert_eq!(c.runs[1].sim.now(), 600_000, "a bad patch keeps the run");
        // Typing keeps the text as typed; Rerun applies it, and a bad one keeps text and run.
        let typed = r#"[{"op": "add", "path": "/services/0/desiredCount", "value": "#;
        c.update(CompareMsg::DraftPatch(1, typed.into()));
        assert_eq!(c.runs[1].patch_text, typed);
        c.update(CompareMsg::Rerun(1));
        assert!(c.runs[1].error.as_deref().is_some_and(|e| e.contains("$.variants[0].patch: not JSON")));
        assert_eq!((c.runs[1].patch_text.as_str(), c.runs[1].sim.now()), (typed, 600_000));
        c.update(CompareMsg::DraftPatch(1, "[]".into()));
        c.update(CompareMsg::Rerun(1));
        assert!(c.runs[1].error.is_none() && c.runs[1].sim.now() == 0);
        assert!(Compare::new(lesson("first-light")).unwrap().is_none());
    }
}
