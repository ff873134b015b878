//! `stevedore compare`: one table, a column per run (the base, then each variant).

use stevedore_sim::compare::Summary;

type Row = (&'static str, fn(&Summary) -> String);

const ROWS: &[Row] = &[
    ("cost", |s| crate::bill::money(s.cost_usd)),
    ("cost per hour now", |s| crate::bill::money(s.cost_per_hour_usd)),
    ("cost per 1,000 requests", |s| s.usd_per_1000_requests.map_or("-".into(), crate::bill::money)),
    ("tasks running min/avg/max", |s| format!("{:.0}/{:.1}/{:.0}", s.tasks_running_min, s.tasks_running_avg, s.tasks_running_max)),
    ("unplaced task-minutes", |s| format!("{:.0}", s.unplaced_task_minutes)),
    ("pending task-minutes", |s| format!("{:.0}", s.pending_task_minutes)),
    ("p95 CPU", |s| s.p95_cpu_percent.map_or("-".into(), |p| format!("{p:.1}%"))),
    ("requests served", |s| format!("{:.0}", s.requests_served)),
    ("requests failed (5xx)", |s| format!("{:.0}", s.requests_failed)),
    ("scaling activities", |s| s.scaling_activities.to_string()),
    ("interruptions", |s| s.interruptions.to_string()),
    ("instances used/launched", |s| format!("{}/{}", s.instances_used, s.instances_launched)),
];

pub fn render(runs: &[Summary]) -> String {
    let label_w = ROWS.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let cells: Vec<Vec<String>> = ROWS.iter().map(|(_, f)| runs.iter().map(f).collect()).collect();
    let widths: Vec<usize> = (0..runs.len()).map(|k| cells.iter().map(|row| row[k].len()).chain([runs[k].name.len()]).max().unwrap_or(0)).collect();
    let mut out = format!("{:<label_w$}", "");
    for (s, w) in runs.iter().zip(&widths) {
        out.push_str(&format!("  {:>w$}", s.name));
    }
    out.push('\n');
    for ((label, _), row) in ROWS.iter().zip(&cells) {
        out.push_str(&format!("{label:<label_w$}"));
        for (cell, w) in row.iter().zip(&widths) {
            out.push_str(&format!("  {cell:>w$}"));
        }
        out.push('\n');
    }
    if let Some(first) = runs.first() {
        out.push_str(&format!("\nAll runs to {} s, same seed and traffic.\n", first.elapsed_seconds));
    }
    out
}
