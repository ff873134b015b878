//! Draws charts with plotters on a canvas (the only plotting code that touches the browser).

use crate::chart_data::Chart;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

fn colour(hex: &str) -> RGBColor {
    let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0xffffff);
    RGBColor((v >> 16) as u8, (v >> 8) as u8, v as u8)
}

/// Draws one chart; errors (a canvas gone mid-draw) are ignored: the next frame redraws.
pub fn draw(canvas: HtmlCanvasElement, chart: &Chart, large: bool) {
    let _ = try_draw(canvas, chart, large);
}

fn try_draw(canvas: HtmlCanvasElement, chart: &Chart, large: bool) -> Option<()> {
    let root = CanvasBackend::with_canvas_object(canvas)?.into_drawing_area();
    root.fill(&RGBColor(30, 41, 59)).ok()?;
    let points = chart.lines.iter().flat_map(|l| l.points.iter());
    let x_max = points.clone().map(|p| p.0).fold(1.0, f64::max) + 1.0;
    let y_max = points.map(|p| p.1).fold(1.0, f64::max) * 1.15;
    let text = |size: u32| ("sans-serif", if large { size + 4 } else { size }).into_font().color(&RGBColor(203, 213, 225));
    let mut ctx = ChartBuilder::on(&root)
        .caption(&chart.title, text(13))
        .margin(6)
        .x_label_area_size(if large { 26 } else { 20 })
        .y_label_area_size(if large { 44 } else { 36 })
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .ok()?;
    ctx.configure_mesh()
        .light_line_style(RGBColor(51, 65, 85))
        .bold_line_style(RGBColor(71, 85, 105))
        .axis_style(RGBColor(100, 116, 139))
        .label_style(text(10))
        .x_desc("minute")
        .x_labels(6)
        .y_labels(5)
        .draw()
        .ok()?;
    for &m in &chart.marks {
        ctx.draw_series(LineSeries::new(vec![(m, 0.0), (m, y_max)], RGBColor(249, 115, 22).mix(0.45).stroke_width(1))).ok()?;
    }
    for line in &chart.lines {
        let style = colour(line.colour).stroke_width(if line.reference { 1 } else if large { 3 } else { 2 });
        ctx.draw_series(LineSeries::new(line.points.iter().copied(), style))
            .ok()?
            .label(line.label.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], style));
    }
    ctx.configure_series_labels().background_style(RGBColor(15, 23, 42).mix(0.8)).border_style(RGBColor(71, 85, 105)).label_font(text(10)).position(SeriesLabelPosition::UpperLeft).draw().ok()?;
    root.present().ok()
}
