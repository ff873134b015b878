//! `stevedore compare`: one table, a column per run (the base, then each variant).

use stevedore_sim::compare::table::{cells, ROWS};
use stevedore_sim::compare::Summary;

pub fn render(runs: &[Summary]) -> String {
    let label_w = ROWS.iter().map(|r| r.len()).max().unwrap_or(0);
    let per_run: Vec<[String; 12]> = runs.iter().map(|s| cells(s, crate::bill::money)).collect();
    let grid: Vec<Vec<String>> = (0..ROWS.len()).map(|r| per_run.iter().map(|c| c[r].clone()).collect()).collect();
    let widths: Vec<usize> = (0..runs.len()).map(|k| grid.iter().map(|row| row[k].len()).chain([runs[k].name.len()]).max().unwrap_or(0)).collect();
    let mut out = format!("{:<label_w$}", "");
    for (s, w) in runs.iter().zip(&widths) {
        out.push_str(&format!("  {:>w$}", s.name));
    }
    out.push('\n');
    for (label, row) in ROWS.iter().zip(&grid) {
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
