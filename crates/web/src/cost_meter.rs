//! What the run has cost: the toolbar meter, the cost history behind the cost charts, and the
//! cost lines shown in the inspector. The sim prices everything (`cost::Meter`, `cost::bill`);
//! this module only samples and words it.

use crate::chart_data::{Chart, Line, Stroke};
use crate::inspector::Selection;
use stevedore_sim::cost::{self, Meter};
use stevedore_sim::Sim;
use yew::prelude::*;

const MINUTE_MS: u64 = 60_000;

/// The running meter plus one sample per sim minute passed: (minute, total USD, USD per hour).
#[derive(Debug, Clone, Default)]
pub struct CostHistory {
    meter: Meter,
    /// The last totals and the sim time they are for (a paused app asks every frame).
    last: Option<(u64, f64, f64)>,
    pub samples: Vec<(f64, f64, f64)>,
}

impl CostHistory {
    /// `(total so far, rate per hour)` in USD at the sim's current time.
    pub fn totals(&mut self, sim: &Sim) -> (f64, f64) {
        match self.last {
            Some((at, usd, rate)) if at == sim.now() => (usd, rate),
            _ => {
                let (usd, rate) = self.meter.totals(sim);
                self.last = Some((sim.now(), usd, rate));
                (usd, rate)
            }
        }
    }

    /// Advances `sim` to `t` a minute at a time so a jump leaves the same history as playing.
    /// The sim is event-driven: stepping costs the events it would process anyway.
    pub fn advance(&mut self, sim: &mut Sim, t: u64) {
        let first = sim.now() / MINUTE_MS + 1;
        for m in first..=t / MINUTE_MS {
            sim.advance_to(m * MINUTE_MS);
            self.record(sim);
        }
        sim.advance_to(t);
    }

    /// The sim was replaced by a copy taken at `now`: the meter starts over on it, and samples
    /// after `now` go (they belong to the run the copy replaced).
    pub fn rewound(&mut self, now: u64) {
        self.meter = Meter::default();
        self.last = None;
        let minute = (now / MINUTE_MS) as f64;
        while self.samples.last().is_some_and(|s| s.0 > minute) {
            self.samples.pop();
        }
    }

    /// Takes a sample when the sim has entered a minute not yet sampled (call after advancing).
    pub fn record(&mut self, sim: &Sim) {
        let minute = (sim.now() / MINUTE_MS) as f64;
        // A replay from the start (seeking back) drops what lies ahead of it.
        while self.samples.last().is_some_and(|s| s.0 > minute) {
            self.samples.pop();
        }
        if self.samples.last().is_none_or(|s| s.0 < minute) && sim.now() > 0 {
            let (usd, rate) = self.totals(sim);
            self.samples.push((minute, usd, rate));
        }
    }

    /// The cost charts: cumulative USD and USD per hour, scaling activities marked.
    pub fn charts(&self, sim: &Sim) -> Vec<Chart> {
        let marks: Vec<f64> = sim.activities.iter().map(|a| a.at as f64 / MINUTE_MS as f64).collect();
        let line = |label: &str, colour, pick: fn(&(f64, f64, f64)) -> f64| Line { label: label.into(), colour, points: self.samples.iter().map(|s| (s.0, pick(s))).collect(), reference: false, stroke: Stroke::Solid };
        vec![
            Chart { id: "chart-cost".into(), title: "Cost so far (USD)".into(), lines: vec![line("total $", "#34d399", |s| s.1)], marks: marks.clone() },
            Chart { id: "chart-cost-rate".into(), title: "Cost rate (USD per hour)".into(), lines: vec![line("$/hour", "#fbbf24", |s| s.2)], marks },
        ]
    }
}

/// Dollars as a teacher reads them: cents once there are dollars, more digits below a dime.
pub fn money(usd: f64) -> String {
    if usd.abs() >= 1.0 {
        format!("${usd:.2}")
    } else if usd.abs() >= 0.1 || usd == 0.0 {
        format!("${usd:.3}")
    } else {
        format!("${usd:.4}")
    }
}

/// The toolbar meter: "$1.23 · $0.41/h".
pub fn meter_text(usd: f64, per_hour: f64) -> String {
    format!("{} · {}/h", money(usd), money(per_hour))
}

pub fn meter_view(usd: f64, per_hour: f64) -> Html {
    html! {
        <output id="cost-meter" class="cost-meter" data-usd={format!("{usd:.6}")} data-usd-per-hour={format!("{per_hour:.6}")}
            title="What this run has cost so far, and what it costs per hour now (on-demand list prices; see the bill with stevedore run --cost)">
            { meter_text(usd, per_hour) }
        </output>
    }
}

/// The Charts tab's cost section (drawn by `App::draw_charts`).
pub fn charts_view(charts: &[Chart], large: bool) -> Html {
    let (w, h) = if large { (340, 220) } else { (370, 180) };
    html! {
        <section class="charts cost-charts" id="cost-charts">
            <h3>{ "What it costs" }</h3>
            { for charts.iter().map(|c| figure(c, w, h)) }
        </section>
    }
}

