//! Lays a chart out as display-list shapes (pure, tested natively; `paint` draws them): a grid
//! at round numbers, axis labels, the scaling-activity marks and the lines. Replaces plotters,
//! whose generic drawing stack cost more of the download than the rest of the charts.

use crate::chart_data::{Chart, Stroke, LABEL_PX, LABEL_PX_PROJECTION};
use crate::scene::{Align, Dash, Rect, Shape};

const BACKGROUND: &str = "#1e293b";
const GRID_LIGHT: &str = "#334155";
const GRID_BOLD: &str = "#475569";
const AXIS: &str = "#64748b";
const TEXT: &str = "#e2e8f0";
/// Scaling activities: the app's orange, half transparent so lines read through it.
const MARK: &str = "rgba(249, 115, 22, 0.45)";

/// Round tick values from 0 up to `max`, about `n` of them (steps of 1, 2 or 5 × 10ᵏ), and the
/// step of the lighter grid lines between them.
pub fn ticks(max: f64, n: usize) -> (Vec<f64>, f64) {
    let n = n.max(1);
    let p = 10f64.powf((max.max(1e-9) / n as f64).log10().floor());
    // Of the round steps near max/n, the one whose tick count is nearest n (the larger on a tie).
    let count = |step: f64| (max / step).floor() + 1.0;
    let (step, light) = [(10.0, 5.0), (5.0, 5.0), (2.0, 4.0), (1.0, 5.0)]
        .into_iter()
        .map(|(m, l)| (m * p, m * p / l))
        .min_by(|a, b| (count(a.0) - n as f64).abs().total_cmp(&(count(b.0) - n as f64).abs()))
        .unwrap_or((1.0, 0.2));
    // Bounded: at most n·10 + 1 ticks whatever the float rounding.
    let values = (0..=n * 10).map(|k| k as f64 * step).take_while(|v| *v <= max * (1.0 + 1e-9)).collect();
    (values, light)
}

