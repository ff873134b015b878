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

/// Cost lines for the inspector: the selected task's own charge (Fargate) or its share of its
/// instance (EC2), and its service's total; or the selected instance's charge, split over its
/// tasks' services and its unused capacity.
pub fn selection_view(sim: &Sim, selection: Option<Selection>) -> Html {
    let (own_id, service, instance) = match selection {
        Some(Selection::Task(t)) if t < sim.tasks.len() => (sim.tasks[t].id.clone(), sim.tasks[t].service.map(|s| sim.services[s].def.name.clone()), false),
        Some(Selection::Instance(i)) if i < sim.instances.len() => (sim.instances[i].spec.ec2_instance_id.clone(), None, true),
        _ => return html! {},
    };
    let bill = cost::bill(sim);
    let facts = selection_facts(&bill, &own_id, service.as_deref(), instance);
    html! {
        <section class="cost-inspector" id="cost-inspector">
            <h3>{ "Cost so far" }</h3>
            <dl class="facts">
                { for facts.iter().map(|(label, id, usd)| html! {
                    <><dt>{ label }</dt><dd class="mono" id={*id}>{ money(*usd) }</dd></>
                }) }
            </dl>
            if !instance && facts.iter().any(|f| f.1 == "cost-share") {
                <p class="label">{ "An EC2 task's share of its instance: its reserved vCPU and memory, weighted 9:1 as AWS's split cost allocation does." }</p>
            }
        </section>
    }
}

/// The inspector's cost lines as (label, element id, dollars), pure so it is tested natively.
pub fn selection_facts(bill: &cost::Bill, own_id: &str, service: Option<&str>, instance: bool) -> Vec<(String, &'static str, f64)> {
    let mut out = Vec::new();
    if bill.lines.iter().any(|l| l.resource_id == own_id) {
        out.push(("This resource".to_string(), "cost-own", bill.lines.iter().filter(|l| l.resource_id == own_id).map(|l| l.usd).sum()));
    }
    if let Some(share) = bill.split.iter().find(|s| s.task_id == own_id) {
        out.push((format!("Share of {}", share.instance_id), "cost-share", share.usd));
    }
    if instance {
        // The instance's charge by who held it: services first, unused capacity last.
        let mut rows: Vec<(String, f64)> = Vec::new();
        for s in bill.split.iter().filter(|s| s.instance_id == own_id) {
            let name = match (&s.service, s.task_id == cost::split::UNUSED) {
                (_, true) => "Unused capacity (no task reserved it)".to_string(),
                (Some(n), false) => format!("Its tasks of service {n}"),
                (None, false) => "Its tasks outside services".to_string(),
            };
            match rows.iter_mut().find(|r| r.0 == name) {
                Some(r) => r.1 += s.usd,
                None => rows.push((name, s.usd)),
            }
        }
        out.extend(rows.into_iter().map(|(n, usd)| { let id = if n.starts_with("Unused") { "cost-unused" } else { "cost-instance-service" }; (n, id, usd) }));
    }
    if let Some(name) = service {
        let usd = bill.by_service().into_iter().find(|s| s.0 == name).map_or(0.0, |s| s.1);
        out.push((format!("Service {name}"), "cost-service", usd));
    }
    out.push(("Whole run".to_string(), "cost-total", bill.total_usd));
    out
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
    fn the_inspector_splits_an_instance_and_charges_an_ec2_task_its_share() {
        let mut sim = lesson("first-light");
        sim.advance_to(30 * MINUTE_MS);
        let bill = cost::bill(&sim);
        let inst = &sim.instances[0].spec.ec2_instance_id;
        let facts = selection_facts(&bill, inst, None, true);
        let own = facts.iter().find(|f| f.1 == "cost-own").unwrap().2;
        let parts: f64 = facts.iter().filter(|f| f.1 == "cost-unused" || f.1 == "cost-instance-service").map(|f| f.2).sum();
        assert!((own - parts).abs() < 1e-9, "the instance's services and unused capacity make its charge");
        assert!(facts.iter().any(|f| f.0 == "Its tasks of service web") && facts.iter().any(|f| f.1 == "cost-unused"));
        let task = sim.tasks.iter().find(|t| t.exists() && t.instance.is_some()).unwrap();
        let facts = selection_facts(&bill, &task.id, Some("web"), false);
        assert_eq!(facts.iter().map(|f| f.1).collect::<Vec<_>>(), ["cost-share", "cost-service", "cost-total"]);
        let web = facts[1].2;
        let shares: f64 = bill.split.iter().filter(|s| s.service.as_deref() == Some("web")).map(|s| s.usd).sum();
        assert!(web > facts[0].2 && (web - shares).abs() < 1e-12, "the service's cost is its tasks' shares");
    }

    #[test]
    fn money_reads_at_a_glance() {
        assert_eq!(meter_text(1.234, 0.41), "$1.23 · $0.410/h");
        assert_eq!(money(0.0123), "$0.0123");
        assert_eq!(money(0.0), "$0.000");
    }
}