/// A chart as the Charts tab shows one: HTML title, the canvas, an HTML legend.
pub fn figure(c: &Chart, w: u32, h: u32) -> Html {
    html! {
        <figure class="chart-box">
            <figcaption class="chart-title">{ &c.title }</figcaption>
            <canvas id={c.id.clone()} class="chart" width={w.to_string()} height={h.to_string()} aria-label={c.title.clone()}></canvas>
            <ul class="legend" aria-label={format!("Legend: {}", c.title)}>
                { for c.lines.iter().map(|l| html! {
                    <li><span class={classes!("swatch", match l.stroke { Stroke::Dashed => "dashed", Stroke::Marked => "marked", Stroke::Solid => "solid" })} style={format!("--swatch: {}", l.colour)}></span>{ &l.label }</li>
                }) }
            </ul>
        </figure>
    }
}

/// Cost lines for the inspector: the selected task's own charge (Fargate) and its service's
/// total, or the selected instance's charge.
pub fn selection_view(sim: &Sim, selection: Option<Selection>) -> Html {
    let (own_id, service) = match selection {
        Some(Selection::Task(t)) if t < sim.tasks.len() => (sim.tasks[t].id.clone(), sim.tasks[t].service.map(|s| sim.services[s].def.name.clone())),
        Some(Selection::Instance(i)) if i < sim.instances.len() => (sim.instances[i].spec.ec2_instance_id.clone(), None),
        _ => return html! {},
    };
    let bill = cost::bill(sim);
    let own: f64 = bill.lines.iter().filter(|l| l.resource_id == own_id).map(|l| l.usd).sum();
    let billed_here = bill.lines.iter().any(|l| l.resource_id == own_id);
    let service_usd = service.as_ref().map(|name| bill.lines.iter().filter(|l| l.service.as_deref() == Some(name.as_str())).map(|l| l.usd).sum::<f64>());
    html! {
        <section class="cost-inspector" id="cost-inspector">
            <h3>{ "Cost so far" }</h3>
            <dl class="facts">
                if billed_here { <dt>{ "This resource" }</dt><dd class="mono">{ money(own) }</dd> }
                if let (Some(name), Some(usd)) = (&service, service_usd) {
                    <dt>{ format!("Service {name}") }</dt><dd class="mono" id="cost-service">{ money(usd) }</dd>
                }
                <dt>{ "Whole run" }</dt><dd class="mono">{ money(bill.total_usd) }</dd>
            </dl>
            if !billed_here && matches!(selection, Some(Selection::Task(_))) {
                <p class="label">{ "An EC2 task is billed through its instance; the service's share is its Fargate tasks." }</p>
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lesson(id: &str) -> Sim {
        Sim::new(stevedore_sim::load(crate::scenarios::find(id).unwrap().json).unwrap())
    }

    #[test]
    fn stepping_by_minutes_gives_the_same_total_as_one_jump_and_a_sample_per_minute() {
        let mut a = lesson("cost-spot-ondemand-fargate");
        let mut b = lesson("cost-spot-ondemand-fargate");
        let mut history = CostHistory::default();
        history.advance(&mut a, 90 * MINUTE_MS + 30_000);
        b.advance_to(90 * MINUTE_MS + 30_000);
        assert_eq!(history.samples.len(), 90);
        assert!((history.totals(&a).0 - cost::bill(&b).total_usd).abs() < 1e-9);
        // Cumulative cost never falls.
        assert!(history.samples.windows(2).all(|w| w[1].1 >= w[0].1));
        assert!(history.samples.last().unwrap().1 > 0.0);
        // A replay drops the future.
        let mut c = lesson("cost-spot-ondemand-fargate");
        history.advance(&mut c, 10 * MINUTE_MS);
        assert_eq!(history.samples.len(), 10);
    }

    #[test]
    fn a_seek_back_to_a_checkpoint_leaves_the_history_and_total_that_playing_gives() {
        let mut played = lesson("cost-spot-ondemand-fargate");
        let mut history = CostHistory::default();
        history.advance(&mut played, 90 * MINUTE_MS);
        let expected = history.samples.clone();
        // Copies taken while playing: restore the one at 30 minutes, as the app's seek does.
        let mut copy = lesson("cost-spot-ondemand-fargate");
        copy.advance_to(30 * MINUTE_MS);
        let mut restored = copy.clone();
        history.rewound(restored.now());
        assert_eq!(history.samples.len(), 30);
        history.advance(&mut restored, 90 * MINUTE_MS);
        assert_eq!(history.samples.len(), expected.len());
        for (a, b) in history.samples.iter().zip(&expected) {
            assert!(a.0 == b.0 && (a.1 - b.1).abs() < 1e-9 && (a.2 - b.2).abs() < 1e-9, "{a:?} vs {b:?}");
        }
        assert!((history.totals(&restored).0 - cost::bill(&played).total_usd).abs() < 1e-9);
    }

    #[test]
    fn scaling_activities_are_marked_on_the_cost_charts() {
        let mut sim = lesson("cost-target-tracking-vs-step");
        let mut history = CostHistory::default();
        history.advance(&mut sim, 60 * MINUTE_MS);
        let charts = history.charts(&sim);
        assert_eq!(charts.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["chart-cost", "chart-cost-rate"]);
        assert!(!sim.activities.is_empty());
        assert_eq!(charts[0].marks.len(), sim.activities.len());
    }

    #[test]
    fn money_reads_at_a_glance() {
        assert_eq!(meter_text(1.234, 0.41), "$1.23 · $0.410/h");
        assert_eq!(money(0.0123), "$0.0123");
        assert_eq!(money(0.0), "$0.000");
    }
}