fn label(v: f64, decimals: bool) -> String {
    if decimals {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

/// The chart's shapes on a `w`×`h` canvas (CSS pixels). `large`: projection-mode type and lines.
pub fn layout(chart: &Chart, w: f64, h: f64, large: bool) -> Vec<Shape> {
    let px = if large { LABEL_PX_PROJECTION } else { LABEL_PX } as f64;
    let points = chart.lines.iter().flat_map(|l| l.points.iter());
    let x_max = points.clone().map(|p| p.0).fold(1.0, f64::max) + 1.0;
    let y_max = points.map(|p| p.1).fold(1.0, f64::max) * 1.15;
    // Margins: 8 px round the figure, room for y labels on the left, x labels and the axis
    // name below, half a label on the right so the last x label is not cut.
    let plot = Rect { x: 8.0 + 3.0 * px, y: 8.0, w: (w - 8.0 - 3.0 * px - (px + 6.0)).max(1.0), h: (h - 16.0 - (2.0 * px + 10.0)).max(1.0) };
    let sx = |x: f64| plot.x + x / x_max * plot.w;
    let sy = |y: f64| plot.bottom() - (y / y_max).clamp(0.0, 1.0) * plot.h;
    let mut out = vec![Shape::Rect { r: Rect { x: 0.0, y: 0.0, w, h }, fill: BACKGROUND.into(), stroke: None, radius: 0.0 }];
    let line = |from: (f64, f64), to: (f64, f64), colour: &str| Shape::Line { from, to, colour: colour.into(), width: 1.0, dash: Dash::Solid };

    let (xs, x_light) = ticks(x_max, 6);
    let (ys, y_light) = ticks(y_max, 5);
    // Light lines first, bold ones (at the labelled values) over them.
    for k in 1..=((x_max / x_light) as usize).min(200) {
        let x = (sx(k as f64 * x_light)).round() + 0.5;
        out.push(line((x, plot.y), (x, plot.bottom()), GRID_LIGHT));
    }
    for k in 1..=((y_max / y_light) as usize).min(200) {
        let y = sy(k as f64 * y_light).round() + 0.5;
        out.push(line((plot.x, y), (plot.right(), y), GRID_LIGHT));
    }
    for &v in &xs {
        let x = sx(v).round() + 0.5;
        out.push(line((x, plot.y), (x, plot.bottom()), GRID_BOLD));
        out.push(Shape::Text { x, y: plot.bottom() + px + 4.0, text: label(v, false), size: px, colour: TEXT.into(), align: Align::Centre, bold: false });
    }
    for &v in &ys {
        let y = sy(v).round() + 0.5;
        out.push(line((plot.x, y), (plot.right(), y), GRID_BOLD));
        out.push(Shape::Text { x: plot.x - 6.0, y: y + 0.35 * px, text: label(v, y_max < 10.0), size: px, colour: TEXT.into(), align: Align::Right, bold: false });
    }
    out.push(Shape::Text { x: plot.x + plot.w / 2.0, y: h - 8.0, text: "minute".into(), size: px, colour: TEXT.into(), align: Align::Centre, bold: false });
    let (left, bottom) = (plot.x.round() + 0.5, plot.bottom().round() + 0.5);
    out.push(line((left, plot.y), (left, bottom), AXIS));
    out.push(line((left, bottom), (plot.right(), bottom), AXIS));

    for &m in &chart.marks {
        let x = sx(m);
        out.push(line((x, plot.y), (x, plot.bottom()), MARK));
    }
    let width: f64 = if large { 3.0 } else { 2.0 };
    // Solid lines first, dashed ones over them: a dashed line on a solid one shows both.
    let (solid, dashed): (Vec<_>, Vec<_>) = chart.lines.iter().partition(|l| l.stroke != Stroke::Dashed);
    for l in solid.into_iter().chain(dashed) {
        let stroke_w = if l.reference { (width - 1.0).max(1.0) } else { width };
        let pts: Vec<(f64, f64)> = l.points.iter().map(|&(x, y)| (sx(x), sy(y))).collect();
        let dash = if l.stroke == Stroke::Dashed { Dash::Dashed } else { Dash::Solid };
        if l.stroke == Stroke::Marked {
            let r = if large { 4.0 } else { 3.0 };
            out.push(Shape::Path { points: pts.clone(), colour: l.colour.into(), width: stroke_w, dash });
            out.extend(pts.iter().map(|&(x, y)| Shape::Rect { r: Rect { x: x - r, y: y - r, w: 2.0 * r, h: 2.0 * r }, fill: l.colour.into(), stroke: None, radius: r }));
        } else {
            out.push(Shape::Path { points: pts, colour: l.colour.into(), width: stroke_w, dash });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart_data::Line;

    fn chart(lines: Vec<Line>, marks: Vec<f64>) -> Chart {
        Chart { id: "c".into(), title: "t".into(), lines, marks }
    }

    fn line(colour: &'static str, stroke: Stroke, points: Vec<(f64, f64)>) -> Line {
        Line { label: colour.into(), colour, points, reference: false, stroke }
    }

    fn texts(shapes: &[Shape]) -> Vec<(String, f64, f64, Align)> {
        shapes.iter().filter_map(|s| if let Shape::Text { text, x, y, align, .. } = s { Some((text.clone(), *x, *y, *align)) } else { None }).collect()
    }

    #[test]
    fn ticks_are_round_numbers_from_zero_to_the_top() {
        assert_eq!(ticks(31.0, 6).0, [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0]);
        assert_eq!(ticks(115.0, 5).0, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(2.3, 5).0, [0.0, 0.5, 1.0, 1.5, 2.0]);
        assert_eq!(ticks(3.45, 5).0, [0.0, 1.0, 2.0, 3.0]);
        let (t, light) = ticks(1_441.0, 6);
        assert_eq!(t.last(), Some(&1_400.0));
        assert_eq!(light, 50.0);
        // Degenerate ranges stay bounded.
        assert!(ticks(0.0, 6).0.len() <= 61);
    }

    #[test]
    fn every_point_lands_inside_the_plot_and_the_axes_are_labelled() {
        let c = chart(vec![line("#38bdf8", Stroke::Solid, (0..30).map(|m| (m as f64, 40.0 + m as f64)).collect())], vec![12.0]);
        let shapes = layout(&c, 600.0, 240.0, false);
        let Some(Shape::Path { points, width, .. }) = shapes.iter().find(|s| matches!(s, Shape::Path { .. })) else { panic!("no line") };
        assert_eq!(points.len(), 30);
        assert_eq!(*width, 2.0);
        for &(x, y) in points {
            assert!((8.0 + 36.0..=600.0 - 18.0).contains(&x) && (8.0..=240.0 - 8.0 - 34.0).contains(&y), "({x}, {y})");
        }
        // Later minutes further right, higher values further up.
        assert!(points[29].0 > points[0].0 && points[29].1 < points[0].1);
        let t = texts(&shapes);
        let labels: Vec<&str> = t.iter().map(|x| x.0.as_str()).collect();
        assert!(labels.contains(&"minute") && labels.contains(&"30") && labels.contains(&"60"), "{labels:?}");
        // y labels sit right-aligned left of the plot.
        assert!(t.iter().filter(|x| x.3 == Align::Right).all(|x| x.1 < 44.0));
        assert!(shapes.iter().any(|s| matches!(s, Shape::Line { colour, .. } if colour == MARK)), "the activity is marked");
    }

    #[test]
    fn dashed_lines_draw_over_solid_ones_and_markers_dot_each_datapoint() {
        let pts: Vec<(f64, f64)> = (0..5).map(|m| (m as f64, 3.0)).collect();
        let c = chart(vec![line("#f97316", Stroke::Dashed, pts.clone()), line("#22c55e", Stroke::Marked, pts.clone())], vec![]);
        let shapes = layout(&c, 400.0, 200.0, true);
        let paths: Vec<(&str, Dash, f64)> = shapes.iter().filter_map(|s| if let Shape::Path { colour, dash, width, .. } = s { Some((colour.as_str(), *dash, *width)) } else { None }).collect();
        assert_eq!(paths, [("#22c55e", Dash::Solid, 3.0), ("#f97316", Dash::Dashed, 3.0)]);
        let dots = shapes.iter().filter(|s| matches!(s, Shape::Rect { fill, radius, .. } if fill == "#22c55e" && *radius == 4.0)).count();
        assert_eq!(dots, 5);
        // A small range gets one decimal; projection-size type.
        let t = texts(&shapes);
        assert!(t.iter().any(|x| x.0 == "1.0"), "{t:?}");
        assert!(shapes.iter().all(|s| !matches!(s, Shape::Text { size, .. } if *size < 16.0)));
    }

    #[test]
    fn an_empty_chart_draws_its_grid_without_lines() {
        let shapes = layout(&chart(vec![], vec![]), 300.0, 150.0, false);
        assert!(matches!(&shapes[0], Shape::Rect { fill, .. } if fill == BACKGROUND));
        assert!(!shapes.iter().any(|s| matches!(s, Shape::Path { .. })));
        assert!(texts(&shapes).iter().any(|t| t.0 == "minute"));
    }
}
